//! Money that did not come through a provider: a courier's cash-on-delivery
//! remittance or a bank transfer, recorded by finance with its reference.

use super::*;

/// Finance records money that did not come through a provider: a courier's
/// cash-on-delivery remittance or a bank transfer, with its reference.
pub async fn record_manual_payment(
    state: &AppState,
    p: &Principal,
    number: &str,
    method: PaymentMethod,
    amount: i64,
    reference: &str,
    key: &str,
) -> AppResult<Payment> {
    require_finance(p)?;
    let key = check_key(key)?;
    if !method.is_manual() {
        return Err(AppError::invalid(
            "method",
            format!(
                "{} payments come from the provider; record CASH_ON_DELIVERY or BANK_TRANSFER",
                method.as_str()
            ),
        ));
    }
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(AppError::invalid(
            "reference",
            "must be 1 to 100 characters",
        ));
    }
    if amount <= 0 {
        return Err(AppError::invalid(
            "amount",
            rules::MoneyRefusal::NotPositive.message(),
        ));
    }
    let o = find_visible(state, p, number).await?;
    offered(&state.db.conn, o.channel_id, method).await?;
    let now = Utc::now();
    let op_key = format!("manual:{key}");
    let tx = state.db.begin_write().await?;
    let row = store::lock_order(&*tx, o.id).await?;
    let ledgers = store::order_ledgers(&*tx, o.id).await?;
    // The same key, or the same bank/courier reference, again: that
    // payment, unchanged.
    for (pay, _) in &ledgers {
        if let Some(op) = rules::operations(&pay.events).into_iter().find(|op| {
            op.op_key == op_key
                || (op.kind == PaymentEventKind::Capture
                    && op.provider_reference.as_deref() == Some(reference))
        }) {
            if op.amount_minor != amount || op.provider_reference.as_deref() != Some(reference) {
                return Err(AppError::Conflict(format!(
                    "already recorded: {} with reference {}",
                    op.amount_minor,
                    op.provider_reference.unwrap_or_default()
                )));
            }
            return Ok(pay.clone());
        }
    }
    let status = crate::services::orders::rows::status(&row.status, &row.number)?;
    if status == OrderStatus::Cancelled {
        return Err(AppError::Conflict(format!(
            "order {} is cancelled; nothing is owed",
            row.number
        )));
    }
    let due = summary_of(&ledgers).amount_due(row.total_minor, false);
    if amount > due {
        return Err(AppError::Conflict(format!(
            "order {} owes {}; cannot record {}",
            row.number,
            settle::money_text(due, &row.currency),
            settle::money_text(amount, &row.currency)
        )));
    }
    // The payment still waiting for this money (a COD order delivered in
    // several parcels remits into one payment), else a new one for it.
    let existing = ledgers.iter().find(|(pay, l)| {
        pay.method == method && !l.closed && pay.amount_minor - l.captured >= amount
    });
    let payment_id = match existing {
        Some((pay, _)) => pay.id,
        None => {
            insert_payment(
                &*tx,
                &row,
                NewPayment {
                    method,
                    ordinal: ledgers.len() + 1,
                    amount_minor: amount,
                    expires_at: None,
                },
                p,
                now,
            )
            .await?
        }
    };
    let mut pay = store::lock_payment(&*tx, payment_id, now).await?;
    let actor = p.actor();
    let appended = store::append(
        &*tx,
        &mut pay,
        NewEvent {
            kind: PaymentEventKind::Capture,
            status: PaymentEventStatus::Succeeded,
            amount_minor: amount,
            op_key,
            provider_reference: Some(reference.to_string()),
            notification_id: None,
            actor: actor.clone(),
            note: Some(format!("{} received", method.as_str())),
        },
        now,
    )
    .await?;
    if appended == Appended::Added {
        record_movement(
            &*tx,
            &row,
            &pay,
            Movement {
                kind: PaymentEventKind::Capture,
                status: PaymentEventStatus::Succeeded,
                amount,
            },
            &actor,
            now,
        )
        .await?;
    }
    let after = settle::settle_order(&*tx, row.id, &actor, now).await?;
    tx.commit().await?;
    for e in after.events {
        state.bus.publish(e);
    }
    reread(state, payment_id).await
}
