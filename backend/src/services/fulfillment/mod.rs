//! Fulfillment: shipments from warehouse to doorstep. An order's
//! allocations become one shipment per warehouse when it is confirmed
//! (`create`); warehouse staff pick, pack and ship them (`commands`,
//! `ship`), which consumes the stock through the ledger (`stock`) and
//! captures the card for exactly the shipped lines (`settle`); carriers
//! report progress by signed pushes (`tracking`, `kuaidi100`), and a
//! built-in sandbox carrier does so with no account (`sandbox`). The
//! order's status follows its shipments (`store::follow`).

mod commands;
pub(crate) mod create;
pub mod kuaidi100;
mod queries;
pub mod sandbox;
mod settings;
pub mod settle;
mod ship;
mod stock;
pub(crate) mod store;
pub mod tracking;

use entity::{product, region_warehouse, shipping_rate, warehouse};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use commands::{
    hand_over_pickup, mark_ready_for_pickup, pack_shipment, start_picking, unlock_pickup,
};
pub use queries::{
    ShipmentFilter, ShipmentPage, find_shipment, list_shipments, pickup_points,
    shipments_for_orders,
};
pub use settings::{RegionRank, region_ranks, set_region_warehouses, set_shipping_rate};
pub use ship::{ShipLine, move_shipment, ship_shipment};
pub use tracking::{Applied, PushRefused, receive_kuaidi100, record_tracking_event};

use crate::db::FirstRow;
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::fulfillment::rates::{Parcel, Rate, quote};
use crate::domain::fulfillment::routing::Site;
use crate::domain::money::Money;
use crate::error::{AppError, AppResult};
use crate::services::orders::LineIn;
use crate::state::AppState;

/// For a PICKUP order, the chosen pickup point (an active warehouse marked
/// as one); other methods take none.
pub async fn pickup_point_for(
    state: &AppState,
    method: DeliveryMethod,
    code: Option<&str>,
) -> AppResult<Option<warehouse::Model>> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    match (method, code) {
        (DeliveryMethod::Pickup, None) => Err(AppError::invalid(
            "pickupPoint",
            "choose a pickup point for PICKUP (see pickupPoints)",
        )),
        (DeliveryMethod::Pickup, Some(code)) => {
            let code = code.to_ascii_uppercase();
            warehouse::Entity::find()
                .filter(warehouse::Column::Code.eq(code.clone()))
                .filter(warehouse::Column::IsPickupPoint.eq(true))
                .filter(warehouse::Column::Active.eq(true))
                .first(&state.db.conn)
                .await?
                .map(Some)
                .ok_or_else(|| {
                    AppError::invalid("pickupPoint", format!("no active pickup point {code}"))
                })
        }
        (_, Some(_)) => Err(AppError::invalid(
            "pickupPoint",
            "only PICKUP orders take a pickup point",
        )),
        (_, None) => Ok(None),
    }
}

/// The rate table's row for a method.
pub(crate) async fn rate_for(db: &impl ConnectionTrait, method: DeliveryMethod) -> AppResult<Rate> {
    let r = shipping_rate::Entity::find_by_id(method.as_str().to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "the shipping rate table has no row for {}",
                method.as_str()
            ))
        })?;
    Ok(Rate {
        method,
        flat_minor: r.flat_minor,
        per_kg_minor: r.per_kg_minor,
        per_item_minor: r.per_item_minor,
        free_above_minor: r.free_above_minor,
    })
}

/// Every method's rate, for listing.
pub async fn rates(state: &AppState) -> AppResult<Vec<Rate>> {
    let mut out = Vec::new();
    for m in DeliveryMethod::ALL {
        out.push(rate_for(&state.db.conn, m).await?);
    }
    Ok(out)
}

/// The fee for a parcel under the method's rate.
pub(crate) fn fee(rate: &Rate, parcel: Parcel) -> AppResult<i64> {
    quote(rate, parcel).ok_or_else(|| AppError::invalid("lines", "amount too large"))
}

