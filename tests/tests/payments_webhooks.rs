//! Provider notifications over real HTTP, signed as each provider signs
//! them (the test holds the provider keys through the environment, see
//! `payment_signing.rs`): a genuine one is accepted and pays, exactly
//! once however often and in whatever order it arrives; a tampered one is
//! refused with the provider's failure reply and changes nothing.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, TestAppBuilder, assert_ok};
use crate::order_helpers::{
    minor, new_customer, new_key, order_input, order_payments, place_order_ok, start_payment,
    wait_payments_settled,
};
use crate::payment_signing::{alipay_form, card_request, test_keypair, wechatpay_request};

/// The WeChat Pay platform certificate serial the server is told to expect.
pub const WECHAT_SERIAL: &str = "7A3C0FFEE0000000000000000000000000BB0001";
/// The merchant's APIv3 key (32 characters).
pub const APIV3_KEY: &[u8; 32] = b"oms-test-apiv3-key-32-characters";
/// The card processor's webhook signing secret.
pub const CARD_SECRET: &str = "whsec_oms_black_box_test_secret";
pub const ALIPAY_APP_ID: &str = "2021000000000001";
pub const ALIPAY_SELLER_ID: &str = "2088000000000001";
pub const WECHAT_APP_ID: &str = "wx0000000000000001";
pub const WECHAT_MCH_ID: &str = "1900000001";

/// A server whose providers' keys the test holds (plus `extra` settings).
pub fn provider_builder() -> TestAppBuilder {
    let (_, pem) = test_keypair();
    TestApp::builder()
        .env("OMS_ALIPAY_PUBLIC_KEY", pem.clone())
        .env("OMS_WECHATPAY_PLATFORM_PUBLIC_KEY", pem)
        .env("OMS_WECHATPAY_PLATFORM_SERIAL", WECHAT_SERIAL)
        .env(
            "OMS_WECHATPAY_APIV3_KEY",
            std::str::from_utf8(APIV3_KEY).expect("ascii"),
        )
        .env("OMS_CARD_WEBHOOK_SECRET", CARD_SECRET)
}

/// Signed request headers and body.
type Signed = (Vec<(String, String)>, String);
/// Headers a request is sent with.
type Headers = Vec<(String, String)>;

/// What a provider's webhook answered: HTTP status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn alipay_success(&self) -> bool {
        self.status == 200 && self.body == "success"
    }
    pub fn wechat_success(&self) -> bool {
        self.status == 204 && self.body.is_empty()
    }
    pub fn card_success(&self) -> bool {
        self.status == 200
            && serde_json::from_str::<Value>(&self.body).ok() == Some(json!({"received": true}))
    }
}

#[track_caller]
fn assert_alipay_refused(r: &Reply, what: &str) {
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "failure"),
        "{what}: Alipay must be told `failure`"
    );
}

#[track_caller]
fn assert_wechat_refused(r: &Reply, what: &str) {
    assert_eq!(r.status, 400, "{what}: {r:?}");
    let body: Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|_| panic!("{what}: a WeChat Pay failure is JSON: {r:?}"));
    assert_eq!(body["code"], "FAIL", "{what}: {r:?}");
    assert!(body["message"].is_string(), "{what}: {r:?}");
}

#[track_caller]
fn assert_card_refused(r: &Reply, what: &str) {
    assert_eq!(r.status, 400, "{what}: {r:?}");
    assert!(!r.body.contains("received"), "{what}: {r:?}");
}

/// POSTs a webhook body with headers to `/webhooks/payments/{provider}`.
pub async fn post_webhook(
    app: &TestApp,
    provider: &str,
    headers: &[(String, String)],
    body: &str,
) -> Reply {
    let mut req = app
        .http()
        .post(app.url(&format!("/webhooks/payments/{provider}")))
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = req.send().await.expect("POST the webhook");
    let status = resp.status().as_u16();
    Reply {
        status,
        body: resp.text().await.unwrap_or_default(),
    }
}

