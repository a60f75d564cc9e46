//! Inventory: warehouses, stock per (product, warehouse) and the
//! append-only stock ledger. Invariant: `0 <= allocated <= on_hand`,
//! kept by conditional updates (never read-then-write) and a CHECK
//! constraint; every change is one ledger row in the same transaction.

use std::collections::HashMap;

use chrono::Utc;
use entity::{product, stock_level, stock_movement, warehouse};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::authorize;
use crate::db::FirstRow;
use crate::domain::auth::{Principal, STAFF, STOCK_KEEPERS};
use crate::domain::catalog::Sku;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

/// A stock level with its warehouse, as staff see it.
pub use crate::domain::inventory::StockLevel as StockView;
pub use crate::domain::inventory::Warehouse;

/// A stored warehouse as a domain value.
pub fn warehouse_from_row(w: warehouse::Model) -> Warehouse {
    Warehouse {
        id: w.id,
        code: w.code,
        name: w.name,
        region: w.region,
        is_pickup_point: w.is_pickup_point,
        priority: w.priority,
    }
}

fn view(sku: String, level: stock_level::Model, warehouse: warehouse::Model) -> StockView {
    StockView {
        product_id: level.product_id,
        sku,
        warehouse: warehouse_from_row(warehouse),
        on_hand: level.on_hand,
        allocated: level.allocated,
        reorder_point: level.reorder_point,
    }
}

pub use crate::domain::inventory::MovementKind;

pub async fn list_warehouses(state: &AppState, p: &Principal) -> AppResult<Vec<Warehouse>> {
    authorize(p, STAFF)?;
    Ok(warehouse::Entity::find()
        .order_by_asc(warehouse::Column::Priority)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(warehouse_from_row)
        .collect())
}

async fn product_by_sku(db: &impl ConnectionTrait, sku: &str) -> AppResult<product::Model> {
    let parsed = Sku::parse(sku).ok_or_else(|| AppError::invalid("sku", "is not a valid SKU"))?;
    product::Entity::find()
        .filter(product::Column::Sku.eq(parsed.as_str()))
        .first(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no product with SKU {}", parsed.as_str())))
}

/// Stock of one SKU in every warehouse that holds it (staff only).
pub async fn stock_levels(state: &AppState, p: &Principal, sku: &str) -> AppResult<Vec<StockView>> {
    authorize(p, STAFF)?;
    let product = product_by_sku(&state.db.conn, sku).await?;
    let rows = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(product.id))
        .all(&state.db.conn)
        .await?;
    let warehouses = warehouse::Entity::find().all(&state.db.conn).await?;
    let mut out: Vec<StockView> = rows
        .into_iter()
        .filter_map(|level| {
            let w = warehouses
                .iter()
                .find(|w| w.id == level.warehouse_id)?
                .clone();
            Some(view(product.sku.clone(), level, w))
        })
        .collect();
    out.sort_by_key(|v| v.warehouse.priority);
    Ok(out)
}

/// Adds (or with a negative delta removes) units on hand, with a reason.
/// On hand can never drop below what is allocated to orders.
pub async fn adjust_stock(
    state: &AppState,
    p: &Principal,
    sku: &str,
    warehouse_code: &str,
    delta: i64,
    reason: &str,
) -> AppResult<StockView> {
    authorize(p, STOCK_KEEPERS)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::invalid("reason", "must be 1 to 200 characters"));
    }
    if delta == 0 || delta.abs() > 1_000_000 {
        return Err(AppError::invalid(
            "delta",
            "must be non-zero and at most 1000000 in size",
        ));
    }
    change_on_hand(
        state,
        p,
        OnHandChange {
            sku,
            warehouse_code,
            kind: MovementKind::Adjust,
            delta,
            reason,
            reference: None,
        },
    )
    .await
}

/// One stock movement that changes units on hand.
struct OnHandChange<'a> {
    sku: &'a str,
    warehouse_code: &'a str,
    kind: MovementKind,
    delta: i64,
    reason: &'a str,
    reference: Option<&'a str>,
}

