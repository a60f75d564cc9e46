//! Reading shipments: an order's shipments (batched for many orders), one
//! shipment, the staff work queue with filters and cursor paging, and the
//! pickup points customers can choose.

use std::collections::HashMap;

use entity::{order, shipment, warehouse};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::store;
use crate::domain::auth::Principal;
use crate::domain::fulfillment::{DeliveryMethod, PickupPoint, Shipment, ShipmentStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Shipments of many orders (by order id), oldest first; for loaders.
pub async fn shipments_for_orders(
    state: &AppState,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Shipment>>> {
    let rows = shipment::Entity::find()
        .filter(shipment::Column::OrderId.is_in(order_ids.to_vec()))
        .order_by_asc(shipment::Column::Number)
        .all(&state.db.conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<Shipment>> = HashMap::new();
    for s in store::load(&state.db.conn, rows).await? {
        out.entry(s.order_id).or_default().push(s);
    }
    Ok(out)
}

/// Staff (and integrations of the order's channel) see shipments; a
/// customer sees those of their own orders.
async fn may_see(state: &AppState, p: &Principal, s: &Shipment) -> AppResult<bool> {
    if p.is_staff() {
        return Ok(true);
    }
    let o = order::Entity::find_by_id(s.order_id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order of {} vanished", s.number)))?;
    let o = crate::services::orders::order_from_row(o)?;
    Ok(crate::domain::orders::can_view(p, &o))
}

/// One shipment, if the caller may see it (NOT_FOUND otherwise).
pub async fn find_shipment(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Shipment> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in to see shipments".into()));
    }
    let s = store::load_one(&state.db.conn, id).await?;
    if !may_see(state, p, &s).await? {
        return Err(AppError::NotFound(format!("no shipment {id}")));
    }
    Ok(s)
}

/// The work queue's filter.
#[derive(Clone, Debug, Default)]
pub struct ShipmentFilter {
    pub warehouse: Option<String>,
    pub status: Option<ShipmentStatus>,
    pub method: Option<DeliveryMethod>,
}

/// A page of the queue.
pub struct ShipmentPage {
    pub items: Vec<Shipment>,
    pub total: u64,
    /// Offset of the first item.
    pub offset: u64,
    pub has_next: bool,
}

/// The staff work queue: oldest first (first in, first out).
pub async fn list_shipments(
    state: &AppState,
    p: &Principal,
    filter: &ShipmentFilter,
    first: u64,
    offset: u64,
) -> AppResult<ShipmentPage> {
    if p.role().is_none() {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    if !p.is_staff() {
        return Err(AppError::Forbidden(
            "only staff see the shipment queue".into(),
        ));
    }
    let mut q = shipment::Entity::find();
    if let Some(code) = &filter.warehouse {
        let code = code.trim().to_ascii_uppercase();
        let w = warehouse::Entity::find()
            .filter(warehouse::Column::Code.eq(code.clone()))
            .one(&state.db.conn)
            .await?
            .ok_or_else(|| AppError::invalid("filter.warehouse", format!("no warehouse {code}")))?;
        q = q.filter(shipment::Column::WarehouseId.eq(w.id));
    }
    if let Some(s) = filter.status {
        q = q.filter(shipment::Column::Status.eq(s.as_str()));
    }
    if let Some(m) = filter.method {
        q = q.filter(shipment::Column::Method.eq(m.as_str()));
    }
    let total = q.clone().count(&state.db.conn).await?;
    let rows = q
        .order_by_asc(shipment::Column::CreatedAt)
        .order_by_asc(shipment::Column::Number)
        .offset(offset)
        .limit(first + 1)
        .all(&state.db.conn)
        .await?;
    let has_next = rows.len() as u64 > first;
    let rows = rows.into_iter().take(first as usize).collect();
    Ok(ShipmentPage {
        items: store::load(&state.db.conn, rows).await?,
        total,
        offset,
        has_next,
    })
}

/// Active pickup points, by priority.
pub async fn pickup_points(state: &AppState) -> AppResult<Vec<PickupPoint>> {
    Ok(warehouse::Entity::find()
        .filter(warehouse::Column::IsPickupPoint.eq(true))
        .filter(warehouse::Column::Active.eq(true))
        .order_by_asc(warehouse::Column::Priority)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(|w| PickupPoint {
            id: w.id,
            code: w.code,
            name: w.name,
            region: w.region,
        })
        .collect())
}
