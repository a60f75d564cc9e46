//! What a payment's events add up to: operations folded from events, the
//! ledger's amounts and status, totals over an order's payments, and which
//! payments an order paid twice does not need.

use std::collections::BTreeMap;

use super::{
    OrderPaymentStatus, PaymentEvent, PaymentEventKind, PaymentEventStatus, PaymentStatus,
};

/// An operation folded from its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub op_key: String,
    pub kind: PaymentEventKind,
    pub amount_minor: i64,
    pub state: PaymentEventStatus,
    pub provider_reference: Option<String>,
}

/// What a payment's events add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    pub authorized: i64,
    pub captured: i64,
    pub voided: i64,
    pub refunded: i64,
    /// Requested and not settled yet.
    pub pending_capture: i64,
    pub pending_void: i64,
    pub pending_refund: i64,
    /// Some authorize or capture failed (and none succeeded).
    pub failed: bool,
    /// A void succeeded (the trade is closed or the authorization released).
    pub closed: bool,
}

/// Folds events into operations (ordered by first appearance).
pub fn operations(events: &[PaymentEvent]) -> Vec<Operation> {
    let mut order: Vec<String> = Vec::new();
    let mut ops: BTreeMap<String, Operation> = BTreeMap::new();
    for e in events {
        let op = ops.entry(e.op_key.clone()).or_insert_with(|| {
            order.push(e.op_key.clone());
            Operation {
                op_key: e.op_key.clone(),
                kind: e.kind,
                amount_minor: e.amount_minor,
                state: PaymentEventStatus::Requested,
                provider_reference: None,
            }
        });
        // A settled state wins over a request, whichever arrived first.
        op.state = match (op.state, e.status) {
            (PaymentEventStatus::Succeeded, _) | (_, PaymentEventStatus::Succeeded) => {
                PaymentEventStatus::Succeeded
            }
            (PaymentEventStatus::Failed, _) | (_, PaymentEventStatus::Failed) => {
                PaymentEventStatus::Failed
            }
            _ => PaymentEventStatus::Requested,
        };
        if e.provider_reference.is_some() {
            op.provider_reference = e.provider_reference.clone();
        }
    }
    order.into_iter().filter_map(|k| ops.remove(&k)).collect()
}

impl Ledger {
    pub fn from_events(events: &[PaymentEvent]) -> Ledger {
        let mut l = Ledger::default();
        let mut any_success = false;
        for op in operations(events) {
            use PaymentEventKind as K;
            use PaymentEventStatus as S;
            let a = op.amount_minor;
            match (op.kind, op.state) {
                (K::Authorize, S::Succeeded) => l.authorized += a,
                (K::Capture, S::Succeeded) => l.captured += a,
                (K::Void, S::Succeeded) => {
                    l.voided += a;
                    l.closed = true;
                }
                (K::Refund, S::Succeeded) => l.refunded += a,
                (K::Capture, S::Requested) => l.pending_capture += a,
                (K::Void, S::Requested) => l.pending_void += a,
                (K::Refund, S::Requested) => l.pending_refund += a,
                (K::Authorize, S::Requested) => {}
                (K::Authorize | K::Capture, S::Failed) => l.failed = true,
                (K::Void | K::Refund, S::Failed) => {}
            }
            if op.state == S::Succeeded && matches!(op.kind, K::Authorize | K::Capture) {
                any_success = true;
            }
        }
        if any_success {
            l.failed = false;
        }
        l
    }

    /// Authorized and still capturable (captures draw on the
    /// authorization; in-flight captures and voids are already spoken for).
    pub fn capturable(&self) -> i64 {
        (self.authorized - self.captured - self.voided - self.pending_capture - self.pending_void)
            .max(0)
    }

    /// Authorized, not captured, not voided (what still holds the
    /// customer's money, in flight or not).
    pub fn open_authorization(&self) -> i64 {
        (self.authorized - self.captured - self.voided).max(0)
    }

    /// Captured and not refunded or being refunded.
    pub fn refundable(&self) -> i64 {
        (self.captured - self.refunded - self.pending_refund).max(0)
    }

    /// What this payment still holds of the customer's money once every
    /// requested void and refund is done: captured and not being given
    /// back, plus authorized and not being released.
    pub fn held(&self) -> i64 {
        (self.captured - self.refunded - self.pending_refund).max(0)
            + (self.authorized - self.captured - self.voided - self.pending_void).max(0)
    }

