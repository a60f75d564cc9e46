//! One log line per request with a request id and its latency; the id is
//! echoed in `X-Request-Id`. Also refreshes an expired portal session from
//! its refresh cookie so a signed-in customer stays signed in.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Instrument;

use super::identity::{ACCESS_COOKIE, FreshAccess, REFRESH_COOKIE, session_cookies};
use crate::config::Environment;
use crate::state::AppState;

pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 64 && s.is_ascii())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().to_string();
    let path = req.path().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("http", request_id = %id, %method, %path);
    let refreshed = refresh_portal_session(&req).instrument(span.clone()).await;
    let mut res = next.call(req).instrument(span.clone()).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    if let Some(cookies) = refreshed {
        for c in cookies {
            let _ = res.response_mut().add_cookie(&c);
        }
    }
    let status = res.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, latency_ms, "request"));
    Ok(res)
}

/// A page request whose access cookie is missing or expired but whose
/// refresh cookie is valid gets new tokens (rotation applies as usual).
async fn refresh_portal_session(
    req: &ServiceRequest,
) -> Option<[actix_web::cookie::Cookie<'static>; 2]> {
    // Only page navigations: parallel sub-resource requests (favicon,
    // bundle) would present the same refresh token twice, and reuse revokes.
    let navigation = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if req.method() != actix_web::http::Method::GET
        || !navigation
        || req.path().starts_with("/pkg")
        || req.path().starts_with("/graphql")
    {
        return None;
    }
    let refresh = req.cookie(REFRESH_COOKIE)?.value().to_string();
    if refresh.is_empty() {
        return None;
    }
    let state = req.app_data::<web::Data<AppState>>()?.get_ref().clone();
    if let Some(at) = req.cookie(ACCESS_COOKIE) {
        match crate::services::auth::principal_from_token(&state, at.value()).await {
            // Valid; or the database is down, and a refresh would only
            // wait for it once more before the page says so.
            Ok(_) | Err(crate::error::AppError::Unavailable(_)) => return None,
            Err(_) => {}
        }
    }
    let tokens = crate::services::auth::refresh(&state, &refresh)
        .await
        .ok()?;
    req.extensions_mut()
        .insert(FreshAccess(tokens.access_token.clone()));
    Some(session_cookies(
        &tokens.access_token,
        &tokens.refresh_token,
        state.config.env == Environment::Production,
    ))
}
