//! Service tickets over real HTTP, on both databases: a whole conversation
//! between a customer and support (statuses, assignment, first-response and
//! resolution times, reopening, closing), who may see and answer what,
//! refused input that writes nothing, the outbox events of tickets about an
//! order, and the `ticket_replied` email reaching a real SMTP server.

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::fulfillment::{input, place};
use crate::helpers::{Role, TestApp, Tokens, assert_error_code, assert_ok};
use crate::mail_helpers::{SmtpSink, customer_with_order, email_of, mailing, wait_log};
use crate::order_helpers::{error_field, new_customer};

pub(crate) const TICKET_FIELDS: &str = "id number status category subject orderNumber \
customer { email name } assignee { id name } messageCount \
messages { role authorName body at } createdAt firstResponseAt resolvedAt closedAt \
firstResponseSeconds resolutionSeconds availableActions";

pub(crate) async fn open_raw(app: &TestApp, token: &str, input: Value) -> Value {
    let q =
        format!("mutation($i: OpenTicketInput!) {{ openTicket(input: $i) {{ {TICKET_FIELDS} }} }}");
    app.gql_as(token, &q, json!({ "i": input })).await
}

/// Opens a ticket about `order` (or in general) and returns it.
pub(crate) async fn open_ok(
    app: &TestApp,
    token: &str,
    order: Option<&str>,
    message: &str,
) -> Value {
    let resp = open_raw(
        app,
        token,
        json!({ "orderNumber": order, "category": "DELIVERY",
                "subject": "Where is my parcel?", "message": message }),
    )
    .await;
    assert_ok(&resp)["openTicket"].clone()
}

pub(crate) async fn reply_raw(app: &TestApp, token: &str, id: &str, message: &str) -> Value {
    let q = format!(
        "mutation($id: ID!, $m: String!) {{ replyToTicket(id: $id, message: $m) {{ {TICKET_FIELDS} }} }}"
    );
    app.gql_as(token, &q, json!({ "id": id, "m": message }))
        .await
}

async fn act_raw(app: &TestApp, token: &str, field: &str, id: &str) -> Value {
    let q = format!("mutation($id: ID!) {{ {field}(id: $id) {{ {TICKET_FIELDS} }} }}");
    app.gql_as(token, &q, json!({ "id": id })).await
}

pub(crate) async fn assign_raw(
    app: &TestApp,
    token: &str,
    id: &str,
    assignee: Option<&str>,
) -> Value {
    let q = format!(
        "mutation($id: ID!, $a: ID) {{ assignTicket(id: $id, assigneeId: $a) {{ {TICKET_FIELDS} }} }}"
    );
    app.gql_as(token, &q, json!({ "id": id, "a": assignee }))
        .await
}

pub(crate) async fn ticket_raw(app: &TestApp, token: &str, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ ticket(id: $id) {{ {TICKET_FIELDS} }} }}");
    app.gql_as(token, &q, json!({ "id": id })).await
}

pub(crate) async fn queue_raw(app: &TestApp, token: &str, filter: Value) -> Value {
    let q = "query($f: TicketFilter) { tickets(filter: $f, first: 50) { totalCount \
             countsByStatus { status count } edges { node { id number status assignee { id } } } } }";
    app.gql_as(token, q, json!({ "f": filter })).await
}

fn count_of(conn: &Value, status: &str) -> i64 {
    conn["countsByStatus"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["status"] == status))
        .and_then(|c| c["count"].as_i64())
        .unwrap_or(-1)
}

fn user_id(t: &Tokens) -> String {
    t.user["id"].as_str().expect("user id").to_owned()
}

/// The topics the outbox holds for order `number`, in order.
pub(crate) async fn ticket_topics(app: &TestApp, number: &str) -> Vec<(String, Value)> {
    let db = Database::connect(app.sql_url()).await.expect("open the db");
    let sql = format!(
        "SELECT topic, payload FROM outbox WHERE order_number = '{number}' \
         AND topic LIKE 'ticket.%' ORDER BY id"
    );
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("read the outbox")
        .into_iter()
        .map(|r| {
            let topic: String = r.try_get("", "topic").expect("topic");
            let payload: String = r.try_get("", "payload").expect("payload");
            (topic, serde_json::from_str(&payload).expect("payload json"))
        })
        .collect()
}

