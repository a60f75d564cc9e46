//! Shipping a packed shipment (all its lines, or some: the rest stays
//! packed as a new shipment of the same warehouse) and moving a shipment
//! nobody has started picking to another warehouse.

use std::collections::BTreeMap;

use entity::{shipment, shipment_line, warehouse};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::commands::{begin, finish, is_unique_violation};
use super::{create, settle, stock, store};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::domain::fulfillment::{
    DeliveryMethod, MAX_CARRIER_CHARS, MAX_TRACKING_CHARS, Shipment, ShipmentAction, ShipmentStatus,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Units of a SKU to ship.
#[derive(Clone, Debug)]
pub struct ShipLine {
    pub sku: String,
    pub quantity: i64,
}

/// A carrier code: letters, digits, `_` and `-`, upper-cased.
fn check_carrier(raw: &str) -> AppResult<String> {
    let c = raw.trim().to_ascii_uppercase();
    if c.is_empty()
        || c.chars().count() > MAX_CARRIER_CHARS
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        return Err(AppError::invalid(
            "carrier",
            format!("must be 1 to {MAX_CARRIER_CHARS} letters, digits, '_' or '-'"),
        ));
    }
    Ok(c)
}

/// A tracking number: letters, digits and `-`.
pub(super) fn check_tracking(raw: &str) -> AppResult<String> {
    let t = raw.trim().to_ascii_uppercase();
    if t.is_empty()
        || t.chars().count() > MAX_TRACKING_CHARS
        || !t.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    {
        return Err(AppError::invalid(
            "trackingNumber",
            format!("must be 1 to {MAX_TRACKING_CHARS} letters, digits or '-'"),
        ));
    }
    Ok(t)
}

/// How many units of each stored line ship now; `None` ships everything.
fn split_plan(
    lines: &[shipment_line::Model],
    wanted: Option<&[ShipLine]>,
) -> AppResult<BTreeMap<Uuid, i64>> {
    let Some(wanted) = wanted.filter(|w| !w.is_empty()) else {
        return Ok(lines.iter().map(|l| (l.id, l.quantity)).collect());
    };
    let mut plan: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (i, w) in wanted.iter().enumerate() {
        let sku = w.sku.trim().to_ascii_uppercase();
        let Some(line) = lines.iter().find(|l| l.sku == sku) else {
            return Err(AppError::invalid(
                format!("lines[{i}].sku"),
                format!("{sku} is not in this shipment"),
            ));
        };
        let total = plan.get(&line.id).copied().unwrap_or(0) + w.quantity;
        if w.quantity <= 0 {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                "must be at least 1",
            ));
        }
        if total > line.quantity {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                format!(
                    "the shipment holds {} of {sku}; cannot ship {total}",
                    line.quantity
                ),
            ));
        }
        plan.insert(line.id, total);
    }
    Ok(plan)
}

