//! Live events over graphql-transport-ws: `productStockChanged` is fed by
//! `adjustStock` after the change commits.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{GqlWs, Role, TestApp, assert_ok};

const SUBSCRIPTION: &str = "subscription($sku: String!) { productStockChanged(sku: $sku) { sku warehouseCode onHand available } }";
const ADJUST: &str = "mutation($input: AdjustStockInput!) { adjustStock(input: $input) { sku onHand allocated available warehouse { code } } }";

/// How many times we re-run the mutation while waiting for the server to
/// register a fresh subscription (the protocol has no "subscribed" ack).
const ATTEMPTS: usize = 10;

async fn adjust(app: &TestApp, token: &str, sku: &str, warehouse: &str, delta: i64) -> Value {
    let resp = app
        .gql_as(
            token,
            ADJUST,
            json!({ "input": { "sku": sku, "warehouseCode": warehouse, "delta": delta, "reason": "count correction" } }),
        )
        .await;
    assert_ok(&resp)["adjustStock"].clone()
}

/// Adjusts `sku` until the subscription delivers a `next`; returns the event
/// and the adjustStock results issued so far.
async fn adjust_until_event(
    app: &TestApp,
    ws: &mut GqlWs,
    token: &str,
    sku: &str,
    warehouse: &str,
) -> (Value, Vec<Value>) {
    let mut results = Vec::new();
    for _ in 0..ATTEMPTS {
        results.push(adjust(app, token, sku, warehouse, 5).await);
        if let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            return (msg, results);
        }
    }
    panic!("no productStockChanged event after {ATTEMPTS} adjustments of {sku}");
}

#[tokio::test(flavor = "multi_thread")]
async fn product_stock_changed_delivers_the_new_on_hand_after_adjust_stock() {
    let app = TestApp::spawn().await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let mut ws = app.ws_connect(None).await;
    ws.subscribe("1", SUBSCRIPTION, json!({ "sku": "AUD-001" }))
        .await;

    let (msg, results) =
        adjust_until_event(&app, &mut ws, &warehouse.access_token, "AUD-001", "SHA").await;
    assert_eq!(msg["type"], "next", "expected a next message, got {msg}");
    assert_eq!(msg["id"], "1");
    let change = &msg["payload"]["data"]["productStockChanged"];
    assert_eq!(change["sku"], "AUD-001");
    assert_eq!(change["warehouseCode"], "SHA");
    let matching = results.iter().find(|r| r["onHand"] == change["onHand"]);
    let result = matching.unwrap_or_else(|| {
        panic!(
            "event onHand {} matches no adjustStock result: {results:?}",
            change["onHand"]
        )
    });
    assert_eq!(result["warehouse"]["code"], "SHA");
    assert_eq!(change["available"], result["available"]);

    // Each adjustment added 5 on hand, and the next one is delivered too.
    let last = adjust(&app, &warehouse.access_token, "AUD-001", "SHA", 5).await;
    assert_eq!(
        last["onHand"].as_i64().expect("onHand"),
        results.last().expect("one result")["onHand"]
            .as_i64()
            .expect("onHand")
            + 5
    );
    let mut seen_last = false;
    while let Some(msg) = ws.next_message_within(Duration::from_secs(10)).await {
        assert_eq!(msg["type"], "next", "{msg}");
        if msg["payload"]["data"]["productStockChanged"]["onHand"] == last["onHand"] {
            seen_last = true;
            break;
        }
    }
    assert!(
        seen_last,
        "the event for onHand {} never arrived",
        last["onHand"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn product_stock_changed_only_delivers_the_subscribed_sku() {
    let app = TestApp::spawn().await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let token = warehouse.access_token.as_str();

    // Find a warehouse that stocks the tea (every product has stock somewhere).
    let levels = app
        .gql_as(
            token,
            r#"{ stockLevels(sku: "TEA-001") { warehouse { code } onHand } }"#,
            json!({}),
        )
        .await;
    let tea_warehouse = assert_ok(&levels)["stockLevels"][0]["warehouse"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("TEA-001 has no stock level: {levels}"))
        .to_owned();

    let mut ws = app.ws_connect(Some(token)).await;
    ws.subscribe("tea-watch", SUBSCRIPTION, json!({ "sku": "AUD-001" }))
        .await;

    for _ in 0..ATTEMPTS {
        adjust(&app, token, "TEA-001", &tea_warehouse, 1).await;
        adjust(&app, token, "AUD-001", "SHA", 1).await;
        if let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["data"]["productStockChanged"]["sku"], "AUD-001",
                "an event for another SKU leaked into the subscription: {msg}"
            );
            return;
        }
    }
    panic!("no productStockChanged event for AUD-001 after {ATTEMPTS} attempts");
}
