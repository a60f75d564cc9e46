//! Shipment rows: loading them as domain values (lines, events, warehouse
//! and order in a few batch reads), locking (always the order row first,
//! then the shipment, the same order payments use), appending events and
//! letting the order's status follow its shipments.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{order, order_event, shipment, shipment_event, shipment_line, warehouse};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::domain::fulfillment::{
    DeliveryMethod, EventSource, PickupPoint, Shipment, ShipmentLine, ShipmentStatus,
    TrackingEvent, order_status_for,
};
use crate::domain::orders::{EventDetail, EventKind, ShipmentDetail};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;

fn corrupt(what: &str, value: &str, number: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "shipment {number} has an unknown stored {what} {value:?}"
    ))
}

pub(crate) fn status_of(row: &shipment::Model) -> AppResult<ShipmentStatus> {
    ShipmentStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status, &row.number))
}

pub(crate) fn method_of(row: &shipment::Model) -> AppResult<DeliveryMethod> {
    DeliveryMethod::parse(&row.method).ok_or_else(|| corrupt("method", &row.method, &row.number))
}

/// Stored rows as domain shipments: lines, events, warehouses and order
/// numbers in one read each.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    rows: Vec<shipment::Model>,
) -> AppResult<Vec<Shipment>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let order_ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    let wh_ids: Vec<Uuid> = rows.iter().map(|r| r.warehouse_id).collect();
    let mut lines: HashMap<Uuid, Vec<ShipmentLine>> = HashMap::new();
    for l in shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(ids.clone()))
        .order_by_asc(shipment_line::Column::Sku)
        .all(db)
        .await?
    {
        lines.entry(l.shipment_id).or_default().push(ShipmentLine {
            product_id: l.product_id,
            sku: l.sku,
            quantity: l.quantity,
        });
    }
    let mut events: HashMap<Uuid, Vec<TrackingEvent>> = HashMap::new();
    for e in shipment_event::Entity::find()
        .filter(shipment_event::Column::ShipmentId.is_in(ids))
        .order_by_asc(shipment_event::Column::At)
        .order_by_asc(shipment_event::Column::Id)
        .all(db)
        .await?
    {
        let bad = || AppError::Internal(anyhow::anyhow!("shipment event {} is corrupt", e.id));
        events
            .entry(e.shipment_id)
            .or_default()
            .push(TrackingEvent {
                status: ShipmentStatus::parse(&e.status).ok_or_else(bad)?,
                source: EventSource::parse(&e.source).ok_or_else(bad)?,
                description: e.description,
                location: e.location,
                at: e.at,
            });
    }
    let numbers: HashMap<Uuid, String> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.number))
        .collect();
    let warehouses: HashMap<Uuid, warehouse::Model> = warehouse::Entity::find()
        .filter(warehouse::Column::Id.is_in(wh_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    rows.into_iter()
        .map(|r| {
            Ok(Shipment {
                status: status_of(&r)?,
                method: method_of(&r)?,
                order_number: numbers.get(&r.order_id).cloned().unwrap_or_default(),
                warehouse_code: warehouses
                    .get(&r.warehouse_id)
                    .map(|w| w.code.clone())
                    .unwrap_or_default(),
                // A pickup shipment's warehouse is its pickup point.
                pickup_point: warehouses
                    .get(&r.warehouse_id)
                    .filter(|w| w.is_pickup_point && r.method == DeliveryMethod::Pickup.as_str())
                    .map(|w| PickupPoint {
                        id: w.id,
                        code: w.code.clone(),
                        name: w.name.clone(),
                        region: w.region.clone(),
                    }),
                lines: lines.remove(&r.id).unwrap_or_default(),
                events: events.remove(&r.id).unwrap_or_default(),
                id: r.id,
                number: r.number,
                order_id: r.order_id,
                warehouse_id: r.warehouse_id,
                carrier: r.carrier,
                tracking_number: r.tracking_number,
                weight_grams: r.weight_grams,
                pickup_code: r.pickup_code,
                pickup_locked: r.pickup_locked,
                pickup_failures: r.pickup_failures,
                created_at: r.created_at,
                updated_at: r.updated_at,
                shipped_at: r.shipped_at,
                delivered_at: r.delivered_at,
            })
        })
        .collect()
}

/// One shipment as a domain value.
pub(crate) async fn load_one(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Shipment> {
    let row = shipment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no shipment {id}")))?;
    load(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("shipment {id} vanished")))
}

/// Locks the shipment's order, then the shipment, and reads both again.
pub(crate) async fn lock(
    db: &impl ConnectionTrait,
    shipment_id: Uuid,
) -> AppResult<(order::Model, shipment::Model)> {
    let s = shipment::Entity::find_by_id(shipment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no shipment {shipment_id}")))?;
    let o = crate::services::payments::store::lock_order(db, s.order_id).await?;
    shipment::Entity::update_many()
        .col_expr(
            shipment::Column::UpdatedAt,
            Expr::col(shipment::Column::UpdatedAt),
        )
        .filter(shipment::Column::Id.eq(shipment_id))
        .exec(db)
        .await?;
    let s = shipment::Entity::find_by_id(shipment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("shipment {shipment_id} vanished")))?;
    Ok((o, s))
}

/// Appends a tracking event.
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub(crate) async fn add_event(
    db: &impl ConnectionTrait,
    shipment_id: Uuid,
    status: ShipmentStatus,
    description: &str,
    location: Option<&str>,
    at: DateTime<Utc>,
    source: EventSource,
    actor: &str,
) -> AppResult<()> {
    shipment_event::Entity::insert(shipment_event::ActiveModel {
        id: NotSet,
        shipment_id: Set(shipment_id),
        status: Set(status.as_str().into()),
        description: Set(description.into()),
        location: Set(location.map(str::to_string)),
        at: Set(at),
        source: Set(source.as_str().into()),
        actor: Set(actor.into()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Moves the shipment from `from` to `to` (`UPDATE … WHERE status = from`).
pub(crate) async fn set_status(
    db: &impl ConnectionTrait,
    s: &shipment::Model,
    from: ShipmentStatus,
    to: ShipmentStatus,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let moved = shipment::Entity::update_many()
        .col_expr(shipment::Column::Status, Expr::value(to.as_str()))
        .col_expr(shipment::Column::UpdatedAt, Expr::value(now))
        .filter(shipment::Column::Id.eq(s.id))
        .filter(shipment::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    if moved == 0 {
        return Err(AppError::Conflict(format!(
            "shipment {} was changed concurrently; reload and retry",
            s.number
        )));
    }
    Ok(())
}

/// A shipment step on the order's timeline.
pub(crate) async fn timeline(
    db: &impl ConnectionTrait,
    o: &order::Model,
    detail: EventDetail,
    note: String,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let kind = match detail {
        EventDetail::Routing(_) => EventKind::Routed,
        _ => EventKind::Shipment,
    };
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(kind.as_str().into()),
        from_status: Set(None),
        to_status: Set(o.status.clone()),
        actor: Set(actor.into()),
        note: Set(Some(note)),
        detail: Set(Some(detail.to_stored())),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The shipment's step, for [`timeline`].
pub(crate) fn step(s: &shipment::Model, wh: &str, status: ShipmentStatus) -> EventDetail {
    EventDetail::Shipment(ShipmentDetail {
        number: s.number.clone(),
        status,
        warehouse: wh.into(),
    })
}

/// Writes the shipment's event for entering `to` (none for PENDING), in
/// the caller's transaction. The pickup code stays out: it is the
/// customer's, not every integration's.
pub(crate) async fn emit_shipment(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
    warehouse: &str,
    to: ShipmentStatus,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(kind) = crate::domain::notifications::EventType::for_shipment_status(to) else {
        return Ok(());
    };
    let object = serde_json::json!({
        "number": s.number,
        "orderNumber": o.number,
        "status": to.as_str(),
        "method": s.method,
        "warehouse": warehouse,
        "carrier": s.carrier,
        "trackingNumber": s.tracking_number,
    });
    crate::services::notifications::outbox::emit(db, o, kind, object, now).await?;
    Ok(())
}

/// The code of a warehouse.
pub(crate) async fn warehouse_code(db: &impl ConnectionTrait, id: Uuid) -> AppResult<String> {
    Ok(warehouse::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|w| w.code)
        .unwrap_or_default())
}

/// Lets the order's status follow its shipments (the caller holds the
/// order's lock). Returns the live event to publish after commit.
pub(crate) async fn follow(
    db: &impl ConnectionTrait,
    o: &order::Model,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<DomainEvent> {
    let current = crate::services::orders::rows::status(&o.status, &o.number)?;
    let statuses = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .all(db)
        .await?
        .iter()
        .map(status_of)
        .collect::<AppResult<Vec<_>>>()?;
    let to = order_status_for(current, &statuses);
    if to != current {
        order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(to.as_str()))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::Id.eq(o.id))
            .filter(order::Column::Status.eq(current.as_str()))
            .exec(db)
            .await?;
        order_event::Entity::insert(order_event::ActiveModel {
            id: NotSet,
            order_id: Set(o.id),
            kind: Set(EventKind::StatusChanged.as_str().into()),
            from_status: Set(Some(current.as_str().into())),
            to_status: Set(to.as_str().into()),
            actor: Set(actor.into()),
            note: Set(None),
            detail: Set(None),
            at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        crate::services::notifications::outbox::emit_order(
            db,
            o,
            crate::domain::notifications::EventType::for_order_status(to),
            to.as_str(),
            now,
        )
        .await?;
    }
    Ok(DomainEvent::OrderChanged {
        number: o.number.clone(),
        status: to.as_str().into(),
    })
}

/// The order was cancelled: its shipments that still hold stock are
/// cancelled with it (the caller releases the stock).
pub(crate) async fn cancel_open(
    db: &impl ConnectionTrait,
    o: &order::Model,
    actor: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let open: Vec<&str> = ShipmentStatus::ALL
        .into_iter()
        .filter(|s| s.holds_allocation())
        .map(ShipmentStatus::as_str)
        .collect();
    let rows = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .filter(shipment::Column::Status.is_in(open))
        .all(db)
        .await?;
    for r in rows {
        let from = status_of(&r)?;
        set_status(db, &r, from, ShipmentStatus::Cancelled, now).await?;
        add_event(
            db,
            r.id,
            ShipmentStatus::Cancelled,
            "order cancelled",
            None,
            now,
            EventSource::System,
            actor,
        )
        .await?;
        let wh = warehouse_code(db, r.warehouse_id).await?;
        emit_shipment(db, o, &r, &wh, ShipmentStatus::Cancelled, now).await?;
    }
    Ok(())
}
