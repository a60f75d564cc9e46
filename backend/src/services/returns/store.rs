//! Stored returns as values, what is still returnable, the return window,
//! and the writes every return command shares (status guard, timeline
//! entry, outbox event). Everything here runs in the caller's transaction
//! or on the read connection.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    channel, order, order_event, order_line, return_line, return_request, shipment, shipment_line,
    warehouse,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::fulfillment::ShipmentStatus;
use crate::domain::notifications::EventType;
use crate::domain::orders::EventKind;
use crate::domain::returns::{Resolution, ReturnAction, ReturnReason, ReturnStatus};
use crate::error::{AppError, AppResult};

/// A return as the rest of the system sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Return {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Option<Uuid>,
    pub status: ReturnStatus,
    pub resolution: Resolution,
    pub reason: ReturnReason,
    pub note: Option<String>,
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub currency: String,
    /// What the refund gives back (recomputed on receipt).
    pub refund_minor: i64,
    pub shipping_refund_minor: i64,
    pub refunded_minor: i64,
    pub exchange_shipment_id: Option<Uuid>,
    pub rejection_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub lines: Vec<ReturnLine>,
}

/// One line of a return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnLine {
    pub order_line_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub reason: ReturnReason,
    pub unit_price_minor: i64,
    pub refund_minor: i64,
    pub exchange_sku: Option<String>,
    pub exchange_unit_price_minor: Option<i64>,
    pub received_restocked: i64,
    pub received_damaged: i64,
    pub received_missing: i64,
    pub restock_warehouse: Option<String>,
}

fn corrupt(what: &str, value: &str, number: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "return {number} has an unknown stored {what} {value:?}"
    ))
}

/// Builds the values of these rows (lines, warehouse codes and order
/// numbers in one statement each).
pub(crate) async fn returns_from_rows(
    db: &impl ConnectionTrait,
    rows: Vec<return_request::Model>,
) -> AppResult<Vec<Return>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let order_ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    let lines = return_line::Entity::find()
        .filter(return_line::Column::ReturnId.is_in(ids))
        .all(db)
        .await?;
    let numbers: HashMap<Uuid, String> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.number))
        .collect();
    let warehouses: HashMap<Uuid, String> = warehouse::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    let mut by_return: HashMap<Uuid, Vec<return_line::Model>> = HashMap::new();
    for l in lines {
        by_return.entry(l.return_id).or_default().push(l);
    }
    rows.into_iter()
        .map(|r| {
            let mut lines = by_return.remove(&r.id).unwrap_or_default();
            lines.sort_by(|a, b| a.sku.cmp(&b.sku));
            let lines = lines
                .into_iter()
                .map(|l| {
                    Ok(ReturnLine {
                        reason: ReturnReason::parse(&l.reason)
                            .ok_or_else(|| corrupt("line reason", &l.reason, &r.number))?,
                        order_line_id: l.order_line_id,
                        sku: l.sku,
                        name: l.name,
                        quantity: l.quantity,
                        unit_price_minor: l.unit_price_minor,
                        refund_minor: l.refund_minor,
                        exchange_sku: l.exchange_sku,
                        exchange_unit_price_minor: l.exchange_unit_price_minor,
                        received_restocked: l.received_restocked,
                        received_damaged: l.received_damaged,
                        received_missing: l.received_missing,
                        restock_warehouse: l
                            .restock_warehouse_id
                            .and_then(|id| warehouses.get(&id).cloned()),
                    })
                })
                .collect::<AppResult<Vec<_>>>()?;
            Ok(Return {
                status: ReturnStatus::parse(&r.status)
                    .ok_or_else(|| corrupt("status", &r.status, &r.number))?,
                resolution: Resolution::parse(&r.resolution)
                    .ok_or_else(|| corrupt("resolution", &r.resolution, &r.number))?,
                reason: ReturnReason::parse(&r.reason)
                    .ok_or_else(|| corrupt("reason", &r.reason, &r.number))?,
                order_number: numbers.get(&r.order_id).cloned().unwrap_or_default(),
                id: r.id,
                number: r.number,
                order_id: r.order_id,
                customer_id: r.customer_id,
                note: r.note,
                requested_by: r.requested_by,
                approved_by: r.approved_by,
                currency: r.currency,
                refund_minor: r.refund_minor,
                shipping_refund_minor: r.shipping_refund_minor,
                refunded_minor: r.refunded_minor,
                exchange_shipment_id: r.exchange_shipment_id,
                rejection_reason: r.rejection_reason,
                created_at: r.created_at,
                updated_at: r.updated_at,
                approved_at: r.approved_at,
                received_at: r.received_at,
                refunded_at: r.refunded_at,
                lines,
            })
        })
        .collect()
}

