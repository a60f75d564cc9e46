//! Returns on the pages, with JavaScript off: the customer asks for a
//! return from the order page's "Return or exchange" (errors shown,
//! nothing written), sees it in "My returns"; support approves, the
//! warehouse receives it into a warehouse, finance sees the refund amount
//! and confirms it, each in the console; English and Chinese.

use crate::helpers::{Role, TestApp};
use crate::portal_orders::{page, post_form, sign_in};
use crate::returns::delivered_order;

/// The value of the first `name="<name>" value="…"` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).map(|i| i + marker.len()).unwrap_or(0);
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_returns_an_item_and_the_desk_refunds_it_without_javascript() {
    let app = TestApp::spawn().await;
    let tokens = app.login_as(Role::Customer).await;
    let number = delivered_order(&app, &tokens, &[("AUD-001", 1), ("MUG-001", 1)]).await;
    let form_page = format!("/orders/{number}/return");

    let customer = app.cookie_client();
    sign_in(&app, &customer, Role::Customer, "/orders").await;
    let html = page(&app, &customer, &format!("/orders/{number}")).await;
    assert!(html.contains("id=\"svc-return-or-exchange\""), "{html}");
    let html = page(&app, &customer, &form_page).await;
    assert!(html.contains("id=\"return-form\""), "{html}");
    let key = hidden(&html, "idempotencyKey");
    assert!(!key.is_empty(), "{html}");

    // More than was delivered: the error comes back, nothing is written.
    let (status, location) = post_form(
        &app,
        &customer,
        &form_page,
        &[
            ("idempotencyKey", "portal-too-many"),
            ("sku", "AUD-001"),
            ("quantity", "3"),
            ("reason", "CHANGED_MIND"),
            ("exchangeSku", ""),
            ("resolution", "REFUND"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        location.starts_with(&format!("{form_page}?error=INVALID_INPUT")),
        "{location}"
    );
    let html = page(&app, &customer, &location).await;
    assert!(html.contains("id=\"form-error\""), "{html}");
    assert!(html.contains("No returns yet."), "{html}");

    let (status, location) = post_form(
        &app,
        &customer,
        &form_page,
        &[
            ("idempotencyKey", &key),
            ("sku", "AUD-001"),
            ("quantity", "1"),
            ("reason", "CHANGED_MIND"),
            ("exchangeSku", ""),
            ("sku", "MUG-001"),
            ("quantity", "0"),
            ("reason", "OTHER"),
            ("exchangeSku", ""),
            ("resolution", "REFUND"),
            ("note", "Too big for me"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/returns/"), "{location}");
    assert!(location.ends_with("?requested=1"), "{location}");
    let id = location
        .trim_start_matches("/returns/")
        .trim_end_matches("?requested=1")
        .to_owned();
    let html = page(&app, &customer, &location).await;
    assert!(html.contains("id=\"form-done\""), "{html}");
    assert!(html.contains("data-status=\"REQUESTED\""), "{html}");
    assert!(html.contains("RMA-"), "{html}");
    assert!(html.contains("id=\"return-cancel\""), "{html}");
    let mine = page(&app, &customer, "/returns").await;
    assert!(mine.contains(&format!("href=\"/returns/{id}\"")), "{mine}");

    // Support approves in the console.
    let console = format!("/console/service/returns/{id}");
    let support = app.cookie_client();
    sign_in(&app, &support, Role::Support, "/console").await;
    let queue = page(&app, &support, "/console/service/returns?status=REQUESTED").await;
    assert!(queue.contains(&format!("href=\"{console}\"")), "{queue}");
    let html = page(&app, &support, &console).await;
    assert!(html.contains("id=\"return-approve\""), "{html}");
    assert!(!html.contains("id=\"receive-form\""), "{html}");
    let (_, location) = post_form(&app, &support, &format!("{console}/approve"), &[]).await;
    assert_eq!(location, format!("{console}?saved=1"));

    // The warehouse receives it into SHA.
    let keeper = app.cookie_client();
    sign_in(&app, &keeper, Role::Warehouse, "/console").await;
    let html = page(&app, &keeper, &console).await;
    assert!(html.contains("id=\"receive-form\""), "{html}");
    assert!(!html.contains("id=\"return-refund\""), "{html}");
    let (_, location) = post_form(
        &app,
        &keeper,
        &format!("{console}/receive"),
        &[
            ("sku", "AUD-001"),
            ("restock", "1"),
            ("damaged", "0"),
            ("missing", "0"),
            ("warehouse", "SHA"),
        ],
    )
    .await;
    assert_eq!(location, format!("{console}?saved=1"));

    // Finance sees the amount before confirming it.
    let finance = app.cookie_client();
    sign_in(&app, &finance, Role::Finance, "/console").await;
    let html = page(&app, &finance, &console).await;
    assert!(html.contains("id=\"return-refund\""), "{html}");
    assert!(html.contains("299.00"), "{html}");
    let refund_key = hidden(&html, "idempotencyKey");
    let (_, location) = post_form(
        &app,
        &finance,
        &format!("{console}/refund"),
        &[("idempotencyKey", &refund_key)],
    )
    .await;
    assert_eq!(location, format!("{console}?saved=1"));
    let html = page(&app, &customer, &format!("/returns/{id}")).await;
    assert!(html.contains("data-status=\"REFUNDED\""), "{html}");
    assert!(!html.contains("id=\"return-cancel\""), "{html}");

    // In Chinese.
    let resp = customer
        .get(app.url("/lang/zh"))
        .send()
        .await
        .expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    let html = page(&app, &customer, "/returns").await;
    assert!(html.contains("我的退换货"), "{html}");
    assert!(html.contains("已退款"), "{html}");
}
