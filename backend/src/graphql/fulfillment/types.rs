//! Fulfillment types of the API: enums mapped one-to-one onto the domain's,
//! the shipment object and the small objects and inputs around it.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::auth::Principal;
use crate::domain::fulfillment as rules;
use crate::graphql::context::{principal, state};
use crate::graphql::orders::OrderLineInput;
use crate::graphql::types::{Money, PageInfo};
use crate::services::fulfillment as svc;

/// How an order reaches the customer.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeliveryMethod {
    /// Next-day carrier service, from any warehouse.
    Express,
    /// The postal service: cheaper, slower, from any warehouse.
    Postal,
    /// The customer collects the order at a pickup point.
    Pickup,
}

/// Where a shipment is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ShipmentStatus {
    /// Waiting to be picked.
    Pending,
    /// Being picked from the shelves.
    Picking,
    /// Packed and weighed; waiting for the carrier (or the pickup shelf).
    Packed,
    /// Handed to the carrier.
    Shipped,
    /// On its way.
    InTransit,
    /// With the courier for delivery today.
    OutForDelivery,
    /// Delivered to the customer.
    Delivered,
    /// On the pickup shelf, waiting for the customer.
    ReadyForPickup,
    /// Collected by the customer with the pickup code.
    PickedUp,
    /// The carrier reports a problem (address, refusal, damage).
    Exception,
    /// Going back to the warehouse.
    ReturnedToSender,
    /// Cancelled with its order before it left.
    Cancelled,
}

/// What staff can do to a shipment next.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ShipmentAction {
    /// `startPicking`.
    StartPicking,
    /// `packShipment`.
    Pack,
    /// `shipShipment` (EXPRESS, POSTAL).
    Ship,
    /// `markReadyForPickup` (PICKUP).
    MarkReady,
    /// `handOverPickup` with the customer's code (PICKUP).
    HandOver,
    /// `recordTrackingEvent` (once shipped).
    RecordTrackingEvent,
}

/// Who recorded a tracking event.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TrackingSource {
    /// The carrier's push (or the sandbox carrier's).
    Carrier,
    /// Warehouse staff, by hand.
    Staff,
    /// The system, as the shipment moved.
    System,
}

/// How routing chose warehouses.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RoutingRule {
    /// One warehouse with everything first, then by warehouse priority.
    FewestShipments,
    /// Warehouses nearest the shipping region first (the region table).
    NearestRegion,
    /// Only the pickup point the customer chose.
    Pickup,
}

macro_rules! map_enum {
    ($a:ty, $b:ty, [$($v:ident),*]) => {
        impl From<$a> for $b { fn from(x: $a) -> $b { match x { $(<$a>::$v => <$b>::$v,)* } } }
        impl From<$b> for $a { fn from(x: $b) -> $a { match x { $(<$b>::$v => <$a>::$v,)* } } }
    };
}
map_enum!(
    DeliveryMethod,
    rules::DeliveryMethod,
    [Express, Postal, Pickup]
);
map_enum!(
    ShipmentStatus,
    rules::ShipmentStatus,
    [
        Pending,
        Picking,
        Packed,
        Shipped,
        InTransit,
        OutForDelivery,
        Delivered,
        ReadyForPickup,
        PickedUp,
        Exception,
        ReturnedToSender,
        Cancelled
    ]
);
map_enum!(TrackingSource, rules::EventSource, [Carrier, Staff, System]);
map_enum!(
    RoutingRule,
    rules::routing::Rule,
    [FewestShipments, NearestRegion, Pickup]
);

/// Units of one SKU in a shipment.
#[derive(SimpleObject)]
pub struct ShipmentLine {
    /// Product SKU.
    pub sku: String,
    /// Units.
    pub quantity: i64,
}

/// One step of a shipment's tracking history.
#[derive(SimpleObject)]
pub struct TrackingEvent {
    /// The status this event reports.
    pub status: ShipmentStatus,
    /// What happened, in the carrier's (or staff's) words.
    pub description: String,
    /// Where, if known.
    pub location: Option<String>,
    /// When, in the merchant's time zone.
    pub at: DateTime<FixedOffset>,
    /// Who recorded it.
    pub source: TrackingSource,
}

/// A place customers collect orders at.
#[derive(SimpleObject, Clone)]
pub struct PickupPoint {
    /// Code to pass as `pickupPoint` at checkout.
    pub code: String,
    /// Name shown to customers.
    pub name: String,
    /// Region it serves.
    pub region: String,
}

/// One parcel (or pickup) of an order, from one warehouse.
pub struct Shipment(pub rules::Shipment);

fn staff_action(a: rules::ShipmentAction) -> Option<ShipmentAction> {
    match a {
        rules::ShipmentAction::StartPicking => Some(ShipmentAction::StartPicking),
        rules::ShipmentAction::Pack => Some(ShipmentAction::Pack),
        rules::ShipmentAction::Ship => Some(ShipmentAction::Ship),
        rules::ShipmentAction::MarkReady => Some(ShipmentAction::MarkReady),
        rules::ShipmentAction::HandOver => Some(ShipmentAction::HandOver),
        rules::ShipmentAction::Report(_) => Some(ShipmentAction::RecordTrackingEvent),
        rules::ShipmentAction::Cancel => None,
    }
}

