//! Reading reviews: a product's published reviews and rating, the
//! moderation queue (support, admin), the caller's own reviews, one review
//! by id, and an order's lines with their review state. Pages are offset
//! paged with the orders' cursor format; names (product, order, author,
//! replier) are loaded for a whole page at once.

use std::collections::HashMap;

use entity::{order, product, review, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order as SortOrder, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{aggregate, delivered, is_moderator, not_found};
use crate::domain::auth::{Principal, Role};
use crate::domain::catalog::MAX_PAGE_SIZE;
use crate::domain::orders::Order;
use crate::domain::reviews::ReviewStatus;
use crate::domain::reviews::rating::Rating;
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// A review with the names it is shown with.
#[derive(Clone, Debug)]
pub struct ReviewView {
    pub row: review::Model,
    pub status: ReviewStatus,
    pub product_name: String,
    pub order_number: String,
    pub author_name: String,
    pub replied_by_name: Option<String>,
}

/// A page of reviews.
pub struct ReviewPage {
    pub items: Vec<ReviewView>,
    pub has_next: bool,
    pub total: u64,
    /// Offset of the first item, for cursors.
    pub offset: u64,
}

/// Moderation queue filters (AND).
#[derive(Clone, Debug, Default)]
pub struct ReviewFilter {
    pub status: Option<ReviewStatus>,
    pub sku: Option<String>,
}

/// One order line as the order page shows it for reviews.
pub struct LineReview {
    pub sku: String,
    pub name: String,
    /// A unit of it reached the customer.
    pub delivered: bool,
    /// The caller may review it now.
    pub can_write: bool,
    /// Its review, when the caller may see it.
    pub review: Option<ReviewView>,
}

fn check_first(first: i64) -> AppResult<u64> {
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(AppError::invalid("first", "must be between 1 and 100"));
    }
    Ok(first as u64)
}

/// The names for a batch of rows: products, orders, authors and repliers
/// in one query each.
pub(super) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<review::Model>,
) -> AppResult<Vec<ReviewView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let products: HashMap<Uuid, String> = product::Entity::find()
        .filter(product::Column::Id.is_in(rows.iter().map(|r| r.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let orders: HashMap<Uuid, String> = order::Entity::find()
        .filter(order::Column::Id.is_in(rows.iter().map(|r| r.order_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.number))
        .collect();
    let people: Vec<Uuid> = rows
        .iter()
        .map(|r| r.customer_id)
        .chain(rows.iter().filter_map(|r| r.replied_by))
        .collect();
    let users: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    rows.into_iter()
        .map(|row| {
            let status = ReviewStatus::parse(&row.status).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "review {} has status {:?}",
                    row.id,
                    row.status
                ))
            })?;
            Ok(ReviewView {
                status,
                product_name: products.get(&row.product_id).cloned().unwrap_or_default(),
                order_number: orders.get(&row.order_id).cloned().unwrap_or_default(),
                author_name: users.get(&row.customer_id).cloned().unwrap_or_default(),
                replied_by_name: row.replied_by.and_then(|id| users.get(&id).cloned()),
                row,
            })
        })
        .collect()
}

pub(super) async fn view_one(state: &AppState, row: review::Model) -> AppResult<ReviewView> {
    views(&state.db.conn, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)
}

