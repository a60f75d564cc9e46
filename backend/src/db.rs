//! Database access shared by every service: one pool, plus a write lock on
//! SQLite (one writer at a time, so a deferred transaction never fails at
//! once with SQLITE_BUSY under load). PostgreSQL needs no such lock.
//!
//! A request waits at most `OMS_DB_TIMEOUT_SECS` for a pooled connection;
//! when the database is down, the pool's connection attempts fail within
//! that bound and the error is classified by [`is_unavailable`], so clients
//! get `UNAVAILABLE` instead of a hang. The pool reconnects by itself: a
//! connection is tested when it goes back to the pool and (PostgreSQL) again
//! before use once it has been idle for a second; a broken one is replaced.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, FromQueryResult, QueryTrait, RuntimeErr, Select, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::config::Config;

/// How long the server waits at start for a database that is not up yet
/// (a container starting next to it), retrying connection failures.
const STARTUP_WAIT: Duration = Duration::from_secs(30);

/// A pooled PostgreSQL connection idle for this long is pinged before use.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The pool and the statement counter exposed at `/metrics`.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_lock: Option<Arc<Mutex<()>>>,
    statements: Arc<AtomicU64>,
}

/// A write transaction; on SQLite it also holds the write lock until it ends.
///
/// Dropped without `commit` or `rollback` (an early `?` return), it rolls
/// back on a spawned task that keeps the write lock until the rollback has
/// run: otherwise the next writer could meet a connection still holding
/// SQLite's write lock and fail with SQLITE_BUSY.
pub struct WriteTx {
    txn: Option<DatabaseTransaction>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        match &self.txn {
            Some(t) => t,
            // `txn` is taken only by `commit`/`rollback`, which consume self.
            None => unreachable!("write transaction used after it ended"),
        }
    }
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), sea_orm::DbErr> {
        match self.txn.take() {
            Some(t) => t.commit().await,
            None => Ok(()),
        }
    }

    pub async fn rollback(mut self) -> Result<(), sea_orm::DbErr> {
        match self.txn.take() {
            Some(t) => t.rollback().await,
            None => Ok(()),
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let (Some(txn), guard) = (self.txn.take(), self.guard.take()) else {
            return;
        };
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if let Err(e) = txn.rollback().await {
                    tracing::warn!(error = %e, "rolling back an abandoned transaction");
                }
                drop(guard);
            });
        }
    }
}

impl Db {
    pub async fn connect(config: &Config) -> anyhow::Result<Db> {
        let sqlite = config.is_sqlite();
        if sqlite {
            std::fs::create_dir_all(&config.data_dir).with_context(|| {
                format!("creating data directory {}", config.data_dir.display())
            })?;
        }
        // The acquire timeout bounds the whole wait for a connection,
        // including opening a new one (sqlx retries a refused connection
        // until then); sea-orm's `connect_timeout` is the same sqlx setting.
        let acquire = Duration::from_secs(config.db_timeout_secs);
        let mut opts = ConnectOptions::new(config.database_url.clone());
        opts.sqlx_logging(false).acquire_timeout(acquire);
        if sqlite {
            // A file cannot drop a connection: no liveness ping on acquire
            // (on SQLite each ping is a round trip to the connection's
            // worker thread).
            opts.max_connections(8)
                .min_connections(1)
                .test_before_acquire(false);
            opts.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            // sqlx already pings every connection when it goes back to the
            // pool, so only one that has sat idle since then is pinged
            // again before use; pinging on every acquire too cost a round
            // trip per statement. A connection broken within that window
            // (the server restarted) fails its statement as UNAVAILABLE and
            // is discarded by the ping on release.
            opts.max_connections(32)
                .min_connections(1)
                .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
        }
        let started = Instant::now();
        let mut conn = loop {
            match Database::connect(opts.clone()).await {
                Ok(conn) => break conn,
                Err(e) if worth_waiting_for(&e) && started.elapsed() < STARTUP_WAIT => {
                    tracing::warn!(error = %e, "database not reachable yet; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => {
                    return Err(anyhow::Error::new(e)).with_context(|| {
                        format!("connecting to {}", redact(&config.database_url))
                    });
                }
            }
        };
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_info| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Db {
            conn,
            write_lock: sqlite.then(|| Arc::new(Mutex::new(()))),
            statements,
        })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begins a write transaction (serialized on SQLite).
    pub async fn begin_write(&self) -> Result<WriteTx, sea_orm::DbErr> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let txn = self.conn.begin().await?;
        Ok(WriteTx {
            txn: Some(txn),
            guard,
        })
    }

    /// SQL statements run since start.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub async fn ping(&self) -> Result<(), sea_orm::DbErr> {
        self.conn.ping().await
    }
}

