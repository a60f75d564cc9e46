//! Live feeds read from the outbox: `orderUpdated` (one order's events by
//! their per-order sequence, resumable with `afterSequence`) and the staff
//! feed `orderEvents` (dispatched events by position, resumable with
//! `afterEventId`); see [`feed`].
//!
//! Fan-out: each instance keeps one [`hub`] entry per order that has
//! subscribers here. When the bus says the order changed, the entry reads
//! the new outbox rows and the order once and broadcasts them (`Arc`s) to
//! every subscriber, who also share one rendering per selection through the
//! update's [`Memo`]. Correctness does not rest on the hub: each subscriber
//! keeps its last delivered sequence and reads the outbox itself whenever a
//! push skips ahead or it lagged (`domain::notifications::live::step`).

pub mod feed;
pub mod hub;

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use entity::{order, outbox};
use futures_util::Stream;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::OnceCell;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

pub use hub::LiveHub;

use crate::domain::auth::Principal;
use crate::domain::notifications::EventType;
use crate::domain::notifications::live::{Step, step};
use crate::domain::orders::Order;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Rows read per outbox query.
const READ_BATCH: u64 = 200;

/// One rendering, of whatever type the API layer renders to.
pub type Rendering = Arc<dyn Any + Send + Sync>;

/// A rendering computed once, by whichever subscriber asks first.
pub type MemoCell = Arc<OnceCell<Rendering>>;

/// Renderings of one update shared by its subscribers, keyed by whatever
/// identifies a selection to the caller (API layer).
#[derive(Default)]
pub struct Memo(Mutex<HashMap<Vec<u8>, MemoCell>>);

impl Memo {
    /// The cell for `key`, created empty on first use.
    pub fn cell(&self, key: Vec<u8>) -> MemoCell {
        match self.0.lock() {
            Ok(mut m) => m.entry(key).or_default().clone(),
            // A panicked renderer poisoned the memo: render without it.
            Err(_) => Arc::default(),
        }
    }
}

/// One event of an order, with the order as it is now.
pub struct Update {
    /// The order's own counter: 1, 2, 3… without gaps.
    pub sequence: i64,
    pub kind: EventType,
    pub at: DateTime<Utc>,
    pub order: Arc<Order>,
    /// Shared by every update read together (same order state).
    pub memo: Arc<Memo>,
}

/// The events of order `order_id` after `last`, in sequence order, each
/// with the order as now (read once). Rows of untyped topics are returned
/// as `Err(sequence)` so followers can step over them.
pub(crate) async fn read_after(
    state: &AppState,
    order_id: Uuid,
    last: i64,
) -> AppResult<Vec<Result<Arc<Update>, i64>>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::OrderId.eq(order_id))
        .filter(outbox::Column::Sequence.gt(last))
        .order_by_asc(outbox::Column::Sequence)
        .limit(READ_BATCH)
        .all(&state.db.conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let row = order::Entity::find_by_id(order_id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))?;
    let order = Arc::new(crate::services::orders::order_from_row(row)?);
    let memo = Arc::new(Memo::default());
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let sequence = r.sequence?;
            Some(match EventType::parse(&r.topic) {
                Some(kind) => Ok(Arc::new(Update {
                    sequence,
                    kind,
                    at: r.created_at,
                    order: order.clone(),
                    memo: memo.clone(),
                })),
                None => Err(sequence),
            })
        })
        .collect())
}

/// Follows order `number` for `p` (who must be allowed to see it): first
/// the events after `after_sequence`, then new ones as they commit; without
/// `after_sequence`, only new ones. Ends when the caller's session ends or
/// its key is revoked.
pub async fn follow_order(
    state: &AppState,
    p: &Principal,
    number: &str,
    after_sequence: Option<i64>,
) -> AppResult<impl Stream<Item = Arc<Update>> + use<>> {
    let order = crate::services::orders::find_visible(state, p, number).await?;
    let after = match after_sequence {
        None => order.event_seq,
        Some(a) if a < 0 => {
            return Err(AppError::invalid("afterSequence", "must not be negative"));
        }
        Some(a) if a > order.event_seq => {
            return Err(AppError::invalid(
                "afterSequence",
                format!("order {} has no event {a} yet", order.number),
            ));
        }
        Some(a) => a,
    };
    // Joined before the first read: whatever commits from now on is pushed.
    // The hub starts from the order's latest event; older ones this
    // subscriber wants it reads itself.
    let joined = state
        .notifications
        .live
        .join(state, &order.number, order.id, order.event_seq);
    let follower = Follower {
        joined,
        last: after,
        pending: VecDeque::new(),
        refill: true,
        more: false,
        state: state.clone(),
        principal: p.clone(),
        order_id: order.id,
    };
    Ok(futures_util::stream::unfold(follower, |mut f| async move {
        let next = f.next().await?;
        Some((next, f))
    }))
}

/// One subscriber's state: small, everything big is shared.
struct Follower {
    joined: hub::Joined,
    last: i64,
    pending: VecDeque<Result<Arc<Update>, i64>>,
    /// Read the outbox after `last` before taking pushes.
    refill: bool,
    /// The last read was a full batch: read on once `pending` is empty.
    more: bool,
    state: AppState,
    principal: Principal,
    order_id: Uuid,
}

impl Follower {
    /// Whether the caller's session or key still holds, checked once per
    /// update and caller (subscribers of one update share the answer).
    async fn still_valid(&self, update: &Update) -> bool {
        let mut key = b"valid:".to_vec();
        match &self.principal {
            Principal::User { session_id, .. } => key.extend_from_slice(session_id.as_bytes()),
            Principal::Integration { key_id, .. } => key.extend_from_slice(key_id.as_bytes()),
            Principal::Anonymous | Principal::System => return true,
        }
        let (state, principal) = (&self.state, &self.principal);
        let answer = update
            .memo
            .cell(key)
            .get_or_init(|| async move {
                let ok = crate::services::auth::tokens::still_valid(state, principal)
                    .await
                    .unwrap_or(false);
                Arc::new(ok) as Rendering
            })
            .await
            .clone();
        answer.downcast_ref::<bool>().copied().unwrap_or(false)
    }

    async fn next(&mut self) -> Option<Arc<Update>> {
        loop {
            if self.refill {
                self.refill = false;
                match read_after(&self.state, self.order_id, self.last).await {
                    Ok(rows) => {
                        self.more = rows.len() as u64 == READ_BATCH;
                        self.pending = rows.into();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e.describe(), "live order read failed");
                        return None;
                    }
                }
            }
            if self.pending.is_empty() && self.more {
                self.refill = true;
                continue;
            }
            let item = match self.pending.pop_front() {
                Some(item) => item,
                None => match self.joined.rx.recv().await {
                    Ok(u) => Ok(u),
                    Err(RecvError::Lagged(_)) => {
                        self.refill = true;
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            let sequence = match &item {
                Ok(u) => u.sequence,
                Err(s) => *s,
            };
            match step(self.last, sequence) {
                Step::Skip => continue,
                Step::Refill => {
                    self.pending.clear();
                    self.refill = true;
                    continue;
                }
                Step::Deliver => self.last = sequence,
            }
            let Ok(update) = item else { continue };
            // The caller was resolved when the socket opened: a logout or a
            // revoked key since then ends the feed.
            if !self.still_valid(&update).await {
                return None;
            }
            return Some(update);
        }
    }
}
