//! Exchanges: once an EXCHANGE return is inspected, its replacement units
//! (one per unit that arrived; missing units are not replaced) are
//! allocated like any order line — a conditional `allocated + n` update
//! and an `allocate` ledger row referenced by the order number — in the
//! first active warehouse (by priority) that has them all free, and an
//! outbound shipment is opened on the order for them. Nothing free
//! anywhere: OUT_OF_STOCK and the whole receipt is undone (restock first,
//! then receive again). A replacement shipment captures nothing (the
//! customer paid for the item they sent back) and does not move the
//! delivered order back (`domain::fulfillment::order_status_for`).

use chrono::{DateTime, Utc};
use entity::{order, return_line, return_request, stock_level, stock_movement, warehouse};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::store::{self, Return};
use crate::domain::auth::Principal;
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::inventory::MovementKind;
use crate::domain::returns::ReturnAction;
use crate::error::{AppError, AppResult};

/// Whether shipment `id` carries an exchange's replacement (it captures
/// nothing when it ships).
pub async fn is_replacement(db: &impl ConnectionTrait, id: Uuid) -> AppResult<bool> {
    Ok(return_request::Entity::find()
        .filter(return_request::Column::ExchangeShipmentId.eq(id))
        .count(db)
        .await?
        > 0)
}

/// Allocates the replacement, opens its shipment and moves the return to
/// EXCHANGED. A return none of whose units arrived stays INSPECTED (support
/// rejects it).
pub(super) async fn open_replacement(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    r: &Return,
    now: DateTime<Utc>,
) -> AppResult<Return> {
    let rows = return_line::Entity::find()
        .filter(return_line::Column::ReturnId.eq(r.id))
        .all(db)
        .await?;
    let mut want: Vec<(Uuid, String, i64)> = Vec::new();
    for l in &rows {
        let units = l.received_restocked + l.received_damaged;
        if let (Some(pid), Some(sku), true) =
            (l.exchange_product_id, l.exchange_sku.clone(), units > 0)
        {
            match want.iter_mut().find(|w| w.0 == pid) {
                Some(w) => w.2 += units,
                None => want.push((pid, sku, units)),
            }
        }
    }
    if want.is_empty() {
        return Ok(r.clone());
    }
    let warehouses = warehouse::Entity::find()
        .filter(warehouse::Column::Active.eq(true))
        .order_by_asc(warehouse::Column::Priority)
        .all(db)
        .await?;
    let mut chosen = None;
    for w in warehouses {
        let mut all = true;
        for (pid, _, q) in &want {
            let free = stock_level::Entity::find()
                .filter(stock_level::Column::ProductId.eq(*pid))
                .filter(stock_level::Column::WarehouseId.eq(w.id))
                .one(db)
                .await?
                .is_some_and(|l| l.on_hand - l.allocated >= *q);
            all &= free;
        }
        if all {
            chosen = Some(w);
            break;
        }
    }
    let Some(wh) = chosen else {
        return Err(AppError::OutOfStock {
            skus: want.iter().map(|w| w.1.clone()).collect(),
        });
    };
    for (pid, sku, q) in &want {
        let took = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Allocated,
                Expr::col(stock_level::Column::Allocated).add(*q),
            )
            .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
            .filter(stock_level::Column::ProductId.eq(*pid))
            .filter(stock_level::Column::WarehouseId.eq(wh.id))
            .filter(
                Expr::col(stock_level::Column::OnHand)
                    .sub(Expr::col(stock_level::Column::Allocated))
                    .gte(*q),
            )
            .exec(db)
            .await?
            .rows_affected;
        if took == 0 {
            return Err(AppError::OutOfStock {
                skus: vec![sku.clone()],
            });
        }
        stock_movement::Entity::insert(stock_movement::ActiveModel {
            id: NotSet,
            product_id: Set(*pid),
            warehouse_id: Set(wh.id),
            kind: Set(MovementKind::Allocate.as_str().into()),
            delta_on_hand: Set(0),
            delta_allocated: Set(*q),
            reason: Set(format!("exchange {}", r.number)),
            actor: Set(p.actor()),
            reference: Set(Some(o.number.clone())),
            created_at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
    }
    // A replacement travels by post or express, never to a pickup desk
    // without its code flow.
    let method = match DeliveryMethod::parse(&o.shipping_method) {
        Some(DeliveryMethod::Pickup) | None => DeliveryMethod::Postal,
        Some(m) => m,
    };
    let row = crate::services::fulfillment::create::open_pending(
        db,
        o,
        wh.id,
        method,
        &want,
        &format!(
            "replacement for {}: waiting to be picked at {}",
            r.number, wh.code
        ),
        &p.actor(),
        now,
    )
    .await?;
    store::transition(
        db,
        r,
        ReturnAction::Exchange,
        now,
        vec![(
            return_request::Column::ExchangeShipmentId,
            Expr::value(Some(row.id)),
        )],
    )
    .await?;
    let units: i64 = want.iter().map(|w| w.2).sum();
    store::timeline(
        db,
        o,
        format!(
            "return {} exchanged: replacement shipment {} opened at {} ({units} units)",
            r.number, row.number, wh.code
        ),
        &p.actor(),
        now,
    )
    .await?;
    store::load(db, r.id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return {} vanished", r.number)))
}
