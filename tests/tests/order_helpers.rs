//! Helpers for the orders & inventory tests (issue 3): placing orders,
//! reading stock, setting stock up, the ledger check and the SQL statement
//! counter. Everything goes through the public GraphQL API over HTTP.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, Tokens, assert_ok};

/// A valid shipping address.
pub fn address() -> Value {
    json!({
        "name": "Li Lei",
        "phone": "+86 138 0000 0000",
        "line1": "1 Nanjing Road",
        "line2": "Floor 2",
        "city": "Shanghai",
        "region": "Shanghai",
        "postalCode": "200001",
        "country": "CN"
    })
}

/// A fresh idempotency key (valid: 8..=100 chars of `[A-Za-z0-9-_:.]`).
pub fn new_key() -> String {
    format!("test-{}", uuid::Uuid::new_v4().simple())
}

/// A `PlaceOrderInput` with the given key and lines, postal shipping.
pub fn order_input(key: &str, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, q)| json!({ "sku": sku, "quantity": q }))
        .collect();
    json!({
        "idempotencyKey": key,
        "lines": lines,
        "shippingAddress": address(),
        "shippingMethod": "POSTAL",
    })
}

/// The order fields every test reads.
pub const ORDER_FIELDS: &str = "number status externalId \
    channel { code } customer { email name } \
    lines { sku name quantity unitPrice { amount currencyCode } lineTotal { amount currencyCode } } \
    subtotal { amount currencyCode } shippingFee { amount currencyCode } total { amount currencyCode } \
    shippingMethod note \
    events { type from to actor { kind name role isYou } at note } \
    allocations { sku quantity warehouse { code } } \
    availableTransitions { action allowed reason } \
    placedAt";

/// The raw `placeOrder` response.
pub async fn place_order_raw(app: &TestApp, token: &str, input: Value) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

/// Places an order and returns it, panicking on any error.
pub async fn place_order_ok(app: &TestApp, token: &str, input: Value) -> Value {
    let resp = place_order_raw(app, token, input).await;
    assert_ok(&resp)["placeOrder"].clone()
}

/// The raw `order(number)` response.
pub async fn order_raw(app: &TestApp, token: &str, number: &str) -> Value {
    app.gql_as(
        token,
        &format!("query($n: String!) {{ order(number: $n) {{ {ORDER_FIELDS} }} }}"),
        json!({ "n": number }),
    )
    .await
}

/// The raw `cancelOrder` response.
pub async fn cancel_raw(app: &TestApp, token: &str, number: &str, reason: Option<&str>) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $r: String) {{ cancelOrder(number: $n, reason: $r) {{ {ORDER_FIELDS} }} }}"
        ),
        json!({ "n": number, "r": reason }),
    )
    .await
}

/// The raw `advanceOrder` response.
pub async fn advance_raw(app: &TestApp, token: &str, number: &str, action: &str) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $a: OrderAction!) {{ advanceOrder(number: $n, action: $a) {{ {ORDER_FIELDS} }} }}"
        ),
        json!({ "n": number, "a": action }),
    )
    .await
}

/// `myOrders.totalCount` for the caller.
pub async fn my_orders_count(app: &TestApp, token: &str) -> i64 {
    let resp = app
        .gql_as(token, "{ myOrders(first: 1) { totalCount } }", json!({}))
        .await;
    assert_ok(&resp)["myOrders"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("no myOrders.totalCount in {resp}"))
}

/// `product(sku).available` as the public sees it.
pub async fn available(app: &TestApp, sku: &str) -> i64 {
    let resp = app
        .gql(
            "query($s: String!) { product(sku: $s) { available } }",
            json!({ "s": sku }),
        )
        .await;
    assert_ok(&resp)["product"]["available"]
        .as_i64()
        .unwrap_or_else(|| panic!("no product.available for {sku} in {resp}"))
}

/// One stock level as staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub warehouse: String,
    pub on_hand: i64,
    pub allocated: i64,
    pub available: i64,
    pub reorder_point: i64,
}

