//! The delivery log of an endpoint, newest first, and redelivery: a new
//! delivery of the same body (signed afresh when it is sent).

use chrono::Utc;
use entity::webhook_delivery;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::{Delivery, pending_row, visible_endpoint};
use crate::domain::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A page of an endpoint's log.
pub struct DeliveryPage {
    pub items: Vec<Delivery>,
    pub offset: u64,
    pub has_next: bool,
    pub total: u64,
}

/// An endpoint's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    p: &Principal,
    endpoint_id: Uuid,
    first: u64,
    offset: u64,
) -> AppResult<DeliveryPage> {
    let db = &state.db.conn;
    visible_endpoint(db, p, endpoint_id).await?;
    let base = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    let total = base.clone().count(db).await?;
    let mut rows = base
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .offset(offset)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok(DeliveryPage {
        items: rows.into_iter().map(Delivery::from).collect(),
        offset,
        has_next,
        total,
    })
}

/// One delivery of an endpoint the caller manages.
pub async fn delivery(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Delivery> {
    let found = webhook_delivery::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such webhook delivery".into()))?;
    visible_endpoint(&state.db.conn, p, found.endpoint_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("no such webhook delivery".into()),
            other => other,
        })?;
    Ok(found.into())
}

/// Sends a delivery's body again as a new delivery (the original stays in
/// the log as it was). The endpoint must be enabled.
pub async fn redeliver(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Delivery> {
    let original = delivery(state, p, id).await?;
    let tx = state.db.begin_write().await?;
    let endpoint = visible_endpoint(&*tx, p, original.endpoint_id).await?;
    if !endpoint.enabled {
        return Err(AppError::Conflict(
            "the endpoint is disabled; enable it before redelivering".into(),
        ));
    }
    let row = pending_row(
        endpoint.id,
        original.event_id,
        &original.event_type,
        original.body,
        Some(original.id),
        Utc::now(),
    );
    let created = row.insert(&*tx).await?;
    tx.commit().await?;
    state.notifications.webhook_wake.notify_one();
    Ok(created.into())
}
