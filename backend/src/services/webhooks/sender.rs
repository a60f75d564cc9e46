//! The sender: claims due deliveries, checks where the endpoint's host
//! resolves to now (refusing forbidden addresses again, against DNS
//! rebinding) and connects to exactly that address, posts the body signed
//! with a fresh timestamp, and records the outcome: SUCCEEDED on 2xx;
//! otherwise another attempt later (backoff) or FAILED once the window is
//! over. An endpoint failing for `OMS_WEBHOOK_DISABLE_AFTER_SECS` is
//! disabled and its owner told.
//!
//! Claiming sets `locked_until` in a short transaction of its own; on
//! PostgreSQL the rows are selected `FOR UPDATE SKIP LOCKED`, so several
//! instances share the work and never send one delivery twice at once. A
//! crashed sender's claim expires after the lease.

use std::net::SocketAddr;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::endpoints::{AddressError, checked_address};
use crate::domain::webhooks::{
    DeliveryStatus, Host, SIGNATURE_HEADER, WebhookUrl, should_disable, signature_header,
};
use crate::error::AppResult;
use crate::state::AppState;

/// Deliveries claimed (and sent concurrently) per round.
const BATCH: u64 = 16;

/// How an attempt ended.
enum Outcome {
    Succeeded {
        code: i32,
        latency_ms: i64,
    },
    /// Worth trying again later.
    Failed {
        code: Option<i32>,
        latency_ms: Option<i64>,
        error: String,
    },
    /// Not worth trying again: a refused address (an attempt that failed
    /// before sending anything), or an endpoint disabled or deleted
    /// meanwhile (no attempt; the last one's outcome stays in the log).
    GaveUp {
        error: String,
        attempted: bool,
    },
}

/// How often the sender looks for due retries nobody woke it for.
pub fn poll_interval(state: &AppState) -> std::time::Duration {
    let base = state
        .config
        .webhooks
        .retry
        .base
        .num_milliseconds()
        .clamp(50, 1000);
    std::time::Duration::from_millis(base.unsigned_abs())
}

/// Sends everything due now; returns how many attempts were made.
pub async fn send_due(state: &AppState) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let claimed = claim(state).await?;
        let n = claimed.len();
        let attempts = claimed.into_iter().map(|d| attempt(state, d));
        for result in futures_util::future::join_all(attempts).await {
            result?;
        }
        total += n;
        if (n as u64) < BATCH {
            return Ok(total);
        }
    }
}