/// One return by id, as stored now.
pub(crate) async fn load(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<Return>> {
    let Some(row) = return_request::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(returns_from_rows(db, vec![row]).await?.pop())
}

/// Who may see a return: staff, and the customer of its order.
pub(crate) fn can_view(p: &Principal, r: &Return) -> bool {
    match p {
        Principal::User { id, role, .. } => {
            role.is_staff() || (*role == Role::Customer && r.customer_id == Some(*id))
        }
        Principal::System => true,
        Principal::Integration { .. } | Principal::Anonymous => false,
    }
}

/// What the caller may do to the return now (the console's and portal's
/// buttons). Inspect and Exchange happen inside Receive.
pub fn available_actions(p: &Principal, r: &Return) -> Vec<ReturnAction> {
    let Some(role) = p.role() else {
        return Vec::new();
    };
    [
        ReturnAction::Approve,
        ReturnAction::Reject,
        ReturnAction::Cancel,
        ReturnAction::Receive,
        ReturnAction::Refund,
    ]
    .into_iter()
    .filter(|a| r.status.next(*a).is_ok() && a.roles().contains(&role))
    .filter(|a| *a != ReturnAction::Refund || r.resolution == Resolution::Refund)
    .filter(|_| role != Role::Customer || r.customer_id == p.user_id())
    .collect()
}

/// One order line with what was delivered and what earlier returns hold.
#[derive(Clone, Debug)]
pub(crate) struct ReturnableLine {
    pub line: order_line::Model,
    pub delivered: i64,
    pub in_returns: i64,
}

impl ReturnableLine {
    pub fn returnable(&self) -> i64 {
        crate::domain::returns::refund::returnable(self.delivered, self.in_returns)
    }
}

/// The order's lines with units delivered (by delivered or handed-over
/// shipments, not counting exchange replacements) and units in returns that
/// are not cancelled or rejected.
pub(crate) async fn returnable_lines(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Vec<ReturnableLine>> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let returns = return_request::Entity::find()
        .filter(return_request::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let replacements: Vec<Uuid> = returns
        .iter()
        .filter_map(|r| r.exchange_shipment_id)
        .collect();
    let delivered_shipments: Vec<Uuid> = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(order_id))
        .filter(shipment::Column::Status.is_in([
            ShipmentStatus::Delivered.as_str(),
            ShipmentStatus::PickedUp.as_str(),
        ]))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .filter(|id| !replacements.contains(id))
        .collect();
    let mut delivered: HashMap<Uuid, i64> = HashMap::new();
    if !delivered_shipments.is_empty() {
        for l in shipment_line::Entity::find()
            .filter(shipment_line::Column::ShipmentId.is_in(delivered_shipments))
            .all(db)
            .await?
        {
            *delivered.entry(l.product_id).or_insert(0) += l.quantity;
        }
    }
    let counted: Vec<Uuid> = returns
        .iter()
        .filter(|r| ReturnStatus::parse(&r.status).is_some_and(|s| s.counts_against_returnable()))
        .map(|r| r.id)
        .collect();
    let mut in_returns: HashMap<Uuid, i64> = HashMap::new();
    if !counted.is_empty() {
        for l in return_line::Entity::find()
            .filter(return_line::Column::ReturnId.is_in(counted))
            .all(db)
            .await?
        {
            *in_returns.entry(l.order_line_id).or_insert(0) += l.quantity;
        }
    }
    Ok(lines
        .into_iter()
        .map(|line| ReturnableLine {
            // An order line per product (placement merges SKUs); never
            // more than was bought.
            delivered: delivered
                .get(&line.product_id)
                .copied()
                .unwrap_or(0)
                .min(line.quantity),
            in_returns: in_returns.get(&line.id).copied().unwrap_or(0),
            line,
        })
        .collect())
}

/// When the order was delivered: its first move to DELIVERED on the
/// timeline.
pub(crate) async fn delivered_at(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(order_id))
        .filter(order_event::Column::ToStatus.eq("DELIVERED"))
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .find(|e| e.from_status.as_deref() != Some("DELIVERED"))
        .map(|e| e.at))
}

