//! The review commands: write, edit (author), moderate and reply
//! (support, admin). Each validates before writing, runs in one write
//! transaction, and changes a review by `UPDATE … WHERE id = ? AND
//! version = ?` so that a concurrent change loses with CONFLICT instead of
//! overwriting; the product's aggregate moves in the same transaction.

use chrono::Utc;
use entity::review;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};
use uuid::Uuid;

use super::queries::{ReviewView, view_one};
use super::{MODERATORS, aggregate, delivered, not_found};
use crate::domain::auth::{Principal, Role};
use crate::domain::reviews::validate::{self, Invalid};
use crate::domain::reviews::{RatingEffect, ReviewEvent, ReviewStatus};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// A moderator's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Publish,
    Reject,
}

fn refused(i: Invalid) -> AppError {
    AppError::invalid(i.field, i.message)
}

fn status_of(r: &review::Model) -> AppResult<ReviewStatus> {
    ReviewStatus::parse(&r.status).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("review {} has status {:?}", r.id, r.status))
    })
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Reviews a delivered line of the caller's order: the first delivered,
/// not yet reviewed line with `sku`. PENDING until a moderator publishes it.
///
/// Refused, writing nothing: a rating outside 1–5, an empty or too long
/// title/body (INVALID_INPUT naming the field); someone else's order
/// (NOT_FOUND); a SKU not on the order or not delivered yet
/// (INVALID_INPUT on `sku`); a line already reviewed (CONFLICT).
pub async fn write_review(
    state: &AppState,
    p: &Principal,
    order_number: &str,
    sku: &str,
    rating: i64,
    title: &str,
    body: &str,
) -> AppResult<ReviewView> {
    authorize(p, &[Role::Customer])?;
    let text = validate::review(rating, title, body).map_err(refused)?;
    let customer = p
        .user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in to write a review".into()))?;
    let order = crate::services::orders::find_visible(state, p, order_number).await?;
    if order.customer.id != Some(customer) {
        return Err(AppError::NotFound(format!("no order {}", order.number)));
    }
    let sku = sku.trim().to_ascii_uppercase();
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let (lines, delivered) = delivered::split(&*tx, &order).await?;
    let with_sku: Vec<_> = lines.into_iter().filter(|l| l.sku == sku).collect();
    if with_sku.is_empty() {
        return Err(AppError::invalid("sku", "is not on this order"));
    }
    let received: Vec<_> = with_sku
        .into_iter()
        .filter(|l| delivered::is_delivered(&delivered, l))
        .collect();
    if received.is_empty() {
        return Err(AppError::invalid("sku", "has not been delivered yet"));
    }
    let ids: Vec<Uuid> = received.iter().map(|l| l.id).collect();
    let reviewed: Vec<Uuid> = review::Entity::find()
        .filter(review::Column::OrderLineId.is_in(ids))
        .all(&*tx)
        .await?
        .into_iter()
        .map(|r| r.order_line_id)
        .collect();
    let Some(line) = received.iter().find(|l| !reviewed.contains(&l.id)) else {
        return Err(AppError::Conflict(format!(
            "line {} ({sku}) of order {} is already reviewed",
            received[0].line_no, order.number
        )));
    };
    let id = Uuid::now_v7();
    let row = review::ActiveModel {
        id: Set(id),
        product_id: Set(line.product_id),
        sku: Set(line.sku.clone()),
        order_id: Set(order.id),
        order_line_id: Set(line.id),
        customer_id: Set(customer),
        rating: Set(text.rating),
        title: Set(text.title),
        body: Set(text.body),
        status: Set(ReviewStatus::Pending.as_str().into()),
        reject_reason: Set(None),
        reply: Set(None),
        replied_at: Set(None),
        replied_by: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
    };
    match review::Entity::insert(row).exec(&*tx).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!(
                "line {} ({sku}) of order {} is already reviewed",
                line.line_no, order.number
            )));
        }
        Err(e) => return Err(e.into()),
    }
    let saved = find(&*tx, id).await?;
    tx.commit().await.map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict("this line is already reviewed".into())
        } else {
            e.into()
        }
    })?;
    view_one(state, saved).await
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<review::Model> {
    review::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// Changes one review from `current` (same version) to `next`, and moves
/// the aggregate; CONFLICT when someone changed it meanwhile.
async fn save(
    db: &impl ConnectionTrait,
    current: &review::Model,
    next: review::ActiveModel,
    effect: RatingEffect,
) -> AppResult<()> {
    let mut next = next;
    next.version = Set(current.version + 1);
    let done = review::Entity::update_many()
        .set(next)
        .filter(review::Column::Id.eq(current.id))
        .filter(review::Column::Version.eq(current.version))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the review changed meanwhile; reload and try again".into(),
        ));
    }
    aggregate::apply(db, current.product_id, effect, Utc::now()).await
}

