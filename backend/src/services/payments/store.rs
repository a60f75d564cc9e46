//! Stored payments as domain values, the row locks every money command
//! takes (the order row first, then the payment row: one order, so two
//! commands never wait on each other in a cycle), ledger appends and outbox
//! rows. Everything here runs inside the caller's transaction.

use chrono::{DateTime, Utc};
use entity::{order, payment, payment_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::payments::{
    Ledger, Payment, PaymentEvent, PaymentEventKind, PaymentEventStatus, PaymentMethod,
};
use crate::error::{AppError, AppResult};

fn corrupt(what: &str, value: &str, id: Uuid) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "payment {id} has an unknown stored {what} {value:?}"
    ))
}

pub(crate) fn event_from_row(e: payment_event::Model) -> AppResult<PaymentEvent> {
    Ok(PaymentEvent {
        id: e.id,
        kind: PaymentEventKind::parse(&e.kind)
            .ok_or_else(|| corrupt("event kind", &e.kind, e.payment_id))?,
        status: PaymentEventStatus::parse(&e.status)
            .ok_or_else(|| corrupt("event status", &e.status, e.payment_id))?,
        amount_minor: e.amount_minor,
        op_key: e.op_key,
        provider_reference: e.provider_reference,
        actor: e.actor,
        note: e.note,
        at: e.at,
    })
}

pub(crate) fn payment_from_row(
    p: payment::Model,
    events: Vec<payment_event::Model>,
) -> AppResult<Payment> {
    Ok(Payment {
        method: PaymentMethod::parse(&p.method)
            .ok_or_else(|| corrupt("method", &p.method, p.id))?,
        events: events
            .into_iter()
            .map(event_from_row)
            .collect::<AppResult<_>>()?,
        id: p.id,
        order_id: p.order_id,
        reference: p.reference,
        provider_reference: p.provider_reference,
        amount_minor: p.amount_minor,
        currency: p.currency,
        redirect_url: p.redirect_url,
        created_by: p.created_by,
        created_at: p.created_at,
        expires_at: p.expires_at,
    })
}

/// Payments of these orders with their events, oldest first.
pub(crate) async fn payments_of_orders(
    db: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<Vec<Payment>> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = payment::Entity::find()
        .filter(payment::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(payment::Column::CreatedAt)
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?;
    with_events(db, rows).await
}

/// Attaches each payment's events.
pub(crate) async fn with_events(
    db: &impl ConnectionTrait,
    rows: Vec<payment::Model>,
) -> AppResult<Vec<Payment>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let mut events = payment_event::Entity::find()
        .filter(payment_event::Column::PaymentId.is_in(ids))
        .order_by_asc(payment_event::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|p| {
            let mine: Vec<_>;
            (mine, events) = events.drain(..).partition(|e| e.payment_id == p.id);
            payment_from_row(p, mine)
        })
        .collect()
}

pub(crate) async fn payment_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<Payment>> {
    let Some(row) = payment::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_events(db, vec![row]).await?.pop())
}

/// Takes the order row's lock (and returns it as it is now, after any
/// concurrent command that held the lock has committed).
pub(crate) async fn lock_order(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<order::Model> {
    order::Entity::update_many()
        .col_expr(
            order::Column::UpdatedAt,
            Expr::col(order::Column::UpdatedAt),
        )
        .filter(order::Column::Id.eq(order_id))
        .exec(db)
        .await?;
    order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))
}

/// Takes the payment row's lock; then re-reads the payment and its events.
pub(crate) async fn lock_payment(
    db: &impl ConnectionTrait,
    payment_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Payment> {
    payment::Entity::update_many()
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.eq(payment_id))
        .exec(db)
        .await?;
    payment_by_id(db, payment_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no payment {payment_id}")))
}

/// A ledger row to append.
#[derive(Clone, Debug)]
pub(crate) struct NewEvent {
    pub kind: PaymentEventKind,
    pub status: PaymentEventStatus,
    pub amount_minor: i64,
    pub op_key: String,
    pub provider_reference: Option<String>,
    pub notification_id: Option<String>,
    pub actor: String,
    pub note: Option<String>,
}

/// What appending did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Appended {
    Added,
    /// The operation already has this status (a duplicate): nothing written.
    AlreadyThere,
}

/// Appends one event to a payment whose row lock the caller holds, after
/// checking it against the operation's earlier events: the same operation
/// (or provider reference) with a different amount is refused (CONFLICT),
/// a repeated status is a no-op.
pub(crate) async fn append(
    db: &impl ConnectionTrait,
    p: &mut Payment,
    e: NewEvent,
    now: DateTime<Utc>,
) -> AppResult<Appended> {
    for old in &p.events {
        let same_op = old.op_key == e.op_key;
        let same_ref = e.provider_reference.is_some()
            && old.provider_reference == e.provider_reference
            && old.kind == e.kind;
        if (same_op || same_ref) && old.amount_minor != e.amount_minor {
            return Err(AppError::Conflict(format!(
                "{} {} was recorded for {} and now arrives for {}",
                e.kind.as_str(),
                e.provider_reference.as_deref().unwrap_or(&e.op_key),
                old.amount_minor,
                e.amount_minor
            )));
        }
        if same_op && old.kind != e.kind {
            return Err(AppError::Conflict(format!(
                "operation key {} is already used for a {}",
                e.op_key,
                old.kind.as_str()
            )));
        }
        // The same operation, or the same movement at the provider under
        // another key, already has this status: a duplicate.
        if (same_op || same_ref) && old.status == e.status {
            return Ok(Appended::AlreadyThere);
        }
    }
    let id = payment_event::Entity::insert(payment_event::ActiveModel {
        id: NotSet,
        payment_id: Set(p.id),
        kind: Set(e.kind.as_str().into()),
        status: Set(e.status.as_str().into()),
        amount_minor: Set(e.amount_minor),
        op_key: Set(e.op_key.clone()),
        provider_reference: Set(e.provider_reference.clone()),
        notification_id: Set(e.notification_id.clone()),
        actor: Set(e.actor.clone()),
        note: Set(e.note.clone()),
        at: Set(now),
    })
    .exec(db)
    .await?
    .last_insert_id;
    p.events.push(PaymentEvent {
        id,
        kind: e.kind,
        status: e.status,
        amount_minor: e.amount_minor,
        op_key: e.op_key,
        provider_reference: e.provider_reference,
        actor: e.actor,
        note: e.note,
        at: now,
    });
    Ok(Appended::Added)
}

/// The ledger of every payment of an order, read inside the transaction.
pub(crate) async fn order_ledgers(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Vec<(Payment, Ledger)>> {
    Ok(payments_of_orders(db, &[order_id])
        .await?
        .into_iter()
        .map(|p| {
            let l = Ledger::from_events(&p.events);
            (p, l)
        })
        .collect())
}

/// The payment with this reference (`out_trade_no`) or provider reference.
pub(crate) async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: Option<&str>,
    provider_reference: Option<&str>,
) -> AppResult<Option<payment::Model>> {
    if let Some(r) = reference
        && let Some(p) = payment::Entity::find()
            .filter(payment::Column::Reference.eq(r))
            .first(db)
            .await?
    {
        return Ok(Some(p));
    }
    if let Some(r) = provider_reference {
        return Ok(payment::Entity::find()
            .filter(payment::Column::ProviderReference.eq(r))
            .first(db)
            .await?);
    }
    Ok(None)
}
