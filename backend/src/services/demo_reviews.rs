//! Demo reviews, so that the product pages and the moderation queue have
//! something in them on first start: the demo customer received one more
//! order (earbuds, a mug and tea, paid and delivered like any order) and
//! reviewed it — the earbuds published with a staff reply, the mug
//! published without one, the tea rejected with a reason — and reviewed
//! the toy of the delivered demo order, still waiting for moderation. The
//! bag collected at the pickup desk is left for the customer to review.
//! Written through the review commands real users use.

use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::orders::Address;
use crate::domain::payments::PaymentMethod;
use crate::error::{AppError, AppResult};
use crate::services::demo_fulfillment::{Stage, advance};
use crate::services::orders::{LineIn, PlaceOrder, place_order};
use crate::services::payments::providers::{Notification, Provider, ProviderEvent};
use crate::services::payments::{self, webhook};
use crate::services::reviews::{self, Decision};
use crate::services::users::parse_email;
use crate::state::AppState;

/// The delivered demo order with the toy (see `demo_orders`).
const TOY_ORDER_KEY: &str = "demo-order-0013";

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

/// Places, pays (Alipay) and delivers one order for `buyer`; its number.
async fn delivered_order(
    state: &AppState,
    buyer: &Principal,
    key: &str,
    lines: &[(&str, i64)],
) -> AppResult<String> {
    let order = place_order(
        state,
        buyer,
        PlaceOrder {
            idempotency_key: key.to_string(),
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
            shipping_method: DeliveryMethod::Express.as_str().into(),
            pickup_point: None,
            note: None,
            payment_method: Some(PaymentMethod::Alipay),
        },
    )
    .await?;
    let pay = payments::start_payment(state, buyer, &order.number, PaymentMethod::Alipay)
        .await?
        .payment;
    webhook::apply_verified(
        state,
        &Notification {
            provider: Provider::Alipay,
            id: format!("demo-{key}-{}", Uuid::now_v7()),
            reference: Some(pay.reference.clone()),
            provider_reference: Some(
                pay.provider_reference
                    .clone()
                    .unwrap_or_else(|| format!("2026{}", pay.reference)),
            ),
            total_minor: Some(pay.amount_minor),
            currency: Some(pay.currency.clone()),
            event: ProviderEvent::Paid {
                amount_minor: pay.amount_minor,
            },
        },
    )
    .await?;
    advance(state, &order.number, Stage::Delivered, 901).await?;
    Ok(order.number)
}

/// The demo order placed with `key`, if the demo orders were seeded.
async fn number_of(state: &AppState, key: &str) -> AppResult<Option<String>> {
    use entity::order;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(order::Entity::find()
        .filter(order::Column::IdempotencyKey.eq(key))
        .one(&state.db.conn)
        .await?
        .map(|o| o.number))
}

/// Seeds the demo reviews (after the demo orders).
pub async fn seed_demo_reviews(state: &AppState) -> AppResult<()> {
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
    let number = delivered_order(
        state,
        &buyer,
        "demo-review-0001",
        &[("AUD-001", 1), ("MUG-001", 1), ("TEA-001", 1)],
    )
    .await?;

    let earbuds = reviews::write_review(
        state,
        &buyer,
        &number,
        "AUD-001",
        5,
        "Great sound for the price",
        "Clear highs, solid bass, and the case lasts a week of commuting.\nPairing took seconds.",
    )
    .await?;
    reviews::moderate_review(state, &staff, earbuds.row.id, Decision::Publish, None).await?;
    reviews::reply_to_review(
        state,
        &staff,
        earbuds.row.id,
        "Thank you for the kind words! Firmware 1.2 adds a low-latency mode, enjoy.",
    )
    .await?;

    let mug = reviews::write_review(
        state,
        &buyer,
        &number,
        "MUG-001",
        4,
        "Solid mug",
        "Keeps coffee warm; a little heavier than I expected.",
    )
    .await?;
    reviews::moderate_review(state, &staff, mug.row.id, Decision::Publish, None).await?;

    let tea = reviews::write_review(
        state,
        &buyer,
        &number,
        "TEA-001",
        2,
        "Call me for a better deal",
        "Not my taste. Message me on 138-0013-8000 and I'll sell you mine cheaper.",
    )
    .await?;
    reviews::moderate_review(
        state,
        &staff,
        tea.row.id,
        Decision::Reject,
        Some("Reviews may not contain contact details or offers to sell."),
    )
    .await?;

    if let Some(toy) = number_of(state, TOY_ORDER_KEY).await? {
        reviews::write_review(
            state,
            &buyer,
            &toy,
            "TOY-001",
            3,
            "Fun, but the box was dented",
            "My nephew loves it. The box arrived dented <b>again</b>, though the toy was fine.",
        )
        .await?;
    }
    Ok(())
}
