//! Demo shipments in every fulfillment state, so that the warehouse queues
//! have work in them on first start: to pick, to pack, to ship, on the
//! road, delivered, an exception, ready at the pickup desk, collected, and
//! one parcel with the sandbox carrier that moves while you watch. Written
//! through the fulfillment commands real staff use.

use crate::domain::auth::Principal;
use crate::domain::fulfillment::{SANDBOX_CARRIER, ShipmentStatus};
use crate::error::AppResult;
use crate::services::fulfillment as svc;
use crate::state::AppState;

/// How far a demo order's shipments get.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// Left waiting to be picked.
    Pending,
    Picking,
    Packed,
    /// Shipped with the sandbox carrier: it advances on its own.
    Sandbox,
    InTransit,
    OutForDelivery,
    Delivered,
    Exception,
    ReadyForPickup,
    PickedUp,
}

/// Works the order's shipments up to `stage` as warehouse staff would.
pub(crate) async fn advance(
    state: &AppState,
    number: &str,
    stage: Stage,
    n: usize,
) -> AppResult<()> {
    let staff = Principal::System;
    let order = crate::services::orders::find_visible(state, &staff, number).await?;
    let shipments = svc::shipments_for_orders(state, &[order.id])
        .await?
        .remove(&order.id)
        .unwrap_or_default();
    for (i, s) in shipments.into_iter().enumerate() {
        if stage == Stage::Pending || s.status != ShipmentStatus::Pending {
            continue;
        }
        svc::start_picking(state, &staff, s.id).await?;
        if stage == Stage::Picking {
            continue;
        }
        svc::pack_shipment(state, &staff, s.id, 600 + 150 * i as i64).await?;
        if stage == Stage::Packed {
            continue;
        }
        if matches!(stage, Stage::ReadyForPickup | Stage::PickedUp) {
            let ready = svc::mark_ready_for_pickup(state, &staff, s.id).await?;
            if stage == Stage::PickedUp {
                let code = ready.pickup_code.unwrap_or_default();
                svc::hand_over_pickup(state, &staff, s.id, &code).await?;
            }
            continue;
        }
        let (carrier, tracking) = if stage == Stage::Sandbox {
            (SANDBOX_CARRIER.to_string(), format!("SBX{:08}{i}", n))
        } else {
            ("SF".to_string(), format!("SF14{:08}{i}", n))
        };
        svc::ship_shipment(state, &staff, s.id, &carrier, &tracking, None).await?;
        let report = |status, text: &'static str, place: &'static str| {
            svc::record_tracking_event(state, &staff, s.id, status, text, Some(place), None)
        };
        match stage {
            Stage::InTransit => {
                report(
                    ShipmentStatus::InTransit,
                    "Departed the Shanghai hub",
                    "Shanghai",
                )
                .await?;
            }
            Stage::OutForDelivery => {
                report(
                    ShipmentStatus::InTransit,
                    "Arrived at the Pudong depot",
                    "Shanghai",
                )
                .await?;
                report(
                    ShipmentStatus::OutForDelivery,
                    "Out for delivery",
                    "Shanghai",
                )
                .await?;
            }
            Stage::Delivered => {
                report(
                    ShipmentStatus::InTransit,
                    "Arrived at the Pudong depot",
                    "Shanghai",
                )
                .await?;
                report(
                    ShipmentStatus::Delivered,
                    "Delivered, signed for at reception",
                    "Shanghai",
                )
                .await?;
            }
            Stage::Exception => {
                report(
                    ShipmentStatus::Exception,
                    "Address incomplete: courier could not deliver",
                    "Shanghai",
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(())
}
