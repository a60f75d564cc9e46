//! The console's service desk overview (`/console/service`, JavaScript
//! off): each queue's card counts what waits for staff, from the areas'
//! own APIs, and a role that may not read a queue sees its card without a
//! number rather than an error.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::portal_orders::{page, sign_in};
use crate::returns::{delivered_order, refund_input, request_ok};

/// The number on a card of the overview, if it shows one.
fn card_count(html: &str, card: &str) -> Option<i64> {
    let start = html.find(&format!("id=\"desk-{card}\""))?;
    let rest = &html[start..];
    let end = rest.find("</li>").unwrap_or(rest.len());
    let card = &rest[..end];
    let at = card.find("class=\"desk-count\"")?;
    let after = &card[at..];
    let open = after.find('>')? + 1;
    let close = after[open..].find('<')? + open;
    after[open..close].trim().parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_overview_counts_what_waits_in_each_queue_for_the_callers_role() {
    let app = TestApp::spawn().await;
    let customer = crate::order_helpers::new_customer(&app).await;
    let number = delivered_order(&app, &customer, &[("AUD-001", 1), ("CHG-003", 1)]).await;
    // A change of mind above the automatic limit waits for support.
    let ret = request_ok(
        &app,
        &customer.access_token,
        &number,
        refund_input(&[("AUD-001", 1, "CHANGED_MIND")]),
    )
    .await;
    assert_eq!(ret["status"], "REQUESTED", "{ret}");
    for subject in ["First question", "Second question"] {
        let resp = app
            .gql_as(
                &customer.access_token,
                "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
                json!({ "i": { "orderNumber": number, "category": "OTHER",
                               "subject": subject, "message": "Hello?" } }),
            )
            .await;
        assert_ok(&resp);
    }
    let resp = app
        .gql_as(
            &customer.access_token,
            "mutation($n: String!) { writeReview(orderNumber: $n, sku: \"CHG-003\", rating: 3, \
             title: \"Fine\", body: \"OK\") { id } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp);

    let support = app.cookie_client();
    sign_in(&app, &support, Role::Support, "/console/service").await;
    let html = page(&app, &support, "/console/service").await;
    assert!(html.contains("id=\"desk-tabs\""), "{html}");
    assert_eq!(card_count(&html, "returns"), Some(1), "{html}");
    assert_eq!(card_count(&html, "tickets"), Some(2), "{html}");
    assert_eq!(card_count(&html, "reviews"), Some(1), "{html}");
    assert_eq!(card_count(&html, "changes"), Some(0), "{html}");

    // The warehouse works returns but does not read tickets or reviews.
    let warehouse = app.cookie_client();
    sign_in(&app, &warehouse, Role::Warehouse, "/console/service").await;
    let html = page(&app, &warehouse, "/console/service").await;
    assert_eq!(card_count(&html, "returns"), Some(1), "{html}");
    assert!(html.contains("id=\"desk-tickets\""), "{html}");
    assert_eq!(card_count(&html, "tickets"), None, "{html}");
    assert_eq!(card_count(&html, "reviews"), None, "{html}");

    // Customers are kept out.
    let shopper = app.cookie_client();
    sign_in(&app, &shopper, Role::Customer, "/console/service").await;
    let html = page(&app, &shopper, "/console/service").await;
    assert!(html.contains("id=\"console-denied\""), "{html}");
    assert!(!html.contains("id=\"desk-returns\""), "{html}");
}
