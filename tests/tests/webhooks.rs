//! Outbound webhooks: a third party registers an endpoint and receives
//! signed events it verifies as the README shows; retries on errors and
//! timeouts; private addresses refused at registration and at delivery;
//! redelivery; an integration's endpoints see only its channel; an
//! endpoint failing for the whole window is disabled; two instances on one
//! PostgreSQL deliver each event once.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};
use crate::order_helpers::{
    cancel_raw, create_api_key, error_field, new_customer, new_key, order_input, place_order_ok,
};
use crate::webhook_receiver::{
    Receiver, Reply, eventually, readme_samples_verify, verify_signature,
};

const CREATE: &str = "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url description eventTypes eventTypeNames enabled channel { code } } } }";
const ENDPOINTS: &str = "{ webhookEndpoints { id url enabled disabledReason failingSince eventTypeNames channel { code } } }";
const DELIVERY_FIELDS: &str = "id eventId eventType eventTypeName status attempts responseCode latencyMs error createdAt deliveredAt nextAttemptAt redeliveryOf body";

/// A server whose webhooks may reach loopback (the test receiver).
async fn spawn_allowing_loopback(extra: &[(&str, &str)]) -> TestApp {
    let mut b = TestApp::builder().env("OMS_WEBHOOKS_ALLOW_PRIVATE", "1");
    for (k, v) in extra {
        b = b.env(k, *v);
    }
    b.spawn().await
}

/// Registers an endpoint; returns (id, secret).
async fn register(app: &TestApp, token: &str, url: &str, types: &[&str]) -> (String, String) {
    let resp = app
        .gql_as(
            token,
            CREATE,
            json!({ "input": { "url": url, "eventTypes": types, "description": "test receiver" } }),
        )
        .await;
    let created = &assert_ok(&resp)["createWebhookEndpoint"];
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    (
        created["endpoint"]["id"].as_str().expect("id").to_owned(),
        secret,
    )
}

