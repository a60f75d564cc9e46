//! GraphQL client. During SSR a request runs in-process through the
//! [`crate::ssr::GraphqlExecutor`] found in context, on behalf of the HTTP
//! request being rendered (so it carries the caller's cookies); in the
//! browser it is a same-origin `POST /graphql`.

pub mod changes;
pub mod fulfillment;
pub mod live;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod queries;
pub mod returns;
pub mod reviews;
pub mod service_desk;
pub mod shipments_console;
pub mod tickets;
pub mod types;
pub mod webhooks;

use crate::i18n::Key;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::future::Future;
use types::{MeData, Product, ProductConnection, ProductData, ProductsData, User};

/// What can go wrong with a GraphQL call, keyed by `errors[0].extensions.code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    Unauthenticated,
    Forbidden,
    NotFound,
    InvalidInput {
        field: Option<String>,
    },
    Conflict,
    RateLimited,
    /// Some lines could not be allocated.
    OutOfStock,
    Internal,
    /// The server could not be reached or answered something that is not GraphQL.
    Network,
    /// The service cannot serve right now (its database is down); retry shortly.
    Unavailable,
}

impl ApiError {
    /// Maps an `extensions.code` (and `extensions.field`) to an error.
    pub fn from_code(code: &str, field: Option<String>) -> Self {
        match code {
            "UNAUTHENTICATED" => Self::Unauthenticated,
            "FORBIDDEN" => Self::Forbidden,
            "NOT_FOUND" => Self::NotFound,
            "INVALID_INPUT" => Self::InvalidInput { field },
            "CONFLICT" => Self::Conflict,
            "RATE_LIMITED" => Self::RateLimited,
            "OUT_OF_STOCK" => Self::OutOfStock,
            "UNAVAILABLE" => Self::Unavailable,
            _ => Self::Internal,
        }
    }

    /// The translated message to show.
    pub fn key(&self) -> Key {
        match self {
            Self::Unauthenticated => Key::ErrUnauthenticated,
            Self::Forbidden => Key::ErrForbidden,
            Self::NotFound => Key::ErrNotFound,
            Self::InvalidInput { field } => {
                crate::i18n::error_key("INVALID_INPUT", field.as_deref())
            }
            Self::Conflict => Key::ErrConflict,
            Self::RateLimited => Key::ErrRateLimited,
            Self::OutOfStock => Key::ErrOutOfStock,
            Self::Internal => Key::ErrInternal,
            Self::Network => Key::ErrNetwork,
            Self::Unavailable => Key::ErrUnavailable,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key().texts().0)
    }
}

impl std::error::Error for ApiError {}

/// Turns a standard GraphQL response into `T` (the type of `data`) or the
/// first error.
pub fn decode<T: DeserializeOwned>(response: Value) -> Result<T, ApiError> {
    if let Some(first) = response
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        let ext = first.get("extensions");
        let code = ext
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("INTERNAL");
        let field = ext
            .and_then(|e| e.get("field"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        return Err(ApiError::from_code(code, field));
    }
    match response.get("data") {
        Some(data) if !data.is_null() => {
            serde_json::from_value(data.clone()).map_err(|_| ApiError::Internal)
        }
        _ => Err(ApiError::Network),
    }
}

/// Runs one GraphQL operation and decodes its `data` as `T`.
///
/// Must be called synchronously from a reactive scope (a resource fetcher,
/// a component): the server path reads its executor and request from context.
pub fn request<T>(
    query: &'static str,
    variables: Value,
) -> impl Future<Output = Result<T, ApiError>> + Send + 'static
where
    T: DeserializeOwned + 'static,
{
    let body = json!({ "query": query, "variables": variables });
    transport::send(body, decode::<T>)
}

#[cfg(feature = "ssr")]
mod transport {
    use super::ApiError;
    use crate::ssr::GraphqlExecutor;
    use leptos::prelude::use_context;
    use serde_json::Value;
    use std::future::Future;

    fn error_code(response: &Value) -> Option<&str> {
        response
            .get("errors")?
            .get(0)?
            .get("extensions")?
            .get("code")?
            .as_str()
    }

    pub fn send<T: 'static>(
        body: Value,
        decode: fn(Value) -> Result<T, ApiError>,
    ) -> impl Future<Output = Result<T, ApiError>> + Send + 'static {
        let pending = match (
            use_context::<GraphqlExecutor>(),
            use_context::<leptos_actix::Request>(),
        ) {
            (Some(executor), Some(req)) => Some((executor.0)(&req, body)),
            _ => None,
        };
        let response = use_context::<leptos_actix::ResponseOptions>();
        async move {
            let Some(fut) = pending else {
                return Err(ApiError::Internal);
            };
            let response_value = fut.await;
            // Any page that could not get its data because the service is
            // down answers 503 (and shows the error where it shows errors).
            if let Some(res) = response
                && error_code(&response_value) == Some("UNAVAILABLE")
            {
                res.set_status(actix_web::http::StatusCode::SERVICE_UNAVAILABLE);
                res.insert_header(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static("5"),
                );
            }
            decode(response_value)
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod transport {
    use super::ApiError;
    use serde_json::Value;
    use std::future::Future;

    pub fn send<T: 'static>(
        body: Value,
        decode: fn(Value) -> Result<T, ApiError>,
    ) -> impl Future<Output = Result<T, ApiError>> + Send + 'static {
        // gloo-net futures are !Send; the browser is single-threaded, and
        // `Resource` wants Send futures.
        send_wrapper::SendWrapper::new(async move {
            let response = gloo_net::http::Request::post("/graphql")
                .credentials(web_sys::RequestCredentials::SameOrigin)
                .json(&body)
                .map_err(|_| ApiError::Internal)?
                .send()
                .await
                .map_err(|_| ApiError::Network)?;
            let value: Value = response.json().await.map_err(|_| ApiError::Network)?;
            decode(value)
        })
    }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
mod transport {
    use super::ApiError;
    use serde_json::Value;

    /// Without `ssr` or `hydrate` there is nowhere to send a request.
    pub async fn send<T: 'static>(
        _body: Value,
        _decode: fn(Value) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        Err(ApiError::Internal)
    }
}

