//! Placing an order: validate, price from the catalog, plan allocation,
//! then one transaction that allocates every line (conditional updates),
//! writes the order, its lines, ledger rows and the first event.
//! Statements in the transaction: 5 + one per allocated (product, warehouse).

use chrono::{DateTime, Datelike, Utc};
use entity::{
    order, order_event, order_line, product, stock_level, stock_movement, user, warehouse,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, Set, SqlErr,
};
use uuid::Uuid;

use crate::domain::notifications::EventType;

use super::plan::{plan_allocation, price, record_routing};
use super::rows::order_from_row;
pub use super::validate::{AddressIn, LineIn, PlaceOrder};
use super::validate::{NewCustomer, Valid, validate};
use crate::db::FirstRow;
use crate::domain::auth::{Principal, Role};
use crate::domain::inventory::{self as policy, MovementKind};
use crate::domain::orders::{EventKind, Order};
use crate::domain::pricing::Priced;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

#[derive(FromQueryResult)]
pub(super) struct StockRow {
    pub(super) product_id: Uuid,
    pub(super) sku: String,
    pub(super) name: String,
    pub(super) price_minor: i64,
    pub(super) currency: String,
    pub(super) active: bool,
    pub(super) weight_grams: i64,
    pub(super) warehouse_id: Option<Uuid>,
    pub(super) warehouse_code: Option<String>,
    pub(super) priority: Option<i32>,
    pub(super) on_hand: Option<i64>,
    pub(super) allocated: Option<i64>,
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
        .column((product::Entity, product::Column::WeightGrams))
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
pub async fn place_order(state: &AppState, p: &Principal, input: PlaceOrder) -> AppResult<Order> {
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
                return order_from_row(*o);
            }
            Attempt::Raced => continue,
            Attempt::Duplicate => return order_from_row(existing(state, &v).await?),
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
            .first(&state.db.conn)
            .await?;
        if let Some(o) = found {
            return Ok(o);
        }
    }
    let found = order::Entity::find()
        .filter(order::Column::IdempotencyScope.eq(v.scope.clone()))
        .filter(order::Column::IdempotencyKey.eq(v.key.clone()))
        .first(&state.db.conn)
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
    let skus: Vec<String> = v.lines.iter().map(|l| l.sku.as_str().to_string()).collect();
    let tx = state.db.begin_write().await?;
    let rows = load_stock(&*tx, &skus).await?;
    let rate = crate::services::fulfillment::rate_for(&*tx, v.method).await?;
    let priced = price(v, &rows, &rate)?;
    let sites = crate::services::fulfillment::sites(
        &*tx,
        v.address.region.as_deref(),
        v.pickup.as_ref().map(|w| w.id),
    )
    .await?;
    let routed = plan_allocation(v, &rows, &priced, &sites, state.config.routing_rule)?;
    let mut plan = routed.allocations.clone();
    if let Some(c) = &v.new_customer {
        insert_customer(&*tx, c).await?;
    }
    let now = Utc::now();
    let order_id = Uuid::now_v7();
    let Some(number) = insert_order(&*tx, p, v, &priced, order_id, now).await? else {
        return Ok(Attempt::Duplicate);
    };
    if !allocate(&*tx, &mut plan, now).await? {
        tx.rollback().await?;
        return Ok(Attempt::Raced);
    }
    record_placement(&*tx, p, v, &rows, &priced, &plan, order_id, &number, now).await?;
    let model = order_model(p, v, &priced, order_id, number, now);
    record_routing(&*tx, p, &model, &routed.explanation, now).await?;
    crate::services::notifications::outbox::emit_order(
        &*tx,
        &model,
        EventType::OrderPlaced,
        &model.status,
        now,
    )
    .await?;
    if v.initial == crate::domain::orders::OrderStatus::Confirmed {
        crate::services::fulfillment::create::open_shipments(&*tx, &model, &p.actor(), now).await?;
    }
    tx.commit().await?;
    let events = stock_events(&rows, &plan);
    Ok(Attempt::Placed(Box::new(model), events))
}

