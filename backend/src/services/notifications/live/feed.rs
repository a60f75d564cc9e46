//! The staff event feed (`orderEvents`): dispatched outbox events by
//! position, for staff (every event) and integration keys (their channel's),
//! filtered by type and order. It reads up to the dispatched position this
//! instance knows of (`NotificationsRuntime::watch_dispatched`, which
//! follows every instance's dispatcher): positions are stamped in the order
//! rows became visible, so reading `(last, dispatched]` never misses one.

use std::collections::VecDeque;

use entity::{outbox, outbox_cursor};
use futures_util::Stream;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::watch;

use super::READ_BATCH;
use crate::domain::auth::Principal;
use crate::domain::notifications::live::{FeedFilter, FeedRefusal, FeedScope, feed_scope};
use crate::error::{AppError, AppResult};
use crate::services::notifications::outbox::OutboxEvent;
use crate::state::AppState;

/// Follows the dispatched events `p` may see that pass `filter`: those
/// after `after_event_id` first, then new ones as they are dispatched;
/// without it, only new ones.
pub async fn follow(
    state: &AppState,
    p: &Principal,
    filter: FeedFilter,
    after_event_id: Option<i64>,
) -> AppResult<impl Stream<Item = OutboxEvent> + use<>> {
    let scope = feed_scope(p).map_err(|r| match r {
        FeedRefusal::Unauthenticated => AppError::Unauthenticated("sign in first".into()),
        FeedRefusal::Forbidden => {
            AppError::Forbidden("the event feed is for staff and integrations".into())
        }
    })?;
    if after_event_id.is_some_and(|a| a < 0) {
        return Err(AppError::invalid("afterEventId", "must not be negative"));
    }
    // Watching before the first read: a dispatch from now on wakes us.
    let watch = state.notifications.watch_dispatched();
    let dispatched = dispatched_now(state, &watch).await?;
    let feed = Feed {
        state: state.clone(),
        principal: p.clone(),
        scope,
        filter,
        last: after_event_id.unwrap_or(dispatched),
        watch,
        pending: VecDeque::new(),
    };
    Ok(futures_util::stream::unfold(feed, |mut f| async move {
        let next = f.next().await?;
        Some((next, f))
    }))
}

/// The dispatched position: what this instance heard, or the cursor row
/// (an instance that just started has heard nothing yet).
async fn dispatched_now(state: &AppState, watch: &watch::Receiver<i64>) -> AppResult<i64> {
    let heard = *watch.borrow();
    let stored = outbox_cursor::Entity::find_by_id(1)
        .one(&state.db.conn)
        .await?
        .map(|c| c.position)
        .unwrap_or(0);
    Ok(heard.max(stored))
}

struct Feed {
    state: AppState,
    principal: Principal,
    scope: FeedScope,
    filter: FeedFilter,
    /// Every event up to here was delivered or filtered out.
    last: i64,
    watch: watch::Receiver<i64>,
    pending: VecDeque<OutboxEvent>,
}

impl Feed {
    async fn next(&mut self) -> Option<OutboxEvent> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            let upto = match dispatched_now(&self.state, &self.watch).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e.describe(), "event feed read failed");
                    return None;
                }
            };
            if upto <= self.last {
                // Mark what we saw; wait for the next dispatch unless one
                // came in meanwhile.
                let heard = *self.watch.borrow_and_update();
                if heard <= self.last && self.watch.changed().await.is_err() {
                    return None;
                }
                continue;
            }
            if !crate::services::auth::tokens::still_valid(&self.state, &self.principal)
                .await
                .unwrap_or(false)
            {
                return None;
            }
            match read(&self.state, self.scope, &self.filter, self.last, upto).await {
                Ok((events, scanned_to)) => {
                    self.last = scanned_to;
                    self.pending = events.into();
                }
                Err(e) => {
                    tracing::warn!(error = %e.describe(), "event feed read failed");
                    return None;
                }
            }
        }
    }
}

/// The events in `(last, upto]` that pass, and how far that read got (a
/// full batch stops short of `upto`).
async fn read(
    state: &AppState,
    scope: FeedScope,
    filter: &FeedFilter,
    last: i64,
    upto: i64,
) -> AppResult<(Vec<OutboxEvent>, i64)> {
    let mut q = outbox::Entity::find()
        .filter(outbox::Column::Position.gt(last))
        .filter(outbox::Column::Position.lte(upto));
    if let FeedScope::Channel(c) = scope {
        q = q.filter(outbox::Column::ChannelId.eq(c));
    }
    if let Some(n) = &filter.order_number {
        q = q.filter(outbox::Column::OrderNumber.eq(n.clone()));
    }
    if let Some(types) = &filter.types {
        q = q.filter(outbox::Column::Topic.is_in(types.iter().map(|t| t.as_str())));
    }
    let rows = q
        .order_by_asc(outbox::Column::Position)
        .limit(READ_BATCH)
        .all(&state.db.conn)
        .await?;
    let scanned_to = if rows.len() as u64 == READ_BATCH {
        rows.last().and_then(|r| r.position).unwrap_or(upto)
    } else {
        upto
    };
    let events = rows
        .into_iter()
        .filter_map(OutboxEvent::from_row)
        .filter(|e| {
            e.kind.is_some()
                && filter.admits(scope, e.kind, e.order_number.as_deref(), e.channel_id)
        })
        .collect();
    Ok((events, scanned_to))
}
