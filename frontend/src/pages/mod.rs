//! One file per page (or per group of pages of one area). Pages import
//! components, api, i18n, session and such, never another page nor the
//! app (`frontend/tests/layering.rs` checks).

pub mod cart;
pub mod changes;
pub mod checkout;
pub mod console;
pub mod console_changes;
pub mod console_inventory;
pub mod console_new_order;
pub mod console_orders;
pub mod console_payments;
pub mod console_returns;
pub mod console_reviews;
pub mod console_service;
pub mod console_shipment;
pub mod console_shipments;
pub mod console_tickets;
pub mod console_webhooks;
pub mod login;
pub mod notifications;
pub mod orders;
pub mod product;
pub mod products;
pub mod register;
pub mod returns;
pub mod reviews;
pub mod tickets;
