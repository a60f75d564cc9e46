//! Texts of customer notifications: one exhaustive `match` per schema
//! enum (which email, where it is, which language), so a value added to
//! schema.graphql does not compile until it has a text.

use super::Key;
use crate::schema::{EmailLanguage, EmailTemplateName, NotificationStatus};

/// Text for which email a notification is.
pub fn email_template_key(template: Option<EmailTemplateName>) -> Key {
    use EmailTemplateName as T;
    match template {
        Some(T::OrderPlaced) => Key::NotifTplOrderPlaced,
        Some(T::PaymentReceived) => Key::NotifTplPaymentReceived,
        Some(T::ShipmentShipped) => Key::NotifTplShipmentShipped,
        Some(T::ShipmentOutForDelivery) => Key::NotifTplShipmentOutForDelivery,
        Some(T::ShipmentDelivered) => Key::NotifTplShipmentDelivered,
        Some(T::ReadyForPickup) => Key::NotifTplReadyForPickup,
        Some(T::OrderCancelled) => Key::NotifTplOrderCancelled,
        Some(T::RefundIssued) => Key::NotifTplRefundIssued,
        Some(T::ReturnApproved) => Key::NotifTplReturnApproved,
        Some(T::ReturnReceived) => Key::NotifTplReturnReceived,
        Some(T::TicketReplied) => Key::NotifTplTicketReplied,
        Some(T::WebhookDisabled) => Key::NotifTplWebhookDisabled,
        None => Key::NotifTplUnknown,
    }
}

/// Text for where a notification is.
pub fn notification_status_key(status: NotificationStatus) -> Key {
    match status {
        NotificationStatus::Pending => Key::NotifStatusPending,
        NotificationStatus::Sent => Key::NotifStatusSent,
        NotificationStatus::Failed => Key::NotifStatusFailed,
        NotificationStatus::Skipped => Key::NotifStatusSkipped,
    }
}

/// Text for an email language.
pub fn email_language_key(language: EmailLanguage) -> Key {
    match language {
        EmailLanguage::En => Key::EmailLangEn,
        EmailLanguage::Zh => Key::EmailLangZh,
    }
}
