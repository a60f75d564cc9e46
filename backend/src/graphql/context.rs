//! Per-request context: the caller and the shared state, plus guards that
//! mirror the service-layer checks (authorization twice).
//!
//! Context values are read with [`required`], never `data_unchecked`: a
//! value that the HTTP layer forgot to attach is an `INTERNAL` error that
//! is logged, not a panic that drops the connection.

use async_graphql::{Context, Guard};

use crate::domain::auth::{Principal, Role};
use crate::error::AppError;
use crate::state::AppState;

/// A value the HTTP layer attaches to every request; its absence is a bug
/// on our side, reported as `INTERNAL` (and logged) rather than a panic.
pub fn required<'a, T: std::any::Any + Send + Sync>(ctx: &Context<'a>) -> Result<&'a T, AppError> {
    ctx.data_opt::<T>().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "request context lacks {}",
            std::any::type_name::<T>()
        ))
    })
}

/// The shared application state.
pub fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState, AppError> {
    required::<AppState>(ctx)
}

/// The caller; anonymous when no credential was presented.
pub fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// Coarse role gate on a field; the service checks again.
pub struct RoleGuard(pub &'static [Role]);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        crate::services::authorize(principal(ctx), self.0).map_err(Into::into)
    }
}

/// The client's IP address, for login throttling.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

pub fn client_ip(ctx: &Context<'_>) -> String {
    ctx.data_opt::<ClientIp>()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| "unknown".into())
}
