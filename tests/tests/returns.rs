//! Returns and exchanges (RMA), end to end over HTTP: request → approve →
//! receive (restock, damaged, missing) → refund, with the stock ledger
//! balanced and the money adding up (captured − refunded = what the
//! customer keeps); the returnable quantity counting earlier returns; the
//! return window; who may do what; exchanges shipping a replacement
//! allocated through the ledger without moving the delivered order back;
//! and the completion job leaving an order with an open return alone.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, Tokens, assert_ok, error_code};
use crate::order_helpers::{
    assert_ledger_balanced, error_field, fulfil, minor, new_customer, new_key, order_input,
    order_payments, pay_order, place_order_ok, stock_levels,
};

/// The return fields the tests read.
pub const RETURN_FIELDS: &str = "id number status resolution reason note orderNumber \
    refundAmount { amount currencyCode } shippingRefund { amount } refundedAmount { amount } \
    rejectionReason availableActions createdAt approvedAt receivedAt refundedAt \
    exchangeShipment { id number status } \
    lines { sku name quantity reason unitPrice { amount } refund { amount } exchangeSku \
            receivedRestocked receivedDamaged receivedMissing restockWarehouseCode }";

/// Places, pays and delivers an order of `lines` for `customer`; returns its number.
pub async fn delivered_order(app: &TestApp, customer: &Tokens, lines: &[(&str, i64)]) -> String {
    let order = place_order_ok(app, &customer.access_token, order_input(&new_key(), lines)).await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(app, &number).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let status = fulfil(app, &warehouse.access_token, &number, "DELIVERED").await;
    assert_eq!(status, "DELIVERED", "{number}");
    number
}

/// A `ReturnRequestInput` of refund lines (sku, quantity, reason).
pub fn refund_input(lines: &[(&str, i64, &str)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(s, q, r)| json!({ "sku": s, "quantity": q, "reason": r }))
        .collect();
    json!({ "lines": lines, "resolution": "REFUND", "note": "test" })
}

/// The raw `requestReturn` response.
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
            "mutation($n: String!, $i: ReturnRequestInput!, $k: String!) {{ \
             requestReturn(number: $n, input: $i, idempotencyKey: $k) {{ {RETURN_FIELDS} }} }}"
        ),
        json!({ "n": number, "i": input, "k": key }),
    )
    .await
}

/// `requestReturn` that must succeed.
pub async fn request_ok(app: &TestApp, token: &str, number: &str, input: Value) -> Value {
    let resp = request_raw(app, token, number, input, &new_key()).await;
    assert_ok(&resp)["requestReturn"].clone()
}

/// A return command by id (`approveReturn`, `cancelReturn`), raw.
pub async fn by_id_raw(app: &TestApp, token: &str, field: &str, id: &str) -> Value {
    app.gql_as(
        token,
        &format!("mutation($id: ID!) {{ {field}(id: $id) {{ {RETURN_FIELDS} }} }}"),
        json!({ "id": id }),
    )
    .await
}

/// `receiveReturn`, raw: items are (sku, quantity, disposition, warehouse).
pub async fn receive_raw(
    app: &TestApp,
    token: &str,
    id: &str,
    items: &[(&str, i64, &str, Option<&str>)],
) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(
            |(s, q, d, w)| json!({ "sku": s, "quantity": q, "disposition": d, "warehouseCode": w }),
        )
        .collect();
    app.gql_as(
        token,
        &format!(
            "mutation($id: ID!, $items: [ReceiveReturnItemInput!]!) {{ \
             receiveReturn(id: $id, items: $items) {{ {RETURN_FIELDS} }} }}"
        ),
        json!({ "id": id, "items": items }),
    )
    .await
}

/// `refundReturn`, raw.
pub async fn refund_raw(app: &TestApp, token: &str, id: &str, key: &str) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($id: ID!, $k: String!) {{ refundReturn(id: $id, idempotencyKey: $k) {{ {RETURN_FIELDS} }} }}"
        ),
        json!({ "id": id, "k": key }),
    )
    .await
}

