//! Ticket output types: the ticket, its messages, pages and counts.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::super::context::{principal, state};
use super::super::orders::Customer;
use super::super::types::{PageInfo, User};
use crate::domain::tickets::{self as rules, seconds_between};
use crate::services::tickets::{self as svc, TicketView};

/// Where a ticket stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TicketStatus {
    /// Opened; waiting for the first answer.
    Open,
    /// The service desk answered; waiting for the customer.
    WaitingOnCustomer,
    /// The customer answered; waiting for the service desk.
    WaitingOnStaff,
    /// The desk considers it solved; a reply from the customer reopens it.
    Resolved,
    /// Finished; takes no more messages.
    Closed,
}

impl From<rules::TicketStatus> for TicketStatus {
    fn from(s: rules::TicketStatus) -> Self {
        match s {
            rules::TicketStatus::Open => TicketStatus::Open,
            rules::TicketStatus::WaitingOnCustomer => TicketStatus::WaitingOnCustomer,
            rules::TicketStatus::WaitingOnStaff => TicketStatus::WaitingOnStaff,
            rules::TicketStatus::Resolved => TicketStatus::Resolved,
            rules::TicketStatus::Closed => TicketStatus::Closed,
        }
    }
}

impl From<TicketStatus> for rules::TicketStatus {
    fn from(s: TicketStatus) -> Self {
        match s {
            TicketStatus::Open => rules::TicketStatus::Open,
            TicketStatus::WaitingOnCustomer => rules::TicketStatus::WaitingOnCustomer,
            TicketStatus::WaitingOnStaff => rules::TicketStatus::WaitingOnStaff,
            TicketStatus::Resolved => rules::TicketStatus::Resolved,
            TicketStatus::Closed => rules::TicketStatus::Closed,
        }
    }
}

/// What a ticket is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TicketCategory {
    /// Something is wrong with an order (items, amounts, changes).
    OrderIssue,
    /// Where a parcel is, delivery problems.
    Delivery,
    /// Paying, charges, refunds.
    Payment,
    /// Sending something back.
    Return,
    /// A question about a product.
    ProductQuestion,
    /// Anything else.
    Other,
}

impl From<rules::TicketCategory> for TicketCategory {
    fn from(c: rules::TicketCategory) -> Self {
        match c {
            rules::TicketCategory::OrderIssue => TicketCategory::OrderIssue,
            rules::TicketCategory::Delivery => TicketCategory::Delivery,
            rules::TicketCategory::Payment => TicketCategory::Payment,
            rules::TicketCategory::Return => TicketCategory::Return,
            rules::TicketCategory::ProductQuestion => TicketCategory::ProductQuestion,
            rules::TicketCategory::Other => TicketCategory::Other,
        }
    }
}

impl From<TicketCategory> for rules::TicketCategory {
    fn from(c: TicketCategory) -> Self {
        match c {
            TicketCategory::OrderIssue => rules::TicketCategory::OrderIssue,
            TicketCategory::Delivery => rules::TicketCategory::Delivery,
            TicketCategory::Payment => rules::TicketCategory::Payment,
            TicketCategory::Return => rules::TicketCategory::Return,
            TicketCategory::ProductQuestion => rules::TicketCategory::ProductQuestion,
            TicketCategory::Other => rules::TicketCategory::Other,
        }
    }
}

/// Who wrote a message.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TicketAuthorRole {
    /// The ticket's customer.
    Customer,
    /// The service desk.
    Staff,
}

/// Something the caller may do to a ticket now.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TicketAction {
    /// Add a message (`replyToTicket`).
    Reply,
    /// Assign it to a support or admin user (`assignTicket`).
    Assign,
    /// Mark it resolved (`resolveTicket`).
    Resolve,
    /// Close a resolved ticket (`closeTicket`).
    Close,
}

impl From<rules::TicketAction> for TicketAction {
    fn from(a: rules::TicketAction) -> Self {
        match a {
            rules::TicketAction::Reply => TicketAction::Reply,
            rules::TicketAction::Assign => TicketAction::Assign,
            rules::TicketAction::Resolve => TicketAction::Resolve,
            rules::TicketAction::Close => TicketAction::Close,
        }
    }
}

/// One message of a ticket. The body is plain text exactly as written:
/// clients must show it as text (escaped), never as HTML.
#[derive(SimpleObject)]
pub struct TicketMessage {
    /// Stable opaque id.
    pub id: ID,
    /// Who wrote it.
    pub role: TicketAuthorRole,
    /// The author's name; for a customer, staff authors are not named
    /// (null: "Customer service").
    pub author_name: Option<String>,
    /// The text, plain.
    pub body: String,
    /// When, in the merchant's time zone (`OMS_TIMEZONE`).
    pub at: DateTime<FixedOffset>,
}

/// A service ticket: a conversation between a customer and the service
/// desk, optionally about one order.
pub struct Ticket(pub TicketView);

