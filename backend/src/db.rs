//! Database access shared by every service: one pool, plus a write lock on
//! SQLite (one writer at a time, so a deferred transaction never fails at
//! once with SQLITE_BUSY under load). PostgreSQL needs no such lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::config::Config;

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
        let mut opts = ConnectOptions::new(config.database_url.clone());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if sqlite {
            opts.max_connections(8).min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            opts.max_connections(32).min_connections(1);
        }
        let mut conn = Database::connect(opts)
            .await
            .with_context(|| format!("connecting to {}", redact(&config.database_url)))?;
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