async fn page(
    db: &impl ConnectionTrait,
    q: sea_orm::Select<review::Entity>,
    first: i64,
    offset: u64,
) -> AppResult<ReviewPage> {
    let limit = check_first(first)?;
    let total = q.clone().count(db).await?;
    let mut rows = q.offset(offset).limit(limit + 1).all(db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok(ReviewPage {
        items: views(db, rows).await?,
        has_next,
        total,
        offset,
    })
}

/// A product's published reviews, most recently published first. Public.
pub async fn product_reviews(
    state: &AppState,
    product_id: Uuid,
    first: i64,
    offset: u64,
) -> AppResult<ReviewPage> {
    let q = review::Entity::find()
        .filter(review::Column::ProductId.eq(product_id))
        .filter(review::Column::Status.eq(ReviewStatus::Published.as_str()))
        .order_by_desc(review::Column::PublishedAt)
        .order_by_desc(review::Column::Id);
    page(&state.db.conn, q, first, offset).await
}

/// A product's rating: one row of `product_ratings`. Public.
pub async fn product_rating(state: &AppState, product_id: Uuid) -> AppResult<Rating> {
    aggregate::read(&state.db.conn, product_id).await
}

/// The moderation queue (support, admin): PENDING first, oldest first.
pub async fn moderation_queue(
    state: &AppState,
    p: &Principal,
    filter: ReviewFilter,
    first: i64,
    offset: u64,
) -> AppResult<ReviewPage> {
    authorize(p, super::MODERATORS)?;
    let mut q = review::Entity::find();
    if let Some(s) = filter.status {
        q = q.filter(review::Column::Status.eq(s.as_str()));
    }
    if let Some(sku) = filter
        .sku
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        q = q.filter(review::Column::Sku.eq(sku.to_ascii_uppercase()));
    }
    let pending_first = Expr::cust(format!(
        "CASE WHEN status = '{}' THEN 0 ELSE 1 END",
        ReviewStatus::Pending.as_str()
    ));
    let q = q
        .order_by(pending_first, SortOrder::Asc)
        .order_by_asc(review::Column::CreatedAt)
        .order_by_asc(review::Column::Id);
    page(&state.db.conn, q, first, offset).await
}

/// The caller's own reviews, newest first (customers).
pub async fn my_reviews(
    state: &AppState,
    p: &Principal,
    first: i64,
    offset: u64,
) -> AppResult<ReviewPage> {
    authorize(p, &[Role::Customer])?;
    let id = p
        .user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in to see your reviews".into()))?;
    let q = review::Entity::find()
        .filter(review::Column::CustomerId.eq(id))
        .order_by_desc(review::Column::CreatedAt)
        .order_by_desc(review::Column::Id);
    page(&state.db.conn, q, first, offset).await
}

/// Whether `p` sees this review: published ones everyone; others their
/// author and moderators.
fn may_see(p: &Principal, r: &review::Model) -> bool {
    r.status == ReviewStatus::Published.as_str()
        || p.user_id() == Some(r.customer_id)
        || is_moderator(p)
}

/// One review, if the caller may see it (NOT_FOUND otherwise, as for a
/// missing one).
pub async fn review(state: &AppState, p: &Principal, id: Uuid) -> AppResult<ReviewView> {
    let row = review::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .filter(|r| may_see(p, r))
        .ok_or_else(not_found)?;
    view_one(state, row).await
}

/// The order's lines with their review state, for someone who may see
/// the order: its customer sees which lines they can review and their
/// reviews; moderators see the reviews; others see none.
pub async fn line_reviews(
    state: &AppState,
    p: &Principal,
    order: &Order,
) -> AppResult<Vec<LineReview>> {
    let db = &state.db.conn;
    let (lines, delivered) = delivered::split(db, order).await?;
    let owner = p.role() == Some(Role::Customer)
        && p.user_id().is_some()
        && p.user_id() == order.customer.id;
    let rows = review::Entity::find()
        .filter(review::Column::OrderId.eq(order.id))
        .all(db)
        .await?;
    let mut by_line: HashMap<Uuid, ReviewView> = views(db, rows)
        .await?
        .into_iter()
        .filter(|v| may_see(p, &v.row))
        .map(|v| (v.row.order_line_id, v))
        .collect();
    Ok(lines
        .into_iter()
        .map(|l| {
            let is_delivered = delivered::is_delivered(&delivered, &l);
            let review = by_line.remove(&l.id);
            LineReview {
                can_write: owner && is_delivered && review.is_none(),
                delivered: is_delivered,
                sku: l.sku,
                name: l.name,
                review,
            }
        })
        .collect())
}
