//! Tracking events, from the carrier's push or entered by staff. A push
//! carries the parcel's whole history: only events newer than the newest
//! one applied are recorded, and the shipment moves to the newest event's
//! status through the transition table, so a repeated or older snapshot
//! changes nothing.

use chrono::{DateTime, Utc};
use entity::shipment;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::commands::authorize;
use super::kuaidi100::{self, CarrierState};
use super::{settle, store};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::fulfillment::{
    EventSource, MAX_EVENT_TEXT_CHARS, Shipment, ShipmentAction, ShipmentStatus, next,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One event to apply.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub status: ShipmentStatus,
    pub description: String,
    pub location: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a carrier state means for the shipment.
pub fn status_for(state: CarrierState) -> ShipmentStatus {
    match state {
        CarrierState::InTransit | CarrierState::PickedUp => ShipmentStatus::InTransit,
        CarrierState::Problem | CarrierState::Refused => ShipmentStatus::Exception,
        CarrierState::Delivered => ShipmentStatus::Delivered,
        CarrierState::OutForDelivery => ShipmentStatus::OutForDelivery,
        CarrierState::Returning => ShipmentStatus::ReturnedToSender,
    }
}

/// What happened to a push.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// New events were recorded (and the status may have moved).
    Changed,
    /// Nothing newer than what is recorded.
    Unchanged,
}

/// Applies `events` (any order) to the shipment. `strict`: refuse a status
/// the table does not allow (staff); a carrier's history is recorded
/// anyway and the status moves only where the table allows.
async fn apply(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    mut events: Vec<Incoming>,
    source: EventSource,
    strict: bool,
) -> AppResult<Applied> {
    events.sort_by_key(|e| e.at);
    let tx = state.db.begin_write().await?;
    let (o, row) = store::lock(&*tx, id).await?;
    let from = store::status_of(&row)?;
    let method = store::method_of(&row)?;
    if !from.with_carrier() {
        // A carrier repeating a parcel's final history: nothing changes.
        if !strict && from.has_left() {
            return Ok(Applied::Unchanged);
        }
        return Err(AppError::Conflict(format!(
            "shipment {} is {}; it takes tracking events only once shipped",
            row.number,
            from.as_str()
        )));
    }
    let fresh: Vec<Incoming> = events
        .into_iter()
        .filter(|e| row.last_event_at.is_none_or(|last| e.at > last))
        .collect();
    let Some(newest) = fresh.last().cloned() else {
        if strict {
            return Err(AppError::invalid(
                "at",
                "must be later than the shipment's newest tracking event",
            ));
        }
        return Ok(Applied::Unchanged);
    };
    let to = next(from, ShipmentAction::Report(newest.status), method);
    if strict && to.is_none() {
        return Err(AppError::Conflict(format!(
            "shipment {} is {}; it cannot become {}",
            row.number,
            from.as_str(),
            newest.status.as_str()
        )));
    }
    let actor = p.actor();
    let now = Utc::now();
    for e in &fresh {
        store::add_event(
            &*tx,
            id,
            e.status,
            &e.description,
            e.location.as_deref(),
            e.at,
            source,
            &actor,
        )
        .await?;
    }
    let mut upd = shipment::Entity::update_many()
        .col_expr(shipment::Column::LastEventAt, Expr::value(newest.at))
        .col_expr(shipment::Column::UpdatedAt, Expr::value(now))
        .filter(shipment::Column::Id.eq(id));
    if to == Some(ShipmentStatus::Delivered) {
        upd = upd.col_expr(shipment::Column::DeliveredAt, Expr::value(newest.at));
    }
    upd.exec(&*tx).await?;
    if let Some(to) = to.filter(|t| *t != from) {
        store::set_status(&*tx, &row, from, to, now).await?;
        let wh = store::warehouse_code(&*tx, row.warehouse_id).await?;
        store::timeline(
            &*tx,
            &o,
            store::step(&row, &wh, to),
            format!("shipment {}: {}", row.number, newest.description),
            &actor,
            now,
        )
        .await?;
        if to == ShipmentStatus::Delivered {
            settle::mark_on_delivered(&*tx, &o, &row).await?;
        }
        store::emit_shipment(&*tx, &o, &row, &wh, to, now).await?;
    }
    let live = store::follow(&*tx, &o, &actor, now).await?;
    tx.commit().await?;
    state.bus.publish(live);
    settle::spawn(state, id);
    Ok(Applied::Changed)
}