    /// Money the customer has committed and not got back: captured net of
    /// refunds, plus open authorizations.
    pub fn covered(&self) -> i64 {
        self.captured - self.refunded + self.open_authorization()
    }

    pub fn status(&self, amount_minor: i64) -> PaymentStatus {
        if self.refunded > 0 && self.refunded >= self.captured {
            PaymentStatus::Refunded
        } else if self.refunded > 0 {
            PaymentStatus::PartiallyRefunded
        } else if self.captured > 0 && self.captured >= amount_minor {
            PaymentStatus::Captured
        } else if self.captured > 0 {
            PaymentStatus::PartiallyCaptured
        } else if self.open_authorization() > 0 {
            PaymentStatus::Authorized
        } else if self.closed || (self.authorized > 0 && self.open_authorization() == 0) {
            PaymentStatus::Voided
        } else if self.failed {
            PaymentStatus::Failed
        } else {
            PaymentStatus::Pending
        }
    }
}

/// Totals over all payments of one order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderPaymentSummary {
    pub captured: i64,
    pub refunded: i64,
    pub open_authorization: i64,
    pub pending_refund: i64,
}

impl OrderPaymentSummary {
    pub fn of<'a>(ledgers: impl IntoIterator<Item = &'a Ledger>) -> Self {
        let mut s = OrderPaymentSummary::default();
        for l in ledgers {
            s.captured += l.captured;
            s.refunded += l.refunded;
            s.open_authorization += l.open_authorization();
            s.pending_refund += l.pending_refund;
        }
        s
    }

    /// Captured plus authorized covers the order's total.
    pub fn covers(&self, total_minor: i64) -> bool {
        self.captured - self.refunded + self.open_authorization >= total_minor
    }

    pub fn status(&self, total_minor: i64) -> OrderPaymentStatus {
        if self.refunded > 0 && self.refunded >= self.captured {
            OrderPaymentStatus::Refunded
        } else if self.refunded > 0 {
            OrderPaymentStatus::PartiallyRefunded
        } else if self.captured >= total_minor && self.captured > 0 {
            OrderPaymentStatus::Paid
        } else if self.open_authorization > 0
            && self.captured + self.open_authorization >= total_minor
        {
            OrderPaymentStatus::Authorized
        } else if self.captured > 0 || self.open_authorization > 0 {
            OrderPaymentStatus::PartiallyPaid
        } else {
            OrderPaymentStatus::Unpaid
        }
    }

    /// What the customer still owes (nothing on a cancelled order).
    pub fn amount_due(&self, total_minor: i64, cancelled: bool) -> i64 {
        if cancelled {
            return 0;
        }
        (total_minor - self.captured - self.open_authorization).max(0)
    }
}

/// Payments an order does not need: when what its payments hold exceeds
/// the total (the customer paid twice, on two provider pages), the newest
/// payments that are wholly surplus, newest first. A payment that is only
/// partly surplus is left for finance to refund by hand.
pub fn surplus_payments(ledgers: &[(uuid::Uuid, Ledger)], total_minor: i64) -> Vec<uuid::Uuid> {
    let mut excess: i64 = ledgers.iter().map(|(_, l)| l.held()).sum::<i64>() - total_minor;
    let mut out = Vec::new();
    for (id, l) in ledgers.iter().rev() {
        let held = l.held();
        if excess <= 0 {
            break;
        }
        if held > 0 && held <= excess {
            excess -= held;
            out.push(*id);
        }
    }
    out
}

#[cfg(test)]
pub(super) mod test_events {
    use super::super::{PaymentEvent, PaymentEventKind, PaymentEventStatus};
    use chrono::Utc;

