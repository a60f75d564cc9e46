//! An order as the rest of the system sees it: typed status, money with
//! its currency, the address and customer snapshotted at placement.
//! Services build these from stored rows (an unknown stored value is an
//! error there, never a default); the API only maps them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::OrderStatus;
use crate::domain::auth::{Principal, Role};
use crate::domain::money::Money;

/// A shipping address as snapshotted on the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

/// The customer an order is for, as snapshotted at placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderCustomer {
    /// The account, when there is one (imported orders have none).
    pub id: Option<Uuid>,
    pub email: String,
    pub name: String,
}

/// A placed order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: Uuid,
    /// Human-friendly number, e.g. "SO-2026-000123".
    pub number: String,
    pub channel_id: Uuid,
    pub customer: OrderCustomer,
    /// The order's id on its external channel (imported orders).
    pub external_id: Option<String>,
    pub status: OrderStatus,
    pub subtotal: Money,
    pub shipping_fee: Money,
    pub total: Money,
    pub shipping_method: crate::domain::fulfillment::DeliveryMethod,
    /// PICKUP orders: the pickup point's warehouse.
    pub pickup_point: Option<Uuid>,
    pub address: Address,
    pub note: Option<String>,
    /// The payment method chosen at checkout (or later when paying).
    pub payment_method: Option<crate::domain::payments::PaymentMethod>,
    pub placed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The sequence of its latest event (0 before any): where a live
    /// subscriber that showed this state resumes.
    pub event_seq: i64,
}

/// One line of a placed order, priced at placement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    /// Product name at placement.
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
}

/// What a timeline entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Placed in the portal or by staff.
    Placed,
    /// Imported by an integration.
    Imported,
    /// Moved by an action.
    StatusChanged,
    /// Cancelled (stock released).
    Cancelled,
    /// Money moved (authorized, captured, voided or refunded).
    Payment,
    /// Routing chose the warehouses (with its reason).
    Routed,
    /// A shipment moved (picked, packed, shipped, tracked, handed over).
    Shipment,
    /// A return or exchange (RMA) moved: requested, approved, received, refunded…
    Return,
    /// Lines, quantities, address or delivery method changed after
    /// placement (a change request or a line cancellation).
    Changed,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Placed,
        EventKind::Imported,
        EventKind::StatusChanged,
        EventKind::Cancelled,
        EventKind::Payment,
        EventKind::Routed,
        EventKind::Shipment,
        EventKind::Return,
        EventKind::Changed,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Placed => "PLACED",
            EventKind::Imported => "IMPORTED",
            EventKind::StatusChanged => "STATUS_CHANGED",
            EventKind::Cancelled => "CANCELLED",
            EventKind::Payment => "PAYMENT",
            EventKind::Routed => "ROUTED",
            EventKind::Shipment => "SHIPMENT",
            EventKind::Return => "RETURN",
            EventKind::Changed => "CHANGED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why the system changed an order, as a code clients translate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemReason {
    /// Payments now cover the total.
    PaymentReceived,
    /// Unpaid past its deadline.
    PaymentExpired,
    /// Cash on delivery: confirmed unpaid.
    CashOnDelivery,
}

impl SystemReason {
    pub const ALL: [SystemReason; 3] = [
        SystemReason::PaymentReceived,
        SystemReason::PaymentExpired,
        SystemReason::CashOnDelivery,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SystemReason::PaymentReceived => "PAYMENT_RECEIVED",
            SystemReason::PaymentExpired => "PAYMENT_EXPIRED",
            SystemReason::CashOnDelivery => "CASH_ON_DELIVERY",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A money movement on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentDetail {
    pub method: crate::domain::payments::PaymentMethod,
    pub kind: crate::domain::payments::PaymentEventKind,
    pub status: crate::domain::payments::PaymentEventStatus,
    pub amount: Money,
}

/// What the system recorded on a timeline entry, machine-readable, so that
/// clients say it in the reader's language (the entry's `note` is the
/// English text for people reading the API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventDetail {
    Payment(PaymentDetail),
    Reason(SystemReason),
    Routing(crate::domain::fulfillment::routing::Explanation),
    Shipment(ShipmentDetail),
    /// Before and after of a change (`domain::changes`).
    Change(crate::domain::changes::ChangeSummary),
}

/// A shipment's step on the order's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipmentDetail {
    /// The shipment's number.
    pub number: String,
    pub status: crate::domain::fulfillment::ShipmentStatus,
    /// The warehouse it ships from.
    pub warehouse: String,
}

