//! Finance gives an inspected return's money back, exactly once: the
//! return's status guard (`UPDATE … WHERE status = 'INSPECTED'`, under the
//! order's row lock) lets one of two racing calls through, and the money
//! moves through `payments::refund_order_amount` in the same transaction
//! under a key derived from the return (`rma:<return id>`), so a retried
//! or concurrent call never requests a second refund. After it,
//! captured − refunded on the order is what the customer keeps.

use chrono::Utc;
use entity::return_request;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use uuid::Uuid;

use super::request::visible;
use super::store::{self, Return};
use crate::domain::auth::Principal;
use crate::domain::notifications::EventType;
use crate::domain::returns::{Resolution, ReturnAction, ReturnStatus};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::services::authorize;
use crate::state::AppState;

/// Refunds return `id` (finance, admin). `idempotency_key` makes a retry
/// of the same call answer with the refunded return; a call with another
/// key on a refunded return is a CONFLICT.
pub async fn refund_return(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    idempotency_key: &str,
) -> AppResult<Return> {
    authorize(p, ReturnAction::Refund.roles())?;
    let key = idempotency_key.trim();
    if key.is_empty() || key.chars().count() > 100 {
        return Err(AppError::invalid(
            "idempotencyKey",
            "must be 1 to 100 characters",
        ));
    }
    let r = visible(p, store::load(&state.db.conn, id).await?, id)?;
    if r.resolution != Resolution::Refund {
        return Err(AppError::Conflict(format!(
            "return {} is an exchange: nothing to refund",
            r.number
        )));
    }
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let o = crate::services::payments::store::lock_order(&*tx, r.order_id).await?;
    let r = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no return {id}")))?;
    if r.status == ReturnStatus::Refunded {
        let stored_key = return_request::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .and_then(|m| m.refund_key);
        if stored_key.as_deref() == Some(key) {
            return Ok(r);
        }
    }
    let amount = r.refund_minor;
    // Moves the return first: a concurrent refund loses here (CONFLICT)
    // and requests no money.
    store::transition(
        &*tx,
        &r,
        ReturnAction::Refund,
        now,
        vec![
            (return_request::Column::RefundedMinor, Expr::value(amount)),
            (return_request::Column::RefundedAt, Expr::value(now)),
            (
                return_request::Column::RefundKey,
                Expr::value(Some(key.to_string())),
            ),
        ],
    )
    .await?;
    let follow_up = crate::services::payments::refund_order_amount(
        &*tx,
        &o,
        amount,
        &format!("rma:{}", r.id),
        &p.actor(),
        &format!("return {}", r.number),
        now,
    )
    .await?;
    store::timeline(
        &*tx,
        &o,
        format!(
            "return {} refunded: {}",
            r.number,
            store::money_text(amount, &r.currency)
        ),
        &p.actor(),
        now,
    )
    .await?;
    store::emit(
        &*tx,
        &o,
        EventType::ReturnRefunded,
        &r,
        ReturnStatus::Refunded,
        amount,
        now,
    )
    .await?;
    let after = store::load(&*tx, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("return {id} vanished")))?;
    tx.commit().await?;
    crate::services::payments::after_refund(state, follow_up);
    state.bus.publish(DomainEvent::OrderChanged {
        number: o.number.clone(),
        status: o.status.clone(),
    });
    Ok(after)
}
