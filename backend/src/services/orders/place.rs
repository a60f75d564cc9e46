//! Placing an order: validate, price from the catalog, plan allocation,
//! then one transaction that allocates every line (conditional updates),
//! writes the order, its lines, ledger rows and the first event.
//! Statements in the transaction: 5 + one per allocated (product, warehouse).

use std::collections::HashMap;

use chrono::{Datelike, Utc};
use entity::{
    order, order_event, order_line, product, stock_level, stock_movement, user, warehouse,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, Set, SqlErr,
};
use uuid::Uuid;

use super::event_kind;
pub use super::validate::{AddressIn, LineIn, PlaceOrder};
use super::validate::{Valid, validate};
use crate::domain::auth::{Principal, Role};
use crate::domain::inventory::{self as policy, Availability};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

#[derive(FromQueryResult)]
struct StockRow {
    product_id: Uuid,
    sku: String,
    name: String,
    price_minor: i64,
    currency: String,
    active: bool,
    warehouse_id: Option<Uuid>,
    warehouse_code: Option<String>,
    priority: Option<i32>,
    on_hand: Option<i64>,
    allocated: Option<i64>,
}

/// Products and their per-warehouse availability, in one statement.
async fn load_stock(db: &impl ConnectionTrait, skus: &[String]) -> AppResult<Vec<StockRow>> {
    let q = Query::select()
        .expr_as(
            Expr::col((product::Entity, product::Column::Id)),
            Alias::new("product_id"),
        )
        .column((product::Entity, product::Column::Sku))
        .column((product::Entity, product::Column::Name))
        .column((product::Entity, product::Column::PriceMinor))
        .column((product::Entity, product::Column::Currency))
        .column((product::Entity, product::Column::Active))
        .expr_as(
            Expr::col((warehouse::Entity, warehouse::Column::Id)),
            Alias::new("warehouse_id"),
        )
        .expr_as(
            Expr::col((warehouse::Entity, warehouse::Column::Code)),
            Alias::new("warehouse_code"),
        )
        .column((warehouse::Entity, warehouse::Column::Priority))
        .column((stock_level::Entity, stock_level::Column::OnHand))
        .column((stock_level::Entity, stock_level::Column::Allocated))
        .from(product::Entity)
        .left_join(
            stock_level::Entity,
            Expr::col((stock_level::Entity, stock_level::Column::ProductId))
                .equals((product::Entity, product::Column::Id)),
        )
        .left_join(
            warehouse::Entity,
            Expr::col((warehouse::Entity, warehouse::Column::Id))
                .equals((stock_level::Entity, stock_level::Column::WarehouseId))
                .and(Expr::col((warehouse::Entity, warehouse::Column::Active)).eq(true)),
        )
        .and_where(Expr::col((product::Entity, product::Column::Sku)).is_in(skus.to_vec()))
        .to_owned();
    let stmt = db.get_database_backend().build(&q);
    Ok(StockRow::find_by_statement(stmt).all(db).await?)
}

/// How often an order is re-planned after losing a race for stock.
const MAX_ATTEMPTS: usize = 16;

enum Attempt {
    Placed(Box<order::Model>, Vec<DomainEvent>),
    /// A concurrent order took the stock we planned on: plan again.
    Raced,
    /// The same idempotency key or external id was already used.
    Duplicate,
}

/// Places an order for the caller. Same key + same payload from the same
/// caller returns the first order, also when the two requests race.
pub async fn place_order(
    state: &AppState,
    p: &Principal,
    input: PlaceOrder,
) -> AppResult<order::Model> {
    let v = validate(state, p, &input).await?;
    // A lost race means stock moved between our read and our update: read
    // again. Each loss is another order's win, so this ends quickly; when
    // the stock is gone the plan itself answers OUT_OF_STOCK.
    for _ in 0..MAX_ATTEMPTS {
        match attempt(state, p, &v).await? {
            Attempt::Placed(o, events) => {
                for e in events {
                    state.bus.publish(e);
                }
                state.bus.publish(DomainEvent::OrderChanged {
                    number: o.number.clone(),
                    status: o.status.clone(),
                });
                return Ok(*o);
            }
            Attempt::Raced => continue,
            Attempt::Duplicate => return existing(state, &v).await,
        }
    }
    Err(AppError::Conflict(
        "stock for these items is changing very fast; please retry".into(),
    ))
}

