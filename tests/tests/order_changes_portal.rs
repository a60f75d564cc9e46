//! Order changes in the portal and the console with JavaScript off (plain
//! GET pages and POST forms): "Change order" and "Cancel items" on the
//! order page, the change form's preview step with the difference in
//! words, the confirming post, the cancel-items form, the console's change
//! requests with approve and reject, and the same pages in Chinese.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_changes::{order_after, request_raw};
use crate::order_helpers::{minor, new_key, order_input, pay_order, place_order_ok};
use crate::portal_orders::{page, post_form, sign_in};

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_changes_and_cancels_items_and_support_decides_without_javascript() {
    let app = TestApp::spawn().await;
    let token = app.login_as(Role::Customer).await.access_token;
    let o = place_order_ok(
        &app,
        &token,
        order_input(&new_key(), &[("AUD-001", 2), ("CHG-003", 2)]),
    )
    .await;
    let number = o["number"].as_str().expect("number").to_owned();
    let total = minor(&o["total"]["amount"]);
    pay_order(&app, &number).await;

    let customer = app.cookie_client();
    sign_in(&app, &customer, Role::Customer, "/").await;
    let html = page(&app, &customer, &format!("/orders/{number}")).await;
    assert!(
        html.contains(&format!("href=\"/orders/{number}/change\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/orders/{number}/cancel-items\"")),
        "{html}"
    );

    // The form, then its preview: one earbud fewer is ¥299.00 back.
    let html = page(&app, &customer, &format!("/orders/{number}/change")).await;
    assert!(html.contains("id=\"change-form\""), "{html}");
    let preview = format!(
        "/orders/{number}/change?preview=1&was_AUD-001=2&qty_AUD-001=1&was_CHG-003=2&qty_CHG-003=2&wasMethod=POSTAL&method=POSTAL"
    );
    let html = page(&app, &customer, &preview).await;
    assert!(html.contains("You will be refunded ¥299.00."), "{html}");
    assert!(html.contains("id=\"change-confirm\""), "{html}");
    let (status, location) = post_form(
        &app,
        &customer,
        &format!("/orders/{number}/change"),
        &[
            ("was_AUD-001", "2"),
            ("qty_AUD-001", "1"),
            ("was_CHG-003", "2"),
            ("qty_CHG-003", "2"),
            ("wasMethod", "POSTAL"),
            ("method", "POSTAL"),
            ("idempotencyKey", &new_key()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/orders/{number}/change?done=APPLIED"));
    let after = order_after(&app, &token, &number).await;
    assert_eq!(minor(&after["total"]["amount"]), total - 29_900, "{after}");

    // An addition previews as more to pay and waits for support.
    let html = page(
        &app,
        &customer,
        &format!("/orders/{number}/change?preview=1&addSku=BOO-001&addQty=1"),
    )
    .await;
    assert!(html.contains("¥128.00 more to pay."), "{html}");
    assert!(html.contains("id=\"needs-approval\""), "{html}");

    // Cancel items: one cable.
    let html = page(&app, &customer, &format!("/orders/{number}/cancel-items")).await;
    assert!(html.contains("id=\"cancel-items-form\""), "{html}");
    let (status, location) = post_form(
        &app,
        &customer,
        &format!("/orders/{number}/cancel-items"),
        &[
            ("cancel_AUD-001", "0"),
            ("cancel_CHG-003", "1"),
            ("reason", "one is enough"),
            ("idempotencyKey", &new_key()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("/orders/{number}/cancel-items?done=CANCELLED")
    );
    let after = order_after(&app, &token, &number).await;
    assert_eq!(
        minor(&after["total"]["amount"]),
        total - 29_900 - 3_900,
        "{after}"
    );

    // A pending addition; support approves it in the console.
    let resp = request_raw(
        &app,
        &token,
        &number,
        json!({ "addLines": [{ "sku": "BOO-001", "quantity": 1 }] }),
        &new_key(),
    )
    .await;
    let id = assert_ok(&resp)["requestOrderChange"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let support = app.cookie_client();
    sign_in(&app, &support, Role::Support, "/").await;
    let html = page(&app, &support, "/console/service/changes").await;
    assert!(html.contains(&format!("data-id=\"{id}\"")), "{html}");
    assert!(html.contains("data-status=\"PENDING\""), "{html}");
    let (status, location) = post_form(
        &app,
        &support,
        &format!("/console/service/changes/{id}/approve"),
        &[],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/console/service/changes?done=APPROVE");
    let after = order_after(&app, &token, &number).await;
    assert_eq!(after["changeRequests"][0]["status"], "APPROVED", "{after}");

    // In Chinese.
    let resp = customer
        .get(app.url("/lang/zh"))
        .send()
        .await
        .expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    // (The added book is not paid yet: dropping the last cable lowers the
    // amount due rather than refunding.)
    let html = page(
        &app,
        &customer,
        &format!("/orders/{number}/change?preview=1&was_CHG-003=1&qty_CHG-003=0"),
    )
    .await;
    assert!(html.contains("订单金额将减少 ¥39.00。"), "{html}");
    assert!(html.contains("确认修改"), "{html}");
}
