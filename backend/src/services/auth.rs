//! Authentication: registration, login with throttling, sessions with
//! rotating refresh tokens (reuse revokes the whole family), access tokens
//! (HS256 JWT, 15 minutes), logout and password change.

use std::path::Path;

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use entity::{login_attempt, refresh_token, session, user};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::auth::{Email, Principal, Role, check_name, check_password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const SESSION_TTL_DAYS: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
const ISSUER: &str = "oms";
const AUDIENCE: &str = "oms-api";

/// Signing material for access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    sid: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Uses the configured secret, or the one kept in the data dir
    /// (generated on first start; development only, enforced by config).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(s) = configured {
            return Ok(Self::new(s.as_bytes()));
        }
        let path = data_dir.join("jwt_secret");
        if let Ok(existing) = std::fs::read_to_string(&path)
            && existing.trim().len() >= 32
        {
            return Ok(Self::new(existing.trim().as_bytes()));
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let secret = random_token(48);
        std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(Self::new(secret.as_bytes()))
    }

    fn issue(&self, user: &user::Model, session_id: Uuid) -> AppResult<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role.clone(),
            sid: session_id.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + ACCESS_TTL_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("signing access token")
            .map_err(AppError::Internal)
    }
}

/// Recently verified sessions, so an authenticated request does not cost a
/// SQL statement. Revocation evicts at once on this instance and, through
/// the event relay, on the others; the short TTL bounds a missed eviction.
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<Uuid, (Principal, std::time::Instant)>>,
}

const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);
const SESSION_CACHE_MAX: usize = 100_000;

impl SessionCache {
    fn get(&self, sid: Uuid, user: Uuid) -> Option<Principal> {
        let map = self.entries.lock().ok()?;
        match map.get(&sid) {
            Some((p, at)) if at.elapsed() < SESSION_CACHE_TTL && p.user_id() == Some(user) => {
                Some(p.clone())
            }
            _ => None,
        }
    }

    fn put(&self, sid: Uuid, p: Principal) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= SESSION_CACHE_MAX {
                map.retain(|_, (_, at)| at.elapsed() < SESSION_CACHE_TTL);
                if map.len() >= SESSION_CACHE_MAX {
                    map.clear();
                }
            }
            map.insert(sid, (p, std::time::Instant::now()));
        }
    }

    /// Forgets every session (when revocations may have been missed).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }

    /// Forgets the given sessions, or every session of `user`.
    pub fn evict(&self, session_ids: &[Uuid], user: Option<Uuid>) {
        if let Ok(mut map) = self.entries.lock() {
            for sid in session_ids {
                map.remove(sid);
            }
            if let Some(u) = user {
                map.retain(|_, (p, _)| p.user_id() != Some(u));
            }
        }
    }
}

/// Evicts revoked sessions here and tells the other instances.
fn sessions_revoked(state: &AppState, session_ids: Vec<Uuid>, user_id: Option<Uuid>) {
    state.sessions.evict(&session_ids, user_id);
    state
        .bus
        .publish(crate::events::DomainEvent::SessionsRevoked {
            session_ids,
            user_id,
        });
}

/// What a successful sign-in returns.
pub struct AuthTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: user::Model,
}

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn sha256_hex(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// argon2id with m=19456 KiB, t=2, p=1 (the defaults), off the async threads.
pub async fn hash_password(pw: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
    })
    .await
    .context("password hashing task")?
    .map_err(AppError::Internal)
}

