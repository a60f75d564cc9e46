//! Orders over GraphQL: place, cancel, staff actions, and the queries.
//! Relation fields load through per-request DataLoaders.

use async_graphql::{Context, Object, Result};

use super::context::{principal, state};
use super::types::Money;
use crate::services::orders as svc;

mod enums;
mod inputs;
mod types;

pub use enums::*;
pub use inputs::*;
pub use types::*;

#[derive(Default)]
pub struct OrdersQuery;

#[Object]
impl OrdersQuery {
    /// One order by number, for its customer, staff, or an integration of
    /// its channel. Anyone else gets NOT_FOUND.
    async fn order(&self, ctx: &Context<'_>, number: String) -> Result<Order> {
        Ok(Order(
            svc::find_visible(state(ctx)?, principal(ctx), &number).await?,
        ))
    }

    /// The signed-in user's own orders, newest first.
    async fn my_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<OrderConnection> {
        Ok(
            svc::my_orders(state(ctx)?, principal(ctx), first, after.as_deref())
                .await?
                .into(),
        )
    }

    /// The order queue (staff: every order; integrations: their channel's).
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<OrderFilter>,
        #[graphql(desc = "Sort order.", default)] sort: OrderSort,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<OrderConnection> {
        let f = filter.unwrap_or_default();
        let filter = svc::OrderFilter {
            status: f.status.map(Into::into),
            channel: f.channel,
            customer_email: f.customer_email,
            sku: f.sku,
            placed_from: f.placed_from,
            placed_to: f.placed_to,
            placed_from_date: f.placed_from_date,
            placed_to_date: f.placed_to_date,
        };
        Ok(svc::list_orders(
            state(ctx)?,
            principal(ctx),
            filter,
            sort.into(),
            first,
            after.as_deref(),
        )
        .await?
        .into())
    }

    /// Shipping methods and their fees.
    async fn shipping_methods(&self, ctx: &Context<'_>) -> Result<Vec<ShippingMethod>> {
        let st = state(ctx)?;
        let currency = st.config.currency.as_str();
        Ok(crate::services::fulfillment::rates(st)
            .await?
            .into_iter()
            .map(|r| ShippingMethod {
                code: r.method.as_str().to_string(),
                fee: Money::from_minor(r.flat_minor, currency),
            })
            .collect())
    }
}

#[derive(Default)]
pub struct OrdersMutation;

#[Object]
impl OrdersMutation {
    /// Places an order (customers in the portal, staff for a customer,
    /// integrations importing from their channel). Every line is priced from
    /// the catalog and allocated from stock, or nothing is written.
    async fn place_order(&self, ctx: &Context<'_>, input: PlaceOrderInput) -> Result<Order> {
        Ok(Order(
            svc::place_order(state(ctx)?, principal(ctx), input.into()).await?,
        ))
    }

    /// Cancels an order before it ships and releases its stock. Staff must
    /// give a reason. Cancelling twice is CONFLICT.
    async fn cancel_order(
        &self,
        ctx: &Context<'_>,
        number: String,
        reason: Option<String>,
    ) -> Result<Order> {
        Ok(Order(
            svc::cancel_order(state(ctx)?, principal(ctx), &number, reason.as_deref()).await?,
        ))
    }

    /// Takes a staff action on an order, as `availableTransitions` allows.
    async fn advance_order(
        &self,
        ctx: &Context<'_>,
        number: String,
        action: OrderAction,
        note: Option<String>,
    ) -> Result<Order> {
        Ok(Order(
            svc::advance_order(
                state(ctx)?,
                principal(ctx),
                &number,
                action.into(),
                note.as_deref(),
            )
            .await?,
        ))
    }
}
