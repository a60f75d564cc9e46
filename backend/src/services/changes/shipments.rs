//! The shipments a change touches, in the change's transaction: a PENDING
//! shipment is adjusted in place (lines shrink or grow; an empty one is
//! cancelled); a shipment whose picking started is cancelled and its
//! remaining lines re-opened as a new PENDING shipment of the same
//! warehouse, so the warehouse picks again and a clerk racing to ship the
//! old one gets CONFLICT; added units join a PENDING shipment of their
//! warehouse or open one (only once the order has shipments: before
//! confirmation, confirming opens them from the allocations).

use chrono::{DateTime, Utc};
use entity::{order, shipment, shipment_line};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::load::{Loaded, Take};
use crate::domain::changes::Plan;
use crate::domain::fulfillment::{DeliveryMethod, EventSource, ShipmentStatus};
use crate::domain::inventory::Allocation;
use crate::error::AppResult;
use crate::services::fulfillment::store;

#[expect(clippy::too_many_arguments, reason = "one shipment's parts")]
pub(super) async fn new_shipment(
    db: &impl ConnectionTrait,
    o: &order::Model,
    method: DeliveryMethod,
    warehouse_id: Uuid,
    lines: &[crate::services::fulfillment::create::LineOf],
    actor: &str,
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<shipment::Model> {
    let row = crate::services::fulfillment::create::open_pending(
        db,
        o,
        warehouse_id,
        method,
        lines,
        why,
        actor,
        now,
    )
    .await?;
    let code = store::warehouse_code(db, warehouse_id).await?;
    store::timeline(
        db,
        o,
        store::step(&row, &code, ShipmentStatus::Pending),
        format!("shipment {} opened at {code}: {why}", row.number),
        actor,
        now,
    )
    .await?;
    Ok(row)
}

pub(super) async fn cancel_shipment(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
    from: ShipmentStatus,
    actor: &str,
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // A racing warehouse step loses here (or we lose: CONFLICT).
    store::set_status(db, s, from, ShipmentStatus::Cancelled, now).await?;
    store::add_event(
        db,
        s.id,
        ShipmentStatus::Cancelled,
        why,
        None,
        now,
        EventSource::System,
        actor,
    )
    .await?;
    let code = store::warehouse_code(db, s.warehouse_id).await?;
    store::emit_shipment(db, o, s, &code, ShipmentStatus::Cancelled, now).await?;
    Ok(())
}

/// Shrinks the shipments the takes come from.
pub(super) async fn shrink_shipments(
    db: &impl ConnectionTrait,
    l: &Loaded,
    o: &order::Model,
    takes: &[Take],
    method: DeliveryMethod,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for s in &l.shipments {
        let mine: Vec<&Take> = takes
            .iter()
            .filter(|t| t.shipment == Some(s.row.id))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let remaining: Vec<(Uuid, String, i64)> = s
            .lines
            .iter()
            .map(|sl| {
                let gone: i64 = mine
                    .iter()
                    .filter(|t| t.product_id == sl.product_id)
                    .map(|t| t.quantity)
                    .sum();
                (sl.product_id, sl.sku.clone(), sl.quantity - gone)
            })
            .filter(|x| x.2 > 0)
            .collect();
        if s.status == ShipmentStatus::Pending {
            // Claim the shipment as PENDING (a racing pick loses or wins here).
            store::set_status(
                db,
                &s.row,
                ShipmentStatus::Pending,
                ShipmentStatus::Pending,
                now,
            )
            .await?;
            for sl in &s.lines {
                let left = remaining
                    .iter()
                    .find(|x| x.0 == sl.product_id)
                    .map_or(0, |x| x.2);
                if left == sl.quantity {
                    continue;
                }
                if left == 0 {
                    shipment_line::Entity::delete_by_id(sl.id).exec(db).await?;
                } else {
                    shipment_line::Entity::update_many()
                        .col_expr(shipment_line::Column::Quantity, Expr::value(left))
                        .filter(shipment_line::Column::Id.eq(sl.id))
                        .exec(db)
                        .await?;
                }
            }
            if remaining.is_empty() {
                cancel_shipment(
                    db,
                    o,
                    &s.row,
                    ShipmentStatus::Pending,
                    actor,
                    "order changed: nothing left to ship",
                    now,
                )
                .await?;
            }
        } else {
            cancel_shipment(
                db,
                o,
                &s.row,
                s.status,
                actor,
                "order changed after picking started: pick again",
                now,
            )
            .await?;
            if !remaining.is_empty() {
                new_shipment(
                    db,
                    o,
                    method,
                    s.row.warehouse_id,
                    &remaining,
                    actor,
                    &format!("re-opened from {} after an order change", s.row.number),
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Puts added units into a PENDING shipment of their warehouse, or a new one.
pub(super) async fn grow_shipments(
    db: &impl ConnectionTrait,
    o: &order::Model,
    allocs: &[Allocation],
    plan: &Plan,
    method: DeliveryMethod,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let has_any = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .count(db)
        .await?
        > 0;
    if !has_any {
        return Ok(());
    }
    let sku_of = |pid: Uuid| {
        plan.lines
            .iter()
            .find(|l| l.product_id == pid)
            .map(|l| l.sku.clone())
            .unwrap_or_default()
    };
    for a in allocs {
        let pending = shipment::Entity::find()
            .filter(shipment::Column::OrderId.eq(o.id))
            .filter(shipment::Column::WarehouseId.eq(a.warehouse_id))
            .filter(shipment::Column::Status.eq(ShipmentStatus::Pending.as_str()))
            .one(db)
            .await?;
        match pending {
            Some(s) => {
                let existing = shipment_line::Entity::find()
                    .filter(shipment_line::Column::ShipmentId.eq(s.id))
                    .filter(shipment_line::Column::ProductId.eq(a.product_id))
                    .one(db)
                    .await?;
                match existing {
                    Some(sl) => {
                        shipment_line::Entity::update_many()
                            .col_expr(
                                shipment_line::Column::Quantity,
                                Expr::value(sl.quantity + a.quantity),
                            )
                            .filter(shipment_line::Column::Id.eq(sl.id))
                            .exec(db)
                            .await?;
                    }
                    None => {
                        shipment_line::Entity::insert(shipment_line::ActiveModel {
                            id: Set(Uuid::now_v7()),
                            shipment_id: Set(s.id),
                            product_id: Set(a.product_id),
                            sku: Set(sku_of(a.product_id)),
                            quantity: Set(a.quantity),
                        })
                        .exec_without_returning(db)
                        .await?;
                    }
                }
            }
            None => {
                new_shipment(
                    db,
                    o,
                    method,
                    a.warehouse_id,
                    &[(a.product_id, sku_of(a.product_id), a.quantity)],
                    actor,
                    "units added by an order change",
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}
