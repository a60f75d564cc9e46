//! Plain HTML form posts for the portal, so signing in, registering,
//! signing out and switching language work with JavaScript off. Each
//! handler translates the form into one service call and answers 303.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::identity::{self, LANG_COOKIE, cleared_cookies, session_cookies};
use crate::config::Environment;
use crate::error::AppError;
use crate::services::auth;
use crate::state::AppState;

/// Only same-site relative paths; anything else goes home (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub(super) fn see_other(to: &str) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::SeeOther();
    b.insert_header((header::LOCATION, to.to_string()));
    b
}

/// Percent-encodes a query-string value (`/` is kept, as in `next=/checkout`).
pub(super) fn enc(s: &str) -> String {
    encode(s, true)
}

/// Percent-encodes one path segment (an order number).
pub(super) fn enc_segment(s: &str) -> String {
    encode(s, false)
}

fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn forbidden_origin() -> HttpResponse {
    HttpResponse::Forbidden()
        .content_type("text/plain; charset=utf-8")
        .body("forbidden: this form must be posted from this site")
}

/// Cookies are `Secure` in production.
pub(super) fn secure_cookies(state: &AppState) -> bool {
    state.config.env == Environment::Production
}

fn signed_in(state: &AppState, tokens: auth::AuthTokens, next: &str) -> HttpResponse {
    let mut b = see_other(next);
    for c in session_cookies(
        &tokens.access_token,
        &tokens.refresh_token,
        secure_cookies(state),
    ) {
        b.cookie(c);
    }
    b.finish()
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    http: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    if !identity::same_origin(&http) {
        return forbidden_origin();
    }
    let next = safe_next(form.next.as_deref());
    match auth::login(
        &state,
        &form.email,
        &form.password,
        &identity::client_ip(&http),
    )
    .await
    {
        Ok(tokens) => signed_in(&state, tokens, &next),
        Err(e) => see_other(&format!(
            "/login?error={}&next={}",
            failure_code(&e),
            enc(&next)
        ))
        .finish(),
    }
}

fn failure_code(e: &AppError) -> &'static str {
    // Log internal causes; the page shows only the code.
    let _ = e.public_message();
    e.code()
}

#[derive(Deserialize)]
pub struct RegisterForm {
    name: String,
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn register(
    http: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<RegisterForm>,
) -> HttpResponse {
    if !identity::same_origin(&http) {
        return forbidden_origin();
    }
    let next = safe_next(form.next.as_deref());
    match auth::register(&state, &form.email, &form.password, &form.name).await {
        Ok(tokens) => signed_in(&state, tokens, &next),
        Err(e) => {
            let field = match &e {
                AppError::InvalidInput { field, .. } => field.clone(),
                _ => String::new(),
            };
            see_other(&format!(
                "/register?error={}&field={}&next={}",
                failure_code(&e),
                enc(&field),
                enc(&next)
            ))
            .finish()
        }
    }
}

pub async fn logout(http: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !identity::same_origin(&http) {
        return forbidden_origin();
    }
    let principal = identity::resolve_lenient(&state, &identity::credential(&http)).await;
    let refresh = http
        .cookie(identity::REFRESH_COOKIE)
        .map(|c| c.value().to_string());
    if let Err(e) = auth::logout(&state, &principal, refresh.as_deref()).await {
        tracing::debug!(error = ?e, "logout without a live session");
    }
    let mut b = see_other("/");
    for c in cleared_cookies(secure_cookies(&state)) {
        b.cookie(c);
    }
    b.finish()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /lang/{en|zh}: remembers the language for a year.
pub async fn set_lang(path: web::Path<String>, q: web::Query<NextQuery>) -> HttpResponse {
    let lang = match path.as_str() {
        "zh" | "zh-CN" | "zh-cn" => "zh",
        _ => "en",
    };
    let cookie = actix_web::cookie::Cookie::build(LANG_COOKIE, lang)
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    see_other(&safe_next(q.next.as_deref()))
        .cookie(cookie)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/products/AUD-001")), "/products/AUD-001");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
