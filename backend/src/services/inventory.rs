//! Inventory: warehouses, stock per (product, warehouse) and the
//! append-only stock ledger. Invariant: `0 <= allocated <= on_hand`,
//! kept by conditional updates (never read-then-write) and a CHECK
//! constraint; every change is one ledger row in the same transaction.

use chrono::Utc;
use entity::{product, stock_level, stock_movement, warehouse};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::authorize;
use crate::domain::auth::{Principal, STAFF, STOCK_KEEPERS};
use crate::domain::catalog::Sku;
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

/// A stock level with its warehouse, as staff see it.
pub struct StockView {
    pub sku: String,
    pub level: stock_level::Model,
    pub warehouse: warehouse::Model,
}

/// Kinds of ledger rows.
pub mod movement {
    pub const ADJUST: &str = "adjust";
    pub const RECEIVE: &str = "receive";
}

pub async fn list_warehouses(state: &AppState, p: &Principal) -> AppResult<Vec<warehouse::Model>> {
    authorize(p, STAFF)?;
    Ok(warehouse::Entity::find()
        .order_by_asc(warehouse::Column::Priority)
        .all(&state.db.conn)
        .await?)
}

async fn product_by_sku(db: &impl ConnectionTrait, sku: &str) -> AppResult<product::Model> {
    let parsed = Sku::parse(sku).ok_or_else(|| AppError::invalid("sku", "is not a valid SKU"))?;
    product::Entity::find()
        .filter(product::Column::Sku.eq(parsed.as_str()))
        .one(db)
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
            let w = warehouses.iter().find(|w| w.id == level.warehouse_id)?.clone();
            Some(StockView {
                sku: product.sku.clone(),
                level,
                warehouse: w,
            })
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
        return Err(AppError::invalid("delta", "must be non-zero and at most 1000000 in size"));
    }
    let tx = state.db.begin_write().await?;
    let product = product_by_sku(&*tx, sku).await?;
    let wh = warehouse::Entity::find()
        .filter(warehouse::Column::Code.eq(warehouse_code.trim().to_ascii_uppercase()))
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::invalid("warehouseCode", "no such warehouse"))?;
    let level = apply_on_hand_delta(&*tx, &product, &wh, delta).await?;
    stock_movement::ActiveModel {
        product_id: Set(product.id),
        warehouse_id: Set(wh.id),
        kind: Set(movement::ADJUST.into()),
        delta_on_hand: Set(delta),
        delta_allocated: Set(0),
        reason: Set(reason.to_string()),
        actor: Set(p.actor()),
        reference: Set(None),
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
    Ok(StockView {
        sku: product.sku,
        level,
        warehouse: wh,
    })
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
            .one(db)
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
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stock level vanished")))
}
