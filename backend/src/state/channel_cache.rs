//! Sales channels, cached in memory: they change rarely and are read on
//! every order, so looking them up must not cost a SQL statement. The cache
//! holds domain values: a stored kind this build does not know is an error
//! when the cache loads, not a guess.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use entity::channel;
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::domain::channels::{Channel, ChannelKind, normalize_code};
use crate::error::{AppError, AppResult};

#[derive(Clone, Default)]
pub struct ChannelCache(Arc<RwLock<HashMap<Uuid, Channel>>>);

/// A stored row as a domain value.
pub fn channel_from_row(c: channel::Model) -> AppResult<Channel> {
    let kind = ChannelKind::parse(&c.kind).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "channel {} has an unknown kind {:?}",
            c.code,
            c.kind
        ))
    })?;
    let payment_methods = crate::domain::payments::parse_method_list(&c.payment_methods)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("channel {}: {e}", c.code)))?;
    Ok(Channel {
        payment_methods,
        id: c.id,
        code: c.code,
        name: c.name,
        kind,
        active: c.active,
        return_window_days: c.return_window_days,
    })
}

impl ChannelCache {
    fn find(&self, f: impl Fn(&Channel) -> bool) -> Option<Channel> {
        self.0
            .read()
            .ok()
            .and_then(|m| m.values().find(|c| f(c)).cloned())
    }

    /// Reads every channel again (after a miss, or a change).
    pub async fn reload(&self, db: &DatabaseConnection) -> AppResult<Vec<Channel>> {
        let all = channel::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(channel_from_row)
            .collect::<AppResult<Vec<_>>>()?;
        if let Ok(mut m) = self.0.write() {
            *m = all.iter().map(|c| (c.id, c.clone())).collect();
        }
        Ok(all)
    }

    pub async fn by_code(&self, db: &DatabaseConnection, code: &str) -> AppResult<Option<Channel>> {
        let code = normalize_code(code);
        if let Some(c) = self.find(|c| c.code == code) {
            return Ok(Some(c));
        }
        self.reload(db).await?;
        Ok(self.find(|c| c.code == code))
    }

    pub async fn by_id(&self, db: &DatabaseConnection, id: Uuid) -> AppResult<Option<Channel>> {
        if let Some(c) = self.find(|c| c.id == id) {
            return Ok(Some(c));
        }
        self.reload(db).await?;
        Ok(self.find(|c| c.id == id))
    }
}
