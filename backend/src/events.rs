//! Live events: published after a command commits, fanned out to GraphQL
//! subscriptions. In-process broadcast; a multi-instance deployment relays
//! them through PostgreSQL LISTEN/NOTIFY (see DESIGN.md).

use tokio::sync::broadcast;

/// Something that happened, for live subscribers.
#[derive(Clone, Debug)]
pub enum DomainEvent {
    StockChanged {
        sku: String,
        warehouse_code: String,
        on_hand: i64,
        allocated: i64,
    },
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<DomainEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        EventBus { tx }
    }
    /// Publish after commit; no subscriber is not an error.
    pub fn publish(&self, e: DomainEvent) {
        let _ = self.tx.send(e);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.tx.subscribe()
    }
}
