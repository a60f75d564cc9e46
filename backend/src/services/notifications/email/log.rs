//! The notification log (what was sent to a customer, batched per order
//! for the order pages), staff resends, and a customer's preferences.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{notification, notification_preference, order};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::{EMAIL, PENDING, preferences_of};
use crate::domain::auth::{Principal, Role};
use crate::domain::notifications::email::{Language, Preferences};
use crate::error::{AppError, AppResult};
use crate::services::authorize;
use crate::state::AppState;

/// Who may resend an email to a customer.
const RESENDERS: &[Role] = &[Role::Support, Role::Admin];

/// One entry of the notification log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationEntry {
    pub id: Uuid,
    pub order_id: Option<Uuid>,
    pub channel: String,
    pub template: String,
    pub language: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub resend_of: Option<Uuid>,
}

impl From<notification::Model> for NotificationEntry {
    fn from(n: notification::Model) -> Self {
        NotificationEntry {
            id: n.id,
            order_id: n.order_id,
            channel: n.channel,
            template: n.template,
            language: n.language,
            recipient: n.recipient,
            subject: n.subject,
            status: n.status,
            attempts: n.attempts,
            error: n.error,
            sent_at: n.sent_at,
            created_at: n.created_at,
            resend_of: n.resend_of,
        }
    }
}

/// The log of many orders (by order id), oldest first; for loaders. The
/// caller has already been allowed to see the orders.
pub async fn notifications_for_orders(
    state: &AppState,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<NotificationEntry>>> {
    let rows = notification::Entity::find()
        .filter(notification::Column::OrderId.is_in(order_ids.to_vec()))
        .order_by_asc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Id)
        .all(&state.db.conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<NotificationEntry>> = HashMap::new();
    for n in rows {
        if let Some(order_id) = n.order_id {
            out.entry(order_id).or_default().push(n.into());
        }
    }
    Ok(out)
}

/// Sends a logged email again (support, admin): a new PENDING entry with
/// the same template, recipient and order, rendered from the current
/// order and templates. Skipped and failed emails can be resent too.
pub async fn resend(state: &AppState, p: &Principal, id: Uuid) -> AppResult<NotificationEntry> {
    authorize(p, RESENDERS)?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let original = notification::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no notification {id}")))?;
    // The recipient as the order has it now (a corrected address wins).
    let recipient = match original.order_id {
        Some(oid) => order::Entity::find_by_id(oid)
            .one(&*tx)
            .await?
            .map(|o| o.customer_email.trim().to_string())
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| original.recipient.clone()),
        None => original.recipient.clone(),
    };
    let row = notification::Model {
        id: Uuid::new_v4(),
        event_id: None,
        order_id: original.order_id,
        user_id: original.user_id,
        channel: EMAIL.into(),
        template: original.template.clone(),
        language: original.language.clone(),
        recipient,
        subject: None,
        status: PENDING.into(),
        attempts: 0,
        next_attempt_at: now,
        locked_until: None,
        error: None,
        sent_at: None,
        created_at: now,
        resend_of: Some(original.id),
        data: original.data.clone(),
    };
    let active: notification::ActiveModel = row.clone().into();
    notification::Entity::insert(active)
        .exec_without_returning(&*tx)
        .await?;
    tx.commit().await?;
    state.notifications.mail_wake.notify_one();
    Ok(row.into())
}

/// The signed-in user's preferences (defaults until they save some).
pub async fn my_preferences(state: &AppState, p: &Principal) -> AppResult<Preferences> {
    let id = p
        .user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in to see your preferences".into()))?;
    preferences_of(&state.db.conn, Some(id)).await
}

/// A change to the signed-in user's preferences; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct PreferencesChange {
    pub language: Option<Language>,
    pub shipping_updates: Option<bool>,
    pub service_updates: Option<bool>,
}

/// Saves the signed-in user's preferences.
pub async fn update_preferences(
    state: &AppState,
    p: &Principal,
    change: PreferencesChange,
) -> AppResult<Preferences> {
    let id = p
        .user_id()
        .ok_or_else(|| AppError::Unauthenticated("sign in to change your preferences".into()))?;
    let language = change.language;
    let tx = state.db.begin_write().await?;
    let current = preferences_of(&*tx, Some(id)).await?;
    let next = Preferences {
        language: language.unwrap_or(current.language),
        shipping_updates: change.shipping_updates.unwrap_or(current.shipping_updates),
        service_updates: change.service_updates.unwrap_or(current.service_updates),
    };
    let row = notification_preference::ActiveModel {
        user_id: Set(id),
        language: Set(Some(next.language.as_str().into())),
        shipping_updates: Set(next.shipping_updates),
        service_updates: Set(next.service_updates),
        updated_at: Set(Utc::now()),
    };
    notification_preference::Entity::insert(row)
        .on_conflict(
            OnConflict::column(notification_preference::Column::UserId)
                .update_columns([
                    notification_preference::Column::Language,
                    notification_preference::Column::ShippingUpdates,
                    notification_preference::Column::ServiceUpdates,
                    notification_preference::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&*tx)
        .await?;
    tx.commit().await?;
    Ok(next)
}
