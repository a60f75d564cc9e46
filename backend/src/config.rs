//! Configuration: environment variables over an optional TOML file
//! (`OMS_CONFIG`), validated once at start. A bad value is a [`ConfigError`]
//! naming the setting; `main` prints it on one line and exits with code 2.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the process runs; production turns off developer conveniences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Every setting the server reads, already validated.
#[derive(Clone, Debug)]
pub struct Config {
    pub env: Environment,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Longest wait for a database connection before a request fails with
    /// `UNAVAILABLE` (seconds, at least 1).
    pub db_timeout_secs: u64,
    /// `None`: generate one and keep it in the data dir (development only).
    pub jwt_secret: Option<String>,
    pub seed_demo: bool,
    /// With the demo data, also demo orders paid each way.
    pub seed_demo_orders: bool,
    pub site_root: PathBuf,
    pub log: String,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    pub max_body_bytes: usize,
    pub login_max_failures: u64,
    pub login_max_failures_per_ip: u64,
    pub graphql_introspection: bool,
    pub graphql_max_depth: usize,
    pub graphql_max_complexity: usize,
    pub graphql_max_aliases: usize,
    /// `smtp://host:port` or `smtps://…`; `None` writes mail to `data_dir/mail`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The merchant's time zone: times shown to people, day boundaries.
    pub time_zone: crate::domain::time::ShopZone,
    /// The shop's currency: demo prices and shipping fees are in it.
    pub currency: crate::domain::money::Currency,
    /// Payment providers' keys, secrets, gateways and sandbox chaos.
    pub payments: crate::services::payments::providers::ProviderSettings,
    /// How long an unpaid order waits (online methods / bank transfer).
    pub payment_expiry: crate::domain::payments::ExpiryPolicy,
    /// The built-in payment sandbox plays providers without a gateway.
    pub payment_sandbox: bool,
    /// How often unpaid orders are expired and open provider calls retried.
    pub payment_sweep_secs: u64,
    /// Our address as providers and browsers reach it (return and notify
    /// URLs); default `http://<bound address>`.
    pub public_url: Option<String>,
    /// How orders are routed to warehouses (`OMS_ROUTING_STRATEGY`:
    /// `fewest_shipments` or `nearest_region`).
    pub routing_rule: crate::domain::fulfillment::routing::Rule,
    /// The built-in sandbox carrier advances SANDBOX parcels (`OMS_CARRIER_SANDBOX`).
    pub carrier_sandbox: bool,
    /// Seconds between the sandbox carrier's steps (`OMS_CARRIER_SANDBOX_STEP_SECS`).
    pub carrier_sandbox_step_secs: i64,
    /// The salt carrier pushes are signed with (`OMS_CARRIER_CALLBACK_SALT`;
    /// generated into the data dir when empty).
    pub carrier_callback_salt: String,
    /// A delivered order completes after this many seconds without an open
    /// return (`OMS_RETURN_WINDOW_SECS`, default 14 days).
    pub return_window_secs: i64,
    /// How often fulfillment's sweep runs (`OMS_FULFILLMENT_SWEEP_SECS`).
    pub fulfillment_sweep_secs: u64,
    /// How often the outbox dispatcher looks for work nobody woke it for
    /// (`OMS_OUTBOX_POLL_MS`, default 500).
    pub outbox_poll_ms: u64,
    /// Webhook endpoints may be on loopback or private networks
    /// (`OMS_WEBHOOKS_ALLOW_PRIVATE=1`; for tests and closed networks).
    pub webhooks_allow_private: bool,
    /// Webhook retries, disabling and timeouts (`OMS_WEBHOOK_*`).
    pub webhooks: crate::services::webhooks::WebhookSettings,
    /// The mail worker's retries (`OMS_MAIL_RETRY_BASE_MS`, `OMS_MAIL_RETRY_MAX_MS`,
    /// `OMS_MAIL_MAX_ATTEMPTS`).
    pub mail: crate::services::notifications::email::MailSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{key}: {reason}")]
    Invalid { key: &'static str, reason: String },
    #[error("OMS_CONFIG: cannot read {path}: {reason}")]
    File { path: String, reason: String },
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

impl Config {
    /// Loads from the process environment (and `OMS_CONFIG` if set).
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_vars(&vars)
    }

    /// Loads from the given variables. Keys in the TOML file are the
    /// variable names without `OMS_`, lowercased (`bind`, `database_url`…).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut merged: HashMap<String, String> = HashMap::new();
        if let Some(path) = vars.get("OMS_CONFIG").filter(|p| !p.is_empty()) {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let table: toml::Table =
                text.parse()
                    .map_err(|e: toml::de::Error| ConfigError::File {
                        path: path.clone(),
                        reason: e.message().to_string(),
                    })?;
            for (k, v) in table {
                let value = match v {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => {
                        return Err(ConfigError::File {
                            path: path.clone(),
                            reason: format!("{k}: expected a string, number or boolean"),
                        });
                    }
                };
                let key = if k == "database_url" {
                    "DATABASE_URL".to_string()
                } else {
                    format!("OMS_{}", k.to_ascii_uppercase())
                };
                merged.insert(key, value);
            }
        }
        for (k, v) in vars {
            merged.insert(k.clone(), v.clone());
        }
        let get = |k: &str| {
            merged
                .get(k)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };

        let env = match get("OMS_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "OMS_ENV",
                    format!("expected development or production, got {other:?}"),
                ));
            }
        };
        let bind_text = get("OMS_BIND").unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            invalid(
                "OMS_BIND",
                format!("expected host:port such as 127.0.0.1:3000, got {bind_text:?}"),
            )
        })?;
        let data_dir = PathBuf::from(get("OMS_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    let scheme = url.split(':').next().unwrap_or_default();
                    return Err(invalid(
                        "DATABASE_URL",
                        format!("unsupported scheme {scheme:?}: use sqlite:// or postgres://"),
                    ));
                }
                url
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("oms.db").display()),
        };
        let db_timeout_secs = parse_num(&get("OMS_DB_TIMEOUT_SECS"), "OMS_DB_TIMEOUT_SECS", 3)?;
        if db_timeout_secs == 0 {
            return Err(invalid("OMS_DB_TIMEOUT_SECS", "must be at least 1"));
        }
        let jwt_secret = get("OMS_JWT_SECRET");
        match (&jwt_secret, env) {
            (Some(s), _) if s.len() < 32 => {
                return Err(invalid("OMS_JWT_SECRET", "must be at least 32 characters"));
            }
            (None, Environment::Production) => {
                return Err(invalid(
                    "OMS_JWT_SECRET",
                    "is required when OMS_ENV=production",
                ));
            }
            _ => {}
        }
        let smtp_url = get("OMS_SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(invalid(
                "OMS_SMTP_URL",
                "expected smtp://host:port or smtps://host:port",
            ));
        }
        let time_zone = match get("OMS_TIMEZONE") {
            None => crate::domain::time::ShopZone::default(),
            Some(name) => crate::domain::time::ShopZone::parse(&name).ok_or_else(|| {
                invalid(
                    "OMS_TIMEZONE",
                    format!("expected an IANA time zone such as Asia/Shanghai, got {name:?}"),
                )
            })?,
        };
        let currency = match get("OMS_CURRENCY") {
            None => crate::domain::money::Currency::default_shop(),
            Some(code) => crate::domain::money::Currency::parse(code.trim()).ok_or_else(|| {
                invalid(
                    "OMS_CURRENCY",
                    format!("expected an ISO 4217 code such as CNY, got {code:?}"),
                )
            })?,
        };
        let payments =
            crate::services::payments::providers::ProviderSettings::from_lookup(&|k: &str| get(k))?;
        let online_secs: i64 = parse_num(
            &get("OMS_PAYMENT_EXPIRY_SECS"),
            "OMS_PAYMENT_EXPIRY_SECS",
            30 * 60,
        )?;
        let bank_secs: i64 = parse_num(
            &get("OMS_BANK_TRANSFER_EXPIRY_SECS"),
            "OMS_BANK_TRANSFER_EXPIRY_SECS",
            7 * 24 * 3600,
        )?;
        if online_secs < 1 || bank_secs < 1 {
            return Err(invalid(
                "OMS_PAYMENT_EXPIRY_SECS",
                "expiry times must be at least 1 second",
            ));
        }
        let payment_sweep_secs: u64 =
            parse_num(&get("OMS_PAYMENT_SWEEP_SECS"), "OMS_PAYMENT_SWEEP_SECS", 30)?;
        if payment_sweep_secs == 0 {
            return Err(invalid("OMS_PAYMENT_SWEEP_SECS", "must be at least 1"));
        }
        let public_url = get("OMS_PUBLIC_URL");
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(invalid("OMS_PUBLIC_URL", "expected http://… or https://…"));
        }
        let routing_rule = match get("OMS_ROUTING_STRATEGY").as_deref() {
            None | Some("fewest_shipments") => {
                crate::domain::fulfillment::routing::Rule::FewestShipments
            }
            Some("nearest_region") => crate::domain::fulfillment::routing::Rule::NearestRegion,
            Some(other) => {
                return Err(invalid(
                    "OMS_ROUTING_STRATEGY",
                    format!("expected fewest_shipments or nearest_region, got {other:?}"),
                ));
            }
        };
        let carrier_sandbox_step_secs: i64 = parse_num(
            &get("OMS_CARRIER_SANDBOX_STEP_SECS"),
            "OMS_CARRIER_SANDBOX_STEP_SECS",
            30,
        )?;
        let return_window_secs: i64 = parse_num(
            &get("OMS_RETURN_WINDOW_SECS"),
            "OMS_RETURN_WINDOW_SECS",
            14 * 24 * 3600,
        )?;
        let fulfillment_sweep_secs: u64 = parse_num(
            &get("OMS_FULFILLMENT_SWEEP_SECS"),
            "OMS_FULFILLMENT_SWEEP_SECS",
            5,
        )?;
        if carrier_sandbox_step_secs < 1 || return_window_secs < 1 || fulfillment_sweep_secs < 1 {
            return Err(invalid(
                "OMS_CARRIER_SANDBOX_STEP_SECS",
                "fulfillment intervals must be at least 1 second",
            ));
        }
        let outbox_poll_ms: u64 = parse_num(&get("OMS_OUTBOX_POLL_MS"), "OMS_OUTBOX_POLL_MS", 500)?;
        if outbox_poll_ms < 10 {
            return Err(invalid("OMS_OUTBOX_POLL_MS", "must be at least 10"));
        }
        Ok(Config {
            outbox_poll_ms,
            webhooks: crate::services::webhooks::WebhookSettings::from_lookup(&|k: &str| get(k))?,
            mail: crate::services::notifications::email::MailSettings::from_lookup(&|k: &str| {
                get(k)
            })?,
            webhooks_allow_private: parse_bool(
                &get("OMS_WEBHOOKS_ALLOW_PRIVATE"),
                "OMS_WEBHOOKS_ALLOW_PRIVATE",
                false,
            )?,
            routing_rule,
            carrier_sandbox: parse_bool(&get("OMS_CARRIER_SANDBOX"), "OMS_CARRIER_SANDBOX", true)?,
            carrier_sandbox_step_secs,
            carrier_callback_salt: get("OMS_CARRIER_CALLBACK_SALT").unwrap_or_default(),
            return_window_secs,
            fulfillment_sweep_secs,
            payments,
            payment_expiry: crate::domain::payments::ExpiryPolicy {
                online: chrono::Duration::seconds(online_secs),
                bank_transfer: chrono::Duration::seconds(bank_secs),
            },
            payment_sweep_secs,
            payment_sandbox: parse_bool(
                &get("OMS_PAYMENT_SANDBOX"),
                "OMS_PAYMENT_SANDBOX",
                env == Environment::Development,
            )?,
            public_url,
            env,
            bind,
            data_dir,
            database_url,
            db_timeout_secs,
            jwt_secret,
            seed_demo: parse_bool(&get("OMS_SEED_DEMO"), "OMS_SEED_DEMO", true)?,
            seed_demo_orders: parse_bool(
                &get("OMS_SEED_DEMO_ORDERS"),
                "OMS_SEED_DEMO_ORDERS",
                true,
            )?,
            site_root: PathBuf::from(
                get("OMS_SITE_ROOT").unwrap_or_else(|| "./target/site".into()),
            ),
            log: get("OMS_LOG").unwrap_or_else(|| "info".into()),
            workers: parse_num(&get("OMS_WORKERS"), "OMS_WORKERS", 0)?,
            max_body_bytes: parse_num(&get("OMS_MAX_BODY_BYTES"), "OMS_MAX_BODY_BYTES", 65_536)?,
            login_max_failures: parse_num(
                &get("OMS_LOGIN_MAX_FAILURES"),
                "OMS_LOGIN_MAX_FAILURES",
                5,
            )?,
            login_max_failures_per_ip: parse_num(
                &get("OMS_LOGIN_MAX_FAILURES_PER_IP"),
                "OMS_LOGIN_MAX_FAILURES_PER_IP",
                20,
            )?,
            graphql_introspection: parse_bool(
                &get("OMS_GRAPHQL_INTROSPECTION"),
                "OMS_GRAPHQL_INTROSPECTION",
                env == Environment::Development,
            )?,
            graphql_max_depth: parse_num(
                &get("OMS_GRAPHQL_MAX_DEPTH"),
                "OMS_GRAPHQL_MAX_DEPTH",
                10,
            )?,
            graphql_max_complexity: parse_num(
                &get("OMS_GRAPHQL_MAX_COMPLEXITY"),
                "OMS_GRAPHQL_MAX_COMPLEXITY",
                1000,
            )?,
            graphql_max_aliases: parse_num(
                &get("OMS_GRAPHQL_MAX_ALIASES"),
                "OMS_GRAPHQL_MAX_ALIASES",
                20,
            )?,
            smtp_url,
            mail_from: get("OMS_MAIL_FROM").unwrap_or_else(|| "OMS <no-reply@localhost>".into()),
            time_zone,
            currency,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn parse_bool(v: &Option<String>, key: &'static str, default: bool) -> Result<bool, ConfigError> {
    match v.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(invalid(
            key,
            format!("expected true or false, got {other:?}"),
        )),
    }
}

pub(crate) fn parse_num<T: std::str::FromStr>(
    v: &Option<String>,
    key: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match v {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| invalid(key, format!("expected a positive number, got {s:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_configuration() {
        let c = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert!(c.is_sqlite());
        assert!(c.seed_demo);
        assert_eq!(c.time_zone.name(), "Asia/Shanghai");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let e = Config::from_vars(&vars(&[("OMS_BIND", "nonsense")])).unwrap_err();
        assert!(e.to_string().starts_with("OMS_BIND"));
        let e = Config::from_vars(&vars(&[("OMS_ENV", "production")])).unwrap_err();
        assert!(e.to_string().contains("OMS_JWT_SECRET"));
        let e = Config::from_vars(&vars(&[("DATABASE_URL", "mysql://x")])).unwrap_err();
        assert!(e.to_string().starts_with("DATABASE_URL"));
        let e = Config::from_vars(&vars(&[("OMS_DB_TIMEOUT_SECS", "0")])).unwrap_err();
        assert!(e.to_string().starts_with("OMS_DB_TIMEOUT_SECS"));
        let e = Config::from_vars(&vars(&[("OMS_TIMEZONE", "Mars/Olympus")])).unwrap_err();
        assert!(e.to_string().starts_with("OMS_TIMEZONE"));
        let c = Config::from_vars(&vars(&[("OMS_TIMEZONE", "Europe/Berlin")])).unwrap();
        assert_eq!(c.time_zone.name(), "Europe/Berlin");
    }
}
