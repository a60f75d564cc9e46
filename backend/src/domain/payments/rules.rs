//! What may move money and when: the checks every capture, void and
//! refund passes before it is requested, who may move or list money, and
//! how long an unpaid order waits.

use chrono::{DateTime, Duration, Utc};

use super::PaymentMethod;
use super::ledger::Ledger;
use crate::domain::auth::{Principal, Role};

/// Why a money movement is refused before anything is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoneyRefusal {
    /// Zero or negative.
    NotPositive,
    /// More than can be captured.
    AboveCapturable { requested: i64, capturable: i64 },
    /// More than can be refunded (captured minus refunded minus in flight).
    AboveRefundable { requested: i64, refundable: i64 },
    /// Nothing left to void.
    NothingToVoid,
}

impl MoneyRefusal {
    pub fn message(&self) -> String {
        match self {
            MoneyRefusal::NotPositive => "must be a positive amount in minor units".into(),
            MoneyRefusal::AboveCapturable {
                requested,
                capturable,
            } => format!(
                "cannot capture {requested}: only {capturable} is authorized and not yet captured"
            ),
            MoneyRefusal::AboveRefundable {
                requested,
                refundable,
            } => format!(
                "cannot refund {requested}: only {refundable} is captured and not refunded or being refunded"
            ),
            MoneyRefusal::NothingToVoid => "nothing authorized is left to void".into(),
        }
    }
}

pub fn check_capture(l: &Ledger, amount: i64) -> Result<(), MoneyRefusal> {
    if amount <= 0 {
        return Err(MoneyRefusal::NotPositive);
    }
    if amount > l.capturable() {
        return Err(MoneyRefusal::AboveCapturable {
            requested: amount,
            capturable: l.capturable(),
        });
    }
    Ok(())
}

pub fn check_refund(l: &Ledger, amount: i64) -> Result<(), MoneyRefusal> {
    if amount <= 0 {
        return Err(MoneyRefusal::NotPositive);
    }
    if amount > l.refundable() {
        return Err(MoneyRefusal::AboveRefundable {
            requested: amount,
            refundable: l.refundable(),
        });
    }
    Ok(())
}

pub fn check_void(l: &Ledger) -> Result<i64, MoneyRefusal> {
    match l.capturable() {
        0 => Err(MoneyRefusal::NothingToVoid),
        n => Ok(n),
    }
}

/// Who may move money (capture, void, refund, record a manual payment).
pub fn may_move_money(p: &Principal) -> bool {
    matches!(p.role(), Some(Role::Finance | Role::Admin))
}

/// Who may list every payment.
pub fn may_list_payments(p: &Principal) -> bool {
    matches!(p.role(), Some(Role::Finance | Role::Admin | Role::Support))
}

/// How long an order may wait for its payment before it is cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryPolicy {
    pub online: Duration,
    pub bank_transfer: Duration,
}

impl Default for ExpiryPolicy {
    fn default() -> Self {
        ExpiryPolicy {
            online: Duration::minutes(30),
            bank_transfer: Duration::days(7),
        }
    }
}

impl ExpiryPolicy {
    /// When an unpaid order placed at `placed_at` with `method` (none
    /// chosen yet counts as online) expires. Cash on delivery never does.
    pub fn deadline(
        &self,
        placed_at: DateTime<Utc>,
        method: Option<PaymentMethod>,
    ) -> Option<DateTime<Utc>> {
        match method {
            Some(PaymentMethod::CashOnDelivery) => None,
            Some(PaymentMethod::BankTransfer) => Some(placed_at + self.bank_transfer),
            _ => Some(placed_at + self.online),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ledger::test_events::ev;
    use super::super::{PaymentEventKind as K, PaymentEventStatus as S, PaymentStatus};
    use super::*;

    #[test]
    fn capture_and_refund_checks_refuse_bad_amounts() {
        let l = Ledger::from_events(&[ev(K::Authorize, S::Succeeded, 1000, "a")]);
        assert_eq!(check_capture(&l, 0), Err(MoneyRefusal::NotPositive));
        assert_eq!(check_capture(&l, -5), Err(MoneyRefusal::NotPositive));
        assert!(check_capture(&l, 1001).is_err());
        assert!(check_capture(&l, 1000).is_ok());
        assert!(check_refund(&l, 1).is_err(), "nothing captured yet");
        assert_eq!(check_void(&l), Ok(1000));
        let voided = Ledger::from_events(&[
            ev(K::Authorize, S::Succeeded, 1000, "a"),
            ev(K::Void, S::Succeeded, 1000, "v"),
        ]);
        assert_eq!(voided.status(1000), PaymentStatus::Voided);
        assert_eq!(check_void(&voided), Err(MoneyRefusal::NothingToVoid));
    }

    #[test]
    fn expiry_depends_on_the_method() {
        let p = ExpiryPolicy::default();
        let t = Utc::now();
        assert_eq!(p.deadline(t, None), Some(t + Duration::minutes(30)));
        assert_eq!(
            p.deadline(t, Some(PaymentMethod::BankTransfer)),
            Some(t + Duration::days(7))
        );
        assert_eq!(p.deadline(t, Some(PaymentMethod::CashOnDelivery)), None);
    }
}