    /// A ledger row for tests.
    pub fn ev(
        kind: PaymentEventKind,
        status: PaymentEventStatus,
        amount: i64,
        op: &str,
    ) -> PaymentEvent {
        PaymentEvent {
            id: 0,
            kind,
            status,
            amount_minor: amount,
            op_key: op.into(),
            provider_reference: None,
            actor: "test".into(),
            note: None,
            at: Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::{MoneyRefusal, check_refund};
    use super::test_events::ev;
    use super::*;
    use PaymentEventKind as K;
    use PaymentEventStatus as S;

    #[test]
    fn card_authorize_partial_captures_and_refunds_add_up() {
        let events = vec![
            ev(K::Authorize, S::Succeeded, 1000, "auth"),
            ev(K::Capture, S::Requested, 600, "c1"),
            ev(K::Capture, S::Succeeded, 600, "c1"),
            ev(K::Capture, S::Requested, 400, "c2"),
            ev(K::Capture, S::Succeeded, 400, "c2"),
            ev(K::Refund, S::Requested, 300, "r1"),
            ev(K::Refund, S::Succeeded, 300, "r1"),
            ev(K::Refund, S::Requested, 700, "r2"),
        ];
        let l = Ledger::from_events(&events);
        assert_eq!((l.authorized, l.captured, l.refunded), (1000, 1000, 300));
        assert_eq!(l.pending_refund, 700);
        assert_eq!(l.capturable(), 0);
        assert_eq!(
            l.refundable(),
            0,
            "an in-flight refund blocks the same money"
        );
        assert_eq!(l.status(1000), PaymentStatus::PartiallyRefunded);
        assert_eq!(
            check_refund(&l, 1),
            Err(MoneyRefusal::AboveRefundable {
                requested: 1,
                refundable: 0
            })
        );
    }

    #[test]
    fn duplicates_and_out_of_order_settle_once() {
        // Settled before the request arrived, then a duplicate success.
        let events = vec![
            ev(K::Capture, S::Succeeded, 500, "c1"),
            ev(K::Capture, S::Requested, 500, "c1"),
            ev(K::Capture, S::Succeeded, 500, "c1"),
        ];
        let l = Ledger::from_events(&events);
        assert_eq!(l.captured, 500);
        assert_eq!(l.pending_capture, 0);
        // A failure after success does not undo it.
        let events = vec![
            ev(K::Refund, S::Succeeded, 100, "r"),
            ev(K::Refund, S::Failed, 100, "r"),
        ];
        assert_eq!(Ledger::from_events(&events).refunded, 100);
    }

    #[test]
    fn order_status_follows_the_money() {
        let paid = Ledger::from_events(&[ev(K::Capture, S::Succeeded, 1208, "t")]);
        let s = OrderPaymentSummary::of([&paid]);
        assert_eq!(s.status(1208), OrderPaymentStatus::Paid);
        assert!(s.covers(1208));
        assert_eq!(s.amount_due(1208, false), 0);
        let auth = Ledger::from_events(&[ev(K::Authorize, S::Succeeded, 1208, "a")]);
        let s = OrderPaymentSummary::of([&auth]);
        assert_eq!(s.status(1208), OrderPaymentStatus::Authorized);
        assert!(s.covers(1208));
        let s = OrderPaymentSummary::of(std::iter::empty());
        assert_eq!(s.status(1208), OrderPaymentStatus::Unpaid);
        assert_eq!(s.amount_due(1208, false), 1208);
        assert_eq!(s.amount_due(1208, true), 0);
        let part = Ledger::from_events(&[ev(K::Capture, S::Succeeded, 200, "t")]);
        assert_eq!(
            OrderPaymentSummary::of([&part]).status(1208),
            OrderPaymentStatus::PartiallyPaid
        );
        let refunded = Ledger::from_events(&[
            ev(K::Capture, S::Succeeded, 1208, "t"),
            ev(K::Refund, S::Succeeded, 1208, "r"),
        ]);
        assert_eq!(
            OrderPaymentSummary::of([&refunded]).status(1208),
            OrderPaymentStatus::Refunded
        );
    }

    #[test]
    fn a_second_full_payment_is_surplus_and_a_partial_one_is_not() {
        let a = uuid::Uuid::now_v7();
        let b = uuid::Uuid::now_v7();
        let paid = Ledger::from_events(&[ev(K::Capture, S::Succeeded, 1000, "t1")]);
        let twice = vec![(a, paid.clone()), (b, paid.clone())];
        assert_eq!(surplus_payments(&twice, 1000), vec![b]);
        assert!(surplus_payments(&twice[..1], 1000).is_empty());
        let part = Ledger::from_events(&[ev(K::Capture, S::Succeeded, 600, "t2")]);
        assert!(surplus_payments(&[(a, paid.clone()), (b, part)], 1300).is_empty());
        // Already being refunded: not surplus any more.
        let refunding = Ledger::from_events(&[
            ev(K::Capture, S::Succeeded, 1000, "t3"),
            ev(K::Refund, S::Requested, 1000, "r"),
        ]);
        assert!(surplus_payments(&[(a, paid), (b, refunding)], 1000).is_empty());
    }
}
