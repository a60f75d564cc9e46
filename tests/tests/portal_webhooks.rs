//! The console's webhook page with JavaScript off: an admin registers an
//! endpoint with a plain form (a bad URL comes back with the reason; the
//! secret is shown once), sees its deliveries with status and response
//! code, and redelivers one; in Chinese too; other staff are refused.

use reqwest::header::{ACCEPT_LANGUAGE, LOCATION};
use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok, find_set_cookie, set_cookies};
use crate::order_helpers::{new_customer, new_key, order_input, place_order_ok};
use crate::webhook_receiver::{Receiver, eventually, verify_signature};

/// A cookie client signed in through the login form.
async fn sign_in(app: &TestApp, role: Role) -> reqwest::Client {
    let client = app.cookie_client();
    let resp = client
        .post(app.url("/auth/login"))
        .header("Origin", &app.addr)
        .form(&[
            ("email", role.email()),
            ("password", role.password()),
            ("next", "/".to_owned()),
        ])
        .send()
        .await
        .expect("POST /auth/login");
    assert_eq!(resp.status().as_u16(), 303, "form login as {role:?}");
    client
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let resp = client
        .post(app.url(path))
        .header("Origin", &app.addr)
        .form(form)
        .send()
        .await
        .expect("POST form");
    assert_eq!(resp.status().as_u16(), 303, "POST {path}");
    resp
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str, lang: &str) -> String {
    client
        .get(app.url(path))
        .header(ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .expect("GET page")
        .text()
        .await
        .expect("page text")
}

/// The value of the first `attr="…"` in the page.
fn first_attr<'a>(html: &'a str, attr: &str) -> Option<&'a str> {
    let start = html.find(&format!("{attr}=\""))? + attr.len() + 2;
    let rest = &html[start..];
    Some(&rest[..rest.find('"')?])
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_registers_an_endpoint_and_redelivers_from_the_console_with_javascript_off() {
    let app = TestApp::builder()
        .env("OMS_WEBHOOKS_ALLOW_PRIVATE", "1")
        .spawn()
        .await;
    let rx = Receiver::start().await;
    let admin = sign_in(&app, Role::Admin).await;

    // A bad URL comes back with the reason, and nothing is registered.
    let resp = post(
        &app,
        &admin,
        "/console/webhooks",
        &[
            ("url", "ftp://example.com/x"),
            ("eventType", "ORDER_PLACED"),
        ],
    )
    .await;
    let back = location(&resp);
    assert!(
        back.contains("error=INVALID_INPUT") && back.contains("field=url"),
        "{back}"
    );
    let html = page(&app, &admin, &back, "en").await;
    assert!(
        html.contains("id=\"form-error\"") && html.contains("check the URL"),
        "{html}"
    );
    assert!(html.contains("id=\"webhooks-empty\""), "nothing registered");

    // Registered: the secret comes back once, in a cookie the page shows.
    let url = rx.url("/console-hook");
    let resp = post(
        &app,
        &admin,
        "/console/webhooks",
        &[
            ("url", url.as_str()),
            ("description", "Console hook"),
            ("eventType", "ORDER_PLACED"),
        ],
    )
    .await;
    let back = location(&resp);
    assert!(back.starts_with("/console/webhooks?created="), "{back}");
    let cookies = set_cookies(&resp);
    let cookie = find_set_cookie(&cookies, "oms_webhook_secret").expect("the secret's cookie");
    let secret = cookie
        .trim_start_matches("oms_webhook_secret=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{cookie}");
    let html = page(&app, &admin, &back, "en").await;
    assert!(
        html.contains(&format!("<code id=\"webhook-secret\">{secret}</code>")),
        "{html}"
    );
    assert!(
        html.contains(&url) && html.contains("Console hook"),
        "{html}"
    );

    // An order: the receiver gets it signed with that secret; the page logs it.
    let customer = new_customer(&app).await.access_token;
    place_order_ok(&app, &customer, order_input(&new_key(), &[("MUG-001", 1)])).await;
    let got = eventually("the delivery", || async { rx.seen().first().cloned() }).await;
    assert!(verify_signature(
        &secret,
        got.header("x-oms-signature"),
        &got.body
    ));
    let html = eventually("the page to show the delivery as delivered", || async {
        let html = page(&app, &admin, "/console/webhooks", "en").await;
        html.contains("data-status=\"SUCCEEDED\"").then_some(html)
    })
    .await;
    assert!(
        html.contains("order.placed") && html.contains(">200<"),
        "{html}"
    );
    let delivery = first_attr(&html, "data-delivery-id")
        .expect("a delivery row")
        .to_owned();

    // Someone else's role may not redeliver; the admin may.
    let support = sign_in(&app, Role::Support).await;
    let action = format!("/console/webhooks/deliveries/{delivery}/redeliver");
    let resp = post(&app, &support, &action, &[]).await;
    assert!(
        location(&resp).contains("redeliverError=FORBIDDEN"),
        "{}",
        location(&resp)
    );
    let html = page(&app, &support, "/console/webhooks", "en").await;
    assert!(
        html.contains("Only admins manage webhook endpoints"),
        "{html}"
    );
    let resp = post(&app, &admin, &action, &[]).await;
    assert_eq!(location(&resp), "/console/webhooks?redelivered=1");
    let again = eventually("the redelivery", || async { rx.seen().get(1).cloned() }).await;
    assert_eq!(again.body, got.body);
    assert!(verify_signature(
        &secret,
        again.header("x-oms-signature"),
        &again.body
    ));

    // The same page in Chinese.
    let html = page(&app, &admin, "/console/webhooks", "zh-CN,zh;q=0.9").await;
    assert!(
        html.contains("重新投递") && html.contains("注册端点"),
        "{html}"
    );

    // The API sees what the console did.
    let token = app.login_as(Role::Admin).await.access_token;
    let resp = app
        .gql_as(
            &token,
            "{ webhookEndpoints { url description } }",
            json!({}),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["webhookEndpoints"],
        json!([{ "url": url, "description": "Console hook" }])
    );
}
