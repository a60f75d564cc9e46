//! Order inputs of the API and their conversion into service requests.

use async_graphql::InputObject;
use chrono::{DateTime, NaiveDate, Utc};

use super::enums::*;
use crate::services::orders as svc;

/// One line of an order request.
#[derive(InputObject)]
pub struct OrderLineInput {
    /// Product SKU.
    pub sku: String,
    /// Units, 1 to 999. Lines of the same SKU are merged.
    pub quantity: i64,
}

/// A shipping address.
#[derive(InputObject)]
pub struct AddressInput {
    /// Recipient.
    pub name: String,
    /// Recipient's phone number.
    pub phone: String,
    /// Street address.
    pub line1: String,
    /// Apartment, floor, building.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Province, state or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Country (name or ISO code).
    pub country: String,
}

/// A request to place an order. Prices are never taken from the client.
#[derive(InputObject)]
pub struct PlaceOrderInput {
    /// 8 to 100 characters, unique per order: a retry with the same key and
    /// payload returns the same order; with another payload it is CONFLICT.
    /// Keys expire after 24 hours.
    pub idempotency_key: String,
    /// Channel code (staff only; default "web"). Integrations are bound to theirs.
    pub channel: Option<String>,
    /// The customer the order is for (staff and integrations).
    pub customer_email: Option<String>,
    /// The order's id on the external channel (integrations only; unique per
    /// channel: importing it again returns the existing order).
    pub external_id: Option<String>,
    /// What to buy.
    pub lines: Vec<OrderLineInput>,
    /// Where to ship; snapshotted on the order.
    pub shipping_address: AddressInput,
    /// EXPRESS, POSTAL or PICKUP (see `shippingMethods`; case-insensitive).
    pub shipping_method: String,
    /// PICKUP only: the pickup point's code (see `pickupPoints`).
    pub pickup_point: Option<String>,
    /// A note for the merchant, up to 500 characters.
    pub note: Option<String>,
    /// How the customer will pay, if chosen at checkout (one the channel
    /// offers). Cash on delivery confirms the order at once, unpaid.
    pub payment_method: Option<crate::graphql::payments::PaymentMethod>,
}

impl From<PlaceOrderInput> for svc::PlaceOrder {
    fn from(i: PlaceOrderInput) -> Self {
        let a = i.shipping_address;
        svc::PlaceOrder {
            idempotency_key: i.idempotency_key,
            channel: i.channel,
            customer_email: i.customer_email,
            external_id: i.external_id,
            lines: i
                .lines
                .into_iter()
                .map(|l| svc::LineIn {
                    sku: l.sku,
                    quantity: l.quantity,
                })
                .collect(),
            address: svc::AddressIn {
                name: a.name,
                phone: a.phone,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            },
            shipping_method: i.shipping_method,
            pickup_point: i.pickup_point,
            note: i.note,
            payment_method: i.payment_method.map(Into::into),
        }
    }
}

/// Filters for the order queue; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
    /// Only orders from this channel code.
    pub channel: Option<String>,
    /// Only orders of this customer email.
    pub customer_email: Option<String>,
    /// Only orders with a line of this SKU.
    pub sku: Option<String>,
    /// Placed at or after.
    pub placed_from: Option<DateTime<Utc>>,
    /// Placed before.
    pub placed_to: Option<DateTime<Utc>>,
    /// Placed on this day or later, days as in the merchant's time zone
    /// (`OMS_TIMEZONE`).
    pub placed_from_date: Option<NaiveDate>,
    /// Placed on this day or earlier, days as in the merchant's time zone.
    pub placed_to_date: Option<NaiveDate>,
}
