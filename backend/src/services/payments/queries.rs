//! Reading payments: those of orders the caller can see (for
//! `Order.payments`), and the finance list with filters and paging.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{order, payment};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::store;
use crate::domain::auth::Principal;
use crate::domain::catalog::MAX_PAGE_SIZE;
use crate::domain::payments::{self as rules, Ledger, Payment, PaymentMethod, PaymentStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Payments per order id (the caller already may see these orders).
pub async fn payments_for_orders(
    state: &AppState,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Payment>>> {
    let mut out: HashMap<Uuid, Vec<Payment>> = HashMap::new();
    for p in store::payments_of_orders(&state.db.conn, order_ids).await? {
        out.entry(p.order_id).or_default().push(p);
    }
    Ok(out)
}

/// Finance filters; all optional, combined with AND.
#[derive(Clone, Debug, Default)]
pub struct PaymentFilter {
    pub method: Option<PaymentMethod>,
    pub status: Option<PaymentStatus>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Whole days in the merchant's time zone, both inclusive.
    pub created_from_date: Option<NaiveDate>,
    pub created_to_date: Option<NaiveDate>,
    pub order_number: Option<String>,
}

/// One page of payments, newest first, with their order numbers.
pub struct PaymentPage {
    pub items: Vec<(Payment, String)>,
    pub has_next: bool,
    pub offset: u64,
    pub total: u64,
}

/// The finance list. Status is derived from the ledger, so a status filter
/// reads payments in batches and keeps the matching ones.
pub async fn list_payments(
    state: &AppState,
    p: &Principal,
    filter: PaymentFilter,
    first: u64,
    offset: u64,
) -> AppResult<PaymentPage> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    if !rules::may_list_payments(p) {
        return Err(AppError::Forbidden(
            "only finance, support and admin list payments".into(),
        ));
    }
    let first = first.clamp(1, MAX_PAGE_SIZE as u64);
    let mut q = payment::Entity::find();
    if let Some(m) = filter.method {
        q = q.filter(payment::Column::Method.eq(m.as_str()));
    }
    if let Some(t) = filter.created_from {
        q = q.filter(payment::Column::CreatedAt.gte(t));
    }
    if let Some(t) = filter.created_to {
        q = q.filter(payment::Column::CreatedAt.lt(t));
    }
    let zone = state.config.time_zone;
    if let Some(day) = filter.created_from_date {
        q = q.filter(payment::Column::CreatedAt.gte(zone.day_start(day)));
    }
    if let Some(day) = filter.created_to_date {
        q = q.filter(payment::Column::CreatedAt.lt(zone.day_bounds(day).1));
    }
    if let Some(n) = &filter.order_number {
        let n = n.trim().to_ascii_uppercase();
        let ids: Vec<Uuid> = order::Entity::find()
            .filter(order::Column::Number.eq(n))
            .select_only()
            .column(order::Column::Id)
            .into_tuple()
            .all(&state.db.conn)
            .await?;
        q = q.filter(payment::Column::OrderId.is_in(ids));
    }
    q = q
        .order_by_desc(payment::Column::CreatedAt)
        .order_by_desc(payment::Column::Id);
    let (rows, total, has_next) = match filter.status {
        None => {
            let total = q.clone().count(&state.db.conn).await?;
            let rows = q
                .offset(offset)
                .limit(first + 1)
                .all(&state.db.conn)
                .await?;
            let has_next = rows.len() as u64 > first;
            let rows: Vec<_> = rows.into_iter().take(first as usize).collect();
            (
                store::with_events(&state.db.conn, rows).await?,
                total,
                has_next,
            )
        }
        Some(status) => {
            let all =
                store::with_events(&state.db.conn, q.limit(10_000).all(&state.db.conn).await?)
                    .await?;
            let matching: Vec<Payment> = all
                .into_iter()
                .filter(|p| Ledger::from_events(&p.events).status(p.amount_minor) == status)
                .collect();
            let total = matching.len() as u64;
            let page: Vec<_> = matching
                .into_iter()
                .skip(offset as usize)
                .take(first as usize + 1)
                .collect();
            let has_next = page.len() as u64 > first;
            (
                page.into_iter().take(first as usize).collect(),
                total,
                has_next,
            )
        }
    };
    let order_ids: Vec<Uuid> = rows.iter().map(|p| p.order_id).collect();
    let numbers: HashMap<Uuid, String> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids))
        .select_only()
        .column(order::Column::Id)
        .column(order::Column::Number)
        .into_tuple::<(Uuid, String)>()
        .all(&state.db.conn)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|p| {
            let n = numbers.get(&p.order_id).cloned().unwrap_or_default();
            (p, n)
        })
        .collect();
    Ok(PaymentPage {
        items,
        has_next,
        offset,
        total,
    })
}
