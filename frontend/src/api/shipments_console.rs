//! The console's fulfillment reads: the warehouse work queue, one
//! shipment with what the caller may do to it, and a packing slip (the
//! shipment and its order's address). Shipments move only through plain
//! form posts handled by the backend
//! (`backend/src/http/portal_forms/fulfillment.rs`), which run the
//! mutations below in-process; only reads go through [`super::request`].

use super::fulfillment::{Shipment, ShipmentLine};
use super::orders::{Address, Customer, WarehouseRef};
use super::types::PageInfo;
use super::{ApiError, request};
use crate::schema::{DeliveryMethod, ShipmentAction, ShipmentStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::future::Future;

/// Shipments per page of the work queue and the pickup desk.
pub const QUEUE_PAGE_SIZE: i64 = 20;

/// A shipment as the console's shipment page and packing slip select it.
macro_rules! shipment_fields {
    () => {
        "{ id number orderNumber warehouse status method carrier trackingNumber weightGrams \
lines { sku quantity } events { status description location at source } \
pickupPoint { code name region } pickupLocked availableTransitions createdAt shippedAt deliveredAt }"
    };
}

/// The work queue (also the pickup desk's list, and the pickup desk
/// form's search by number), with the warehouses to filter by.
pub const SHIPMENT_QUEUE: &str = "query ShipmentQueue($filter: ShipmentFilter, $first: Int!, $after: String) { \
shipments(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } \
edges { cursor node { id number orderNumber warehouse status method pickupLocked createdAt lines { sku quantity } } } } \
warehouses { code name isPickupPoint } }";

/// One shipment with the warehouses it could move to.
pub const SHIPMENT_PAGE: &str = concat!(
    "query ShipmentPage($id: ID!) { shipment(id: $id) ",
    shipment_fields!(),
    " warehouses { code name isPickupPoint } }"
);

/// One shipment, for its packing slip.
pub const PACKING_SLIP: &str = concat!(
    "query PackingSlip($id: ID!) { shipment(id: $id) ",
    shipment_fields!(),
    " }"
);

/// What a packing slip shows of the order.
pub const SLIP_ORDER: &str = "query SlipOrder($number: String!) { order(number: $number) { \
number placedAt customer { name email } \
shippingAddress { name phone line1 line2 city region postalCode country } } }";

/// What every shipment mutation selects.
macro_rules! moved {
    () => {
        " { id number status } }"
    };
}

pub const START_PICKING: &str = concat!(
    "mutation StartPicking($id: ID!) { startPicking(shipmentId: $id)",
    moved!()
);
pub const PACK_SHIPMENT: &str = concat!(
    "mutation PackShipment($id: ID!, $weightGrams: Int!) { ",
    "packShipment(shipmentId: $id, weightGrams: $weightGrams)",
    moved!()
);
pub const SHIP_SHIPMENT: &str = concat!(
    "mutation ShipShipment($id: ID!, $carrier: String!, $trackingNumber: String!, $lines: [ShipLineInput!]) { ",
    "shipShipment(shipmentId: $id, carrier: $carrier, trackingNumber: $trackingNumber, lines: $lines)",
    moved!()
);
pub const MARK_READY_FOR_PICKUP: &str = concat!(
    "mutation MarkReadyForPickup($id: ID!) { markReadyForPickup(shipmentId: $id)",
    moved!()
);
pub const HAND_OVER_PICKUP: &str = concat!(
    "mutation HandOverPickup($id: ID!, $pickupCode: String!) { ",
    "handOverPickup(shipmentId: $id, pickupCode: $pickupCode)",
    moved!()
);
pub const UNLOCK_PICKUP: &str = concat!(
    "mutation UnlockPickup($id: ID!) { unlockPickup(shipmentId: $id)",
    moved!()
);
pub const MOVE_SHIPMENT: &str = concat!(
    "mutation MoveShipment($id: ID!, $warehouseCode: String!) { ",
    "moveShipment(shipmentId: $id, warehouseCode: $warehouseCode)",
    moved!()
);
pub const RECORD_TRACKING_EVENT: &str = concat!(
    "mutation RecordTrackingEvent($id: ID!, $status: ShipmentStatus!, $description: String!, $location: String) { ",
    "recordTrackingEvent(shipmentId: $id, status: $status, description: $description, location: $location)",
    moved!()
);

/// `(operation name, document)` for every document above (a backend test
/// validates each against the schema, with `queries::ALL`).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("ShipmentQueue", SHIPMENT_QUEUE),
    ("ShipmentPage", SHIPMENT_PAGE),
    ("PackingSlip", PACKING_SLIP),
    ("SlipOrder", SLIP_ORDER),
    ("StartPicking", START_PICKING),
    ("PackShipment", PACK_SHIPMENT),
    ("ShipShipment", SHIP_SHIPMENT),
    ("MarkReadyForPickup", MARK_READY_FOR_PICKUP),
    ("HandOverPickup", HAND_OVER_PICKUP),
    ("UnlockPickup", UNLOCK_PICKUP),
    ("MoveShipment", MOVE_SHIPMENT),
    ("RecordTrackingEvent", RECORD_TRACKING_EVENT),
];

