//! Returns and exchanges (RMA) over GraphQL: request, approve, reject,
//! cancel, receive (with per-unit inspection), refund; the staff queue,
//! a customer's own returns, and `Order.returns`. Resolvers only
//! translate; the rules are in `services::returns` and `domain::returns`.

mod types;

use async_graphql::{Context, ID, Object, Result};
use uuid::Uuid;

pub use types::*;

use super::context::{principal, state};
use super::types::{offset_after, offset_page};
use crate::error::AppError;
use crate::services::returns as svc;

fn parse_id(raw: &ID) -> Result<Uuid, AppError> {
    super::types::id_arg(raw, "id", "is not a return id")
}

/// `Order.returns`: the order's returns, newest first (the caller can see
/// the order already).
pub async fn for_order(ctx: &Context<'_>, order_id: Uuid) -> Result<Vec<Return>> {
    let mut by_order = svc::returns_for_order(state(ctx)?, &[order_id]).await?;
    Ok(by_order
        .remove(&order_id)
        .unwrap_or_default()
        .into_iter()
        .map(Return)
        .collect())
}

fn connection(page: svc::ReturnPage, counts: Vec<ReturnStatusCount>) -> ReturnConnection {
    let (cursors, page_info) = offset_page(page.offset, page.items.len(), page.has_next);
    ReturnConnection {
        edges: cursors
            .into_iter()
            .zip(page.items)
            .map(|(cursor, r)| ReturnEdge {
                cursor,
                node: Return(r),
            })
            .collect(),
        page_info,
        total_count: page.total as i64,
        counts,
    }
}

#[derive(Default)]
pub struct ReturnsQuery;

#[Object]
impl ReturnsQuery {
    /// One return: staff see any; a customer only their own (anyone
    /// else's is NOT_FOUND, like a missing one).
    async fn r#return(&self, ctx: &Context<'_>, id: ID) -> Result<Return> {
        let id = parse_id(&id)?;
        Ok(Return(
            svc::find_return(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// The service desk's returns (support, warehouse, finance, admin),
    /// newest first, with counts per status.
    async fn returns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<ReturnFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<ReturnConnection> {
        let f = filter.unwrap_or_default();
        let f = svc::ReturnFilter {
            status: f.status.map(Into::into),
            order_number: f.order_number,
        };
        let offset = offset_after(after.as_deref())?;
        let (st, p) = (state(ctx)?, principal(ctx));
        let page = svc::list_returns(st, p, &f, first.clamp(1, 100) as u64, offset).await?;
        let counts = svc::status_counts(st, p, &f)
            .await?
            .into_iter()
            .map(|(status, count)| ReturnStatusCount {
                status: status.into(),
                count,
            })
            .collect();
        Ok(connection(page, counts))
    }

    /// The signed-in customer's returns, newest first.
    async fn my_returns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<ReturnConnection> {
        let offset = offset_after(after.as_deref())?;
        let page = svc::my_returns(
            state(ctx)?,
            principal(ctx),
            first.clamp(1, 100) as u64,
            offset,
        )
        .await?;
        Ok(connection(page, Vec::new()))
    }
}

#[derive(Default)]
pub struct ReturnsMutation;

#[Object]
impl ReturnsMutation {
    /// Requests a return or exchange of delivered items of an order (its
    /// customer, or support for them), within the channel's return window.
    /// Small requests and the merchant's faults approve themselves. The
    /// same idempotency key on the same order returns the same return.
    async fn request_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order's number.")] number: String,
        #[graphql(desc = "What goes back, why, and refund or exchange.")] input: ReturnRequestInput,
        #[graphql(desc = "A key the client keeps for retries (1 to 100 characters).")]
        idempotency_key: String,
    ) -> Result<Return> {
        let input = svc::RequestReturn {
            lines: input
                .lines
                .into_iter()
                .map(|l| svc::RequestLine {
                    sku: l.sku,
                    quantity: l.quantity,
                    reason: l.reason.into(),
                })
                .collect(),
            resolution: input.resolution.into(),
            exchange_skus: input.exchange_skus,
            note: input.note,
        };
        Ok(Return(
            svc::request_return(
                state(ctx)?,
                principal(ctx),
                &number,
                input,
                &idempotency_key,
            )
            .await?,
        ))
    }

    /// Approves a requested return (support, admin).
    async fn approve_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return's id.")] id: ID,
    ) -> Result<Return> {
        let id = parse_id(&id)?;
        Ok(Return(
            svc::approve_return(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Rejects a requested return, or an inspected one with nothing to give
    /// back (support, admin).
    async fn reject_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return's id.")] id: ID,
        #[graphql(desc = "Why, for the customer (1 to 500 characters).")] reason: String,
    ) -> Result<Return> {
        let id = parse_id(&id)?;
        Ok(Return(
            svc::reject_return(state(ctx)?, principal(ctx), id, &reason).await?,
        ))
    }

    /// Withdraws a return before the parcel is received (its customer, support).
    async fn cancel_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return's id.")] id: ID,
    ) -> Result<Return> {
        let id = parse_id(&id)?;
        Ok(Return(
            svc::cancel_return(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Receives an approved return and records every unit (warehouse,
    /// admin): restocked into a warehouse or damaged (both through the
    /// stock ledger), or missing. The units per SKU must add up to the
    /// return's. The return becomes INSPECTED with its refund recomputed
    /// from what arrived; an exchange gets its replacement shipment and
    /// becomes EXCHANGED (OUT_OF_STOCK when no warehouse has it).
    async fn receive_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return's id.")] id: ID,
        #[graphql(desc = "Units per SKU and disposition.")] items: Vec<ReceiveReturnItemInput>,
    ) -> Result<Return> {
        let id = parse_id(&id)?;
        let items = items
            .into_iter()
            .map(|i| svc::ReceiveItem {
                sku: i.sku,
                quantity: i.quantity,
                disposition: i.disposition.into(),
                warehouse_code: i.warehouse_code,
            })
            .collect();
        Ok(Return(
            svc::receive_return(state(ctx)?, principal(ctx), id, items).await?,
        ))
    }

    /// Gives an inspected return's `refundAmount` back to the customer
    /// (finance, admin), exactly once: a racing second call is CONFLICT, a
    /// retry with the same key answers with the refunded return.
    async fn refund_return(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The return's id.")] id: ID,
        #[graphql(desc = "A key the client keeps for retries (1 to 100 characters).")]
        idempotency_key: String,
    ) -> Result<Return> {
        let id = parse_id(&id)?;
        Ok(Return(
            svc::refund_return(state(ctx)?, principal(ctx), id, &idempotency_key).await?,
        ))
    }
}