/// Marks up to [`BATCH`] due deliveries as ours until the lease ends.
async fn claim(state: &AppState) -> AppResult<Vec<webhook_delivery::Model>> {
    let now = Utc::now();
    let lease = Duration::from_std(state.config.webhooks.timeout).unwrap_or(Duration::seconds(10))
        + Duration::seconds(30);
    let due = || {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(
                Condition::any()
                    .add(webhook_delivery::Column::LockedUntil.is_null())
                    .add(webhook_delivery::Column::LockedUntil.lt(now)),
            )
    };
    // A read first: an idle poll takes no write lock (SQLite has one writer).
    if due().one(&state.db.conn).await?.is_none() {
        return Ok(Vec::new());
    }
    let tx = state.db.begin_write().await?;
    let mut q = due()
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(BATCH);
    if state.db.backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&*tx).await?;
    if rows.is_empty() {
        tx.rollback().await?;
        return Ok(rows);
    }
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::LockedUntil,
            Expr::value(now + lease),
        )
        .filter(webhook_delivery::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// One attempt of one claimed delivery, recorded.
async fn attempt(state: &AppState, d: webhook_delivery::Model) -> AppResult<()> {
    let endpoint = webhook_endpoint::Entity::find_by_id(d.endpoint_id)
        .one(&state.db.conn)
        .await?;
    let outcome = match endpoint {
        None => Outcome::GaveUp {
            error: "the endpoint was deleted".into(),
            attempted: false,
        },
        Some(e) if !e.enabled => Outcome::GaveUp {
            error: "the endpoint is disabled".into(),
            attempted: false,
        },
        Some(e) => post(state, &e, &d.body).await,
    };
    record(state, &d, outcome).await
}

/// Checks the address and posts the signed body.
async fn post(state: &AppState, e: &webhook_endpoint::Model, body: &str) -> Outcome {
    let allow = state.config.webhooks_allow_private;
    let url = match WebhookUrl::parse(&e.url, allow) {
        Ok(u) => u,
        Err(p) => {
            return Outcome::GaveUp {
                error: format!("refused: the URL {}", p.message()),
                attempted: true,
            };
        }
    };
    let addr: SocketAddr = match checked_address(&url, allow).await {
        Ok(a) => a,
        Err(AddressError::Forbidden(ip)) => {
            return Outcome::GaveUp {
                error: format!(
                    "refused: the host resolves to {ip}, a loopback, private, link-local or \
                     reserved address; nothing was sent"
                ),
                attempted: true,
            };
        }
        Err(other) => {
            return Outcome::Failed {
                code: None,
                latency_ms: None,
                error: other.message(),
            };
        }
    };
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(state.config.webhooks.timeout)
        .user_agent("OMS-Webhooks/1");
    // Connect to the address just checked, not to whatever a second
    // lookup would return.
    if let Some(Host::Name(name)) = url.host() {
        client = client.resolve(&name, addr);
    }
    let client = match client.build() {
        Ok(c) => c,
        Err(err) => {
            return Outcome::Failed {
                code: None,
                latency_ms: None,
                error: format!("could not prepare the request: {err}"),
            };
        }
    };
    let event_type = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| Some((v["id"].as_i64()?, v["type"].as_str()?.to_string())));
    let t = Utc::now().timestamp();
    let mut req = client
        .post(url.url().clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature_header(&e.secret, t, body));
    if let Some((id, kind)) = &event_type {
        req = req
            .header("X-OMS-Event-Id", id.to_string())
            .header("X-OMS-Event-Type", kind.as_str());
    }
    let started = Instant::now();
    let sent = req.body(body.to_string()).send().await;
    let latency_ms = started.elapsed().as_millis() as i64;
    match sent {
        Ok(r) if r.status().is_success() => Outcome::Succeeded {
            code: i32::from(r.status().as_u16()),
            latency_ms,
        },
        Ok(r) => Outcome::Failed {
            code: Some(i32::from(r.status().as_u16())),
            latency_ms: Some(latency_ms),
            error: format!("the endpoint answered HTTP {}", r.status().as_u16()),
        },
        Err(err) if err.is_timeout() => Outcome::Failed {
            code: None,
            latency_ms: Some(latency_ms),
            error: format!(
                "no answer within {} ms",
                state.config.webhooks.timeout.as_millis()
            ),
        },
        Err(err) => Outcome::Failed {
            code: None,
            latency_ms: Some(latency_ms),
            error: format!("could not connect: {}", root_cause(&err)),
        },
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut e = err;
    while let Some(next) = e.source() {
        e = next;
    }
    e.to_string()
}

/// Writes the attempt's outcome and the endpoint's failure streak.
async fn record(state: &AppState, d: &webhook_delivery::Model, outcome: Outcome) -> AppResult<()> {
    use webhook_delivery::Column as C;
    let now = Utc::now();
    let attempted = !matches!(
        outcome,
        Outcome::GaveUp {
            attempted: false,
            ..
        }
    );
    let attempts = d.attempts + i32::from(attempted);
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(C::Attempts, Expr::value(attempts))
        .col_expr(C::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    let endpoint_ok = match &outcome {
        Outcome::Succeeded { code, latency_ms } => {
            update = update
                .col_expr(C::Status, Expr::value(DeliveryStatus::Succeeded.as_str()))
                .col_expr(C::ResponseCode, Expr::value(*code))
                .col_expr(C::LatencyMs, Expr::value(*latency_ms))
                .col_expr(C::Error, Expr::value(Option::<String>::None))
                .col_expr(C::DeliveredAt, Expr::value(now));
            Some(true)
        }
        Outcome::Failed {
            code,
            latency_ms,
            error,
        } => {
            let jitter: f64 = rand::random();
            let failed = u32::try_from(attempts).unwrap_or(u32::MAX);
            let next = state
                .config
                .webhooks
                .retry
                .next_attempt(d.created_at, now, failed, jitter);
            update = match next {
                Some(at) => update.col_expr(C::NextAttemptAt, Expr::value(at)),
                None => update.col_expr(C::Status, Expr::value(DeliveryStatus::Failed.as_str())),
            };
            update = update
                .col_expr(C::ResponseCode, Expr::value(*code))
                .col_expr(C::LatencyMs, Expr::value(*latency_ms))
                .col_expr(C::Error, Expr::value(error.clone()));
            Some(false)
        }
        Outcome::GaveUp { error, attempted } => {
            update = update
                .col_expr(C::Status, Expr::value(DeliveryStatus::Failed.as_str()))
                .col_expr(C::Error, Expr::value(error.clone()));
            if *attempted {
                update = update
                    .col_expr(C::ResponseCode, Expr::value(Option::<i32>::None))
                    .col_expr(C::LatencyMs, Expr::value(Option::<i64>::None));
            }
            attempted.then_some(false)
        }
    };
    let tx = state.db.begin_write().await?;
    update
        .filter(C::Id.eq(d.id))
        .filter(C::Status.eq(DeliveryStatus::Pending.as_str()))
        .exec(&*tx)
        .await?;
    match endpoint_ok {
        Some(true) => {
            webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::FailingSince,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(webhook_endpoint::Column::Id.eq(d.endpoint_id))
                .filter(webhook_endpoint::Column::FailingSince.is_not_null())
                .exec(&*tx)
                .await?;
        }
        Some(false) => endpoint_failed(state, &tx, d.endpoint_id, now).await?,
        None => {}
    }
    tx.commit().await?;
    if endpoint_ok == Some(false) {
        // A disabled endpoint's owner may have an email waiting.
        state.notifications.mail_wake.notify_one();
    }
    Ok(())
}

/// Starts or continues the endpoint's failure streak; disables it once the
/// streak is as long as `OMS_WEBHOOK_DISABLE_AFTER_SECS`.
async fn endpoint_failed(
    state: &AppState,
    tx: &crate::db::WriteTx,
    endpoint_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use webhook_endpoint::Column as E;
    webhook_endpoint::Entity::update_many()
        .col_expr(E::FailingSince, Expr::value(now))
        .filter(E::Id.eq(endpoint_id))
        .filter(E::FailingSince.is_null())
        .exec(&**tx)
        .await?;
    let Some(e) = webhook_endpoint::Entity::find_by_id(endpoint_id)
        .one(&**tx)
        .await?
    else {
        return Ok(());
    };
    let after = state.config.webhooks.disable_after;
    if !e.enabled || !should_disable(e.failing_since, now, after) {
        return Ok(());
    }
    let since = e.failing_since.unwrap_or(now);
    let reason = format!(
        "deliveries failed without a success since {} ({} seconds); re-enable it once the receiver works",
        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (now - since).num_seconds()
    );
    let changed = webhook_endpoint::Entity::update_many()
        .col_expr(E::Enabled, Expr::value(false))
        .col_expr(E::DisabledReason, Expr::value(reason.clone()))
        .col_expr(E::UpdatedAt, Expr::value(now))
        .filter(E::Id.eq(endpoint_id))
        .filter(E::Enabled.eq(true))
        .exec(&**tx)
        .await?;
    if changed.rows_affected == 1 {
        super::owner::tell_disabled(&**tx, &e, &reason, now).await?;
    }
    Ok(())
}
