//! `shipping_rates`: the fee table per delivery method, in the shop's
//! currency's minor units.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipping_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub method: String,
    pub flat_minor: i64,
    pub per_kg_minor: i64,
    pub per_item_minor: i64,
    /// Free when the subtotal reaches this.
    pub free_above_minor: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
