//! WeChat Pay API v3 notifications: a JSON envelope signed by the platform
//! key (`timestamp\nnonce\nbody\n`, SHA256withRSA) whose `resource` is
//! AES-256-GCM encrypted with the merchant's APIv3 key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, FixedOffset, Utc};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;

use super::keys::{sign_sha256_rsa, verify_sha256_rsa};
use super::settings::WechatPaySettings;
use super::{
    Notification, Provider, ProviderEvent, RefundNotice, RefundOutcome, SandboxNotice,
    SignedRequest, VerifyError, header, random_alphanumeric,
};

/// How far the signed timestamp may be from now.
const TOLERANCE_SECS: i64 = 300;

/// The message WeChat Pay signs: `timestamp\nnonce\nbody\n`.
pub(super) fn message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(nonce.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(body);
    m.push(b'\n');
    m
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(default)]
    resource_type: Option<String>,
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Resource {
    algorithm: String,
    ciphertext: String,
    nonce: String,
    #[serde(default)]
    associated_data: Option<String>,
}

#[derive(Deserialize)]
struct Transaction {
    appid: String,
    mchid: String,
    out_trade_no: Option<String>,
    transaction_id: Option<String>,
    trade_state: String,
    amount: TransactionAmount,
}

#[derive(Deserialize)]
struct TransactionAmount {
    total: i64,
    currency: Option<String>,
}

#[derive(Deserialize)]
struct Refund {
    mchid: String,
    out_trade_no: Option<String>,
    transaction_id: Option<String>,
    out_refund_no: Option<String>,
    refund_id: Option<String>,
    refund_status: String,
    amount: RefundAmount,
}

#[derive(Deserialize)]
struct RefundAmount {
    total: i64,
    refund: i64,
    currency: Option<String>,
}

fn malformed(what: impl std::fmt::Display) -> VerifyError {
    VerifyError::Malformed(what.to_string())
}

fn gcm_key(apiv3_key: &[u8; 32]) -> anyhow::Result<LessSafeKey> {
    let key = UnboundKey::new(&AES_256_GCM, apiv3_key)
        .map_err(|_| anyhow::anyhow!("AES-256-GCM key rejected"))?;
    Ok(LessSafeKey::new(key))
}

/// Decrypts an `AEAD_AES_256_GCM` resource.
pub(super) fn decrypt(
    apiv3_key: &[u8; 32],
    nonce: &str,
    aad: &str,
    ciphertext_b64: &str,
) -> Result<Vec<u8>, VerifyError> {
    let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes())
        .map_err(|_| malformed("resource.nonce must be 12 bytes"))?;
    let mut data = B64
        .decode(ciphertext_b64)
        .map_err(|_| malformed("resource.ciphertext is not base64"))?;
    let key = gcm_key(apiv3_key).map_err(malformed)?;
    let plain = key
        .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut data)
        .map_err(|_| malformed("resource does not decrypt (wrong APIv3 key?)"))?;
    Ok(plain.to_vec())
}

/// Encrypts a resource as WeChat Pay does; returns base64(ciphertext || tag).
pub(super) fn encrypt(
    apiv3_key: &[u8; 32],
    nonce: &str,
    aad: &str,
    plain: &[u8],
) -> anyhow::Result<String> {
    let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes())
        .map_err(|_| anyhow::anyhow!("nonce must be 12 bytes"))?;
    let mut data = plain.to_vec();
    gcm_key(apiv3_key)?
        .seal_in_place_append_tag(nonce, Aad::from(aad.as_bytes()), &mut data)
        .map_err(|_| anyhow::anyhow!("AES-256-GCM sealing failed"))?;
    Ok(B64.encode(data))
}

