//! The per-instance fan-out hub: one entry per order number that has live
//! subscribers on this instance. When the bus says an order changed (here
//! or, on PostgreSQL, on another instance), its entry reads the new outbox
//! rows and the order once and broadcasts them to all its subscribers. The
//! entry goes away with its last subscriber.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::broadcast;
use uuid::Uuid;

use super::{Update, read_after};
use crate::events::DomainEvent;
use crate::state::AppState;

/// Updates buffered per order; a subscriber further behind reads the
/// outbox instead.
const CAPACITY: usize = 64;

/// Shared by every subscription of one instance.
#[derive(Clone, Default)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    orders: Mutex<HashMap<String, Slot>>,
    started: OnceLock<()>,
}

struct Slot {
    entry: Arc<Entry>,
    subscribers: usize,
}

struct Entry {
    order_id: Uuid,
    tx: broadcast::Sender<Arc<Update>>,
    /// The last sequence broadcast; refreshes of one order take turns.
    last: tokio::sync::Mutex<i64>,
}

/// A subscriber's membership; leaving drops the entry with its last member.
pub struct Joined {
    pub rx: broadcast::Receiver<Arc<Update>>,
    hub: Arc<Inner>,
    number: String,
}

impl Drop for Joined {
    fn drop(&mut self) {
        let Ok(mut orders) = self.hub.orders.lock() else {
            return;
        };
        if let Some(slot) = orders.get_mut(&self.number) {
            slot.subscribers = slot.subscribers.saturating_sub(1);
            if slot.subscribers == 0 {
                orders.remove(&self.number);
            }
        }
    }
}

impl LiveHub {
    /// Joins order `number`'s entry (creating it with `last` as the last
    /// sequence its subscribers have), starting the hub on first use.
    pub fn join(&self, state: &AppState, number: &str, order_id: Uuid, last: i64) -> Joined {
        self.start(state);
        let rx = match self.inner.orders.lock() {
            Ok(mut orders) => {
                let slot = orders.entry(number.to_string()).or_insert_with(|| Slot {
                    entry: Arc::new(Entry {
                        order_id,
                        tx: broadcast::channel(CAPACITY).0,
                        last: tokio::sync::Mutex::new(last),
                    }),
                    subscribers: 0,
                });
                slot.subscribers += 1;
                slot.entry.tx.subscribe()
            }
            // Poisoned: a receiver nobody sends to; the follower still
            // reads the outbox on every gap, just not woken by pushes.
            Err(_) => broadcast::channel(1).1,
        };
        Joined {
            rx,
            hub: self.inner.clone(),
            number: number.to_string(),
        }
    }

    /// How many orders have subscribers here (for tests and metrics).
    pub fn orders_followed(&self) -> usize {
        self.inner.orders.lock().map(|o| o.len()).unwrap_or(0)
    }

    fn start(&self, state: &AppState) {
        if self.inner.started.set(()).is_err() {
            return;
        }
        let hub = self.inner.clone();
        let state = state.clone();
        let mut rx = state.bus.subscribe();
        actix_web::rt::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let numbers: Vec<String> = match rx.recv().await {
                    Ok(DomainEvent::OrderChanged { number, .. }) => vec![number],
                    Ok(_) => continue,
                    // Missed some: refresh every followed order.
                    Err(RecvError::Lagged(_)) => match hub.orders.lock() {
                        Ok(o) => o.keys().cloned().collect(),
                        Err(_) => continue,
                    },
                    Err(RecvError::Closed) => break,
                };
                for number in numbers {
                    let entry = match hub.orders.lock() {
                        Ok(o) => o.get(&number).map(|s| s.entry.clone()),
                        Err(_) => None,
                    };
                    if let Some(entry) = entry {
                        actix_web::rt::spawn(refresh(state.clone(), entry));
                    }
                }
            }
        });
    }
}

/// Reads what the entry has not broadcast yet, once for all its subscribers.
async fn refresh(state: AppState, entry: Arc<Entry>) {
    let mut last = entry.last.lock().await;
    loop {
        let rows = match read_after(&state, entry.order_id, *last).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e.describe(), "live hub read failed");
                return;
            }
        };
        let full = rows.len() as u64 == super::READ_BATCH;
        for row in rows {
            match row {
                Ok(u) => {
                    *last = u.sequence;
                    // No receiver left is fine: the entry is on its way out.
                    let _ = entry.tx.send(u);
                }
                Err(sequence) => *last = sequence,
            }
        }
        if !full {
            return;
        }
    }
}