fn check_text(field: &str, text: &str, required: bool) -> AppResult<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return if required {
            Err(AppError::invalid(field, "is required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > MAX_EVENT_TEXT_CHARS {
        return Err(AppError::invalid(
            field,
            format!("must be at most {MAX_EVENT_TEXT_CHARS} characters"),
        ));
    }
    Ok(Some(t.to_string()))
}

/// Staff enter a tracking event by hand (a carrier without pushes, a call
/// from the courier).
pub async fn record_tracking_event(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    status: ShipmentStatus,
    description: &str,
    location: Option<&str>,
    at: Option<DateTime<Utc>>,
) -> AppResult<Shipment> {
    authorize(p, ShipmentAction::Report(status))?;
    if !status.is_trackable() {
        return Err(AppError::invalid(
            "status",
            "must be IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION or RETURNED_TO_SENDER",
        ));
    }
    let description = check_text("description", description, true)?.unwrap_or_default();
    let location = check_text("location", location.unwrap_or(""), false)?;
    let at = at.unwrap_or_else(Utc::now);
    if at > Utc::now() + chrono::Duration::minutes(5) {
        return Err(AppError::invalid("at", "cannot be in the future"));
    }
    let incoming = Incoming {
        status,
        description,
        location,
        at,
    };
    apply(state, p, id, vec![incoming], EventSource::Staff, true).await?;
    store::load_one(&state.db.conn, id).await
}

/// Why a carrier push was refused, and the carrier's reply code.
#[derive(Debug)]
pub struct PushRefused {
    pub code: &'static str,
    pub http: u16,
    pub message: String,
}

/// A Kuaidi100 push (`param` + `sign`): verified, parsed, applied.
pub async fn receive_kuaidi100(
    state: &AppState,
    param: &str,
    sign: &str,
) -> Result<Applied, PushRefused> {
    let refused = |code, http, message: String| PushRefused {
        code,
        http,
        message,
    };
    if !kuaidi100::verify(param, sign, &state.config.carrier_callback_salt) {
        return Err(refused("500", 401, "bad signature".into()));
    }
    let push = kuaidi100::parse(param).map_err(|e| refused("400", 400, e.to_string()))?;
    let number = push.tracking_number.to_ascii_uppercase();
    let row = shipment::Entity::find()
        .filter(shipment::Column::TrackingNumber.eq(number.clone()))
        .first(&state.db.conn)
        .await
        .map_err(|e| refused("500", 503, AppError::from(e).public_message()))?
        .ok_or_else(|| refused("404", 404, format!("unknown tracking number {number}")))?;
    let newest = push.events.first().map(|e| e.at);
    let events = push
        .events
        .iter()
        .map(|e| Incoming {
            // The newest event says the parcel's state; older ones say
            // their own when the carrier gives it.
            status: if Some(e.at) == newest {
                status_for(push.state)
            } else {
                e.state.map_or(ShipmentStatus::InTransit, status_for)
            },
            description: e.description.chars().take(MAX_EVENT_TEXT_CHARS).collect(),
            location: e
                .location
                .as_ref()
                .map(|l| l.chars().take(MAX_EVENT_TEXT_CHARS).collect()),
            at: e.at,
        })
        .collect();
    match apply(
        state,
        &Principal::System,
        row.id,
        events,
        EventSource::Carrier,
        false,
    )
    .await
    {
        Ok(a) => Ok(a),
        // Not shipped (any more): nothing of ours to move; the carrier
        // must not retry forever.
        Err(AppError::Conflict(m)) => Err(refused("400", 409, m)),
        Err(e) => Err(refused("500", 503, e.public_message())),
    }
}
