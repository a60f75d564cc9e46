//! Who did something: the stored actor labels of timelines and ledgers
//! resolved to names (users and API keys) in one batch, two statements at
//! most however many entries. How a viewer sees them is
//! [`crate::domain::actor`]'s rule.

use std::collections::{HashMap, HashSet};

use entity::{api_key, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::domain::actor::{Actor, ActorRef};
use crate::error::{AppError, AppResult};

/// Every distinct stored label resolved to an [`Actor`]. A label we never
/// write is an error, not a guess.
pub async fn resolve<'a>(
    db: &impl ConnectionTrait,
    stored: impl IntoIterator<Item = &'a str>,
) -> AppResult<HashMap<String, Actor>> {
    let mut refs: HashMap<String, ActorRef> = HashMap::new();
    for label in stored {
        if refs.contains_key(label) {
            continue;
        }
        let r = ActorRef::parse(label)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown stored actor {label:?}")))?;
        refs.insert(label.to_owned(), r);
    }
    let mut user_ids: HashSet<Uuid> = HashSet::new();
    let mut key_ids: HashSet<Uuid> = HashSet::new();
    for r in refs.values() {
        match r {
            ActorRef::User { id, .. } => {
                user_ids.insert(*id);
            }
            ActorRef::Integration { key_id } => {
                key_ids.insert(*key_id);
            }
            ActorRef::System => {}
        }
    }
    let mut names: HashMap<Uuid, String> = HashMap::new();
    if !user_ids.is_empty() {
        let rows: Vec<(Uuid, String)> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::Name)
            .filter(user::Column::Id.is_in(user_ids))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows);
    }
    if !key_ids.is_empty() {
        let rows: Vec<(Uuid, String)> = api_key::Entity::find()
            .select_only()
            .column(api_key::Column::Id)
            .column(api_key::Column::Name)
            .filter(api_key::Column::Id.is_in(key_ids))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows);
    }
    Ok(refs
        .into_iter()
        .map(|(label, who)| {
            let name = match who {
                ActorRef::User { id, .. } => names.get(&id).cloned(),
                ActorRef::Integration { key_id } => names.get(&key_id).cloned(),
                ActorRef::System => None,
            };
            (label, Actor { who, name })
        })
        .collect())
}
