//! Requesting a return: validated before anything is written, then one
//! transaction under the order's row lock (the returnable quantity is read
//! under it, so two racing requests for the last unit cannot both win).

use std::collections::HashSet;

use chrono::Utc;
use entity::{product, return_line, return_request};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::store::{self, Return};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::notifications::EventType;
use crate::domain::orders::OrderStatus;
use crate::domain::returns::refund::{RefundLine, auto_approves, compute, whole_order};
use crate::domain::returns::{MAX_LINES, MAX_NOTE_CHARS, Resolution, ReturnReason, ReturnStatus};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::services::authorize;
use crate::state::AppState;

/// One line of a request: units of a SKU of the order, and why.
#[derive(Clone, Debug)]
pub struct RequestLine {
    pub sku: String,
    pub quantity: i64,
    pub reason: ReturnReason,
}

/// What the customer asks for.
#[derive(Clone, Debug)]
pub struct RequestReturn {
    pub lines: Vec<RequestLine>,
    pub resolution: Resolution,
    /// EXCHANGE: the replacement SKU for each line, in the same order.
    pub exchange_skus: Vec<String>,
    pub note: Option<String>,
}

fn check_key(raw: &str) -> AppResult<String> {
    let k = raw.trim();
    if k.is_empty() || k.chars().count() > 100 {
        return Err(AppError::invalid(
            "idempotencyKey",
            "must be 1 to 100 characters",
        ));
    }
    Ok(k.to_string())
}

/// The request, checked on its own (the order is checked under its lock).
struct Checked {
    lines: Vec<(String, i64, ReturnReason)>,
    exchange: Vec<String>,
    note: Option<String>,
}

fn check(input: &RequestReturn) -> AppResult<Checked> {
    if input.lines.is_empty() {
        return Err(AppError::invalid("lines", "choose at least one item"));
    }
    if input.lines.len() > MAX_LINES {
        return Err(AppError::invalid("lines", "at most 100 lines"));
    }
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    for (i, l) in input.lines.iter().enumerate() {
        let sku = l.sku.trim().to_ascii_uppercase();
        if sku.is_empty() {
            return Err(AppError::invalid(format!("lines[{i}].sku"), "is empty"));
        }
        if !seen.insert(sku.clone()) {
            return Err(AppError::invalid(
                format!("lines[{i}].sku"),
                format!("{sku} is listed twice"),
            ));
        }
        if !(1..=crate::domain::orders::MAX_LINE_QUANTITY).contains(&l.quantity) {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                "must be between 1 and 999",
            ));
        }
        lines.push((sku, l.quantity, l.reason));
    }
    let exchange: Vec<String> = input
        .exchange_skus
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .collect();
    match input.resolution {
        Resolution::Refund if !exchange.is_empty() => {
            return Err(AppError::invalid(
                "exchangeSkus",
                "only an EXCHANGE takes replacement SKUs",
            ));
        }
        Resolution::Exchange if exchange.len() != lines.len() => {
            return Err(AppError::invalid(
                "exchangeSkus",
                "give one replacement SKU per line, in the same order",
            ));
        }
        _ => {}
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::invalid("note", "must be at most 500 characters"));
    }
    Ok(Checked {
        lines,
        exchange,
        note: note.map(str::to_string),
    })
}

