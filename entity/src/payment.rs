//! `payments`: one attempt to pay an order with one method. Amounts moved
//! are not stored here: they are derived from `payment_events`.
//! `updated_at` is touched first in every command on the payment, so that
//! concurrent commands on it serialize on the row.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub method: String,
    /// Our reference at the provider (`out_trade_no`).
    #[sea_orm(unique)]
    pub reference: String,
    /// The provider's id of the trade (PaymentIntent id, trade_no, transaction_id).
    pub provider_reference: Option<String>,
    /// What this payment asks for.
    pub amount_minor: i64,
    pub currency: String,
    /// The key of the `startPayment` call (and of the provider's create call).
    pub idempotency_key: String,
    pub redirect_url: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
