//! Live tracking across instances: a customer follows their order on one
//! instance while the carrier's push lands on another (PostgreSQL
//! LISTEN/NOTIFY relays the change).

use std::time::Duration;

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{fulfil, new_key, order_input, pay_order, place_order_ok};

pub(crate) const SALT: &str = "shared-carrier-salt-for-both";

/// A Kuaidi100 push for `nu`: one in-transit event per minute offset given
/// (newest first; the event at offset m happened 60 - m minutes ago),
/// signed with [`SALT`].
pub(crate) fn push_form(nu: &str, minutes: &[i64]) -> Vec<(String, String)> {
    let data: Vec<Value> = minutes
        .iter()
        .map(|m| {
            let t = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("utc+8"))
                - chrono::Duration::minutes(60 - m);
            let t = t.format("%Y-%m-%d %H:%M:%S").to_string();
            json!({"time": t, "ftime": t, "context": format!("sorting centre, step {m}"), "areaName": "Hangzhou", "status": "在途"})
        })
        .collect();
    let param = json!({
        "status": "polling", "billstatus": "got", "message": "",
        "lastResult": {"message": "ok", "nu": nu, "ischeck": "0", "condition": "00",
            "com": "shunfeng", "status": "200", "state": "0", "data": data}
    })
    .to_string();
    let sign: String = Md5::digest(format!("{param}{SALT}").as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    vec![("param".into(), param), ("sign".into(), sign)]
}

#[tokio::test]
async fn a_carrier_push_on_one_instance_reaches_a_subscriber_on_another() {
    let first = TestApp::builder()
        .env("OMS_CARRIER_CALLBACK_SALT", SALT)
        .spawn()
        .await;
    let Some(url) = first.database_url().map(str::to_owned) else {
        eprintln!("skipped: two instances need TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let second = TestApp::builder()
        .env("OMS_CARRIER_CALLBACK_SALT", SALT)
        .env("DATABASE_URL", url)
        .spawn()
        .await;
    let customer = first.login_as(Role::Customer).await;
    let keeper = first.login_as(Role::Warehouse).await;
    let order = place_order_ok(
        &first,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(&first, &number).await;
    assert_eq!(
        fulfil(&first, &keeper.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let q = "query($n: String!) { order(number: $n) { shipments { trackingNumber } } }";
    let o = first
        .gql_as(&keeper.access_token, q, json!({ "n": number }))
        .await;
    let nu = assert_ok(&o)["order"]["shipments"][0]["trackingNumber"]
        .as_str()
        .expect("tracking number")
        .to_owned();

    let mut ws = first.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe(
        "o1",
        "subscription($n: String!) { orderUpdated(number: $n) { sequence order { number status } } }",
        json!({ "n": number }),
    )
    .await;
    // The subscription is not acknowledged: push newer snapshots to the
    // other instance until one update arrives here.
    let client = reqwest::Client::new();
    let mut seen = None;
    for step in 1..=10 {
        let history: Vec<i64> = (1..=step).rev().collect();
        let reply = client
            .post(second.url("/webhooks/carriers/kuaidi100"))
            .form(&push_form(&nu, &history))
            .send()
            .await
            .expect("push");
        assert_eq!(reply.status(), 200);
        let body: Value = reply.json().await.expect("reply json");
        assert_eq!(
            body,
            json!({"result": true, "returnCode": "200", "message": "成功"})
        );
        if let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            assert_eq!(msg["type"], "next", "{msg}");
            assert_eq!(
                msg["payload"]["data"]["orderUpdated"]["order"]["number"],
                number.as_str()
            );
            seen = Some(msg);
            break;
        }
    }
    assert!(
        seen.is_some(),
        "the tracking update never crossed to the other instance"
    );
    let o = first
        .gql_as(
            &customer.access_token,
            "query($n: String!) { order(number: $n) { shipments { status events { source } } } }",
            json!({ "n": number }),
        )
        .await;
    let s = &assert_ok(&o)["order"]["shipments"][0];
    assert_eq!(s["status"], "IN_TRANSIT", "{o}");
    assert!(
        s["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["source"] == "CARRIER")),
        "{o}"
    );
}
