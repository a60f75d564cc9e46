//! What a change reads inside its transaction: the order's lines and
//! shipments as a [`Current`], the catalog rows of SKUs it adds, and where
//! stock comes from or goes back to (releases from the shipments holding
//! the units, PENDING ones first; additions routed like placement).

use std::collections::HashMap;

use entity::{order, order_line, product, shipment, shipment_line, stock_level, warehouse};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::domain::changes::{CatalogItem, ChangeInput, Current, CurrentLine, Plan};
use crate::domain::fulfillment::ShipmentStatus;
use crate::domain::fulfillment::routing::{Demand, Rule, route};
use crate::domain::inventory::{Allocation, Availability};
use crate::error::{AppError, AppResult};
use crate::services::fulfillment::store::status_of;
use crate::services::orders::rows::order_from_row;

/// A shipment of the order with its status and lines.
#[derive(Clone, Debug)]
pub(super) struct ShipmentNow {
    pub row: shipment::Model,
    pub status: ShipmentStatus,
    pub lines: Vec<shipment_line::Model>,
}

/// The order as read under its lock.
#[derive(Clone, Debug)]
pub(super) struct Loaded {
    pub order: order::Model,
    pub lines: Vec<order_line::Model>,
    pub shipments: Vec<ShipmentNow>,
    pub current: Current,
}

/// Units to give back: from a shipment (or, before shipments exist, from
/// what the order holds in a warehouse).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Take {
    pub product_id: Uuid,
    pub sku: String,
    pub warehouse_id: Uuid,
    pub quantity: i64,
    pub shipment: Option<Uuid>,
}

/// Reads the order's lines, products and shipments.
pub(super) async fn load(db: &impl ConnectionTrait, o: order::Model) -> AppResult<Loaded> {
    let domain = order_from_row(o.clone())?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let rows = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .order_by_asc(shipment::Column::CreatedAt)
        .order_by_asc(shipment::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut slines: HashMap<Uuid, Vec<shipment_line::Model>> = HashMap::new();
    if !ids.is_empty() {
        for l in shipment_line::Entity::find()
            .filter(shipment_line::Column::ShipmentId.is_in(ids))
            .all(db)
            .await?
        {
            slines.entry(l.shipment_id).or_default().push(l);
        }
    }
    let mut shipments = Vec::new();
    for r in rows {
        shipments.push(ShipmentNow {
            status: status_of(&r)?,
            lines: slines.remove(&r.id).unwrap_or_default(),
            row: r,
        });
    }
    let product_ids: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
    let weights: HashMap<Uuid, i64> = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.weight_grams))
        .collect();
    let units = |product: Uuid, pick: &dyn Fn(ShipmentStatus) -> bool| -> i64 {
        shipments
            .iter()
            .filter(|s| pick(s.status))
            .flat_map(|s| s.lines.iter())
            .filter(|l| l.product_id == product)
            .map(|l| l.quantity)
            .sum()
    };
    let current = Current {
        currency: o.currency.clone(),
        status: domain.status,
        lines: lines
            .iter()
            .map(|l| CurrentLine {
                sku: l.sku.clone(),
                product_id: l.product_id,
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price_minor: l.unit_price_minor,
                weight_grams: weights.get(&l.product_id).copied().unwrap_or(0),
                shipped: units(l.product_id, &|s| s.has_left()),
                started: units(l.product_id, &|s| {
                    s.holds_allocation() && s != ShipmentStatus::Pending
                }),
            })
            .collect(),
        shipping_fee_minor: o.shipping_fee_minor,
        method: domain.shipping_method,
        address: domain.address,
        picking_started: shipments
            .iter()
            .any(|s| s.status != ShipmentStatus::Pending && s.status != ShipmentStatus::Cancelled),
    };
    Ok(Loaded {
        order: o,
        lines,
        shipments,
        current,
    })
}

/// Catalog rows of the SKUs a change adds.
pub(super) async fn catalog_for(
    db: &impl ConnectionTrait,
    input: &ChangeInput,
) -> AppResult<Vec<CatalogItem>> {
    let skus: Vec<String> = input
        .add_lines
        .iter()
        .map(|(s, _)| s.trim().to_ascii_uppercase())
        .collect();
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    Ok(product::Entity::find()
        .filter(product::Column::Sku.is_in(skus))
        .all(db)
        .await?
        .into_iter()
        .map(|p| CatalogItem {
            product_id: p.id,
            sku: p.sku,
            name: p.name,
            price_minor: p.price_minor,
            currency: p.currency,
            active: p.active,
            weight_grams: p.weight_grams,
        })
        .collect())
}

