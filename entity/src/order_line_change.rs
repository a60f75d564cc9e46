//! `order_line_changes`: append-only history of order line quantities
//! altered after placement (a change request or a line cancellation).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_line_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub change_request_id: Option<Uuid>,
    pub product_id: Uuid,
    pub sku: String,
    pub quantity_before: i64,
    pub quantity_after: i64,
    pub unit_price_minor: i64,
    pub actor: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
