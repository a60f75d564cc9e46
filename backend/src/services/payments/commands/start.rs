//! Starting a payment: the payment row, the provider's trade, where to
//! send the customer; cash on delivery confirms the order unpaid.

use super::*;

/// Where to send the customer to pay.
#[derive(Clone, Debug)]
pub struct PaymentSession {
    pub payment: Payment,
    pub redirect_url: String,
    pub expires_at: Option<DateTime<Utc>>,
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
    crate::services::notifications::outbox::emit_order(
        db,
        row,
        crate::domain::notifications::EventType::OrderConfirmed,
        to.as_str(),
        now,
    )
    .await?;
    let confirmed = order::Model {
        status: to.as_str().into(),
        ..row.clone()
    };
    crate::services::fulfillment::create::open_shipments(db, &confirmed, &p.actor(), now).await?;
    Ok(AfterCommit {
        events: vec![crate::events::DomainEvent::OrderChanged {
            number: row.number.clone(),
            status: to.as_str().into(),
        }],
        calls: Vec::new(),
    })
}
