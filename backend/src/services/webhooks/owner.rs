//! Telling an endpoint's owner that it was disabled: an email
//! (`webhook_disabled`, sent by the mail worker like customer mail and in
//! the owner's language) to the address of whoever registered it, and a
//! warning in the log. The reason is also stored on the endpoint (shown by
//! `webhookEndpoints` and the console).

use chrono::{DateTime, Utc};
use entity::{notification, user, webhook_endpoint};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::notifications::email::Template;
use crate::error::AppResult;

/// Queues the email to the owner (when there is an address to write to)
/// in the caller's transaction, and logs the warning.
pub(crate) async fn tell_disabled(
    db: &impl ConnectionTrait,
    e: &webhook_endpoint::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    tracing::warn!(
        endpoint = %e.id,
        url = %e.url,
        owner = %e.owner,
        owner_email = e.owner_email.as_deref().unwrap_or("-"),
        reason,
        "webhook endpoint disabled"
    );
    let Some(to) = e
        .owner_email
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Ok(());
    };
    let owner = user::Entity::find()
        .filter(user::Column::Email.eq(to))
        .first(db)
        .await?;
    let language =
        crate::services::notifications::email::preferences_of(db, owner.as_ref().map(|u| u.id))
            .await?
            .language;
    notification::Entity::insert(notification::ActiveModel {
        id: Set(Uuid::new_v4()),
        event_id: Set(None),
        order_id: Set(None),
        user_id: Set(owner.map(|u| u.id)),
        channel: Set(crate::services::notifications::email::EMAIL.into()),
        template: Set(Template::WebhookDisabled.as_str().into()),
        language: Set(language.as_str().into()),
        recipient: Set(to.to_string()),
        subject: Set(None),
        status: Set(crate::services::notifications::email::PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        resend_of: Set(None),
        data: Set(Some(
            serde_json::json!({ "endpoint_url": e.url, "reason": reason }).to_string(),
        )),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
