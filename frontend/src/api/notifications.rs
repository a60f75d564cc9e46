//! Customer notifications as the pages read them: an order's notification
//! log (portal and console), the signed-in customer's preferences, and
//! the console's email templates with a preview. Writes (save
//! preferences, resend) are plain form posts handled by the backend
//! (`backend/src/http/portal_forms/notifications.rs`), which run the
//! mutations below in-process.

use super::{ApiError, request};
use crate::schema::{EmailLanguage, EmailTemplateName, NotificationChannel, NotificationStatus};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::future::Future;

/// An order's notification log.
pub const ORDER_NOTIFICATIONS: &str = "query OrderNotifications($number: String!) { \
order(number: $number) { number notifications { id channel template language status recipient \
subject sentAt error attempts createdAt resendOf } } }";

/// The signed-in user's preferences.
pub const MY_NOTIFICATION_PREFERENCES: &str = "query MyNotificationPreferences { \
me { id notificationPreferences { language shippingUpdates serviceUpdates } } }";

/// Saves the signed-in user's preferences (the preferences form).
pub const UPDATE_NOTIFICATION_PREFERENCES: &str = "mutation UpdateNotificationPreferences(\
$input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { \
language shippingUpdates serviceUpdates } }";

/// Sends a logged notification again (the console's resend button).
pub const RESEND_NOTIFICATION: &str =
    "mutation ResendNotification($id: ID!) { resendNotification(id: $id) { id status } }";

/// Every email template, with whether an admin edited it.
pub const EMAIL_TEMPLATES: &str = "query EmailTemplates { emailTemplates { template language \
subject customized updatedAt updatedBy } }";

/// One template rendered with sample data.
pub const EMAIL_PREVIEW: &str = "query EmailPreview($template: EmailTemplateName!, \
$language: EmailLanguage!) { emailPreview(template: $template, language: $language) { \
subject text html } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("OrderNotifications", ORDER_NOTIFICATIONS),
    ("MyNotificationPreferences", MY_NOTIFICATION_PREFERENCES),
    (
        "UpdateNotificationPreferences",
        UPDATE_NOTIFICATION_PREFERENCES,
    ),
    ("ResendNotification", RESEND_NOTIFICATION),
    ("EmailTemplates", EMAIL_TEMPLATES),
    ("EmailPreview", EMAIL_PREVIEW),
];

/// One entry of the notification log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    pub channel: NotificationChannel,
    /// `None` for a template this build does not know.
    pub template: Option<EmailTemplateName>,
    pub language: Option<EmailLanguage>,
    pub status: NotificationStatus,
    pub recipient: String,
    pub subject: Option<String>,
    /// RFC 3339 in the merchant's time zone.
    pub sent_at: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: String,
    pub resend_of: Option<String>,
}

#[derive(Deserialize)]
struct OrderLog {
    notifications: Vec<Notification>,
}

#[derive(Deserialize)]
struct OrderLogData {
    order: Option<OrderLog>,
}

/// The log of order `number` as the caller may see it.
pub fn order_notifications(
    number: String,
) -> impl Future<Output = Result<Vec<Notification>, ApiError>> + Send + 'static {
    let fut = request::<OrderLogData>(ORDER_NOTIFICATIONS, json!({ "number": number }));
    async move {
        fut.await?
            .order
            .map(|o| o.notifications)
            .ok_or(ApiError::NotFound)
    }
}

/// What a customer wants to hear about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    pub language: EmailLanguage,
    pub shipping_updates: bool,
    pub service_updates: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrefsMe {
    notification_preferences: Option<Preferences>,
}

#[derive(Deserialize)]
struct PrefsData {
    me: Option<PrefsMe>,
}

/// The signed-in user's preferences (`Unauthenticated` when signed out).
pub fn my_preferences() -> impl Future<Output = Result<Preferences, ApiError>> + Send + 'static {
    let fut = request::<PrefsData>(MY_NOTIFICATION_PREFERENCES, json!({}));
    async move {
        fut.await?
            .me
            .and_then(|m| m.notification_preferences)
            .ok_or(ApiError::Unauthenticated)
    }
}

/// A template in one language, as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub template: EmailTemplateName,
    pub language: EmailLanguage,
    pub subject: String,
    pub customized: bool,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TemplatesData {
    email_templates: Vec<TemplateSummary>,
}

/// Every template (staff).
pub fn email_templates()
-> impl Future<Output = Result<Vec<TemplateSummary>, ApiError>> + Send + 'static {
    let fut = request::<TemplatesData>(EMAIL_TEMPLATES, json!({}));
    async move { Ok(fut.await?.email_templates) }
}

/// A template rendered with sample data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewData {
    email_preview: Preview,
}

/// `template` in `language` with sample data (staff).
pub fn email_preview(
    template: EmailTemplateName,
    language: EmailLanguage,
) -> impl Future<Output = Result<Preview, ApiError>> + Send + 'static {
    let fut = request::<PreviewData>(
        EMAIL_PREVIEW,
        json!({ "template": template.as_str(), "language": language.as_str() }),
    );
    async move { Ok(fut.await?.email_preview) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn a_log_entry_decodes_from_the_contract_shape() {
        let resp = serde_json::json!({"data": {"order": {"number": "SO-1", "notifications": [{
            "id": "n1", "channel": "EMAIL", "template": "ORDER_PLACED", "language": "ZH",
            "status": "SKIPPED", "recipient": "a@example.com", "subject": null,
            "sentAt": null, "error": "the customer turned off shipping updates",
            "attempts": 0, "createdAt": "2026-11-26T02:00:00+08:00", "resendOf": null
        }]}}});
        let log = decode::<OrderLogData>(resp).map(|d| d.order.map(|o| o.notifications));
        assert!(log.is_ok_and(
            |l| l.is_some_and(|l| l[0].status == NotificationStatus::Skipped
                && l[0].template == Some(EmailTemplateName::OrderPlaced)
                && l[0].language == Some(EmailLanguage::Zh))
        ));
    }
}
