//! Alipay asynchronous notifications (`notify_url`), RSA2 signed forms.
//!
//! The string to sign is every parameter except `sign` and `sign_type`, with
//! empty values dropped, sorted by key, joined `k=v&k=v` over the decoded
//! values; `sign` is base64 SHA256withRSA over it.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Offset as _, Utc};
use rsa::{RsaPrivateKey, RsaPublicKey};

use super::keys::{sign_sha256_rsa, verify_sha256_rsa};
use super::settings::AlipaySettings;
use super::{
    Notification, Provider, ProviderEvent, Reply, SandboxNotice, SignedRequest, VerifyError,
};

/// The string Alipay signs: sorted non-empty parameters except `sign`/`sign_type`.
pub(super) fn string_to_sign<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let sorted: BTreeMap<&str, &str> = params
        .into_iter()
        .filter(|(k, v)| !v.is_empty() && *k != "sign" && *k != "sign_type")
        .collect();
    let mut out = String::new();
    for (k, v) in sorted {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Parses "1208.00" (yuan, exactly two decimals) into minor units.
pub(super) fn parse_yuan(field: &str, value: &str) -> Result<i64, VerifyError> {
    let bad = || {
        VerifyError::Malformed(format!(
            "{field}: expected yuan with two decimals, got {value:?}"
        ))
    };
    let (whole, cents) = value.split_once('.').ok_or_else(bad)?;
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(whole, 15) || cents.len() != 2 || !digits(cents, 2) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = cents.parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(bad)
}

/// Formats minor units as Alipay yuan ("1208.00").
pub(super) fn format_yuan(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub(super) fn reply(success: bool) -> Reply {
    Reply {
        status: 200,
        content_type: "text/plain; charset=utf-8",
        body: if success { "success" } else { "failure" }.to_string(),
    }
}

pub(super) fn verify(
    settings: &AlipaySettings,
    key: &RsaPublicKey,
    body: &[u8],
) -> Result<Notification, VerifyError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| VerifyError::Malformed("body is not UTF-8".into()))?;
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        if params.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(VerifyError::Malformed(format!("parameter {k} repeated")));
        }
    }
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());

    let sign = get("sign").ok_or(VerifyError::BadSignature)?;
    if get("sign_type").is_some_and(|t| t != "RSA2") {
        return Err(VerifyError::BadSignature);
    }
    let message = string_to_sign(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if !verify_sha256_rsa(key, message.as_bytes(), sign) {
        return Err(VerifyError::BadSignature);
    }

    let required = |k: &str| get(k).ok_or_else(|| VerifyError::Malformed(format!("{k} missing")));
    if required("app_id")? != settings.app_id {
        return Err(VerifyError::WrongAccount("app_id".into()));
    }
    if required("seller_id")? != settings.seller_id {
        return Err(VerifyError::WrongAccount("seller_id".into()));
    }
    if let Some(charset) = get("charset")
        && !charset.eq_ignore_ascii_case("utf-8")
    {
        return Err(VerifyError::Malformed(format!(
            "charset {charset} is not utf-8"
        )));
    }
    let id = required("notify_id")?.to_string();
    let status = required("trade_status")?;
    let total = parse_yuan("total_amount", required("total_amount")?)?;
    let refunded = get("refund_fee")
        .map(|v| parse_yuan("refund_fee", v))
        .transpose()?;
    let event = match (status, refunded) {
        ("TRADE_SUCCESS" | "TRADE_FINISHED" | "TRADE_CLOSED", Some(total_minor)) => {
            ProviderEvent::RefundedTotal {
                total_minor,
                our_key: get("out_biz_no").map(str::to_string),
            }
        }
        ("TRADE_SUCCESS" | "TRADE_FINISHED", None) => ProviderEvent::Paid {
            amount_minor: total,
        },
        ("TRADE_CLOSED", None) => ProviderEvent::Closed,
        (other, _) => ProviderEvent::Ignored {
            event_type: other.to_string(),
        },
    };
    Ok(Notification {
        provider: Provider::Alipay,
        id,
        reference: get("out_trade_no").map(str::to_string),
        provider_reference: get("trade_no").map(str::to_string),
        total_minor: Some(total),
        currency: Some("CNY".into()),
        event,
    })
}

/// Alipay's timestamps are Beijing time, `yyyy-MM-dd HH:mm:ss`.
pub(super) fn beijing(now: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    now.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Signs `params` (adds `sign_type=RSA2` and `sign`) and form-encodes them.
pub(super) fn signed_form(
    key: &RsaPrivateKey,
    params: &[(&str, String)],
) -> anyhow::Result<String> {
    let message = string_to_sign(params.iter().map(|(k, v)| (*k, v.as_str())));
    let sign = sign_sha256_rsa(key, message.as_bytes())?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        form.append_pair(k, v);
    }
    form.append_pair("sign_type", "RSA2");
    form.append_pair("sign", &sign);
    Ok(form.finish())
}

pub(super) fn sandbox_request(
    settings: &AlipaySettings,
    key: &RsaPrivateKey,
    notice: &SandboxNotice,
    now: DateTime<Utc>,
) -> anyhow::Result<SignedRequest> {
    let time = beijing(now);
    let (status, paid, refund) = match &notice.event {
        ProviderEvent::Paid { amount_minor } => ("TRADE_SUCCESS", Some(*amount_minor), None),
        ProviderEvent::Closed => ("TRADE_CLOSED", None, None),
        ProviderEvent::RefundedTotal {
            total_minor,
            our_key,
        } => {
            // A full refund closes the trade; a partial one keeps it successful.
            let status = if *total_minor >= notice.total_minor {
                "TRADE_CLOSED"
            } else {
                "TRADE_SUCCESS"
            };
            (
                status,
                Some(notice.total_minor),
                Some((*total_minor, our_key.clone())),
            )
        }
        other => anyhow::bail!("alipay does not announce {other:?}"),
    };
    let mut params: Vec<(&str, String)> = vec![
        ("notify_time", time.clone()),
        ("notify_type", "trade_status_sync".into()),
        ("notify_id", notice.id.clone()),
        ("charset", "utf-8".into()),
        ("version", "1.0".into()),
        ("app_id", settings.app_id.clone()),
        ("seller_id", settings.seller_id.clone()),
        ("trade_no", notice.provider_reference.clone()),
        ("out_trade_no", notice.reference.clone()),
        ("trade_status", status.into()),
        ("total_amount", format_yuan(notice.total_minor)),
        ("subject", format!("Order {}", notice.reference)),
        ("gmt_create", time.clone()),
    ];
    if let Some(paid) = paid {
        params.push(("receipt_amount", format_yuan(paid)));
        params.push(("buyer_pay_amount", format_yuan(paid)));
        params.push(("gmt_payment", time.clone()));
    }
    if status == "TRADE_CLOSED" {
        params.push(("gmt_close", time.clone()));
    }
    if let Some((refunded, our_key)) = refund {
        params.push(("refund_fee", format_yuan(refunded)));
        params.push(("gmt_refund", time.clone()));
        if let Some(our_key) = our_key {
            params.push(("out_biz_no", our_key));
        }
    }
    Ok(SignedRequest {
        content_type: "application/x-www-form-urlencoded; charset=utf-8".into(),
        headers: Vec::new(),
        body: signed_form(key, &params)?.into_bytes(),
    })
}