/// `stockLevels(sku)` keyed by warehouse code (any staff token).
pub async fn stock_levels(app: &TestApp, staff_token: &str, sku: &str) -> BTreeMap<String, Level> {
    let resp = app
        .gql_as(
            staff_token,
            "query($s: String!) { stockLevels(sku: $s) { warehouse { code } onHand allocated available reorderPoint } }",
            json!({ "s": sku }),
        )
        .await;
    let data = assert_ok(&resp);
    data["stockLevels"]
        .as_array()
        .unwrap_or_else(|| panic!("no stockLevels in {resp}"))
        .iter()
        .map(|l| {
            let code = l["warehouse"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let level = Level {
                warehouse: code.clone(),
                on_hand: l["onHand"].as_i64().unwrap_or(-1),
                allocated: l["allocated"].as_i64().unwrap_or(-1),
                available: l["available"].as_i64().unwrap_or(-1),
                reorder_point: l["reorderPoint"].as_i64().unwrap_or(-1),
            };
            (code, level)
        })
        .collect()
}

/// The raw `adjustStock` response.
pub async fn adjust_stock_raw(
    app: &TestApp,
    token: &str,
    sku: &str,
    warehouse: &str,
    delta: i64,
) -> Value {
    app.gql_as(
        token,
        "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand allocated available } }",
        json!({ "i": { "sku": sku, "warehouseCode": warehouse, "delta": delta, "reason": "test setup" } }),
    )
    .await
}

/// Sets the available units of `sku` per warehouse with `adjustStock` (as the
/// given stock keeper): warehouses in `targets` get exactly that many
/// available, every other warehouse holding the SKU gets 0. Returns the
/// resulting levels.
pub async fn set_available(
    app: &TestApp,
    keeper: &str,
    sku: &str,
    targets: &[(&str, i64)],
) -> BTreeMap<String, Level> {
    let before = stock_levels(app, keeper, sku).await;
    let mut wanted: BTreeMap<String, i64> = before.keys().map(|k| (k.clone(), 0)).collect();
    for (code, n) in targets {
        wanted.insert((*code).to_owned(), *n);
    }
    for (code, target) in &wanted {
        let current = before.get(code).map(|l| l.available).unwrap_or(0);
        let delta = target - current;
        if delta != 0 {
            let resp = adjust_stock_raw(app, keeper, sku, code, delta).await;
            assert_ok(&resp);
        }
    }
    let after = stock_levels(app, keeper, sku).await;
    for (code, target) in &wanted {
        let got = after.get(code).map(|l| l.available).unwrap_or(0);
        assert_eq!(
            got, *target,
            "setting up {sku}@{code}: available should be {target}"
        );
    }
    after
}

/// Runs `inventoryCheck` as admin and asserts the ledger balances.
pub async fn assert_ledger_balanced(app: &TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let resp = app
        .gql_as(
            &admin.access_token,
            "{ inventoryCheck { balanced checkedLevels differences { sku warehouseCode onHand ledgerOnHand allocated ledgerAllocated } } }",
            json!({}),
        )
        .await;
    let check = &assert_ok(&resp)["inventoryCheck"];
    assert_eq!(
        check["differences"],
        json!([]),
        "the stock ledger disagrees with the stock levels: {check}"
    );
    assert_eq!(check["balanced"], true, "inventoryCheck: {check}");
    assert!(
        check["checkedLevels"].as_i64().unwrap_or(0) > 0,
        "inventoryCheck compared no stock levels: {check}"
    );
}

/// `oms_sql_statements_total` from `GET /metrics`.
pub async fn sql_statements(app: &TestApp) -> u64 {
    let text = app
        .http()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("read /metrics");
    text.lines()
        .find_map(|l| {
            l.strip_prefix("oms_sql_statements_total")
                .and_then(|rest| rest.trim().parse::<f64>().ok())
        })
        .map(|v| v as u64)
        .unwrap_or_else(|| panic!("no oms_sql_statements_total in /metrics:\n{text}"))
}

/// Registers a new customer account and returns its tokens.
pub async fn register_customer(app: &TestApp, email: &str) -> Tokens {
    let resp = app
        .register(email, "orders-test-Pa55word!", "Test Customer")
        .await;
    Tokens::from_payload(&assert_ok(&resp)["register"])
}

/// A fresh customer with a unique email.
pub async fn new_customer(app: &TestApp) -> Tokens {
    let email = format!("buyer-{}@example.com", uuid::Uuid::new_v4().simple());
    register_customer(app, &email).await
}

/// Creates an API key for a channel (as admin) and returns the secret key.
pub async fn create_api_key(app: &TestApp, channel: &str) -> String {
    let admin = app.login_as(Role::Admin).await;
    let resp = app
        .gql_as(
            &admin.access_token,
            "mutation($n: String!, $c: String!) { createApiKey(name: $n, channel: $c) { key apiKey { channel { code } revoked } } }",
            json!({ "n": format!("{channel} importer"), "c": channel }),
        )
        .await;
    let created = &assert_ok(&resp)["createApiKey"];
    assert_eq!(created["apiKey"]["channel"]["code"], channel, "{resp}");
    let key = created["key"]
        .as_str()
        .unwrap_or_else(|| panic!("no key in {resp}"))
        .to_owned();
    assert!(
        key.starts_with("oms_key_"),
        "API keys start with oms_key_: {key}"
    );
    key
}

/// `"299.00"` → 29900 (minor units).
pub fn minor(amount: &Value) -> i64 {
    let s = amount
        .as_str()
        .unwrap_or_else(|| panic!("money amount is not a string: {amount}"));
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<2}");
    assert_eq!(frac.len(), 2, "money amount with more than 2 decimals: {s}");
    let whole: i64 = whole.parse().unwrap_or_else(|_| panic!("bad amount {s}"));
    let frac: i64 = frac.parse().unwrap_or_else(|_| panic!("bad amount {s}"));
    whole * 100 + frac
}

