//! The card processor: `Stripe-Signature` HMAC events, any `v1`, stale
//! timestamps.

use super::*;

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
