//! The built-in sandbox: plays each provider when no real gateway is
//! configured, so payments work with no account and no internet. It keeps
//! a provider's promises: calls are idempotent by key (same key, same
//! answer), unknown keys are unknown to `query`, and results are also
//! announced by the provider's real notification format, signed with the
//! sandbox keys and POSTed to our own webhook endpoint (retried until
//! acknowledged; duplicated and reordered when `OMS_PAYMENT_SANDBOX_CHAOS`
//! is on). The same webhook code verifies them as it verifies real ones.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::Utc;
use futures_util::future::BoxFuture;
use rand::Rng;
use rand::distr::Alphanumeric;

use super::providers::{
    CallError, CallOutcome, CaptureRequest, CreateRequest, CreateResponse, Gateway, Provider,
    ProviderEvent, Providers, QueryRequest, RefundNotice, RefundOutcome, RefundRequest,
    SandboxNotice, VoidRequest,
};
use super::{provider_of, store};
use crate::domain::payments::PaymentMethod;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

fn random(n: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

fn digits(n: usize) -> String {
    let mut r = rand::rng();
    (0..n)
        .map(|_| char::from(b'0' + r.random_range(0..10u8)))
        .collect()
}

/// What the sandbox needs to reach our webhook.
struct Link {
    providers: Providers,
    base_url: Arc<OnceLock<String>>,
    http: reqwest::Client,
}

/// One trade as the sandbox provider sees it.
#[derive(Clone, Debug, Default)]
struct Trade {
    provider: Option<Provider>,
    provider_reference: String,
    total_minor: i64,
    currency: String,
    captured: i64,
    refunded: i64,
}

#[derive(Default)]
struct Books {
    /// Answers by idempotency key, with what was asked (a key reused for
    /// another request is refused, as Stripe does).
    calls: HashMap<String, (String, CallOutcome)>,
    /// How asynchronous operations (WeChat Pay refunds) end, for `query`.
    settled: HashMap<String, CallOutcome>,
    trades: HashMap<String, Trade>,
}

/// The sandbox provider (all three), in process.
#[derive(Default)]
pub struct SandboxGateway {
    link: OnceLock<Link>,
    books: Mutex<Books>,
}

impl SandboxGateway {
    /// Connects the sandbox to our webhook endpoint.
    pub(crate) fn connect(&self, providers: Providers, base_url: Arc<OnceLock<String>>) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let _ = self.link.set(Link {
            providers,
            base_url,
            http,
        });
    }

    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        match self.books.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Remembers an answer under its key; a key seen before returns the
    /// first answer (or refuses a different request under the same key).
    fn once(
        &self,
        key: &str,
        fingerprint: String,
        f: impl FnOnce(&mut Books) -> Result<CallOutcome, CallError>,
    ) -> Result<(CallOutcome, bool), CallError> {
        let mut b = self.books();
        if let Some((fp, outcome)) = b.calls.get(key) {
            if *fp != fingerprint {
                return Err(CallError::Rejected(format!(
                    "idempotency key {key} was used for another request"
                )));
            }
            return Ok((outcome.clone(), false));
        }
        let outcome = f(&mut b)?;
        b.calls
            .insert(key.to_string(), (fingerprint, outcome.clone()));
        Ok((outcome, true))
    }

    /// Announces `event` for a trade as the provider would, in the
    /// background (after the call's answer, like a real provider).
    fn announce(&self, provider: Provider, reference: &str, trade: &Trade, event: ProviderEvent) {
        let Some(link) = self.link.get() else { return };
        let notice = SandboxNotice {
            id: notice_id(provider),
            reference: reference.to_string(),
            provider_reference: trade.provider_reference.clone(),
            total_minor: trade.total_minor,
            currency: trade.currency.clone(),
            event,
        };
        let providers = link.providers.clone();
        let base = link.base_url.clone();
        let http = link.http.clone();
        actix_web::rt::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            deliver(&providers, &base, &http, provider, &notice, 6).await;
        });
    }
}

