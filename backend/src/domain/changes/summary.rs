//! What a change did, as the order's timeline keeps it (before and after),
//! stored as JSON in the event's detail.

use serde_json::{Value, json};

use super::{ChangeKind, Plan};
use crate::domain::orders::Address;

/// One line's quantity before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineChange {
    pub sku: String,
    pub before: i64,
    pub after: i64,
}

/// Before and after of an applied change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeSummary {
    pub kind: ChangeKind,
    pub lines: Vec<LineChange>,
    /// The address on one line, when it changed.
    pub address_before: Option<String>,
    pub address_after: Option<String>,
    /// Delivery method codes, when it changed.
    pub method_before: Option<String>,
    pub method_after: Option<String>,
    pub total_before_minor: i64,
    pub total_after_minor: i64,
    pub currency: String,
}

/// An address on one line ("Li Lei, 1 Road, Shanghai 200000, CN").
pub fn one_line(a: &Address) -> String {
    let mut parts = vec![a.name.clone(), a.line1.clone()];
    if let Some(l2) = &a.line2 {
        parts.push(l2.clone());
    }
    parts.push(format!("{} {}", a.city, a.postal_code));
    if let Some(r) = &a.region {
        parts.push(r.clone());
    }
    parts.push(a.country.clone());
    parts.join(", ")
}

impl ChangeSummary {
    /// The summary of `plan` applied to an order at `address` by `method`.
    pub fn of(kind: ChangeKind, plan: &Plan, address: &Address, method: &str) -> ChangeSummary {
        ChangeSummary {
            kind,
            lines: plan
                .changed()
                .map(|l| LineChange {
                    sku: l.sku.clone(),
                    before: l.before,
                    after: l.after,
                })
                .collect(),
            address_before: plan.address.as_ref().map(|_| one_line(address)),
            address_after: plan.address.as_ref().map(one_line),
            method_before: plan.method.map(|_| method.to_string()),
            method_after: plan.method.map(|m| m.as_str().to_string()),
            total_before_minor: plan.total_before(),
            total_after_minor: plan.total_after(),
            currency: plan.currency.clone(),
        }
    }

    /// An English sentence for the timeline's note.
    pub fn sentence(&self) -> String {
        let mut parts: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{} {} → {}", l.sku, l.before, l.after))
            .collect();
        if let (Some(b), Some(a)) = (&self.address_before, &self.address_after) {
            parts.push(format!("address {b} → {a}"));
        }
        if let (Some(b), Some(a)) = (&self.method_before, &self.method_after) {
            parts.push(format!("delivery {b} → {a}"));
        }
        let what = match self.kind {
            ChangeKind::Change => "order changed",
            ChangeKind::CancelLines => "items cancelled",
        };
        format!(
            "{what}: {}; total {} → {} (minor units, {})",
            parts.join("; "),
            self.total_before_minor,
            self.total_after_minor,
            self.currency
        )
    }

    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "lines": self.lines.iter().map(|l| json!({"sku": l.sku, "before": l.before, "after": l.after})).collect::<Vec<_>>(),
            "addressBefore": self.address_before,
            "addressAfter": self.address_after,
            "methodBefore": self.method_before,
            "methodAfter": self.method_after,
            "totalBeforeMinor": self.total_before_minor,
            "totalAfterMinor": self.total_after_minor,
            "currency": self.currency,
        })
    }

    pub fn from_json(v: &Value) -> Option<ChangeSummary> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(ChangeSummary {
            kind: ChangeKind::parse(v.get("kind")?.as_str()?)?,
            lines: v
                .get("lines")?
                .as_array()?
                .iter()
                .map(|l| {
                    Some(LineChange {
                        sku: l.get("sku")?.as_str()?.to_string(),
                        before: l.get("before")?.as_i64()?,
                        after: l.get("after")?.as_i64()?,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
            address_before: text("addressBefore"),
            address_after: text("addressAfter"),
            method_before: text("methodBefore"),
            method_after: text("methodAfter"),
            total_before_minor: v.get("totalBeforeMinor")?.as_i64()?,
            total_after_minor: v.get("totalAfterMinor")?.as_i64()?,
            currency: text("currency")?,
        })
    }
}
