//! Customer email on the pages, with JavaScript off: the notification log
//! on the customer's order page and on the console's (with a working
//! "Resend" form), the preferences form, and the console's email
//! templates with a preview.

use serde_json::json;

use crate::fulfillment::{input, place};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::mail_helpers::{log_of, wait_log};
use crate::portal_orders::{page, post_form, sign_in};

/// The opening tag of the element with `id`.
fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let start = html[..at].rfind('<').unwrap_or(0);
    let end = at + html[at..].find('>').unwrap_or(0);
    &html[start..=end]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_sets_email_preferences_and_reads_what_was_sent_without_javascript() {
    let app = TestApp::spawn().await;
    let browser = app.cookie_client();
    sign_in(&app, &browser, Role::Customer, "/account/notifications").await;
    let html = page(&app, &browser, "/account/notifications").await;
    assert!(tag(&html, "prefs-shipping").contains("checked"), "{html}");

    let (status, location) = post_form(
        &app,
        &browser,
        "/account/notifications",
        &[("language", "zh"), ("serviceUpdates", "on")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/account/notifications?saved=1")
    );
    let token = app.login_as(Role::Customer).await.access_token;
    let me = app
        .gql_as(
            &token,
            "{ me { notificationPreferences { language shippingUpdates serviceUpdates } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        assert_ok(&me)["me"]["notificationPreferences"],
        json!({ "language": "ZH", "shippingUpdates": false, "serviceUpdates": true })
    );
    let html = page(&app, &browser, "/account/notifications?saved=1").await;
    assert!(html.contains("id=\"form-done\""), "{html}");
    assert!(!tag(&html, "prefs-shipping").contains("checked"), "{html}");
    assert!(tag(&html, "prefs-service").contains("checked"), "{html}");

    // An order: its confirmation (written to the data dir: no SMTP) is on
    // the order page, in the customer's page language.
    let number = place(&app, &token, input(&[("AUD-001", 1)], "POSTAL")).await;
    wait_log(&app, &token, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    let html = page(&app, &browser, &format!("/orders/{number}")).await;
    assert!(tag(&html, "notifications").contains("section"), "{html}");
    assert!(html.contains("data-template=\"ORDER_PLACED\""), "{html}");
    assert!(html.contains("Order confirmation"), "{html}");
    assert!(html.contains(">Sent<"), "{html}");
    let resp = browser.get(app.url("/lang/zh")).send().await.expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    let html = page(&app, &browser, &format!("/orders/{number}")).await;
    assert!(html.contains("订单确认"), "{html}");
    assert!(html.contains("已发送"), "{html}");
    // Customers get no resend button.
    assert!(!html.contains("/resend"), "{html}");
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_resend_from_the_console_order_page_and_preview_templates_without_javascript() {
    let app = TestApp::spawn().await;
    let token = app.login_as(Role::Customer).await.access_token;
    let number = place(&app, &token, input(&[("AUD-001", 1)], "POSTAL")).await;
    let first = wait_log(&app, &token, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    let id = first["id"].as_str().expect("id").to_owned();
    let resend = format!("/console/orders/{number}/notifications/{id}/resend");

    let support = app.cookie_client();
    sign_in(&app, &support, Role::Support, "/console").await;
    let html = page(&app, &support, &format!("/console/orders/{number}")).await;
    assert!(html.contains(&format!("action=\"{resend}\"")), "{html}");
    assert!(html.contains(">Resend<"), "{html}");

    // Warehouse staff see the log but get no resend button.
    let clerk = app.cookie_client();
    sign_in(&app, &clerk, Role::Warehouse, "/console").await;
    let html = page(&app, &clerk, &format!("/console/orders/{number}")).await;
    assert!(html.contains("data-template=\"ORDER_PLACED\""), "{html}");
    assert!(!html.contains(&resend), "{html}");

    // A customer's post is refused and changes nothing.
    let customer = app.cookie_client();
    sign_in(&app, &customer, Role::Customer, "/").await;
    let (status, location) = post_form(&app, &customer, &resend, &[]).await;
    assert_eq!(status, 303);
    assert!(location.contains("resendError=FORBIDDEN"), "{location}");
    assert_eq!(log_of(&app, &token, &number).await.len(), 1);

    let (status, location) = post_form(&app, &support, &resend, &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (
            303,
            format!("/console/orders/{number}?resent=1#notifications").as_str()
        )
    );
    let again = wait_log(&app, &token, &number, "ORDER_PLACED", |n| {
        n["resendOf"] == id.as_str() && n["status"] == "SENT"
    })
    .await;
    assert_ne!(again["id"], first["id"]);
    let html = page(
        &app,
        &support,
        &format!("/console/orders/{number}?resent=1"),
    )
    .await;
    assert!(html.contains("id=\"resend-done\""), "{html}");
    assert_eq!(html.matches("class=\"notification\"").count(), 2, "{html}");

    // The templates, and one previewed in Chinese.
    let html = page(
        &app,
        &support,
        "/console/email-templates?template=READY_FOR_PICKUP&language=ZH",
    )
    .await;
    for t in crate::mail_helpers::ISSUE_TEMPLATES {
        for l in ["EN", "ZH"] {
            let row = format!("data-template=\"{t}\" data-language=\"{l}\"");
            assert!(html.contains(&row), "no row {row}: {html}");
        }
    }
    assert!(tag(&html, "preview").contains("READY_FOR_PICKUP"), "{html}");
    assert!(html.contains("取件码"), "{html}");
    let html = page(&app, &customer, "/console/email-templates").await;
    assert!(html.contains("id=\"console-denied\""), "{html}");
}
