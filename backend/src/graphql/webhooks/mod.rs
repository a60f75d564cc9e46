//! Outbound webhooks over GraphQL: endpoints (admin, or an integration for
//! its own channel), the delivery log and redelivery. Resolvers only
//! translate; the rules are in `services::webhooks` and `domain::webhooks`.

mod types;

use async_graphql::{Context, ID, Object, Result};
use uuid::Uuid;

pub use types::*;

use super::context::{RoleGuard, principal, state};
use super::types::{offset_after, offset_page};
use crate::error::AppError;
use crate::services::webhooks::{self as svc, WEBHOOK_MANAGERS, endpoints, log};

fn parse_id(raw: &ID, field: &str) -> Result<Uuid, AppError> {
    super::types::id_arg(raw, field, "is not a valid id")
}

fn domain_types(
    types: Vec<super::notifications_types::EventType>,
) -> Vec<crate::domain::notifications::EventType> {
    types.into_iter().map(Into::into).collect()
}

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// Webhook endpoints, newest first: every one for an admin; an
    /// integration's own channel's for its API key.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> Result<Vec<WebhookEndpoint>> {
        Ok(endpoints::list(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(WebhookEndpoint)
            .collect())
    }

    /// One endpoint's delivery log, newest first.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] endpoint_id: ID,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<WebhookDeliveryConnection> {
        let id = parse_id(&endpoint_id, "endpointId")?;
        let offset = offset_after(after.as_deref())?;
        let page = log::deliveries(
            state(ctx)?,
            principal(ctx),
            id,
            first.clamp(1, 100) as u64,
            offset,
        )
        .await?;
        let (cursors, page_info) = offset_page(page.offset, page.items.len(), page.has_next);
        let edges = cursors
            .into_iter()
            .zip(page.items)
            .map(|(cursor, d)| WebhookDeliveryEdge {
                cursor,
                node: WebhookDelivery(d),
            })
            .collect();
        Ok(WebhookDeliveryConnection {
            edges,
            page_info,
            total_count: page.total as i64,
        })
    }
}

#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers an endpoint (admin; an integration's API key for its own
    /// channel). A malformed or non-http(s) URL, one on a loopback,
    /// private or link-local address, or no event types is INVALID_INPUT
    /// and nothing is stored. The secret is returned this once.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookEndpointInput,
    ) -> Result<CreatedWebhookEndpoint> {
        let created = endpoints::create(
            state(ctx)?,
            principal(ctx),
            endpoints::NewEndpoint {
                url: input.url,
                event_types: domain_types(input.event_types),
                description: input.description,
            },
        )
        .await?;
        Ok(CreatedWebhookEndpoint {
            endpoint: WebhookEndpoint(created.endpoint),
            secret: created.secret,
        })
    }

    /// Changes an endpoint: URL, event types, description, enabled.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] id: ID,
        input: UpdateWebhookEndpointInput,
    ) -> Result<WebhookEndpoint> {
        let id = parse_id(&id, "id")?;
        let changes = endpoints::EndpointChanges {
            url: input.url,
            event_types: input.event_types.map(domain_types),
            description: input.description,
            enabled: input.enabled,
        };
        Ok(WebhookEndpoint(
            endpoints::update(state(ctx)?, principal(ctx), id, changes).await?,
        ))
    }

    /// Removes an endpoint and its delivery log; returns it as it was.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] id: ID,
    ) -> Result<WebhookEndpoint> {
        let id = parse_id(&id, "id")?;
        Ok(WebhookEndpoint(
            endpoints::delete(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Sends a delivery's body again, as a new delivery signed afresh
    /// (its `redeliveryOf` names the original). CONFLICT while the
    /// endpoint is disabled.
    #[graphql(guard = "RoleGuard(WEBHOOK_MANAGERS)")]
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery to send again.")] delivery_id: ID,
    ) -> Result<WebhookDelivery> {
        let id = parse_id(&delivery_id, "deliveryId")?;
        Ok(WebhookDelivery(
            svc::log::redeliver(state(ctx)?, principal(ctx), id).await?,
        ))
    }
}
