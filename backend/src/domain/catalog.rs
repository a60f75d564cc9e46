//! Catalog rules: what a valid SKU and a valid search look like.

/// A stock-keeping unit: 1..=64 characters of `A-Z 0-9 - _ .`, stored upper-case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok.then_some(Sku(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A product of the catalog, as the rest of the system sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: uuid::Uuid,
    pub sku: Sku,
    pub name: String,
    pub description: String,
    pub price: super::money::Money,
    /// On sale; inactive products are hidden and cannot be ordered.
    pub active: bool,
}

/// Page sizes a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_is_normalized_and_checked() {
        assert_eq!(Sku::parse(" aud-001 ").unwrap().as_str(), "AUD-001");
        assert!(Sku::parse("").is_none());
        assert!(Sku::parse("a b").is_none());
        assert!(Sku::parse(&"X".repeat(65)).is_none());
    }
}
