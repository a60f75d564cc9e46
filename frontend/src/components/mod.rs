//! Widgets shared by several pages.

pub mod access;
pub mod add_to_cart;
pub mod address_fields;
pub mod after_sales;
pub mod delivery;
pub mod form_error;
pub mod header;
pub mod notifications;
pub mod order;
pub mod orders_table;
pub mod payment;
pub mod payment_panel;
pub mod returns;
pub mod reviews;
pub mod service_desk;
pub mod shipment;
pub mod shipment_console;
pub mod tickets;

/// Percent-encodes `s` for use as one query-string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `next` target that stays on this site: a local absolute path, else `/`.
pub fn local_path(next: Option<String>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/".to_owned(),
    }
}

/// A fresh random key for a form that must not take effect twice
/// (checkout, order entry): 32 hex digits.
pub fn idempotency_key() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().simple().to_string()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if filled {
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        } else {
            // No Web Crypto: the form handler makes up a key for a blank one.
            String::new()
        }
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn idempotency_keys_are_fresh_and_long_enough() {
        let (a, b) = (idempotency_key(), idempotency_key());
        assert_ne!(a, b);
        assert!((8..=100).contains(&a.len()));
    }

    #[test]
    fn url_encode_escapes_query_separators() {
        assert_eq!(url_encode("/?q=tea & mug"), "/%3Fq%3Dtea%20%26%20mug");
        assert_eq!(url_encode("/products/AUD-001"), "/products/AUD-001");
        assert_eq!(url_encode("茶"), "%E8%8C%B6");
    }

    #[test]
    fn local_path_rejects_other_sites() {
        assert_eq!(local_path(Some("/console".into())), "/console");
        assert_eq!(local_path(Some("//evil.example".into())), "/");
        assert_eq!(local_path(Some("https://evil.example".into())), "/");
        assert_eq!(local_path(None), "/");
    }
}
