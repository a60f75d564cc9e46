//! Texts of outbound webhooks: one exhaustive `match` per schema enum, so
//! a value added to schema.graphql does not compile until it has a text.

use super::Key;
use crate::schema::WebhookDeliveryStatus;

/// Text for where a webhook delivery stands.
pub fn webhook_status_key(status: WebhookDeliveryStatus) -> Key {
    match status {
        WebhookDeliveryStatus::Pending => Key::WhStatusPending,
        WebhookDeliveryStatus::Succeeded => Key::WhStatusSucceeded,
        WebhookDeliveryStatus::Failed => Key::WhStatusFailed,
    }
}
