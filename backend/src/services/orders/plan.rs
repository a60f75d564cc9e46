//! Placement's decisions before anything is written: the price of every
//! line with the shipping fee of the method's rate, and where every unit
//! comes from (routing), with the reason recorded on the timeline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{order, order_event};
use sea_orm::{ActiveValue::NotSet, ConnectionTrait, EntityTrait, Set};

use super::place::StockRow;
use super::validate::Valid;
use crate::domain::auth::Principal;
use crate::domain::inventory::Availability;
use crate::domain::money::{Currency, Money};
use crate::domain::orders::EventKind;
use crate::domain::pricing::{self, CatalogPrice, Priced, PricingError};
use crate::error::{AppError, AppResult};

/// Routing's reason on the timeline.
pub(super) async fn record_routing(
    db: &impl ConnectionTrait,
    p: &Principal,
    o: &order::Model,
    why: &crate::domain::fulfillment::routing::Explanation,
    now: DateTime<Utc>,
) -> AppResult<()> {
    order_event::Entity::insert(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(o.id),
        kind: Set(EventKind::Routed.as_str().into()),
        from_status: Set(None),
        to_status: Set(o.status.clone()),
        actor: Set(p.actor()),
        note: Set(Some(why.sentence())),
        detail: Set(Some(
            crate::domain::orders::EventDetail::Routing(why.clone()).to_stored(),
        )),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Prices every line from the catalog rows (client prices do not exist),
/// with the shipping fee from the method's rate.
pub(super) fn price(
    v: &Valid,
    rows: &[StockRow],
    rate: &crate::domain::fulfillment::rates::Rate,
) -> AppResult<Priced> {
    let goods = price_with_fee(v, rows, 0)?;
    let mut parcel = crate::domain::fulfillment::rates::Parcel {
        subtotal_minor: goods.subtotal.minor(),
        items: 0,
        weight_grams: 0,
    };
    for l in &goods.lines {
        let weight = rows
            .iter()
            .find(|r| r.sku == l.sku.as_str())
            .map_or(0, |r| r.weight_grams);
        parcel.items += l.quantity;
        parcel.weight_grams = parcel
            .weight_grams
            .saturating_add(weight.saturating_mul(l.quantity));
    }
    let fee = crate::services::fulfillment::fee(rate, parcel)?;
    price_with_fee(v, rows, fee)
}

fn price_with_fee(v: &Valid, rows: &[StockRow], fee: i64) -> AppResult<Priced> {
    let mut catalog: HashMap<&str, CatalogPrice> = HashMap::new();
    for r in rows {
        if catalog.contains_key(r.sku.as_str()) {
            continue;
        }
        let currency = Currency::parse(&r.currency).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "product {} has a bad currency {:?}",
                r.sku,
                r.currency
            ))
        })?;
        catalog.insert(
            r.sku.as_str(),
            CatalogPrice {
                unit: Money::new(r.price_minor, currency),
                active: r.active,
            },
        );
    }
    pricing::price(&v.lines, |sku| catalog.get(sku.as_str()).cloned(), fee).map_err(|e| match e {
        PricingError::Unavailable { index, sku } => AppError::invalid(
            format!("lines[{index}].sku"),
            format!("unknown or inactive SKU {sku}"),
        ),
        PricingError::MixedCurrencies => {
            AppError::invalid("lines", "all lines must share one currency")
        }
        PricingError::TooLarge { field } => AppError::invalid(field, "amount too large"),
        PricingError::Empty => AppError::invalid("lines", "an order needs at least one line"),
    })
}

/// Where every unit comes from and why, or OUT_OF_STOCK naming the short
/// SKUs (for a pickup order: short at its pickup point).
pub(super) fn plan_allocation(
    v: &Valid,
    rows: &[StockRow],
    priced: &Priced,
    sites: &[crate::domain::fulfillment::routing::Site],
    rule: crate::domain::fulfillment::routing::Rule,
) -> AppResult<crate::domain::fulfillment::routing::Routed> {
    use crate::domain::fulfillment::routing::{Demand, Rule, route};
    let product_of = |sku: &str| rows.iter().find(|r| r.sku == sku).map(|r| r.product_id);
    let stock: Vec<Availability> = rows
        .iter()
        .filter_map(|r| {
            Some(Availability {
                product_id: r.product_id,
                warehouse_id: r.warehouse_id?,
                warehouse_priority: r.priority?,
                available: r.on_hand? - r.allocated?,
            })
        })
        .collect();
    let demands: Vec<Demand> = priced
        .lines
        .iter()
        .filter_map(|l| {
            Some(Demand {
                product_id: product_of(l.sku.as_str())?,
                sku: l.sku.as_str().to_string(),
                quantity: l.quantity,
            })
        })
        .collect();
    let rule = if v.pickup.is_some() {
        Rule::Pickup
    } else {
        rule
    };
    route(&demands, &stock, sites, rule).map_err(|short| {
        let skus = short
            .iter()
            .filter_map(|id| {
                rows.iter()
                    .find(|r| r.product_id == *id)
                    .map(|r| r.sku.clone())
            })
            .collect();
        AppError::OutOfStock { skus }
    })
}
