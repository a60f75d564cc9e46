//! Customer email rules: which event sends which template, which mail a
//! customer may turn off, the languages we write in, how failed sends are
//! retried and which SMTP failures are worth retrying. Rendering (with
//! minijinja) is in [`render`]; the built-in texts in [`builtin`].

pub mod builtin;
pub mod render;

use std::time::Duration;

use super::EventType;

/// A kind of customer email. Its name (`order_placed`) is the template's
/// key in files, the `email_templates` table and the notification log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Template {
    OrderPlaced,
    PaymentReceived,
    ShipmentShipped,
    ShipmentOutForDelivery,
    ShipmentDelivered,
    ReadyForPickup,
    OrderCancelled,
    RefundIssued,
    ReturnApproved,
    ReturnReceived,
    TicketReplied,
    /// To a webhook endpoint's owner: it was disabled (not about an order).
    WebhookDisabled,
}

/// Whether a customer may turn a template off, and with which switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// Receipts, cancellations, refunds, pickup codes: always sent.
    Essential,
    /// Shipped, out for delivery, delivered (`shipping_updates`).
    ShippingUpdates,
    /// Return and ticket progress (`service_updates`).
    ServiceUpdates,
}

impl Template {
    pub const ALL: [Template; 12] = [
        Template::OrderPlaced,
        Template::PaymentReceived,
        Template::ShipmentShipped,
        Template::ShipmentOutForDelivery,
        Template::ShipmentDelivered,
        Template::ReadyForPickup,
        Template::OrderCancelled,
        Template::RefundIssued,
        Template::ReturnApproved,
        Template::ReturnReceived,
        Template::TicketReplied,
        Template::WebhookDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::OrderPlaced => "order_placed",
            Template::PaymentReceived => "payment_received",
            Template::ShipmentShipped => "shipment_shipped",
            Template::ShipmentOutForDelivery => "shipment_out_for_delivery",
            Template::ShipmentDelivered => "shipment_delivered",
            Template::ReadyForPickup => "ready_for_pickup",
            Template::OrderCancelled => "order_cancelled",
            Template::RefundIssued => "refund_issued",
            Template::ReturnApproved => "return_approved",
            Template::ReturnReceived => "return_received",
            Template::TicketReplied => "ticket_replied",
            Template::WebhookDisabled => "webhook_disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        let s = s.trim();
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The email an event sends, if any.
    pub fn for_event(kind: EventType) -> Option<Template> {
        use EventType as E;
        Some(match kind {
            E::OrderPlaced => Template::OrderPlaced,
            E::OrderPaid => Template::PaymentReceived,
            E::ShipmentShipped => Template::ShipmentShipped,
            E::ShipmentOutForDelivery => Template::ShipmentOutForDelivery,
            E::ShipmentDelivered => Template::ShipmentDelivered,
            E::ShipmentReadyForPickup => Template::ReadyForPickup,
            E::OrderCancelled => Template::OrderCancelled,
            E::RefundSucceeded => Template::RefundIssued,
            E::ReturnApproved => Template::ReturnApproved,
            E::ReturnReceived => Template::ReturnReceived,
            E::TicketReplied => Template::TicketReplied,
            E::OrderConfirmed
            | E::OrderProcessing
            | E::OrderPartiallyShipped
            | E::OrderShipped
            | E::OrderDelivered
            | E::OrderCompleted
            | E::PaymentAuthorized
            | E::PaymentCaptured
            | E::PaymentVoided
            | E::PaymentFailed
            | E::RefundFailed
            | E::ShipmentPicking
            | E::ShipmentPacked
            | E::ShipmentInTransit
            | E::ShipmentPickedUp
            | E::ShipmentException
            | E::ShipmentReturnedToSender
            | E::ShipmentCancelled
            | E::ReturnRequested
            | E::ReturnRefunded
            | E::ReturnRejected
            | E::TicketOpened
            | E::TicketResolved
            | E::OrderChanged
            | E::ChangeRequested => return None,
        })
    }

    pub fn category(self) -> Category {
        match self {
            Template::OrderPlaced
            | Template::PaymentReceived
            | Template::ReadyForPickup
            | Template::OrderCancelled
            | Template::RefundIssued
            | Template::WebhookDisabled => Category::Essential,
            Template::ShipmentShipped
            | Template::ShipmentOutForDelivery
            | Template::ShipmentDelivered => Category::ShippingUpdates,
            Template::ReturnApproved | Template::ReturnReceived | Template::TicketReplied => {
                Category::ServiceUpdates
            }
        }
    }
}

/// A language we write email in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    En,
    /// Simplified Chinese.
    Zh,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Zh];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    /// `en`, `zh`, and the usual spellings of them (`zh-CN`, `EN_us`).
    pub fn parse(s: &str) -> Option<Language> {
        let s = s.trim().to_ascii_lowercase();
        let base = s.split(['-', '_']).next().unwrap_or("");
        match base {
            "en" => Some(Language::En),
            "zh" => Some(Language::Zh),
            _ => None,
        }
    }
}

