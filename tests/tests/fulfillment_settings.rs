//! The merchant's fulfillment settings over the API: an admin changes a
//! delivery method's rate (quotes and new orders follow; placed orders keep
//! their fee) and a region's warehouse ranking (nearest-region routing
//! follows); bad input names the field and changes nothing; other roles
//! are refused.

use serde_json::{Value, json};

use crate::fulfillment::{events_of, input, order_of, place};
use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};
use crate::order_helpers::{error_field, minor, new_customer, set_available, shipping_quote};

const SET_RATE: &str = "mutation($i: ShippingRateInput!) { setShippingRate(input: $i) { \
    method flat { amount } perKg { amount } perItem { amount } freeAbove { amount } } }";
const SET_REGION: &str = "mutation($r: String!, $w: [String!]!) { \
    setRegionWarehouses(region: $r, warehouseCodes: $w) { region warehouse rank } }";

async fn rates(app: &TestApp) -> Value {
    app.gql(
        "{ shippingRates { method flat { amount } perKg { amount } perItem { amount } freeAbove { amount } } }",
        json!({}),
    )
    .await
}

async fn region_table(app: &TestApp, token: &str) -> Value {
    app.gql_as(
        token,
        "{ regionWarehouses { region warehouse rank } }",
        json!({}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_changes_a_rate_and_new_orders_are_charged_by_it() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let customer = new_customer(&app).await.access_token;
    let lines = [("TEA-001", 2)];
    let before = shipping_quote(&app, &lines, "POSTAL").await;
    let placed_before = place(&app, &customer, input(&lines, "POSTAL")).await;

    let rate = json!({"method": "POSTAL", "flatMinor": 1200, "perKgMinor": 0, "perItemMinor": 50, "freeAboveMinor": null});
    let saved =
        assert_ok(&app.gql_as(&admin, SET_RATE, json!({ "i": rate })).await)["setShippingRate"]
            .clone();
    assert_eq!(saved["flat"]["amount"], "12.00", "{saved}");
    assert_eq!(saved["freeAbove"], Value::Null, "never free now: {saved}");
    let after = shipping_quote(&app, &lines, "POSTAL").await;
    assert_eq!(after, 1200 + 2 * 50);
    assert_ne!(before, after);
    let number = place(&app, &customer, input(&lines, "POSTAL")).await;
    let order = order_of(&app, &admin, &number).await;
    assert_eq!(minor(&order["shippingFee"]["amount"]), after, "{order}");
    let old = order_of(&app, &admin, &placed_before).await;
    assert_eq!(
        minor(&old["shippingFee"]["amount"]),
        before,
        "a placed order keeps its fee"
    );

    // Bad input names the field and changes nothing; only admins may.
    let table = rates(&app).await;
    let bad = json!({"method": "POSTAL", "flatMinor": -1, "perKgMinor": 0, "perItemMinor": 0});
    let resp = app.gql_as(&admin, SET_RATE, json!({ "i": bad })).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("flatMinor"), "{resp}");
    for role in [
        Role::Warehouse,
        Role::Finance,
        Role::Support,
        Role::Customer,
    ] {
        let token = app.login_as(role).await.access_token;
        let resp = app.gql_as(&token, SET_RATE, json!({ "i": rate })).await;
        assert_error_code(&resp, "FORBIDDEN");
    }
    assert_eq!(rates(&app).await, table);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_ranks_warehouses_for_a_region_and_routing_follows() {
    let app = TestApp::builder()
        .env("OMS_ROUTING_STRATEGY", "nearest_region")
        .spawn()
        .await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &keeper, "TEA-002", &[("SHA", 10), ("CAN", 10)]).await;
    let customer = new_customer(&app).await.access_token;
    // A new order to Yunnan each time (its own idempotency key).
    let yunnan = || {
        let mut i = input(&[("TEA-002", 1)], "POSTAL");
        i["shippingAddress"]["region"] = json!("Yunnan");
        i
    };

    // Not in the table: warehouse priority decides (SHA).
    let number = place(&app, &customer, yunnan()).await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(
        events_of(&order, "ROUTED")[0]["note"],
        "nearest region: all 1 line from SHA"
    );

    let ranked = app
        .gql_as(
            &admin,
            SET_REGION,
            json!({ "r": "Yunnan", "w": ["can", "SHA"] }),
        )
        .await;
    assert_eq!(
        assert_ok(&ranked)["setRegionWarehouses"],
        json!([
            {"region": "Yunnan", "warehouse": "CAN", "rank": 1},
            {"region": "Yunnan", "warehouse": "SHA", "rank": 2},
        ])
    );
    let number = place(&app, &customer, yunnan()).await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(
        events_of(&order, "ROUTED")[0]["note"],
        "nearest region: all 1 line from CAN"
    );

    // Bad input names the field and changes nothing; only admins may.
    let before = region_table(&app, &keeper).await;
    let resp = app
        .gql_as(
            &admin,
            SET_REGION,
            json!({ "r": "Yunnan", "w": ["SHA", "NOPE"] }),
        )
        .await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("warehouseCodes[1]"), "{resp}");
    let resp = app
        .gql_as(
            &admin,
            SET_REGION,
            json!({ "r": "Yunnan", "w": ["SHA", "sha"] }),
        )
        .await;
    assert_eq!(error_field(&resp), Some("warehouseCodes[1]"), "{resp}");
    let resp = app
        .gql_as(&keeper, SET_REGION, json!({ "r": "Yunnan", "w": [] }))
        .await;
    assert_error_code(&resp, "FORBIDDEN");
    assert_eq!(region_table(&app, &keeper).await, before);

    // An empty list removes the region again.
    let cleared = app
        .gql_as(&admin, SET_REGION, json!({ "r": "yunnan", "w": [] }))
        .await;
    assert_eq!(assert_ok(&cleared)["setRegionWarehouses"], json!([]));
    let number = place(&app, &customer, yunnan()).await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(
        events_of(&order, "ROUTED")[0]["note"],
        "nearest region: all 1 line from SHA"
    );
}
