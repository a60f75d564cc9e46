//! The demo data a newcomer starts with (`OMS_SEED_DEMO_ORDERS`, on by
//! default): the orders' emails are in the notification log and written as
//! `.eml` files to the data dir, and the demo partner endpoint's webhook log
//! shows its (failing) deliveries.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};

const LOG: &str = "query { webhookEndpoints { id url } }";

async fn deliveries(app: &TestApp, admin: &str, endpoint: &str) -> Vec<Value> {
    let q = "query($e: ID!) { webhookDeliveries(endpointId: $e, first: 50) { totalCount edges { node { eventTypeName status attempts error } } } }";
    let r = app.gql_as(admin, q, json!({ "e": endpoint })).await;
    assert_ok(&r)["webhookDeliveries"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_shows_sent_emails_and_a_partner_webhook_log() {
    let app = TestApp::builder()
        .env("OMS_SEED_DEMO_ORDERS", "true")
        .env("OMS_WEBHOOK_RETRY_BASE_MS", "50")
        .spawn()
        .await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let customer = app.login_as(Role::Customer).await.access_token;
    crate::reviews_helpers::assert_demo_reviews(&app).await;
    crate::returns::assert_demo_returns(&app).await;
    crate::order_changes::assert_demo_changes(&app).await;
    crate::tickets::assert_demo_tickets(&app).await;

    let endpoints = app.gql_as(&admin, LOG, json!({})).await;
    let endpoints = assert_ok(&endpoints)["webhookEndpoints"].clone();
    let demo = endpoints
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["url"].as_str().is_some_and(|u| u.contains(".invalid")))
        })
        .unwrap_or_else(|| panic!("no demo endpoint in {endpoints}"))["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // The demo orders' events become deliveries, tried and failing (the
    // partner's host never resolves), and emails, sent as files.
    let mut attempted = Vec::new();
    for _ in 0..200 {
        attempted = deliveries(&app, &admin, &demo).await;
        if attempted
            .iter()
            .any(|d| d["attempts"].as_i64() > Some(0) && d["error"].is_string())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        attempted
            .iter()
            .any(|d| d["eventTypeName"] == "order.placed"),
        "{attempted:?}"
    );
    assert!(
        attempted.iter().all(|d| d["status"] != "SUCCEEDED"),
        "nothing reaches a host that does not resolve: {attempted:?}"
    );
    assert!(
        attempted
            .iter()
            .any(|d| d["attempts"].as_i64() > Some(0) && d["error"].is_string()),
        "an attempt with its error: {attempted:?}"
    );

    let mine = app
        .gql_as(&customer, "{ myOrders(first: 50) { edges { node { number notifications { template status } } } } }", json!({}))
        .await;
    let orders = assert_ok(&mine)["myOrders"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(orders.len() >= 10, "the demo customer's orders: {mine}");
    let mut sent = 0;
    for _ in 0..200 {
        let mine = app
            .gql_as(
                &customer,
                "{ myOrders(first: 50) { edges { node { notifications { status } } } } }",
                json!({}),
            )
            .await;
        sent = assert_ok(&mine)["myOrders"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|e| {
                e["node"]["notifications"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|n| n["status"] == "SENT")
            .count();
        if sent >= orders.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        sent >= orders.len(),
        "at least one email per demo order was sent, {sent} were"
    );
    let files = std::fs::read_dir(app.data_dir().join("mail"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|f| f.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
        .unwrap_or(0);
    assert!(
        files >= sent,
        "one .eml per sent email: {files} files, {sent} sent"
    );
}
