//! Returns under concurrency and over time: two requests for the last unit
//! of a line (one wins), two refunds of one return (one refund), an
//! exchange's replacement shipment (allocated through the ledger, worked
//! to delivery without moving the delivered order back, capturing
//! nothing), and the completion job leaving an order with an open return
//! DELIVERED.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{
    assert_ledger_balanced, error_field, minor, new_customer, new_key, stock_levels,
};
use crate::returns::{
    by_id_raw, delivered_order, money, receive_raw, refund_input, refund_raw, request_ok,
    request_raw,
};

#[tokio::test]
async fn two_returns_racing_for_the_last_unit_of_a_line_one_wins() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("MUG-001", 1)]).await;
    let support = app.login_as(Role::Support).await;
    for round in 0..3 {
        let input = refund_input(&[("MUG-001", 1, "DEFECTIVE")]);
        let (k1, k2) = (new_key(), new_key());
        let (a, b) = tokio::join!(
            request_raw(&app, &customer.access_token, &number, input.clone(), &k1),
            request_raw(&app, &support.access_token, &number, input, &k2),
        );
        let won: Vec<_> = [&a, &b]
            .into_iter()
            .filter(|r| r["errors"].is_null())
            .collect();
        assert_eq!(won.len(), 1, "round {round}: {a} / {b}");
        let lost = if a["errors"].is_null() { &b } else { &a };
        assert_eq!(error_code(lost), Some("INVALID_INPUT"), "{lost}");
        assert_eq!(error_field(lost), Some("lines[0].quantity"));
        // Withdraw the winner so the next round races again.
        let id = won[0]["data"]["requestReturn"]["id"].as_str().expect("id");
        assert_ok(&by_id_raw(&app, &support.access_token, "cancelReturn", id).await);
    }
}

#[tokio::test]
async fn racing_refunds_of_one_return_refund_once() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("AUD-001", 1), ("MUG-001", 1)]).await;
    let r = request_ok(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("AUD-001", 1, "DEFECTIVE")]),
    )
    .await;
    let id = r["id"].as_str().expect("id").to_owned();
    let warehouse = app.login_as(Role::Warehouse).await;
    assert_ok(
        &receive_raw(
            &app,
            &warehouse.access_token,
            &id,
            &[("AUD-001", 1, "RESTOCK", Some("SHA"))],
        )
        .await,
    );
    let (captured, _) = money(&app, &number).await;
    let finance = app.login_as(Role::Finance).await;
    let admin = app.login_as(Role::Admin).await;
    let (k1, k2) = (new_key(), new_key());
    let (a, b) = tokio::join!(
        refund_raw(&app, &finance.access_token, &id, &k1),
        refund_raw(&app, &admin.access_token, &id, &k2),
    );
    let ok = [&a, &b].iter().filter(|r| r["errors"].is_null()).count();
    assert_eq!(ok, 1, "{a} / {b}");
    let lost = if a["errors"].is_null() { &b } else { &a };
    assert_eq!(error_code(lost), Some("CONFLICT"), "{lost}");
    let (captured_after, refunded) = money(&app, &number).await;
    assert_eq!(captured_after, captured);
    assert_eq!(refunded, 29900, "refunded exactly once");
}

