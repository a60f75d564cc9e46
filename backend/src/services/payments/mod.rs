//! Payments: starting a payment with a provider, the ledger of what each
//! payment authorized, captured, voided and refunded, provider
//! notifications applied exactly once, staff money movements, and the
//! expiry of unpaid orders.
//!
//! Exactly once, in three places:
//! * an operation (`op_key`) is requested at most once and settles at most
//!   once (`ux_payment_events_op`); the same key always reaches the
//!   provider as the same idempotency key;
//! * a provider notification is applied in one transaction with its id in
//!   `webhook_inbox` (unique), and answered only after commit;
//! * every money command takes the order row's lock, then the payment
//!   row's, and re-reads the ledger under them, so two commands on the same
//!   money serialize and the second sees what the first did.

pub mod calls;
pub mod commands;
pub mod expiry;
pub mod providers;
pub mod queries;
pub mod sandbox;
mod settle;
pub(crate) mod store;
pub mod webhook;

use std::sync::{Arc, OnceLock};

use crate::domain::payments::{ExpiryPolicy, PaymentMethod};
use providers::{Gateway, Provider, Providers};

pub use commands::{
    PaymentSession, RefundFollowUp, RefundLine, after_refund, capture_for_shipment,
    capture_payment, record_manual_payment, refund_lines_amount, refund_order_amount,
    refund_payment, start_payment, void_payment,
};
pub use queries::{PaymentFilter, PaymentPage, list_payments, payments_for_orders};
pub(crate) use settle::reverse_cancelled;

/// The provider that takes payments of this method, if any.
pub fn provider_of(m: PaymentMethod) -> Option<Provider> {
    match m {
        PaymentMethod::Card => Some(Provider::Card),
        PaymentMethod::Alipay => Some(Provider::Alipay),
        PaymentMethod::WechatPay => Some(Provider::WechatPay),
        PaymentMethod::CashOnDelivery | PaymentMethod::BankTransfer => None,
    }
}

/// What the payments area keeps for the life of the process: provider
/// keys and clients, the built-in sandbox, and our own public address.
#[derive(Clone)]
pub struct PaymentsRuntime {
    pub providers: Providers,
    pub sandbox: Arc<sandbox::SandboxGateway>,
    pub expiry: ExpiryPolicy,
    /// The built-in sandbox may play providers without a real gateway
    /// (`OMS_PAYMENT_SANDBOX`; on in development, off in production, where
    /// it would let anyone "pay").
    sandbox_enabled: bool,
    /// `OMS_PUBLIC_URL`, or `http://<bound address>` once the server listens.
    base_url: Arc<OnceLock<String>>,
}

impl PaymentsRuntime {
    pub fn new(
        providers: Providers,
        expiry: ExpiryPolicy,
        public_url: Option<String>,
        sandbox_enabled: bool,
    ) -> Self {
        let base_url = Arc::new(OnceLock::new());
        if let Some(url) = public_url {
            let _ = base_url.set(url.trim_end_matches('/').to_string());
        }
        let sandbox = Arc::new(sandbox::SandboxGateway::default());
        sandbox.connect(providers.clone(), base_url.clone());
        PaymentsRuntime {
            providers,
            sandbox,
            expiry,
            sandbox_enabled,
            base_url,
        }
    }

    /// Called once the server is bound (no-op when `OMS_PUBLIC_URL` is set).
    pub fn set_bound_address(&self, addr: std::net::SocketAddr) {
        let host = if addr.ip().is_unspecified() {
            format!("127.0.0.1:{}", addr.port())
        } else {
            addr.to_string()
        };
        let _ = self.base_url.set(format!("http://{host}"));
    }

    /// Our public base URL, e.g. `http://127.0.0.1:3000`.
    pub fn base_url(&self) -> String {
        self.base_url
            .get()
            .cloned()
            .unwrap_or_else(|| "http://127.0.0.1:3000".into())
    }

    /// The gateway outgoing calls go to: the real one when configured,
    /// else the built-in sandbox when it is enabled; `None` when neither.
    pub fn gateway(&self, provider: Provider) -> Option<Arc<dyn Gateway>> {
        match self.providers.real_gateway(provider) {
            Some(g) => Some(g),
            None if self.sandbox_enabled => Some(self.sandbox.clone()),
            None => None,
        }
    }

    /// The sandbox plays this provider (enabled, no real gateway configured).
    pub fn is_sandbox(&self, provider: Provider) -> bool {
        self.sandbox_enabled && self.providers.real_gateway(provider).is_none()
    }
}
