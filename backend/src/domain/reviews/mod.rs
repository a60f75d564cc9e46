//! Reviews: the rules of product reviews, pure.
//!
//! * [`ReviewStatus`] and [`ReviewEvent`]: the moderation state machine,
//!   one transition table ([`ReviewStatus::next`]). A review starts
//!   PENDING; a moderator publishes or rejects it; a published review can
//!   be taken down (rejected, with a reason); an edit by its author sends
//!   any review back to PENDING to be moderated again.
//! * [`RatingEffect`]: what a transition does to the product's published
//!   aggregate (a review counts while it is PUBLISHED, and only then).
//! * [`validate`]: rating, title and body of a review, a moderator's
//!   reason and reply.
//! * [`rating`]: the aggregate's arithmetic (average rounded to 0.1 from
//!   integers, the distribution per star).

pub mod rating;
pub mod validate;

#[cfg(test)]
mod tests;

/// Where a review stands in moderation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// Written or edited; waiting for a moderator; not public.
    Pending,
    /// Public on the product page; counts in the product's rating.
    Published,
    /// Refused (or taken down) by a moderator, with a reason; not public.
    Rejected,
}

/// What can happen to a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewEvent {
    /// A moderator publishes it.
    Publish,
    /// A moderator refuses it (or takes a published one down).
    Reject,
    /// Its author changes rating, title or body.
    Edit,
}

/// A transition the table refuses.
#[derive(Debug, PartialEq, Eq)]
pub struct TransitionError {
    pub from: ReviewStatus,
    pub event: ReviewEvent,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Pending,
        ReviewStatus::Published,
        ReviewStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "PENDING",
            ReviewStatus::Published => "PUBLISHED",
            ReviewStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The moderation transition table.
    pub fn next(self, event: ReviewEvent) -> Result<ReviewStatus, TransitionError> {
        use ReviewEvent as E;
        use ReviewStatus as S;
        let to = match (self, event) {
            (S::Pending, E::Publish) => Some(S::Published),
            (S::Pending, E::Reject) => Some(S::Rejected),
            (S::Pending, E::Edit) => Some(S::Pending),

            (S::Published, E::Publish) => None,
            // Taken down by a moderator.
            (S::Published, E::Reject) => Some(S::Rejected),
            (S::Published, E::Edit) => Some(S::Pending),

            // A rejected review comes back only through its author's edit.
            (S::Rejected, E::Publish) => None,
            (S::Rejected, E::Reject) => None,
            (S::Rejected, E::Edit) => Some(S::Pending),
        };
        to.ok_or(TransitionError { from: self, event })
    }
}

impl ReviewEvent {
    pub const ALL: [ReviewEvent; 3] =
        [ReviewEvent::Publish, ReviewEvent::Reject, ReviewEvent::Edit];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewEvent::Publish => "PUBLISH",
            ReviewEvent::Reject => "REJECT",
            ReviewEvent::Edit => "EDIT",
        }
    }
}

/// What a change does to the product's published aggregate: the old
/// rating leaves it if the review was published, the new one enters it if
/// the review is published afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RatingEffect {
    pub remove: Option<i32>,
    pub add: Option<i32>,
}

impl RatingEffect {
    pub fn of(from: ReviewStatus, old_rating: i32, to: ReviewStatus, new_rating: i32) -> Self {
        RatingEffect {
            remove: (from == ReviewStatus::Published).then_some(old_rating),
            add: (to == ReviewStatus::Published).then_some(new_rating),
        }
    }

    pub fn is_none(&self) -> bool {
        self.remove.is_none() && self.add.is_none()
    }
}
