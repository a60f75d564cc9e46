//! What money means for the order, decided inside the transaction that
//! moved it: a payment that covers the total confirms a waiting order; money
//! that reaches a cancelled order is given back (void what is held, refund
//! what was captured); every movement lands on the order's timeline and in
//! the outbox.

use chrono::{DateTime, Utc};
use entity::{order, order_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::domain::notifications::EventType;
use uuid::Uuid;

use super::store::{self, Appended, NewEvent};
use crate::domain::money::{Currency, Money};
use crate::domain::orders::{EventDetail, EventKind, OrderStatus, PaymentDetail, SystemReason};
use crate::domain::payments::{
    Ledger, OrderPaymentSummary, Payment, PaymentEventKind, PaymentEventStatus, PaymentStatus,
    surplus_payments,
};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;

/// What a settled command leaves to do after commit.
#[derive(Default, Debug)]
pub(crate) struct AfterCommit {
    pub events: Vec<DomainEvent>,
    /// Payments with requested operations to send to their provider.
    pub calls: Vec<Uuid>,
}

impl AfterCommit {
    pub fn merge(&mut self, other: AfterCommit) {
        self.events.extend(other.events);
        for c in other.calls {
            if !self.calls.contains(&c) {
                self.calls.push(c);
            }
        }
    }
}

pub(crate) fn money_text(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Some(c) => format!("{} {}", c.as_str(), Money::new(minor, c.clone()).amount()),
        None => format!("{minor} {currency}"),
    }
}

/// Appends a timeline entry for a money movement and its outbox row.
/// One money movement to put on the timeline.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Movement {
    pub kind: PaymentEventKind,
    pub status: PaymentEventStatus,
    pub amount: i64,
}

pub(crate) async fn record_movement(
    db: &impl ConnectionTrait,
    o: &order::Model,
    p: &Payment,
    m: Movement,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Movement {
        kind,
        status,
        amount,
    } = m;
    let verb = match (kind, status) {
        (PaymentEventKind::Authorize, PaymentEventStatus::Succeeded) => "authorized",
        (PaymentEventKind::Capture, PaymentEventStatus::Succeeded) => "captured",
        (PaymentEventKind::Void, PaymentEventStatus::Succeeded) => "voided",
        (PaymentEventKind::Refund, PaymentEventStatus::Succeeded) => "refunded",
        (PaymentEventKind::Refund, PaymentEventStatus::Requested) => "refund requested",
        (PaymentEventKind::Void, PaymentEventStatus::Requested) => "void requested",
        (PaymentEventKind::Capture, PaymentEventStatus::Requested) => "capture requested",
        (_, PaymentEventStatus::Failed) => "failed",
        (PaymentEventKind::Authorize, PaymentEventStatus::Requested) => "requested",
    };
    let note = format!(
        "{} {} {} ({})",
        p.method.as_str(),
        kind.as_str(),
        verb,
        money_text(amount, &p.currency)
    );
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(EventKind::Payment.as_str().into()),
        from_status: Set(Some(o.status.clone())),
        to_status: Set(o.status.clone()),
        actor: Set(actor.into()),
        note: Set(Some(note)),
        detail: Set(Some(
            EventDetail::Payment(PaymentDetail {
                method: p.method,
                kind,
                status,
                amount: crate::domain::money::Money::new(
                    amount,
                    Currency::parse(&p.currency).unwrap_or_else(Currency::default_shop),
                ),
            })
            .to_stored(),
        )),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    let Some(event) = crate::domain::notifications::EventType::for_payment(kind, status) else {
        return Ok(());
    };
    crate::services::notifications::outbox::emit(
        db,
        o,
        event,
        json!({
            "id": p.id,
            "orderNumber": o.number,
            "method": p.method.as_str(),
            "reference": p.reference,
            "amountMinor": amount,
            "currency": p.currency,
        }),
        now,
    )
    .await?;
    Ok(())
}

