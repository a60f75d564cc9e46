//! Black-box tests: every test starts the real `oms serve` binary on a random
//! port with a fresh database and talks to it as a client would.
//!
//! Build the server first: `cargo build -p backend`, then `cargo test -p tests`.
//! `TEST_DATABASE_URL=postgres://...` runs everything against PostgreSQL.

mod helpers;

mod after_sales_journey;
mod assets;
mod auth;
mod authz_matrix;
mod browser;
mod cli;
mod config;
mod demo;
mod graphql_limits;
mod portal;
mod portal_fulfillment;
mod portal_notifications;
mod portal_orders;
mod portal_payments;
mod portal_returns;
mod portal_reviews;
mod portal_webhooks;
mod schema;
mod schema_walk;
mod service_desk;
mod subscriptions;

mod mail_helpers;
mod order_helpers;
mod payment_signing;

mod fulfillment;
mod fulfillment_live;
mod fulfillment_pickup;
mod fulfillment_settings;
mod fulfillment_tracking;
mod integrations;
mod inventory;
mod live;
mod live_resume;
mod notifications_email;
mod order_changes;
mod order_changes_portal;
mod orders;
mod outage;
mod outbox;
mod payments;
mod payments_config;
mod payments_gateway;
mod payments_races;
mod payments_refund_numbers;
mod payments_timeline;
mod payments_webhooks;
mod race;
mod returns;
mod returns_races;
mod returns_window;
mod reviews;
mod reviews_helpers;
mod tickets;
mod tickets_portal;
mod timeline;
mod webhook_receiver;
mod webhooks;
