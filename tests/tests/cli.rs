//! The `oms` admin commands: migrate, user create, seed, schema, --help.
//! They run against one SQLite file that a server then serves, so what
//! the commands wrote is checked through the API.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{TestApp, assert_error_code, assert_ok, oms_command};

async fn oms(args: &[&str], data_dir: &std::path::Path, db_url: &str) -> std::process::Output {
    let mut cmd = oms_command();
    cmd.args(args)
        .env("OMS_DATA_DIR", data_dir)
        .env("DATABASE_URL", db_url)
        .env("OMS_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("spawn oms");
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("oms finished in time")
        .expect("oms output")
}

#[tokio::test]
async fn admin_commands_prepare_a_database_that_the_server_then_serves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());

    let out = oms(&["migrate"], dir.path(), &db_url).await;
    assert!(out.status.success(), "migrate: {out:?}");

    let out = oms(
        &[
            "user",
            "create",
            "--email",
            "Ops@Example.com",
            "--password",
            "ops-password-2026",
            "--role",
            "warehouse",
            "--name",
            "Ops Person",
        ],
        dir.path(),
        &db_url,
    )
    .await;
    assert!(out.status.success(), "user create: {out:?}");
    let out = oms(
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--password",
            "password",
            "--role",
            "admin",
        ],
        dir.path(),
        &db_url,
    )
    .await;
    assert!(!out.status.success(), "a common password must be refused");

    // The database has a user now, so demo seeding declines (no duplicates).
    let out = oms(&["seed", "--demo"], dir.path(), &db_url).await;
    assert!(out.status.success(), "seed: {out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("not added"));

    // A server on the same file: the CLI's account signs in with its role,
    // and the default channel exists even without demo data.
    let app = TestApp::builder()
        .env("OMS_DATA_DIR", dir.path().display().to_string())
        .env("DATABASE_URL", db_url.clone())
        .env("OMS_SEED_DEMO", "false")
        .spawn()
        .await;
    let login = app.login("ops@example.com", "ops-password-2026").await;
    let data = assert_ok(&login);
    assert_eq!(data["login"]["user"]["role"], "WAREHOUSE");
    assert_eq!(data["login"]["user"]["name"], "Ops Person");
    let token = data["login"]["accessToken"].as_str().unwrap().to_owned();
    let channels = app.gql_as(&token, "{ channels { code } }", json!({})).await;
    assert_eq!(assert_ok(&channels)["channels"], json!([{ "code": "web" }]));
    let demo = app.login("admin@example.com", "admin-demo-2026").await;
    assert_error_code(&demo, "UNAUTHENTICATED");
}

#[tokio::test]
async fn schema_and_help_need_no_database() {
    let mut cmd = oms_command();
    let out = cmd.arg("--help").output().await.expect("oms --help");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for sub in ["serve", "migrate", "seed", "user", "schema"] {
        assert!(help.contains(sub), "--help lists {sub}: {help}");
    }
    let out = oms_command()
        .arg("schema")
        .output()
        .await
        .expect("oms schema");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("type Query"));
}
