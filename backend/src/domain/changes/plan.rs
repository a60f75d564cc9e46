//! Pricing a change and deciding whether support must approve it. Pure:
//! the service reads the order, its shipments and the catalog, and hands
//! them over as [`Current`] and [`CatalogItem`]s.

use uuid::Uuid;

use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::fulfillment::rates::{Parcel, Rate, quote};
use crate::domain::orders::{Address, MAX_LINE_QUANTITY, OrderStatus};

/// One line of the order as it is now, with how many of its units have
/// shipped and how many sit in shipments whose picking started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentLine {
    pub sku: String,
    pub product_id: Uuid,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub weight_grams: i64,
    /// Units that left the warehouse.
    pub shipped: i64,
    /// Units in shipments being picked or packed (not shipped).
    pub started: i64,
}

/// The order as a change sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub currency: String,
    pub status: OrderStatus,
    pub lines: Vec<CurrentLine>,
    pub shipping_fee_minor: i64,
    pub method: DeliveryMethod,
    pub address: Address,
    /// Some shipment of the order started picking (or left).
    pub picking_started: bool,
}

/// A catalog product a change may add, at today's price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogItem {
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub active: bool,
    pub weight_grams: i64,
}

/// What the caller asks to change. SKUs as typed (trimmed and upper-cased
/// here); the address already checked field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeInput {
    pub address: Option<Address>,
    /// New quantities of lines on the order (0 removes the line).
    pub set_quantities: Vec<(String, i64)>,
    pub remove_skus: Vec<String>,
    /// New lines, or more units of a line already on the order.
    pub add_lines: Vec<(String, i64)>,
    pub delivery_method: Option<DeliveryMethod>,
    /// Cancel mode only: units of each SKU to cancel.
    pub cancel: Vec<(String, i64)>,
}

/// A change request or a line cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Change,
    /// `cancelOrderLines`; `staff` may cancel units whose picking started.
    Cancel {
        staff: bool,
    },
}

/// One line before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDiff {
    pub sku: String,
    pub product_id: Uuid,
    pub name: String,
    pub unit_price_minor: i64,
    pub before: i64,
    pub after: i64,
    /// Not on the order before (priced from the catalog now).
    pub added: bool,
}

impl LineDiff {
    pub fn delta(&self) -> i64 {
        self.after - self.before
    }
}

/// A priced change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub currency: String,
    /// Every line, changed or not, then the added ones.
    pub lines: Vec<LineDiff>,
    pub subtotal_before: i64,
    pub subtotal_after: i64,
    pub fee_before: i64,
    pub fee_after: i64,
    /// The new address, when it changes.
    pub address: Option<Address>,
    /// The new delivery method, when it changes.
    pub method: Option<DeliveryMethod>,
    pub needs_approval: bool,
    /// Why support must approve (English, for people reading the API).
    pub approval_reasons: Vec<String>,
}

