//! Payments: typed responses, the console's payments list, and the exact
//! conversion of a typed amount ("299.00") into minor units. Money moves
//! only through plain form posts handled by the backend
//! (`backend/src/http/portal_forms/payments.rs`); only reads go through here.

use super::orders::Actor;
use super::types::{Money, PageInfo};
use super::{ApiError, queries, request};
use crate::schema::{PaymentEventKind, PaymentEventStatus, PaymentMethod, PaymentStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::future::Future;

/// Payments per page in the console's list.
pub const PAYMENTS_PAGE_SIZE: i64 = 20;

/// One entry of a payment's ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEvent {
    pub kind: PaymentEventKind,
    pub status: PaymentEventStatus,
    pub amount: Money,
    pub provider_reference: Option<String>,
    pub note: Option<String>,
    /// RFC 3339 in the merchant's time zone.
    pub at: String,
    pub actor: Actor,
}

/// A payment of an order, with its ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub amount: Money,
    pub authorized: Money,
    pub captured: Money,
    pub refunded: Money,
    pub capturable: Money,
    pub refundable: Money,
    pub reference: String,
    pub provider_reference: Option<String>,
    pub redirect_url: Option<String>,
    pub order_number: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub events: Vec<PaymentEvent>,
}

impl Payment {
    /// Whether something authorized can still be captured or released.
    pub fn can_capture(&self) -> bool {
        self.capturable.minor().is_some_and(|m| m > 0)
    }

    /// Whether something captured can still be refunded.
    pub fn can_refund(&self) -> bool {
        self.refundable.minor().is_some_and(|m| m > 0)
    }
}

/// A payment as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSummary {
    pub id: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub reference: String,
    pub order_number: String,
    pub created_at: String,
    pub amount: Money,
    pub captured: Money,
    pub refunded: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentEdge {
    pub cursor: String,
    pub node: PaymentSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<PaymentEdge>,
}

/// `data` of [`queries::PAYMENTS`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentsData {
    pub payments: PaymentConnection,
}

/// `"299.00"`, `"299"`, `"299.5"`, `"¥1,208.00"` → minor units (two
/// decimals), exactly: no floating point. `None` for anything else,
/// including more than two decimals, a sign, or an overflow.
pub fn minor_from_text(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let (int, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        2 => frac.parse::<i64>().ok()?,
        _ => return None,
    };
    int.checked_mul(100)?.checked_add(frac)
}

/// The console's payments filter, as typed into its GET form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentFilterForm {
    pub method: String,
    pub status: String,
    /// `YYYY-MM-DD`: from the start of this day, in the merchant's time zone.
    pub created_from: String,
    /// `YYYY-MM-DD`: until the end of this day.
    pub created_to: String,
    pub order_number: String,
}

impl PaymentFilterForm {
    /// Query-string fields, in form order: `(name, value)`.
    pub fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            ("method", &self.method),
            ("status", &self.status),
            ("createdFrom", &self.created_from),
            ("createdTo", &self.created_to),
            ("orderNumber", &self.order_number),
        ]
    }

    /// The `PaymentFilter` input: unknown or blank values left out; dates
    /// are whole days in the merchant's time zone (`createdFromDate`,
    /// `createdToDate`, both inclusive), which the server resolves.
    pub fn to_filter(&self) -> Value {
        let mut m = Map::new();
        if let Some(method) = PaymentMethod::parse(self.method.trim()) {
            m.insert("method".into(), json!(method));
        }
        if let Some(status) = PaymentStatus::parse(self.status.trim()) {
            m.insert("status".into(), json!(status));
        }
        if let Some(day) = Day::parse(self.created_from.trim()) {
            m.insert("createdFromDate".into(), json!(day.text()));
        }
        if let Some(day) = Day::parse(self.created_to.trim()) {
            m.insert("createdToDate".into(), json!(day.text()));
        }
        let number = self.order_number.trim();
        if !number.is_empty() {
            m.insert("orderNumber".into(), json!(number));
        }
        Value::Object(m)
    }
}

