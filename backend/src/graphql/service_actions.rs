//! What the caller may do after placement (`Order.serviceActions`): the
//! portal and console show "Change order", "Cancel items", "Return or
//! exchange", "Get help" and "Write a review" from this list, never from
//! rules of their own. Each area decides its own action.

use async_graphql::{Context, Enum, Result};

use super::context::{principal, state};
use crate::domain::orders::Order;
use crate::services::{changes, returns, reviews, tickets};

/// An after-sales action on an order.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceAction {
    /// Change the address, quantities, lines or delivery method before it ships.
    ChangeOrder,
    /// Cancel some lines or units before they ship.
    CancelItems,
    /// Return or exchange delivered items within the return window.
    ReturnOrExchange,
    /// Open a service ticket about the order.
    GetHelp,
    /// Review a delivered product not reviewed yet.
    WriteReview,
}

/// The actions the caller may take on `order` now, in display order.
pub async fn for_order(ctx: &Context<'_>, order: &Order) -> Result<Vec<ServiceAction>> {
    let (s, p) = (state(ctx)?, principal(ctx));
    let mut out = Vec::new();
    if changes::can_change(s, p, order).await? {
        out.push(ServiceAction::ChangeOrder);
    }
    if changes::can_cancel_lines(s, p, order).await? {
        out.push(ServiceAction::CancelItems);
    }
    if returns::can_return(s, p, order).await? {
        out.push(ServiceAction::ReturnOrExchange);
    }
    if tickets::can_open_ticket(s, p, order).await? {
        out.push(ServiceAction::GetHelp);
    }
    if reviews::can_review(s, p, order).await? {
        out.push(ServiceAction::WriteReview);
    }
    Ok(out)
}
