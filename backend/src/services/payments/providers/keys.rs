//! Key parsing, RSA signing helpers, and the sandbox key store.
//!
//! Sandbox keys are generated lazily on first use, once per process
//! (`OnceCell`), written to `data_dir/payment-sandbox/` and reused after a
//! restart. A file is published by hard-linking a complete temporary file, so
//! a reader never sees half a key and two processes agree on one key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use tokio::sync::OnceCell;

/// Parses an RSA public key: SPKI PEM (`BEGIN PUBLIC KEY`), PKCS#1 PEM, or
/// the bare base64 SPKI body Alipay's console shows.
pub(super) fn parse_public_key(text: &str) -> Result<RsaPublicKey, String> {
    let text = text.trim();
    if text.contains("-----BEGIN PUBLIC KEY-----") {
        RsaPublicKey::from_public_key_pem(text).map_err(|e| format!("invalid public key PEM: {e}"))
    } else if text.contains("-----BEGIN RSA PUBLIC KEY-----") {
        RsaPublicKey::from_pkcs1_pem(text).map_err(|e| format!("invalid RSA public key PEM: {e}"))
    } else if text.contains("-----BEGIN") {
        Err("expected a PUBLIC KEY PEM (not a certificate or private key)".into())
    } else {
        let der = bare_base64(text)?;
        RsaPublicKey::from_public_key_der(&der)
            .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
            .map_err(|e| format!("invalid public key: {e}"))
    }
}

/// Parses an RSA private key: PKCS#8 PEM, PKCS#1 PEM, or a bare base64 body.
pub(super) fn parse_private_key(text: &str) -> Result<RsaPrivateKey, String> {
    let text = text.trim();
    if text.contains("-----BEGIN PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| format!("invalid private key PEM: {e}"))
    } else if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        RsaPrivateKey::from_pkcs1_pem(text).map_err(|e| format!("invalid RSA private key PEM: {e}"))
    } else if text.contains("-----BEGIN") {
        Err("expected an unencrypted PRIVATE KEY PEM".into())
    } else {
        let der = bare_base64(text)?;
        RsaPrivateKey::from_pkcs8_der(&der)
            .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
            .map_err(|e| format!("invalid private key: {e}"))
    }
}

fn bare_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    B64.decode(compact)
        .map_err(|_| "expected a PEM or a base64 key body".to_string())
}

/// SHA256withRSA (PKCS#1 v1.5) signature, base64.
pub(super) fn sign_sha256_rsa(key: &RsaPrivateKey, message: &[u8]) -> anyhow::Result<String> {
    let signature = SigningKey::<Sha256>::new(key.clone())
        .try_sign(message)
        .context("RSA signing failed")?;
    Ok(B64.encode(signature.to_bytes()))
}

/// Checks a base64 SHA256withRSA (PKCS#1 v1.5) signature.
pub(super) fn verify_sha256_rsa(key: &RsaPublicKey, message: &[u8], signature_b64: &str) -> bool {
    let Ok(bytes) = B64.decode(signature_b64.trim()) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(message, &signature)
        .is_ok()
}

/// File names under `payment-sandbox/`.
pub(super) const ALIPAY_FILE: &str = "alipay-provider.pem";
pub(super) const WECHATPAY_FILE: &str = "wechatpay-platform.pem";
pub(super) const APIV3_FILE: &str = "wechatpay-apiv3.key";
pub(super) const CARD_FILE: &str = "card-webhook-secret";

/// The sandbox's provider-side keys, generated on first use.
pub(super) struct SandboxKeys {
    dir: PathBuf,
    alipay: OnceCell<Arc<RsaPrivateKey>>,
    wechatpay: OnceCell<Arc<RsaPrivateKey>>,
    apiv3: OnceCell<[u8; 32]>,
    card: OnceCell<String>,
}

impl SandboxKeys {
    pub(super) fn new(dir: PathBuf) -> Self {
        SandboxKeys {
            dir,
            alipay: OnceCell::new(),
            wechatpay: OnceCell::new(),
            apiv3: OnceCell::new(),
            card: OnceCell::new(),
        }
    }

    /// The sandbox Alipay key pair (Alipay's side).
    pub(super) async fn alipay(&self) -> anyhow::Result<Arc<RsaPrivateKey>> {
        self.rsa(&self.alipay, ALIPAY_FILE).await
    }

    /// The sandbox WeChat Pay platform key pair.
    pub(super) async fn wechatpay(&self) -> anyhow::Result<Arc<RsaPrivateKey>> {
        self.rsa(&self.wechatpay, WECHATPAY_FILE).await
    }

    /// The sandbox WeChat Pay APIv3 key: 32 ASCII characters.
    pub(super) async fn apiv3_key(&self) -> anyhow::Result<[u8; 32]> {
        let dir = self.dir.clone();
        let key = self
            .apiv3
            .get_or_try_init(|| async move {
                let text =
                    load_or_create(&dir, APIV3_FILE, || Ok(super::random_alphanumeric(32))).await?;
                <[u8; 32]>::try_from(text.trim().as_bytes())
                    .map_err(|_| anyhow::anyhow!("{APIV3_FILE}: expected 32 bytes"))
            })
            .await?;
        Ok(*key)
    }

    /// The sandbox card webhook secret (`whsec_…`).
    pub(super) async fn card_secret(&self) -> anyhow::Result<String> {
        let dir = self.dir.clone();
        let secret = self
            .card
            .get_or_try_init(|| async move {
                let text = load_or_create(&dir, CARD_FILE, || {
                    Ok(format!("whsec_{}", super::random_alphanumeric(32)))
                })
                .await?;
                Ok::<_, anyhow::Error>(text.trim().to_string())
            })
            .await?;
        Ok(secret.clone())
    }

    async fn rsa(
        &self,
        cell: &OnceCell<Arc<RsaPrivateKey>>,
        file: &'static str,
    ) -> anyhow::Result<Arc<RsaPrivateKey>> {
        let dir = self.dir.clone();
        let key = cell
            .get_or_try_init(|| async move {
                let pem = load_or_create(&dir, file, || {
                    let mut rng = rsa::rand_core::OsRng;
                    let key = RsaPrivateKey::new(&mut rng, 2048).context("RSA key generation")?;
                    let pem = key
                        .to_pkcs8_pem(LineEnding::LF)
                        .context("PKCS#8 encoding")?;
                    Ok(pem.to_string())
                })
                .await?;
                let key = RsaPrivateKey::from_pkcs8_pem(&pem).with_context(|| {
                    format!("{}: not a PKCS#8 private key", dir.join(file).display())
                })?;
                Ok::<_, anyhow::Error>(Arc::new(key))
            })
            .await?;
        Ok(key.clone())
    }
}

/// Reads `dir/file`, or creates it with `make()` (on a blocking thread: RSA
/// key generation takes a while) and publishes it atomically.
async fn load_or_create(
    dir: &Path,
    file: &'static str,
    make: impl FnOnce() -> anyhow::Result<String> + Send + 'static,
) -> anyhow::Result<String> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let path = dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let text = make()?;
        let tmp = dir.join(format!(".{file}.{}.tmp", uuid::Uuid::new_v4()));
        write_private(&tmp, &text).with_context(|| format!("writing {}", tmp.display()))?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(text),
            // Another process published first: use its key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))
            }
            Err(e) => Err(e).with_context(|| format!("publishing {}", path.display())),
        }
    })
    .await
    .context("sandbox key task failed")?
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}
