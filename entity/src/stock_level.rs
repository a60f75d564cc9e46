//! `stock_levels`: one row per (product, warehouse). Invariant, also
//! enforced by a CHECK constraint: `0 <= allocated <= on_hand`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_levels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub warehouse_id: Uuid,
    pub on_hand: i64,
    pub allocated: i64,
    pub reorder_point: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
