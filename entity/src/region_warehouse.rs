//! `region_warehouses`: which warehouses are nearest to a shipping region,
//! by rank (1 = nearest), for the nearest-region routing strategy.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_warehouses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The shipping address's region, compared case-insensitively.
    pub region: String,
    pub warehouse_id: Uuid,
    pub rank: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
