//! The catalog: product search with cursor paging, product lookup, and
//! availability (on hand minus allocated, summed over warehouses).

use std::collections::HashMap;

use base64::Engine;
use entity::{product, stock_level};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::authorize;
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::catalog::{MAX_PAGE_SIZE, Product, Sku};
use crate::domain::money::{Currency, Money};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A stored product as a domain value; a bad stored SKU or currency is an
/// error, not a guess.
pub fn product_from_row(p: product::Model) -> AppResult<Product> {
    let bad = |what: &str| {
        AppError::Internal(anyhow::anyhow!("product {} has a bad stored {what}", p.id))
    };
    let sku = Sku::parse(&p.sku).ok_or_else(|| bad("SKU"))?;
    let currency = Currency::parse(&p.currency).ok_or_else(|| bad("currency"))?;
    Ok(Product {
        id: p.id,
        sku,
        name: p.name,
        description: p.description,
        price: Money::new(p.price_minor, currency),
        active: p.active,
    })
}

fn products_from_rows(rows: Vec<product::Model>) -> AppResult<Vec<Product>> {
    rows.into_iter().map(product_from_row).collect()
}

/// One page of products.
pub struct ProductPage {
    pub items: Vec<Product>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: u64,
}

pub fn encode_cursor(sku: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("sku:{sku}"))
}

fn decode_cursor(c: &str) -> AppResult<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("sku:").map(str::to_string))
        .ok_or_else(|| AppError::invalid("after", "is not a valid cursor"))
}

/// Active products whose name or SKU contains `search` (case-insensitive),
/// ordered by SKU.
pub async fn search_products(
    state: &AppState,
    search: Option<&str>,
    first: i64,
    after: Option<&str>,
) -> AppResult<ProductPage> {
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(AppError::invalid("first", "must be between 1 and 100"));
    }
    let mut q = product::Entity::find().filter(product::Column::Active.eq(true));
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        if s.chars().count() > 100 {
            return Err(AppError::invalid(
                "search",
                "must be at most 100 characters",
            ));
        }
        let escaped = s
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let name_like = Expr::expr(Func::lower(Expr::col(product::Column::Name)))
            .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'));
        let sku_like = Expr::expr(Func::lower(Expr::col(product::Column::Sku)))
            .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'));
        q = q.filter(name_like.or(sku_like));
    }
    let total = q.clone().count(&state.db.conn).await?;
    let has_previous = after.is_some();
    if let Some(c) = after {
        q = q.filter(product::Column::Sku.gt(decode_cursor(c)?));
    }
    let mut items = q
        .order_by_asc(product::Column::Sku)
        .limit((first + 1) as u64)
        .all(&state.db.conn)
        .await?;
    let has_next = items.len() as i64 > first;
    items.truncate(first as usize);
    Ok(ProductPage {
        items: products_from_rows(items)?,
        has_next,
        has_previous,
        total,
    })
}

pub async fn find_by_sku(state: &AppState, sku: &str) -> AppResult<Option<Product>> {
    let Some(sku) = Sku::parse(sku) else {
        return Ok(None);
    };
    product::Entity::find()
        .filter(product::Column::Sku.eq(sku.as_str()))
        .filter(product::Column::Active.eq(true))
        .first(&state.db.conn)
        .await?
        .map(product_from_row)
        .transpose()
}

/// Products by id, active or not (order lines name products that may
/// have left the catalog since), for one batch of lookups.
pub async fn products_by_ids(state: &AppState, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Product>> {
    let rows = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.to_vec()))
        .all(&state.db.conn)
        .await?;
    Ok(products_from_rows(rows)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Active products with these SKUs, in the order asked (at most 100).
pub async fn find_by_skus(state: &AppState, skus: &[String]) -> AppResult<Vec<Product>> {
    if skus.len() > 100 {
        return Err(AppError::invalid("skus", "at most 100 SKUs"));
    }
    let parsed: Vec<String> = skus
        .iter()
        .filter_map(|s| Sku::parse(s).map(|s| s.as_str().to_string()))
        .collect();
    let found = product::Entity::find()
        .filter(product::Column::Sku.is_in(parsed.clone()))
        .filter(product::Column::Active.eq(true))
        .all(&state.db.conn)
        .await?;
    let found = products_from_rows(found)?;
    Ok(parsed
        .iter()
        .filter_map(|s| found.iter().find(|p| p.sku.as_str() == s).cloned())
        .collect())
}

#[derive(FromQueryResult)]
struct AvailableRow {
    product_id: Uuid,
    available: i64,
}

/// Units available to sell per product, in one query for the whole batch.
pub async fn availability(state: &AppState, ids: &[Uuid]) -> AppResult<HashMap<Uuid, i64>> {
    let rows = stock_level::Entity::find()
        .select_only()
        .column(stock_level::Column::ProductId)
        .column_as(
            Expr::cust("CAST(SUM(on_hand - allocated) AS BIGINT)"),
            "available",
        )
        .filter(stock_level::Column::ProductId.is_in(ids.to_vec()))
        .group_by(stock_level::Column::ProductId)
        .into_model::<AvailableRow>()
        .all(&state.db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.product_id, r.available))
        .collect())
}

/// Takes a product off sale (or back on). Inactive products are hidden from
/// the catalog and cannot be ordered; placed orders keep their lines.
pub async fn set_product_active(
    state: &AppState,
    p: &Principal,
    sku: &str,
    active: bool,
) -> AppResult<Product> {
    authorize(p, crate::domain::auth::ADMINS)?;
    let sku = Sku::parse(sku).ok_or_else(|| AppError::invalid("sku", "is not a valid SKU"))?;
    let tx = state.db.begin_write().await?;
    let updated = product::Entity::update_many()
        .col_expr(product::Column::Active, Expr::value(active))
        .col_expr(product::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(product::Column::Sku.eq(sku.as_str()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if updated == 0 {
        return Err(AppError::NotFound(format!(
            "no product with SKU {}",
            sku.as_str()
        )));
    }
    let model = product::Entity::find()
        .filter(product::Column::Sku.eq(sku.as_str()))
        .first(&*tx)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("product vanished")))?;
    tx.commit().await?;
    product_from_row(model)
}