/// `"324.00"` for 32400.
pub fn yuan(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn beijing_now() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The parameters of an Alipay TRADE_SUCCESS notification.
pub fn alipay_paid_params(reference: &str, trade_no: &str, amount: i64) -> Vec<(String, String)> {
    let t = beijing_now();
    [
        ("notify_time", t.clone()),
        ("notify_type", "trade_status_sync".into()),
        ("notify_id", format!("{}", uuid::Uuid::new_v4().simple())),
        ("charset", "utf-8".into()),
        ("version", "1.0".into()),
        ("app_id", ALIPAY_APP_ID.into()),
        ("seller_id", ALIPAY_SELLER_ID.into()),
        ("trade_no", trade_no.into()),
        ("out_trade_no", reference.into()),
        ("trade_status", "TRADE_SUCCESS".into()),
        ("total_amount", yuan(amount)),
        ("receipt_amount", yuan(amount)),
        ("buyer_pay_amount", yuan(amount)),
        ("subject", "Order".into()),
        ("gmt_create", t.clone()),
        ("gmt_payment", t),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Sets (or adds) one parameter.
pub fn with(mut params: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    match params.iter_mut().find(|(k, _)| k == key) {
        Some(p) => p.1 = value.to_owned(),
        None => params.push((key.to_owned(), value.to_owned())),
    }
    params
}

/// The signed form body.
pub fn alipay_body(params: &[(String, String)]) -> String {
    let (key, _) = test_keypair();
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    alipay_form(&key, &refs)
}

pub async fn post_alipay(app: &TestApp, body: &str) -> Reply {
    let headers = vec![(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
    )];
    post_webhook(app, "alipay", &headers, body).await
}

/// A WeChat Pay transaction resource (`TRANSACTION.SUCCESS`).
pub fn wechat_transaction(reference: &str, transaction_id: &str, amount: i64) -> Value {
    json!({
        "appid": WECHAT_APP_ID,
        "mchid": WECHAT_MCH_ID,
        "out_trade_no": reference,
        "transaction_id": transaction_id,
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": "",
        "success_time": "2026-11-29T16:00:00+08:00",
        "payer": { "openid": "oTestPayer" },
        "amount": { "total": amount, "payer_total": amount, "currency": "CNY", "payer_currency": "CNY" },
    })
}

/// A signed WeChat Pay notification for `resource` at `timestamp`.
pub fn wechat_signed(resource: &Value, timestamp: i64) -> (Vec<(String, String)>, String) {
    let (key, _) = test_keypair();
    wechatpay_request(
        &key,
        WECHAT_SERIAL,
        APIV3_KEY,
        "TRANSACTION.SUCCESS",
        resource,
        timestamp,
    )
}

pub async fn post_wechat(app: &TestApp, signed: &(Vec<(String, String)>, String)) -> Reply {
    post_webhook(app, "wechatpay", &signed.0, &signed.1).await
}

/// A card event on a PaymentIntent.
pub fn card_event(
    kind: &str,
    intent: &str,
    reference: &str,
    amount: i64,
    capturable: i64,
    received: i64,
) -> Value {
    json!({
        "id": format!("evt_test_{}", uuid::Uuid::new_v4().simple()),
        "object": "event",
        "api_version": "2024-06-20",
        "type": kind,
        "created": now(),
        "livemode": false,
        "data": { "object": {
            "id": intent,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": capturable,
            "amount_received": received,
            "capture_method": "manual",
            "currency": "cny",
            "status": if received > 0 { "succeeded" } else { "requires_capture" },
            "metadata": { "reference": reference },
        } },
    })
}

pub async fn post_card(app: &TestApp, event: &Value, timestamp: i64) -> Reply {
    let (headers, body) = card_request(CARD_SECRET, event, timestamp);
    post_webhook(app, "card", &headers, &body).await
}

/// A customer's order waiting for payment with `method`: (customer token,
/// order number, total in minor units, the started payment).
pub async fn order_to_pay(app: &TestApp, method: &str) -> (String, String, i64, Value) {
    let customer = new_customer(app).await.access_token;
    let order = place_order_ok(app, &customer, order_input(&new_key(), &[("TEA-001", 2)])).await;
    let number = order["number"].as_str().expect("number").to_owned();
    let total = minor(&order["total"]["amount"]);
    let session = start_payment(app, &customer, &number, method).await;
    (customer, number, total, session["payment"].clone())
}

/// Timeline events of an order by type.
pub fn event_counts(order: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in order["events"].as_array().into_iter().flatten() {
        *out.entry(e["type"].as_str().unwrap_or_default().to_owned())
            .or_insert(0) += 1;
    }
    out
}

/// Payment ledger rows of a kind and status, over all the order's payments.
pub fn ledger_count(order: &Value, kind: &str, status: &str) -> usize {
    order["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["events"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["kind"] == kind && e["status"] == status)
        .count()
}

/// The order as nobody has paid it: waiting, owing the total, no money in
/// the ledger.
#[track_caller]
fn assert_untouched(order: &Value, total: i64, what: &str) {
    assert_eq!(order["status"], "PENDING_PAYMENT", "{what}: {order}");
    assert_eq!(order["paymentStatus"], "UNPAID", "{what}: {order}");
    assert_eq!(
        minor(&order["amountDue"]["amount"]),
        total,
        "{what}: {order}"
    );
    for p in order["payments"].as_array().into_iter().flatten() {
        assert_eq!(p["status"], "PENDING", "{what}: {p}");
        assert_eq!(p["events"], json!([]), "{what}: {p}");
        assert!(
            p["providerReference"].is_null() || p["method"] == "CARD",
            "{what}: {p}"
        );
    }
    assert_eq!(event_counts(order).get("PAYMENT"), None, "{what}: {order}");
}

#[tokio::test(flavor = "multi_thread")]
async fn alipay_notifications_pay_only_when_signed_by_alipay_for_us_and_this_trade() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (_, number, total, payment) = order_to_pay(&app, "ALIPAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let trade_no = "2026112922001400000000000001";
    let good = alipay_paid_params(&reference, trade_no, total);

    // Tampered or misdirected notifications: `failure`, nothing changes.
    let signed = alipay_body(&good);
    let changed = signed.replace("subject=Order", "subject=Order+changed");
    assert_ne!(changed, signed);
    let other_sign = alipay_body(&with(good.clone(), "notify_id", "another-notification"));
    let sign_of = |body: &str| {
        form_urlencoded::parse(body.as_bytes())
            .find(|(k, _)| k == "sign")
            .map(|(_, v)| v.into_owned())
            .expect("sign")
    };
    let wrong_signature = signed.replace(
        &form_urlencoded::byte_serialize(sign_of(&signed).as_bytes()).collect::<String>(),
        &form_urlencoded::byte_serialize(sign_of(&other_sign).as_bytes()).collect::<String>(),
    );
    assert_ne!(wrong_signature, signed);
    let unsigned: String = signed
        .split("&sign_type=")
        .next()
        .unwrap_or_default()
        .to_owned();
    let cases = [
        ("the body changed after signing", changed),
        ("another notification's signature", wrong_signature),
        ("no signature", unsigned),
        (
            "a wrong amount",
            alipay_body(&with(
                with(good.clone(), "total_amount", &yuan(total - 1)),
                "receipt_amount",
                &yuan(total - 1),
            )),
        ),
        (
            "another app id",
            alipay_body(&with(good.clone(), "app_id", "2021000000009999")),
        ),
        (
            "another seller id",
            alipay_body(&with(good.clone(), "seller_id", "2088000000009999")),
        ),
        (
            "an unknown out_trade_no",
            alipay_body(&with(good.clone(), "out_trade_no", "SO20269999999P1")),
        ),
    ];
    for (what, body) in &cases {
        let reply = post_alipay(&app, body).await;
        assert_alipay_refused(&reply, what);
        assert_untouched(&order_payments(&app, &admin, &number).await, total, what);
    }

    // The genuine one pays, and `success` is said once it is recorded.
    let reply = post_alipay(&app, &signed).await;
    assert!(reply.alipay_success(), "{reply:?}");
    let order = order_payments(&app, &admin, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    let p = &order["payments"][0];
    assert_eq!(p["status"], "CAPTURED", "{p}");
    assert_eq!(p["providerReference"], trade_no, "{p}");
    assert_eq!(minor(&p["captured"]["amount"]), total);
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    let paid_by = &p["events"][0]["actor"];
    assert_eq!(paid_by["kind"], "SYSTEM", "{p}");

    // Again (Alipay retries until it reads `success`): `success`, no change.
    let reply = post_alipay(&app, &signed).await;
    assert!(reply.alipay_success(), "{reply:?}");
    // The same trade reported again with another amount is refused.
    let other_amount = alipay_body(&with(
        with(good.clone(), "total_amount", &yuan(total + 100)),
        "notify_id",
        "a-later-notification",
    ));
    assert_alipay_refused(
        &post_alipay(&app, &other_amount).await,
        "same trade, other amount",
    );
    let after = order_payments(&app, &admin, &number).await;
    assert_eq!(ledger_count(&after, "CAPTURE", "SUCCEEDED"), 1, "{after}");
    assert_eq!(event_counts(&after), event_counts(&order), "{after}");
    assert_eq!(after["payments"], order["payments"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn wechat_pay_notifications_pay_only_when_signed_fresh_by_the_platform_for_our_merchant() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (_, number, total, payment) = order_to_pay(&app, "WECHAT_PAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let transaction_id = "4200000000202611290000000001";
    let good = wechat_transaction(&reference, transaction_id, total);
    let signed = wechat_signed(&good, now());

    let header = |h: &[(String, String)], name: &str| {
        h.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .expect("header")
    };
    let set_header = |h: &[(String, String)], name: &str, value: &str| -> Vec<(String, String)> {
        h.iter()
            .map(|(k, v)| {
                if k == name {
                    (k.clone(), value.to_owned())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect()
    };
    let resource = |f: &dyn Fn(&mut Value)| {
        let mut r = good.clone();
        f(&mut r);
        wechat_signed(&r, now())
    };
    let other = wechat_signed(&good, now());
    let changed = signed.1.replace(
        "\"summary\":\"TRANSACTION.SUCCESS\"",
        "\"summary\":\"changed\"",
    );
    assert_ne!(changed, signed.1);
    let cases: Vec<(&str, Signed)> = vec![
        (
            "the body changed after signing",
            (signed.0.clone(), changed),
        ),
        (
            "another notification's signature",
            (
                set_header(
                    &signed.0,
                    "Wechatpay-Signature",
                    &header(&other.0, "Wechatpay-Signature"),
                ),
                signed.1.clone(),
            ),
        ),
        ("a stale timestamp", wechat_signed(&good, now() - 3600)),
        (
            "a WECHATPAY/SIGNTEST/ signature",
            (
                set_header(
                    &signed.0,
                    "Wechatpay-Signature",
                    &format!(
                        "WECHATPAY/SIGNTEST/{}",
                        header(&signed.0, "Wechatpay-Signature")
                    ),
                ),
                signed.1.clone(),
            ),
        ),
        (
            "another platform certificate serial",
            (
                set_header(
                    &signed.0,
                    "Wechatpay-Serial",
                    "1111111111111111111111111111111111111111",
                ),
                signed.1.clone(),
            ),
        ),
        (
            "a wrong amount",
            resource(&|r| {
                r["amount"]["total"] = json!(total - 1);
                r["amount"]["payer_total"] = json!(total - 1);
            }),
        ),
        (
            "another appid",
            resource(&|r| r["appid"] = json!("wx9999999999999999")),
        ),
        (
            "another mchid",
            resource(&|r| r["mchid"] = json!("1999999999")),
        ),
        (
            "an unknown out_trade_no",
            resource(&|r| r["out_trade_no"] = json!("SO20269999999P1")),
        ),
    ];
    for (what, signed) in &cases {
        let reply = post_wechat(&app, signed).await;
        assert_wechat_refused(&reply, what);
        assert_untouched(&order_payments(&app, &admin, &number).await, total, what);
    }

    let reply = post_wechat(&app, &signed).await;
    assert!(reply.wechat_success(), "{reply:?}");
    let order = order_payments(&app, &admin, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    assert_eq!(order["payments"][0]["providerReference"], transaction_id);
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");

    // The same notification again, and another one for the same trade:
    // acknowledged, nothing more. Another amount for the trade: refused.
    assert!(post_wechat(&app, &signed).await.wechat_success());
    assert!(
        post_wechat(&app, &wechat_signed(&good, now()))
            .await
            .wechat_success()
    );
    let mut more = good.clone();
    more["amount"]["total"] = json!(total + 100);
    more["amount"]["payer_total"] = json!(total + 100);
    assert_wechat_refused(
        &post_wechat(&app, &wechat_signed(&more, now())).await,
        "same trade, other amount",
    );
    let after = order_payments(&app, &admin, &number).await;
    assert_eq!(ledger_count(&after, "CAPTURE", "SUCCEEDED"), 1, "{after}");
    assert_eq!(event_counts(&after), event_counts(&order));
    assert_eq!(after["payments"], order["payments"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn card_webhooks_authorize_only_when_signed_with_our_secret_and_fresh() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (_, number, total, payment) = order_to_pay(&app, "CARD").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let intent = payment["providerReference"]
        .as_str()
        .unwrap_or_else(|| panic!("a card payment has its PaymentIntent at once: {payment}"))
        .to_owned();
    assert!(intent.starts_with("pi_"), "{intent}");
    let authorized = card_event(
        "payment_intent.amount_capturable_updated",
        &intent,
        &reference,
        total,
        total,
        0,
    );
    let (headers, body) = card_request(CARD_SECRET, &authorized, now());

    let tampered = body.replace("\"livemode\":false", "\"livemode\":true");
    assert_ne!(tampered, body);
    let wrong_secret = card_request("whsec_someone_else", &authorized, now());
    let mut wrong_amount = authorized.clone();
    wrong_amount["data"]["object"]["amount"] = json!(total - 1);
    wrong_amount["data"]["object"]["amount_capturable"] = json!(total - 1);
    let mut unknown = authorized.clone();
    unknown["data"]["object"]["id"] = json!("pi_unknown_000000000000000");
    unknown["data"]["object"]["metadata"]["reference"] = json!("SO20269999999P1");
    let stale = card_request(CARD_SECRET, &authorized, now() - 3600);
    let cases: Vec<(&str, Headers, String)> = vec![
        ("the body changed after signing", headers.clone(), tampered),
        ("another secret", wrong_secret.0, wrong_secret.1),
        ("a stale timestamp", stale.0, stale.1),
        ("no signature", vec![headers[0].clone()], body.clone()),
        {
            let (h, b) = card_request(CARD_SECRET, &wrong_amount, now());
            ("a wrong amount", h, b)
        },
        {
            let (h, b) = card_request(CARD_SECRET, &unknown, now());
            ("an unknown PaymentIntent", h, b)
        },
    ];
    for (what, headers, body) in &cases {
        let reply = post_webhook(&app, "card", headers, body).await;
        assert_card_refused(&reply, what);
        assert_untouched(&order_payments(&app, &admin, &number).await, total, what);
    }

    let reply = post_webhook(&app, "card", &headers, &body).await;
    assert!(reply.card_success(), "{reply:?}");
    let order = order_payments(&app, &admin, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "AUTHORIZED", "{order}");
    let p = &order["payments"][0];
    assert_eq!(p["status"], "AUTHORIZED", "{p}");
    assert_eq!(minor(&p["capturable"]["amount"]), total);
    assert_eq!(minor(&p["captured"]["amount"]), 0);
    // Retried by the processor: acknowledged, nothing more.
    assert!(
        post_webhook(&app, "card", &headers, &body)
            .await
            .card_success()
    );
    let after = order_payments(&app, &admin, &number).await;
    assert_eq!(ledger_count(&after, "AUTHORIZE", "SUCCEEDED"), 1, "{after}");
    assert_eq!(after["payments"], order["payments"]);
}

/// 100 deliveries at once of one payment: the same Alipay notification
/// and other notifications of the same trade, in parallel. One capture,
/// one confirmation, one timeline entry each.
#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_parallel_copies_of_a_payment_notification_pay_exactly_once() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (_, number, total, payment) = order_to_pay(&app, "ALIPAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let params = alipay_paid_params(&reference, "2026112922001400000000000077", total);
    let same = alipay_body(&params);
    let bodies: Vec<String> = (0..100)
        .map(|i| {
            if i % 2 == 0 {
                same.clone()
            } else {
                // The same trade, announced under another notification id.
                alipay_body(&with(params.clone(), "notify_id", &format!("copy-{i}")))
            }
        })
        .collect();
    let replies = join_all(bodies.iter().map(|b| post_alipay(&app, b))).await;
    for r in &replies {
        assert!(
            r.alipay_success() || (r.status == 200 && r.body == "failure"),
            "every reply is Alipay's success or failure: {r:?}"
        );
    }
    // Alipay retries what it did not read `success` for.
    for (r, b) in replies.iter().zip(&bodies) {
        if !r.alipay_success() {
            assert!(post_alipay(&app, b).await.alipay_success());
        }
    }
    let ok = replies.iter().filter(|r| r.alipay_success()).count();
    eprintln!("parallel Alipay notifications: {ok} of 100 acknowledged at once");

    let order = order_payments(&app, &admin, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    assert_eq!(
        order["payments"][0]["events"].as_array().map(Vec::len),
        Some(1),
        "{order}"
    );
    let counts = event_counts(&order);
    assert_eq!(counts.get("PAYMENT"), Some(&1), "{order}");
    assert_eq!(counts.get("STATUS_CHANGED"), Some(&1), "{order}");
    let confirmations = order["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["to"] == "CONFIRMED" && e["type"] == "STATUS_CHANGED")
        .count();
    assert_eq!(confirmations, 1, "{order}");
    assert_eq!(minor(&order["payments"][0]["captured"]["amount"]), total);
}

/// The processor's events may arrive in any order: `succeeded` before
/// `amount_capturable_updated` ends captured in full all the same, and a
/// late authorization changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn card_events_out_of_order_end_in_the_right_state() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let (_, number, total, payment) = order_to_pay(&app, "CARD").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let intent = payment["providerReference"]
        .as_str()
        .expect("pi")
        .to_owned();

    let succeeded = card_event(
        "payment_intent.succeeded",
        &intent,
        &reference,
        total,
        0,
        total,
    );
    let authorized = card_event(
        "payment_intent.amount_capturable_updated",
        &intent,
        &reference,
        total,
        total,
        0,
    );
    assert!(post_card(&app, &succeeded, now()).await.card_success());
    let captured = order_payments(&app, &admin, &number).await;
    assert_eq!(captured["status"], "CONFIRMED", "{captured}");
    assert_eq!(captured["paymentStatus"], "PAID", "{captured}");
    assert!(post_card(&app, &authorized, now()).await.card_success());
    // And the same two again, reversed.
    assert!(post_card(&app, &authorized, now()).await.card_success());
    assert!(post_card(&app, &succeeded, now()).await.card_success());

    let order = order_payments(&app, &admin, &number).await;
    let p = &order["payments"][0];
    assert_eq!(p["status"], "CAPTURED", "{order}");
    assert_eq!(minor(&p["captured"]["amount"]), total, "{p}");
    assert_eq!(minor(&p["capturable"]["amount"]), 0, "{p}");
    assert_eq!(minor(&p["refundable"]["amount"]), total, "{p}");
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    assert_eq!(minor(&order["amountDue"]["amount"]), 0);
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    assert!(
        ledger_count(&order, "AUTHORIZE", "SUCCEEDED") <= 1,
        "{order}"
    );
    let counts = event_counts(&order);
    assert_eq!(counts.get("STATUS_CHANGED"), Some(&1), "{order}");

    // Finance cannot capture what is already captured.
    let finance = app.login_as(Role::Finance).await.access_token;
    let id = p["id"].as_str().expect("id");
    let resp = crate::order_helpers::capture_raw(&app, &finance, id, 100, &new_key()).await;
    crate::helpers::assert_error_code(&resp, "CONFLICT");

    // In the usual order on another order: authorized, then captured by
    // finance, then the processor's `succeeded` for that capture: one capture.
    let (_, number, total, payment) = order_to_pay(&app, "CARD").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let intent = payment["providerReference"]
        .as_str()
        .expect("pi")
        .to_owned();
    let authorized = card_event(
        "payment_intent.amount_capturable_updated",
        &intent,
        &reference,
        total,
        total,
        0,
    );
    assert!(post_card(&app, &authorized, now()).await.card_success());
    let id = payment["id"].as_str().expect("id");
    let resp = crate::order_helpers::capture_raw(&app, &finance, id, total, &new_key()).await;
    assert_eq!(
        assert_ok(&resp)["capturePayment"]["status"],
        "CAPTURED",
        "{resp}"
    );
    let succeeded = card_event(
        "payment_intent.succeeded",
        &intent,
        &reference,
        total,
        0,
        total,
    );
    assert!(post_card(&app, &succeeded, now()).await.card_success());
    let order = wait_payments_settled(&app, &admin, &number).await;
    assert_eq!(ledger_count(&order, "CAPTURE", "SUCCEEDED"), 1, "{order}");
    assert_eq!(order["payments"][0]["status"], "CAPTURED", "{order}");
    assert_eq!(minor(&order["payments"][0]["captured"]["amount"]), total);
}