/// The catalog price of a SKU in minor units.
pub async fn catalog_price(app: &TestApp, sku: &str) -> i64 {
    let resp = app
        .gql(
            "query($s: String!) { product(sku: $s) { price { amount } } }",
            json!({ "s": sku }),
        )
        .await;
    minor(&assert_ok(&resp)["product"]["price"]["amount"])
}

/// `^SO-\d{4}-\d{6}$`
pub fn is_order_number(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() == 14
        && n.starts_with("SO-")
        && b[3..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit)
}

/// The `availableTransitions` entry for an action.
pub fn transition<'a>(order: &'a Value, action: &str) -> &'a Value {
    order["availableTransitions"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["action"] == action))
        .unwrap_or_else(|| panic!("no availableTransitions entry for {action} in {order}"))
}

/// Total allocated units of a SKU per the order's allocations, by warehouse.
pub fn allocations_by_warehouse(order: &Value, sku: &str) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for a in order["allocations"].as_array().into_iter().flatten() {
        if a["sku"] == sku {
            *out.entry(
                a["warehouse"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
            .or_insert(0) += a["quantity"].as_i64().unwrap_or(0);
        }
    }
    out
}

/// `extensions.field` of the first error.
pub fn error_field(resp: &Value) -> Option<&str> {
    resp["errors"][0]["extensions"]["field"].as_str()
}

#[test]
fn order_number_pattern_is_checked_exactly() {
    assert!(is_order_number("SO-2026-000123"));
    assert!(!is_order_number("SO-2026-00123"));
    assert!(!is_order_number("SO-26-0000123"));
    assert!(!is_order_number("XO-2026-000123"));
    assert!(!is_order_number("SO-2026-00012a"));
}

#[test]
fn money_amounts_convert_to_minor_units() {
    assert_eq!(minor(&json!("299.00")), 29900);
    assert_eq!(minor(&json!("8.5")), 850);
    assert_eq!(minor(&json!("0")), 0);
}

/// The payment fields the payment tests read.
pub const PAYMENT_FIELDS: &str = "id method status reference providerReference redirectUrl orderNumber \
    amount { amount currencyCode } authorized { amount } captured { amount } refunded { amount } \
    capturable { amount } refundable { amount } expiresAt \
    events { kind status amount { amount } providerReference note actor { kind role } }";

/// What the order says about its payment (status, amount due, payments).
pub const ORDER_PAYMENT_FIELDS: &str = "number status paymentStatus paymentMethod \
    total { amount } amountDue { amount } \
    events { type from to actor { kind role } note } \
    allocations { sku quantity held warehouse { code } }";

/// `order(number)` with its payment fields and payments, panicking on errors.
pub async fn order_payments(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app
        .gql_as(
            token,
            &format!(
                "query($n: String!) {{ order(number: $n) {{ {ORDER_PAYMENT_FIELDS} payments {{ {PAYMENT_FIELDS} }} }} }}"
            ),
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"].clone()
}

/// `order(number).amountDue` in minor units.
pub async fn amount_due(app: &TestApp, token: &str, number: &str) -> i64 {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { amountDue { amount } } }",
            json!({ "n": number }),
        )
        .await;
    minor(&assert_ok(&resp)["order"]["amountDue"]["amount"])
}

