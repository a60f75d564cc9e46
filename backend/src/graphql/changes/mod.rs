//! Order changes over GraphQL: preview a change, request it, support's
//! approval or rejection, cancelling lines, and the service desk's queue.

use async_graphql::{Context, ID, Object, Result};

use super::context::{principal, state};
use super::orders::Order;
use super::types::id_arg;
use crate::services::changes as svc;

mod types;

pub use types::*;

#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// Prices a change of an order that has not shipped, without making
    /// it: the lines before and after, the difference to pay or to get
    /// back, the stock it moves, and whether support must approve it. For
    /// the order's customer, support and admins.
    async fn preview_order_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order's number.")] number: String,
        #[graphql(desc = "What to change.")] input: OrderChangeInput,
    ) -> Result<OrderChangePreview> {
        Ok(
            svc::preview_order_change(state(ctx)?, principal(ctx), &number, input.into())
                .await?
                .into(),
        )
    }

    /// The change request queue of the service desk (support and admins),
    /// PENDING first, with counts per status.
    async fn change_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters.")] filter: Option<ChangeRequestFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<ChangeRequestConnection> {
        let status = filter.unwrap_or_default().status.map(Into::into);
        Ok(
            svc::list_change_requests(state(ctx)?, principal(ctx), status, first, after.as_deref())
                .await?
                .into(),
        )
    }

    /// One change request, for its order's customer and staff.
    async fn change_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
    ) -> Result<ChangeRequest> {
        let id = id_arg(&id, "id", "is not a change request id")?;
        Ok(svc::find_change_request(state(ctx)?, principal(ctx), id)
            .await?
            .into())
    }
}

#[derive(Default)]
pub struct ChangesMutation;

#[Object]
impl ChangesMutation {
    /// Asks for a change of an order that has not shipped. Applied at once
    /// when no approval is needed (an address change before picking,
    /// removals and decreases of units not being picked) or when support or
    /// an admin asks; otherwise PENDING until support decides. Applying
    /// re-allocates stock, adjusts the shipments, and refunds captured money
    /// beyond the new total; an increase leaves an amount due to pay with
    /// `startPayment`. The same key with the same input returns the same
    /// request; with another input it is CONFLICT.
    async fn request_order_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order's number.")] number: String,
        #[graphql(desc = "What to change.")] input: OrderChangeInput,
        #[graphql(desc = "8 to 100 characters; a retry with the same key is the same request.")]
        idempotency_key: String,
    ) -> Result<ChangeRequest> {
        Ok(svc::request_order_change(
            state(ctx)?,
            principal(ctx),
            &number,
            input.into(),
            &idempotency_key,
        )
        .await?
        .into())
    }

    /// Support or an admin approves a PENDING change: priced again against
    /// the order as it is now and applied, or refused (OUT_OF_STOCK,
    /// CONFLICT) with nothing written.
    async fn approve_change_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
    ) -> Result<ChangeRequest> {
        let id = id_arg(&id, "id", "is not a change request id")?;
        Ok(svc::approve_change_request(state(ctx)?, principal(ctx), id)
            .await?
            .into())
    }

    /// Support or an admin refuses a PENDING change, with a reason the
    /// customer sees.
    async fn reject_change_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
        #[graphql(desc = "Why, 1 to 500 characters.")] reason: String,
    ) -> Result<ChangeRequest> {
        let id = id_arg(&id, "id", "is not a change request id")?;
        Ok(
            svc::reject_change_request(state(ctx)?, principal(ctx), id, &reason)
                .await?
                .into(),
        )
    }

    /// Cancels some units of some lines before they ship: their stock is
    /// released, their shipments shrink, the total goes down and money
    /// captured beyond it is refunded (an uncaptured card authorization is
    /// simply captured for less when the parcels ship). Cancelling every
    /// unit cancels the order. Customers cancel units nobody started
    /// picking; support and admins also units being picked or packed. The
    /// same key returns the same result.
    async fn cancel_order_lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order's number.")] number: String,
        #[graphql(desc = "Units of each SKU to cancel.")] lines: Vec<ChangeLineInput>,
        #[graphql(desc = "Why (optional, at most 500 characters).")] reason: Option<String>,
        #[graphql(desc = "8 to 100 characters; a retry with the same key cancels nothing more.")]
        idempotency_key: String,
    ) -> Result<Order> {
        Ok(Order(
            svc::cancel_order_lines(
                state(ctx)?,
                principal(ctx),
                &number,
                lines.into_iter().map(|l| (l.sku, l.quantity)).collect(),
                reason.as_deref(),
                &idempotency_key,
            )
            .await?,
        ))
    }
}

/// `Order.changeRequests`: the order's change requests, newest first.
pub async fn for_order(
    ctx: &Context<'_>,
    order: &crate::domain::orders::Order,
) -> Result<Vec<ChangeRequest>> {
    Ok(svc::for_order(state(ctx)?, principal(ctx), order)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