/// An endpoint's delivery log, newest first.
async fn deliveries(app: &TestApp, token: &str, endpoint: &str) -> Vec<Value> {
    let q = format!(
        "query($e: ID!) {{ webhookDeliveries(endpointId: $e, first: 100) {{ totalCount edges {{ node {{ {DELIVERY_FIELDS} }} }} }} }}"
    );
    let resp = app.gql_as(token, &q, json!({ "e": endpoint })).await;
    assert_ok(&resp)["webhookDeliveries"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Waits until every delivery of the endpoint has left PENDING and there
/// are `n` of them; returns them.
async fn settled(app: &TestApp, token: &str, endpoint: &str, n: usize) -> Vec<Value> {
    eventually(&format!("{n} settled deliveries"), || async {
        let d = deliveries(app, token, endpoint).await;
        (d.len() == n && d.iter().all(|d| d["status"] != "PENDING")).then_some(d)
    })
    .await
}

async fn place(app: &TestApp, token: &str) -> String {
    let order = place_order_ok(app, token, order_input(&new_key(), &[("MUG-001", 1)])).await;
    order["number"].as_str().expect("number").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registered_endpoint_receives_signed_events_it_can_verify_and_redeliver() {
    let app = spawn_allowing_loopback(&[]).await;
    let rx = Receiver::start().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (placed_ep, secret) = register(&app, &admin, &rx.url("/placed"), &["ORDER_PLACED"]).await;
    let (cancelled_ep, _) =
        register(&app, &admin, &rx.url("/cancelled"), &["ORDER_CANCELLED"]).await;
    let listed = app.gql_as(&admin, ENDPOINTS, json!({})).await;
    let listed = assert_ok(&listed)["webhookEndpoints"].clone();
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    assert_eq!(listed[1]["eventTypeNames"], json!(["order.placed"]));
    assert!(
        listed[1]["channel"].is_null(),
        "an admin's endpoint hears every channel"
    );

    let customer = new_customer(&app).await.access_token;
    let number = place(&app, &customer).await;
    let got = eventually("order.placed at the receiver", || async {
        rx.seen_at("/placed").first().cloned()
    })
    .await;

    // Signed as the README says, and only with the endpoint's secret.
    let signature = got.header("x-oms-signature");
    assert!(
        verify_signature(&secret, signature, &got.body),
        "{signature}"
    );
    assert!(!verify_signature("whsec_wrong", signature, &got.body));
    // The README's Python and Node samples, as written, agree.
    for (runtime, ok) in readme_samples_verify(&secret, signature, &got.body) {
        match ok {
            Some(ok) => assert!(
                ok,
                "the README's {runtime} sample refused a genuine delivery"
            ),
            None => eprintln!("{runtime} is not installed: its README sample was not run"),
        }
    }
    for (runtime, ok) in readme_samples_verify("whsec_wrong", signature, &got.body) {
        assert_ne!(
            ok,
            Some(true),
            "the README's {runtime} sample accepted a wrong secret"
        );
    }
    assert!(!verify_signature(
        &secret,
        signature,
        &got.body.replace("order", "0rder")
    ));
    assert!(got.header("content-type").starts_with("application/json"));
    let body = got.json();
    assert_eq!(body["type"], "order.placed");
    assert_eq!(got.header("x-oms-event-type"), "order.placed");
    assert_eq!(got.header("x-oms-event-id"), body["id"].to_string());
    assert!(body["id"].as_i64().is_some_and(|id| id > 0), "{body}");
    assert_eq!(body["orderNumber"], number.as_str());
    assert_eq!(body["sequence"], 1);
    assert_eq!(body["data"]["object"]["number"], number.as_str());
    assert!(
        chrono::DateTime::parse_from_rfc3339(body["createdAt"].as_str().unwrap_or_default())
            .is_ok(),
        "{body}"
    );

    // Cancelling reaches only the endpoint that asked for it.
    assert_ok(&cancel_raw(&app, &customer, &number, None).await);
    let cancelled = settled(&app, &admin, &cancelled_ep, 1).await;
    assert_eq!(cancelled[0]["eventTypeName"], "order.cancelled");
    assert_eq!(cancelled[0]["eventType"], "ORDER_CANCELLED");
    let log = settled(&app, &admin, &placed_ep, 1).await;
    let first = &log[0];
    assert_eq!(first["status"], "SUCCEEDED");
    assert_eq!(first["attempts"], 1);
    assert_eq!(first["responseCode"], 200);
    assert!(first["latencyMs"].as_i64().is_some(), "{first}");
    assert!(first["deliveredAt"].is_string() && first["nextAttemptAt"].is_null());
    assert_eq!(
        first["body"].as_str(),
        Some(got.body.as_str()),
        "the log keeps the exact body"
    );
    assert_eq!(rx.seen_at("/placed").len(), 1);

    // Redeliver: the same body again, signed afresh, logged as a new delivery.
    let resp = app
        .gql_as(
            &admin,
            &format!(
                "mutation($d: ID!) {{ redeliverWebhook(deliveryId: $d) {{ {DELIVERY_FIELDS} }} }}"
            ),
            json!({ "d": first["id"] }),
        )
        .await;
    let again = assert_ok(&resp)["redeliverWebhook"].clone();
    assert_eq!(again["redeliveryOf"], first["id"]);
    assert_ne!(again["id"], first["id"]);
    let second = eventually("the redelivery", || async {
        rx.seen_at("/placed").get(1).cloned()
    })
    .await;
    assert_eq!(second.body, got.body);
    assert_eq!(
        second.header("x-oms-event-id"),
        got.header("x-oms-event-id")
    );
    assert!(verify_signature(
        &secret,
        second.header("x-oms-signature"),
        &second.body
    ));
    let log = settled(&app, &admin, &placed_ep, 2).await;
    assert_eq!(log[0]["redeliveryOf"], first["id"]);
    assert_eq!(log[0]["status"], "SUCCEEDED");

    // An unknown delivery is NOT_FOUND.
    let resp = app
        .gql_as(
            &admin,
            "mutation($d: ID!) { redeliverWebhook(deliveryId: $d) { id } }",
            json!({ "d": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    assert_error_code(&resp, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_or_timed_out_attempt_is_retried_until_the_endpoint_answers_2xx() {
    let app = spawn_allowing_loopback(&[
        ("OMS_WEBHOOK_RETRY_BASE_MS", "100"),
        ("OMS_WEBHOOK_TIMEOUT_MS", "700"),
    ])
    .await;
    let rx = Receiver::start().await;
    rx.script(
        &[
            Reply::Status(500),
            Reply::Hang(Duration::from_secs(3)),
            Reply::Status(503),
        ],
        200,
    );
    let admin = app.login_as(Role::Admin).await.access_token;
    let (ep, secret) = register(&app, &admin, &rx.url("/hook"), &["ORDER_PLACED"]).await;
    let customer = new_customer(&app).await.access_token;
    place(&app, &customer).await;

    let log = settled(&app, &admin, &ep, 1).await;
    let d = &log[0];
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(d["attempts"], 4, "500, a timeout, 503, then 200: {d}");
    assert_eq!(d["responseCode"], 200);
    assert!(d["error"].is_null(), "{d}");
    let seen = rx.seen_at("/hook");
    assert_eq!(seen.len(), 4);
    for r in &seen {
        assert_eq!(r.body, seen[0].body, "every attempt sends the same body");
        assert!(verify_signature(
            &secret,
            r.header("x-oms-signature"),
            &r.body
        ));
    }
    let endpoints = app.gql_as(&admin, ENDPOINTS, json!({})).await;
    let e = &assert_ok(&endpoints)["webhookEndpoints"][0];
    assert!(
        e["failingSince"].is_null(),
        "a success ends the failure streak: {e}"
    );
    assert_eq!(e["enabled"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_refuses_private_addresses_bad_urls_and_unknown_event_types() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.com/hook",
        "not a url",
        "https://user:secret@example.com/hook",
        "javascript:alert(1)",
    ] {
        let resp = app
            .gql_as(
                &admin,
                CREATE,
                json!({ "input": { "url": url, "eventTypes": ["ORDER_PLACED"] } }),
            )
            .await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(error_field(&resp), Some("url"), "{url}: {resp}");
    }
    let resp = app
        .gql_as(&admin, CREATE, json!({ "input": { "url": "http://127.0.0.1:9/hook", "eventTypes": ["ORDER_PLACED"] } }))
        .await;
    let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("127.0.0.1") && message.contains("OMS_WEBHOOKS_ALLOW_PRIVATE"),
        "{message}"
    );

    let resp = app
        .gql_as(&admin, CREATE, json!({ "input": { "url": "https://example.com/hook", "eventTypes": ["ORDER_EXPLODED"] } }))
        .await;
    assert_error_code(&resp, "INVALID_INPUT");
    let resp = app
        .gql_as(
            &admin,
            CREATE,
            json!({ "input": { "url": "https://example.com/hook", "eventTypes": [] } }),
        )
        .await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("eventTypes"));

    let listed = app.gql_as(&admin, ENDPOINTS, json!({})).await;
    assert_eq!(
        assert_ok(&listed)["webhookEndpoints"],
        json!([]),
        "nothing was stored"
    );

    // Staff other than admins and customers may not register endpoints.
    for role in [Role::Support, Role::Finance, Role::Customer] {
        let token = app.login_as(role).await.access_token;
        let resp = app
            .gql_as(&token, CREATE, json!({ "input": { "url": "https://example.com/hook", "eventTypes": ["ORDER_PLACED"] } }))
            .await;
        assert_error_code(&resp, "FORBIDDEN");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_endpoint_is_refused_at_delivery_once_private_addresses_are_not_allowed() {
    let mut first = spawn_allowing_loopback(&[]).await;
    let rx = Receiver::start().await;
    let admin = first.login_as(Role::Admin).await.access_token;
    let (ep, _) = register(&first, &admin, &rx.url("/hook"), &["ORDER_PLACED"]).await;
    first.terminate().await;

    // The same database, restarted without OMS_WEBHOOKS_ALLOW_PRIVATE.
    let app = TestApp::builder()
        .database_url(first.sql_url())
        .spawn()
        .await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let customer = new_customer(&app).await.access_token;
    place(&app, &customer).await;
    let log = settled(&app, &admin, &ep, 1).await;
    assert_eq!(log[0]["status"], "FAILED", "{}", log[0]);
    let error = log[0]["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("refused") && error.contains("127.0.0.1"),
        "{error}"
    );
    assert!(log[0]["responseCode"].is_null());
    assert!(rx.seen().is_empty(), "nothing reached the receiver");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_failing_for_the_whole_window_is_disabled_with_its_reason() {
    let app = spawn_allowing_loopback(&[
        ("OMS_WEBHOOK_RETRY_BASE_MS", "100"),
        ("OMS_WEBHOOK_RETRY_WINDOW_SECS", "3"),
        ("OMS_WEBHOOK_DISABLE_AFTER_SECS", "1"),
    ])
    .await;
    let rx = Receiver::start().await;
    rx.script(&[], 500);
    let admin = app.login_as(Role::Admin).await.access_token;
    let (ep, _) = register(&app, &admin, &rx.url("/down"), &["ORDER_PLACED"]).await;
    let customer = new_customer(&app).await.access_token;
    place(&app, &customer).await;

    let e = eventually("the endpoint disabled", || async {
        let resp = app.gql_as(&admin, ENDPOINTS, json!({})).await;
        let e = assert_ok(&resp)["webhookEndpoints"][0].clone();
        (e["enabled"] == false).then_some(e)
    })
    .await;
    let reason = e["disabledReason"].as_str().unwrap_or_default();
    assert!(reason.contains("failed"), "{e}");
    assert!(e["failingSince"].is_string(), "{e}");
    // Its owner (the admin who registered it) is told by email, written as
    // an .eml file here (no SMTP server configured).
    let mail = eventually("the owner's email", || async {
        let dir = app.data_dir().join("mail");
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|f| std::fs::read_to_string(f.path()).ok())
            .find(|m| m.contains("To: admin@example.com") && m.contains("endpoint disabled"))
    })
    .await;
    let port = rx
        .url("/down")
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let port = port.split('/').next().unwrap_or_default().to_owned();
    assert!(mail.contains(&port), "the email names the endpoint: {mail}");
    let log = settled(&app, &admin, &ep, 1).await;
    assert_eq!(log[0]["status"], "FAILED");
    assert_eq!(log[0]["responseCode"], 500);
    assert!(
        log[0]["attempts"].as_i64().is_some_and(|a| a >= 2),
        "{}",
        log[0]
    );

    // Nothing is redelivered to a disabled endpoint; re-enabling clears the streak.
    let redeliver = "mutation($d: ID!) { redeliverWebhook(deliveryId: $d) { id } }";
    let resp = app
        .gql_as(&admin, redeliver, json!({ "d": log[0]["id"] }))
        .await;
    assert_error_code(&resp, "CONFLICT");
    let resp = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { enabled disabledReason failingSince } }",
            json!({ "id": ep }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["updateWebhookEndpoint"],
        json!({ "enabled": true, "disabledReason": null, "failingSince": null })
    );
    rx.script(&[], 200);
    let resp = app
        .gql_as(&admin, redeliver, json!({ "d": log[0]["id"] }))
        .await;
    assert_ok(&resp);
    let log = settled(&app, &admin, &ep, 2).await;
    assert_eq!(log[0]["status"], "SUCCEEDED");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_integration_key_manages_only_its_channels_endpoints_and_hears_only_its_events() {
    let app = spawn_allowing_loopback(&[]).await;
    let rx = Receiver::start().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let key = create_api_key(&app, "marketplace").await;
    let other_key = create_api_key(&app, "store").await;
    let types = ["ORDER_PLACED", "ORDER_CONFIRMED"];
    let (admin_ep, _) = register(&app, &admin, &rx.url("/all"), &types).await;
    let resp = app
        .gql_as(
            &key,
            CREATE,
            json!({ "input": { "url": rx.url("/mkt"), "eventTypes": types } }),
        )
        .await;
    let created = &assert_ok(&resp)["createWebhookEndpoint"];
    assert_eq!(created["endpoint"]["channel"]["code"], "marketplace");
    let mkt_ep = created["endpoint"]["id"].as_str().expect("id").to_owned();

    // Each sees its own.
    let mine = app.gql_as(&key, ENDPOINTS, json!({})).await;
    let mine = assert_ok(&mine)["webhookEndpoints"].clone();
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(mine[0]["id"], mkt_ep.as_str());
    let theirs = app.gql_as(&other_key, ENDPOINTS, json!({})).await;
    assert_eq!(assert_ok(&theirs)["webhookEndpoints"], json!([]));
    let all = app.gql_as(&admin, ENDPOINTS, json!({})).await;
    assert_eq!(
        assert_ok(&all)["webhookEndpoints"].as_array().map(Vec::len),
        Some(2)
    );
    for (q, vars) in [
        (
            "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { id } }",
            json!({ "id": admin_ep }),
        ),
        (
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }",
            json!({ "id": admin_ep }),
        ),
        (
            "query($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount } }",
            json!({ "id": admin_ep }),
        ),
    ] {
        assert_error_code(&app.gql_as(&key, q, vars.clone()).await, "NOT_FOUND");
    }
    let q = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }";
    assert_error_code(
        &app.gql_as(&other_key, q, json!({ "id": mkt_ep })).await,
        "NOT_FOUND",
    );

    // A web order reaches the admin's endpoint only; a marketplace import both.
    let customer = new_customer(&app).await.access_token;
    let web_order = place(&app, &customer).await;
    let mut import = order_input(&new_key(), &[("MUG-001", 1)]);
    import["externalId"] = json!("MKT-WH-1");
    import["customerEmail"] = json!("shopper@example.net");
    let mkt_order = place_order_ok(&app, &key, import).await["number"]
        .as_str()
        .expect("number")
        .to_owned();
    let heard_by_admin = eventually("both orders at the admin's endpoint", || async {
        let numbers: Vec<String> = rx
            .seen_at("/all")
            .iter()
            .map(|r| {
                r.json()["orderNumber"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        (numbers.contains(&web_order) && numbers.contains(&mkt_order)).then_some(numbers)
    })
    .await;
    assert!(heard_by_admin.contains(&web_order));
    let log = deliveries(&app, &key, &mkt_ep).await;
    assert!(!log.is_empty());
    for d in &log {
        let body: Value =
            serde_json::from_str(d["body"].as_str().unwrap_or_default()).expect("json");
        assert_eq!(
            body["orderNumber"],
            mkt_order.as_str(),
            "only its channel's events: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_one_database_deliver_each_event_exactly_once() {
    let first = spawn_allowing_loopback(&[]).await;
    let Some(url) = first.database_url().map(str::to_owned) else {
        eprintln!("skipped: two instances need TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let second = spawn_allowing_loopback(&[("DATABASE_URL", url.as_str())]).await;
    let rx = Receiver::start().await;
    let admin = first.login_as(Role::Admin).await.access_token;
    let (ep, _) = register(
        &first,
        &admin,
        &rx.url("/hook"),
        &["ORDER_PLACED", "ORDER_CANCELLED"],
    )
    .await;
    let on_first = new_customer(&first).await.access_token;
    let on_second = new_customer(&second).await.access_token;
    let orders = 12;
    let mut placing = Vec::new();
    for i in 0..orders {
        let (app, token) = if i % 2 == 0 {
            (&first, &on_first)
        } else {
            (&second, &on_second)
        };
        placing.push(async move {
            let n = place(app, token).await;
            assert_ok(&cancel_raw(app, token, &n, None).await);
        });
    }
    futures_util::future::join_all(placing).await;
    let events = orders * 2;
    settled(&first, &admin, &ep, events).await;
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for r in rx.seen_at("/hook") {
        *by_id
            .entry(r.header("x-oms-event-id").to_owned())
            .or_default() += 1;
    }
    assert_eq!(by_id.len(), events, "every event arrived: {by_id:?}");
    assert!(
        by_id.values().all(|&n| n == 1),
        "each exactly once: {by_id:?}"
    );
}
