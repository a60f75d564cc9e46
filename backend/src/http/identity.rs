//! Who is calling: a Bearer token (API clients), or the portal's HttpOnly
//! cookies. Cookie-authenticated writes must come from our own origin.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};

use crate::domain::auth::Principal;
use crate::error::AppResult;
use crate::services::auth::{ACCESS_TTL_SECS, SESSION_TTL_DAYS, principal_from_token};
use crate::state::AppState;

pub const ACCESS_COOKIE: &str = "oms_at";
pub const REFRESH_COOKIE: &str = "oms_rt";
pub const LANG_COOKIE: &str = "oms_lang";

/// How the caller presented themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    None,
    Bearer(String),
    Cookie(String),
}

/// An access token minted during this request by a cookie refresh; it
/// takes the place of the expired cookie.
#[derive(Clone)]
pub struct FreshAccess(pub String);

pub fn credential(req: &HttpRequest) -> Credential {
    if let Some(v) = req.headers().get(header::AUTHORIZATION) {
        let raw = v.to_str().unwrap_or_default();
        return match raw
            .strip_prefix("Bearer ")
            .or_else(|| raw.strip_prefix("bearer "))
        {
            Some(t) => Credential::Bearer(t.trim().to_string()),
            None => Credential::Bearer(String::new()),
        };
    }
    if let Some(f) = req.extensions().get::<FreshAccess>() {
        return Credential::Cookie(f.0.clone());
    }
    match req.cookie(ACCESS_COOKIE) {
        Some(c) if !c.value().is_empty() => Credential::Cookie(c.value().to_string()),
        _ => Credential::None,
    }
}

/// Strict: a presented but bad token is an error (API clients must know).
pub async fn resolve(state: &AppState, cred: &Credential) -> AppResult<Principal> {
    match cred {
        Credential::None => Ok(Principal::Anonymous),
        Credential::Bearer(t) | Credential::Cookie(t) => principal_from_token(state, t).await,
    }
}

/// Lenient: a bad cookie just means signed out (pages).
pub async fn resolve_lenient(state: &AppState, cred: &Credential) -> Principal {
    resolve(state, cred).await.unwrap_or(Principal::Anonymous)
}

pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The request's `Origin` (or, failing that, `Referer`) names this host.
pub fn same_origin(req: &HttpRequest) -> bool {
    let host = match req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        Some(h) => h.to_ascii_lowercase(),
        None => return false,
    };
    let source = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else {
        return false;
    };
    let rest = source
        .strip_prefix("http://")
        .or_else(|| source.strip_prefix("https://"));
    match rest {
        Some(r) => r
            .split('/')
            .next()
            .unwrap_or_default()
            .eq_ignore_ascii_case(&host),
        None => false,
    }
}

fn cookie(
    name: &'static str,
    value: String,
    max_age: CookieDuration,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .finish()
}

pub fn session_cookies(access: &str, refresh: &str, secure: bool) -> [Cookie<'static>; 2] {
    [
        cookie(
            ACCESS_COOKIE,
            access.to_string(),
            CookieDuration::seconds(ACCESS_TTL_SECS),
            secure,
        ),
        cookie(
            REFRESH_COOKIE,
            refresh.to_string(),
            CookieDuration::days(SESSION_TTL_DAYS),
            secure,
        ),
    ]
}

pub fn cleared_cookies(secure: bool) -> [Cookie<'static>; 2] {
    [
        cookie(ACCESS_COOKIE, String::new(), CookieDuration::ZERO, secure),
        cookie(REFRESH_COOKIE, String::new(), CookieDuration::ZERO, secure),
    ]
}
