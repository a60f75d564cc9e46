//! Sessions: a refresh-token family per sign-in, rotated on every use;
//! presenting a rotated token revokes the family. Revocations evict the
//! session cache here and on the other instances.

use chrono::{DateTime, Duration, Utc};
use entity::{refresh_token, session, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::AuthTokens;
use crate::crypto::{random_token, sha256_hex};
use crate::db::FirstRow;
use crate::domain::auth::{Principal, User};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::state::tokens::ACCESS_TTL_SECS;

/// Lifetime of a session (its refresh tokens).
pub const SESSION_TTL_DAYS: i64 = 30;

/// Evicts revoked sessions here and tells the other instances.
pub(super) fn sessions_revoked(state: &AppState, session_ids: Vec<Uuid>, user_id: Option<Uuid>) {
    state.sessions.evict(&session_ids, user_id);
    state
        .bus
        .publish(crate::events::DomainEvent::SessionsRevoked {
            session_ids,
            user_id,
        });
}

/// Opens a new session (refresh-token family) for the user.
pub async fn start_session(state: &AppState, user: User) -> AppResult<AuthTokens> {
    let now = Utc::now();
    let session_id = Uuid::now_v7();
    let refresh = random_token(32);
    let tx = state.db.begin_write().await?;
    session::ActiveModel {
        id: Set(session_id),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_TTL_DAYS)),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&*tx)
    .await?;
    insert_refresh(&*tx, session_id, &refresh, now).await?;
    tx.commit().await?;
    Ok(AuthTokens {
        access_token: state.keys.issue(&user, session_id)?,
        refresh_token: refresh,
        expires_in: ACCESS_TTL_SECS,
        user,
    })
}

async fn insert_refresh(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(sha256_hex(token)),
        created_at: Set(now),
        rotated_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn revoke_session(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    reason: &str,
) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Rotates a refresh token. Presenting one that was already rotated means
/// it leaked: the whole session is revoked.
pub async fn refresh(state: &AppState, token: &str) -> AppResult<AuthTokens> {
    let invalid = || AppError::Unauthenticated("invalid or expired refresh token".into());
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let Some(rt) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(sha256_hex(token)))
        .first(&*tx)
        .await?
    else {
        return Err(invalid());
    };
    let Some(sess) = session::Entity::find_by_id(rt.session_id)
        .first(&*tx)
        .await?
    else {
        return Err(invalid());
    };
    if sess.revoked_at.is_some() || sess.expires_at <= now {
        return Err(invalid());
    }
    // Claim the token: only one caller can move it from unrotated to rotated.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(rt.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&*tx)
        .await?
        .rows_affected;
    if claimed == 0 {
        revoke_session(&*tx, sess.id, "refresh token reuse").await?;
        tx.commit().await?;
        sessions_revoked(state, vec![sess.id], None);
        tracing::warn!(session = %sess.id, "refresh token reuse: session revoked");
        return Err(invalid());
    }
    let Some(user) = user::Entity::find_by_id(sess.user_id).first(&*tx).await? else {
        return Err(invalid());
    };
    let user = crate::services::users::user_from_row(user)?;
    let next = random_token(32);
    insert_refresh(&*tx, sess.id, &next, now).await?;
    tx.commit().await?;
    Ok(AuthTokens {
        access_token: state.keys.issue(&user, sess.id)?,
        refresh_token: next,
        expires_in: ACCESS_TTL_SECS,
        user,
    })
}

/// Ends the caller's session, and the session of `refresh_token` if given.
pub async fn logout(
    state: &AppState,
    p: &Principal,
    refresh_token: Option<&str>,
) -> AppResult<bool> {
    let tx = state.db.begin_write().await?;
    let mut any = false;
    let mut revoked = Vec::new();
    if let Principal::User { session_id, .. } = p {
        revoke_session(&*tx, *session_id, "logout").await?;
        revoked.push(*session_id);
        any = true;
    }
    if let Some(token) = refresh_token
        && let Some(rt) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(sha256_hex(token)))
            .first(&*tx)
            .await?
    {
        revoke_session(&*tx, rt.session_id, "logout").await?;
        revoked.push(rt.session_id);
        any = true;
    }
    tx.commit().await?;
    sessions_revoked(state, revoked, None);
    if !any {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    Ok(true)
}

/// Deletes sessions that expired more than a day ago (the hourly sweep).
pub async fn sweep_expired(state: &AppState) -> AppResult<()> {
    let tx = state.db.begin_write().await?;
    session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(Utc::now() - Duration::days(1)))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