pub(super) fn verify(
    settings: &WechatPaySettings,
    key: &RsaPublicKey,
    apiv3_key: &[u8; 32],
    headers: &[(String, String)],
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Notification, VerifyError> {
    let h = |name| header(headers, name).ok_or(VerifyError::BadSignature);
    let timestamp = h("wechatpay-timestamp")?;
    let nonce = h("wechatpay-nonce")?;
    let signature = h("wechatpay-signature")?;
    let serial = h("wechatpay-serial")?;
    if signature.starts_with("WECHATPAY/SIGNTEST/") {
        return Err(VerifyError::TestSignature);
    }
    let ts: i64 = timestamp.parse().map_err(|_| VerifyError::BadSignature)?;
    if (now.timestamp() - ts).abs() > TOLERANCE_SECS {
        return Err(VerifyError::StaleTimestamp);
    }
    if serial != settings.platform_serial {
        return Err(VerifyError::UnknownKey(serial.to_string()));
    }
    if !verify_sha256_rsa(key, &message(timestamp, nonce, body), signature) {
        return Err(VerifyError::BadSignature);
    }

    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| malformed(format!("envelope: {e}")))?;
    if envelope.id.is_empty() {
        return Err(malformed("id is empty"));
    }
    if envelope
        .resource_type
        .as_deref()
        .is_some_and(|t| t != "encrypt-resource")
    {
        return Err(malformed("resource_type is not encrypt-resource"));
    }
    let r = &envelope.resource;
    if r.algorithm != "AEAD_AES_256_GCM" {
        return Err(malformed(format!("unsupported algorithm {}", r.algorithm)));
    }
    let event_type = envelope.event_type.as_str();
    let id = envelope.id.clone();
    let open = || {
        decrypt(
            apiv3_key,
            &r.nonce,
            r.associated_data.as_deref().unwrap_or(""),
            &r.ciphertext,
        )
    };
    let currency = |c: Option<String>| Some(c.unwrap_or_else(|| "CNY".into()).to_ascii_uppercase());

    if event_type.starts_with("TRANSACTION.") {
        let t: Transaction =
            serde_json::from_slice(&open()?).map_err(|e| malformed(format!("transaction: {e}")))?;
        if t.appid != settings.app_id {
            return Err(VerifyError::WrongAccount("appid".into()));
        }
        if t.mchid != settings.mch_id {
            return Err(VerifyError::WrongAccount("mchid".into()));
        }
        let event = match t.trade_state.as_str() {
            "SUCCESS" => ProviderEvent::Paid {
                amount_minor: t.amount.total,
            },
            "CLOSED" | "REVOKED" | "PAYERROR" => ProviderEvent::Closed,
            other => ProviderEvent::Ignored {
                event_type: format!("{event_type}/{other}"),
            },
        };
        Ok(Notification {
            provider: Provider::WechatPay,
            id,
            reference: t.out_trade_no,
            provider_reference: t.transaction_id,
            total_minor: Some(t.amount.total),
            currency: currency(t.amount.currency),
            event,
        })
    } else if event_type.starts_with("REFUND.") {
        let r: Refund =
            serde_json::from_slice(&open()?).map_err(|e| malformed(format!("refund: {e}")))?;
        if r.mchid != settings.mch_id {
            return Err(VerifyError::WrongAccount("mchid".into()));
        }
        let outcome = match r.refund_status.as_str() {
            "SUCCESS" => RefundOutcome::Succeeded,
            "PROCESSING" => RefundOutcome::Pending,
            "CLOSED" | "ABNORMAL" => RefundOutcome::Failed,
            other => return Err(malformed(format!("unknown refund_status {other}"))),
        };
        Ok(Notification {
            provider: Provider::WechatPay,
            id,
            reference: r.out_trade_no,
            provider_reference: r.transaction_id,
            total_minor: Some(r.amount.total),
            currency: currency(r.amount.currency),
            event: ProviderEvent::Refunds(vec![RefundNotice {
                provider_refund_id: r.refund_id,
                our_key: r.out_refund_no,
                amount_minor: r.amount.refund,
                outcome,
            }]),
        })
    } else {
        Ok(Notification {
            provider: Provider::WechatPay,
            id,
            reference: None,
            provider_reference: None,
            total_minor: None,
            currency: None,
            event: ProviderEvent::Ignored {
                event_type: event_type.to_string(),
            },
        })
    }
}

