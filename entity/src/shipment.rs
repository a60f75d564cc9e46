//! `shipments`: one parcel (or pickup) of an order from one warehouse.
//! `status` changes only through the shipment state machine, by
//! `UPDATE … WHERE status = expected`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The order number and a sequence, e.g. `SO-2026-000123-1`.
    #[sea_orm(unique)]
    pub number: String,
    pub order_id: Uuid,
    pub warehouse_id: Uuid,
    /// EXPRESS, POSTAL or PICKUP.
    pub method: String,
    pub status: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub weight_grams: Option<i64>,
    /// PICKUP: the code the customer shows at handover.
    pub pickup_code: Option<String>,
    pub pickup_failures: i32,
    /// Too many wrong pickup codes: staff must review before handover.
    pub pickup_locked: bool,
    /// A card capture for this shipment is still to be made.
    pub capture_pending: bool,
    /// What the shipment captures (its lines' value, plus the fee on the first).
    pub capture_minor: i64,
    /// The newest carrier event applied (older snapshots change nothing).
    pub last_event_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub shipped_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
