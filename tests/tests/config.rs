//! Start-up configuration errors and process lifecycle: bad settings exit 2
//! with one `error:` line; SIGTERM shuts down gracefully with exit 0.

use serde_json::json;

use crate::helpers::{TestApp, assert_ok, run_oms};

async fn assert_config_error(envs: &[(&str, &str)]) {
    let out = run_oms(&["serve"], envs).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{envs:?} must exit with code 2; status {:?}\nstderr:\n{stderr}",
        out.status
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "{envs:?}: expected one stderr line, got:\n{stderr}"
    );
    assert!(
        lines[0].starts_with("error:"),
        "{envs:?}: stderr line must start with `error:`: {}",
        lines[0]
    );
    assert!(
        !stdout.contains("oms listening on"),
        "{envs:?}: the server must not start"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nonsense_bind_address_exits_with_code_2() {
    assert_config_error(&[("OMS_BIND", "nonsense")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn production_without_jwt_secret_exits_with_code_2() {
    assert_config_error(&[("OMS_ENV", "production")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn too_short_jwt_secret_exits_with_code_2() {
    assert_config_error(&[("OMS_JWT_SECRET", "too-short")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_database_url_scheme_exits_with_code_2() {
    assert_config_error(&[("DATABASE_URL", "mysql://x")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_time_zone_exits_with_code_2() {
    assert_config_error(&[("OMS_TIMEZONE", "Mars/Olympus")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_shuts_the_server_down_with_exit_code_0() {
    let mut app = TestApp::spawn().await;
    let resp = app.gql("{ __typename }", json!({})).await;
    assert_eq!(assert_ok(&resp)["__typename"], "Query");
    let status = app.terminate().await;
    assert_eq!(
        status.code(),
        Some(0),
        "graceful shutdown must exit 0: {status:?}\nstderr:\n{}",
        app.stderr()
    );
    assert!(
        app.http().get(app.url("/healthz")).send().await.is_err(),
        "the port must be closed after shutdown"
    );
}
