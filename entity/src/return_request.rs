//! `returns`: one return or exchange request (RMA) on a delivered order.
//! `status` changes only through the return state machine, by
//! `UPDATE … WHERE status = expected`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "returns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `RMA-` and the order number's digits and a sequence, e.g. `RMA-2026-000123-1`.
    #[sea_orm(unique)]
    pub number: String,
    pub order_id: Uuid,
    /// The order's customer account, if any.
    pub customer_id: Option<Uuid>,
    pub status: String,
    /// REFUND or EXCHANGE.
    pub resolution: String,
    /// The first line's reason code (lines carry their own).
    pub reason: String,
    pub note: Option<String>,
    /// Actor strings, as on the order timeline.
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub currency: String,
    /// What the refund will give back (computed; recomputed on receipt).
    pub refund_minor: i64,
    /// The part of `refund_minor` that is the order's shipping fee.
    pub shipping_refund_minor: i64,
    /// What was given back.
    pub refunded_minor: i64,
    pub exchange_shipment_id: Option<Uuid>,
    /// The request's idempotency key (unique per order).
    pub idempotency_key: Option<String>,
    /// The key the refund was requested under.
    pub refund_key: Option<String>,
    pub rejection_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub approved_at: Option<DateTimeUtc>,
    pub received_at: Option<DateTimeUtc>,
    pub refunded_at: Option<DateTimeUtc>,
    /// When it reached a final status.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
