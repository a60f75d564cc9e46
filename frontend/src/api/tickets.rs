//! Service tickets as the pages read them: the customer's own tickets and
//! one ticket's thread (portal), the service desk's queue with counts per
//! status and the desk's users (console). Writes (open, reply, assign,
//! resolve, close) are plain form posts handled by the backend
//! (`backend/src/http/portal_forms/tickets.rs`), which run the mutations
//! below in-process.

use super::{ApiError, request};
use crate::schema::{TicketAction, TicketAuthorRole, TicketCategory, TicketStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::future::Future;

/// Tickets per page.
pub const TICKETS_PAGE_SIZE: i64 = 20;

/// What a list row shows.
macro_rules! summary {
    () => {
        "id number status category subject orderNumber messageCount lastMessageAt createdAt \
         customer { email name } assignee { id name }"
    };
}

/// What a ticket's page shows.
macro_rules! full {
    () => {
        concat!(
            summary!(),
            " messages { role authorName body at } firstResponseAt resolvedAt closedAt \
             firstResponseSeconds resolutionSeconds availableActions"
        )
    };
}

/// The signed-in customer's tickets.
pub const MY_TICKETS: &str = concat!(
    "query MyTickets($first: Int!, $after: String) { myTickets(first: $first, after: $after) { \
     totalCount pageInfo { hasNextPage endCursor } edges { node { ",
    summary!(),
    " } } } }"
);

/// One ticket with its thread.
pub const TICKET_BY_NUMBER: &str = concat!(
    "query TicketByNumber($number: String!) { ticketByNumber(number: $number) { ",
    full!(),
    " } }"
);

/// The desk's queue with counts per status.
pub const TICKET_QUEUE: &str = concat!(
    "query TicketQueue($filter: TicketFilter, $first: Int!, $after: String) { \
     tickets(filter: $filter, first: $first, after: $after) { totalCount \
     countsByStatus { status count } pageInfo { hasNextPage endCursor } edges { node { ",
    summary!(),
    " } } } }"
);

/// The users a ticket may be assigned to, and who is asking.
pub const TICKET_ASSIGNEES: &str =
    "query TicketAssignees { ticketAssignees { id name role } me { id } }";

/// An order's tickets (the order pages' list).
pub const ORDER_TICKETS: &str = "query OrderTickets($number: String!) { order(number: $number) { \
number tickets { id number status subject lastMessageAt } } }";

/// Opens a ticket (the portal's "Get help" form).
pub const OPEN_TICKET: &str = "mutation OpenTicket($input: OpenTicketInput!) { \
openTicket(input: $input) { id number status } }";

/// Adds a message.
pub const REPLY_TO_TICKET: &str = "mutation ReplyToTicket($id: ID!, $message: String!) { \
replyToTicket(id: $id, message: $message) { id number status } }";

/// Assigns (or unassigns, with a null assignee).
pub const ASSIGN_TICKET: &str = "mutation AssignTicket($id: ID!, $assigneeId: ID) { \
assignTicket(id: $id, assigneeId: $assigneeId) { id number status assignee { id } } }";

/// Marks resolved.
pub const RESOLVE_TICKET: &str =
    "mutation ResolveTicket($id: ID!) { resolveTicket(id: $id) { id number status } }";

/// Closes a resolved ticket.
pub const CLOSE_TICKET: &str =
    "mutation CloseTicket($id: ID!) { closeTicket(id: $id) { id number status } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("MyTickets", MY_TICKETS),
    ("TicketByNumber", TICKET_BY_NUMBER),
    ("TicketQueue", TICKET_QUEUE),
    ("TicketAssignees", TICKET_ASSIGNEES),
    ("OrderTickets", ORDER_TICKETS),
    ("OpenTicket", OPEN_TICKET),
    ("ReplyToTicket", REPLY_TO_TICKET),
    ("AssignTicket", ASSIGN_TICKET),
    ("ResolveTicket", RESOLVE_TICKET),
    ("CloseTicket", CLOSE_TICKET),
];

/// Who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCustomer {
    pub email: String,
    pub name: String,
}

/// A staff member (assignee or choice of one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

/// One message; `body` is plain text, shown escaped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketMessage {
    pub role: TicketAuthorRole,
    /// `None`: staff, not named to customers.
    pub author_name: Option<String>,
    pub body: String,
    pub at: String,
}

/// A ticket (list rows leave the thread and the times empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub number: String,
    pub status: TicketStatus,
    pub category: TicketCategory,
    pub subject: String,
    pub order_number: Option<String>,
    pub message_count: i32,
    pub last_message_at: String,
    pub created_at: String,
    pub customer: TicketCustomer,
    pub assignee: Option<StaffRef>,
    #[serde(default)]
    pub messages: Vec<TicketMessage>,
    #[serde(default)]
    pub first_response_at: Option<String>,
    #[serde(default)]
    pub resolved_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub first_response_seconds: Option<i64>,
    #[serde(default)]
    pub resolution_seconds: Option<i64>,
    #[serde(default)]
    pub available_actions: Vec<TicketAction>,
}

