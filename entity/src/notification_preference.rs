//! `notification_preferences`: what a customer wants to hear about, and in
//! which language. No row: everything, in English.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// `en` or `zh`; NULL: English.
    pub language: Option<String>,
    /// Shipped, out for delivery, delivered (non-essential).
    pub shipping_updates: bool,
    /// Return and ticket progress (non-essential).
    pub service_updates: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
