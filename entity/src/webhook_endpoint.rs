//! `webhook_endpoints`: a third party's URL that receives signed events.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// JSON array of event type names, e.g. `["order.placed"]`.
    pub event_types: String,
    /// The HMAC key deliveries are signed with.
    pub secret: String,
    /// Who registered it (`user:<id>` or `key:<id>`).
    pub owner: String,
    /// Where to tell the owner the endpoint was disabled.
    pub owner_email: Option<String>,
    /// An integration's endpoint sees only its channel's events.
    pub channel_id: Option<Uuid>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// Deliveries have failed without a success since then.
    pub failing_since: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
