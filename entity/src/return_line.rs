//! `return_lines`: units of one order line sent back on a return, priced
//! at the order's unit price, with what the warehouse found on receipt.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "return_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub return_id: Uuid,
    pub order_line_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub reason: String,
    pub unit_price_minor: i64,
    /// What this line refunds (recomputed from what was received).
    pub refund_minor: i64,
    /// EXCHANGE: the replacement product, priced when requested.
    pub exchange_product_id: Option<Uuid>,
    pub exchange_sku: Option<String>,
    pub exchange_unit_price_minor: Option<i64>,
    pub received_restocked: i64,
    pub received_damaged: i64,
    pub received_missing: i64,
    /// Where restocked units went.
    pub restock_warehouse_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
