use std::time::Duration;

use super::render::{Source, render, sample_context, validate};
use super::*;

#[test]
fn every_template_name_round_trips() {
    for t in Template::ALL {
        assert_eq!(Template::parse(t.as_str()), Some(t));
    }
    assert_eq!(Template::parse("nope"), None);
}

#[test]
fn the_issue_s_events_send_their_templates_and_nothing_else_does() {
    let mapped: Vec<(EventType, Template)> = EventType::ALL
        .into_iter()
        .filter_map(|e| Template::for_event(e).map(|t| (e, t)))
        .collect();
    assert_eq!(
        mapped,
        vec![
            (EventType::OrderPlaced, Template::OrderPlaced),
            (EventType::OrderPaid, Template::PaymentReceived),
            (EventType::OrderCancelled, Template::OrderCancelled),
            (EventType::RefundSucceeded, Template::RefundIssued),
            (EventType::ShipmentShipped, Template::ShipmentShipped),
            (
                EventType::ShipmentOutForDelivery,
                Template::ShipmentOutForDelivery
            ),
            (EventType::ShipmentDelivered, Template::ShipmentDelivered),
            (EventType::ShipmentReadyForPickup, Template::ReadyForPickup),
            (EventType::ReturnApproved, Template::ReturnApproved),
            (EventType::ReturnReceived, Template::ReturnReceived),
            (EventType::TicketReplied, Template::TicketReplied),
        ]
    );
    // Every template is sent by some event, but the endpoint owner's
    // notice (the webhook sender sends it when it disables an endpoint).
    for t in Template::ALL
        .into_iter()
        .filter(|t| *t != Template::WebhookDisabled)
    {
        assert!(mapped.iter().any(|(_, m)| *m == t), "{t:?} is never sent");
    }
}

#[test]
fn receipts_cancellations_refunds_and_pickup_codes_are_always_sent() {
    let none = Preferences {
        language: Language::Zh,
        shipping_updates: false,
        service_updates: false,
    };
    for t in Template::ALL {
        let essential = t.category() == Category::Essential;
        assert_eq!(none.skip_reason(t).is_none(), essential, "{t:?}");
        assert_eq!(Preferences::default().skip_reason(t), None, "{t:?}");
    }
    assert_eq!(Template::ReadyForPickup.category(), Category::Essential);
    assert_eq!(Template::RefundIssued.category(), Category::Essential);
}

#[test]
fn each_switch_turns_off_only_its_own_mail() {
    let no_shipping = Preferences {
        shipping_updates: false,
        ..Preferences::default()
    };
    assert!(no_shipping.skip_reason(Template::ShipmentShipped).is_some());
    assert!(
        no_shipping
            .skip_reason(Template::ShipmentDelivered)
            .is_some()
    );
    assert!(no_shipping.skip_reason(Template::TicketReplied).is_none());
    let no_service = Preferences {
        service_updates: false,
        ..Preferences::default()
    };
    assert!(no_service.skip_reason(Template::ReturnApproved).is_some());
    assert!(no_service.skip_reason(Template::ShipmentShipped).is_none());
}

#[test]
fn languages_parse_common_spellings() {
    assert_eq!(Language::parse("zh-CN"), Some(Language::Zh));
    assert_eq!(Language::parse("EN_us"), Some(Language::En));
    assert_eq!(Language::parse("fr"), None);
}

const POLICY: RetryPolicy = RetryPolicy {
    base: Duration::from_secs(10),
    max_delay: Duration::from_secs(300),
    max_attempts: 6,
};

#[test]
fn retries_back_off_exponentially_up_to_the_cap() {
    let delays: Vec<Duration> = (1..6).filter_map(|a| POLICY.next_delay(a, 0.0)).collect();
    assert_eq!(
        delays,
        [10, 20, 40, 80, 160].map(Duration::from_secs).to_vec()
    );
    let capped = RetryPolicy {
        max_attempts: 100,
        ..POLICY
    };
    assert_eq!(capped.next_delay(40, 0.0), Some(Duration::from_secs(300)));
}

