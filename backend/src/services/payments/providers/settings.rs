//! Provider settings from the environment, validated once at start.

use rsa::{RsaPrivateKey, RsaPublicKey};

use super::keys;
use crate::config::ConfigError;

/// The sandbox WeChat Pay platform certificate serial, used when
/// `OMS_WECHATPAY_PLATFORM_SERIAL` is unset.
pub const SANDBOX_WECHATPAY_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";

/// A secret value whose `Debug` output is redacted.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret itself.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Alipay settings (`OMS_ALIPAY_*`).
#[derive(Clone, Debug)]
pub struct AlipaySettings {
    /// `OMS_ALIPAY_APP_ID`: our application; notifications must name it.
    pub app_id: String,
    /// `OMS_ALIPAY_SELLER_ID`: our merchant (PID); notifications must name it.
    pub seller_id: String,
    /// `OMS_ALIPAY_PUBLIC_KEY`: Alipay's public key; `None` = sandbox key.
    pub public_key: Option<RsaPublicKey>,
    /// `OMS_ALIPAY_PRIVATE_KEY`: our key for signing outgoing requests.
    pub private_key: Option<Secret<RsaPrivateKey>>,
    /// `OMS_ALIPAY_GATEWAY_URL`: the open API gateway (`…/gateway.do`).
    pub gateway_url: Option<String>,
}

/// WeChat Pay settings (`OMS_WECHATPAY_*`).
#[derive(Clone, Debug)]
pub struct WechatPaySettings {
    /// `OMS_WECHATPAY_APP_ID`: notifications must name it.
    pub app_id: String,
    /// `OMS_WECHATPAY_MCH_ID`: our merchant id; notifications must name it.
    pub mch_id: String,
    /// `OMS_WECHATPAY_APIV3_KEY`: 32 bytes; `None` = sandbox key.
    pub apiv3_key: Option<Secret<[u8; 32]>>,
    /// `OMS_WECHATPAY_PLATFORM_PUBLIC_KEY`: the platform key; `None` = sandbox key.
    pub platform_public_key: Option<RsaPublicKey>,
    /// `OMS_WECHATPAY_PLATFORM_SERIAL`: the serial notifications must carry.
    pub platform_serial: String,
    /// `OMS_WECHATPAY_MCH_PRIVATE_KEY`: our key for signing outgoing calls.
    pub mch_private_key: Option<Secret<RsaPrivateKey>>,
    /// `OMS_WECHATPAY_MCH_SERIAL`: the serial of our merchant certificate.
    pub mch_serial: Option<String>,
    /// `OMS_WECHATPAY_GATEWAY_URL`: e.g. `https://api.mch.weixin.qq.com`.
    pub gateway_url: Option<String>,
}

/// Card processor settings (`OMS_CARD_*`).
#[derive(Clone, Debug)]
pub struct CardSettings {
    /// `OMS_CARD_WEBHOOK_SECRET` (`whsec_…`); `None` = sandbox secret.
    pub webhook_secret: Option<Secret<String>>,
    /// `OMS_CARD_API_KEY`: the secret API key for outgoing calls.
    pub api_key: Option<Secret<String>>,
    /// `OMS_CARD_GATEWAY_URL`: e.g. `https://api.stripe.com`.
    pub gateway_url: Option<String>,
}

/// Settings read from the environment (validated at start).
#[derive(Clone, Debug)]
pub struct ProviderSettings {
    /// Alipay.
    pub alipay: AlipaySettings,
    /// WeChat Pay.
    pub wechatpay: WechatPaySettings,
    /// Card processor.
    pub card: CardSettings,
    /// `OMS_PAYMENT_SANDBOX_CHAOS`: the sandbox duplicates, delays and
    /// reorders notifications.
    pub chaos: bool,
}

/// Whether this build's HTTP client speaks TLS: the backend builds reqwest
/// with `rustls-tls` (rustls and ring are in the tree already; it adds
/// hyper-rustls and tokio-rustls), so real gateways are reached over https.
const GATEWAY_TLS: bool = true;

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

