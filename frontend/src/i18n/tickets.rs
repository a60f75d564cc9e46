//! Texts of service tickets: one exhaustive `match` per schema enum (a
//! value added to schema.graphql does not compile until it has a text),
//! the forms' errors, and how long a response or resolution took.

use super::{Key, Lang, fill};
use crate::schema::{TicketAuthorRole, TicketCategory, TicketStatus};

/// The label of a ticket's status.
pub fn ticket_status_key(status: TicketStatus) -> Key {
    match status {
        TicketStatus::Open => Key::TkStatusOpen,
        TicketStatus::WaitingOnCustomer => Key::TkStatusWaitingOnCustomer,
        TicketStatus::WaitingOnStaff => Key::TkStatusWaitingOnStaff,
        TicketStatus::Resolved => Key::TkStatusResolved,
        TicketStatus::Closed => Key::TkStatusClosed,
    }
}

/// The label of a ticket's category.
pub fn ticket_category_key(category: TicketCategory) -> Key {
    match category {
        TicketCategory::OrderIssue => Key::TkCatOrderIssue,
        TicketCategory::Delivery => Key::TkCatDelivery,
        TicketCategory::Payment => Key::TkCatPayment,
        TicketCategory::Return => Key::TkCatReturn,
        TicketCategory::ProductQuestion => Key::TkCatProductQuestion,
        TicketCategory::Other => Key::TkCatOther,
    }
}

/// Who wrote a message, when no name is shown.
pub fn ticket_author_key(role: TicketAuthorRole) -> Key {
    match role {
        TicketAuthorRole::Customer => Key::TkAuthorCustomer,
        TicketAuthorRole::Staff => Key::TkAuthorStaff,
    }
}

/// The message for a ticket form's `?error=CODE&field=..`.
pub fn ticket_error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field) {
        ("INVALID_INPUT", Some("message")) => Key::TkErrMessage,
        ("INVALID_INPUT", Some("subject")) => Key::TkErrSubject,
        ("INVALID_INPUT", Some("category")) => Key::TkErrCategory,
        ("INVALID_INPUT", Some("assigneeId")) => Key::TkErrAssignee,
        ("NOT_FOUND", _) => Key::TkErrNotFound,
        ("CONFLICT", _) => Key::TkErrConflict,
        (code, field) => super::error_key(code, field),
    }
}

/// A duration in minutes (under an hour) or hours and minutes.
pub fn ticket_duration(lang: Lang, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    if h == 0 {
        fill(lang.t(Key::TkMinutes), &[("m", &m.to_string())])
    } else {
        fill(
            lang.t(Key::TkHoursMinutes),
            &[("h", &h.to_string()), ("m", &m.to_string())],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_its_own_text_and_errors_name_the_field() {
        fn distinct<T: Copy + std::fmt::Debug>(all: &[T], key: impl Fn(T) -> Key) {
            let keys: std::collections::HashSet<Key> = all.iter().map(|v| key(*v)).collect();
            assert_eq!(keys.len(), all.len(), "{all:?}");
        }
        distinct(TicketStatus::ALL, ticket_status_key);
        distinct(TicketCategory::ALL, ticket_category_key);
        distinct(TicketAuthorRole::ALL, ticket_author_key);
        assert_eq!(
            ticket_error_key("INVALID_INPUT", Some("message")),
            Key::TkErrMessage
        );
        assert_eq!(ticket_error_key("NOT_FOUND", None), Key::TkErrNotFound);
        assert_eq!(ticket_error_key("FORBIDDEN", None), Key::ErrForbidden);
        assert_eq!(ticket_duration(Lang::En, 59), "0 min");
        assert_eq!(ticket_duration(Lang::En, 3 * 3600 + 125), "3 h 2 min");
        assert_eq!(ticket_duration(Lang::Zh, 600), "10 分钟");
    }
}
