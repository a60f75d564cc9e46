//! Background jobs. Today: an hourly sweep of expired throttling rows,
//! sessions and idempotency keys. Later: the outbox dispatcher and scheduled automation.

use std::time::Duration;

use crate::state::AppState;

pub fn spawn(state: AppState) {
    spawn_session_evictor(state.clone());
    spawn_payment_sweeper(state.clone());
    spawn_fulfillment_worker(state.clone());
    spawn_outbox_dispatcher(state.clone());
    spawn_webhook_sender(state.clone());
    spawn_mail_worker(state.clone());
    actix_web::rt::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&state).await {
                tracing::warn!(error = %e.describe(), "sweep failed");
            }
        }
    });
}

/// Expired rows of every area, each swept by its own service.
async fn sweep(state: &AppState) -> crate::error::AppResult<()> {
    crate::services::auth::throttling::sweep_expired(state).await?;
    crate::services::auth::sessions::sweep_expired(state).await?;
    crate::services::orders::expire_idempotency_keys(state).await?;
    Ok(())
}

/// Expires unpaid orders and asks providers again about calls whose
/// answer was lost.
fn spawn_payment_sweeper(state: AppState) {
    actix_web::rt::spawn(async move {
        let every = Duration::from_secs(state.config.payment_sweep_secs);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match crate::services::payments::expiry::expire_unpaid(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "cancelled unpaid orders past their deadline"),
                Err(e) => tracing::warn!(error = %e.describe(), "expiring unpaid orders failed"),
            }
            if let Err(e) = crate::services::payments::calls::sweep(&state).await {
                tracing::warn!(error = %e.describe(), "retrying payment calls failed");
            }
        }
    });
}

/// Moves money shipments still owe (captures, COD remittances), lets the
/// sandbox carrier advance its parcels, and completes delivered orders
/// whose return window closed.
fn spawn_fulfillment_worker(state: AppState) {
    actix_web::rt::spawn(async move {
        let every = Duration::from_secs(state.config.fulfillment_sweep_secs);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = crate::services::fulfillment::settle::sweep(&state).await {
                tracing::warn!(error = %e.describe(), "settling shipments failed");
            }
            if let Err(e) = crate::services::fulfillment::sandbox::tick(&state).await {
                tracing::warn!(error = %e.describe(), "sandbox carrier failed");
            }
            match crate::services::fulfillment::complete_delivered(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(completed = n, "completed orders past their return window"),
                Err(e) => tracing::warn!(error = %e.describe(), "completing orders failed"),
            }
        }
    });
}

/// Dispatches the outbox: at once when a command says it committed (an
/// order changed, here or on another instance), and every
/// `OMS_OUTBOX_POLL_MS` for anything else (a crash between commit and the
/// wake-up, a writer that published nothing).
fn spawn_outbox_dispatcher(state: AppState) {
    let mut rx = state.bus.subscribe();
    let rt = state.notifications.clone();
    actix_web::rt::spawn(async move {
        use crate::events::DomainEvent;
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(DomainEvent::OrderChanged { .. }) => rt.dispatch_wake.notify_one(),
                Ok(DomainEvent::OutboxDispatched { position }) => rt.advance(position),
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => rt.dispatch_wake.notify_one(),
                Err(RecvError::Closed) => break,
            }
        }
    });
    actix_web::rt::spawn(async move {
        let poll = Duration::from_millis(state.config.outbox_poll_ms);
        loop {
            tokio::select! {
                _ = state.notifications.dispatch_wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
            if let Err(e) = crate::services::notifications::dispatch::dispatch(&state).await {
                tracing::warn!(error = %e.describe(), "dispatching the outbox failed");
                tokio::time::sleep(poll).await;
            }
        }
    });
}

/// Sends webhook deliveries: at once when the dispatcher planned some or
/// a redelivery was asked for, and at a short poll for retries coming due
/// (and work another instance planned).
fn spawn_webhook_sender(state: AppState) {
    actix_web::rt::spawn(async move {
        let poll = crate::services::webhooks::sender::poll_interval(&state);
        loop {
            tokio::select! {
                _ = state.notifications.webhook_wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
            if let Err(e) = crate::services::webhooks::sender::send_due(&state).await {
                tracing::warn!(error = %e.describe(), "sending webhooks failed");
                tokio::time::sleep(poll).await;
            }
        }
    });
}

/// Sends customer email: at once when the dispatcher planned some (here
/// or on another instance), when a staff resend asks, and whenever a
/// retry falls due.
fn spawn_mail_worker(state: AppState) {
    actix_web::rt::spawn(async move {
        let poll = Duration::from_millis(state.config.outbox_poll_ms);
        let mailer = loop {
            match crate::services::notifications::email::send::Mailer::from_state(&state) {
                Ok(m) => break m,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "email is not configured; nothing is sent");
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
            }
        };
        tracing::info!(to = %mailer.describe(), "mail worker started");
        loop {
            let wait = crate::services::notifications::email::send::deliver_due(&state, &mailer)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e.describe(), "sending email failed");
                    poll
                });
            tokio::select! {
                _ = state.notifications.mail_wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    });
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
