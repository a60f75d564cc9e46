//! What the benchmark programs share: finding the release `oms` binary and
//! a throw-away workspace (temp dir, fresh SQLite file or PostgreSQL
//! database) for one run. Included by `loadgen` and `paybench`.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Res<T> = Result<T, BoxError>;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The release `oms` binary (or `$OMS_BIN`).
pub fn oms_bin() -> Res<PathBuf> {
    let path = match std::env::var_os("OMS_BIN") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("target").join("release").join("oms"),
    };
    if !path.is_file() {
        return Err(format!(
            "the release oms binary was not found at {}: build it first with `cargo build --release -p backend` (or set OMS_BIN)",
            path.display()
        )
        .into());
    }
    Ok(path)
}

/// `postgres://u@h:5432/postgres?x=y` + `db` → `postgres://u@h:5432/db?x=y`.
pub fn replace_db_name(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = base[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..authority_end], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Where the run's data lives; cleaned up on drop.
pub struct Workspace {
    pub dir: PathBuf,
    pub pg: Option<(String, String)>, // (admin url, database name)
    pub db_url: String,
}

impl Workspace {
    /// A temp dir, and a fresh PostgreSQL database `oms_<tool>_<run>` when
    /// `database_url` names the server (else a SQLite file in the dir).
    pub async fn create(database_url: Option<&str>, tool: &str) -> Res<Workspace> {
        let run = Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("oms-{tool}-{run}"));
        std::fs::create_dir_all(&dir)?;
        match database_url {
            Some(admin) => {
                let name = format!("oms_{tool}_{run}");
                let db = Database::connect(admin).await?;
                db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                let _ = db.close().await;
                Ok(Workspace {
                    db_url: replace_db_name(admin, &name),
                    dir,
                    pg: Some((admin.to_owned(), name)),
                })
            }
            None => Ok(Workspace {
                db_url: format!("sqlite://{}", dir.join("oms.db").display()),
                dir,
                pg: None,
            }),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.pg.is_none()
    }

    /// Drops the database and removes the dir.
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg {
            match Database::connect(admin.as_str()).await {
                Ok(db) => {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    if let Err(e) = db.execute_unprepared(&sql).await {
                        eprintln!("warning: {sql}: {e}");
                    }
                    let _ = db.close().await;
                }
                Err(e) => eprintln!("warning: could not drop {name}: {e}"),
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