impl EventDetail {
    /// The stored form (JSON).
    pub fn to_stored(&self) -> String {
        match self {
            EventDetail::Payment(p) => serde_json::json!({"payment": {
                "method": p.method.as_str(),
                "kind": p.kind.as_str(),
                "status": p.status.as_str(),
                "amountMinor": p.amount.minor(),
                "currency": p.amount.currency().as_str(),
            }}),
            EventDetail::Reason(r) => serde_json::json!({ "reason": r.as_str() }),
            EventDetail::Routing(e) => {
                let parts = |v: &[crate::domain::fulfillment::routing::Part]| {
                    v.iter()
                        .map(|p| serde_json::json!({"warehouse": p.warehouse, "skus": p.skus}))
                        .collect::<Vec<_>>()
                };
                serde_json::json!({"routing": {
                    "rule": e.rule.as_str(),
                    "parts": parts(&e.parts),
                    "passedOver": parts(&e.passed_over),
                }})
            }
            EventDetail::Shipment(d) => serde_json::json!({"shipment": {
                "number": d.number,
                "status": d.status.as_str(),
                "warehouse": d.warehouse,
            }}),
            EventDetail::Change(c) => serde_json::json!({ "change": c.to_json() }),
        }
        .to_string()
    }

    /// The inverse of [`EventDetail::to_stored`]; `None` for anything else.
    pub fn parse_stored(text: &str) -> Option<EventDetail> {
        use crate::domain::payments::{PaymentEventKind, PaymentEventStatus, PaymentMethod};
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        if let Some(r) = v.get("reason").and_then(|r| r.as_str()) {
            return SystemReason::parse(r).map(EventDetail::Reason);
        }
        if let Some(c) = v.get("change") {
            return crate::domain::changes::ChangeSummary::from_json(c).map(EventDetail::Change);
        }
        if let Some(r) = v.get("routing") {
            return parse_routing(r).map(EventDetail::Routing);
        }
        if let Some(d) = v.get("shipment") {
            let text = |k: &str| d.get(k).and_then(|x| x.as_str()).map(str::to_string);
            return Some(EventDetail::Shipment(ShipmentDetail {
                number: text("number")?,
                status: crate::domain::fulfillment::ShipmentStatus::parse(&text("status")?)?,
                warehouse: text("warehouse")?,
            }));
        }
        let p = v.get("payment")?;
        let text = |k: &str| p.get(k).and_then(|x| x.as_str());
        Some(EventDetail::Payment(PaymentDetail {
            method: PaymentMethod::parse(text("method")?)?,
            kind: PaymentEventKind::parse(text("kind")?)?,
            status: PaymentEventStatus::parse(text("status")?)?,
            amount: Money::new(
                p.get("amountMinor")?.as_i64()?,
                crate::domain::money::Currency::parse(text("currency")?)?,
            ),
        }))
    }
}

