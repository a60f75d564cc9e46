//! Payments over GraphQL: customers start paying; finance and admin
//! capture, void, refund and record cash or transfers; finance lists and
//! reconciles. Resolvers only translate; the rules are in
//! `services::payments` and `domain::payments`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use super::context::{principal, state};
use super::orders::Actor;
use super::types::{Money, PageInfo};
use crate::domain::payments as rules;
use crate::error::AppError;
use crate::services::payments as svc;

/// How a customer pays.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentMethod {
    /// Bank card: authorized at checkout, captured when the order ships.
    Card,
    /// Alipay: paid in full at once.
    Alipay,
    /// WeChat Pay: paid in full at once.
    WechatPay,
    /// Cash on delivery: the order is confirmed unpaid; finance records the
    /// courier's remittance.
    CashOnDelivery,
    /// Bank transfer: the order waits until finance records the transfer.
    BankTransfer,
}

/// Where one payment stands, derived from its events.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentStatus {
    /// Started; the provider has confirmed nothing yet.
    Pending,
    /// Money is held and can be captured.
    Authorized,
    /// Part of the authorization was captured.
    PartiallyCaptured,
    /// Captured (or paid) in full.
    Captured,
    /// Part of what was captured was refunded.
    PartiallyRefunded,
    /// Everything captured was refunded.
    Refunded,
    /// Closed or released before any money was captured.
    Voided,
    /// The provider declined.
    Failed,
}

/// Where an order's payment stands, over all its payments.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderPaymentStatus {
    /// Nothing received or held.
    Unpaid,
    /// Authorizations cover the total; captured when the order ships.
    Authorized,
    /// Part of the total is paid or held.
    PartiallyPaid,
    /// The total is paid.
    Paid,
    /// Part of what was paid was refunded.
    PartiallyRefunded,
    /// Everything paid was refunded.
    Refunded,
}

/// What a payment event does to money.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentEventKind {
    /// Money held on the customer's card.
    Authorize,
    /// Money taken (for Alipay, WeChat Pay and manual payments: paid).
    Capture,
    /// A hold released, or an unpaid trade closed.
    Void,
    /// Money given back.
    Refund,
}

/// Where one operation stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentEventStatus {
    /// Asked of the provider; the answer is pending.
    Requested,
    /// Done.
    Succeeded,
    /// Refused or failed; no money moved.
    Failed,
}

macro_rules! map_enum {
    ($a:ty, $b:ty, [$($v:ident),*]) => {
        impl From<$a> for $b { fn from(x: $a) -> $b { match x { $(<$a>::$v => <$b>::$v,)* } } }
        impl From<$b> for $a { fn from(x: $b) -> $a { match x { $(<$b>::$v => <$a>::$v,)* } } }
    };
}
map_enum!(
    PaymentMethod,
    rules::PaymentMethod,
    [Card, Alipay, WechatPay, CashOnDelivery, BankTransfer]
);
map_enum!(
    PaymentStatus,
    rules::PaymentStatus,
    [
        Pending,
        Authorized,
        PartiallyCaptured,
        Captured,
        PartiallyRefunded,
        Refunded,
        Voided,
        Failed
    ]
);
map_enum!(
    OrderPaymentStatus,
    rules::OrderPaymentStatus,
    [
        Unpaid,
        Authorized,
        PartiallyPaid,
        Paid,
        PartiallyRefunded,
        Refunded
    ]
);
map_enum!(
    PaymentEventKind,
    rules::PaymentEventKind,
    [Authorize, Capture, Void, Refund]
);
map_enum!(
    PaymentEventStatus,
    rules::PaymentEventStatus,
    [Requested, Succeeded, Failed]
);

/// One payment of an order: what it asked for and what its events add up to.
pub struct Payment {
    pub payment: rules::Payment,
    /// The order's number, when known without a lookup.
    pub order_number: Option<String>,
}

impl Payment {
    fn ledger(&self) -> rules::Ledger {
        rules::Ledger::from_events(&self.payment.events)
    }
    fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, &self.payment.currency)
    }
}

