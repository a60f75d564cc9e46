//! Unpaid orders expire: an order still waiting for its payment after the
//! configured time (30 minutes for online methods, 7 days for bank
//! transfer by default) is cancelled by the system, which releases its
//! stock, closes its provider trades and writes a timeline event. Money
//! that arrives afterwards is recorded and given back (see `settle`).

use chrono::Utc;
use entity::order;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::orders::OrderStatus;
use crate::domain::payments::PaymentMethod;
use crate::error::{AppError, AppResult};
use crate::services::orders::rows::order_from_row;
use crate::state::AppState;

/// Cancels every unpaid order past its deadline; returns how many.
pub async fn expire_unpaid(state: &AppState) -> AppResult<usize> {
    let policy = state.payments.expiry;
    let now = Utc::now();
    let bank = PaymentMethod::BankTransfer.as_str();
    let cod = PaymentMethod::CashOnDelivery.as_str();
    // Past its own deadline, in SQL: a backlog of transfers still within
    // their 7 days must not hide online orders that are due.
    let due = Condition::any()
        .add(
            Condition::all()
                .add(order::Column::PaymentMethod.eq(bank))
                .add(order::Column::PlacedAt.lt(now - policy.bank_transfer)),
        )
        .add(
            Condition::all()
                .add(
                    Condition::any()
                        .add(order::Column::PaymentMethod.is_null())
                        .add(order::Column::PaymentMethod.is_not_in([bank, cod])),
                )
                .add(order::Column::PlacedAt.lt(now - policy.online)),
        );
    let rows = order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::PendingPayment.as_str()))
        .filter(due)
        .order_by_asc(order::Column::PlacedAt)
        .limit(500)
        .all(&state.db.conn)
        .await?;
    let mut expired = 0;
    for row in rows {
        let o = order_from_row(row)?;
        let Some(deadline) = policy.deadline(o.placed_at, o.payment_method) else {
            continue;
        };
        if deadline > now {
            continue;
        }
        match crate::services::orders::expire_unpaid_order(state, &o.number).await {
            Ok(_) => expired += 1,
            // Paid or cancelled a moment ago: nothing to do.
            Err(AppError::Conflict(_) | AppError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}
