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
//!
//! Here: methods, payments and their events, statuses, decimal amounts.
//! [`ledger`]: what events add up to; [`rules`]: what may move and when.

mod ledger;
mod rules;

use chrono::{DateTime, Utc};

pub use ledger::{Ledger, Operation, OrderPaymentSummary, operations, surplus_payments};
pub use rules::{
    ExpiryPolicy, MoneyRefusal, check_capture, check_refund, check_void, may_list_payments,
    may_move_money,
};

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
}
