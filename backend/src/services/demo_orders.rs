//! Demo orders, so that a newcomer opening the console sees work in every
//! area: orders paid each way, waiting for a transfer, authorized and
//! waiting for capture, partly refunded, cancelled and refunded. Written
//! through the same services real orders go through; provider payments
//! enter as the provider's (already verified) notifications would.

use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::orders::Address;
use crate::domain::payments::PaymentMethod;
use crate::error::{AppError, AppResult};
use crate::services::orders::{LineIn, PlaceOrder, cancel_order, place_order};
use crate::services::payments::providers::{Notification, Provider, ProviderEvent};
use crate::services::payments::{self, webhook};
use crate::services::users::parse_email;
use crate::state::AppState;

/// What happens to a demo order after it is placed.
#[derive(Clone, Copy)]
enum Story {
    /// Never paid (it expires like any unpaid order).
    Unpaid,
    /// Paid in full through a provider.
    Paid(PaymentMethod),
    /// Card authorized, waiting for capture.
    Authorized,
    /// Card captured in full, then part refunded.
    CapturedPartlyRefunded,
    /// Waiting for a bank transfer.
    AwaitingTransfer,
    /// Cash on delivery: confirmed unpaid.
    CashOnDelivery,
    /// Paid with Alipay, then cancelled by support and refunded.
    PaidThenCancelled,
}

