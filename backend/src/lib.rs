//! The OMS server as a library: `main.rs` only parses the command line and
//! calls in here; black-box tests start the `oms` binary.

pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
