//! Staff accounts and user lists (admin).

use async_graphql::{Context, InputObject, Object, Result};

use super::context::{RoleGuard, principal, state};
use super::types::{Role, User};
use crate::domain::auth::ADMINS;
use crate::services::users as svc;

/// A new staff account.
#[derive(InputObject)]
pub struct CreateStaffUserInput {
    /// Sign-in email.
    pub email: String,
    /// Initial password (8 to 128 characters).
    pub password: String,
    /// Display name.
    pub name: String,
    /// SUPPORT, WAREHOUSE, FINANCE or ADMIN.
    pub role: Role,
}

#[derive(Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// All users, optionally of one role (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn users(&self, ctx: &Context<'_>, role: Option<Role>) -> Result<Vec<User>> {
        Ok(
            svc::list_users(state(ctx)?, principal(ctx), role.map(Into::into))
                .await?
                .into_iter()
                .map(User::from)
                .collect(),
        )
    }
}

#[derive(Default)]
pub struct UsersMutation;

#[Object]
impl UsersMutation {
    /// Creates a staff account (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_staff_user(
        &self,
        ctx: &Context<'_>,
        input: CreateStaffUserInput,
    ) -> Result<User> {
        Ok(svc::create_staff_user(
            state(ctx)?,
            principal(ctx),
            &input.email,
            &input.password,
            &input.name,
            input.role.into(),
        )
        .await?
        .into())
    }
}