/// Captured and refunded over the order's payments (minor units).
pub async fn money(app: &TestApp, number: &str) -> (i64, i64) {
    let admin = app.login_as(Role::Admin).await;
    let order = order_payments(app, &admin.access_token, number).await;
    let payments = order["payments"].as_array().cloned().unwrap_or_default();
    let captured = payments
        .iter()
        .map(|p| minor(&p["captured"]["amount"]))
        .sum();
    let refunded = payments
        .iter()
        .map(|p| minor(&p["refunded"]["amount"]))
        .sum();
    (captured, refunded)
}

async fn service_actions(app: &TestApp, token: &str, number: &str) -> Vec<String> {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { serviceActions } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"]["serviceActions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_return_is_approved_received_per_unit_and_refunded_once_with_stock_and_money_adding_up() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("AUD-001", 2), ("MUG-001", 1)]).await;
    let (captured, refunded) = money(&app, &number).await;
    assert_eq!(refunded, 0);
    assert!(captured > 0);
    assert!(
        service_actions(&app, &customer.access_token, &number)
            .await
            .contains(&"RETURN_OR_EXCHANGE".to_string())
    );

    // Requested: priced before anyone confirms, waits for support (changed
    // mind, more than the auto-approval limit).
    let r = request_ok(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("AUD-001", 2, "CHANGED_MIND")]),
    )
    .await;
    assert_eq!(r["status"], "REQUESTED", "{r}");
    assert_eq!(minor(&r["refundAmount"]["amount"]), 2 * 29900);
    assert_eq!(r["lines"][0]["quantity"], 2);
    assert_eq!(r["availableActions"], json!(["CANCEL"]));
    let id = r["id"].as_str().expect("id").to_owned();
    assert!(r["number"].as_str().unwrap_or_default().starts_with("RMA-"));

    let support = app.login_as(Role::Support).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let finance = app.login_as(Role::Finance).await;
    let approved = by_id_raw(&app, &support.access_token, "approveReturn", &id).await;
    assert_eq!(assert_ok(&approved)["approveReturn"]["status"], "APPROVED");

    // Received: one back on the shelf in SHA, one damaged (received and
    // written off, also in SHA).
    let before = stock_levels(&app, &warehouse.access_token, "AUD-001").await;
    let received = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[
            ("AUD-001", 1, "RESTOCK", Some("SHA")),
            ("AUD-001", 1, "DAMAGED", Some("SHA")),
        ],
    )
    .await;
    let received = assert_ok(&received)["receiveReturn"].clone();
    assert_eq!(received["status"], "INSPECTED", "{received}");
    assert_eq!(received["lines"][0]["receivedRestocked"], 1);
    assert_eq!(received["lines"][0]["receivedDamaged"], 1);
    assert_eq!(received["lines"][0]["restockWarehouseCode"], "SHA");
    // Both arrived: both refunded (missing units would not be).
    assert_eq!(minor(&received["refundAmount"]["amount"]), 2 * 29900);
    let after = stock_levels(&app, &warehouse.access_token, "AUD-001").await;
    assert_eq!(after["SHA"].on_hand, before["SHA"].on_hand + 1);
    assert_eq!(after["SHA"].allocated, before["SHA"].allocated);
    assert_ledger_balanced(&app).await;

    // Finance sees the amount, then refunds it; the warehouse may not.
    let refused = refund_raw(&app, &warehouse.access_token, &id, &new_key()).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(money(&app, &number).await.1, 0);
    let key = new_key();
    let done = refund_raw(&app, &finance.access_token, &id, &key).await;
    let done = assert_ok(&done)["refundReturn"].clone();
    assert_eq!(done["status"], "REFUNDED", "{done}");
    assert_eq!(minor(&done["refundedAmount"]["amount"]), 2 * 29900);
    // A retry with the same key is the same refund; another key is refused.
    let again = refund_raw(&app, &finance.access_token, &id, &key).await;
    assert_eq!(assert_ok(&again)["refundReturn"]["status"], "REFUNDED");
    let other = refund_raw(&app, &finance.access_token, &id, &new_key()).await;
    assert_eq!(error_code(&other), Some("CONFLICT"), "{other}");
    let (captured_after, refunded_after) = money(&app, &number).await;
    assert_eq!(captured_after, captured);
    assert_eq!(refunded_after, 2 * 29900);
    // What the customer keeps is what they paid for and kept: one mug and shipping.
    assert_eq!(captured_after - refunded_after, captured - 2 * 29900);

    // The order's timeline tells the story; Order.returns lists it.
    let admin = app.login_as(Role::Admin).await;
    let order = order_payments(&app, &admin.access_token, &number).await;
    let notes: Vec<String> = order["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "RETURN")
        .filter_map(|e| e["note"].as_str().map(str::to_owned))
        .collect();
    for step in ["requested", "approved", "received", "refunded"] {
        assert!(notes.iter().any(|n| n.contains(step)), "{step}: {notes:?}");
    }
    let listed = app
        .gql_as(
            &customer.access_token,
            "query($n: String!) { order(number: $n) { returns { number status refundedAmount { amount } } } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(
        assert_ok(&listed)["order"]["returns"][0]["status"],
        "REFUNDED"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn returning_more_than_delivered_counting_earlier_returns_is_refused() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("MUG-001", 2)]).await;
    let token = &customer.access_token;

    let too_many = request_raw(
        &app,
        token,
        &number,
        refund_input(&[("MUG-001", 3, "DEFECTIVE")]),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&too_many), Some("INVALID_INPUT"), "{too_many}");
    assert_eq!(error_field(&too_many), Some("lines[0].quantity"));

    // A small request approves itself.
    let first = request_ok(
        &app,
        token,
        &number,
        refund_input(&[("MUG-001", 1, "SIZE_FIT")]),
    )
    .await;
    assert_eq!(first["status"], "APPROVED", "{first}");
    let second = request_ok(
        &app,
        token,
        &number,
        refund_input(&[("MUG-001", 1, "DEFECTIVE")]),
    )
    .await;
    assert_eq!(second["status"], "APPROVED", "{second}");
    let third = request_raw(
        &app,
        token,
        &number,
        refund_input(&[("MUG-001", 1, "DEFECTIVE")]),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&third), Some("INVALID_INPUT"), "{third}");
    assert_eq!(error_field(&third), Some("lines[0].quantity"));
    let msg = third["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("earlier returns"), "{msg}");
    // Not in the order at all.
    let foreign = request_raw(
        &app,
        token,
        &number,
        refund_input(&[("CAM-001", 1, "DEFECTIVE")]),
        &new_key(),
    )
    .await;
    assert_eq!(error_field(&foreign), Some("lines[0].sku"), "{foreign}");

    // A cancelled return gives its unit back.
    let id = first["id"].as_str().expect("id");
    let cancelled = by_id_raw(&app, token, "cancelReturn", id).await;
    assert_eq!(assert_ok(&cancelled)["cancelReturn"]["status"], "CANCELLED");
    request_ok(
        &app,
        token,
        &number,
        refund_input(&[("MUG-001", 1, "OTHER")]),
    )
    .await;

    let listed = app
        .gql_as(
            token,
            "{ myReturns { totalCount edges { node { status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&listed)["myReturns"]["totalCount"], 3);
    assert!(
        !service_actions(&app, token, &number)
            .await
            .contains(&"RETURN_OR_EXCHANGE".to_string()),
        "nothing is left to return"
    );
}

#[tokio::test]
async fn the_same_idempotency_key_gives_the_same_return() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("MUG-001", 2)]).await;
    let key = new_key();
    let input = refund_input(&[("MUG-001", 1, "DAMAGED")]);
    let a = request_raw(&app, &customer.access_token, &number, input.clone(), &key).await;
    let b = request_raw(&app, &customer.access_token, &number, input, &key).await;
    assert_eq!(
        assert_ok(&a)["requestReturn"]["id"],
        assert_ok(&b)["requestReturn"]["id"]
    );
    let listed = app
        .gql_as(
            &customer.access_token,
            "{ myReturns { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&listed)["myReturns"]["totalCount"], 1);
}