fn parse_routing(
    r: &serde_json::Value,
) -> Option<crate::domain::fulfillment::routing::Explanation> {
    use crate::domain::fulfillment::routing::{Explanation, Part, Rule};
    let parts = |k: &str| -> Option<Vec<Part>> {
        r.get(k)?
            .as_array()?
            .iter()
            .map(|p| {
                Some(Part {
                    warehouse: p.get("warehouse")?.as_str()?.to_string(),
                    skus: p
                        .get("skus")?
                        .as_array()?
                        .iter()
                        .map(|s| s.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()?,
                })
            })
            .collect()
    };
    Some(Explanation {
        rule: Rule::parse(r.get("rule")?.as_str()?)?,
        parts: parts("parts")?,
        passed_over: parts("passedOver")?,
    })
}

/// Who may see an order: its customer, staff, or an integration of its
/// channel. Everyone else is told it does not exist.
pub fn can_view(p: &Principal, o: &Order) -> bool {
    match p {
        Principal::User { id, role, .. } => {
            role.is_staff() || (*role == Role::Customer && o.customer.id == Some(*id))
        }
        Principal::Integration { channel_id, .. } => o.channel_id == *channel_id,
        Principal::System => true,
        Principal::Anonymous => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_details_round_trip_through_storage() {
        use crate::domain::money::Currency;
        use crate::domain::payments::{PaymentEventKind, PaymentEventStatus, PaymentMethod};
        let d = EventDetail::Payment(PaymentDetail {
            method: PaymentMethod::WechatPay,
            kind: PaymentEventKind::Refund,
            status: PaymentEventStatus::Succeeded,
            amount: Money::new(12345, Currency::parse("CNY").expect("cny")),
        });
        assert_eq!(EventDetail::parse_stored(&d.to_stored()), Some(d));
        for r in SystemReason::ALL {
            let d = EventDetail::Reason(r);
            assert_eq!(EventDetail::parse_stored(&d.to_stored()), Some(d));
        }
        use crate::domain::fulfillment::routing::{Explanation, Part, Rule};
        let d = EventDetail::Routing(Explanation {
            rule: Rule::NearestRegion,
            parts: vec![Part {
                warehouse: "CAN".into(),
                skus: vec!["A-1".into(), "B-2".into()],
            }],
            passed_over: vec![Part {
                warehouse: "SHA".into(),
                skus: vec!["B-2".into()],
            }],
        });
        assert_eq!(EventDetail::parse_stored(&d.to_stored()), Some(d));
        let d = EventDetail::Shipment(ShipmentDetail {
            number: "SO-1-1".into(),
            status: crate::domain::fulfillment::ShipmentStatus::OutForDelivery,
            warehouse: "SHA".into(),
        });
        assert_eq!(EventDetail::parse_stored(&d.to_stored()), Some(d));
        assert_eq!(EventDetail::parse_stored("{\"reason\":\"NOPE\"}"), None);
        assert_eq!(EventDetail::parse_stored("not json"), None);
    }
    use crate::domain::money::Currency;

    fn order(customer: Option<Uuid>, channel: Uuid) -> Order {
        let cny = |m| Money::new(m, Currency::parse("CNY").expect("cny"));
        Order {
            id: Uuid::now_v7(),
            number: "SO-2026-000001".into(),
            channel_id: channel,
            customer: OrderCustomer {
                id: customer,
                email: "c@example.com".into(),
                name: "C".into(),
            },
            external_id: None,
            status: OrderStatus::PendingPayment,
            subtotal: cny(100),
            shipping_fee: cny(0),
            total: cny(100),
            shipping_method: crate::domain::fulfillment::DeliveryMethod::Postal,
            pickup_point: None,
            address: Address {
                name: "C".into(),
                phone: "1".into(),
                line1: "l".into(),
                line2: None,
                city: "c".into(),
                region: None,
                postal_code: "1".into(),
                country: "CN".into(),
            },
            note: None,
            payment_method: None,
            placed_at: Utc::now(),
            updated_at: Utc::now(),
            event_seq: 0,
        }
    }

    fn user(id: Uuid, role: Role) -> Principal {
        Principal::User {
            id,
            role,
            session_id: Uuid::now_v7(),
            email: "x@example.com".into(),
            name: "X".into(),
        }
    }

    #[test]
    fn only_the_owner_staff_and_the_channels_integration_see_an_order() {
        let (owner, other, channel) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let o = order(Some(owner), channel);
        assert!(can_view(&user(owner, Role::Customer), &o));
        assert!(!can_view(&user(other, Role::Customer), &o));
        assert!(can_view(&user(other, Role::Warehouse), &o));
        assert!(can_view(
            &Principal::Integration {
                key_id: Uuid::now_v7(),
                channel_id: channel
            },
            &o
        ));
        assert!(!can_view(
            &Principal::Integration {
                key_id: Uuid::now_v7(),
                channel_id: Uuid::now_v7()
            },
            &o
        ));
        assert!(!can_view(&Principal::Anonymous, &o));
    }

    #[test]
    fn event_kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("placed"), None);
    }
}
