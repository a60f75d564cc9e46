//! The hydrated portal in headless Chromium (fantoccini + chromedriver):
//! searching updates the product list in place, without a full page load;
//! an open order page follows changes made elsewhere (the `orderUpdated`
//! subscription over WebSocket); a customer checks out with JavaScript on;
//! a customer pays through the sandbox provider page and the order page
//! shows the payment, also live when it lands while the page is open.
//!
//! Needs /usr/bin/chromium, /usr/bin/chromedriver and the wasm bundle in
//! `<workspace>/target/site/pkg` (`scripts/build-wasm.sh`). When one is missing the test prints a loud
//! skip notice, unless `OMS_REQUIRE_BROWSER=1`, which turns that into a failure.
//! The frontend marks the end of hydration with `<body data-hydrated="true">`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use tokio::process::{Child, Command};

mod after_sales;
mod live_resume;
mod tracking;

use crate::helpers::{Role, TestApp, assert_ok, workspace_root};
use crate::order_helpers::{fulfil, new_key, order_input, pay_order_as, place_order_ok};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(30);

/// The wasm file of the content-hashed bundle that `scripts/build-wasm.sh`
/// names in `target/site/pkg.hash` (a path that does not exist without one).
fn bundle_wasm() -> PathBuf {
    let site = workspace_root().join("target/site");
    let hash = std::fs::read_to_string(site.join("pkg.hash")).unwrap_or_default();
    site.join(format!("pkg/oms.{}_bg.wasm", hash.trim()))
}

/// Returns false (after a loud notice) when the browser test cannot run here.
fn browser_prerequisites_met() -> bool {
    let wasm = bundle_wasm();
    let missing: Vec<String> = [Path::new(CHROMIUM), Path::new(CHROMEDRIVER), wasm.as_path()]
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "browser test prerequisites missing: {} (install chromium + chromium-driver; build the wasm bundle into target/site/pkg)",
        missing.join(", ")
    );
    if std::env::var("OMS_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("{message}");
    }
    eprintln!("\n********************************************************************");
    eprintln!("SKIPPED browser test: {message}");
    eprintln!("set OMS_REQUIRE_BROWSER=1 to make this a failure");
    eprintln!("********************************************************************\n");
    false
}

/// A chromedriver process on a free port, killed on drop.
struct ChromeDriver {
    _child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl ChromeDriver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(resp) = http.get(format!("{url}/status")).send().await
                && resp.status().is_success()
            {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "chromedriver did not come up on {url}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ChromeDriver {
            _child: child,
            url,
            profile: tempfile::tempdir().expect("chromium profile dir"),
        }
    }

    /// A session with JavaScript on, or off (Chromium's content setting:
    /// pages run no script at all, as for a visitor who turned it off;
    /// the driver's own commands still work).
    async fn client_with(&self, javascript: bool) -> Client {
        let profile: PathBuf = self.profile.path().to_path_buf();
        let mut caps = serde_json::Map::new();
        let js_setting = if javascript { 1 } else { 2 };
        caps.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "prefs": { "profile.managed_default_content_settings.javascript": js_setting },
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    // A closed network: no host but this machine resolves.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("open a Chromium session through chromedriver")
    }
}