/// Where the units a plan removes come from: the shipments holding them,
/// PENDING first (then those being picked or packed), and what the order
/// holds outside any shipment (before it is confirmed).
pub(super) async fn releases(
    db: &impl ConnectionTrait,
    l: &Loaded,
    plan: &Plan,
) -> AppResult<Vec<Take>> {
    let held = crate::services::orders::queries::net_allocations(
        db,
        std::slice::from_ref(&l.order.number),
    )
    .await?;
    let mut live: Vec<&ShipmentNow> = l
        .shipments
        .iter()
        .filter(|s| s.status.holds_allocation())
        .collect();
    live.sort_by_key(|s| s.status != ShipmentStatus::Pending);
    let mut out = Vec::new();
    for d in plan.changed().filter(|d| d.delta() < 0) {
        let mut left = -d.delta();
        for s in &live {
            for sl in s.lines.iter().filter(|x| x.product_id == d.product_id) {
                let t = left.min(sl.quantity);
                if t > 0 {
                    out.push(Take {
                        product_id: d.product_id,
                        sku: d.sku.clone(),
                        warehouse_id: s.row.warehouse_id,
                        quantity: t,
                        shipment: Some(s.row.id),
                    });
                    left -= t;
                }
            }
        }
        // Held in a warehouse but in no shipment yet (not confirmed).
        for a in held.iter().filter(|a| a.product_id == d.product_id) {
            let in_shipments: i64 = live
                .iter()
                .filter(|s| s.row.warehouse_id == a.warehouse_id)
                .flat_map(|s| s.lines.iter())
                .filter(|x| x.product_id == d.product_id)
                .map(|x| x.quantity)
                .sum();
            let t = left.min((a.held - in_shipments).max(0));
            if t > 0 {
                out.push(Take {
                    product_id: d.product_id,
                    sku: d.sku.clone(),
                    warehouse_id: a.warehouse_id,
                    quantity: t,
                    shipment: None,
                });
                left -= t;
            }
        }
        if left > 0 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "order {} holds {} fewer units of {} than its lines",
                l.order.number,
                left,
                d.sku
            )));
        }
    }
    Ok(out)
}

/// Where added units come from: routed like placement (pickup orders from
/// their pickup point), or OUT_OF_STOCK naming the short SKUs.
pub(super) async fn allocations(
    db: &impl ConnectionTrait,
    l: &Loaded,
    plan: &Plan,
    rule: Rule,
) -> AppResult<Vec<Allocation>> {
    let demands: Vec<Demand> = plan
        .changed()
        .filter(|d| d.delta() > 0)
        .map(|d| Demand {
            product_id: d.product_id,
            sku: d.sku.clone(),
            quantity: d.delta(),
        })
        .collect();
    if demands.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = demands.iter().map(|d| d.product_id).collect();
    let warehouses: HashMap<Uuid, warehouse::Model> = warehouse::Entity::find()
        .filter(warehouse::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let stock: Vec<Availability> = stock_level::Entity::find()
        .filter(stock_level::Column::ProductId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let w = warehouses.get(&s.warehouse_id)?;
            Some(Availability {
                product_id: s.product_id,
                warehouse_id: s.warehouse_id,
                warehouse_priority: w.priority,
                available: s.on_hand - s.allocated,
            })
        })
        .collect();
    let region = plan
        .address
        .as_ref()
        .and_then(|a| a.region.clone())
        .or_else(|| l.order.ship_region.clone());
    let sites =
        crate::services::fulfillment::sites(db, region.as_deref(), l.order.pickup_warehouse_id)
            .await?;
    let rule = if l.order.pickup_warehouse_id.is_some() {
        Rule::Pickup
    } else {
        rule
    };
    route(&demands, &stock, &sites, rule)
        .map(|r| r.allocations)
        .map_err(|short| AppError::OutOfStock {
            skus: short
                .iter()
                .filter_map(|id| demands.iter().find(|d| d.product_id == *id))
                .map(|d| d.sku.clone())
                .collect(),
        })
}

/// Warehouse codes by id, for stock effects.
pub(super) async fn warehouse_codes(db: &impl ConnectionTrait) -> AppResult<HashMap<Uuid, String>> {
    Ok(warehouse::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect())
}
