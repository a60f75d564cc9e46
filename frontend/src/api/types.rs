//! Typed GraphQL responses (camelCase, as the schema spells them).

use serde::{Deserialize, Serialize};

/// Roles allowed into the staff console.
pub const STAFF_ROLES: &[&str] = &["SUPPORT", "WAREHOUSE", "FINANCE", "ADMIN"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `CUSTOMER`, `SUPPORT`, `WAREHOUSE`, `FINANCE`, `ADMIN` or `INTEGRATION`.
    pub role: String,
}

impl User {
    pub fn is_staff(&self) -> bool {
        STAFF_ROLES.contains(&self.role.as_str())
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
