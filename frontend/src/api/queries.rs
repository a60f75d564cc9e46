//! Every GraphQL document the frontend sends. A backend test validates each
//! entry of [`ALL`] against the schema, so keep them all listed there.

/// The signed-in user, or `null`.
pub const ME: &str = "query Me { me { id email name role } }";

/// Product list with optional search and cursor pagination.
pub const PRODUCTS: &str = "query Products($search: String, $first: Int, $after: String) { \
products(search: $search, first: $first, after: $after) { \
totalCount \
pageInfo { hasNextPage endCursor } \
edges { cursor node { id sku name price { amount currencyCode } available } } } }";

/// One product by SKU, or `null`.
pub const PRODUCT: &str = "query Product($sku: String!) { \
product(sku: $sku) { id sku name description price { amount currencyCode } available } }";

/// Money as every document selects it.
macro_rules! money {
    () => {
        "{ amount currencyCode }"
    };
}

/// A payment and its ledger, as the order pages select it.
macro_rules! payment {
    () => {
        concat!(
            "{ id method status amount ",
            money!(),
            " authorized ",
            money!(),
            " captured ",
            money!(),
            " refunded ",
            money!(),
            " capturable ",
            money!(),
            " refundable ",
            money!(),
            " reference providerReference redirectUrl orderNumber createdAt expiresAt ",
            "events { kind status amount ",
            money!(),
            " providerReference note at actor { kind name role isYou } } }"
        )
    };
}

/// The cart page: the cart's products (unknown SKUs are skipped).
pub const CART_PRODUCTS: &str = concat!(
    "query CartProducts($skus: [String!]!) { productsBySkus(skus: $skus) { ",
    "id sku name price ",
    money!(),
    " available } }"
);

/// The checkout page: the cart's products and the shipping methods.
pub const CHECKOUT: &str = concat!(
    "query Checkout($skus: [String!]!) { productsBySkus(skus: $skus) { ",
    "id sku name price ",
    money!(),
    " available } shippingMethods { code fee ",
    money!(),
    " } pickupPoints { code name region } }"
);

/// What each delivery method would cost for the checkout's lines.
pub const SHIPPING_QUOTES: &str = concat!(
    "query ShippingQuotes($lines: [OrderLineInput!]!) { ",
    "express: shippingQuote(input: { lines: $lines, method: EXPRESS }) ",
    money!(),
    " postal: shippingQuote(input: { lines: $lines, method: POSTAL }) ",
    money!(),
    " pickup: shippingQuote(input: { lines: $lines, method: PICKUP }) ",
    money!(),
    " }"
);

/// An order's shipment as the order pages select it.
macro_rules! shipment {
    () => {
        "{ id number orderNumber warehouse status method carrier trackingNumber weightGrams \
lines { sku quantity } events { status description location at source } \
pickupPoint { code name region } pickupCode pickupLocked createdAt shippedAt deliveredAt }"
    };
}

/// One order with everything its page shows (customers get no allocations).
pub const ORDER: &str = concat!(
    "query Order($number: String!) { order(number: $number) { ",
    "number status sequence externalId shippingMethod note placedAt ",
    "channel { code name paymentMethods } customer { email name } ",
    "lines { sku name quantity unitPrice ",
    money!(),
    " lineTotal ",
    money!(),
    " } subtotal ",
    money!(),
    " shippingFee ",
    money!(),
    " total ",
    money!(),
    " shippingAddress { name phone line1 line2 city region postalCode country } ",
    "events { type from to actor { kind name role isYou } at note reason payment { method kind status amount ",
    money!(),
    " } routing { rule parts { warehouse skus } passedOver { warehouse skus } } ",
    "shipment { number warehouse status } } ",
    "shipments ",
    shipment!(),
    " allocations { sku quantity warehouse { code name } } ",
    "availableTransitions { action allowed refusal { code status action role } } serviceActions ",
    "paymentStatus paymentMethod amountDue ",
    money!(),
    " payments ",
    payment!(),
    " } }"
);

/// The signed-in customer's orders, newest first.
pub const MY_ORDERS: &str = concat!(
    "query MyOrders($first: Int, $after: String) { myOrders(first: $first, after: $after) { ",
    "totalCount pageInfo { hasNextPage endCursor } ",
    "edges { cursor node { number status placedAt total ",
    money!(),
    " } } } }"
);

/// The console's order list (staff), with the channels for its filter.
pub const CONSOLE_ORDERS: &str = concat!(
    "query ConsoleOrders($filter: OrderFilter, $sort: OrderSort, $first: Int, $after: String) { ",
    "orders(filter: $filter, sort: $sort, first: $first, after: $after) { ",
    "totalCount pageInfo { hasNextPage endCursor } ",
    "edges { cursor node { number status placedAt channel { code } customer { email name } total ",
    money!(),
    " } } } channels { code name } }"
);

/// What the console's "new order" form offers.
pub const NEW_ORDER_FORM: &str = concat!(
    "query NewOrderForm { channels { code name } shippingMethods { code fee ",
    money!(),
    " } pickupPoints { code name region } }"
);

/// The console's inventory page: stock per product and warehouse, the
/// warehouses (columns) and the low-stock list.
pub const INVENTORY: &str = "query Inventory($search: String, $first: Int, $after: String) { \
inventory(search: $search, first: $first, after: $after) { \
totalCount pageInfo { hasNextPage endCursor } \
edges { cursor node { sku name available \
levels { warehouse { code } onHand allocated available reorderPoint } } } } \
warehouses { code name isPickupPoint } \
lowStock { sku warehouse { code name } onHand allocated available reorderPoint } }";

