//! After-sales in the portal with JavaScript turned off in Chromium: from
//! a delivered order's page a customer follows "Return or exchange",
//! "Get help" and "Write a review", fills each plain HTML form and lands on
//! the result, and the API then holds exactly what they submitted.

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{WAIT, in_browser_without_javascript};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{fulfil, new_key, order_input, pay_order, place_order_ok};

/// Waits for `css` on the current page and returns its text.
async fn text_of(client: &Client, css: &str) -> String {
    let el = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| {
            panic!("{css} never appeared: {e}");
        });
    el.text().await.unwrap_or_default()
}

async fn click(client: &Client, css: &str) {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
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

async fn open_order(app: &TestApp, client: &Client, number: &str) {
    client
        .goto(&app.url(&format!("/orders/{number}")))
        .await
        .expect("open the order page");
    text_of(client, "#order-number").await;
}

async fn after_sales_without_javascript(app: &TestApp, client: &Client) {
    let customer = app.login_as(Role::Customer).await;
    let warehouse = app.login_as(Role::Warehouse).await;
    let order = place_order_ok(
        app,
        &customer.access_token,
        order_input(&new_key(), &[("AUD-001", 1), ("CHG-003", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(app, &number).await;
    assert_eq!(
        fulfil(app, &warehouse.access_token, &number, "DELIVERED").await,
        "DELIVERED"
    );

    // Signing in is a plain form post.
    client.goto(&app.url("/login")).await.expect("open /login");
    type_into(client, "#email", &Role::Customer.email()).await;
    type_into(client, "#password", &Role::Customer.password()).await;
    click(client, "#login-submit").await;
    text_of(client, "#whoami").await;
    let no_script = client.source().await.unwrap_or_default();
    assert!(
        !no_script.contains("data-hydrated=\"true\""),
        "the page hydrated: JavaScript is not off"
    );

    // Return or exchange: one unit of the first line, defective.
    open_order(app, client, &number).await;
    click(client, "#svc-return-or-exchange").await;
    click(client, "#quantity-0 option[value=\"1\"]").await;
    click(client, "#reason-0 option[value=\"DEFECTIVE\"]").await;
    type_into(client, "#return-note", "It stopped working").await;
    click(client, "#return-submit").await;
    text_of(client, "#form-done").await;

    // Get help: a question about the order.
    open_order(app, client, &number).await;
    click(client, "#svc-get-help").await;
    type_into(client, "#ticket-subject", "Where do I send it?").await;
    type_into(client, "#ticket-message", "Which address takes returns?").await;
    click(client, "#new-ticket-submit").await;
    assert_eq!(
        text_of(client, "h2#ticket-subject").await,
        "Where do I send it?"
    );

    // Write a review of the charger.
    open_order(app, client, &number).await;
    click(client, "#svc-write-review").await;
    click(client, "#review-chg-003-rating option[value=\"4\"]").await;
    type_into(client, "#review-chg-003-title", "Charges fast").await;
    type_into(client, "#review-chg-003-body", "Does what it says.").await;
    click(client, "#review-chg-003 button[type=\"submit\"]").await;
    text_of(client, "#form-done").await;

    // "My returns" and "My tickets" are one click from "My orders".
    client
        .goto(&app.url("/orders"))
        .await
        .expect("open /orders");
    click(client, "#link-my-returns").await;
    assert!(text_of(client, "#returns-table").await.contains(&number));
    client
        .goto(&app.url("/orders"))
        .await
        .expect("open /orders");
    click(client, "#link-my-tickets").await;
    assert!(
        text_of(client, "#my-tickets")
            .await
            .contains("Where do I send it?")
    );

    // What the forms submitted is what the API now holds.
    let resp = app
        .gql_as(
            &customer.access_token,
            "query($n: String!) { order(number: $n) { \
             returns { status note lines { sku quantity reason } } \
             tickets { subject status } \
             lineReviews { sku review { rating title status } } } }",
            json!({ "n": number }),
        )
        .await;
    let o = &assert_ok(&resp)["order"];
    let first_sku = order["lines"][0]["sku"].clone();
    assert_eq!(o["returns"][0]["lines"][0]["sku"], first_sku, "{o}");
    assert_eq!(o["returns"][0]["lines"][0]["quantity"], 1, "{o}");
    assert_eq!(o["returns"][0]["lines"][0]["reason"], "DEFECTIVE", "{o}");
    assert_eq!(o["returns"][0]["note"], "It stopped working", "{o}");
    assert_eq!(o["tickets"][0]["subject"], "Where do I send it?", "{o}");
    let review = o["lineReviews"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["sku"] == "CHG-003")
        .map(|l| l["review"].clone())
        .unwrap_or_default();
    assert_eq!(review["rating"], 4, "{o}");
    assert_eq!(review["title"], "Charges fast", "{o}");
    assert_eq!(review["status"], "PENDING", "{o}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_returns_asks_and_reviews_with_javascript_off() {
    in_browser_without_javascript(|app, client| {
        Box::pin(after_sales_without_javascript(app, client))
    })
    .await;
}
