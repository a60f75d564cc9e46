//! Refund request numbers as the providers see them. WeChat Pay's
//! `out_refund_no` (and Alipay's `out_request_no`) allow 64 letters and
//! digits, so an operation's key (`refund:<client key>`) reaches them as the
//! first 32 hex digits of its SHA-256; the provider's refund notification
//! names that number, and must settle exactly that refund, once.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::refund_raw;
use crate::payment_signing::{test_keypair, wechatpay_request};
use crate::payments_webhooks::{
    APIV3_KEY, WECHAT_MCH_ID, WECHAT_SERIAL, order_to_pay, post_wechat, provider_builder,
    wechat_signed, wechat_transaction,
};

fn request_no(op_key: &str) -> String {
    let digest = Sha256::digest(op_key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..32].to_owned()
}

fn refund_resource(
    reference: &str,
    txid: &str,
    out_refund_no: &str,
    total: i64,
    refund: i64,
) -> Value {
    json!({
        "mchid": WECHAT_MCH_ID,
        "out_trade_no": reference,
        "transaction_id": txid,
        "out_refund_no": out_refund_no,
        "refund_id": format!("50300{}", &request_no(out_refund_no)[..20]),
        "refund_status": "SUCCESS",
        "success_time": "2026-11-29T16:10:00+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": { "total": total, "refund": refund, "payer_total": total, "payer_refund": refund },
    })
}

async fn payment_of(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { paymentStatus payments { id status refunded { amount } refundable { amount } \
             events { kind status amount { amount } } } } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wechat_refund_notification_names_the_refund_by_its_request_number() {
    let app = provider_builder().spawn().await;
    let (_customer, number, total, payment) = order_to_pay(&app, "WECHAT_PAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let txid = "4200002026112900000000000001";
    let now = chrono::Utc::now().timestamp();
    let paid = post_wechat(
        &app,
        &wechat_signed(&wechat_transaction(&reference, txid, total), now),
    )
    .await;
    assert_eq!(paid.status, 204, "{}", paid.body);

    let finance = app.login_as(Role::Finance).await.access_token;
    let payment_id = payment["id"].as_str().expect("id").to_owned();
    let resp = refund_raw(
        &app,
        &finance,
        &payment_id,
        100,
        "goodwill",
        "wx-refund-0001",
    )
    .await;
    assert_ok(&resp);
    // WeChat Pay refunds asynchronously: requested, not yet refunded.
    let o = payment_of(&app, &finance, &number).await;
    assert_eq!(o["payments"][0]["refunded"]["amount"], "0.00", "{o}");

    // The platform reports the refund by the number it was sent.
    let (key, _) = test_keypair();
    let no = request_no("refund:wx-refund-0001");
    assert_eq!(no.len(), 32);
    let signed = wechatpay_request(
        &key,
        WECHAT_SERIAL,
        APIV3_KEY,
        "REFUND.SUCCESS",
        &refund_resource(&reference, txid, &no, total, 100),
        now,
    );
    let r = post_wechat(&app, &signed).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let o = payment_of(&app, &finance, &number).await;
    let p = &o["payments"][0];
    assert_eq!(p["refunded"]["amount"], "1.00", "{o}");
    assert_eq!(p["status"], "PARTIALLY_REFUNDED");
    let refunds: Vec<&Value> = p["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "REFUND")
        .collect();
    assert_eq!(
        refunds
            .iter()
            .filter(|e| e["status"] == "SUCCEEDED")
            .count(),
        1,
        "the requested refund settled, not a second one: {refunds:?}"
    );
    assert_eq!(refunds.len(), 2, "requested + succeeded: {refunds:?}");
    // Nothing is still in flight: the notification settled our request
    // (a refund it did not recognise would leave ours pending, and block
    // its money from being refunded again).
    assert_eq!(
        p["refundable"]["amount"],
        json!(format!(
            "{}.{:02}",
            (total - 100) / 100,
            (total - 100) % 100
        )),
        "{o}"
    );

    // The same refund number reported with another amount is refused.
    let forged = wechatpay_request(
        &key,
        WECHAT_SERIAL,
        APIV3_KEY,
        "REFUND.SUCCESS",
        &refund_resource(&reference, txid, &no, total, 500),
        now,
    );
    let r = post_wechat(&app, &forged).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let o = payment_of(&app, &finance, &number).await;
    assert_eq!(o["payments"][0]["refunded"]["amount"], "1.00", "{o}");
}