/// Polls `script` (a JS expression body returning a value) until `done` accepts it.
async fn wait_for_js(
    client: &Client,
    what: &str,
    script: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let value = client.execute(script, vec![]).await.unwrap_or(Value::Null);
        if done(&value) {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            let html = client.source().await.unwrap_or_default();
            let body = html.find("<body").map_or(html.as_str(), |i| &html[i..]);
            let body: String = body.chars().take(3000).collect();
            panic!("timed out waiting for {what}; last value {value}\npage body (start):\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const PRODUCT_TEXTS: &str =
    "return Array.from(document.querySelectorAll('.product')).map(e => e.textContent);";

fn texts(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn search_updates_the_list_in_place(app: &TestApp, client: &Client) {
    client.goto(&app.url("/")).await.expect("open /");
    wait_for_js(
        client,
        "hydration (<body data-hydrated=\"true\">)",
        "return document.body && document.body.getAttribute('data-hydrated');",
        |v| v == "true",
    )
    .await;
    let before = texts(
        &client
            .execute(PRODUCT_TEXTS, vec![])
            .await
            .expect("read products"),
    );
    assert!(
        before.iter().any(|t| t.contains("Wireless Earbuds")),
        "the product list should start unfiltered: {before:?}"
    );

    client
        .execute("window.__oms_marker = 42; return null;", vec![])
        .await
        .expect("set marker");
    let search = client
        .find(Locator::Css("#search"))
        .await
        .expect("#search input");
    search.send_keys("tea").await.expect("type into #search");

    wait_for_js(client, "the tea search results", PRODUCT_TEXTS, |v| {
        let t = texts(v);
        t.iter().any(|s| s.contains("Longjing Green Tea 100g"))
            && !t.iter().any(|s| s.contains("Wireless Earbuds"))
    })
    .await;

    let marker = client
        .execute("return window.__oms_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(
        marker,
        json!(42),
        "searching caused a full page load (the window state is gone)"
    );
}

/// The checks of one browser test, given the server and a Chromium session.
type Check = for<'a> fn(&'a TestApp, &'a Client) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Starts a server, chromedriver and a Chromium session, runs `check`, then
/// always closes the session (which ends Chromium) before reporting the
/// outcome. Skips (see [`browser_prerequisites_met`]) when it cannot run.
async fn in_browser(check: Check) {
    in_browser_with(&[], check).await;
}

/// [`in_browser`] with settings for the server.
async fn in_browser_with(env: &[(&str, &str)], check: Check) {
    in_browser_as(env, true, check).await;
}

/// [`in_browser`] with JavaScript turned off in Chromium.
async fn in_browser_without_javascript(check: Check) {
    in_browser_as(&[], false, check).await;
}

async fn in_browser_as(env: &[(&str, &str)], javascript: bool, check: Check) {
    if !browser_prerequisites_met() {
        return;
    }
    let mut builder = TestApp::builder();
    for (k, v) in env {
        builder = builder.env(k, *v);
    }
    let app = builder.spawn().await;
    let driver = ChromeDriver::start().await;
    let client = driver.client_with(javascript).await;
    let outcome = AssertUnwindSafe(check(&app, &client)).catch_unwind().await;
    let _ = client.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hydrated_search_filters_products_without_a_page_load() {
    in_browser(|app, client| Box::pin(search_updates_the_list_in_place(app, client))).await;
}

/// Waits until the page in the browser is hydrated.
async fn wait_hydrated(client: &Client) {
    wait_for_js(
        client,
        "hydration (<body data-hydrated=\"true\">)",
        "return document.body && document.body.getAttribute('data-hydrated');",
        |v| v == "true",
    )
    .await;
}

/// `document.querySelector(css)?.getAttribute(attr)` (null when absent).
async fn attribute(client: &Client, css: &str, attr: &str) -> Value {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(attr)],
        )
        .await
        .unwrap_or(Value::Null)
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn type_into(client: &Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Signs `role` in through the /login form (JavaScript on) and waits until
/// the header names them.
async fn sign_in_through_the_form(app: &TestApp, client: &Client, role: Role) {
    client.goto(&app.url("/login")).await.expect("open /login");
    wait_hydrated(client).await;
    type_into(client, "#email", &role.email()).await;
    type_into(client, "#password", &role.password()).await;
    click(client, "#login-submit").await;
    let email = role.email();
    wait_for_js(
        client,
        "the header to show the signed-in user",
        "const w = document.querySelector('#whoami[title]'); return w ? w.getAttribute('title') : null;",
        |v| v.as_str() == Some(email.as_str()),
    )
    .await;
    wait_hydrated(client).await;
}

/// How long a pushed change may take to show.
const LIVE_WAIT: Duration = Duration::from_secs(10);

async fn order_page_follows_a_staff_change(app: &TestApp, client: &Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("order number").to_owned();
    assert_eq!(order["status"], "PENDING_PAYMENT");

    client
        .goto(&app.url(&format!("/orders/{number}")))
        .await
        .expect("open the order page");
    wait_hydrated(client).await;
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("PENDING_PAYMENT")
    );
    let events_before = client
        .execute(
            "return document.querySelectorAll('.order-event').length;",
            vec![],
        )
        .await
        .expect("count events");
    // The page marks <body data-live-order="NUMBER"> once it has subscribed.
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

    // The protocol does not acknowledge a subscription, so a change made in
    // the instant before the server registers it could be missed: move the
    // order along step by step until the open page shows the latest step.
    let finance = app.login_as(Role::Finance).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let steps = [
        // Paying (finance records the transfer) confirms the order.
        (&finance, "PAY", "CONFIRMED"),
        (&warehouse, "FULFIL", "PROCESSING"),
        (&warehouse, "FULFIL", "SHIPPED"),
    ];
    let mut shown = None;
    for (who, action, status) in steps {
        if action == "PAY" {
            pay_order_as(app, &who.access_token, &number).await;
        } else {
            assert_eq!(
                fulfil(app, &who.access_token, &number, status).await,
                status
            );
        }
        let deadline = tokio::time::Instant::now() + LIVE_WAIT / 3;
        while tokio::time::Instant::now() < deadline {
            if attribute(client, "#order-status", "data-status").await == json!(status) {
                shown = Some(status);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if shown.is_some() {
            break;
        }
    }
    assert!(
        shown.is_some(),
        "the open order page never followed the staff changes; page:\n{}",
        client.source().await.unwrap_or_default()
    );
    let events_after = wait_for_js(
        client,
        "the timeline to show the payment",
        "return document.querySelectorAll('.order-event[data-to=CONFIRMED]').length;",
        // Every step passes through CONFIRMED, so the timeline shows it.
        |v| v.as_u64().is_some_and(|n| n >= 1),
    )
    .await;
    assert!(
        events_after.as_u64() >= Some(1),
        "{events_before} -> {events_after}"
    );
    // It came as a push over the WebSocket, not from polling.
    let pushed = client
        .execute(
            "return document.body.getAttribute('data-live-updates');",
            vec![],
        )
        .await
        .expect("read the push counter");
    assert!(
        pushed.as_str().and_then(|n| n.parse::<u64>().ok()) >= Some(1),
        "no orderUpdated push was counted: {pushed}"
    );
    let marker = client
        .execute("return window.__oms_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(
        marker,
        json!(42),
        "the update reloaded the page (the window state is gone)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_order_page_updates_live_when_staff_change_the_order() {
    in_browser(|app, client| Box::pin(order_page_follows_a_staff_change(app, client))).await;
}

async fn checkout_with_javascript_on(app: &TestApp, client: &Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;

    client.goto(&app.url("/")).await.expect("open /");
    wait_hydrated(client).await;
    let sku = attribute(client, "form.add-to-cart", "data-sku").await;
    let sku = sku
        .as_str()
        .expect("a product with an add-to-cart form")
        .to_owned();
    click(
        client,
        &format!("form.add-to-cart[data-sku=\"{sku}\"] button[type=submit]"),
    )
    .await;
    wait_for_js(
        client,
        "the cart badge to count the added product",
        "const b = document.querySelector('#cart-count'); return b ? b.getAttribute('data-count') : null;",
        |v| v == "1",
    )
    .await;
    wait_hydrated(client).await;

    click(client, "#nav-cart").await;
    wait_for_js(
        client,
        "the cart page with a checkout link",
        "return !!document.querySelector('#checkout-link');",
        |v| v == true,
    )
    .await;
    click(client, "#checkout-link").await;
    wait_for_js(
        client,
        "the checkout form",
        "return !!document.querySelector('#checkout-form #addr-phone');",
        |v| v == true,
    )
    .await;
    type_into(client, "#addr-phone", "+86 138 0000 0000").await;
    type_into(client, "#addr-line1", "1 Nanjing Road").await;
    type_into(client, "#addr-city", "Shanghai").await;
    type_into(client, "#addr-postal", "200001").await;
    click(client, "#place-order").await;

    let number = wait_for_js(
        client,
        "the new order's page",
        "const n = document.querySelector('#order-number'); return n ? n.textContent.trim() : null;",
        |v| v.as_str().is_some_and(|n| !n.is_empty()),
    )
    .await;
    let number = number.as_str().expect("order number").to_owned();
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("PENDING_PAYMENT")
    );
    assert_eq!(
        attribute(client, "#order", "data-number").await,
        json!(number)
    );

    let customer = app.login_as(Role::Customer).await;
    let resp = app
        .gql_as(
            &customer.access_token,
            "{ myOrders(first: 10) { totalCount edges { node { number status lines { sku quantity } } } } }",
            json!({}),
        )
        .await;
    let orders = &assert_ok(&resp)["myOrders"];
    assert_eq!(orders["totalCount"], 1, "one checkout, one order: {orders}");
    let placed = &orders["edges"][0]["node"];
    assert_eq!(placed["number"], json!(number));
    assert_eq!(placed["status"], "PENDING_PAYMENT");
    assert_eq!(placed["lines"][0]["sku"], json!(sku));
    assert_eq!(placed["lines"][0]["quantity"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_checks_out_in_the_browser_with_javascript_on() {
    in_browser(|app, client| Box::pin(checkout_with_javascript_on(app, client))).await;
}

/// GraphiQL's files as `scripts/fetch-graphiql.sh` leaves them.
/// The order page's payment status badge (`data-payment-status`).
async fn payment_status(client: &Client) -> Value {
    attribute(client, "#order-payment-status", "data-payment-status").await
}

async fn pay_with_alipay_in_the_browser(app: &TestApp, client: &Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("order number").to_owned();
    client
        .goto(&app.url(&format!("/orders/{number}")))
        .await
        .expect("open the order page");
    wait_hydrated(client).await;
    assert_eq!(payment_status(client).await, json!("UNPAID"));

    // Pay now → the provider's page (the sandbox plays Alipay) → Pay.
    click(client, "#pay-alipay").await;
    let title = wait_for_js(
        client,
        "the Alipay sandbox page",
        "return document.querySelector('button.pay') ? document.title : null;",
        |v| v.as_str().is_some_and(|t| t.contains("Alipay")),
    )
    .await;
    assert!(
        title.as_str().is_some_and(|t| t.starts_with("Pay ¥")),
        "the provider page names the amount: {title}"
    );
    click(client, "button.pay").await;

    // Back on the order page, paid and confirmed.
    wait_for_js(
        client,
        "the order page to show the payment",
        "const e = document.querySelector('#order-payment-status'); return e ? e.getAttribute('data-payment-status') : null;",
        |v| v == "PAID",
    )
    .await;
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("CONFIRMED")
    );
    let resp = app
        .gql_as(
            &customer.access_token,
            "query($n: String!) { order(number: $n) { paymentStatus payments { method status } } }",
            json!({ "n": number }),
        )
        .await;
    let o = &assert_ok(&resp)["order"];
    assert_eq!(o["paymentStatus"], "PAID");
    assert_eq!(o["payments"][0]["method"], "ALIPAY");
    assert_eq!(o["payments"][0]["status"], "CAPTURED");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_pays_with_alipay_in_the_browser() {
    in_browser(|app, client| Box::pin(pay_with_alipay_in_the_browser(app, client))).await;
}

async fn order_page_shows_a_payment_live(app: &TestApp, client: &Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("order number").to_owned();
    client
        .goto(&app.url(&format!("/orders/{number}")))
        .await
        .expect("open the order page");
    wait_hydrated(client).await;
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
    assert_eq!(payment_status(client).await, json!("UNPAID"));

    // The customer pays on another device: the provider's notification
    // lands while this page is open.
    let started = app
        .gql_as(
            &customer.access_token,
            "mutation($n: String!) { startPayment(orderNumber: $n, method: WECHAT_PAY) { paymentId redirectUrl } }",
            json!({ "n": number }),
        )
        .await;
    let session = &assert_ok(&started)["startPayment"];
    let pay_url = session["redirectUrl"].as_str().expect("redirectUrl");
    let paid = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(pay_url)
        .form(&[("action", "pay")])
        .send()
        .await
        .expect("pay on the sandbox page");
    assert_eq!(
        paid.status().as_u16(),
        303,
        "the sandbox sends the customer back"
    );

    // The protocol does not acknowledge a subscription: if the first push
    // came in the instant before it was registered, a second change (a
    // partial refund) must still reach the page.
    let deadline = tokio::time::Instant::now() + LIVE_WAIT / 2;
    let mut shown = payment_status(client).await;
    while shown != json!("PAID") && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        shown = payment_status(client).await;
    }
    if shown != json!("PAID") {
        let finance = app.login_as(Role::Finance).await;
        let resp = app
            .gql_as(
                &finance.access_token,
                "mutation($p: ID!) { refundPayment(paymentId: $p, amount: 100, reason: \"goodwill\", idempotencyKey: \"live-refund-1\") { status } }",
                json!({ "p": session["paymentId"] }),
            )
            .await;
        assert_ok(&resp);
        shown = wait_for_js(
            client,
            "the order page to show the payment",
            "const e = document.querySelector('#order-payment-status'); return e ? e.getAttribute('data-payment-status') : null;",
            |v| v == "PAID" || v == "PARTIALLY_REFUNDED",
        )
        .await;
    }
    assert!(
        shown == json!("PAID") || shown == json!("PARTIALLY_REFUNDED"),
        "the open order page never showed the payment: {shown}"
    );
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("CONFIRMED")
    );
    let marker = client
        .execute("return window.__oms_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(
        marker,
        json!(42),
        "the update reloaded the page (the window state is gone)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_order_page_shows_a_payment_live() {
    in_browser(|app, client| Box::pin(order_page_shows_a_payment_live(app, client))).await;
}

fn graphiql_fetched() -> bool {
    let present = workspace_root()
        .join("target/site/graphiql/VERSIONS")
        .is_file();
    if !present {
        let message = "GraphiQL files missing from target/site/graphiql (scripts/fetch-graphiql.sh needs the npm registry)";
        if std::env::var("OMS_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("{message}");
        }
        eprintln!("SKIPPED GraphiQL browser test: {message}");
    }
    present
}

async fn graphiql_works_offline(app: &TestApp, client: &Client) {
    client
        .goto(&app.url("/graphql"))
        .await
        .expect("open /graphql");
    wait_for_js(
        client,
        "GraphiQL's query editor",
        "return !!document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror');",
        |v| v == true,
    )
    .await;
    // Everything the page loaded or names comes from this server.
    let foreign = client
        .execute(
            "const urls = Array.from(document.querySelectorAll('script[src], link[href], img[src]'))
                 .map(e => e.src || e.href)
                 .concat(performance.getEntriesByType('resource').map(r => r.name));
             return urls.filter(u => !u.startsWith('data:') && new URL(u).origin !== location.origin);",
            vec![],
        )
        .await
        .expect("list the page's resources");
    assert_eq!(foreign, json!([]), "resources from elsewhere");
    let scripts = client
        .execute(
            "return document.querySelectorAll('script[src]').length;",
            vec![],
        )
        .await
        .expect("count scripts");
    assert!(
        scripts.as_u64() >= Some(3),
        "react, react-dom, graphiql: {scripts}"
    );

    client
        .execute(
            "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ __typename }'); return null;",
            vec![],
        )
        .await
        .expect("type a query");
    click(client, ".graphiql-execute-button").await;
    wait_for_js(
        client,
        "the query's result in GraphiQL",
        "const r = document.querySelector('.graphiql-response .CodeMirror'); return r ? r.CodeMirror.getValue() : null;",
        |v| v.as_str().is_some_and(|t| t.contains("\"__typename\": \"Query\"")),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_works_without_the_internet() {
    if !graphiql_fetched() {
        return;
    }
    in_browser(|app, client| Box::pin(graphiql_works_offline(app, client))).await;
}
