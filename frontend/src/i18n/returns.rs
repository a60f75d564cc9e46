//! Texts of returns (RMA): status, reason and resolution (one exhaustive
//! `match` each, so a value added to schema.graphql does not compile until
//! it has a text) and the return forms' errors.

use super::Key;
use crate::schema::{ReturnReason, ReturnResolution, ReturnStatus};

/// The label of a return's status.
pub fn return_status_key(status: ReturnStatus) -> Key {
    match status {
        ReturnStatus::Requested => Key::RetStatusRequested,
        ReturnStatus::Approved => Key::RetStatusApproved,
        ReturnStatus::Received => Key::RetStatusReceived,
        ReturnStatus::Inspected => Key::RetStatusInspected,
        ReturnStatus::Refunded => Key::RetStatusRefunded,
        ReturnStatus::Exchanged => Key::RetStatusExchanged,
        ReturnStatus::Rejected => Key::RetStatusRejected,
        ReturnStatus::Cancelled => Key::RetStatusCancelled,
    }
}

/// The label of a return reason.
pub fn return_reason_key(reason: ReturnReason) -> Key {
    match reason {
        ReturnReason::Damaged => Key::RetReasonDamaged,
        ReturnReason::Defective => Key::RetReasonDefective,
        ReturnReason::WrongItem => Key::RetReasonWrongItem,
        ReturnReason::NotAsDescribed => Key::RetReasonNotAsDescribed,
        ReturnReason::SizeFit => Key::RetReasonSizeFit,
        ReturnReason::ChangedMind => Key::RetReasonChangedMind,
        ReturnReason::Other => Key::RetReasonOther,
    }
}

/// The label of a resolution.
pub fn return_resolution_key(r: ReturnResolution) -> Key {
    match r {
        ReturnResolution::Refund => Key::RetResolutionRefund,
        ReturnResolution::Exchange => Key::RetResolutionExchange,
    }
}

/// The message for a return form's `?error=CODE&field=..`.
pub fn return_error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field) {
        ("INVALID_INPUT", Some(f)) if f.starts_with("lines") => Key::RetErrLines,
        ("INVALID_INPUT", Some(f)) if f.starts_with("exchangeSkus") => Key::RetErrExchange,
        ("INVALID_INPUT", Some(f)) if f.starts_with("items") => Key::RetErrItems,
        ("INVALID_INPUT", Some("reason")) => Key::RetErrReason,
        ("CONFLICT", _) => Key::RetErrConflict,
        (code, field) => super::error_key(code, field),
    }
}
