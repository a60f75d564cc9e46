//! Recently verified sessions, so an authenticated request costs no SQL.

use uuid::Uuid;

use crate::domain::auth::Principal;

/// Recently verified sessions, so an authenticated request does not cost a
/// SQL statement. Revocation evicts at once on this instance and, through
/// the event relay, on the others; the short TTL bounds a missed eviction.
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<Uuid, (Principal, std::time::Instant)>>,
}

const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);
const SESSION_CACHE_MAX: usize = 100_000;

impl SessionCache {
    pub fn get(&self, sid: Uuid, user: Uuid) -> Option<Principal> {
        let map = self.entries.lock().ok()?;
        match map.get(&sid) {
            Some((p, at)) if at.elapsed() < SESSION_CACHE_TTL && p.user_id() == Some(user) => {
                Some(p.clone())
            }
            _ => None,
        }
    }

    pub fn put(&self, sid: Uuid, p: Principal) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= SESSION_CACHE_MAX {
                map.retain(|_, (_, at)| at.elapsed() < SESSION_CACHE_TTL);
                if map.len() >= SESSION_CACHE_MAX {
                    map.clear();
                }
            }
            map.insert(sid, (p, std::time::Instant::now()));
        }
    }

    /// Forgets every session (when revocations may have been missed).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }

    /// Forgets the given sessions, or every session of `user`.
    pub fn evict(&self, session_ids: &[Uuid], user: Option<Uuid>) {
        if let Ok(mut map) = self.entries.lock() {
            for sid in session_ids {
                map.remove(sid);
            }
            if let Some(u) = user {
                map.retain(|_, (p, _)| p.user_id() != Some(u));
            }
        }
    }
}
