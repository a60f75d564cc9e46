//! The built-in email texts, compiled in from
//! `backend/templates/email/<template>.<lang>.jinja`. Each file has three
//! sections, each starting with a marker line: `=== subject ===`,
//! `=== text ===` and `=== html ===` (the HTML body goes into a shared
//! layout). Staff can replace them per language (`email_templates`).

use super::render::Source;
use super::{Language, Template};

/// The raw file of a built-in template.
fn file(template: Template, language: Language) -> &'static str {
    use Language as L;
    use Template as T;
    match (template, language) {
        (T::OrderPlaced, L::En) => {
            include_str!("../../../../templates/email/order_placed.en.jinja")
        }
        (T::OrderPlaced, L::Zh) => {
            include_str!("../../../../templates/email/order_placed.zh.jinja")
        }
        (T::PaymentReceived, L::En) => {
            include_str!("../../../../templates/email/payment_received.en.jinja")
        }
        (T::PaymentReceived, L::Zh) => {
            include_str!("../../../../templates/email/payment_received.zh.jinja")
        }
        (T::ShipmentShipped, L::En) => {
            include_str!("../../../../templates/email/shipment_shipped.en.jinja")
        }
        (T::ShipmentShipped, L::Zh) => {
            include_str!("../../../../templates/email/shipment_shipped.zh.jinja")
        }
        (T::ShipmentOutForDelivery, L::En) => {
            include_str!("../../../../templates/email/shipment_out_for_delivery.en.jinja")
        }
        (T::ShipmentOutForDelivery, L::Zh) => {
            include_str!("../../../../templates/email/shipment_out_for_delivery.zh.jinja")
        }
        (T::ShipmentDelivered, L::En) => {
            include_str!("../../../../templates/email/shipment_delivered.en.jinja")
        }
        (T::ShipmentDelivered, L::Zh) => {
            include_str!("../../../../templates/email/shipment_delivered.zh.jinja")
        }
        (T::ReadyForPickup, L::En) => {
            include_str!("../../../../templates/email/ready_for_pickup.en.jinja")
        }
        (T::ReadyForPickup, L::Zh) => {
            include_str!("../../../../templates/email/ready_for_pickup.zh.jinja")
        }
        (T::OrderCancelled, L::En) => {
            include_str!("../../../../templates/email/order_cancelled.en.jinja")
        }
        (T::OrderCancelled, L::Zh) => {
            include_str!("../../../../templates/email/order_cancelled.zh.jinja")
        }
        (T::RefundIssued, L::En) => {
            include_str!("../../../../templates/email/refund_issued.en.jinja")
        }
        (T::RefundIssued, L::Zh) => {
            include_str!("../../../../templates/email/refund_issued.zh.jinja")
        }
        (T::ReturnApproved, L::En) => {
            include_str!("../../../../templates/email/return_approved.en.jinja")
        }
        (T::ReturnApproved, L::Zh) => {
            include_str!("../../../../templates/email/return_approved.zh.jinja")
        }
        (T::ReturnReceived, L::En) => {
            include_str!("../../../../templates/email/return_received.en.jinja")
        }
        (T::ReturnReceived, L::Zh) => {
            include_str!("../../../../templates/email/return_received.zh.jinja")
        }
        (T::TicketReplied, L::En) => {
            include_str!("../../../../templates/email/ticket_replied.en.jinja")
        }
        (T::TicketReplied, L::Zh) => {
            include_str!("../../../../templates/email/ticket_replied.zh.jinja")
        }
        (T::WebhookDisabled, L::En) => {
            include_str!("../../../../templates/email/webhook_disabled.en.jinja")
        }
        (T::WebhookDisabled, L::Zh) => {
            include_str!("../../../../templates/email/webhook_disabled.zh.jinja")
        }
    }
}

/// The built-in text of `template` in `language`.
pub fn source(template: Template, language: Language) -> Source {
    parse_sections(file(template, language))
}

/// Splits a template file into its sections; a missing section is empty
/// (and a subject that renders empty is refused by the renderer).
pub fn parse_sections(raw: &str) -> Source {
    let mut out = Source {
        subject: String::new(),
        text: String::new(),
        html: String::new(),
    };
    let mut current: Option<&mut String> = None;
    for line in raw.lines() {
        match line.trim() {
            "=== subject ===" => current = Some(&mut out.subject),
            "=== text ===" => current = Some(&mut out.text),
            "=== html ===" => current = Some(&mut out.html),
            _ => {
                if let Some(buf) = current.as_deref_mut() {
                    buf.push_str(line);
                    buf.push('\n');
                }
            }
        }
    }
    out.subject = out.subject.trim().to_string();
    out
}
