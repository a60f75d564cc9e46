//! Commands on payments: a customer (or staff, or an integration) starts a
//! payment; finance and admin capture, void, refund and record cash or
//! transfers. One transaction each, under the order's and the payment's
//! row locks; provider calls happen after commit with the operation's key.

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

/// Where to send the customer to pay.
#[derive(Clone, Debug)]
pub struct PaymentSession {
    pub payment: Payment,
    pub redirect_url: String,
    pub expires_at: Option<DateTime<Utc>>,
}

fn check_key(raw: &str) -> AppResult<String> {
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
fn refused(r: rules::MoneyRefusal, currency: &str) -> AppError {
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

fn require_finance(p: &Principal) -> AppResult<()> {
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

async fn offered(db: &impl ConnectionTrait, channel_id: Uuid, m: PaymentMethod) -> AppResult<()> {
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

fn summary_of(ledgers: &[(Payment, Ledger)]) -> OrderPaymentSummary {
    OrderPaymentSummary::of(ledgers.iter().map(|(_, l)| l))
}

/// Starts paying an order with `method`: creates the payment (or returns
/// the one already waiting for this method) and the provider's trade, and
/// says where to send the customer. Cash on delivery confirms the order
/// unpaid; a bank transfer makes it wait for finance.
pub async fn start_payment(
    state: &AppState,
    p: &Principal,
    number: &str,
    method: PaymentMethod,
) -> AppResult<PaymentSession> {
    let o = find_visible(state, p, number).await?;
    offered(&state.db.conn, o.channel_id, method).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let row = store::lock_order(&*tx, o.id).await?;
    let status = crate::services::orders::rows::status(&row.status, &row.number)?;
    if matches!(status, OrderStatus::Cancelled | OrderStatus::Completed) {
        return Err(AppError::Conflict(format!(
            "order {} is {} and cannot be paid",
            row.number,
            status.as_str()
        )));
    }
    let ledgers = store::order_ledgers(&*tx, o.id).await?;
    let due = summary_of(&ledgers).amount_due(row.total_minor, false);
    if due == 0 {
        return Err(AppError::Conflict(format!(
            "order {} is already paid",
            row.number
        )));
    }
    let deadline = state.payments.expiry.deadline(row.placed_at, Some(method));
    // A double click, a reload, a second tab: the payment still waiting
    // for this method is the answer.
    let waiting = ledgers.iter().find(|(pay, l)| {
        pay.method == method
            && l.status(pay.amount_minor) == PaymentStatus::Pending
            && !l.closed
            && pay.amount_minor == due
    });
    let mut after = AfterCommit::default();
    let payment = match waiting {
        Some((pay, _)) => pay.clone(),
        None => {
            // Another method chosen: close the trades still open for the
            // others, so the customer cannot pay twice.
            let stale: Vec<_> = ledgers
                .iter()
                .filter(|(pay, l)| {
                    pay.method != method
                        && pay.method.is_online()
                        && l.status(pay.amount_minor) == PaymentStatus::Pending
                        && !l.closed
                })
                .cloned()
                .collect();
            if !stale.is_empty() {
                after.merge(
                    settle::give_back(&*tx, &row, stale, &p.actor(), now, "another method chosen")
                        .await?,
                );
            }
            let id = insert_payment(
                &*tx,
                &row,
                NewPayment {
                    method,
                    ordinal: ledgers.len() + 1,
                    amount_minor: due,
                    expires_at: deadline,
                },
                p,
                now,
            )
            .await?;
            order::Entity::update_many()
                .col_expr(order::Column::PaymentMethod, Expr::value(method.as_str()))
                .filter(order::Column::Id.eq(o.id))
                .exec(&*tx)
                .await?;
            if method == PaymentMethod::CashOnDelivery && status == OrderStatus::PendingPayment {
                after.merge(confirm_unpaid(&*tx, &row, p, now).await?);
            }
            store::payment_by_id(&*tx, id)
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("payment {id} vanished")))?
        }
    };
    tx.commit().await?;
    for e in after.events {
        state.bus.publish(e);
    }
    calls::spawn(state, after.calls);
    let order_page = format!("{}/orders/{}", state.payments.base_url(), row.number);
    let Some(provider) = provider_of(method) else {
        return Ok(PaymentSession {
            payment,
            redirect_url: order_page,
            expires_at: deadline,
        });
    };
    if let Some(url) = payment.redirect_url.clone() {
        return Ok(PaymentSession {
            payment,
            redirect_url: url,
            expires_at: deadline,
        });
    }
    // The provider's trade, created with the payment's stable key: a
    // retry after a lost answer creates nothing twice.
    let Some(gateway) = state.payments.gateway(provider) else {
        return Err(AppError::invalid(
            "method",
            format!(
                "{} is not set up on this server (no gateway configured, sandbox off)",
                method.as_str()
            ),
        ));
    };
    let created = gateway
        .create(&CreateRequest {
            provider,
            reference: payment.reference.clone(),
            amount_minor: payment.amount_minor,
            currency: payment.currency.clone(),
            description: format!("Order {}", row.number),
            return_url: order_page,
            notify_url: format!(
                "{}/webhooks/payments/{}",
                state.payments.base_url(),
                provider.as_str()
            ),
            idempotency_key: format!("create:{}", payment.id),
        })
        .await
        .map_err(|e| {
            AppError::Unavailable(anyhow::anyhow!("the payment provider did not answer: {e}"))
        })?;
    let tx = state.db.begin_write().await?;
    payment::Entity::update_many()
        .col_expr(
            payment::Column::ProviderReference,
            Expr::value(created.provider_reference.clone()),
        )
        .col_expr(
            payment::Column::RedirectUrl,
            Expr::value(created.redirect_url.clone()),
        )
        .filter(payment::Column::Id.eq(payment.id))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(PaymentSession {
        payment: Payment {
            provider_reference: created.provider_reference,
            redirect_url: Some(created.redirect_url.clone()),
            ..payment
        },
        redirect_url: created.redirect_url,
        expires_at: deadline,
    })
}

/// A payment about to be created for an order.
struct NewPayment {
    method: PaymentMethod,
    /// The order's n-th payment (numbers its reference).
    ordinal: usize,
    amount_minor: i64,
    expires_at: Option<DateTime<Utc>>,
}

/// Inserts a payment; its reference (`out_trade_no`) is the order number
/// without dashes plus `P<n>`, letters and digits only as every provider
/// accepts.
async fn insert_payment(
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

/// Cash on delivery: the order goes ahead unpaid.
async fn confirm_unpaid(
    db: &impl ConnectionTrait,
    row: &order::Model,
    p: &Principal,
    now: DateTime<Utc>,
) -> AppResult<AfterCommit> {
    use entity::order_event;
    use sea_orm::ActiveValue::NotSet;
    let to = OrderStatus::Confirmed;
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(row.id))
        .filter(order::Column::Status.eq(OrderStatus::PendingPayment.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    if moved == 0 {
        return Ok(AfterCommit::default());
    }
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(row.id),
        kind: Set(crate::domain::orders::EventKind::StatusChanged
            .as_str()
            .into()),
        from_status: Set(Some(OrderStatus::PendingPayment.as_str().into())),
        to_status: Set(to.as_str().into()),
        actor: Set(p.actor()),
        note: Set(Some(
            "cash on delivery: paid when the courier remits".into(),
        )),
        detail: Set(Some(
            crate::domain::orders::EventDetail::Reason(
                crate::domain::orders::SystemReason::CashOnDelivery,
            )
            .to_stored(),
        )),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    store::outbox(
        db,
        "order.confirmed",
        Some(row.id),
        serde_json::json!({"order": row.number, "status": to.as_str()}),
        now,
    )
    .await?;
    Ok(AfterCommit {
        events: vec![crate::events::DomainEvent::OrderChanged {
            number: row.number.clone(),
            status: to.as_str().into(),
        }],
        calls: Vec::new(),
    })
}

/// A payment the caller may see, with its order row.
async fn visible_payment(
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
    store::append(
        &*tx,
        &mut pay,
        NewEvent {
            kind,
            status: PaymentEventStatus::Requested,
            amount_minor: amount,
            op_key: op_key.clone(),
            provider_reference: None,
            notification_id: None,
            actor: actor.clone(),
            note: note.clone(),
        },
        now,
    )
    .await?;
    record_movement(
        &*tx,
        &row,
        &pay,
        Movement {
            kind,
            status: PaymentEventStatus::Requested,
            amount,
        },
        &actor,
        now,
    )
    .await?;
    if pay.method.is_manual() {
        // No provider: finance pays cash or a transfer back by hand.
        store::append(
            &*tx,
            &mut pay,
            NewEvent {
                kind,
                status: PaymentEventStatus::Succeeded,
                amount_minor: amount,
                op_key,
                provider_reference: None,
                notification_id: None,
                actor: actor.clone(),
                note,
            },
            now,
        )
        .await?;
        record_movement(
            &*tx,
            &row,
            &pay,
            Movement {
                kind,
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
    calls::run_payment(state, payment_id).await;
    reread(state, payment_id).await
}

async fn reread(state: &AppState, id: Uuid) -> AppResult<Payment> {
    store::payment_by_id(&state.db.conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no payment {id}")))
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
    let existing = ledgers
        .iter()
        .find(|(pay, l)| pay.method == method && l.captured == 0 && !l.closed);
    let payment_id = match existing {
        Some((pay, _)) => pay.id,
        None => {
            insert_payment(
                &*tx,
                &row,
                NewPayment {
                    method,
                    ordinal: ledgers.len() + 1,
                    amount_minor: due,
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
