//! HTTP wiring: routes to handlers that only translate, and the Leptos
//! portal mounted last.

pub mod carriers;
pub mod forms;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod identity;
pub mod pages;
pub mod payments;
pub mod portal_forms;
pub mod request_log;

use std::sync::Arc;

use actix_web::{HttpRequest, web};

use crate::domain::auth::Principal;
use crate::error::AppError;
use crate::graphql::OmsSchema;
use crate::state::AppState;

/// Registers every route. Called once per worker.
pub fn configure(cfg: &mut web::ServiceConfig, state: AppState, schema: OmsSchema) {
    let executor = ssr_executor(state.clone(), schema.clone());
    let site_root = state.config.site_root.clone();
    cfg.app_data(web::Data::new(state.clone()))
        .app_data(web::Data::new(schema.clone()))
        .app_data(web::PayloadConfig::new(state.config.max_body_bytes))
        .app_data(web::FormConfig::default().limit(state.config.max_body_bytes))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .service(
            web::resource("/graphql")
                .route(web::post().to(graphql::post))
                .route(web::get().to(graphql::get)),
        )
        .route("/auth/login", web::post().to(forms::login))
        .route("/auth/register", web::post().to(forms::register))
        .route("/auth/logout", web::post().to(forms::logout))
        .route("/lang/{lang}", web::get().to(forms::set_lang));
    graphiql::configure(cfg, &site_root, &schema);
    payments::configure(cfg);
    carriers::configure(cfg);
    portal_forms::configure(cfg);
    pages::configure(cfg, site_root, executor);
}

/// Lets server-side rendering run GraphQL in-process with the identity of
/// the HTTP request being rendered (no HTTP hop, same rules).
fn ssr_executor(state: AppState, schema: OmsSchema) -> frontend::ssr::GraphqlExecutor {
    frontend::ssr::GraphqlExecutor(Arc::new(move |http: &HttpRequest, body| {
        let state = state.clone();
        let schema = schema.clone();
        let cred = identity::credential(http);
        let ip = identity::client_ip(http);
        Box::pin(async move {
            let req: async_graphql::Request = match serde_json::from_value(body) {
                Ok(r) => r,
                Err(e) => {
                    return serde_json::json!({"errors": [{
                        "message": format!("not a GraphQL request: {e}"),
                        "extensions": {"code": "INVALID_INPUT"}
                    }]});
                }
            };
            // A bad cookie renders the page signed out; a lost database
            // must render "unavailable", not "please sign in".
            let principal = match identity::resolve(&state, &cred).await {
                Ok(p) => p,
                Err(e @ AppError::Unavailable(_)) => {
                    return serde_json::json!({"errors": [{"message": e.public_message(),
                        "extensions": {"code": e.code()}}]});
                }
                Err(_) => Principal::Anonymous,
            };
            let resp = graphql::execute(&state, &schema, principal, ip, req).await;
            serde_json::to_value(resp).unwrap_or_else(|e| {
                serde_json::json!({"errors": [{"message": format!("serializing response: {e}"),
                    "extensions": {"code": "INTERNAL"}}]})
            })
        })
    }))
}
