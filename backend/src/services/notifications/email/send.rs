//! The mail worker's side: claim due emails, render them, send them
//! through lettre and record the outcome. Claims are leases
//! (`locked_until`): a worker that dies mid-send leaves a row another
//! claims once the lease runs out. On PostgreSQL the claim skips rows other
//! instances hold (`FOR UPDATE SKIP LOCKED`), so several share the work.
//! A crash between the SMTP server's acceptance and the SENT mark sends
//! that email again (at least once); the Message-ID, derived from the
//! notification id, lets mail software see the repeat.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::notification;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::context::context_for;
use super::templates::current;
use super::{FAILED, PENDING, SENT};
use crate::domain::notifications::email::render::render;
use crate::domain::notifications::email::{Failure, Language, Template, classify};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Emails claimed per round.
const BATCH: u64 = 16;
/// The longest the worker sleeps without looking for due mail.
const MAX_IDLE: Duration = Duration::from_secs(30);
/// Error texts kept in the log (characters).
const MAX_ERROR_CHARS: usize = 500;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// Where mail goes: the SMTP server of `OMS_SMTP_URL`, or `.eml` files in
/// `<data dir>/mail`.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    shop_name: String,
}

impl Mailer {
    /// Builds the transport from the configuration (and creates the mail
    /// directory when mail goes to files).
    pub fn from_state(state: &AppState) -> anyhow::Result<Mailer> {
        use anyhow::Context;
        let config = &state.config;
        let from: Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("OMS_MAIL_FROM {:?} is not an address", config.mail_from))?;
        let shop_name = from.name.clone().unwrap_or_else(|| "OMS".into());
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("OMS_SMTP_URL")?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("create {}", dir.display()))?;
                Transport::File(AsyncFileTransport::<Tokio1Executor>::new(&dir), dir)
            }
        };
        Ok(Mailer {
            transport,
            from,
            shop_name,
        })
    }

    /// Where mail goes, for the start-up log line.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP (OMS_SMTP_URL)".into(),
            Transport::File(_, dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one message; the error says whether to try again.
    async fn deliver(&self, msg: Message) -> Result<(), (Failure, String)> {
        match &self.transport {
            Transport::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| {
                let code = e.status().map(u16::from);
                (classify(code, false), format!("{e}"))
            }),
            Transport::File(t, _) => t
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| (Failure::Transient, format!("{e}"))),
        }
    }
}

