//! Order changes and line cancellations before shipping, over HTTP: stock
//! released or allocated through the ledger (balanced after every test),
//! totals and amounts due following, prepaid money refunded exactly
//! (captured − refunded = the new total), the timeline with before and
//! after, support's approval, a shipped line refused, a change racing a
//! ship (one wins, the other CONFLICT), idempotency keys, and who may do
//! what.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{
    assert_ledger_balanced, available, fulfil, minor, new_customer, new_key, order_input,
    order_payments, pay_online, pay_order, place_order_ok, sandbox_pay, start_payment,
    wait_payments_settled,
};

/// The change request fields the tests read.
pub const CHANGE_FIELDS: &str = "id orderNumber kind status needsApproval reason \
    requestedBy { kind role isYou } decidedBy { kind role } \
    preview { amountDelta { amount } refund { amount } totalBefore { amount } totalAfter { amount } \
      needsApproval approvalReasons lines { sku before after added unitPrice { amount } } \
      stockEffects { sku warehouse delta } }";

/// What the tests read of an order after a change.
const ORDER_AFTER: &str = "number status total { amount } amountDue { amount } \
    shippingAddress { city } serviceActions \
    lines { sku quantity lineTotal { amount } } \
    shipments { id status lines { sku quantity } } \
    events { type note change { kind lines { sku before after } addressBefore addressAfter totalBefore { amount } totalAfter { amount } } } \
    changeRequests { id status kind }";

pub async fn order_after(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app
        .gql_as(
            token,
            &format!("query($n: String!) {{ order(number: $n) {{ {ORDER_AFTER} }} }}"),
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"].clone()
}

pub async fn request_raw(
    app: &TestApp,
    token: &str,
    number: &str,
    input: Value,
    key: &str,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $i: OrderChangeInput!, $k: String!) {{ \
             requestOrderChange(number: $n, input: $i, idempotencyKey: $k) {{ {CHANGE_FIELDS} }} }}"
        ),
        json!({ "n": number, "i": input, "k": key }),
    )
    .await
}

pub async fn cancel_lines_raw(
    app: &TestApp,
    token: &str,
    number: &str,
    lines: &[(&str, i64)],
    key: &str,
) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(s, q)| json!({ "sku": s, "quantity": q }))
        .collect();
    app.gql_as(
        token,
        "mutation($n: String!, $l: [ChangeLineInput!]!, $k: String!) { \
         cancelOrderLines(number: $n, lines: $l, reason: \"changed my mind\", idempotencyKey: $k) { number total { amount } } }",
        json!({ "n": number, "l": lines, "k": key }),
    )
    .await
}

pub async fn approve_raw(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_as(
        token,
        &format!("mutation($id: ID!) {{ approveChangeRequest(id: $id) {{ {CHANGE_FIELDS} }} }}"),
        json!({ "id": id }),
    )
    .await
}

