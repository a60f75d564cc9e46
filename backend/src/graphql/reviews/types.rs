//! GraphQL types of reviews: a review (with what only its author and
//! moderators see), a product's rating, pages, and an order line's review
//! state. Built from the service's views, never from the tables.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::reviews::ReviewStatus as DStatus;
use crate::domain::reviews::rating::Rating;
use crate::graphql::context::{principal, state};
use crate::graphql::types::PageInfo;
use crate::services::reviews::{self as svc, ReviewView};

/// Where a review stands in moderation.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReviewStatus {
    /// Waiting for a moderator (after writing or editing); not public.
    Pending,
    /// Shown on the product page and counted in its rating.
    Published,
    /// Refused or taken down by a moderator, with a reason; not public.
    Rejected,
}

impl From<DStatus> for ReviewStatus {
    fn from(s: DStatus) -> Self {
        match s {
            DStatus::Pending => ReviewStatus::Pending,
            DStatus::Published => ReviewStatus::Published,
            DStatus::Rejected => ReviewStatus::Rejected,
        }
    }
}

impl From<ReviewStatus> for DStatus {
    fn from(s: ReviewStatus) -> Self {
        match s {
            ReviewStatus::Pending => DStatus::Pending,
            ReviewStatus::Published => DStatus::Published,
            ReviewStatus::Rejected => DStatus::Rejected,
        }
    }
}

/// A moderator's decision on a review.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReviewDecision {
    /// Show it on the product page.
    Publish,
    /// Refuse it (or take a published one down); a reason is required.
    Reject,
}

impl From<ReviewDecision> for svc::Decision {
    fn from(d: ReviewDecision) -> Self {
        match d {
            ReviewDecision::Publish => svc::Decision::Publish,
            ReviewDecision::Reject => svc::Decision::Reject,
        }
    }
}

/// A customer's review of a product they received on one order line.
pub struct Review(pub ReviewView);

impl Review {
    /// The caller is its author or a moderator (sees the order and the
    /// moderation details).
    fn privileged(&self, ctx: &Context<'_>) -> bool {
        let p = principal(ctx);
        p.user_id() == Some(self.0.row.customer_id)
            || p.role().is_some_and(|r| svc::MODERATORS.contains(&r))
    }
}

/// A customer's review of a product they received. Title and body are
/// plain text exactly as written (any HTML in them is text: escape it
/// when showing it).
#[Object]
impl Review {
    /// Stable opaque id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    /// The reviewed product's SKU.
    async fn sku(&self) -> &str {
        &self.0.row.sku
    }
    /// The reviewed product's name.
    async fn product_name(&self) -> &str {
        &self.0.product_name
    }
    /// 1 to 5 stars.
    async fn rating(&self) -> i32 {
        self.0.row.rating
    }
    /// Short summary, 1 to 120 characters of plain text.
    async fn title(&self) -> &str {
        &self.0.row.title
    }
    /// The review, 1 to 5000 characters of plain text (line breaks kept).
    async fn body(&self) -> &str {
        &self.0.row.body
    }
    /// Moderation status.
    async fn status(&self) -> ReviewStatus {
        self.0.status.into()
    }
    /// The author's display name.
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    /// Always true: only a delivered order line can be reviewed.
    async fn verified_purchase(&self) -> bool {
        true
    }
    /// The order the product came with: for its author and moderators
    /// only (null for anyone else).
    async fn order_number(&self, ctx: &Context<'_>) -> Option<String> {
        self.privileged(ctx).then(|| self.0.order_number.clone())
    }
    /// Why a moderator rejected it: for its author and moderators only.
    async fn reject_reason(&self, ctx: &Context<'_>) -> Option<String> {
        if self.privileged(ctx) {
            self.0.row.reject_reason.clone()
        } else {
            None
        }
    }
    /// Staff's public reply, if any.
    async fn reply(&self, ctx: &Context<'_>) -> Result<Option<ReviewReply>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(match (&self.0.row.reply, self.0.row.replied_at) {
            (Some(body), Some(at)) => Some(ReviewReply {
                body: body.clone(),
                replied_at: zone.local(at),
                replied_by: self.0.replied_by_name.clone(),
            }),
            _ => None,
        })
    }
    /// The caller may edit it (its author).
    async fn can_edit(&self, ctx: &Context<'_>) -> bool {
        principal(ctx).user_id() == Some(self.0.row.customer_id)
    }
    /// When it was written.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.row.created_at))
    }
    /// When it last changed (edit or moderation).
    async fn updated_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.row.updated_at))
    }
    /// When it was published (null unless PUBLISHED).
    async fn published_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.row.published_at.map(|t| zone.local(t)))
    }
}