impl ProviderSettings {
    /// Reads and validates every `OMS_ALIPAY_*`, `OMS_WECHATPAY_*`,
    /// `OMS_CARD_*` and `OMS_PAYMENT_SANDBOX_CHAOS` variable. `get` returns
    /// the trimmed non-empty value of a variable.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let public_key = |key: &'static str| {
            get(key)
                .map(|v| keys::parse_public_key(&v).map_err(|e| invalid(key, e)))
                .transpose()
        };
        let private_key = |key: &'static str| {
            get(key)
                .map(|v| {
                    keys::parse_private_key(&v)
                        .map(Secret::new)
                        .map_err(|e| invalid(key, e))
                })
                .transpose()
        };
        let url = |key: &'static str| get(key).map(|v| gateway_url(key, &v)).transpose();
        let require = |key: &'static str, present: bool, because: &'static str| {
            if present {
                Ok(())
            } else {
                Err(invalid(key, format!("required when {because} is set")))
            }
        };

        let alipay = AlipaySettings {
            app_id: get("OMS_ALIPAY_APP_ID").unwrap_or_else(|| "2021000000000001".into()),
            seller_id: get("OMS_ALIPAY_SELLER_ID").unwrap_or_else(|| "2088000000000001".into()),
            public_key: public_key("OMS_ALIPAY_PUBLIC_KEY")?,
            private_key: private_key("OMS_ALIPAY_PRIVATE_KEY")?,
            gateway_url: url("OMS_ALIPAY_GATEWAY_URL")?,
        };
        if alipay.gateway_url.is_some() {
            let why = "OMS_ALIPAY_GATEWAY_URL";
            require("OMS_ALIPAY_PRIVATE_KEY", alipay.private_key.is_some(), why)?;
            require("OMS_ALIPAY_PUBLIC_KEY", alipay.public_key.is_some(), why)?;
        }

        let apiv3_key = get("OMS_WECHATPAY_APIV3_KEY")
            .map(|v| {
                <[u8; 32]>::try_from(v.as_bytes())
                    .map(Secret::new)
                    .map_err(|_| {
                        invalid(
                            "OMS_WECHATPAY_APIV3_KEY",
                            format!("must be exactly 32 bytes, got {}", v.len()),
                        )
                    })
            })
            .transpose()?;
        let platform_public_key = public_key("OMS_WECHATPAY_PLATFORM_PUBLIC_KEY")?;
        let platform_serial = match get("OMS_WECHATPAY_PLATFORM_SERIAL") {
            Some(s) => s,
            None if platform_public_key.is_some() => {
                return Err(invalid(
                    "OMS_WECHATPAY_PLATFORM_SERIAL",
                    "required when OMS_WECHATPAY_PLATFORM_PUBLIC_KEY is set",
                ));
            }
            None => SANDBOX_WECHATPAY_SERIAL.to_string(),
        };
        let wechatpay = WechatPaySettings {
            app_id: get("OMS_WECHATPAY_APP_ID").unwrap_or_else(|| "wx0000000000000001".into()),
            mch_id: get("OMS_WECHATPAY_MCH_ID").unwrap_or_else(|| "1900000001".into()),
            apiv3_key,
            platform_public_key,
            platform_serial,
            mch_private_key: private_key("OMS_WECHATPAY_MCH_PRIVATE_KEY")?,
            mch_serial: get("OMS_WECHATPAY_MCH_SERIAL"),
            gateway_url: url("OMS_WECHATPAY_GATEWAY_URL")?,
        };
        if wechatpay.gateway_url.is_some() {
            let why = "OMS_WECHATPAY_GATEWAY_URL";
            let w = &wechatpay;
            require(
                "OMS_WECHATPAY_MCH_PRIVATE_KEY",
                w.mch_private_key.is_some(),
                why,
            )?;
            require("OMS_WECHATPAY_MCH_SERIAL", w.mch_serial.is_some(), why)?;
            require("OMS_WECHATPAY_APIV3_KEY", w.apiv3_key.is_some(), why)?;
            let has_platform = w.platform_public_key.is_some();
            require("OMS_WECHATPAY_PLATFORM_PUBLIC_KEY", has_platform, why)?;
        }

        let card = CardSettings {
            webhook_secret: get("OMS_CARD_WEBHOOK_SECRET").map(Secret::new),
            api_key: get("OMS_CARD_API_KEY").map(Secret::new),
            gateway_url: url("OMS_CARD_GATEWAY_URL")?,
        };
        if card.gateway_url.is_some() {
            let why = "OMS_CARD_GATEWAY_URL";
            require("OMS_CARD_API_KEY", card.api_key.is_some(), why)?;
            require(
                "OMS_CARD_WEBHOOK_SECRET",
                card.webhook_secret.is_some(),
                why,
            )?;
        }

        let chaos = match get("OMS_PAYMENT_SANDBOX_CHAOS") {
            None => false,
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => {
                    return Err(invalid(
                        "OMS_PAYMENT_SANDBOX_CHAOS",
                        format!("expected 1, true, 0 or false, got {v:?}"),
                    ));
                }
            },
        };

        Ok(ProviderSettings {
            alipay,
            wechatpay,
            card,
            chaos,
        })
    }
}

/// Validates a gateway base URL and returns it without a trailing slash.
fn gateway_url(key: &'static str, value: &str) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(value).map_err(|e| invalid(key, format!("not a URL: {e}")))?;
    match url.scheme() {
        "http" => {}
        "https" if GATEWAY_TLS => {}
        "https" => {
            return Err(invalid(
                key,
                "https is not supported by this build (no TLS in the HTTP client); \
                 use an http:// TLS egress proxy",
            ));
        }
        other => return Err(invalid(key, format!("unsupported scheme {other:?}"))),
    }
    if url.host_str().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(key, "expected a base URL with a host and no query"));
    }
    Ok(value.trim_end_matches('/').to_string())
}