/// What a customer wants to hear about. No stored row: everything, in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preferences {
    pub language: Language,
    pub shipping_updates: bool,
    pub service_updates: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            language: Language::En,
            shipping_updates: true,
            service_updates: true,
        }
    }
}

impl Preferences {
    /// `None`: send it; `Some(reason)`: the customer turned it off.
    pub fn skip_reason(&self, template: Template) -> Option<&'static str> {
        match template.category() {
            Category::Essential => None,
            Category::ShippingUpdates if !self.shipping_updates => {
                Some("the customer turned off shipping updates")
            }
            Category::ServiceUpdates if !self.service_updates => {
                Some("the customer turned off service updates")
            }
            Category::ShippingUpdates | Category::ServiceUpdates => None,
        }
    }
}

/// How a failed send is retried: exponential backoff from `base`, capped
/// at `max_delay`, with jitter, at most `max_attempts` sends in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_delay: Duration,
    pub max_attempts: i32,
}

impl RetryPolicy {
    /// The wait before the next send after `attempts` failed sends, or
    /// `None` when that was the last one. `jitter` in `[0, 1)` takes up to
    /// half the delay off, so a crowd of retries spreads out.
    pub fn next_delay(&self, attempts: i32, jitter: f64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exp = attempts.saturating_sub(1).clamp(0, 30) as u32;
        let full = self
            .base
            .checked_mul(2u32.saturating_pow(exp))
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        Some(full.mul_f64(1.0 - jitter / 2.0))
    }
}

/// Whether a failed send is worth repeating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server was unreachable, or answered 4xx: try again later.
    Transient,
    /// 5xx, or an address that cannot be mailed: retrying cannot help.
    Permanent,
}

/// Classifies a failed send from the SMTP reply code (`None`: no reply,
/// e.g. connection refused or a TLS failure) and whether an address was
/// refused before sending.
pub fn classify(reply_code: Option<u16>, bad_address: bool) -> Failure {
    match reply_code {
        _ if bad_address => Failure::Permanent,
        Some(code) if (500..600).contains(&code) => Failure::Permanent,
        Some(_) | None => Failure::Transient,
    }
}

/// Where a customer follows a parcel: the carrier's page through
/// Kuaidi100's lookup (which knows the Chinese carriers by code), or the
/// order page for the built-in sandbox carrier.
pub fn tracking_url(carrier: &str, tracking_number: &str, order_url: &str) -> String {
    let code = match carrier.trim().to_ascii_uppercase().as_str() {
        "" | "SANDBOX" => return order_url.to_string(),
        "SF" => "shunfeng".to_string(),
        "YTO" => "yuantong".to_string(),
        "ZTO" => "zhongtong".to_string(),
        "STO" => "shentong".to_string(),
        "YUNDA" => "yunda".to_string(),
        "JD" => "jd".to_string(),
        "EMS" => "ems".to_string(),
        other => other.to_ascii_lowercase(),
    };
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "https://www.kuaidi100.com/chaxun?com={}&nu={}",
        enc(&code),
        enc(tracking_number.trim())
    )
}

#[cfg(test)]
mod tests;
