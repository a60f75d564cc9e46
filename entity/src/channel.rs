//! `channels`: where orders come from (web shop, marketplace, store, partner).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: String,
    pub active: bool,
    /// Payment methods offered, comma-separated codes (`CARD,ALIPAY,…`).
    pub payment_methods: String,
    /// Days after delivery a customer may request a return (returns area).
    pub return_window_days: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