/// A payment and its ledger.
#[Object]
impl Payment {
    /// Stable id; pass to `capturePayment`, `voidPayment`, `refundPayment`.
    async fn id(&self) -> ID {
        ID(self.payment.id.to_string())
    }
    /// How it is paid.
    async fn method(&self) -> PaymentMethod {
        self.payment.method.into()
    }
    /// Where it stands, derived from its events.
    async fn status(&self) -> PaymentStatus {
        self.ledger().status(self.payment.amount_minor).into()
    }
    /// What this payment asks for (the amount due when it was started).
    async fn amount(&self) -> Money {
        self.money(self.payment.amount_minor)
    }
    /// Authorized in total.
    async fn authorized(&self) -> Money {
        self.money(self.ledger().authorized)
    }
    /// Captured in total.
    async fn captured(&self) -> Money {
        self.money(self.ledger().captured)
    }
    /// Refunded in total.
    async fn refunded(&self) -> Money {
        self.money(self.ledger().refunded)
    }
    /// Authorized and neither captured, voided nor being captured.
    async fn capturable(&self) -> Money {
        self.money(self.ledger().capturable())
    }
    /// Captured and neither refunded nor being refunded.
    async fn refundable(&self) -> Money {
        self.money(self.ledger().refundable())
    }
    /// Our reference at the provider (`out_trade_no`).
    async fn reference(&self) -> &str {
        &self.payment.reference
    }
    /// The provider's id of the trade (PaymentIntent id, Alipay trade_no,
    /// WeChat transaction_id), once known.
    async fn provider_reference(&self) -> Option<&str> {
        self.payment.provider_reference.as_deref()
    }
    /// Where the customer pays (online methods), once created.
    async fn redirect_url(&self) -> Option<&str> {
        self.payment.redirect_url.as_deref()
    }
    /// The order it pays.
    async fn order_number(&self, ctx: &Context<'_>) -> Result<String> {
        if let Some(n) = &self.order_number {
            return Ok(n.clone());
        }
        let st = state(ctx)?;
        use sea_orm::EntityTrait;
        Ok(entity::order::Entity::find_by_id(self.payment.order_id)
            .one(&st.db.conn)
            .await
            .map_err(AppError::from)?
            .map(|o| o.number)
            .unwrap_or_default())
    }
    /// When it was started, in the merchant's time zone.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.payment.created_at))
    }
    /// When the order is cancelled if this payment has not arrived.
    async fn expires_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.payment.expires_at.map(|t| zone.local(t)))
    }
    /// The ledger, oldest first: every request and its outcome.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<PaymentEvent>> {
        let st = state(ctx)?;
        let actors = super::loaders::loaders(ctx)?
            .actors
            .load_many(self.payment.events.iter().map(|e| e.actor.clone()))
            .await?;
        let viewer = principal(ctx);
        let zone = st.config.time_zone;
        self.payment
            .events
            .iter()
            .map(|e| {
                let actor = actors.get(&e.actor).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("actor {:?} not resolved", e.actor))
                })?;
                Ok(PaymentEvent {
                    kind: e.kind.into(),
                    status: e.status.into(),
                    amount: self.money(e.amount_minor),
                    provider_reference: e.provider_reference.clone(),
                    note: e.note.clone(),
                    at: zone.local(e.at),
                    actor: actor.seen_by(viewer).into(),
                })
            })
            .collect()
    }
}

/// One entry of a payment's ledger.
#[derive(SimpleObject)]
pub struct PaymentEvent {
    /// Authorize, capture, void or refund.
    pub kind: PaymentEventKind,
    /// Requested, succeeded or failed.
    pub status: PaymentEventStatus,
    /// How much.
    pub amount: Money,
    /// The provider's id of this movement (trade, refund, bank reference).
    pub provider_reference: Option<String>,
    /// Why, or which notification (reason of a refund, provider's message).
    pub note: Option<String>,
    /// When, in the merchant's time zone.
    pub at: DateTime<FixedOffset>,
    /// Who: staff, the customer, or the system for provider notifications.
    pub actor: Actor,
}

