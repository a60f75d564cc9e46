//! Texts of reviews: the moderation status (one exhaustive `match`, so a
//! value added to schema.graphql does not compile until it has a text) and
//! the review forms' errors.

use super::Key;
use crate::schema::ReviewStatus;

/// The label of a review's moderation status.
pub fn review_status_key(status: ReviewStatus) -> Key {
    match status {
        ReviewStatus::Pending => Key::RevStatusPending,
        ReviewStatus::Published => Key::RevStatusPublished,
        ReviewStatus::Rejected => Key::RevStatusRejected,
    }
}

/// The message for a review form's `?error=CODE&field=..`.
pub fn review_error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field) {
        ("INVALID_INPUT", Some("rating")) => Key::RevErrRating,
        ("INVALID_INPUT", Some("title")) => Key::RevErrTitle,
        ("INVALID_INPUT", Some("body")) => Key::RevErrBody,
        ("INVALID_INPUT", Some("sku")) => Key::RevErrSku,
        ("INVALID_INPUT", Some("reason")) => Key::RevErrReason,
        ("CONFLICT", _) => Key::RevErrConflict,
        (code, field) => super::error_key(code, field),
    }
}
