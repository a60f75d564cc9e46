//! Applying a priced change inside the caller's transaction (the order
//! row locked): stock through the ledger (releases first, then additions
//! allocated by the same conditional update as placement — no oversell),
//! shipments that have not left adjusted, order lines and totals updated
//! with their history, money given back through payments, the timeline
//! entry and the outbox event.
//!
//! Shipments: a PENDING shipment is adjusted in place (lines shrink or
//! grow; empty ones are cancelled). A shipment whose picking started is
//! cancelled and its remaining lines re-opened as a new PENDING shipment of
//! the same warehouse, so the warehouse picks again — and a clerk racing
//! to ship the old one gets CONFLICT. Added units join a PENDING shipment
//! of their warehouse, or open one (only once the order has shipments:
//! before confirmation, confirming opens them from the allocations).
//!
//! Money: what the order's payments captured (net of refunds) beyond the
//! new total is refunded under the change's own key. A card authorization
//! that is not captured needs nothing: each shipment captures its own
//! lines' value when it leaves (`fulfillment::settle`), so cancelled units
//! are never captured. An increase leaves a positive amount due that the
//! customer pays with `startPayment`.

use chrono::{DateTime, Utc};
use entity::{
    order, order_event, order_line, order_line_change, shipment, stock_level, stock_movement,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::load::{Loaded, Take};
use crate::domain::auth::Principal;
use crate::domain::changes::{ChangeKind, ChangeSummary, Plan};
use crate::domain::fulfillment::ShipmentStatus;
use crate::domain::inventory::{Allocation, MovementKind};
use crate::domain::notifications::EventType;
use crate::domain::orders::{EventDetail, EventKind};
use crate::domain::payments::{Ledger, OrderPaymentSummary};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::services::fulfillment::store;
use crate::services::payments::RefundFollowUp;

/// What to do after the caller commits.
pub(super) struct Applied {
    pub events: Vec<DomainEvent>,
    pub refund: RefundFollowUp,
}

#[expect(clippy::too_many_arguments, reason = "one ledger row's columns")]
async fn ledger(
    db: &impl ConnectionTrait,
    p: &Principal,
    product_id: Uuid,
    warehouse_id: Uuid,
    kind: MovementKind,
    delta_allocated: i64,
    reason: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    stock_movement::Entity::insert(stock_movement::ActiveModel {
        id: NotSet,
        product_id: Set(product_id),
        warehouse_id: Set(warehouse_id),
        kind: Set(kind.as_str().into()),
        delta_on_hand: Set(0),
        delta_allocated: Set(delta_allocated),
        reason: Set(reason.into()),
        actor: Set(p.actor()),
        reference: Set(Some(reference.to_string())),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Gives the units back to available stock (conditional update + ledger).
async fn release(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    takes: &[Take],
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for t in takes {
        let done = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Allocated,
                Expr::col(stock_level::Column::Allocated).sub(t.quantity),
            )
            .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
            .filter(stock_level::Column::ProductId.eq(t.product_id))
            .filter(stock_level::Column::WarehouseId.eq(t.warehouse_id))
            .filter(Expr::col(stock_level::Column::Allocated).gte(t.quantity))
            .exec(db)
            .await?
            .rows_affected;
        if done == 0 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "stock level for order {} holds less than its allocation of {}",
                o.number,
                t.sku
            )));
        }
        ledger(
            db,
            p,
            t.product_id,
            t.warehouse_id,
            MovementKind::Release,
            -t.quantity,
            why,
            &o.number,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Allocates added units (the placement's conditional update) + ledger.
async fn allocate(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    plan: &Plan,
    allocs: &mut [Allocation],
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !crate::services::orders::allocate(db, allocs, now).await? {
        // Taken since we read it: refuse, the transaction writes nothing.
        return Err(AppError::OutOfStock {
            skus: plan
                .changed()
                .filter(|d| d.delta() > 0)
                .map(|d| d.sku.clone())
                .collect(),
        });
    }
    for a in allocs.iter() {
        ledger(
            db,
            p,
            a.product_id,
            a.warehouse_id,
            MovementKind::Allocate,
            a.quantity,
            why,
            &o.number,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Writes the order's new lines (with their history) and totals, address
/// and method. Returns the updated row.
async fn update_order(
    db: &impl ConnectionTrait,
    l: &Loaded,
    plan: &Plan,
    change_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<order::Model> {
    let o = &l.order;
    let mut next_no = l.lines.iter().map(|x| x.line_no).max().unwrap_or(0);
    for d in plan.changed() {
        match l.lines.iter().find(|x| x.product_id == d.product_id) {
            // A line cut to zero leaves the order (lines hold at least one
            // unit); `order_line_changes` keeps its history.
            Some(line) if d.after == 0 => {
                order_line::Entity::delete_by_id(line.id).exec(db).await?;
            }
            Some(line) => {
                order_line::Entity::update_many()
                    .col_expr(order_line::Column::Quantity, Expr::value(d.after))
                    .col_expr(
                        order_line::Column::LineTotalMinor,
                        Expr::value(d.after * line.unit_price_minor),
                    )
                    .filter(order_line::Column::Id.eq(line.id))
                    .exec(db)
                    .await?;
            }
            None => {
                next_no += 1;
                order_line::Entity::insert(order_line::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    order_id: Set(o.id),
                    line_no: Set(next_no),
                    product_id: Set(d.product_id),
                    sku: Set(d.sku.clone()),
                    name: Set(d.name.clone()),
                    quantity: Set(d.after),
                    unit_price_minor: Set(d.unit_price_minor),
                    line_total_minor: Set(d.after * d.unit_price_minor),
                })
                .exec_without_returning(db)
                .await?;
            }
        }
        order_line_change::Entity::insert(order_line_change::ActiveModel {
            id: Set(Uuid::now_v7()),
            order_id: Set(o.id),
            change_request_id: Set(Some(change_id)),
            product_id: Set(d.product_id),
            sku: Set(d.sku.clone()),
            quantity_before: Set(d.before),
            quantity_after: Set(d.after),
            unit_price_minor: Set(d.unit_price_minor),
            actor: Set(actor.into()),
            at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
    }
    let mut next = o.clone();
    next.subtotal_minor = plan.subtotal_after;
    next.shipping_fee_minor = plan.fee_after;
    next.total_minor = plan.total_after();
    next.updated_at = now;
    if let Some(m) = plan.method {
        next.shipping_method = m.as_str().into();
    }
    if let Some(a) = &plan.address {
        next.ship_name = a.name.clone();
        next.ship_phone = a.phone.clone();
        next.ship_line1 = a.line1.clone();
        next.ship_line2 = a.line2.clone();
        next.ship_city = a.city.clone();
        next.ship_region = a.region.clone();
        next.ship_postal_code = a.postal_code.clone();
        next.ship_country = a.country.clone();
    }
    order::Entity::update_many()
        .col_expr(
            order::Column::SubtotalMinor,
            Expr::value(next.subtotal_minor),
        )
        .col_expr(
            order::Column::ShippingFeeMinor,
            Expr::value(next.shipping_fee_minor),
        )
        .col_expr(order::Column::TotalMinor, Expr::value(next.total_minor))
        .col_expr(
            order::Column::ShippingMethod,
            Expr::value(next.shipping_method.clone()),
        )
        .col_expr(order::Column::ShipName, Expr::value(next.ship_name.clone()))
        .col_expr(
            order::Column::ShipPhone,
            Expr::value(next.ship_phone.clone()),
        )
        .col_expr(
            order::Column::ShipLine1,
            Expr::value(next.ship_line1.clone()),
        )
        .col_expr(
            order::Column::ShipLine2,
            Expr::value(next.ship_line2.clone()),
        )
        .col_expr(order::Column::ShipCity, Expr::value(next.ship_city.clone()))
        .col_expr(
            order::Column::ShipRegion,
            Expr::value(next.ship_region.clone()),
        )
        .col_expr(
            order::Column::ShipPostalCode,
            Expr::value(next.ship_postal_code.clone()),
        )
        .col_expr(
            order::Column::ShipCountry,
            Expr::value(next.ship_country.clone()),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(o.id))
        .exec(db)
        .await?;
    if plan.method.is_some() {
        let open: Vec<&str> = [
            ShipmentStatus::Pending,
            ShipmentStatus::Picking,
            ShipmentStatus::Packed,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect();
        shipment::Entity::update_many()
            .col_expr(
                shipment::Column::Method,
                Expr::value(next.shipping_method.clone()),
            )
            .filter(shipment::Column::OrderId.eq(o.id))
            .filter(shipment::Column::Status.is_in(open))
            .exec(db)
            .await?;
    }
    Ok(next)
}

/// Money captured beyond the new total: refunded under the change's key.
pub(super) async fn money_back(
    db: &impl ConnectionTrait,
    o: &order::Model,
    new_total: i64,
    change_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<(i64, RefundFollowUp)> {
    let ledgers = crate::services::payments::store::order_ledgers(db, o.id).await?;
    let s = OrderPaymentSummary::of(ledgers.iter().map(|(_, l): &(_, Ledger)| l));
    let kept = s.captured - s.refunded - s.pending_refund;
    let refund = Ord::max(kept - new_total, 0);
    let fu = crate::services::payments::refund_order_amount(
        db,
        o,
        refund,
        &format!("change-{change_id}"),
        actor,
        "order changed: items cancelled or reduced",
        now,
    )
    .await?;
    Ok((refund, fu))
}

/// Applies `plan` to the loaded order: everything in the caller's
/// transaction, which holds the order row's lock.
#[expect(clippy::too_many_arguments, reason = "one command's parts")]
pub(super) async fn apply(
    db: &impl ConnectionTrait,
    p: &Principal,
    l: &Loaded,
    plan: &Plan,
    kind: ChangeKind,
    change_id: Uuid,
    takes: &[Take],
    allocs: &mut [Allocation],
    now: DateTime<Utc>,
) -> AppResult<Applied> {
    let actor = p.actor();
    let o = &l.order;
    let why = match kind {
        ChangeKind::Change => "order changed",
        ChangeKind::CancelLines => "items cancelled",
    };
    let method = plan.method.unwrap_or(l.current.method);
    release(db, p, o, takes, why, now).await?;
    allocate(db, p, o, plan, allocs, why, now).await?;
    super::shipments::shrink_shipments(db, l, o, takes, method, &actor, now).await?;
    super::shipments::grow_shipments(db, o, allocs, plan, method, &actor, now).await?;
    let next = update_order(db, l, plan, change_id, &actor, now).await?;
    let (refunded_minor, refund) =
        money_back(db, &next, next.total_minor, change_id, &actor, now).await?;
    let summary = ChangeSummary::of(kind, plan, &l.current.address, l.current.method.as_str());
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(EventKind::Changed.as_str().into()),
        from_status: Set(Some(o.status.clone())),
        to_status: Set(o.status.clone()),
        actor: Set(actor.clone()),
        note: Set(Some(summary.sentence())),
        detail: Set(Some(EventDetail::Change(summary.clone()).to_stored())),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    let mut object = summary.to_json();
    object["orderNumber"] = serde_json::json!(o.number);
    object["changeRequestId"] = serde_json::json!(change_id);
    object["amountDeltaMinor"] = serde_json::json!(plan.amount_delta());
    object["refundedMinor"] = serde_json::json!(refunded_minor);
    crate::services::notifications::outbox::emit(db, &next, EventType::OrderChanged, object, now)
        .await?;
    let live = store::follow(db, &next, &actor, now).await?;
    let mut events = vec![live];
    let levels = stock_level::Entity::find()
        .filter(
            stock_level::Column::ProductId.is_in(
                takes
                    .iter()
                    .map(|t| t.product_id)
                    .chain(allocs.iter().map(|a| a.product_id))
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?;
    let codes = super::load::warehouse_codes(db).await?;
    for lv in levels {
        let touched = takes
            .iter()
            .any(|t| t.product_id == lv.product_id && t.warehouse_id == lv.warehouse_id)
            || allocs
                .iter()
                .any(|a| a.product_id == lv.product_id && a.warehouse_id == lv.warehouse_id);
        if !touched {
            continue;
        }
        let sku = plan
            .lines
            .iter()
            .find(|x| x.product_id == lv.product_id)
            .map(|x| x.sku.clone())
            .unwrap_or_default();
        events.push(DomainEvent::StockChanged {
            sku,
            warehouse_code: codes.get(&lv.warehouse_id).cloned().unwrap_or_default(),
            on_hand: lv.on_hand,
            allocated: lv.allocated,
        });
    }
    Ok(Applied { events, refund })
}
