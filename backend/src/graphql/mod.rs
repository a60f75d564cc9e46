//! The GraphQL API: the only API. Resolvers are thin: they take the caller
//! from the context, call one service function and map the result.

pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod channels;
pub mod context;
pub mod doc_cache;
pub mod fulfillment;
pub mod inventory;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod notifications;
pub mod notifications_types;
pub mod orders;
pub mod payments;
pub mod returns;
pub mod reviews;
pub mod schema;
pub mod service_actions;
pub mod tickets;
pub mod types;
pub mod users;
pub mod webhooks;

pub use schema::{OmsSchema, build_schema};
