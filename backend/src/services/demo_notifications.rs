//! A demo partner webhook endpoint, registered by the demo admin before the
//! demo orders so their events become deliveries the console's webhook log
//! shows. Its host is under `.invalid` (RFC 2606: it never resolves), so
//! the log shows what a partner outage looks like: attempts, the error,
//! retries with backoff, and after the retry window the endpoint disabled
//! with its owner emailed. The demo orders' emails go to `<data dir>/mail`
//! as `.eml` files (no SMTP server configured) and show in each order's
//! notification log.

use entity::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::auth::{Principal, Role};
use crate::domain::notifications::EventType;
use crate::domain::webhooks::EventFilter;
use crate::error::AppResult;
use crate::state::AppState;

/// The demo endpoint's URL.
pub const DEMO_WEBHOOK_URL: &str = "https://erp.partner.invalid/oms/webhooks";

/// Registers the demo endpoint for the demo admin (past the address check,
/// which would rightly refuse a host that does not resolve).
pub async fn seed_demo_webhook(state: &AppState) -> AppResult<()> {
    let Some(admin) = user::Entity::find()
        .filter(user::Column::Email.eq("admin@example.com"))
        .first(&state.db.conn)
        .await?
    else {
        return Ok(());
    };
    let owner = Principal::User {
        id: admin.id,
        role: Role::Admin,
        session_id: Uuid::nil(),
        email: admin.email,
        name: admin.name,
    };
    let events = EventFilter::Only(vec![
        EventType::OrderPlaced,
        EventType::OrderPaid,
        EventType::ShipmentShipped,
        EventType::RefundSucceeded,
    ]);
    crate::services::webhooks::endpoints::register(
        state,
        &owner,
        DEMO_WEBHOOK_URL,
        &events,
        Some("Partner ERP (demo; its host never resolves)".into()),
        None,
    )
    .await?;
    Ok(())
}
