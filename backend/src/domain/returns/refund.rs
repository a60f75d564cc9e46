//! How much a return gives back, how much of a line is still returnable,
//! and when a request approves itself. Integer minor units, checked
//! arithmetic.
//!
//! Refund per line = unit price (as sold) × units refunded + the line's
//! share of order-level discounts. This codebase has no order-level
//! discounts (prices come from the catalog at placement, nothing is taken
//! off the order), so the share is always 0; [`discount_share`] is where a
//! discount would be spread over the lines by value.
//!
//! The order's shipping fee is refunded only when one return takes back
//! every delivered unit of the order and every line's reason is the
//! merchant's fault ([`super::ReturnReason::is_fault`]). A return that only
//! completes what earlier returns began does not get it: the fee is then
//! refunded never twice and the rule stays readable.
//!
//! Before receipt the amount is computed from the requested units; on
//! receipt it is recomputed from what arrived (restocked + damaged): units
//! missing from the parcel are not refunded.

use super::ReturnReason;

/// A request whose refund is at most this (¥50.00) approves itself, as
/// does one whose every line is the merchant's fault.
pub const AUTO_APPROVE_MAX_MINOR: i64 = 5_000;

/// What can still be returned of a line: delivered minus the units in
/// earlier returns that are not cancelled or rejected.
pub fn returnable(delivered: i64, in_earlier_returns: i64) -> i64 {
    (delivered - in_earlier_returns).max(0)
}

/// One line of a return as the refund sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundLine {
    pub unit_price_minor: i64,
    /// Units refunded: requested before receipt, received after it.
    pub units: i64,
    pub reason: ReturnReason,
}

/// A return's refund, per line and in total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundBreakdown {
    /// Per line, in the order given.
    pub lines: Vec<i64>,
    /// The order's shipping fee, when refunded.
    pub shipping: i64,
    pub total: i64,
}

/// A line's share of the order's discounts. There are none in this
/// codebase (see the module docs): always 0.
pub fn discount_share(_line_value_minor: i64) -> i64 {
    0
}

/// Whether this return alone takes back every delivered unit: per order
/// line (delivered, in earlier returns, in this return).
pub fn whole_order(lines: &[(i64, i64, i64)]) -> bool {
    !lines.is_empty()
        && lines
            .iter()
            .all(|(delivered, earlier, this)| *earlier == 0 && *this >= *delivered)
}

/// The refund; `None` on overflow.
pub fn compute(
    lines: &[RefundLine],
    whole_order_returned: bool,
    shipping_fee_minor: i64,
) -> Option<RefundBreakdown> {
    let mut out = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for l in lines {
        let value = l.unit_price_minor.checked_mul(l.units)?;
        let line = value.checked_sub(discount_share(value))?;
        total = total.checked_add(line)?;
        out.push(line);
    }
    let all_fault = !lines.is_empty() && lines.iter().all(|l| l.reason.is_fault());
    let shipping = if whole_order_returned && all_fault {
        shipping_fee_minor
    } else {
        0
    };
    Some(RefundBreakdown {
        lines: out,
        shipping,
        total: total.checked_add(shipping)?,
    })
}

/// The auto-approval rule: every line is the merchant's fault, or the
/// refund is small.
pub fn auto_approves(reasons: &[ReturnReason], refund_minor: i64) -> bool {
    (!reasons.is_empty() && reasons.iter().all(|r| r.is_fault()))
        || refund_minor <= AUTO_APPROVE_MAX_MINOR
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(price: i64, units: i64, reason: ReturnReason) -> RefundLine {
        RefundLine {
            unit_price_minor: price,
            units,
            reason,
        }
    }

    #[test]
    fn lines_refund_price_times_units_and_no_discount_share() {
        let b = compute(
            &[
                line(29_900, 2, ReturnReason::ChangedMind),
                line(4_900, 1, ReturnReason::SizeFit),
            ],
            false,
            800,
        )
        .expect("no overflow");
        assert_eq!(b.lines, vec![59_800, 4_900]);
        assert_eq!(b.shipping, 0);
        assert_eq!(b.total, 64_700);
        assert_eq!(discount_share(59_800), 0);
    }

    #[test]
    fn shipping_only_when_the_whole_order_comes_back_for_a_fault() {
        let faulty = [line(1_000, 1, ReturnReason::Defective)];
        assert_eq!(compute(&faulty, true, 800).map(|b| b.total), Some(1_800));
        assert_eq!(compute(&faulty, false, 800).map(|b| b.total), Some(1_000));
        let mixed = [
            line(1_000, 1, ReturnReason::Defective),
            line(1_000, 1, ReturnReason::ChangedMind),
        ];
        assert_eq!(compute(&mixed, true, 800).map(|b| b.shipping), Some(0));
    }

    #[test]
    fn whole_order_means_this_return_takes_every_unit() {
        assert!(whole_order(&[(2, 0, 2), (1, 0, 1)]));
        assert!(!whole_order(&[(2, 0, 1), (1, 0, 1)]));
        // Completing what an earlier return began is not "the whole order".
        assert!(!whole_order(&[(2, 1, 1)]));
        assert!(!whole_order(&[]));
    }

    #[test]
    fn missing_units_are_not_refunded() {
        // Two requested, one arrived: the recomputation uses one.
        let b = compute(&[line(29_900, 1, ReturnReason::Damaged)], false, 0);
        assert_eq!(b.map(|b| b.total), Some(29_900));
    }

    #[test]
    fn returnable_counts_earlier_returns_and_never_goes_negative() {
        assert_eq!(returnable(3, 0), 3);
        assert_eq!(returnable(3, 2), 1);
        assert_eq!(returnable(3, 3), 0);
        assert_eq!(returnable(1, 2), 0);
    }

    #[test]
    fn overflow_is_refused_not_wrapped() {
        assert_eq!(
            compute(&[line(i64::MAX, 2, ReturnReason::Other)], false, 0),
            None
        );
    }

    #[test]
    fn faults_and_small_amounts_approve_themselves() {
        assert!(auto_approves(&[ReturnReason::Defective], 1_000_000));
        assert!(auto_approves(
            &[ReturnReason::Damaged, ReturnReason::WrongItem],
            1_000_000
        ));
        assert!(!auto_approves(
            &[ReturnReason::Damaged, ReturnReason::ChangedMind],
            1_000_000
        ));
        assert!(auto_approves(
            &[ReturnReason::ChangedMind],
            AUTO_APPROVE_MAX_MINOR
        ));
        assert!(!auto_approves(
            &[ReturnReason::ChangedMind],
            AUTO_APPROVE_MAX_MINOR + 1
        ));
    }
}
