//! Reading change requests: one by id, an order's, and the service desk's
//! queue (support and admins) with counts per status.

use std::collections::HashMap;

use entity::{change_request, order};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::stored::{ChangeRequest, from_row};
use crate::domain::auth::{Principal, Role};
use crate::domain::changes::ChangeStatus;
use crate::domain::orders::{Order, can_view};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

async fn numbers(
    db: &impl ConnectionTrait,
    rows: &[change_request::Model],
) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(order::Entity::find()
        .filter(order::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.number))
        .collect())
}

async fn many(
    db: &impl ConnectionTrait,
    rows: Vec<change_request::Model>,
) -> AppResult<Vec<ChangeRequest>> {
    let n = numbers(db, &rows).await?;
    rows.into_iter().map(|r| from_row(r, &n)).collect()
}

/// One change request by id (no access check: callers check).
pub(super) async fn one(db: &impl ConnectionTrait, id: Uuid) -> AppResult<ChangeRequest> {
    let row = change_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no change request {id}")))?;
    many(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("no change request {id}")))
}

/// The change requests of an order the caller may see, newest first.
pub async fn for_order(
    state: &AppState,
    p: &Principal,
    o: &Order,
) -> AppResult<Vec<ChangeRequest>> {
    if !can_view(p, o) {
        return Ok(Vec::new());
    }
    let rows = change_request::Entity::find()
        .filter(change_request::Column::OrderId.eq(o.id))
        .order_by_desc(change_request::Column::CreatedAt)
        .order_by_desc(change_request::Column::Id)
        .all(&state.db.conn)
        .await?;
    many(&state.db.conn, rows).await
}

/// One change request, for its order's customer or staff; anyone else
/// gets NOT_FOUND.
pub async fn find_change_request(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> AppResult<ChangeRequest> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    let r = one(&state.db.conn, id).await?;
    let o = crate::services::orders::find_visible(state, p, &r.order_number)
        .await
        .map_err(|_| AppError::NotFound(format!("no change request {id}")))?;
    if o.customer.id != p.user_id() && !p.is_staff() {
        return Err(AppError::NotFound(format!("no change request {id}")));
    }
    Ok(r)
}

/// A page of the queue, with how many requests are in each status.
pub struct ChangeRequestPage {
    pub items: Vec<ChangeRequest>,
    pub total: u64,
    pub offset: u64,
    pub has_next: bool,
    pub has_previous: bool,
    pub counts: Vec<(ChangeStatus, u64)>,
}

/// The service desk's queue: PENDING first (oldest first, as they wait),
/// then the rest newest first. Support and admins.
pub async fn list_change_requests(
    state: &AppState,
    p: &Principal,
    status: Option<ChangeStatus>,
    first: i64,
    after: Option<&str>,
) -> AppResult<ChangeRequestPage> {
    authorize(p, &[Role::Support, Role::Admin])?;
    if !(1..=100).contains(&first) {
        return Err(AppError::invalid("first", "must be between 1 and 100"));
    }
    let offset = match after {
        Some(c) => {
            crate::services::orders::decode_cursor(c)
                .ok_or_else(|| AppError::invalid("after", "is not a valid cursor"))?
                + 1
        }
        None => 0,
    };
    let db = &state.db.conn;
    let mut q = change_request::Entity::find();
    if let Some(s) = status {
        q = q.filter(change_request::Column::Status.eq(s.as_str()));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(Expr::cust("CASE WHEN status = 'PENDING' THEN 1 ELSE 0 END"))
        .order_by_desc(change_request::Column::CreatedAt)
        .order_by_desc(change_request::Column::Id)
        .offset(offset)
        .limit(first as u64 + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first as u64;
    let rows: Vec<_> = rows.into_iter().take(first as usize).collect();
    let grouped: Vec<(String, i64)> = change_request::Entity::find()
        .select_only()
        .column(change_request::Column::Status)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(change_request::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let counts = ChangeStatus::ALL
        .into_iter()
        .map(|s| {
            let n = grouped
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |(_, n)| *n as u64);
            (s, n)
        })
        .collect();
    Ok(ChangeRequestPage {
        items: many(db, rows).await?,
        total,
        offset,
        has_next,
        has_previous: offset > 0,
        counts,
    })
}
