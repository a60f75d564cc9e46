//! Writing events: every command calls [`emit`] inside its own transaction,
//! so an event exists exactly when the change it describes committed.
//! Reading them back for consumers: [`OutboxEvent`].

use chrono::{DateTime, Utc};
use entity::{order, outbox};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::notifications::EventType;
use crate::error::{AppError, AppResult};

/// A dispatched event as consumers see it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEvent {
    /// The public event id: the outbox position, increasing in the order
    /// events became visible.
    pub id: i64,
    /// `None` for a topic written before event types were typed.
    pub kind: Option<EventType>,
    pub topic: String,
    pub order_id: Option<Uuid>,
    pub order_number: Option<String>,
    pub channel_id: Option<Uuid>,
    /// The order's own counter: 1, 2, 3… without gaps.
    pub sequence: Option<i64>,
    /// The object the event is about (JSON).
    pub object: Value,
    pub at: DateTime<Utc>,
}

impl OutboxEvent {
    /// A dispatched row; `None` for one not yet stamped.
    pub fn from_row(row: outbox::Model) -> Option<OutboxEvent> {
        Some(OutboxEvent {
            id: row.position?,
            kind: EventType::parse(&row.topic),
            object: serde_json::from_str(&row.payload).unwrap_or(Value::Null),
            topic: row.topic,
            order_id: row.order_id,
            order_number: row.order_number,
            channel_id: row.channel_id,
            sequence: row.sequence,
            at: row.created_at,
        })
    }
}

/// The order as events carry it (its state when the event was written).
pub fn order_object(o: &order::Model, status: &str) -> Value {
    json!({
        "number": o.number,
        "status": status,
        "currency": o.currency,
        "subtotalMinor": o.subtotal_minor,
        "shippingFeeMinor": o.shipping_fee_minor,
        "totalMinor": o.total_minor,
        "shippingMethod": o.shipping_method,
        "paymentMethod": o.payment_method,
        "customerEmail": o.customer_email,
        "customerName": o.customer_name,
        "placedAt": o.placed_at,
    })
}

/// Writes one event of order `o` in the caller's transaction and returns
/// its per-order sequence. Bumping `orders.event_seq` takes the order's row
/// lock, so an order's events are numbered in the order they commit.
pub async fn emit(
    db: &impl ConnectionTrait,
    o: &order::Model,
    kind: EventType,
    object: Value,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    order::Entity::update_many()
        .col_expr(
            order::Column::EventSeq,
            Expr::col(order::Column::EventSeq).add(1),
        )
        .filter(order::Column::Id.eq(o.id))
        .exec(db)
        .await?;
    let sequence = order::Entity::find_by_id(o.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {} vanished", o.id)))?
        .event_seq;
    outbox::Entity::insert(outbox::ActiveModel {
        id: NotSet,
        topic: Set(kind.as_str().into()),
        order_id: Set(Some(o.id)),
        payload: Set(object.to_string()),
        created_at: Set(now),
        sequence: Set(Some(sequence)),
        order_number: Set(Some(o.number.clone())),
        channel_id: Set(Some(o.channel_id)),
        position: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(sequence)
}

/// [`emit`] for an order entering `status`, with the order as the object.
pub async fn emit_order(
    db: &impl ConnectionTrait,
    o: &order::Model,
    kind: EventType,
    status: &str,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    emit(db, o, kind, order_object(o, status), now).await
}
