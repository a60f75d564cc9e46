//! Service tickets: a customer asks (about an order or in general), the
//! service desk answers, until the question is resolved and closed.
//!
//! The lifecycle is one transition table ([`TicketStatus::next`]):
//!
//! ```text
//! OPEN ──staff reply──> WAITING_ON_CUSTOMER ──customer reply──> WAITING_ON_STAFF
//!   │                         ^   └──────────────staff reply──────────┘ │
//!   └──────── resolve (any open status) ──> RESOLVED ──close──> CLOSED (final)
//! ```
//!
//! Decisions:
//! * A customer adding to an `OPEN` ticket keeps it `OPEN` (still waiting
//!   for the first answer).
//! * A reply on a `RESOLVED` ticket reopens it: the customer's to
//!   `WAITING_ON_STAFF`, a staff follow-up to `WAITING_ON_CUSTOMER`. The
//!   resolution time is cleared and measured again at the next resolve, so
//!   reports see the time to the final answer.
//! * `CLOSED` is final: nothing more is written to it. Closing is allowed
//!   only from `RESOLVED` (the customer confirms, or staff close it).
//! * First response = the first staff message after opening; resolution
//!   time = `resolved_at - created_at`.
//!
//! Text is stored exactly as written (trimmed) and never interpreted: HTML
//! in a message is text, escaped wherever it is shown.

use chrono::{DateTime, Utc};

#[cfg(test)]
mod tests;

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketStatus {
    Open,
    WaitingOnCustomer,
    WaitingOnStaff,
    Resolved,
    Closed,
}

/// What happens to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketEvent {
    StaffReply,
    CustomerReply,
    Resolve,
    Close,
}

/// A step the table does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketTransitionError {
    pub from: TicketStatus,
    pub event: TicketEvent,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] = [
        TicketStatus::Open,
        TicketStatus::WaitingOnCustomer,
        TicketStatus::WaitingOnStaff,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "OPEN",
            TicketStatus::WaitingOnCustomer => "WAITING_ON_CUSTOMER",
            TicketStatus::WaitingOnStaff => "WAITING_ON_STAFF",
            TicketStatus::Resolved => "RESOLVED",
            TicketStatus::Closed => "CLOSED",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The one transition table.
    pub fn next(self, event: TicketEvent) -> Result<TicketStatus, TicketTransitionError> {
        use TicketEvent as E;
        use TicketStatus as S;
        let err = Err(TicketTransitionError { from: self, event });
        match (self, event) {
            (S::Open, E::StaffReply) => Ok(S::WaitingOnCustomer),
            (S::Open, E::CustomerReply) => Ok(S::Open),
            (S::Open, E::Resolve) => Ok(S::Resolved),
            (S::Open, E::Close) => err,
            (S::WaitingOnCustomer, E::StaffReply) => Ok(S::WaitingOnCustomer),
            (S::WaitingOnCustomer, E::CustomerReply) => Ok(S::WaitingOnStaff),
            (S::WaitingOnCustomer, E::Resolve) => Ok(S::Resolved),
            (S::WaitingOnCustomer, E::Close) => err,
            (S::WaitingOnStaff, E::StaffReply) => Ok(S::WaitingOnCustomer),
            (S::WaitingOnStaff, E::CustomerReply) => Ok(S::WaitingOnStaff),
            (S::WaitingOnStaff, E::Resolve) => Ok(S::Resolved),
            (S::WaitingOnStaff, E::Close) => err,
            (S::Resolved, E::StaffReply) => Ok(S::WaitingOnCustomer),
            (S::Resolved, E::CustomerReply) => Ok(S::WaitingOnStaff),
            (S::Resolved, E::Resolve) => err,
            (S::Resolved, E::Close) => Ok(S::Closed),
            (S::Closed, E::StaffReply | E::CustomerReply | E::Resolve | E::Close) => err,
        }
    }

    /// Whether the ticket still takes messages and assignment.
    pub fn is_closed(self) -> bool {
        self == TicketStatus::Closed
    }
}

impl TicketEvent {
    pub const ALL: [TicketEvent; 4] = [
        TicketEvent::StaffReply,
        TicketEvent::CustomerReply,
        TicketEvent::Resolve,
        TicketEvent::Close,
    ];
}

/// What a ticket is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketCategory {
    OrderIssue,
    Delivery,
    Payment,
    Return,
    ProductQuestion,
    Other,
}

