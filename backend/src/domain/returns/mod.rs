//! Returns and exchanges (RMA): the return state machine, reason codes,
//! who may take which step, and (in [`refund`]) how much a return gives
//! back, how much is still returnable and when a return approves itself.
//! Pure: no I/O.
//!
//! Lifecycle (one table, [`ReturnStatus::next`]):
//!
//! ```text
//! REQUESTED ─approve→ APPROVED ─receive→ RECEIVED ─inspect→ INSPECTED ─refund→ REFUNDED
//!     │                   │                                   ├─exchange→ EXCHANGED
//!     ├─reject→ REJECTED  └─cancel→ CANCELLED                 └─reject→ REJECTED
//!     └─cancel→ CANCELLED
//! ```
//!
//! `receiveReturn` takes RECEIVED and INSPECTED in one command (the
//! warehouse records each unit's disposition as it unpacks the parcel).

pub mod refund;

use super::auth::Role;

/// Where a return is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnStatus {
    Requested,
    Approved,
    Received,
    Inspected,
    Refunded,
    Exchanged,
    Rejected,
    Cancelled,
}

/// What can happen to a return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnAction {
    /// Support (or the auto-approval rule) accepts the request.
    Approve,
    /// Support refuses it (before receipt), or inspection finds nothing to give back.
    Reject,
    /// The customer withdraws it before the parcel arrives.
    Cancel,
    /// The warehouse received the parcel.
    Receive,
    /// The warehouse recorded each unit's disposition.
    Inspect,
    /// Finance gave the money back.
    Refund,
    /// The replacement was allocated and a shipment opened.
    Exchange,
}

#[derive(Debug, PartialEq, Eq)]
pub struct TransitionError {
    pub from: ReturnStatus,
    pub action: ReturnAction,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 8] = [
        ReturnStatus::Requested,
        ReturnStatus::Approved,
        ReturnStatus::Received,
        ReturnStatus::Inspected,
        ReturnStatus::Refunded,
        ReturnStatus::Exchanged,
        ReturnStatus::Rejected,
        ReturnStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "REQUESTED",
            ReturnStatus::Approved => "APPROVED",
            ReturnStatus::Received => "RECEIVED",
            ReturnStatus::Inspected => "INSPECTED",
            ReturnStatus::Refunded => "REFUNDED",
            ReturnStatus::Exchanged => "EXCHANGED",
            ReturnStatus::Rejected => "REJECTED",
            ReturnStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The transition table: one match, no catch-all arm.
    pub fn next(self, action: ReturnAction) -> Result<ReturnStatus, TransitionError> {
        use ReturnAction as A;
        use ReturnStatus as S;
        let to = match (self, action) {
            (S::Requested, A::Approve) => Some(S::Approved),
            (S::Requested, A::Reject) => Some(S::Rejected),
            (S::Requested, A::Cancel) => Some(S::Cancelled),
            (S::Requested, A::Receive | A::Inspect | A::Refund | A::Exchange) => None,

            (S::Approved, A::Receive) => Some(S::Received),
            (S::Approved, A::Cancel) => Some(S::Cancelled),
            (S::Approved, A::Approve | A::Reject | A::Inspect | A::Refund | A::Exchange) => None,

            (S::Received, A::Inspect) => Some(S::Inspected),
            (S::Received, A::Approve | A::Reject | A::Cancel | A::Receive) => None,
            (S::Received, A::Refund | A::Exchange) => None,

            (S::Inspected, A::Refund) => Some(S::Refunded),
            (S::Inspected, A::Exchange) => Some(S::Exchanged),
            (S::Inspected, A::Reject) => Some(S::Rejected),
            (S::Inspected, A::Approve | A::Cancel | A::Receive | A::Inspect) => None,

            (S::Refunded, _) => None,
            (S::Exchanged, _) => None,
            (S::Rejected, _) => None,
            (S::Cancelled, _) => None,
        };
        to.ok_or(TransitionError { from: self, action })
    }

    /// Still open: it holds its units against the returnable quantity and
    /// keeps the order from completing.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReturnStatus::Requested
                | ReturnStatus::Approved
                | ReturnStatus::Received
                | ReturnStatus::Inspected
        )
    }

    /// Counts against what can still be returned (everything but a
    /// withdrawn or refused request).
    pub fn counts_against_returnable(self) -> bool {
        !matches!(self, ReturnStatus::Cancelled | ReturnStatus::Rejected)
    }
}

impl ReturnAction {
    pub const ALL: [ReturnAction; 7] = [
        ReturnAction::Approve,
        ReturnAction::Reject,
        ReturnAction::Cancel,
        ReturnAction::Receive,
        ReturnAction::Inspect,
        ReturnAction::Refund,
        ReturnAction::Exchange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnAction::Approve => "APPROVE",
            ReturnAction::Reject => "REJECT",
            ReturnAction::Cancel => "CANCEL",
            ReturnAction::Receive => "RECEIVE",
            ReturnAction::Inspect => "INSPECT",
            ReturnAction::Refund => "REFUND",
            ReturnAction::Exchange => "EXCHANGE",
        }
    }

    /// Roles that may take this action (customers only on their own
    /// orders' returns; the service checks that). Inspect and Exchange
    /// happen inside receiving.
    pub fn roles(self) -> &'static [Role] {
        match self {
            ReturnAction::Approve | ReturnAction::Reject => &[Role::Support, Role::Admin],
            ReturnAction::Cancel => &[Role::Customer, Role::Support, Role::Admin],
            ReturnAction::Receive | ReturnAction::Inspect | ReturnAction::Exchange => {
                &[Role::Warehouse, Role::Admin]
            }
            ReturnAction::Refund => &[Role::Finance, Role::Admin],
        }
    }
}