#[tokio::test]
async fn a_return_after_the_window_is_refused() {
    use sea_orm::{ConnectionTrait, Database};
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("MUG-001", 1)]).await;
    // The web channel takes returns for 0 days: the window has closed.
    let db = Database::connect(app.sql_url()).await.expect("open the db");
    db.execute_unprepared("UPDATE channels SET return_window_days = 0 WHERE code = 'web'")
        .await
        .expect("set the window");
    assert!(
        !service_actions(&app, &customer.access_token, &number)
            .await
            .contains(&"RETURN_OR_EXCHANGE".to_string())
    );
    let late = request_raw(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("MUG-001", 1, "DEFECTIVE")]),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&late), Some("CONFLICT"), "{late}");
    let msg = late["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("return window"), "{msg}");
    let listed = app
        .gql_as(
            &customer.access_token,
            "{ myReturns { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&listed)["myReturns"]["totalCount"], 0);
}

#[tokio::test]
async fn customers_see_only_their_own_returns_and_roles_are_kept_apart() {
    let app = TestApp::spawn().await;
    let owner = new_customer(&app).await;
    let other = new_customer(&app).await;
    let number = delivered_order(&app, &owner, &[("AUD-001", 1)]).await;
    let r = request_ok(
        &app,
        &owner.access_token,
        &number,
        refund_input(&[("AUD-001", 1, "CHANGED_MIND")]),
    )
    .await;
    let id = r["id"].as_str().expect("id").to_owned();

    // Another customer: NOT_FOUND, like a missing return.
    let seen = app
        .gql_as(
            &other.access_token,
            "query($id: ID!) { return(id: $id) { number } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&seen), Some("NOT_FOUND"), "{seen}");
    let cancel = by_id_raw(&app, &other.access_token, "cancelReturn", &id).await;
    assert_eq!(error_code(&cancel), Some("NOT_FOUND"), "{cancel}");
    let theirs = request_raw(
        &app,
        &other.access_token,
        &number,
        refund_input(&[("AUD-001", 1, "DEFECTIVE")]),
        &new_key(),
    )
    .await;
    assert_eq!(error_code(&theirs), Some("NOT_FOUND"), "{theirs}");
    let listed = app
        .gql_as(
            &other.access_token,
            "{ myReturns { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&listed)["myReturns"]["totalCount"], 0);
    let queue = app
        .gql_as(&other.access_token, "{ returns { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&queue), Some("FORBIDDEN"), "{queue}");

    // Customers do not approve; support does not receive or restock.
    let support = app.login_as(Role::Support).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let self_approve = by_id_raw(&app, &owner.access_token, "approveReturn", &id).await;
    assert_eq!(error_code(&self_approve), Some("FORBIDDEN"));
    let by_warehouse = by_id_raw(&app, &warehouse.access_token, "approveReturn", &id).await;
    assert_eq!(error_code(&by_warehouse), Some("FORBIDDEN"));
    assert_ok(&by_id_raw(&app, &support.access_token, "approveReturn", &id).await);
    let before = stock_levels(&app, &warehouse.access_token, "AUD-001").await;
    let by_support = receive_raw(
        &app,
        &support.access_token,
        &id,
        &[("AUD-001", 1, "RESTOCK", Some("SHA"))],
    )
    .await;
    assert_eq!(error_code(&by_support), Some("FORBIDDEN"), "{by_support}");
    assert_eq!(
        stock_levels(&app, &warehouse.access_token, "AUD-001").await,
        before
    );
    // Refunding before inspection is a conflict of state, not of role.
    let finance = app.login_as(Role::Finance).await;
    let early = refund_raw(&app, &finance.access_token, &id, &new_key()).await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "{early}");

    // The staff queue with counts per status.
    let queue = app
        .gql_as(
            &support.access_token,
            "query($n: String) { returns(filter: { orderNumber: $n }) { totalCount counts { status count } edges { node { number status } } } }",
            json!({ "n": number }),
        )
        .await;
    let queue = &assert_ok(&queue)["returns"];
    assert_eq!(queue["totalCount"], 1);
    let approved = queue["counts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["status"] == "APPROVED")
        .map(|c| c["count"].clone());
    assert_eq!(approved, Some(json!(1)), "{queue}");
}

#[tokio::test]
async fn receiving_must_account_for_every_unit_and_missing_units_are_not_refunded() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("AUD-001", 2)]).await;
    let r = request_ok(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("AUD-001", 2, "DEFECTIVE")]),
    )
    .await;
    // The merchant's fault: approved at once.
    assert_eq!(r["status"], "APPROVED", "{r}");
    let id = r["id"].as_str().expect("id").to_owned();
    let warehouse = app.login_as(Role::Warehouse).await;
    let short = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[("AUD-001", 1, "RESTOCK", Some("SHA"))],
    )
    .await;
    assert_eq!(error_code(&short), Some("INVALID_INPUT"), "{short}");
    assert_eq!(error_field(&short), Some("items"));
    let no_wh = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[("AUD-001", 2, "RESTOCK", None)],
    )
    .await;
    assert_eq!(
        error_field(&no_wh),
        Some("items[0].warehouseCode"),
        "{no_wh}"
    );
    let done = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[
            ("AUD-001", 1, "RESTOCK", Some("SHA")),
            ("AUD-001", 1, "MISSING", None),
        ],
    )
    .await;
    let done = assert_ok(&done)["receiveReturn"].clone();
    assert_eq!(done["status"], "INSPECTED");
    assert_eq!(done["lines"][0]["receivedMissing"], 1);
    // One unit arrived: one refunded; no shipping (not all came back).
    assert_eq!(minor(&done["refundAmount"]["amount"]), 29900);
    assert_eq!(minor(&done["shippingRefund"]["amount"]), 0);
    let twice = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[("AUD-001", 2, "RESTOCK", Some("SHA"))],
    )
    .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"), "{twice}");
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn the_whole_order_returned_for_a_defect_refunds_shipping_too() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("MUG-001", 1)]).await;
    let admin = app.login_as(Role::Admin).await;
    let order = order_payments(&app, &admin.access_token, &number).await;
    let total = minor(&order["total"]["amount"]);
    assert!(total > 4900, "the order has a shipping fee: {order}");
    let r = request_ok(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("MUG-001", 1, "DEFECTIVE")]),
    )
    .await;
    assert_eq!(minor(&r["refundAmount"]["amount"]), total);
    assert_eq!(minor(&r["shippingRefund"]["amount"]), total - 4900);
    let id = r["id"].as_str().expect("id");
    let warehouse = app.login_as(Role::Warehouse).await;
    assert_ok(
        &receive_raw(
            &app,
            &warehouse.access_token,
            id,
            &[("MUG-001", 1, "DAMAGED", Some("SHA"))],
        )
        .await,
    );
    let finance = app.login_as(Role::Finance).await;
    assert_ok(&refund_raw(&app, &finance.access_token, id, &new_key()).await);
    let (captured, refunded) = money(&app, &number).await;
    assert_eq!(captured, total);
    assert_eq!(refunded, total);
    assert_ledger_balanced(&app).await;
}

