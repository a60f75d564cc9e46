use std::net::IpAddr;

use chrono::{Duration, TimeZone, Utc};

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("an address")
}

#[test]
fn private_loopback_link_local_and_reserved_addresses_are_forbidden() {
    for a in [
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.10",
        "198.51.100.1",
        "203.0.113.7",
        "198.18.0.1",
        "::",
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.1.2.3",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
    ] {
        assert!(is_forbidden(ip(a)), "{a} must be forbidden");
    }
}

#[test]
fn public_addresses_are_allowed() {
    for a in [
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "172.15.255.255",
        "100.128.0.1",
        "169.253.1.1",
        "192.169.0.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "2002:0808:0808::",
    ] {
        assert!(!is_forbidden(ip(a)), "{a} must be allowed");
    }
}

#[test]
fn urls_must_be_http_or_https_with_a_host_and_no_credentials() {
    assert!(WebhookUrl::parse("https://hooks.example.com/oms", false).is_ok());
    assert!(WebhookUrl::parse("http://hooks.example.com:8080/x?y=1", false).is_ok());
    assert_eq!(
        WebhookUrl::parse("ftp://example.com/x", false),
        Err(UrlProblem::UnsupportedScheme("ftp".into()))
    );
    assert_eq!(
        WebhookUrl::parse("not a url", false),
        Err(UrlProblem::Malformed)
    );
    assert_eq!(
        WebhookUrl::parse("https://", false),
        Err(UrlProblem::Malformed)
    );
    assert_eq!(
        WebhookUrl::parse("https://user:pw@example.com/", false),
        Err(UrlProblem::HasCredentials)
    );
    let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
    assert_eq!(WebhookUrl::parse(&long, false), Err(UrlProblem::TooLong));
    assert_eq!(
        WebhookUrl::parse("mailto:a@example.com", false),
        Err(UrlProblem::UnsupportedScheme("mailto".into()))
    );
}

#[test]
fn an_address_literal_is_checked_unless_private_networks_are_allowed() {
    assert_eq!(
        WebhookUrl::parse("http://127.0.0.1:9000/hook", false),
        Err(UrlProblem::Forbidden(ip("127.0.0.1")))
    );
    assert_eq!(
        WebhookUrl::parse("http://[::1]/hook", false),
        Err(UrlProblem::Forbidden(ip("::1")))
    );
    assert_eq!(
        WebhookUrl::parse("http://169.254.169.254/latest/meta-data", false),
        Err(UrlProblem::Forbidden(ip("169.254.169.254")))
    );
    let ok = WebhookUrl::parse("http://127.0.0.1:9000/hook", true).expect("allowed");
    assert_eq!(ok.host(), Some(Host::Ip(ip("127.0.0.1"))));
    assert_eq!(ok.port(), 9000);
    let v6 = WebhookUrl::parse("http://[::1]/hook", true).expect("allowed");
    assert_eq!(v6.host(), Some(Host::Ip(ip("::1"))));
    let named = WebhookUrl::parse("https://Hooks.Example.com/x", false).expect("named");
    assert_eq!(named.host(), Some(Host::Name("hooks.example.com".into())));
    assert_eq!(named.port(), 443);
}

