//! Transport-level rules of /graphql: query depth and alias limits, body size,
//! no batching, no mutations over GET, GraphiQL, and the Origin check for
//! cookie-authenticated mutations.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, ORIGIN};
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};

/// A data query whose selection depth is `depth`: `orders` nested in
/// itself (the schema has no such field, but the depth limit is checked
/// before the document is validated, so the limit is what refuses it).
fn nested_query(depth: usize) -> String {
    assert!(depth >= 2);
    let mut q = String::new();
    for _ in 0..depth - 1 {
        q.push_str("{ orders ");
    }
    q.push_str("{ number }");
    for _ in 0..depth - 1 {
        q.push_str(" }");
    }
    q
}

fn aliased_query(aliases: usize) -> String {
    let mut q = String::from("{ ");
    for i in 0..aliases {
        q.push_str(&format!("a{i}: product(sku: \"AUD-001\") {{ sku }} "));
    }
    q.push('}');
    q
}

fn has_errors_and_no_data(resp: &Value) -> bool {
    resp["errors"].as_array().is_some_and(|e| !e.is_empty())
        && (resp["data"].is_null()
            || resp["data"]
                .as_object()
                .is_some_and(|d| d.values().all(Value::is_null)))
}

#[tokio::test(flavor = "multi_thread")]
async fn queries_deeper_than_the_limit_are_rejected() {
    let app = TestApp::spawn().await;
    // Depth 10 passes the shape limit and fails only validation.
    let at_limit = app.gql(&nested_query(10), json!({})).await;
    let message = at_limit["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        !message.contains("deep"),
        "depth 10 is within the limit: {at_limit}"
    );
    let shallow = app
        .gql(
            "{ products(first: 1) { edges { node { sku } } } }",
            json!({}),
        )
        .await;
    assert_ok(&shallow);

    let deep = app.gql(&nested_query(14), json!({})).await;
    assert!(
        has_errors_and_no_data(&deep),
        "a depth-14 query must be rejected: {deep}"
    );
    let message = deep["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        message.contains("deep") || message.contains("depth"),
        "the error should name the depth limit: {deep}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn more_than_twenty_aliases_are_rejected() {
    let app = TestApp::spawn().await;
    let ok = app.gql(&aliased_query(20), json!({})).await;
    assert_eq!(assert_ok(&ok)["a19"]["sku"], "AUD-001");

    let too_many = app.gql(&aliased_query(21), json!({})).await;
    assert!(
        has_errors_and_no_data(&too_many),
        "21 aliases must be rejected: {too_many}"
    );
    let message = too_many["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        message.contains("alias"),
        "the error should name the alias limit: {too_many}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn request_body_over_64_kib_is_413() {
    let app = TestApp::spawn().await;
    let body = json!({ "query": "{ __typename }", "variables": { "pad": "x".repeat(70_000) } });
    let resp = app
        .http()
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Just under the limit is fine.
    let body = json!({ "query": "{ __typename }", "variables": { "pad": "x".repeat(60_000) } });
    let resp = app
        .http()
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn batched_requests_are_400() {
    let app = TestApp::spawn().await;
    let body = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]);
    let resp = app
        .http()
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn mutation_over_get_is_405_and_query_over_get_works() {
    let app = TestApp::spawn().await;
    let resp = app
        .http()
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout }")])
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = resp.json().await.expect("a GraphQL error body");
    assert!(
        body["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "body: {body}"
    );

    let resp = app
        .http()
        .get(app.url("/graphql"))
        .query(&[(
            "query",
            r#"{ product(sku: "AUD-001") { name price { amount currencyCode } } }"#,
        )])
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.expect("JSON");
    let product = &assert_ok(&body)["product"];
    assert_eq!(product["name"], "Wireless Earbuds");
    assert_eq!(product["price"]["amount"], "299.00");
    assert_eq!(product["price"]["currencyCode"], "CNY");
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_is_served_to_browsers() {
    let app = TestApp::spawn().await;
    let resp = app
        .http()
        .get(app.url("/graphql"))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "content-type: {content_type}"
    );
    let html = resp.text().await.expect("body");
    assert!(
        html.to_lowercase().contains("graphiql"),
        "not GraphiQL: {html}"
    );
}

async fn cookie_gql(app: &TestApp, token: &str, origin: Option<&str>, query: &str) -> Value {
    let mut req = app
        .http()
        .post(app.url("/graphql"))
        .header(COOKIE, format!("oms_at={token}"))
        .json(&json!({ "query": query }));
    if let Some(origin) = origin {
        req = req.header(ORIGIN, origin);
    }
    let resp = req.send().await.expect("POST");
    resp.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn cookie_authenticated_mutation_needs_a_same_origin_header() {
    let app = TestApp::spawn().await;
    let tokens = app.login_as(Role::Customer).await;
    let token = &tokens.access_token;
    let own_origin = app.addr.clone();

    // Queries by cookie work without Origin (the portal's GET-like reads).
    let me = cookie_gql(&app, token, None, "{ me { email } }").await;
    assert_eq!(assert_ok(&me)["me"]["email"], "customer@example.com");

    let logout = "mutation { logout }";
    assert_error_code(&cookie_gql(&app, token, None, logout).await, "FORBIDDEN");
    assert_error_code(
        &cookie_gql(&app, token, Some("http://evil.example"), logout).await,
        "FORBIDDEN",
    );
    // The refused mutations had no effect.
    let me = cookie_gql(&app, token, None, "{ me { email } }").await;
    assert_eq!(assert_ok(&me)["me"]["email"], "customer@example.com");

    let done = cookie_gql(&app, token, Some(&own_origin), logout).await;
    assert_eq!(assert_ok(&done)["logout"], true);
    assert!(
        app.me(token).await.is_null(),
        "logout by cookie must revoke the session"
    );
}