/// After money moved on `order_id` (whose row lock the caller holds):
/// confirm a waiting order that is now covered, or give back money that
/// reached a cancelled one.
pub(crate) async fn settle_order(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<AfterCommit> {
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))?;
    let status = crate::services::orders::rows::status(&o.status, &o.number)?;
    let ledgers = store::order_ledgers(db, order_id).await?;
    let summary = OrderPaymentSummary::of(ledgers.iter().map(|(_, l)| l));
    let mut after = AfterCommit {
        events: vec![DomainEvent::OrderChanged {
            number: o.number.clone(),
            status: o.status.clone(),
        }],
        calls: Vec::new(),
    };
    match status {
        OrderStatus::PendingPayment if summary.covers(o.total_minor) => {
            let to = OrderStatus::Confirmed;
            let moved = order::Entity::update_many()
                .col_expr(order::Column::Status, Expr::value(to.as_str()))
                .col_expr(order::Column::UpdatedAt, Expr::value(now))
                .filter(order::Column::Id.eq(o.id))
                .filter(order::Column::Status.eq(status.as_str()))
                .exec(db)
                .await?
                .rows_affected;
            if moved == 1 {
                order_event::Entity::insert(order_event::ActiveModel {
                    id: NotSet,
                    order_id: Set(o.id),
                    kind: Set(EventKind::StatusChanged.as_str().into()),
                    from_status: Set(Some(status.as_str().into())),
                    to_status: Set(to.as_str().into()),
                    actor: Set(actor.into()),
                    note: Set(Some("payment received".into())),
                    detail: Set(Some(
                        EventDetail::Reason(SystemReason::PaymentReceived).to_stored(),
                    )),
                    at: Set(now),
                })
                .exec_without_returning(db)
                .await?;
                // Paid: the receipt, then the confirmation.
                for event in [EventType::OrderPaid, EventType::OrderConfirmed] {
                    crate::services::notifications::outbox::emit_order(
                        db,
                        &o,
                        event,
                        to.as_str(),
                        now,
                    )
                    .await?;
                }
                let confirmed = order::Model {
                    status: to.as_str().into(),
                    ..o.clone()
                };
                crate::services::fulfillment::create::open_shipments(db, &confirmed, actor, now)
                    .await?;
                after.events = vec![DomainEvent::OrderChanged {
                    number: o.number.clone(),
                    status: to.as_str().into(),
                }];
            }
        }
        OrderStatus::Cancelled => {
            after.merge(reverse(db, &o, ledgers, actor, now, "order cancelled").await?);
        }
        _ => {}
    }
    // Paid twice (two provider pages, a late notification after another
    // method paid): give back the payments the order does not need.
    if status != OrderStatus::Cancelled {
        let ledgers = store::order_ledgers(db, order_id).await?;
        let surplus = surplus_payments(
            &ledgers
                .iter()
                .map(|(p, l)| (p.id, l.clone()))
                .collect::<Vec<_>>(),
            o.total_minor,
        );
        if !surplus.is_empty() {
            let extra: Vec<_> = ledgers
                .into_iter()
                .filter(|(p, _)| surplus.contains(&p.id))
                .collect();
            after.merge(reverse(db, &o, extra, actor, now, "paid twice; surplus payment").await?);
        }
    }
    Ok(after)
}

/// Gives back everything a cancelled order still holds or has captured,
/// and closes provider trades nobody paid. Called by the cancel command in
/// its own transaction (with the order row locked), and whenever money
/// reaches an order that is already cancelled.
pub(crate) async fn reverse_cancelled(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))?;
    let ledgers = store::order_ledgers(db, order_id).await?;
    Ok(reverse(db, &o, ledgers, actor, now, "order cancelled")
        .await?
        .calls)
}

/// Gives back what these payments hold and closes their unpaid trades
/// (the caller holds the order's lock).
pub(crate) async fn give_back(
    db: &impl ConnectionTrait,
    o: &order::Model,
    ledgers: Vec<(Payment, Ledger)>,
    actor: &str,
    now: DateTime<Utc>,
    why: &str,
) -> AppResult<AfterCommit> {
    reverse(db, o, ledgers, actor, now, why).await
}

async fn reverse(
    db: &impl ConnectionTrait,
    o: &order::Model,
    ledgers: Vec<(Payment, Ledger)>,
    actor: &str,
    now: DateTime<Utc>,
    why: &str,
) -> AppResult<AfterCommit> {
    let mut after = AfterCommit::default();
    for (p, l) in ledgers {
        let mut p = store::lock_payment(db, p.id, now).await?;
        let mut requests = Vec::new();
        if l.capturable() > 0 {
            requests.push((PaymentEventKind::Void, l.capturable(), "auto-void"));
        }
        if l.refundable() > 0 {
            requests.push((PaymentEventKind::Refund, l.refundable(), "auto-refund"));
        }
        // An online trade nobody paid: close it so it cannot be paid later.
        let untouched = l.status(p.amount_minor) == PaymentStatus::Pending
            && l.pending_void == 0
            && p.method.is_online();
        if untouched {
            requests.push((PaymentEventKind::Void, 0, "close"));
        }
        for (kind, amount, prefix) in requests {
            let op_key = if prefix == "close" {
                format!("close:{}", p.id)
            } else {
                format!("{prefix}:{}", Uuid::now_v7())
            };
            let manual = p.method.is_manual();
            let appended = store::append(
                db,
                &mut p,
                NewEvent {
                    kind,
                    status: PaymentEventStatus::Requested,
                    amount_minor: amount,
                    op_key: op_key.clone(),
                    provider_reference: None,
                    notification_id: None,
                    actor: actor.into(),
                    note: Some(why.into()),
                },
                now,
            )
            .await?;
            if appended == Appended::AlreadyThere {
                continue;
            }
            if amount > 0 {
                record_movement(
                    db,
                    o,
                    &p,
                    Movement {
                        kind,
                        status: PaymentEventStatus::Requested,
                        amount,
                    },
                    actor,
                    now,
                )
                .await?;
            }
            if manual {
                // Cash and transfers go back by hand: finance pays out and
                // the ledger records it at once.
                store::append(
                    db,
                    &mut p,
                    NewEvent {
                        kind,
                        status: PaymentEventStatus::Succeeded,
                        amount_minor: amount,
                        op_key,
                        provider_reference: None,
                        notification_id: None,
                        actor: actor.into(),
                        note: Some(format!("{why}; paid back by finance")),
                    },
                    now,
                )
                .await?;
            } else if !after.calls.contains(&p.id) {
                after.calls.push(p.id);
            }
        }
    }
    Ok(after)
}
