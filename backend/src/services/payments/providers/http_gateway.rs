//! Clients for the real gateways, used when `OMS_<PROVIDER>_GATEWAY_URL` is set.

use std::sync::Arc;

use super::{Gateway, Provider, ProviderSettings};

/// The real gateway for `provider`, when its URL is configured.
pub(super) fn build(_provider: Provider, _settings: &ProviderSettings) -> Option<Arc<dyn Gateway>> {
    None
}
