//! Order changes and line cancellations before shipping.
//!
//! * `commands`: preview, request (applied at once or left for support),
//!   approve, reject, cancel lines — one transaction each, the order row
//!   locked first;
//! * `load`: what a change reads under that lock (lines, shipments, where
//!   stock comes from and goes back to);
//! * `apply`: the writes — stock through the ledger (no oversell: the
//!   placement's conditional allocation), shipments adjusted or re-opened,
//!   lines with their history, totals, refunds through payments, the
//!   timeline and the outbox;
//! * `stored` / `queries`: the request as stored and read.
//!
//! The rules themselves (pricing, what needs approval) are pure, in
//! `domain::changes`.

mod apply;
mod commands;
mod load;
mod queries;
mod shipments;
mod stored;

pub use commands::{
    approve_change_request, cancel_order_lines, preview_order_change, reject_change_request,
    request_order_change,
};
pub use queries::{ChangeRequestPage, find_change_request, for_order, list_change_requests};
pub use stored::{ChangeRequest, Preview, PreviewLine, StockEffect, StoredAddress};

use crate::domain::auth::{Principal, Role};
use crate::domain::orders::{Order, OrderStatus};
use crate::error::AppResult;
use crate::state::AppState;

fn may_ask(p: &Principal, order: &Order) -> bool {
    match p.role() {
        Some(Role::Support | Role::Admin) => true,
        Some(Role::Customer) => order.customer.id.is_some() && order.customer.id == p.user_id(),
        _ => false,
    }
}

/// Whether `p` may request a change of `order` now: its customer, support
/// or an admin, before everything shipped.
pub async fn can_change(_state: &AppState, p: &Principal, order: &Order) -> AppResult<bool> {
    Ok(may_ask(p, order)
        && matches!(
            order.status,
            OrderStatus::PendingPayment
                | OrderStatus::Confirmed
                | OrderStatus::Processing
                | OrderStatus::PartiallyShipped
        ))
}

/// Whether `p` may cancel some lines of `order` now: customers until the
/// warehouse started on it, support and admins until everything shipped.
pub async fn can_cancel_lines(_state: &AppState, p: &Principal, order: &Order) -> AppResult<bool> {
    let staff = matches!(p.role(), Some(Role::Support | Role::Admin));
    Ok(may_ask(p, order)
        && match order.status {
            OrderStatus::PendingPayment | OrderStatus::Confirmed => true,
            OrderStatus::Processing | OrderStatus::PartiallyShipped => staff,
            _ => false,
        })
}
