//! Every GraphQL document the frontend sends. A backend test validates each
//! entry of [`ALL`] against the schema, so keep them all listed there.

/// The signed-in user, or `null`.
pub const ME: &str = "query Me { me { id email name role } }";

/// Product list with optional search and cursor pagination.
pub const PRODUCTS: &str = "query Products($search: String, $first: Int, $after: String) { \
products(search: $search, first: $first, after: $after) { \
totalCount \
pageInfo { hasNextPage endCursor } \
edges { cursor node { id sku name price { amount currencyCode } available } } } }";

/// One product by SKU, or `null`.
pub const PRODUCT: &str = "query Product($sku: String!) { \
product(sku: $sku) { id sku name description price { amount currencyCode } available } }";

/// `(operation name, document)` for every document above.
pub const ALL: &[(&str, &str)] = &[("Me", ME), ("Products", PRODUCTS), ("Product", PRODUCT)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_is_listed_and_names_its_operation() {
        assert_eq!(ALL.len(), 3);
        for (name, doc) in ALL {
            assert!(
                doc.starts_with("query ") || doc.starts_with("mutation "),
                "{name}"
            );
            assert!(
                doc.contains(&format!(" {name}")),
                "{name} not named in its document"
            );
            assert_eq!(
                doc.matches('{').count(),
                doc.matches('}').count(),
                "{name}: braces"
            );
        }
    }
}
