//! Sales channels, cached in memory: they change rarely and are read on
//! every order, so looking them up must not cost a SQL statement.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use entity::channel;
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::error::AppResult;

#[derive(Clone, Default)]
pub struct ChannelCache(Arc<RwLock<HashMap<Uuid, channel::Model>>>);

impl ChannelCache {
    fn find(&self, f: impl Fn(&channel::Model) -> bool) -> Option<channel::Model> {
        self.0
            .read()
            .ok()
            .and_then(|m| m.values().find(|c| f(c)).cloned())
    }

    async fn reload(&self, db: &DatabaseConnection) -> AppResult<()> {
        let all = channel::Entity::find().all(db).await?;
        if let Ok(mut m) = self.0.write() {
            *m = all.into_iter().map(|c| (c.id, c)).collect();
        }
        Ok(())
    }

    pub async fn by_code(
        &self,
        db: &DatabaseConnection,
        code: &str,
    ) -> AppResult<Option<channel::Model>> {
        let code = code.trim().to_ascii_lowercase();
        if let Some(c) = self.find(|c| c.code == code) {
            return Ok(Some(c));
        }
        self.reload(db).await?;
        Ok(self.find(|c| c.code == code))
    }

    pub async fn by_id(
        &self,
        db: &DatabaseConnection,
        id: Uuid,
    ) -> AppResult<Option<channel::Model>> {
        if let Some(c) = self.find(|c| c.id == id) {
            return Ok(Some(c));
        }
        self.reload(db).await?;
        Ok(self.find(|c| c.id == id))
    }
}
