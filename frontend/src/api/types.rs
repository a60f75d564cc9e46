//! Typed GraphQL responses (camelCase, as the schema spells them).

use crate::schema::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl User {
    /// Whether the staff console is for this user.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Decimal string, e.g. `"299.00"`.
    pub amount: String,
    pub currency_code: String,
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.currency_code.as_str() {
            "CNY" => write!(f, "¥{}", self.amount),
            code => write!(f, "{code} {}", self.amount),
        }
    }
}

impl Money {
    /// The amount in minor units (cents/fen), for client-side estimates
    /// only (the server computes every real price). Two decimals assumed.
    pub fn minor(&self) -> Option<i64> {
        let (int, frac) = self.amount.split_once('.').unwrap_or((&self.amount, ""));
        let negative = int.starts_with('-');
        let int: i64 = int.trim_start_matches('-').parse().ok()?;
        let frac = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            2 => frac.parse::<i64>().ok()?,
            _ => return None,
        };
        let minor = int.checked_mul(100)?.checked_add(frac)?;
        Some(if negative { -minor } else { minor })
    }

    /// `minor` units of `currency` as a two-decimal amount.
    pub fn from_minor(minor: i64, currency: &str) -> Money {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        Money {
            amount: format!("{sign}{}.{:02}", abs / 100, abs % 100),
            currency_code: currency.to_owned(),
        }
    }

    /// This price times `quantity` (`None` on a malformed amount or overflow).
    pub fn times(&self, quantity: i64) -> Option<Money> {
        let minor = self.minor()?.checked_mul(quantity)?;
        Some(Money::from_minor(minor, &self.currency_code))
    }
}

/// A product as listed (no description).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub price: Money,
    pub available: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub available: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEdge {
    pub cursor: String,
    pub node: ProductSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<ProductEdge>,
}

/// `data` of [`super::queries::ME`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MeData {
    pub me: Option<User>,
}

/// `data` of [`super::queries::PRODUCTS`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProductsData {
    pub products: ProductConnection,
}

/// `data` of [`super::queries::PRODUCT`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProductData {
    pub product: Option<Product>,
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn money_multiplies_in_minor_units() {
        let m = Money {
            amount: "299.00".into(),
            currency_code: "CNY".into(),
        };
        assert_eq!(m.minor(), Some(29900));
        assert_eq!(m.times(3).map(|x| x.amount), Some("897.00".into()));
        assert_eq!(Money::from_minor(5, "CNY").amount, "0.05");
        assert_eq!(Money::from_minor(-150, "CNY").amount, "-1.50");
        let odd = Money {
            amount: "1.5".into(),
            currency_code: "CNY".into(),
        };
        assert_eq!(odd.minor(), Some(150));
        let bad = Money {
            amount: "x".into(),
            currency_code: "CNY".into(),
        };
        assert_eq!(bad.times(2), None);
    }
}
