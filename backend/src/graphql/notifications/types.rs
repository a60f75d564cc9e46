//! Notification output and input types, and their enums, each mapped
//! one-to-one onto the domain's.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::super::context::state;
use crate::domain::notifications::email::{Language, Preferences, Template};
use crate::services::notifications::email::log::NotificationEntry;
use crate::services::notifications::email::templates::TemplateInfo;

/// A kind of customer email.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EmailTemplateName {
    /// The order was placed (receipt; always sent).
    OrderPlaced,
    /// The order was paid (always sent).
    PaymentReceived,
    /// A parcel left with the carrier, with its tracking link (shipping update).
    ShipmentShipped,
    /// A parcel is out for delivery (shipping update).
    ShipmentOutForDelivery,
    /// A parcel was delivered (shipping update).
    ShipmentDelivered,
    /// A parcel waits at the pickup point, with the pickup code (always sent).
    ReadyForPickup,
    /// The order was cancelled (always sent).
    OrderCancelled,
    /// Money was refunded (always sent).
    RefundIssued,
    /// A return was approved (service update).
    ReturnApproved,
    /// A return's items arrived (service update).
    ReturnReceived,
    /// Staff replied to a ticket (service update).
    TicketReplied,
    /// To a webhook endpoint's owner: the endpoint was disabled after failing
    /// for the retry window.
    WebhookDisabled,
}

impl From<EmailTemplateName> for Template {
    fn from(t: EmailTemplateName) -> Self {
        use EmailTemplateName as G;
        match t {
            G::OrderPlaced => Template::OrderPlaced,
            G::PaymentReceived => Template::PaymentReceived,
            G::ShipmentShipped => Template::ShipmentShipped,
            G::ShipmentOutForDelivery => Template::ShipmentOutForDelivery,
            G::ShipmentDelivered => Template::ShipmentDelivered,
            G::ReadyForPickup => Template::ReadyForPickup,
            G::OrderCancelled => Template::OrderCancelled,
            G::RefundIssued => Template::RefundIssued,
            G::ReturnApproved => Template::ReturnApproved,
            G::ReturnReceived => Template::ReturnReceived,
            G::TicketReplied => Template::TicketReplied,
            G::WebhookDisabled => Template::WebhookDisabled,
        }
    }
}

impl From<Template> for EmailTemplateName {
    fn from(t: Template) -> Self {
        use EmailTemplateName as G;
        match t {
            Template::OrderPlaced => G::OrderPlaced,
            Template::PaymentReceived => G::PaymentReceived,
            Template::ShipmentShipped => G::ShipmentShipped,
            Template::ShipmentOutForDelivery => G::ShipmentOutForDelivery,
            Template::ShipmentDelivered => G::ShipmentDelivered,
            Template::ReadyForPickup => G::ReadyForPickup,
            Template::OrderCancelled => G::OrderCancelled,
            Template::RefundIssued => G::RefundIssued,
            Template::ReturnApproved => G::ReturnApproved,
            Template::ReturnReceived => G::ReturnReceived,
            Template::TicketReplied => G::TicketReplied,
            Template::WebhookDisabled => G::WebhookDisabled,
        }
    }
}

/// A language customer email is written in.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EmailLanguage {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl From<EmailLanguage> for Language {
    fn from(l: EmailLanguage) -> Self {
        match l {
            EmailLanguage::En => Language::En,
            EmailLanguage::Zh => Language::Zh,
        }
    }
}

impl From<Language> for EmailLanguage {
    fn from(l: Language) -> Self {
        match l {
            Language::En => EmailLanguage::En,
            Language::Zh => EmailLanguage::Zh,
        }
    }
}

/// How a notification reaches the customer.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum NotificationChannel {
    /// An email to the order's address.
    Email,
}

/// Where a notification is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum NotificationStatus {
    /// Waiting to be sent (or to be retried after a temporary failure).
    Pending,
    /// Accepted by the mail server (or written to the mail directory).
    Sent,
    /// Given up: a permanent failure, or too many temporary ones (see `error`).
    Failed,
    /// Not sent: the customer turned this kind of mail off (see `error`).
    Skipped,
}

