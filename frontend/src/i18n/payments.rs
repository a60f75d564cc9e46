//! Texts of the payments area: one exhaustive `match` per schema enum
//! (a value added to schema.graphql does not compile until it has a
//! text), and the errors the payment forms come back with.

use super::{Key, order_error_key};
use crate::schema::{
    OrderPaymentStatus, PaymentEventKind, PaymentEventStatus, PaymentMethod, PaymentStatus,
    SystemReason,
};

/// Text for why the system changed an order.
pub fn reason_key(reason: SystemReason) -> Key {
    match reason {
        SystemReason::PaymentReceived => Key::ReasonPaymentReceived,
        SystemReason::PaymentExpired => Key::ReasonPaymentExpired,
        SystemReason::CashOnDelivery => Key::ReasonCashOnDelivery,
    }
}

/// Text for a payment method.
pub fn method_key(method: PaymentMethod) -> Key {
    match method {
        PaymentMethod::Card => Key::MethodCard,
        PaymentMethod::Alipay => Key::MethodAlipay,
        PaymentMethod::WechatPay => Key::MethodWechatPay,
        PaymentMethod::CashOnDelivery => Key::MethodCashOnDelivery,
        PaymentMethod::BankTransfer => Key::MethodBankTransfer,
    }
}

/// Text for where one payment stands.
pub fn payment_status_key(status: PaymentStatus) -> Key {
    match status {
        PaymentStatus::Pending => Key::PayStatusPending,
        PaymentStatus::Authorized => Key::PayStatusAuthorized,
        PaymentStatus::PartiallyCaptured => Key::PayStatusPartiallyCaptured,
        PaymentStatus::Captured => Key::PayStatusCaptured,
        PaymentStatus::PartiallyRefunded => Key::PayStatusPartiallyRefunded,
        PaymentStatus::Refunded => Key::PayStatusRefunded,
        PaymentStatus::Voided => Key::PayStatusVoided,
        PaymentStatus::Failed => Key::PayStatusFailed,
    }
}

/// Text for where an order's payment stands.
pub fn order_payment_status_key(status: OrderPaymentStatus) -> Key {
    match status {
        OrderPaymentStatus::Unpaid => Key::OrderPayUnpaid,
        OrderPaymentStatus::Authorized => Key::OrderPayAuthorized,
        OrderPaymentStatus::PartiallyPaid => Key::OrderPayPartiallyPaid,
        OrderPaymentStatus::Paid => Key::OrderPayPaid,
        OrderPaymentStatus::PartiallyRefunded => Key::OrderPayPartiallyRefunded,
        OrderPaymentStatus::Refunded => Key::OrderPayRefunded,
    }
}

/// Text for what a ledger entry does to money.
pub fn payment_event_kind_key(kind: PaymentEventKind) -> Key {
    match kind {
        PaymentEventKind::Authorize => Key::PayEventAuthorize,
        PaymentEventKind::Capture => Key::PayEventCapture,
        PaymentEventKind::Void => Key::PayEventVoid,
        PaymentEventKind::Refund => Key::PayEventRefund,
    }
}

/// Text for where a ledger entry stands.
pub fn payment_event_status_key(status: PaymentEventStatus) -> Key {
    match status {
        PaymentEventStatus::Requested => Key::PayEventRequested,
        PaymentEventStatus::Succeeded => Key::PayEventSucceeded,
        PaymentEventStatus::Failed => Key::PayEventFailed,
    }
}

/// Text for an error a payment form came back with (`?form=payment&
/// error=CODE&field=..`); falls back to [`order_error_key`].
pub fn payment_error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field.unwrap_or_default()) {
        ("INVALID_INPUT", "amount") => Key::ErrInvalidAmount,
        ("INVALID_INPUT", "reference") => Key::ErrInvalidReference,
        ("INVALID_INPUT", "reason") => Key::ErrRefundReason,
        ("INVALID_INPUT", "method") => Key::ErrMethodNotOffered,
        // Starting a payment: the order is paid or cancelled.
        ("CONFLICT", "order") => Key::ErrPayConflict,
        ("CONFLICT", _) => Key::ErrPaymentConflict,
        ("FORBIDDEN", _) => Key::MoneyStaffOnly,
        (code, field) => order_error_key(code, Some(field).filter(|f| !f.is_empty())),
    }
}

/// Text for a payment form's `?done=` confirmation, if it is one.
pub fn payment_done_key(done: &str) -> Option<Key> {
    match done {
        "PAY" => Some(Key::DonePay),
        "CAPTURE" => Some(Key::DoneCapture),
        "VOID" => Some(Key::DoneVoid),
        "REFUND" => Some(Key::DoneRefund),
        "RECORD" => Some(Key::DoneRecord),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn distinct<T: Copy + std::fmt::Debug>(all: &[T], key: impl Fn(T) -> Key) {
        let keys: HashSet<Key> = all.iter().map(|v| key(*v)).collect();
        assert_eq!(keys.len(), all.len(), "{all:?}");
    }

    #[test]
    fn every_payment_value_has_its_own_text() {
        distinct(PaymentMethod::ALL, method_key);
        distinct(PaymentStatus::ALL, payment_status_key);
        distinct(OrderPaymentStatus::ALL, order_payment_status_key);
        distinct(PaymentEventKind::ALL, payment_event_kind_key);
        distinct(PaymentEventStatus::ALL, payment_event_status_key);
    }

    #[test]
    fn payment_errors_name_what_to_fix() {
        assert_eq!(
            payment_error_key("INVALID_INPUT", Some("amount")),
            Key::ErrInvalidAmount
        );
        assert_eq!(payment_error_key("CONFLICT", None), Key::ErrPaymentConflict);
        assert_eq!(
            payment_error_key("CONFLICT", Some("order")),
            Key::ErrPayConflict
        );
        assert_eq!(payment_error_key("FORBIDDEN", None), Key::MoneyStaffOnly);
        assert_eq!(
            payment_error_key("INVALID_INPUT", Some("idempotencyKey")),
            Key::ErrExpiredForm
        );
        assert_eq!(payment_error_key("UNAVAILABLE", None), Key::ErrUnavailable);
        assert_eq!(payment_done_key("REFUND"), Some(Key::DoneRefund));
        assert_eq!(payment_done_key("SHIP_ALL"), None);
    }
}
