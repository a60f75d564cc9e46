//! Widgets shared by several pages.

pub mod header;

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

#[cfg(test)]
mod tests {
    use super::*;

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
