//! Integration API keys (admin).

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::channels::Channel;
use super::context::{RoleGuard, principal, state};
use crate::domain::auth::ADMINS;
use crate::services::api_keys as svc;

/// An integration's API key (the secret itself is never shown again).
pub struct ApiKey(pub crate::domain::auth::ApiKey);

/// An API key bound to one sales channel.
#[Object]
impl ApiKey {
    /// Stable opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What the key is for.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The only channel the key can reach.
    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        Ok(
            crate::services::channels::by_id(state(ctx)?, self.0.channel_id)
                .await?
                .into(),
        )
    }
    /// The first characters of the key, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// When it was created, in the merchant's time zone (`OMS_TIMEZONE`).
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.created_at))
    }
    /// The key no longer works.
    async fn revoked(&self) -> bool {
        self.0.revoked_at.is_some()
    }
}

/// A new key: `key` is shown this once; store it now.
#[derive(SimpleObject)]
pub struct CreatedApiKey {
    /// The secret, for `Authorization: Bearer <key>`.
    pub key: String,
    /// The key's record.
    pub api_key: ApiKey,
}

#[derive(Default)]
pub struct ApiKeysQuery;

#[Object]
impl ApiKeysQuery {
    /// Every API key, newest first (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn api_keys(&self, ctx: &Context<'_>) -> Result<Vec<ApiKey>> {
        Ok(svc::list(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(ApiKey)
            .collect())
    }
}

#[derive(Default)]
pub struct ApiKeysMutation;

#[Object]
impl ApiKeysMutation {
    /// Creates an API key bound to one channel (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        name: String,
        channel: String,
    ) -> Result<CreatedApiKey> {
        let created = svc::create(state(ctx)?, principal(ctx), &name, &channel).await?;
        Ok(CreatedApiKey {
            key: created.key,
            api_key: ApiKey(created.api_key),
        })
    }

    /// Revokes an API key at once (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<ApiKey> {
        let id = super::types::id_arg(&id, "id", "is not a valid id")?;
        Ok(ApiKey(svc::revoke(state(ctx)?, principal(ctx), id).await?))
    }
}
