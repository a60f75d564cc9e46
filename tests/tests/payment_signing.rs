//! The payment providers' side of the wire, written independently of the
//! backend (tests talk to the binary): build notifications signed exactly as
//! Alipay, WeChat Pay v3 and a Stripe-shaped card processor would, for
//! black-box webhook tests.
//!
//! Point the server at these keys with `OMS_ALIPAY_PUBLIC_KEY`,
//! `OMS_WECHATPAY_PLATFORM_PUBLIC_KEY` + `OMS_WECHATPAY_PLATFORM_SERIAL`,
//! `OMS_WECHATPAY_APIV3_KEY` and `OMS_CARD_WEBHOOK_SECRET`.
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac as _};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Sha256;

/// A 2048-bit key pair generated once per test run, and its public half as
/// an SPKI PEM (`BEGIN PUBLIC KEY`).
pub fn test_keypair() -> (RsaPrivateKey, String) {
    static PAIR: OnceLock<(RsaPrivateKey, String)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key generation");
        let pem = public_pem(&key);
        (key, pem)
    })
    .clone()
}

/// The SPKI PEM of `key`'s public half.
pub fn public_pem(key: &RsaPrivateKey) -> String {
    key.to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("public key PEM")
}

/// The PKCS#8 PEM of `key`.
pub fn private_pem(key: &RsaPrivateKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF)
        .expect("private key PEM")
        .to_string()
}

/// The bare base64 SPKI body, as Alipay's console shows a public key.
pub fn public_key_body(key: &RsaPrivateKey) -> String {
    public_pem(key)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

/// Base64 SHA256withRSA (PKCS#1 v1.5).
pub fn rsa_sha256_base64(key: &RsaPrivateKey, message: &[u8]) -> String {
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(message);
    B64.encode(signature.to_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

fn random_alphanumeric(len: usize) -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .chain(uuid::Uuid::new_v4().simple().to_string().chars())
        .take(len)
        .collect()
}

// ---- Alipay ----

/// Alipay's string to sign: every parameter but `sign`/`sign_type`, empty
/// values dropped, sorted by key, `k=v` joined by `&`, values not encoded.
pub fn alipay_string_to_sign(params: &[(&str, &str)]) -> String {
    let mut kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, v)| !v.is_empty() && *k != "sign" && *k != "sign_type")
        .collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    kept.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// An Alipay async notification body: `params` form-urlencoded with
/// `sign_type=RSA2` and `sign` appended.
pub fn alipay_form(private_key: &RsaPrivateKey, params: &[(&str, &str)]) -> String {
    let sign = rsa_sha256_base64(private_key, alipay_string_to_sign(params).as_bytes());
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        form.append_pair(k, v);
    }
    form.append_pair("sign_type", "RSA2");
    form.append_pair("sign", &sign);
    form.finish()
}

// ---- WeChat Pay v3 ----

/// The message WeChat Pay signs: `timestamp\nnonce\nbody\n`.
pub fn wechatpay_message(timestamp: i64, nonce: &str, body: &str) -> String {
    format!("{timestamp}\n{nonce}\n{body}\n")
}

/// AES-256-GCM as WeChat Pay encrypts a resource: base64(ciphertext || tag).
pub fn wechatpay_encrypt(
    apiv3_key: &[u8; 32],
    nonce: &str,
    associated_data: &str,
    plain: &[u8],
) -> String {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, apiv3_key).expect("32-byte key"));
    let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).expect("12-byte nonce");
    let mut data = plain.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut data)
        .expect("sealing");
    B64.encode(data)
}

/// The inverse of [`wechatpay_encrypt`].
pub fn wechatpay_decrypt(
    apiv3_key: &[u8; 32],
    nonce: &str,
    associated_data: &str,
    ciphertext: &str,
) -> Option<Vec<u8>> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, apiv3_key).ok()?);
    let nonce = Nonce::try_assume_unique_for_key(nonce.as_bytes()).ok()?;
    let mut data = B64.decode(ciphertext).ok()?;
    let plain = key
        .open_in_place(nonce, Aad::from(associated_data.as_bytes()), &mut data)
        .ok()?;
    Some(plain.to_vec())
}

/// Signed WeChat Pay headers for `body` (plus `Content-Type`).
pub fn wechatpay_headers(
    private_key: &RsaPrivateKey,
    serial: &str,
    timestamp: i64,
    body: &str,
) -> Vec<(String, String)> {
    let nonce = random_alphanumeric(32);
    let signature = rsa_sha256_base64(
        private_key,
        wechatpay_message(timestamp, &nonce, body).as_bytes(),
    );
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("Wechatpay-Timestamp".into(), timestamp.to_string()),
        ("Wechatpay-Nonce".into(), nonce),
        ("Wechatpay-Signature".into(), signature),
        ("Wechatpay-Serial".into(), serial.to_string()),
        (
            "Wechatpay-Signature-Type".into(),
            "WECHATPAY2-SHA256-RSA2048".into(),
        ),
    ]
}

