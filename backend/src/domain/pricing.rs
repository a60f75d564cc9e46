//! Pricing an order from the catalog: every unit price comes from the
//! catalog (a client never sends one), every total is checked `Money`
//! arithmetic, and an order has exactly one currency, its lines' currency.
//! The shipping fee is charged in that currency.

use super::catalog::Sku;
use super::money::{Currency, Money};

/// What the catalog says about a SKU at the moment of pricing.
#[derive(Clone, Debug)]
pub struct CatalogPrice {
    pub unit: Money,
    pub active: bool,
}

/// A requested line: SKU, units, and the client's index of its first line
/// with this SKU (errors name that line).
#[derive(Clone, Debug)]
pub struct RequestedLine {
    pub sku: Sku,
    pub quantity: i64,
    pub index: usize,
}

/// A line with its price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine {
    pub sku: Sku,
    pub quantity: i64,
    pub unit: Money,
    pub total: Money,
}

/// An order's amounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Priced {
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub shipping: Money,
    pub total: Money,
}

impl Priced {
    pub fn currency(&self) -> &Currency {
        self.total.currency()
    }
}

/// Why an order cannot be priced; each names the client's field.
#[derive(Debug, PartialEq, Eq)]
pub enum PricingError {
    /// `lines[index].sku` is unknown or off sale.
    Unavailable { index: usize, sku: String },
    /// Lines in more than one currency.
    MixedCurrencies,
    /// An amount does not fit (quantity × price, or a sum).
    TooLarge { field: String },
    /// No lines at all.
    Empty,
}

/// Prices `lines` from `catalog` and adds `shipping_fee_minor`.
pub fn price(
    lines: &[RequestedLine],
    catalog: impl Fn(&Sku) -> Option<CatalogPrice>,
    shipping_fee_minor: i64,
) -> Result<Priced, PricingError> {
    let mut priced = Vec::with_capacity(lines.len());
    let mut subtotal: Option<Money> = None;
    for l in lines {
        let Some(item) = catalog(&l.sku).filter(|c| c.active) else {
            return Err(PricingError::Unavailable {
                index: l.index,
                sku: l.sku.as_str().to_string(),
            });
        };
        let total = item
            .unit
            .checked_mul(l.quantity)
            .ok_or_else(|| PricingError::TooLarge {
                field: format!("lines[{}].quantity", l.index),
            })?;
        subtotal = Some(match subtotal {
            None => total.clone(),
            Some(s) if s.currency() != total.currency() => {
                return Err(PricingError::MixedCurrencies);
            }
            Some(s) => s.checked_add(&total).ok_or(PricingError::TooLarge {
                field: "lines".into(),
            })?,
        });
        priced.push(PricedLine {
            sku: l.sku.clone(),
            quantity: l.quantity,
            unit: item.unit,
            total,
        });
    }
    let subtotal = subtotal.ok_or(PricingError::Empty)?;
    let shipping = Money::new(shipping_fee_minor, subtotal.currency().clone());
    let total = subtotal
        .checked_add(&shipping)
        .ok_or(PricingError::TooLarge {
            field: "lines".into(),
        })?;
    Ok(Priced {
        lines: priced,
        subtotal,
        shipping,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, c: &str) -> Money {
        Money::new(minor, Currency::parse(c).expect("currency"))
    }

    fn line(sku: &str, quantity: i64, index: usize) -> RequestedLine {
        RequestedLine {
            sku: Sku::parse(sku).expect("sku"),
            quantity,
            index,
        }
    }

    fn catalog(sku: &Sku) -> Option<CatalogPrice> {
        match sku.as_str() {
            "AUD-001" => Some(CatalogPrice {
                unit: money(29900, "CNY"),
                active: true,
            }),
            "BAG-002" => Some(CatalogPrice {
                unit: money(12000, "CNY"),
                active: true,
            }),
            "OLD-001" => Some(CatalogPrice {
                unit: money(100, "CNY"),
                active: false,
            }),
            "USD-001" => Some(CatalogPrice {
                unit: money(100, "USD"),
                active: true,
            }),
            "BIG-001" => Some(CatalogPrice {
                unit: money(i64::MAX / 2, "CNY"),
                active: true,
            }),
            _ => None,
        }
    }

    #[test]
    fn totals_come_from_the_catalog_plus_shipping() {
        let p = price(
            &[line("AUD-001", 2, 0), line("BAG-002", 1, 1)],
            catalog,
            1000,
        )
        .expect("priced");
        assert_eq!(p.lines[0].total, money(59800, "CNY"));
        assert_eq!(p.subtotal, money(71800, "CNY"));
        assert_eq!(p.shipping, money(1000, "CNY"));
        assert_eq!(p.total, money(72800, "CNY"));
        assert_eq!(p.currency().as_str(), "CNY");
    }

    #[test]
    fn unknown_and_inactive_skus_name_the_clients_line() {
        assert_eq!(
            price(&[line("AUD-001", 1, 0), line("NOPE-1", 1, 3)], catalog, 0),
            Err(PricingError::Unavailable {
                index: 3,
                sku: "NOPE-1".into()
            })
        );
        assert!(matches!(
            price(&[line("OLD-001", 1, 0)], catalog, 0),
            Err(PricingError::Unavailable { index: 0, .. })
        ));
    }

    #[test]
    fn one_currency_per_order_and_overflow_is_refused() {
        assert_eq!(
            price(&[line("AUD-001", 1, 0), line("USD-001", 1, 1)], catalog, 0),
            Err(PricingError::MixedCurrencies)
        );
        assert_eq!(
            price(&[line("BIG-001", 3, 0)], catalog, 0),
            Err(PricingError::TooLarge {
                field: "lines[0].quantity".into()
            })
        );
        assert_eq!(
            price(&[line("BIG-001", 2, 0)], catalog, 10),
            Err(PricingError::TooLarge {
                field: "lines".into()
            })
        );
        assert_eq!(price(&[], catalog, 0), Err(PricingError::Empty));
    }
}
