//! `payment_events`: the append-only payment ledger. One operation
//! (`op_key`) is requested at most once and settles at most once
//! (unique `(payment_id, op_key, status)`). Rows are never updated.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub payment_id: Uuid,
    /// AUTHORIZE, CAPTURE, VOID, REFUND.
    pub kind: String,
    /// REQUESTED, SUCCEEDED, FAILED.
    pub status: String,
    pub amount_minor: i64,
    /// The operation this event belongs to (also the idempotency key sent
    /// to the provider for calls we make).
    pub op_key: String,
    pub provider_reference: Option<String>,
    pub notification_id: Option<String>,
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