/// Rows of a table (tickets, ticket_messages), to show nothing was written.
pub(crate) async fn row_count(app: &TestApp, table: &str) -> i64 {
    let db = Database::connect(app.sql_url()).await.expect("open the db");
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count")
        .expect("a row")
        .try_get("", "n")
        .expect("n")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_and_support_talk_until_the_ticket_is_resolved_and_closed() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let ct = customer.access_token.as_str();
    let number = place(&app, ct, input(&[("AUD-001", 1)], "POSTAL")).await;
    let support = app.login_as(Role::Support).await;
    let st = support.access_token.as_str();

    // The order offers "Get help" to its customer only.
    let actions = "query($n: String!) { order(number: $n) { serviceActions } }";
    let resp = app.gql_as(ct, actions, json!({ "n": number })).await;
    let offered = assert_ok(&resp)["order"]["serviceActions"].clone();
    assert!(
        offered
            .as_array()
            .is_some_and(|a| a.contains(&json!("GET_HELP"))),
        "{offered}"
    );
    let resp = app.gql_as(st, actions, json!({ "n": number })).await;
    assert!(
        !assert_ok(&resp)["order"]["serviceActions"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("GET_HELP")))
    );

    let t = open_ok(&app, ct, Some(&number), "It has not moved for three days.").await;
    let id = t["id"].as_str().expect("id").to_owned();
    let tk = t["number"].as_str().expect("number").to_owned();
    assert!(tk.starts_with("TK-") && tk.len() == 9, "{tk}");
    assert_eq!(t["status"], "OPEN");
    assert_eq!(t["orderNumber"], json!(number));
    assert_eq!(t["category"], "DELIVERY");
    assert_eq!(t["messageCount"], 1);
    assert_eq!(t["firstResponseAt"], Value::Null);
    assert_eq!(t["availableActions"], json!(["REPLY"]));
    assert_eq!(t["customer"]["email"], customer.user["email"]);

    // The desk's queue: counts per status, unassigned tab.
    let before =
        assert_ok(&queue_raw(&app, st, json!({ "assigned": "UNASSIGNED" })).await)["tickets"]
            .clone();
    assert_eq!(count_of(&before, "OPEN"), 1);
    assert_eq!(before["totalCount"], 1);

    // Assigned to a support user; then answered.
    let resp = assign_raw(&app, st, &id, Some(&user_id(&support))).await;
    assert_eq!(
        assert_ok(&resp)["assignTicket"]["assignee"]["id"],
        json!(user_id(&support))
    );
    let mine =
        assert_ok(&queue_raw(&app, st, json!({ "assigned": "ME" })).await)["tickets"].clone();
    assert_eq!(mine["totalCount"], 1);
    let unassigned =
        assert_ok(&queue_raw(&app, st, json!({ "assigned": "UNASSIGNED" })).await)["tickets"]
            .clone();
    assert_eq!(unassigned["totalCount"], 0);

    let resp = reply_raw(&app, st, &id, "It leaves the warehouse today.").await;
    let t = assert_ok(&resp)["replyToTicket"].clone();
    assert_eq!(t["status"], "WAITING_ON_CUSTOMER");
    assert!(t["firstResponseAt"].is_string(), "{t}");
    assert!(
        t["firstResponseSeconds"].as_i64().is_some_and(|s| s >= 0),
        "{t}"
    );
    assert_eq!(t["availableActions"], json!(["REPLY", "ASSIGN", "RESOLVE"]));
    let first_response = t["firstResponseAt"].clone();

    let resp = reply_raw(&app, ct, &id, "Thanks, I will wait.").await;
    let t = assert_ok(&resp)["replyToTicket"].clone();
    assert_eq!(t["status"], "WAITING_ON_STAFF");
    // A second staff answer does not move the first response.
    let resp = reply_raw(&app, st, &id, "Tracking number follows by email.").await;
    let t = assert_ok(&resp)["replyToTicket"].clone();
    assert_eq!(t["status"], "WAITING_ON_CUSTOMER");
    assert_eq!(t["firstResponseAt"], first_response);

    let resp = act_raw(&app, st, "resolveTicket", &id).await;
    let t = assert_ok(&resp)["resolveTicket"].clone();
    assert_eq!(t["status"], "RESOLVED");
    assert!(t["resolvedAt"].is_string(), "{t}");
    assert!(
        t["resolutionSeconds"].as_i64().is_some_and(|s| s >= 0),
        "{t}"
    );
    assert_error_code(&act_raw(&app, st, "resolveTicket", &id).await, "CONFLICT");

    // The customer answering a resolved ticket reopens it.
    let resp = reply_raw(&app, ct, &id, "It still has not arrived.").await;
    let t = assert_ok(&resp)["replyToTicket"].clone();
    assert_eq!(t["status"], "WAITING_ON_STAFF");
    assert_eq!(t["resolvedAt"], Value::Null);
    assert_eq!(t["resolutionSeconds"], Value::Null);
    assert_error_code(&act_raw(&app, ct, "closeTicket", &id).await, "CONFLICT");
    let t = assert_ok(&act_raw(&app, st, "resolveTicket", &id).await)["resolveTicket"].clone();
    assert_eq!(t["status"], "RESOLVED");
    assert_eq!(t["availableActions"], json!(["REPLY", "ASSIGN", "CLOSE"]));

    // The customer confirms: closed, and nothing more is written.
    let t = assert_ok(&act_raw(&app, ct, "closeTicket", &id).await)["closeTicket"].clone();
    assert_eq!(t["status"], "CLOSED");
    assert!(t["closedAt"].is_string(), "{t}");
    assert!(t["resolvedAt"].is_string(), "{t}");
    assert_eq!(t["availableActions"], json!([]));
    assert_error_code(&reply_raw(&app, ct, &id, "one more").await, "CONFLICT");
    assert_error_code(&reply_raw(&app, st, &id, "one more").await, "CONFLICT");
    assert_error_code(&assign_raw(&app, st, &id, None).await, "CONFLICT");

    // The thread as the customer reads it: staff are not named.
    let t = assert_ok(&ticket_raw(&app, ct, &id).await)["ticket"].clone();
    let roles: Vec<&str> = t["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["role"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        roles,
        ["CUSTOMER", "STAFF", "CUSTOMER", "STAFF", "CUSTOMER"]
    );
    assert_eq!(t["messageCount"], 5);
    assert_eq!(t["messages"][1]["authorName"], Value::Null);
    assert_eq!(t["messages"][0]["authorName"], json!("Test Customer"));
    assert_eq!(t["assignee"], Value::Null);
    let t = assert_ok(&ticket_raw(&app, st, &id).await)["ticket"].clone();
    assert!(t["messages"][1]["authorName"].is_string(), "{t}");

    // Order.tickets, myTickets and the number lookup agree.
    let resp = app
        .gql_as(
            ct,
            "query($n: String!) { order(number: $n) { tickets { number status } } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["order"]["tickets"],
        json!([{ "number": tk, "status": "CLOSED" }])
    );
    let resp = app
        .gql_as(
            ct,
            "{ myTickets { totalCount edges { node { number } } } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["myTickets"]["totalCount"], 1);
    let resp = app
        .gql_as(
            ct,
            "query($n: String!) { ticketByNumber(number: $n) { id } }",
            json!({ "n": tk.to_lowercase() }),
        )
        .await;
    assert_eq!(assert_ok(&resp)["ticketByNumber"]["id"], json!(id));
    let filtered = assert_ok(
        &queue_raw(
            &app,
            st,
            json!({ "orderNumber": number, "status": "CLOSED" }),
        )
        .await,
    )["tickets"]
        .clone();
    assert_eq!(filtered["totalCount"], 1);
    assert_eq!(count_of(&filtered, "CLOSED"), 1);
    assert_eq!(count_of(&filtered, "OPEN"), 0);

    // The outbox: opened, each staff reply, each resolution (not the
    // customer's replies, nor the close).
    let topics: Vec<String> = ticket_topics(&app, &number)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        topics,
        [
            "ticket.opened",
            "ticket.replied",
            "ticket.replied",
            "ticket.resolved",
            "ticket.resolved"
        ]
    );
    let events = ticket_topics(&app, &number).await;
    assert_eq!(events[1].1["number"], json!(tk));
    assert_eq!(events[1].1["message"], "It leaves the warehouse today.");

    // A general question (no order) is a ticket too, without outbox events.
    let general = open_ok(&app, ct, None, "Do you ship to Macau?").await;
    assert_eq!(general["orderNumber"], Value::Null);
    let resp = app
        .gql_as(ct, "{ myTickets { totalCount } }", json!({}))
        .await;
    assert_eq!(assert_ok(&resp)["myTickets"]["totalCount"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_else_sees_or_answers_a_customers_ticket() {
    let app = TestApp::spawn().await;
    let owner = new_customer(&app).await;
    let number = place(
        &app,
        &owner.access_token,
        input(&[("AUD-001", 1)], "POSTAL"),
    )
    .await;
    let t = open_ok(&app, &owner.access_token, Some(&number), "Help please").await;
    let id = t["id"].as_str().expect("id").to_owned();
    let tk = t["number"].as_str().expect("number").to_owned();
    let stranger = new_customer(&app).await;
    let s = stranger.access_token.as_str();

    // Another customer: exactly like a ticket that does not exist.
    assert_error_code(&ticket_raw(&app, s, &id).await, "NOT_FOUND");
    assert_error_code(
        &ticket_raw(&app, s, "0190a000-0000-7000-8000-000000000000").await,
        "NOT_FOUND",
    );
    let resp = app
        .gql_as(
            s,
            "query($n: String!) { ticketByNumber(number: $n) { id } }",
            json!({ "n": tk }),
        )
        .await;
    assert_error_code(&resp, "NOT_FOUND");
    assert_error_code(&reply_raw(&app, s, &id, "let me in").await, "NOT_FOUND");
    assert_error_code(&act_raw(&app, s, "closeTicket", &id).await, "NOT_FOUND");
    assert_error_code(&act_raw(&app, s, "resolveTicket", &id).await, "FORBIDDEN");
    assert_error_code(&assign_raw(&app, s, &id, None).await, "FORBIDDEN");
    assert_error_code(&queue_raw(&app, s, json!(null)).await, "FORBIDDEN");
    let resp = app
        .gql_as(s, "{ myTickets { totalCount } }", json!({}))
        .await;
    assert_eq!(assert_ok(&resp)["myTickets"]["totalCount"], 0);

    // Warehouse and finance: tickets are the service desk's (FORBIDDEN),
    // and an order they may see lists none.
    for role in [Role::Warehouse, Role::Finance] {
        let tok = app.login_as(role).await.access_token;
        assert_error_code(&ticket_raw(&app, &tok, &id).await, "FORBIDDEN");
        assert_error_code(&queue_raw(&app, &tok, json!(null)).await, "FORBIDDEN");
        assert_error_code(&reply_raw(&app, &tok, &id, "hi").await, "FORBIDDEN");
        assert_error_code(
            &act_raw(&app, &tok, "resolveTicket", &id).await,
            "FORBIDDEN",
        );
        let resp = app
            .gql_as(
                &tok,
                "query($n: String!) { order(number: $n) { tickets { id } } }",
                json!({ "n": number }),
            )
            .await;
        assert_eq!(assert_ok(&resp)["order"]["tickets"], json!([]), "{role:?}");
    }
    // Anonymous callers sign in first.
    assert_error_code(
        &app.gql(
            "query($id: ID!) { ticket(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await,
        "UNAUTHENTICATED",
    );

    // Nothing any of them tried was written.
    let t = assert_ok(&ticket_raw(&app, &owner.access_token, &id).await)["ticket"].clone();
    assert_eq!(t["messageCount"], 1);
    assert_eq!(t["status"], "OPEN");
    assert_eq!(row_count(&app, "ticket_messages").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_with_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let ct = customer.access_token.as_str();
    let number = place(&app, ct, input(&[("AUD-001", 1)], "POSTAL")).await;
    let other = new_customer(&app).await;
    let others = place(
        &app,
        &other.access_token,
        input(&[("AUD-001", 1)], "POSTAL"),
    )
    .await;
    let good = json!({ "orderNumber": number, "category": "PAYMENT",
                       "subject": "Charged twice", "message": "See my card statement." });
    let with = |k: &str, v: Value| {
        let mut i = good.clone();
        i[k] = v;
        i
    };

    for (input, field) in [
        (with("message", json!("   ")), "message"),
        (with("message", json!("x".repeat(5001))), "message"),
        (with("subject", json!("")), "subject"),
        (with("subject", json!("s".repeat(201))), "subject"),
        (with("subject", json!("two\nlines")), "subject"),
    ] {
        let resp = open_raw(&app, ct, input).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(error_field(&resp), Some(field), "{resp}");
    }
    // An unknown category is not a value of the enum.
    assert_error_code(
        &open_raw(&app, ct, with("category", json!("COMPLAINT"))).await,
        "INVALID_INPUT",
    );
    // Someone else's order, or none at all: NOT_FOUND, alike.
    assert_error_code(
        &open_raw(&app, ct, with("orderNumber", json!(others))).await,
        "NOT_FOUND",
    );
    assert_error_code(
        &open_raw(&app, ct, with("orderNumber", json!("SO-2000-999999"))).await,
        "NOT_FOUND",
    );
    // Staff do not open tickets; customers do.
    let support = app.login_as(Role::Support).await;
    assert_error_code(
        &open_raw(&app, &support.access_token, good.clone()).await,
        "FORBIDDEN",
    );
    assert_eq!(row_count(&app, "tickets").await, 0);
    assert_eq!(row_count(&app, "ticket_messages").await, 0);
    assert!(ticket_topics(&app, &number).await.is_empty());
    assert!(ticket_topics(&app, &others).await.is_empty());

    // On an open ticket: an empty reply, a bad id, an assignee who is not
    // on the desk.
    let t = open_ok(&app, ct, Some(&number), "First").await;
    let id = t["id"].as_str().expect("id").to_owned();
    let resp = reply_raw(&app, ct, &id, "").await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("message"));
    let resp = reply_raw(&app, ct, "not-a-uuid", "hello").await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("id"));
    let st = support.access_token.as_str();
    for who in [Role::Warehouse, Role::Customer] {
        let uid = user_id(&app.login_as(who).await);
        let resp = assign_raw(&app, st, &id, Some(&uid)).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(error_field(&resp), Some("assigneeId"), "{who:?}");
    }
    let admin = app.login_as(Role::Admin).await;
    let resp = assign_raw(&app, st, &id, Some(&user_id(&admin))).await;
    assert_eq!(
        assert_ok(&resp)["assignTicket"]["assignee"]["name"],
        admin.user["name"]
    );
    let t = assert_ok(&ticket_raw(&app, ct, &id).await)["ticket"].clone();
    assert_eq!(t["messageCount"], 1);
    assert_eq!(row_count(&app, "ticket_messages").await, 1);
    assert_eq!(
        ticket_topics(&app, &number)
            .await
            .into_iter()
            .map(|(t, _)| t)
            .collect::<Vec<_>>(),
        ["ticket.opened"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_support_reply_emails_the_customer_the_ticket_replied_mail() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;
    let (customer, number) = customer_with_order(&app).await;
    let ct = customer.access_token.as_str();
    let t = open_ok(&app, ct, Some(&number), "Can I change the colour?").await;
    let id = t["id"].as_str().expect("id").to_owned();
    let tk = t["number"].as_str().expect("number").to_owned();
    let support = app.login_as(Role::Support).await;
    let answer = "Yes: reply with the colour <b>you</b> want.";
    assert_ok(&reply_raw(&app, &support.access_token, &id, answer).await);

    let mail = sink.wait_for(&email_of(&customer), &tk).await;
    assert_eq!(mail.subject, format!("New reply to your request {tk}"));
    assert!(mail.text.contains(answer), "{}", mail.text);
    assert!(mail.text.contains(&number), "{}", mail.text);
    // The HTML part shows the message as text, not markup.
    assert!(mail.html.contains("&lt;b&gt;you&lt;"), "{}", mail.html);
    assert!(!mail.html.contains("<b>you</b>"), "{}", mail.html);
    let entry = wait_log(&app, ct, &number, "TICKET_REPLIED", |n| {
        n["status"] == "SENT"
    })
    .await;
    assert_eq!(entry["recipient"], json!(email_of(&customer)));
}

/// The demo seed's tickets (called from `demo.rs`): the demo customer's
/// four, in four statuses, three about their orders, with times recorded
/// where support answered; the desk's queue counts them.
pub(crate) async fn assert_demo_tickets(app: &TestApp) {
    let customer = app.login_as(Role::Customer).await.access_token;
    let resp = app
        .gql_as(
            &customer,
            "{ myTickets { totalCount edges { node { status orderNumber firstResponseSeconds resolutionSeconds messageCount } } } }",
            json!({}),
        )
        .await;
    let mine = assert_ok(&resp)["myTickets"].clone();
    assert_eq!(mine["totalCount"], 4, "{mine}");
    let nodes: Vec<Value> = mine["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"].clone())
        .collect();
    let mut statuses: Vec<&str> = nodes.iter().filter_map(|n| n["status"].as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [
            "OPEN",
            "RESOLVED",
            "WAITING_ON_CUSTOMER",
            "WAITING_ON_STAFF"
        ]
    );
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n["orderNumber"].is_string())
            .count(),
        3
    );
    let resolved = nodes
        .iter()
        .find(|n| n["status"] == "RESOLVED")
        .expect("resolved");
    assert!(resolved["resolutionSeconds"].is_i64(), "{resolved}");
    assert!(resolved["firstResponseSeconds"].is_i64(), "{resolved}");
    let support = app.login_as(Role::Support).await.access_token;
    let queue = assert_ok(&queue_raw(app, &support, json!(null)).await)["tickets"].clone();
    assert_eq!(queue["totalCount"], 4);
    assert_eq!(count_of(&queue, "OPEN"), 1);
    let mine =
        assert_ok(&queue_raw(app, &support, json!({ "assigned": "ME" })).await)["tickets"].clone();
    assert_eq!(mine["totalCount"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_seed_has_tickets_in_several_states() {
    let app = TestApp::builder()
        .env("OMS_SEED_DEMO_ORDERS", "true")
        .spawn()
        .await;
    assert_demo_tickets(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn racing_resolutions_resolve_once_and_the_loser_gets_conflict() {
    let app = TestApp::spawn().await;
    let customer = new_customer(&app).await;
    let number = place(
        &app,
        &customer.access_token,
        input(&[("AUD-001", 1)], "POSTAL"),
    )
    .await;
    let support = app.login_as(Role::Support).await.access_token;
    let admin = app.login_as(Role::Admin).await.access_token;
    for _ in 0..3 {
        let t = open_ok(&app, &customer.access_token, Some(&number), "Race me").await;
        let id = t["id"].as_str().expect("id").to_owned();
        let (a, b) = tokio::join!(
            act_raw(&app, &support, "resolveTicket", &id),
            act_raw(&app, &admin, "resolveTicket", &id)
        );
        let codes = [
            crate::helpers::error_code(&a).map(str::to_owned),
            crate::helpers::error_code(&b).map(str::to_owned),
        ];
        assert!(
            codes.contains(&None) && codes.contains(&Some("CONFLICT".to_owned())),
            "exactly one resolves: {a} {b}"
        );
        let t = assert_ok(&ticket_raw(&app, &support, &id).await)["ticket"].clone();
        assert_eq!(t["status"], "RESOLVED");
    }
    let topics = ticket_topics(&app, &number).await;
    let resolved = topics
        .iter()
        .filter(|(t, _)| t == "ticket.resolved")
        .count();
    assert_eq!(resolved, 3, "one event per resolution");
}
