//! Outgoing calls to a provider. Every call carries a stable idempotency key
//! the caller stored before the call, so a retry or a query after an unknown
//! result never applies an operation twice.

use futures_util::future::BoxFuture;

use super::Provider;

/// A provider's API as the payments service uses it.
pub trait Gateway: Send + Sync {
    /// Starts a payment; returns where to send the customer.
    fn create<'a>(
        &'a self,
        req: &'a CreateRequest,
    ) -> BoxFuture<'a, Result<CreateResponse, CallError>>;
    /// Captures an authorization (card).
    fn capture<'a>(
        &'a self,
        req: &'a CaptureRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>>;
    /// Releases an authorization or closes an unpaid trade (card: cancel the
    /// PaymentIntent; Alipay: `alipay.trade.close`; WeChat: close the order).
    fn void<'a>(&'a self, req: &'a VoidRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>>;
    /// Refunds part or all of a payment.
    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>>;
    /// Asks the provider what became of a call whose result is unknown (never
    /// re-send with a new key).
    fn query<'a>(&'a self, req: &'a QueryRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>>;
}

/// Start a payment.
#[derive(Clone, Debug)]
pub struct CreateRequest {
    /// Which provider (a gateway serves one; checked).
    pub provider: Provider,
    /// Our payment reference (`out_trade_no`, card `metadata[reference]`).
    pub reference: String,
    /// The amount, minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Shown to the customer (Alipay `subject`, WeChat `description`).
    pub description: String,
    /// Where the provider sends the customer back.
    pub return_url: String,
    /// Our webhook URL for this provider.
    pub notify_url: String,
    /// Stable idempotency key.
    pub idempotency_key: String,
}

/// Where to send the customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateResponse {
    /// The provider's trade id when it assigns one at creation (card `pi_…`).
    pub provider_reference: Option<String>,
    /// The payment page (Alipay), QR code URL (WeChat `code_url`) or the
    /// client confirmation URL (card).
    pub redirect_url: String,
}

/// Capture an authorization.
#[derive(Clone, Debug)]
pub struct CaptureRequest {
    /// Our payment reference.
    pub reference: String,
    /// The provider's trade id (`pi_…`), required by the card processor.
    pub provider_reference: Option<String>,
    /// The amount to capture now, minor units.
    pub amount_minor: i64,
    /// Whether the rest of the authorization is released after this capture.
    pub final_capture: bool,
    /// Stable idempotency key.
    pub idempotency_key: String,
}

/// Release an authorization or close an unpaid trade.
#[derive(Clone, Debug)]
pub struct VoidRequest {
    /// Our payment reference.
    pub reference: String,
    /// The provider's trade id, when known.
    pub provider_reference: Option<String>,
    /// Stable idempotency key.
    pub idempotency_key: String,
}

/// Refund part or all of a payment.
#[derive(Clone, Debug)]
pub struct RefundRequest {
    /// Our payment reference.
    pub reference: String,
    /// The provider's trade id, when known.
    pub provider_reference: Option<String>,
    /// This refund's amount, minor units.
    pub amount_minor: i64,
    /// The payment's total, minor units (WeChat requires it).
    pub total_minor: i64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Why (shown to the customer by some providers).
    pub reason: String,
    /// Stable idempotency key; also our refund number (`out_request_no`,
    /// `out_refund_no`, card `metadata[idempotency_key]`).
    pub idempotency_key: String,
}

/// Which call a query is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// [`Gateway::create`].
    Create,
    /// [`Gateway::capture`].
    Capture,
    /// [`Gateway::void`].
    Void,
    /// [`Gateway::refund`].
    Refund,
}

/// Ask what became of an earlier call.
#[derive(Clone, Debug)]
pub struct QueryRequest {
    /// The call asked about.
    pub kind: OpKind,
    /// Our payment reference.
    pub reference: String,
    /// The provider's trade id, when known.
    pub provider_reference: Option<String>,
    /// The idempotency key the call was made with.
    pub idempotency_key: String,
}

/// What a call (or a query about one) established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Applied.
    Succeeded {
        /// The provider's id of the trade or refund, when it says.
        provider_reference: Option<String>,
        /// The amount the provider applied, minor units.
        amount_minor: i64,
    },
    /// Accepted, the result comes later (by notification or query).
    Pending {
        /// The provider's id of the trade or refund, when it says.
        provider_reference: Option<String>,
    },
    /// Definitely not applied.
    Failed {
        /// The provider's reason.
        reason: String,
    },
}

/// A call that did not produce an outcome.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Result unknown (network error, timeout, 5xx): query later with the same key.
    #[error("result unknown: {0}")]
    Unknown(String),
    /// Definitely not applied: the provider rejected the request (4xx).
    #[error("rejected: {0}")]
    Rejected(String),
}
