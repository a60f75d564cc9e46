//! Payments end to end over real HTTP: each method through the built-in
//! sandbox provider (its payment page, its signed notification to our
//! webhook), staff money commands and their limits, who may do what, the
//! expiry of unpaid orders, and the sandbox's chaos mode.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::{
    amount_due, available, capture_raw, minor, new_customer, new_key, order_input, order_payments,
    order_raw, pay_online, place_order_ok, record_manual_raw, refund_raw, sandbox_pay,
    start_payment, start_payment_raw, void_raw, wait_for_order, wait_payments_settled,
};
use crate::payments_webhooks::{
    alipay_body, alipay_paid_params, event_counts, ledger_count, post_alipay, provider_builder,
};

const SKU: &str = "TEA-001";

/// A new customer's order of two units, waiting for payment: (customer
/// token, number, total in minor units).
async fn new_order(app: &TestApp, method: Option<&str>) -> (String, String, i64) {
    let customer = new_customer(app).await.access_token;
    let mut input = order_input(&new_key(), &[(SKU, 2)]);
    if let Some(m) = method {
        input["paymentMethod"] = json!(m);
    }
    let order = place_order_ok(app, &customer, input).await;
    let number = order["number"].as_str().expect("number").to_owned();
    (customer, number, minor(&order["total"]["amount"]))
}