/// The raw `recordManualPayment` response.
pub async fn record_manual_raw(
    app: &TestApp,
    token: &str,
    number: &str,
    method: &str,
    amount: i64,
    reference: &str,
    key: &str,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $m: PaymentMethod!, $a: Int!, $r: String!, $k: String!) {{ \
             recordManualPayment(orderNumber: $n, method: $m, amount: $a, reference: $r, idempotencyKey: $k) {{ {PAYMENT_FIELDS} }} }}"
        ),
        json!({ "n": number, "m": method, "a": amount, "r": reference, "k": key }),
    )
    .await
}

/// Pays what the order owes the way finance records a bank transfer (with
/// the given finance or admin token), and returns the payment. The order
/// moves from PENDING_PAYMENT to CONFIRMED as paying is how it gets there.
pub async fn pay_order_as(app: &TestApp, finance: &str, number: &str) -> Value {
    let due = amount_due(app, finance, number).await;
    assert!(due > 0, "order {number} owes nothing");
    let reference = format!("BANK-{}", uuid::Uuid::new_v4().simple());
    let resp = record_manual_raw(
        app,
        finance,
        number,
        "BANK_TRANSFER",
        due,
        &reference,
        &new_key(),
    )
    .await;
    assert_ok(&resp)["recordManualPayment"].clone()
}

/// [`pay_order_as`] as the demo finance user: the order is paid in full
/// and CONFIRMED.
pub async fn pay_order(app: &TestApp, number: &str) -> Value {
    let finance = app.login_as(Role::Finance).await;
    let payment = pay_order_as(app, &finance.access_token, number).await;
    assert_eq!(payment["status"], "CAPTURED", "{payment}");
    payment
}

/// The raw `startPayment` response.
pub async fn start_payment_raw(app: &TestApp, token: &str, number: &str, method: &str) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $m: PaymentMethod!) {{ startPayment(orderNumber: $n, method: $m) {{ \
             paymentId redirectUrl expiresAt payment {{ {PAYMENT_FIELDS} }} }} }}"
        ),
        json!({ "n": number, "m": method }),
    )
    .await
}

/// Starts paying an order and returns the `PaymentSession`.
pub async fn start_payment(app: &TestApp, token: &str, number: &str, method: &str) -> Value {
    let resp = start_payment_raw(app, token, number, method).await;
    assert_ok(&resp)["startPayment"].clone()
}

/// Presses "Pay" on the sandbox payment page at `redirect_url` (the sandbox
/// notifies our webhook and waits for its answer) and returns the 303's
/// `Location`.
pub async fn sandbox_pay(app: &TestApp, redirect_url: &str) -> String {
    assert!(
        redirect_url.contains("/sandbox/pay/"),
        "not a sandbox page: {redirect_url}"
    );
    let resp = app
        .http()
        .post(redirect_url)
        .form(&[("action", "pay")])
        .send()
        .await
        .expect("POST the sandbox page");
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp.text().await.unwrap_or_default();
    assert_eq!(status, 303, "the sandbox did not take the payment: {body}");
    location
}

/// Pays an order online through the sandbox (start as `token`, press Pay)
/// and returns the payment id.
pub async fn pay_online(app: &TestApp, token: &str, number: &str, method: &str) -> String {
    let session = start_payment(app, token, number, method).await;
    let url = session["redirectUrl"].as_str().expect("redirectUrl");
    let back = sandbox_pay(app, url).await;
    assert!(back.ends_with(&format!("/orders/{number}")), "{back}");
    session["paymentId"].as_str().expect("paymentId").to_owned()
}

/// The raw `capturePayment` response.
pub async fn capture_raw(
    app: &TestApp,
    token: &str,
    payment: &str,
    amount: i64,
    key: &str,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($p: ID!, $a: Int!, $k: String!) {{ capturePayment(paymentId: $p, amount: $a, idempotencyKey: $k) {{ {PAYMENT_FIELDS} }} }}"
        ),
        json!({ "p": payment, "a": amount, "k": key }),
    )
    .await
}

/// The raw `voidPayment` response.
pub async fn void_raw(app: &TestApp, token: &str, payment: &str, key: &str) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($p: ID!, $k: String!) {{ voidPayment(paymentId: $p, idempotencyKey: $k) {{ {PAYMENT_FIELDS} }} }}"
        ),
        json!({ "p": payment, "k": key }),
    )
    .await
}