#[tokio::test]
async fn an_exchange_ships_a_replacement_allocated_through_the_ledger_and_the_order_stays_delivered()
 {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("KBD-002", 1)]).await;
    let (captured, _) = money(&app, &number).await;
    // A replacement of another price is refused, naming the field.
    let pricier = request_raw(
        &app,
        &customer.access_token,
        &number,
        json!({ "lines": [{ "sku": "KBD-002", "quantity": 1, "reason": "SIZE_FIT" }],
                "resolution": "EXCHANGE", "exchangeSkus": ["KBD-001"] }),
        &new_key(),
    )
    .await;
    assert_eq!(error_field(&pricier), Some("exchangeSkus[0]"), "{pricier}");
    let r = request_raw(
        &app,
        &customer.access_token,
        &number,
        json!({ "lines": [{ "sku": "KBD-002", "quantity": 1, "reason": "SIZE_FIT" }],
                "resolution": "EXCHANGE", "exchangeSkus": ["MUG-002"] }),
        &new_key(),
    )
    .await;
    let r = assert_ok(&r)["requestReturn"].clone();
    assert_eq!(r["resolution"], "EXCHANGE");
    assert_eq!(minor(&r["refundAmount"]["amount"]), 0);
    assert_eq!(
        r["status"], "APPROVED",
        "nothing to refund: approved by rule"
    );
    let id = r["id"].as_str().expect("id").to_owned();

    let warehouse = app.login_as(Role::Warehouse).await;
    let before: i64 = stock_levels(&app, &warehouse.access_token, "MUG-002")
        .await
        .values()
        .map(|l| l.allocated)
        .sum();
    let done = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[("KBD-002", 1, "RESTOCK", Some("SHA"))],
    )
    .await;
    let done = assert_ok(&done)["receiveReturn"].clone();
    assert_eq!(done["status"], "EXCHANGED", "{done}");
    assert_eq!(done["exchangeShipment"]["status"], "PENDING");
    let after: i64 = stock_levels(&app, &warehouse.access_token, "MUG-002")
        .await
        .values()
        .map(|l| l.allocated)
        .sum();
    assert_eq!(after, before + 1, "the replacement is allocated");
    assert_ledger_balanced(&app).await;

    // Work the replacement to delivery: the order stays DELIVERED, no
    // money moves.
    let sid = done["exchangeShipment"]["id"]
        .as_str()
        .expect("sid")
        .to_owned();
    for (m, vars) in [
        (
            "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
            json!({ "id": sid }),
        ),
        (
            "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 500) { status } }",
            json!({ "id": sid }),
        ),
        (
            "mutation($id: ID!, $t: String!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: $t) { status } }",
            json!({ "id": sid, "t": format!("SF{}", &uuid::Uuid::new_v4().simple().to_string()[..12]) }),
        ),
        (
            "mutation($id: ID!) { recordTrackingEvent(shipmentId: $id, status: DELIVERED, description: \"signed\") { status } }",
            json!({ "id": sid }),
        ),
    ] {
        assert_ok(&app.gql_as(&warehouse.access_token, m, vars).await);
        let o = app
            .gql_as(
                &warehouse.access_token,
                "query($n: String!) { order(number: $n) { status } }",
                json!({ "n": number }),
            )
            .await;
        assert_eq!(assert_ok(&o)["order"]["status"], "DELIVERED", "after {m}");
    }
    // Let any after-commit settlement run, then check no capture happened.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(money(&app, &number).await, (captured, 0));
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn an_order_with_an_open_return_does_not_complete() {
    let app = TestApp::builder()
        .env("OMS_RETURN_WINDOW_SECS", "4")
        .env("OMS_FULFILLMENT_SWEEP_SECS", "1")
        .spawn()
        .await;
    let customer = new_customer(&app).await;
    // The return is requested at once, well inside the 4 s the job waits.
    let held = delivered_order(&app, &customer, &[("MUG-001", 1)]).await;
    let r = request_ok(
        &app,
        &customer.access_token,
        &held,
        refund_input(&[("MUG-001", 1, "CHANGED_MIND")]),
    )
    .await;
    let free = delivered_order(&app, &customer, &[("MUG-001", 1)]).await;
    let status = |n: String| {
        let app = &app;
        let token = customer.access_token.clone();
        async move {
            let o = app
                .gql_as(
                    &token,
                    "query($n: String!) { order(number: $n) { status } }",
                    json!({ "n": n }),
                )
                .await;
            assert_ok(&o)["order"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while status(free.clone()).await != "COMPLETED" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{free} never completed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // The job has run past the held order's window (delivered before the
    // other): it waits for its return.
    assert_eq!(status(held.clone()).await, "DELIVERED");
    // Withdrawn: nothing holds it any more.
    let id = r["id"].as_str().expect("id");
    assert_ok(&by_id_raw(&app, &customer.access_token, "cancelReturn", id).await);
    while status(held.clone()).await != "COMPLETED" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{held} never completed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_exchange_with_no_replacement_in_stock_is_out_of_stock_and_writes_nothing() {
    use crate::order_helpers::set_available;
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("KBD-002", 1)]).await;
    let r = request_raw(
        &app,
        &customer.access_token,
        &number,
        json!({ "lines": [{ "sku": "KBD-002", "quantity": 1, "reason": "WRONG_ITEM" }],
                "resolution": "EXCHANGE", "exchangeSkus": ["MUG-002"] }),
        &new_key(),
    )
    .await;
    let id = assert_ok(&r)["requestReturn"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let warehouse = app.login_as(Role::Warehouse).await;
    set_available(&app, &warehouse.access_token, "MUG-002", &[]).await;
    let before = stock_levels(&app, &warehouse.access_token, "KBD-002").await;
    let refused = receive_raw(
        &app,
        &warehouse.access_token,
        &id,
        &[("KBD-002", 1, "RESTOCK", Some("SHA"))],
    )
    .await;
    assert_eq!(error_code(&refused), Some("OUT_OF_STOCK"), "{refused}");
    // Nothing half-written: not received, not restocked.
    assert_eq!(
        stock_levels(&app, &warehouse.access_token, "KBD-002").await,
        before
    );
    let now = app
        .gql_as(
            &customer.access_token,
            "query($id: ID!) { return(id: $id) { status exchangeShipment { id } lines { receivedRestocked } } }",
            json!({ "id": id }),
        )
        .await;
    let now = &assert_ok(&now)["return"];
    assert_eq!(now["status"], "APPROVED", "{now}");
    assert!(now["exchangeShipment"].is_null());
    assert_eq!(now["lines"][0]["receivedRestocked"], 0);
    assert_ledger_balanced(&app).await;
}