impl Plan {
    pub fn total_before(&self) -> i64 {
        self.subtotal_before + self.fee_before
    }
    pub fn total_after(&self) -> i64 {
        self.subtotal_after + self.fee_after
    }
    /// Positive: the customer pays more; negative: they get money back.
    pub fn amount_delta(&self) -> i64 {
        self.total_after() - self.total_before()
    }
    /// Lines whose quantity changes.
    pub fn changed(&self) -> impl Iterator<Item = &LineDiff> {
        self.lines.iter().filter(|l| l.delta() != 0)
    }
    /// Every line ends at zero (a whole-order cancellation).
    pub fn empties_order(&self) -> bool {
        self.lines.iter().all(|l| l.after == 0)
    }
}

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeError {
    /// Bad input, naming the field (INVALID_INPUT).
    Invalid { field: String, message: String },
    /// The order's state stands in the way (CONFLICT).
    Conflict(String),
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ChangeError {
    ChangeError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

fn norm(sku: &str) -> String {
    sku.trim().to_ascii_uppercase()
}

fn too_large() -> ChangeError {
    invalid("input", "amount too large")
}

/// Prices `input` against `current` and decides whether it needs approval.
/// `rate` is the new method's rate (only read when the method changes).
pub fn plan(
    current: &Current,
    input: &ChangeInput,
    mode: Mode,
    catalog: &[CatalogItem],
    rate: Option<&Rate>,
) -> Result<Plan, ChangeError> {
    use OrderStatus as S;
    if !matches!(
        current.status,
        S::PendingPayment | S::Confirmed | S::Processing | S::PartiallyShipped
    ) {
        return Err(ChangeError::Conflict(format!(
            "an order that is {} cannot change",
            current.status.as_str()
        )));
    }
    let mut lines: Vec<LineDiff> = current
        .lines
        .iter()
        .map(|l| LineDiff {
            sku: l.sku.clone(),
            product_id: l.product_id,
            name: l.name.clone(),
            unit_price_minor: l.unit_price_minor,
            before: l.quantity,
            after: l.quantity,
            added: false,
        })
        .collect();
    let mut reasons: Vec<String> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let find = |sku: &str| current.lines.iter().position(|l| l.sku == sku);
    let touch = |field: String, sku: &str, touched: &mut Vec<String>| {
        if touched.iter().any(|t| t == sku) {
            return Err(invalid(field, format!("{sku} is named twice")));
        }
        touched.push(sku.to_string());
        Ok(())
    };
    match mode {
        Mode::Cancel { staff } => {
            if input.cancel.is_empty() {
                return Err(invalid("lines", "name at least one line to cancel"));
            }
            for (i, (raw, q)) in input.cancel.iter().enumerate() {
                let sku = norm(raw);
                let Some(at) = find(&sku) else {
                    return Err(invalid(
                        format!("lines[{i}].sku"),
                        format!("{sku} is not on this order"),
                    ));
                };
                touch(format!("lines[{i}].sku"), &sku, &mut touched)?;
                let cur = &current.lines[at];
                if *q < 1 || *q > cur.quantity {
                    return Err(invalid(
                        format!("lines[{i}].quantity"),
                        format!(
                            "must be 1 to {} (units of {sku} on the order)",
                            cur.quantity
                        ),
                    ));
                }
                let unshipped = cur.quantity - cur.shipped;
                if *q > unshipped {
                    return Err(ChangeError::Conflict(format!(
                        "only {unshipped} of {sku} have not shipped; {q} cannot be cancelled"
                    )));
                }
                if !staff && *q > unshipped - cur.started {
                    return Err(ChangeError::Conflict(format!(
                        "{sku} is already being prepared; ask support to cancel it"
                    )));
                }
                lines[at].after = cur.quantity - q;
            }
        }
        Mode::Change => {
            for (i, (raw, q)) in input.set_quantities.iter().enumerate() {
                let field = format!("setQuantities[{i}].sku");
                let sku = norm(raw);
                let Some(at) = find(&sku) else {
                    return Err(invalid(field, format!("{sku} is not on this order")));
                };
                touch(field, &sku, &mut touched)?;
                if !(0..=MAX_LINE_QUANTITY).contains(q) {
                    return Err(invalid(
                        format!("setQuantities[{i}].quantity"),
                        format!("must be 0 to {MAX_LINE_QUANTITY}"),
                    ));
                }
                lines[at].after = *q;
            }
            for (i, raw) in input.remove_skus.iter().enumerate() {
                let field = format!("removeSkus[{i}]");
                let sku = norm(raw);
                let Some(at) = find(&sku) else {
                    return Err(invalid(field, format!("{sku} is not on this order")));
                };
                touch(field, &sku, &mut touched)?;
                lines[at].after = 0;
            }
            for (i, (raw, q)) in input.add_lines.iter().enumerate() {
                let sku = norm(raw);
                if !(1..=MAX_LINE_QUANTITY).contains(q) {
                    return Err(invalid(
                        format!("addLines[{i}].quantity"),
                        format!("must be 1 to {MAX_LINE_QUANTITY}"),
                    ));
                }
                if let Some(at) = find(&sku) {
                    touch(format!("addLines[{i}].sku"), &sku, &mut touched)?;
                    lines[at].after = lines[at]
                        .after
                        .checked_add(*q)
                        .filter(|a| *a <= MAX_LINE_QUANTITY)
                        .ok_or_else(|| {
                            invalid(
                                format!("addLines[{i}].quantity"),
                                format!("a line holds at most {MAX_LINE_QUANTITY} units"),
                            )
                        })?;
                    continue;
                }
                let Some(item) = catalog.iter().find(|c| c.sku == sku && c.active) else {
                    return Err(invalid(
                        format!("addLines[{i}].sku"),
                        format!("unknown or inactive SKU {sku}"),
                    ));
                };
                if item.currency != current.currency {
                    return Err(invalid(
                        format!("addLines[{i}].sku"),
                        format!(
                            "{sku} is priced in {}, the order in {}",
                            item.currency, current.currency
                        ),
                    ));
                }
                if lines.iter().any(|l| l.sku == sku) {
                    return Err(invalid(
                        format!("addLines[{i}].sku"),
                        format!("{sku} is named twice"),
                    ));
                }
                lines.push(LineDiff {
                    sku: sku.clone(),
                    product_id: item.product_id,
                    name: item.name.clone(),
                    unit_price_minor: item.price_minor,
                    before: 0,
                    after: *q,
                    added: true,
                });
            }
            // Shipped lines never change; the rest by the approval rules.
            for l in lines.iter().filter(|l| l.delta() != 0) {
                let Some(cur) = current.lines.iter().find(|c| c.sku == l.sku) else {
                    reasons.push(format!("adds {}", l.sku));
                    continue;
                };
                if cur.shipped > 0 {
                    return Err(ChangeError::Conflict(format!(
                        "{} has shipped; the line cannot change",
                        l.sku
                    )));
                }
                if l.delta() > 0 {
                    reasons.push(format!("adds units of {}", l.sku));
                } else if -l.delta() > cur.quantity - cur.started {
                    reasons.push(format!("{} is already being picked", l.sku));
                }
            }
        }
    }
    let address = input.address.clone().filter(|a| *a != current.address);
    if address.is_some() && current.picking_started {
        reasons.push("the address changes after picking started".into());
    }
    let method = input.delivery_method.filter(|m| *m != current.method);
    if let Some(m) = method {
        if m == DeliveryMethod::Pickup || current.method == DeliveryMethod::Pickup {
            return Err(invalid(
                "deliveryMethod",
                "changing to or from store pickup is not possible; cancel and order again",
            ));
        }
        reasons.push(format!("the delivery method changes to {}", m.as_str()));
    }
    let changed = lines.iter().any(|l| l.delta() != 0);
    if !changed && address.is_none() && method.is_none() {
        return Err(invalid("input", "the change changes nothing"));
    }
    if mode == Mode::Change && lines.iter().all(|l| l.after == 0) {
        return Err(invalid(
            "input",
            "a change cannot remove every line; cancel the order instead",
        ));
    }
    let sum = |f: &dyn Fn(&LineDiff) -> i64| -> Result<i64, ChangeError> {
        lines.iter().try_fold(0i64, |acc, l| {
            l.unit_price_minor
                .checked_mul(f(l))
                .and_then(|v| acc.checked_add(v))
                .ok_or_else(too_large)
        })
    };
    let subtotal_before = sum(&|l| l.before)?;
    let subtotal_after = sum(&|l| l.after)?;
    let fee_after = match (method, rate) {
        (Some(_), Some(rate)) => {
            let mut parcel = Parcel {
                subtotal_minor: subtotal_after,
                items: 0,
                weight_grams: 0,
            };
            for l in &lines {
                let weight = current
                    .lines
                    .iter()
                    .find(|c| c.sku == l.sku)
                    .map(|c| c.weight_grams)
                    .or_else(|| {
                        catalog
                            .iter()
                            .find(|c| c.sku == l.sku)
                            .map(|c| c.weight_grams)
                    })
                    .unwrap_or(0);
                parcel.items += l.after;
                parcel.weight_grams = weight
                    .checked_mul(l.after)
                    .and_then(|w| parcel.weight_grams.checked_add(w))
                    .ok_or_else(too_large)?;
            }
            quote(rate, parcel).ok_or_else(too_large)?
        }
        (Some(m), None) => {
            return Err(ChangeError::Conflict(format!(
                "no shipping rate for {}",
                m.as_str()
            )));
        }
        (None, _) => current.shipping_fee_minor,
    };
    Ok(Plan {
        currency: current.currency.clone(),
        lines,
        subtotal_before,
        subtotal_after,
        fee_before: current.shipping_fee_minor,
        fee_after,
        address,
        method,
        needs_approval: !reasons.is_empty(),
        approval_reasons: reasons,
    })
}