/// Requests a return of delivered units of order `number`, by its
/// customer or by support for them. The same `idempotency_key` on the same
/// order returns the same return.
pub async fn request_return(
    state: &AppState,
    p: &Principal,
    number: &str,
    input: RequestReturn,
    idempotency_key: &str,
) -> AppResult<Return> {
    authorize(p, super::REQUESTERS)?;
    let order = crate::services::orders::find_visible(state, p, number).await?;
    let key = check_key(idempotency_key)?;
    let checked = check(&input)?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let o = crate::services::payments::store::lock_order(&*tx, order.id).await?;
    // A retry: the return this key already made.
    if let Some(existing) = return_request::Entity::find()
        .filter(return_request::Column::OrderId.eq(o.id))
        .filter(return_request::Column::IdempotencyKey.eq(key.clone()))
        .first(&*tx)
        .await?
    {
        drop(tx);
        return store::returns_from_rows(&state.db.conn, vec![existing])
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return vanished")));
    }
    let status = crate::services::orders::rows::status(&o.status, &o.number)?;
    if !matches!(status, OrderStatus::Delivered | OrderStatus::Completed) {
        return Err(AppError::Conflict(format!(
            "order {} is {}: only delivered orders can be returned",
            o.number,
            status.as_str()
        )));
    }
    if !store::within_window(&*tx, o.id, o.channel_id, now).await? {
        let days = store::window_days(&*tx, o.channel_id).await?;
        return Err(AppError::Conflict(format!(
            "the return window of order {} has closed ({days} days after delivery)",
            o.number
        )));
    }
    let available = store::returnable_lines(&*tx, o.id).await?;
    let mut rows = Vec::new();
    let mut refund_lines = Vec::new();
    let mut coverage = Vec::new();
    for (i, (sku, quantity, reason)) in checked.lines.iter().enumerate() {
        let Some(a) = available.iter().find(|a| a.line.sku == *sku) else {
            return Err(AppError::invalid(
                format!("lines[{i}].sku"),
                format!("order {} has no item {sku}", o.number),
            ));
        };
        if *quantity > a.returnable() {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                format!(
                    "only {} of {sku} can still be returned ({} delivered, {} in earlier returns)",
                    a.returnable(),
                    a.delivered,
                    a.in_returns
                ),
            ));
        }
        let mut row = return_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            return_id: Set(Uuid::nil()),
            order_line_id: Set(a.line.id),
            product_id: Set(a.line.product_id),
            sku: Set(sku.clone()),
            name: Set(a.line.name.clone()),
            quantity: Set(*quantity),
            reason: Set(reason.as_str().into()),
            unit_price_minor: Set(a.line.unit_price_minor),
            refund_minor: Set(0),
            exchange_product_id: Set(None),
            exchange_sku: Set(None),
            exchange_unit_price_minor: Set(None),
            received_restocked: Set(0),
            received_damaged: Set(0),
            received_missing: Set(0),
            restock_warehouse_id: Set(None),
        };
        if let Some(x) = checked.exchange.get(i) {
            let field = format!("exchangeSkus[{i}]");
            let p = product::Entity::find()
                .filter(product::Column::Sku.eq(x.clone()))
                .filter(product::Column::Active.eq(true))
                .first(&*tx)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(field.clone(), format!("unknown or inactive SKU {x}"))
                })?;
            // Kept simple: an exchange is for an item of the same price
            // (another size or colour); anything else is a refund and a
            // new order.
            if p.price_minor != a.line.unit_price_minor {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "{x} costs {} and {sku} was sold at {}: an exchange must be for an item of the same price (return it for a refund and order the other)",
                        store::money_text(p.price_minor, &o.currency),
                        store::money_text(a.line.unit_price_minor, &o.currency)
                    ),
                ));
            }
            row.exchange_product_id = Set(Some(p.id));
            row.exchange_sku = Set(Some(p.sku));
            row.exchange_unit_price_minor = Set(Some(p.price_minor));
        }
        refund_lines.push(RefundLine {
            unit_price_minor: a.line.unit_price_minor,
            units: *quantity,
            reason: *reason,
        });
        rows.push(row);
    }
    for a in &available {
        let this = checked
            .lines
            .iter()
            .find(|(sku, _, _)| *sku == a.line.sku)
            .map_or(0, |l| l.1);
        coverage.push((a.delivered, a.in_returns, this));
    }
    // An exchange gives no money back (same price); a refund gives the
    // computed amount.
    let breakdown = compute(&refund_lines, whole_order(&coverage), o.shipping_fee_minor)
        .ok_or_else(|| AppError::invalid("lines", "amount too large"))?;
    let (refund, shipping) = match input.resolution {
        Resolution::Refund => (breakdown.total, breakdown.shipping),
        Resolution::Exchange => (0, 0),
    };
    let reasons: Vec<ReturnReason> = checked.lines.iter().map(|l| l.2).collect();
    let auto = auto_approves(&reasons, refund);
    let seq = return_request::Entity::find()
        .filter(return_request::Column::OrderId.eq(o.id))
        .count(&*tx)
        .await?
        + 1;
    let id = Uuid::now_v7();
    let rma = format!(
        "RMA-{}-{seq}",
        o.number.strip_prefix("SO-").unwrap_or(&o.number)
    );
    let actor = p.actor();
    let status = if auto {
        ReturnStatus::Approved
    } else {
        ReturnStatus::Requested
    };
    return_request::Entity::insert(return_request::ActiveModel {
        id: Set(id),
        number: Set(rma.clone()),
        order_id: Set(o.id),
        customer_id: Set(o.customer_id),
        status: Set(status.as_str().into()),
        resolution: Set(input.resolution.as_str().into()),
        reason: Set(reasons[0].as_str().into()),
        note: Set(checked.note.clone()),
        requested_by: Set(actor.clone()),
        approved_by: Set(auto.then(|| "system".to_string())),
        currency: Set(o.currency.clone()),
        refund_minor: Set(refund),
        shipping_refund_minor: Set(shipping),
        refunded_minor: Set(0),
        exchange_shipment_id: Set(None),
        idempotency_key: Set(Some(key)),
        refund_key: Set(None),
        rejection_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        approved_at: Set(auto.then_some(now)),
        received_at: Set(None),
        refunded_at: Set(None),
        closed_at: Set(None),
    })
    .exec_without_returning(&*tx)
    .await?;
    let per_line = match input.resolution {
        Resolution::Refund => breakdown.lines.clone(),
        Resolution::Exchange => vec![0; rows.len()],
    };
    for (mut row, refund) in rows.into_iter().zip(per_line) {
        row.return_id = Set(id);
        row.refund_minor = Set(refund);
        return_line::Entity::insert(row)
            .exec_without_returning(&*tx)
            .await?;
    }
    let r = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return {rma} vanished")))?;
    let units: i64 = r.lines.iter().map(|l| l.quantity).sum();
    store::timeline(
        &*tx,
        &o,
        format!(
            "return {rma} requested: {units} units, {} ({})",
            input.resolution.as_str(),
            store::money_text(refund, &o.currency)
        ),
        &actor,
        now,
    )
    .await?;
    store::emit(
        &*tx,
        &o,
        EventType::ReturnRequested,
        &r,
        ReturnStatus::Requested,
        refund,
        now,
    )
    .await?;
    if auto {
        store::timeline(
            &*tx,
            &o,
            format!("return {rma} approved automatically"),
            "system",
            now,
        )
        .await?;
        store::emit(
            &*tx,
            &o,
            EventType::ReturnApproved,
            &r,
            ReturnStatus::Approved,
            refund,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    state.bus.publish(DomainEvent::OrderChanged {
        number: o.number.clone(),
        status: o.status.clone(),
    });
    Ok(r)
}

/// A customer's own return; anyone else's is NOT_FOUND, like a missing one.
pub(crate) fn visible(p: &Principal, r: Option<Return>, id: Uuid) -> AppResult<Return> {
    match r {
        Some(r) if store::can_view(p, &r) => Ok(r),
        _ => Err(AppError::NotFound(format!("no return {id}"))),
    }
}
