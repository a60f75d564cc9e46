//! When an order is confirmed, what it holds in each warehouse becomes one
//! shipment (a fulfillment order) per warehouse, in the transaction that
//! confirms it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{order, shipment, shipment_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::store;
use crate::domain::fulfillment::{DeliveryMethod, EventSource, ShipmentStatus};
use crate::error::{AppError, AppResult};

/// A shipment line to insert: product, SKU, units.
pub(crate) type LineOf = (Uuid, String, i64);

/// Six digits the customer shows at the pickup desk.
fn pickup_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// Opens the order's shipments from its allocations (once: an order that
/// has shipments already keeps them). Call in the confirming transaction.
pub(crate) async fn open_shipments(
    db: &impl ConnectionTrait,
    o: &order::Model,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let existing = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let method = DeliveryMethod::parse(&o.shipping_method).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "order {} has an unknown shipping method {:?}",
            o.number,
            o.shipping_method
        ))
    })?;
    let held =
        crate::services::orders::queries::net_allocations(db, std::slice::from_ref(&o.number))
            .await?;
    // One shipment per warehouse, numbered by warehouse priority.
    let mut by_wh: BTreeMap<(i32, Uuid), (String, Vec<LineOf>)> = BTreeMap::new();
    for a in held.into_iter().filter(|a| a.held > 0) {
        by_wh
            .entry((a.warehouse_priority, a.warehouse_id))
            .or_insert_with(|| (a.warehouse_code.clone(), Vec::new()))
            .1
            .push((a.product_id, a.sku, a.held));
    }
    for ((_, warehouse_id), (code, lines)) in by_wh {
        // Numbered in warehouse priority order: -1, -2…
        let row = open_pending(
            db,
            o,
            warehouse_id,
            method,
            &lines,
            &format!("waiting to be picked at {code}"),
            actor,
            now,
        )
        .await?;
        let units: i64 = lines.iter().map(|l| l.2).sum();
        store::timeline(
            db,
            o,
            store::step(&row, &code, ShipmentStatus::Pending),
            format!("shipment {} opened at {code} ({units} units)", row.number),
            actor,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Opens a PENDING shipment of order `o` from `warehouse_id` holding
/// `lines`, numbered after the order's shipments so far (`SO-…-3`), with a
/// pickup code when it goes to a pickup desk, and its first history entry
/// (`why`). The caller writes the order's timeline.
#[expect(clippy::too_many_arguments, reason = "one shipment's parts")]
pub(crate) async fn open_pending(
    db: &impl ConnectionTrait,
    o: &order::Model,
    warehouse_id: Uuid,
    method: DeliveryMethod,
    lines: &[LineOf],
    why: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<shipment::Model> {
    let n = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .count(db)
        .await?;
    let row = shipment::Model {
        id: Uuid::now_v7(),
        number: format!("{}-{}", o.number, n + 1),
        order_id: o.id,
        warehouse_id,
        method: method.as_str().into(),
        status: ShipmentStatus::Pending.as_str().into(),
        carrier: None,
        tracking_number: None,
        weight_grams: None,
        pickup_code: (method == DeliveryMethod::Pickup).then(pickup_code),
        pickup_failures: 0,
        pickup_locked: false,
        capture_pending: false,
        capture_minor: 0,
        last_event_at: None,
        created_at: now,
        updated_at: now,
        shipped_at: None,
        delivered_at: None,
    };
    insert(db, &row, lines).await?;
    store::add_event(
        db,
        row.id,
        ShipmentStatus::Pending,
        why,
        None,
        now,
        EventSource::System,
        actor,
    )
    .await?;
    Ok(row)
}

/// Inserts a shipment and its lines.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    row: &shipment::Model,
    lines: &[LineOf],
) -> AppResult<()> {
    let active: shipment::ActiveModel = row.clone().into();
    shipment::Entity::insert(active)
        .exec_without_returning(db)
        .await?;
    shipment_line::Entity::insert_many(lines.iter().map(|(pid, sku, q)| {
        shipment_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            shipment_id: Set(row.id),
            product_id: Set(*pid),
            sku: Set(sku.clone()),
            quantity: Set(*q),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