/// A service ticket: a conversation between a customer and the service
/// desk, optionally about one order.
#[Object]
impl Ticket {
    /// Stable opaque id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    /// Human-friendly number, e.g. "TK-000123".
    async fn number(&self) -> &str {
        &self.0.row.number
    }
    /// Current status.
    async fn status(&self) -> Result<TicketStatus> {
        Ok(rules::TicketStatus::parse(&self.0.row.status)
            .ok_or_else(|| async_graphql::Error::new("unknown ticket status"))?
            .into())
    }
    /// What it is about.
    async fn category(&self) -> Result<TicketCategory> {
        Ok(rules::TicketCategory::parse(&self.0.row.category)
            .ok_or_else(|| async_graphql::Error::new("unknown ticket category"))?
            .into())
    }
    /// One line saying what it is about, plain text.
    async fn subject(&self) -> &str {
        &self.0.row.subject
    }
    /// The number of the order it is about (none for a general question).
    async fn order_number(&self) -> Option<&str> {
        self.0.row.order_number.as_deref()
    }
    /// The order it is about, if any (as the caller may see it).
    async fn order(&self, ctx: &Context<'_>) -> Result<Option<super::super::orders::Order>> {
        let Some(n) = self.0.row.order_number.as_deref() else {
            return Ok(None);
        };
        match crate::services::orders::find_visible(state(ctx)?, principal(ctx), n).await {
            Ok(o) => Ok(Some(super::super::orders::Order(o))),
            Err(crate::error::AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    /// Who asked (their email and name when the ticket was opened).
    async fn customer(&self) -> Customer {
        Customer {
            email: self.0.row.customer_email.clone(),
            name: self.0.row.customer_name.clone(),
        }
    }
    /// The support or admin user handling it; shown to staff only (null
    /// for the customer, and when unassigned).
    async fn assignee(&self, ctx: &Context<'_>) -> Option<User> {
        if !principal(ctx).is_staff() {
            return None;
        }
        self.0.assignee.as_ref().map(|a| User {
            id: ID(a.id.to_string()),
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.into(),
        })
    }
    /// Its messages, oldest first.
    async fn messages(&self, ctx: &Context<'_>) -> Result<Vec<TicketMessage>> {
        let st = state(ctx)?;
        let staff_viewer = principal(ctx).is_staff();
        let zone = st.config.time_zone;
        Ok(svc::messages(st, self.0.row.id)
            .await?
            .into_iter()
            .map(|m| {
                let role = match rules::AuthorRole::parse(&m.author_role) {
                    Some(rules::AuthorRole::Customer) => TicketAuthorRole::Customer,
                    _ => TicketAuthorRole::Staff,
                };
                let named = staff_viewer || role == TicketAuthorRole::Customer;
                TicketMessage {
                    id: ID(m.id.to_string()),
                    role,
                    author_name: named.then_some(m.author_name),
                    body: m.body,
                    at: zone.local(m.created_at),
                }
            })
            .collect())
    }
    /// How many messages it has.
    async fn message_count(&self) -> i32 {
        self.0.row.message_count
    }
    /// When it was opened, in the merchant's time zone.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.row.created_at))
    }
    /// When its latest message was written.
    async fn last_message_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?
            .config
            .time_zone
            .local(self.0.row.last_message_at))
    }
    /// When the service desk first answered (null until it has).
    async fn first_response_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.row.first_response_at.map(|t| zone.local(t)))
    }
    /// When it was resolved (null while open, and again after a reopen).
    async fn resolved_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.row.resolved_at.map(|t| zone.local(t)))
    }
    /// When it was closed.
    async fn closed_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.row.closed_at.map(|t| zone.local(t)))
    }
    /// Seconds from opening to the first staff answer (null until then).
    async fn first_response_seconds(&self) -> Option<i64> {
        seconds_between(self.0.row.created_at, self.0.row.first_response_at)
    }
    /// Seconds from opening to resolution (null while unresolved).
    async fn resolution_seconds(&self) -> Option<i64> {
        seconds_between(self.0.row.created_at, self.0.row.resolved_at)
    }
    /// What the caller may do to it now. Clients show exactly these; the
    /// server re-checks each when it is taken.
    async fn available_actions(&self, ctx: &Context<'_>) -> Vec<TicketAction> {
        let viewer = svc::viewer(principal(ctx), &self.0.row);
        let Some(status) = rules::TicketStatus::parse(&self.0.row.status) else {
            return Vec::new();
        };
        rules::TicketAction::ALL
            .into_iter()
            .filter(|a| rules::allowed(viewer, status, *a))
            .map(Into::into)
            .collect()
    }
}

/// A ticket in a page of results.
#[derive(SimpleObject)]
pub struct TicketEdge {
    /// Opaque position; pass as `after`.
    pub cursor: String,
    /// The ticket.
    pub node: Ticket,
}

/// How many tickets are in one status.
#[derive(SimpleObject)]
pub struct TicketStatusCount {
    /// The status.
    pub status: TicketStatus,
    /// Tickets in it, over the list's other filters.
    pub count: i64,
}

/// A page of tickets, with counts per status.
#[derive(SimpleObject)]
pub struct TicketConnection {
    /// The tickets of this page.
    pub edges: Vec<TicketEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Tickets matching, over all pages.
    pub total_count: i64,
    /// Tickets per status (every status, zeros included), with every filter
    /// but the status applied: the queue's tabs.
    pub counts_by_status: Vec<TicketStatusCount>,
}

impl From<svc::TicketPage> for TicketConnection {
    fn from(p: svc::TicketPage) -> Self {
        let (cursors, page_info) =
            super::super::types::offset_page(p.offset, p.items.len(), p.has_next);
        TicketConnection {
            edges: p
                .items
                .into_iter()
                .zip(cursors)
                .map(|(t, cursor)| TicketEdge {
                    cursor,
                    node: Ticket(t),
                })
                .collect(),
            page_info,
            total_count: p.total as i64,
            counts_by_status: p
                .counts
                .into_iter()
                .map(|(s, n)| TicketStatusCount {
                    status: s.into(),
                    count: n as i64,
                })
                .collect(),
        }
    }
}
