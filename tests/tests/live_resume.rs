//! Resumable live updates: `orderUpdated(afterSequence:)` replays exactly
//! the order events a client missed while its socket was down, then streams
//! new ones; `orderEvents(afterEventId:)` does the same for the staff feed
//! (by event id, integration keys seeing only their channel). On
//! PostgreSQL a subscriber on one instance follows changes made on another.

use serde_json::{Value, json};

use crate::helpers::{GqlWs, Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{
    cancel_raw, create_api_key, fulfil, new_customer, new_key, order_input, pay_order,
    place_order_ok, sql_statements,
};

const RESUME: &str = "subscription($n: String!, $after: Int) { orderUpdated(number: $n, afterSequence: $after) { sequence type order { number status sequence } } }";

const FEED: &str = "subscription($f: OrderEventsFilter, $after: Int) { orderEvents(filter: $f, afterEventId: $after) { id type orderNumber sequence object } }";

/// The order's latest event sequence, as a page rendering it would see.
async fn sequence_of(app: &TestApp, token: &str, number: &str) -> i64 {
    let q = "query($n: String!) { order(number: $n) { sequence } }";
    let resp = app.gql_as(token, q, json!({ "n": number })).await;
    assert_ok(&resp)["order"]["sequence"]
        .as_i64()
        .unwrap_or_else(|| panic!("no sequence in {resp}"))
}

/// The next `next` payload's data for `field`.
async fn next_data(ws: &mut GqlWs, field: &str) -> Value {
    let msg = ws.next_message().await;
    assert_eq!(msg["type"], "next", "{msg}");
    let data = &msg["payload"]["data"][field];
    assert!(data.is_object(), "{msg}");
    data.clone()
}

/// The sequences of the next `n` updates.
async fn next_sequences(ws: &mut GqlWs, n: i64) -> Vec<i64> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let u = next_data(ws, "orderUpdated").await;
        assert!(u["order"]["sequence"].as_i64().is_some(), "{u}");
        seen.push(u["sequence"].as_i64().unwrap_or_default());
    }
    seen
}

async fn placed_order(app: &TestApp, token: &str) -> String {
    let order = place_order_ok(app, token, order_input(&new_key(), &[("MUG-001", 1)])).await;
    order["number"].as_str().expect("number").to_owned()
}

#[tokio::test]
async fn a_resumed_order_subscription_replays_exactly_the_missed_updates_then_streams() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let number = placed_order(&app, &customer.access_token).await;
    let placed = sequence_of(&app, &customer.access_token, &number).await;
    assert!(placed >= 1, "placing writes an event");

    // Connected: everything after 0 is replayed (the page had nothing).
    let mut ws = app.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe("o1", RESUME, json!({ "n": number, "after": 0 }))
        .await;
    let first = next_data(&mut ws, "orderUpdated").await;
    assert_eq!(first["sequence"], 1, "{first}");
    assert_eq!(first["type"], "ORDER_PLACED", "{first}");
    assert_eq!(first["order"]["number"], number.as_str());
    assert_eq!(
        next_sequences(&mut ws, placed - 1).await,
        (2..=placed).collect::<Vec<_>>()
    );
    drop(ws);

    // The socket is gone; the order changes twice meanwhile (or more: a
    // payment and the work on a shipment write several events).
    pay_order(&app, &number).await;
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "PROCESSING").await,
        "PROCESSING"
    );
    let now = sequence_of(&app, &customer.access_token, &number).await;
    assert!(
        now >= placed + 2,
        "two changes were missed: {placed} -> {now}"
    );

    // Back: exactly the missed ones, in order, the last with the order as now.
    let mut ws = app.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe("o2", RESUME, json!({ "n": number, "after": placed }))
        .await;
    let mut last = Value::Null;
    for expected in placed + 1..=now {
        last = next_data(&mut ws, "orderUpdated").await;
        assert_eq!(last["sequence"], expected, "{last}");
        assert_eq!(last["order"]["number"], number.as_str());
    }
    assert_eq!(last["order"]["status"], "PROCESSING", "{last}");
    assert_eq!(last["order"]["sequence"], now, "{last}");

    // Then live: the next change arrives numbered right after.
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let after = sequence_of(&app, &customer.access_token, &number).await;
    assert!(after > now);
    assert_eq!(
        next_sequences(&mut ws, after - now).await,
        (now + 1..=after).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_order_subscription_refuses_a_sequence_the_order_has_not_reached() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = placed_order(&app, &customer.access_token).await;
    let mut ws = app.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe("o1", RESUME, json!({ "n": number, "after": 99 }))
        .await;
    let msg = ws.next_message().await;
    let code = match msg["type"].as_str() {
        Some("error") => msg["payload"][0]["extensions"]["code"].clone(),
        _ => msg["payload"]["errors"][0]["extensions"]["code"].clone(),
    };
    assert_eq!(code, "INVALID_INPUT", "{msg}");
    let field = match msg["type"].as_str() {
        Some("error") => msg["payload"][0]["extensions"]["field"].clone(),
        _ => msg["payload"]["errors"][0]["extensions"]["field"].clone(),
    };
    assert_eq!(field, "afterSequence", "{msg}");
}

