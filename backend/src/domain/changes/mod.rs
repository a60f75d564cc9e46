//! Order changes before shipping: the change request's state machine, and
//! the pure pricing and rules of a change (or of cancelling some lines).
//!
//! Rules (see [`plan`]):
//! * existing lines keep the price they were placed at; added lines take
//!   the current catalog price; the shipping fee stays unless the delivery
//!   method changes (then the new method's rate prices the new parcel);
//! * applied at once: an address change before picking started, and
//!   removals or decreases whose units have not started picking;
//! * support approves: additions, increases, a delivery method change, and
//!   anything that touches units whose picking started;
//! * refused: a line with shipped units (CONFLICT naming it), a change to
//!   or from store pickup, a change that removes every line (cancel the
//!   order instead), and a change that changes nothing.

mod plan;
mod summary;
#[cfg(test)]
mod tests;

pub use plan::{
    CatalogItem, ChangeError, ChangeInput, Current, CurrentLine, LineDiff, Mode, Plan, plan,
};
pub use summary::{ChangeSummary, LineChange};

/// Where a change request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeStatus {
    /// Waits for support.
    Pending,
    /// Applied at once (no approval needed).
    Applied,
    /// Approved by support and applied.
    Approved,
    /// Refused by support, with a reason.
    Rejected,
    /// Withdrawn before a decision.
    Cancelled,
}

/// What can happen to a change request after it is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeEvent {
    Approve,
    Reject,
    Withdraw,
}

impl ChangeEvent {
    pub const ALL: [ChangeEvent; 3] = [
        ChangeEvent::Approve,
        ChangeEvent::Reject,
        ChangeEvent::Withdraw,
    ];
}

impl ChangeStatus {
    pub const ALL: [ChangeStatus; 5] = [
        ChangeStatus::Pending,
        ChangeStatus::Applied,
        ChangeStatus::Approved,
        ChangeStatus::Rejected,
        ChangeStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "PENDING",
            ChangeStatus::Applied => "APPLIED",
            ChangeStatus::Approved => "APPROVED",
            ChangeStatus::Rejected => "REJECTED",
            ChangeStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The transition table: one match, no catch-all arm.
    pub fn next(self, e: ChangeEvent) -> Option<ChangeStatus> {
        use ChangeEvent as E;
        use ChangeStatus as S;
        match (self, e) {
            (S::Pending, E::Approve) => Some(S::Approved),
            (S::Pending, E::Reject) => Some(S::Rejected),
            (S::Pending, E::Withdraw) => Some(S::Cancelled),
            (S::Applied | S::Approved | S::Rejected | S::Cancelled, _) => None,
        }
    }
}

/// What a change request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Address, quantities, lines or delivery method.
    Change,
    /// Some lines or units cancelled.
    CancelLines,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 2] = [ChangeKind::Change, ChangeKind::CancelLines];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Change => "CHANGE",
            ChangeKind::CancelLines => "CANCEL_LINES",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The longest reason for a rejection or a cancellation.
pub const MAX_REASON_CHARS: usize = 500;
