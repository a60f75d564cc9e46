//! Money that follows the parcels, through the payments API:
//! * a shipment that leaves captures its lines' value (plus the shipping
//!   fee on the order's first parcel) from the card authorization;
//! * a cash-on-delivery parcel records the courier's remittance when the
//!   carrier reports delivery (or the customer pays at the pickup desk).
//!
//! The shipment's transaction only marks the money to move
//! (`capture_pending`, `capture_minor`); the movement runs after commit
//! under the shipment's own key, and a periodic sweep retries what a crash
//! or an outage left, so it happens exactly once.

use chrono::{DateTime, Utc};
use entity::{order, order_line, shipment, shipment_line};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::domain::auth::Principal;
use crate::domain::money::{Currency, Money};
use crate::domain::payments::{OrderPaymentSummary, PaymentMethod};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

fn is_cod(o: &order::Model) -> bool {
    o.payment_method.as_deref() == Some(PaymentMethod::CashOnDelivery.as_str())
}

/// The value of `lines` at the order's prices, plus the shipping fee when
/// `s` is the order's first parcel to leave.
async fn value_of(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
    lines: &[shipment_line::Model],
) -> AppResult<i64> {
    // An exchange's replacement was paid for by the item sent back.
    if crate::services::returns::is_replacement(db, s.id).await? {
        return Ok(0);
    }
    let first = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(o.id))
        .filter(shipment::Column::ShippedAt.is_not_null())
        .order_by_asc(shipment::Column::ShippedAt)
        .order_by_asc(shipment::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    let prices = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .all(db)
        .await?;
    let mut total: i64 = 0;
    for l in lines {
        let unit = prices
            .iter()
            .find(|p| p.product_id == l.product_id)
            .map_or(0, |p| p.unit_price_minor);
        total = total.saturating_add(unit.saturating_mul(l.quantity));
    }
    // `s` has its shipped-at set already (the caller's transaction).
    if first.is_none_or(|f| f.id == s.id) {
        total = total.saturating_add(o.shipping_fee_minor);
    }
    Ok(total)
}

async fn mark(db: &impl ConnectionTrait, id: Uuid, amount: i64) -> AppResult<()> {
    shipment::Entity::update_many()
        .col_expr(shipment::Column::CapturePending, Expr::value(amount > 0))
        .col_expr(shipment::Column::CaptureMinor, Expr::value(amount))
        .filter(shipment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Goods leave only once paid for, or to be paid at the door: an order
/// whose total grew after it was paid (an approved change) leaves once the
/// customer has paid the difference. Cash on delivery pays on arrival, and
/// imported orders were paid on their marketplace.
pub(super) async fn check_paid_for(db: &impl ConnectionTrait, o: &order::Model) -> AppResult<()> {
    if is_cod(o) || o.external_id.is_some() {
        return Ok(());
    }
    let ledgers = crate::services::payments::store::order_ledgers(db, o.id).await?;
    let summary = OrderPaymentSummary::of(ledgers.iter().map(|(_, l)| l));
    let due = summary.amount_due(o.total_minor, false);
    if due > 0 {
        return Err(AppError::Conflict(format!(
            "order {} still owes {} {}: it leaves once the customer has paid",
            o.number,
            o.currency,
            Money::new(
                due,
                Currency::parse(&o.currency).unwrap_or_else(Currency::default_shop)
            )
            .amount()
        )));
    }
    Ok(())
}

/// The parcel left with a carrier: capture its value (not for COD).
pub(super) async fn mark_on_ship(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
    lines: &[shipment_line::Model],
) -> AppResult<()> {
    if is_cod(o) {
        return Ok(());
    }
    let amount = value_of(db, o, s, lines).await?;
    mark(db, s.id, amount).await
}

/// Handed over at the pickup desk: capture the card, or take the cash.
pub(super) async fn mark_on_handover(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
    lines: &[shipment_line::Model],
    now: DateTime<Utc>,
) -> AppResult<()> {
    // Shipped-at marks the parcel as gone for the fee rule.
    shipment::Entity::update_many()
        .col_expr(shipment::Column::ShippedAt, Expr::value(now))
        .col_expr(shipment::Column::DeliveredAt, Expr::value(now))
        .filter(shipment::Column::Id.eq(s.id))
        .exec(db)
        .await?;
    let amount = value_of(db, o, s, lines).await?;
    mark(db, s.id, amount).await
}

/// The carrier delivered: a COD parcel's cash is remitted.
pub(super) async fn mark_on_delivered(
    db: &impl ConnectionTrait,
    o: &order::Model,
    s: &shipment::Model,
) -> AppResult<()> {
    if !is_cod(o) {
        return Ok(());
    }
    let lines = super::stock::lines_of(db, s.id).await?;
    let amount = value_of(db, o, s, &lines).await?;
    mark(db, s.id, amount).await
}

/// Moves the money a shipment has marked, if any; clears the mark when done.
pub async fn settle_shipment(state: &AppState, id: Uuid) -> AppResult<()> {
    let Some(s) = shipment::Entity::find_by_id(id).one(&state.db.conn).await? else {
        return Ok(());
    };
    if !s.capture_pending {
        return Ok(());
    }
    let o = super::commands::order_row(&state.db.conn, s.order_id).await?;
    let key = format!("ship-{}", s.id);
    if is_cod(&o) {
        let reference = format!("COD {}", s.tracking_number.as_deref().unwrap_or(&s.number));
        let recorded = crate::services::payments::record_manual_payment(
            state,
            &Principal::System,
            &o.number,
            PaymentMethod::CashOnDelivery,
            s.capture_minor,
            &reference,
            &key,
        )
        .await;
        match recorded {
            // Owed less than the parcel's value (paid some other way): the
            // rest is not the courier's to collect.
            Ok(_) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    } else {
        crate::services::payments::capture_for_shipment(state, o.id, s.capture_minor, &key).await?;
    }
    let tx = state.db.begin_write().await?;
    shipment::Entity::update_many()
        .col_expr(shipment::Column::CapturePending, Expr::value(false))
        .filter(shipment::Column::Id.eq(id))
        .filter(shipment::Column::CapturePending.eq(true))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// After commit: move the shipment's money now, in the background.
pub(super) fn spawn(state: &AppState, id: Uuid) {
    let state = state.clone();
    actix_web::rt::spawn(async move {
        if let Err(e) = settle_shipment(&state, id).await {
            tracing::warn!(shipment = %id, error = %e.describe(), "shipment payment left for the sweep");
        }
    });
}

/// Shipments whose money is still to move (a crash, an outage).
pub async fn sweep(state: &AppState) -> AppResult<usize> {
    let due: Vec<Uuid> = shipment::Entity::find()
        .filter(shipment::Column::CapturePending.eq(true))
        .select_only()
        .column(shipment::Column::Id)
        .limit(100)
        .into_tuple()
        .all(&state.db.conn)
        .await?;
    let n = due.len();
    for id in due {
        if let Err(e) = settle_shipment(state, id).await {
            tracing::warn!(shipment = %id, error = %e.describe(), "shipment payment failed; will retry");
        }
    }
    Ok(n)
}
