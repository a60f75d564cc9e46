//! Sign-in throttling: failed attempts per email and per client address
//! in a sliding window; a success clears the email's record.

use chrono::{Duration, Utc};
use entity::login_attempt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The window in which failed attempts count.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Refuses a sign-in when the email or the address failed too often.
pub async fn check(state: &AppState, email_key: &str, ip: &str) -> AppResult<()> {
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let by_email = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(email_key))
        .filter(login_attempt::Column::At.gt(since))
        .count(&state.db.conn)
        .await?;
    let by_ip = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::At.gt(since))
        .count(&state.db.conn)
        .await?;
    if by_email >= state.config.login_max_failures
        || by_ip >= state.config.login_max_failures_per_ip
    {
        return Err(AppError::RateLimited(
            "too many failed sign-in attempts; try again in 15 minutes".into(),
        ));
    }
    Ok(())
}

/// Forgets the email's failures after a successful sign-in.
pub async fn record_success(state: &AppState, email_key: &str) -> AppResult<()> {
    let tx = state.db.begin_write().await?;
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Email.eq(email_key))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a failure and drops records older than the window.
pub async fn record_failure(state: &AppState, email_key: &str, ip: &str) -> AppResult<()> {
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let tx = state.db.begin_write().await?;
    login_attempt::ActiveModel {
        email: Set(email_key.to_string()),
        ip: Set(ip.to_string()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lt(since))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Drops failures older than the window (the hourly sweep).
pub async fn sweep_expired(state: &AppState) -> AppResult<()> {
    let tx = state.db.begin_write().await?;
    login_attempt::Entity::delete_many()
        .filter(
            login_attempt::Column::At.lt(Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES)),
        )
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
