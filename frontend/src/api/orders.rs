//! Orders, cart, checkout and inventory: typed responses and the calls the
//! pages make. Writes (place, cancel, advance, adjust) are plain form posts
//! handled by the backend (`backend/src/http/portal_forms/`), so they work
//! with JavaScript off; only reads go through here.

use super::fulfillment::{EventRouting, EventShipment, PickupPoint, Shipment, ShippingQuotes};
use super::payments::Payment;
use super::types::{Money, PageInfo, ProductSummary};
use super::{ApiError, queries, request};
use crate::schema::{
    ActorKind, OrderAction, OrderEventType, OrderPaymentStatus, OrderSort, OrderStatus,
    PaymentMethod, RefusalCode, Role, ServiceAction,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::future::Future;

/// Orders per page in lists.
pub const ORDERS_PAGE_SIZE: i64 = 20;
/// Products per page on the inventory page.
pub const INVENTORY_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingMethod {
    pub code: String,
    pub fee: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRef {
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// What its customers may pay with (selected on the order pages only).
    #[serde(default, rename = "paymentMethods")]
    pub payment_methods: Vec<PaymentMethod>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub email: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
}

/// Who did something, as the backend lets the caller see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub kind: ActorKind,
    /// Shown only where the backend allows (staff, or the actor itself).
    pub name: Option<String>,
    /// For people.
    pub role: Option<Role>,
    pub is_you: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    #[serde(rename = "type")]
    pub kind: OrderEventType,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor: Actor,
    /// RFC 3339 in the merchant's time zone (its offset included).
    pub at: String,
    pub note: Option<String>,
    /// Why the system did it (system entries).
    #[serde(default)]
    pub reason: Option<crate::schema::SystemReason>,
    /// The money movement (payment entries).
    #[serde(default)]
    pub payment: Option<EventPayment>,
    /// Which warehouses ship what (ROUTED entries).
    #[serde(default)]
    pub routing: Option<EventRouting>,
    /// Which shipment moved, and where to (SHIPMENT entries).
    #[serde(default)]
    pub shipment: Option<EventShipment>,
}

/// A money movement on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPayment {
    pub method: crate::schema::PaymentMethod,
    pub kind: crate::schema::PaymentEventKind,
    pub status: crate::schema::PaymentEventStatus,
    pub amount: crate::api::types::Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarehouseRef {
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "isPickupPoint")]
    pub is_pickup_point: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub sku: String,
    pub quantity: i64,
    pub warehouse: WarehouseRef,
}

/// Why an action is refused: a `RefusalCode` and its parameters, which
/// the pages translate (see `components::order::refusal_text`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: RefusalCode,
    /// The order's status.
    pub status: OrderStatus,
    /// The refused action.
    pub action: OrderAction,
    /// The caller's role.
    pub role: Option<Role>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub action: OrderAction,
    pub allowed: bool,
    pub refusal: Option<Refusal>,
}

/// An order with everything its page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub number: String,
    pub status: OrderStatus,
    /// Its latest event's sequence: live updates resume after it.
    #[serde(default)]
    pub sequence: i64,
    pub external_id: Option<String>,
    /// EXPRESS, POSTAL or PICKUP.
    pub shipping_method: String,
    pub note: Option<String>,
    pub placed_at: String,
    /// One per warehouse once confirmed, oldest first.
    #[serde(default)]
    pub shipments: Vec<Shipment>,
    pub channel: ChannelRef,
    pub customer: Customer,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub shipping_fee: Money,
    pub total: Money,
    pub shipping_address: Address,
    pub events: Vec<OrderEvent>,
    pub allocations: Vec<Allocation>,
    pub available_transitions: Vec<Transition>,
    /// The after-sales actions the caller may take now.
    #[serde(default)]
    pub service_actions: Vec<ServiceAction>,
    pub payment_status: OrderPaymentStatus,
    pub payment_method: Option<PaymentMethod>,
    /// What the customer still owes (zero once paid, authorized or cancelled).
    pub amount_due: Money,
    /// Oldest first.
    pub payments: Vec<Payment>,
}