/// Hands a packed shipment to the carrier: records carrier and tracking
/// number, consumes the shipped units, and marks the card capture for
/// exactly those lines. Shipping only some `lines` leaves the rest packed
/// in a new shipment of the same warehouse.
pub async fn ship_shipment(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    carrier: &str,
    tracking_number: &str,
    lines: Option<&[ShipLine]>,
) -> AppResult<Shipment> {
    let carrier = check_carrier(carrier)?;
    let tracking = check_tracking(tracking_number)?;
    let st = begin(state, p, id, ShipmentAction::Ship).await?;
    let db = &*st.tx;
    settle::check_paid_for(db, &st.order).await?;
    let stored = stock::lines_of(db, id).await?;
    let plan = split_plan(&stored, lines)?;
    let mut shipped = Vec::new();
    let mut rest = Vec::new();
    for l in &stored {
        let now_q = plan.get(&l.id).copied().unwrap_or(0);
        if now_q > 0 {
            shipped.push(shipment_line::Model {
                quantity: now_q,
                ..l.clone()
            });
        }
        if l.quantity > now_q {
            rest.push((l.product_id, l.sku.clone(), l.quantity - now_q));
        }
    }
    if !rest.is_empty() {
        // The rest stays packed as a shipment of its own.
        let n = shipment::Entity::find()
            .filter(shipment::Column::OrderId.eq(st.order.id))
            .count(db)
            .await?;
        let remainder = shipment::Model {
            id: Uuid::now_v7(),
            number: format!("{}-{}", st.order.number, n + 1),
            status: ShipmentStatus::Packed.as_str().into(),
            weight_grams: None,
            created_at: st.now,
            updated_at: st.now,
            ..st.row.clone()
        };
        create::insert(db, &remainder, &rest).await?;
        store::add_event(
            db,
            remainder.id,
            ShipmentStatus::Packed,
            &format!("split from {}: waiting for the next parcel", st.row.number),
            None,
            st.now,
            crate::domain::fulfillment::EventSource::System,
            &p.actor(),
        )
        .await?;
        shipment_line::Entity::delete_many()
            .filter(shipment_line::Column::ShipmentId.eq(id))
            .exec(db)
            .await?;
        let kept: Vec<(Uuid, String, i64)> = shipped
            .iter()
            .map(|l| (l.product_id, l.sku.clone(), l.quantity))
            .collect();
        shipment_line::Entity::insert_many(kept.iter().map(|(pid, sku, q)| {
            shipment_line::ActiveModel {
                id: sea_orm::Set(Uuid::now_v7()),
                shipment_id: sea_orm::Set(id),
                product_id: sea_orm::Set(*pid),
                sku: sea_orm::Set(sku.clone()),
                quantity: sea_orm::Set(*q),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    let recorded = shipment::Entity::update_many()
        .col_expr(shipment::Column::Carrier, Expr::value(carrier.clone()))
        .col_expr(
            shipment::Column::TrackingNumber,
            Expr::value(tracking.clone()),
        )
        .col_expr(shipment::Column::ShippedAt, Expr::value(st.now))
        .filter(shipment::Column::Id.eq(id))
        .exec(db)
        .await;
    match recorded {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!(
                "tracking number {tracking} is already on another shipment"
            )));
        }
        Err(e) => return Err(e.into()),
    }
    stock::consume(db, p, &st.order, &st.row, &shipped, st.now).await?;
    settle::mark_on_ship(db, &st.order, &st.row, &shipped).await?;
    let text = format!("handed to {carrier}, tracking {tracking}");
    finish(state, p, st, text).await
}

/// Moves a shipment nobody has started picking to another warehouse that
/// has its units free; the allocation moves with it through the ledger.
pub async fn move_shipment(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    warehouse_code: &str,
) -> AppResult<Shipment> {
    // Moving is a picking-stage decision: the same roles, from PENDING only.
    let st = begin(state, p, id, ShipmentAction::StartPicking)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::Conflict("picking has started: only a PENDING shipment can move".into())
            }
            other => other,
        })?;
    if st.method == DeliveryMethod::Pickup {
        return Err(AppError::Conflict(
            "a pickup order ships from its pickup point; it cannot move".into(),
        ));
    }
    let db = &*st.tx;
    let code = warehouse_code.trim().to_ascii_uppercase();
    let target = warehouse::Entity::find()
        .filter(warehouse::Column::Code.eq(code.clone()))
        .filter(warehouse::Column::Active.eq(true))
        .first(db)
        .await?
        .ok_or_else(|| AppError::invalid("warehouseCode", format!("no active warehouse {code}")))?;
    if target.id == st.row.warehouse_id {
        return Err(AppError::invalid(
            "warehouseCode",
            format!("the shipment is already at {code}"),
        ));
    }
    let lines = stock::lines_of(db, id).await?;
    let to = stock::Target {
        id: target.id,
        code: &code,
    };
    stock::relocate(db, p, &st.order, &st.row, &lines, to, st.now).await?;
    shipment::Entity::update_many()
        .col_expr(shipment::Column::WarehouseId, Expr::value(target.id))
        .filter(shipment::Column::Id.eq(id))
        .exec(db)
        .await?;
    let actor = p.actor();
    let from_code = st.warehouse.clone();
    store::add_event(
        db,
        id,
        ShipmentStatus::Pending,
        &format!("moved from {from_code} to {code}"),
        None,
        st.now,
        crate::domain::fulfillment::EventSource::Staff,
        &actor,
    )
    .await?;
    store::timeline(
        db,
        &st.order,
        store::step(&st.row, &code, ShipmentStatus::Pending),
        format!(
            "shipment {} moved from {from_code} to {code}",
            st.row.number
        ),
        &actor,
        st.now,
    )
    .await?;
    st.tx.commit().await?;
    state.bus.publish(crate::events::DomainEvent::OrderChanged {
        number: st.order.number.clone(),
        status: st.order.status.clone(),
    });
    store::load_one(&state.db.conn, id).await
}
