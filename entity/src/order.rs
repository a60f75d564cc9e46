//! `orders`: one order with its snapshotted shipping address and totals in
//! integer minor units. `status` changes only through the order state
//! machine, by `UPDATE … WHERE status = expected`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub channel_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub customer_email: String,
    pub customer_name: String,
    pub external_id: Option<String>,
    pub status: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub shipping_fee_minor: i64,
    pub total_minor: i64,
    pub shipping_method: String,
    pub ship_name: String,
    pub ship_phone: String,
    pub ship_line1: String,
    pub ship_line2: Option<String>,
    pub ship_city: String,
    pub ship_region: Option<String>,
    pub ship_postal_code: String,
    pub ship_country: String,
    pub note: Option<String>,
    pub placed_by: String,
    pub idempotency_scope: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    /// The payment method chosen at checkout, if any.
    pub payment_method: Option<String>,
    /// PICKUP orders: the pickup point (a warehouse) the customer collects at.
    pub pickup_warehouse_id: Option<Uuid>,
    /// The sequence of the order's newest outbox event.
    pub event_seq: i64,
    pub placed_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