/// The demo seed's returns: one in each state the service desk works
/// (waiting for support, approved, waiting for finance, refunded,
/// rejected), all the demo customer's, with stock and money adding up.
pub async fn assert_demo_returns(app: &TestApp) {
    let support = app.login_as(Role::Support).await;
    let queue = app
        .gql_as(
            &support.access_token,
            "{ returns(first: 100) { totalCount counts { status count } } }",
            json!({}),
        )
        .await;
    let queue = &assert_ok(&queue)["returns"];
    let count = |status: &str| {
        queue["counts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["status"] == status)
            .and_then(|c| c["count"].as_i64())
            .unwrap_or(0)
    };
    for status in ["REQUESTED", "APPROVED", "INSPECTED", "REFUNDED", "REJECTED"] {
        assert!(count(status) >= 1, "no demo return {status}: {queue}");
    }
    let customer = app.login_as(Role::Customer).await;
    let mine = app
        .gql_as(
            &customer.access_token,
            "{ myReturns(first: 100) { totalCount edges { node { number status refundedAmount { amount } } } } }",
            json!({}),
        )
        .await;
    let mine = &assert_ok(&mine)["myReturns"];
    assert!(mine["totalCount"].as_i64() >= Some(5), "{mine}");
    let refunded = mine["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["node"]["status"] == "REFUNDED")
        .map(|e| minor(&e["node"]["refundedAmount"]["amount"]));
    // The tea, at its price.
    assert_eq!(refunded, Some(8800), "{mine}");
    assert_ledger_balanced(app).await;
}
