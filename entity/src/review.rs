//! `reviews`: one customer's review of one delivered order line (unique
//! per `order_line_id`). `status` is PENDING, PUBLISHED or REJECTED and
//! changes only through the reviews state machine, by
//! `UPDATE … WHERE status = expected AND version = expected`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    /// The product's SKU, snapshotted from the order line.
    pub sku: String,
    pub order_id: Uuid,
    #[sea_orm(unique)]
    pub order_line_id: Uuid,
    pub customer_id: Uuid,
    /// 1 to 5 stars.
    pub rating: i32,
    /// Plain text (escaped wherever it is shown).
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: String,
    /// Why a moderator rejected it (REJECTED only).
    pub reject_reason: Option<String>,
    /// Staff's public reply.
    #[sea_orm(column_type = "Text", nullable)]
    pub reply: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    pub replied_by: Option<Uuid>,
    /// Bumped by every change: a concurrent change loses cleanly.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When it was last published.
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
