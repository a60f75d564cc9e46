//! Returns and exchanges (RMA) of delivered orders.
//!
//! (The `returns` area's owner fills this in; only the capability check the
//! order page reads exists yet.)

use crate::domain::auth::Principal;
use crate::domain::orders::Order;
use crate::error::AppResult;
use crate::state::AppState;

/// Whether `p` may request a return or exchange on `order` now.
pub async fn can_return(_state: &AppState, _p: &Principal, _order: &Order) -> AppResult<bool> {
    Ok(false)
}