impl Ticket {
    /// Whether the API offers `action` to the caller now.
    pub fn can(&self, action: TicketAction) -> bool {
        self.available_actions.contains(&action)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEdge {
    pub node: Ticket,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketPageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// Tickets in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: TicketStatus,
    pub count: i64,
}

/// A page of tickets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketPage {
    pub total_count: i64,
    pub page_info: TicketPageInfo,
    pub edges: Vec<TicketEdge>,
    #[serde(default)]
    pub counts_by_status: Vec<StatusCount>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyData {
    my_tickets: TicketPage,
}

/// The signed-in customer's tickets from `after`.
pub fn my_tickets(
    after: Option<String>,
) -> impl Future<Output = Result<TicketPage, ApiError>> + Send + 'static {
    let fut = request::<MyData>(
        MY_TICKETS,
        json!({ "first": TICKETS_PAGE_SIZE, "after": after }),
    );
    async move { Ok(fut.await?.my_tickets) }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneData {
    ticket_by_number: Ticket,
}

/// Ticket `number` with its thread, if the caller may see it.
pub fn ticket(number: String) -> impl Future<Output = Result<Ticket, ApiError>> + Send + 'static {
    let fut = request::<OneData>(TICKET_BY_NUMBER, json!({ "number": number }));
    async move { Ok(fut.await?.ticket_by_number) }
}

/// The queue's filters as the page's query string holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// A `TicketStatus` value, or empty.
    pub status: String,
    /// `ME`, `UNASSIGNED`, or empty.
    pub assigned: String,
    /// A `TicketCategory` value, or empty.
    pub category: String,
    pub order_number: String,
}

impl QueueFilter {
    /// `(query key, value)` of every filter.
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("status", &self.status),
            ("assigned", &self.assigned),
            ("category", &self.category),
            ("orderNumber", &self.order_number),
        ]
    }

    fn variables(&self) -> Value {
        let opt = |s: &str| match s.trim() {
            "" => Value::Null,
            v => json!(v),
        };
        json!({
            "status": TicketStatus::parse(&self.status).map(|s| s.as_str()),
            "assigned": opt(match self.assigned.as_str() {
                "ME" | "UNASSIGNED" => &self.assigned,
                _ => "",
            }),
            "category": TicketCategory::parse(&self.category).map(|c| c.as_str()),
            "orderNumber": opt(&self.order_number),
        })
    }
}

#[derive(Deserialize)]
struct QueueData {
    tickets: TicketPage,
}

/// The desk's queue for `filter` from `after`.
pub fn queue(
    filter: QueueFilter,
    after: Option<String>,
) -> impl Future<Output = Result<TicketPage, ApiError>> + Send + 'static {
    let fut = request::<QueueData>(
        TICKET_QUEUE,
        json!({ "filter": filter.variables(), "first": TICKETS_PAGE_SIZE, "after": after }),
    );
    async move { Ok(fut.await?.tickets) }
}

#[derive(Deserialize)]
struct Me {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssigneesData {
    ticket_assignees: Vec<StaffRef>,
    me: Option<Me>,
}

/// The desk's users, and the caller's id.
pub fn assignees()
-> impl Future<Output = Result<(Vec<StaffRef>, Option<String>), ApiError>> + Send + 'static {
    let fut = request::<AssigneesData>(TICKET_ASSIGNEES, json!({}));
    async move {
        let d = fut.await?;
        Ok((d.ticket_assignees, d.me.map(|m| m.id)))
    }
}

/// One of an order's tickets, as the order pages list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderTicket {
    pub id: String,
    pub number: String,
    pub status: TicketStatus,
    pub subject: String,
    pub last_message_at: String,
}

#[derive(Deserialize)]
struct OrderTicketsOrder {
    tickets: Vec<OrderTicket>,
}

#[derive(Deserialize)]
struct OrderTicketsData {
    order: Option<OrderTicketsOrder>,
}

/// Order `number`'s tickets as the caller may see them.
pub fn order_tickets(
    number: String,
) -> impl Future<Output = Result<Vec<OrderTicket>, ApiError>> + Send + 'static {
    let fut = request::<OrderTicketsData>(ORDER_TICKETS, json!({ "number": number }));
    async move {
        fut.await?
            .order
            .map(|o| o.tickets)
            .ok_or(ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn a_ticket_decodes_from_the_contract_shape() {
        let resp = json!({"data": {"ticketByNumber": {
            "id": "t1", "number": "TK-000001", "status": "WAITING_ON_STAFF",
            "category": "DELIVERY", "subject": "<b>Where?</b>", "orderNumber": null,
            "messageCount": 1, "lastMessageAt": "2026-11-30T10:00:00+08:00",
            "createdAt": "2026-11-30T10:00:00+08:00",
            "customer": {"email": "a@example.com", "name": "A"}, "assignee": null,
            "messages": [{"role": "STAFF", "authorName": null, "body": "Hi", "at": "2026-11-30T10:00:00+08:00"}],
            "firstResponseAt": null, "resolvedAt": null, "closedAt": null,
            "firstResponseSeconds": null, "resolutionSeconds": null,
            "availableActions": ["REPLY"]
        }}});
        let t = decode::<OneData>(resp).map(|d| d.ticket_by_number);
        assert!(t.is_ok_and(|t| t.status == TicketStatus::WaitingOnStaff
            && t.can(TicketAction::Reply)
            && !t.can(TicketAction::Close)
            && t.messages[0].role == TicketAuthorRole::Staff));
    }

    #[test]
    fn queue_filters_only_send_known_values() {
        let f = QueueFilter {
            status: "RESOLVED".into(),
            assigned: "SOMEONE".into(),
            category: "nope".into(),
            order_number: " ".into(),
        };
        assert_eq!(
            f.variables(),
            json!({"status": "RESOLVED", "assigned": null, "category": null, "orderNumber": null})
        );
    }
}