/// WeChat Pay's timestamps: RFC 3339 in Beijing time.
fn rfc3339_beijing(now: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(offset) => now
            .with_timezone(&offset)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        None => now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

pub(super) fn sandbox_request(
    settings: &WechatPaySettings,
    key: &RsaPrivateKey,
    apiv3_key: &[u8; 32],
    notice: &SandboxNotice,
    now: DateTime<Utc>,
) -> anyhow::Result<SignedRequest> {
    let time = rfc3339_beijing(now);
    let transaction = |state: &str, payer_total: i64| {
        serde_json::json!({
            "appid": settings.app_id,
            "mchid": settings.mch_id,
            "out_trade_no": notice.reference,
            "transaction_id": notice.provider_reference,
            "trade_type": "NATIVE",
            "trade_state": state,
            "trade_state_desc": state,
            "bank_type": "OTHERS",
            "attach": "",
            "success_time": time,
            "payer": { "openid": "oSandboxPayer000000000000000" },
            "amount": {
                "total": notice.total_minor,
                "payer_total": payer_total,
                "currency": notice.currency,
                "payer_currency": notice.currency,
            },
        })
    };
    let (event_type, summary, original_type, resource) = match &notice.event {
        ProviderEvent::Paid { amount_minor } => (
            "TRANSACTION.SUCCESS",
            "支付成功",
            "transaction",
            transaction("SUCCESS", *amount_minor),
        ),
        ProviderEvent::Closed => (
            "TRANSACTION.CLOSED",
            "交易关闭",
            "transaction",
            transaction("CLOSED", 0),
        ),
        ProviderEvent::Refunds(refunds) => {
            let [refund] = refunds.as_slice() else {
                anyhow::bail!("wechatpay announces exactly one refund per notification");
            };
            let (event_type, summary, status) = match refund.outcome {
                RefundOutcome::Succeeded => ("REFUND.SUCCESS", "退款成功", "SUCCESS"),
                RefundOutcome::Failed => ("REFUND.ABNORMAL", "退款异常", "ABNORMAL"),
                RefundOutcome::Pending => {
                    anyhow::bail!("wechatpay does not announce pending refunds")
                }
            };
            let resource = serde_json::json!({
                "mchid": settings.mch_id,
                "out_trade_no": notice.reference,
                "transaction_id": notice.provider_reference,
                "out_refund_no": refund.our_key,
                "refund_id": refund.provider_refund_id,
                "refund_status": status,
                "success_time": time,
                "user_received_account": "支付用户零钱",
                "amount": {
                    "total": notice.total_minor,
                    "refund": refund.amount_minor,
                    "payer_total": notice.total_minor,
                    "payer_refund": refund.amount_minor,
                },
            });
            (event_type, summary, "refund", resource)
        }
        other => anyhow::bail!("wechatpay does not announce {other:?}"),
    };
    let resource_nonce = random_alphanumeric(12);
    let ciphertext = encrypt(
        apiv3_key,
        &resource_nonce,
        original_type,
        resource.to_string().as_bytes(),
    )?;
    let body = serde_json::json!({
        "id": notice.id,
        "create_time": time,
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": original_type,
            "nonce": resource_nonce,
        },
    })
    .to_string()
    .into_bytes();
    let timestamp = now.timestamp().to_string();
    let nonce = random_alphanumeric(32);
    let signature = sign_sha256_rsa(key, &message(&timestamp, &nonce, &body))?;
    Ok(SignedRequest {
        content_type: "application/json".into(),
        headers: vec![
            ("Wechatpay-Timestamp".into(), timestamp),
            ("Wechatpay-Nonce".into(), nonce),
            ("Wechatpay-Signature".into(), signature),
            ("Wechatpay-Serial".into(), settings.platform_serial.clone()),
            (
                "Wechatpay-Signature-Type".into(),
                "WECHATPAY2-SHA256-RSA2048".into(),
            ),
        ],
        body,
    })
}
