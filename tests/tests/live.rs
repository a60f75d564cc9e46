//! Live updates: order changes pushed to whoever may see the order, and
//! events crossing server instances that share one PostgreSQL database.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    fulfil, new_customer, new_key, order_input, pay_order_as, place_order_ok,
};

const ORDER_UPDATED: &str =
    "subscription($n: String!) { orderUpdated(number: $n) { sequence order { number status } } }";

#[tokio::test]
async fn the_customer_sees_their_order_change_live() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().unwrap().to_owned();
    let mut ws = app.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe("o1", ORDER_UPDATED, json!({ "n": number }))
        .await;

    // The subscription has no acknowledgement: keep moving the order along
    // until one change is seen, and check it is the change just made.
    let finance = app.login_as(Role::Finance).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let steps = [
        // Paying (finance records the transfer) confirms the order.
        (&finance, "PAY", "CONFIRMED"),
        // Then the warehouse works the order's shipments; the order follows.
        (&warehouse, "FULFIL", "PROCESSING"),
        (&warehouse, "FULFIL", "SHIPPED"),
        (&warehouse, "FULFIL", "DELIVERED"),
    ];
    let mut seen = None;
    for (who, action, status) in steps {
        if action == "PAY" {
            pay_order_as(&app, &who.access_token, &number).await;
        } else {
            assert_eq!(
                fulfil(&app, &who.access_token, &number, status).await,
                status
            );
        }
        // One step may take several shipment commands (pack, then ship):
        // read up to the update that reports this step's status.
        let mut msg = ws.next_message_within(Duration::from_secs(3)).await;
        while let Some(m) = &msg {
            if m["payload"]["data"]["orderUpdated"]["order"]["status"] == status {
                break;
            }
            msg = ws.next_message_within(Duration::from_secs(3)).await;
        }
        if let Some(msg) = msg {
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["data"]["orderUpdated"]["order"]["number"],
                number.as_str()
            );
            assert_eq!(
                msg["payload"]["data"]["orderUpdated"]["order"]["status"],
                status
            );
            seen = Some(status);
            break;
        }
    }
    assert!(seen.is_some(), "no live order update arrived");
}

#[tokio::test]
async fn a_stranger_cannot_follow_someone_elses_order() {
    let app = TestApp::spawn().await;
    let owner = new_customer(&app).await;
    let stranger = new_customer(&app).await;
    let order = place_order_ok(
        &app,
        &owner.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let mut ws = app.ws_connect(Some(&stranger.access_token)).await;
    ws.subscribe("o1", ORDER_UPDATED, json!({ "n": order["number"] }))
        .await;
    let msg = ws.next_message().await;
    // graphql-transport-ws reports a failed subscribe as `error` (or as a
    // `next` carrying errors); either way no data and NOT_FOUND.
    let code = match msg["type"].as_str() {
        Some("error") => msg["payload"][0]["extensions"]["code"].clone(),
        Some("next") => {
            assert!(
                msg["payload"]["data"].is_null()
                    || msg["payload"]["data"]["orderUpdated"].is_null(),
                "{msg}"
            );
            msg["payload"]["errors"][0]["extensions"]["code"].clone()
        }
        _ => panic!("unexpected message {msg}"),
    };
    assert_eq!(code, "NOT_FOUND", "{msg}");
}

/// Two instances on one PostgreSQL database: a stock change made through
/// one reaches a subscriber of the other (LISTEN/NOTIFY relay).
#[tokio::test]
async fn stock_events_cross_instances_sharing_postgres() {
    let first = TestApp::spawn().await;
    let Some(url) = first.database_url().map(str::to_owned) else {
        eprintln!("skipped: the cross-instance relay needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let second = TestApp::builder().env("DATABASE_URL", url).spawn().await;
    let mut ws = first.ws_connect(None).await;
    ws.subscribe(
        "s1",
        "subscription { productStockChanged(sku: \"TEA-001\") { sku warehouseCode onHand } }",
        json!({}),
    )
    .await;
    let warehouse = second.login_as(Role::Warehouse).await;
    let mut got = None;
    for _ in 0..10 {
        let resp = second
            .gql_as(
                &warehouse.access_token,
                "mutation { adjustStock(input: {sku: \"TEA-001\", warehouseCode: \"SHA\", delta: 1, reason: \"relay test\"}) { onHand } }",
                json!({}),
            )
            .await;
        let on_hand = assert_ok(&resp)["adjustStock"]["onHand"].clone();
        if let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["data"]["productStockChanged"]["sku"],
                "TEA-001"
            );
            assert_eq!(
                msg["payload"]["data"]["productStockChanged"]["onHand"],
                on_hand
            );
            got = Some(msg);
            break;
        }
    }
    assert!(
        got.is_some(),
        "the event never crossed to the other instance"
    );
}

/// Signing out through one instance ends the session on the other at once,
/// although each instance caches verified sessions for a few seconds.
#[tokio::test]
async fn logout_on_one_instance_ends_the_session_on_the_other() {
    // Instances of one deployment share the token secret.
    let secret = "a-shared-secret-for-both-instances-0123456789";
    let first = TestApp::builder().jwt_secret(secret).spawn().await;
    let Some(url) = first.database_url().map(str::to_owned) else {
        eprintln!("skipped: two instances need TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let second = TestApp::builder()
        .jwt_secret(secret)
        .env("DATABASE_URL", url)
        .spawn()
        .await;
    let tokens = first.login_as(Role::Customer).await;
    // Both instances have now verified (and cached) the session.
    for app in [&first, &second] {
        let me = app.me(&tokens.access_token).await;
        assert_eq!(me["email"], "customer@example.com", "{me}");
    }
    let out = second
        .gql_as(&tokens.access_token, "mutation { logout }", json!({}))
        .await;
    assert_eq!(assert_ok(&out)["logout"], true);
    // The eviction travels by NOTIFY: poll briefly, well inside the cache TTL.
    let mut rejected = false;
    for _ in 0..40 {
        let me = first
            .gql_as(&tokens.access_token, "{ me { email } }", json!({}))
            .await;
        if me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" {
            rejected = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        rejected,
        "the first instance still accepts the logged-out token"
    );
}
