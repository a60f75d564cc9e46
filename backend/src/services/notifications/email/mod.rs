//! Customer email: planned from outbox events by the dispatcher (one
//! `notifications` row per event and template, in the dispatcher's
//! transaction), rendered from per-language templates when sent, and sent
//! through lettre by the mail worker ([`send`]): SMTP, or `.eml` files in
//! `<data dir>/mail` when no SMTP server is configured. The rows are the
//! notification log customers and staff read ([`log`]); templates and
//! preferences are edited through [`templates`] and [`log`].

mod context;
pub mod log;
pub mod send;
pub mod templates;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{notification, notification_preference, order};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::outbox::OutboxEvent;
use crate::config::ConfigError;
use crate::domain::notifications::email::{Language, Preferences, RetryPolicy, Template};
use crate::error::AppResult;

/// Notification statuses as stored.
pub const PENDING: &str = "PENDING";
pub const SENT: &str = "SENT";
pub const FAILED: &str = "FAILED";
pub const SKIPPED: &str = "SKIPPED";
/// The only channel today.
pub const EMAIL: &str = "EMAIL";

/// The mail worker's settings (`OMS_MAIL_*`).
#[derive(Clone, Copy, Debug)]
pub struct MailSettings {
    pub retry: RetryPolicy,
    /// How long a worker may hold a claimed email before another may take it.
    pub lease: Duration,
}

impl MailSettings {
    /// Reads `OMS_MAIL_RETRY_BASE_MS` (default 30 000), `OMS_MAIL_RETRY_MAX_MS`
    /// (default one hour), `OMS_MAIL_MAX_ATTEMPTS` (default 8) and
    /// `OMS_MAIL_LEASE_SECS` (default 120).
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let num = |key: &'static str, default: u64, min: u64| -> Result<u64, ConfigError> {
            let v = crate::config::parse_num(&get(key), key, default)?;
            if v < min {
                return Err(ConfigError::Invalid {
                    key,
                    reason: format!("must be at least {min}"),
                });
            }
            Ok(v)
        };
        let base = num("OMS_MAIL_RETRY_BASE_MS", 30_000, 10)?;
        let max = num("OMS_MAIL_RETRY_MAX_MS", 3_600_000, base)?;
        let attempts = num("OMS_MAIL_MAX_ATTEMPTS", 8, 1)?;
        let lease = num("OMS_MAIL_LEASE_SECS", 120, 1)?;
        Ok(MailSettings {
            retry: RetryPolicy {
                base: Duration::from_millis(base),
                max_delay: Duration::from_millis(max),
                max_attempts: attempts.min(1000) as i32,
            },
            lease: Duration::from_secs(lease),
        })
    }
}

/// A customer's preferences (defaults when they stored none).
pub(crate) async fn preferences_of(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
) -> AppResult<Preferences> {
    let Some(id) = user_id else {
        return Ok(Preferences::default());
    };
    Ok(notification_preference::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(preferences_from_row)
        .unwrap_or_default())
}

fn preferences_from_row(row: notification_preference::Model) -> Preferences {
    Preferences {
        language: row
            .language
            .as_deref()
            .and_then(Language::parse)
            .unwrap_or(Language::En),
        shipping_updates: row.shipping_updates,
        service_updates: row.service_updates,
    }
}

/// Plans the emails `events` call for, in the dispatcher's transaction:
/// a PENDING row per event with a template, or a SKIPPED one (with the
/// reason) when the customer turned that mail off or has no address.
/// The unique (event, template) index keeps a replayed event from
/// planning twice.
pub(crate) async fn plan(
    db: &impl ConnectionTrait,
    events: &[OutboxEvent],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let wanted: Vec<(&OutboxEvent, Template, Uuid)> = events
        .iter()
        .filter_map(|e| Some((e, e.kind.and_then(Template::for_event)?, e.order_id?)))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    // The batch's orders and their customers' preferences, one query each.
    let order_ids: BTreeSet<Uuid> = wanted.iter().map(|w| w.2).collect();
    let orders: HashMap<Uuid, order::Model> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let customer_ids: BTreeSet<Uuid> = orders.values().filter_map(|o| o.customer_id).collect();
    let prefs: HashMap<Uuid, Preferences> = notification_preference::Entity::find()
        .filter(notification_preference::Column::UserId.is_in(customer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, preferences_from_row(row)))
        .collect();
    let mut rows = Vec::with_capacity(wanted.len());
    for (event, template, order_id) in wanted {
        let Some(o) = orders.get(&order_id) else {
            continue;
        };
        let prefs = o
            .customer_id
            .and_then(|id| prefs.get(&id).copied())
            .unwrap_or_default();
        let recipient = o.customer_email.trim().to_string();
        let skipped = if recipient.is_empty() {
            Some("the order has no email address")
        } else {
            prefs.skip_reason(template)
        };
        rows.push(notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            event_id: Set(Some(event.id)),
            order_id: Set(Some(o.id)),
            user_id: Set(o.customer_id),
            channel: Set(EMAIL.into()),
            template: Set(template.as_str().into()),
            language: Set(prefs.language.as_str().into()),
            recipient: Set(recipient),
            subject: Set(None),
            status: Set(if skipped.is_some() { SKIPPED } else { PENDING }.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            error: Set(skipped.map(str::to_string)),
            sent_at: Set(None),
            created_at: Set(now),
            resend_of: Set(None),
            data: Set(None),
        });
    }
    // Bounded batches keep each statement under the databases' parameter limits.
    for chunk in rows.chunks(200) {
        notification::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    notification::Column::EventId,
                    notification::Column::Template,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