fn notice_id(provider: Provider) -> String {
    match provider {
        Provider::Alipay => random(32).to_ascii_lowercase(),
        Provider::WechatPay => uuid::Uuid::new_v4().to_string(),
        Provider::Card => format!("evt_sbx_{}", random(24)),
    }
}

/// POSTs a signed notification to our webhook until it is acknowledged
/// (at most `attempts` times, backing off like providers do).
async fn deliver(
    providers: &Providers,
    base: &OnceLock<String>,
    http: &reqwest::Client,
    provider: Provider,
    notice: &SandboxNotice,
    attempts: u32,
) -> bool {
    let Some(base) = base.get() else {
        return false;
    };
    let url = format!("{base}/webhooks/payments/{}", provider.as_str());
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(attempt - 1))).await;
        }
        // Signed at send time, as a provider does on each retry.
        let signed = match providers
            .sandbox_request(provider, notice, Utc::now())
            .await
        {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(%provider, error = %e, "sandbox cannot sign notifications");
                return false;
            }
        };
        let mut req = http
            .post(&url)
            .header("content-type", signed.content_type.clone())
            .body(signed.body.clone());
        for (k, v) in &signed.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match req.send().await {
            Ok(resp) if resp.status().is_success() => {
                let body = resp.text().await.unwrap_or_default();
                // Alipay retries unless the body is exactly `success`.
                if provider != Provider::Alipay || body == "success" {
                    return true;
                }
            }
            Ok(resp) => {
                tracing::debug!(%provider, status = %resp.status(), "sandbox notification refused");
            }
            Err(e) => tracing::debug!(%provider, error = %e, "sandbox notification not delivered"),
        }
    }
    false
}

