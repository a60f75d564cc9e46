//! Sales channels: the list staff see, lookups for orders and keys, and
//! the portal channel every installation needs.

use chrono::Utc;
use entity::channel;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::authorize;
use crate::domain::auth::{Principal, Role, STAFF};
use crate::domain::channels::{Channel, ChannelKind, MAX_RETURN_WINDOW_DAYS, PORTAL_CHANNEL};
use crate::domain::payments::{PaymentMethod, format_method_list};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Every channel by code (staff only).
pub async fn list(state: &AppState, p: &Principal) -> AppResult<Vec<Channel>> {
    authorize(p, STAFF)?;
    let mut all = state.channels.reload(&state.db.conn).await?;
    all.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(all)
}

/// A channel by id; a dangling reference is our bug, not the caller's.
pub async fn by_id(state: &AppState, id: Uuid) -> AppResult<Channel> {
    state
        .channels
        .by_id(&state.db.conn, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("channel {id} missing")))
}

/// Sets which payment methods a channel offers (admin). Orders already
/// placed keep the method they chose.
pub async fn set_payment_methods(
    state: &AppState,
    p: &Principal,
    code: &str,
    methods: &[PaymentMethod],
) -> AppResult<Channel> {
    authorize(p, &[Role::Admin])?;
    set_column(
        state,
        code,
        channel::Column::PaymentMethods,
        Expr::value(format_method_list(methods)),
    )
    .await
}

/// Sets a channel's return window in days (admin).
pub async fn set_return_window(
    state: &AppState,
    p: &Principal,
    code: &str,
    days: i32,
) -> AppResult<Channel> {
    authorize(p, &[Role::Admin])?;
    if !(0..=MAX_RETURN_WINDOW_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "days",
            format!("must be 0 to {MAX_RETURN_WINDOW_DAYS}"),
        ));
    }
    set_column(
        state,
        code,
        channel::Column::ReturnWindowDays,
        Expr::value(days),
    )
    .await
}

/// Sets one setting of the channel with `code` and returns it as it is now.
async fn set_column(
    state: &AppState,
    code: &str,
    column: channel::Column,
    value: sea_orm::sea_query::SimpleExpr,
) -> AppResult<Channel> {
    let code = crate::domain::channels::normalize_code(code);
    let ch = state
        .channels
        .by_code(&state.db.conn, &code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no channel {code}")))?;
    let tx = state.db.begin_write().await?;
    channel::Entity::update_many()
        .col_expr(column, value)
        .filter(channel::Column::Id.eq(ch.id))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    state.channels.reload(&state.db.conn).await?;
    by_id(state, ch.id).await
}

/// An active channel by code, or `None`.
pub async fn active_by_code(state: &AppState, code: &str) -> AppResult<Option<Channel>> {
    Ok(state
        .channels
        .by_code(&state.db.conn, code)
        .await?
        .filter(|c| c.active))
}

/// What every installation needs, demo or not: the channel that portal
/// orders come through. Idempotent; runs on every start.
pub async fn ensure_portal_channel(state: &AppState) -> AppResult<()> {
    if state
        .channels
        .by_code(&state.db.conn, PORTAL_CHANNEL)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let tx = state.db.begin_write().await?;
    channel::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(PORTAL_CHANNEL.into()),
        name: Set("Web shop".into()),
        kind: Set(ChannelKind::Web.as_str().into()),
        active: Set(true),
        payment_methods: Set(crate::domain::payments::format_method_list(
            &crate::domain::payments::PaymentMethod::ALL,
        )),
        return_window_days: Set(7),
        created_at: Set(Utc::now()),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    state.channels.reload(&state.db.conn).await?;
    Ok(())
}
