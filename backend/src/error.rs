//! The one error type that crosses the edge. Each area's rules speak in
//! [`AppError`] variants; the edges map them to a stable GraphQL
//! `extensions.code`, an HTTP status, or a form redirect. Internal errors
//! show the client an opaque message and log the whole cause chain.

use async_graphql::ErrorExtensions;

///
/// Deliberately not `Display`: async-graphql converts any `Display` type
/// into an error without a code, so a missing conversion would compile and
/// silently drop `extensions.code`. Only [`From<AppError>`] below exists.
#[derive(Debug)]
pub enum AppError {
    Unauthenticated(String),
    Forbidden(String),
    NotFound(String),
    InvalidInput { field: String, message: String },
    Conflict(String),
    RateLimited(String),
    OutOfStock { skus: Vec<String> },
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The stable machine-readable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::InvalidInput { .. } => "INVALID_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited(_) => "RATE_LIMITED",
            AppError::OutOfStock { .. } => "OUT_OF_STOCK",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The full message, internal causes included (logs and the CLI).
    pub fn describe(&self) -> String {
        match self {
            AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::RateLimited(m) => m.clone(),
            AppError::InvalidInput { field, message } => format!("{field}: {message}"),
            AppError::OutOfStock { skus } => format!("out of stock: {}", skus.join(", ")),
            AppError::Internal(err) => format!("{err:#}"),
        }
    }

    /// The message a client may see: opaque for internal errors, whose
    /// whole cause chain goes to the log instead.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "internal error".to_string()
            }
            other => other.describe(),
        }
    }

    pub fn http_status(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode as S;
        match self {
            AppError::Unauthenticated(_) => S::UNAUTHORIZED,
            AppError::Forbidden(_) => S::FORBIDDEN,
            AppError::NotFound(_) => S::NOT_FOUND,
            AppError::InvalidInput { .. } => S::BAD_REQUEST,
            AppError::Conflict(_) | AppError::OutOfStock { .. } => S::CONFLICT,
            AppError::RateLimited(_) => S::TOO_MANY_REQUESTS,
            AppError::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        let code = e.code();
        let message = e.public_message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            match &e {
                AppError::InvalidInput { field, .. } => ext.set("field", field.as_str()),
                AppError::OutOfStock { skus } => ext.set("skus", skus.clone()),
                _ => {}
            }
        })
    }
}
