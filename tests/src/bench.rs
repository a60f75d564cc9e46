//! What the benchmark programs share: finding the release `oms` binary and
//! a throw-away workspace (temp dir, fresh SQLite file or PostgreSQL
//! database) for one run, the server started on it, GraphQL over HTTP.
//! Included by `loadgen`, `paybench` and `outboxbench`; each uses a part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
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

/// The running server.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    /// Starts the release server on the workspace with demo data (no demo
    /// orders) and `envs` on top; no `OMS_*` of the caller leaks in.
    pub async fn start(ws: &Workspace, envs: &[(&str, &str)]) -> Res<Server> {
        let mut cmd = Command::new(oms_bin()?);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if (k.starts_with("OMS_") && k != "OMS_BIN" && k != "OMS_WORKERS")
                || k == "DATABASE_URL"
            {
                cmd.env_remove(&key);
            }
        }
        let log = std::fs::File::create(ws.dir.join("oms.log"))?;
        cmd.arg("serve")
            .env("OMS_BIND", "127.0.0.1:0")
            .env("OMS_DATA_DIR", &ws.dir)
            .env("OMS_SEED_DEMO", "true")
            .env("OMS_SEED_DEMO_ORDERS", "false")
            .env("OMS_LOG", "warn")
            .env("OMS_SITE_ROOT", ws.dir.join("site"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        if !ws.is_sqlite() {
            cmd.env("DATABASE_URL", &ws.db_url);
        }
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let find = async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.trim().strip_prefix("oms listening on ") {
                    return Some(rest.trim().trim_end_matches('/').to_owned());
                }
            }
            None
        };
        let addr = match tokio::time::timeout(Duration::from_secs(120), find).await {
            Ok(Some(a)) => a,
            _ => {
                let _ = child.start_kill();
                let log = std::fs::read_to_string(ws.dir.join("oms.log")).unwrap_or_default();
                return Err(format!("oms did not start listening; its log:\n{log}").into());
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { child, addr })
    }

    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        if tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.start_kill();
        }
    }
}

/// GraphQL over HTTP.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub url: String,
}

impl Api {
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Res<Value> {
        let mut req = self
            .client
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let text = req.send().await?.text().await?;
        Ok(serde_json::from_str(&text)?)
    }

    pub async fn gql_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Res<Value> {
        let resp = self.gql(token, query, variables).await?;
        if resp["errors"].as_array().is_some_and(|e| !e.is_empty()) {
            return Err(format!("GraphQL error: {resp}").into());
        }
        Ok(resp["data"].clone())
    }

    pub async fn login(&self, email: &str, password: &str) -> Res<String> {
        let data = self
            .gql_ok(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                json!({ "e": email, "p": password }),
            )
            .await?;
        Ok(data["login"]["accessToken"]
            .as_str()
            .ok_or("no access token")?
            .to_owned())
    }
}

/// The server's SQL statement counter (from `/metrics`).
pub async fn sql_statements(client: &reqwest::Client, addr: &str) -> Res<u64> {
    let text = client
        .get(format!("{addr}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("oms_sql_statements_total")
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .map(|v| v as u64)
        .ok_or_else(|| format!("no oms_sql_statements_total in /metrics:\n{text}").into())
}
