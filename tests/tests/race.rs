//! THE RACE (issue 3): 200 concurrent buyers over real HTTP for the last
//! 10 units of a SKU. Exactly 10 orders, everyone else OUT_OF_STOCK, and the
//! stock never goes below zero.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok, error_code};
use crate::order_helpers::*;

const SKU: &str = "AUD-001";
const CUSTOMERS: usize = 20;
const REQUESTS_PER_CUSTOMER: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_buyers_of_the_last_ten_units_get_exactly_ten_orders() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    // Exactly 10 left, spread over two warehouses.
    set_available(&app, &keeper.access_token, SKU, &[("SHA", 4), ("CAN", 6)]).await;
    assert_eq!(available(&app, SKU).await, 10);

    let customers = join_all((0..CUSTOMERS).map(|i| {
        let app = &app;
        async move { register_customer(app, &format!("racer-{i}@example.com")).await }
    }))
    .await;

    // Every request is its own task on a multi-threaded runtime, released
    // together by a barrier.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(CUSTOMERS * REQUESTS_PER_CUSTOMER));
    let url = app.url("/graphql");
    let query = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number lines { sku quantity } } }";
    let mut tasks = Vec::new();
    for c in &customers {
        for _ in 0..REQUESTS_PER_CUSTOMER {
            let client = app.http().clone();
            let url = url.clone();
            let token = c.access_token.clone();
            let barrier = barrier.clone();
            let body = json!({
                "query": query,
                "variables": { "input": order_input(&new_key(), &[(SKU, 1)]) },
            });
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let resp = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .expect("POST /graphql");
                let text = resp.text().await.expect("read body");
                serde_json::from_str::<Value>(&text)
                    .unwrap_or_else(|e| panic!("non-JSON response ({e}): {text}"))
            }));
        }
    }
    let mut responses = Vec::new();
    for t in tasks {
        responses.push(t.await.expect("request task"));
    }

    let mut numbers = BTreeSet::new();
    let mut out_of_stock = 0;
    let mut other = Vec::new();
    for r in &responses {
        match error_code(r) {
            None => {
                let n = r["data"]["placeOrder"]["number"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no number in {r}"));
                numbers.insert(n.to_owned());
            }
            Some("OUT_OF_STOCK") => {
                assert_eq!(r["errors"][0]["extensions"]["skus"], json!([SKU]), "{r}");
                out_of_stock += 1;
            }
            Some(_) => other.push(r.clone()),
        }
    }
    assert!(
        other.is_empty(),
        "every response is an order or OUT_OF_STOCK; {} were not, e.g. {}",
        other.len(),
        other[0]
    );
    assert_eq!(numbers.len(), 10, "exactly 10 orders: {numbers:?}");
    assert_eq!(out_of_stock, 190);

    let levels = stock_levels(&app, &keeper.access_token, SKU).await;
    for (wh, l) in &levels {
        assert!(
            l.allocated >= 0 && l.allocated <= l.on_hand,
            "{wh}: allocated {} > on hand {}",
            l.allocated,
            l.on_hand
        );
        assert_eq!(l.available, l.on_hand - l.allocated);
    }
    let allocated: i64 = levels.values().map(|l| l.allocated).sum();
    assert_eq!(allocated, 10, "{levels:?}");
    assert_eq!(available(&app, SKU).await, 0);
    let mut placed = 0;
    for c in &customers {
        placed += my_orders_count(&app, &c.access_token).await;
    }
    assert_eq!(placed, 10, "the customers' order lists hold 10 orders");
    let admin = app.login_as(Role::Admin).await;
    let resp = app
        .gql_as(
            &admin.access_token,
            "{ orders(filter: { sku: \"AUD-001\" }, first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["orders"]["totalCount"], 10);
    assert_ledger_balanced(&app).await;
}