/// A parcel of an order: where it ships from, its lines, carrier and
/// tracking number, and its history.
#[Object]
impl Shipment {
    /// Opaque id, for the shipment commands.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The order number and a sequence, e.g. `SO-2026-000123-1`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The order it belongs to.
    async fn order_number(&self) -> &str {
        &self.0.order_number
    }
    /// Code of the warehouse it ships from.
    async fn warehouse(&self) -> &str {
        &self.0.warehouse_code
    }
    /// Where it is.
    async fn status(&self) -> ShipmentStatus {
        self.0.status.into()
    }
    /// How it reaches the customer.
    async fn method(&self) -> DeliveryMethod {
        self.0.method.into()
    }
    /// The carrier's code, once shipped (e.g. `SF`, `SANDBOX`).
    async fn carrier(&self) -> Option<&str> {
        self.0.carrier.as_deref()
    }
    /// The carrier's tracking number, once shipped.
    async fn tracking_number(&self) -> Option<&str> {
        self.0.tracking_number.as_deref()
    }
    /// The parcel's weight in grams, once packed.
    async fn weight_grams(&self) -> Option<i64> {
        self.0.weight_grams
    }
    /// What it contains.
    async fn lines(&self) -> Vec<ShipmentLine> {
        self.0
            .lines
            .iter()
            .map(|l| ShipmentLine {
                sku: l.sku.clone(),
                quantity: l.quantity,
            })
            .collect()
    }
    /// Its tracking history, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<TrackingEvent>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self
            .0
            .events
            .iter()
            .map(|e| TrackingEvent {
                status: e.status.into(),
                description: e.description.clone(),
                location: e.location.clone(),
                at: zone.local(e.at),
                source: e.source.into(),
            })
            .collect())
    }
    /// PICKUP: where the customer collects it.
    async fn pickup_point(&self) -> Option<PickupPoint> {
        self.0.pickup_point.as_ref().map(|p| PickupPoint {
            code: p.code.clone(),
            name: p.name.clone(),
            region: p.region.clone(),
        })
    }
    /// PICKUP: the code the customer shows at the desk. Only the customer
    /// sees it; staff verify it with `handOverPickup`.
    async fn pickup_code(&self, ctx: &Context<'_>) -> Option<String> {
        match principal(ctx) {
            Principal::User { role, .. } if *role == crate::domain::auth::Role::Customer => {
                self.0.pickup_code.clone()
            }
            _ => None,
        }
    }
    /// PICKUP: too many wrong codes; support or an admin must `unlockPickup`.
    async fn pickup_locked(&self) -> bool {
        self.0.pickup_locked
    }
    /// What the caller may do next.
    async fn available_transitions(&self, ctx: &Context<'_>) -> Vec<ShipmentAction> {
        let p = principal(ctx);
        let mut out: Vec<ShipmentAction> = Vec::new();
        for a in rules::ShipmentAction::all() {
            if rules::refusal(p, self.0.status, a, self.0.method).is_none()
                && let Some(x) = staff_action(a)
                && !out.contains(&x)
            {
                out.push(x);
            }
        }
        out
    }
    /// When the warehouse received it.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.created_at))
    }
    /// When it left (with the carrier or the customer).
    async fn shipped_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.shipped_at.map(|t| zone.local(t)))
    }
    /// When the customer got it.
    async fn delivered_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.delivered_at.map(|t| zone.local(t)))
    }
}

/// A shipping method's rate.
#[derive(SimpleObject)]
pub struct ShippingRate {
    /// The method.
    pub method: DeliveryMethod,
    /// Flat fee per order.
    pub flat: Money,
    /// Fee per started kilogram.
    pub per_kg: Money,
    /// Fee per item.
    pub per_item: Money,
    /// Free from this subtotal on, if ever.
    pub free_above: Option<Money>,
}

/// A method's new rate, in minor units of the shop's currency.
#[derive(InputObject)]
pub struct ShippingRateInput {
    /// The method.
    pub method: DeliveryMethod,
    /// Flat fee per order, 0 to 10000000.
    pub flat_minor: i64,
    /// Fee per started kilogram.
    pub per_kg_minor: i64,
    /// Fee per item.
    pub per_item_minor: i64,
    /// Free from this subtotal on; none: never free.
    pub free_above_minor: Option<i64>,
}

/// One warehouse's rank for a shipping region (nearest-region routing).
#[derive(SimpleObject)]
pub struct RegionWarehouse {
    /// The shipping address's region, compared case-insensitively.
    pub region: String,
    /// The warehouse's code.
    pub warehouse: String,
    /// 1 = nearest.
    pub rank: i32,
}

impl From<svc::RegionRank> for RegionWarehouse {
    fn from(r: svc::RegionRank) -> Self {
        RegionWarehouse {
            region: r.region,
            warehouse: r.warehouse_code,
            rank: r.rank,
        }
    }
}

/// What to quote.
#[derive(InputObject)]
pub struct ShippingQuoteInput {
    /// What would be bought.
    pub lines: Vec<OrderLineInput>,
    /// Where it would ship (the region is kept for future regional rates).
    pub shipping_address: Option<crate::graphql::orders::AddressInput>,
    /// How.
    pub method: DeliveryMethod,
}

/// The work queue's filter (combined with AND).
#[derive(InputObject, Default)]
pub struct ShipmentFilter {
    /// Warehouse code.
    pub warehouse: Option<String>,
    /// Status.
    pub status: Option<ShipmentStatus>,
    /// Delivery method.
    pub method: Option<DeliveryMethod>,
}

/// Units of a SKU to ship now.
#[derive(InputObject)]
pub struct ShipLineInput {
    /// Product SKU (one of the shipment's).
    pub sku: String,
    /// Units, at most what the shipment holds.
    pub quantity: i64,
}

/// A shipment and its cursor.
#[derive(SimpleObject)]
pub struct ShipmentEdge {
    /// Opaque position; pass as `after`.
    pub cursor: String,
    /// The shipment.
    pub node: Shipment,
}

/// A page of the shipment queue, oldest first.
#[derive(SimpleObject)]
pub struct ShipmentConnection {
    /// The shipments of this page.
    pub edges: Vec<ShipmentEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Shipments matching, over all pages.
    pub total_count: i64,
}
