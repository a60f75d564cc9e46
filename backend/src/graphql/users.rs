//! Staff accounts and user lists (admin).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::context::{RoleGuard, principal, state};
use super::types::{Role, User};
use crate::domain::auth::{ADMINS, STAFF};
use crate::services::{catalog, users as svc};

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

/// A sales channel orders come from.
#[derive(SimpleObject)]
pub struct Channel {
    /// Stable opaque id.
    pub id: ID,
    /// Short code, e.g. "web".
    pub code: String,
    /// Display name.
    pub name: String,
    /// web, marketplace, store or partner.
    pub kind: String,
}

impl From<entity::channel::Model> for Channel {
    fn from(c: entity::channel::Model) -> Self {
        Channel {
            id: ID(c.id.to_string()),
            code: c.code,
            name: c.name,
            kind: c.kind,
        }
    }
}

#[derive(Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// All users, optionally of one role (admin only).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn users(&self, ctx: &Context<'_>, role: Option<Role>) -> Result<Vec<User>> {
        Ok(
            svc::list_users(state(ctx), principal(ctx), role.map(Into::into))
                .await?
                .into_iter()
                .map(User::from)
                .collect(),
        )
    }

    /// Sales channels (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn channels(&self, ctx: &Context<'_>) -> Result<Vec<Channel>> {
        Ok(catalog::list_channels(state(ctx), principal(ctx))
            .await?
            .into_iter()
            .map(Channel::from)
            .collect())
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
            state(ctx),
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