impl Shipment {
    /// Whether the caller may move it to another warehouse: nobody has
    /// started picking it, it is not a pickup (those ship from their
    /// pickup point), and the caller may pick (the same roles).
    pub fn can_move(&self) -> bool {
        self.status == ShipmentStatus::Pending
            && self.method != DeliveryMethod::Pickup
            && self.can(ShipmentAction::StartPicking)
    }
}

/// A shipment as the queue lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedShipment {
    pub id: String,
    pub number: String,
    pub order_number: String,
    pub warehouse: String,
    pub status: ShipmentStatus,
    pub method: DeliveryMethod,
    pub pickup_locked: bool,
    pub created_at: String,
    pub lines: Vec<ShipmentLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEdge {
    pub cursor: String,
    pub node: QueuedShipment,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentQueue {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<QueueEdge>,
}

/// `data` of [`SHIPMENT_QUEUE`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentQueueData {
    pub shipments: ShipmentQueue,
    pub warehouses: Vec<WarehouseRef>,
}

/// `data` of [`SHIPMENT_PAGE`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentPageData {
    pub shipment: Shipment,
    pub warehouses: Vec<WarehouseRef>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SlipShipmentData {
    shipment: Shipment,
}

/// What a packing slip shows of the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlipOrder {
    pub number: String,
    pub placed_at: String,
    pub customer: Customer,
    pub shipping_address: Address,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SlipOrderData {
    order: SlipOrder,
}

/// A packing slip: the shipment, and its order when the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackingSlip {
    pub shipment: Shipment,
    pub order: Option<SlipOrder>,
}

/// The queue's filter, as typed into its GET form (`warehouse`,
/// `status`, `method`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilterForm {
    pub warehouse: String,
    pub status: String,
    pub method: String,
}

impl QueueFilterForm {
    /// Query-string fields, in form order: `(name, value)`.
    pub fn pairs(&self) -> [(&'static str, &str); 3] {
        [
            ("warehouse", &self.warehouse),
            ("status", &self.status),
            ("method", &self.method),
        ]
    }

    /// `path?name=value&…` with blanks left out, and `status` replaced
    /// by `status` (a tab's link; `None` for every status).
    pub fn href(&self, path: &str, status: Option<ShipmentStatus>) -> String {
        let status = status.map(ShipmentStatus::as_str).unwrap_or_default();
        let mut parts = Vec::new();
        for (k, v) in self.pairs() {
            let v = if k == "status" { status } else { v.trim() };
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        match parts.is_empty() {
            true => path.to_owned(),
            false => format!("{path}?{}", parts.join("&")),
        }
    }

    /// The next page's address: this filter and `after=cursor`.
    pub fn next_href(&self, path: &str, cursor: &str) -> String {
        let base = self.href(path, ShipmentStatus::parse(self.status.trim()));
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}after={}", encode(cursor))
    }

    /// The `ShipmentFilter` input: unknown or blank values left out.
    pub fn to_filter(&self) -> Value {
        let mut m = Map::new();
        let warehouse = self.warehouse.trim();
        if !warehouse.is_empty() {
            m.insert("warehouse".into(), json!(warehouse));
        }
        if let Some(status) = ShipmentStatus::parse(self.status.trim()) {
            m.insert("status".into(), json!(status));
        }
        if let Some(method) = DeliveryMethod::parse(self.method.trim()) {
            m.insert("method".into(), json!(method));
        }
        Value::Object(m)
    }
}

/// Percent-encodes one query-string value.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `AUD-001 × 2, TEA-001 × 1`.
pub fn lines_summary(lines: &[ShipmentLine]) -> String {
    lines
        .iter()
        .map(|l| format!("{} × {}", l.sku, l.quantity))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A page of the work queue.
pub fn shipment_queue(
    filter: QueueFilterForm,
    after: Option<String>,
) -> impl Future<Output = Result<ShipmentQueueData, ApiError>> + Send + 'static {
    let mut vars = json!({ "filter": filter.to_filter(), "first": QUEUE_PAGE_SIZE });
    if let (Some(m), Some(after)) = (vars.as_object_mut(), after) {
        m.insert("after".into(), Value::String(after));
    }
    request::<ShipmentQueueData>(SHIPMENT_QUEUE, vars)
}

/// One shipment and the warehouses.
pub fn shipment_page(
    id: String,
) -> impl Future<Output = Result<ShipmentPageData, ApiError>> + Send + 'static {
    request::<ShipmentPageData>(SHIPMENT_PAGE, json!({ "id": id }))
}

