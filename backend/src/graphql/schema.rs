//! The schema root: per-area parts merged into Query, Mutation and
//! Subscription, with the limits configured once.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use super::api_keys::{ApiKeysMutation, ApiKeysQuery};
use super::auth::{AuthMutation, AuthQuery};
use super::catalog::CatalogQuery;
use super::inventory::{InventoryMutation, InventoryQuery, InventorySubscription};
use super::limits::AliasLimit;
use super::orders::{OrdersMutation, OrdersQuery};
use super::users::{UsersMutation, UsersQuery};
use crate::config::Config;

/// Read operations: the catalog, stock, users and the signed-in user.
#[derive(MergedObject, Default)]
pub struct Query(
    ApiKeysQuery,
    AuthQuery, CatalogQuery, InventoryQuery, OrdersQuery, UsersQuery);

/// Commands: sign-in and accounts, orders, stock.
#[derive(MergedObject, Default)]
pub struct Mutation(
    ApiKeysMutation,
    AuthMutation, InventoryMutation, OrdersMutation, UsersMutation);

/// Live feeds over WebSocket (graphql-transport-ws).
#[derive(MergedSubscription, Default)]
pub struct Subscription(InventorySubscription);

pub type OmsSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with the configured limits. Request data (caller,
/// state, loaders) is attached per request by the HTTP layer.
pub fn build_schema(config: &Config) -> OmsSchema {
    let mut b = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .limit_depth(config.graphql_max_depth)
        .limit_complexity(config.graphql_max_complexity)
        .limit_recursive_depth(32)
        .extension(AliasLimit(config.graphql_max_aliases));
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