async fn verify_password(pw: String, phc: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("bad hash: {e}"))?;
        Ok::<_, anyhow::Error>(
            Argon2::default()
                .verify_password(pw.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .context("password verification task")?
    .map_err(AppError::Internal)
}

/// A hash of a random password, verified against when the email is unknown
/// so that timing does not reveal whether an account exists.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

async fn dummy_hash() -> AppResult<String> {
    if let Some(h) = DUMMY_HASH.get() {
        return Ok(h.clone());
    }
    let h = hash_password(random_token(16)).await?;
    Ok(DUMMY_HASH.get_or_init(|| h).clone())
}

fn bad_credentials() -> AppError {
    AppError::Unauthenticated("invalid email or password".into())
}

pub fn parse_email(raw: &str) -> AppResult<Email> {
    Email::parse(raw).ok_or_else(|| AppError::invalid("email", "is not a valid email address"))
}

pub fn validate_password(pw: &str) -> AppResult<()> {
    check_password(pw).map_err(|m| AppError::invalid("password", m))
}

pub fn validate_name(name: &str) -> AppResult<String> {
    check_name(name).map_err(|m| AppError::invalid("name", m))
}

/// Registers a customer and signs them in.
pub async fn register(
    state: &AppState,
    email: &str,
    password: &str,
    name: &str,
) -> AppResult<AuthTokens> {
    let email = parse_email(email)?;
    let name = validate_name(name)?;
    validate_password(password)?;
    let user = super::users::insert_user(state, &email, &name, password, Role::Customer).await?;
    start_session(state, user).await
}

/// Password login, throttled per email and per client IP.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> AppResult<AuthTokens> {
    let key = email.trim().to_lowercase();
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let by_email = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(key.clone()))
        .filter(login_attempt::Column::At.gt(since))
        .count(&state.db.conn)
        .await?;
    let by_ip = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::At.gt(since))
        .count(&state.db.conn)
        .await?;
    if by_email >= state.config.login_max_failures
        || by_ip >= state.config.login_max_failures_per_ip
    {
        return Err(AppError::RateLimited(
            "too many failed sign-in attempts; try again in 15 minutes".into(),
        ));
    }
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(key.clone()))
        .one(&state.db.conn)
        .await?;
    let ok = match &found {
        Some(u) => verify_password(password.to_string(), u.password_hash.clone()).await?,
        None => {
            verify_password(password.to_string(), dummy_hash().await?).await?;
            false
        }
    };
    match (ok, found) {
        (true, Some(user)) => {
            let tx = state.db.begin_write().await?;
            login_attempt::Entity::delete_many()
                .filter(login_attempt::Column::Email.eq(key))
                .exec(&*tx)
                .await?;
            tx.commit().await?;
            start_session(state, user).await
        }
        _ => {
            let tx = state.db.begin_write().await?;
            login_attempt::ActiveModel {
                email: Set(key),
                ip: Set(ip.to_string()),
                at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            login_attempt::Entity::delete_many()
                .filter(login_attempt::Column::At.lt(since))
                .exec(&*tx)
                .await?;
            tx.commit().await?;
            Err(bad_credentials())
        }
    }
}

/// Opens a new session (refresh-token family) for the user.
pub async fn start_session(state: &AppState, user: user::Model) -> AppResult<AuthTokens> {
    let now = Utc::now();
    let session_id = Uuid::now_v7();
    let refresh = random_token(32);
    let tx = state.db.begin_write().await?;
    session::ActiveModel {
        id: Set(session_id),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_TTL_DAYS)),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&*tx)
    .await?;
    insert_refresh(&*tx, session_id, &refresh, now).await?;
    tx.commit().await?;
    Ok(AuthTokens {
        access_token: state.keys.issue(&user, session_id)?,
        refresh_token: refresh,
        expires_in: ACCESS_TTL_SECS,
        user,
    })
}

async fn insert_refresh(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(sha256_hex(token)),
        created_at: Set(now),
        rotated_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn revoke_session(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    reason: &str,
) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Rotates a refresh token. Presenting one that was already rotated means
/// it leaked: the whole session is revoked.
pub async fn refresh(state: &AppState, token: &str) -> AppResult<AuthTokens> {
    let invalid = || AppError::Unauthenticated("invalid or expired refresh token".into());
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let Some(rt) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(sha256_hex(token)))
        .one(&*tx)
        .await?
    else {
        return Err(invalid());
    };
    let Some(sess) = session::Entity::find_by_id(rt.session_id).one(&*tx).await? else {
        return Err(invalid());
    };
    if sess.revoked_at.is_some() || sess.expires_at <= now {
        return Err(invalid());
    }
    // Claim the token: only one caller can move it from unrotated to rotated.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(rt.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&*tx)
        .await?
        .rows_affected;
    if claimed == 0 {
        revoke_session(&*tx, sess.id, "refresh token reuse").await?;
        tx.commit().await?;
        sessions_revoked(state, vec![sess.id], None);
        tracing::warn!(session = %sess.id, "refresh token reuse: session revoked");
        return Err(invalid());
    }
    let Some(user) = user::Entity::find_by_id(sess.user_id).one(&*tx).await? else {
        return Err(invalid());
    };
    let next = random_token(32);
    insert_refresh(&*tx, sess.id, &next, now).await?;
    tx.commit().await?;
    Ok(AuthTokens {
        access_token: state.keys.issue(&user, sess.id)?,
        refresh_token: next,
        expires_in: ACCESS_TTL_SECS,
        user,
    })
}

