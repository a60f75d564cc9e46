//! Stored order rows as domain values. A stored value this build does not
//! know (status, currency, event kind) is an INTERNAL error naming the row,
//! never silently another value.

use entity::order;

use crate::domain::money::{Currency, Money};
use crate::domain::orders::{Address, EventKind, Order, OrderCustomer, OrderStatus};
use crate::error::{AppError, AppResult};

fn corrupt(what: &str, value: &str, number: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "order {number} has an unknown stored {what} {value:?}"
    ))
}

pub(crate) fn status(s: &str, number: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| corrupt("status", s, number))
}

pub(crate) fn currency(s: &str, number: &str) -> AppResult<Currency> {
    Currency::parse(s).ok_or_else(|| corrupt("currency", s, number))
}

pub(crate) fn event_kind(s: &str, number: &str) -> AppResult<EventKind> {
    EventKind::parse(s).ok_or_else(|| corrupt("event kind", s, number))
}

/// An order row as a domain order.
pub fn order_from_row(o: order::Model) -> AppResult<Order> {
    let status = status(&o.status, &o.number)?;
    let currency = currency(&o.currency, &o.number)?;
    let money = |minor| Money::new(minor, currency.clone());
    Ok(Order {
        id: o.id,
        channel_id: o.channel_id,
        customer: OrderCustomer {
            id: o.customer_id,
            email: o.customer_email,
            name: o.customer_name,
        },
        external_id: o.external_id,
        status,
        subtotal: money(o.subtotal_minor),
        shipping_fee: money(o.shipping_fee_minor),
        total: money(o.total_minor),
        shipping_method: crate::domain::fulfillment::DeliveryMethod::parse(&o.shipping_method)
            .ok_or_else(|| corrupt("shipping method", &o.shipping_method, &o.number))?,
        pickup_point: o.pickup_warehouse_id,
        address: Address {
            name: o.ship_name,
            phone: o.ship_phone,
            line1: o.ship_line1,
            line2: o.ship_line2,
            city: o.ship_city,
            region: o.ship_region,
            postal_code: o.ship_postal_code,
            country: o.ship_country,
        },
        note: o.note,
        payment_method: match o.payment_method.as_deref() {
            None => None,
            Some(m) => Some(
                crate::domain::payments::PaymentMethod::parse(m)
                    .ok_or_else(|| corrupt("payment method", m, &o.number))?,
            ),
        },
        placed_at: o.placed_at,
        updated_at: o.updated_at,
        event_seq: o.event_seq,
        number: o.number,
    })
}

/// Many rows; the first bad one fails the whole read.
pub fn orders_from_rows(rows: Vec<order::Model>) -> AppResult<Vec<Order>> {
    rows.into_iter().map(order_from_row).collect()
}
