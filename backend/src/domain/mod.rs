//! Pure rules: values, policies and state machines. Nothing here touches
//! the database, HTTP or GraphQL; everything here is unit-tested in place.

pub mod actor;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod channels;
pub mod fulfillment;
pub mod inventory;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod returns;
pub mod reviews;
pub mod tickets;
pub mod time;
pub mod webhooks;