/// `Select::one` without a bound `LIMIT ?` on SQLite.
///
/// SQLite (3.51 here) treats a statement whose LIMIT is a bound parameter as
/// depending on that parameter's value, so each execution re-prepares it
/// (parse and plan, about half the SQLite time of a read) instead of reusing
/// the cached prepared statement. Without the LIMIT the first row is the
/// same row and SQLite steps no further. PostgreSQL keeps `LIMIT 1` (its
/// server would otherwise send every matching row).
pub trait FirstRow<E: EntityTrait> {
    fn first<C: ConnectionTrait>(
        self,
        db: &C,
    ) -> impl Future<Output = Result<Option<E::Model>, DbErr>> + Send;
}

impl<E: EntityTrait> FirstRow<E> for Select<E> {
    async fn first<C: ConnectionTrait>(self, db: &C) -> Result<Option<E::Model>, DbErr> {
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                let stmt = self.build(DbBackend::Sqlite);
                E::Model::find_by_statement(stmt).one(db).await
            }
            _ => self.one(db).await,
        }
    }
}

/// The database cannot be reached right now, as opposed to a statement that
/// failed: no connection within the acquire timeout, the pool closed, a
/// connection refused, reset or closed under a query, or the server shutting
/// down or starting up. Clients see these as `UNAVAILABLE` (retry later);
/// every other error (bad SQL, a constraint, a decoding problem) stays
/// `INTERNAL`.
pub fn is_unavailable(e: &DbErr) -> bool {
    match e {
        // Acquiring a pooled connection (timeout, closed pool) and opening
        // or pinging one are connection-level by definition.
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)) => {
            sqlx_unavailable(err)
        }
        _ => false,
    }
}

/// A transient connection failure, worth retrying while the server starts
/// (a wrong password or database name is not: that fails at once).
fn worth_waiting_for(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(err))
        | DbErr::Exec(RuntimeErr::SqlxError(err))
        | DbErr::Query(RuntimeErr::SqlxError(err)) => sqlx_unavailable(err),
        _ => false,
    }
}

/// The sqlx error says the connection, not the statement, failed.
pub fn sqlx_unavailable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error as E;
    match err {
        E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => true,
        E::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: class 08 (connection exception), 57P01-57P03
            // (shutting down, crashed, starting up), 53300 (too many
            // connections). SQLite's codes are numbers and never match.
            (code.len() == 5 && code.starts_with("08"))
                || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// The URL without its password, for logs and error lines.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{ConnAcquireErr, ConnectionTrait};

    use super::*;

    fn sqlx(e: sea_orm::sqlx::Error) -> RuntimeErr {
        RuntimeErr::SqlxError(Arc::new(e))
    }

    fn io(kind: std::io::ErrorKind) -> sea_orm::sqlx::Error {
        sea_orm::sqlx::Error::Io(std::io::Error::from(kind))
    }

    #[test]
    fn connection_failures_are_unavailable() {
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_unavailable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::ConnectionClosed
        )));
        assert!(is_unavailable(&DbErr::Conn(sqlx(io(
            std::io::ErrorKind::ConnectionRefused
        )))));
        assert!(is_unavailable(&DbErr::Query(sqlx(io(
            std::io::ErrorKind::ConnectionReset
        )))));
        assert!(is_unavailable(&DbErr::Exec(sqlx(io(
            std::io::ErrorKind::UnexpectedEof
        )))));
        assert!(is_unavailable(&DbErr::Exec(sqlx(
            sea_orm::sqlx::Error::PoolTimedOut
        ))));
    }

    #[test]
    fn statement_failures_are_not_unavailable() {
        assert!(!is_unavailable(&DbErr::Query(sqlx(
            sea_orm::sqlx::Error::RowNotFound
        ))));
        assert!(!is_unavailable(&DbErr::Exec(sqlx(
            sea_orm::sqlx::Error::Protocol("bad".into())
        ))));
        assert!(!is_unavailable(&DbErr::RecordNotFound("x".into())));
        assert!(!is_unavailable(&DbErr::Custom("x".into())));
    }

    #[tokio::test]
    async fn a_bad_statement_is_not_unavailable() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let err = db
            .execute_unprepared("SELECT * FROM no_such_table")
            .await
            .unwrap_err();
        assert!(!is_unavailable(&err), "{err:?}");
        assert!(!worth_waiting_for(&err));
    }

    #[test]
    fn only_transient_connection_failures_are_retried_at_start() {
        assert!(worth_waiting_for(&DbErr::Conn(sqlx(
            sea_orm::sqlx::Error::PoolTimedOut
        ))));
        assert!(!worth_waiting_for(&DbErr::Conn(sqlx(
            sea_orm::sqlx::Error::Configuration("bad url".into())
        ))));
    }
}