/// (idempotency key, lines as (SKU, quantity), story)
type DemoOrder = (&'static str, &'static [(&'static str, i64)], Story);

use crate::domain::fulfillment::DeliveryMethod;
use crate::services::demo_fulfillment::{Stage, advance};

/// Paid demo orders worked through fulfillment: (key, lines, method, stage).
type DemoShipping = (
    &'static str,
    &'static [(&'static str, i64)],
    DeliveryMethod,
    Stage,
);

const SHIPPING: &[DemoShipping] = &[
    (
        "demo-order-0009",
        &[("KBD-001", 1)],
        DeliveryMethod::Express,
        Stage::Picking,
    ),
    (
        "demo-order-0010",
        &[("MUG-001", 2), ("TEA-001", 1)],
        DeliveryMethod::Postal,
        Stage::Packed,
    ),
    (
        "demo-order-0011",
        &[("PHN-001", 1)],
        DeliveryMethod::Express,
        Stage::InTransit,
    ),
    (
        "demo-order-0012",
        &[("SHO-001", 1)],
        DeliveryMethod::Express,
        Stage::OutForDelivery,
    ),
    (
        "demo-order-0013",
        &[("TOY-001", 1)],
        DeliveryMethod::Postal,
        Stage::Delivered,
    ),
    (
        "demo-order-0014",
        &[("FIT-001", 1)],
        DeliveryMethod::Express,
        Stage::Exception,
    ),
    (
        "demo-order-0015",
        &[("AUD-004", 1)],
        DeliveryMethod::Pickup,
        Stage::ReadyForPickup,
    ),
    (
        "demo-order-0016",
        &[("BAG-003", 1)],
        DeliveryMethod::Pickup,
        Stage::PickedUp,
    ),
    (
        "demo-order-0017",
        &[("KIT-001", 1)],
        DeliveryMethod::Express,
        Stage::Sandbox,
    ),
    (
        "demo-order-0018",
        &[("SLP-001", 1)],
        DeliveryMethod::Postal,
        Stage::Pending,
    ),
];

/// The pickup point demo pickup orders use.
const DEMO_PICKUP_POINT: &str = "PEK-PICKUP";

const ORDERS: &[DemoOrder] = &[
    (
        "demo-order-0001",
        &[("AUD-001", 1)],
        Story::Paid(PaymentMethod::Alipay),
    ),
    ("demo-order-0002", &[("BOO-001", 2)], Story::Authorized),
    (
        "demo-order-0003",
        &[("CHG-001", 1), ("CHG-003", 2)],
        Story::CapturedPartlyRefunded,
    ),
    (
        "demo-order-0004",
        &[("BAG-001", 1)],
        Story::AwaitingTransfer,
    ),
    ("demo-order-0005", &[("DSK-002", 1)], Story::CashOnDelivery),
    (
        "demo-order-0006",
        &[("AUD-003", 1)],
        Story::PaidThenCancelled,
    ),
    (
        "demo-order-0007",
        &[("BOO-002", 1)],
        Story::Paid(PaymentMethod::WechatPay),
    ),
    ("demo-order-0008", &[("CAM-002", 1)], Story::Unpaid),
];

fn address() -> Address {
    Address {
        name: "Chen Customer".into(),
        phone: "13800138000".into(),
        line1: "88 Century Avenue".into(),
        line2: Some("Room 1201".into()),
        city: "Shanghai".into(),
        region: Some("Shanghai".into()),
        postal_code: "200120".into(),
        country: "CN".into(),
    }
}

/// Places the demo orders for the demo customer and tells each one's story.
pub async fn seed_demo_orders(state: &AppState) -> AppResult<()> {
    let email = parse_email("customer@example.com")
        .map_err(|_| AppError::Internal(anyhow::anyhow!("demo customer email")))?;
    let Some(customer) = crate::services::users::find_customer(state, &email).await? else {
        return Ok(());
    };
    let buyer = Principal::User {
        id: customer.id,
        role: Role::Customer,
        session_id: Uuid::nil(),
        email: customer.email.clone(),
        name: customer.name.clone(),
    };
    let staff = Principal::System;
    let shipping = SHIPPING
        .iter()
        .map(|(k, l, _, _)| (*k, *l, Story::Paid(PaymentMethod::Alipay)));
    let all: Vec<DemoOrder> = ORDERS.iter().copied().chain(shipping).collect();
    for (n, (key, lines, story)) in all.iter().enumerate() {
        let plan = SHIPPING.iter().find(|s| s.0 == *key);
        let method = plan.map_or(DeliveryMethod::Express, |s| s.2);
        let pay_method = match story {
            Story::Paid(m) => Some(*m),
            Story::Authorized | Story::CapturedPartlyRefunded => Some(PaymentMethod::Card),
            Story::AwaitingTransfer => Some(PaymentMethod::BankTransfer),
            Story::CashOnDelivery => Some(PaymentMethod::CashOnDelivery),
            Story::PaidThenCancelled => Some(PaymentMethod::Alipay),
            Story::Unpaid => None,
        };
        let order = place_order(
            state,
            &buyer,
            PlaceOrder {
                idempotency_key: (*key).to_string(),
                channel: None,
                customer_email: None,
                external_id: None,
                lines: lines
                    .iter()
                    .map(|(sku, quantity)| LineIn {
                        sku: (*sku).to_string(),
                        quantity: *quantity,
                    })
                    .collect(),
                address: address(),
                shipping_method: method.as_str().into(),
                pickup_point: (method == DeliveryMethod::Pickup)
                    .then(|| DEMO_PICKUP_POINT.to_string()),
                note: None,
                payment_method: pay_method,
            },
        )
        .await?;
        let Some(method) = pay_method else { continue };
        if method == PaymentMethod::CashOnDelivery {
            continue;
        }
        let session = payments::start_payment(state, &buyer, &order.number, method).await?;
        let pay = session.payment;
        let notify = |event| Notification {
            provider: match method {
                PaymentMethod::Card => Provider::Card,
                PaymentMethod::WechatPay => Provider::WechatPay,
                _ => Provider::Alipay,
            },
            id: format!("demo-{}-{}", key, Uuid::now_v7()),
            reference: Some(pay.reference.clone()),
            provider_reference: Some(
                pay.provider_reference
                    .clone()
                    .unwrap_or_else(|| format!("2026{}", pay.reference)),
            ),
            total_minor: Some(pay.amount_minor),
            currency: Some(pay.currency.clone()),
            event,
        };
        match story {
            Story::Paid(_) | Story::PaidThenCancelled => {
                webhook::apply_verified(
                    state,
                    &notify(ProviderEvent::Paid {
                        amount_minor: pay.amount_minor,
                    }),
                )
                .await?;
            }
            Story::Authorized | Story::CapturedPartlyRefunded => {
                webhook::apply_verified(
                    state,
                    &notify(ProviderEvent::Authorized {
                        capturable_minor: pay.amount_minor,
                    }),
                )
                .await?;
            }
            _ => {}
        }
        match story {
            Story::CapturedPartlyRefunded => {
                payments::capture_payment(
                    state,
                    &staff,
                    pay.id,
                    pay.amount_minor,
                    &format!("{key}-capture"),
                )
                .await?;
                payments::refund_payment(
                    state,
                    &staff,
                    pay.id,
                    3900,
                    "one cable arrived damaged",
                    &format!("{key}-refund"),
                )
                .await?;
            }
            Story::PaidThenCancelled => {
                cancel_order(
                    state,
                    &staff,
                    &order.number,
                    Some("customer changed their mind"),
                )
                .await?;
            }
            _ => {}
        }
        if let Some(plan) = plan {
            advance(state, &order.number, plan.3, n).await?;
        }
    }
    Ok(())
}