impl Gateway for SandboxGateway {
    fn create<'a>(
        &'a self,
        req: &'a CreateRequest,
    ) -> BoxFuture<'a, Result<CreateResponse, CallError>> {
        Box::pin(async move {
            let provider_reference = match req.provider {
                Provider::Card => Some(format!("pi_sbx_{}", random(24))),
                // Alipay and WeChat Pay number the trade when it is paid.
                Provider::Alipay | Provider::WechatPay => None,
            };
            let mut b = self.books();
            let trade = b
                .trades
                .entry(req.reference.clone())
                .or_insert_with(|| Trade {
                    provider: Some(req.provider),
                    provider_reference: provider_reference.clone().unwrap_or_default(),
                    total_minor: req.amount_minor,
                    currency: req.currency.clone(),
                    captured: 0,
                    refunded: 0,
                });
            let pr =
                (!trade.provider_reference.is_empty()).then(|| trade.provider_reference.clone());
            let base = self
                .link
                .get()
                .and_then(|l| l.base_url.get().cloned())
                .unwrap_or_default();
            Ok(CreateResponse {
                provider_reference: pr,
                redirect_url: format!("{base}/sandbox/pay/{}", req.reference),
            })
        })
    }

    fn capture<'a>(
        &'a self,
        req: &'a CaptureRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        Box::pin(async move {
            let fp = format!("capture:{}:{}", req.reference, req.amount_minor);
            let mut trade = None;
            let (outcome, fresh) = self.once(&req.idempotency_key, fp, |b| {
                let t = b.trades.entry(req.reference.clone()).or_default();
                t.captured += req.amount_minor;
                trade = Some(t.clone());
                Ok(CallOutcome::Succeeded {
                    provider_reference: None,
                    amount_minor: req.amount_minor,
                })
            })?;
            if let (true, Some(t)) = (fresh, trade)
                && t.provider == Some(Provider::Card)
            {
                self.announce(
                    Provider::Card,
                    &req.reference,
                    &t,
                    ProviderEvent::Captured {
                        received_minor: t.captured,
                    },
                );
            }
            Ok(outcome)
        })
    }

    fn void<'a>(&'a self, req: &'a VoidRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        Box::pin(async move {
            let fp = format!("void:{}", req.reference);
            let mut trade = None;
            let (outcome, fresh) = self.once(&req.idempotency_key, fp, |b| {
                trade = b.trades.get(&req.reference).cloned();
                Ok(CallOutcome::Succeeded {
                    provider_reference: None,
                    amount_minor: 0,
                })
            })?;
            if let (true, Some(t)) = (fresh, trade)
                && t.provider == Some(Provider::Card)
            {
                self.announce(Provider::Card, &req.reference, &t, ProviderEvent::Canceled);
            }
            Ok(outcome)
        })
    }

    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        Box::pin(async move {
            let fp = format!("refund:{}:{}", req.reference, req.amount_minor);
            let mut trade = None;
            let refund_id = format!("re_sbx_{}", random(24));
            let wechat = self
                .books()
                .trades
                .get(&req.reference)
                .is_some_and(|t| t.provider == Some(Provider::WechatPay));
            let (outcome, fresh) = self.once(&req.idempotency_key, fp, |b| {
                let t = b.trades.entry(req.reference.clone()).or_default();
                t.refunded += req.amount_minor;
                trade = Some(t.clone());
                // WeChat Pay refunds are processed asynchronously.
                if wechat {
                    b.settled.insert(
                        req.idempotency_key.clone(),
                        CallOutcome::Succeeded {
                            provider_reference: Some(refund_id.clone()),
                            amount_minor: req.amount_minor,
                        },
                    );
                }
                Ok(if wechat {
                    CallOutcome::Pending {
                        provider_reference: Some(refund_id.clone()),
                    }
                } else {
                    CallOutcome::Succeeded {
                        provider_reference: Some(refund_id.clone()),
                        amount_minor: req.amount_minor,
                    }
                })
            })?;
            if let (true, Some(mut t)) = (fresh, trade) {
                let notice = RefundNotice {
                    provider_refund_id: Some(refund_id.clone()),
                    our_key: Some(req.idempotency_key.clone()),
                    amount_minor: req.amount_minor,
                    outcome: RefundOutcome::Succeeded,
                };
                if t.provider == Some(Provider::Card) {
                    self.announce(
                        Provider::Card,
                        &req.reference,
                        &t,
                        ProviderEvent::Refunds(vec![notice]),
                    );
                } else if wechat {
                    if t.provider_reference.is_empty() {
                        t.provider_reference = req.provider_reference.clone().unwrap_or_default();
                    }
                    self.announce(
                        Provider::WechatPay,
                        &req.reference,
                        &t,
                        ProviderEvent::Refunds(vec![notice]),
                    );
                }
            }
            Ok(outcome)
        })
    }

    fn query<'a>(&'a self, req: &'a QueryRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        Box::pin(async move {
            let b = self.books();
            // A refund that was processing (WeChat Pay) has finished by now.
            if let Some(done) = b.settled.get(&req.idempotency_key) {
                return Ok(done.clone());
            }
            match b.calls.get(&req.idempotency_key) {
                Some((_, outcome)) => Ok(outcome.clone()),
                None => Err(CallError::Rejected(format!(
                    "no operation {}",
                    req.idempotency_key
                ))),
            }
        })
    }
}

/// The sandbox payment page's view of a payment.
#[derive(Clone, Debug)]
pub struct SandboxPage {
    pub provider: Provider,
    pub method: PaymentMethod,
    pub reference: String,
    pub order_number: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Already paid (or closed): nothing to pay.
    pub settled: bool,
}