/// Applies the change and its ledger row in one transaction, then tells
/// live subscribers.
async fn change_on_hand(
    state: &AppState,
    p: &Principal,
    c: OnHandChange<'_>,
) -> AppResult<StockView> {
    let tx = state.db.begin_write().await?;
    let product = product_by_sku(&*tx, c.sku).await?;
    let wh = warehouse_by_code(&*tx, c.warehouse_code).await?;
    let level = apply_on_hand_delta(&*tx, &product, &wh, c.delta).await?;
    stock_movement::ActiveModel {
        product_id: Set(product.id),
        warehouse_id: Set(wh.id),
        kind: Set(c.kind.as_str().into()),
        delta_on_hand: Set(c.delta),
        delta_allocated: Set(0),
        reason: Set(c.reason.to_string()),
        actor: Set(p.actor()),
        reference: Set(c.reference.map(str::to_string)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    state.bus.publish(DomainEvent::StockChanged {
        sku: product.sku.clone(),
        warehouse_code: wh.code.clone(),
        on_hand: level.on_hand,
        allocated: level.allocated,
    });
    Ok(view(product.sku, level, wh))
}

/// Conditional update of on hand; creates the row for a first receipt.
pub(crate) async fn apply_on_hand_delta(
    db: &impl ConnectionTrait,
    product: &product::Model,
    wh: &warehouse::Model,
    delta: i64,
) -> AppResult<stock_level::Model> {
    let now = Utc::now();
    let updated = stock_level::Entity::update_many()
        .col_expr(
            stock_level::Column::OnHand,
            Expr::col(stock_level::Column::OnHand).add(delta),
        )
        .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
        .filter(stock_level::Column::ProductId.eq(product.id))
        .filter(stock_level::Column::WarehouseId.eq(wh.id))
        .filter(
            Expr::col(stock_level::Column::OnHand)
                .add(delta)
                .gte(Expr::col(stock_level::Column::Allocated)),
        )
        .exec(db)
        .await?
        .rows_affected;
    if updated == 0 {
        let existing = stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(product.id))
            .filter(stock_level::Column::WarehouseId.eq(wh.id))
            .first(db)
            .await?;
        if existing.is_some() || delta < 0 {
            return Err(AppError::Conflict(
                "on hand cannot drop below the units allocated to orders".into(),
            ));
        }
        stock_level::ActiveModel {
            id: Set(Uuid::now_v7()),
            product_id: Set(product.id),
            warehouse_id: Set(wh.id),
            on_hand: Set(delta),
            allocated: Set(0),
            reorder_point: Set(0),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(product.id))
        .filter(stock_level::Column::WarehouseId.eq(wh.id))
        .first(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stock level vanished")))
}

/// Receives units into a warehouse (a delivery from a supplier).
pub async fn receive_stock(
    state: &AppState,
    p: &Principal,
    sku: &str,
    warehouse_code: &str,
    quantity: i64,
    reference: Option<&str>,
) -> AppResult<StockView> {
    authorize(p, STOCK_KEEPERS)?;
    if !(1..=1_000_000).contains(&quantity) {
        return Err(AppError::invalid(
            "quantity",
            "must be between 1 and 1000000",
        ));
    }
    let reference = reference.map(str::trim).filter(|s| !s.is_empty());
    if reference.is_some_and(|r| r.chars().count() > 100) {
        return Err(AppError::invalid(
            "reference",
            "must be at most 100 characters",
        ));
    }
    change_on_hand(
        state,
        p,
        OnHandChange {
            sku,
            warehouse_code,
            kind: MovementKind::Receive,
            delta: quantity,
            reason: "received",
            reference,
        },
    )
    .await
}

async fn warehouse_by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<warehouse::Model> {
    warehouse::Entity::find()
        .filter(warehouse::Column::Code.eq(code.trim().to_ascii_uppercase()))
        .first(db)
        .await?
        .ok_or_else(|| AppError::invalid("warehouseCode", "no such warehouse"))
}

/// Sets the level at or below which a stock level counts as low.
pub async fn set_reorder_point(
    state: &AppState,
    p: &Principal,
    sku: &str,
    warehouse_code: &str,
    reorder_point: i64,
) -> AppResult<StockView> {
    authorize(p, STOCK_KEEPERS)?;
    if !(0..=1_000_000).contains(&reorder_point) {
        return Err(AppError::invalid(
            "reorderPoint",
            "must be between 0 and 1000000",
        ));
    }
    let tx = state.db.begin_write().await?;
    let product = product_by_sku(&*tx, sku).await?;
    let wh = warehouse_by_code(&*tx, warehouse_code).await?;
    let updated = stock_level::Entity::update_many()
        .col_expr(
            stock_level::Column::ReorderPoint,
            Expr::value(reorder_point),
        )
        .filter(stock_level::Column::ProductId.eq(product.id))
        .filter(stock_level::Column::WarehouseId.eq(wh.id))
        .exec(&*tx)
        .await?
        .rows_affected;
    if updated == 0 {
        stock_level::ActiveModel {
            id: Set(Uuid::now_v7()),
            product_id: Set(product.id),
            warehouse_id: Set(wh.id),
            on_hand: Set(0),
            allocated: Set(0),
            reorder_point: Set(reorder_point),
            updated_at: Set(Utc::now()),
        }
        .insert(&*tx)
        .await?;
    }
    let level = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.eq(product.id))
        .filter(stock_level::Column::WarehouseId.eq(wh.id))
        .first(&*tx)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stock level vanished")))?;
    tx.commit().await?;
    Ok(view(product.sku, level, wh))
}

/// Stock levels whose available units are at or below their reorder point.
pub async fn low_stock(state: &AppState, p: &Principal) -> AppResult<Vec<StockView>> {
    authorize(p, STAFF)?;
    let levels = stock_level::Entity::find()
        .filter(stock_level::Column::ReorderPoint.gt(0))
        .filter(
            Expr::col(stock_level::Column::OnHand)
                .sub(Expr::col(stock_level::Column::Allocated))
                .lte(Expr::col(stock_level::Column::ReorderPoint)),
        )
        .all(&state.db.conn)
        .await?;
    views(state, levels).await
}

async fn views(state: &AppState, levels: Vec<stock_level::Model>) -> AppResult<Vec<StockView>> {
    let pids: Vec<Uuid> = levels.iter().map(|l| l.product_id).collect();
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(pids))
        .all(&state.db.conn)
        .await?;
    let products: HashMap<Uuid, product::Model> = products.into_iter().map(|p| (p.id, p)).collect();
    let warehouses: HashMap<Uuid, warehouse::Model> = warehouse::Entity::find()
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let mut out: Vec<StockView> = levels
        .into_iter()
        .filter_map(|level| {
            let p = products.get(&level.product_id)?;
            let w = warehouses.get(&level.warehouse_id)?;
            Some(view(p.sku.clone(), level, w.clone()))
        })
        .collect();
    out.sort_by(|a, b| (&a.sku, a.warehouse.priority).cmp(&(&b.sku, b.warehouse.priority)));
    Ok(out)
}

/// Stock levels of many products in one statement (for the inventory page).
pub async fn levels_for(state: &AppState, ids: &[Uuid]) -> AppResult<Vec<StockView>> {
    let levels = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.is_in(ids.to_vec()))
        .all(&state.db.conn)
        .await?;
    views(state, levels).await
}

