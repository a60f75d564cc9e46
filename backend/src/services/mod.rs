//! Use cases. Each command runs in one transaction, checks the caller's
//! rights first, and publishes events only after commit.

pub mod actors;
pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod changes;
pub mod channels;
pub mod demo_changes;
pub mod demo_fulfillment;
pub mod demo_notifications;
pub mod demo_orders;
pub mod demo_returns;
pub mod demo_reviews;
pub mod demo_tickets;
pub mod fulfillment;
pub mod inventory;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod returns;
pub mod reviews;
pub mod seed;
pub mod tickets;
pub mod users;
pub mod webhooks;

use crate::domain::auth::{Denied, Principal, Role, require_role};
use crate::error::AppError;

/// Default-deny role check in service terms.
pub fn authorize(p: &Principal, roles: &[Role]) -> Result<(), AppError> {
    require_role(p, roles).map_err(|d| match d {
        Denied::Unauthenticated => AppError::Unauthenticated("sign in first".into()),
        Denied::Forbidden => AppError::Forbidden("your role may not do this".into()),
    })
}
