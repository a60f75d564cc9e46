//! Reviews as the pages read them: a product's rating and published
//! reviews, an order's lines with their review state, and the console's
//! moderation queue. Writes (write, edit, moderate, reply) are plain form
//! posts handled by the backend (`backend/src/http/portal_forms/reviews.rs`),
//! which run the mutations below in-process.

use super::types::PageInfo;
use super::{ApiError, request};
use crate::schema::{ReviewStatus, ServiceAction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::future::Future;

/// Reviews per page on the product page.
pub const PRODUCT_REVIEWS_PAGE: i64 = 10;
/// Reviews per page in the moderation queue.
pub const QUEUE_PAGE: i64 = 20;

/// A product's rating and one page of its published reviews.
pub const PRODUCT_REVIEWS: &str = "query ProductReviews($sku: String!, $first: Int!, \
$after: String) { product(sku: $sku) { sku rating { average count ratingSum \
distribution { stars count } } reviews(first: $first, after: $after) { totalCount \
pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id sku rating \
title body status authorName verifiedPurchase publishedAt reply { body repliedAt repliedBy } \
} } } } }";

/// An order's lines with their review state (the review page).
pub const ORDER_LINE_REVIEWS: &str = "query OrderLineReviews($number: String!) { \
order(number: $number) { number serviceActions lineReviews { sku name delivered canReview \
review { id sku rating title body status rejectReason authorName verifiedPurchase \
publishedAt reply { body repliedAt repliedBy } } } } }";

/// Writes a review (the order's review form).
pub const WRITE_REVIEW: &str = "mutation WriteReview($orderNumber: String!, $sku: String!, \
$rating: Int!, $title: String!, $body: String!) { writeReview(orderNumber: $orderNumber, \
sku: $sku, rating: $rating, title: $title, body: $body) { id status } }";

/// Edits the caller's review (it goes back to moderation).
pub const EDIT_REVIEW: &str = "mutation EditReview($id: ID!, $rating: Int!, $title: String!, \
$body: String!) { editReview(id: $id, rating: $rating, title: $title, body: $body) { id status } }";

/// The moderation queue, PENDING first.
pub const REVIEW_QUEUE: &str = "query ReviewQueue($status: ReviewStatus, $sku: String, \
$first: Int!, $after: String) { reviews(filter: { status: $status, sku: $sku }, first: $first, \
after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } \
edges { node { id sku productName orderNumber rating title body status authorName \
verifiedPurchase rejectReason createdAt publishedAt reply { body repliedAt repliedBy } } } } }";

/// Publishes or rejects a review (the queue's buttons).
pub const MODERATE_REVIEW: &str = "mutation ModerateReview($id: ID!, $decision: ReviewDecision!, \
$reason: String) { moderateReview(id: $id, decision: $decision, reason: $reason) { id status } }";

/// Replies to a review publicly.
pub const REPLY_TO_REVIEW: &str = "mutation ReplyToReview($id: ID!, $body: String!) { \
replyToReview(id: $id, body: $body) { id } }";

/// The signed-in customer's reviews, newest first.
pub const MY_REVIEWS: &str = "query MyReviews($first: Int!, $after: String) { \
myReviews(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } \
edges { node { id sku productName orderNumber rating title body status rejectReason \
createdAt publishedAt reply { body repliedAt repliedBy } } } } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("ProductReviews", PRODUCT_REVIEWS),
    ("OrderLineReviews", ORDER_LINE_REVIEWS),
    ("WriteReview", WRITE_REVIEW),
    ("EditReview", EDIT_REVIEW),
    ("ReviewQueue", REVIEW_QUEUE),
    ("ModerateReview", MODERATE_REVIEW),
    ("ReplyToReview", REPLY_TO_REVIEW),
    ("MyReviews", MY_REVIEWS),
];

/// Staff's public reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    pub body: String,
    pub replied_at: String,
    pub replied_by: Option<String>,
}

/// A review (fields a document did not ask for are empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub id: String,
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub order_number: Option<String>,
    pub rating: i32,
    pub title: String,
    pub body: String,
    pub status: ReviewStatus,
    #[serde(default)]
    pub author_name: String,
    #[serde(default)]
    pub verified_purchase: bool,
    #[serde(default)]
    pub reject_reason: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub published_at: Option<String>,
    #[serde(default)]
    pub reply: Option<Reply>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewEdge {
    pub node: Review,
}

/// A page of reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<ReviewEdge>,
}

/// Published reviews with this many stars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub stars: i32,
    pub count: i64,
}

/// A product's rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub average: Option<f64>,
    pub count: i64,
    pub rating_sum: i64,
    pub distribution: Vec<Bucket>,
}

/// A product's rating and a page of its reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductReviews {
    pub sku: String,
    pub rating: Rating,
    pub reviews: ReviewConnection,
}

#[derive(Deserialize)]
struct ProductReviewsData {
    product: Option<ProductReviews>,
}

/// The rating and a page of published reviews of `sku` (`None`: no such product).
pub fn product_reviews(
    sku: String,
    after: Option<String>,
) -> impl Future<Output = Result<Option<ProductReviews>, ApiError>> + Send + 'static {
    let fut = request::<ProductReviewsData>(
        PRODUCT_REVIEWS,
        json!({ "sku": sku, "first": PRODUCT_REVIEWS_PAGE, "after": after }),
    );
    async move { fut.await.map(|d| d.product) }
}

/// One order line and its review state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineReview {
    pub sku: String,
    pub name: String,
    pub delivered: bool,
    pub can_review: bool,
    pub review: Option<Review>,
}

/// An order's lines for the review page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderReviews {
    pub number: String,
    pub service_actions: Vec<ServiceAction>,
    pub line_reviews: Vec<LineReview>,
}

#[derive(Deserialize)]
struct OrderReviewsData {
    order: Option<OrderReviews>,
}

/// The lines of order `number` with their review state.
pub fn order_reviews(
    number: String,
) -> impl Future<Output = Result<OrderReviews, ApiError>> + Send + 'static {
    let fut = request::<OrderReviewsData>(ORDER_LINE_REVIEWS, json!({ "number": number }));
    async move { fut.await?.order.ok_or(ApiError::NotFound) }
}

#[derive(Deserialize)]
struct QueueData {
    reviews: ReviewConnection,
}

/// A page of the moderation queue.
pub fn review_queue(
    status: Option<ReviewStatus>,
    sku: Option<String>,
    after: Option<String>,
) -> impl Future<Output = Result<ReviewConnection, ApiError>> + Send + 'static {
    let fut = request::<QueueData>(
        REVIEW_QUEUE,
        json!({ "status": status, "sku": sku, "first": QUEUE_PAGE, "after": after }),
    );
    async move { fut.await.map(|d| d.reviews) }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyReviewsData {
    my_reviews: ReviewConnection,
}

/// A page of the signed-in customer's reviews.
pub fn my_reviews(
    after: Option<String>,
) -> impl Future<Output = Result<ReviewConnection, ApiError>> + Send + 'static {
    let fut = request::<MyReviewsData>(MY_REVIEWS, json!({ "first": QUEUE_PAGE, "after": after }));
    async move { fut.await.map(|d| d.my_reviews) }
}
