//! Provider notifications, applied exactly once. The raw bytes are
//! verified first; then one transaction, under the order's and the
//! payment's locks, records the notification id (unique per provider),
//! appends the payment events, moves the order and writes the outbox. The
//! provider is told "success" only after commit, and again for a duplicate
//! (which changes nothing). A notification we cannot apply (bad signature,
//! unknown payment, wrong amount) is refused, logged, and changes nothing.

use chrono::Utc;
use entity::{payment, webhook_inbox};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::providers::{Notification, Provider, ProviderEvent, RefundOutcome, request_no};
use super::settle::{self, Movement, record_movement};
use super::store::{self, Appended, NewEvent};
use super::{calls, provider_of};
use crate::db::FirstRow;
use crate::domain::payments::{
    Ledger, Payment, PaymentEventKind as K, PaymentEventStatus as S, operations,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How a notification ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Applied now (what it did, for the log).
    Applied(String),
    /// Seen before: nothing changed.
    Duplicate,
    /// Not applied; the provider gets its failure reply and will retry.
    Refused(String),
}

/// Verifies and applies one notification.
pub async fn receive(
    state: &AppState,
    provider: Provider,
    headers: &[(String, String)],
    body: &[u8],
) -> WebhookOutcome {
    let n = match state
        .payments
        .providers
        .verify(provider, headers, body, Utc::now())
        .await
    {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(%provider, error = %e, "payment notification refused");
            return WebhookOutcome::Refused(e.to_string());
        }
    };
    match apply(state, &n).await {
        Ok(outcome) => {
            if let WebhookOutcome::Refused(why) = &outcome {
                tracing::warn!(%provider, id = %n.id, reason = %why, "payment notification refused");
            }
            outcome
        }
        Err(e) => {
            tracing::warn!(%provider, id = %n.id, error = %e.describe(), "payment notification not applied");
            WebhookOutcome::Refused(e.public_message())
        }
    }
}

/// Applies a notification whose signature was already verified (and the
/// demo seed's, which plays the provider in process).
pub async fn apply_verified(state: &AppState, n: &Notification) -> AppResult<WebhookOutcome> {
    apply(state, n).await
}

