//! Products: search with Relay paging, lookup by SKU, availability.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::context::{RoleGuard, principal, state};
use super::loaders::loaders;
use super::types::{Money, PageInfo};
use crate::domain::auth::ADMINS;
use crate::services::catalog::{self as svc, encode_cursor};

pub struct Product(pub crate::domain::catalog::Product);

/// A product of the catalog.
#[Object]
impl Product {
    /// Stable opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Stock-keeping unit, unique and upper-case, e.g. "AUD-001".
    async fn sku(&self) -> &str {
        self.0.sku.as_str()
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Longer description.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Unit price.
    async fn price(&self) -> Money {
        Money::from(&self.0.price)
    }
    /// Units available to sell: on hand minus allocated, over all warehouses.
    async fn available(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(loaders(ctx)?
            .availability
            .load_one(self.0.id)
            .await?
            .unwrap_or(0)
            .max(0))
    }
    /// Published reviews, most recently published first (see `reviews`).
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 10)] first: i64,
        #[graphql(desc = "Cursor of the item after which the page starts.")] after: Option<String>,
    ) -> Result<super::reviews::ReviewConnection> {
        super::reviews::product_reviews(ctx, self.0.id, first, after).await
    }
    /// Average, count and distribution of the published reviews' ratings.
    async fn rating(&self, ctx: &Context<'_>) -> Result<super::reviews::ProductRating> {
        super::reviews::product_rating(ctx, self.0.id).await
    }
}

/// A product in a page of results.
#[derive(SimpleObject)]
pub struct ProductEdge {
    /// Opaque position of this item; pass as `after`.
    pub cursor: String,
    /// The product.
    pub node: Product,
}

/// A page of products.
#[derive(SimpleObject)]
pub struct ProductConnection {
    /// The products of this page, in SKU order.
    pub edges: Vec<ProductEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Number of products matching the search, over all pages.
    pub total_count: i64,
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Active products whose name or SKU contains `search` (case-insensitive).
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to look for in the name or SKU.")] search: Option<String>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor of the item after which the page starts.")] after: Option<String>,
    ) -> Result<ProductConnection> {
        let page =
            svc::search_products(state(ctx)?, search.as_deref(), first, after.as_deref()).await?;
        let edges: Vec<ProductEdge> = page
            .items
            .into_iter()
            .map(|p| ProductEdge {
                cursor: encode_cursor(p.sku.as_str()),
                node: Product(p),
            })
            .collect();
        Ok(ProductConnection {
            page_info: PageInfo {
                has_next_page: page.has_next,
                has_previous_page: page.has_previous,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: page.total as i64,
        })
    }

    /// Active products with these SKUs (unknown ones are skipped), for carts.
    async fn products_by_skus(&self, ctx: &Context<'_>, skus: Vec<String>) -> Result<Vec<Product>> {
        Ok(svc::find_by_skus(state(ctx)?, &skus)
            .await?
            .into_iter()
            .map(Product)
            .collect())
    }

    /// One active product by SKU, or null.
    async fn product(&self, ctx: &Context<'_>, sku: String) -> Result<Option<Product>> {
        Ok(svc::find_by_sku(state(ctx)?, &sku).await?.map(Product))
    }
}

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Takes a product off sale or puts it back (admin only). Inactive
    /// products are hidden from the catalog and cannot be ordered.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn set_product_active(
        &self,
        ctx: &Context<'_>,
        sku: String,
        active: bool,
    ) -> Result<Product> {
        Ok(Product(
            svc::set_product_active(state(ctx)?, principal(ctx), &sku, active).await?,
        ))
    }
}
