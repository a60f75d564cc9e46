//! Sign-up, sign-in, token refresh, sign-out and the current user.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use super::context::{client_ip, principal, state};
use super::types::User;
use crate::services::auth::{self as svc, AuthTokens};

/// Tokens for a signed-in session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived (15 minutes) JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque single-use token; exchange it with `refreshToken` for new tokens.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: User,
}

impl From<AuthTokens> for AuthPayload {
    fn from(t: AuthTokens) -> Self {
        AuthPayload {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            expires_in: t.expires_in,
            user: t.user.into(),
        }
    }
}

/// A new customer account.
#[derive(InputObject)]
pub struct RegisterInput {
    /// Email used to sign in.
    pub email: String,
    /// 8 to 128 characters; very common passwords are refused.
    pub password: String,
    /// Display name.
    pub name: String,
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in user, or null when anonymous.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = principal(ctx).user_id() else {
            return Ok(None);
        };
        Ok(crate::services::users::find_user(state(ctx)?, id)
            .await?
            .map(User::from))
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Creates a customer account and signs it in.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<AuthPayload> {
        Ok(
            svc::register(state(ctx)?, &input.email, &input.password, &input.name)
                .await?
                .into(),
        )
    }

    /// Signs in with email and password. Five failures in fifteen minutes
    /// for one email (or many from one address) answer RATE_LIMITED.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<AuthPayload> {
        Ok(svc::login(state(ctx)?, &email, &password, &client_ip(ctx))
            .await?
            .into())
    }

    /// Exchanges a refresh token for new tokens. Each refresh token works
    /// once; reusing one revokes its whole session.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        Ok(svc::refresh(state(ctx)?, &refresh_token).await?.into())
    }

    /// Ends the caller's session (and the session of `refreshToken`, if given).
    async fn logout(&self, ctx: &Context<'_>, refresh_token: Option<String>) -> Result<bool> {
        Ok(svc::logout(state(ctx)?, principal(ctx), refresh_token.as_deref()).await?)
    }

    /// Changes the caller's password, revokes all their sessions and
    /// returns a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<AuthPayload> {
        Ok(svc::change_password(
            state(ctx)?,
            principal(ctx),
            &current_password,
            &new_password,
        )
        .await?
        .into())
    }
}
