//! Texts of order changes: one exhaustive `match` per schema enum, so a
//! value added to schema.graphql does not compile until it has a text.

use super::Key;
use crate::schema::{ChangeRequestKind, ChangeRequestStatus};

/// A change request's status.
pub fn change_status_key(s: ChangeRequestStatus) -> Key {
    match s {
        ChangeRequestStatus::Pending => Key::ChgStatusPending,
        ChangeRequestStatus::Applied => Key::ChgStatusApplied,
        ChangeRequestStatus::Approved => Key::ChgStatusApproved,
        ChangeRequestStatus::Rejected => Key::ChgStatusRejected,
        ChangeRequestStatus::Cancelled => Key::ChgStatusCancelled,
    }
}

/// What a change request asks for.
pub fn change_kind_key(k: ChangeRequestKind) -> Key {
    match k {
        ChangeRequestKind::Change => Key::ChgKindChange,
        ChangeRequestKind::CancelLines => Key::ChgKindCancelLines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_enum_value_has_its_own_text() {
        let distinct = |keys: Vec<Key>| {
            let n = keys.len();
            let mut k = keys;
            k.sort_by_key(|k| format!("{k:?}"));
            k.dedup();
            assert_eq!(k.len(), n);
        };
        distinct(
            ChangeRequestStatus::ALL
                .iter()
                .map(|s| change_status_key(*s))
                .collect(),
        );
        distinct(
            ChangeRequestKind::ALL
                .iter()
                .map(|k| change_kind_key(*k))
                .collect(),
        );
    }
}
