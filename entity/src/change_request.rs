//! `change_requests`: a change of a placed order (address, quantities,
//! lines, delivery method) or a cancellation of some lines, with its priced
//! preview, approval state and idempotency key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    /// CHANGE or CANCEL_LINES.
    pub kind: String,
    /// PENDING, APPLIED, APPROVED, REJECTED, CANCELLED.
    pub status: String,
    pub requested_by: String,
    /// The request as asked (JSON).
    #[sea_orm(column_type = "Text")]
    pub input: String,
    /// The priced preview when requested or applied (JSON).
    #[sea_orm(column_type = "Text")]
    pub preview: String,
    pub needs_approval: bool,
    pub amount_delta_minor: i64,
    pub currency: String,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