/// A packing slip: the shipment, then its order (a slip without the
/// address when the order cannot be read). Call from a resource fetcher:
/// the second request runs in the same reactive owner.
pub fn packing_slip(
    id: String,
) -> impl Future<Output = Result<PackingSlip, ApiError>> + Send + 'static {
    let first = request::<SlipShipmentData>(PACKING_SLIP, json!({ "id": id }));
    async move {
        let shipment = first.await?.shipment;
        let vars = json!({ "number": shipment.order_number });
        let order = request::<SlipOrderData>(SLIP_ORDER, vars)
            .await
            .ok()
            .map(|d| d.order);
        Ok(PackingSlip { shipment, order })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use crate::schema::TrackingSource;

    #[test]
    fn the_filter_leaves_out_blanks_and_unknown_values() {
        let f = QueueFilterForm {
            warehouse: " SHA ".into(),
            status: "PACKED".into(),
            method: "nonsense".into(),
        };
        assert_eq!(
            f.to_filter(),
            json!({"warehouse": "SHA", "status": "PACKED"})
        );
        assert_eq!(QueueFilterForm::default().to_filter(), json!({}));
        assert_eq!(
            f.href("/console/shipments", Some(ShipmentStatus::ReadyForPickup)),
            "/console/shipments?warehouse=SHA&status=READY_FOR_PICKUP&method=nonsense"
        );
        assert_eq!(
            QueueFilterForm::default().href("/console/shipments", None),
            "/console/shipments"
        );
        assert_eq!(
            f.next_href("/console/shipments", "c=1"),
            "/console/shipments?warehouse=SHA&status=PACKED&method=nonsense&after=c%3D1"
        );
        assert_eq!(
            QueueFilterForm::default().next_href("/console/pickup", "c"),
            "/console/pickup?after=c"
        );
    }

    #[test]
    fn lines_read_as_sku_times_quantity() {
        let lines = [
            ShipmentLine {
                sku: "AUD-001".into(),
                quantity: 2,
            },
            ShipmentLine {
                sku: "TEA-001".into(),
                quantity: 1,
            },
        ];
        assert_eq!(lines_summary(&lines), "AUD-001 × 2, TEA-001 × 1");
        assert_eq!(lines_summary(&[]), "");
    }

    #[test]
    fn a_shipment_page_decodes_from_the_contract_shape() {
        let resp = json!({"data": {"warehouses": [{"code": "SHA", "name": "Shanghai", "isPickupPoint": false}],
            "shipment": {"id": "s1", "number": "SO-1-1", "orderNumber": "SO-1", "warehouse": "SHA",
            "status": "PENDING", "method": "EXPRESS", "carrier": null, "trackingNumber": null,
            "weightGrams": null, "lines": [{"sku": "AUD-001", "quantity": 2}],
            "events": [{"status": "PENDING", "description": "Received", "location": null,
                "at": "2026-11-26T02:00:00+08:00", "source": "SYSTEM"}],
            "pickupPoint": null, "pickupLocked": false,
            "availableTransitions": ["START_PICKING"],
            "createdAt": "2026-11-26T02:00:00+08:00", "shippedAt": null, "deliveredAt": null}}});
        let page = decode::<ShipmentPageData>(resp);
        assert!(
            page.is_ok_and(|p| p.shipment.can(ShipmentAction::StartPicking)
                && !p.shipment.can(ShipmentAction::Pack)
                && p.shipment.can_move()
                && p.shipment.events[0].source == TrackingSource::System
                && p.warehouses[0].code == "SHA")
        );
    }

    #[test]
    fn every_console_document_names_its_operation() {
        assert_eq!(DOCUMENTS.len(), 12);
        for (name, doc) in DOCUMENTS {
            assert!(doc.contains(&format!(" {name}(")), "{name}");
            assert_eq!(doc.matches('{').count(), doc.matches('}').count(), "{name}");
        }
    }
}
