//! Each provider's sandbox output is accepted and parsed by `verify`, and
//! every kind of tampering is refused with the right error.

use std::path::PathBuf;
use std::sync::OnceLock;

use base64::Engine as _;
use chrono::{DateTime, TimeZone as _, Utc};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};

use super::settings::SANDBOX_WECHATPAY_SERIAL;
use super::*;

fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap())
}

fn public_pem() -> String {
    key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_764_400_000, 0).unwrap()
}

/// A data dir removed at the end of the test.
struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn empty_dir() -> Dir {
    let dir = std::env::temp_dir().join(format!("oms-providers-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    Dir(dir)
}

fn lookup(vars: &[(&str, &str)]) -> Result<ProviderSettings, crate::config::ConfigError> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ProviderSettings::from_lookup(&|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
}

/// Providers with default settings and the shared test key pre-placed as
/// both sandbox provider keys.
fn providers_with(vars: &[(&str, &str)]) -> (Providers, Dir) {
    let dir = empty_dir();
    let sandbox = dir.0.join("payment-sandbox");
    std::fs::create_dir_all(&sandbox).unwrap();
    let pem = key().to_pkcs8_pem(LineEnding::LF).unwrap();
    std::fs::write(sandbox.join(keys::ALIPAY_FILE), pem.as_bytes()).unwrap();
    std::fs::write(sandbox.join(keys::WECHATPAY_FILE), pem.as_bytes()).unwrap();
    (Providers::new(lookup(vars).unwrap(), &dir.0), dir)
}

fn providers() -> (Providers, Dir) {
    providers_with(&[])
}

fn notice(event: ProviderEvent) -> SandboxNotice {
    SandboxNotice {
        id: "evt-1".into(),
        reference: "PAY-1001".into(),
        provider_reference: "pi_3Abc".into(),
        total_minor: 120_800,
        currency: "CNY".into(),
        event,
    }
}

async fn roundtrip(p: &Providers, provider: Provider, event: ProviderEvent) -> Notification {
    let req = p
        .sandbox_request(provider, &notice(event), now())
        .await
        .unwrap();
    p.verify(provider, &req.headers, &req.body, now())
        .await
        .unwrap()
}

fn expected(provider: Provider, event: ProviderEvent) -> Notification {
    Notification {
        provider,
        id: "evt-1".into(),
        reference: Some("PAY-1001".into()),
        provider_reference: Some("pi_3Abc".into()),
        total_minor: Some(120_800),
        currency: Some("CNY".into()),
        event,
    }
}

#[test]
fn provider_names_round_trip() {
    for p in Provider::ALL {
        assert_eq!(Provider::parse(p.as_str()), Some(p));
    }
    assert_eq!(Provider::parse("paypal"), None);
}

// ---- Alipay ----

fn alipay_params(overrides: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
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

// ---- WeChat Pay ----

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

// ---- Card ----

#[tokio::test]
async fn card_sandbox_events_verify_and_parse() {
    let (p, _dir) = providers();
    let card = |event| {
        let mut n = expected(Provider::Card, event);
        n.provider_reference = Some("pi_3Abc".into());
        n
    };
    for event in [
        ProviderEvent::Authorized {
            capturable_minor: 120_800,
        },
        ProviderEvent::Captured {
            received_minor: 100_000,
        },
        ProviderEvent::Canceled,
        ProviderEvent::Refunds(vec![
            RefundNotice {
                provider_refund_id: Some("re_1".into()),
                our_key: Some("rf-1".into()),
                amount_minor: 800,
                outcome: RefundOutcome::Succeeded,
            },
            RefundNotice {
                provider_refund_id: Some("re_2".into()),
                our_key: None,
                amount_minor: 200,
                outcome: RefundOutcome::Pending,
            },
        ]),
    ] {
        assert_eq!(
            roundtrip(&p, Provider::Card, event.clone()).await,
            card(event)
        );
    }
    assert!(
        p.sandbox_request(Provider::Card, &notice(ProviderEvent::Closed), now())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn card_refuses_tampering_and_stale_timestamps_and_accepts_any_v1() {
    let secret = "whsec_test_secret";
    let (p, _dir) = providers_with(&[("OMS_CARD_WEBHOOK_SECRET", secret)]);
    let req = p
        .sandbox_request(
            Provider::Card,
            &notice(ProviderEvent::Captured {
                received_minor: 120_800,
            }),
            now(),
        )
        .await
        .unwrap();
    let verify = |headers: Vec<(String, String)>, body: Vec<u8>, at: DateTime<Utc>| {
        let p = p.clone();
        async move { p.verify(Provider::Card, &headers, &body, at).await }
    };
    let sig = req.headers[0].1.clone();
    let t = now().timestamp();
    let h = |v: String| vec![("stripe-signature".to_string(), v)];
    assert!(
        verify(req.headers.clone(), req.body.clone(), now())
            .await
            .is_ok()
    );

    let text = String::from_utf8(req.body.clone()).unwrap();
    let tampered = text.replace("\"amount_received\":120800", "\"amount_received\":999999");
    assert_ne!(tampered, text);
    assert!(matches!(
        verify(req.headers.clone(), tampered.into_bytes(), now()).await,
        Err(VerifyError::BadSignature)
    ));

    let wrong = format!("t={t},v1={}", "ab".repeat(32));
    assert!(matches!(
        verify(h(wrong.clone()), req.body.clone(), now()).await,
        Err(VerifyError::BadSignature)
    ));
    let both = format!(
        "{wrong},v1={},v0=deadbeef",
        sig.split_once("v1=").unwrap().1
    );
    assert!(verify(h(both), req.body.clone(), now()).await.is_ok());

    let shifted = sig.replace(&format!("t={t}"), &format!("t={}", t + 1));
    assert!(matches!(
        verify(h(shifted), req.body.clone(), now()).await,
        Err(VerifyError::BadSignature)
    ));
    let later = now() + chrono::Duration::seconds(301);
    assert!(matches!(
        verify(req.headers.clone(), req.body.clone(), later).await,
        Err(VerifyError::StaleTimestamp)
    ));
    let old = card::signature_header(secret, t - 301, &req.body).unwrap();
    assert!(matches!(
        verify(h(old), req.body.clone(), now()).await,
        Err(VerifyError::StaleTimestamp)
    ));
    assert!(matches!(
        verify(Vec::new(), req.body.clone(), now()).await,
        Err(VerifyError::BadSignature)
    ));

    let other = serde_json::json!({"id": "evt_9", "object": "event", "type": "customer.created", "data": {"object": {}}})
        .to_string();
    let header = card::signature_header(secret, t, other.as_bytes()).unwrap();
    let n = verify(h(header), other.into_bytes(), now()).await.unwrap();
    assert_eq!(
        n.event,
        ProviderEvent::Ignored {
            event_type: "customer.created".into()
        }
    );
    assert_eq!(n.id, "evt_9");
}

// ---- Settings, keys, replies ----

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
