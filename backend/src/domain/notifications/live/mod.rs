//! Live feeds: who may follow which events, and how a subscriber keeps an
//! order's updates gap-free and duplicate-free while it resumes.
//!
//! An order's events carry a per-order `sequence` (1, 2, 3… in commit
//! order). A subscriber remembers the last sequence it delivered and only
//! ever moves forward by one: a pushed update it has already delivered is
//! skipped, one that jumps ahead means it missed something and must read
//! the outbox from its last sequence on.

use uuid::Uuid;

use super::EventType;
use crate::domain::auth::{Principal, Role};

/// What a subscriber does with an update numbered `sequence` when it last
/// delivered `last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Already delivered (a replay and a push overlapped): drop it.
    Skip,
    /// The next one: deliver it.
    Deliver,
    /// Something in between was missed: read the outbox after `last`.
    Refill,
}

/// The rule above.
pub fn step(last: i64, sequence: i64) -> Step {
    if sequence <= last {
        Step::Skip
    } else if sequence == last + 1 {
        Step::Deliver
    } else {
        Step::Refill
    }
}

/// Which events a caller of the staff feed sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedScope {
    /// Staff: every event.
    All,
    /// An integration key: the events of its own channel.
    Channel(Uuid),
}

/// Why a caller may not follow the staff feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedRefusal {
    Unauthenticated,
    Forbidden,
}

/// Staff follow every event, an integration key its channel's; customers
/// and anonymous callers none.
pub fn feed_scope(p: &Principal) -> Result<FeedScope, FeedRefusal> {
    match p {
        Principal::Anonymous => Err(FeedRefusal::Unauthenticated),
        Principal::System => Ok(FeedScope::All),
        Principal::Integration { channel_id, .. } => Ok(FeedScope::Channel(*channel_id)),
        Principal::User { role, .. } if role.is_staff() => Ok(FeedScope::All),
        Principal::User { .. } => Err(FeedRefusal::Forbidden),
    }
}

/// What a feed subscriber asked for; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedFilter {
    pub types: Option<Vec<EventType>>,
    /// Normalised (trimmed, upper case) order number.
    pub order_number: Option<String>,
}

impl FeedFilter {
    pub fn new(types: Option<Vec<EventType>>, order_number: Option<&str>) -> FeedFilter {
        FeedFilter {
            types,
            order_number: order_number
                .map(|n| n.trim().to_ascii_uppercase())
                .filter(|n| !n.is_empty()),
        }
    }

    /// Whether an event passes the filter within `scope` (the reads filter
    /// in SQL too; this is the rule they follow).
    pub fn admits(
        &self,
        scope: FeedScope,
        kind: Option<EventType>,
        order_number: Option<&str>,
        channel_id: Option<Uuid>,
    ) -> bool {
        let in_scope = match scope {
            FeedScope::All => true,
            FeedScope::Channel(c) => channel_id == Some(c),
        };
        let typed = match (&self.types, kind) {
            (None, _) => true,
            (Some(ts), Some(k)) => ts.contains(&k),
            (Some(_), None) => false,
        };
        let numbered = match &self.order_number {
            None => true,
            Some(n) => order_number == Some(n.as_str()),
        };
        in_scope && typed && numbered
    }
}

/// The roles the staff feed is for (the GraphQL guard).
pub const FEED_ROLES: [Role; 5] = [
    Role::Admin,
    Role::Support,
    Role::Warehouse,
    Role::Finance,
    Role::Integration,
];

#[cfg(test)]
mod tests;