#[test]
fn event_lists_are_wire_names_or_a_star() {
    let f =
        EventFilter::parse(&["shipment.shipped", "order.placed", "order.placed"]).expect("valid");
    assert_eq!(
        f,
        EventFilter::Only(vec![EventType::OrderPlaced, EventType::ShipmentShipped])
    );
    assert!(f.wants(EventType::OrderPlaced));
    assert!(!f.wants(EventType::OrderPaid));
    assert_eq!(EventFilter::from_json(&f.to_json()), f);
    assert_eq!(f.to_json(), r#"["order.placed","shipment.shipped"]"#);
    assert_eq!(EventFilter::parse(&["*"]), Ok(EventFilter::All));
    assert!(EventFilter::All.wants(EventType::TicketResolved));
    assert_eq!(
        EventFilter::parse(&["order.exploded"]),
        Err(EventListProblem::Unknown("order.exploded".into()))
    );
    assert_eq!(
        EventFilter::parse::<&str>(&[]),
        Err(EventListProblem::Empty)
    );
    assert_eq!(
        EventFilter::from_json("nonsense"),
        EventFilter::Only(vec![])
    );
}

#[test]
fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
    // Reference value computed independently:
    // python3 -c 'import hmac,hashlib;print(hmac.new(b"whsec_test",b"1700000000.{\"id\":1}",hashlib.sha256).hexdigest())'
    let hex = sign("whsec_test", 1_700_000_000, r#"{"id":1}"#);
    assert_eq!(
        hex,
        "2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8"
    );
    let header = signature_header("whsec_test", 1_700_000_000, r#"{"id":1}"#);
    assert_eq!(header, format!("t=1700000000,v1={hex}"));
    assert!(verify(
        "whsec_test",
        &header,
        r#"{"id":1}"#,
        1_700_000_100,
        300
    ));
    assert!(!verify(
        "whsec_test",
        &header,
        r#"{"id":2}"#,
        1_700_000_100,
        300
    ));
    assert!(!verify(
        "whsec_other",
        &header,
        r#"{"id":1}"#,
        1_700_000_100,
        300
    ));
    assert!(!verify(
        "whsec_test",
        &header,
        r#"{"id":1}"#,
        1_700_001_000,
        300
    ));
    assert!(!verify(
        "whsec_test",
        "v1=abc",
        r#"{"id":1}"#,
        1_700_000_000,
        300
    ));
}

#[test]
fn retries_back_off_exponentially_with_jitter_up_to_a_cap() {
    let p = RetryPolicy::default();
    let mid = 0.5; // no spread
    assert_eq!(p.delay(1, mid), Duration::seconds(10));
    assert_eq!(p.delay(2, mid), Duration::seconds(30));
    assert_eq!(p.delay(3, mid), Duration::seconds(90));
    assert_eq!(p.delay(4, mid), Duration::seconds(270));
    assert_eq!(p.delay(30, mid), Duration::hours(1));
    assert_eq!(p.delay(1, 0.0), Duration::seconds(8));
    assert_eq!(p.delay(1, 0.999_999), Duration::seconds(12));
}

#[test]
fn retries_stop_at_the_end_of_the_window() {
    let p = RetryPolicy::default();
    let first = Utc
        .with_ymd_and_hms(2026, 11, 30, 0, 0, 0)
        .single()
        .expect("t");
    let now = first + Duration::seconds(5);
    assert_eq!(
        p.next_attempt(first, now, 1, 0.5),
        Some(now + Duration::seconds(10))
    );
    let late = first + Duration::hours(24) - Duration::minutes(1);
    assert_eq!(
        p.next_attempt(first, late, 30, 0.5),
        Some(first + Duration::hours(24))
    );
    assert_eq!(
        p.next_attempt(first, first + Duration::hours(24), 31, 0.5),
        None
    );
}

#[test]
fn an_endpoint_failing_for_the_whole_window_is_disabled() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .single()
        .expect("t");
    let day = Duration::hours(24);
    assert!(!should_disable(None, now, day));
    assert!(!should_disable(Some(now - Duration::hours(23)), now, day));
    assert!(should_disable(Some(now - day), now, day));
}

#[test]
fn the_body_carries_id_type_time_object_and_order_sequence() {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 30, 1, 2, 3)
        .single()
        .expect("t");
    let body = delivery_body(
        42,
        EventType::OrderPlaced,
        at,
        &serde_json::json!({"number": "SO-1"}),
        Some("SO-1"),
        Some(1),
    );
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["id"], 42);
    assert_eq!(v["type"], "order.placed");
    assert_eq!(v["createdAt"], "2026-11-30T01:02:03.000Z");
    assert_eq!(v["data"]["object"]["number"], "SO-1");
    assert_eq!(v["orderNumber"], "SO-1");
    assert_eq!(v["sequence"], 1);
}

#[test]
fn delivery_statuses_read_back() {
    for s in [
        DeliveryStatus::Pending,
        DeliveryStatus::Succeeded,
        DeliveryStatus::Failed,
    ] {
        assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(DeliveryStatus::parse("LOST"), None);
}
