//! Outbound webhooks, the pure rules: which URLs an endpoint may have
//! (http or https, a host, no credentials), which addresses deliveries may
//! never reach (loopback, private, link-local, cloud metadata…), which
//! events an endpoint asked for, how a delivery is signed, when a failed
//! delivery is tried again and when a failing endpoint is disabled.
//!
//! The address rule is checked twice by the service: when an endpoint is
//! registered and again at each delivery, against the addresses the host
//! resolves to then (a name may be re-pointed at a private address later:
//! DNS rebinding), and the connection is pinned to the address checked.

pub mod retry;
pub mod signing;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;

use crate::domain::notifications::EventType;

pub use retry::{DeliveryStatus, RetryPolicy, should_disable};
pub use signing::{SIGNATURE_HEADER, sign, signature_header, verify};

/// The longest URL an endpoint may have.
pub const MAX_URL_LEN: usize = 2048;

/// Why a URL cannot be an endpoint (the message is shown to the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    Malformed,
    TooLong,
    UnsupportedScheme(String),
    NoHost,
    HasCredentials,
    /// The host is, or resolves to, an address deliveries may not reach.
    Forbidden(IpAddr),
}

impl UrlProblem {
    pub fn message(&self) -> String {
        match self {
            UrlProblem::Malformed => "is not a valid URL (expected https://host/path)".into(),
            UrlProblem::TooLong => format!("is longer than {MAX_URL_LEN} characters"),
            UrlProblem::UnsupportedScheme(s) => {
                format!("must use http or https, not {s:?}")
            }
            UrlProblem::NoHost => "must name a host".into(),
            UrlProblem::HasCredentials => {
                "must not contain a user name or password (sign deliveries with the secret instead)"
                    .into()
            }
            UrlProblem::Forbidden(ip) => format!(
                "points to {ip}, a loopback, private, link-local or reserved address; \
                 webhooks go only to public addresses (OMS_WEBHOOKS_ALLOW_PRIVATE=1 allows them)"
            ),
        }
    }
}

/// An endpoint's URL: http(s), with a host and without credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(Url);

impl WebhookUrl {
    /// Checks the form of `raw` (not where its host resolves to; an IP
    /// literal is checked against [`is_forbidden`] unless `allow_private`).
    pub fn parse(raw: &str, allow_private: bool) -> Result<WebhookUrl, UrlProblem> {
        let raw = raw.trim();
        if raw.len() > MAX_URL_LEN {
            return Err(UrlProblem::TooLong);
        }
        let url = Url::parse(raw).map_err(|_| UrlProblem::Malformed)?;
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(UrlProblem::UnsupportedScheme(other.to_string())),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlProblem::HasCredentials);
        }
        let parsed = WebhookUrl(url);
        match parsed.host() {
            None => return Err(UrlProblem::NoHost),
            Some(Host::Ip(ip)) if !allow_private && is_forbidden(ip) => {
                return Err(UrlProblem::Forbidden(ip));
            }
            Some(_) => {}
        }
        Ok(parsed)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The host: an address, or a name to resolve.
    pub fn host(&self) -> Option<Host> {
        let h = self.0.host_str().filter(|h| !h.is_empty())?;
        let bare = h.trim_start_matches('[').trim_end_matches(']');
        Some(match bare.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(h.to_string()),
        })
    }

    /// The port, the scheme's default when none is written.
    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(80)
    }
}

/// Where a URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    /// A DNS name, resolved at registration and again at each delivery.
    Name(String),
}

/// Addresses a webhook may never reach (unless the operator allows private
/// networks): loopback, unspecified, private (10/8, 172.16/12,
/// 192.168/16), shared CGNAT (100.64/10), link-local (169.254/16, where
/// cloud metadata services live), multicast, broadcast and other reserved
/// or documentation ranges; for IPv6 also unique-local (fc00::/7),
/// link-local (fe80::/10), site-local, and IPv4 addresses embedded in IPv6
/// (mapped, compatible, NAT64, 6to4) judged as the IPv4 address they carry.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", incl. 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..=127).contains(&b)) // CGNAT
        || (a == 169 && b == 254) // link-local, cloud metadata
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 224 // multicast, reserved, broadcast
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = embedded_v4(ip) {
        return forbidden_v4(v4);
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0) // discard-only
}

/// The IPv4 address an IPv6 address carries: mapped (::ffff:a.b.c.d),
/// compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:AABB:CCDD::).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && !(s[6] == 0 && s[7] <= 1))) {
        return Some(tail());
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Why an event type list is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventListProblem {
    Empty,
    Unknown(String),
}

impl EventListProblem {
    pub fn message(&self) -> String {
        match self {
            EventListProblem::Empty => "name at least one event type".into(),
            EventListProblem::Unknown(t) => {
                format!("{t:?} is not an event type (see the EventType enum, e.g. order.placed)")
            }
        }
    }
}

/// The events an endpoint asked for: listed types, or `*` for every type
/// (including types added later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventFilter {
    All,
    Only(Vec<EventType>),
}

impl EventFilter {
    /// Reads wire names (`order.placed`) or `*`; sorted, without repeats.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<EventFilter, EventListProblem> {
        let mut types = Vec::new();
        for n in names {
            let n = n.as_ref().trim();
            if n == "*" {
                return Ok(EventFilter::All);
            }
            types.push(EventType::parse(n).ok_or_else(|| EventListProblem::Unknown(n.into()))?);
        }
        if types.is_empty() {
            return Err(EventListProblem::Empty);
        }
        types.sort();
        types.dedup();
        Ok(EventFilter::Only(types))
    }

    /// Reads the stored JSON array; an unreadable one wants nothing.
    pub fn from_json(stored: &str) -> EventFilter {
        serde_json::from_str::<Vec<String>>(stored)
            .ok()
            .and_then(|names| EventFilter::parse(&names).ok())
            .unwrap_or(EventFilter::Only(Vec::new()))
    }

    /// The JSON array stored with the endpoint.
    pub fn to_json(&self) -> String {
        serde_json::Value::from(self.names()).to_string()
    }

    /// The wire names (`["*"]` for all).
    pub fn names(&self) -> Vec<String> {
        match self {
            EventFilter::All => vec!["*".into()],
            EventFilter::Only(t) => t.iter().map(|t| t.as_str().to_string()).collect(),
        }
    }

    pub fn wants(&self, t: EventType) -> bool {
        match self {
            EventFilter::All => true,
            EventFilter::Only(types) => types.contains(&t),
        }
    }
}

/// The JSON body of a delivery: the event id (its outbox position), type,
/// time, the object it is about, and for order events the order's number
/// and its per-order sequence (1, 2, 3… without gaps, to order and dedupe).
pub fn delivery_body(
    id: i64,
    kind: EventType,
    at: chrono::DateTime<chrono::Utc>,
    object: &serde_json::Value,
    order_number: Option<&str>,
    sequence: Option<i64>,
) -> String {
    serde_json::json!({
        "id": id,
        "type": kind.as_str(),
        "createdAt": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": { "object": object },
        "orderNumber": order_number,
        "sequence": sequence,
    })
    .to_string()
}

#[cfg(test)]
mod tests;