/// The signed-in user (`None` when anonymous).
pub fn me() -> impl Future<Output = Result<Option<User>, ApiError>> + Send + 'static {
    let fut = request::<MeData>(queries::ME, json!({}));
    async move { fut.await.map(|d| d.me) }
}

/// Number of products per page.
pub const PAGE_SIZE: i64 = 20;

/// One page of products matching `search` (all when empty).
pub fn products(
    search: String,
    after: Option<String>,
) -> impl Future<Output = Result<ProductConnection, ApiError>> + Send + 'static {
    let search = search.trim().to_owned();
    let search = (!search.is_empty()).then_some(search);
    let fut = request::<ProductsData>(
        queries::PRODUCTS,
        json!({ "search": search, "first": PAGE_SIZE, "after": after }),
    );
    async move { fut.await.map(|d| d.products) }
}

/// One product (`None` if the SKU is unknown).
pub fn product(
    sku: String,
) -> impl Future<Output = Result<Option<Product>, ApiError>> + Send + 'static {
    let fut = request::<ProductData>(queries::PRODUCT, json!({ "sku": sku }));
    async move { fut.await.map(|d| d.product) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_maps_error_code_and_field() {
        let resp = json!({"data": null, "errors": [{"message": "bad", "extensions": {"code": "INVALID_INPUT", "field": "password"}}]});
        assert_eq!(
            decode::<MeData>(resp).err(),
            Some(ApiError::InvalidInput {
                field: Some("password".into())
            })
        );
        let resp =
            json!({"errors": [{"message": "who?", "extensions": {"code": "UNAUTHENTICATED"}}]});
        assert_eq!(
            decode::<MeData>(resp).err(),
            Some(ApiError::Unauthenticated)
        );
        let resp = json!({"errors": [{"message": "depth"}]});
        assert_eq!(decode::<MeData>(resp).err(), Some(ApiError::Internal));
        let resp = json!({"errors": [{"message": "down", "extensions": {"code": "UNAVAILABLE"}}]});
        let err = decode::<MeData>(resp).err();
        assert_eq!(err, Some(ApiError::Unavailable));
        assert_eq!(err.map(|e| e.key()), Some(Key::ErrUnavailable));
    }

    #[test]
    fn decode_reads_typed_data() {
        let resp =
            json!({"data": {"me": {"id": "1", "email": "a@b.c", "name": "Ann", "role": "ADMIN"}}});
        let me = decode::<MeData>(resp).ok().and_then(|d| d.me);
        assert!(me.is_some_and(|u| u.name == "Ann" && u.is_staff()));
        let resp = json!({"data": {"products": {"totalCount": 1, "pageInfo": {"hasNextPage": false, "endCursor": null},
            "edges": [{"cursor": "c", "node": {"id": "p", "sku": "AUD-001", "name": "Wireless Earbuds",
            "price": {"amount": "299.00", "currencyCode": "CNY"}, "available": 3}}]}}});
        let page = decode::<ProductsData>(resp).map(|d| d.products);
        assert!(page.is_ok_and(|p| p.edges[0].node.price.to_string() == "¥299.00"));
    }
}