/// The channel's return window in days (`channels.return_window_days`).
pub(crate) async fn window_days(db: &impl ConnectionTrait, channel_id: Uuid) -> AppResult<i64> {
    Ok(channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .map_or(0, |c| i64::from(c.return_window_days.max(0))))
}

/// The order is inside its channel's return window at `now` (a window of
/// 0 days takes no returns).
pub(crate) async fn within_window(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    channel_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let days = window_days(db, channel_id).await?;
    let Some(at) = delivered_at(db, order_id).await? else {
        return Ok(false);
    };
    Ok(days > 0 && now < at + chrono::Duration::days(days))
}

/// Moves the return from `from` by `action`, guarded by
/// `UPDATE … WHERE status = from` (a concurrent command that moved it
/// first makes this one a CONFLICT). `extra` sets more columns.
pub(crate) async fn transition(
    db: &impl ConnectionTrait,
    r: &Return,
    action: ReturnAction,
    now: DateTime<Utc>,
    extra: Vec<(return_request::Column, sea_orm::sea_query::SimpleExpr)>,
) -> AppResult<ReturnStatus> {
    let to = r.status.next(action).map_err(|e| {
        AppError::Conflict(format!(
            "return {} is {} and cannot {}",
            r.number,
            e.from.as_str(),
            e.action.as_str().to_ascii_lowercase()
        ))
    })?;
    let mut upd = return_request::Entity::update_many()
        .col_expr(return_request::Column::Status, Expr::value(to.as_str()))
        .col_expr(return_request::Column::UpdatedAt, Expr::value(now));
    if !to.is_open() {
        upd = upd.col_expr(return_request::Column::ClosedAt, Expr::value(now));
    }
    for (c, v) in extra {
        upd = upd.col_expr(c, v);
    }
    let moved = upd
        .filter(return_request::Column::Id.eq(r.id))
        .filter(return_request::Column::Status.eq(r.status.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(format!(
            "return {} was changed concurrently; reload and retry",
            r.number
        )));
    }
    Ok(to)
}

/// The return's step on its order's timeline (kind RETURN; the order's
/// status does not change).
pub(crate) async fn timeline(
    db: &impl ConnectionTrait,
    o: &order::Model,
    note: String,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(EventKind::Return.as_str().into()),
        from_status: Set(None),
        to_status: Set(o.status.clone()),
        actor: Set(actor.into()),
        note: Set(Some(note)),
        detail: Set(None),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Writes the return's outbox event (the email context reads `number`,
/// `amountMinor` and `currency`).
pub(crate) async fn emit(
    db: &impl ConnectionTrait,
    o: &order::Model,
    kind: EventType,
    r: &Return,
    status: ReturnStatus,
    amount_minor: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let object = json!({
        "number": r.number,
        "orderNumber": o.number,
        "status": status.as_str(),
        "resolution": r.resolution.as_str(),
        "amountMinor": amount_minor,
        "currency": r.currency,
        "lines": r.lines.iter().map(|l| json!({
            "sku": l.sku,
            "quantity": l.quantity,
            "reason": l.reason.as_str(),
        })).collect::<Vec<_>>(),
    });
    crate::services::notifications::outbox::emit(db, o, kind, object, now).await?;
    Ok(())
}

/// Money as text for timeline notes, e.g. "299.00 CNY".
pub(crate) fn money_text(minor: i64, currency: &str) -> String {
    match crate::domain::money::Currency::parse(currency) {
        Some(c) => format!(
            "{} {currency}",
            crate::domain::money::Money::new(minor, c).amount()
        ),
        None => format!("{minor} {currency}"),
    }
}
