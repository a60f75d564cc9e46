//! Customer email: planned from outbox events by the dispatcher, rendered
//! from per-language templates, sent through lettre (SMTP, or `.eml` files
//! in the data dir when no SMTP server is configured).

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::outbox::OutboxEvent;
use crate::error::AppResult;

/// Plans the emails `events` call for, in the dispatcher's transaction.
pub(crate) async fn plan(
    _db: &impl ConnectionTrait,
    _events: &[OutboxEvent],
    _now: DateTime<Utc>,
) -> AppResult<()> {
    Ok(())
}