/// Where to send the customer to pay.
#[derive(SimpleObject)]
pub struct PaymentSession {
    /// The payment being made.
    pub payment_id: ID,
    /// The provider's payment page (the sandbox's when no real gateway is
    /// configured), or the order page for cash on delivery and transfers.
    pub redirect_url: String,
    /// When the order is cancelled if the payment has not arrived.
    pub expires_at: Option<DateTime<FixedOffset>>,
    /// The payment itself.
    pub payment: Payment,
}

/// A line of the order to refund.
#[derive(InputObject)]
pub struct RefundLineInput {
    /// The line's SKU.
    pub sku: String,
    /// Units to refund, at most the units ordered.
    pub quantity: i64,
}

/// Finance filters, combined with AND.
#[derive(InputObject, Default)]
pub struct PaymentFilter {
    /// Only this method.
    pub method: Option<PaymentMethod>,
    /// Only payments in this status.
    pub status: Option<PaymentStatus>,
    /// Started at or after this instant.
    pub created_from: Option<DateTime<Utc>>,
    /// Started before this instant.
    pub created_to: Option<DateTime<Utc>>,
    /// Started on or after this day in the merchant's time zone (`OMS_TIMEZONE`).
    pub created_from_date: Option<chrono::NaiveDate>,
    /// Started on or before this day in the merchant's time zone.
    pub created_to_date: Option<chrono::NaiveDate>,
    /// Only this order's payments.
    pub order_number: Option<String>,
}

/// A payment in a page of results.
#[derive(SimpleObject)]
pub struct PaymentEdge {
    /// Opaque position; pass as `after`.
    pub cursor: String,
    /// The payment.
    pub node: Payment,
}

/// A page of payments, newest first.
#[derive(SimpleObject)]
pub struct PaymentConnection {
    /// The payments of this page.
    pub edges: Vec<PaymentEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Payments matching, over all pages.
    pub total_count: i64,
}

fn parse_payment_id(id: &ID) -> Result<Uuid, AppError> {
    super::types::id_arg(id, "paymentId", "is not a payment id")
}

#[derive(Default)]
pub struct PaymentsQuery;

