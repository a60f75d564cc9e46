//! Service tickets in the portal and the console with JavaScript off
//! (plain GET pages and POST forms): "Get help" on the order page, the
//! ticket form, My tickets, the thread with its reply and close forms, and
//! the console's queue (status tabs with counts, assignment, reply,
//! resolve). HTML a customer types is shown as text.

use serde_json::json;

use crate::fulfillment::{input, place};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::portal_orders::{page, post_form, sign_in};
use crate::tickets::{TICKET_FIELDS, ticket_raw};

const SCRIPT: &str = "<script>alert(\"owned\")</script> Where is it?";

/// The ticket `number` as the API has it, read with `token`.
async fn by_number(app: &TestApp, token: &str, number: &str) -> serde_json::Value {
    let q = format!("query($n: String!) {{ ticketByNumber(number: $n) {{ {TICKET_FIELDS} }} }}");
    let resp = app.gql_as(token, &q, json!({ "n": number })).await;
    assert_ok(&resp)["ticketByNumber"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_gets_help_and_support_answers_without_javascript() {
    let app = TestApp::spawn().await;
    let token = app.login_as(Role::Customer).await.access_token;
    let order = place(&app, &token, input(&[("AUD-001", 1)], "POSTAL")).await;

    let customer = app.cookie_client();
    sign_in(&app, &customer, Role::Customer, "/").await;
    let html = page(&app, &customer, &format!("/orders/{order}")).await;
    let get_help = format!("href=\"/tickets/new?order={order}\"");
    assert!(html.contains(&get_help), "{html}");
    assert!(!html.contains("id=\"order-tickets\""), "{html}");

    let html = page(&app, &customer, &format!("/tickets/new?order={order}")).await;
    assert!(html.contains("id=\"new-ticket\""), "{html}");
    assert!(html.contains(&format!("About order {order}")), "{html}");

    // Bad input comes back with the field named, and writes nothing.
    let (status, location) = post_form(
        &app,
        &customer,
        "/tickets/new",
        &[
            ("orderNumber", &order),
            ("category", "DELIVERY"),
            ("subject", "Late"),
            ("message", " "),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        location.starts_with(&format!(
            "/tickets/new?order={order}&error=INVALID_INPUT&field=message"
        )),
        "{location}"
    );
    let html = page(&app, &customer, &location).await;
    assert!(html.contains("id=\"form-error\""), "{html}");
    assert!(html.contains("1 to 5000 characters"), "{html}");
    let mine = app
        .gql_as(&token, "{ myTickets { totalCount } }", json!({}))
        .await;
    assert_eq!(assert_ok(&mine)["myTickets"]["totalCount"], 0);

    let (status, location) = post_form(
        &app,
        &customer,
        "/tickets/new",
        &[
            ("orderNumber", &order),
            ("category", "DELIVERY"),
            ("subject", "<b>Late</b> parcel"),
            ("message", SCRIPT),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let number = location
        .strip_prefix("/tickets/")
        .and_then(|l| l.strip_suffix("?done=OPENED"))
        .unwrap_or_else(|| panic!("{location}"))
        .to_owned();
    let t = by_number(&app, &token, &number).await;
    assert_eq!(t["status"], "OPEN");
    assert_eq!(t["messages"][0]["body"], SCRIPT);
    assert_eq!(t["subject"], "<b>Late</b> parcel");

    // The page shows the text the customer typed, escaped.
    let html = page(&app, &customer, &location).await;
    assert!(html.contains("id=\"form-done\""), "{html}");
    assert!(html.contains("&lt;script&gt;alert("), "{html}");
    assert!(!html.contains("<script>alert("), "{html}");
    assert!(html.contains("&lt;b&gt;Late&lt;/b&gt; parcel"), "{html}");
    assert!(!html.contains("<b>Late</b>"), "{html}");
    assert!(html.contains("id=\"ticket-reply\""), "{html}");
    let html = page(&app, &customer, "/tickets").await;
    assert!(
        html.contains(&format!("data-number=\"{number}\"")),
        "{html}"
    );
    // The order page lists its tickets.
    let html = page(&app, &customer, &format!("/orders/{order}")).await;
    assert!(html.contains("id=\"order-tickets\""), "{html}");
    assert!(
        html.contains(&format!("href=\"/tickets/{number}\"")),
        "{html}"
    );

    // The console: the queue's tabs count it; support assigns and answers.
    let support_tokens = app.login_as(Role::Support).await;
    let support_id = support_tokens.user["id"].as_str().expect("id").to_owned();
    let support = app.cookie_client();
    sign_in(&app, &support, Role::Support, "/console").await;
    let html = page(&app, &support, "/console/service/tickets").await;
    assert!(
        html.contains(&format!("data-number=\"{number}\"")),
        "{html}"
    );
    assert!(
        html.contains("id=\"status-tab-open\" data-count=\"1\""),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;Late"), "{html}");
    let html = page(&app, &support, "/console/service/tickets?assigned=ME").await;
    assert!(
        !html.contains(&format!("data-number=\"{number}\"")),
        "{html}"
    );

    let base = format!("/console/service/tickets/{number}");
    let html = page(&app, &support, &format!("/console/orders/{order}")).await;
    assert!(html.contains(&format!("href=\"{base}\"")), "{html}");
    let html = page(&app, &support, &base).await;
    assert!(html.contains("&lt;script&gt;alert("), "{html}");
    assert!(!html.contains("<script>alert("), "{html}");
    assert!(html.contains("id=\"ticket-assign-me\""), "{html}");
    let id = t["id"].as_str().expect("id").to_owned();
    let (status, location) = post_form(
        &app,
        &support,
        &format!("{base}/assign"),
        &[("id", &id), ("assigneeId", &support_id)],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{base}?done=ASSIGN").as_str())
    );
    let html = page(&app, &support, "/console/service/tickets?assigned=ME").await;
    assert!(
        html.contains(&format!("data-number=\"{number}\"")),
        "{html}"
    );
    let (status, location) = post_form(
        &app,
        &support,
        &format!("{base}/reply"),
        &[("id", &id), ("message", "It ships today.")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{base}?done=REPLY").as_str())
    );
    assert_eq!(
        by_number(&app, &token, &number).await["status"],
        "WAITING_ON_CUSTOMER"
    );

    // The customer answers from the ticket page.
    let mine = format!("/tickets/{number}");
    let html = page(&app, &customer, &mine).await;
    assert!(html.contains("It ships today."), "{html}");
    assert!(html.contains("Customer service"), "{html}");
    let (status, location) = post_form(
        &app,
        &customer,
        &format!("{mine}/reply"),
        &[("id", &id), ("message", "Thank you!")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{mine}?done=REPLY").as_str())
    );
    assert_eq!(
        by_number(&app, &token, &number).await["status"],
        "WAITING_ON_STAFF"
    );
    // A customer's post to the console's forms is refused and changes nothing.
    let (_, location) =
        post_form(&app, &customer, &format!("{base}/resolve"), &[("id", &id)]).await;
    assert!(location.contains("error=FORBIDDEN"), "{location}");

    // Resolved by support; the customer closes it; no more forms.
    let (_, location) = post_form(&app, &support, &format!("{base}/resolve"), &[("id", &id)]).await;
    assert_eq!(location, format!("{base}?done=RESOLVE"));
    let html = page(&app, &customer, &mine).await;
    assert!(html.contains("id=\"ticket-close\""), "{html}");
    let (_, location) = post_form(&app, &customer, &format!("{mine}/close"), &[("id", &id)]).await;
    assert_eq!(location, format!("{mine}?done=CLOSE"));
    let t = by_number(&app, &token, &number).await;
    assert_eq!(t["status"], "CLOSED");
    assert!(
        t["firstResponseAt"].is_string() && t["resolvedAt"].is_string(),
        "{t}"
    );
    let html = page(&app, &customer, &mine).await;
    assert!(!html.contains("id=\"ticket-reply\""), "{html}");
    assert!(!html.contains("id=\"ticket-close\""), "{html}");
    assert!(html.contains("data-status=\"CLOSED\""), "{html}");

    // In Chinese.
    let resp = customer
        .get(app.url("/lang/zh"))
        .send()
        .await
        .expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    let html = page(&app, &customer, "/tickets").await;
    assert!(html.contains("我的咨询"), "{html}");
    assert!(html.contains("已关闭"), "{html}");

    // Someone else's ticket is not found; warehouse staff are turned away.
    let stranger = app.cookie_client();
    sign_in(&app, &stranger, Role::Finance, "/").await;
    let html = page(&app, &stranger, "/console/service/tickets").await;
    assert!(html.contains("id=\"tickets-error\""), "{html}");
    assert!(!html.contains(&number), "{html}");
    let other = crate::order_helpers::new_customer(&app).await;
    assert_eq!(
        ticket_raw(&app, &other.access_token, &id).await["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );
}