/// One message to a customer, as the notification log has it.
pub struct Notification(pub NotificationEntry);

/// One message to a customer: what, to whom, and what became of it.
#[Object]
impl Notification {
    /// Stable opaque id (pass it to `resendNotification`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// How it is sent.
    async fn channel(&self) -> NotificationChannel {
        NotificationChannel::Email
    }
    /// Which email it is (null for a template this server no longer knows).
    async fn template(&self) -> Option<EmailTemplateName> {
        Template::parse(&self.0.template).map(Into::into)
    }
    /// The language it is written in.
    async fn language(&self) -> Option<EmailLanguage> {
        Language::parse(&self.0.language).map(Into::into)
    }
    /// Where it goes.
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    /// The subject line, once rendered.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// Where it is.
    async fn status(&self) -> NotificationStatus {
        match self.0.status.as_str() {
            "SENT" => NotificationStatus::Sent,
            "FAILED" => NotificationStatus::Failed,
            "SKIPPED" => NotificationStatus::Skipped,
            _ => NotificationStatus::Pending,
        }
    }
    /// Sends tried so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// Why the last send failed, or why it was skipped.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When the mail server accepted it.
    async fn sent_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.0.sent_at.map(|t| zone.local(t)))
    }
    /// When it was planned.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.created_at))
    }
    /// The notification this one repeats (a staff resend).
    async fn resend_of(&self) -> Option<ID> {
        self.0.resend_of.map(|id| ID(id.to_string()))
    }
}

/// What a customer wants to hear about, and in which language.
#[derive(SimpleObject)]
pub struct NotificationPreferences {
    /// The language of their email.
    pub language: EmailLanguage,
    /// Shipped, out for delivery and delivered emails.
    pub shipping_updates: bool,
    /// Return and ticket progress emails.
    pub service_updates: bool,
}

impl From<Preferences> for NotificationPreferences {
    fn from(p: Preferences) -> Self {
        NotificationPreferences {
            language: p.language.into(),
            shipping_updates: p.shipping_updates,
            service_updates: p.service_updates,
        }
    }
}

/// A change to the signed-in user's preferences; omitted fields keep their value.
#[derive(InputObject)]
pub struct NotificationPreferencesInput {
    /// The language of their email.
    pub language: Option<EmailLanguage>,
    /// Shipped, out for delivery and delivered emails.
    pub shipping_updates: Option<bool>,
    /// Return and ticket progress emails (receipts, cancellations,
    /// refunds and pickup codes are always sent).
    pub service_updates: Option<bool>,
}

/// An email template in one language, as it is sent now.
#[derive(SimpleObject)]
pub struct EmailTemplate {
    /// Which email.
    pub template: EmailTemplateName,
    /// Its language.
    pub language: EmailLanguage,
    /// Subject line (minijinja).
    pub subject: String,
    /// Plain-text body (minijinja).
    pub text_body: String,
    /// HTML body (minijinja, auto-escaped; goes into the shared layout).
    pub html_body: String,
    /// An admin's edited copy replaces the built-in text.
    pub customized: bool,
    /// When it was last edited.
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Who edited it last.
    pub updated_by: Option<String>,
}

impl EmailTemplate {
    pub fn new(t: TemplateInfo, zone: crate::domain::time::ShopZone) -> Self {
        EmailTemplate {
            template: t.template.into(),
            language: t.language.into(),
            subject: t.source.subject,
            text_body: t.source.text,
            html_body: t.source.html,
            customized: t.customized,
            updated_at: t.updated_at.map(|at| zone.local(at)),
            updated_by: t.updated_by,
        }
    }
}

/// An edited email template.
#[derive(InputObject)]
pub struct EmailTemplateInput {
    /// Which email.
    pub template: EmailTemplateName,
    /// Its language.
    pub language: EmailLanguage,
    /// Subject line (minijinja).
    pub subject: String,
    /// Plain-text body (minijinja).
    pub text_body: String,
    /// HTML body (minijinja, auto-escaped).
    pub html_body: String,
}

/// A template rendered with sample data.
#[derive(SimpleObject)]
pub struct EmailPreview {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// The whole HTML document.
    pub html: String,
}
