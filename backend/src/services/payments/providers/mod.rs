//! Payment providers: Alipay, WeChat Pay (API v3) and a Stripe-shaped card
//! processor, each speaking its real notification protocol.
//!
//! This module owns the provider edge and nothing else: it verifies and
//! parses incoming notifications into one normalized [`Notification`], signs
//! notifications exactly as the provider would (for the built-in sandbox,
//! which plays the provider), holds keys and settings, and talks to the real
//! gateways ([`Gateway`]) when a gateway URL is configured. It never touches
//! the database; the payments service decides what a notification means.
//!
//! Invariants:
//! * nothing is parsed before its signature is verified; a notification for
//!   another merchant account is refused even when correctly signed;
//! * amounts are integers in minor units; a provider amount that is not
//!   exactly representable is refused, never rounded;
//! * the sandbox can sign only with keys it generated itself: once the
//!   environment gives a provider's real public key or gateway, the sandbox
//!   is off for that provider.

mod alipay;
mod card;
mod gateway;
mod http_gateway;
mod keys;
mod settings;
mod wechatpay;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use gateway::{
    CallError, CallOutcome, CaptureRequest, CreateRequest, CreateResponse, Gateway, OpKind,
    QueryRequest, RefundRequest, VoidRequest,
};
pub use settings::{AlipaySettings, CardSettings, ProviderSettings, Secret, WechatPaySettings};

use keys::SandboxKeys;

/// The request number Alipay (`out_request_no`) and WeChat Pay
/// (`out_refund_no`) get for an operation key: at most 64 characters of
/// letters and digits, which our keys (`refund:<client key>`) are not. The
/// first 32 hex digits of the key's SHA-256: stable, so every retry sends
/// the same number, and a notification naming it finds the operation.
pub fn request_no(op_key: &str) -> String {
    let mut hex = crate::crypto::sha256_hex(op_key);
    hex.truncate(32);
    hex
}

/// A payment provider we accept money through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Alipay (open platform, RSA2 signed form notifications).
    Alipay,
    /// WeChat Pay API v3 (signed JSON envelopes with an encrypted resource).
    WechatPay,
    /// A Stripe-shaped card processor (HMAC signed JSON events).
    Card,
}

impl Provider {
    /// Every provider, in a stable order.
    pub const ALL: [Provider; 3] = [Provider::Alipay, Provider::WechatPay, Provider::Card];

    /// The stored name, also the path segment of `/webhooks/payments/{provider}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Alipay => "alipay",
            Provider::WechatPay => "wechatpay",
            Provider::Card => "card",
        }
    }

    /// The inverse of [`Provider::as_str`].
    pub fn parse(s: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified provider notification in one normalized form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Who sent it.
    pub provider: Provider,
    /// The dedup key: Alipay `notify_id`, WeChat envelope `id`, card event `id`.
    pub id: String,
    /// Our `Payment.reference` (Alipay/WeChat `out_trade_no`; card:
    /// `data.object.metadata.reference` if present).
    pub reference: Option<String>,
    /// The provider's id of the trade: Alipay `trade_no`, WeChat
    /// `transaction_id`, card PaymentIntent id (`pi_…`; for `charge.refunded`
    /// the charge's `payment_intent`).
    pub provider_reference: Option<String>,
    /// The trade's total in minor units as the provider states it, to compare
    /// with our payment.
    pub total_minor: Option<i64>,
    /// The trade's currency, uppercase ISO 4217 (`CNY`, `USD`).
    pub currency: Option<String>,
    /// What happened.
    pub event: ProviderEvent,
}

/// What a notification announces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderEvent {
    /// Paid in full at once (Alipay `TRADE_SUCCESS`/`TRADE_FINISHED` without
    /// refund fields; WeChat trade_state `SUCCESS`). `amount_minor` is the
    /// trade total the provider states as paid.
    Paid {
        /// The amount paid, minor units.
        amount_minor: i64,
    },
    /// Trade closed unpaid (Alipay `TRADE_CLOSED` without `refund_fee`;
    /// WeChat trade_state `CLOSED`/`REVOKED`/`PAYERROR`).
    Closed,
    /// Card `payment_intent.amount_capturable_updated`: the authorized amount.
    Authorized {
        /// `amount_capturable`, minor units.
        capturable_minor: i64,
    },
    /// Card `payment_intent.succeeded`: the cumulative amount captured.
    Captured {
        /// `amount_received`, minor units.
        received_minor: i64,
    },
    /// Card `payment_intent.canceled`: the remaining authorization is released.
    Canceled,
    /// Refund results: card `charge.refunded` (one entry per refund of the
    /// charge) or `refund.*` (one entry); WeChat `REFUND.*` (one entry).
    Refunds(Vec<RefundNotice>),
    /// Alipay async notify carrying refund fields.
    RefundedTotal {
        /// `refund_fee`: the cumulative amount refunded so far, minor units.
        total_minor: i64,
        /// `out_biz_no`: our refund request number, when Alipay gives it.
        our_key: Option<String>,
    },
    /// A verified event we do not act on (answer success).
    Ignored {
        /// The provider's event type or trade status.
        event_type: String,
    },
}

