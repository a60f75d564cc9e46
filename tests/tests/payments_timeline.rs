//! Payments on the order timeline: each money movement and each system
//! decision carries a machine-readable detail (`payment`, `reason`), which
//! the portal words in the reader's language.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{new_key, order_input, pay_order, place_order_ok};

const EVENTS: &str = "query($n: String!) { order(number: $n) { status events { type to note reason \
payment { method kind status amount { amount currencyCode } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn payment_entries_say_what_moved_and_why_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 2)]),
    )
    .await;
    let number = order["number"].as_str().expect("number").to_owned();
    let total = order["total"]["amount"].as_str().expect("total").to_owned();
    pay_order(&app, &number).await;

    let resp = app
        .gql_as(&customer.access_token, EVENTS, json!({ "n": number }))
        .await;
    let o = &assert_ok(&resp)["order"];
    assert_eq!(o["status"], "CONFIRMED");
    let events = o["events"].as_array().expect("events");
    let payment = events
        .iter()
        .find(|e| e["type"] == "PAYMENT")
        .unwrap_or_else(|| panic!("no PAYMENT entry: {events:?}"));
    assert_eq!(
        payment["payment"],
        json!({"method": "BANK_TRANSFER", "kind": "CAPTURE", "status": "SUCCEEDED",
            "amount": {"amount": total, "currencyCode": "CNY"}})
    );
    assert_eq!(payment["reason"], json!(null));
    let confirmed = events
        .iter()
        .find(|e| e["type"] == "STATUS_CHANGED" && e["to"] == "CONFIRMED")
        .unwrap_or_else(|| panic!("no confirmation entry: {events:?}"));
    assert_eq!(confirmed["reason"], "PAYMENT_RECEIVED");
    assert_eq!(confirmed["payment"], json!(null));
    let placed = &events[0];
    assert_eq!(placed["type"], "PLACED");
    assert_eq!(
        placed["reason"],
        json!(null),
        "people's entries carry no reason"
    );

    // The customer's order page, in Chinese, words both entries in Chinese.
    let client = app.cookie_client();
    let login = client
        .post(app.url("/auth/login"))
        .header(reqwest::header::ORIGIN, &app.addr)
        .form(&[
            ("email", Role::Customer.email()),
            ("password", Role::Customer.password()),
            ("next", "/".to_string()),
        ])
        .send()
        .await
        .expect("form login");
    assert!(login.status().is_redirection(), "{}", login.status());
    let switched = client
        .get(app.url("/lang/zh"))
        .send()
        .await
        .expect("GET /lang/zh");
    assert!(switched.status().is_redirection());
    let page = client
        .get(app.url(&format!("/orders/{number}")))
        .send()
        .await
        .expect("GET the order page in Chinese")
        .text()
        .await
        .expect("body");
    assert!(page.contains("lang=\"zh"), "not the Chinese page");
    assert!(
        page.contains("已收到付款"),
        "the confirmation reason is not in Chinese"
    );
    assert!(
        page.contains("银行转账") && page.contains(&format!("¥{total}")),
        "the payment entry is not worded in Chinese with its amount"
    );
    // What the timeline shows (the page also carries the API's data for
    // hydration, English notes included, which nobody sees).
    let shown: Vec<&str> = page
        .split("class=\"event-note")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').and_then(|(_, t)| t.split_once("</q>")))
        .map(|(text, _)| text)
        .collect();
    assert!(shown.iter().any(|t| t.contains("已收到付款")), "{shown:?}");
    assert!(
        shown
            .iter()
            .all(|t| !t.contains("CAPTURE") && !t.contains("payment received")),
        "an English system note is shown on the Chinese page: {shown:?}"
    );
}
