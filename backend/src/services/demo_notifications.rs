//! A demo partner webhook endpoint, registered before the demo orders so
//! their events become deliveries the console's webhook log shows. Its
//! host is under `.invalid` (RFC 2606: it never resolves), so the log shows
//! what a partner outage looks like: attempts, the error, retries with
//! backoff, and after the retry window the endpoint disabled with its owner
//! told. The demo orders' emails go to `<data dir>/mail` as `.eml` files
//! (no SMTP server configured) and show in each order's notification log.

use chrono::Utc;
use entity::webhook_endpoint;
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use crate::domain::notifications::EventType;
use crate::error::AppResult;
use crate::state::AppState;

/// The demo endpoint's URL.
pub const DEMO_WEBHOOK_URL: &str = "https://erp.partner.invalid/oms/webhooks";

/// Registers the demo endpoint (written directly: registration would
/// rightly refuse a host that does not resolve).
pub async fn seed_demo_webhook(state: &AppState) -> AppResult<()> {
    let now = Utc::now();
    let types: Vec<&str> = [
        EventType::OrderPlaced,
        EventType::OrderPaid,
        EventType::ShipmentShipped,
        EventType::RefundSucceeded,
    ]
    .iter()
    .map(|t| t.as_str())
    .collect();
    let tx = state.db.begin_write().await?;
    webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(DEMO_WEBHOOK_URL.into()),
        description: Set(Some("Partner ERP (demo; its host never resolves)".into())),
        event_types: Set(serde_json::Value::from(types).to_string()),
        secret: Set(format!(
            "{}{}",
            crate::services::webhooks::endpoints::SECRET_PREFIX,
            crate::crypto::random_token(32)
        )),
        owner: Set("system".into()),
        owner_email: Set(Some("admin@example.com".into())),
        channel_id: Set(None),
        enabled: Set(true),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
