//! Finance and admin move money on a payment: capture, void, refund (by
//! amount or by order lines).

use super::*;

/// One staff money movement: validated against the ledger under both
/// locks, requested, and sent to the provider after commit.
async fn move_money(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
    kind: PaymentEventKind,
    amount: Option<i64>,
    key: &str,
    note: Option<String>,
) -> AppResult<Payment> {
    require_finance(p)?;
    let key = check_key(key)?;
    let (_, row) = visible_payment(state, p, payment_id).await?;
    let now = Utc::now();
    let op_key = format!("{}:{key}", kind.as_str().to_ascii_lowercase());
    let tx = state.db.begin_write().await?;
    let row = store::lock_order(&*tx, row.id).await?;
    let mut pay = store::lock_payment(&*tx, payment_id, now).await?;
    // The same key again: the same operation, whatever happened since.
    if let Some(op) = rules::operations(&pay.events)
        .into_iter()
        .find(|op| op.op_key == op_key)
    {
        if op.kind != kind || amount.is_some_and(|a| a != op.amount_minor) {
            return Err(AppError::Conflict(format!(
                "idempotency key {key} was used for a {} of {}",
                op.kind.as_str(),
                op.amount_minor
            )));
        }
        drop(tx);
        calls::run_payment(state, payment_id).await;
        return reread(state, payment_id).await;
    }
    let ledger = Ledger::from_events(&pay.events);
    let amount = match kind {
        PaymentEventKind::Capture => {
            let a = amount.unwrap_or(0);
            rules::check_capture(&ledger, a).map_err(|r| refused(r, &pay.currency))?;
            a
        }
        PaymentEventKind::Refund => {
            let a = amount.unwrap_or(0);
            rules::check_refund(&ledger, a).map_err(|r| refused(r, &pay.currency))?;
            a
        }
        PaymentEventKind::Void => {
            rules::check_void(&ledger).map_err(|r| refused(r, &pay.currency))?
        }
        PaymentEventKind::Authorize => {
            return Err(AppError::invalid(
                "kind",
                "authorizations come from the provider",
            ));
        }
    };
    let actor = p.actor();
    super::refund_order::request_movement(
        &*tx, &row, &mut pay, kind, amount, &op_key, &actor, note, now,
    )
    .await?;
    let after = settle::settle_order(&*tx, row.id, &actor, now).await?;
    tx.commit().await?;
    for e in after.events {
        state.bus.publish(e);
    }
    calls::run_payment(state, payment_id).await;
    reread(state, payment_id).await
}

/// Captures `amount` of an authorization (card), all or part.
pub async fn capture_payment(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
    amount: i64,
    key: &str,
) -> AppResult<Payment> {
    move_money(
        state,
        p,
        payment_id,
        PaymentEventKind::Capture,
        Some(amount),
        key,
        None,
    )
    .await
}

/// Releases what is authorized and not captured.
pub async fn void_payment(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
    key: &str,
) -> AppResult<Payment> {
    move_money(
        state,
        p,
        payment_id,
        PaymentEventKind::Void,
        None,
        key,
        None,
    )
    .await
}

/// Refunds `amount` of what was captured and is not refunded or being
/// refunded.
pub async fn refund_payment(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
    amount: i64,
    reason: &str,
    key: &str,
) -> AppResult<Payment> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "must be 1 to 500 characters"));
    }
    move_money(
        state,
        p,
        payment_id,
        PaymentEventKind::Refund,
        Some(amount),
        key,
        Some(reason.to_string()),
    )
    .await
}

/// A line of the order to refund: which SKU and how many units.
#[derive(Clone, Debug)]
pub struct RefundLine {
    pub sku: String,
    pub quantity: i64,
}

/// What refunding these lines of the payment's order comes to, at the
/// prices the order was placed at, and a note naming them. Each SKU must be
/// on the order, at most as many units as were ordered.
pub async fn refund_lines_amount(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
    lines: &[RefundLine],
) -> AppResult<(i64, String)> {
    require_finance(p)?;
    if lines.is_empty() {
        return Err(AppError::invalid("lines", "name at least one line"));
    }
    let (pay, _) = visible_payment(state, p, payment_id).await?;
    let ordered = crate::services::orders::lines_for(state, &[pay.order_id])
        .await?
        .remove(&pay.order_id)
        .unwrap_or_default();
    let mut total: i64 = 0;
    let mut parts = Vec::new();
    for l in lines {
        let sku = l.sku.trim().to_ascii_uppercase();
        let Some(line) = ordered.iter().find(|o| o.sku == sku) else {
            return Err(AppError::invalid(
                "lines",
                format!("{sku} is not on this order"),
            ));
        };
        if l.quantity <= 0 || l.quantity > line.quantity {
            return Err(AppError::invalid(
                "lines",
                format!(
                    "{sku}: quantity must be 1 to {} (units ordered)",
                    line.quantity
                ),
            ));
        }
        let amount = line
            .unit_price
            .minor()
            .checked_mul(l.quantity)
            .and_then(|a| total.checked_add(a))
            .ok_or_else(|| AppError::invalid("lines", "amount too large"))?;
        total = amount;
        parts.push(format!("{sku} x{}", l.quantity));
    }
    Ok((total, parts.join(", ")))
}

/// Fulfillment's hook: captures up to `amount` for a shipment that left,
/// from the order's card authorization, under the shipment's own key (a
/// retry captures nothing twice). Nothing to capture (paid by another
/// method, or already captured in full) is not an error: `Ok(0)`.
pub async fn capture_for_shipment(
    state: &AppState,
    order_id: Uuid,
    amount: i64,
    key: &str,
) -> AppResult<i64> {
    let ledgers = store::order_ledgers(&state.db.conn, order_id).await?;
    let op_key = format!("capture:{key}");
    // Already requested under this key: run it again (idempotent).
    if let Some((pay, _)) = ledgers.iter().find(|(pay, _)| {
        rules::operations(&pay.events)
            .iter()
            .any(|op| op.op_key == op_key)
    }) {
        capture_payment(state, &Principal::System, pay.id, amount, key).await?;
        return Ok(amount);
    }
    let Some((pay, ledger)) = ledgers
        .iter()
        .find(|(pay, l)| pay.method == PaymentMethod::Card && l.capturable() > 0)
    else {
        return Ok(0);
    };
    let take = amount.min(ledger.capturable());
    if take <= 0 {
        return Ok(0);
    }
    capture_payment(state, &Principal::System, pay.id, take, key).await?;
    Ok(take)
}
