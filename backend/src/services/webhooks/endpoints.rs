//! Registering, listing, changing and removing endpoints. A URL is checked
//! for form and for where its host resolves before anything is written; the
//! secret is generated here and returned once.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chrono::Utc;
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::{Endpoint, scope, visible_endpoint};
use crate::crypto::random_token;
use crate::domain::auth::Principal;
use crate::domain::notifications::EventType;
use crate::domain::webhooks::{EventFilter, Host, UrlProblem, WebhookUrl, is_forbidden};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Secrets start with this, so they are recognisable in a config file.
pub const SECRET_PREFIX: &str = "whsec_";
/// The longest description.
const MAX_DESCRIPTION: usize = 500;
/// How long resolving an endpoint's host may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a caller registers.
pub struct NewEndpoint {
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
}

/// Changes to an endpoint; `None` leaves a field as it is.
#[derive(Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    /// `Some("")` removes the description.
    pub description: Option<String>,
    /// Re-enabling forgets the failure streak and the disabled reason.
    pub enabled: Option<bool>,
}

/// A new endpoint and its signing secret (shown this once).
pub struct CreatedEndpoint {
    pub endpoint: Endpoint,
    pub secret: String,
}

/// Why an address cannot be delivered to.
#[derive(Debug)]
pub(crate) enum AddressError {
    Unresolvable(String),
    Forbidden(IpAddr),
}

impl AddressError {
    pub(crate) fn message(&self) -> String {
        match self {
            AddressError::Unresolvable(m) => format!("the host does not resolve: {m}"),
            AddressError::Forbidden(ip) => UrlProblem::Forbidden(*ip).message(),
        }
    }
}

/// The address to connect to for `url`: its host resolved now, refused
/// when any address it resolves to is forbidden (unless `allow_private`).
pub(crate) async fn checked_address(
    url: &WebhookUrl,
    allow_private: bool,
) -> Result<SocketAddr, AddressError> {
    let port = url.port();
    let addrs: Vec<SocketAddr> = match url.host() {
        None => return Err(AddressError::Unresolvable("no host".into())),
        Some(Host::Ip(ip)) => vec![SocketAddr::new(ip, port)],
        Some(Host::Name(name)) => {
            let lookup = tokio::net::lookup_host((name.as_str(), port));
            match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
                Err(_) => return Err(AddressError::Unresolvable("timed out".into())),
                Ok(Err(e)) => return Err(AddressError::Unresolvable(e.to_string())),
                Ok(Ok(found)) => found.collect(),
            }
        }
    };
    if !allow_private && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
        return Err(AddressError::Forbidden(bad.ip()));
    }
    addrs
        .into_iter()
        .next()
        .ok_or_else(|| AddressError::Unresolvable("no addresses".into()))
}

/// Checks a URL's form (where it points is checked by [`points_public`]
/// once the rest of the input is valid).
fn valid_url(state: &AppState, raw: &str) -> AppResult<WebhookUrl> {
    WebhookUrl::parse(raw, state.config.webhooks_allow_private)
        .map_err(|p| AppError::invalid("url", p.message()))
}

/// Checks where a URL's host resolves to now.
async fn points_public(state: &AppState, url: &WebhookUrl) -> AppResult<()> {
    checked_address(url, state.config.webhooks_allow_private)
        .await
        .map(|_| ())
        .map_err(|e| AppError::invalid("url", e.message()))
}

fn valid_events(types: &[EventType]) -> AppResult<EventFilter> {
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    EventFilter::parse(&names).map_err(|p| AppError::invalid("eventTypes", p.message()))
}