impl Order {
    /// Whether the caller may take the after-sales `action` now.
    pub fn offers(&self, action: ServiceAction) -> bool {
        self.service_actions.contains(&action)
    }

    /// Whether the caller may take `action` now.
    pub fn can(&self, action: OrderAction) -> bool {
        self.available_transitions
            .iter()
            .any(|t| t.action == action && t.allowed)
    }
}

/// An order as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub placed_at: String,
    pub total: Money,
    #[serde(default)]
    pub channel: Option<ChannelRef>,
    #[serde(default)]
    pub customer: Option<Customer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEdge {
    pub cursor: String,
    pub node: OrderSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<OrderEdge>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub warehouse: WarehouseRef,
    #[serde(default)]
    pub sku: Option<String>,
    pub on_hand: i64,
    pub allocated: i64,
    pub available: i64,
    pub reorder_point: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStock {
    pub sku: String,
    pub name: String,
    pub available: i64,
    pub levels: Vec<StockLevel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryEdge {
    pub cursor: String,
    pub node: ProductStock,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<InventoryEdge>,
}

/// `data` of [`queries::CART_PRODUCTS`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartProductsData {
    pub products_by_skus: Vec<ProductSummary>,
}

/// `data` of [`queries::CHECKOUT`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutData {
    pub products_by_skus: Vec<ProductSummary>,
    pub shipping_methods: Vec<ShippingMethod>,
    #[serde(default)]
    pub pickup_points: Vec<PickupPoint>,
    /// Each method's fee for the cart (from [`queries::SHIPPING_QUOTES`];
    /// `None` when it could not be quoted).
    #[serde(default)]
    pub quotes: Option<ShippingQuotes>,
}

/// `data` of [`queries::ORDER`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrderData {
    pub order: Order,
}

/// `data` of [`queries::MY_ORDERS`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyOrdersData {
    pub my_orders: OrderConnection,
}

/// `data` of [`queries::CONSOLE_ORDERS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleOrdersData {
    pub orders: OrderConnection,
    pub channels: Vec<ChannelRef>,
}

/// `data` of [`queries::NEW_ORDER_FORM`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderFormData {
    pub channels: Vec<ChannelRef>,
    pub shipping_methods: Vec<ShippingMethod>,
    #[serde(default)]
    pub pickup_points: Vec<PickupPoint>,
}

/// `data` of [`queries::INVENTORY`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryData {
    pub inventory: InventoryConnection,
    pub warehouses: Vec<WarehouseRef>,
    pub low_stock: Vec<StockLevel>,
}

/// The products of the cart's SKUs (none asked, none fetched).
pub fn cart_products(
    skus: Vec<String>,
) -> impl Future<Output = Result<Vec<ProductSummary>, ApiError>> + Send + 'static {
    let fut = (!skus.is_empty())
        .then(|| request::<CartProductsData>(queries::CART_PRODUCTS, json!({ "skus": skus })));
    async move {
        match fut {
            Some(fut) => fut.await.map(|d| d.products_by_skus),
            None => Ok(Vec::new()),
        }
    }
}

/// The checkout page's data: the cart's products, the shipping methods
/// with each one's fee for these `(sku, quantity)` lines, and the pickup
/// points. A fee that cannot be quoted (a SKU no longer sold) is left out.
pub fn checkout(
    lines: Vec<(String, u32)>,
) -> impl Future<Output = Result<CheckoutData, ApiError>> + Send + 'static {
    let skus: Vec<&String> = lines.iter().map(|(sku, _)| sku).collect();
    let data = request::<CheckoutData>(queries::CHECKOUT, json!({ "skus": skus }));
    let quotes = super::fulfillment::shipping_quotes(lines);
    async move {
        let mut data = data.await?;
        data.quotes = quotes.await.ok();
        Ok(data)
    }
}