/// The order a duplicate request refers to.
async fn existing(state: &AppState, v: &Valid) -> AppResult<order::Model> {
    if let Some(ext) = &v.external_id {
        let found = order::Entity::find()
            .filter(order::Column::ChannelId.eq(v.channel_id))
            .filter(order::Column::ExternalId.eq(ext.clone()))
            .one(&state.db.conn)
            .await?;
        if let Some(o) = found {
            return Ok(o);
        }
    }
    let found = order::Entity::find()
        .filter(order::Column::IdempotencyScope.eq(v.scope.clone()))
        .filter(order::Column::IdempotencyKey.eq(v.key.clone()))
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("a concurrent duplicate could not be resolved; retry".into())
        })?;
    if found.request_hash.as_deref() != Some(v.hash.as_str()) {
        return Err(AppError::Conflict(
            "this idempotency key was already used for a different order".into(),
        ));
    }
    Ok(found)
}

/// PostgreSQL gave up on this transaction to let another proceed
/// (deadlock or serialization failure): running it again is safe.
fn is_retryable(e: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err))) = e
    else {
        return false;
    };
    err.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "40P01" || code == "40001")
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

async fn attempt(state: &AppState, p: &Principal, v: &Valid) -> AppResult<Attempt> {
    let skus: Vec<String> = v
        .lines
        .iter()
        .map(|(s, _, _)| s.as_str().to_string())
        .collect();
    let tx = state.db.begin_write().await?;
    let rows = load_stock(&*tx, &skus).await?;

    // Price every line from the catalog; client prices do not exist here.
    let mut products: HashMap<&str, &StockRow> = HashMap::new();
    for r in &rows {
        products.entry(r.sku.as_str()).or_insert(r);
    }
    let mut priced = Vec::with_capacity(v.lines.len());
    let mut currency: Option<&str> = None;
    let mut subtotal: i64 = 0;
    for (sku, q, i) in &v.lines {
        let Some(prod) = products.get(sku.as_str()).filter(|p| p.active) else {
            return Err(AppError::invalid(
                format!("lines[{i}].sku"),
                format!("unknown or inactive SKU {}", sku.as_str()),
            ));
        };
        match currency {
            None => currency = Some(prod.currency.as_str()),
            Some(c) if c != prod.currency => {
                return Err(AppError::invalid(
                    "lines",
                    "all lines must share one currency",
                ));
            }
            Some(_) => {}
        }
        let total = prod
            .price_minor
            .checked_mul(*q)
            .ok_or_else(|| AppError::invalid(format!("lines[{i}].quantity"), "amount too large"))?;
        subtotal = subtotal
            .checked_add(total)
            .ok_or_else(|| AppError::invalid("lines", "amount too large"))?;
        priced.push((*prod, *q, total));
    }
    let total = subtotal
        .checked_add(v.fee)
        .ok_or_else(|| AppError::invalid("lines", "amount too large"))?;

    // Plan where every unit comes from.
    let stock: Vec<Availability> = rows
        .iter()
        .filter_map(|r| {
            Some(Availability {
                product_id: r.product_id,
                warehouse_id: r.warehouse_id?,
                warehouse_priority: r.priority?,
                available: r.on_hand? - r.allocated?,
            })
        })
        .collect();
    let demands: Vec<(Uuid, i64)> = priced.iter().map(|(p, q, _)| (p.product_id, *q)).collect();
    let mut plan = match policy::plan(&demands, &stock) {
        Ok(plan) => plan,
        Err(short) => {
            let skus = short
                .iter()
                .filter_map(|id| {
                    rows.iter()
                        .find(|r| r.product_id == *id)
                        .map(|r| r.sku.clone())
                })
                .collect();
            return Err(AppError::OutOfStock { skus });
        }
    };

    if let Some(c) = &v.new_customer {
        let inserted = user::Entity::insert(user::ActiveModel {
            id: Set(c.id),
            email: Set(c.email.clone()),
            name: Set(c.name.clone()),
            role: Set(Role::Customer.as_str().into()),
            password_hash: Set(c.password_hash.clone()),
            created_at: Set(Utc::now()),
            password_changed_at: Set(Utc::now()),
        })
        .exec_without_returning(&*tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict(
                    "the customer's account was created at the same moment; retry".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }

    // The order itself; its number comes from the database in the same statement.
    let now = Utc::now();
    let order_id = Uuid::now_v7();
    let number_expr = match tx.get_database_backend() {
        DbBackend::Postgres => format!(
            "'SO-{}-' || lpad(nextval('order_number_seq')::text, 6, '0')",
            now.year()
        ),
        _ => format!(
            "'SO-{}-' || printf('%06d', (SELECT COALESCE(MAX(rowid), 0) + 1 FROM orders))",
            now.year()
        ),
    };
    let a = &v.address;
    let insert = Query::insert()
        .into_table(order::Entity)
        .columns([
            order::Column::Id,
            order::Column::Number,
            order::Column::ChannelId,
            order::Column::CustomerId,
            order::Column::CustomerEmail,
            order::Column::CustomerName,
            order::Column::ExternalId,
            order::Column::Status,
            order::Column::Currency,
            order::Column::SubtotalMinor,
            order::Column::ShippingFeeMinor,
            order::Column::TotalMinor,
            order::Column::ShippingMethod,
            order::Column::ShipName,
            order::Column::ShipPhone,
            order::Column::ShipLine1,
            order::Column::ShipLine2,
            order::Column::ShipCity,
            order::Column::ShipRegion,
            order::Column::ShipPostalCode,
            order::Column::ShipCountry,
            order::Column::Note,
            order::Column::PlacedBy,
            order::Column::IdempotencyScope,
            order::Column::IdempotencyKey,
            order::Column::RequestHash,
            order::Column::PlacedAt,
            order::Column::UpdatedAt,
        ])
        .values([
            order_id.into(),
            Expr::cust(number_expr),
            v.channel_id.into(),
            v.customer_id.into(),
            v.customer_email.clone().into(),
            v.customer_name.clone().into(),
            v.external_id.clone().into(),
            v.initial.as_str().into(),
            currency.unwrap_or("CNY").into(),
            subtotal.into(),
            v.fee.into(),
            total.into(),
            v.method.clone().into(),
            a.name.clone().into(),
            a.phone.clone().into(),
            a.line1.clone().into(),
            a.line2.clone().into(),
            a.city.clone().into(),
            a.region.clone().into(),
            a.postal_code.clone().into(),
            a.country.clone().into(),
            v.note.clone().into(),
            p.actor().into(),
            Some(v.scope.clone()).into(),
            Some(v.key.clone()).into(),
            Some(v.hash.clone()).into(),
            now.into(),
            now.into(),
        ])
        .map_err(|e| AppError::Internal(anyhow::anyhow!("building order insert: {e}")))?
        .returning_col(order::Column::Number)
        .to_owned();
    let number: String = match tx.query_one(&insert).await {
        Ok(Some(row)) => row.try_get("", "number")?,
        Ok(None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "order insert returned no row"
            )));
        }
        Err(e) if is_unique_violation(&e) => return Ok(Attempt::Duplicate),
        Err(e) => return Err(e.into()),
    };

    // Allocate: conditional updates, never read-then-write, always in one
    // global order (product, warehouse) so that two orders naming the same
    // SKUs in opposite order cannot deadlock on PostgreSQL's row locks.
    plan.sort_by_key(|a| (a.product_id, a.warehouse_id));
    for alloc in &plan {
        let done = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Allocated,
                Expr::col(stock_level::Column::Allocated).add(alloc.quantity),
            )
            .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
            .filter(stock_level::Column::ProductId.eq(alloc.product_id))
            .filter(stock_level::Column::WarehouseId.eq(alloc.warehouse_id))
            .filter(
                Expr::col(stock_level::Column::OnHand)
                    .sub(Expr::col(stock_level::Column::Allocated))
                    .gte(alloc.quantity),
            )
            .exec(&*tx)
            .await;
        let done = match done {
            Ok(r) => r.rows_affected,
            Err(e) if is_retryable(&e) => 0,
            Err(e) => return Err(e.into()),
        };
        if done == 0 {
            tx.rollback().await?;
            return Ok(Attempt::Raced);
        }
    }
    let actor = p.actor();
    stock_movement::Entity::insert_many(plan.iter().map(|alloc| stock_movement::ActiveModel {
        id: NotSet,
        product_id: Set(alloc.product_id),
        warehouse_id: Set(alloc.warehouse_id),
        kind: Set("allocate".into()),
        delta_on_hand: Set(0),
        delta_allocated: Set(alloc.quantity),
        reason: Set("order placed".into()),
        actor: Set(actor.clone()),
        reference: Set(Some(number.clone())),
        created_at: Set(now),
    }))
    .exec_without_returning(&*tx)
    .await?;
    let line_models: Vec<order_line::ActiveModel> = priced
        .iter()
        .enumerate()
        .map(|(i, (prod, q, line_total))| order_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(order_id),
            line_no: Set(i as i32 + 1),
            product_id: Set(prod.product_id),
            sku: Set(prod.sku.clone()),
            name: Set(prod.name.clone()),
            quantity: Set(*q),
            unit_price_minor: Set(prod.price_minor),
            line_total_minor: Set(*line_total),
        })
        .collect();
    order_line::Entity::insert_many(line_models)
        .exec_without_returning(&*tx)
        .await?;
    let kind = if v.external_id.is_some() {
        event_kind::IMPORTED
    } else {
        event_kind::PLACED
    };
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(order_id),
        kind: Set(kind.into()),
        from_status: Set(None),
        to_status: Set(v.initial.as_str().into()),
        actor: Set(actor),
        note: Set(v.note.clone()),
        at: Set(now),
    })
    .exec_without_returning(&*tx)
    .await?;
    tx.commit().await?;

    let events = plan
        .iter()
        .filter_map(|alloc| {
            let r = rows.iter().find(|r| {
                r.product_id == alloc.product_id && r.warehouse_id == Some(alloc.warehouse_id)
            })?;
            Some(DomainEvent::StockChanged {
                sku: r.sku.clone(),
                warehouse_code: r.warehouse_code.clone()?,
                on_hand: r.on_hand?,
                allocated: r.allocated? + alloc.quantity,
            })
        })
        .collect();
    let order = order::Model {
        id: order_id,
        number,
        channel_id: v.channel_id,
        customer_id: v.customer_id,
        customer_email: v.customer_email.clone(),
        customer_name: v.customer_name.clone(),
        external_id: v.external_id.clone(),
        status: v.initial.as_str().into(),
        currency: currency.unwrap_or("CNY").into(),
        subtotal_minor: subtotal,
        shipping_fee_minor: v.fee,
        total_minor: total,
        shipping_method: v.method.clone(),
        ship_name: a.name.clone(),
        ship_phone: a.phone.clone(),
        ship_line1: a.line1.clone(),
        ship_line2: a.line2.clone(),
        ship_city: a.city.clone(),
        ship_region: a.region.clone(),
        ship_postal_code: a.postal_code.clone(),
        ship_country: a.country.clone(),
        note: v.note.clone(),
        placed_by: p.actor(),
        idempotency_scope: Some(v.scope.clone()),
        idempotency_key: Some(v.key.clone()),
        request_hash: Some(v.hash.clone()),
        placed_at: now,
        updated_at: now,
    };
    Ok(Attempt::Placed(Box::new(order), events))
}
