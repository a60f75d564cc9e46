//! Alipay: RSA2 notifications, exact yuan amounts, refunds, tampering.

use super::*;

pub(super) fn alipay_params(overrides: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut params: Vec<(&str, String)> = vec![
        ("notify_id", "n-1".into()),
        ("notify_type", "trade_status_sync".into()),
        ("app_id", "2021000000000001".into()),
        ("seller_id", "2088000000000001".into()),
        ("out_trade_no", "PAY-1001".into()),
        ("trade_no", "2025112922001".into()),
        ("trade_status", "TRADE_SUCCESS".into()),
        ("total_amount", "1208.00".into()),
        ("subject", "Order & more = ok".into()),
    ];
    for (k, v) in overrides {
        match params.iter_mut().find(|(n, _)| n == k) {
            Some(p) => p.1 = v.to_string(),
            None => params.push((k, v.to_string())),
        }
    }
    params
}

async fn alipay_verify(
    p: &Providers,
    params: &[(&'static str, String)],
) -> Result<Notification, VerifyError> {
    let body = alipay::signed_form(key(), params).unwrap();
    p.verify(Provider::Alipay, &[], body.as_bytes(), now())
        .await
}

#[test]
fn alipay_string_to_sign_drops_sign_and_empty_values_and_sorts() {
    let s = alipay::string_to_sign([
        ("b", "2"),
        ("sign", "x"),
        ("a", "1 1"),
        ("sign_type", "RSA2"),
        ("c", ""),
    ]);
    assert_eq!(s, "a=1 1&b=2");
}

#[test]
fn alipay_amounts_are_exact() {
    assert_eq!(alipay::parse_yuan("f", "1208.00").unwrap(), 120_800);
    assert_eq!(alipay::parse_yuan("f", "0.05").unwrap(), 5);
    for bad in [
        "12.5", "abc", "12", "12.345", "-1.00", "1.0a", ".50", "1e3.00",
    ] {
        assert!(
            matches!(alipay::parse_yuan("f", bad), Err(VerifyError::Malformed(_))),
            "{bad}"
        );
    }
    assert_eq!(alipay::format_yuan(120_800), "1208.00");
    assert_eq!(alipay::format_yuan(5), "0.05");
}

#[tokio::test]
async fn alipay_sandbox_notifications_verify_and_parse() {
    let (p, _dir) = providers();
    let paid = expected(
        Provider::Alipay,
        ProviderEvent::Paid {
            amount_minor: 120_800,
        },
    );
    assert_eq!(
        roundtrip(
            &p,
            Provider::Alipay,
            ProviderEvent::Paid {
                amount_minor: 120_800
            }
        )
        .await,
        paid
    );
    assert_eq!(
        roundtrip(&p, Provider::Alipay, ProviderEvent::Closed).await,
        expected(Provider::Alipay, ProviderEvent::Closed)
    );
    let refunded = ProviderEvent::RefundedTotal {
        total_minor: 500,
        our_key: Some("rf-1".into()),
    };
    assert_eq!(
        roundtrip(&p, Provider::Alipay, refunded.clone()).await,
        expected(Provider::Alipay, refunded)
    );
    let full = ProviderEvent::RefundedTotal {
        total_minor: 120_800,
        our_key: None,
    };
    assert_eq!(
        roundtrip(&p, Provider::Alipay, full.clone()).await,
        expected(Provider::Alipay, full)
    );
    let err = p
        .sandbox_request(Provider::Alipay, &notice(ProviderEvent::Canceled), now())
        .await;
    assert!(err.is_err());
}

#[tokio::test]
async fn alipay_parses_refund_fields_and_ignores_waiting_trades() {
    let (p, _dir) = providers();
    let n = alipay_verify(&p, &alipay_params(&[])).await.unwrap();
    assert_eq!(
        n.event,
        ProviderEvent::Paid {
            amount_minor: 120_800
        }
    );
    assert_eq!(n.id, "n-1");
    assert_eq!(n.provider_reference.as_deref(), Some("2025112922001"));
    let n = alipay_verify(
        &p,
        &alipay_params(&[
            ("trade_status", "TRADE_FINISHED"),
            ("refund_fee", "8.00"),
            ("out_biz_no", "rf-9"),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(
        n.event,
        ProviderEvent::RefundedTotal {
            total_minor: 800,
            our_key: Some("rf-9".into())
        }
    );
    let n = alipay_verify(&p, &alipay_params(&[("trade_status", "WAIT_BUYER_PAY")]))
        .await
        .unwrap();
    assert_eq!(
        n.event,
        ProviderEvent::Ignored {
            event_type: "WAIT_BUYER_PAY".into()
        }
    );
}

#[tokio::test]
async fn alipay_refuses_tampering_and_other_accounts() {
    let (p, _dir) = providers();
    let body = alipay::signed_form(key(), &alipay_params(&[])).unwrap();
    let verify = |body: String| {
        let p = p.clone();
        async move {
            p.verify(Provider::Alipay, &[], body.as_bytes(), now())
                .await
        }
    };
    assert!(verify(body.clone()).await.is_ok());
    let tampered = body.replace("total_amount=1208.00", "total_amount=1.00");
    assert_ne!(tampered, body);
    assert!(matches!(
        verify(tampered).await,
        Err(VerifyError::BadSignature)
    ));
    let (head, sign) = body.rsplit_once("&sign=").unwrap();
    let mut sig = base64::engine::general_purpose::STANDARD
        .decode(
            form_urlencoded::parse(format!("s={sign}").as_bytes())
                .next()
                .unwrap()
                .1
                .as_bytes(),
        )
        .unwrap();
    sig[10] ^= 1;
    let forged = format!(
        "{head}&{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair(
                "sign",
                &base64::engine::general_purpose::STANDARD.encode(sig)
            )
            .finish()
    );
    assert!(matches!(
        verify(forged).await,
        Err(VerifyError::BadSignature)
    ));
    assert!(matches!(
        verify(head.to_string()).await,
        Err(VerifyError::BadSignature)
    ));
    let rsa1 = body.replace("sign_type=RSA2", "sign_type=RSA");
    assert!(matches!(verify(rsa1).await, Err(VerifyError::BadSignature)));

    let err = alipay_verify(&p, &alipay_params(&[("app_id", "2021000000009999")])).await;
    assert!(matches!(err, Err(VerifyError::WrongAccount(f)) if f == "app_id"));
    let err = alipay_verify(&p, &alipay_params(&[("seller_id", "2088000000009999")])).await;
    assert!(matches!(err, Err(VerifyError::WrongAccount(f)) if f == "seller_id"));
    for amount in ["12.5", "abc"] {
        let err = alipay_verify(&p, &alipay_params(&[("total_amount", amount)])).await;
        assert!(matches!(err, Err(VerifyError::Malformed(_))), "{amount}");
    }
    let mut no_id = alipay_params(&[]);
    no_id.retain(|(k, _)| *k != "notify_id");
    assert!(matches!(
        alipay_verify(&p, &no_id).await,
        Err(VerifyError::Malformed(_))
    ));
}
