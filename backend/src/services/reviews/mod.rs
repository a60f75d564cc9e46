//! Product reviews of delivered order lines, with moderation.
//!
//! (The `reviews` area's owner fills this in; only the capability check the
//! order page reads exists yet.)

use crate::domain::auth::Principal;
use crate::domain::orders::Order;
use crate::error::AppResult;
use crate::state::AppState;

/// Whether `p` may review a line of `order` now (some delivered line not
/// yet reviewed).
pub async fn can_review(_state: &AppState, _p: &Principal, _order: &Order) -> AppResult<bool> {
    Ok(false)
}