/// A stock level that disagrees with the sum of its ledger rows.
pub struct Difference {
    pub sku: String,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub ledger_on_hand: i64,
    pub allocated: i64,
    pub ledger_allocated: i64,
}

#[derive(sea_orm::FromQueryResult)]
struct LedgerSum {
    product_id: Uuid,
    warehouse_id: Uuid,
    on_hand: i64,
    allocated: i64,
}

/// Recomputes every balance from the append-only ledger and reports any
/// difference from the stock levels (there must never be one).
pub async fn inventory_check(
    state: &AppState,
    p: &Principal,
) -> AppResult<(usize, Vec<Difference>)> {
    authorize(p, STAFF)?;
    use sea_orm::QuerySelect;
    let sums = stock_movement::Entity::find()
        .select_only()
        .column(stock_movement::Column::ProductId)
        .column(stock_movement::Column::WarehouseId)
        .column_as(Expr::cust("CAST(SUM(delta_on_hand) AS BIGINT)"), "on_hand")
        .column_as(
            Expr::cust("CAST(SUM(delta_allocated) AS BIGINT)"),
            "allocated",
        )
        .group_by(stock_movement::Column::ProductId)
        .group_by(stock_movement::Column::WarehouseId)
        .into_model::<LedgerSum>()
        .all(&state.db.conn)
        .await?;
    // Balances per (product, warehouse), from the ledger.
    let ledger: HashMap<(Uuid, Uuid), (i64, i64)> = sums
        .iter()
        .map(|s| ((s.product_id, s.warehouse_id), (s.on_hand, s.allocated)))
        .collect();
    let levels = stock_level::Entity::find().all(&state.db.conn).await?;
    let checked = levels.len();
    let of = |l: &stock_level::Model| {
        ledger
            .get(&(l.product_id, l.warehouse_id))
            .copied()
            .unwrap_or((0, 0))
    };
    let bad: Vec<stock_level::Model> = levels
        .iter()
        .filter(|l| of(l) != (l.on_hand, l.allocated))
        .cloned()
        .collect();
    // Ledger rows without a stock level are differences too.
    let known: std::collections::HashSet<(Uuid, Uuid)> = levels
        .iter()
        .map(|l| (l.product_id, l.warehouse_id))
        .collect();
    let orphans: Vec<&LedgerSum> = sums
        .iter()
        .filter(|s| {
            (s.on_hand != 0 || s.allocated != 0) && !known.contains(&(s.product_id, s.warehouse_id))
        })
        .collect();
    let views = views(state, bad).await?;
    let mut out: Vec<Difference> = views
        .into_iter()
        .map(|v| {
            let (lo, la) = ledger
                .get(&(v.product_id, v.warehouse.id))
                .copied()
                .unwrap_or((0, 0));
            Difference {
                sku: v.sku,
                warehouse_code: v.warehouse.code,
                on_hand: v.on_hand,
                ledger_on_hand: lo,
                allocated: v.allocated,
                ledger_allocated: la,
            }
        })
        .collect();
    for o in orphans {
        out.push(Difference {
            sku: o.product_id.to_string(),
            warehouse_code: o.warehouse_id.to_string(),
            on_hand: 0,
            ledger_on_hand: o.on_hand,
            allocated: 0,
            ledger_allocated: o.allocated,
        });
    }
    Ok((checked, out))
}