/// A WeChat Pay notification: the envelope (fresh `id`) with `resource_json`
/// encrypted under `apiv3_key`, and its signed headers. `event_type`:
/// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`...
pub fn wechatpay_request(
    private_key: &RsaPrivateKey,
    serial: &str,
    apiv3_key: &[u8; 32],
    event_type: &str,
    resource_json: &serde_json::Value,
    timestamp: i64,
) -> (Vec<(String, String)>, String) {
    let original_type = if event_type.starts_with("REFUND.") {
        "refund"
    } else {
        "transaction"
    };
    let nonce = random_alphanumeric(12);
    let ciphertext = wechatpay_encrypt(
        apiv3_key,
        &nonce,
        original_type,
        resource_json.to_string().as_bytes(),
    );
    let body = serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "create_time": "2025-11-29T16:00:00+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": event_type,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": original_type,
            "nonce": nonce,
        },
    })
    .to_string();
    (
        wechatpay_headers(private_key, serial, timestamp, &body),
        body,
    )
}

// ---- Card (Stripe-shaped) ----

/// The `Stripe-Signature` value: `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
pub fn card_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let v1 = hmac_sha256_hex(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={v1}")
}

/// A card webhook: `event_json` as the body and its `Stripe-Signature`
/// (plus `Content-Type`).
pub fn card_request(
    secret: &str,
    event_json: &serde_json::Value,
    timestamp: i64,
) -> (Vec<(String, String)>, String) {
    let body = event_json.to_string();
    let headers = vec![
        (
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        ),
        (
            "Stripe-Signature".into(),
            card_signature(secret, timestamp, &body),
        ),
    ];
    (headers, body)
}

#[test]
fn alipay_string_to_sign_for_a_known_parameter_set() {
    let params = [
        ("trade_status", "TRADE_SUCCESS"),
        ("app_id", "2021000000000001"),
        ("sign_type", "RSA2"),
        ("sign", "ignored"),
        ("subject", "Tea & cups"),
        ("body", ""),
        ("total_amount", "1208.00"),
    ];
    assert_eq!(
        alipay_string_to_sign(&params),
        "app_id=2021000000000001&subject=Tea & cups&total_amount=1208.00&trade_status=TRADE_SUCCESS"
    );
}

#[test]
fn alipay_form_carries_a_verifiable_rsa2_signature() {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::signature::Verifier as _;

    let (key, pem) = test_keypair();
    let params = [
        ("notify_id", "n-1"),
        ("subject", "a+b=c&d"),
        ("total_amount", "1.00"),
    ];
    let form = alipay_form(&key, &params);
    let decoded: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(decoded[1], ("subject".to_string(), "a+b=c&d".to_string()));
    assert_eq!(decoded[3], ("sign_type".to_string(), "RSA2".to_string()));
    let sign = B64.decode(&decoded[4].1).unwrap();
    let public = rsa::RsaPublicKey::from_public_key_pem(&pem).unwrap();
    VerifyingKey::<Sha256>::new(public)
        .verify(
            alipay_string_to_sign(&params).as_bytes(),
            &Signature::try_from(sign.as_slice()).unwrap(),
        )
        .unwrap();
}

#[test]
fn wechatpay_resource_decrypts_with_the_apiv3_key() {
    let (key, _) = test_keypair();
    let apiv3 = *b"0123456789abcdef0123456789abcdef";
    let resource = serde_json::json!({"out_trade_no": "PAY-1", "trade_state": "SUCCESS"});
    let (headers, body) = wechatpay_request(
        &key,
        "SERIAL1",
        &apiv3,
        "TRANSACTION.SUCCESS",
        &resource,
        1_764_400_000,
    );
    let envelope: serde_json::Value = serde_json::from_str(&body).unwrap();
    let r = &envelope["resource"];
    let plain = wechatpay_decrypt(
        &apiv3,
        r["nonce"].as_str().unwrap(),
        r["associated_data"].as_str().unwrap(),
        r["ciphertext"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&plain).unwrap(),
        resource
    );
    assert!(
        wechatpay_decrypt(
            &apiv3,
            r["nonce"].as_str().unwrap(),
            "refund",
            r["ciphertext"].as_str().unwrap()
        )
        .is_none()
    );
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).unwrap().1.clone();
    assert_eq!(header("Wechatpay-Timestamp"), "1764400000");
    assert_eq!(header("Wechatpay-Nonce").len(), 32);
}

#[test]
fn card_signature_is_hex_hmac_sha256() {
    // RFC 4231 test case 2.
    assert_eq!(
        hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let (headers, body) = card_request(
        "whsec_x",
        &serde_json::json!({"id": "evt_1"}),
        1_700_000_000,
    );
    let expected = hmac_sha256_hex(b"whsec_x", format!("1700000000.{body}").as_bytes());
    assert_eq!(headers[1].1, format!("t=1700000000,v1={expected}"));
}
