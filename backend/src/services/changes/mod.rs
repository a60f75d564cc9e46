//! Order changes and line cancellations before shipping.
//!
//! (The `changes` area's owner fills this in; only the capability check the
//! order page reads exists yet.)

use crate::domain::auth::Principal;
use crate::domain::orders::Order;
use crate::error::AppResult;
use crate::state::AppState;

/// Whether `p` may request a change of `order` now.
pub async fn can_change(_state: &AppState, _p: &Principal, _order: &Order) -> AppResult<bool> {
    Ok(false)
}

/// Whether `p` may cancel some lines of `order` now.
pub async fn can_cancel_lines(
    _state: &AppState,
    _p: &Principal,
    _order: &Order,
) -> AppResult<bool> {
    Ok(false)
}
