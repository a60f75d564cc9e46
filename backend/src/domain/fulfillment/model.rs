//! A shipment as the rest of the system sees it. Services build these from
//! stored rows (an unknown stored status or method is an error there).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{DeliveryMethod, ShipmentStatus};

/// Units of one product in a shipment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipmentLine {
    pub product_id: Uuid,
    pub sku: String,
    pub quantity: i64,
}

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    /// The carrier's push (or the sandbox carrier's).
    Carrier,
    /// Entered by warehouse staff.
    Staff,
    /// Recorded by the system as the shipment moved.
    System,
}

impl EventSource {
    pub const ALL: [EventSource; 3] = [
        EventSource::Carrier,
        EventSource::Staff,
        EventSource::System,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventSource::Carrier => "CARRIER",
            EventSource::Staff => "STAFF",
            EventSource::System => "SYSTEM",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One step of a shipment's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingEvent {
    pub status: ShipmentStatus,
    pub description: String,
    pub location: Option<String>,
    pub at: DateTime<Utc>,
    pub source: EventSource,
}

/// One parcel (or pickup) of an order from one warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shipment {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub warehouse_id: Uuid,
    pub warehouse_code: String,
    pub method: DeliveryMethod,
    pub status: ShipmentStatus,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub weight_grams: Option<i64>,
    pub pickup_code: Option<String>,
    /// PICKUP: where the customer collects it (its warehouse).
    pub pickup_point: Option<PickupPoint>,
    pub pickup_locked: bool,
    pub pickup_failures: i32,
    pub lines: Vec<ShipmentLine>,
    /// Oldest first.
    pub events: Vec<TrackingEvent>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A place customers collect orders at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickupPoint {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub region: String,
}
