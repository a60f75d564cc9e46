//! Test harness: starts the real `oms serve` binary on a random port with a
//! fresh database per test, and talks to it the way clients do (GraphQL over
//! HTTP, graphql-transport-ws over WebSocket, HTML forms).
//!
//! Database: a new SQLite file in a temp data dir by default; when
//! `TEST_DATABASE_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
//! a fresh PostgreSQL database `oms_test_<random>` is created for the test
//! and dropped (WITH (FORCE)) when the `TestApp` is dropped.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// How long a server may take to print its listening line (first start runs
/// migrations and hashes the demo passwords).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// How long we wait for one WebSocket message before giving up.
pub const WS_TIMEOUT: Duration = Duration::from_secs(15);

/// The workspace root (parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests crate lives inside the workspace")
        .to_path_buf()
}

/// Path of the `oms` binary under test: `$OMS_BIN`, else `<workspace>/target/debug/oms`.
pub fn oms_bin() -> PathBuf {
    let path = match std::env::var_os("OMS_BIN") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("target").join("debug").join("oms"),
    };
    assert!(
        path.is_file(),
        "the oms binary was not found at {}: run `cargo build -p backend` first \
         (or set OMS_BIN to the binary to test)",
        path.display()
    );
    path
}

/// A `Command` for the `oms` binary with every inherited `OMS_*` / `DATABASE_URL`
/// variable removed, so the developer's environment cannot leak into a test.
pub fn oms_command() -> Command {
    let mut cmd = Command::new(oms_bin());
    for (key, _) in std::env::vars_os() {
        let key_str = key.to_string_lossy();
        if (key_str.starts_with("OMS_") && key_str != "OMS_BIN") || key_str == "DATABASE_URL" {
            cmd.env_remove(&key);
        }
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `oms` to completion (with a timeout) and returns its output.
pub async fn run_oms(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let data_dir = tempfile::tempdir().expect("create temp data dir");
    let mut cmd = oms_command();
    cmd.args(args)
        .env("OMS_DATA_DIR", data_dir.path())
        .env("OMS_LOG", "warn")
        .env("OMS_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn oms");
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "`oms {}` with {envs:?} did not exit within 60s",
                args.join(" ")
            )
        })
        .expect("wait for oms")
}

/// The five demo accounts seeded on first start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Customer,
    Support,
    Warehouse,
    Finance,
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Support => "support",
            Role::Warehouse => "warehouse",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }
    pub fn email(self) -> String {
        format!("{}@example.com", self.name())
    }
    pub fn password(self) -> String {
        format!("{}-demo-2026", self.name())
    }
}

/// The tokens and user returned by `login`/`register`/`refreshToken`.
#[derive(Clone, Debug)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub user: Value,
}

impl Tokens {
    pub fn from_payload(payload: &Value) -> Self {
        Tokens {
            access_token: payload["accessToken"]
                .as_str()
                .unwrap_or_else(|| panic!("no accessToken in {payload}"))
                .to_owned(),
            refresh_token: payload["refreshToken"]
                .as_str()
                .unwrap_or_else(|| panic!("no refreshToken in {payload}"))
                .to_owned(),
            user: payload["user"].clone(),
        }
    }
}

pub const AUTH_FIELDS: &str = "accessToken refreshToken expiresIn user { id email name role }";

/// `extensions.code` of the first GraphQL error, if any.
pub fn error_code(resp: &Value) -> Option<&str> {
    resp["errors"][0]["extensions"]["code"].as_str()
}

/// Asserts the response failed with the given `extensions.code`.
#[track_caller]
pub fn assert_error_code(resp: &Value, code: &str) {
    assert_eq!(
        error_code(resp),
        Some(code),
        "expected a GraphQL error with code {code}, got: {resp}"
    );
}

/// Asserts the response has no GraphQL errors and returns its `data`.
#[track_caller]
pub fn assert_ok(resp: &Value) -> &Value {
    assert!(
        resp.get("errors")
            .is_none_or(|e| e.as_array().is_some_and(|a| a.is_empty())),
        "expected no GraphQL errors, got: {resp}"
    );
    &resp["data"]
}