/// One order (`NotFound` when it is not the caller's to see).
pub fn order(number: String) -> impl Future<Output = Result<Order, ApiError>> + Send + 'static {
    let fut = request::<OrderData>(queries::ORDER, json!({ "number": number }));
    async move { fut.await.map(|d| d.order) }
}

/// A page of the caller's own orders.
pub fn my_orders(
    after: Option<String>,
) -> impl Future<Output = Result<OrderConnection, ApiError>> + Send + 'static {
    let fut = request::<MyOrdersData>(
        queries::MY_ORDERS,
        with_optional(json!({ "first": ORDERS_PAGE_SIZE }), [("after", after)]),
    );
    async move { fut.await.map(|d| d.my_orders) }
}

/// The console's order filter, as typed into its GET form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFilterForm {
    pub status: String,
    pub channel: String,
    pub customer_email: String,
    pub sku: String,
    /// `YYYY-MM-DD` (or a full RFC 3339 time).
    pub placed_from: String,
    pub placed_to: String,
    pub sort: String,
}

impl OrderFilterForm {
    /// Query-string fields, in form order: `(name, value)`.
    pub fn pairs(&self) -> [(&'static str, &str); 7] {
        [
            ("status", &self.status),
            ("channel", &self.channel),
            ("customerEmail", &self.customer_email),
            ("sku", &self.sku),
            ("placedFrom", &self.placed_from),
            ("placedTo", &self.placed_to),
            ("sort", &self.sort),
        ]
    }

    /// The `OrderFilter` input: blank fields left out; a bare date is a
    /// whole day in the merchant's time zone (`placedFromDate`/`placedToDate`).
    pub fn to_filter(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                m.insert(k.to_owned(), Value::String(v));
            }
        };
        put("status", Some(self.status.trim().to_owned()));
        put("channel", Some(self.channel.trim().to_owned()));
        put("customerEmail", Some(self.customer_email.trim().to_owned()));
        put("sku", Some(self.sku.trim().to_owned()));
        for (raw, time_key, date_key) in [
            (&self.placed_from, "placedFrom", "placedFromDate"),
            (&self.placed_to, "placedTo", "placedToDate"),
        ] {
            let raw = raw.trim();
            let key = if is_date(raw) { date_key } else { time_key };
            put(key, Some(raw.to_owned()));
        }
        Value::Object(m)
    }
}

/// `YYYY-MM-DD`.
fn is_date(raw: &str) -> bool {
    raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A page of orders for the console.
pub fn console_orders(
    filter: OrderFilterForm,
    after: Option<String>,
) -> impl Future<Output = Result<ConsoleOrdersData, ApiError>> + Send + 'static {
    // Always sent: async-graphql reads an absent nullable variable as null,
    // which a non-null argument refuses even when it has a default.
    let sort = OrderSort::parse(&filter.sort).unwrap_or(OrderSort::PlacedAtDesc);
    let vars = with_optional(
        json!({ "filter": filter.to_filter(), "sort": sort, "first": ORDERS_PAGE_SIZE }),
        [("after", after)],
    );
    request::<ConsoleOrdersData>(queries::CONSOLE_ORDERS, vars)
}

/// What the console's "new order" form offers.
pub fn new_order_form() -> impl Future<Output = Result<NewOrderFormData, ApiError>> + Send + 'static
{
    request::<NewOrderFormData>(queries::NEW_ORDER_FORM, json!({}))
}

/// A page of the inventory, with warehouses and low stock.
pub fn inventory(
    search: String,
    after: Option<String>,
) -> impl Future<Output = Result<InventoryData, ApiError>> + Send + 'static {
    let search = Some(search.trim().to_owned()).filter(|s| !s.is_empty());
    request::<InventoryData>(
        queries::INVENTORY,
        with_optional(
            json!({ "first": INVENTORY_PAGE_SIZE }),
            [("search", search), ("after", after)],
        ),
    )
}

