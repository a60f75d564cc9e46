//! Settings validation, sandbox keys and each protocol's replies.

use super::alipay_protocol::alipay_params;
use super::*;

#[test]
fn settings_validate_keys_and_urls() {
    let s = lookup(&[]).unwrap();
    assert_eq!(s.alipay.app_id, "2021000000000001");
    assert_eq!(s.wechatpay.platform_serial, SANDBOX_WECHATPAY_SERIAL);
    assert!(!s.chaos);
    assert!(
        lookup(&[("OMS_PAYMENT_SANDBOX_CHAOS", "TRUE")])
            .unwrap()
            .chaos
    );
    let key_of = |r: Result<ProviderSettings, crate::config::ConfigError>| match r {
        Err(crate::config::ConfigError::Invalid { key, .. }) => key,
        other => panic!("expected an invalid setting, got {other:?}"),
    };
    assert_eq!(
        key_of(lookup(&[("OMS_PAYMENT_SANDBOX_CHAOS", "maybe")])),
        "OMS_PAYMENT_SANDBOX_CHAOS"
    );
    assert_eq!(
        key_of(lookup(&[("OMS_ALIPAY_PUBLIC_KEY", "not a key")])),
        "OMS_ALIPAY_PUBLIC_KEY"
    );
    assert_eq!(
        key_of(lookup(&[("OMS_WECHATPAY_APIV3_KEY", "short")])),
        "OMS_WECHATPAY_APIV3_KEY"
    );
    assert_eq!(
        key_of(lookup(&[("OMS_CARD_GATEWAY_URL", "not a url")])),
        "OMS_CARD_GATEWAY_URL"
    );
    assert_eq!(
        key_of(lookup(&[("OMS_CARD_GATEWAY_URL", "http://127.0.0.1:9")])),
        "OMS_CARD_API_KEY"
    );
    let pem = public_pem();
    assert_eq!(
        key_of(lookup(&[("OMS_WECHATPAY_PLATFORM_PUBLIC_KEY", &pem)])),
        "OMS_WECHATPAY_PLATFORM_SERIAL"
    );
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let s = lookup(&[
        ("OMS_ALIPAY_PUBLIC_KEY", &body),
        (
            "OMS_WECHATPAY_APIV3_KEY",
            "0123456789abcdef0123456789abcdef",
        ),
    ])
    .unwrap();
    assert_eq!(s.alipay.public_key, Some(key().to_public_key()));
    assert!(format!("{s:?}").contains("[redacted]"));
}

#[tokio::test]
async fn sandbox_keys_are_generated_once_and_kept() {
    let dir = empty_dir();
    let p = Providers::new(lookup(&[]).unwrap(), &dir.0);
    let paid = notice(ProviderEvent::Paid {
        amount_minor: 120_800,
    });
    let (a, b) = tokio::join!(
        p.sandbox_request(Provider::Alipay, &paid, now()),
        p.sandbox_request(Provider::Alipay, &paid, now())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.body, b.body, "one key, deterministic signatures");
    let card = p
        .sandbox_request(Provider::Card, &notice(ProviderEvent::Canceled), now())
        .await
        .unwrap();
    let secret =
        std::fs::read_to_string(dir.0.join("payment-sandbox").join(keys::CARD_FILE)).unwrap();
    assert!(secret.starts_with("whsec_"));
    // A restart reuses the files.
    let again = Providers::new(lookup(&[]).unwrap(), &dir.0);
    assert!(
        again
            .verify(Provider::Alipay, &[], &a.body, now())
            .await
            .is_ok()
    );
    assert!(
        again
            .verify(Provider::Card, &card.headers, &card.body, now())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn the_sandbox_is_off_when_the_provider_key_is_real() {
    let pem = public_pem();
    let (p, _dir) = providers_with(&[("OMS_ALIPAY_PUBLIC_KEY", &pem)]);
    let err = p
        .sandbox_request(Provider::Alipay, &notice(ProviderEvent::Closed), now())
        .await;
    assert!(err.unwrap_err().to_string().contains("sandbox is off"));
    // Verification uses the configured key.
    let body = alipay::signed_form(key(), &alipay_params(&[])).unwrap();
    assert!(
        p.verify(Provider::Alipay, &[], body.as_bytes(), now())
            .await
            .is_ok()
    );
    assert!(p.real_gateway(Provider::Alipay).is_none());
}

#[test]
fn replies_follow_each_protocol() {
    assert_eq!(Providers::success_reply(Provider::Alipay).body, "success");
    assert_eq!(
        Providers::failure_reply(Provider::Alipay, "x").body,
        "failure"
    );
    assert_eq!(Providers::success_reply(Provider::WechatPay).status, 204);
    let fail = Providers::failure_reply(Provider::WechatPay, "bad \"sig\"");
    assert_eq!(fail.status, 400);
    let v: serde_json::Value = serde_json::from_str(&fail.body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"code": "FAIL", "message": "bad \"sig\""})
    );
    assert_eq!(
        Providers::success_reply(Provider::Card).body,
        r#"{"received":true}"#
    );
    assert_eq!(Providers::failure_reply(Provider::Card, "x").status, 400);
}