async fn apply(state: &AppState, n: &Notification) -> AppResult<WebhookOutcome> {
    let source = format!("payments/{}", n.provider.as_str());
    let Some(row) = store::find_by_reference(
        &state.db.conn,
        n.reference.as_deref(),
        n.provider_reference.as_deref(),
    )
    .await?
    else {
        // A duplicate of something already applied still finds its row;
        // an unknown payment is refused.
        return Ok(WebhookOutcome::Refused(format!(
            "no payment {}",
            n.reference
                .as_deref()
                .or(n.provider_reference.as_deref())
                .unwrap_or("(no reference)")
        )));
    };
    let method = crate::domain::payments::PaymentMethod::parse(&row.method);
    if method.and_then(provider_of) != Some(n.provider) {
        return Ok(WebhookOutcome::Refused(format!(
            "payment {} is not a {} payment",
            row.reference, n.provider
        )));
    }
    if let Some(total) = n.total_minor
        && total != row.amount_minor
    {
        return Ok(WebhookOutcome::Refused(format!(
            "amount {total} does not match payment {} of {}",
            row.reference, row.amount_minor
        )));
    }
    if let Some(cur) = &n.currency
        && !cur.eq_ignore_ascii_case(&row.currency)
    {
        return Ok(WebhookOutcome::Refused(format!(
            "currency {cur} does not match payment {} in {}",
            row.reference, row.currency
        )));
    }
    // A duplicate of a notification applied earlier is answered without
    // taking any lock (checked again under the locks below, for races).
    if seen(&state.db.conn, &source, &n.id).await? {
        return Ok(WebhookOutcome::Duplicate);
    }
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let order_row = store::lock_order(&*tx, row.order_id).await?;
    let mut pay = store::lock_payment(&*tx, row.id, now).await?;
    if seen(&*tx, &source, &n.id).await? {
        return Ok(WebhookOutcome::Duplicate);
    }
    let planned = plan(&pay, n);
    let mut done = Vec::new();
    for e in planned {
        let (kind, status, amount) = (e.kind, e.status, e.amount_minor);
        match store::append(&*tx, &mut pay, e, now).await {
            Ok(Appended::Added) => {
                if amount > 0 || status == S::Failed {
                    record_movement(
                        &*tx,
                        &order_row,
                        &pay,
                        Movement {
                            kind,
                            status,
                            amount,
                        },
                        "system",
                        now,
                    )
                    .await?;
                }
                done.push(format!("{} {} {amount}", kind.as_str(), status.as_str()));
            }
            Ok(Appended::AlreadyThere) => {}
            // The same provider reference with another amount: refused,
            // and nothing of this notification is kept.
            Err(AppError::Conflict(why)) => return Ok(WebhookOutcome::Refused(why)),
            Err(e) => return Err(e),
        }
    }
    if pay.provider_reference.is_none()
        && let Some(r) = &n.provider_reference
    {
        payment::Entity::update_many()
            .col_expr(payment::Column::ProviderReference, Expr::value(r.clone()))
            .filter(payment::Column::Id.eq(pay.id))
            .exec(&*tx)
            .await?;
    }
    let summary = if done.is_empty() {
        "no change".to_string()
    } else {
        done.join(", ")
    };
    let inserted = webhook_inbox::Entity::insert(webhook_inbox::ActiveModel {
        id: NotSet,
        source: Set(source),
        notification_id: Set(n.id.clone()),
        summary: Set(summary.clone()),
        received_at: Set(now),
    })
    .exec_without_returning(&*tx)
    .await;
    if let Err(e) = inserted {
        // Another instance applied the same notification a moment ago.
        if is_unique_violation(&e) {
            return Ok(WebhookOutcome::Duplicate);
        }
        return Err(e.into());
    }
    let after = settle::settle_order(&*tx, order_row.id, "system", now).await?;
    tx.commit().await?;
    for e in after.events {
        state.bus.publish(e);
    }
    let mut to_call = after.calls;
    let open = operations(&pay.events)
        .iter()
        .any(|op| op.state == S::Requested && op.kind != K::Authorize);
    if open && !to_call.contains(&pay.id) {
        to_call.push(pay.id);
    }
    calls::spawn(state, to_call);
    Ok(WebhookOutcome::Applied(summary))
}

/// This notification is in the inbox already.
async fn seen(db: &impl ConnectionTrait, source: &str, id: &str) -> AppResult<bool> {
    Ok(webhook_inbox::Entity::find()
        .filter(webhook_inbox::Column::Source.eq(source))
        .filter(webhook_inbox::Column::NotificationId.eq(id))
        .first(db)
        .await?
        .is_some())
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("unique") || text.contains("duplicate key")
}

fn event(
    kind: K,
    status: S,
    amount: i64,
    op_key: String,
    r: Option<String>,
    n: &Notification,
) -> NewEvent {
    NewEvent {
        kind,
        status,
        amount_minor: amount,
        op_key,
        provider_reference: r,
        notification_id: Some(n.id.clone()),
        actor: "system".into(),
        note: Some(format!("{} notification {}", n.provider, n.id)),
    }
}

/// Settles requested operations of `kind` that a cumulative figure from
/// the provider now covers (oldest first); what is left is a movement we
/// did not ask for (made in the provider's dashboard) and is recorded as
/// its own operation.
fn cumulative(pay: &Payment, n: &Notification, kind: K, mut extra: i64, out: &mut Vec<NewEvent>) {
    for op in operations(&pay.events) {
        if extra <= 0 {
            break;
        }
        if op.kind == kind && op.state == S::Requested && op.amount_minor <= extra {
            extra -= op.amount_minor;
            out.push(event(
                kind,
                S::Succeeded,
                op.amount_minor,
                op.op_key,
                None,
                n,
            ));
        }
    }
    if extra > 0 {
        let prefix = kind.as_str().to_ascii_lowercase();
        out.push(event(
            kind,
            S::Succeeded,
            extra,
            format!("{prefix}:{}", n.id),
            None,
            n,
        ));
    }
}

