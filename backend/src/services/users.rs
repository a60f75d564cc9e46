//! Accounts: customers register themselves; staff accounts are made by an
//! admin (GraphQL) or the CLI.

use chrono::Utc;
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::authorize;
use crate::crypto::hash_password;
use crate::db::FirstRow;
use crate::domain::auth::{ADMINS, Email, Principal, Role, User, check_name, check_password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn parse_email(raw: &str) -> AppResult<Email> {
    Email::parse(raw).ok_or_else(|| AppError::invalid("email", "is not a valid email address"))
}

pub fn validate_password(pw: &str) -> AppResult<()> {
    check_password(pw).map_err(|m| AppError::invalid("password", m))
}

pub fn validate_name(name: &str) -> AppResult<String> {
    check_name(name).map_err(|m| AppError::invalid("name", m))
}

/// A stored account as a domain user; an unknown stored role is an error,
/// never a guess.
pub fn user_from_row(u: user::Model) -> AppResult<User> {
    let role = Role::parse(&u.role).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "user {} has an unknown stored role {:?}",
            u.id,
            u.role
        ))
    })?;
    Ok(User {
        id: u.id,
        email: u.email,
        name: u.name,
        role,
    })
}

pub(crate) async fn insert_user(
    state: &AppState,
    email: &Email,
    name: &str,
    password: &str,
    role: Role,
) -> AppResult<User> {
    let hash = hash_password(password.to_string()).await?;
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let exists = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .first(&*tx)
        .await?
        .is_some();
    if exists {
        return Err(AppError::Conflict(
            "an account with this email already exists".into(),
        ));
    }
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.as_str().to_string()),
        name: Set(name.to_string()),
        role: Set(role.as_str().to_string()),
        password_hash: Set(hash),
        created_at: Set(now),
        password_changed_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    user_from_row(model)
}

/// Creates a staff account (admin only). Customers register themselves.
pub async fn create_staff_user(
    state: &AppState,
    p: &Principal,
    email: &str,
    password: &str,
    name: &str,
    role: Role,
) -> AppResult<User> {
    authorize(p, ADMINS)?;
    create_user_unchecked(state, email, password, name, role, true).await
}

/// Creates any account; the caller has already been authorized (CLI, seed).
pub async fn create_user_unchecked(
    state: &AppState,
    email: &str,
    password: &str,
    name: &str,
    role: Role,
    staff_only: bool,
) -> AppResult<User> {
    if role == Role::Integration || (staff_only && !role.is_staff()) {
        return Err(AppError::invalid(
            "role",
            "must be one of support, warehouse, finance, admin",
        ));
    }
    let email = parse_email(email)?;
    let name = validate_name(name)?;
    validate_password(password)?;
    insert_user(state, &email, &name, password, role).await
}

/// Lists users, optionally of one role (admin only).
pub async fn list_users(
    state: &AppState,
    p: &Principal,
    role: Option<Role>,
) -> AppResult<Vec<User>> {
    authorize(p, ADMINS)?;
    let mut q = user::Entity::find().order_by_asc(user::Column::Email);
    if let Some(r) = role {
        q = q.filter(user::Column::Role.eq(r.as_str()));
    }
    q.all(&state.db.conn)
        .await?
        .into_iter()
        .map(user_from_row)
        .collect()
}

pub async fn find_user(state: &AppState, id: Uuid) -> AppResult<Option<User>> {
    user::Entity::find_by_id(id)
        .first(&state.db.conn)
        .await?
        .map(user_from_row)
        .transpose()
}

/// The customer account with this email, if any; a staff account is not a
/// customer and is refused.
pub(crate) async fn find_customer(state: &AppState, email: &Email) -> AppResult<Option<User>> {
    match user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .first(&state.db.conn)
        .await?
        .map(user_from_row)
        .transpose()?
    {
        Some(u) if u.role != Role::Customer => Err(AppError::invalid(
            "customerEmail",
            "belongs to a staff account",
        )),
        other => Ok(other),
    }
}
