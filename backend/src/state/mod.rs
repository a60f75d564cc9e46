//! What every request handler and service shares. The state holds only
//! infrastructure (pool, keys, caches, event bus); services depend on it,
//! never the other way round.

pub mod channel_cache;
pub mod session_cache;
pub mod tokens;

use std::sync::Arc;

pub use channel_cache::ChannelCache;
pub use session_cache::SessionCache;
pub use tokens::TokenKeys;

use crate::config::Config;
use crate::db::Db;
use crate::events::EventBus;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: Arc<TokenKeys>,
    pub bus: EventBus,
    pub channels: ChannelCache,
    pub sessions: Arc<SessionCache>,
    /// Payment providers, the sandbox and our public address.
    pub payments: crate::services::payments::PaymentsRuntime,
    /// Outbox dispatch and sender wake-ups.
    pub notifications: crate::services::notifications::NotificationsRuntime,
}