/// Options for starting a server.
#[derive(Default)]
pub struct TestAppBuilder {
    envs: Vec<(String, String)>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
}

impl TestAppBuilder {
    /// Sets an extra environment variable for the server process.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.envs.push((key.to_owned(), value.into()));
        self
    }

    /// Runs against this database instead of a fresh one per test (and
    /// leaves it alone when the server stops).
    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = Some(url.into());
        self
    }

    /// Uses this data dir (and, on SQLite, the database in it) instead of a
    /// fresh one, leaving it alone when the server stops.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Uses a known JWT secret so a test can forge tokens.
    pub fn jwt_secret(self, secret: &str) -> Self {
        self.env("OMS_JWT_SECRET", secret)
    }

    pub async fn spawn(self) -> TestApp {
        let data_dir = match self.data_dir.clone() {
            Some(dir) => DataDir::Borrowed(dir),
            None => DataDir::Owned(tempfile::tempdir().expect("create temp data dir")),
        };
        let pg = match std::env::var("TEST_DATABASE_URL") {
            _ if self.database_url.is_some() => None,
            Ok(url) if !url.trim().is_empty() => Some(PgDatabase::create(url.trim()).await),
            _ => None,
        };

        let mut cmd = oms_command();
        cmd.arg("serve")
            .env("OMS_BIND", "127.0.0.1:0")
            .env("OMS_DATA_DIR", data_dir.path())
            .env("OMS_SEED_DEMO", "true")
            // Tests count orders and stock: no demo orders.
            .env("OMS_SEED_DEMO_ORDERS", "false")
            .env("OMS_LOG", "warn")
            .env(
                "OMS_SITE_ROOT",
                workspace_root().join("target").join("site"),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(url) = self.database_url.as_ref().or(pg.as_ref().map(|pg| &pg.url)) {
            cmd.env("DATABASE_URL", url);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn `oms serve`");

        // Collect stderr in the background, both to keep the pipe drained and
        // to show it when start-up fails.
        let stderr_buf = Arc::new(Mutex::new(String::new()));
        if let Some(mut stderr) = child.stderr.take() {
            let buf = Arc::clone(&stderr_buf);
            tokio::spawn(async move {
                let mut chunk = vec![0u8; 8192];
                while let Ok(n) = stderr.read(&mut chunk).await {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut b) = buf.lock() {
                        b.push_str(&String::from_utf8_lossy(&chunk[..n]));
                    }
                }
            });
        }

        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let find_addr = async {
            while let Some(line) = lines.next_line().await.ok().flatten() {
                if let Some(rest) = line.trim().strip_prefix("oms listening on ") {
                    return Some(rest.trim().trim_end_matches('/').to_owned());
                }
            }
            None
        };
        let addr = match tokio::time::timeout(STARTUP_TIMEOUT, find_addr).await {
            Ok(Some(addr)) => addr,
            outcome => {
                let _ = child.start_kill();
                let status = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
                let stderr = stderr_buf.lock().map(|b| b.clone()).unwrap_or_default();
                panic!(
                    "`oms serve` did not print `oms listening on http://127.0.0.1:PORT` ({}); exit: {status:?}\nstderr:\n{stderr}",
                    if outcome.is_err() {
                        "timed out"
                    } else {
                        "stdout closed"
                    }
                );
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build http client");

        TestApp {
            addr,
            client,
            child: Some(child),
            stderr: stderr_buf,
            pg,
            data_dir,
        }
    }
}

/// A running `oms serve` with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub addr: String,
    client: reqwest::Client,
    child: Option<Child>,
    stderr: Arc<Mutex<String>>,
    pg: Option<PgDatabase>,
    data_dir: DataDir,
}

/// A server's data dir: its own (removed with it) or another's (a restart).
enum DataDir {
    Owned(tempfile::TempDir),
    Borrowed(PathBuf),
}

impl DataDir {
    fn path(&self) -> &std::path::Path {
        match self {
            DataDir::Owned(d) => d.path(),
            DataDir::Borrowed(p) => p,
        }
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// Starts a server with the default options (demo data, fresh database).
    pub async fn spawn() -> TestApp {
        Self::builder().spawn().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// `host:port` as a browser would send it in `Host`.
    pub fn host(&self) -> &str {
        self.addr.trim_start_matches("http://")
    }

    /// A client that does not follow redirects and keeps no cookies.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// A client with a cookie store that does not follow redirects (a browser
    /// with JavaScript off, minus the automatic redirects).
    pub fn cookie_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build http client")
    }

    /// The PostgreSQL URL of this server's database (None on SQLite).
    pub fn database_url(&self) -> Option<&str> {
        self.pg.as_ref().map(|pg| pg.url.as_str())
    }

    /// A URL to open this server's database directly (SQLite file or
    /// PostgreSQL), for the rare test that must set up a state the API
    /// cannot reach yet.
    pub fn sql_url(&self) -> String {
        match &self.pg {
            Some(pg) => pg.url.clone(),
            None => format!(
                "sqlite://{}?mode=rw",
                self.data_dir.path().join("oms.db").display()
            ),
        }
    }

    /// The server's data dir (SQLite database, secrets, mail).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// A builder for another server on this one's database and data dir
    /// (a restart after [`TestApp::kill9`], or a second instance).
    pub fn again(&self) -> TestAppBuilder {
        let b = TestApp::builder().data_dir(self.data_dir.path());
        match self.database_url() {
            Some(url) => b.database_url(url),
            None => b,
        }
    }

    /// Kills the server with SIGKILL (no shutdown of any kind) and waits.
    pub async fn kill9(&mut self) {
        let mut child = self.child.take().expect("server already stopped");
        child.start_kill().expect("SIGKILL the server");
        let _ = child.wait().await;
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|b| b.clone()).unwrap_or_default()
    }

    async fn post_gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.expect("POST /graphql");
        let status = resp.status();
        let text = resp.text().await.expect("read /graphql body");
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("POST /graphql returned {status} with non-JSON body ({e}): {text}")
        })
    }

    /// Runs a GraphQL document anonymously; returns the whole response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.post_gql(None, query, variables).await
    }

    /// Runs a GraphQL document with `Authorization: Bearer <token>`.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.post_gql(Some(token), query, variables).await
    }

    /// The raw `login` response.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        self.gql(
            &format!(
                "mutation($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ {AUTH_FIELDS} }} }}"
            ),
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Logs in with email and password, panicking on failure.
    pub async fn login_ok(&self, email: &str, password: &str) -> Tokens {
        let resp = self.login(email, password).await;
        Tokens::from_payload(&assert_ok(&resp)["login"])
    }

    /// Logs in as one of the demo accounts.
    pub async fn login_as(&self, role: Role) -> Tokens {
        self.login_ok(&role.email(), &role.password()).await
    }

    /// The raw `register` response.
    pub async fn register(&self, email: &str, password: &str, name: &str) -> Value {
        self.gql(
            &format!(
                "mutation($input: RegisterInput!) {{ register(input: $input) {{ {AUTH_FIELDS} }} }}"
            ),
            json!({ "input": { "email": email, "password": password, "name": name } }),
        )
        .await
    }

    /// The raw `refreshToken` response.
    pub async fn refresh(&self, refresh_token: &str) -> Value {
        self.gql(
            &format!(
                "mutation($t: String!) {{ refreshToken(refreshToken: $t) {{ {AUTH_FIELDS} }} }}"
            ),
            json!({ "t": refresh_token }),
        )
        .await
    }

    /// `me` as seen with the given access token (Null when anonymous/rejected).
    pub async fn me(&self, token: &str) -> Value {
        let resp = self
            .gql_as(token, "{ me { id email name role } }", json!({}))
            .await;
        resp["data"]["me"].clone()
    }

    /// Opens a graphql-transport-ws connection on /graphql and completes
    /// `connection_init` (with `{"authorization": "Bearer <token>"}` when given).
    pub async fn ws_connect(&self, token: Option<&str>) -> GqlWs {
        let ws_url = format!("ws://{}/graphql", self.host());
        let mut request = ws_url.into_client_request().expect("ws request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header value"),
        );
        let (stream, response) =
            tokio::time::timeout(WS_TIMEOUT, tokio_tungstenite::connect_async(request))
                .await
                .expect("WebSocket handshake timed out")
                .expect("WebSocket handshake on /graphql");
        let protocol = response
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(
            protocol.as_deref(),
            Some("graphql-transport-ws"),
            "the server must accept the graphql-transport-ws subprotocol"
        );
        let mut ws = GqlWs { stream };
        let payload = match token {
            Some(t) => json!({ "authorization": format!("Bearer {t}") }),
            None => json!({}),
        };
        ws.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = ws.next_message().await;
        assert_eq!(
            ack["type"], "connection_ack",
            "expected connection_ack, got {ack}"
        );
        ws
    }

    /// Sends SIGTERM to the server and waits (bounded) for it to exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server already stopped");
        let pid = child.id().expect("server still running");
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run `kill -TERM`");
        assert!(kill.success(), "`kill -TERM {pid}` failed");
        match tokio::time::timeout(Duration::from_secs(30), child.wait()).await {
            Ok(status) => status.expect("wait for oms"),
            Err(_) => {
                let _ = child.start_kill();
                panic!(
                    "oms did not exit within 30s of SIGTERM; stderr:\n{}",
                    self.stderr()
                );
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            // Reap it so no zombie lingers and the database is free to drop.
            let _ = child.try_wait();
        }
        if let Some(pg) = self.pg.take() {
            pg.drop_blocking();
        }
    }
}

