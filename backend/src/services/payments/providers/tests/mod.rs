//! Each provider's sandbox output is accepted and parsed by `verify`, and
//! every kind of tampering is refused with the right error.
//!
//! Test code only (declared `#[cfg(test)]` in `providers/mod.rs`): the
//! shared key, settings and round-trip helpers here, one file per provider.
#![cfg(test)]

mod alipay_protocol;
mod card_protocol;
mod settings_and_keys;
mod wechatpay_protocol;

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
