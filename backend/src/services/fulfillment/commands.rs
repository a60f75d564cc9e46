//! Warehouse commands on a shipment: pick, pack, ship (whole or some
//! lines), ready for pickup, hand over with the code, unlock after too
//! many wrong codes. Each is one transaction holding the order's lock then
//! the shipment's; the status moves by `UPDATE … WHERE status = expected`
//! through the transition table, so two clerks racing get one success and
//! one CONFLICT.

use chrono::{DateTime, Utc};
use entity::{order, shipment};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{settle, stock, store};
use crate::db::WriteTx;
use crate::domain::auth::{Principal, Role};
use crate::domain::fulfillment::{
    DeliveryMethod, EventSource, MAX_PICKUP_FAILURES, Shipment, ShipmentAction, ShipmentStatus,
    next,
};
use crate::error::{AppError, AppResult};
use crate::events::DomainEvent;
use crate::state::AppState;

/// A command under way: the transaction, both locked rows, and the step.
pub(super) struct Step {
    pub tx: WriteTx,
    pub order: order::Model,
    pub row: shipment::Model,
    pub from: ShipmentStatus,
    pub to: ShipmentStatus,
    pub method: DeliveryMethod,
    pub warehouse: String,
    pub now: DateTime<Utc>,
}

/// Only warehouse staff and admins move shipments.
pub(super) fn authorize(p: &Principal, action: ShipmentAction) -> AppResult<()> {
    match p.role() {
        None => Err(AppError::Unauthenticated("sign in first".into())),
        Some(r) if action.roles().contains(&r) => Ok(()),
        Some(r) => Err(AppError::Forbidden(format!(
            "the {} role may not {} a shipment",
            r.as_str(),
            action.as_str()
        ))),
    }
}

/// Opens the step: locks, re-reads, checks the transition table.
pub(super) async fn begin(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    action: ShipmentAction,
) -> AppResult<Step> {
    authorize(p, action)?;
    let tx = state.db.begin_write().await?;
    let (order, row) = store::lock(&*tx, id).await?;
    let from = store::status_of(&row)?;
    let method = store::method_of(&row)?;
    let to = next(from, action, method).ok_or_else(|| {
        AppError::Conflict(format!(
            "shipment {} is {} ({}); it cannot {}",
            row.number,
            from.as_str(),
            method.as_str(),
            action.as_str()
        ))
    })?;
    let warehouse = store::warehouse_code(&*tx, row.warehouse_id).await?;
    Ok(Step {
        tx,
        order,
        row,
        from,
        to,
        method,
        warehouse,
        now: Utc::now(),
    })
}

/// Closes the step: the new status, its event, the order's timeline and
/// status, commit, live events, then any money to move.
pub(super) async fn finish(
    state: &AppState,
    p: &Principal,
    st: Step,
    description: String,
) -> AppResult<Shipment> {
    let actor = p.actor();
    let db = &*st.tx;
    store::set_status(db, &st.row, st.from, st.to, st.now).await?;
    store::add_event(
        db,
        st.row.id,
        st.to,
        &description,
        None,
        st.now,
        EventSource::System,
        &actor,
    )
    .await?;
    store::timeline(
        db,
        &st.order,
        store::step(&st.row, &st.warehouse, st.to),
        format!("shipment {}: {description}", st.row.number),
        &actor,
        st.now,
    )
    .await?;
    let live = store::follow(db, &st.order, &actor, st.now).await?;
    store::emit_shipment(db, &st.order, &st.row, &st.warehouse, st.to, st.now).await?;
    st.tx.commit().await?;
    state.bus.publish(live);
    settle::spawn(state, st.row.id);
    store::load_one(&state.db.conn, st.row.id).await
}

