//! What a person reads on an order (issue 12, defect 4): who acted ("You",
//! a staff member's name and role for staff but only the team for
//! customers, an integration's name, "System"), refusal reasons and
//! refused actions in the reader's language without raw enum codes, and
//! times in the merchant's time zone (`OMS_TIMEZONE`, Asia/Shanghai by
//! default).

use chrono::{DateTime, Duration, FixedOffset, Utc};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{create_api_key, new_key, order_input, pay_order_as, place_order_ok};

const EVENTS: &str = "query($n: String!) { order(number: $n) { placedAt \
    events { type at actor { kind name role isYou } } } }";

/// A browser without JavaScript: cookies kept, redirects not followed.
async fn browser(app: &TestApp, role: Role, lang: &str) -> reqwest::Client {
    let client = app.cookie_client();
    let resp = client
        .get(app.url(&format!("/lang/{lang}")))
        .send()
        .await
        .expect("set the language");
    assert_eq!(resp.status().as_u16(), 303);
    let resp = client
        .post(app.url("/auth/login"))
        .header("Origin", &app.addr)
        .form(&[
            ("email", role.email().as_str()),
            ("password", role.password().as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(resp.status().as_u16(), 303, "sign in as {role:?}");
    client
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let resp = client
        .get(app.url(path))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.text().await.expect("page body")
}

/// What a reader sees: the page without scripts (hydration data), tags and
/// attributes.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</script>")
            .map_or("", |end| &rest[start + end + "</script>".len()..]);
    }
    out.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The visible text of the page's timeline.
fn timeline_text(html: &str) -> String {
    let start = html
        .find("id=\"order-timeline\"")
        .unwrap_or_else(|| panic!("no timeline in the page:\n{html}"));
    let end = html[start..]
        .find("</ol>")
        .map_or(html.len(), |e| start + e);
    visible_text(&html[start..end])
}

/// The timeline entries' actors, oldest first, as the caller sees them.
async fn actors(app: &TestApp, token: &str, number: &str) -> Vec<Value> {
    let resp = app.gql_as(token, EVENTS, json!({ "n": number })).await;
    assert_ok(&resp)["order"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {resp}"))
        .iter()
        .map(|e| e["actor"].clone())
        .collect()
}

async fn advance(app: &TestApp, token: &str, number: &str, action: &str) -> Value {
    app.gql_as(
        token,
        "mutation($n: String!, $a: OrderAction!) { advanceOrder(number: $n, action: $a) { status } }",
        json!({ "n": number, "a": action }),
    )
    .await
}

/// Appends a timeline event by the system (what scheduled jobs will
/// write), a copy of the order's last event otherwise.
async fn add_system_event(app: &TestApp, number: &str) {
    let db = Database::connect(app.sql_url()).await.expect("open the db");
    let sql = format!(
        "INSERT INTO order_events (order_id, kind, from_status, to_status, actor, note, at) \
         SELECT e.order_id, 'STATUS_CHANGED', e.to_status, e.to_status, 'system', 'payment reminder sent', e.at \
         FROM order_events e JOIN orders o ON o.id = e.order_id \
         WHERE o.number = '{number}' ORDER BY e.id DESC LIMIT 1"
    );
    db.execute_unprepared(&sql)
        .await
        .expect("insert a system event");
    db.close().await.expect("close the db");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_customer_reads_you_the_team_and_system_and_staff_read_names() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await.access_token;
    let finance = app.login_as(Role::Finance).await.access_token;
    let admin = app.login_as(Role::Admin).await.access_token;
    let order = place_order_ok(&app, &customer, order_input(&new_key(), &[("TEA-001", 1)])).await;
    let number = order["number"].as_str().expect("number").to_owned();
    // Finance records the customer's bank transfer: a payment event and
    // the confirmation, both by finance.
    pay_order_as(&app, &finance, &number).await;
    add_system_event(&app, &number).await;

    // The API: structured actors, names only where the viewer may see them.
    let seen = actors(&app, &customer, &number).await;
    assert_eq!(
        seen,
        vec![
            // Placed, and routed, by the customer.
            json!({"kind": "CUSTOMER", "name": "Chen Jing", "role": "CUSTOMER", "isYou": true}),
            json!({"kind": "CUSTOMER", "name": "Chen Jing", "role": "CUSTOMER", "isYou": true}),
            // The payment, the confirmation and the shipment it opened.
            json!({"kind": "STAFF", "name": null, "role": "FINANCE", "isYou": false}),
            json!({"kind": "STAFF", "name": null, "role": "FINANCE", "isYou": false}),
            json!({"kind": "STAFF", "name": null, "role": "FINANCE", "isYou": false}),
            json!({"kind": "SYSTEM", "name": null, "role": null, "isYou": false}),
        ]
    );
    let seen = actors(&app, &admin, &number).await;
    assert_eq!(seen[0]["name"], "Chen Jing");
    assert_eq!(seen[0]["isYou"], false);
    assert_eq!(seen[2]["name"], "Fiona Finance");
    assert_eq!(actors(&app, &finance, &number).await[2]["isYou"], true);

    // The customer's order page.
    let portal = browser(&app, Role::Customer, "en").await;
    let html = page(&app, &portal, &format!("/orders/{number}")).await;
    let timeline = timeline_text(&html);
    assert!(timeline.contains("You"), "{timeline}");
    assert!(timeline.contains("Finance"), "{timeline}");
    assert!(timeline.contains("System"), "{timeline}");
    assert!(
        !timeline.contains("Fiona"),
        "staff names are not shown to customers: {timeline}"
    );
    assert!(!html.contains("customer:"), "no raw actor id in the page");
    assert!(!html.contains("finance:"), "no raw actor id in the page");

    // The same in Chinese.
    let portal_zh = browser(&app, Role::Customer, "zh").await;
    let timeline = timeline_text(&page(&app, &portal_zh, &format!("/orders/{number}")).await);
    for expected in ["您", "财务", "系统"] {
        assert!(timeline.contains(expected), "{expected}: {timeline}");
    }

    // The console: names and roles.
    let console = browser(&app, Role::Admin, "en").await;
    let timeline = timeline_text(&page(&app, &console, &format!("/console/orders/{number}")).await);
    assert!(timeline.contains("Chen Jing (Customer)"), "{timeline}");
    assert!(timeline.contains("Fiona Finance (Finance)"), "{timeline}");
    assert!(timeline.contains("System"), "{timeline}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_order_names_the_integration() {
    let app = TestApp::spawn().await;
    let key = create_api_key(&app, "marketplace").await;
    let mut input = order_input(&new_key(), &[("AUD-001", 1)]);
    input["externalId"] = json!("MKT-7");
    input["customerEmail"] = json!("shopper@example.net");
    let order = place_order_ok(&app, &key, input).await;
    let number = order["number"].as_str().expect("number").to_owned();

    let admin = app.login_as(Role::Admin).await.access_token;
    assert_eq!(
        actors(&app, &admin, &number).await[0],
        json!({"kind": "INTEGRATION", "name": "marketplace importer", "role": null, "isYou": false})
    );
    assert_eq!(actors(&app, &key, &number).await[0]["isYou"], true);

    let console = browser(&app, Role::Support, "en").await;
    let timeline = timeline_text(&page(&app, &console, &format!("/console/orders/{number}")).await);
    assert!(
        timeline.contains("marketplace importer (Integration)"),
        "{timeline}"
    );
    assert!(!timeline.contains("integration:"), "{timeline}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_read_translated_and_keep_their_codes_in_the_api() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await.access_token;
    let warehouse = app.login_as(Role::Warehouse).await.access_token;
    let order = place_order_ok(&app, &customer, order_input(&new_key(), &[("MUG-001", 1)])).await;
    let number = order["number"].as_str().expect("number").to_owned();

    // The API keeps the machine codes, in availableTransitions and errors.
    let resp = app
        .gql_as(
            &warehouse,
            "query($n: String!) { order(number: $n) { availableTransitions { action allowed refusal { code status action role } } } }",
            json!({ "n": number }),
        )
        .await;
    let start = assert_ok(&resp)["order"]["availableTransitions"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["action"] == "START_PROCESSING"))
        .cloned()
        .unwrap_or_else(|| panic!("no START_PROCESSING in {resp}"));
    assert_eq!(
        start["refusal"],
        json!({"code": "WRONG_STATUS", "status": "PENDING_PAYMENT", "action": "START_PROCESSING", "role": "WAREHOUSE"})
    );
    let resp = advance(&app, &warehouse, &number, "START_PROCESSING").await;
    let ext = &resp["errors"][0]["extensions"];
    assert_eq!(ext["code"], "CONFLICT", "{resp}");
    assert_eq!(ext["reason"], "WRONG_STATUS", "{resp}");
    assert_eq!(ext["status"], "PENDING_PAYMENT", "{resp}");
    assert_eq!(ext["action"], "START_PROCESSING", "{resp}");
    let resp = advance(&app, &warehouse, &number, "COMPLETE").await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"], "CONFLICT",
        "{resp}"
    );
    let resp = app
        .gql_as(
            &warehouse,
            "mutation($n: String!) { cancelOrder(number: $n, reason: \"out of stock\") { status } }",
            json!({ "n": number }),
        )
        .await;
    let ext = &resp["errors"][0]["extensions"];
    assert_eq!(ext["code"], "FORBIDDEN", "{resp}");
    assert_eq!(ext["reason"], "ROLE_NOT_ALLOWED", "{resp}");
    assert_eq!(ext["action"], "CANCEL", "{resp}");
    assert_eq!(ext["role"], "WAREHOUSE", "{resp}");

    // The console in Chinese: reasons are sentences, no enum codes.
    let console = browser(&app, Role::Warehouse, "zh").await;
    let path = format!("/console/orders/{number}");
    let text = visible_text(&page(&app, &console, &path).await);
    assert!(
        text.contains("完成订单：订单状态为“待付款”时无法执行此操作。"),
        "{text}"
    );
    assert!(
        text.contains("取消订单：您的角色（仓库）无权执行此操作。"),
        "{text}"
    );
    for code in ["PENDING_PAYMENT", "START_PROCESSING", "CANCEL", "WAREHOUSE"] {
        assert!(!text.contains(code), "{code} shown to a person: {text}");
    }

    // Trying it anyway: the error after the redirect is translated too.
    let resp = console
        .post(app.url(&format!("{path}/action")))
        .header("Origin", &app.addr)
        .form(&[("action", "START_PROCESSING"), ("note", "")])
        .send()
        .await
        .expect("post the action");
    assert_eq!(resp.status().as_u16(), 303);
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(location.contains("reason=WRONG_STATUS"), "{location}");
    let html = page(&app, &console, &location).await;
    let start = html.find("id=\"form-error\"").expect("an error notice");
    let notice = visible_text(&html[start..start + html[start..].find("</p>").unwrap_or(0)]);
    assert!(
        notice.contains("开始处理：订单状态为“待付款”时无法执行此操作。"),
        "{notice}"
    );
    let text = visible_text(&html);
    assert!(!text.contains("PENDING_PAYMENT"), "{text}");
}

/// `2026-11-29 21:56 UTC+8`, the way the pages show `utc` at `offset`.
fn shown(utc: DateTime<Utc>, offset_minutes: i64, label: &str) -> String {
    let local = utc.naive_utc() + Duration::minutes(offset_minutes);
    format!("{} {label}", local.format("%Y-%m-%d %H:%M"))
}

/// Places an order and returns its number, its `placedAt` as sent and in
/// UTC.
async fn placed(app: &TestApp) -> (String, String, DateTime<Utc>) {
    let customer = app.login_as(Role::Customer).await.access_token;
    let order = place_order_ok(app, &customer, order_input(&new_key(), &[("TEA-001", 1)])).await;
    let number = order["number"].as_str().expect("number").to_owned();
    let sent = order["placedAt"].as_str().expect("placedAt").to_owned();
    let at = DateTime::<FixedOffset>::parse_from_rfc3339(&sent)
        .unwrap_or_else(|e| panic!("{sent}: {e}"))
        .with_timezone(&Utc);
    (number, sent, at)
}

#[tokio::test(flavor = "multi_thread")]
async fn times_are_shown_in_shanghai_time_by_default() {
    let app = TestApp::spawn().await;
    let (number, sent, at) = placed(&app).await;
    assert!(
        sent.ends_with("+08:00"),
        "placedAt in the shop's zone: {sent}"
    );
    let customer = app.login_as(Role::Customer).await.access_token;
    let resp = app.gql_as(&customer, EVENTS, json!({ "n": number })).await;
    let event_at = assert_ok(&resp)["order"]["events"][0]["at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(event_at.ends_with("+08:00"), "{event_at}");

    let portal = browser(&app, Role::Customer, "en").await;
    let text = visible_text(&page(&app, &portal, &format!("/orders/{number}")).await);
    let expected = shown(at, 8 * 60, "UTC+8");
    assert!(text.contains(&expected), "{expected} in {text}");
    assert!(!text.contains(" UTC "), "no UTC times left: {text}");
    let list = visible_text(&page(&app, &portal, "/orders").await);
    assert!(list.contains(&expected), "{expected} in {list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_time_zone_moves_times_and_day_boundaries() {
    let app = TestApp::builder()
        .env("OMS_TIMEZONE", "Asia/Kolkata")
        .spawn()
        .await;
    let (number, sent, at) = placed(&app).await;
    assert!(sent.ends_with("+05:30"), "{sent}");
    let console = browser(&app, Role::Admin, "en").await;
    let text = visible_text(&page(&app, &console, &format!("/console/orders/{number}")).await);
    let expected = shown(at, 5 * 60 + 30, "UTC+5:30");
    assert!(text.contains(&expected), "{expected} in {text}");

    // A day in the console's filter is a day in the shop's zone.
    let day = (at.naive_utc() + Duration::minutes(5 * 60 + 30)).date();
    let admin = app.login_as(Role::Admin).await.access_token;
    let count = |from: String, to: String| {
        let (app, admin) = (&app, &admin);
        async move {
            let resp = app
                .gql_as(
                    admin,
                    "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
                    json!({ "f": { "placedFromDate": from, "placedToDate": to } }),
                )
                .await;
            assert_ok(&resp)["orders"]["totalCount"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    assert_eq!(count(day.to_string(), day.to_string()).await, 1);
    let next = day.succ_opt().expect("a next day");
    let prev = day.pred_opt().expect("a previous day");
    assert_eq!(count(next.to_string(), next.to_string()).await, 0);
    assert_eq!(count(prev.to_string(), prev.to_string()).await, 0);
    let html = page(
        &app,
        &console,
        &format!("/console/orders?placedFrom={day}&placedTo={day}"),
    )
    .await;
    assert!(html.contains(&number), "the console filter finds the order");
}
