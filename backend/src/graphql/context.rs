//! Per-request context: the caller and the shared state, plus guards that
//! mirror the service-layer checks (authorization twice).

use async_graphql::{Context, Guard};

use crate::domain::auth::{Principal, Role};
use crate::state::AppState;

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

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
