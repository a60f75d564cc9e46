//! Liveness, readiness and metrics for operators.

use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unreachable")
        }
    }
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
