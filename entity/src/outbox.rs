//! `outbox`: domain events written in the transaction of the command that
//! caused them, for consumers (email, outbound webhooks, reports) to read
//! at least once.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// e.g. `payment.captured`, `order.confirmed`.
    pub topic: String,
    pub order_id: Option<Uuid>,
    /// JSON.
    pub payload: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
