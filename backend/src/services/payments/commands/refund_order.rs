//! Money given back as part of another area's command (a return refunded,
//! lines cancelled, an order changed): the refund is requested inside that
//! command's transaction, so the business change and the money movement
//! commit together or not at all, and exactly once per key.

use super::*;

/// One requested movement on a payment whose row lock the caller holds:
/// the ledger row and its timeline entry; manual methods (cash, bank
/// transfer) settle at once because finance pays them out by hand. Returns
/// whether a provider call must follow after commit. `Ok(false)` also when
/// the operation was already requested under `op_key` (a retry).
#[expect(clippy::too_many_arguments, reason = "one ledger row's parts")]
pub(super) async fn request_movement(
    db: &impl ConnectionTrait,
    o: &order::Model,
    pay: &mut Payment,
    kind: PaymentEventKind,
    amount: i64,
    op_key: &str,
    actor: &str,
    note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let event = |status| NewEvent {
        kind,
        status,
        amount_minor: amount,
        op_key: op_key.to_string(),
        provider_reference: None,
        notification_id: None,
        actor: actor.to_string(),
        note: note.clone(),
    };
    let movement = |status| Movement {
        kind,
        status,
        amount,
    };
    if store::append(db, pay, event(PaymentEventStatus::Requested), now).await?
        == Appended::AlreadyThere
    {
        return Ok(false);
    }
    record_movement(
        db,
        o,
        pay,
        movement(PaymentEventStatus::Requested),
        actor,
        now,
    )
    .await?;
    if !pay.method.is_manual() {
        return Ok(true);
    }
    store::append(db, pay, event(PaymentEventStatus::Succeeded), now).await?;
    record_movement(
        db,
        o,
        pay,
        movement(PaymentEventStatus::Succeeded),
        actor,
        now,
    )
    .await?;
    Ok(false)
}

/// What a refund requested inside a caller's transaction leaves to do
/// after the caller commits: pass it to [`after_refund`].
#[derive(Debug, Default)]
pub struct RefundFollowUp(AfterCommit);

/// Requests refunds of `amount` (minor units) of the money captured on
/// order `o`, inside the caller's transaction. The caller holds the order
/// row's lock (`UPDATE orders … WHERE id = …` first, as every order command
/// does) and has decided the amount from its own rules.
///
/// * Spread over the order's payments oldest first, each giving at most
///   what it captured and has not refunded or is not refunding.
/// * Exactly once per `key`: the operation keys are `refund:<key>:<payment
///   id>`, so calling again with the same key (a retried command, a second
///   request racing the first) requests nothing new. The same key with a
///   different amount is a `CONFLICT`.
/// * More than is refundable is a `CONFLICT` naming both amounts, and
///   nothing is written.
/// * Cash on delivery and bank transfers are paid back by finance by hand
///   and recorded as refunded at once; provider payments are sent to the
///   provider after commit ([`after_refund`]) and retried by the sweeper.
///
/// Each movement lands on the order's timeline and in the outbox (refund
/// requested, refunded), like any other refund.
pub async fn refund_order_amount(
    db: &impl ConnectionTrait,
    o: &order::Model,
    amount: i64,
    key: &str,
    actor: &str,
    why: &str,
    now: DateTime<Utc>,
) -> AppResult<RefundFollowUp> {
    if amount < 0 {
        return Err(AppError::invalid("amount", "a refund cannot be negative"));
    }
    let mut after = AfterCommit::default();
    if amount == 0 {
        return Ok(RefundFollowUp(after));
    }
    let prefix = format!("refund:{key}:");
    let ledgers = store::order_ledgers(db, o.id).await?;
    // Already requested under this key: the same refund again.
    let earlier: i64 = ledgers
        .iter()
        .flat_map(|(pay, _)| rules::operations(&pay.events))
        .filter(|op| op.op_key.starts_with(&prefix))
        .map(|op| op.amount_minor)
        .sum();
    if earlier > 0 {
        if earlier != amount {
            return Err(AppError::Conflict(format!(
                "refund {key} was requested for {} and now for {}",
                settle::money_text(earlier, &o.currency),
                settle::money_text(amount, &o.currency)
            )));
        }
        after.calls = ledgers
            .iter()
            .filter(|(pay, _)| !pay.method.is_manual())
            .filter(|(pay, _)| pay.events.iter().any(|e| e.op_key.starts_with(&prefix)))
            .map(|(pay, _)| pay.id)
            .collect();
        return Ok(RefundFollowUp(after));
    }
    let refundable: i64 = ledgers.iter().map(|(_, l)| l.refundable()).sum();
    if refundable < amount {
        return Err(AppError::Conflict(format!(
            "cannot refund {}: only {} of this order is captured and not refunded or being refunded",
            settle::money_text(amount, &o.currency),
            settle::money_text(refundable, &o.currency)
        )));
    }
    let mut left = amount;
    for (pay, ledger) in ledgers {
        let take = left.min(ledger.refundable());
        if take <= 0 {
            continue;
        }
        let mut pay = store::lock_payment(db, pay.id, now).await?;
        // Re-checked under the payment's lock (another command may have
        // refunded since the ledgers were read).
        let fresh = Ledger::from_events(&pay.events);
        rules::check_refund(&fresh, take).map_err(|r| refused(r, &pay.currency))?;
        let op_key = format!("{prefix}{}", pay.id);
        let call = request_movement(
            db,
            o,
            &mut pay,
            PaymentEventKind::Refund,
            take,
            &op_key,
            actor,
            Some(why.to_string()),
            now,
        )
        .await?;
        if call && !after.calls.contains(&pay.id) {
            after.calls.push(pay.id);
        }
        left -= take;
        if left == 0 {
            break;
        }
    }
    Ok(RefundFollowUp(after))
}

/// After the caller's transaction committed: sends the requested refunds
/// to their providers (in the background; the sweeper retries failures).
pub fn after_refund(state: &AppState, follow_up: RefundFollowUp) {
    for e in follow_up.0.events {
        state.bus.publish(e);
    }
    calls::spawn(state, follow_up.0.calls);
}