/// Staff's public answer to a review.
#[derive(SimpleObject)]
pub struct ReviewReply {
    /// The reply, plain text.
    pub body: String,
    /// When it was written (or last changed).
    pub replied_at: DateTime<FixedOffset>,
    /// The staff member's display name.
    pub replied_by: Option<String>,
}

/// A review in a page of results.
#[derive(SimpleObject)]
pub struct ReviewEdge {
    /// Opaque position of this item; pass as `after`.
    pub cursor: String,
    /// The review.
    pub node: Review,
}

/// A page of reviews.
#[derive(SimpleObject)]
pub struct ReviewConnection {
    /// The reviews of this page.
    pub edges: Vec<ReviewEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Number of reviews in the list, over all pages.
    pub total_count: i64,
}

impl ReviewConnection {
    pub fn from_page(page: svc::ReviewPage) -> Self {
        let (cursors, page_info) =
            crate::graphql::types::offset_page(page.offset, page.items.len(), page.has_next);
        ReviewConnection {
            edges: cursors
                .into_iter()
                .zip(page.items)
                .map(|(cursor, v)| ReviewEdge {
                    cursor,
                    node: Review(v),
                })
                .collect(),
            page_info,
            total_count: page.total as i64,
        }
    }
}

/// How many published reviews gave a number of stars.
#[derive(SimpleObject)]
pub struct RatingBucket {
    /// 1 to 5.
    pub stars: i32,
    /// Published reviews with exactly this rating.
    pub count: i64,
}

/// A product's rating from its published reviews.
pub struct ProductRating(pub Rating);

/// A product's rating from its published reviews (kept up to date as
/// reviews are published, taken down or edited).
#[Object]
impl ProductRating {
    /// Mean rating rounded half up to one decimal, e.g. 4.3 (null without
    /// published reviews). The exact mean is `ratingSum / count`.
    async fn average(&self) -> Option<f64> {
        self.0.average_tenths().map(|t| t as f64 / 10.0)
    }
    /// Number of published reviews.
    async fn count(&self) -> i64 {
        self.0.count
    }
    /// Sum of the published reviews' ratings.
    async fn rating_sum(&self) -> i64 {
        self.0.sum
    }
    /// Published reviews per star, from 5 stars down to 1 (always five entries).
    async fn distribution(&self) -> Vec<RatingBucket> {
        self.0
            .distribution()
            .into_iter()
            .map(|(stars, count)| RatingBucket { stars, count })
            .collect()
    }
}

/// Moderation queue filters; combined with AND.
#[derive(InputObject, Default)]
pub struct ReviewFilter {
    /// Only reviews in this status.
    pub status: Option<ReviewStatus>,
    /// Only reviews of this product.
    pub sku: Option<String>,
}

/// One line of an order and its review: whether it was delivered, whether
/// the caller can review it now, and its review if the caller may see it.
pub struct OrderLineReview(pub svc::LineReview);

/// One line of an order and its review.
#[Object]
impl OrderLineReview {
    /// The line's SKU (pass it to `writeReview`).
    async fn sku(&self) -> &str {
        &self.0.sku
    }
    /// The product's name on the order.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Some unit of it reached the customer.
    async fn delivered(&self) -> bool {
        self.0.delivered
    }
    /// The caller (the order's customer) may review it now: delivered and
    /// not reviewed yet.
    async fn can_review(&self) -> bool {
        self.0.can_write
    }
    /// Its review, for the order's customer and moderators.
    async fn review(&self) -> Option<Review> {
        self.0.review.clone().map(Review)
    }
}
