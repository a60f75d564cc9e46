//! Warehouses, stock levels, stock adjustments and the live stock feed.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Subscription};
use futures_util::Stream;

use super::context::{RoleGuard, principal, state};
use super::types::PageInfo;
use crate::domain::auth::{STAFF, STOCK_KEEPERS};
use crate::events::DomainEvent;
use crate::services::inventory::{self as svc, StockView};

/// A place that holds stock.
#[derive(SimpleObject, Clone)]
pub struct Warehouse {
    /// Stable opaque id.
    pub id: ID,
    /// Short code, e.g. "SHA".
    pub code: String,
    /// Display name.
    pub name: String,
    /// Region it serves.
    pub region: String,
    /// Customers can collect orders here.
    pub is_pickup_point: bool,
    /// Allocation order: lower is tried first.
    pub priority: i32,
}

impl From<svc::Warehouse> for Warehouse {
    fn from(w: svc::Warehouse) -> Self {
        Warehouse {
            id: ID(w.id.to_string()),
            code: w.code,
            name: w.name,
            region: w.region,
            is_pickup_point: w.is_pickup_point,
            priority: w.priority,
        }
    }
}

/// Stock of one product in one warehouse.
#[derive(SimpleObject)]
pub struct StockLevel {
    /// The warehouse.
    pub warehouse: Warehouse,
    /// The product's SKU.
    pub sku: String,
    /// Units physically in the warehouse.
    pub on_hand: i64,
    /// Units promised to orders and not yet shipped.
    pub allocated: i64,
    /// Units free to sell: on hand minus allocated.
    pub available: i64,
    /// Available at or below this counts as low stock.
    pub reorder_point: i64,
}

impl From<StockView> for StockLevel {
    fn from(v: StockView) -> Self {
        let available = v.available();
        StockLevel {
            warehouse: v.warehouse.into(),
            sku: v.sku,
            available,
            on_hand: v.on_hand,
            allocated: v.allocated,
            reorder_point: v.reorder_point,
        }
    }
}

/// A stock correction or receipt.
#[derive(InputObject)]
pub struct AdjustStockInput {
    /// Product SKU.
    pub sku: String,
    /// Warehouse code.
    pub warehouse_code: String,
    /// Units to add (positive) or remove (negative).
    pub delta: i64,
    /// Why, e.g. "count correction" or "damaged"; kept in the stock ledger.
    pub reason: String,
}

/// A change of stock, pushed live.
#[derive(SimpleObject, Clone)]
pub struct StockChange {
    /// The product's SKU.
    pub sku: String,
    /// Where the stock changed.
    pub warehouse_code: String,
    /// Units on hand there now.
    pub on_hand: i64,
    /// Units allocated there now.
    pub allocated: i64,
    /// Units available there now.
    pub available: i64,
}

/// A delivery of stock into a warehouse.
#[derive(InputObject)]
pub struct ReceiveStockInput {
    /// Product SKU.
    pub sku: String,
    /// Warehouse code.
    pub warehouse_code: String,
    /// Units received, at least 1.
    pub quantity: i64,
    /// Delivery note or purchase order number.
    pub reference: Option<String>,
}

/// A product with its stock in every warehouse.
#[derive(SimpleObject)]
pub struct ProductStock {
    /// Product SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Stock per warehouse.
    pub levels: Vec<StockLevel>,
    /// Units available over all warehouses.
    pub available: i64,
}

/// A product in a page of the inventory.
#[derive(SimpleObject)]
pub struct InventoryEdge {
    /// Opaque position; pass as `after`.
    pub cursor: String,
    /// The product and its stock.
    pub node: ProductStock,
}

/// A page of the inventory.
#[derive(SimpleObject)]
pub struct InventoryConnection {
    /// Products of this page, in SKU order.
    pub edges: Vec<InventoryEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Products matching, over all pages.
    pub total_count: i64,
}

/// A stock level whose numbers disagree with its ledger.
#[derive(SimpleObject)]
pub struct LedgerDifference {
    /// Product SKU.
    pub sku: String,
    /// Warehouse code.
    pub warehouse_code: String,
    /// On hand per the stock level.
    pub on_hand: i64,
    /// On hand per the ledger.
    pub ledger_on_hand: i64,
    /// Allocated per the stock level.
    pub allocated: i64,
    /// Allocated per the ledger.
    pub ledger_allocated: i64,
}

