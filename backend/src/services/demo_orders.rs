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
    for (key, lines, story) in ORDERS {
        let method = match story {
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
                shipping_method: "EXPRESS".into(),
                pickup_point: None,
                note: None,
                payment_method: method,
            },
        )
        .await?;
        let Some(method) = method else { continue };
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
    }
    Ok(())
}