/// The author changes rating, title and body: back to PENDING to be
/// moderated again (a published review leaves the product's rating until
/// then). Someone else's review is NOT_FOUND.
pub async fn edit_review(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    rating: i64,
    title: &str,
    body: &str,
) -> AppResult<ReviewView> {
    authorize(p, &[Role::Customer])?;
    let text = validate::review(rating, title, body).map_err(refused)?;
    let tx = state.db.begin_write().await?;
    let current = find(&*tx, id).await?;
    if Some(current.customer_id) != p.user_id() {
        return Err(not_found());
    }
    let from = status_of(&current)?;
    let to = from
        .next(ReviewEvent::Edit)
        .map_err(|_| AppError::Conflict(format!("a {} review cannot be edited", from.as_str())))?;
    let now = Utc::now();
    let next = review::ActiveModel {
        rating: Set(text.rating),
        title: Set(text.title),
        body: Set(text.body),
        status: Set(to.as_str().into()),
        reject_reason: Set(None),
        published_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    };
    let effect = RatingEffect::of(from, current.rating, to, text.rating);
    save(&*tx, &current, next, effect).await?;
    let saved = find(&*tx, id).await?;
    tx.commit().await?;
    view_one(state, saved).await
}

/// Publishes or rejects a review (support, admin). A reason is required to
/// reject (INVALID_INPUT on `reason`); a published review can be taken
/// down by rejecting it. A decision the table refuses (publishing a
/// published or rejected review) is CONFLICT.
pub async fn moderate_review(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    decision: Decision,
    reason: Option<&str>,
) -> AppResult<ReviewView> {
    authorize(p, MODERATORS)?;
    let reason = match decision {
        Decision::Reject => Some(validate::reason(reason).map_err(refused)?),
        Decision::Publish => None,
    };
    let event = match decision {
        Decision::Publish => ReviewEvent::Publish,
        Decision::Reject => ReviewEvent::Reject,
    };
    let tx = state.db.begin_write().await?;
    let current = find(&*tx, id).await?;
    let from = status_of(&current)?;
    let to = from.next(event).map_err(|_| {
        AppError::Conflict(format!(
            "a {} review cannot be {}",
            from.as_str(),
            match decision {
                Decision::Publish => "published",
                Decision::Reject => "rejected",
            }
        ))
    })?;
    let now = Utc::now();
    let next = review::ActiveModel {
        status: Set(to.as_str().into()),
        reject_reason: Set(reason),
        published_at: Set((to == ReviewStatus::Published).then_some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    let effect = RatingEffect::of(from, current.rating, to, current.rating);
    save(&*tx, &current, next, effect).await?;
    let saved = find(&*tx, id).await?;
    tx.commit().await?;
    view_one(state, saved).await
}

/// Staff's public reply (support, admin); a second reply replaces the
/// first. Shown under the review once it is published.
pub async fn reply_to_review(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    body: &str,
) -> AppResult<ReviewView> {
    authorize(p, MODERATORS)?;
    let body = validate::reply(body).map_err(refused)?;
    let tx = state.db.begin_write().await?;
    let current = find(&*tx, id).await?;
    let now = Utc::now();
    let done = review::Entity::update_many()
        .col_expr(review::Column::Reply, Expr::value(body))
        .col_expr(review::Column::RepliedAt, Expr::value(now))
        .col_expr(review::Column::RepliedBy, Expr::value(p.user_id()))
        .col_expr(review::Column::Version, Expr::value(current.version + 1))
        .filter(review::Column::Id.eq(id))
        .filter(review::Column::Version.eq(current.version))
        .exec(&*tx)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the review changed meanwhile; reload and try again".into(),
        ));
    }
    let saved = find(&*tx, id).await?;
    tx.commit().await?;
    view_one(state, saved).await
}