#[test]
fn jitter_takes_at_most_half_the_delay_off() {
    assert_eq!(
        POLICY.next_delay(2, 0.999_999).map(|d| d.as_secs()),
        Some(10)
    );
    let d = POLICY.next_delay(2, 0.5).unwrap_or_default();
    assert!(d > Duration::from_secs(10) && d < Duration::from_secs(20));
}

#[test]
fn the_last_attempt_gives_up() {
    assert_eq!(POLICY.next_delay(6, 0.0), None);
    assert_eq!(POLICY.next_delay(7, 0.0), None);
}

#[test]
fn smtp_failures_are_classified() {
    assert_eq!(classify(None, false), Failure::Transient);
    assert_eq!(classify(Some(421), false), Failure::Transient);
    assert_eq!(classify(Some(451), false), Failure::Transient);
    assert_eq!(classify(Some(550), false), Failure::Permanent);
    assert_eq!(classify(Some(554), false), Failure::Permanent);
    assert_eq!(classify(None, true), Failure::Permanent);
}

#[test]
fn every_built_in_template_renders_in_every_language() {
    for t in Template::ALL {
        for l in Language::ALL {
            let src = builtin::source(t, l);
            let out = render(&src, &sample_context(l.as_str()))
                .unwrap_or_else(|e| panic!("{t:?} {l:?}: {e:?}"));
            assert!(out.html.starts_with("<!DOCTYPE html>"), "{t:?} {l:?}");
            // The customer's emails, about an order.
            if !EventType::ALL
                .into_iter()
                .any(|e| Template::for_event(e) == Some(t))
            {
                continue;
            }
            assert!(out.subject.contains("SO-2026-000123") || out.subject.contains("RMA-"));
            assert!(out.text.contains("Li Lei"), "{t:?} {l:?}");
            assert!(out.html.starts_with("<!DOCTYPE html>"), "{t:?} {l:?}");
            assert!(out.html.contains("Li Lei"), "{t:?} {l:?}");
        }
    }
    let zh = render(
        &builtin::source(Template::OrderPlaced, Language::Zh),
        &sample_context("zh"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(zh.subject.contains("订单"));
    let pickup = render(
        &builtin::source(Template::ReadyForPickup, Language::En),
        &sample_context("en"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(pickup.text.contains("482913"));
}

#[test]
fn html_bodies_escape_what_they_insert() {
    let src = Source {
        subject: "Hi {{ customer_name }}".into(),
        text: "{{ customer_name }}".into(),
        html: "<p>{{ customer_name }}</p>".into(),
    };
    let out = render(&src, &serde_json::json!({"customer_name": "<b>x</b>"}))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(out.html.contains("<p>&lt;b&gt;x"), "{}", out.html);
    assert!(!out.html.contains("<b>x"));
    assert!(out.text.contains("<b>x</b>"));
}

#[test]
fn a_syntax_error_is_refused_naming_the_part() {
    let ok = builtin::source(Template::OrderPlaced, Language::En);
    let bad_html = Source {
        html: "<p>{% if x %}unclosed</p>".into(),
        ..ok.clone()
    };
    assert_eq!(validate(&bad_html).map_err(|e| e.field), Err("htmlBody"));
    let bad_subject = Source {
        subject: "{{ order_number ".into(),
        ..ok.clone()
    };
    assert_eq!(validate(&bad_subject).map_err(|e| e.field), Err("subject"));
    let unknown_filter = Source {
        text: "{{ total | nosuchfilter }}".into(),
        ..ok.clone()
    };
    assert_eq!(
        validate(&unknown_filter).map_err(|e| e.field),
        Err("textBody")
    );
    assert_eq!(validate(&ok), Ok(()));
}

#[test]
fn tracking_links_go_to_the_carrier_lookup_or_the_order_page() {
    assert_eq!(
        tracking_url("SF", "SF 123&x", "http://shop/orders/SO-1"),
        "https://www.kuaidi100.com/chaxun?com=shunfeng&nu=SF+123%26x"
    );
    assert_eq!(
        tracking_url("SANDBOX", "X1", "http://shop/orders/SO-1"),
        "http://shop/orders/SO-1"
    );
}
