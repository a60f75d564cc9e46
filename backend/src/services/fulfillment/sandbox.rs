//! The built-in sandbox carrier (on by default, `OMS_CARRIER_SANDBOX`):
//! parcels shipped with carrier `SANDBOX` advance through collected → in
//! transit → out for delivery → delivered, one step every
//! `OMS_CARRIER_SANDBOX_STEP_SECS` after shipping, and every step is a
//! signed Kuaidi100 push over HTTP to this instance's own webhook, exactly
//! as the real carrier would send it. Step times are fixed by the shipping
//! time, so instances sharing a database push identical snapshots and the
//! webhook applies each once.

use chrono::{DateTime, Duration, Utc};
use entity::shipment;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::kuaidi100::{self, CarrierState, PushEvent};
use super::store;
use crate::domain::fulfillment::{SANDBOX_CARRIER, ShipmentStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The sandbox's route: the state of each step and what it says.
const STEPS: [(CarrierState, &str, &str); 4] = [
    (
        CarrierState::PickedUp,
        "Parcel collected by the courier",
        "origin",
    ),
    (
        CarrierState::InTransit,
        "Arrived at the regional sorting centre",
        "sorting centre",
    ),
    (
        CarrierState::OutForDelivery,
        "Out for delivery with the courier",
        "destination",
    ),
    (
        CarrierState::Delivered,
        "Delivered, signed for by the recipient",
        "destination",
    ),
];

/// The history of a parcel shipped at `shipped_at`, as due at `now`,
/// newest first; empty before the first step.
pub fn history(
    shipped_at: DateTime<Utc>,
    now: DateTime<Utc>,
    step_secs: i64,
    origin: &str,
    destination: &str,
) -> Vec<PushEvent> {
    let mut out: Vec<PushEvent> = STEPS
        .iter()
        .enumerate()
        .map(|(i, (state, text, place))| PushEvent {
            at: shipped_at + Duration::seconds(step_secs * (i as i64 + 1)),
            description: (*text).to_string(),
            location: Some(match *place {
                "origin" => origin.to_string(),
                "destination" => destination.to_string(),
                other => other.to_string(),
            }),
            state: Some(*state),
        })
        .filter(|e| e.at <= now)
        .collect();
    out.reverse();
    out
}

/// Pushes the due step of every SANDBOX parcel still on its way; returns
/// how many pushes were sent.
pub async fn tick(state: &AppState) -> AppResult<usize> {
    if !state.config.carrier_sandbox {
        return Ok(0);
    }
    let moving = [
        ShipmentStatus::Shipped,
        ShipmentStatus::InTransit,
        ShipmentStatus::OutForDelivery,
    ];
    let rows = shipment::Entity::find()
        .filter(shipment::Column::Carrier.eq(SANDBOX_CARRIER))
        .filter(shipment::Column::Status.is_in(moving.map(|s| s.as_str())))
        .limit(200)
        .all(&state.db.conn)
        .await?;
    let now = Utc::now();
    let url = format!(
        "{}/webhooks/carriers/kuaidi100",
        state.payments.base_url().trim_end_matches('/')
    );
    let client = reqwest::Client::new();
    let mut sent = 0;
    for row in rows {
        let (Some(shipped_at), Some(nu)) = (row.shipped_at, row.tracking_number.clone()) else {
            continue;
        };
        let origin = store::warehouse_code(&state.db.conn, row.warehouse_id).await?;
        let o = super::commands::order_row(&state.db.conn, row.order_id).await?;
        let events = history(
            shipped_at,
            now,
            state.config.carrier_sandbox_step_secs,
            &origin,
            &o.ship_city,
        );
        let Some(newest) = events.first() else {
            continue;
        };
        if row.last_event_at.is_some_and(|last| last >= newest.at) {
            continue;
        }
        let Some(current) = newest.state else {
            continue;
        };
        let param = kuaidi100::build_param(&nu, "sandbox", current, &events);
        let body = kuaidi100::form_body(&param, &state.config.carrier_callback_salt);
        let reply = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("sandbox carrier push: {e}")))?;
        if !reply.status().is_success() {
            tracing::warn!(shipment = %row.number, status = %reply.status(), "sandbox carrier push refused");
        }
        sent += 1;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_unfolds_one_step_per_interval_newest_first() {
        let t0 = Utc::now();
        assert!(history(t0, t0, 10, "SHA", "Beijing").is_empty());
        let h = history(t0, t0 + Duration::seconds(25), 10, "SHA", "Beijing");
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].state, Some(CarrierState::InTransit));
        assert_eq!(h[1].state, Some(CarrierState::PickedUp));
        assert_eq!(h[1].location.as_deref(), Some("SHA"));
        let all = history(t0, t0 + Duration::seconds(999), 10, "SHA", "Beijing");
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].state, Some(CarrierState::Delivered));
        assert_eq!(all[0].location.as_deref(), Some("Beijing"));
    }
}
