//! `tickets`: one service conversation between a customer and the service
//! desk, optionally about one order. Status and times are written only by
//! `backend/src/services/tickets`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `TK-000123`, unique.
    pub number: String,
    pub customer_id: Uuid,
    /// Snapshot of the customer's email and name when opened.
    pub customer_email: String,
    pub customer_name: String,
    pub order_id: Option<Uuid>,
    pub order_number: Option<String>,
    pub channel_id: Option<Uuid>,
    /// e.g. `DELIVERY`.
    pub category: String,
    pub subject: String,
    /// e.g. `WAITING_ON_STAFF`.
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub message_count: i32,
    pub last_message_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The first staff message's time.
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
