//! The service desk overview's counts: what waits for someone in each
//! queue. One small query per area, because each area has its own roles
//! (warehouse sees returns but not tickets): a queue the caller may not
//! read is `None`, and the overview shows its card without a number.

use serde::Deserialize;
use serde_json::json;

use super::{ApiError, request};

/// Change requests waiting for support's decision.
pub const DESK_CHANGES: &str =
    "query DeskChanges { changeRequests(filter: {status: PENDING}, first: 1) { totalCount } }";
/// Returns per status.
pub const DESK_RETURNS: &str =
    "query DeskReturns { returns(first: 1) { counts { status count } } }";
/// Tickets per status.
pub const DESK_TICKETS: &str =
    "query DeskTickets { tickets(first: 1) { countsByStatus { status count } } }";
/// Reviews waiting for moderation.
pub const DESK_REVIEWS: &str =
    "query DeskReviews { reviews(filter: {status: PENDING}, first: 1) { totalCount } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("DeskChanges", DESK_CHANGES),
    ("DeskReturns", DESK_RETURNS),
    ("DeskTickets", DESK_TICKETS),
    ("DeskReviews", DESK_REVIEWS),
];

/// What waits in each queue; `None` where the caller may not look.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeskCounts {
    /// Change requests to approve or reject.
    pub changes: Option<i64>,
    /// Returns needing a step from staff: requested (support decides),
    /// approved (the warehouse waits for the parcel), inspected (finance
    /// refunds).
    pub returns: Option<i64>,
    /// Tickets whose turn is staff's: open or waiting on staff.
    pub tickets: Option<i64>,
    /// Reviews to moderate.
    pub reviews: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Total {
    total_count: i64,
}

#[derive(Deserialize)]
struct StatusCount {
    status: String,
    count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangesData {
    change_requests: Total,
}

#[derive(Deserialize)]
struct ReturnsCounts {
    counts: Vec<StatusCount>,
}

#[derive(Deserialize)]
struct ReturnsData {
    returns: ReturnsCounts,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketsCounts {
    counts_by_status: Vec<StatusCount>,
}

#[derive(Deserialize)]
struct TicketsData {
    tickets: TicketsCounts,
}

#[derive(Deserialize)]
struct ReviewsData {
    reviews: Total,
}

fn sum_of(counts: &[StatusCount], statuses: &[&str]) -> i64 {
    counts
        .iter()
        .filter(|c| statuses.contains(&c.status.as_str()))
        .map(|c| c.count)
        .sum()
}

/// A queue's count, `None` when the caller may not read it; other errors
/// are the page's.
fn allowed<T>(r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ApiError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads every queue's count the caller may see.
pub async fn desk_counts() -> Result<DeskCounts, ApiError> {
    let changes = allowed(request::<ChangesData>(DESK_CHANGES, json!({})).await)?;
    let returns = allowed(request::<ReturnsData>(DESK_RETURNS, json!({})).await)?;
    let tickets = allowed(request::<TicketsData>(DESK_TICKETS, json!({})).await)?;
    let reviews = allowed(request::<ReviewsData>(DESK_REVIEWS, json!({})).await)?;
    Ok(DeskCounts {
        changes: changes.map(|d| d.change_requests.total_count),
        returns: returns
            .map(|d| sum_of(&d.returns.counts, &["REQUESTED", "APPROVED", "INSPECTED"])),
        tickets: tickets
            .map(|d| sum_of(&d.tickets.counts_by_status, &["OPEN", "WAITING_ON_STAFF"])),
        reviews: reviews.map(|d| d.reviews.total_count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_statuses_waiting_for_staff_count() {
        let counts: Vec<StatusCount> = serde_json::from_value(json!([
            {"status": "OPEN", "count": 2},
            {"status": "WAITING_ON_CUSTOMER", "count": 5},
            {"status": "WAITING_ON_STAFF", "count": 3},
            {"status": "CLOSED", "count": 9},
        ]))
        .unwrap_or_default();
        assert_eq!(counts.len(), 4);
        assert_eq!(sum_of(&counts, &["OPEN", "WAITING_ON_STAFF"]), 5);
        assert_eq!(sum_of(&counts, &[]), 0);
    }

    #[test]
    fn a_forbidden_queue_is_none_and_other_errors_stay_errors() {
        assert_eq!(allowed::<i64>(Err(ApiError::Forbidden)), Ok(None));
        assert_eq!(allowed(Ok(3)), Ok(Some(3)));
        assert!(allowed::<i64>(Err(ApiError::Internal)).is_err());
    }
}