/// A throw-away PostgreSQL database for one test.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(admin_url: &str) -> Self {
        let name = format!("oms_test_{}", uuid::Uuid::new_v4().simple());
        let db = sea_orm::Database::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect to TEST_DATABASE_URL={admin_url}: {e}"));
        use sea_orm::ConnectionTrait;
        db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let _ = db.close().await;
        let url = replace_db_name(admin_url, &name);
        PgDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }

    /// Drops the database on a fresh thread with its own runtime (we may be
    /// inside a runtime that is shutting down).
    fn drop_blocking(self) {
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for DROP DATABASE");
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                match sea_orm::Database::connect(&self.admin_url).await {
                    Ok(db) => {
                        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                        if let Err(e) = db.execute_unprepared(&sql).await {
                            eprintln!("warning: {sql}: {e}");
                        }
                        let _ = db.close().await;
                    }
                    Err(e) => eprintln!("warning: could not drop {}: {e}", self.name),
                }
            });
        });
        let _ = handle.join();
    }
}

/// `postgres://u@h:5432/postgres?x=y` + `db` → `postgres://u@h:5432/db?x=y`.
fn replace_db_name(url: &str, db: &str) -> String {
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

/// One graphql-transport-ws connection.
pub struct GqlWs {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl GqlWs {
    pub async fn send(&mut self, msg: Value) {
        self.stream
            .send(Message::text(msg.to_string()))
            .await
            .expect("send WebSocket message");
    }

    /// Starts a subscription with the given id.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// The next protocol message (answers pings), panicking after `WS_TIMEOUT`.
    pub async fn next_message(&mut self) -> Value {
        self.next_message_within(WS_TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no WebSocket message within {WS_TIMEOUT:?}"))
    }

    /// The next protocol message, or None if nothing arrives within `timeout`.
    pub async fn next_message_within(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let msg = match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return None,
                Ok(None) => panic!("WebSocket closed by the server"),
                Ok(Some(Err(e))) => panic!("WebSocket error: {e}"),
                Ok(Some(Ok(m))) => m,
            };
            match msg {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("non-JSON WebSocket message ({e}): {text}"));
                    if value["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(value);
                }
                Message::Close(frame) => panic!("WebSocket closed by the server: {frame:?}"),
                _ => continue,
            }
        }
    }
}

/// Extracts the `Set-Cookie` header values of a response.
pub fn set_cookies(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The `Set-Cookie` value for cookie `name`, if set.
pub fn find_set_cookie<'a>(cookies: &'a [String], name: &str) -> Option<&'a String> {
    cookies.iter().find(|c| c.starts_with(&format!("{name}=")))
}

#[test]
fn replace_db_name_keeps_credentials_host_and_params() {
    assert_eq!(
        replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_db_name("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(replace_db_name("postgres://h:1", "x"), "postgres://h:1/x");
}