/// One refund's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundNotice {
    /// The provider's refund id: card `re_…`, WeChat `refund_id`.
    pub provider_refund_id: Option<String>,
    /// Our idempotency key: WeChat `out_refund_no`; card refund
    /// `metadata.idempotency_key` if present.
    pub our_key: Option<String>,
    /// This refund's amount, minor units.
    pub amount_minor: i64,
    /// Where it stands.
    pub outcome: RefundOutcome,
}

/// Where a refund stands at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundOutcome {
    /// The money went back.
    Succeeded,
    /// Still in progress; another notification will follow.
    Pending,
    /// Failed, canceled or closed: no money moved.
    Failed,
}

/// Why an incoming notification is refused.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Missing or invalid signature, tampered body.
    #[error("bad signature")]
    BadSignature,
    /// The signed timestamp is more than five minutes away from now.
    #[error("stale timestamp")]
    StaleTimestamp,
    /// A WeChat Pay probe signed `WECHATPAY/SIGNTEST/…`; never applied.
    #[error("test signature")]
    TestSignature,
    /// Correctly signed, but for another merchant account (names the field).
    #[error("wrong account: {0}")]
    WrongAccount(String),
    /// The WeChat Pay platform certificate serial is not the configured one.
    #[error("unknown key serial {0}")]
    UnknownKey(String),
    /// Unparsable body, amount, or a missing required field (names which).
    #[error("malformed notification: {0}")]
    Malformed(String),
}

/// The HTTP answer to give a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// A notification as the provider would POST it to our webhook.
#[derive(Clone, Debug)]
pub struct SignedRequest {
    /// The `Content-Type` header (not repeated in `headers`).
    pub content_type: String,
    /// The provider's other headers (signature, timestamp...).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

/// A notification for the sandbox to produce, as the provider would.
#[derive(Clone, Debug)]
pub struct SandboxNotice {
    /// notify_id / envelope id / event id.
    pub id: String,
    /// Our reference (`out_trade_no`, card `metadata.reference`).
    pub reference: String,
    /// trade_no / transaction_id / `pi_…`.
    pub provider_reference: String,
    /// The trade total, minor units.
    pub total_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// What to announce. Alipay: `Paid`, `Closed`, `RefundedTotal`; WeChat:
    /// `Paid`, `Closed`, `Refunds` (one entry, not pending); card:
    /// `Authorized`, `Captured`, `Canceled`, `Refunds`.
    pub event: ProviderEvent,
}

struct Inner {
    settings: ProviderSettings,
    sandbox: SandboxKeys,
    gateways: [Option<Arc<dyn Gateway>>; 3],
}

/// Everything the payments service needs from providers. Cheap to clone.
#[derive(Clone)]
pub struct Providers {
    inner: Arc<Inner>,
}

impl Providers {
    /// `data_dir`: where sandbox keys are generated and kept when the
    /// environment gives none (under `payment-sandbox/`). Nothing is generated
    /// until first needed.
    pub fn new(settings: ProviderSettings, data_dir: &Path) -> Self {
        let gateways = Provider::ALL.map(|p| http_gateway::build(p, &settings));
        Providers {
            inner: Arc::new(Inner {
                sandbox: SandboxKeys::new(data_dir.join("payment-sandbox")),
                settings,
                gateways,
            }),
        }
    }

    /// The validated settings.
    pub fn settings(&self) -> &ProviderSettings {
        &self.inner.settings
    }

