//! Reading orders: one order for whoever may see it, the caller's own
//! orders, the staff queue with filters and paging, and batched relation
//! loads (lines, events, allocations) for DataLoaders.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{order, order_event, order_line, product, stock_movement, warehouse};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::can_view;
use super::rows::{self, order_from_row, orders_from_rows};
use crate::db::FirstRow;
use crate::domain::actor::Actor;
use crate::domain::auth::{Principal, Role};
use crate::domain::catalog::{MAX_PAGE_SIZE, Sku};
use crate::domain::money::Money;
use crate::domain::orders::{EventDetail, EventKind, Order, OrderLine, OrderStatus};
use crate::error::{AppError, AppResult};
use crate::services::actors;
use crate::state::AppState;

fn not_found(number: &str) -> AppError {
    AppError::NotFound(format!("no order {number}"))
}

/// The order with this number, if the caller may see it. Someone else's
/// order is NOT_FOUND, exactly like a missing one, so existence never leaks.
pub async fn find_visible(state: &AppState, p: &Principal, number: &str) -> AppResult<Order> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in to see orders".into()));
    }
    let number = number.trim().to_ascii_uppercase();
    let found = order::Entity::find()
        .filter(order::Column::Number.eq(number.clone()))
        .first(&state.db.conn)
        .await?;
    match found.map(order_from_row).transpose()? {
        Some(o) if can_view(p, &o) => Ok(o),
        _ => Err(not_found(&number)),
    }
}

/// A page of orders.
pub struct OrderPage {
    pub items: Vec<Order>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: u64,
    /// Offset of the first item, for cursors.
    pub offset: u64,
}

/// Staff queue filters; all optional, combined with AND.
#[derive(Default, Clone, Debug)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub channel: Option<String>,
    pub customer_email: Option<String>,
    pub sku: Option<String>,
    pub placed_from: Option<DateTime<Utc>>,
    pub placed_to: Option<DateTime<Utc>>,
    /// Whole days in the merchant's time zone, both inclusive.
    pub placed_from_date: Option<NaiveDate>,
    pub placed_to_date: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrderSort {
    #[default]
    PlacedAtDesc,
    PlacedAtAsc,
    TotalDesc,
    TotalAsc,
}

pub fn encode_cursor(offset: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

pub(super) fn decode_cursor(c: &str) -> AppResult<u64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| AppError::invalid("after", "is not a valid cursor"))
}

fn page_args(first: i64, after: Option<&str>) -> AppResult<(u64, u64)> {
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(AppError::invalid("first", "must be between 1 and 100"));
    }
    let offset = match after {
        Some(c) => decode_cursor(c)? + 1,
        None => 0,
    };
    Ok((first as u64, offset))
}

async fn page(
    state: &AppState,
    q: sea_orm::Select<order::Entity>,
    sort: OrderSort,
    first: i64,
    after: Option<&str>,
) -> AppResult<OrderPage> {
    let (limit, offset) = page_args(first, after)?;
    let total = q.clone().count(&state.db.conn).await?;
    let q = match sort {
        OrderSort::PlacedAtDesc => q.order_by_desc(order::Column::PlacedAt),
        OrderSort::PlacedAtAsc => q.order_by_asc(order::Column::PlacedAt),
        OrderSort::TotalDesc => q.order_by_desc(order::Column::TotalMinor),
        OrderSort::TotalAsc => q.order_by_asc(order::Column::TotalMinor),
    }
    .order_by_desc(order::Column::Id);
    let mut items = q
        .offset(offset)
        .limit(limit + 1)
        .all(&state.db.conn)
        .await?;
    let has_next = items.len() as u64 > limit;
    items.truncate(limit as usize);
    Ok(OrderPage {
        items: orders_from_rows(items)?,
        has_next,
        has_previous: offset > 0,
        total,
        offset,
    })
}

/// The caller's own orders, newest first.
pub async fn my_orders(
    state: &AppState,
    p: &Principal,
    first: i64,
    after: Option<&str>,
) -> AppResult<OrderPage> {
    let Some(id) = p.user_id() else {
        return Err(AppError::Unauthenticated(
            "sign in to see your orders".into(),
        ));
    };
    let q = order::Entity::find().filter(order::Column::CustomerId.eq(id));
    page(state, q, OrderSort::PlacedAtDesc, first, after).await
}