/// What the sandbox page shows for `reference`.
pub async fn page(state: &AppState, reference: &str) -> AppResult<SandboxPage> {
    let missing = || AppError::NotFound(format!("no sandbox payment {reference}"));
    let row = store::find_by_reference(&state.db.conn, Some(reference), None)
        .await?
        .ok_or_else(missing)?;
    let pay = store::payment_by_id(&state.db.conn, row.id)
        .await?
        .ok_or_else(missing)?;
    let provider = provider_of(pay.method).ok_or_else(missing)?;
    if !state.payments.is_sandbox(provider) {
        return Err(missing());
    }
    let order = entity::order::Entity::find_by_id(pay.order_id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(missing)?;
    let l = crate::domain::payments::Ledger::from_events(&pay.events);
    Ok(SandboxPage {
        provider,
        method: pay.method,
        reference: pay.reference,
        order_number: order.number,
        amount_minor: pay.amount_minor,
        currency: pay.currency,
        settled: l.captured > 0 || l.authorized > 0 || l.closed,
    })
}

use sea_orm::EntityTrait;

/// The customer pressed "Pay" on the sandbox page: the provider notifies
/// us (and, with chaos on, notifies again, and out of order). Returns the
/// page to send the customer back to.
pub async fn pay(state: &AppState, reference: &str) -> AppResult<String> {
    let p = page(state, reference).await?;
    let back = format!("{}/orders/{}", state.payments.base_url(), p.order_number);
    if p.settled {
        return Ok(back);
    }
    let sandbox = &state.payments.sandbox;
    let Some(link) = sandbox.link.get() else {
        return Err(AppError::Unavailable(anyhow::anyhow!(
            "the payment sandbox is not running"
        )));
    };
    let trade = {
        let mut b = sandbox.books();
        let t = b.trades.entry(p.reference.clone()).or_default();
        t.provider = Some(p.provider);
        if t.provider_reference.is_empty() {
            t.provider_reference = match p.provider {
                Provider::Alipay => format!("2026{}", digits(24)),
                Provider::WechatPay => format!("42000{}", digits(23)),
                Provider::Card => format!("pi_sbx_{}", random(24)),
            };
        }
        t.total_minor = p.amount_minor;
        t.currency = p.currency.clone();
        if p.provider != Provider::Card {
            t.captured = p.amount_minor;
        }
        t.clone()
    };
    // The card's PaymentIntent was numbered at creation: keep that number.
    let provider_reference = match p.provider {
        Provider::Card => store::find_by_reference(&state.db.conn, Some(&p.reference), None)
            .await?
            .and_then(|r| r.provider_reference)
            .unwrap_or(trade.provider_reference.clone()),
        _ => trade.provider_reference.clone(),
    };
    let mut notices = Vec::new();
    let make = |event| SandboxNotice {
        id: notice_id(p.provider),
        reference: p.reference.clone(),
        provider_reference: provider_reference.clone(),
        total_minor: p.amount_minor,
        currency: p.currency.clone(),
        event,
    };
    match p.provider {
        Provider::Card => notices.push(make(ProviderEvent::Authorized {
            capturable_minor: p.amount_minor,
        })),
        Provider::Alipay | Provider::WechatPay => notices.push(make(ProviderEvent::Paid {
            amount_minor: p.amount_minor,
        })),
    }
    let chaos = link.providers.settings().chaos;
    if chaos && p.provider == Provider::Alipay {
        // TRADE_FINISHED for the same trade, delivered before the success.
        notices.insert(
            0,
            make(ProviderEvent::Paid {
                amount_minor: p.amount_minor,
            }),
        );
    }
    let first = notices.remove(0);
    let delivered = deliver(
        &link.providers,
        &link.base_url,
        &link.http,
        p.provider,
        &first,
        3,
    )
    .await;
    if !delivered {
        return Err(AppError::Unavailable(anyhow::anyhow!(
            "the sandbox could not deliver the payment notification"
        )));
    }
    let mut later = notices;
    if chaos {
        // The same notification again, several times, at once.
        for _ in 0..3 {
            later.push(first.clone());
        }
    }
    for n in later {
        let providers = link.providers.clone();
        let base = link.base_url.clone();
        let http = link.http.clone();
        let provider = p.provider;
        actix_web::rt::spawn(async move {
            deliver(&providers, &base, &http, provider, &n, 6).await;
        });
    }
    Ok(back)
}
