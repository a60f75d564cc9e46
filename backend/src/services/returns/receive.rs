//! The warehouse receives a return's parcel and records every unit:
//! RESTOCK (on hand goes up in the chosen warehouse: a `receive` ledger
//! row), DAMAGED (received and written off: a `receive` row of +n and an
//! `adjust` row of −n in the chosen warehouse, so the write-off is visible
//! in the ledger and the ledger still sums to the levels), MISSING (no
//! stock change). Per-unit dispositions must add up to each line's
//! quantity. One command moves the return RECEIVED → INSPECTED and
//! recomputes the refund from what arrived (restocked + damaged; missing
//! units are not refunded). An EXCHANGE then gets its replacement shipment
//! and becomes EXCHANGED in the same transaction (`exchange`).

use chrono::{DateTime, Utc};
use entity::{product, return_line, return_request, stock_movement, warehouse};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::request::visible;
use super::store::{self, Return};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::inventory::MovementKind;
use crate::domain::notifications::EventType;
use crate::domain::returns::refund::{RefundLine, compute, whole_order};
use crate::domain::returns::{Disposition, Resolution, ReturnAction};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::services::authorize;
use crate::state::AppState;

/// Units of one SKU and what was found.
#[derive(Clone, Debug)]
pub struct ReceiveItem {
    pub sku: String,
    pub quantity: i64,
    pub disposition: Disposition,
    /// Where RESTOCK units go and DAMAGED units are written off.
    pub warehouse_code: Option<String>,
}

/// Per return line: (restocked, damaged, missing, restock warehouse).
#[derive(Clone, Copy, Default)]
struct Found {
    restocked: i64,
    damaged: i64,
    missing: i64,
    restock_wh: Option<Uuid>,
}