/// The raw `refundPayment` response.
pub async fn refund_raw(
    app: &TestApp,
    token: &str,
    payment: &str,
    amount: i64,
    reason: &str,
    key: &str,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($p: ID!, $a: Int!, $r: String!, $k: String!) {{ refundPayment(paymentId: $p, amount: $a, reason: $r, idempotencyKey: $k) {{ {PAYMENT_FIELDS} }} }}"
        ),
        json!({ "p": payment, "a": amount, "r": reason, "k": key }),
    )
    .await
}

/// Whether every capture, void and refund a payment requested has an
/// outcome (succeeded or failed) in its ledger.
pub fn payment_settled(payment: &Value) -> bool {
    let events = payment["events"].as_array().cloned().unwrap_or_default();
    ["CAPTURE", "VOID", "REFUND"].iter().all(|kind| {
        let count = |done: bool| {
            events
                .iter()
                .filter(|e| e["kind"] == *kind && (e["status"] != "REQUESTED") == done)
                .count()
        };
        count(false) <= count(true)
    })
}

/// Polls the order (with its payments) until `done` holds, for up to 30 s
/// (provider calls run after commit, notifications arrive on their own);
/// panics with the last state otherwise.
pub async fn wait_for_order(
    app: &TestApp,
    token: &str,
    number: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let order = order_payments(app, token, number).await;
        if done(&order) {
            return order;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("{number}: still not {what} after 30 s: {order}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until every requested operation of the order's payments settled.
pub async fn wait_payments_settled(app: &TestApp, token: &str, number: &str) -> Value {
    wait_for_order(app, token, number, "settled", |o| {
        o["payments"]
            .as_array()
            .into_iter()
            .flatten()
            .all(payment_settled)
    })
    .await
}

/// Moves a confirmed order along by working its shipments as warehouse
/// staff would: `to` is PROCESSING (picking started), SHIPPED (every
/// shipment packed and shipped) or DELIVERED (and a delivery event
/// recorded). Returns the order's status afterwards.
pub async fn fulfil(app: &TestApp, warehouse_token: &str, number: &str, to: &str) -> String {
    let q = "query($n: String!) { order(number: $n) { status shipments { id status } } }";
    let order = app.gql_as(warehouse_token, q, json!({ "n": number })).await;
    let shipments = order["data"]["order"]["shipments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !shipments.is_empty(),
        "order {number} has no shipments: {order}"
    );
    for s in shipments {
        let id = s["id"].as_str().unwrap_or_default().to_string();
        let run = |m: &'static str, vars: Value| async move {
            let r = app.gql_as(warehouse_token, m, vars).await;
            assert!(r["errors"].is_null(), "{m}: {r}");
        };
        if s["status"] == "PENDING" {
            run(
                "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        }
        if to == "PROCESSING" {
            continue;
        }
        if matches!(s["status"].as_str(), Some("PENDING" | "PICKING")) {
            run(
                "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 800) { status } }",
                json!({ "id": id }),
            )
            .await;
        }
        if matches!(s["status"].as_str(), Some("PENDING" | "PICKING" | "PACKED")) {
            let tracking = format!("SF{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
            run(
                "mutation($id: ID!, $t: String!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: $t) { status } }",
                json!({ "id": id, "t": tracking }),
            )
            .await;
        }
        if to == "DELIVERED" {
            run(
                "mutation($id: ID!) { recordTrackingEvent(shipmentId: $id, status: DELIVERED, description: \"signed for\") { status } }",
                json!({ "id": id }),
            )
            .await;
        }
    }
    let after = app.gql_as(warehouse_token, q, json!({ "n": number })).await;
    after["data"]["order"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// What `shippingQuote` says these lines cost by `method` (minor units).
pub async fn shipping_quote(app: &TestApp, lines: &[(&str, i64)], method: &str) -> i64 {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, q)| json!({ "sku": sku, "quantity": q }))
        .collect();
    let resp = app
        .gql(
            "query($i: ShippingQuoteInput!) { shippingQuote(input: $i) { amount } }",
            json!({ "i": { "lines": lines, "method": method } }),
        )
        .await;
    minor(&resp["data"]["shippingQuote"]["amount"])
}