/// The order queue: staff see every order, an integration its channel's.
pub async fn list_orders(
    state: &AppState,
    p: &Principal,
    filter: OrderFilter,
    sort: OrderSort,
    first: i64,
    after: Option<&str>,
) -> AppResult<OrderPage> {
    let mut q = order::Entity::find();
    match p {
        Principal::Integration { channel_id, .. } => {
            q = q.filter(order::Column::ChannelId.eq(*channel_id));
        }
        _ if p.is_staff() || *p == Principal::System => {}
        _ if p.role() == Some(Role::Customer) => {
            return Err(AppError::Forbidden(
                "customers see their orders with myOrders".into(),
            ));
        }
        _ => return Err(AppError::Unauthenticated("sign in first".into())),
    }
    if let Some(s) = filter.status {
        q = q.filter(order::Column::Status.eq(s.as_str()));
    }
    if let Some(code) = filter.channel.as_deref().filter(|s| !s.trim().is_empty()) {
        match state.channels.by_code(&state.db.conn, code).await? {
            Some(c) => q = q.filter(order::Column::ChannelId.eq(c.id)),
            None => return Err(AppError::invalid("filter.channel", "no such channel")),
        }
    }
    if let Some(email) = filter
        .customer_email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        q = q.filter(order::Column::CustomerEmail.eq(email.trim().to_lowercase()));
    }
    if let Some(sku) = filter.sku.as_deref().filter(|s| !s.trim().is_empty()) {
        let sku =
            Sku::parse(sku).ok_or_else(|| AppError::invalid("filter.sku", "is not a valid SKU"))?;
        q = q.filter(
            order::Column::Id.in_subquery(
                Query::select()
                    .column(order_line::Column::OrderId)
                    .from(order_line::Entity)
                    .and_where(Expr::col(order_line::Column::Sku).eq(sku.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(from) = filter.placed_from {
        q = q.filter(order::Column::PlacedAt.gte(from));
    }
    if let Some(to) = filter.placed_to {
        q = q.filter(order::Column::PlacedAt.lt(to));
    }
    let zone = state.config.time_zone;
    if let Some(day) = filter.placed_from_date {
        q = q.filter(order::Column::PlacedAt.gte(zone.day_start(day)));
    }
    if let Some(day) = filter.placed_to_date {
        q = q.filter(order::Column::PlacedAt.lt(zone.day_bounds(day).1));
    }
    page(state, q, sort, first, after).await
}

#[derive(FromQueryResult)]
struct LineRow {
    order_id: Uuid,
    product_id: Uuid,
    sku: String,
    name: String,
    quantity: i64,
    unit_price_minor: i64,
    line_total_minor: i64,
    /// The order's currency, joined in.
    currency: String,
    number: String,
}

/// Lines of many orders in one statement, priced in their order's currency.
pub async fn lines_for(state: &AppState, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<OrderLine>>> {
    let q = Query::select()
        .columns([
            (order_line::Entity, order_line::Column::OrderId),
            (order_line::Entity, order_line::Column::ProductId),
            (order_line::Entity, order_line::Column::Sku),
            (order_line::Entity, order_line::Column::Name),
            (order_line::Entity, order_line::Column::Quantity),
            (order_line::Entity, order_line::Column::UnitPriceMinor),
            (order_line::Entity, order_line::Column::LineTotalMinor),
        ])
        .columns([
            (order::Entity, order::Column::Currency),
            (order::Entity, order::Column::Number),
        ])
        .from(order_line::Entity)
        .inner_join(
            order::Entity,
            Expr::col((order::Entity, order::Column::Id))
                .equals((order_line::Entity, order_line::Column::OrderId)),
        )
        .and_where(Expr::col((order_line::Entity, order_line::Column::OrderId)).is_in(ids.to_vec()))
        .order_by(
            (order_line::Entity, order_line::Column::LineNo),
            sea_orm::Order::Asc,
        )
        .to_owned();
    let stmt = state.db.conn.get_database_backend().build(&q);
    let found = LineRow::find_by_statement(stmt).all(&state.db.conn).await?;
    let mut out: HashMap<Uuid, Vec<OrderLine>> = HashMap::new();
    for r in found {
        let currency = rows::currency(&r.currency, &r.number)?;
        out.entry(r.order_id).or_default().push(OrderLine {
            order_id: r.order_id,
            product_id: r.product_id,
            sku: r.sku,
            name: r.name,
            quantity: r.quantity,
            unit_price: Money::new(r.unit_price_minor, currency.clone()),
            line_total: Money::new(r.line_total_minor, currency),
        });
    }
    Ok(out)
}

/// One entry of an order's timeline, its actor resolved.
#[derive(Clone, Debug)]
pub struct TimelineEvent {
    pub kind: EventKind,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// What the system recorded, machine-readable.
    pub detail: Option<EventDetail>,
}

/// Timelines of many orders, oldest event first: one statement for the
/// events and at most two for their actors' names.
pub async fn events_for(
    state: &AppState,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<TimelineEvent>>> {
    let rows = order_event::Entity::find()
        .filter(order_event::Column::OrderId.is_in(ids.to_vec()))
        .order_by_asc(order_event::Column::Id)
        .all(&state.db.conn)
        .await?;
    let actors = actors::resolve(&state.db.conn, rows.iter().map(|r| r.actor.as_str())).await?;
    let mut out: HashMap<Uuid, Vec<TimelineEvent>> = HashMap::new();
    for r in rows {
        let actor = actors.get(&r.actor).cloned().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("actor {:?} not resolved", r.actor))
        })?;
        out.entry(r.order_id).or_default().push(TimelineEvent {
            from: r
                .from_status
                .as_deref()
                .map(|s| rows::status(s, &r.order_id.to_string()))
                .transpose()?,
            to: rows::status(&r.to_status, &r.order_id.to_string())?,
            kind: rows::event_kind(&r.kind, &r.order_id.to_string())?,
            actor,
            at: r.at,
            note: r.note,
            detail: match r.detail.as_deref() {
                None => None,
                Some(d) => Some(EventDetail::parse_stored(d).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "order {} has an unknown stored event detail {d:?}",
                        r.order_id
                    ))
                })?),
            },
        });
    }
    Ok(out)
}

