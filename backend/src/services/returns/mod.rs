//! Returns and exchanges (RMA) of delivered orders.
//!
//! * `request`: a customer (their own order) or support asks to send
//!   units back, within the channel's return window counted from delivery;
//!   never more than was delivered minus earlier returns (checked under the
//!   order's row lock, so two racing requests for the last unit cannot both
//!   win). Small or merchant-fault requests approve themselves
//!   (`domain::returns::refund::auto_approves`).
//! * `review`: support approves or rejects; the customer cancels before
//!   the parcel arrives.
//! * `receive`: the warehouse records each unit (restock into a chosen
//!   warehouse, damaged = received and written off, missing) through the
//!   stock ledger; the return goes RECEIVED → INSPECTED in that one command
//!   and its refund is recomputed from what arrived.
//! * `refund`: finance gives the computed amount back through
//!   `payments::refund_order_amount` inside the same transaction, exactly
//!   once (status guard plus the refund's idempotency key).
//! * `exchange`: on inspection an EXCHANGE return allocates its
//!   replacement and opens an outbound shipment.
//!
//! Every command is one write transaction that takes the order's row lock
//! first, changes the return by `UPDATE … WHERE status = expected`,
//! appends an order timeline entry (kind RETURN) and writes the outbox
//! event.

mod exchange;
mod queries;
mod receive;
mod refund;
mod request;
mod review;
mod store;

pub use exchange::is_replacement;
pub use queries::{
    ReturnFilter, ReturnPage, find_return, list_returns, my_returns, returns_for_order,
    status_counts,
};
pub use receive::{ReceiveItem, receive_return};
pub use refund::refund_return;
pub use request::{RequestLine, RequestReturn, request_return};
pub use review::{approve_return, cancel_return, reject_return};
pub use store::{Return, ReturnLine, available_actions};

use crate::domain::auth::{Principal, Role};
use crate::domain::orders::{Order, OrderStatus};
use crate::error::AppResult;
use crate::state::AppState;

/// Roles that may request a return (customers only for their own orders).
pub(crate) const REQUESTERS: &[Role] = &[Role::Customer, Role::Support, Role::Admin];

/// Whether `p` may request a return or exchange on `order` now: the
/// order's customer or support, a delivered (or completed) order, inside
/// its channel's return window, something still returnable.
pub async fn can_return(state: &AppState, p: &Principal, order: &Order) -> AppResult<bool> {
    let Some(role) = p.role() else {
        return Ok(false);
    };
    if !REQUESTERS.contains(&role)
        || (role == Role::Customer && order.customer.id != p.user_id())
        || !matches!(
            order.status,
            OrderStatus::Delivered | OrderStatus::Completed
        )
    {
        return Ok(false);
    }
    let db = &state.db.conn;
    if !store::within_window(db, order.id, order.channel_id, chrono::Utc::now()).await? {
        return Ok(false);
    }
    let lines = store::returnable_lines(db, order.id).await?;
    Ok(lines.iter().any(|l| l.returnable() > 0))
}

/// Whether the order has a return that is not finished (requested,
/// approved, received or inspected): the completion job leaves it DELIVERED.
pub async fn has_open_return(
    db: &impl sea_orm::ConnectionTrait,
    order_id: uuid::Uuid,
) -> AppResult<bool> {
    use crate::domain::returns::ReturnStatus;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let open: Vec<&str> = ReturnStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(ReturnStatus::as_str)
        .collect();
    Ok(entity::return_request::Entity::find()
        .filter(entity::return_request::Column::OrderId.eq(order_id))
        .filter(entity::return_request::Column::Status.is_in(open))
        .count(db)
        .await?
        > 0)
}

/// `SELECT order_id FROM returns WHERE status is open`, for filters.
pub fn open_return_orders() -> sea_orm::sea_query::SelectStatement {
    use crate::domain::returns::ReturnStatus;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let open: Vec<&str> = ReturnStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(ReturnStatus::as_str)
        .collect();
    Query::select()
        .column(entity::return_request::Column::OrderId)
        .from(entity::return_request::Entity)
        .and_where(Expr::col(entity::return_request::Column::Status).is_in(open))
        .to_owned()
}
