//! Which lines of an order were delivered, as fulfillment records it: the
//! whole order when it is DELIVERED or COMPLETED, otherwise the products
//! of its shipments that are DELIVERED or PICKED_UP.

use entity::{order_line, shipment, shipment_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::fulfillment::ShipmentStatus;
use crate::domain::orders::{Order, OrderStatus};
use crate::error::AppResult;

/// The order's lines, in line order.
pub(super) async fn lines(
    db: &impl ConnectionTrait,
    order_id: uuid::Uuid,
) -> AppResult<Vec<order_line::Model>> {
    Ok(order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?)
}

/// The ids of the products that reached the customer.
async fn delivered_products(
    db: &impl ConnectionTrait,
    order: &Order,
) -> AppResult<Option<Vec<uuid::Uuid>>> {
    if matches!(
        order.status,
        OrderStatus::Delivered | OrderStatus::Completed
    ) {
        return Ok(None);
    }
    let done = [
        ShipmentStatus::Delivered.as_str(),
        ShipmentStatus::PickedUp.as_str(),
    ];
    let shipments: Vec<uuid::Uuid> = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(order.id))
        .filter(shipment::Column::Status.is_in(done))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if shipments.is_empty() {
        return Ok(Some(Vec::new()));
    }
    Ok(Some(
        shipment_line::Entity::find()
            .filter(shipment_line::Column::ShipmentId.is_in(shipments))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.product_id)
            .collect(),
    ))
}

/// Whether `line` is among the delivered ones (`None`: all are).
pub(super) fn is_delivered(delivered: &Option<Vec<uuid::Uuid>>, line: &order_line::Model) -> bool {
    match delivered {
        None => true,
        Some(products) => products.contains(&line.product_id),
    }
}

/// The order's lines that were delivered, and all its lines.
pub(super) async fn split(
    db: &impl ConnectionTrait,
    order: &Order,
) -> AppResult<(Vec<order_line::Model>, Option<Vec<uuid::Uuid>>)> {
    let all = lines(db, order.id).await?;
    let delivered = delivered_products(db, order).await?;
    Ok((all, delivered))
}

/// The order's delivered lines.
pub(super) async fn delivered_lines(
    db: &impl ConnectionTrait,
    order: &Order,
) -> AppResult<Vec<order_line::Model>> {
    let (all, delivered) = split(db, order).await?;
    Ok(all
        .into_iter()
        .filter(|l| is_delivered(&delivered, l))
        .collect())
}