/// Where an order's units come from, per (product, warehouse), from the ledger.
#[derive(Clone, Debug, FromQueryResult)]
pub struct NetAllocation {
    pub reference: String,
    pub product_id: Uuid,
    pub sku: String,
    pub warehouse_id: Uuid,
    pub warehouse_code: String,
    pub warehouse_name: String,
    pub warehouse_region: String,
    pub warehouse_is_pickup_point: bool,
    pub warehouse_priority: i32,
    /// Units allocated at placement.
    pub quantity: i64,
    /// Units still held (allocated, neither released nor shipped).
    pub held: i64,
}

pub(crate) async fn net_allocations(
    db: &impl ConnectionTrait,
    numbers: &[String],
) -> AppResult<Vec<NetAllocation>> {
    let m = Alias::new("m");
    let q = Query::select()
        .column((m.clone(), stock_movement::Column::Reference))
        .column((m.clone(), stock_movement::Column::ProductId))
        .column((product::Entity, product::Column::Sku))
        .column((m.clone(), stock_movement::Column::WarehouseId))
        .expr_as(Expr::col((warehouse::Entity, warehouse::Column::Code)), Alias::new("warehouse_code"))
        .expr_as(Expr::col((warehouse::Entity, warehouse::Column::Name)), Alias::new("warehouse_name"))
        .expr_as(Expr::col((warehouse::Entity, warehouse::Column::Region)), Alias::new("warehouse_region"))
        .expr_as(
            Expr::col((warehouse::Entity, warehouse::Column::IsPickupPoint)),
            Alias::new("warehouse_is_pickup_point"),
        )
        .expr_as(Expr::col((warehouse::Entity, warehouse::Column::Priority)), Alias::new("warehouse_priority"))
        .expr_as(
            Expr::cust("CAST(SUM(CASE WHEN m.kind = 'allocate' THEN m.delta_allocated ELSE 0 END) AS BIGINT)"),
            Alias::new("quantity"),
        )
        .expr_as(Expr::cust("CAST(SUM(m.delta_allocated) AS BIGINT)"), Alias::new("held"))
        .from_as(stock_movement::Entity, m.clone())
        .inner_join(
            product::Entity,
            Expr::col((product::Entity, product::Column::Id)).equals((m.clone(), stock_movement::Column::ProductId)),
        )
        .inner_join(
            warehouse::Entity,
            Expr::col((warehouse::Entity, warehouse::Column::Id))
                .equals((m.clone(), stock_movement::Column::WarehouseId)),
        )
        .and_where(Expr::col((m.clone(), stock_movement::Column::Reference)).is_in(numbers.to_vec()))
        .group_by_columns([
            (m.clone(), stock_movement::Column::Reference),
            (m.clone(), stock_movement::Column::ProductId),
            (m.clone(), stock_movement::Column::WarehouseId),
        ])
        .group_by_col((product::Entity, product::Column::Sku))
        .group_by_col((warehouse::Entity, warehouse::Column::Code))
        .group_by_col((warehouse::Entity, warehouse::Column::Name))
        .group_by_col((warehouse::Entity, warehouse::Column::Region))
        .group_by_col((warehouse::Entity, warehouse::Column::IsPickupPoint))
        .group_by_col((warehouse::Entity, warehouse::Column::Priority))
        .to_owned();
    let stmt = db.get_database_backend().build(&q);
    Ok(NetAllocation::find_by_statement(stmt).all(db).await?)
}

/// Allocations of many orders (by number) in one statement.
pub async fn allocations_for(
    state: &AppState,
    numbers: &[String],
) -> AppResult<HashMap<String, Vec<NetAllocation>>> {
    let rows = net_allocations(&state.db.conn, numbers).await?;
    let mut out: HashMap<String, Vec<NetAllocation>> = HashMap::new();
    // A warehouse a shipment moved away from keeps nothing of the order.
    for r in rows.into_iter().filter(|r| r.quantity != 0 || r.held != 0) {
        out.entry(r.reference.clone()).or_default().push(r);
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (&a.sku, &a.warehouse_code).cmp(&(&b.sku, &b.warehouse_code)));
    }
    Ok(out)
}
