//! `/graphql`: POST (JSON), GET (queries only), GraphiQL for browsers, and
//! subscriptions over WebSocket (graphql-transport-ws) on the same path.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, ErrorExtensionValues, ServerError, Value};
use async_graphql_actix_web::GraphQLSubscription;

use super::graphiql::Explorer;
use super::identity::{self, Credential};
use crate::domain::auth::Principal;
use crate::error::AppError;
use crate::graphql::OmsSchema;
use crate::graphql::context::ClientIp;
use crate::state::AppState;

/// Runs one request with the caller and per-request loaders attached.
pub async fn execute(
    state: &AppState,
    schema: &OmsSchema,
    principal: Principal,
    ip: String,
    req: async_graphql::Request,
) -> async_graphql::Response {
    let req = crate::graphql::loaders::attach(
        req.data(state.clone()).data(principal).data(ClientIp(ip)),
        state,
    );
    schema.execute(req).await
}

fn error_body(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let mut err = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", Value::from(code));
    err.extensions = Some(ext);
    HttpResponse::build(status).json(async_graphql::Response::from_errors(vec![err]))
}

fn app_error(e: AppError) -> HttpResponse {
    let code = e.code();
    error_body(StatusCode::OK, code, &e.public_message())
}

/// The type of the operation the request will run, if it parses.
fn operation_type(req: &async_graphql::Request) -> Option<OperationType> {
    let doc = async_graphql::parser::parse_query(&req.query).ok()?;
    match (&doc.operations, req.operation_name.as_deref()) {
        (async_graphql::parser::types::DocumentOperations::Single(op), _) => Some(op.node.ty),
        (async_graphql::parser::types::DocumentOperations::Multiple(map), Some(name)) => {
            map.get(name).map(|op| op.node.ty)
        }
        (async_graphql::parser::types::DocumentOperations::Multiple(map), None) => {
            (map.len() == 1).then(|| map.values().next().map(|op| op.node.ty))?
        }
    }
}

async fn run(
    state: &AppState,
    schema: &OmsSchema,
    http: &HttpRequest,
    req: async_graphql::Request,
) -> HttpResponse {
    let cred = identity::credential(http);
    if matches!(cred, Credential::Cookie(_))
        && operation_type(&req) == Some(OperationType::Mutation)
        && !identity::same_origin(http)
    {
        return error_body(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "cookie-authenticated mutations must come from this site (Origin mismatch)",
        );
    }
    let principal = match identity::resolve(state, &cred).await {
        Ok(p) => p,
        Err(e) => return app_error(e),
    };
    let resp = execute(state, schema, principal, identity::client_ip(http), req).await;
    HttpResponse::Ok().json(resp)
}

/// POST /graphql. The body limit (413) is set by `PayloadConfig`.
pub async fn post(
    http: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
) -> HttpResponse {
    // A batch is a JSON array; one look at the first byte says so without
    // parsing the body twice.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return error_body(
            StatusCode::BAD_REQUEST,
            "INVALID_INPUT",
            "batched requests are not supported: send one operation per request",
        );
    }
    let req: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error_body(
                StatusCode::BAD_REQUEST,
                "INVALID_INPUT",
                &format!("not a GraphQL request: {e}"),
            );
        }
    };
    run(&state, &schema, &http, req).await
}

/// GET /graphql: WebSocket upgrade, GraphiQL (see `graphiql.rs`), or a query in the URL.
pub async fn get(
    http: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    explorer: web::Data<Explorer>,
) -> actix_web::Result<HttpResponse> {
    let upgrade = http
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if upgrade {
        return subscribe(http, payload, state, schema).await;
    }
    let wants_html = http
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if http.query_string().is_empty() {
        if wants_html && state.config.graphql_introspection {
            return Ok(explorer.page());
        }
        return Ok(error_body(
            StatusCode::BAD_REQUEST,
            "INVALID_INPUT",
            "missing `query` parameter",
        ));
    }
    let req = match async_graphql::http::parse_query_string(http.query_string()) {
        Ok(r) => r,
        Err(e) => {
            return Ok(error_body(
                StatusCode::BAD_REQUEST,
                "INVALID_INPUT",
                &format!("bad query string: {e}"),
            ));
        }
    };
    if operation_type(&req) == Some(OperationType::Mutation) {
        let mut resp = error_body(
            StatusCode::METHOD_NOT_ALLOWED,
            "INVALID_INPUT",
            "mutations are not allowed over GET; use POST",
        );
        resp.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, POST"));
        return Ok(resp);
    }
    Ok(run(&state, &schema, &http, req).await)
}

#[derive(serde::Deserialize, Default)]
struct InitPayload {
    #[serde(alias = "Authorization")]
    authorization: Option<String>,
    token: Option<String>,
}

async fn subscribe(
    http: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
) -> actix_web::Result<HttpResponse> {
    let cookie_cred = match identity::credential(&http) {
        Credential::Cookie(t) if identity::same_origin(&http) => Some(t),
        _ => None,
    };
    let st = state.get_ref().clone();
    let mut data = Data::default();
    data.insert(st.clone());
    crate::graphql::loaders::attach_data(&mut data, &st);
    GraphQLSubscription::new(schema.get_ref().clone())
        .with_data(data)
        .on_connection_init(move |value| async move {
            let init: InitPayload = serde_json::from_value(value).unwrap_or_default();
            let token = init
                .authorization
                .map(|a| a.trim_start_matches("Bearer ").trim().to_string())
                .or(init.token)
                .or(cookie_cred);
            let principal = match token {
                Some(t) => crate::services::auth::principal_from_token(&st, &t)
                    .await
                    .map_err(async_graphql::Error::from)?,
                None => Principal::Anonymous,
            };
            let mut d = Data::default();
            d.insert(principal);
            Ok(d)
        })
        .start(&http, payload)
}
