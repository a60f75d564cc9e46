//! Resuming in Chromium: the customer's open order page loses its
//! WebSocket, the order changes meanwhile, and once the socket is back the
//! page shows the change (replayed with `afterSequence`), without a reload.

use serde_json::json;

use super::{attribute, in_browser, sign_in_through_the_form, wait_for_js, wait_hydrated};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{new_key, order_input, pay_order_as, place_order_ok};

async fn order_page_resumes_after_a_dropped_socket(app: &TestApp, client: &fantoccini::Client) {
    sign_in_through_the_form(app, client, Role::Customer).await;
    let customer = app.login_as(Role::Customer).await;
    let finance = app.login_as(Role::Finance).await;
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
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("PENDING_PAYMENT")
    );
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

    // The socket drops and stays down (test hook) while finance records
    // the payment: nothing can reach the page now.
    client
        .execute(
            "window.dispatchEvent(new Event('oms-live-drop')); return null;",
            vec![],
        )
        .await
        .expect("drop the socket");
    wait_for_js(
        client,
        "the socket to close (no data-live-order)",
        "return document.body.getAttribute('data-live-order');",
        |v| v.is_null(),
    )
    .await;
    pay_order_as(app, &finance.access_token, &number).await;
    assert_eq!(
        attribute(client, "#order-status", "data-status").await,
        json!("PENDING_PAYMENT"),
        "the page changed with its socket down"
    );
    let q = "query($n: String!) { order(number: $n) { status sequence } }";
    let now = app
        .gql_as(&customer.access_token, q, json!({ "n": number }))
        .await;
    let now = assert_ok(&now)["order"].clone();
    assert_eq!(now["status"], "CONFIRMED");

    // Back: the page resubscribes after what it showed and catches up.
    client
        .execute(
            "window.dispatchEvent(new Event('oms-live-restore')); return null;",
            vec![],
        )
        .await
        .expect("restore the socket");
    let shown = wait_for_js(
        client,
        "the missed payment on the page",
        "return document.querySelector('#order-status')?.getAttribute('data-status');",
        |v| v == "CONFIRMED",
    )
    .await;
    assert_eq!(shown, json!("CONFIRMED"));
    let sequence = now["sequence"].as_i64().expect("sequence").to_string();
    wait_for_js(
        client,
        "every missed update (data-live-sequence)",
        "return document.body.getAttribute('data-live-sequence');",
        |v| v.as_str() == Some(sequence.as_str()),
    )
    .await;
    let marker = client
        .execute("return window.__oms_marker;", vec![])
        .await
        .expect("read marker");
    assert_eq!(marker, json!(42), "the page was reloaded");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_page_shows_changes_made_while_its_socket_was_down() {
    in_browser(|app, client| Box::pin(order_page_resumes_after_a_dropped_socket(app, client)))
        .await;
}