impl TicketCategory {
    pub const ALL: [TicketCategory; 6] = [
        TicketCategory::OrderIssue,
        TicketCategory::Delivery,
        TicketCategory::Payment,
        TicketCategory::Return,
        TicketCategory::ProductQuestion,
        TicketCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketCategory::OrderIssue => "ORDER_ISSUE",
            TicketCategory::Delivery => "DELIVERY",
            TicketCategory::Payment => "PAYMENT",
            TicketCategory::Return => "RETURN",
            TicketCategory::ProductQuestion => "PRODUCT_QUESTION",
            TicketCategory::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> Option<TicketCategory> {
        let s = s.trim();
        TicketCategory::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorRole {
    Customer,
    Staff,
}

impl AuthorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorRole::Customer => "customer",
            AuthorRole::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<AuthorRole> {
        match s {
            "customer" => Some(AuthorRole::Customer),
            "staff" => Some(AuthorRole::Staff),
            _ => None,
        }
    }

    /// The transition a message by this author makes.
    pub fn reply_event(self) -> TicketEvent {
        match self {
            AuthorRole::Customer => TicketEvent::CustomerReply,
            AuthorRole::Staff => TicketEvent::StaffReply,
        }
    }
}

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 5000;

/// Why a text was refused (the service names the field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong(usize),
    /// A subject is one line.
    LineBreak,
}

impl TextError {
    pub fn message(self) -> String {
        match self {
            TextError::Empty => "must not be empty".into(),
            TextError::TooLong(max) => format!("must be at most {max} characters"),
            TextError::LineBreak => "must be a single line".into(),
        }
    }
}

/// A ticket's subject: trimmed, 1 to 200 characters, one line.
pub fn check_subject(raw: &str) -> Result<String, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > SUBJECT_MAX {
        return Err(TextError::TooLong(SUBJECT_MAX));
    }
    if s.chars().any(|c| c == '\n' || c == '\r') {
        return Err(TextError::LineBreak);
    }
    Ok(s.to_string())
}

/// A message: trimmed, 1 to 5000 characters, stored as plain text.
pub fn check_message(raw: &str) -> Result<String, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > MESSAGE_MAX {
        return Err(TextError::TooLong(MESSAGE_MAX));
    }
    Ok(s.replace("\r\n", "\n"))
}

/// The times a message changes: `first_response_at` is set by the first
/// staff message; a reopened ticket's `resolved_at` is cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Times {
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Times {
    /// The times after `event` at `now` moved the ticket to `to`.
    pub fn after(self, event: TicketEvent, to: TicketStatus, now: DateTime<Utc>) -> Times {
        let first_response_at = match event {
            TicketEvent::StaffReply => self.first_response_at.or(Some(now)),
            TicketEvent::CustomerReply | TicketEvent::Resolve | TicketEvent::Close => {
                self.first_response_at
            }
        };
        let resolved_at = match to {
            TicketStatus::Resolved if event == TicketEvent::Resolve => Some(now),
            TicketStatus::Resolved | TicketStatus::Closed => self.resolved_at,
            TicketStatus::Open | TicketStatus::WaitingOnCustomer | TicketStatus::WaitingOnStaff => {
                None
            }
        };
        let closed_at = match to {
            TicketStatus::Closed => self.closed_at.or(Some(now)),
            _ => None,
        };
        Times {
            first_response_at,
            resolved_at,
            closed_at,
        }
    }
}

/// Whole seconds from `from` to `to` (none until `to` is known).
pub fn seconds_between(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> Option<i64> {
    to.map(|t| (t - from).num_seconds().max(0))
}

/// Something the caller may do to a ticket now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketAction {
    Reply,
    Assign,
    Resolve,
    Close,
}

impl TicketAction {
    pub const ALL: [TicketAction; 4] = [
        TicketAction::Reply,
        TicketAction::Assign,
        TicketAction::Resolve,
        TicketAction::Close,
    ];
}

/// Who is looking at a ticket, in the terms the rules need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The customer the ticket belongs to.
    Owner,
    /// Support or admin: the service desk.
    Desk,
    /// Anyone else (they do not see the ticket at all).
    Other,
}

/// Whether `viewer` may take `action` on a ticket in `status`.
pub fn allowed(viewer: Viewer, status: TicketStatus, action: TicketAction) -> bool {
    let step = |e: TicketEvent| status.next(e).is_ok();
    match (viewer, action) {
        (Viewer::Other, _) => false,
        (Viewer::Owner, TicketAction::Reply) => step(TicketEvent::CustomerReply),
        (Viewer::Desk, TicketAction::Reply) => step(TicketEvent::StaffReply),
        (Viewer::Owner, TicketAction::Assign | TicketAction::Resolve) => false,
        (Viewer::Desk, TicketAction::Assign) => !status.is_closed(),
        (Viewer::Desk, TicketAction::Resolve) => step(TicketEvent::Resolve),
        (Viewer::Owner | Viewer::Desk, TicketAction::Close) => step(TicketEvent::Close),
    }
}

/// `TK-000123` from the ticket's sequence number.
pub fn format_number(seq: i64) -> String {
    format!("TK-{seq:06}")
}
