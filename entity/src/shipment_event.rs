//! `shipment_events`: a shipment's tracking history (append-only), from
//! the carrier, the warehouse or the system.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipment_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub shipment_id: Uuid,
    /// The shipment status this event reports.
    pub status: String,
    pub description: String,
    pub location: Option<String>,
    /// When it happened (the carrier's time for carrier events).
    pub at: DateTimeUtc,
    /// CARRIER, STAFF or SYSTEM.
    pub source: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