/// Adds the present optional variables (absent ones are left out, so
/// argument defaults apply).
fn with_optional<const N: usize>(mut vars: Value, extra: [(&str, Option<String>); N]) -> Value {
    if let Some(m) = vars.as_object_mut() {
        for (k, v) in extra {
            if let Some(v) = v {
                m.insert(k.to_owned(), Value::String(v));
            }
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn filter_leaves_blanks_out_and_sends_bare_dates_as_shop_days() {
        let f = OrderFilterForm {
            status: "CONFIRMED".into(),
            customer_email: " a@b.c ".into(),
            placed_from: "2026-11-01".into(),
            placed_to: "2026-11-30".into(),
            ..Default::default()
        };
        assert_eq!(
            f.to_filter(),
            json!({"status": "CONFIRMED", "customerEmail": "a@b.c",
                "placedFromDate": "2026-11-01", "placedToDate": "2026-11-30"})
        );
        assert_eq!(OrderFilterForm::default().to_filter(), json!({}));
        let exact = OrderFilterForm {
            placed_to: "2026-11-25T18:00:00Z".into(),
            ..Default::default()
        };
        assert_eq!(
            exact.to_filter(),
            json!({"placedTo": "2026-11-25T18:00:00Z"})
        );
    }

    #[test]
    fn order_decodes_from_the_contract_shape() {
        let m = json!({"amount": "10.00", "currencyCode": "CNY"});
        let resp = json!({"data": {"order": {
            "number": "SO-1", "status": "PENDING_PAYMENT", "externalId": null, "shippingMethod": "EXPRESS",
            "note": null, "placedAt": "2026-11-25T18:00:00Z",
            "channel": {"code": "web", "name": "Web"}, "customer": {"email": "c@x", "name": "C"},
            "lines": [{"sku": "AUD-001", "name": "Earbuds", "quantity": 1, "unitPrice": m, "lineTotal": m}],
            "subtotal": m, "shippingFee": m, "total": m,
            "shippingAddress": {"name": "C", "phone": "1", "line1": "L", "line2": null, "city": "S",
                "region": null, "postalCode": "200000", "country": "CN"},
            "events": [{"type": "PLACED", "from": null, "to": "PENDING_PAYMENT",
                "actor": {"kind": "CUSTOMER", "name": "C", "role": "CUSTOMER", "isYou": true},
                "at": "2026-11-26T02:00:00+08:00", "note": null},
                {"type": "ROUTED", "from": "CONFIRMED", "to": "CONFIRMED",
                "actor": {"kind": "SYSTEM", "name": null, "role": null, "isYou": false},
                "at": "2026-11-26T02:00:01+08:00", "note": null, "reason": null, "payment": null,
                "routing": {"rule": "FEWEST_SHIPMENTS", "parts": [{"warehouse": "SHA", "skus": ["AUD-001"]}],
                    "passedOver": [{"warehouse": "CAN", "skus": ["AUD-001"]}]}, "shipment": null}],
            "shipments": [],
            "allocations": [],
            "availableTransitions": [{"action": "CANCEL", "allowed": true, "refusal": null},
                {"action": "SHIP_ALL", "allowed": false, "refusal": {"code": "ROLE_NOT_ALLOWED",
                    "status": "PENDING_PAYMENT", "action": "SHIP_ALL", "role": "CUSTOMER"}}],
            "paymentStatus": "UNPAID", "paymentMethod": null, "amountDue": m, "payments": []
        }}});
        let order = decode::<OrderData>(resp).map(|d| d.order);
        assert!(order.is_ok_and(|o| {
            o.can(OrderAction::Cancel)
                && !o.can(OrderAction::ShipAll)
                && o.events[0].kind == OrderEventType::Placed
                && o.events[0].actor.is_you
                && o.events[1].routing.as_ref().is_some_and(|r| {
                    r.rule == crate::schema::RoutingRule::FewestShipments
                        && r.passed_over[0].warehouse == "CAN"
                })
                && o.payment_status == OrderPaymentStatus::Unpaid
                && o.available_transitions[1]
                    .refusal
                    .as_ref()
                    .is_some_and(|r| r.code == RefusalCode::RoleNotAllowed)
        }));
    }
}
