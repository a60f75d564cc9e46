//! Demo change requests, so that the service desk's change queue and the
//! order timelines show them on first start: the demo customer moved the
//! parcel still waiting to be picked to a new address (applied at once, on
//! its timeline with before and after), and asked to add a cable to the
//! order the warehouse is already picking (waiting for support). Written
//! through the change commands real customers use.

use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::changes::ChangeInput;
use crate::domain::orders::Address;
use crate::error::{AppError, AppResult};
use crate::services::changes::request_order_change;
use crate::services::users::parse_email;
use crate::state::AppState;

/// The paid demo order still waiting to be picked (see `demo_orders`).
const PENDING_ORDER_KEY: &str = "demo-order-0018";
/// The paid demo order being picked.
const PICKING_ORDER_KEY: &str = "demo-order-0009";

async fn number_of(state: &AppState, key: &str) -> AppResult<Option<String>> {
    use entity::order;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(order::Entity::find()
        .filter(order::Column::IdempotencyKey.eq(key))
        .one(&state.db.conn)
        .await?
        .map(|o| o.number))
}

/// Seeds the demo change requests (after the demo orders).
pub async fn seed_demo_changes(state: &AppState) -> AppResult<()> {
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
    if let Some(number) = number_of(state, PENDING_ORDER_KEY).await? {
        let moved = Address {
            name: "Chen Customer".into(),
            phone: "13800138000".into(),
            line1: "1 Zhongguancun Street".into(),
            line2: Some("Building 3, Floor 5".into()),
            city: "Beijing".into(),
            region: Some("Beijing".into()),
            postal_code: "100080".into(),
            country: "CN".into(),
        };
        request_order_change(
            state,
            &buyer,
            &number,
            ChangeInput {
                address: Some(moved),
                ..Default::default()
            },
            "demo-change-address",
        )
        .await?;
    }
    if let Some(number) = number_of(state, PICKING_ORDER_KEY).await? {
        request_order_change(
            state,
            &buyer,
            &number,
            ChangeInput {
                add_lines: vec![("CHG-003".into(), 1)],
                ..Default::default()
            },
            "demo-change-add-cable",
        )
        .await?;
    }
    Ok(())
}
