//! Payment rules: methods, the ledger of payment events and what it adds up
//! to, the payment and order payment statuses, and the checks every money
//! movement passes before it is requested. Pure: no I/O.
//!
//! A payment's amounts are never stored: they are computed from its events.
//! Events belong to operations (`op_key`): an operation is requested at most
//! once and settles (succeeds or fails) at most once, so a duplicate
//! notification or retried call cannot count twice; an operation that
//! settles before its request arrives (out-of-order delivery) counts as
//! settled.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::auth::{Principal, Role};

/// How a customer pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentMethod {
    /// Authorized at checkout, captured when the order ships.
    Card,
    /// Paid in full at once.
    Alipay,
    /// Paid in full at once.
    WechatPay,
    /// Confirmed unpaid; paid when the courier remits.
    CashOnDelivery,
    /// The order waits until finance records the transfer.
    BankTransfer,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::Card,
        PaymentMethod::Alipay,
        PaymentMethod::WechatPay,
        PaymentMethod::CashOnDelivery,
        PaymentMethod::BankTransfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "CARD",
            PaymentMethod::Alipay => "ALIPAY",
            PaymentMethod::WechatPay => "WECHAT_PAY",
            PaymentMethod::CashOnDelivery => "CASH_ON_DELIVERY",
            PaymentMethod::BankTransfer => "BANK_TRANSFER",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Paid through an online provider (the customer is redirected).
    pub fn is_online(self) -> bool {
        matches!(
            self,
            PaymentMethod::Card | PaymentMethod::Alipay | PaymentMethod::WechatPay
        )
    }

    /// Recorded by staff with a reference (courier remittance, bank statement).
    pub fn is_manual(self) -> bool {
        !self.is_online()
    }
}

/// A channel's offer, stored as comma-separated codes. Unknown codes are an
/// error (a typo must not silently hide a method).
pub fn parse_method_list(text: &str) -> Result<Vec<PaymentMethod>, String> {
    let mut out = Vec::new();
    for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let m =
            PaymentMethod::parse(code).ok_or_else(|| format!("unknown payment method {code:?}"))?;
        if !out.contains(&m) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The stored spelling of a channel's offer.
pub fn format_method_list(methods: &[PaymentMethod]) -> String {
    methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// What a payment event does to money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentEventKind {
    Authorize,
    Capture,
    Void,
    Refund,
}

impl PaymentEventKind {
    pub const ALL: [PaymentEventKind; 4] = [
        PaymentEventKind::Authorize,
        PaymentEventKind::Capture,
        PaymentEventKind::Void,
        PaymentEventKind::Refund,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentEventKind::Authorize => "AUTHORIZE",
            PaymentEventKind::Capture => "CAPTURE",
            PaymentEventKind::Void => "VOID",
            PaymentEventKind::Refund => "REFUND",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where one operation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentEventStatus {
    Requested,
    Succeeded,
    Failed,
}

impl PaymentEventStatus {
    pub const ALL: [PaymentEventStatus; 3] = [
        PaymentEventStatus::Requested,
        PaymentEventStatus::Succeeded,
        PaymentEventStatus::Failed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentEventStatus::Requested => "REQUESTED",
            PaymentEventStatus::Succeeded => "SUCCEEDED",
            PaymentEventStatus::Failed => "FAILED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One ledger row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    pub id: i64,
    pub kind: PaymentEventKind,
    pub status: PaymentEventStatus,
    pub amount_minor: i64,
    pub op_key: String,
    pub provider_reference: Option<String>,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// A payment as stored (without amounts: see [`Ledger`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: uuid::Uuid,
    pub order_id: uuid::Uuid,
    pub method: PaymentMethod,
    pub reference: String,
    pub provider_reference: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub redirect_url: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub events: Vec<PaymentEvent>,
}

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

/// Where one payment stands (derived from its ledger).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Started; the provider has not confirmed anything yet.
    Pending,
    /// Money is held and can be captured.
    Authorized,
    PartiallyCaptured,
    /// Captured in full (for Alipay, WeChat Pay and manual payments: paid).
    Captured,
    PartiallyRefunded,
    Refunded,
    /// Cancelled or closed before any money moved.
    Voided,
    /// The provider declined.
    Failed,
}

/// Where an order's payment stands, over all its payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderPaymentStatus {
    Unpaid,
    Authorized,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
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

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 8] = [
        PaymentStatus::Pending,
        PaymentStatus::Authorized,
        PaymentStatus::PartiallyCaptured,
        PaymentStatus::Captured,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
        PaymentStatus::Voided,
        PaymentStatus::Failed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "PENDING",
            PaymentStatus::Authorized => "AUTHORIZED",
            PaymentStatus::PartiallyCaptured => "PARTIALLY_CAPTURED",
            PaymentStatus::Captured => "CAPTURED",
            PaymentStatus::PartiallyRefunded => "PARTIALLY_REFUNDED",
            PaymentStatus::Refunded => "REFUNDED",
            PaymentStatus::Voided => "VOIDED",
            PaymentStatus::Failed => "FAILED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

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

/// Parses a decimal amount such as `"1208.00"` into minor units with
/// exactly `exponent` digits after the point.
pub fn parse_decimal(text: &str, exponent: u32) -> Option<i64> {
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() != exponent as usize
    {
        return None;
    }
    let scale = 10i64.checked_pow(exponent)?;
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    w.checked_mul(scale)?.checked_add(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(
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

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("1208.00", 2), Some(120800));
        assert_eq!(parse_decimal("0.01", 2), Some(1));
        assert_eq!(parse_decimal("12.5", 2), None);
        assert_eq!(parse_decimal("abc", 2), None);
        assert_eq!(parse_decimal("-1.00", 2), None);
        assert_eq!(parse_decimal("100", 0), Some(100));
    }

    #[test]
    fn method_lists_round_trip_and_refuse_typos() {
        let all = parse_method_list("CARD, ALIPAY,WECHAT_PAY,CASH_ON_DELIVERY,BANK_TRANSFER")
            .expect("valid");
        assert_eq!(all.len(), 5);
        assert_eq!(parse_method_list(&format_method_list(&all)), Ok(all));
        assert!(parse_method_list("CARD,PAYPAL").is_err());
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
