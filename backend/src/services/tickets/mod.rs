//! Service tickets: customers ask, support answers.
//!
//! (The `tickets` area's owner fills this in; only the capability check the
//! order page reads exists yet.)

use crate::domain::auth::Principal;
use crate::domain::orders::Order;
use crate::error::AppResult;
use crate::state::AppState;

/// Whether `p` may open a ticket about `order` now.
pub async fn can_open_ticket(_state: &AppState, _p: &Principal, _order: &Order) -> AppResult<bool> {
    Ok(false)
}
