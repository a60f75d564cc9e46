//! Where payments go when no provider is configured: the built-in sandbox
//! in development; in production (or with `OMS_PAYMENT_SANDBOX=false`)
//! nothing, so that nobody can "pay" through the sandbox page.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};
use crate::order_helpers::{new_key, order_input, place_order_ok};

const START: &str = "mutation($n: String!, $m: PaymentMethod!) { startPayment(orderNumber: $n, method: $m) { redirectUrl payment { reference } } }";

async fn place(app: &TestApp) -> (String, String) {
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("number").to_owned();
    (customer.access_token, number)
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_gateway_and_with_the_sandbox_off_online_methods_are_refused() {
    let app = TestApp::builder()
        .env("OMS_PAYMENT_SANDBOX", "false")
        .spawn()
        .await;
    let (token, number) = place(&app).await;
    for method in ["ALIPAY", "WECHAT_PAY", "CARD"] {
        let resp = app
            .gql_as(&token, START, json!({ "n": number, "m": method }))
            .await;
        assert_error_code(&resp, "INVALID_INPUT");
    }
    // Bank transfer needs no provider.
    let resp = app
        .gql_as(&token, START, json!({ "n": number, "m": "BANK_TRANSFER" }))
        .await;
    let reference = assert_ok(&resp)["startPayment"]["payment"]["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    // The sandbox page does not exist, for any payment.
    let page = app
        .http()
        .get(app.url(&format!("/sandbox/pay/{reference}")))
        .send()
        .await
        .expect("GET the sandbox page");
    assert_eq!(page.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn production_turns_the_sandbox_off_by_default() {
    let app = TestApp::builder()
        .env("OMS_ENV", "production")
        .jwt_secret("a-production-secret-of-at-least-32-chars")
        .spawn()
        .await;
    let (token, number) = place(&app).await;
    let resp = app
        .gql_as(&token, START, json!({ "n": number, "m": "ALIPAY" }))
        .await;
    assert_error_code(&resp, "INVALID_INPUT");
}

#[tokio::test(flavor = "multi_thread")]
async fn development_uses_the_sandbox_by_default() {
    let app = TestApp::spawn().await;
    let (token, number) = place(&app).await;
    let resp = app
        .gql_as(&token, START, json!({ "n": number, "m": "ALIPAY" }))
        .await;
    let url = assert_ok(&resp)["startPayment"]["redirectUrl"]
        .as_str()
        .expect("redirectUrl")
        .to_owned();
    assert!(url.contains("/sandbox/pay/"), "{url}");
    let page = app.http().get(&url).send().await.expect("GET sandbox page");
    assert_eq!(page.status().as_u16(), 200);
}