/// The shipping fee for these lines by `method`, as checkout shows it
/// before the order is placed (the same rule placement charges).
pub async fn shipping_quote(
    state: &AppState,
    lines: &[LineIn],
    method: DeliveryMethod,
) -> AppResult<Money> {
    if lines.is_empty() {
        return Err(AppError::invalid(
            "lines",
            "an order needs at least one line",
        ));
    }
    let mut parcel = Parcel {
        subtotal_minor: 0,
        items: 0,
        weight_grams: 0,
    };
    for (i, l) in lines.iter().enumerate() {
        if !(1..=crate::domain::orders::MAX_LINE_QUANTITY).contains(&l.quantity) {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                "must be between 1 and 999",
            ));
        }
        let sku = l.sku.trim().to_ascii_uppercase();
        let p = product::Entity::find()
            .filter(product::Column::Sku.eq(sku.clone()))
            .filter(product::Column::Active.eq(true))
            .first(&state.db.conn)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("lines[{i}].sku"),
                    format!("unknown or inactive SKU {sku}"),
                )
            })?;
        parcel.subtotal_minor = parcel
            .subtotal_minor
            .saturating_add(p.price_minor.saturating_mul(l.quantity));
        parcel.items += l.quantity;
        parcel.weight_grams = parcel
            .weight_grams
            .saturating_add(p.weight_grams.saturating_mul(l.quantity));
    }
    let rate = rate_for(&state.db.conn, method).await?;
    Ok(Money::new(
        fee(&rate, parcel)?,
        state.config.currency.clone(),
    ))
}

/// Warehouses routing may use for an order shipping to `region`, with
/// their rank in the region table (`None` when the table has none).
pub(crate) async fn sites(
    db: &impl ConnectionTrait,
    region: Option<&str>,
    only: Option<Uuid>,
) -> AppResult<Vec<Site>> {
    let ranks = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => {
            use sea_orm::sea_query::{Expr, ExprTrait, Func};
            region_warehouse::Entity::find()
                .filter(
                    Expr::expr(Func::lower(Expr::col(region_warehouse::Column::Region)))
                        .eq(r.to_lowercase()),
                )
                .all(db)
                .await?
                .into_iter()
                .map(|x| (x.warehouse_id, x.rank))
                .collect()
        }
        None => Vec::new(),
    };
    Ok(warehouse::Entity::find()
        .filter(warehouse::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter(|w| only.is_none_or(|id| id == w.id))
        .map(|w| Site {
            region_rank: ranks.iter().find(|(id, _)| *id == w.id).map(|(_, r)| *r),
            id: w.id,
            code: w.code,
            priority: w.priority,
        })
        .collect())
}

/// Delivered orders whose return window (`OMS_RETURN_WINDOW_SECS`) has
/// closed become COMPLETED, unless a return on them is still open. Returns
/// how many.
pub async fn complete_delivered(state: &AppState) -> AppResult<usize> {
    use crate::domain::orders::{OrderAction, OrderStatus};
    use entity::order;
    use sea_orm::QuerySelect;
    let cutoff = chrono::Utc::now() - chrono::Duration::seconds(state.config.return_window_secs);
    let due: Vec<String> = order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::Delivered.as_str()))
        .filter(order::Column::UpdatedAt.lt(cutoff))
        // An open return holds the order back until it is finished.
        .filter(order::Column::Id.not_in_subquery(crate::services::returns::open_return_orders()))
        .select_only()
        .column(order::Column::Number)
        .limit(100)
        .into_tuple()
        .all(&state.db.conn)
        .await?;
    let mut n = 0;
    for number in due {
        match crate::services::orders::advance_order(
            state,
            &crate::domain::auth::Principal::System,
            &number,
            OrderAction::Complete,
            Some("return window closed"),
        )
        .await
        {
            Ok(_) => n += 1,
            // Changed meanwhile (another instance completed it).
            Err(AppError::Conflict(_) | AppError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