/// The portal's selection: the payment fields are loaded per rendering.
const PORTAL: &str = "subscription($n: String!, $after: Int) { orderUpdated(number: $n, afterSequence: $after) { sequence type order { number status paymentStatus amountDue { amount currencyCode } } } }";

/// SQL statements from cancelling a fresh order with `subscribers` open
/// subscriptions (the same caller and selection) until each got the update.
async fn statements_to_fan_out(app: &TestApp, token: &str, subscribers: usize) -> u64 {
    let number = placed_order(app, token).await;
    let placed = sequence_of(app, token, &number).await;
    let mut sockets = Vec::new();
    for i in 0..subscribers {
        let mut ws = app.ws_connect(Some(token)).await;
        // Each resumes from a different point: that must not matter.
        let after = if i % 2 == 0 { placed - 1 } else { 0 };
        ws.subscribe("o", PORTAL, json!({ "n": number, "after": after }))
            .await;
        // The replay confirms the subscription.
        while next_data(&mut ws, "orderUpdated").await["sequence"] != placed {}
        sockets.push(ws);
    }
    let before = sql_statements(app).await;
    assert_ok(&cancel_raw(app, token, &number, None).await);
    for ws in &mut sockets {
        let u = next_data(ws, "orderUpdated").await;
        assert_eq!(u["type"], "ORDER_CANCELLED", "{u}");
        assert_eq!(u["order"]["status"], "CANCELLED", "{u}");
    }
    sql_statements(app).await - before
}

#[tokio::test]
async fn subscribers_of_one_order_share_one_read_of_each_change() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let one = statements_to_fan_out(&app, &customer.access_token, 1).await;
    let many = statements_to_fan_out(&app, &customer.access_token, 40).await;
    // Read per subscriber (the new events, the order), 40 subscribers would
    // cost 80 statements more; shared, a few more at most (polling).
    assert!(
        many < one + 20,
        "40 subscribers cost {many} statements, one cost {one}"
    );
}

/// Reads feed events until one of `number` with sequence `upto` arrived.
async fn feed_until(ws: &mut GqlWs, number: &str, upto: i64) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let e = next_data(ws, "orderEvents").await;
        let done = e["orderNumber"] == number && e["sequence"] == upto;
        events.push(e);
        if done {
            return events;
        }
    }
}

fn ids(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["id"].as_i64().unwrap_or_default())
        .collect()
}