#[Object]
impl PaymentsQuery {
    /// Every payment, newest first, for finance, support and admin.
    async fn payments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<PaymentFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<PaymentConnection> {
        let f = filter.unwrap_or_default();
        let offset = super::types::offset_after(after.as_deref())?;
        let page = svc::list_payments(
            state(ctx)?,
            principal(ctx),
            svc::PaymentFilter {
                method: f.method.map(Into::into),
                status: f.status.map(Into::into),
                created_from: f.created_from,
                created_to: f.created_to,
                created_from_date: f.created_from_date,
                created_to_date: f.created_to_date,
                order_number: f.order_number,
            },
            first.max(1) as u64,
            offset,
        )
        .await?;
        let (cursors, page_info) =
            super::types::offset_page(page.offset, page.items.len(), page.has_next);
        let edges: Vec<PaymentEdge> = cursors
            .into_iter()
            .zip(page.items)
            .map(|(cursor, (p, n))| PaymentEdge {
                cursor,
                node: Payment {
                    payment: p,
                    order_number: Some(n),
                },
            })
            .collect();
        Ok(PaymentConnection {
            page_info,
            edges,
            total_count: page.total as i64,
        })
    }
}

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Starts paying an order: returns where to send the customer. Starting
    /// again with the same method returns the payment still waiting.
    /// Customers pay their own orders; staff and integrations the orders
    /// they can see. Refused (CONFLICT) for cancelled or paid orders, and
    /// (INVALID_INPUT) for a method the order's channel does not offer.
    async fn start_payment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order to pay.")] order_number: String,
        #[graphql(desc = "How to pay.")] method: PaymentMethod,
    ) -> Result<PaymentSession> {
        let st = state(ctx)?;
        let s = svc::start_payment(st, principal(ctx), &order_number, method.into()).await?;
        let zone = st.config.time_zone;
        Ok(PaymentSession {
            payment_id: ID(s.payment.id.to_string()),
            redirect_url: s.redirect_url,
            expires_at: s.expires_at.map(|t| zone.local(t)),
            payment: Payment {
                payment: s.payment,
                order_number: None,
            },
        })
    }

    /// Captures part or all of a card authorization (finance, admin; the
    /// fulfillment area calls it as orders ship). The same idempotency key
    /// again returns the same capture.
    async fn capture_payment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The payment to capture.")] payment_id: ID,
        #[graphql(desc = "Amount in minor units (fen, cents), at most what is capturable.")]
        amount: i64,
        #[graphql(desc = "Unique per capture, 8 to 100 characters; reuse it to retry.")]
        idempotency_key: String,
    ) -> Result<Payment> {
        let p = svc::capture_payment(
            state(ctx)?,
            principal(ctx),
            parse_payment_id(&payment_id)?,
            amount,
            &idempotency_key,
        )
        .await?;
        Ok(Payment {
            payment: p,
            order_number: None,
        })
    }

    /// Releases what is authorized and not captured (finance, admin).
    async fn void_payment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The payment to void.")] payment_id: ID,
        #[graphql(desc = "Unique per void, 8 to 100 characters; reuse it to retry.")]
        idempotency_key: String,
    ) -> Result<Payment> {
        let p = svc::void_payment(
            state(ctx)?,
            principal(ctx),
            parse_payment_id(&payment_id)?,
            &idempotency_key,
        )
        .await?;
        Ok(Payment {
            payment: p,
            order_number: None,
        })
    }

    /// Refunds part or all of what was captured and is not refunded or
    /// being refunded (finance, admin): an amount, or lines of the order at
    /// the prices it was placed at (give one of the two).
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The payment to refund.")] payment_id: ID,
        #[graphql(desc = "Amount in minor units, at most what is refundable.")] amount: Option<i64>,
        #[graphql(desc = "Lines to refund instead of an amount.")] lines: Option<
            Vec<RefundLineInput>,
        >,
        #[graphql(desc = "Why (shown on the timeline), 1 to 500 characters.")] reason: String,
        #[graphql(desc = "Unique per refund, 8 to 100 characters; reuse it to retry.")]
        idempotency_key: String,
    ) -> Result<Payment> {
        let (st, p) = (state(ctx)?, principal(ctx));
        let id = parse_payment_id(&payment_id)?;
        let (amount, reason) = match (amount, lines) {
            (Some(a), None) => (a, reason),
            (None, Some(lines)) => {
                let lines: Vec<svc::RefundLine> = lines
                    .into_iter()
                    .map(|l| svc::RefundLine {
                        sku: l.sku,
                        quantity: l.quantity,
                    })
                    .collect();
                let (a, what) = svc::refund_lines_amount(st, p, id, &lines).await?;
                (a, format!("{} ({what})", reason.trim()))
            }
            _ => {
                return Err(AppError::invalid(
                    "amount",
                    "give either an amount or lines, not both",
                )
                .into());
            }
        };
        let p = svc::refund_payment(st, p, id, amount, &reason, &idempotency_key).await?;
        Ok(Payment {
            payment: p,
            order_number: None,
        })
    }

    /// Records money that did not come through a provider: a courier's
    /// cash-on-delivery remittance or a bank transfer, with its reference
    /// (finance, admin). The same key or the same reference again records
    /// nothing new.
    async fn record_manual_payment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order paid.")] order_number: String,
        #[graphql(desc = "CASH_ON_DELIVERY or BANK_TRANSFER.")] method: PaymentMethod,
        #[graphql(desc = "Amount in minor units, at most what the order owes.")] amount: i64,
        #[graphql(desc = "The bank's or courier's reference, 1 to 100 characters.")]
        reference: String,
        #[graphql(desc = "Unique per record, 8 to 100 characters; reuse it to retry.")]
        idempotency_key: String,
    ) -> Result<Payment> {
        let p = svc::record_manual_payment(
            state(ctx)?,
            principal(ctx),
            &order_number,
            method.into(),
            amount,
            &reference,
            &idempotency_key,
        )
        .await?;
        Ok(Payment {
            payment: p,
            order_number: Some(order_number.trim().to_ascii_uppercase()),
        })
    }
}
