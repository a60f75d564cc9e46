//! Warehouses, stock levels, stock adjustments and the live stock feed.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Subscription};
use futures_util::Stream;

use super::context::{RoleGuard, principal, state};
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

impl From<entity::warehouse::Model> for Warehouse {
    fn from(w: entity::warehouse::Model) -> Self {
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
        StockLevel {
            warehouse: v.warehouse.into(),
            sku: v.sku,
            on_hand: v.level.on_hand,
            allocated: v.level.allocated,
            available: v.level.on_hand - v.level.allocated,
            reorder_point: v.level.reorder_point,
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

#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// All warehouses in allocation order (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn warehouses(&self, ctx: &Context<'_>) -> Result<Vec<Warehouse>> {
        Ok(svc::list_warehouses(state(ctx), principal(ctx))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Stock of one SKU per warehouse (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn stock_levels(&self, ctx: &Context<'_>, sku: String) -> Result<Vec<StockLevel>> {
        Ok(svc::stock_levels(state(ctx), principal(ctx), &sku)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
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
            state(ctx),
            principal(ctx),
            &input.sku,
            &input.warehouse_code,
            input.delta,
            &input.reason,
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
    ) -> impl Stream<Item = StockChange> + use<> {
        let wanted = sku.trim().to_ascii_uppercase();
        let rx = state(ctx).bus.subscribe();
        futures_util::stream::unfold(rx, move |mut rx| {
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
        })
    }
}
