//! Orders: one service for every way in (portal, staff, integration
//! import), cancellation and staff actions, and the order queries.
//! Invariants: an order exists only with every line allocated in the same
//! transaction; status changes only through the state machine with
//! `UPDATE … WHERE status = expected`; every change appends an event.

mod change;
mod place;
mod plan;
pub(crate) mod queries;
pub(crate) mod rows;
mod validate;

pub use change::{advance_order, cancel_order, expire_unpaid_order};
/// Reused by order changes: the same conditional allocation and address rules.
pub(crate) use place::allocate;
pub use place::{AddressIn, LineIn, PlaceOrder, place_order};
pub use queries::{
    NetAllocation, OrderFilter, OrderPage, OrderSort, TimelineEvent, allocations_for, events_for,
    find_visible, lines_for, list_orders, my_orders,
};
pub use rows::order_from_row;
pub(crate) use validate::validate_address;

/// Cursor for the item at `offset` of a list.
pub fn queries_cursor(offset: u64) -> String {
    queries::encode_cursor(offset)
}

/// The offset a cursor from [`queries_cursor`] stands for.
pub fn decode_cursor(cursor: &str) -> Option<u64> {
    queries::decode_cursor(cursor).ok()
}

pub use crate::domain::orders::can_view;

/// Idempotency keys live 24 hours; after that the key may be reused (the
/// hourly sweep forgets older ones).
pub async fn expire_idempotency_keys(
    state: &crate::state::AppState,
) -> crate::error::AppResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let tx = state.db.begin_write().await?;
    entity::order::Entity::update_many()
        .col_expr(
            entity::order::Column::IdempotencyKey,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(entity::order::Column::IdempotencyKey.is_not_null())
        .filter(
            entity::order::Column::PlacedAt.lt(chrono::Utc::now()
                - chrono::Duration::hours(crate::domain::orders::IDEMPOTENCY_HOURS)),
        )
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