/// The warehouse starts picking.
pub async fn start_picking(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Shipment> {
    let st = begin(state, p, id, ShipmentAction::StartPicking).await?;
    let text = format!("picking started at {}", st.warehouse);
    finish(state, p, st, text).await
}

/// Packed, with the parcel's weight.
pub async fn pack_shipment(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    weight_grams: i64,
) -> AppResult<Shipment> {
    if !(1..=1_000_000).contains(&weight_grams) {
        return Err(AppError::invalid(
            "weightGrams",
            "must be between 1 and 1000000 grams",
        ));
    }
    let st = begin(state, p, id, ShipmentAction::Pack).await?;
    shipment::Entity::update_many()
        .col_expr(shipment::Column::WeightGrams, Expr::value(weight_grams))
        .filter(shipment::Column::Id.eq(id))
        .exec(&*st.tx)
        .await?;
    let text = format!("packed, {weight_grams} g");
    finish(state, p, st, text).await
}

/// A pickup parcel is on the shelf at its pickup point.
pub async fn mark_ready_for_pickup(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> AppResult<Shipment> {
    let st = begin(state, p, id, ShipmentAction::MarkReady).await?;
    let text = format!("ready for pickup at {}", st.warehouse);
    finish(state, p, st, text).await
}

/// The customer collects a pickup parcel, showing its code. A wrong code
/// counts; after [`MAX_PICKUP_FAILURES`] the shipment locks until staff
/// review it ([`unlock_pickup`]).
pub async fn hand_over_pickup(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    code: &str,
) -> AppResult<Shipment> {
    let st = begin(state, p, id, ShipmentAction::HandOver).await?;
    if st.row.pickup_locked {
        return Err(AppError::PickupRefused {
            locked: true,
            attempts_left: 0,
        });
    }
    let expected = st.row.pickup_code.clone().unwrap_or_default();
    if expected.is_empty() || !crate::crypto::constant_time_eq(code.trim(), &expected) {
        let failures = st.row.pickup_failures + 1;
        let locked = failures >= MAX_PICKUP_FAILURES;
        shipment::Entity::update_many()
            .col_expr(shipment::Column::PickupFailures, Expr::value(failures))
            .col_expr(shipment::Column::PickupLocked, Expr::value(locked))
            .filter(shipment::Column::Id.eq(id))
            .exec(&*st.tx)
            .await?;
        let actor = p.actor();
        store::add_event(
            &*st.tx,
            id,
            st.from,
            &format!("wrong pickup code ({failures} of {MAX_PICKUP_FAILURES})"),
            None,
            st.now,
            EventSource::Staff,
            &actor,
        )
        .await?;
        // The count must stick even though the handover is refused.
        st.tx.commit().await?;
        state.bus.publish(DomainEvent::OrderChanged {
            number: st.order.number.clone(),
            status: st.order.status.clone(),
        });
        return Err(AppError::PickupRefused {
            locked,
            attempts_left: (MAX_PICKUP_FAILURES - failures).max(0),
        });
    }
    settle::check_paid_for(&*st.tx, &st.order).await?;
    let lines = stock::lines_of(&*st.tx, id).await?;
    stock::consume(&*st.tx, p, &st.order, &st.row, &lines, st.now).await?;
    settle::mark_on_handover(&*st.tx, &st.order, &st.row, &lines, st.now).await?;
    let text = format!("handed over at {}", st.warehouse);
    finish(state, p, st, text).await
}

/// Staff reviewed a shipment locked by wrong codes: the count starts again.
pub async fn unlock_pickup(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Shipment> {
    match p.role() {
        None => return Err(AppError::Unauthenticated("sign in first".into())),
        Some(Role::Admin | Role::Support) => {}
        Some(_) => {
            return Err(AppError::Forbidden(
                "only support and admins unlock a pickup".into(),
            ));
        }
    }
    let tx = state.db.begin_write().await?;
    let (order, row) = store::lock(&*tx, id).await?;
    if !row.pickup_locked {
        return Err(AppError::Conflict(format!(
            "shipment {} is not locked",
            row.number
        )));
    }
    shipment::Entity::update_many()
        .col_expr(shipment::Column::PickupFailures, Expr::value(0))
        .col_expr(shipment::Column::PickupLocked, Expr::value(false))
        .filter(shipment::Column::Id.eq(id))
        .exec(&*tx)
        .await?;
    store::add_event(
        &*tx,
        id,
        store::status_of(&row)?,
        "pickup unlocked after review",
        None,
        Utc::now(),
        EventSource::Staff,
        &p.actor(),
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(DomainEvent::OrderChanged {
        number: order.number.clone(),
        status: order.status.clone(),
    });
    store::load_one(&state.db.conn, id).await
}

/// A database error from a unique index (tracking number taken).
pub(super) fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Reads one order row (for the callers outside a step).
pub(super) async fn order_row(db: &impl ConnectionTrait, id: Uuid) -> AppResult<order::Model> {
    order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {id} vanished")))
}
