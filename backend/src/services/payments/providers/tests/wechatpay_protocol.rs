//! WeChat Pay v3: signed headers, AES-256-GCM resources, stale and
//! probe signatures, unknown keys, other accounts.

use super::*;

fn set_header(req: &mut SignedRequest, name: &str, value: &str) {
    for (k, v) in &mut req.headers {
        if k.eq_ignore_ascii_case(name) {
            *v = value.to_string();
        }
    }
}

#[tokio::test]
async fn wechatpay_sandbox_notifications_verify_and_parse() {
    let (p, _dir) = providers();
    let paid = ProviderEvent::Paid {
        amount_minor: 120_800,
    };
    assert_eq!(
        roundtrip(&p, Provider::WechatPay, paid.clone()).await,
        expected(Provider::WechatPay, paid)
    );
    assert_eq!(
        roundtrip(&p, Provider::WechatPay, ProviderEvent::Closed).await,
        expected(Provider::WechatPay, ProviderEvent::Closed)
    );
    for outcome in [RefundOutcome::Succeeded, RefundOutcome::Failed] {
        let refunds = ProviderEvent::Refunds(vec![RefundNotice {
            provider_refund_id: Some("50300000001".into()),
            our_key: Some("rf-1".into()),
            amount_minor: 800,
            outcome,
        }]);
        assert_eq!(
            roundtrip(&p, Provider::WechatPay, refunds.clone()).await,
            expected(Provider::WechatPay, refunds)
        );
    }
}

#[tokio::test]
async fn wechatpay_refuses_tampering_stale_probes_and_unknown_keys() {
    let (p, _dir) = providers();
    let req = p
        .sandbox_request(
            Provider::WechatPay,
            &notice(ProviderEvent::Paid {
                amount_minor: 120_800,
            }),
            now(),
        )
        .await
        .unwrap();
    let verify = |req: SignedRequest, at: DateTime<Utc>| {
        let p = p.clone();
        async move {
            p.verify(Provider::WechatPay, &req.headers, &req.body, at)
                .await
        }
    };
    // Header names are case-insensitive.
    let mut lower = req.clone();
    lower
        .headers
        .iter_mut()
        .for_each(|(k, _)| *k = k.to_ascii_lowercase());
    assert!(verify(lower, now()).await.is_ok());

    let mut body = req.clone();
    let text = String::from_utf8(body.body.clone())
        .unwrap()
        .replace("evt-1", "evt-2");
    body.body = text.into_bytes();
    assert!(matches!(
        verify(body, now()).await,
        Err(VerifyError::BadSignature)
    ));

    let mut sig = req.clone();
    set_header(
        &mut sig,
        "Wechatpay-Signature",
        &base64::engine::general_purpose::STANDARD.encode([7u8; 256]),
    );
    assert!(matches!(
        verify(sig, now()).await,
        Err(VerifyError::BadSignature)
    ));

    let mut ts = req.clone();
    set_header(
        &mut ts,
        "Wechatpay-Timestamp",
        &(now().timestamp() + 1).to_string(),
    );
    assert!(matches!(
        verify(ts, now()).await,
        Err(VerifyError::BadSignature)
    ));
    let later = now() + chrono::Duration::seconds(301);
    assert!(matches!(
        verify(req.clone(), later).await,
        Err(VerifyError::StaleTimestamp)
    ));
    assert!(
        verify(req.clone(), now() + chrono::Duration::seconds(299))
            .await
            .is_ok()
    );

    let mut serial = req.clone();
    set_header(&mut serial, "Wechatpay-Serial", "0000");
    assert!(matches!(verify(serial, now()).await, Err(VerifyError::UnknownKey(s)) if s == "0000"));

    let mut probe = req.clone();
    set_header(&mut probe, "Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc");
    assert!(matches!(
        verify(probe, now()).await,
        Err(VerifyError::TestSignature)
    ));

    let mut missing = req.clone();
    missing.headers.retain(|(k, _)| k != "Wechatpay-Signature");
    assert!(matches!(
        verify(missing, now()).await,
        Err(VerifyError::BadSignature)
    ));
}

#[tokio::test]
async fn wechatpay_refuses_other_accounts() {
    let (p, _dir) = providers();
    let apiv3 = p.inner.sandbox.apiv3_key().await.unwrap();
    let paid = notice(ProviderEvent::Paid {
        amount_minor: 120_800,
    });
    for (field, var, value) in [
        ("appid", "OMS_WECHATPAY_APP_ID", "wx9999"),
        ("mchid", "OMS_WECHATPAY_MCH_ID", "1999"),
    ] {
        let other = lookup(&[(var, value)]).unwrap().wechatpay;
        let req = wechatpay::sandbox_request(&other, key(), &apiv3, &paid, now()).unwrap();
        let err = p
            .verify(Provider::WechatPay, &req.headers, &req.body, now())
            .await;
        assert!(
            matches!(err, Err(VerifyError::WrongAccount(f)) if f == field),
            "{field}"
        );
    }
}

#[test]
fn wechatpay_resource_encryption_round_trips() {
    let key = *b"0123456789abcdef0123456789abcdef";
    let sealed = wechatpay::encrypt(&key, "abcdefghijkl", "transaction", b"{\"a\":1}").unwrap();
    assert_eq!(
        wechatpay::decrypt(&key, "abcdefghijkl", "transaction", &sealed).unwrap(),
        b"{\"a\":1}"
    );
    assert!(wechatpay::decrypt(&key, "abcdefghijkl", "refund", &sealed).is_err());
    assert!(wechatpay::decrypt(&key, "short", "transaction", &sealed).is_err());
}
