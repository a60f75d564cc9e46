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
    /// The order's own event counter (1, 2, 3…), gap-free per order.
    pub sequence: Option<i64>,
    pub order_number: Option<String>,
    pub channel_id: Option<Uuid>,
    /// Stamped by the dispatcher in the order events became visible; the
    /// public event id and every consumer's cursor. NULL: not yet dispatched.
    pub position: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
