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

/// A `PlaceOrderInput` with the given key and lines, standard shipping.
pub fn order_input(key: &str, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(sku, q)| json!({ "sku": sku, "quantity": q }))
        .collect();
    json!({
        "idempotencyKey": key,
        "lines": lines,
        "shippingAddress": address(),
        "shippingMethod": "standard",
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
