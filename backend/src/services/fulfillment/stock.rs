//! Stock moved by fulfillment, through the ledger: shipping or handing
//! over consumes what the shipment holds (on hand and allocated go down);
//! moving a shipment releases it in one warehouse and allocates it in
//! another. Conditional updates only, one ledger row per change.

use chrono::{DateTime, Utc};
use entity::{order, shipment, shipment_line, stock_level, stock_movement};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::auth::Principal;
use crate::domain::inventory::MovementKind;
use crate::error::{AppError, AppResult};

/// The shipment's lines as stored.
pub(super) async fn lines_of(
    db: &impl ConnectionTrait,
    shipment_id: Uuid,
) -> AppResult<Vec<shipment_line::Model>> {
    Ok(shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.eq(shipment_id))
        .all(db)
        .await?)
}

/// One ledger row.
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
async fn ledger(
    db: &impl ConnectionTrait,
    p: &Principal,
    product_id: Uuid,
    warehouse_id: Uuid,
    kind: MovementKind,
    d_on_hand: i64,
    d_allocated: i64,
    reason: String,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    stock_movement::Entity::insert(stock_movement::ActiveModel {
        id: NotSet,
        product_id: Set(product_id),
        warehouse_id: Set(warehouse_id),
        kind: Set(kind.as_str().into()),
        delta_on_hand: Set(d_on_hand),
        delta_allocated: Set(d_allocated),
        reason: Set(reason),
        actor: Set(p.actor()),
        reference: Set(Some(reference.to_string())),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The shipment's warehouse stops holding the line's units for it
/// (allocated goes down, and on hand too when they `leave`), by a
/// conditional update: holding less than that is a broken invariant.
async fn give_up(
    db: &impl ConnectionTrait,
    s: &shipment::Model,
    l: &shipment_line::Model,
    leave: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut upd = stock_level::Entity::update_many()
        .col_expr(
            stock_level::Column::Allocated,
            Expr::col(stock_level::Column::Allocated).sub(l.quantity),
        )
        .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
        .filter(stock_level::Column::ProductId.eq(l.product_id))
        .filter(stock_level::Column::WarehouseId.eq(s.warehouse_id))
        .filter(Expr::col(stock_level::Column::Allocated).gte(l.quantity));
    if leave {
        upd = upd.col_expr(
            stock_level::Column::OnHand,
            Expr::col(stock_level::Column::OnHand).sub(l.quantity),
        );
    }
    if upd.exec(db).await?.rows_affected == 0 {
        return Err(AppError::Internal(anyhow::anyhow!(
            "shipment {} holds {} of {} that its warehouse has not allocated",
            s.number,
            l.quantity,
            l.sku
        )));
    }
    Ok(())
}

/// The units leave the warehouse: on hand and allocated go down by what
/// each line holds.
pub(super) async fn consume(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    s: &shipment::Model,
    lines: &[shipment_line::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for l in lines {
        give_up(db, s, l, true, now).await?;
        ledger(
            db,
            p,
            l.product_id,
            s.warehouse_id,
            MovementKind::Ship,
            -l.quantity,
            -l.quantity,
            format!("shipment {} left", s.number),
            &o.number,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Where a shipment moves: the warehouse's id and code.
pub(super) struct Target<'a> {
    pub id: Uuid,
    pub code: &'a str,
}

/// Moves what the lines hold from the shipment's warehouse to `to`: the
/// target must have the units free, else CONFLICT naming what it lacks.
pub(super) async fn relocate(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    s: &shipment::Model,
    lines: &[shipment_line::Model],
    target: Target<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (to, to_code) = (target.id, target.code);
    let mut lacking = Vec::new();
    for l in lines {
        let took = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Allocated,
                Expr::col(stock_level::Column::Allocated).add(l.quantity),
            )
            .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
            .filter(stock_level::Column::ProductId.eq(l.product_id))
            .filter(stock_level::Column::WarehouseId.eq(to))
            .filter(
                Expr::col(stock_level::Column::OnHand)
                    .sub(Expr::col(stock_level::Column::Allocated))
                    .gte(l.quantity),
            )
            .exec(db)
            .await?
            .rows_affected;
        if took == 0 {
            lacking.push(l.sku.clone());
        }
    }
    if !lacking.is_empty() {
        // The caller's transaction is dropped: nothing is written.
        return Err(AppError::Conflict(format!(
            "warehouse {to_code} lacks {}",
            lacking.join(", ")
        )));
    }
    for l in lines {
        give_up(db, s, l, false, now).await?;
        let reason = format!("shipment {} moved to {to_code}", s.number);
        // Allocated elsewhere, not released: the allocation itself moves
        // (an order's allocations still add up to its units).
        ledger(
            db,
            p,
            l.product_id,
            s.warehouse_id,
            MovementKind::Allocate,
            0,
            -l.quantity,
            reason.clone(),
            &o.number,
            now,
        )
        .await?;
        ledger(
            db,
            p,
            l.product_id,
            to,
            MovementKind::Allocate,
            0,
            l.quantity,
            reason,
            &o.number,
            now,
        )
        .await?;
    }
    Ok(())
}