/// Checkout and the console's order entry (run by the backend's form handlers).
pub const PLACE_ORDER: &str =
    "mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { number status } }";

/// A customer (or staff) cancels an order.
pub const CANCEL_ORDER: &str = "mutation CancelOrder($number: String!, $reason: String) { \
cancelOrder(number: $number, reason: $reason) { number status } }";

/// A staff action on an order.
pub const ADVANCE_ORDER: &str = "mutation AdvanceOrder($number: String!, $action: OrderAction!, $note: String) { \
advanceOrder(number: $number, action: $action, note: $note) { number status } }";

/// A stock correction (warehouse/admin).
pub const ADJUST_STOCK: &str = "mutation AdjustStock($input: AdjustStockInput!) { \
adjustStock(input: $input) { sku onHand allocated available warehouse { code } } }";

/// A warehouse's reorder point for a product (warehouse/admin).
pub const SET_REORDER_POINT: &str = "mutation SetReorderPoint($sku: String!, $warehouseCode: String!, $reorderPoint: Int!) { \
setReorderPoint(sku: $sku, warehouseCode: $warehouseCode, reorderPoint: $reorderPoint) { \
sku reorderPoint warehouse { code } } }";

/// The console's payments list (finance, support, admin), newest first.
pub const PAYMENTS: &str = concat!(
    "query Payments($filter: PaymentFilter, $first: Int!, $after: String) { ",
    "payments(filter: $filter, first: $first, after: $after) { ",
    "totalCount pageInfo { hasNextPage endCursor } ",
    "edges { cursor node { id method status reference orderNumber createdAt amount ",
    money!(),
    " captured ",
    money!(),
    " refunded ",
    money!(),
    " } } } }"
);

/// A customer (or staff) starts paying an order (run by the backend's form handler).
pub const START_PAYMENT: &str = "mutation StartPayment($number: String!, $method: PaymentMethod!) { \
startPayment(orderNumber: $number, method: $method) { paymentId redirectUrl expiresAt } }";

/// Finance captures part or all of an authorization.
pub const CAPTURE_PAYMENT: &str = "mutation CapturePayment($id: ID!, $amount: Int!, $key: String!) { \
capturePayment(paymentId: $id, amount: $amount, idempotencyKey: $key) { id status orderNumber } }";

/// Finance releases an authorization.
pub const VOID_PAYMENT: &str = "mutation VoidPayment($id: ID!, $key: String!) { \
voidPayment(paymentId: $id, idempotencyKey: $key) { id status orderNumber } }";

/// Finance refunds part or all of what was captured.
pub const REFUND_PAYMENT: &str = "mutation RefundPayment($id: ID!, $amount: Int!, $reason: String!, $key: String!) { \
refundPayment(paymentId: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status orderNumber } }";

/// Finance records cash on delivery or a bank transfer.
pub const RECORD_MANUAL_PAYMENT: &str = "mutation RecordManualPayment($number: String!, $method: PaymentMethod!, \
$amount: Int!, $reference: String!, $key: String!) { recordManualPayment(orderNumber: $number, method: $method, \
amount: $amount, reference: $reference, idempotencyKey: $key) { id status orderNumber } }";

/// Live updates of one order (graphql-transport-ws, see [`super::live`]):
/// one per event of the order, those after `$after` replayed first.
pub const ORDER_UPDATED: &str = "subscription OrderUpdated($n: String!, $after: Int) { \
orderUpdated(number: $n, afterSequence: $after) { sequence type order { number status sequence \
paymentStatus amountDue { amount currencyCode } } } }";

/// `(operation name, document)` for every document above.
pub const ALL: &[(&str, &str)] = &[
    ("Me", ME),
    ("Products", PRODUCTS),
    ("Product", PRODUCT),
    ("CartProducts", CART_PRODUCTS),
    ("Checkout", CHECKOUT),
    ("ShippingQuotes", SHIPPING_QUOTES),
    ("Order", ORDER),
    ("MyOrders", MY_ORDERS),
    ("ConsoleOrders", CONSOLE_ORDERS),
    ("NewOrderForm", NEW_ORDER_FORM),
    ("Inventory", INVENTORY),
    ("PlaceOrder", PLACE_ORDER),
    ("CancelOrder", CANCEL_ORDER),
    ("AdvanceOrder", ADVANCE_ORDER),
    ("AdjustStock", ADJUST_STOCK),
    ("SetReorderPoint", SET_REORDER_POINT),
    ("OrderUpdated", ORDER_UPDATED),
    ("Payments", PAYMENTS),
    ("StartPayment", START_PAYMENT),
    ("CapturePayment", CAPTURE_PAYMENT),
    ("VoidPayment", VOID_PAYMENT),
    ("RefundPayment", REFUND_PAYMENT),
    ("RecordManualPayment", RECORD_MANUAL_PAYMENT),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_is_listed_and_names_its_operation() {
        assert_eq!(ALL.len(), 23);
        for (name, doc) in ALL {
            assert!(
                doc.starts_with("query ")
                    || doc.starts_with("mutation ")
                    || doc.starts_with("subscription "),
                "{name}"
            );
            assert!(
                doc.contains(&format!(" {name}")),
                "{name} not named in its document"
            );
            assert_eq!(
                doc.matches('{').count(),
                doc.matches('}').count(),
                "{name}: braces"
            );
        }
    }
}
