//! Outgoing provider calls for requested operations (capture, void,
//! refund). The operation's key was stored before the call and is the
//! idempotency key of every attempt; an attempt whose answer was lost is
//! first asked about (`query`), never sent again under a new key. Results
//! are appended under the order's and the payment's locks, so a provider
//! notification racing the call's answer settles the operation once.

use chrono::{Duration, Utc};
use entity::payment_event;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::provider_of;
use super::providers::{
    CallError, CallOutcome, CaptureRequest, OpKind, QueryRequest, RefundRequest, VoidRequest,
};
use super::settle::{self, Movement, record_movement};
use super::store::{self, Appended, NewEvent};
use crate::domain::payments::{
    Ledger, Operation, Payment, PaymentEventKind, PaymentEventStatus, operations,
};
use crate::error::AppResult;
use crate::state::AppState;

/// An attempt older than this is a retry: ask the provider first.
const RETRY_AFTER_SECS: i64 = 10;

/// Sends every requested, unsettled operation of a payment to its
/// provider and records the answers. Errors are logged: the sweeper tries
/// again with the same keys.
pub async fn run_payment(state: &AppState, payment_id: Uuid) {
    if let Err(e) = try_run(state, payment_id).await {
        tracing::warn!(%payment_id, error = %e.describe(), "payment call failed; will retry");
    }
}

/// Runs the calls of these payments in the background.
pub fn spawn(state: &AppState, payments: Vec<Uuid>) {
    for id in payments {
        let state = state.clone();
        actix_web::rt::spawn(async move { run_payment(&state, id).await });
    }
}

fn kind_of(k: PaymentEventKind) -> OpKind {
    match k {
        PaymentEventKind::Capture => OpKind::Capture,
        PaymentEventKind::Void => OpKind::Void,
        PaymentEventKind::Refund => OpKind::Refund,
        PaymentEventKind::Authorize => OpKind::Create,
    }
}

async fn try_run(state: &AppState, payment_id: Uuid) -> AppResult<()> {
    let Some(pay) = store::payment_by_id(&state.db.conn, payment_id).await? else {
        return Ok(());
    };
    let Some(provider) = provider_of(pay.method) else {
        return Ok(());
    };
    let Some(gateway) = state.payments.gateway(provider) else {
        tracing::warn!(payment = %pay.id, %provider,
            "no gateway for this provider (sandbox off): calls wait until one is configured");
        return Ok(());
    };
    let ledger = Ledger::from_events(&pay.events);
    let now = Utc::now();
    for op in operations(&pay.events) {
        if op.state != PaymentEventStatus::Requested || op.kind == PaymentEventKind::Authorize {
            continue;
        }
        let requested_at = pay
            .events
            .iter()
            .filter(|e| e.op_key == op.op_key)
            .map(|e| e.at)
            .min()
            .unwrap_or(now);
        let retry = now - requested_at > Duration::seconds(RETRY_AFTER_SECS);
        let mut answer = if retry {
            gateway
                .query(&QueryRequest {
                    kind: kind_of(op.kind),
                    reference: pay.reference.clone(),
                    provider_reference: pay.provider_reference.clone(),
                    idempotency_key: op.op_key.clone(),
                })
                .await
        } else {
            Err(CallError::Rejected("not sent yet".into()))
        };
        // Never sent (or the provider has no record of it): send it, with
        // the same key as always.
        if matches!(answer, Err(CallError::Rejected(_))) {
            answer = send(&*gateway, &pay, &ledger, &op).await;
        }
        match answer {
            Ok(CallOutcome::Succeeded {
                provider_reference,
                amount_minor,
            }) => {
                let note = (amount_minor != op.amount_minor)
                    .then(|| format!("provider reported {amount_minor} for {}", op.amount_minor));
                settle_op(
                    state,
                    &pay,
                    &op,
                    PaymentEventStatus::Succeeded,
                    provider_reference,
                    note,
                )
                .await?;
            }
            Ok(CallOutcome::Failed { reason }) => {
                settle_op(
                    state,
                    &pay,
                    &op,
                    PaymentEventStatus::Failed,
                    None,
                    Some(reason),
                )
                .await?;
            }
            Ok(CallOutcome::Pending { .. }) => {}
            Err(CallError::Rejected(reason)) => {
                settle_op(
                    state,
                    &pay,
                    &op,
                    PaymentEventStatus::Failed,
                    None,
                    Some(reason),
                )
                .await?;
            }
            Err(CallError::Unknown(reason)) => {
                tracing::warn!(payment = %pay.id, op = %op.op_key, %reason,
                    "provider answer unknown; will ask again");
            }
        }
    }
    Ok(())
}