fn sequences(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn the_staff_feed_replays_exactly_the_missed_events_by_id_then_streams() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let support = app.login_as(Role::Support).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let number = placed_order(&app, &customer.access_token).await;
    pay_order(&app, &number).await;
    let paid = sequence_of(&app, &support.access_token, &number).await;

    // From the beginning, for this order: its events 1..=paid in id order.
    let only = json!({ "orderNumber": number });
    let mut ws = app.ws_connect(Some(&support.access_token)).await;
    ws.subscribe("f1", FEED, json!({ "f": only, "after": 0 }))
        .await;
    let seen = feed_until(&mut ws, &number, paid).await;
    assert_eq!(sequences(&seen), (1..=paid).collect::<Vec<_>>());
    let seen_ids = ids(&seen);
    assert!(seen_ids.windows(2).all(|w| w[0] < w[1]), "{seen_ids:?}");
    assert_eq!(seen[0]["type"], "ORDER_PLACED");
    let object: Value =
        serde_json::from_str(seen[0]["object"].as_str().unwrap_or("null")).expect("object is JSON");
    assert_eq!(object["number"], number.as_str());
    let last_id = *seen_ids.last().expect("events");
    drop(ws);

    // Missed while away: the shipment work; then resume from the last id.
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "PROCESSING").await,
        "PROCESSING"
    );
    let now = sequence_of(&app, &support.access_token, &number).await;
    assert!(now > paid);
    let mut ws = app.ws_connect(Some(&support.access_token)).await;
    ws.subscribe("f2", FEED, json!({ "f": only, "after": last_id }))
        .await;
    let missed = feed_until(&mut ws, &number, now).await;
    assert_eq!(sequences(&missed), (paid + 1..=now).collect::<Vec<_>>());
    assert!(ids(&missed).iter().all(|id| *id > last_id));

    // And live, filtered by type: only ORDER_SHIPPED comes through.
    let mut typed = app.ws_connect(Some(&support.access_token)).await;
    let shipped_only = json!({ "orderNumber": number, "types": ["ORDER_SHIPPED"] });
    typed
        .subscribe("f3", FEED, json!({ "f": shipped_only, "after": last_id }))
        .await;
    assert_eq!(
        fulfil(&app, &warehouse.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let after = sequence_of(&app, &support.access_token, &number).await;
    let live = feed_until(&mut ws, &number, after).await;
    assert_eq!(sequences(&live), (now + 1..=after).collect::<Vec<_>>());
    let shipped = next_data(&mut typed, "orderEvents").await;
    assert_eq!(shipped["type"], "ORDER_SHIPPED", "{shipped}");
    assert!(live.iter().any(|e| e["id"] == shipped["id"]));
}

#[tokio::test]
async fn an_integration_key_follows_only_its_channels_events() {
    let app = TestApp::spawn().await;
    let key = create_api_key(&app, "marketplace").await;
    let customer = new_customer(&app).await;
    // A web order first, then the key's own: in id order the web order's
    // events would come first if the key could see them.
    let web = placed_order(&app, &customer.access_token).await;
    pay_order(&app, &web).await;
    let mut input = order_input(&new_key(), &[("MUG-001", 1)]);
    input["externalId"] = json!("MKT-20001");
    input["customerEmail"] = json!("shopper@example.net");
    let own = place_order_ok(&app, &key, input).await;
    let own = own["number"].as_str().expect("number").to_owned();
    let upto = sequence_of(&app, &key, &own).await;

    let mut ws = app.ws_connect(Some(&key)).await;
    ws.subscribe("f1", FEED, json!({ "after": 0 })).await;
    let seen = feed_until(&mut ws, &own, upto).await;
    assert!(
        seen.iter().all(|e| e["orderNumber"] != web.as_str()),
        "another channel's events leaked: {seen:?}"
    );
    let mine: Vec<Value> = seen
        .into_iter()
        .filter(|e| e["orderNumber"] == own.as_str())
        .collect();
    assert_eq!(sequences(&mine), (1..=upto).collect::<Vec<_>>());
}

#[tokio::test]
async fn customers_and_anonymous_callers_cannot_follow_the_event_feed() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    for (token, code) in [
        (Some(customer.access_token.as_str()), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ] {
        let mut ws = app.ws_connect(token).await;
        ws.subscribe("f1", FEED, json!({ "after": 0 })).await;
        let msg = ws.next_message().await;
        let got = match msg["type"].as_str() {
            Some("error") => msg["payload"][0]["extensions"]["code"].clone(),
            _ => {
                assert!(msg["payload"]["data"].is_null(), "{msg}");
                json!(error_code(&msg["payload"]))
            }
        };
        assert_eq!(got, code, "{msg}");
    }
}

/// Two instances on one PostgreSQL database: a subscriber on the second
/// sees every change made through the first, in order, without gaps.
#[tokio::test]
async fn a_subscriber_on_another_instance_sees_every_change_in_order() {
    // Instances of one deployment share the token secret.
    let secret = "a-shared-secret-for-both-instances-0123456789";
    let first = TestApp::builder().jwt_secret(secret).spawn().await;
    let Some(url) = first.database_url().map(str::to_owned) else {
        eprintln!("skipped: two instances need TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let second = TestApp::builder()
        .jwt_secret(secret)
        .env("DATABASE_URL", url)
        .spawn()
        .await;
    let customer = new_customer(&first).await;
    let warehouse = first.login_as(Role::Warehouse).await;
    let number = placed_order(&first, &customer.access_token).await;
    let mut ws = second.ws_connect(Some(&customer.access_token)).await;
    ws.subscribe("o1", RESUME, json!({ "n": number, "after": 0 }))
        .await;
    let placed = sequence_of(&first, &customer.access_token, &number).await;
    assert_eq!(
        next_sequences(&mut ws, placed).await,
        (1..=placed).collect::<Vec<_>>()
    );
    pay_order(&first, &number).await;
    assert_eq!(
        fulfil(&first, &warehouse.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let now = sequence_of(&first, &customer.access_token, &number).await;
    assert_eq!(
        next_sequences(&mut ws, now - placed).await,
        (placed + 1..=now).collect::<Vec<_>>()
    );
}