/// A provider's request number names this operation: its key itself
/// (card metadata, the sandbox) or the key's [`request_no`] (Alipay,
/// WeChat Pay).
fn names(request: Option<&str>, op_key: &str) -> bool {
    request.is_some_and(|r| r == op_key || r == request_no(op_key))
}

/// The ledger rows a notification stands for, given what is recorded.
fn plan(pay: &Payment, n: &Notification) -> Vec<NewEvent> {
    let l = Ledger::from_events(&pay.events);
    let trade = n
        .provider_reference
        .clone()
        .or_else(|| pay.provider_reference.clone())
        .unwrap_or_else(|| pay.reference.clone());
    let mut out = Vec::new();
    match &n.event {
        ProviderEvent::Paid { amount_minor } => out.push(event(
            K::Capture,
            S::Succeeded,
            *amount_minor,
            format!("pay:{trade}"),
            Some(trade.clone()),
            n,
        )),
        ProviderEvent::Closed => {
            if l.captured == 0 && l.open_authorization() == 0 {
                out.push(event(
                    K::Void,
                    S::Succeeded,
                    0,
                    format!("close:{}", pay.id),
                    None,
                    n,
                ));
            }
        }
        ProviderEvent::Authorized { capturable_minor } => {
            // Later updates of the capturable amount follow our captures.
            if l.authorized == 0 && *capturable_minor > 0 {
                out.push(event(
                    K::Authorize,
                    S::Succeeded,
                    *capturable_minor,
                    format!("auth:{trade}"),
                    Some(trade.clone()),
                    n,
                ));
            }
        }
        ProviderEvent::Captured { received_minor } => {
            cumulative(pay, n, K::Capture, received_minor - l.captured, &mut out);
        }
        ProviderEvent::Canceled => {
            let mut open = l.open_authorization();
            for op in operations(&pay.events) {
                if op.kind == K::Void && op.state == S::Requested {
                    open -= op.amount_minor;
                    out.push(event(
                        K::Void,
                        S::Succeeded,
                        op.amount_minor,
                        op.op_key,
                        None,
                        n,
                    ));
                }
            }
            if open > 0 {
                out.push(event(
                    K::Void,
                    S::Succeeded,
                    open,
                    format!("void:{}", n.id),
                    None,
                    n,
                ));
            } else if out.is_empty() && l.captured == 0 && !l.closed {
                out.push(event(
                    K::Void,
                    S::Succeeded,
                    0,
                    format!("close:{}", pay.id),
                    None,
                    n,
                ));
            }
        }
        ProviderEvent::Refunds(list) => {
            let ops = operations(&pay.events);
            for r in list {
                let status = match r.outcome {
                    RefundOutcome::Succeeded => S::Succeeded,
                    RefundOutcome::Failed => S::Failed,
                    RefundOutcome::Pending => continue,
                };
                let known = ops.iter().find(|op| {
                    op.kind == K::Refund
                        && (names(r.our_key.as_deref(), &op.op_key)
                            || (r.provider_refund_id.is_some()
                                && op.provider_reference == r.provider_refund_id))
                });
                let op_key = match known {
                    Some(op) => op.op_key.clone(),
                    None if status == S::Succeeded => format!(
                        "refund:{}",
                        r.provider_refund_id.clone().unwrap_or_else(|| n.id.clone())
                    ),
                    None => continue,
                };
                out.push(event(
                    K::Refund,
                    status,
                    r.amount_minor,
                    op_key,
                    r.provider_refund_id.clone(),
                    n,
                ));
            }
        }
        ProviderEvent::RefundedTotal {
            total_minor,
            our_key,
        } => {
            let extra = total_minor - l.refunded;
            let ops = operations(&pay.events);
            match ops
                .iter()
                .find(|op| names(our_key.as_deref(), &op.op_key) && op.state == S::Requested)
            {
                Some(op) if op.amount_minor == extra => out.push(event(
                    K::Refund,
                    S::Succeeded,
                    op.amount_minor,
                    op.op_key.clone(),
                    None,
                    n,
                )),
                _ => cumulative(pay, n, K::Refund, extra, &mut out),
            }
        }
        ProviderEvent::Ignored { .. } => {}
    }
    out
}
