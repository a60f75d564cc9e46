//! The variables an email is rendered with, read when it is sent: the
//! order as it is now, the event's object from the outbox, and what the
//! outbox deliberately leaves out (the pickup code, from the shipment).

use entity::{notification, order, outbox, shipment, warehouse};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value, json};

use crate::domain::money::{Currency, Money};
use crate::domain::notifications::email::tracking_url;
use crate::error::{AppError, AppResult};

/// Resends point at the email they repeat; a chain this long is a bug.
const MAX_RESEND_CHAIN: usize = 16;

fn money(minor: i64, currency: &str) -> String {
    Money::new(
        minor,
        Currency::parse(currency).unwrap_or_else(Currency::default_shop),
    )
    .to_string()
}

/// The outbox object of the event `n` came from (a resend's original's).
async fn event_object(db: &impl ConnectionTrait, n: &notification::Model) -> AppResult<Value> {
    let mut current = n.clone();
    for _ in 0..MAX_RESEND_CHAIN {
        if let Some(position) = current.event_id {
            let row = outbox::Entity::find()
                .filter(outbox::Column::Position.eq(position))
                .one(db)
                .await?;
            return Ok(row
                .and_then(|r| serde_json::from_str(&r.payload).ok())
                .unwrap_or(Value::Null));
        }
        let Some(original) = current.resend_of else {
            break;
        };
        match notification::Entity::find_by_id(original).one(db).await? {
            Some(o) => current = o,
            None => break,
        }
    }
    Ok(Value::Null)
}

/// The render context of notification `n`. `base_url` is our public
/// address (links to the order page).
pub(crate) async fn context_for(
    db: &impl ConnectionTrait,
    base_url: &str,
    shop_name: &str,
    n: &notification::Model,
) -> AppResult<Value> {
    let Some(order_id) = n.order_id else {
        // Not about an order: its variables were stored with it.
        let mut ctx = n
            .data
            .as_deref()
            .and_then(|d| serde_json::from_str::<Map<String, Value>>(d).ok())
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "notification {} has neither an order nor data",
                    n.id
                ))
            })?;
        ctx.insert("lang".into(), json!(n.language));
        ctx.insert("shop_name".into(), json!(shop_name));
        return Ok(Value::Object(ctx));
    };
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("order {order_id} vanished")))?;
    let object = event_object(db, n).await?;
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    let order_url = format!("{}/orders/{}", base_url.trim_end_matches('/'), o.number);
    let mut ctx = Map::new();
    let mut put = |k: &str, v: Value| {
        ctx.insert(k.to_string(), v);
    };
    put("lang", json!(n.language));
    put("shop_name", json!(shop_name));
    put("customer_name", json!(o.customer_name));
    put("order_number", json!(o.number));
    put("order_url", json!(order_url));
    put("subtotal", json!(money(o.subtotal_minor, &o.currency)));
    put(
        "shipping_fee",
        json!(money(o.shipping_fee_minor, &o.currency)),
    );
    put("total", json!(money(o.total_minor, &o.currency)));
    put("payment_method", json!(o.payment_method));
    if n.template.starts_with("shipment_") || n.template == "ready_for_pickup" {
        let number = text("number").unwrap_or_default();
        let s = shipment::Entity::find()
            .filter(shipment::Column::Number.eq(number.clone()))
            .one(db)
            .await?;
        let carrier = s
            .as_ref()
            .and_then(|s| s.carrier.clone())
            .or(text("carrier"));
        let tracking = s
            .as_ref()
            .and_then(|s| s.tracking_number.clone())
            .or(text("trackingNumber"));
        put("shipment_number", json!(number));
        put("carrier", json!(carrier));
        put("tracking_number", json!(tracking));
        put(
            "tracking_url",
            json!(tracking_url(
                carrier.as_deref().unwrap_or_default(),
                tracking.as_deref().unwrap_or_default(),
                &order_url
            )),
        );
        if let Some(s) = s {
            put("pickup_code", json!(s.pickup_code));
            let point = warehouse::Entity::find_by_id(s.warehouse_id)
                .one(db)
                .await?
                .map(|w| w.name);
            put("pickup_point", json!(point));
        }
    }
    if let Some(amount) = object.get("amountMinor").and_then(Value::as_i64) {
        let currency = text("currency").unwrap_or_else(|| o.currency.clone());
        put("refund_amount", json!(money(amount, &currency)));
    }
    put("reference", json!(text("number")));
    put("message", json!(text("message").or(text("body"))));
    Ok(Value::Object(ctx))
}
