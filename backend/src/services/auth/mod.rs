//! Authentication: registration, login with throttling, sessions with
//! rotating refresh tokens (reuse revokes the whole family), access tokens
//! (HS256 JWT, 15 minutes), logout and password change.
//!
//! `passwords` hashes and checks, `sessions` opens, rotates and revokes,
//! `tokens` turns a presented credential into a caller, `throttling`
//! counts failures.

pub mod passwords;
pub mod sessions;
pub mod throttling;
pub mod tokens;

use entity::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub use passwords::change_password;
pub use sessions::{SESSION_TTL_DAYS, logout, refresh, start_session};
pub use throttling::THROTTLE_WINDOW_MINUTES;
pub use tokens::principal_from_token;

use crate::crypto::verify_password;
use crate::db::FirstRow;
use crate::domain::auth::{Role, User};
use crate::error::AppResult;
use crate::services::users::{parse_email, validate_name, validate_password};
use crate::state::AppState;
pub use crate::state::tokens::ACCESS_TTL_SECS;

/// What a successful sign-in returns.
pub struct AuthTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: User,
}

/// Registers a customer and signs them in.
pub async fn register(
    state: &AppState,
    email: &str,
    password: &str,
    name: &str,
) -> AppResult<AuthTokens> {
    let email = parse_email(email)?;
    let name = validate_name(name)?;
    validate_password(password)?;
    let user = super::users::insert_user(state, &email, &name, password, Role::Customer).await?;
    start_session(state, user).await
}

/// Password login, throttled per email and per client IP.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> AppResult<AuthTokens> {
    let key = email.trim().to_lowercase();
    throttling::check(state, &key, ip).await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(key.clone()))
        .first(&state.db.conn)
        .await?;
    let ok = match &found {
        Some(u) => verify_password(password.to_string(), u.password_hash.clone()).await?,
        None => {
            let dummy = passwords::dummy_hash().await?;
            verify_password(password.to_string(), dummy).await?;
            false
        }
    };
    match (ok, found) {
        (true, Some(user)) => {
            throttling::record_success(state, &key).await?;
            start_session(state, super::users::user_from_row(user)?).await
        }
        _ => {
            throttling::record_failure(state, &key, ip).await?;
            Err(passwords::bad_credentials())
        }
    }
}
