//! Reviews over GraphQL: `writeReview`, `editReview`, `moderateReview`,
//! `replyToReview`; the moderation queue `reviews`, `myReviews`, `review`;
//! `Product.reviews` / `Product.rating` (fields of the catalog's Product,
//! resolved here by [`product_reviews`] and [`product_rating`]) and
//! `Order.lineReviews` ([`order_line_reviews`]). Resolvers only translate;
//! the rules are in `services::reviews` and `domain::reviews`.

mod types;

use async_graphql::{Context, ID, Object, Result};
use uuid::Uuid;

pub use types::*;

use super::context::{RoleGuard, principal, state};
use super::types::{id_arg, offset_after};
use crate::domain::auth::Role;
use crate::domain::orders::Order;
use crate::services::reviews as svc;

fn review_id(raw: &ID) -> Result<Uuid, crate::error::AppError> {
    id_arg(raw, "id", "is not a review id")
}

/// `Product.reviews`: the product's published reviews.
pub async fn product_reviews(
    ctx: &Context<'_>,
    product_id: Uuid,
    first: i64,
    after: Option<String>,
) -> Result<ReviewConnection> {
    let offset = offset_after(after.as_deref())?;
    let page = svc::product_reviews(state(ctx)?, product_id, first, offset).await?;
    Ok(ReviewConnection::from_page(page))
}

/// `Product.rating`: the product's aggregate.
pub async fn product_rating(ctx: &Context<'_>, product_id: Uuid) -> Result<ProductRating> {
    Ok(ProductRating(
        svc::product_rating(state(ctx)?, product_id).await?,
    ))
}

/// `Order.lineReviews`: the order's lines with their review state.
pub async fn order_line_reviews(ctx: &Context<'_>, order: &Order) -> Result<Vec<OrderLineReview>> {
    Ok(svc::line_reviews(state(ctx)?, principal(ctx), order)
        .await?
        .into_iter()
        .map(OrderLineReview)
        .collect())
}

const MODERATORS: &[Role] = svc::MODERATORS;

#[derive(Default)]
pub struct ReviewsQuery;

#[Object]
impl ReviewsQuery {
    /// The moderation queue (support, admin): PENDING reviews first, then
    /// the rest, oldest first.
    #[graphql(guard = "RoleGuard(MODERATORS)")]
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which reviews.")] filter: Option<ReviewFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor of the item after which the page starts.")] after: Option<String>,
    ) -> Result<ReviewConnection> {
        let filter = filter.unwrap_or_default();
        let filter = svc::ReviewFilter {
            status: filter.status.map(Into::into),
            sku: filter.sku,
        };
        let offset = offset_after(after.as_deref())?;
        let page =
            svc::moderation_queue(state(ctx)?, principal(ctx), filter, first, offset).await?;
        Ok(ReviewConnection::from_page(page))
    }

    /// The signed-in customer's reviews in every status, newest first.
    async fn my_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor of the item after which the page starts.")] after: Option<String>,
    ) -> Result<ReviewConnection> {
        let offset = offset_after(after.as_deref())?;
        let page = svc::my_reviews(state(ctx)?, principal(ctx), first, offset).await?;
        Ok(ReviewConnection::from_page(page))
    }

    /// One review: a published one for anyone; an unpublished one for its
    /// author and moderators only (NOT_FOUND for anyone else).
    async fn review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review's id.")] id: ID,
    ) -> Result<Review> {
        let id = review_id(&id)?;
        Ok(Review(svc::review(state(ctx)?, principal(ctx), id).await?))
    }
}

#[derive(Default)]
pub struct ReviewsMutation;

#[Object]
impl ReviewsMutation {
    /// Reviews a product the caller received (the order's customer): the
    /// order line with `sku` must have been delivered. It is PENDING until
    /// a moderator publishes it. One review per order line: a second one
    /// is CONFLICT. A rating outside 1–5, an empty or too long title or
    /// body is INVALID_INPUT naming the field; a SKU not on the order or
    /// not delivered yet is INVALID_INPUT on `sku`; nothing is written.
    async fn write_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order the product came with.")] order_number: String,
        #[graphql(desc = "The product's SKU on that order.")] sku: String,
        #[graphql(desc = "1 to 5 stars.")] rating: i64,
        #[graphql(desc = "Short summary, 1 to 120 characters.")] title: String,
        #[graphql(desc = "The review, 1 to 5000 characters.")] body: String,
    ) -> Result<Review> {
        Ok(Review(
            svc::write_review(
                state(ctx)?,
                principal(ctx),
                &order_number,
                &sku,
                rating,
                &title,
                &body,
            )
            .await?,
        ))
    }

    /// Changes the caller's own review; it goes back to PENDING to be
    /// moderated again (and leaves the product's rating until then).
    async fn edit_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review's id.")] id: ID,
        #[graphql(desc = "1 to 5 stars.")] rating: i64,
        #[graphql(desc = "Short summary, 1 to 120 characters.")] title: String,
        #[graphql(desc = "The review, 1 to 5000 characters.")] body: String,
    ) -> Result<Review> {
        let id = review_id(&id)?;
        Ok(Review(
            svc::edit_review(state(ctx)?, principal(ctx), id, rating, &title, &body).await?,
        ))
    }

    /// Publishes or rejects a review (support, admin). Rejecting needs a
    /// reason (INVALID_INPUT on `reason`) and also takes a published
    /// review down. Publishing a published or rejected review is CONFLICT.
    #[graphql(guard = "RoleGuard(MODERATORS)")]
    async fn moderate_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review's id.")] id: ID,
        #[graphql(desc = "Publish or reject.")] decision: ReviewDecision,
        #[graphql(desc = "Why it is rejected (required to reject), up to 500 characters.")]
        reason: Option<String>,
    ) -> Result<Review> {
        let id = review_id(&id)?;
        Ok(Review(
            svc::moderate_review(
                state(ctx)?,
                principal(ctx),
                id,
                decision.into(),
                reason.as_deref(),
            )
            .await?,
        ))
    }

    /// Answers a review publicly (support, admin); replaces an earlier reply.
    #[graphql(guard = "RoleGuard(MODERATORS)")]
    async fn reply_to_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The review's id.")] id: ID,
        #[graphql(desc = "The reply, 1 to 2000 characters of plain text.")] body: String,
    ) -> Result<Review> {
        let id = review_id(&id)?;
        Ok(Review(
            svc::reply_to_review(state(ctx)?, principal(ctx), id, &body).await?,
        ))
    }
}