/// Ends the caller's session, and the session of `refresh_token` if given.
pub async fn logout(
    state: &AppState,
    p: &Principal,
    refresh_token: Option<&str>,
) -> AppResult<bool> {
    let tx = state.db.begin_write().await?;
    let mut any = false;
    let mut revoked = Vec::new();
    if let Principal::User { session_id, .. } = p {
        revoke_session(&*tx, *session_id, "logout").await?;
        revoked.push(*session_id);
        any = true;
    }
    if let Some(token) = refresh_token
        && let Some(rt) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(sha256_hex(token)))
            .one(&*tx)
            .await?
    {
        revoke_session(&*tx, rt.session_id, "logout").await?;
        revoked.push(rt.session_id);
        any = true;
    }
    tx.commit().await?;
    sessions_revoked(state, revoked, None);
    if !any {
        return Err(AppError::Unauthenticated("sign in first".into()));
    }
    Ok(true)
}

/// Changes the password and revokes every existing session of the user;
/// returns a fresh session.
pub async fn change_password(
    state: &AppState,
    p: &Principal,
    current: &str,
    new: &str,
) -> AppResult<AuthTokens> {
    let Some(user_id) = p.user_id() else {
        return Err(AppError::Unauthenticated("sign in first".into()));
    };
    let Some(user) = user::Entity::find_by_id(user_id)
        .one(&state.db.conn)
        .await?
    else {
        return Err(AppError::Unauthenticated("sign in first".into()));
    };
    if !verify_password(current.to_string(), user.password_hash.clone()).await? {
        return Err(AppError::invalid(
            "currentPassword",
            "is not your current password",
        ));
    }
    validate_password(new)?;
    let hash = hash_password(new.to_string()).await?;
    let tx = state.db.begin_write().await?;
    let mut am: user::ActiveModel = user.clone().into();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(Utc::now());
    let user = am.update(&*tx).await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            session::Column::RevokedReason,
            Expr::value("password changed"),
        )
        .filter(session::Column::UserId.eq(user.id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    sessions_revoked(state, Vec::new(), Some(user.id));
    start_session(state, user).await
}

/// Resolves an access token (or an integration API key) to the caller.
/// Any defect (signature, algorithm, audience, issuer, expiry, revoked
/// session or key) is UNAUTHENTICATED. A session verified in the last few
/// seconds costs no SQL statement (see [`SessionCache`]).
pub async fn principal_from_token(state: &AppState, token: &str) -> AppResult<Principal> {
    if token.starts_with(super::api_keys::KEY_PREFIX) {
        return super::api_keys::principal_from_key(state, token).await;
    }
    let invalid = || AppError::Unauthenticated("invalid or expired access token".into());
    let data = jsonwebtoken::decode::<Claims>(token, &state.keys.decoding, &state.keys.validation)
        .map_err(|_| invalid())?;
    let c = data.claims;
    let (Ok(id), Ok(sid), Some(_)) = (
        Uuid::parse_str(&c.sub),
        Uuid::parse_str(&c.sid),
        Role::parse(&c.role),
    ) else {
        return Err(invalid());
    };
    if let Some(p) = state.sessions.get(sid, id) {
        return Ok(p);
    }
    let live = session::Entity::find_by_id(sid)
        .filter(session::Column::UserId.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .find_also_related(user::Entity)
        .one(&state.db.conn)
        .await?;
    match live {
        Some((s, Some(u))) if s.expires_at > Utc::now() => {
            let p = Principal::User {
                id,
                // The role as stored now, not as it was when the token was issued.
                role: Role::parse(&u.role).ok_or_else(invalid)?,
                session_id: sid,
                email: u.email,
                name: u.name,
            };
            state.sessions.put(sid, p.clone());
            Ok(p)
        }
        _ => Err(invalid()),
    }
}
