//! Demo returns, so that "My returns" and the service desk's returns tab
//! have something in every state on first start. They are on the demo
//! customer's delivered orders (the reviewed earbuds, mug and tea, and the
//! toy; no new order, so what the demo customer can still review stays
//! the same): the earbuds waiting for support (changed mind), the mug
//! approved by the rule (defective), the toy received damaged and written
//! off, waiting for finance, the tea first refused by support and then
//! refunded. Written through the commands real users use, so stock and
//! money add up. (No exchange: every delivered unit is taken.)

use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::returns::{Disposition, Resolution, ReturnReason};
use crate::error::{AppError, AppResult};
use crate::services::returns::{self, ReceiveItem, RequestLine, RequestReturn};
use crate::services::users::parse_email;
use crate::state::AppState;

/// The demo orders returns are made on (see `demo_reviews`, `demo_orders`).
const REVIEWED_ORDER_KEY: &str = "demo-review-0001";
const TOY_ORDER_KEY: &str = "demo-order-0013";

/// The demo order placed with `key`, if it was seeded.
async fn number_of(state: &AppState, key: &str) -> AppResult<Option<String>> {
    use entity::order;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(order::Entity::find()
        .filter(order::Column::IdempotencyKey.eq(key))
        .one(&state.db.conn)
        .await?
        .map(|o| o.number))
}

fn ask(sku: &str, quantity: i64, reason: ReturnReason, note: &str) -> RequestReturn {
    RequestReturn {
        lines: vec![RequestLine {
            sku: sku.into(),
            quantity,
            reason,
        }],
        resolution: Resolution::Refund,
        exchange_skus: Vec::new(),
        note: Some(note.into()),
    }
}

fn unit(sku: &str, disposition: Disposition) -> Vec<ReceiveItem> {
    vec![ReceiveItem {
        sku: sku.into(),
        quantity: 1,
        disposition,
        warehouse_code: Some("SHA".into()),
    }]
}

/// Seeds the demo returns (after the demo orders and reviews).
pub async fn seed_demo_returns(state: &AppState) -> AppResult<()> {
    let email = parse_email("customer@example.com")
        .map_err(|_| AppError::Internal(anyhow::anyhow!("demo customer email")))?;
    let Some(customer) = crate::services::users::find_customer(state, &email).await? else {
        return Ok(());
    };
    let (Some(reviewed), Some(toy)) = (
        number_of(state, REVIEWED_ORDER_KEY).await?,
        number_of(state, TOY_ORDER_KEY).await?,
    ) else {
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
    let key = |k: &str| format!("demo-return-{k}");

    // Waiting for support: changed mind, above the auto-approval limit.
    returns::request_return(
        state,
        &buyer,
        &reviewed,
        ask(
            "AUD-001",
            1,
            ReturnReason::ChangedMind,
            "The case is too bulky for my pocket.",
        ),
        &key("earbuds"),
    )
    .await?;
    // Approved by the rule (the merchant's fault): the parcel is on its way.
    returns::request_return(
        state,
        &buyer,
        &reviewed,
        ask(
            "MUG-001",
            1,
            ReturnReason::Defective,
            "The handle came loose after a week.",
        ),
        &key("mug"),
    )
    .await?;
    // Received damaged and written off; waiting for finance.
    let toy_return = returns::request_return(
        state,
        &buyer,
        &toy,
        ask(
            "TOY-001",
            1,
            ReturnReason::Damaged,
            "Several pieces arrived cracked.",
        ),
        &key("toy"),
    )
    .await?;
    returns::receive_return(
        state,
        &staff,
        toy_return.id,
        unit("TOY-001", Disposition::Damaged),
    )
    .await?;
    // Refused by support, then asked again, approved, restocked, refunded.
    let first = returns::request_return(
        state,
        &buyer,
        &reviewed,
        ask(
            "TEA-001",
            1,
            ReturnReason::Other,
            "Opened, tried, not for me.",
        ),
        &key("tea-1"),
    )
    .await?;
    returns::reject_return(
        state,
        &staff,
        first.id,
        "Opened food cannot be returned for change of mind; ask again if it was spoiled.",
    )
    .await?;
    let tea = returns::request_return(
        state,
        &buyer,
        &reviewed,
        ask(
            "TEA-001",
            1,
            ReturnReason::NotAsDescribed,
            "The leaves were broken dust, not whole leaves.",
        ),
        &key("tea-2"),
    )
    .await?;
    if tea.status == crate::domain::returns::ReturnStatus::Requested {
        returns::approve_return(state, &staff, tea.id).await?;
    }
    returns::receive_return(state, &staff, tea.id, unit("TEA-001", Disposition::Restock)).await?;
    returns::refund_return(state, &staff, tea.id, "demo-refund-tea").await?;
    Ok(())
}