/// The result of recomputing every balance from the stock ledger.
#[derive(SimpleObject)]
pub struct InventoryCheck {
    /// No differences were found.
    pub balanced: bool,
    /// Stock levels compared.
    pub checked_levels: i64,
    /// Every difference found (there must never be one).
    pub differences: Vec<LedgerDifference>,
}

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// All warehouses in allocation order (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn warehouses(&self, ctx: &Context<'_>) -> Result<Vec<Warehouse>> {
        Ok(svc::list_warehouses(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Stock of one SKU per warehouse (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn stock_levels(&self, ctx: &Context<'_>, sku: String) -> Result<Vec<StockLevel>> {
        Ok(svc::stock_levels(state(ctx)?, principal(ctx), &sku)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Products with their stock per warehouse (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn inventory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to look for in the name or SKU.")] search: Option<String>,
        #[graphql(desc = "Page size, 1 to 100.", default = 50)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<InventoryConnection> {
        let st = state(ctx)?;
        let page = crate::services::catalog::search_products(
            st,
            search.as_deref(),
            first,
            after.as_deref(),
        )
        .await?;
        let ids: Vec<_> = page.items.iter().map(|p| p.id).collect();
        let mut levels = svc::levels_for(st, &ids).await?;
        let edges: Vec<InventoryEdge> = page
            .items
            .into_iter()
            .map(|p| {
                let mine: Vec<StockLevel> = levels
                    .extract_if(.., |v| v.product_id == p.id)
                    .map(StockLevel::from)
                    .collect();
                InventoryEdge {
                    cursor: crate::services::catalog::encode_cursor(p.sku.as_str()),
                    node: ProductStock {
                        available: mine.iter().map(|l| l.available).sum(),
                        sku: p.sku.as_str().to_string(),
                        name: p.name,
                        levels: mine,
                    },
                }
            })
            .collect();
        Ok(InventoryConnection {
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

    /// Stock levels at or below their reorder point (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn low_stock(&self, ctx: &Context<'_>) -> Result<Vec<StockLevel>> {
        Ok(svc::low_stock(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Recomputes every balance from the stock ledger (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn inventory_check(&self, ctx: &Context<'_>) -> Result<InventoryCheck> {
        let (checked, diffs) = svc::inventory_check(state(ctx)?, principal(ctx)).await?;
        Ok(InventoryCheck {
            balanced: diffs.is_empty(),
            checked_levels: checked as i64,
            differences: diffs
                .into_iter()
                .map(|d| LedgerDifference {
                    sku: d.sku,
                    warehouse_code: d.warehouse_code,
                    on_hand: d.on_hand,
                    ledger_on_hand: d.ledger_on_hand,
                    allocated: d.allocated,
                    ledger_allocated: d.ledger_allocated,
                })
                .collect(),
        })
    }
}

#[derive(Default)]
pub struct InventoryMutation;

#[Object]
impl InventoryMutation {
    /// Corrects or receives stock with a reason (warehouse staff and admins).
    #[graphql(guard = "RoleGuard(STOCK_KEEPERS)")]
    async fn adjust_stock(&self, ctx: &Context<'_>, input: AdjustStockInput) -> Result<StockLevel> {
        Ok(svc::adjust_stock(
            state(ctx)?,
            principal(ctx),
            &input.sku,
            &input.warehouse_code,
            input.delta,
            &input.reason,
        )
        .await?
        .into())
    }

    /// Receives a delivery into a warehouse (warehouse staff and admins).
    #[graphql(guard = "RoleGuard(STOCK_KEEPERS)")]
    async fn receive_stock(
        &self,
        ctx: &Context<'_>,
        input: ReceiveStockInput,
    ) -> Result<StockLevel> {
        Ok(svc::receive_stock(
            state(ctx)?,
            principal(ctx),
            &input.sku,
            &input.warehouse_code,
            input.quantity,
            input.reference.as_deref(),
        )
        .await?
        .into())
    }

    /// Sets the reorder point of a stock level (warehouse staff and admins).
    #[graphql(guard = "RoleGuard(STOCK_KEEPERS)")]
    async fn set_reorder_point(
        &self,
        ctx: &Context<'_>,
        sku: String,
        warehouse_code: String,
        reorder_point: i64,
    ) -> Result<StockLevel> {
        Ok(svc::set_reorder_point(
            state(ctx)?,
            principal(ctx),
            &sku,
            &warehouse_code,
            reorder_point,
        )
        .await?
        .into())
    }
}

#[derive(Default)]
pub struct InventorySubscription;

#[Subscription]
impl InventorySubscription {
    /// Every stock change of one SKU, as it commits.
    async fn product_stock_changed(
        &self,
        ctx: &Context<'_>,
        sku: String,
    ) -> Result<impl Stream<Item = StockChange> + use<>> {
        let wanted = sku.trim().to_ascii_uppercase();
        let rx = state(ctx)?.bus.subscribe();
        Ok(futures_util::stream::unfold(rx, move |mut rx| {
            let wanted = wanted.clone();
            async move {
                use tokio::sync::broadcast::error::RecvError;
                loop {
                    match rx.recv().await {
                        Ok(DomainEvent::StockChanged {
                            sku,
                            warehouse_code,
                            on_hand,
                            allocated,
                        }) if sku == wanted => {
                            let change = StockChange {
                                sku,
                                warehouse_code,
                                on_hand,
                                allocated,
                                available: on_hand - allocated,
                            };
                            return Some((change, rx));
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        }))
    }
}