    /// Verifies a raw webhook request (header names compared
    /// case-insensitively, the body exactly as received) and parses it.
    pub async fn verify(
        &self,
        provider: Provider,
        headers: &[(String, String)],
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Notification, VerifyError> {
        let s = &self.inner.settings;
        let sandbox = &self.inner.sandbox;
        let unavailable = |e: anyhow::Error| {
            // Our own key store failed (disk): refuse so the provider retries.
            tracing::error!(error = ?e, provider = provider.as_str(), "payment sandbox keys unavailable");
            VerifyError::Malformed(format!("{provider} keys unavailable"))
        };
        match provider {
            Provider::Alipay => {
                let key = match &s.alipay.public_key {
                    Some(k) => k.clone(),
                    None => sandbox.alipay().await.map_err(unavailable)?.to_public_key(),
                };
                alipay::verify(&s.alipay, &key, body)
            }
            Provider::WechatPay => {
                let key = match &s.wechatpay.platform_public_key {
                    Some(k) => k.clone(),
                    None => sandbox
                        .wechatpay()
                        .await
                        .map_err(unavailable)?
                        .to_public_key(),
                };
                let apiv3 = match &s.wechatpay.apiv3_key {
                    Some(k) => *k.expose(),
                    None => sandbox.apiv3_key().await.map_err(unavailable)?,
                };
                wechatpay::verify(&s.wechatpay, &key, &apiv3, headers, body, now)
            }
            Provider::Card => {
                let secret = match &s.card.webhook_secret {
                    Some(k) => k.expose().clone(),
                    None => sandbox.card_secret().await.map_err(unavailable)?,
                };
                card::verify(&secret, headers, body, now)
            }
        }
    }

    /// What to answer the provider after we committed (or recognised a duplicate).
    pub fn success_reply(provider: Provider) -> Reply {
        match provider {
            Provider::Alipay => alipay::reply(true),
            Provider::WechatPay => Reply {
                status: 204,
                content_type: "text/plain; charset=utf-8",
                body: String::new(),
            },
            Provider::Card => Reply {
                status: 200,
                content_type: "application/json",
                body: r#"{"received":true}"#.to_string(),
            },
        }
    }

    /// What to answer when we refuse (bad signature, unknown order, wrong
    /// amount...); the provider retries later.
    pub fn failure_reply(provider: Provider, reason: &str) -> Reply {
        match provider {
            Provider::Alipay => alipay::reply(false),
            Provider::WechatPay => Reply {
                status: 400,
                content_type: "application/json",
                body: serde_json::json!({ "code": "FAIL", "message": reason }).to_string(),
            },
            Provider::Card => Reply {
                status: 400,
                content_type: "application/json",
                body: serde_json::json!({ "error": { "message": reason } }).to_string(),
            },
        }
    }

    /// The sandbox playing the provider: the HTTP request the provider would
    /// POST to our webhook for `notice`, signed with the sandbox provider key.
    /// Fails when the sandbox is off for `provider` (real keys or gateway
    /// configured) or the provider never announces `notice.event`.
    pub async fn sandbox_request(
        &self,
        provider: Provider,
        notice: &SandboxNotice,
        now: DateTime<Utc>,
    ) -> anyhow::Result<SignedRequest> {
        let s = &self.inner.settings;
        let sandbox = &self.inner.sandbox;
        if self.real_gateway(provider).is_some() {
            anyhow::bail!("the {provider} sandbox is off: a real gateway is configured");
        }
        match provider {
            Provider::Alipay => {
                if s.alipay.public_key.is_some() {
                    anyhow::bail!(
                        "the alipay sandbox is off: OMS_ALIPAY_PUBLIC_KEY is set, so only Alipay can sign"
                    );
                }
                let key = sandbox.alipay().await?;
                alipay::sandbox_request(&s.alipay, &key, notice, now)
            }
            Provider::WechatPay => {
                if s.wechatpay.platform_public_key.is_some() {
                    anyhow::bail!(
                        "the wechatpay sandbox is off: OMS_WECHATPAY_PLATFORM_PUBLIC_KEY is set, so only WeChat Pay can sign"
                    );
                }
                let key = sandbox.wechatpay().await?;
                let apiv3 = match &s.wechatpay.apiv3_key {
                    Some(k) => *k.expose(),
                    None => sandbox.apiv3_key().await?,
                };
                wechatpay::sandbox_request(&s.wechatpay, &key, &apiv3, notice, now)
            }
            Provider::Card => {
                let secret = match &s.card.webhook_secret {
                    Some(k) => k.expose().clone(),
                    None => sandbox.card_secret().await?,
                };
                card::sandbox_request(&secret, notice, now)
            }
        }
    }

    /// The real gateway client when `OMS_<PROVIDER>_GATEWAY_URL` is set;
    /// `None` means the built-in sandbox plays the provider.
    pub fn real_gateway(&self, provider: Provider) -> Option<Arc<dyn Gateway>> {
        self.inner.gateways[provider as usize].clone()
    }
}

/// Looks a header up by name, case-insensitively.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// A random alphanumeric string (nonces, ids).
fn random_alphanumeric(len: usize) -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
