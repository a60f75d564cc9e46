//! Notifications: the transactional outbox every command writes to, the
//! dispatcher that numbers and fans out its events, and the consumers that
//! read them (customer email here; outbound webhooks in `webhooks`; live
//! GraphQL feeds).

pub mod dispatch;
pub mod email;
pub mod live;
pub mod outbox;

use std::sync::Arc;

use tokio::sync::{Notify, watch};

/// Wake-ups shared by the dispatcher, the senders and the live feeds of
/// one instance.
#[derive(Clone)]
pub struct NotificationsRuntime {
    /// Something was committed to the outbox: dispatch now.
    pub dispatch_wake: Arc<Notify>,
    /// New emails are due.
    pub mail_wake: Arc<Notify>,
    /// New webhook deliveries are due.
    pub webhook_wake: Arc<Notify>,
    /// The highest outbox position dispatched (by any instance) as far as
    /// this one knows; live feeds wait on it.
    dispatched: Arc<watch::Sender<i64>>,
    /// Live order subscribers of this instance, one entry per order.
    pub live: live::LiveHub,
}

impl Default for NotificationsRuntime {
    fn default() -> Self {
        NotificationsRuntime {
            dispatch_wake: Default::default(),
            mail_wake: Default::default(),
            webhook_wake: Default::default(),
            dispatched: Arc::new(watch::channel(0).0),
            live: Default::default(),
        }
    }
}

impl NotificationsRuntime {
    /// Position `position` was dispatched: wake the senders and the feeds.
    pub fn advance(&self, position: i64) {
        self.dispatched.send_if_modified(|p| {
            if position > *p {
                *p = position;
                true
            } else {
                false
            }
        });
        self.mail_wake.notify_one();
        self.webhook_wake.notify_one();
    }

    /// Follows the dispatched position.
    pub fn watch_dispatched(&self) -> watch::Receiver<i64> {
        self.dispatched.subscribe()
    }
}
