//! The dispatcher: stamps committed outbox rows with their position (the
//! order they became visible in) and fans each batch out to the consumers'
//! work tables (emails to send, webhook deliveries) in the same
//! transaction, so each event is planned exactly once. It holds the row
//! lock of the single `outbox_cursor` row while it works; on PostgreSQL
//! another instance skips the round (`FOR UPDATE SKIP LOCKED`) instead of
//! waiting, and the sending itself is shared row by row.
//!
//! Why positions: on PostgreSQL, ids are handed out before commit, so a
//! reader that followed ids could pass a row that commits later with a
//! smaller id. Positions are given in visibility order by one stamper at a
//! time, so a reader that has seen position P never misses a later one.

use chrono::Utc;
use entity::{outbox, outbox_cursor};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::outbox::OutboxEvent;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Events stamped per transaction.
const BATCH: u64 = 500;

/// Dispatches what is waiting; returns how many events it dispatched (0:
/// nothing waited, or another instance holds the cursor).
pub async fn dispatch(state: &AppState) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let n = dispatch_batch(state).await?;
        total += n;
        if n < BATCH as usize {
            return Ok(total);
        }
    }
}

async fn dispatch_batch(state: &AppState) -> AppResult<usize> {
    // An idle round only reads: SQLite's single writer is taken only when
    // something waits.
    let waiting = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Position.is_null())
        .limit(1)
        .into_tuple::<i64>()
        .one(&state.db.conn)
        .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let tx = state.db.begin_write().await?;
    let mut find = outbox_cursor::Entity::find_by_id(1);
    if state.db.backend() == DbBackend::Postgres {
        find = find.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(cursor) = find.one(&*tx).await? else {
        // Held by another instance (or the row is missing: migrations add it).
        return Ok(0);
    };
    let pending: Vec<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Position.is_null())
        .order_by_asc(outbox::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(&*tx)
        .await?;
    let (Some(&min), Some(&max)) = (pending.first(), pending.last()) else {
        return Ok(0);
    };
    // position = id + delta keeps the batch's order and starts right after
    // the cursor; a row committed meanwhile inside [min, max] joins it.
    let delta = cursor.position + 1 - min;
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Position,
            Expr::col(outbox::Column::Id).add(delta),
        )
        .filter(outbox::Column::Position.is_null())
        .filter(outbox::Column::Id.between(min, max))
        .exec(&*tx)
        .await?;
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Position.gt(cursor.position))
        .order_by_asc(outbox::Column::Position)
        .all(&*tx)
        .await?;
    let events: Vec<OutboxEvent> = rows.into_iter().filter_map(OutboxEvent::from_row).collect();
    let Some(last) = events.last().map(|e| e.id) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "stamped outbox rows {min}..={max} but read none back"
        )));
    };
    let now = Utc::now();
    super::email::plan(&*tx, &events, now).await?;
    crate::services::webhooks::plan(&*tx, &events, now).await?;
    outbox_cursor::Entity::update_many()
        .col_expr(outbox_cursor::Column::Position, Expr::value(last))
        .filter(outbox_cursor::Column::Id.eq(1))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    // Every instance's feeds and senders learn of it (NOTIFY on PostgreSQL).
    state
        .bus
        .publish(crate::events::DomainEvent::OutboxDispatched { position: last });
    Ok(events.len())
}
