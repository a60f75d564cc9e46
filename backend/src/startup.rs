//! Start-up: connect, migrate, seed on first start, bind, serve until
//! SIGTERM/SIGINT (graceful: in-flight requests finish).

use std::io::Write;
use std::sync::Arc;

use actix_web::http::header::CACHE_CONTROL;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer};
use anyhow::Context;
use migration::MigratorTrait;

use crate::config::Config;
use crate::db::Db;
use crate::events::EventBus;
use crate::graphql::build_schema;
use crate::state::AppState;
use crate::state::TokenKeys;

/// Connects to the database and runs pending migrations.
pub async fn connect_and_migrate(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(config).await?;
    migration::Migrator::up(&db.conn, None)
        .await
        .context("running migrations")?;
    Ok(db)
}

/// A secret kept in the data dir, generated on first start.
fn data_dir_secret(data_dir: &std::path::Path, name: &str) -> anyhow::Result<String> {
    let path = data_dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 16
    {
        return Ok(existing.trim().to_string());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let secret = crate::crypto::random_token(24);
    std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(secret)
}

pub async fn build_state(mut config: Config) -> anyhow::Result<AppState> {
    if config.carrier_callback_salt.is_empty() {
        config.carrier_callback_salt = data_dir_secret(&config.data_dir, "carrier_callback_salt")?;
    }
    let db = connect_and_migrate(&config).await?;
    let keys = TokenKeys::load(config.jwt_secret.as_deref(), &config.data_dir)?;
    let payments = crate::services::payments::PaymentsRuntime::new(
        crate::services::payments::providers::Providers::new(
            config.payments.clone(),
            &config.data_dir,
        ),
        config.payment_expiry,
        config.public_url.clone(),
        config.payment_sandbox,
    );
    Ok(AppState {
        payments,
        config: Arc::new(config),
        db,
        keys: Arc::new(keys),
        bus: EventBus::new(),
        channels: Default::default(),
        sessions: Default::default(),
        notifications: Default::default(),
    })
}

/// `oms serve`.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let mut state = build_state(config).await?;
    let mut relay = None;
    if !state.config.is_sqlite() {
        let url = state.config.database_url.clone();
        relay = Some(
            state
                .bus
                .relay_through_postgres(&url)
                .await
                .context("listening for events from other instances")?,
        );
    }
    crate::services::seed::ensure_defaults(&state)
        .await
        .map_err(|e| anyhow::anyhow!("creating the default channel: {}", e.describe()))?;
    if state.config.seed_demo
        && crate::services::seed::seed_if_empty(&state)
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo data: {}", e.describe()))?
    {
        tracing::info!("seeded demo data (see README for the demo accounts)");
    }
    crate::jobs::spawn(state.clone());
    let schema = build_schema(&state.config);
    let bind = state.config.bind;
    let workers = state.config.workers;
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        let st = app_state.clone();
        let sc = schema.clone();
        App::new()
            // Pages and API responses revalidate; hashed assets say otherwise.
            .wrap(DefaultHeaders::new().add((CACHE_CONTROL, "no-cache")))
            // gzip when the client accepts it; skips WebSocket upgrades (101).
            .wrap(Compress::default())
            .wrap(from_fn(crate::http::request_log::request_log))
            .configure(move |cfg| crate::http::configure(cfg, st, sc))
    })
    .shutdown_timeout(10);
    let server = if workers > 0 {
        server.workers(workers)
    } else {
        server
    };
    let server = server
        .bind(bind)
        .with_context(|| format!("binding {bind}"))?;
    for addr in server.addrs() {
        println!("oms listening on http://{addr}");
    }
    if let Some(addr) = server.addrs().first() {
        state.payments.set_bound_address(*addr);
    }
    let _ = std::io::stdout().flush();
    let served = server.run().await.context("serving HTTP");
    if let Some(relay) = relay {
        relay.shutdown().await;
    }
    served?;
    tracing::info!("shut down cleanly");
    Ok(())
}
