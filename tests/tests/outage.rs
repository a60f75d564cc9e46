//! A database outage under a running server (issue 12, defect 7): the
//! server answers quickly with `UNAVAILABLE` / HTTP 503 while PostgreSQL is
//! down, and serves again by itself once it is back.
//!
//! The test runs its own private PostgreSQL instance (`initdb` + `pg_ctl`
//! on a free port in a temp dir), so stopping it disturbs no other test. It
//! runs in both test modes and is skipped, with a message, when the
//! PostgreSQL server binaries are not installed.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{new_key, order_input};

/// Bound on `/readyz` while the database is down: a hang fails the test.
const READY_BOUND: Duration = Duration::from_secs(5);
/// Bound on a GraphQL request or a page while the database is down (the
/// server used to wait 30 s for a connection).
const REQUEST_BOUND: Duration = Duration::from_secs(10);
/// How long the server may take to serve again once the database is back.
const RECOVERY_BOUND: Duration = Duration::from_secs(20);

/// A PostgreSQL server of our own: data dir, socket and log in a temp dir.
struct PrivatePostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// Run the server binaries as `postgres` (`initdb` refuses root).
    as_postgres: bool,
}

impl PrivatePostgres {
    /// Creates and starts an instance, or `None` when `initdb` is not installed.
    fn start() -> Option<Self> {
        let bin = postgres_bin_dir()?;
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("oms-outage-pg-")
            .tempdir()
            .expect("create temp dir for PostgreSQL");
        if as_postgres {
            run_checked("chown", &["-R", "postgres:", path_str(dir.path())]);
        }
        let port = free_port();
        let pg = PrivatePostgres {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = pg.data_dir();
        pg.run_pg(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        pg.pg_ctl_start();
        Some(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data_dir(&self) -> String {
        format!("{}/data", path_str(self.dir.path()))
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            path_str(self.dir.path())
        );
        let log = format!("{}/postgres.log", path_str(self.dir.path()));
        let data = self.data_dir();
        self.run_pg(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
            ],
        );
    }

    /// Stops the server the hard way, as a crash or a pulled cable would.
    fn stop_immediate(&self) {
        let data = self.data_dir();
        self.run_pg("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    fn command(&self, tool: &str, args: &[&str]) -> std::process::Command {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            std::process::Command::new(exe)
        };
        cmd.args(args).current_dir(self.dir.path());
        cmd
    }

    fn run_pg(&self, tool: &str, args: &[&str]) {
        let out = self
            .command(tool, args)
            .output()
            .unwrap_or_else(|e| panic!("run {tool}: {e}"));
        assert_success(tool, &out, &self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl", &["-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`.
fn postgres_bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp dir path is UTF-8")
}

fn run_checked(program: &str, args: &[&str]) {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert_success(program, &out, "");
}

#[track_caller]
fn assert_success(what: &str, out: &Output, log: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}\nserver log:\n{log}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}

/// An HTTP client that gives up after `bound`, so a hang fails the test.
fn bounded_client(bound: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(bound)
        .build()
        .expect("build http client")
}

async fn readyz(app: &TestApp, client: &reqwest::Client) -> Result<StatusCode, reqwest::Error> {
    client
        .get(app.url("/readyz"))
        .send()
        .await
        .map(|r| r.status())
}

async fn gql(
    app: &TestApp,
    client: &reqwest::Client,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value, reqwest::Error> {
    let mut req = client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await?.json().await
}

const PRODUCTS: &str = "{ products(first: 3) { totalCount edges { node { sku } } } }";

const PLACE_ORDER: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number status } }";

/// `GET path` with the language cookie: status and body.
async fn page(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    lang: &str,
) -> (StatusCode, String) {
    let resp = client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, format!("oms_lang={lang}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} while the database is down: {e}"));
    let status = resp.status();
    (status, resp.text().await.expect("page body"))
}

#[tokio::test]
async fn a_database_outage_fails_fast_with_unavailable_and_the_server_recovers() {
    let Some(pg) = PrivatePostgres::start() else {
        eprintln!(
            "skipped: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin"
        );
        return;
    };
    let app = TestApp::builder().database_url(pg.url()).spawn().await;
    let client = bounded_client(REQUEST_BOUND);
    let ready_client = bounded_client(READY_BOUND);

    // Up: ready, the catalog answers, a customer can order.
    assert_eq!(readyz(&app, &ready_client).await.ok(), Some(StatusCode::OK));
    let customer = app.login_as(Role::Customer).await;
    let token = customer.access_token.as_str();
    let resp = gql(&app, &client, None, PRODUCTS, json!({}))
        .await
        .expect("products");
    assert_ok(&resp);
    let input = order_input(&new_key(), &[("AUD-001", 1)]);
    let resp = gql(
        &app,
        &client,
        Some(token),
        PLACE_ORDER,
        json!({ "input": input }),
    )
    .await
    .expect("placeOrder");
    assert_ok(&resp);

    pg.stop_immediate();

    // Readiness says so at once instead of hanging.
    let started = Instant::now();
    let status = readyz(&app, &ready_client).await.unwrap_or_else(|e| {
        panic!("/readyz did not answer within {READY_BOUND:?} with the database down: {e}")
    });
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    eprintln!("/readyz answered 503 in {:?}", started.elapsed());

    // A command and a query fail with a documented code, not a hang and
    // not INTERNAL.
    let input = order_input(&new_key(), &[("AUD-001", 1)]);
    let started = Instant::now();
    let resp = gql(
        &app,
        &client,
        Some(token),
        PLACE_ORDER,
        json!({ "input": input }),
    )
    .await
    .unwrap_or_else(|e| {
        panic!("placeOrder did not answer within {REQUEST_BOUND:?} with the database down: {e}")
    });
    eprintln!("placeOrder failed in {:?}", started.elapsed());
    assert_eq!(
        error_code(&resp),
        Some("UNAVAILABLE"),
        "placeOrder with the database down: {resp}"
    );
    let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        !message.contains("postgres") && !message.contains("127.0.0.1"),
        "the message must not leak connection details: {message}"
    );
    let resp = gql(&app, &client, None, PRODUCTS, json!({}))
        .await
        .unwrap_or_else(|e| panic!("products did not answer with the database down: {e}"));
    assert_eq!(
        error_code(&resp),
        Some("UNAVAILABLE"),
        "products with the database down: {resp}"
    );

    // The portal says so in the reader's language, with HTTP 503.
    let (status, body) = page(&app, &client, "/", "en").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "GET / : {body}");
    assert!(
        body.contains("The service is temporarily unavailable"),
        "GET / (en) should explain the outage: {body}"
    );
    let (status, body) = page(&app, &client, "/products/AUD-001", "zh").await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "GET /products/AUD-001 : {body}"
    );
    assert!(
        body.contains("服务暂时不可用"),
        "GET /products/AUD-001 (zh) should explain the outage: {body}"
    );

    pg.pg_ctl_start();

    // Back by itself: ready again, queries and orders work.
    let deadline = Instant::now() + RECOVERY_BOUND;
    loop {
        let ready = readyz(&app, &ready_client).await.ok() == Some(StatusCode::OK);
        let products = match gql(&app, &client, None, PRODUCTS, json!({})).await {
            Ok(resp) => resp.get("errors").is_none() && resp["data"]["products"].is_object(),
            Err(_) => false,
        };
        if ready && products {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not recover within {RECOVERY_BOUND:?} of the database's return; stderr:\n{}",
            app.stderr()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let input = order_input(&new_key(), &[("AUD-001", 1)]);
    let resp = gql(
        &app,
        &client,
        Some(token),
        PLACE_ORDER,
        json!({ "input": input }),
    )
    .await
    .expect("placeOrder after recovery");
    assert_ok(&resp);
    let (status, _) = page(&app, &client, "/", "en").await;
    assert_eq!(status, StatusCode::OK);
}