/// GETs a page and returns its status and body.
async fn get_page(app: &TestApp, url: &str) -> (u16, String) {
    let resp = app.http().get(url).send().await.expect("GET");
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

fn payment_of(order: &Value) -> &Value {
    let payments = order["payments"].as_array().expect("payments");
    assert_eq!(payments.len(), 1, "one payment: {order}");
    &payments[0]
}

#[tokio::test(flavor = "multi_thread")]
async fn alipay_and_wechat_pay_through_the_sandbox_confirm_and_pay_the_order() {
    let app = TestApp::spawn().await;
    for (method, brand) in [("ALIPAY", "Alipay"), ("WECHAT_PAY", "WeChat Pay")] {
        let (customer, number, total) = new_order(&app, None).await;
        let session = start_payment(&app, &customer, &number, method).await;
        assert_eq!(session["payment"]["status"], "PENDING", "{session}");
        assert_eq!(minor(&session["payment"]["amount"]["amount"]), total);
        assert!(session["expiresAt"].is_string(), "{session}");
        // Starting again (a second click) returns the payment still waiting.
        let again = start_payment(&app, &customer, &number, method).await;
        assert_eq!(again["paymentId"], session["paymentId"], "{again}");
        let url = session["redirectUrl"].as_str().expect("redirectUrl");
        assert!(url.starts_with(&app.addr), "{url}");

        let (status, page) = get_page(&app, url).await;
        assert_eq!(status, 200, "{page}");
        let title = format!("Pay ¥{}.{:02} with {brand}", total / 100, total % 100);
        assert!(page.contains(&title), "{title} not in:\n{page}");
        assert!(page.contains(&number), "{page}");

        let back = sandbox_pay(&app, url).await;
        assert!(back.ends_with(&format!("/orders/{number}")), "{back}");
        let order = order_payments(&app, &customer, &number).await;
        assert_eq!(order["status"], "CONFIRMED", "{method}: {order}");
        assert_eq!(order["paymentStatus"], "PAID", "{method}: {order}");
        assert_eq!(order["paymentMethod"], method, "{order}");
        assert_eq!(minor(&order["amountDue"]["amount"]), 0, "{order}");
        let p = payment_of(&order);
        assert_eq!(p["status"], "CAPTURED", "{p}");
        assert_eq!(minor(&p["captured"]["amount"]), total);
        assert!(p["providerReference"].is_string(), "the trade number: {p}");
        let payment_events: Vec<&Value> = order["events"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "PAYMENT")
            .collect();
        assert_eq!(payment_events.len(), 1, "{order}");
        assert!(
            payment_events[0]["note"]
                .as_str()
                .is_some_and(|n| n.contains("captured")),
            "{order}"
        );
        let confirmed = order["events"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["type"] == "STATUS_CHANGED" && e["to"] == "CONFIRMED");
        assert!(confirmed, "{order}");

        // Paid: the page says so, paying again does nothing, and the order
        // cannot be started again.
        let (_, page) = get_page(&app, url).await;
        assert!(page.contains("already complete"), "{page}");
        sandbox_pay(&app, url).await;
        let after = order_payments(&app, &customer, &number).await;
        assert_eq!(ledger_count(&after, "CAPTURE", "SUCCEEDED"), 1, "{after}");
        let resp = start_payment_raw(&app, &customer, &number, method).await;
        assert_error_code(&resp, "CONFLICT");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_card_is_authorized_then_captured_and_refunded_in_parts_within_its_limits() {
    let app = TestApp::spawn().await;
    let finance = app.login_as(Role::Finance).await.access_token;
    let (customer, number, total) = new_order(&app, None).await;
    let session = start_payment(&app, &customer, &number, "CARD").await;
    let url = session["redirectUrl"].as_str().expect("redirectUrl");
    let (_, page) = get_page(&app, url).await;
    assert!(
        page.contains(&format!(
            "Pay ¥{}.{:02} with card",
            total / 100,
            total % 100
        )),
        "{page}"
    );
    sandbox_pay(&app, url).await;
    let order = order_payments(&app, &customer, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "AUTHORIZED", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    let p = payment_of(&order);
    assert_eq!(p["status"], "AUTHORIZED", "{p}");
    assert_eq!(minor(&p["capturable"]["amount"]), total);
    let id = p["id"].as_str().expect("id").to_owned();

    // Bad amounts are refused and change nothing.
    for bad in [0, -100] {
        let resp = capture_raw(&app, &finance, &id, bad, &new_key()).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(resp["errors"][0]["extensions"]["field"], "amount", "{resp}");
    }
    let resp = capture_raw(&app, &finance, &id, total + 1, &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    assert_eq!(
        payment_of(&order_payments(&app, &finance, &number).await)["status"],
        "AUTHORIZED"
    );

    // Two captures that add up to the total; the same key again is the
    // same capture.
    let first = 1000;
    let key = new_key();
    let resp = capture_raw(&app, &finance, &id, first, &key).await;
    let p = assert_ok(&resp)["capturePayment"].clone();
    assert_eq!(p["status"], "PARTIALLY_CAPTURED", "{p}");
    assert_eq!(minor(&p["captured"]["amount"]), first);
    assert_eq!(minor(&p["capturable"]["amount"]), total - first);
    let again = capture_raw(&app, &finance, &id, first, &key).await;
    assert_eq!(
        minor(&assert_ok(&again)["capturePayment"]["captured"]["amount"]),
        first
    );
    let resp = capture_raw(&app, &finance, &id, first + 1, &key).await;
    assert_error_code(&resp, "CONFLICT");
    let resp = capture_raw(&app, &finance, &id, total - first + 1, &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    let resp = capture_raw(&app, &finance, &id, total - first, &new_key()).await;
    let p = assert_ok(&resp)["capturePayment"].clone();
    assert_eq!(p["status"], "CAPTURED", "{p}");
    assert_eq!(minor(&p["captured"]["amount"]), total);
    assert_eq!(minor(&p["capturable"]["amount"]), 0);
    let order = wait_payments_settled(&app, &finance, &number).await;
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 2, "{order}");

    // Refunds: zero and above what is refundable are refused; two parts
    // that add up to the total refund it all.
    let resp = refund_raw(&app, &finance, &id, 0, "nothing", &new_key()).await;
    assert_error_code(&resp, "INVALID_INPUT");
    let resp = refund_raw(&app, &finance, &id, total + 1, "too much", &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    let resp = refund_raw(&app, &finance, &id, 500, "one cup broken", &new_key()).await;
    let p = assert_ok(&resp)["refundPayment"].clone();
    assert_eq!(p["status"], "PARTIALLY_REFUNDED", "{p}");
    assert_eq!(minor(&p["refundable"]["amount"]), total - 500);
    let resp = refund_raw(&app, &finance, &id, total - 500 + 1, "too much", &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    let resp = refund_raw(&app, &finance, &id, total - 500, "returned", &new_key()).await;
    let p = assert_ok(&resp)["refundPayment"].clone();
    let order = wait_payments_settled(&app, &finance, &number).await;
    let p2 = payment_of(&order);
    assert_eq!(p2["status"], "REFUNDED", "{p} / {p2}");
    assert_eq!(minor(&p2["refunded"]["amount"]), total);
    assert_eq!(minor(&p2["refundable"]["amount"]), 0);
    assert_eq!(order["paymentStatus"], "REFUNDED", "{order}");
    assert_eq!(ledger_count(&order, "REFUND", "SUCCEEDED"), 2, "{order}");
    let resp = refund_raw(&app, &finance, &id, 1, "more", &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    // The reason reaches the ledger.
    assert!(
        p2["events"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["note"] == "one cup broken"),
        "{p2}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_card_authorization_can_be_voided_and_nothing_can_be_captured_after() {
    let app = TestApp::spawn().await;
    let finance = app.login_as(Role::Finance).await.access_token;
    let (customer, number, total) = new_order(&app, None).await;
    let id = pay_online(&app, &customer, &number, "CARD").await;
    let resp = void_raw(&app, &finance, &id, &new_key()).await;
    let p = assert_ok(&resp)["voidPayment"].clone();
    assert_eq!(p["status"], "VOIDED", "{p}");
    assert_eq!(minor(&p["capturable"]["amount"]), 0);
    let resp = capture_raw(&app, &finance, &id, 100, &new_key()).await;
    assert_error_code(&resp, "CONFLICT");
    let order = wait_payments_settled(&app, &finance, &number).await;
    assert_eq!(order["paymentStatus"], "UNPAID", "{order}");
    assert_eq!(
        minor(&order["amountDue"]["amount"]),
        total,
        "owed again: {order}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cash_on_delivery_confirms_at_once_and_is_paid_when_finance_records_the_remittance() {
    let app = TestApp::spawn().await;
    let finance = app.login_as(Role::Finance).await.access_token;
    let (customer, number, total) = new_order(&app, Some("CASH_ON_DELIVERY")).await;
    let order = order_payments(&app, &customer, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "UNPAID", "{order}");
    assert_eq!(order["paymentMethod"], "CASH_ON_DELIVERY", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), total);

    // Not an online method: finance records it, not the provider.
    let resp = record_manual_raw(&app, &finance, &number, "ALIPAY", total, "X-1", &new_key()).await;
    assert_error_code(&resp, "INVALID_INPUT");
    let resp = record_manual_raw(
        &app,
        &finance,
        &number,
        "CASH_ON_DELIVERY",
        total + 1,
        "SF-1",
        &new_key(),
    )
    .await;
    assert_error_code(&resp, "CONFLICT");

    let key = new_key();
    for _ in 0..2 {
        let resp = record_manual_raw(
            &app,
            &finance,
            &number,
            "CASH_ON_DELIVERY",
            total,
            "SF1234567890",
            &key,
        )
        .await;
        let p = assert_ok(&resp)["recordManualPayment"].clone();
        assert_eq!(p["status"], "CAPTURED", "{p}");
        assert_eq!(p["method"], "CASH_ON_DELIVERY", "{p}");
    }
    let order = order_payments(&app, &finance, &number).await;
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    assert_eq!(event_counts(&order).get("PAYMENT"), Some(&1), "{order}");
    let p = payment_of(&order);
    assert_eq!(p["events"][0]["providerReference"], "SF1234567890", "{p}");
    assert_eq!(p["events"][0]["actor"]["role"], "FINANCE", "{p}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bank_transfer_order_waits_until_finance_records_the_transfer_once() {
    let app = TestApp::spawn().await;
    let finance = app.login_as(Role::Finance).await.access_token;
    let (customer, number, total) = new_order(&app, Some("BANK_TRANSFER")).await;
    let order = order_payments(&app, &customer, &number).await;
    assert_eq!(order["status"], "PENDING_PAYMENT", "{order}");
    assert_eq!(order["paymentMethod"], "BANK_TRANSFER", "{order}");
    // Starting a transfer sends the customer back to the order page.
    let session = start_payment(&app, &customer, &number, "BANK_TRANSFER").await;
    assert!(
        session["redirectUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/orders/{number}"))),
        "{session}"
    );
    assert_eq!(
        order_payments(&app, &customer, &number).await["status"],
        "PENDING_PAYMENT"
    );

    let resp = record_manual_raw(
        &app,
        &finance,
        &number,
        "BANK_TRANSFER",
        total,
        "",
        &new_key(),
    )
    .await;
    assert_error_code(&resp, "INVALID_INPUT");
    let resp = record_manual_raw(
        &app,
        &finance,
        &number,
        "BANK_TRANSFER",
        total,
        "ICBC-20261129-0042",
        &new_key(),
    )
    .await;
    assert_eq!(
        assert_ok(&resp)["recordManualPayment"]["status"],
        "CAPTURED",
        "{resp}"
    );
    let order = order_payments(&app, &customer, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);

    // The same bank reference again under another key: nothing new.
    let resp = record_manual_raw(
        &app,
        &finance,
        &number,
        "BANK_TRANSFER",
        total,
        "ICBC-20261129-0042",
        &new_key(),
    )
    .await;
    assert!(
        error_code(&resp).is_none() || error_code(&resp) == Some("CONFLICT"),
        "{resp}"
    );
    let after = order_payments(&app, &finance, &number).await;
    assert_eq!(ledger_count(&after, "CAPTURE", "SUCCEEDED"), 1, "{after}");
    assert_eq!(event_counts(&after).get("PAYMENT"), Some(&1), "{after}");
    assert_eq!(
        after["payments"].as_array().map(Vec::len),
        Some(1),
        "{after}"
    );
    // Nothing is owed any more: another transfer cannot be recorded.
    let resp = record_manual_raw(
        &app,
        &finance,
        &number,
        "BANK_TRANSFER",
        100,
        "ICBC-OTHER",
        &new_key(),
    )
    .await;
    assert_error_code(&resp, "CONFLICT");
}

/// Customers see only their own payments; only finance and admin move
/// money; support may read the payment list but not refund.
#[tokio::test(flavor = "multi_thread")]
async fn only_finance_and_admin_move_money_and_customers_see_only_their_own() {
    let app = TestApp::spawn().await;
    let (owner, number, total) = new_order(&app, None).await;
    let id = pay_online(&app, &owner, &number, "ALIPAY").await;
    let stranger = new_customer(&app).await.access_token;
    let support = app.login_as(Role::Support).await.access_token;
    let warehouse = app.login_as(Role::Warehouse).await.access_token;
    let finance = app.login_as(Role::Finance).await.access_token;
    let admin = app.login_as(Role::Admin).await.access_token;

    // The owner sees the payment; another customer cannot tell it exists.
    let mine = order_payments(&app, &owner, &number).await;
    assert_eq!(mine["payments"][0]["id"], id.as_str());
    let resp = order_raw(&app, &stranger, &number).await;
    assert_error_code(&resp, "NOT_FOUND");
    let resp = start_payment_raw(&app, &stranger, &number, "ALIPAY").await;
    assert_error_code(&resp, "NOT_FOUND");
    let list = "{ payments(first: 50) { totalCount edges { node { id orderNumber } } } }";
    for token in [&owner, &stranger, &warehouse] {
        assert_error_code(&app.gql_as(token, list, json!({})).await, "FORBIDDEN");
    }
    assert_error_code(&app.gql(list, json!({})).await, "UNAUTHENTICATED");
    for token in [&support, &finance, &admin] {
        let resp = app.gql_as(token, list, json!({})).await;
        let edges = assert_ok(&resp)["payments"]["edges"].clone();
        assert!(
            edges
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["node"]["id"] == id.as_str()),
            "{resp}"
        );
    }

    // Moving money: FORBIDDEN for everyone but finance and admin (and
    // UNAUTHENTICATED anonymously), and nothing moves.
    for token in [&owner, &stranger, &support, &warehouse] {
        let resp = refund_raw(&app, token, &id, 100, "not mine to give", &new_key()).await;
        assert_error_code(&resp, "FORBIDDEN");
        let resp = capture_raw(&app, token, &id, 100, &new_key()).await;
        assert_error_code(&resp, "FORBIDDEN");
        let resp = void_raw(&app, token, &id, &new_key()).await;
        assert_error_code(&resp, "FORBIDDEN");
        let resp = record_manual_raw(
            &app,
            token,
            &number,
            "BANK_TRANSFER",
            100,
            "R-1",
            &new_key(),
        )
        .await;
        assert_error_code(&resp, "FORBIDDEN");
    }
    let anonymous = app
        .gql(
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: 100, reason: \"x\", idempotencyKey: \"anonymous-1\") { id } }",
            json!({ "p": id }),
        )
        .await;
    assert_error_code(&anonymous, "UNAUTHENTICATED");
    let unchanged = order_payments(&app, &admin, &number).await;
    assert_eq!(
        unchanged["payments"], mine["payments"],
        "refused calls moved money"
    );
    assert_eq!(unchanged["paymentStatus"], "PAID");

    // Finance and admin may.
    let resp = refund_raw(&app, &finance, &id, 100, "goodwill", &new_key()).await;
    assert_eq!(
        assert_ok(&resp)["refundPayment"]["status"],
        "PARTIALLY_REFUNDED",
        "{resp}"
    );
    let resp = refund_raw(&app, &admin, &id, total - 100, "returned", &new_key()).await;
    assert_ok(&resp);
    let order = wait_payments_settled(&app, &admin, &number).await;
    assert_eq!(order["paymentStatus"], "REFUNDED", "{order}");
}

/// An unpaid order is cancelled by the system once its time is up, its
/// stock is released and its trade closed; money that arrives afterwards
/// is accepted, recorded, and given back.
#[tokio::test(flavor = "multi_thread")]
async fn unpaid_orders_expire_and_a_late_payment_is_refunded() {
    let app = provider_builder()
        .env("OMS_PAYMENT_EXPIRY_SECS", "2")
        .env("OMS_PAYMENT_SWEEP_SECS", "1")
        .spawn()
        .await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let finance = app.login_as(Role::Finance).await.access_token;
    // Orders that do not expire: one paid at once, one cash on delivery.
    let customer = new_customer(&app).await.access_token;
    let place = |method: Option<&'static str>| {
        let (app, customer) = (&app, &customer);
        async move {
            let mut input = order_input(&new_key(), &[(SKU, 2)]);
            if let Some(m) = method {
                input["paymentMethod"] = json!(m);
            }
            let order = place_order_ok(app, customer, input).await;
            let number = order["number"].as_str().expect("number").to_owned();
            (number, minor(&order["total"]["amount"]))
        }
    };
    let (paid, _) = place(None).await;
    crate::order_helpers::pay_order_as(&app, &finance, &paid).await;
    let (cod, _) = place(Some("CASH_ON_DELIVERY")).await;
    let before = available(&app, SKU).await;
    let (number, total) = place(None).await;
    let session = start_payment(&app, &customer, &number, "ALIPAY").await;
    let reference = session["payment"]["reference"]
        .as_str()
        .expect("reference")
        .to_owned();

    let order = wait_for_order(&app, &admin, &number, "expired", |o| {
        o["status"] == "CANCELLED"
    })
    .await;
    let cancelled: Vec<&Value> = order["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "CANCELLED")
        .collect();
    assert_eq!(cancelled.len(), 1, "{order}");
    assert_eq!(cancelled[0]["actor"]["kind"], "SYSTEM", "{order}");
    assert_eq!(cancelled[0]["from"], "PENDING_PAYMENT", "{order}");
    assert_eq!(available(&app, SKU).await, before, "its stock is released");
    assert!(
        order["allocations"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|a| a["held"] == 0),
        "{order}"
    );
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    for (n, status) in [(&paid, "CONFIRMED"), (&cod, "CONFIRMED")] {
        let o = order_payments(&app, &admin, n).await;
        assert_eq!(o["status"], status, "{n} must not expire: {o}");
    }
    // The customer sees why.
    let mine = order_payments(&app, &customer, &number).await;
    assert_eq!(mine["status"], "CANCELLED");

    // Alipay reports the payment after all: acknowledged, recorded, refunded.
    let body = alipay_body(&alipay_paid_params(
        &reference,
        "2026112922001400000000000555",
        total,
    ));
    let reply = post_alipay(&app, &body).await;
    assert!(
        reply.alipay_success(),
        "a late payment is still acknowledged: {reply:?}"
    );
    let order = wait_for_order(&app, &admin, &number, "refunded", |o| {
        o["payments"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["status"] == "REFUNDED")
    })
    .await;
    assert_eq!(order["status"], "CANCELLED", "{order}");
    assert_eq!(order["paymentStatus"], "REFUNDED", "{order}");
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    assert_eq!(ledger_count(&order, "REFUND", "SUCCEEDED"), 1, "{order}");
    let p = order["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["status"] == "REFUNDED")
        .expect("the refunded payment");
    assert_eq!(minor(&p["refunded"]["amount"]), total, "{p}");
    assert_eq!(minor(&p["refundable"]["amount"]), 0, "{p}");
    assert_eq!(
        available(&app, SKU).await,
        before,
        "no stock comes back twice"
    );
    // Reported again: acknowledged, nothing more.
    assert!(post_alipay(&app, &body).await.alipay_success());
    let again = wait_payments_settled(&app, &admin, &number).await;
    assert_eq!(ledger_count(&again, "REFUND", "SUCCEEDED"), 1, "{again}");
    assert_eq!(ledger_count(&again, "CAPTURE", "SUCCEEDED"), 1, "{again}");
}

/// With chaos on, the sandbox delivers notifications twice and more, and
/// out of order: still one capture (or one authorization) per payment.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_chaos_still_pays_exactly_once() {
    let app = TestApp::builder()
        .env("OMS_PAYMENT_SANDBOX_CHAOS", "1")
        .spawn()
        .await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let mut orders = Vec::new();
    for method in ["ALIPAY", "WECHAT_PAY", "CARD"] {
        let (customer, number, total) = new_order(&app, None).await;
        pay_online(&app, &customer, &number, method).await;
        orders.push((method, number, total));
    }
    // The copies arrive in the background for a while: look several times.
    for _ in 0..6 {
        for (method, number, total) in &orders {
            let order = order_payments(&app, &admin, number).await;
            assert_eq!(order["status"], "CONFIRMED", "{method}: {order}");
            let counts = event_counts(&order);
            assert_eq!(counts.get("STATUS_CHANGED"), Some(&1), "{method}: {order}");
            let p = payment_of(&order);
            if *method == "CARD" {
                assert_eq!(ledger_count(&order, "AUTHORIZE", "SUCCEEDED"), 1, "{order}");
                assert_eq!(minor(&p["authorized"]["amount"]), *total, "{p}");
                assert_eq!(order["paymentStatus"], "AUTHORIZED", "{order}");
            } else {
                assert_eq!(
                    ledger_count(&order, "CAPTURE", "SUCCEEDED"),
                    1,
                    "{method}: {order}"
                );
                assert_eq!(minor(&p["captured"]["amount"]), *total, "{p}");
                assert_eq!(counts.get("PAYMENT"), Some(&1), "{method}: {order}");
                assert_eq!(order["paymentStatus"], "PAID", "{order}");
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let due: i64 = {
        let mut sum = 0;
        for (_, number, _) in &orders {
            sum += amount_due(&app, &admin, number).await;
        }
        sum
    };
    assert_eq!(due, 0);
}