fn valid_description(raw: Option<&str>) -> AppResult<Option<String>> {
    let d = raw.map(str::trim).filter(|d| !d.is_empty());
    if d.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(AppError::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(d.map(str::to_string))
}

/// The endpoints the caller manages, newest first.
pub async fn list(state: &AppState, p: &Principal) -> AppResult<Vec<Endpoint>> {
    let scope = scope(p)?;
    let mut q = webhook_endpoint::Entity::find().order_by_desc(webhook_endpoint::Column::CreatedAt);
    if let Some(channel) = scope {
        q = q.filter(webhook_endpoint::Column::ChannelId.eq(channel));
    }
    Ok(q.all(&state.db.conn)
        .await?
        .into_iter()
        .map(Endpoint::from)
        .collect())
}

/// One endpoint the caller manages.
pub async fn get(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Endpoint> {
    Ok(visible_endpoint(&state.db.conn, p, id).await?.into())
}

/// Registers an endpoint: an integration's is bound to its channel.
pub async fn create(
    state: &AppState,
    p: &Principal,
    input: NewEndpoint,
) -> AppResult<CreatedEndpoint> {
    let channel_id = scope(p)?;
    let url = valid_url(state, &input.url)?;
    let events = valid_events(&input.event_types)?;
    let description = valid_description(input.description.as_deref())?;
    points_public(state, &url).await?;
    register(state, p, url.as_str(), &events, description, channel_id).await
}

/// Stores an endpoint whose input was checked (or the demo data's, whose
/// host never resolves) with a new secret; `p` is its owner.
pub(crate) async fn register(
    state: &AppState,
    p: &Principal,
    url: &str,
    events: &EventFilter,
    description: Option<String>,
    channel_id: Option<Uuid>,
) -> AppResult<CreatedEndpoint> {
    let secret = format!("{SECRET_PREFIX}{}", random_token(32));
    let owner_email = match p {
        Principal::User { email, .. } if !email.is_empty() => Some(email.clone()),
        _ => None,
    };
    let now = Utc::now();
    let tx = state.db.begin_write().await?;
    let model = webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(url.to_string()),
        description: Set(description),
        event_types: Set(events.to_json()),
        secret: Set(secret.clone()),
        owner: Set(p.actor()),
        owner_email: Set(owner_email),
        channel_id: Set(channel_id),
        enabled: Set(true),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedEndpoint {
        endpoint: model.into(),
        secret,
    })
}

/// Changes an endpoint the caller manages.
pub async fn update(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    changes: EndpointChanges,
) -> AppResult<Endpoint> {
    visible_endpoint(&state.db.conn, p, id).await?;
    let url = changes
        .url
        .as_deref()
        .map(|raw| valid_url(state, raw))
        .transpose()?;
    let events = changes
        .event_types
        .as_deref()
        .map(valid_events)
        .transpose()?;
    let description = changes
        .description
        .as_deref()
        .map(|d| valid_description(Some(d)))
        .transpose()?;
    if let Some(url) = &url {
        points_public(state, url).await?;
    }
    let tx = state.db.begin_write().await?;
    let current = visible_endpoint(&*tx, p, id).await?;
    let was_enabled = current.enabled;
    let mut m: webhook_endpoint::ActiveModel = current.into();
    if let Some(url) = url {
        m.url = Set(url.as_str().to_string());
    }
    if let Some(events) = events {
        m.event_types = Set(events.to_json());
    }
    if let Some(d) = description {
        m.description = Set(d);
    }
    match changes.enabled {
        Some(true) if !was_enabled => {
            m.enabled = Set(true);
            m.disabled_reason = Set(None);
            m.failing_since = Set(None);
        }
        Some(false) if was_enabled => {
            m.enabled = Set(false);
            m.disabled_reason = Set(Some(format!("disabled by {}", p.actor())));
        }
        _ => {}
    }
    m.updated_at = Set(Utc::now());
    let saved = m.update(&*tx).await?;
    tx.commit().await?;
    Ok(saved.into())
}

/// Removes an endpoint the caller manages, with its delivery log.
pub async fn delete(state: &AppState, p: &Principal, id: Uuid) -> AppResult<Endpoint> {
    let tx = state.db.begin_write().await?;
    let current = visible_endpoint(&*tx, p, id).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .exec(&*tx)
        .await?;
    webhook_endpoint::Entity::delete_by_id(id)
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(current.into())
}
