//! Product reviews of delivered order lines, with moderation.
//!
//! * A customer reviews a line of their own order once it was delivered
//!   (a shipment holding it is DELIVERED or PICKED_UP, or the order is
//!   DELIVERED or COMPLETED): one review per order line, enforced by the
//!   unique index on `reviews.order_line_id`, so every review is a
//!   "verified purchase" by construction. A second review of the same
//!   line is CONFLICT (also when two race: the index refuses the loser).
//! * Moderation (support, admin) follows `domain::reviews`' table:
//!   PENDING → PUBLISHED / REJECTED (reason required), PUBLISHED →
//!   REJECTED (taken down); an edit by the author sends it back to PENDING.
//! * `product_ratings` holds each product's published count, rating sum
//!   and count per star, changed by the delta of every publish, take-down
//!   and edit in the same transaction (see [`aggregate`]); product pages
//!   read that one row.
//! * Visibility: published reviews are public; an unpublished one is seen
//!   by its author and by support/admin only (anyone else: NOT_FOUND).

mod aggregate;
mod commands;
mod delivered;
mod queries;

pub use commands::{Decision, edit_review, moderate_review, reply_to_review, write_review};
pub use queries::{
    LineReview, ReviewFilter, ReviewPage, ReviewView, line_reviews, moderation_queue, my_reviews,
    product_rating, product_reviews, review,
};

use entity::review;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::auth::{Principal, Role};
use crate::domain::orders::Order;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Who moderates and replies.
pub const MODERATORS: &[Role] = &[Role::Support, Role::Admin];

fn is_moderator(p: &Principal) -> bool {
    p.role().is_some_and(|r| MODERATORS.contains(&r))
}

fn not_found() -> AppError {
    AppError::NotFound("no such review".into())
}

/// Whether `p` may review a line of `order` now: `p` is the order's
/// customer and some line was delivered and is not reviewed yet.
pub async fn can_review(state: &AppState, p: &Principal, order: &Order) -> AppResult<bool> {
    if p.role() != Some(Role::Customer) || p.user_id().is_none() || p.user_id() != order.customer.id
    {
        return Ok(false);
    }
    let db = &state.db.conn;
    let lines = delivered::delivered_lines(db, order).await?;
    if lines.is_empty() {
        return Ok(false);
    }
    let reviewed: Vec<uuid::Uuid> = review::Entity::find()
        .filter(review::Column::OrderId.eq(order.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.order_line_id)
        .collect();
    Ok(lines.iter().any(|l| !reviewed.contains(&l.id)))
}
