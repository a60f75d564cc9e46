//! Liveness, readiness and metrics for operators.

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// Longest wait for the database's answer: a probe must hear back within a
/// second even when the database does not answer at all.
const READY_TIMEOUT: Duration = Duration::from_millis(500);

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers (within [`READY_TIMEOUT`]); 503 otherwise.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            unready()
        }
        Err(_) => {
            tracing::warn!(timeout = ?READY_TIMEOUT, "readiness check timed out");
            unready()
        }
    }
}

fn unready() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain")
        .body("database unreachable")
}

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "# HELP oms_sql_statements_total SQL statements executed since start.\n\
         # TYPE oms_sql_statements_total counter\n\
         oms_sql_statements_total {}\n",
        state.db.statement_count()
    );
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