async fn send(
    gateway: &dyn super::providers::Gateway,
    pay: &Payment,
    ledger: &Ledger,
    op: &Operation,
) -> Result<CallOutcome, CallError> {
    match op.kind {
        PaymentEventKind::Capture => {
            gateway
                .capture(&CaptureRequest {
                    reference: pay.reference.clone(),
                    provider_reference: pay.provider_reference.clone(),
                    amount_minor: op.amount_minor,
                    // The last capture releases nothing: more shipments may follow.
                    final_capture: ledger.capturable() == 0,
                    idempotency_key: op.op_key.clone(),
                })
                .await
        }
        PaymentEventKind::Void => {
            gateway
                .void(&VoidRequest {
                    reference: pay.reference.clone(),
                    provider_reference: pay.provider_reference.clone(),
                    idempotency_key: op.op_key.clone(),
                })
                .await
        }
        PaymentEventKind::Refund => {
            gateway
                .refund(&RefundRequest {
                    reference: pay.reference.clone(),
                    provider_reference: pay.provider_reference.clone(),
                    amount_minor: op.amount_minor,
                    total_minor: ledger.captured,
                    currency: pay.currency.clone(),
                    reason: pay
                        .events
                        .iter()
                        .find(|e| e.op_key == op.op_key)
                        .and_then(|e| e.note.clone())
                        .unwrap_or_else(|| "refund".into()),
                    idempotency_key: op.op_key.clone(),
                })
                .await
        }
        PaymentEventKind::Authorize => Err(CallError::Rejected(
            "authorizations are made by the customer".into(),
        )),
    }
}

/// Records how an operation ended, under both locks.
async fn settle_op(
    state: &AppState,
    pay: &Payment,
    op: &Operation,
    status: PaymentEventStatus,
    provider_reference: Option<String>,
    note: Option<String>,
) -> AppResult<()> {
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = store::lock_order(&*tx, pay.order_id).await?;
    let mut p = store::lock_payment(&*tx, pay.id, now).await?;
    let actor = "system".to_string();
    let appended = store::append(
        &*tx,
        &mut p,
        NewEvent {
            kind: op.kind,
            status,
            amount_minor: op.amount_minor,
            op_key: op.op_key.clone(),
            provider_reference,
            notification_id: None,
            actor: actor.clone(),
            note,
        },
        now,
    )
    .await?;
    let after = if appended == Appended::Added {
        if op.amount_minor > 0 || status == PaymentEventStatus::Failed {
            record_movement(
                &*tx,
                &row,
                &p,
                Movement {
                    kind: op.kind,
                    status,
                    amount: op.amount_minor,
                },
                &actor,
                now,
            )
            .await?;
        }
        settle::settle_order(&*tx, row.id, &actor, now).await?
    } else {
        settle::AfterCommit::default()
    };
    tx.commit().await?;
    for e in after.events {
        state.bus.publish(e);
    }
    Ok(())
}

/// Payments with operations requested a while ago and not settled: the
/// sweeper asks their providers again.
pub async fn sweep(state: &AppState) -> AppResult<()> {
    let before = Utc::now() - Duration::seconds(RETRY_AFTER_SECS);
    // Only requests with no outcome yet (settled ones stay in the ledger
    // and must not crowd the open ones out of the batch).
    let settled = Alias::new("settled");
    let outcome = Query::select()
        .expr(Expr::val(1))
        .from_as(payment_event::Entity, settled.clone())
        .and_where(
            Expr::col((settled.clone(), payment_event::Column::PaymentId))
                .equals((payment_event::Entity, payment_event::Column::PaymentId)),
        )
        .and_where(
            Expr::col((settled.clone(), payment_event::Column::OpKey))
                .equals((payment_event::Entity, payment_event::Column::OpKey)),
        )
        .and_where(
            Expr::col((settled, payment_event::Column::Status))
                .ne(PaymentEventStatus::Requested.as_str()),
        )
        .to_owned();
    let requested = payment_event::Entity::find()
        .filter(payment_event::Column::Status.eq(PaymentEventStatus::Requested.as_str()))
        .filter(Expr::exists(outcome).not())
        .filter(payment_event::Column::At.lt(before))
        .filter(payment_event::Column::At.gt(before - Duration::days(30)))
        .order_by_asc(payment_event::Column::Id)
        .limit(1000)
        .all(&state.db.conn)
        .await?;
    let mut ids: Vec<Uuid> = requested.iter().map(|e| e.payment_id).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let Some(pay) = store::payment_by_id(&state.db.conn, id).await? else {
            continue;
        };
        let open = operations(&pay.events).iter().any(|op| {
            op.state == PaymentEventStatus::Requested && op.kind != PaymentEventKind::Authorize
        });
        if open {
            run_payment(state, id).await;
        }
    }
    Ok(())
}
