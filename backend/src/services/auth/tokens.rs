//! Who is calling: an access token (checked against the live session,
//! through the session cache) or an integration API key.

use chrono::Utc;
use entity::{session, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::FirstRow;
use crate::domain::auth::{Principal, Role};
use crate::error::{AppError, AppResult};
use crate::services::api_keys;
use crate::state::AppState;

/// Resolves an access token (or an integration API key) to the caller.
/// Any defect (signature, algorithm, audience, issuer, expiry, revoked
/// session or key) is UNAUTHENTICATED. A session verified in the last few
/// seconds costs no SQL statement (see [`crate::state::SessionCache`]).
pub async fn principal_from_token(state: &AppState, token: &str) -> AppResult<Principal> {
    if token.starts_with(api_keys::KEY_PREFIX) {
        return api_keys::principal_from_key(state, token).await;
    }
    let invalid = || AppError::Unauthenticated("invalid or expired access token".into());
    let c = state.keys.verify(token).ok_or_else(invalid)?;
    let (Ok(id), Ok(sid), Some(_)) = (
        Uuid::parse_str(&c.sub),
        Uuid::parse_str(&c.sid),
        Role::parse(&c.role),
    ) else {
        return Err(invalid());
    };
    if let Some(p) = state.sessions.get(sid, id) {
        return Ok(p);
    }
    let live = session::Entity::find_by_id(sid)
        .filter(session::Column::UserId.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .find_also_related(user::Entity)
        .one(&state.db.conn)
        .await?;
    match live {
        Some((s, Some(u))) if s.expires_at > Utc::now() => {
            let p = Principal::User {
                id,
                // The role as stored now, not as it was when the token was issued.
                role: Role::parse(&u.role).ok_or_else(invalid)?,
                session_id: sid,
                email: u.email,
                name: u.name,
            };
            state.sessions.put(sid, p.clone());
            Ok(p)
        }
        _ => Err(invalid()),
    }
}

/// Whether a caller resolved earlier (a WebSocket's, at connection time)
/// still stands: its session not revoked or expired, its API key not
/// revoked. A long-lived subscription asks this before each delivery, so
/// logging out or revoking a key also ends the live feeds.
pub async fn still_valid(state: &AppState, p: &Principal) -> AppResult<bool> {
    match p {
        Principal::Anonymous | Principal::System => Ok(true),
        Principal::User { id, session_id, .. } => {
            if state.sessions.get(*session_id, *id).is_some() {
                return Ok(true);
            }
            let live = session::Entity::find_by_id(*session_id)
                .filter(session::Column::UserId.eq(*id))
                .filter(session::Column::RevokedAt.is_null())
                .first(&state.db.conn)
                .await?;
            let ok = live.is_some_and(|s| s.expires_at > Utc::now());
            if ok {
                state.sessions.put(*session_id, p.clone());
            }
            Ok(ok)
        }
        Principal::Integration { key_id, .. } => api_keys::is_active(state, *key_id).await,
    }
}
