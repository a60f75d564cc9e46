//! `stock_movements`: the append-only stock ledger. Every change to a stock
//! level (adjust, receive, allocate, release, ship) is one row; summing the
//! deltas per (product, warehouse) must equal the stock level.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: Uuid,
    pub warehouse_id: Uuid,
    pub kind: String,
    pub delta_on_hand: i64,
    pub delta_allocated: i64,
    pub reason: String,
    pub actor: String,
    pub reference: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
