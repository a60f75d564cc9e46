//! What every request handler and service shares.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::events::EventBus;
use crate::services::auth::{SessionCache, TokenKeys};
use crate::services::channels::ChannelCache;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: Arc<TokenKeys>,
    pub bus: EventBus,
    pub channels: ChannelCache,
    pub sessions: Arc<SessionCache>,
}