#[expect(clippy::too_many_arguments, reason = "one ledger row's columns")]
async fn ledger(
    db: &impl ConnectionTrait,
    p: &Principal,
    product_id: Uuid,
    warehouse_id: Uuid,
    kind: MovementKind,
    delta: i64,
    reason: String,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    stock_movement::Entity::insert(stock_movement::ActiveModel {
        id: NotSet,
        product_id: Set(product_id),
        warehouse_id: Set(warehouse_id),
        kind: Set(kind.as_str().into()),
        delta_on_hand: Set(delta),
        delta_allocated: Set(0),
        reason: Set(reason),
        actor: Set(p.actor()),
        reference: Set(Some(reference.to_string())),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Receives and inspects return `id` (warehouse staff, admin).
pub async fn receive_return(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    items: Vec<ReceiveItem>,
) -> AppResult<Return> {
    authorize(p, ReturnAction::Receive.roles())?;
    let r = visible(p, store::load(&state.db.conn, id).await?, id)?;
    if items.is_empty() {
        return Err(AppError::invalid("items", "record at least one unit"));
    }
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let o = crate::services::payments::store::lock_order(&*tx, r.order_id).await?;
    let r = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no return {id}")))?;
    // The state machine first: a second receipt is a CONFLICT.
    let received = r.status.next(ReturnAction::Receive).map_err(|_| {
        AppError::Conflict(format!(
            "return {} is {} and cannot be received",
            r.number,
            r.status.as_str()
        ))
    })?;
    let mut found = vec![Found::default(); r.lines.len()];
    let mut moves: Vec<(usize, Disposition, i64, Option<warehouse::Model>)> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let sku = it.sku.trim().to_ascii_uppercase();
        let Some(li) = r.lines.iter().position(|l| l.sku == sku) else {
            return Err(AppError::invalid(
                format!("items[{i}].sku"),
                format!("return {} has no item {sku}", r.number),
            ));
        };
        if !(1..=crate::domain::orders::MAX_LINE_QUANTITY).contains(&it.quantity) {
            return Err(AppError::invalid(
                format!("items[{i}].quantity"),
                "must be between 1 and 999",
            ));
        }
        let wh = match (it.disposition, it.warehouse_code.as_deref().map(str::trim)) {
            (Disposition::Missing, _) => None,
            (_, None | Some("")) => {
                return Err(AppError::invalid(
                    format!("items[{i}].warehouseCode"),
                    "choose the warehouse the units go to",
                ));
            }
            (_, Some(code)) => Some(
                warehouse::Entity::find()
                    .filter(warehouse::Column::Code.eq(code.to_ascii_uppercase()))
                    .filter(warehouse::Column::Active.eq(true))
                    .first(&*tx)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            format!("items[{i}].warehouseCode"),
                            format!("no active warehouse {code}"),
                        )
                    })?,
            ),
        };
        let f = &mut found[li];
        match it.disposition {
            Disposition::Restock => {
                let wid = wh.as_ref().map(|w| w.id);
                if f.restock_wh.is_some() && f.restock_wh != wid {
                    return Err(AppError::invalid(
                        format!("items[{i}].warehouseCode"),
                        format!("restock all units of {sku} into one warehouse"),
                    ));
                }
                f.restock_wh = wid;
                f.restocked += it.quantity;
            }
            Disposition::Damaged => f.damaged += it.quantity,
            Disposition::Missing => f.missing += it.quantity,
        }
        moves.push((li, it.disposition, it.quantity, wh));
    }
    for (l, f) in r.lines.iter().zip(&found) {
        let counted = f.restocked + f.damaged + f.missing;
        if counted != l.quantity {
            return Err(AppError::invalid(
                "items",
                format!(
                    "{} units of {} are on the return and {counted} were recorded: every unit needs one disposition",
                    l.quantity, l.sku
                ),
            ));
        }
    }
    // Stock through the ledger, referenced by the return's number.
    let mut stock_events = Vec::new();
    for (li, disposition, q, wh) in &moves {
        let Some(wh) = wh else { continue };
        let line = &r.lines[*li];
        let prod = product::Entity::find()
            .filter(product::Column::Sku.eq(line.sku.clone()))
            .first(&*tx)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("product {} vanished", line.sku)))?;
        let mut level =
            crate::services::inventory::apply_on_hand_delta(&*tx, &prod, wh, *q).await?;
        let what = match disposition {
            Disposition::Restock => "restocked",
            _ => "received damaged",
        };
        ledger(
            &*tx,
            p,
            prod.id,
            wh.id,
            MovementKind::Receive,
            *q,
            format!("return {} {what}", r.number),
            &r.number,
            now,
        )
        .await?;
        if *disposition == Disposition::Damaged {
            level = crate::services::inventory::apply_on_hand_delta(&*tx, &prod, wh, -*q).await?;
            ledger(
                &*tx,
                p,
                prod.id,
                wh.id,
                MovementKind::Adjust,
                -*q,
                format!("return {} damaged: written off", r.number),
                &r.number,
                now,
            )
            .await?;
        }
        stock_events.push(DomainEvent::StockChanged {
            sku: prod.sku.clone(),
            warehouse_code: wh.code.clone(),
            on_hand: level.on_hand,
            allocated: level.allocated,
        });
    }
    // The refund from what arrived.
    let available = store::returnable_lines(&*tx, o.id).await?;
    let coverage: Vec<(i64, i64, i64)> = available
        .iter()
        .map(|a| {
            let this = r
                .lines
                .iter()
                .zip(&found)
                .find(|(l, _)| l.order_line_id == a.line.id);
            let requested = this.map_or(0, |(l, _)| l.quantity);
            let arrived = this.map_or(0, |(_, f)| f.restocked + f.damaged);
            (a.delivered, a.in_returns - requested, arrived)
        })
        .collect();
    let refund_lines: Vec<RefundLine> = r
        .lines
        .iter()
        .zip(&found)
        .map(|(l, f)| RefundLine {
            unit_price_minor: l.unit_price_minor,
            units: f.restocked + f.damaged,
            reason: l.reason,
        })
        .collect();
    let breakdown = compute(&refund_lines, whole_order(&coverage), o.shipping_fee_minor)
        .ok_or_else(|| AppError::invalid("items", "amount too large"))?;
    let (refund, shipping, per_line) = match r.resolution {
        Resolution::Refund => (breakdown.total, breakdown.shipping, breakdown.lines),
        Resolution::Exchange => (0, 0, vec![0; r.lines.len()]),
    };
    for ((l, f), line_refund) in r.lines.iter().zip(&found).zip(&per_line) {
        return_line::Entity::update_many()
            .col_expr(
                return_line::Column::ReceivedRestocked,
                Expr::value(f.restocked),
            )
            .col_expr(return_line::Column::ReceivedDamaged, Expr::value(f.damaged))
            .col_expr(return_line::Column::ReceivedMissing, Expr::value(f.missing))
            .col_expr(
                return_line::Column::RestockWarehouseId,
                Expr::value(f.restock_wh),
            )
            .col_expr(return_line::Column::RefundMinor, Expr::value(*line_refund))
            .filter(return_line::Column::ReturnId.eq(r.id))
            .filter(return_line::Column::OrderLineId.eq(l.order_line_id))
            .exec(&*tx)
            .await?;
    }
    store::transition(
        &*tx,
        &r,
        ReturnAction::Receive,
        now,
        vec![
            (return_request::Column::ReceivedAt, Expr::value(now)),
            (return_request::Column::RefundMinor, Expr::value(refund)),
            (
                return_request::Column::ShippingRefundMinor,
                Expr::value(shipping),
            ),
        ],
    )
    .await?;
    let at_received = Return {
        status: received,
        ..r.clone()
    };
    store::transition(&*tx, &at_received, ReturnAction::Inspect, now, Vec::new()).await?;
    let (restocked, damaged, missing) = found.iter().fold((0, 0, 0), |a, f| {
        (a.0 + f.restocked, a.1 + f.damaged, a.2 + f.missing)
    });
    store::timeline(
        &*tx,
        &o,
        format!(
            "return {} received and inspected: {restocked} restocked, {damaged} damaged (written off), {missing} missing; refund {}",
            r.number,
            store::money_text(refund, &r.currency)
        ),
        &p.actor(),
        now,
    )
    .await?;
    let after = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return {id} vanished")))?;
    store::emit(
        &*tx,
        &o,
        EventType::ReturnReceived,
        &after,
        after.status,
        refund,
        now,
    )
    .await?;
    let after = if r.resolution == Resolution::Exchange {
        super::exchange::open_replacement(&*tx, p, &o, &after, now).await?
    } else {
        after
    };
    tx.commit().await?;
    for e in stock_events {
        state.bus.publish(e);
    }
    state.bus.publish(DomainEvent::OrderChanged {
        number: o.number.clone(),
        status: o.status.clone(),
    });
    Ok(after)
}
