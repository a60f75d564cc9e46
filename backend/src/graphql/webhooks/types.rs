//! The webhook API's types: endpoints, the secret shown once, the delivery
//! log and its paging, and the inputs.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use super::super::channels::Channel;
use super::super::context::state;
use super::super::notifications_types::EventType;
use super::super::types::PageInfo;
use crate::domain::notifications::EventType as DomainEventType;
use crate::domain::webhooks::{DeliveryStatus, EventFilter};
use crate::services::webhooks as svc;

fn local(ctx: &Context<'_>, t: DateTime<Utc>) -> Result<DateTime<FixedOffset>> {
    Ok(state(ctx)?.config.time_zone.local(t))
}

/// An endpoint's record (the service's view).
pub struct WebhookEndpoint(pub svc::Endpoint);

/// A URL that receives signed events (see the README's "Webhooks").
#[Object]
impl WebhookEndpoint {
    /// Stable opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Where deliveries are posted (http or https).
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The event types it receives.
    async fn event_types(&self) -> Vec<EventType> {
        match &self.0.events {
            EventFilter::All => DomainEventType::ALL.into_iter().map(Into::into).collect(),
            EventFilter::Only(types) => types.iter().map(|t| EventType::from(*t)).collect(),
        }
    }
    /// The same as wire names, as in each delivery's `type` (e.g. `order.placed`).
    async fn event_type_names(&self) -> Vec<String> {
        self.0.events.names()
    }
    /// Deliveries are sent; false once disabled (by hand, or after failing
    /// for 24 hours: see `disabledReason`).
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Why it was disabled.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// Deliveries have failed without a success since then.
    async fn failing_since(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        self.0.failing_since.map(|t| local(ctx, t)).transpose()
    }
    /// When it was registered, in the merchant's time zone.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        local(ctx, self.0.created_at)
    }
    /// The channel whose events it receives (an integration's endpoint);
    /// none: every channel's.
    async fn channel(&self, ctx: &Context<'_>) -> Result<Option<Channel>> {
        let Some(id) = self.0.channel_id else {
            return Ok(None);
        };
        Ok(Some(
            crate::services::channels::by_id(state(ctx)?, id)
                .await?
                .into(),
        ))
    }
}

/// A new endpoint with its signing secret: the secret is shown this once.
#[derive(SimpleObject)]
pub struct CreatedWebhookEndpoint {
    /// The endpoint's record.
    pub endpoint: WebhookEndpoint,
    /// The HMAC-SHA256 key deliveries are signed with (`whsec_…`); store it now.
    pub secret: String,
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first attempt or a retry (`nextAttemptAt`).
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Given up: retries ran out after 24 hours, the address was refused,
    /// or the endpoint was disabled.
    Failed,
}

impl From<DeliveryStatus> for WebhookDeliveryStatus {
    fn from(s: DeliveryStatus) -> Self {
        match s {
            DeliveryStatus::Pending => WebhookDeliveryStatus::Pending,
            DeliveryStatus::Succeeded => WebhookDeliveryStatus::Succeeded,
            DeliveryStatus::Failed => WebhookDeliveryStatus::Failed,
        }
    }
}

/// A delivery's record (the service's view).
pub struct WebhookDelivery(pub svc::Delivery);

/// One event sent (or to be sent) to one endpoint: a line of the delivery log.
#[Object]
impl WebhookDelivery {
    /// Stable opaque id (pass it to `redeliverWebhook`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The endpoint it goes to.
    async fn endpoint_id(&self) -> ID {
        ID(self.0.endpoint_id.to_string())
    }
    /// The event's id (the body's `id`, header `X-OMS-Event-Id`).
    async fn event_id(&self) -> Option<i64> {
        self.0.event_id
    }
    /// The event's type.
    async fn event_type(&self) -> Option<EventType> {
        DomainEventType::parse(&self.0.event_type).map(Into::into)
    }
    /// The event's wire name, e.g. `order.placed` (header `X-OMS-Event-Type`).
    async fn event_type_name(&self) -> &str {
        &self.0.event_type
    }
    /// Where it stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The HTTP status of the last answer, if one came.
    async fn response_code(&self) -> Option<i32> {
        self.0.response_code
    }
    /// How long the last attempt took, in milliseconds.
    async fn latency_ms(&self) -> Option<i64> {
        self.0.latency_ms
    }
    /// Why the last attempt failed (a status, a timeout, a refused address).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When it was planned.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        local(ctx, self.0.created_at)
    }
    /// When the endpoint accepted it.
    async fn delivered_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        self.0.delivered_at.map(|t| local(ctx, t)).transpose()
    }
    /// When the next attempt is due (PENDING only).
    async fn next_attempt_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        self.0.next_attempt_at.map(|t| local(ctx, t)).transpose()
    }
    /// The delivery this one sends again (`redeliverWebhook`).
    async fn redelivery_of(&self) -> Option<ID> {
        self.0.redelivery_of.map(|id| ID(id.to_string()))
    }
    /// The JSON body exactly as sent (the signature covers these bytes).
    async fn body(&self) -> &str {
        &self.0.body
    }
}

/// One delivery in a page of the log.
#[derive(SimpleObject)]
pub struct WebhookDeliveryEdge {
    /// Pass as `after` to continue after this delivery.
    pub cursor: String,
    /// The delivery.
    pub node: WebhookDelivery,
}

/// A page of an endpoint's delivery log, newest first.
#[derive(SimpleObject)]
pub struct WebhookDeliveryConnection {
    /// The deliveries of this page.
    pub edges: Vec<WebhookDeliveryEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    /// Deliveries in the whole log.
    pub total_count: i64,
}

/// A new endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// An http(s) URL on a public address (no user name or password).
    pub url: String,
    /// The event types to receive, at least one.
    pub event_types: Vec<EventType>,
    /// What it is for, up to 500 characters.
    pub description: Option<String>,
}

/// Changes to an endpoint; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateWebhookEndpointInput {
    /// A new URL (checked as at registration).
    pub url: Option<String>,
    /// A new list of event types, at least one.
    pub event_types: Option<Vec<EventType>>,
    /// A new description; an empty one removes it.
    pub description: Option<String>,
    /// Turn deliveries off or on; turning on clears the failure streak and
    /// the disabled reason.
    pub enabled: Option<bool>,
}
