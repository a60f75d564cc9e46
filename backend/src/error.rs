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
    InvalidInput {
        field: String,
        message: String,
    },
    Conflict(String),
    /// An order action the rules refuse: CONFLICT when the order's status
    /// stands in the way, FORBIDDEN or UNAUTHENTICATED when the caller
    /// does; `extensions` carry `reason` and its parameters (`status`,
    /// `action`, `role`) so that clients can translate it.
    Refused(crate::domain::orders::Refusal),
    RateLimited(String),
    /// A pickup handover refused: the wrong code (`WRONG_PICKUP_CODE`, with
    /// `attemptsLeft`), or too many wrong codes (`PICKUP_LOCKED`).
    PickupRefused {
        locked: bool,
        attempts_left: i32,
    },
    OutOfStock {
        skus: Vec<String>,
    },
    /// The database cannot be reached right now (see
    /// [`crate::db::is_unavailable`]); the client may retry shortly. Like
    /// `Internal`, the cause is logged and never shown.
    Unavailable(anyhow::Error),
    Internal(anyhow::Error),
}

/// What a client reads for [`AppError::Unavailable`].
pub const UNAVAILABLE_MESSAGE: &str = "the service is temporarily unavailable; try again shortly";

impl From<anyhow::Error> for AppError {
    /// Internal, unless a database connection failure is in the cause chain.
    fn from(e: anyhow::Error) -> Self {
        let unavailable = e.chain().any(|cause| {
            cause
                .downcast_ref::<sea_orm::DbErr>()
                .is_some_and(crate::db::is_unavailable)
                || cause
                    .downcast_ref::<sea_orm::sqlx::Error>()
                    .is_some_and(crate::db::sqlx_unavailable)
        });
        if unavailable {
            AppError::Unavailable(e)
        } else {
            AppError::Internal(e)
        }
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
            AppError::Refused(r) => match r.code {
                _ if r.is_conflict() => "CONFLICT",
                crate::domain::orders::RefusalCode::SignInRequired => "UNAUTHENTICATED",
                _ => "FORBIDDEN",
            },
            AppError::RateLimited(_) => "RATE_LIMITED",
            AppError::PickupRefused { locked: true, .. } => "PICKUP_LOCKED",
            AppError::PickupRefused { .. } => "WRONG_PICKUP_CODE",
            AppError::OutOfStock { .. } => "OUT_OF_STOCK",
            AppError::Unavailable(_) => "UNAVAILABLE",
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
            AppError::Refused(r) => r.message(),
            AppError::InvalidInput { field, message } => format!("{field}: {message}"),
            AppError::OutOfStock { skus } => format!("out of stock: {}", skus.join(", ")),
            AppError::PickupRefused { locked: true, .. } => {
                "too many wrong pickup codes: the shipment is locked until staff review it".into()
            }
            AppError::PickupRefused { attempts_left, .. } => {
                format!("wrong pickup code; {attempts_left} attempts left")
            }
            AppError::Unavailable(err) | AppError::Internal(err) => format!("{err:#}"),
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
            AppError::Unavailable(err) => {
                tracing::warn!("database unavailable: {err:#}");
                UNAVAILABLE_MESSAGE.to_string()
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
            AppError::PickupRefused { .. } => S::CONFLICT,
            AppError::Refused(r) if r.is_conflict() => S::CONFLICT,
            AppError::Refused(r) if r.role.is_none() => S::UNAUTHORIZED,
            AppError::Refused(_) => S::FORBIDDEN,
            AppError::RateLimited(_) => S::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => S::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    /// `Unavailable` for a connection failure, `Internal` for anything else.
    fn from(e: sea_orm::DbErr) -> Self {
        let unavailable = crate::db::is_unavailable(&e);
        let err = anyhow::Error::new(e).context("database");
        if unavailable {
            AppError::Unavailable(err)
        } else {
            AppError::Internal(err)
        }
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
                AppError::PickupRefused { attempts_left, .. } => {
                    ext.set("attemptsLeft", *attempts_left)
                }
                AppError::Refused(r) => {
                    ext.set("reason", r.code.as_str());
                    ext.set("status", r.status.as_str());
                    ext.set("action", r.action.as_str());
                    if let Some(role) = r.role {
                        ext.set("role", role.as_str().to_ascii_uppercase());
                    }
                }
                _ => {}
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;
    use sea_orm::{ConnAcquireErr, DbErr};

    use super::*;

    fn pool_timeout() -> DbErr {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)
    }

    #[test]
    fn a_lost_database_is_unavailable_with_http_503() {
        let e = AppError::from(pool_timeout());
        assert_eq!(e.code(), "UNAVAILABLE");
        assert_eq!(e.http_status().as_u16(), 503);
        assert_eq!(e.public_message(), UNAVAILABLE_MESSAGE);
    }

    #[test]
    fn unavailable_survives_anyhow_context() {
        let wrapped = Err::<(), _>(pool_timeout())
            .context("loading the order")
            .unwrap_err();
        assert_eq!(AppError::from(wrapped).code(), "UNAVAILABLE");
        assert_eq!(
            AppError::from(anyhow::anyhow!("something else")).code(),
            "INTERNAL"
        );
    }

    #[test]
    fn a_failed_statement_stays_internal() {
        let e = AppError::from(DbErr::Custom("constraint".into()));
        assert_eq!(e.code(), "INTERNAL");
        assert_eq!(e.public_message(), "internal error");
    }

    #[test]
    fn graphql_errors_carry_the_unavailable_code() {
        let err = async_graphql::Error::from(AppError::from(pool_timeout()));
        let code = err
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .cloned();
        assert_eq!(code, Some(async_graphql::Value::from("UNAVAILABLE")));
        assert_eq!(err.message, UNAVAILABLE_MESSAGE);
    }
}
