//! Integration API keys: created by an admin for one channel, shown once,
//! stored as a SHA-256 hash. A key acts as role `integration` limited to
//! its channel.

use chrono::Utc;
use entity::api_key;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::authorize;
use crate::crypto::{random_token, sha256_hex};
use crate::db::FirstRow;
use crate::domain::auth::{ADMINS, ApiKey, Principal};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub const KEY_PREFIX: &str = "oms_key_";

/// A newly created key; `key` is never retrievable again.
pub struct CreatedKey {
    pub key: String,
    pub api_key: ApiKey,
}

fn key_from_row(k: api_key::Model) -> ApiKey {
    ApiKey {
        id: k.id,
        name: k.name,
        channel_id: k.channel_id,
        prefix: k.prefix,
        created_at: k.created_at,
        revoked_at: k.revoked_at,
    }
}

pub async fn create(
    state: &AppState,
    p: &Principal,
    name: &str,
    channel_code: &str,
) -> AppResult<CreatedKey> {
    authorize(p, ADMINS)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid("name", "must be 1 to 100 characters"));
    }
    let channel = state
        .channels
        .by_code(&state.db.conn, channel_code)
        .await?
        .ok_or_else(|| AppError::invalid("channel", "no such channel"))?;
    let key = format!("{KEY_PREFIX}{}", random_token(32));
    let tx = state.db.begin_write().await?;
    let model = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_string()),
        channel_id: Set(channel.id),
        prefix: Set(key.chars().take(KEY_PREFIX.len() + 6).collect()),
        key_hash: Set(sha256_hex(&key)),
        created_by: Set(p.actor()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedKey {
        key,
        api_key: key_from_row(model),
    })
}

pub async fn list(state: &AppState, p: &Principal) -> AppResult<Vec<ApiKey>> {
    authorize(p, ADMINS)?;
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .all(&state.db.conn)
        .await?
        .into_iter()
        .map(key_from_row)
        .collect())
}

pub async fn revoke(state: &AppState, p: &Principal, id: Uuid) -> AppResult<ApiKey> {
    authorize(p, ADMINS)?;
    let tx = state.db.begin_write().await?;
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    let model = api_key::Entity::find_by_id(id)
        .first(&*tx)
        .await?
        .ok_or_else(|| AppError::NotFound("no such API key".into()))?;
    tx.commit().await?;
    Ok(key_from_row(model))
}

pub(crate) async fn principal_from_key(state: &AppState, key: &str) -> AppResult<Principal> {
    let found = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(sha256_hex(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .first(&state.db.conn)
        .await?;
    match found {
        Some(k) => Ok(Principal::Integration {
            key_id: k.id,
            channel_id: k.channel_id,
        }),
        None => Err(AppError::Unauthenticated(
            "invalid or revoked API key".into(),
        )),
    }
}

/// The key exists and is not revoked.
pub async fn is_active(state: &AppState, id: Uuid) -> AppResult<bool> {
    Ok(api_key::Entity::find_by_id(id)
        .filter(api_key::Column::RevokedAt.is_null())
        .first(&state.db.conn)
        .await?
        .is_some())
}
