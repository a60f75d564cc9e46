//! The schema root: per-area parts merged into Query, Mutation and
//! Subscription, with the limits configured once.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use super::api_keys::{ApiKeysMutation, ApiKeysQuery};
use super::auth::{AuthMutation, AuthQuery};
use super::catalog::{CatalogMutation, CatalogQuery};
use super::changes::{ChangesMutation, ChangesQuery};
use super::channels::{ChannelsMutation, ChannelsQuery};
use super::doc_cache::DocumentCache;
use super::fulfillment::{FulfillmentMutation, FulfillmentQuery};
use super::inventory::{InventoryMutation, InventoryQuery, InventorySubscription};
use super::limits::{ErrorCodes, ShapeLimits};
use super::live::LiveSubscription;
use super::notifications::{NotificationsMutation, NotificationsQuery};
use super::orders::{OrdersMutation, OrdersQuery};
use super::payments::{PaymentsMutation, PaymentsQuery};
use super::returns::{ReturnsMutation, ReturnsQuery};
use super::reviews::{ReviewsMutation, ReviewsQuery};
use super::tickets::{TicketsMutation, TicketsQuery};
use super::users::{UsersMutation, UsersQuery};
use super::webhooks::{WebhooksMutation, WebhooksQuery};
use crate::config::Config;

/// Read operations: the catalog, stock, users and the signed-in user.
#[derive(MergedObject, Default)]
pub struct Query(
    ApiKeysQuery,
    AuthQuery,
    CatalogQuery,
    ChangesQuery,
    ChannelsQuery,
    FulfillmentQuery,
    InventoryQuery,
    NotificationsQuery,
    OrdersQuery,
    PaymentsQuery,
    ReturnsQuery,
    ReviewsQuery,
    TicketsQuery,
    UsersQuery,
    WebhooksQuery,
);

/// Commands: sign-in and accounts, orders, stock.
#[derive(MergedObject, Default)]
pub struct Mutation(
    ApiKeysMutation,
    AuthMutation,
    CatalogMutation,
    ChangesMutation,
    ChannelsMutation,
    FulfillmentMutation,
    InventoryMutation,
    NotificationsMutation,
    OrdersMutation,
    PaymentsMutation,
    ReturnsMutation,
    ReviewsMutation,
    TicketsMutation,
    UsersMutation,
    WebhooksMutation,
);

/// Live feeds over WebSocket (graphql-transport-ws).
#[derive(MergedSubscription, Default)]
pub struct Subscription(InventorySubscription, LiveSubscription);

pub type OmsSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with the configured limits. Request data (caller,
/// state, loaders) is attached per request by the HTTP layer.
pub fn build_schema(config: &Config) -> OmsSchema {
    let mut b = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // Depth and complexity are our own (ShapeLimits): async-graphql's
    // count introspection as data and refuse graphql-js' standard query.
    .limit_recursive_depth(32)
    .extension(ShapeLimits {
        max_depth: config.graphql_max_depth,
        max_complexity: config.graphql_max_complexity,
        max_aliases: config.graphql_max_aliases,
    })
    .extension(ErrorCodes)
    // Last: the innermost parse step, so the limits above see every document.
    .extension(DocumentCache::default());
    if !config.graphql_introspection {
        b = b.disable_introspection().disable_suggestions();
    }
    b.finish()
}

/// The SDL as committed in `schema.graphql`.
pub fn sdl() -> String {
    let defaults = Config::from_vars(&Default::default());
    match defaults {
        Ok(c) => build_schema(&c).sdl(),
        Err(e) => format!("# cannot build schema: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
    use async_graphql::{Response, Value};

    use super::*;

    /// Stops every request after validation: resolvers never run, so the
    /// documents can be checked without a database.
    struct ValidateOnly;
    struct ValidateOnlyExt;
    impl ExtensionFactory for ValidateOnly {
        fn create(&self) -> Arc<dyn Extension> {
            Arc::new(ValidateOnlyExt)
        }
    }
    #[async_graphql::async_trait::async_trait]
    impl Extension for ValidateOnlyExt {
        async fn execute(
            &self,
            _ctx: &ExtensionContext<'_>,
            _operation_name: Option<&str>,
            _next: NextExecute<'_>,
        ) -> Response {
            Response::new(Value::Null)
        }
    }

    /// Every document the portal sends is valid against this schema, so a
    /// renamed field breaks this test rather than a page.
    #[tokio::test]
    async fn every_frontend_document_validates_against_the_schema() {
        let schema = Schema::build(
            Query::default(),
            Mutation::default(),
            Subscription::default(),
        )
        .extension(ValidateOnly)
        .finish();
        assert!(!frontend::api::queries::ALL.is_empty());
        let console_shipments = frontend::api::shipments_console::DOCUMENTS;
        let notifications = frontend::api::notifications::DOCUMENTS;
        let webhooks = frontend::api::webhooks::DOCUMENTS;
        let reviews = frontend::api::reviews::DOCUMENTS;
        let returns = frontend::api::returns::DOCUMENTS;
        let tickets = frontend::api::tickets::DOCUMENTS;
        let changes = frontend::api::changes::DOCUMENTS;
        let desk = frontend::api::service_desk::DOCUMENTS;
        for (name, doc) in frontend::api::queries::ALL
            .iter()
            .chain(console_shipments)
            .chain(notifications)
            .chain(webhooks)
            .chain(reviews)
            .chain(returns)
            .chain(tickets)
            .chain(changes)
            .chain(desk)
        {
            let resp = schema.execute(*doc).await;
            let problems: Vec<String> = resp.errors.iter().map(|e| e.message.clone()).collect();
            assert!(problems.is_empty(), "{name}: {problems:?}");
        }
    }

    #[tokio::test]
    async fn a_wrong_document_is_caught() {
        let schema = Schema::build(
            Query::default(),
            Mutation::default(),
            Subscription::default(),
        )
        .extension(ValidateOnly)
        .finish();
        let resp = schema
            .execute("query { products { edges { node { nope } } } }")
            .await;
        assert!(!resp.errors.is_empty());
    }
}
