//! Support approves or rejects a request; the customer (or support)
//! cancels it before the parcel arrives. Each is one transaction under the
//! order's row lock with the status guard.

use chrono::{DateTime, Utc};
use entity::return_request;
use sea_orm::sea_query::{Expr, SimpleExpr};
use uuid::Uuid;

use super::request::visible;
use super::store::{self, Return};
use crate::domain::auth::Principal;
use crate::domain::notifications::EventType;
use crate::domain::returns::{MAX_NOTE_CHARS, ReturnAction};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::services::authorize;
use crate::state::AppState;

/// Extra columns a step sets: (caller, reason, now) → columns.
type Extra =
    fn(&Principal, Option<&str>, DateTime<Utc>) -> Vec<(return_request::Column, SimpleExpr)>;

/// Everything a simple step needs besides the action.
struct Step {
    action: ReturnAction,
    event: Option<EventType>,
    note: String,
    extra: Extra,
    reason: Option<String>,
}

async fn run(state: &AppState, p: &Principal, id: Uuid, step: Step) -> AppResult<Return> {
    authorize(p, step.action.roles())?;
    let r = visible(p, store::load(&state.db.conn, id).await?, id)?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let o = crate::services::payments::store::lock_order(&*tx, r.order_id).await?;
    let r = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no return {id}")))?;
    let extra = (step.extra)(p, step.reason.as_deref(), now);
    let to = store::transition(&*tx, &r, step.action, now, extra).await?;
    store::timeline(
        &*tx,
        &o,
        format!("return {} {}", r.number, step.note),
        &p.actor(),
        now,
    )
    .await?;
    if let Some(kind) = step.event {
        store::emit(&*tx, &o, kind, &r, to, r.refund_minor, now).await?;
    }
    let after = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return {id} vanished")))?;
    tx.commit().await?;
    state.bus.publish(DomainEvent::OrderChanged {
        number: o.number.clone(),
        status: o.status.clone(),
    });
    Ok(after)
}

fn reason_text(reason: &str) -> AppResult<String> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid("reason", "must be 1 to 500 characters"));
    }
    Ok(r.to_string())
}

/// Support accepts a requested return: the customer may send it.
pub async fn approve_return(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Return> {
    run(
        state,
        p,
        id,
        Step {
            action: ReturnAction::Approve,
            event: Some(EventType::ReturnApproved),
            note: "approved".into(),
            extra: |p, _, now| {
                vec![
                    (return_request::Column::ApprovedBy, Expr::value(p.actor())),
                    (return_request::Column::ApprovedAt, Expr::value(now)),
                ]
            },
            reason: None,
        },
    )
    .await
}

/// Support refuses a request (before receipt), or a received return
/// whose inspection found nothing to give back.
pub async fn reject_return(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    reason: &str,
) -> AppResult<Return> {
    let reason = reason_text(reason)?;
    run(
        state,
        p,
        id,
        Step {
            action: ReturnAction::Reject,
            event: Some(EventType::ReturnRejected),
            note: format!("rejected: {reason}"),
            extra: |_, reason, _| {
                vec![(
                    return_request::Column::RejectionReason,
                    Expr::value(reason.map(str::to_string)),
                )]
            },
            reason: Some(reason),
        },
    )
    .await
}

/// The customer (or support) withdraws a return before it is received.
pub async fn cancel_return(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Return> {
    run(
        state,
        p,
        id,
        Step {
            action: ReturnAction::Cancel,
            event: None,
            note: "cancelled".into(),
            extra: |_, _, _| Vec::new(),
            reason: None,
        },
    )
    .await
}
