//! Changing a placed order: cancel (releasing stock in the same
//! transaction) and staff actions along the state machine. Every change is
//! `UPDATE … WHERE status = expected` plus one event; a concurrent change
//! makes the loser fail with CONFLICT instead of overwriting.

use chrono::Utc;
use entity::{order, order_event, stock_level, stock_movement};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::queries::{NetAllocation, find_visible, net_allocations};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::inventory::MovementKind;
use crate::domain::orders::{EventDetail, EventKind, Order, OrderAction, SystemReason, refusal};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

fn check_note(note: Option<&str>, field: &str) -> AppResult<Option<String>> {
    match note.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) if n.chars().count() > 500 => {
            Err(AppError::invalid(field, "must be at most 500 characters"))
        }
        other => Ok(other.map(str::to_string)),
    }
}

/// Cancels an order before it ships and releases its stock.
pub async fn cancel_order(
    state: &AppState,
    p: &Principal,
    number: &str,
    reason: Option<&str>,
) -> AppResult<Order> {
    let reason = check_note(reason, "reason")?;
    if p.is_staff() && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "staff must give a reason to cancel",
        ));
    }
    transition(state, p, number, OrderAction::Cancel, reason, None).await
}

/// The system cancels an order whose payment did not arrive in time.
pub async fn expire_unpaid_order(state: &AppState, number: &str) -> AppResult<Order> {
    transition(
        state,
        &Principal::System,
        number,
        OrderAction::Cancel,
        Some("payment not received in time".into()),
        Some(EventDetail::Reason(SystemReason::PaymentExpired)),
    )
    .await
}

/// A staff action on an order (confirm payment, start processing, ship,
/// deliver, complete, cancel), allowed by role and by the state machine.
pub async fn advance_order(
    state: &AppState,
    p: &Principal,
    number: &str,
    action: OrderAction,
    note: Option<&str>,
) -> AppResult<Order> {
    if action == OrderAction::Cancel {
        return cancel_order(state, p, number, note).await;
    }
    let note = check_note(note, "note")?;
    transition(state, p, number, action, note, None).await
}

async fn transition(
    state: &AppState,
    p: &Principal,
    number: &str,
    action: OrderAction,
    note: Option<String>,
    detail: Option<EventDetail>,
) -> AppResult<Order> {
    let current = find_visible(state, p, number).await?;
    let from = current.status;
    // The state machine first (CONFLICT), then the caller (FORBIDDEN).
    if let Some(refused) = refusal(p, from, action) {
        return Err(AppError::Refused(refused));
    }
    let to = from.next(action).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "{:?} --{:?}--> allowed by refusal() but not by next()",
            e.from,
            e.action
        ))
    })?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let moved = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(current.id))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(format!(
            "order {} was changed concurrently; reload and retry",
            current.number
        )));
    }
    let current_row = crate::services::payments::store::lock_order(&*tx, current.id).await?;
    let mut events = Vec::new();
    let mut payment_calls = Vec::new();
    if action == OrderAction::Cancel {
        events = move_stock(&*tx, p, &current, StockMove::Release).await?;
        crate::services::fulfillment::store::cancel_open(&*tx, &current_row, &p.actor(), now)
            .await?;
        // Void what is held, refund what was captured, close unpaid trades.
        payment_calls =
            crate::services::payments::reverse_cancelled(&*tx, current.id, &p.actor(), now).await?;
    }
    let kind = if action == OrderAction::Cancel {
        EventKind::Cancelled
    } else {
        EventKind::StatusChanged
    };
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(current.id),
        kind: Set(kind.as_str().into()),
        from_status: Set(Some(from.as_str().into())),
        to_status: Set(to.as_str().into()),
        actor: Set(p.actor()),
        note: Set(note),
        detail: Set(detail.map(|d| d.to_stored())),
        at: Set(now),
    })
    .exec_without_returning(&*tx)
    .await?;
    let event_seq = crate::services::notifications::outbox::emit_order(
        &*tx,
        &current_row,
        crate::domain::notifications::EventType::for_order_status(to),
        to.as_str(),
        now,
    )
    .await?;
    tx.commit().await?;
    for e in events {
        state.bus.publish(e);
    }
    crate::services::payments::calls::spawn(state, payment_calls);
    state.bus.publish(DomainEvent::OrderChanged {
        number: current.number.clone(),
        status: to.as_str().into(),
    });
    Ok(Order {
        status: to,
        updated_at: now,
        event_seq,
        ..current
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StockMove {
    /// Cancelled: units go back to available.
    Release,
}

/// Releases what the order still holds, per (product, warehouse),
/// as recorded in the ledger. Conditional updates; ledger rows alongside.
async fn move_stock(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &Order,
    how: StockMove,
) -> AppResult<Vec<DomainEvent>> {
    let held = net_allocations(db, std::slice::from_ref(&o.number)).await?;
    let held: Vec<_> = held
        .into_iter()
        .map(|a| NetAllocation {
            quantity: a.held,
            ..a
        })
        .collect();
    let now = Utc::now();
    let mut events = Vec::new();
    for a in held.into_iter().filter(|a| a.quantity > 0) {
        let upd = stock_level::Entity::update_many()
            .col_expr(
                stock_level::Column::Allocated,
                Expr::col(stock_level::Column::Allocated).sub(a.quantity),
            )
            .col_expr(stock_level::Column::UpdatedAt, Expr::value(now))
            .filter(stock_level::Column::ProductId.eq(a.product_id))
            .filter(stock_level::Column::WarehouseId.eq(a.warehouse_id))
            .filter(Expr::col(stock_level::Column::Allocated).gte(a.quantity));
        if upd.exec(db).await?.rows_affected == 0 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "stock level for order {} holds less than its allocation",
                o.number
            )));
        }
        let (kind, reason, d_on_hand) = match how {
            StockMove::Release => (MovementKind::Release, "order cancelled", 0),
        };
        stock_movement::Entity::insert(stock_movement::ActiveModel {
            id: NotSet,
            product_id: Set(a.product_id),
            warehouse_id: Set(a.warehouse_id),
            kind: Set(kind.as_str().into()),
            delta_on_hand: Set(d_on_hand),
            delta_allocated: Set(-a.quantity),
            reason: Set(reason.into()),
            actor: Set(p.actor()),
            reference: Set(Some(o.number.clone())),
            created_at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        if let Some(level) = stock_level::Entity::find()
            .filter(stock_level::Column::ProductId.eq(a.product_id))
            .filter(stock_level::Column::WarehouseId.eq(a.warehouse_id))
            .first(db)
            .await?
        {
            events.push(DomainEvent::StockChanged {
                sku: a.sku.clone(),
                warehouse_code: a.warehouse_code.clone(),
                on_hand: level.on_hand,
                allocated: level.allocated,
            });
        }
    }
    Ok(events)
}