/// Claims up to [`BATCH`] due emails for `lease`: PENDING, due, and not
/// held by a live claim. Each claim counts as an attempt.
async fn claim(state: &AppState, now: DateTime<Utc>) -> AppResult<Vec<notification::Model>> {
    let lease = chrono::Duration::from_std(state.config.mail.lease)
        .map_err(|e| AppError::Internal(e.into()))?;
    let due = || {
        Condition::all()
            .add(notification::Column::Status.eq(PENDING))
            .add(notification::Column::NextAttemptAt.lte(now))
            .add(
                Condition::any()
                    .add(notification::Column::LockedUntil.is_null())
                    .add(notification::Column::LockedUntil.lt(now)),
            )
    };
    // An idle poll only reads: SQLite's single writer is taken only when
    // something is due.
    let any_due = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(due())
        .limit(1)
        .into_tuple::<uuid::Uuid>()
        .one(&state.db.conn)
        .await?;
    if any_due.is_none() {
        return Ok(Vec::new());
    }
    let tx = state.db.begin_write().await?;
    let mut pick = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .filter(due())
        .order_by_asc(notification::Column::NextAttemptAt)
        .limit(BATCH);
    if state.db.backend() == DbBackend::Postgres {
        pick = pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<uuid::Uuid> = pick.into_tuple().all(&*tx).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(
            notification::Column::Attempts,
            Expr::col(notification::Column::Attempts).add(1),
        )
        .filter(notification::Column::Id.is_in(ids.clone()))
        .filter(due())
        .exec(&*tx)
        .await?;
    // Ours: the rows are locked by this transaction on PostgreSQL, and
    // SQLite has one writer. (No equality on the lease time: PostgreSQL
    // keeps microseconds, chrono has nanoseconds.)
    let rows = notification::Entity::find()
        .filter(notification::Column::Id.is_in(ids))
        .filter(notification::Column::Status.eq(PENDING))
        .all(&*tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Sends everything due, round by round; returns how long the worker may
/// sleep before something else falls due.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> AppResult<Duration> {
    loop {
        let now = Utc::now();
        let batch = claim(state, now).await?;
        if batch.is_empty() {
            break;
        }
        // The batch's messages go out together (lettre pools SMTP
        // connections); each outcome is recorded on its own.
        let sends = batch
            .iter()
            .map(|n| async move { (n, send_one(state, mailer, n).await) });
        for (n, outcome) in futures_util::future::join_all(sends).await {
            record(state, n, outcome).await?;
        }
    }
    next_wake(state).await
}

/// Until the next PENDING email falls due (at most [`MAX_IDLE`]).
async fn next_wake(state: &AppState) -> AppResult<Duration> {
    let next: Option<DateTime<Utc>> = notification::Entity::find()
        .select_only()
        .column(notification::Column::NextAttemptAt)
        .filter(notification::Column::Status.eq(PENDING))
        .filter(notification::Column::LockedUntil.is_null())
        .order_by_asc(notification::Column::NextAttemptAt)
        .limit(1)
        .into_tuple()
        .one(&state.db.conn)
        .await?;
    let floor = Duration::from_millis(state.config.outbox_poll_ms);
    Ok(match next {
        None => MAX_IDLE,
        Some(at) => (at - Utc::now())
            .to_std()
            .unwrap_or(floor)
            .max(floor)
            .min(MAX_IDLE),
    })
}

/// What happened to one send: the rendered subject (when it got that far)
/// and the failure, if any.
struct Outcome {
    subject: Option<String>,
    failure: Option<(Failure, String)>,
}

async fn send_one(state: &AppState, mailer: &Mailer, n: &notification::Model) -> Outcome {
    let fail = |subject: Option<String>, kind: Failure, e: String| Outcome {
        subject,
        failure: Some((kind, e)),
    };
    let (Some(template), Some(language)) =
        (Template::parse(&n.template), Language::parse(&n.language))
    else {
        return fail(
            None,
            Failure::Permanent,
            "unknown template or language".into(),
        );
    };
    let base_url = state.payments.base_url();
    let rendered = async {
        let src = current(&state.db.conn, template, language).await?.source;
        let ctx = context_for(&state.db.conn, &base_url, &mailer.shop_name, n).await?;
        render(&src, &ctx).map_err(|e| AppError::invalid(e.field, e.message))
    }
    .await;
    let rendered = match rendered {
        Ok(r) => r,
        Err(AppError::InvalidInput { field, message }) => {
            return fail(
                None,
                Failure::Permanent,
                format!("template {field}: {message}"),
            );
        }
        // The database hiccuped: try again later.
        Err(e) => return fail(None, Failure::Transient, e.describe()),
    };
    let subject = Some(rendered.subject.clone());
    let to: Mailbox = match n.recipient.parse() {
        Ok(to) => to,
        Err(e) => {
            return fail(
                subject,
                classify(None, true),
                format!("invalid address {:?}: {e}", n.recipient),
            );
        }
    };
    let domain = mailer.from.email.domain().to_string();
    let msg = Message::builder()
        .message_id(Some(format!("<{}@{domain}>", n.id)))
        .from(mailer.from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ));
    let msg = match msg {
        Ok(m) => m,
        Err(e) => return fail(subject, Failure::Permanent, format!("{e}")),
    };
    match mailer.deliver(msg).await {
        Ok(()) => Outcome {
            subject,
            failure: None,
        },
        Err((kind, e)) => fail(subject, kind, e),
    }
}

/// Marks the email SENT, schedules its retry, or marks it FAILED.
async fn record(state: &AppState, n: &notification::Model, outcome: Outcome) -> AppResult<()> {
    let now = Utc::now();
    let mut update = notification::Entity::update_many()
        .col_expr(
            notification::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(notification::Column::Id.eq(n.id));
    if let Some(subject) = outcome.subject {
        update = update.col_expr(notification::Column::Subject, Expr::value(subject));
    }
    update = match outcome.failure {
        None => update
            .col_expr(notification::Column::Status, Expr::value(SENT))
            .col_expr(notification::Column::SentAt, Expr::value(now))
            .col_expr(notification::Column::Error, Expr::value(None::<String>)),
        Some((kind, error)) => {
            let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
            let delay = match kind {
                Failure::Transient => state
                    .config
                    .mail
                    .retry
                    .next_delay(n.attempts, rand::random::<f64>()),
                Failure::Permanent => None,
            };
            match delay {
                Some(d) => {
                    let at = now + chrono::Duration::from_std(d).unwrap_or_default();
                    tracing::info!(id = %n.id, attempts = n.attempts, error = %error, "email failed; retrying");
                    update.col_expr(notification::Column::NextAttemptAt, Expr::value(at))
                }
                None => {
                    tracing::warn!(id = %n.id, attempts = n.attempts, error = %error, "email failed for good");
                    update.col_expr(notification::Column::Status, Expr::value(FAILED))
                }
            }
            .col_expr(notification::Column::Error, Expr::value(error))
        }
    };
    // Through the writer like every write (SQLite has one).
    let tx = state.db.begin_write().await?;
    update.exec(&*tx).await?;
    tx.commit().await?;
    Ok(())
}
