//! A customer cancelling while the provider's payment notification comes
//! in: whichever wins, the order ends consistent. Either confirmed and
//! paid (or authorized), or cancelled with every captured yuan refunded
//! and every authorization released; never cancelled with money kept.

use futures_util::future::join_all;
use serde_json::Value;

use crate::helpers::{Role, TestApp, error_code};
use crate::order_helpers::{
    cancel_raw, minor, new_customer, new_key, order_input, place_order_ok, start_payment,
    wait_payments_settled,
};
use crate::payments_webhooks::{
    Reply, alipay_body, alipay_paid_params, card_event, ledger_count, post_alipay, post_card,
    provider_builder,
};

/// Orders raced at once (half Alipay, half card).
const ORDERS: usize = 24;

struct Raced {
    number: String,
    method: &'static str,
    total: i64,
    cancel: Value,
    reply: Reply,
}

async fn race_one(app: &TestApp, customer: &str, i: usize) -> Raced {
    let method = if i.is_multiple_of(2) {
        "ALIPAY"
    } else {
        "CARD"
    };
    let order = place_order_ok(app, customer, order_input(&new_key(), &[("MUG-001", 1)])).await;
    let number = order["number"].as_str().expect("number").to_owned();
    let total = minor(&order["total"]["amount"]);
    let payment = start_payment(app, customer, &number, method).await["payment"].clone();
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let notify = async {
        if method == "ALIPAY" {
            let trade = format!("2026112922001400000000{i:06}");
            post_alipay(
                app,
                &alipay_body(&alipay_paid_params(&reference, &trade, total)),
            )
            .await
        } else {
            let intent = payment["providerReference"]
                .as_str()
                .expect("pi")
                .to_owned();
            let event = card_event(
                "payment_intent.amount_capturable_updated",
                &intent,
                &reference,
                total,
                total,
                0,
            );
            post_card(app, &event, chrono::Utc::now().timestamp()).await
        }
    };
    let cancel = cancel_raw(app, customer, &number, Some("changed my mind"));
    // Which goes first alternates, so both orders of arrival are tried.
    let (cancel, reply) = if i % 4 < 2 {
        tokio::join!(cancel, notify)
    } else {
        let (reply, cancel) = tokio::join!(notify, cancel);
        (cancel, reply)
    };
    Raced {
        number,
        method,
        total,
        cancel,
        reply,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_racing_a_payment_never_keeps_the_money_of_a_cancelled_order() {
    let app = provider_builder().spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let customer = new_customer(&app).await.access_token;
    let raced = join_all((0..ORDERS).map(|i| race_one(&app, &customer, i))).await;

    let mut outcomes = std::collections::BTreeMap::new();
    for r in &raced {
        let ctx = format!("{} ({})", r.number, r.method);
        // The provider is always told "received": a payment for a cancelled
        // order is recorded (and given back), never bounced.
        let acknowledged = if r.method == "ALIPAY" {
            r.reply.alipay_success()
        } else {
            r.reply.card_success()
        };
        assert!(
            acknowledged,
            "{ctx}: the notification was refused: {:?}",
            r.reply
        );
        // The cancel either won or lost the race cleanly.
        let cancelled = error_code(&r.cancel).is_none();
        if !cancelled {
            assert_eq!(
                error_code(&r.cancel),
                Some("CONFLICT"),
                "{ctx}: {}",
                r.cancel
            );
        }

        // Wait for the provider calls made after commit (void, refund).
        let order = wait_payments_settled(&app, &admin, &r.number).await;
        let status = order["status"].as_str().unwrap_or_default().to_owned();
        let payments = order["payments"].as_array().cloned().unwrap_or_default();
        let sum =
            |field: &str| -> i64 { payments.iter().map(|p| minor(&p[field]["amount"])).sum() };
        let (captured, refunded, capturable) =
            (sum("captured"), sum("refunded"), sum("capturable"));
        match status.as_str() {
            "CONFIRMED" => {
                assert!(
                    !cancelled,
                    "{ctx}: the cancel succeeded but the order is confirmed"
                );
                let want = if r.method == "ALIPAY" {
                    "PAID"
                } else {
                    "AUTHORIZED"
                };
                assert_eq!(order["paymentStatus"], want, "{ctx}: {order}");
                assert_eq!(minor(&order["amountDue"]["amount"]), 0, "{ctx}: {order}");
                assert_eq!(refunded, 0, "{ctx}: {order}");
                if r.method == "ALIPAY" {
                    assert_eq!(captured, r.total, "{ctx}: {order}");
                } else {
                    assert_eq!(capturable, r.total, "{ctx}: {order}");
                }
            }
            "CANCELLED" => {
                assert!(
                    cancelled,
                    "{ctx}: cancelled, but not by the customer: {order}"
                );
                // Nothing kept: every capture refunded, every hold released.
                assert_eq!(captured, refunded, "{ctx}: money kept: {order}");
                assert_eq!(capturable, 0, "{ctx}: a hold kept: {order}");
                for p in &payments {
                    assert_eq!(minor(&p["refundable"]["amount"]), 0, "{ctx}: {p}");
                    assert!(
                        matches!(p["status"].as_str(), Some("REFUNDED" | "VOIDED")),
                        "{ctx}: {p}"
                    );
                }
                if captured > 0 {
                    assert_eq!(order["paymentStatus"], "REFUNDED", "{ctx}: {order}");
                    assert!(
                        ledger_count(&order, "REFUND", "SUCCEEDED") >= 1,
                        "{ctx}: {order}"
                    );
                }
                assert!(ledger_count(&order, "CAPTURE", "SUCCEEDED") <= 1, "{ctx}");
            }
            other => panic!("{ctx}: ended {other}: {order}"),
        }
        *outcomes
            .entry(format!("{} {status}", r.method))
            .or_insert(0) += 1;
    }
    eprintln!("cancel vs payment outcomes: {outcomes:?}");
}
