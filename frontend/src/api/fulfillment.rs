//! Fulfillment as the portal reads it: an order's shipments (with their
//! tracking history and, for the customer, the pickup code), the routing
//! and shipment entries of its timeline, pickup points and the shipping
//! fee each delivery method would cost for the cart.

use super::types::Money;
use super::{ApiError, queries, request};
use crate::schema::{DeliveryMethod, RoutingRule, ShipmentAction, ShipmentStatus, TrackingSource};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::future::Future;

/// A place customers collect PICKUP orders at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupPoint {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub region: String,
}

/// Units of one SKU in a shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentLine {
    pub sku: String,
    pub quantity: i64,
}

/// One step of a shipment's tracking history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    pub status: ShipmentStatus,
    /// In the carrier's (or staff's) words, as recorded.
    pub description: String,
    pub location: Option<String>,
    /// RFC 3339 in the merchant's time zone.
    pub at: String,
    pub source: TrackingSource,
}

/// A parcel of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    pub id: String,
    /// `SO-2026-000123-1`.
    pub number: String,
    pub order_number: String,
    /// The code of the warehouse it ships from.
    pub warehouse: String,
    pub status: ShipmentStatus,
    pub method: DeliveryMethod,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub weight_grams: Option<i64>,
    pub lines: Vec<ShipmentLine>,
    /// Oldest first.
    pub events: Vec<TrackingEvent>,
    pub pickup_point: Option<PickupPoint>,
    /// Only the order's customer gets it.
    #[serde(default)]
    pub pickup_code: Option<String>,
    #[serde(default)]
    pub pickup_locked: bool,
    /// What the caller may do next (the console selects it).
    #[serde(default)]
    pub available_transitions: Vec<ShipmentAction>,
    pub created_at: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

impl Shipment {
    /// Whether the caller may take `action` now.
    pub fn can(&self, action: ShipmentAction) -> bool {
        self.available_transitions.contains(&action)
    }
}

/// A warehouse and SKUs (of a routing decision).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingPart {
    pub warehouse: String,
    pub skus: Vec<String>,
}

/// Routing's decision, on a ROUTED timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRouting {
    pub rule: RoutingRule,
    /// Each warehouse used, with the SKUs it ships.
    pub parts: Vec<RoutingPart>,
    /// Warehouses passed over, with the SKUs they lack.
    #[serde(default)]
    pub passed_over: Vec<RoutingPart>,
}

/// A shipment's step, on a SHIPMENT timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventShipment {
    pub number: String,
    pub warehouse: String,
    pub status: ShipmentStatus,
}

/// What each delivery method would cost for the cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingQuotes {
    pub express: Money,
    pub postal: Money,
    pub pickup: Money,
}

impl ShippingQuotes {
    /// The fee of `method`.
    pub fn fee(&self, method: DeliveryMethod) -> &Money {
        match method {
            DeliveryMethod::Express => &self.express,
            DeliveryMethod::Postal => &self.postal,
            DeliveryMethod::Pickup => &self.pickup,
        }
    }
}

/// The fee of each method for these `(sku, quantity)` lines. A line the
/// shop does not sell (or no line at all) makes the quote fail; the caller
/// then shows the methods' flat fees.
pub fn shipping_quotes(
    lines: Vec<(String, u32)>,
) -> impl Future<Output = Result<ShippingQuotes, ApiError>> + Send + 'static {
    let lines: Vec<_> = lines
        .into_iter()
        .map(|(sku, quantity)| json!({ "sku": sku, "quantity": quantity }))
        .collect();
    let fut = (!lines.is_empty())
        .then(|| request::<ShippingQuotes>(queries::SHIPPING_QUOTES, json!({ "lines": lines })));
    async move {
        match fut {
            Some(fut) => fut.await,
            None => Err(ApiError::InvalidInput {
                field: Some("lines".into()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn a_shipment_decodes_from_the_contract_shape() {
        let resp = json!({"data": {"shipment": {
            "id": "s1", "number": "SO-1-1", "orderNumber": "SO-1", "warehouse": "PEK-PICKUP",
            "status": "READY_FOR_PICKUP", "method": "PICKUP", "carrier": null, "trackingNumber": null,
            "weightGrams": 1200, "lines": [{"sku": "AUD-001", "quantity": 2}],
            "events": [{"status": "PENDING", "description": "Received", "location": null,
                "at": "2026-11-26T02:00:00+08:00", "source": "SYSTEM"}],
            "pickupPoint": {"code": "PEK-PICKUP", "name": "Beijing desk", "region": "BJ"},
            "pickupCode": "483920", "pickupLocked": false,
            "createdAt": "2026-11-26T02:00:00+08:00", "shippedAt": null, "deliveredAt": null
        }}});
        #[derive(Deserialize)]
        struct Data {
            shipment: Shipment,
        }
        let s = decode::<Data>(resp).map(|d| d.shipment);
        assert!(s.is_ok_and(|s| s.method == DeliveryMethod::Pickup
            && s.status == ShipmentStatus::ReadyForPickup
            && s.pickup_code.as_deref() == Some("483920")
            && s.events[0].source == TrackingSource::System
            && s.pickup_point.is_some_and(|p| p.name == "Beijing desk")));
    }

    #[test]
    fn quotes_decode_by_alias_and_answer_per_method() {
        let m = |a: &str| json!({"amount": a, "currencyCode": "CNY"});
        let resp =
            json!({"data": {"express": m("20.00"), "postal": m("8.00"), "pickup": m("0.00")}});
        let q = decode::<ShippingQuotes>(resp);
        assert!(
            q.is_ok_and(|q| q.fee(DeliveryMethod::Postal).amount == "8.00"
                && q.fee(DeliveryMethod::Pickup).minor() == Some(0))
        );
    }
}