/// Why a customer sends something back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnReason {
    Damaged,
    Defective,
    WrongItem,
    NotAsDescribed,
    SizeFit,
    ChangedMind,
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 7] = [
        ReturnReason::Damaged,
        ReturnReason::Defective,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
        ReturnReason::SizeFit,
        ReturnReason::ChangedMind,
        ReturnReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "DAMAGED",
            ReturnReason::Defective => "DEFECTIVE",
            ReturnReason::WrongItem => "WRONG_ITEM",
            ReturnReason::NotAsDescribed => "NOT_AS_DESCRIBED",
            ReturnReason::SizeFit => "SIZE_FIT",
            ReturnReason::ChangedMind => "CHANGED_MIND",
            ReturnReason::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The merchant's fault: approves itself, and refunds shipping when
    /// the whole order comes back.
    pub fn is_fault(self) -> bool {
        matches!(
            self,
            ReturnReason::Damaged
                | ReturnReason::Defective
                | ReturnReason::WrongItem
                | ReturnReason::NotAsDescribed
        )
    }
}

/// What the customer wants instead of the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    Refund,
    Exchange,
}

impl Resolution {
    pub const ALL: [Resolution; 2] = [Resolution::Refund, Resolution::Exchange];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Refund => "REFUND",
            Resolution::Exchange => "EXCHANGE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What the warehouse found for a unit on receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Back on the shelf of the chosen warehouse (on hand goes up).
    Restock,
    /// Arrived unsellable: received and written off in the ledger.
    Damaged,
    /// Not in the parcel: no stock change, not refunded.
    Missing,
}

pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_LINES: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (status, action) pair, against the table written out by hand.
    #[test]
    fn transition_table_is_exactly_this() {
        use ReturnAction as A;
        use ReturnStatus as S;
        let allowed: &[(S, A, S)] = &[
            (S::Requested, A::Approve, S::Approved),
            (S::Requested, A::Reject, S::Rejected),
            (S::Requested, A::Cancel, S::Cancelled),
            (S::Approved, A::Receive, S::Received),
            (S::Approved, A::Cancel, S::Cancelled),
            (S::Received, A::Inspect, S::Inspected),
            (S::Inspected, A::Refund, S::Refunded),
            (S::Inspected, A::Exchange, S::Exchanged),
            (S::Inspected, A::Reject, S::Rejected),
        ];
        let mut checked = 0;
        for s in ReturnStatus::ALL {
            for a in ReturnAction::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, x, _)| *f == s && *x == a)
                    .map(|t| t.2);
                match expected {
                    Some(to) => assert_eq!(s.next(a), Ok(to), "{s:?} --{a:?}-->"),
                    None => assert_eq!(s.next(a), Err(TransitionError { from: s, action: a })),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 56);
    }

    #[test]
    fn final_statuses_are_closed_and_free_their_units_only_when_withdrawn() {
        for s in ReturnStatus::ALL {
            let is_final = ReturnAction::ALL.iter().all(|a| s.next(*a).is_err());
            assert_eq!(s.is_open(), !is_final, "{s:?}");
        }
        assert!(!ReturnStatus::Cancelled.counts_against_returnable());
        assert!(!ReturnStatus::Rejected.counts_against_returnable());
        assert!(ReturnStatus::Refunded.counts_against_returnable());
        assert!(ReturnStatus::Requested.counts_against_returnable());
    }

    #[test]
    fn codes_round_trip_as_text() {
        for s in ReturnStatus::ALL {
            assert_eq!(ReturnStatus::parse(s.as_str()), Some(s));
        }
        for r in ReturnReason::ALL {
            assert_eq!(ReturnReason::parse(r.as_str()), Some(r));
        }
        for r in Resolution::ALL {
            assert_eq!(Resolution::parse(r.as_str()), Some(r));
        }
        assert_eq!(ReturnStatus::parse("requested"), None);
    }

    #[test]
    fn warehouse_receives_finance_refunds_support_approves() {
        assert!(ReturnAction::Refund.roles().contains(&Role::Finance));
        assert!(!ReturnAction::Refund.roles().contains(&Role::Warehouse));
        assert!(!ReturnAction::Receive.roles().contains(&Role::Support));
        assert!(ReturnAction::Receive.roles().contains(&Role::Warehouse));
        assert!(ReturnAction::Approve.roles().contains(&Role::Support));
        assert!(!ReturnAction::Approve.roles().contains(&Role::Customer));
        assert!(ReturnAction::Cancel.roles().contains(&Role::Customer));
    }
}
