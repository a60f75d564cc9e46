//! The merchant's fulfillment settings, edited by admins: the shipping
//! rate of each delivery method and the nearest-region warehouse ranking
//! that `nearest_region` routing reads. Each edit is one transaction.

use entity::{region_warehouse, shipping_rate, warehouse};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::rate_for;
use crate::domain::auth::{ADMINS, Principal, STAFF};
use crate::domain::fulfillment::rates::Rate;
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// The largest fee part an admin may set, in minor units (100 000.00).
const MAX_FEE_MINOR: i64 = 10_000_000;
/// Warehouses one region may rank.
const MAX_RANKED: usize = 20;
const MAX_REGION_CHARS: usize = 60;

fn check_fee(field: &str, v: i64) -> AppResult<i64> {
    if !(0..=MAX_FEE_MINOR).contains(&v) {
        return Err(AppError::invalid(
            field,
            format!("must be 0 to {MAX_FEE_MINOR} minor units"),
        ));
    }
    Ok(v)
}

/// Replaces a method's rate (admins). Placement and quotes use it at once.
pub async fn set_shipping_rate(state: &AppState, p: &Principal, rate: Rate) -> AppResult<Rate> {
    authorize(p, ADMINS)?;
    let row = shipping_rate::Model {
        method: rate.method.as_str().into(),
        flat_minor: check_fee("flatMinor", rate.flat_minor)?,
        per_kg_minor: check_fee("perKgMinor", rate.per_kg_minor)?,
        per_item_minor: check_fee("perItemMinor", rate.per_item_minor)?,
        free_above_minor: match rate.free_above_minor {
            Some(v) => Some(check_fee("freeAboveMinor", v)?),
            None => None,
        },
    };
    let tx = state.db.begin_write().await?;
    let updated = shipping_rate::Entity::update_many()
        .col_expr(
            shipping_rate::Column::FlatMinor,
            Expr::value(row.flat_minor),
        )
        .col_expr(
            shipping_rate::Column::PerKgMinor,
            Expr::value(row.per_kg_minor),
        )
        .col_expr(
            shipping_rate::Column::PerItemMinor,
            Expr::value(row.per_item_minor),
        )
        .col_expr(
            shipping_rate::Column::FreeAboveMinor,
            Expr::value(row.free_above_minor),
        )
        .filter(shipping_rate::Column::Method.eq(row.method.clone()))
        .exec(&*tx)
        .await?
        .rows_affected;
    if updated == 0 {
        let active: shipping_rate::ActiveModel = row.into();
        shipping_rate::Entity::insert(active)
            .exec_without_returning(&*tx)
            .await?;
    }
    let saved = rate_for(&*tx, rate.method).await?;
    tx.commit().await?;
    Ok(saved)
}

/// One warehouse's rank for a shipping region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionRank {
    pub region: String,
    pub warehouse_code: String,
    /// 1 = nearest.
    pub rank: i32,
}

/// The whole nearest-region table (staff), by region then rank.
pub async fn region_ranks(state: &AppState, p: &Principal) -> AppResult<Vec<RegionRank>> {
    authorize(p, STAFF)?;
    let rows = region_warehouse::Entity::find()
        .order_by_asc(region_warehouse::Column::Region)
        .order_by_asc(region_warehouse::Column::Rank)
        .all(&state.db.conn)
        .await?;
    let warehouses = warehouse::Entity::find().all(&state.db.conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let w = warehouses.iter().find(|w| w.id == r.warehouse_id)?;
            Some(RegionRank {
                region: r.region,
                warehouse_code: w.code.clone(),
                rank: r.rank,
            })
        })
        .collect())
}

/// Replaces a region's ranking with `codes`, nearest first (admins); an
/// empty list removes the region (its orders route by priority).
pub async fn set_region_warehouses(
    state: &AppState,
    p: &Principal,
    region: &str,
    codes: &[String],
) -> AppResult<Vec<RegionRank>> {
    authorize(p, ADMINS)?;
    let region = region.trim();
    if region.is_empty() || region.chars().count() > MAX_REGION_CHARS {
        return Err(AppError::invalid(
            "region",
            format!("must be 1 to {MAX_REGION_CHARS} characters"),
        ));
    }
    if codes.len() > MAX_RANKED {
        return Err(AppError::invalid(
            "warehouseCodes",
            format!("at most {MAX_RANKED} warehouses"),
        ));
    }
    let tx = state.db.begin_write().await?;
    let mut ids = Vec::with_capacity(codes.len());
    for (i, raw) in codes.iter().enumerate() {
        let code = raw.trim().to_ascii_uppercase();
        let w = warehouse::Entity::find()
            .filter(warehouse::Column::Code.eq(code.clone()))
            .filter(warehouse::Column::Active.eq(true))
            .one(&*tx)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    format!("warehouseCodes[{i}]"),
                    format!("no active warehouse {code}"),
                )
            })?;
        if ids.contains(&w.id) {
            return Err(AppError::invalid(
                format!("warehouseCodes[{i}]"),
                format!("{code} is listed twice"),
            ));
        }
        ids.push(w.id);
    }
    region_warehouse::Entity::delete_many()
        .filter(
            Expr::expr(Func::lower(Expr::col(region_warehouse::Column::Region)))
                .eq(region.to_lowercase()),
        )
        .exec(&*tx)
        .await?;
    for (rank, id) in ids.iter().enumerate() {
        region_warehouse::Entity::insert(region_warehouse::ActiveModel {
            region: Set(region.to_string()),
            warehouse_id: Set(*id),
            rank: Set(rank as i32 + 1),
            ..Default::default()
        })
        .exec_without_returning(&*tx)
        .await?;
    }
    tx.commit().await?;
    Ok(region_ranks(state, p)
        .await?
        .into_iter()
        .filter(|r| r.region.to_lowercase() == region.to_lowercase())
        .collect())
}
