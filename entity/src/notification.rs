//! `notifications`: one message to a customer (email today), planned by the
//! dispatcher from an outbox event (unique per event and template) or by a
//! resend, then sent by the mail worker. It is the notification log.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The outbox position it came from; NULL for a resend.
    pub event_id: Option<i64>,
    pub order_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// EMAIL.
    pub channel: String,
    /// e.g. `order_placed`.
    pub template: String,
    pub language: String,
    pub recipient: String,
    pub subject: Option<String>,
    /// PENDING, SENT, FAILED or SKIPPED.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker is sending it until then (a crashed worker's claim expires).
    pub locked_until: Option<DateTimeUtc>,
    pub error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub resend_of: Option<Uuid>,
    /// Variables of an email that is not about an order (JSON), e.g. the
    /// endpoint and reason of `webhook_disabled`.
    pub data: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
