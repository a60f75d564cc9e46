//! Passwords: argon2id hashing off the async threads, constant-time-ish
//! login for unknown emails, input rules, and password change.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use chrono::Utc;
use entity::{session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

use super::AuthTokens;
use super::sessions::{sessions_revoked, start_session};
use crate::crypto::random_token;
use crate::domain::auth::{Email, Principal, check_name, check_password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// argon2id with m=19456 KiB, t=2, p=1 (the defaults), off the async threads.
pub async fn hash_password(pw: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await
    .context("password hashing task")?
    .map_err(AppError::Internal)
}

pub(super) async fn verify_password(pw: String, phc: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("bad hash: {e}"))?;
        Ok::<_, anyhow::Error>(
            Argon2::default()
                .verify_password(pw.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .context("password verification task")?
    .map_err(AppError::Internal)
}

/// A hash of a random password, verified against when the email is unknown
/// so that timing does not reveal whether an account exists.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub(super) async fn dummy_hash() -> AppResult<String> {
    if let Some(h) = DUMMY_HASH.get() {
        return Ok(h.clone());
    }
    let h = hash_password(random_token(16)).await?;
    Ok(DUMMY_HASH.get_or_init(|| h).clone())
}

pub(super) fn bad_credentials() -> AppError {
    AppError::Unauthenticated("invalid email or password".into())
}

pub fn parse_email(raw: &str) -> AppResult<Email> {
    Email::parse(raw).ok_or_else(|| AppError::invalid("email", "is not a valid email address"))
}

pub fn validate_password(pw: &str) -> AppResult<()> {
    check_password(pw).map_err(|m| AppError::invalid("password", m))
}

pub fn validate_name(name: &str) -> AppResult<String> {
    check_name(name).map_err(|m| AppError::invalid("name", m))
}

/// Changes the password and revokes every existing session of the user;
/// returns a fresh session.
pub async fn change_password(
    state: &AppState,
    p: &Principal,
    current: &str,
    new: &str,
) -> AppResult<AuthTokens> {
    let Some(user_id) = p.user_id() else {
        return Err(AppError::Unauthenticated("sign in first".into()));
    };
    let Some(user) = user::Entity::find_by_id(user_id)
        .one(&state.db.conn)
        .await?
    else {
        return Err(AppError::Unauthenticated("sign in first".into()));
    };
    if !verify_password(current.to_string(), user.password_hash.clone()).await? {
        return Err(AppError::invalid(
            "currentPassword",
            "is not your current password",
        ));
    }
    validate_password(new)?;
    let hash = hash_password(new.to_string()).await?;
    let tx = state.db.begin_write().await?;
    let mut am: user::ActiveModel = user.clone().into();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(Utc::now());
    let user = am.update(&*tx).await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            session::Column::RevokedReason,
            Expr::value("password changed"),
        )
        .filter(session::Column::UserId.eq(user.id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    sessions_revoked(state, Vec::new(), Some(user.id));
    start_session(state, crate::services::users::user_from_row(user)?).await
}