/// A calendar day typed into a date input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Day {
    y: u32,
    m: u32,
    d: u32,
}

impl Day {
    /// `YYYY-MM-DD`, a real date.
    fn parse(raw: &str) -> Option<Day> {
        let mut parts = raw.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let day = Day {
            y: y.parse().ok()?,
            m: m.parse().ok()?,
            d: d.parse().ok()?,
        };
        ((1..=12).contains(&day.m) && (1..=day.days_in_month()).contains(&day.d)).then_some(day)
    }

    fn days_in_month(self) -> u32 {
        match self.m {
            2 if self.y.is_multiple_of(4)
                && (!self.y.is_multiple_of(100) || self.y.is_multiple_of(400)) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    fn text(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A page of payments for the console.
pub fn payments(
    filter: PaymentFilterForm,
    after: Option<String>,
) -> impl Future<Output = Result<PaymentConnection, ApiError>> + Send + 'static {
    let mut vars = json!({ "filter": filter.to_filter(), "first": PAYMENTS_PAGE_SIZE });
    if let (Some(m), Some(after)) = (vars.as_object_mut(), after) {
        m.insert("after".into(), Value::String(after));
    }
    let list = request::<PaymentsData>(queries::PAYMENTS, vars);
    async move { list.await.map(|d| d.payments) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn typed_amounts_become_minor_units_exactly() {
        assert_eq!(minor_from_text("299.00"), Some(29900));
        assert_eq!(minor_from_text(" 299 "), Some(29900));
        assert_eq!(minor_from_text("299.5"), Some(29950));
        assert_eq!(minor_from_text("0.07"), Some(7));
        assert_eq!(minor_from_text(".5"), Some(50));
        assert_eq!(minor_from_text("¥1,208.00"), Some(120800));
        // 0.1 + 0.2 style float trouble cannot happen: 1208.10 is exact.
        assert_eq!(minor_from_text("1208.10"), Some(120810));
        for bad in [
            "",
            ".",
            "1.234",
            "-5",
            "+5",
            "1e3",
            "abc",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(minor_from_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_whole_local_days() {
        let f = PaymentFilterForm {
            method: "ALIPAY".into(),
            status: "nonsense".into(),
            created_from: "2026-02-28".into(),
            created_to: "2026-12-31".into(),
            order_number: " SO-1 ".into(),
        };
        assert_eq!(
            f.to_filter(),
            json!({"method": "ALIPAY", "createdFromDate": "2026-02-28",
                "createdToDate": "2026-12-31", "orderNumber": "SO-1"})
        );
        assert_eq!(PaymentFilterForm::default().to_filter(), json!({}));
        assert!(Day::parse("2024-02-29").is_some());
        assert_eq!(Day::parse("2026-02-29"), None);
        assert_eq!(Day::parse("2026-2-1"), None);
    }

    #[test]
    fn payment_decodes_from_the_contract_shape() {
        let m = json!({"amount": "10.00", "currencyCode": "CNY"});
        let z = json!({"amount": "0.00", "currencyCode": "CNY"});
        let resp = json!({"data": {"payments": {"totalCount": 1,
            "pageInfo": {"hasNextPage": false, "endCursor": "c"},
            "edges": [{"cursor": "c", "node": {"id": "p1", "method": "WECHAT_PAY",
                "status": "PARTIALLY_REFUNDED", "reference": "SO1P1", "orderNumber": "SO-1",
                "createdAt": "2026-11-29T21:56:00+08:00", "amount": m, "captured": m, "refunded": z}}]}}});
        let page = decode::<PaymentsData>(resp).map(|d| d.payments);
        assert!(
            page.is_ok_and(|p| p.edges[0].node.method == PaymentMethod::WechatPay
                && p.edges[0].node.status == PaymentStatus::PartiallyRefunded)
        );
    }
}
