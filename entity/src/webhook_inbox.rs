//! `webhook_inbox`: every provider notification applied, by its own id
//! (unique per source). Recorded in the transaction that applies it, so a
//! duplicate finds its row and changes nothing.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_inbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `payments/alipay`, `payments/wechatpay`, `payments/card`…
    pub source: String,
    pub notification_id: String,
    /// What it did, for support.
    pub summary: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
