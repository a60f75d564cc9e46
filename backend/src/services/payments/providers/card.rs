//! Card (Stripe-shaped) webhooks: `Stripe-Signature: t=…,v1=…` where v1 is
//! hex HMAC-SHA256(secret, "{t}.{raw body}"); any v1 may match.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::{
    Notification, Provider, ProviderEvent, RefundNotice, RefundOutcome, SandboxNotice,
    SignedRequest, VerifyError, header, random_alphanumeric,
};

/// How far the signed timestamp may be from now.
const TOLERANCE_SECS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Result<HmacSha256, VerifyError> {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| VerifyError::BadSignature)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Stripe-Signature` header value for `body` at `timestamp`.
pub(super) fn signature_header(
    secret: &str,
    timestamp: i64,
    body: &[u8],
) -> anyhow::Result<String> {
    let t = timestamp.to_string();
    let mac = mac(secret, &t, body).map_err(|_| anyhow::anyhow!("unusable webhook secret"))?;
    Ok(format!("t={t},v1={}", to_hex(&mac.finalize().into_bytes())))
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Deserialize, Default)]
struct Metadata {
    reference: Option<String>,
    idempotency_key: Option<String>,
}

#[derive(Deserialize)]
struct PaymentIntent {
    id: String,
    amount: i64,
    amount_capturable: Option<i64>,
    amount_received: Option<i64>,
    currency: String,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Charge {
    amount: i64,
    currency: String,
    payment_intent: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
    refunds: Option<RefundList>,
}

#[derive(Deserialize)]
struct RefundList {
    data: Vec<Refund>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    amount: i64,
    status: String,
    currency: Option<String>,
    payment_intent: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

fn malformed(what: impl std::fmt::Display) -> VerifyError {
    VerifyError::Malformed(what.to_string())
}

fn refund_notice(r: Refund) -> Result<RefundNotice, VerifyError> {
    let outcome = match r.status.as_str() {
        "succeeded" => RefundOutcome::Succeeded,
        "pending" | "requires_action" => RefundOutcome::Pending,
        "failed" | "canceled" => RefundOutcome::Failed,
        other => {
            return Err(malformed(format!(
                "refund {}: unknown status {other}",
                r.id
            )));
        }
    };
    Ok(RefundNotice {
        provider_refund_id: Some(r.id),
        our_key: r.metadata.and_then(|m| m.idempotency_key),
        amount_minor: r.amount,
        outcome,
    })
}

pub(super) fn verify(
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Notification, VerifyError> {
    let value = header(headers, "stripe-signature").ok_or(VerifyError::BadSignature)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for item in value.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) if timestamp.is_none() => timestamp = Some(t),
            Some(("v1", sig)) => candidates.push(sig),
            _ => {}
        }
    }
    let t = timestamp.ok_or(VerifyError::BadSignature)?;
    let ts: i64 = t.parse().map_err(|_| VerifyError::BadSignature)?;
    if (now.timestamp() - ts).abs() > TOLERANCE_SECS {
        return Err(VerifyError::StaleTimestamp);
    }
    let expected = mac(secret, t, body)?;
    let matched = candidates
        .iter()
        .filter_map(|c| from_hex(c))
        .any(|sig| expected.clone().verify_slice(&sig).is_ok());
    if !matched {
        return Err(VerifyError::BadSignature);
    }

    let event: Event =
        serde_json::from_slice(body).map_err(|e| malformed(format!("event: {e}")))?;
    if event.id.is_empty() {
        return Err(malformed("id is empty"));
    }
    let object = event.data.object;
    let intent = |object: serde_json::Value| {
        serde_json::from_value::<PaymentIntent>(object)
            .map_err(|e| malformed(format!("data.object: {e}")))
    };
    let of_intent = |pi: &PaymentIntent, event: ProviderEvent| Notification {
        provider: Provider::Card,
        id: String::new(),
        reference: pi.metadata.as_ref().and_then(|m| m.reference.clone()),
        provider_reference: Some(pi.id.clone()),
        total_minor: Some(pi.amount),
        currency: Some(pi.currency.to_ascii_uppercase()),
        event,
    };
    // The event id is set once below, after `data.object` is consumed.
    let mut n = match event.kind.as_str() {
        "payment_intent.amount_capturable_updated" => {
            let pi = intent(object)?;
            let capturable_minor = pi
                .amount_capturable
                .ok_or_else(|| malformed("amount_capturable missing"))?;
            of_intent(&pi, ProviderEvent::Authorized { capturable_minor })
        }
        "payment_intent.succeeded" => {
            let pi = intent(object)?;
            let received_minor = pi
                .amount_received
                .ok_or_else(|| malformed("amount_received missing"))?;
            of_intent(&pi, ProviderEvent::Captured { received_minor })
        }
        "payment_intent.canceled" => {
            let pi = intent(object)?;
            of_intent(&pi, ProviderEvent::Canceled)
        }
        "charge.refunded" => {
            let charge: Charge = serde_json::from_value(object)
                .map_err(|e| malformed(format!("data.object: {e}")))?;
            let refunds = charge
                .refunds
                .map(|l| l.data)
                .unwrap_or_default()
                .into_iter()
                .map(refund_notice)
                .collect::<Result<Vec<_>, _>>()?;
            Notification {
                provider: Provider::Card,
                id: String::new(),
                reference: charge.metadata.and_then(|m| m.reference),
                provider_reference: charge.payment_intent,
                total_minor: Some(charge.amount),
                currency: Some(charge.currency.to_ascii_uppercase()),
                event: ProviderEvent::Refunds(refunds),
            }
        }
        "refund.created" | "refund.updated" | "refund.failed" => {
            let refund: Refund = serde_json::from_value(object)
                .map_err(|e| malformed(format!("data.object: {e}")))?;
            Notification {
                provider: Provider::Card,
                id: String::new(),
                reference: None,
                provider_reference: refund.payment_intent.clone(),
                total_minor: None,
                currency: refund.currency.as_deref().map(str::to_ascii_uppercase),
                event: ProviderEvent::Refunds(vec![refund_notice(refund)?]),
            }
        }
        other => Notification {
            provider: Provider::Card,
            id: String::new(),
            reference: None,
            provider_reference: None,
            total_minor: None,
            currency: None,
            event: ProviderEvent::Ignored {
                event_type: other.to_string(),
            },
        },
    };
    n.id = event.id;
    Ok(n)
}

pub(super) fn sandbox_request(
    secret: &str,
    notice: &SandboxNotice,
    now: DateTime<Utc>,
) -> anyhow::Result<SignedRequest> {
    let currency = notice.currency.to_ascii_lowercase();
    let intent = |status: &str, capturable: i64, received: i64| {
        serde_json::json!({
            "id": notice.provider_reference,
            "object": "payment_intent",
            "amount": notice.total_minor,
            "amount_capturable": capturable,
            "amount_received": received,
            "capture_method": "manual",
            "currency": currency,
            "status": status,
            "metadata": { "reference": notice.reference },
            "livemode": false,
        })
    };
    let (kind, object) = match &notice.event {
        ProviderEvent::Authorized { capturable_minor } => (
            "payment_intent.amount_capturable_updated",
            intent("requires_capture", *capturable_minor, 0),
        ),
        ProviderEvent::Captured { received_minor } => (
            "payment_intent.succeeded",
            intent("succeeded", 0, *received_minor),
        ),
        ProviderEvent::Canceled => ("payment_intent.canceled", intent("canceled", 0, 0)),
        ProviderEvent::Refunds(refunds) => {
            let data: Vec<serde_json::Value> = refunds
                .iter()
                .map(|r| {
                    let status = match r.outcome {
                        RefundOutcome::Succeeded => "succeeded",
                        RefundOutcome::Pending => "pending",
                        RefundOutcome::Failed => "failed",
                    };
                    let mut metadata = serde_json::Map::new();
                    if let Some(key) = &r.our_key {
                        metadata.insert("idempotency_key".into(), key.clone().into());
                    }
                    serde_json::json!({
                        "id": r.provider_refund_id.clone().unwrap_or_else(|| format!("re_{}", random_alphanumeric(24))),
                        "object": "refund",
                        "amount": r.amount_minor,
                        "currency": currency,
                        "payment_intent": notice.provider_reference,
                        "status": status,
                        "metadata": metadata,
                    })
                })
                .collect();
            let refunded: i64 = refunds
                .iter()
                .filter(|r| r.outcome == RefundOutcome::Succeeded)
                .map(|r| r.amount_minor)
                .sum();
            let charge = serde_json::json!({
                "id": format!("ch_{}", notice.provider_reference.trim_start_matches("pi_")),
                "object": "charge",
                "amount": notice.total_minor,
                "amount_captured": notice.total_minor,
                "amount_refunded": refunded,
                "currency": currency,
                "payment_intent": notice.provider_reference,
                "refunded": refunded >= notice.total_minor,
                "metadata": { "reference": notice.reference },
                "refunds": { "object": "list", "data": data, "has_more": false },
            });
            ("charge.refunded", charge)
        }
        other => anyhow::bail!("the card processor does not announce {other:?}"),
    };
    let body = serde_json::json!({
        "id": notice.id,
        "object": "event",
        "api_version": "2024-06-20",
        "type": kind,
        "created": now.timestamp(),
        "livemode": false,
        "data": { "object": object },
    })
    .to_string()
    .into_bytes();
    Ok(SignedRequest {
        content_type: "application/json; charset=utf-8".into(),
        headers: vec![(
            "Stripe-Signature".into(),
            signature_header(secret, now.timestamp(), &body)?,
        )],
        body,
    })
}
