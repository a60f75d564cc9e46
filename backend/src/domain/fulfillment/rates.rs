//! Shipping fees from a rate table per delivery method: a flat fee plus a
//! fee per started kilogram and per item, free from a subtotal threshold.

use super::DeliveryMethod;

/// One row of the rate table, in minor units of the shop's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub method: DeliveryMethod,
    pub flat_minor: i64,
    pub per_kg_minor: i64,
    pub per_item_minor: i64,
    /// Free when the subtotal is at least this.
    pub free_above_minor: Option<i64>,
}

/// What is being shipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parcel {
    pub subtotal_minor: i64,
    pub items: i64,
    pub weight_grams: i64,
}

/// The fee for `parcel`, or `None` when it overflows.
pub fn quote(rate: &Rate, parcel: Parcel) -> Option<i64> {
    if rate
        .free_above_minor
        .is_some_and(|t| parcel.subtotal_minor >= t)
    {
        return Some(0);
    }
    // Every started kilogram counts.
    let kg = parcel.weight_grams.max(0).checked_add(999)? / 1000;
    rate.flat_minor
        .checked_add(rate.per_kg_minor.checked_mul(kg)?)?
        .checked_add(rate.per_item_minor.checked_mul(parcel.items.max(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate() -> Rate {
        Rate {
            method: DeliveryMethod::Express,
            flat_minor: 1000,
            per_kg_minor: 500,
            per_item_minor: 100,
            free_above_minor: Some(50_000),
        }
    }

    #[test]
    fn flat_plus_started_kilograms_plus_items() {
        let p = |w, n| Parcel {
            subtotal_minor: 100,
            items: n,
            weight_grams: w,
        };
        assert_eq!(quote(&rate(), p(0, 0)), Some(1000));
        assert_eq!(quote(&rate(), p(1, 1)), Some(1000 + 500 + 100));
        assert_eq!(quote(&rate(), p(1000, 2)), Some(1000 + 500 + 200));
        assert_eq!(quote(&rate(), p(1001, 2)), Some(1000 + 1000 + 200));
    }

    #[test]
    fn free_from_the_threshold() {
        let p = |s| Parcel {
            subtotal_minor: s,
            items: 3,
            weight_grams: 2500,
        };
        assert_eq!(quote(&rate(), p(49_999)), Some(1000 + 1500 + 300));
        assert_eq!(quote(&rate(), p(50_000)), Some(0));
        let no_threshold = Rate {
            free_above_minor: None,
            ..rate()
        };
        assert_eq!(quote(&no_threshold, p(10_000_000)), Some(1000 + 1500 + 300));
    }

    #[test]
    fn overflow_is_none() {
        let r = Rate {
            per_item_minor: i64::MAX,
            ..rate()
        };
        let p = Parcel {
            subtotal_minor: 0,
            items: 2,
            weight_grams: 0,
        };
        assert_eq!(quote(&r, p), None);
    }
}
