//! Background jobs. Today: an hourly sweep of expired throttling rows,
//! sessions and idempotency keys. Later: the outbox dispatcher and scheduled automation.

use std::time::Duration;

use chrono::Utc;
use entity::{login_attempt, order, session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::services::auth::THROTTLE_WINDOW_MINUTES;
use crate::state::AppState;

pub fn spawn(state: AppState) {
    spawn_session_evictor(state.clone());
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&state).await {
                tracing::warn!(error = %e, "sweep failed");
            }
        }
    });
}

async fn sweep(state: &AppState) -> Result<(), sea_orm::DbErr> {
    let tx = state.db.begin_write().await?;
    login_attempt::Entity::delete_many()
        .filter(
            login_attempt::Column::At
                .lt(Utc::now() - chrono::Duration::minutes(THROTTLE_WINDOW_MINUTES)),
        )
        .exec(&*tx)
        .await?;
    // Idempotency keys live 24 hours; after that the key may be reused.
    order::Entity::update_many()
        .col_expr(
            order::Column::IdempotencyKey,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(order::Column::IdempotencyKey.is_not_null())
        .filter(order::Column::PlacedAt.lt(Utc::now() - chrono::Duration::hours(24)))
        .exec(&*tx)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(Utc::now() - chrono::Duration::days(1)))
        .exec(&*tx)
        .await?;
    tx.commit().await
}

/// Drops sessions revoked on other instances from this one's cache.
fn spawn_session_evictor(state: AppState) {
    let mut rx = state.bus.subscribe();
    actix_web::rt::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(crate::events::DomainEvent::SessionsRevoked {
                    session_ids,
                    user_id,
                }) => {
                    state.sessions.evict(&session_ids, user_id);
                }
                Ok(_) => {}
                // Missed some: forget everything rather than risk a stale entry.
                Err(RecvError::Lagged(_)) => state.sessions.clear(),
                Err(RecvError::Closed) => break,
            }
        }
    });
}