fn line_qty(order: &Value, sku: &str) -> i64 {
    order["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["sku"] == sku)
        .and_then(|l| l["quantity"].as_i64())
        .unwrap_or(-1)
}

fn shipped_units(order: &Value, sku: &str) -> i64 {
    order["shipments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["status"] != "CANCELLED")
        .flat_map(|s| s["lines"].as_array().cloned().unwrap_or_default())
        .filter(|l| l["sku"] == sku)
        .map(|l| l["quantity"].as_i64().unwrap_or(0))
        .sum()
}

/// Captured minus refunded over all of the order's payments.
fn kept(order: &Value) -> i64 {
    order["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| minor(&p["captured"]["amount"]) - minor(&p["refunded"]["amount"]))
        .sum()
}

async fn placed(app: &TestApp, token: &str, lines: &[(&str, i64)]) -> (String, i64) {
    let o = place_order_ok(app, token, order_input(&new_key(), lines)).await;
    (
        o["number"].as_str().expect("number").to_owned(),
        minor(&o["total"]["amount"]),
    )
}

#[tokio::test]
async fn cancelling_a_line_before_shipping_releases_stock_and_refunds_the_difference() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("AUD-001", 2), ("CHG-003", 1)]).await;
    pay_order(&app, &number).await;
    let before = available(&app, "AUD-001").await;
    let key = new_key();
    let resp = cancel_lines_raw(&app, &c.access_token, &number, &[("AUD-001", 1)], &key).await;
    let new_total = minor(&assert_ok(&resp)["cancelOrderLines"]["total"]["amount"]);
    assert_eq!(new_total, total - 29_900, "{resp}");
    assert_eq!(available(&app, "AUD-001").await, before + 1);
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(line_qty(&o, "AUD-001"), 1, "{o}");
    assert_eq!(shipped_units(&o, "AUD-001"), 1, "the shipment shrank: {o}");
    let change = o["events"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["type"] == "CHANGED")
        .expect("a CHANGED entry");
    assert_eq!(
        change["change"]["lines"],
        json!([{ "sku": "AUD-001", "before": 2, "after": 1 }])
    );
    assert_eq!(change["change"]["kind"], "CANCEL_LINES");
    let paid = wait_payments_settled(&app, &c.access_token, &number).await;
    assert_eq!(
        kept(&paid),
        new_total,
        "captured − refunded = new total: {paid}"
    );
    assert_eq!(minor(&paid["amountDue"]["amount"]), 0);
    // The same key again: nothing more is cancelled or refunded.
    let again = cancel_lines_raw(&app, &c.access_token, &number, &[("AUD-001", 1)], &key).await;
    assert_eq!(
        minor(&assert_ok(&again)["cancelOrderLines"]["total"]["amount"]),
        new_total
    );
    assert_eq!(available(&app, "AUD-001").await, before + 1);
    let paid = wait_payments_settled(&app, &c.access_token, &number).await;
    assert_eq!(kept(&paid), new_total, "{paid}");
    // Cancelling the rest cancels the order (stock all back).
    let rest = cancel_lines_raw(
        &app,
        &c.access_token,
        &number,
        &[("AUD-001", 1), ("CHG-003", 1)],
        &new_key(),
    )
    .await;
    assert_ok(&rest);
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(o["status"], "CANCELLED", "{o}");
    assert_eq!(available(&app, "AUD-001").await, before + 2);
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn an_unpaid_order_just_owes_less_after_a_decrease() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("AUD-001", 2)]).await;
    let before = available(&app, "AUD-001").await;
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "setQuantities": [{ "sku": "AUD-001", "quantity": 1 }] }),
        &new_key(),
    )
    .await;
    let r = &assert_ok(&resp)["requestOrderChange"];
    assert_eq!(r["status"], "APPLIED", "{r}");
    assert_eq!(minor(&r["preview"]["amountDelta"]["amount"]), -29_900);
    assert_eq!(
        r["preview"]["stockEffects"][0]["delta"], -1,
        "stock effects: {r}"
    );
    let o = order_payments(&app, &c.access_token, &number).await;
    assert_eq!(minor(&o["amountDue"]["amount"]), total - 29_900, "{o}");
    assert_eq!(available(&app, "AUD-001").await, before + 1);
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn an_address_change_applies_at_once_with_before_and_after_on_the_timeline() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("BOO-001", 1)]).await;
    pay_order(&app, &number).await;
    let mut addr = crate::order_helpers::address();
    addr["city"] = json!("Beijing");
    addr["region"] = json!("Beijing");
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "shippingAddress": addr }),
        &new_key(),
    )
    .await;
    let r = &assert_ok(&resp)["requestOrderChange"];
    assert_eq!(r["status"], "APPLIED", "{r}");
    assert_eq!(r["needsApproval"], false);
    assert_eq!(minor(&r["preview"]["amountDelta"]["amount"]), 0);
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(o["shippingAddress"]["city"], "Beijing");
    assert_eq!(minor(&o["total"]["amount"]), total);
    let change = o["events"]
        .as_array()
        .into_iter()
        .flatten()
        .rev()
        .find(|e| e["type"] == "CHANGED")
        .expect("a CHANGED entry")
        .clone();
    let before = change["change"]["addressBefore"]
        .as_str()
        .unwrap_or_default();
    let after = change["change"]["addressAfter"]
        .as_str()
        .unwrap_or_default();
    assert!(
        before.contains("Shanghai") && after.contains("Beijing"),
        "{change}"
    );
    assert_eq!(o["changeRequests"][0]["status"], "APPLIED");
    // A bad address names its field and writes nothing.
    let mut bad = crate::order_helpers::address();
    bad["city"] = json!("  ");
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "shippingAddress": bad }),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("INVALID_INPUT"), "{resp}");
    assert_eq!(
        order_after(&app, &c.access_token, &number).await["changeRequests"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_decrease_on_an_online_payment_is_refunded_through_the_provider() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("AUD-001", 2), ("CHG-003", 2)]).await;
    pay_online(&app, &c.access_token, &number, "ALIPAY").await;
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "removeSkus": ["CHG-003"] }),
        &new_key(),
    )
    .await;
    assert!(resp["errors"].is_null(), "{resp}\n{}", app.stderr());
    let r = &resp["data"]["requestOrderChange"];
    assert_eq!(r["status"], "APPLIED", "{r}");
    assert_eq!(minor(&r["preview"]["refund"]["amount"]), 7_800, "{r}");
    let o = wait_payments_settled(&app, &c.access_token, &number).await;
    assert_eq!(minor(&o["total"]["amount"]), total - 7_800);
    assert_eq!(
        kept(&o),
        total - 7_800,
        "captured − refunded = new total: {o}"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn an_addition_waits_for_support_then_allocates_and_leaves_an_amount_due() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, _) = placed(&app, &c.access_token, &[("AUD-001", 1)]).await;
    pay_order(&app, &number).await;
    let before = available(&app, "BOO-001").await;
    let input = json!({ "addLines": [{ "sku": "BOO-001", "quantity": 1 }] });
    let preview = app
        .gql_as(
            &c.access_token,
            "query($n: String!, $i: OrderChangeInput!) { previewOrderChange(number: $n, input: $i) { needsApproval amountDelta { amount } } }",
            json!({ "n": number, "i": input }),
        )
        .await;
    let p = &assert_ok(&preview)["previewOrderChange"];
    assert_eq!(p["needsApproval"], true);
    assert_eq!(minor(&p["amountDelta"]["amount"]), 12_800);
    let resp = request_raw(&app, &c.access_token, &number, input, &new_key()).await;
    let r = assert_ok(&resp)["requestOrderChange"].clone();
    assert_eq!(r["status"], "PENDING", "{r}");
    let id = r["id"].as_str().expect("id").to_owned();
    assert_eq!(
        available(&app, "BOO-001").await,
        before,
        "nothing allocated yet"
    );
    // Warehouse, finance and the customer cannot approve.
    for role in [Role::Warehouse, Role::Finance] {
        let t = app.login_as(role).await;
        assert_eq!(
            error_code(&approve_raw(&app, &t.access_token, &id).await),
            Some("FORBIDDEN")
        );
    }
    assert_eq!(
        error_code(&approve_raw(&app, &c.access_token, &id).await),
        Some("FORBIDDEN")
    );
    let support = app.login_as(Role::Support).await;
    let queue = app
        .gql_as(
            &support.access_token,
            "{ changeRequests(filter: { status: PENDING }) { totalCount counts { status count } edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        assert_ok(&queue)["changeRequests"]["totalCount"],
        1,
        "{queue}"
    );
    let approved = approve_raw(&app, &support.access_token, &id).await;
    let a = &assert_ok(&approved)["approveChangeRequest"];
    assert_eq!(a["status"], "APPROVED", "{a}");
    assert_eq!(a["decidedBy"]["role"], "SUPPORT");
    assert_eq!(available(&app, "BOO-001").await, before - 1);
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(minor(&o["amountDue"]["amount"]), 12_800, "{o}");
    assert_eq!(
        shipped_units(&o, "BOO-001"),
        1,
        "a shipment holds the added unit: {o}"
    );
    // Approving twice is CONFLICT.
    assert_eq!(
        error_code(&approve_raw(&app, &support.access_token, &id).await),
        Some("CONFLICT")
    );
    // Nothing leaves before the difference is paid.
    let warehouse = app.login_as(Role::Warehouse).await.access_token;
    let q = "query($n: String!) { order(number: $n) { shipments { id } } }";
    let o = app.gql_as(&warehouse, q, json!({ "n": number })).await;
    let ids: Vec<String> = assert_ok(&o)["order"]["shipments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    assert!(!ids.is_empty(), "{o}");
    for id in &ids {
        for m in [
            "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
            "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 800) { status } }",
        ] {
            assert_ok(&app.gql_as(&warehouse, m, json!({ "id": id })).await);
        }
    }
    let ship = app
        .gql_as(
            &warehouse,
            "mutation($id: ID!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: \"SF-OWES-1\") { status } }",
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(error_code(&ship), Some("CONFLICT"), "{ship}");
    // The customer pays the difference; then it ships.
    let session = start_payment(&app, &c.access_token, &number, "ALIPAY").await;
    assert_eq!(
        minor(&session["payment"]["amount"]["amount"]),
        12_800,
        "{session}"
    );
    let url = session["redirectUrl"].as_str().expect("redirectUrl");
    sandbox_pay(&app, url).await;
    wait_payments_settled(&app, &c.access_token, &number).await;
    assert_eq!(
        fulfil(&app, &warehouse, &number, "SHIPPED").await,
        "SHIPPED"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn approval_is_refused_out_of_stock_when_the_stock_went_meanwhile() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, _) = placed(&app, &c.access_token, &[("AUD-001", 1)]).await;
    pay_order(&app, &number).await;
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "addLines": [{ "sku": "CAM-001", "quantity": 1 }] }),
        &new_key(),
    )
    .await;
    let id = assert_ok(&resp)["requestOrderChange"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let admin = app.login_as(Role::Admin).await;
    let levels = crate::order_helpers::stock_levels(&app, &admin.access_token, "CAM-001").await;
    let targets: Vec<(&str, i64)> = levels.keys().map(|k| (k.as_str(), 0)).collect();
    crate::order_helpers::set_available(&app, &admin.access_token, "CAM-001", &targets).await;
    let support = app.login_as(Role::Support).await;
    let refused = approve_raw(&app, &support.access_token, &id).await;
    assert_eq!(error_code(&refused), Some("OUT_OF_STOCK"), "{refused}");
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(line_qty(&o, "CAM-001"), -1, "nothing written: {o}");
    assert_eq!(o["changeRequests"][0]["status"], "PENDING");
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn a_shipped_line_cannot_change_or_be_cancelled() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, _) = placed(&app, &c.access_token, &[("AUD-001", 2)]).await;
    pay_order(&app, &number).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let support = app.login_as(Role::Support).await;
    let resp = request_raw(
        &app,
        &support.access_token,
        &number,
        json!({ "setQuantities": [{ "sku": "AUD-001", "quantity": 1 }] }),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    let resp = cancel_lines_raw(
        &app,
        &support.access_token,
        &number,
        &[("AUD-001", 1)],
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    let o = order_after(&app, &c.access_token, &number).await;
    assert_eq!(line_qty(&o, "AUD-001"), 2);
    assert!(
        !o["serviceActions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a == "CHANGE_ORDER"),
        "{o}"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn a_change_racing_a_ship_one_wins_and_the_other_is_conflict() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, _) = placed(&app, &c.access_token, &[("AUD-001", 2)]).await;
    pay_order(&app, &number).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let o = order_after(&app, &c.access_token, &number).await;
    let shipment = o["shipments"][0]["id"]
        .as_str()
        .expect("shipment")
        .to_owned();
    for m in [
        "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
        "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 800) { status } }",
    ] {
        assert_ok(
            &app.gql_as(&warehouse.access_token, m, json!({ "id": shipment }))
                .await,
        );
    }
    // Picking started: the decrease waits for support.
    let resp = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "setQuantities": [{ "sku": "AUD-001", "quantity": 1 }] }),
        &new_key(),
    )
    .await;
    let r = &assert_ok(&resp)["requestOrderChange"];
    assert_eq!(r["status"], "PENDING", "{r}");
    let id = r["id"].as_str().expect("id").to_owned();
    let support = app.login_as(Role::Support).await;
    let ship = app.gql_as(
        &warehouse.access_token,
        "mutation($id: ID!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: \"SF123456789\") { status } }",
        json!({ "id": shipment }),
    );
    let approve = approve_raw(&app, &support.access_token, &id);
    let (ship, approve) = tokio::join!(ship, approve);
    let ship_ok = ship["errors"].is_null();
    let approve_ok = approve["errors"].is_null();
    assert!(
        ship_ok ^ approve_ok,
        "exactly one wins: ship {ship} approve {approve}"
    );
    let loser = if ship_ok { &approve } else { &ship };
    assert_eq!(error_code(loser), Some("CONFLICT"), "{loser}");
    let o = order_after(&app, &c.access_token, &number).await;
    if ship_ok {
        assert_eq!(line_qty(&o, "AUD-001"), 2, "{o}");
    } else {
        assert_eq!(line_qty(&o, "AUD-001"), 1, "{o}");
        assert_eq!(shipped_units(&o, "AUD-001"), 1, "re-opened for 1 unit: {o}");
    }
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn the_same_key_twice_changes_once() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("AUD-001", 3)]).await;
    pay_order(&app, &number).await;
    let key = new_key();
    let input = json!({ "setQuantities": [{ "sku": "AUD-001", "quantity": 2 }] });
    let (a, b) = tokio::join!(
        request_raw(&app, &c.access_token, &number, input.clone(), &key),
        request_raw(&app, &c.access_token, &number, input.clone(), &key)
    );
    let (a, b) = (
        &assert_ok(&a)["requestOrderChange"],
        &assert_ok(&b)["requestOrderChange"],
    );
    assert_eq!(a["id"], b["id"]);
    let o = wait_payments_settled(&app, &c.access_token, &number).await;
    assert_eq!(minor(&o["total"]["amount"]), total - 29_900);
    assert_eq!(kept(&o), total - 29_900, "refunded once: {o}");
    // The same key for another change is CONFLICT.
    let other = request_raw(
        &app,
        &c.access_token,
        &number,
        json!({ "setQuantities": [{ "sku": "AUD-001", "quantity": 1 }] }),
        &key,
    )
    .await;
    assert_eq!(error_code(&other), Some("CONFLICT"), "{other}");
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn a_customer_cannot_change_another_customers_order_and_support_rejects_with_a_reason() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let other = new_customer(&app).await;
    let (number, _) = placed(&app, &c.access_token, &[("AUD-001", 1)]).await;
    pay_order(&app, &number).await;
    let input = json!({ "addLines": [{ "sku": "BOO-001", "quantity": 1 }] });
    let resp = request_raw(
        &app,
        &other.access_token,
        &number,
        input.clone(),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let resp = cancel_lines_raw(
        &app,
        &other.access_token,
        &number,
        &[("AUD-001", 1)],
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let warehouse = app.login_as(Role::Warehouse).await;
    let resp = request_raw(
        &app,
        &warehouse.access_token,
        &number,
        input.clone(),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let r = request_raw(&app, &c.access_token, &number, input, &new_key()).await;
    let id = assert_ok(&r)["requestOrderChange"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let support = app.login_as(Role::Support).await;
    let reject = app
        .gql_as(
            &support.access_token,
            "mutation($id: ID!) { rejectChangeRequest(id: $id, reason: \"out of season\") { status reason } }",
            json!({ "id": id }),
        )
        .await;
    let j = &assert_ok(&reject)["rejectChangeRequest"];
    assert_eq!(j["status"], "REJECTED");
    assert_eq!(j["reason"], "out of season");
    let queue = app
        .gql_as(
            &c.access_token,
            "{ changeRequests { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&queue), Some("FORBIDDEN"), "{queue}");
    assert_ledger_balanced(&app).await;
}

/// The demo's change requests (see `services/demo_changes.rs`): an address
/// change applied at once and an addition waiting for support.
pub(crate) async fn assert_demo_changes(app: &TestApp) {
    let support = app.login_as(Role::Support).await.access_token;
    let resp = app
        .gql_as(
            &support,
            &format!("{{ changeRequests(first: 100) {{ totalCount counts {{ status count }} edges {{ node {{ {CHANGE_FIELDS} }} }} }} }}"),
            json!({}),
        )
        .await;
    let page = &assert_ok(&resp)["changeRequests"];
    let nodes: Vec<Value> = page["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(nodes[0]["status"], "PENDING", "pending first: {page}");
    assert!(
        nodes[0]["preview"]["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| l["sku"] == "CHG-003" && l["added"] == true),
        "{page}"
    );
    assert!(
        nodes.iter().any(|n| n["status"] == "APPLIED"),
        "an applied change: {page}"
    );
}

#[tokio::test]
async fn a_card_authorization_is_captured_for_the_new_total_when_the_parcel_ships() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let (number, total) = placed(&app, &c.access_token, &[("AUD-001", 2), ("CHG-003", 1)]).await;
    pay_online(&app, &c.access_token, &number, "CARD").await;
    let resp = cancel_lines_raw(
        &app,
        &c.access_token,
        &number,
        &[("AUD-001", 1)],
        &new_key(),
    )
    .await;
    let new_total = minor(&assert_ok(&resp)["cancelOrderLines"]["total"]["amount"]);
    assert_eq!(new_total, total - 29_900);
    // Nothing was captured, so nothing is refunded now.
    let o = order_payments(&app, &c.access_token, &number).await;
    assert_eq!(kept(&o), 0, "{o}");
    let warehouse = app.login_as(Role::Warehouse).await;
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let o = crate::order_helpers::wait_for_order(&app, &c.access_token, &number, "captured", |o| {
        kept(o) > 0
            && o["payments"]
                .as_array()
                .into_iter()
                .flatten()
                .all(crate::order_helpers::payment_settled)
    })
    .await;
    let refunded: i64 = o["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| minor(&p["refunded"]["amount"]))
        .sum();
    assert_eq!(
        kept(&o),
        new_total,
        "the parcel captured exactly the new total: {o}"
    );
    assert_eq!(refunded, 0, "{o}");
    assert_ledger_balanced(&app).await;
}
