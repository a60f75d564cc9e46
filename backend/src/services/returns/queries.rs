//! Reading returns: one by id (a customer only their own; others'
//! are NOT_FOUND), an order's returns, the staff queue with counts per
//! status, and a customer's own list.

use std::collections::HashMap;

use entity::{order, return_request};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::request::visible;
use super::store::{self, Return};
use crate::domain::auth::{Principal, Role, STAFF};
use crate::domain::returns::ReturnStatus;
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// One return, if the caller may see it.
pub async fn find_return(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Return> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in to see returns".into()));
    }
    visible(p, store::load(&state.db.conn, id).await?, id)
}

/// Returns of these orders (the caller could see the orders), newest first.
pub async fn returns_for_order(
    state: &AppState,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Return>>> {
    let rows = return_request::Entity::find()
        .filter(return_request::Column::OrderId.is_in(order_ids.to_vec()))
        .order_by_desc(return_request::Column::CreatedAt)
        .order_by_desc(return_request::Column::Id)
        .all(&state.db.conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<Return>> = HashMap::new();
    for r in store::returns_from_rows(&state.db.conn, rows).await? {
        out.entry(r.order_id).or_default().push(r);
    }
    Ok(out)
}

/// Staff queue filters, combined with AND.
#[derive(Clone, Debug, Default)]
pub struct ReturnFilter {
    pub status: Option<ReturnStatus>,
    pub order_number: Option<String>,
}

/// A page of returns.
pub struct ReturnPage {
    pub items: Vec<Return>,
    pub has_next: bool,
    pub total: u64,
    pub offset: u64,
}

async fn filtered(state: &AppState, f: &ReturnFilter) -> AppResult<Select<return_request::Entity>> {
    let mut q = return_request::Entity::find();
    if let Some(s) = f.status {
        q = q.filter(return_request::Column::Status.eq(s.as_str()));
    }
    if let Some(n) = f
        .order_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let id = order::Entity::find()
            .filter(order::Column::Number.eq(n.to_ascii_uppercase()))
            .one(&state.db.conn)
            .await?
            .map_or(Uuid::nil(), |o| o.id);
        q = q.filter(return_request::Column::OrderId.eq(id));
    }
    Ok(q)
}

async fn page(
    state: &AppState,
    q: Select<return_request::Entity>,
    first: u64,
    offset: u64,
) -> AppResult<ReturnPage> {
    let total = q.clone().count(&state.db.conn).await?;
    let rows = q
        .order_by_desc(return_request::Column::CreatedAt)
        .order_by_desc(return_request::Column::Id)
        .offset(offset)
        .limit(first + 1)
        .all(&state.db.conn)
        .await?;
    let has_next = rows.len() as u64 > first;
    let rows: Vec<_> = rows.into_iter().take(first as usize).collect();
    Ok(ReturnPage {
        items: store::returns_from_rows(&state.db.conn, rows).await?,
        has_next,
        total,
        offset,
    })
}

/// The service desk's returns (support, warehouse, finance, admin), newest first.
pub async fn list_returns(
    state: &AppState,
    p: &Principal,
    f: &ReturnFilter,
    first: u64,
    offset: u64,
) -> AppResult<ReturnPage> {
    authorize(p, STAFF)?;
    let q = filtered(state, f).await?;
    page(state, q, first, offset).await
}

/// How many returns are in each status (the filter's order number applies;
/// its status does not), staff only.
pub async fn status_counts(
    state: &AppState,
    p: &Principal,
    f: &ReturnFilter,
) -> AppResult<Vec<(ReturnStatus, i64)>> {
    authorize(p, STAFF)?;
    let q = filtered(
        state,
        &ReturnFilter {
            status: None,
            ..f.clone()
        },
    )
    .await?;
    let rows: Vec<(String, i64)> = q
        .select_only()
        .column(return_request::Column::Status)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(return_request::Column::Status)
        .into_tuple()
        .all(&state.db.conn)
        .await?;
    Ok(ReturnStatus::ALL
        .into_iter()
        .map(|s| {
            let n = rows
                .iter()
                .find(|(x, _)| x == s.as_str())
                .map_or(0, |r| r.1);
            (s, n)
        })
        .collect())
}

/// The signed-in customer's returns, newest first.
pub async fn my_returns(
    state: &AppState,
    p: &Principal,
    first: u64,
    offset: u64,
) -> AppResult<ReturnPage> {
    authorize(p, &[Role::Customer])?;
    let id = p
        .user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in first".into()))?;
    let q = return_request::Entity::find().filter(return_request::Column::CustomerId.eq(id));
    page(state, q, first, offset).await
}
