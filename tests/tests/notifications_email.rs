//! Customer email end to end: a real SMTP server on loopback (aiosmtpd,
//! `tests/smtp_sink.py`) receives each email with the right recipient,
//! language and content; a server that is down at first gets the mail when
//! it comes back; a crash (kill -9) between commit and delivery still
//! delivers exactly one email per event; no SMTP writes `.eml` files to the
//! data dir; templates are checked when saved; preferences skip
//! non-essential mail (and the log says so); staff resend.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::fulfillment::{act, input, place, shipments, to_packed};
use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, workspace_root};
use crate::mail_helpers::{
    SmtpSink, customer_with_order, email_of, free_port, log_of, mailing, python, set_preferences,
    wait_log,
};
use crate::order_helpers::{
    error_field, fulfil, new_customer, pay_order, register_customer, set_available,
};

#[tokio::test(flavor = "multi_thread")]
async fn the_order_confirmation_reaches_a_real_smtp_server_in_english_and_in_chinese() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;

    let en = new_customer(&app).await;
    let number = place(&app, &en.access_token, input(&[("AUD-001", 1)], "POSTAL")).await;
    let mail = sink.wait_for(&email_of(&en), &number).await;
    assert_eq!(mail.subject, format!("Order {number} received"));
    assert!(mail.text.contains("Hello Test Customer"), "{}", mail.text);
    assert!(mail.text.contains("Total:"), "{}", mail.text);
    assert!(
        mail.text.contains(&format!("/orders/{number}")),
        "{}",
        mail.text
    );
    assert!(
        mail.html.contains("<strong>Total</strong>"),
        "{}",
        mail.html
    );

    // The log, as the customer sees it on the order page.
    let entry = wait_log(&app, &en.access_token, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    assert_eq!(entry["channel"], "EMAIL");
    assert_eq!(entry["language"], "EN");
    assert_eq!(entry["recipient"], json!(email_of(&en)));
    assert_eq!(entry["subject"], json!(mail.subject));
    assert!(entry["sentAt"].is_string(), "{entry}");
    assert_eq!(entry["error"], Value::Null);
    let id = entry["id"].as_str().expect("id");
    assert!(mail.message_id.contains(id), "{} vs {id}", mail.message_id);

    // A customer who reads Chinese gets Chinese.
    let zh = new_customer(&app).await;
    let prefs = set_preferences(&app, &zh.access_token, json!({ "language": "ZH" })).await;
    assert_eq!(prefs["language"], "ZH");
    let me = app
        .gql_as(
            &zh.access_token,
            "{ me { notificationPreferences { language shippingUpdates serviceUpdates } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        assert_ok(&me)["me"]["notificationPreferences"],
        json!({ "language": "ZH", "shippingUpdates": true, "serviceUpdates": true })
    );
    let number = place(&app, &zh.access_token, input(&[("AUD-001", 1)], "POSTAL")).await;
    let mail = sink.wait_for(&email_of(&zh), &number).await;
    assert_eq!(mail.subject, format!("您的订单 {number} 已收到"));
    assert!(mail.text.contains("感谢您的订购"), "{}", mail.text);
    assert!(mail.html.contains("合计"), "{}", mail.html);

    // Nobody else sees a customer's log.
    let stranger = new_customer(&app).await;
    let resp = app
        .gql_as(
            &stranger.access_token,
            "query($n: String!) { order(number: $n) { notifications { id } } }",
            json!({ "n": number }),
        )
        .await;
    assert_error_code(&resp, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn shipping_mail_has_the_tracking_link_and_turning_shipping_updates_off_skips_only_it() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;
    let keeper = app.login_as(Role::Warehouse).await.access_token;

    let keen = new_customer(&app).await;
    let quiet = new_customer(&app).await;
    let prefs = set_preferences(
        &app,
        &quiet.access_token,
        json!({ "shippingUpdates": false }),
    )
    .await;
    assert_eq!(prefs["shippingUpdates"], false);
    assert_eq!(prefs["serviceUpdates"], true);

    let mut numbers = Vec::new();
    for c in [&keen, &quiet] {
        let number = place(&app, &c.access_token, input(&[("AUD-001", 1)], "POSTAL")).await;
        pay_order(&app, &number).await;
        assert_eq!(fulfil(&app, &keeper, &number, "SHIPPED").await, "SHIPPED");
        numbers.push(number);
    }

    // The keen customer: receipt, payment, and the parcel with its link.
    let shipped = sink.wait_for(&email_of(&keen), "has shipped").await;
    assert!(shipped.subject.contains(&numbers[0]), "{}", shipped.subject);
    let order = crate::fulfillment::order_of(&app, &keen.access_token, &numbers[0]).await;
    let tracking = shipments(&order)[0]["trackingNumber"]
        .as_str()
        .expect("tracking number")
        .to_string();
    assert!(shipped.text.contains(&tracking), "{}", shipped.text);
    assert!(
        shipped.text.contains(&format!(
            "https://www.kuaidi100.com/chaxun?com=shunfeng&nu={tracking}"
        )),
        "{}",
        shipped.text
    );
    sink.wait_for(&email_of(&keen), "Payment received").await;

    // The quiet one: the shipping update is SKIPPED with the reason;
    // receipts still go out.
    let skipped = wait_log(
        &app,
        &quiet.access_token,
        &numbers[1],
        "SHIPMENT_SHIPPED",
        |n| n["status"] == "SKIPPED",
    )
    .await;
    assert!(
        skipped["error"]
            .as_str()
            .is_some_and(|e| e.contains("shipping updates")),
        "{skipped}"
    );
    for t in ["ORDER_PLACED", "PAYMENT_RECEIVED"] {
        wait_log(&app, &quiet.access_token, &numbers[1], t, |n| {
            n["status"] == "SENT"
        })
        .await;
    }
    sink.wait_for(&email_of(&quiet), "Payment received").await;
    assert!(
        !sink
            .mails()
            .iter()
            .any(|m| m.rcpt.contains(&email_of(&quiet)) && m.subject.contains("shipped")),
        "a skipped email was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pickup_code_is_mailed_when_the_parcel_is_ready() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "SLP-001", &[("SHA", 5), ("PEK-PICKUP", 3)]).await;
    let customer = new_customer(&app).await;
    // Even with every optional email off: the pickup code is essential.
    set_preferences(
        &app,
        &customer.access_token,
        json!({ "shippingUpdates": false, "serviceUpdates": false }),
    )
    .await;
    let number = place(
        &app,
        &customer.access_token,
        input(&[("SLP-001", 1)], "PICKUP"),
    )
    .await;
    pay_order(&app, &number).await;
    let order = crate::fulfillment::order_of(&app, &customer.access_token, &number).await;
    let parcel = shipments(&order)[0].clone();
    let code = parcel["pickupCode"]
        .as_str()
        .expect("pickup code")
        .to_string();
    let id = parcel["id"].as_str().expect("id").to_string();
    to_packed(&app, &clerk, &id).await;
    assert_ok(&act(&app, Some(&clerk), "markReadyForPickup", "", json!({}), &id).await);

    let mail = sink
        .wait_for(&email_of(&customer), "is ready for pickup")
        .await;
    assert!(
        mail.text.contains(&format!("Your pickup code: {code}")),
        "{}",
        mail.text
    );
    assert!(mail.html.contains(&code), "{}", mail.html);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_smtp_server_down_mail_is_retried_and_delivered_when_it_comes_back() {
    let port = free_port();
    let app = TestApp::builder()
        .env("OMS_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .env("OMS_MAIL_RETRY_BASE_MS", "200")
        .env("OMS_MAIL_RETRY_MAX_MS", "1000")
        .env("OMS_MAIL_MAX_ATTEMPTS", "1000")
        .spawn()
        .await;
    let (customer, number) = customer_with_order(&app).await;

    // Refused connections are temporary: still PENDING, with the error.
    let failing = wait_log(&app, &customer.access_token, &number, "ORDER_PLACED", |n| {
        n["attempts"].as_i64().unwrap_or(0) >= 2
    })
    .await;
    assert_eq!(failing["status"], "PENDING", "{failing}");
    assert!(failing["error"].is_string(), "{failing}");
    assert_eq!(failing["sentAt"], Value::Null);

    let sink = SmtpSink::start_on(port).await;
    let mail = sink.wait_for(&email_of(&customer), &number).await;
    assert_eq!(mail.subject, format!("Order {number} received"));
    let sent = wait_log(&app, &customer.access_token, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    assert_eq!(sent["error"], Value::Null, "{sent}");
    assert_eq!(sink.count_to(&email_of(&customer)), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_refusal_is_marked_failed_with_the_reason() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;
    let email = format!("bounce-{}@example.com", uuid::Uuid::new_v4().simple());
    let customer = register_customer(&app, &email).await;
    let number = place(
        &app,
        &customer.access_token,
        input(&[("AUD-001", 1)], "POSTAL"),
    )
    .await;
    let failed = wait_log(&app, &customer.access_token, &number, "ORDER_PLACED", |n| {
        n["status"] == "FAILED"
    })
    .await;
    assert_eq!(failed["attempts"], 1, "a 5xx is not retried: {failed}");
    assert!(
        failed["error"].as_str().is_some_and(|e| e.contains("550")),
        "{failed}"
    );
    assert_eq!(sink.count_to(&email), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_smtp_mail_is_written_as_eml_files_in_the_data_dir() {
    let data_dir = tempfile::tempdir().expect("data dir");
    let app = TestApp::builder()
        .env("OMS_DATA_DIR", data_dir.path().display().to_string())
        .spawn()
        .await;
    let (customer, number) = customer_with_order(&app).await;
    wait_log(&app, &customer.access_token, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    let mail_dir = data_dir.path().join("mail");
    let files: Vec<PathBuf> = std::fs::read_dir(&mail_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", mail_dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let out = std::process::Command::new(python())
        .arg(workspace_root().join("tests").join("smtp_sink.py"))
        .arg("decode")
        .arg(&files[0])
        .output()
        .expect("decode the .eml");
    let mail: Value = serde_json::from_slice(&out.stdout).expect("decoded json");
    assert_eq!(mail["to"], json!(email_of(&customer)));
    assert_eq!(mail["subject"], json!(format!("Order {number} received")));
    assert!(mail["text"].as_str().is_some_and(|t| t.contains(&number)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_after_commit_and_before_delivery_still_delivers_exactly_one_email_per_event() {
    let data_dir = tempfile::tempdir().expect("data dir");
    let port = free_port();
    let mut first = TestApp::builder()
        .env("OMS_DATA_DIR", data_dir.path().display().to_string())
        .env("OMS_SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .env("OMS_MAIL_RETRY_BASE_MS", "200")
        .env("OMS_MAIL_RETRY_MAX_MS", "500")
        // An email being sent at the kill is held this long.
        .env("OMS_MAIL_LEASE_SECS", "2")
        .env("OMS_MAIL_MAX_ATTEMPTS", "1000")
        .spawn()
        .await;
    let customer = new_customer(&first).await;
    let token = customer.access_token.clone();
    let number = place(&first, &token, input(&[("AUD-001", 1)], "POSTAL")).await;
    pay_order(&first, &number).await;
    for t in ["ORDER_PLACED", "PAYMENT_RECEIVED"] {
        wait_log(&first, &token, &number, t, |n| {
            n["status"] == "PENDING" && n["attempts"].as_i64().unwrap_or(0) >= 1
        })
        .await;
    }
    first.kill9().await;

    // Same database (and data dir), the SMTP server up now.
    let sink = SmtpSink::start_on(port).await;
    let mut again = TestApp::builder()
        .env("OMS_DATA_DIR", data_dir.path().display().to_string())
        .env("OMS_SMTP_URL", sink.url());
    if let Some(url) = first.database_url() {
        again = again.database_url(url);
    }
    let app = again.spawn().await;
    let token = app
        .login_ok(&email_of(&customer), "orders-test-Pa55word!")
        .await
        .access_token;
    for t in ["ORDER_PLACED", "PAYMENT_RECEIVED"] {
        wait_log(&app, &token, &number, t, |n| n["status"] == "SENT").await;
    }
    let log = log_of(&app, &token, &number).await;
    assert_eq!(log.len(), 2, "one entry per event: {log:?}");
    let to_customer: Vec<String> = sink
        .mails()
        .into_iter()
        .filter(|m| m.rcpt.contains(&email_of(&customer)))
        .map(|m| m.subject)
        .collect();
    assert_eq!(to_customer.len(), 2, "{to_customer:?}");
    assert!(to_customer.contains(&format!("Order {number} received")));
    assert!(to_customer.contains(&format!("Payment received for order {number}")));
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_are_checked_when_saved_previewed_and_used_and_staff_can_resend() {
    let sink = SmtpSink::start().await;
    let app = mailing(&sink).spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let support = app.login_as(Role::Support).await.access_token;
    let save = |input: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.gql_as(
                &admin,
                "mutation($i: EmailTemplateInput!) { updateEmailTemplate(input: $i) { template language subject customized updatedBy } }",
                json!({ "i": input }),
            )
            .await
        }
    };
    let list = |token: String| {
        let app = &app;
        async move {
            let resp = app
                .gql_as(
                    &token,
                    "{ emailTemplates { template language subject customized } }",
                    json!({}),
                )
                .await;
            assert_ok(&resp)["emailTemplates"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }
    };
    let placed_en = |l: &[Value]| {
        l.iter()
            .find(|t| t["template"] == "ORDER_PLACED" && t["language"] == "EN")
            .cloned()
            .expect("ORDER_PLACED EN listed")
    };
    let before = list(support.clone()).await;
    crate::mail_helpers::assert_every_template_in_both_languages(&before);
    assert_eq!(placed_en(&before)["customized"], false);

    // A syntax error is refused naming the part; nothing is stored.
    let resp = save(json!({
        "template": "ORDER_PLACED", "language": "EN",
        "subject": "Thanks for {{ order_number }}",
        "textBody": "Hello {{ customer_name }}",
        "htmlBody": "<p>{% if customer_name %}Hello</p>",
    }))
    .await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("htmlBody"), "{resp}");
    assert_eq!(list(support.clone()).await, before);

    // A good edit is used by the preview and by the next email.
    let resp = save(json!({
        "template": "ORDER_PLACED", "language": "EN",
        "subject": "Thanks for {{ order_number }}!",
        "textBody": "Hello {{ customer_name }}, your total is {{ total }}.",
        "htmlBody": "<p>Hello {{ customer_name }}</p>",
    }))
    .await;
    assert_eq!(assert_ok(&resp)["updateEmailTemplate"]["customized"], true);
    let preview = app
        .gql_as(
            &support,
            "{ emailPreview(template: ORDER_PLACED, language: EN) { subject text html } }",
            json!({}),
        )
        .await;
    let preview = &assert_ok(&preview)["emailPreview"];
    assert_eq!(preview["subject"], "Thanks for SO-2026-000123!");
    assert!(
        preview["html"]
            .as_str()
            .is_some_and(|h| h.contains("<p>Hello Li Lei</p>"))
    );
    let zh = app
        .gql_as(
            &support,
            "{ emailPreview(template: READY_FOR_PICKUP, language: ZH) { subject text } }",
            json!({}),
        )
        .await;
    assert!(
        assert_ok(&zh)["emailPreview"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("取件码")),
        "{zh}"
    );

    let (customer, number) = customer_with_order(&app).await;
    let mail = sink.wait_for(&email_of(&customer), "Thanks for").await;
    assert_eq!(mail.subject, format!("Thanks for {number}!"));
    assert!(mail.text.contains("your total is"), "{}", mail.text);

    // Staff resend: a new entry pointing at the first, and a second email.
    let first = wait_log(&app, &support, &number, "ORDER_PLACED", |n| {
        n["status"] == "SENT"
    })
    .await;
    let resend =
        "mutation($id: ID!) { resendNotification(id: $id) { id status resendOf template } }";
    let resp = app
        .gql_as(&customer.access_token, resend, json!({ "id": first["id"] }))
        .await;
    assert_error_code(&resp, "FORBIDDEN");
    let resp = app
        .gql_as(&support, resend, json!({ "id": first["id"] }))
        .await;
    let again = assert_ok(&resp)["resendNotification"].clone();
    assert_eq!(again["resendOf"], first["id"]);
    assert_eq!(again["template"], "ORDER_PLACED");
    let again_id = again["id"].clone();
    wait_log(&app, &customer.access_token, &number, "ORDER_PLACED", |n| {
        n["id"] == again_id && n["status"] == "SENT"
    })
    .await;
    assert_eq!(sink.count_to(&email_of(&customer)), 2);

    // Reset: the built-in text again.
    let resp = app
        .gql_as(
            &admin,
            "mutation { resetEmailTemplate(template: ORDER_PLACED, language: EN) { customized subject } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["resetEmailTemplate"]["customized"], false);
    assert_eq!(placed_en(&list(support.clone()).await), placed_en(&before));
}
