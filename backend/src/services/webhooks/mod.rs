//! Outbound webhooks: endpoints third parties register ([`endpoints`]),
//! deliveries planned from outbox events by the dispatcher ([`plan`]), the
//! delivery log with redelivery ([`log`]), and the sender that signs,
//! posts and retries them ([`sender`]). The rules (URLs, forbidden
//! addresses, signatures, backoff) are in `domain::webhooks`.
//!
//! Who may manage endpoints: an admin (any endpoint; one without a channel
//! receives every channel's events) and an integration's API key (only
//! endpoints of its own channel, which receive only that channel's events).

pub mod endpoints;
pub mod log;
mod owner;
pub mod sender;

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::config::ConfigError;
use crate::domain::auth::{Principal, Role};
use crate::domain::webhooks::{DeliveryStatus, EventFilter, RetryPolicy, delivery_body};
use crate::error::{AppError, AppResult};
use crate::services::notifications::outbox::OutboxEvent;

/// Roles that may manage endpoints (integrations: their channel's only).
pub const WEBHOOK_MANAGERS: &[Role] = &[Role::Admin, Role::Integration];

/// Sending settings (`OMS_WEBHOOK_*`).
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// Backoff base and give-up window (`OMS_WEBHOOK_RETRY_BASE_MS`,
    /// default 10000; `OMS_WEBHOOK_RETRY_WINDOW_SECS`, default 86400).
    pub retry: RetryPolicy,
    /// An endpoint failing this long is disabled
    /// (`OMS_WEBHOOK_DISABLE_AFTER_SECS`, default 86400).
    pub disable_after: chrono::Duration,
    /// How long one attempt may take (`OMS_WEBHOOK_TIMEOUT_MS`, default 10000).
    pub timeout: std::time::Duration,
}

impl WebhookSettings {
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let num = |key: &'static str, default: i64, min: i64| -> Result<i64, ConfigError> {
            let v = match get(key) {
                None => default,
                Some(s) => s.parse::<i64>().map_err(|_| ConfigError::Invalid {
                    key,
                    reason: format!("expected a whole number, got {s:?}"),
                })?,
            };
            if v < min {
                return Err(ConfigError::Invalid {
                    key,
                    reason: format!("must be at least {min}"),
                });
            }
            Ok(v)
        };
        let base_ms = num("OMS_WEBHOOK_RETRY_BASE_MS", 10_000, 10)?;
        let window = num("OMS_WEBHOOK_RETRY_WINDOW_SECS", 86_400, 1)?;
        let disable = num("OMS_WEBHOOK_DISABLE_AFTER_SECS", 86_400, 1)?;
        let timeout_ms = num("OMS_WEBHOOK_TIMEOUT_MS", 10_000, 10)?;
        Ok(WebhookSettings {
            retry: RetryPolicy {
                base: chrono::Duration::milliseconds(base_ms),
                window: chrono::Duration::seconds(window),
            },
            disable_after: chrono::Duration::seconds(disable),
            timeout: std::time::Duration::from_millis(timeout_ms.unsigned_abs()),
        })
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            retry: RetryPolicy::default(),
            disable_after: chrono::Duration::hours(24),
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// An endpoint as callers see it (never its secret).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: EventFilter,
    pub channel_id: Option<Uuid>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<webhook_endpoint::Model> for Endpoint {
    fn from(m: webhook_endpoint::Model) -> Self {
        Endpoint {
            events: EventFilter::from_json(&m.event_types),
            id: m.id,
            url: m.url,
            description: m.description,
            channel_id: m.channel_id,
            enabled: m.enabled,
            disabled_reason: m.disabled_reason,
            failing_since: m.failing_since,
            created_at: m.created_at,
        }
    }
}

/// One line of the delivery log.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Option<i64>,
    pub event_type: String,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub redelivery_of: Option<Uuid>,
}

impl From<webhook_delivery::Model> for Delivery {
    fn from(m: webhook_delivery::Model) -> Self {
        let status = DeliveryStatus::parse(&m.status).unwrap_or(DeliveryStatus::Failed);
        Delivery {
            id: m.id,
            endpoint_id: m.endpoint_id,
            event_id: m.event_id,
            event_type: m.event_type,
            body: m.body,
            status,
            attempts: m.attempts,
            response_code: m.response_code,
            latency_ms: m.latency_ms,
            error: m.error,
            created_at: m.created_at,
            delivered_at: m.delivered_at,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(m.next_attempt_at),
            redelivery_of: m.redelivery_of,
        }
    }
}

/// The channel a principal is limited to: `Ok(None)` for an admin (every
/// channel), `Ok(Some(c))` for an integration key; other roles are refused.
pub(crate) fn scope(p: &Principal) -> AppResult<Option<Uuid>> {
    super::authorize(p, WEBHOOK_MANAGERS)?;
    Ok(match p {
        Principal::Integration { channel_id, .. } => Some(*channel_id),
        _ => None,
    })
}

/// An endpoint the principal may manage, or NOT_FOUND (another channel's
/// endpoints do not exist for an integration).
pub(crate) async fn visible_endpoint(
    db: &impl ConnectionTrait,
    p: &Principal,
    id: Uuid,
) -> AppResult<webhook_endpoint::Model> {
    let scope = scope(p)?;
    let found = webhook_endpoint::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(e) if scope.is_none() || e.channel_id == scope => Ok(e),
        _ => Err(AppError::NotFound("no such webhook endpoint".into())),
    }
}

/// Plans a delivery per enabled endpoint that wants each event, in the
/// dispatcher's transaction: the exact body is fixed now and signed at
/// each attempt. A channel-bound endpoint gets only its channel's events.
pub(crate) async fn plan(
    db: &impl ConnectionTrait,
    events: &[OutboxEvent],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if events.iter().all(|e| e.kind.is_none()) {
        return Ok(());
    }
    let endpoints: Vec<(webhook_endpoint::Model, EventFilter)> = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            let f = EventFilter::from_json(&e.event_types);
            (e, f)
        })
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::new();
    for event in events {
        let Some(kind) = event.kind else { continue };
        for (endpoint, filter) in &endpoints {
            let channel_ok =
                endpoint.channel_id.is_none() || endpoint.channel_id == event.channel_id;
            if !channel_ok || !filter.wants(kind) {
                continue;
            }
            let body = delivery_body(
                event.id,
                kind,
                event.at,
                &event.object,
                event.order_number.as_deref(),
                event.sequence,
            );
            rows.push(pending_row(
                endpoint.id,
                Some(event.id),
                kind.as_str(),
                body,
                None,
                now,
            ));
        }
    }
    // Bounded batches keep each statement under the databases' parameter limits.
    for chunk in rows.chunks(200) {
        webhook_delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A delivery waiting for its first attempt.
pub(crate) fn pending_row(
    endpoint_id: Uuid,
    event_id: Option<i64>,
    event_type: &str,
    body: String,
    redelivery_of: Option<Uuid>,
    now: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint_id),
        event_id: Set(event_id),
        event_type: Set(event_type.to_string()),
        body: Set(body),
        status: Set(DeliveryStatus::Pending.as_str().into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        response_code: Set(None),
        latency_ms: Set(None),
        error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        redelivery_of: Set(redelivery_of),
    }
}

#[cfg(test)]
mod tests;