/// A staff-entered order's new customer account, in the order's transaction.
async fn insert_customer(db: &impl ConnectionTrait, c: &NewCustomer) -> AppResult<()> {
    let inserted = user::Entity::insert(user::ActiveModel {
        id: Set(c.id),
        email: Set(c.email.clone()),
        name: Set(c.name.clone()),
        role: Set(Role::Customer.as_str().into()),
        password_hash: Set(c.password_hash.clone()),
        created_at: Set(Utc::now()),
        password_changed_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict(
            "the customer's account was created at the same moment; retry".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Inserts the order row; its number comes from the database in the same
/// statement. `None` when the idempotency key or external id was taken.
async fn insert_order(
    db: &impl ConnectionTrait,
    p: &Principal,
    v: &Valid,
    priced: &Priced,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let number_expr = match db.get_database_backend() {
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
            order::Column::PaymentMethod,
            order::Column::PickupWarehouseId,
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
            priced.currency().as_str().into(),
            priced.subtotal.minor().into(),
            priced.shipping.minor().into(),
            priced.total.minor().into(),
            v.method.as_str().into(),
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
            v.payment_method.map(|m| m.as_str().to_string()).into(),
            v.pickup.as_ref().map(|w| w.id).into(),
            now.into(),
            now.into(),
        ])
        .map_err(|e| AppError::Internal(anyhow::anyhow!("building order insert: {e}")))?
        .returning_col(order::Column::Number)
        .to_owned();
    match db.query_one(&insert).await {
        Ok(Some(row)) => Ok(Some(row.try_get("", "number")?)),
        Ok(None) => Err(AppError::Internal(anyhow::anyhow!(
            "order insert returned no row"
        ))),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Allocates the plan with conditional updates, never read-then-write,
/// always in one global order (product, warehouse) so that two orders
/// naming the same SKUs in opposite order cannot deadlock on PostgreSQL's
/// row locks. `false` when a concurrent order took the stock first.
pub(crate) async fn allocate(
    db: &impl ConnectionTrait,
    plan: &mut [policy::Allocation],
    now: DateTime<Utc>,
) -> AppResult<bool> {
    plan.sort_by_key(|a| (a.product_id, a.warehouse_id));
    for alloc in plan.iter() {
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
            .exec(db)
            .await;
        let done = match done {
            Ok(r) => r.rows_affected,
            Err(e) if is_retryable(&e) => 0,
            Err(e) => return Err(e.into()),
        };
        if done == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The ledger rows of the allocation, the order's lines and its first
/// timeline event.
#[expect(
    clippy::too_many_arguments,
    reason = "one transaction's worth of parts"
)]
async fn record_placement(
    db: &impl ConnectionTrait,
    p: &Principal,
    v: &Valid,
    rows: &[StockRow],
    priced: &Priced,
    plan: &[policy::Allocation],
    order_id: Uuid,
    number: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = p.actor();
    stock_movement::Entity::insert_many(plan.iter().map(|alloc| stock_movement::ActiveModel {
        id: NotSet,
        product_id: Set(alloc.product_id),
        warehouse_id: Set(alloc.warehouse_id),
        kind: Set(MovementKind::Allocate.as_str().into()),
        delta_on_hand: Set(0),
        delta_allocated: Set(alloc.quantity),
        reason: Set("order placed".into()),
        actor: Set(actor.clone()),
        reference: Set(Some(number.to_string())),
        created_at: Set(now),
    }))
    .exec_without_returning(db)
    .await?;
    let mut line_models = Vec::with_capacity(priced.lines.len());
    for (i, l) in priced.lines.iter().enumerate() {
        let Some(row) = rows.iter().find(|r| r.sku == l.sku.as_str()) else {
            return Err(AppError::Internal(anyhow::anyhow!(
                "priced SKU {} has no catalog row",
                l.sku.as_str()
            )));
        };
        line_models.push(order_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(order_id),
            line_no: Set(i as i32 + 1),
            product_id: Set(row.product_id),
            sku: Set(row.sku.clone()),
            name: Set(row.name.clone()),
            quantity: Set(l.quantity),
            unit_price_minor: Set(l.unit.minor()),
            line_total_minor: Set(l.total.minor()),
        });
    }
    order_line::Entity::insert_many(line_models)
        .exec_without_returning(db)
        .await?;
    let kind = if v.external_id.is_some() {
        EventKind::Imported
    } else {
        EventKind::Placed
    };
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(order_id),
        kind: Set(kind.as_str().into()),
        from_status: Set(None),
        to_status: Set(v.initial.as_str().into()),
        actor: Set(actor),
        note: Set(v.note.clone()),
        detail: Set(None),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The live stock events of a committed allocation.
fn stock_events(rows: &[StockRow], plan: &[policy::Allocation]) -> Vec<DomainEvent> {
    plan.iter()
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
        .collect()
}

/// The order as stored, without reading it back.
fn order_model(
    p: &Principal,
    v: &Valid,
    priced: &Priced,
    order_id: Uuid,
    number: String,
    now: DateTime<Utc>,
) -> order::Model {
    let a = &v.address;
    order::Model {
        id: order_id,
        number,
        channel_id: v.channel_id,
        customer_id: v.customer_id,
        customer_email: v.customer_email.clone(),
        customer_name: v.customer_name.clone(),
        external_id: v.external_id.clone(),
        status: v.initial.as_str().into(),
        currency: priced.currency().as_str().into(),
        subtotal_minor: priced.subtotal.minor(),
        shipping_fee_minor: priced.shipping.minor(),
        total_minor: priced.total.minor(),
        shipping_method: v.method.as_str().into(),
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
        payment_method: v.payment_method.map(|m| m.as_str().to_string()),
        pickup_warehouse_id: v.pickup.as_ref().map(|w| w.id),
        event_seq: 1,
        placed_at: now,
        updated_at: now,
    }
}
