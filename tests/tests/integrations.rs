//! Integrations (issue 3): an API key bound to a sales channel imports
//! orders with an external id, idempotently, and sees only its channel.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::*;

const AUD: &str = "AUD-001";
const TEA: &str = "TEA-001";

fn import(external_id: &str, email: &str, lines: &[(&str, i64)]) -> Value {
    let mut input = order_input(&new_key(), lines);
    input["externalId"] = json!(external_id);
    input["customerEmail"] = json!(email);
    input
}

#[tokio::test(flavor = "multi_thread")]
async fn an_integration_import_is_confirmed_and_importing_it_again_returns_the_existing_order() {
    let app = TestApp::spawn().await;
    let key = create_api_key(&app, "marketplace").await;
    let before = available(&app, AUD).await;
    let price = catalog_price(&app, AUD).await;

    let input = import("MKT-10001", "shopper@example.net", &[(AUD, 2)]);
    let order = place_order_ok(&app, &key, input.clone()).await;
    let number = order["number"].as_str().unwrap_or_default().to_owned();
    assert!(is_order_number(&number), "{number}");
    assert_eq!(order["channel"]["code"], "marketplace");
    assert_eq!(order["externalId"], "MKT-10001");
    assert_eq!(order["customer"]["email"], "shopper@example.net");
    assert_eq!(
        order["status"], "CONFIRMED",
        "marketplace orders arrive paid"
    );
    assert_eq!(order["events"][0]["type"], "IMPORTED");
    let fee = shipping_quote(&app, &[(AUD, 2)], "POSTAL").await;
    assert_eq!(minor(&order["total"]["amount"]), price * 2 + fee);
    let alloc: i64 = allocations_by_warehouse(&order, AUD).values().sum();
    assert_eq!(alloc, 2, "integrations see allocations: {order}");
    assert_eq!(available(&app, AUD).await, before - 2);

    // The same request again, and the same external id under a new key.
    let again = place_order_ok(&app, &key, input).await;
    assert_eq!(again["number"], number.as_str());
    let new_key_same_id = import("MKT-10001", "shopper@example.net", &[(AUD, 2)]);
    let again = place_order_ok(&app, &key, new_key_same_id).await;
    assert_eq!(again["number"], number.as_str());
    assert_eq!(available(&app, AUD).await, before - 2, "allocated once");

    let admin = app.login_as(Role::Admin).await;
    let resp = app
        .gql_as(
            &admin.access_token,
            "{ orders(filter: { channel: \"marketplace\" }) { totalCount edges { node { externalId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["orders"]["totalCount"], 1, "{resp}");

    // An import needs its external id; a key cannot pick another channel.
    let mut no_ext = import("x", "shopper@example.net", &[(AUD, 1)]);
    no_ext["externalId"] = Value::Null;
    let resp = place_order_raw(&app, &key, no_ext).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("externalId"));
    let mut other_channel = import("MKT-10002", "shopper@example.net", &[(AUD, 1)]);
    other_channel["channel"] = json!("web");
    let resp = place_order_raw(&app, &key, other_channel).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("channel"));
    assert_eq!(available(&app, AUD).await, before - 2);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_integration_key_sees_only_orders_of_its_own_channel() {
    let app = TestApp::spawn().await;
    let marketplace = create_api_key(&app, "marketplace").await;
    let store = create_api_key(&app, "store").await;
    let customer = app.login_as(Role::Customer).await;

    let web_order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(TEA, 1)]),
    )
    .await;
    let web_number = web_order["number"].as_str().unwrap_or_default();
    let store_order = place_order_ok(
        &app,
        &store,
        import("POS-1", "walkin@example.net", &[(TEA, 1)]),
    )
    .await;
    let store_number = store_order["number"].as_str().unwrap_or_default();
    let mine = place_order_ok(
        &app,
        &marketplace,
        import("MKT-1", "shopper@example.net", &[(TEA, 1)]),
    )
    .await;
    let mine_number = mine["number"].as_str().unwrap_or_default();

    for other in [web_number, store_number] {
        let resp = order_raw(&app, &marketplace, other).await;
        assert_error_code(&resp, "NOT_FOUND");
        let resp = cancel_raw(&app, &marketplace, other, Some("not mine")).await;
        assert!(
            error_code(&resp).is_some(),
            "an integration cannot cancel another channel's order: {resp}"
        );
    }
    let resp = order_raw(&app, &marketplace, mine_number).await;
    assert_eq!(assert_ok(&resp)["order"]["externalId"], "MKT-1");

    let resp = app
        .gql_as(
            &marketplace,
            "{ orders(first: 100) { totalCount edges { node { number channel { code } } } } }",
            json!({}),
        )
        .await;
    let list = &assert_ok(&resp)["orders"];
    assert_eq!(list["totalCount"], 1, "{list}");
    let numbers: Vec<&str> = list["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["number"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(numbers, vec![mine_number]);
    // Asking for another channel explicitly does not widen the view.
    let resp = app
        .gql_as(
            &marketplace,
            "{ orders(filter: { channel: \"web\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["orders"]["totalCount"], 0, "{resp}");

    // The other orders are untouched.
    let admin = app.login_as(Role::Admin).await;
    for n in [web_number, store_number] {
        let resp = order_raw(&app, &admin.access_token, n).await;
        assert_ne!(assert_ok(&resp)["order"]["status"], "CANCELLED");
    }
    assert_ledger_balanced(&app).await;
}
