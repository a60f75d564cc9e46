//! Live tracking in Chromium: the customer's open order page shows a
//! shipment's new status and its carrier event when the carrier's push
//! lands, without a reload.

use serde_json::json;

use super::{
    LIVE_WAIT, attribute, in_browser_with, sign_in_through_the_form, wait_for_js, wait_hydrated,
};
use crate::fulfillment_live::{SALT, push_form};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{fulfil, new_key, order_input, pay_order, place_order_ok};

async fn order_page_follows_a_carrier_push(app: &TestApp, client: &fantoccini::Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;
    let customer = app.login_as(Role::Customer).await;
    let keeper = app.login_as(Role::Warehouse).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("order number").to_owned();
    pay_order(app, &number).await;
    assert_eq!(
        fulfil(app, &keeper.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let q = "query($n: String!) { order(number: $n) { shipments { number trackingNumber } } }";
    let o = app
        .gql_as(&keeper.access_token, q, json!({ "n": number }))
        .await;
    let shipment = &assert_ok(&o)["order"]["shipments"][0];
    let nu = shipment["trackingNumber"]
        .as_str()
        .expect("tracking")
        .to_owned();
    let css = format!(
        "section.shipment[data-shipment='{}']",
        shipment["number"].as_str().expect("number")
    );

    client
        .goto(&app.url(&format!("/orders/{number}")))
        .await
        .expect("open the order page");
    wait_hydrated(client).await;
    assert_eq!(
        attribute(client, &css, "data-status").await,
        json!("SHIPPED")
    );
    wait_for_js(
        client,
        "the live subscription (<body data-live-order>)",
        "return document.body.getAttribute('data-live-order');",
        |v| v.as_str() == Some(number.as_str()),
    )
    .await;
    client
        .execute("window.__oms_marker = 42; return null;", vec![])
        .await
        .expect("set marker");

    // The carrier pushes its history (newer each time, as it does) until
    // the open page shows the parcel in transit.
    let http = reqwest::Client::new();
    let mut shown = false;
    for step in 1..=5 {
        let history: Vec<i64> = (1..=step).rev().collect();
        let reply = http
            .post(app.url("/webhooks/carriers/kuaidi100"))
            .form(&push_form(&nu, &history))
            .send()
            .await
            .expect("push");
        assert_eq!(reply.status(), 200);
        let deadline = tokio::time::Instant::now() + LIVE_WAIT / 2;
        while tokio::time::Instant::now() < deadline {
            if attribute(client, &css, "data-status").await == json!("IN_TRANSIT") {
                shown = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        if shown {
            break;
        }
    }
    assert!(
        shown,
        "the open order page never showed the carrier's update; page:\n{}",
        client.source().await.unwrap_or_default()
    );
    let carrier_events = wait_for_js(
        client,
        "the carrier's event in the shipment's history",
        &format!(
            "return document.querySelectorAll(\"{css} .shipment-event[data-source=CARRIER]\").length;"
        ),
        |v| v.as_u64().is_some_and(|n| n >= 1),
    )
    .await;
    assert!(carrier_events.as_u64() >= Some(1));
    let marker = client
        .execute("return window.__oms_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(marker, json!(42), "the update reloaded the page");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_order_page_shows_a_carrier_push_live() {
    in_browser_with(&[("OMS_CARRIER_CALLBACK_SALT", SALT)], |app, client| {
        Box::pin(order_page_follows_a_carrier_push(app, client))
    })
    .await;
}
