//! Passwords at sign-in: a dummy hash so that an unknown email costs as
//! much as a known one, and password change (which ends every session).

use chrono::Utc;
use entity::{session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

use super::AuthTokens;
use super::sessions::{sessions_revoked, start_session};
use crate::crypto::{hash_password, random_token, verify_password};
use crate::db::FirstRow;
use crate::domain::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::services::users::validate_password;
use crate::state::AppState;

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
        .first(&state.db.conn)
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
