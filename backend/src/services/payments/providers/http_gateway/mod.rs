//! Clients for the real gateways, used when `OMS_<PROVIDER>_GATEWAY_URL` is
//! set. Transport failures, timeouts and 5xx are [`CallError::Unknown`] (the
//! caller queries later with the same key); 4xx and protocol errors are
//! [`CallError::Rejected`]; a business refusal the provider answered cleanly
//! is [`CallOutcome::Failed`].

mod alipay;
mod card;
mod wechatpay;

use std::sync::Arc;
use std::time::Duration;

use super::{CallError, CallOutcome, Gateway, Provider, ProviderSettings};

/// The real gateway for `provider`, when its URL is configured (settings
/// validation guarantees the keys it needs are present).
pub(super) fn build(provider: Provider, settings: &ProviderSettings) -> Option<Arc<dyn Gateway>> {
    let http = || {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("oms/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "payment gateway HTTP client: falling back to defaults");
                reqwest::Client::new()
            })
    };
    match provider {
        Provider::Alipay => {
            let s = &settings.alipay;
            let (url, key, public) = (
                s.gateway_url.clone()?,
                s.private_key.clone()?,
                s.public_key.clone()?,
            );
            Some(Arc::new(alipay::AlipayGateway {
                http: http(),
                url,
                app_id: s.app_id.clone(),
                key,
                alipay_key: public,
            }))
        }
        Provider::WechatPay => {
            let s = &settings.wechatpay;
            Some(Arc::new(wechatpay::WechatPayGateway {
                http: http(),
                url: s.gateway_url.clone()?,
                app_id: s.app_id.clone(),
                mch_id: s.mch_id.clone(),
                key: s.mch_private_key.clone()?,
                serial: s.mch_serial.clone()?,
                platform_key: s.platform_public_key.clone()?,
                platform_serial: s.platform_serial.clone(),
            }))
        }
        Provider::Card => {
            let s = &settings.card;
            Some(Arc::new(card::CardGateway {
                http: http(),
                url: s.gateway_url.clone()?,
                api_key: s.api_key.clone()?,
            }))
        }
    }
}

/// A raw HTTP answer.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

/// Sends a request; a transport failure leaves the result unknown.
async fn send(request: reqwest::RequestBuilder) -> Result<Answer, CallError> {
    let response = request
        .send()
        .await
        .map_err(|e| CallError::Unknown(format!("request failed: {e}")))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .text()
        .await
        .map_err(|e| CallError::Unknown(format!("reading the response failed: {e}")))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Maps a non-2xx status: 5xx, 408, 409 (concurrent request with the same
/// key) and 429 leave the result unknown, other 4xx were not applied.
fn status_error(answer: &Answer, message: String) -> CallError {
    match answer.status {
        408 | 409 | 429 | 500..=599 => {
            CallError::Unknown(format!("HTTP {}: {message}", answer.status))
        }
        _ => CallError::Rejected(format!("HTTP {}: {message}", answer.status)),
    }
}

/// A path segment made of characters every provider accepts in ids.
fn segment(value: &str) -> Result<&str, CallError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'*' | b'|'));
    if ok {
        Ok(value)
    } else {
        Err(CallError::Rejected(format!(
            "{value:?} cannot be used in a URL path"
        )))
    }
}

fn json(body: &str) -> Result<serde_json::Value, CallError> {
    serde_json::from_str(body).map_err(|e| CallError::Unknown(format!("unparsable response: {e}")))
}

fn str_field(v: &serde_json::Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(|x| x.as_str())
        .map(str::to_string)
}

fn int_field(v: &serde_json::Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(serde_json::Value::as_i64)
}

fn failed(reason: impl Into<String>) -> CallOutcome {
    CallOutcome::Failed {
        reason: reason.into(),
    }
}
