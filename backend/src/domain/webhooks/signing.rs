//! Delivery signatures: `X-OMS-Signature: t=<unix seconds>,v1=<hex>`, where
//! the hex is HMAC-SHA256, keyed with the endpoint's whole secret
//! (`whsec_…` as UTF-8 bytes), of `"<t>.<raw body>"`. The timestamp is
//! signed so a receiver can refuse old replays; every attempt (and every
//! redelivery) is signed afresh with its own `t`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-OMS-Signature";

/// Lower-case hex HMAC-SHA256 of `"{t}.{body}"` with `secret`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => return String::new(),
    };
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The header value: `t=<t>,v1=<hex>`.
pub fn signature_header(secret: &str, t: i64, body: &str) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

/// What a receiver does (the README's samples in Rust): the header is
/// well formed, one `v1` matches, and `t` is within `tolerance_secs` of `now`.
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else {
        return false;
    };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    let expected = sign(secret, t, body);
    candidates
        .iter()
        .any(|c| crate::crypto::constant_time_eq(c, &expected))
}
