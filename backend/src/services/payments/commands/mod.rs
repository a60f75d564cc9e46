//! Commands on payments: a customer (or staff, or an integration) starts a
//! payment ([`start`]); finance and admin capture, void and refund
//! ([`money`]) and record cash or transfers ([`manual`]). One transaction
//! each, under the order's and the payment's row locks; provider calls
//! happen after commit with the operation's key. Here: what they share.

mod manual;
mod money;
mod refund_order;
mod start;

pub use manual::record_manual_payment;
pub use money::{
    RefundLine, capture_for_shipment, capture_payment, refund_lines_amount, refund_payment,
    void_payment,
};
pub use refund_order::{RefundFollowUp, after_refund, refund_order_amount};
pub use start::{PaymentSession, start_payment};

use chrono::{DateTime, Utc};
use entity::{channel, order, payment};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::providers::CreateRequest;
use super::settle::{self, AfterCommit, Movement, record_movement};
use super::store::{self, Appended, NewEvent};
use super::{calls, provider_of};
use crate::domain::auth::Principal;
use crate::domain::orders::{OrderStatus, can_view};
use crate::domain::payments::{
    self as rules, Ledger, OrderPaymentSummary, Payment, PaymentEventKind, PaymentEventStatus,
    PaymentMethod, PaymentStatus,
};
use crate::error::{AppError, AppResult};
use crate::services::orders::find_visible;
use crate::services::orders::rows::order_from_row;
use crate::state::AppState;

pub(super) fn check_key(raw: &str) -> AppResult<String> {
    let key = raw.trim();
    if key.len() < 8 || key.len() > 100 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "idempotencyKey",
            "must be 8 to 100 printable ASCII characters",
        ));
    }
    Ok(key.to_string())
}

/// A refused movement as an error, amounts written in the payment's
/// currency ("cannot refund CNY 500.00: only CNY 299.00 …").
pub(super) fn refused(r: rules::MoneyRefusal, currency: &str) -> AppError {
    let m = |minor| settle::money_text(minor, currency);
    match r {
        rules::MoneyRefusal::NotPositive => AppError::invalid("amount", r.message()),
        rules::MoneyRefusal::AboveCapturable {
            requested,
            capturable,
        } => AppError::Conflict(format!(
            "cannot capture {}: only {} is authorized and not yet captured",
            m(requested),
            m(capturable)
        )),
        rules::MoneyRefusal::AboveRefundable {
            requested,
            refundable,
        } => AppError::Conflict(format!(
            "cannot refund {}: only {} is captured and not refunded or being refunded",
            m(requested),
            m(refundable)
        )),
        rules::MoneyRefusal::NothingToVoid => AppError::Conflict(r.message()),
    }
}

pub(super) fn require_finance(p: &Principal) -> AppResult<()> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    if !rules::may_move_money(p) {
        return Err(AppError::Forbidden(
            "only finance and admin move money".into(),
        ));
    }
    Ok(())
}

pub(super) async fn offered(
    db: &impl ConnectionTrait,
    channel_id: Uuid,
    m: PaymentMethod,
) -> AppResult<()> {
    let ch = channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("channel {channel_id} vanished")))?;
    let methods = rules::parse_method_list(&ch.payment_methods)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("channel {}: {e}", ch.code)))?;
    if !methods.contains(&m) {
        return Err(AppError::invalid(
            "method",
            format!("channel {} does not offer {}", ch.code, m.as_str()),
        ));
    }
    Ok(())
}

pub(super) fn summary_of(ledgers: &[(Payment, Ledger)]) -> OrderPaymentSummary {
    OrderPaymentSummary::of(ledgers.iter().map(|(_, l)| l))
}

/// A payment about to be created for an order.
pub(super) struct NewPayment {
    pub(super) method: PaymentMethod,
    /// The order's n-th payment (numbers its reference).
    pub(super) ordinal: usize,
    pub(super) amount_minor: i64,
    pub(super) expires_at: Option<DateTime<Utc>>,
}

/// Inserts a payment; its reference (`out_trade_no`) is the order number
/// without dashes plus `P<n>`, letters and digits only as every provider
/// accepts.
pub(super) async fn insert_payment(
    db: &impl ConnectionTrait,
    row: &order::Model,
    new: NewPayment,
    p: &Principal,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    payment::Entity::insert(payment::ActiveModel {
        id: Set(id),
        order_id: Set(row.id),
        method: Set(new.method.as_str().into()),
        reference: Set(format!("{}P{}", row.number.replace('-', ""), new.ordinal)),
        provider_reference: Set(None),
        amount_minor: Set(new.amount_minor),
        currency: Set(row.currency.clone()),
        idempotency_key: Set(format!("create:{id}")),
        redirect_url: Set(None),
        created_by: Set(p.actor()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A payment the caller may see, with its order row.
pub(super) async fn visible_payment(
    state: &AppState,
    p: &Principal,
    payment_id: Uuid,
) -> AppResult<(Payment, order::Model)> {
    let missing = || AppError::NotFound(format!("no payment {payment_id}"));
    let pay = store::payment_by_id(&state.db.conn, payment_id)
        .await?
        .ok_or_else(missing)?;
    let row = order::Entity::find_by_id(pay.order_id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(missing)?;
    if !can_view(p, &order_from_row(row.clone())?) {
        return Err(missing());
    }
    Ok((pay, row))
}

pub(super) async fn reread(state: &AppState, id: Uuid) -> AppResult<Payment> {
    store::payment_by_id(&state.db.conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no payment {id}")))
}
