//! Change request types of the API.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::changes as rules;
use crate::graphql::context::{principal, state};
use crate::graphql::fulfillment::DeliveryMethod;
use crate::graphql::orders::{Actor, Address, AddressInput, Order};
use crate::graphql::types::{Money, PageInfo};
use crate::services::changes as svc;

/// Both directions between an API enum and its domain twin.
macro_rules! map_enum {
    ($a:ty, $b:ty, [$($v:ident),*]) => {
        impl From<$a> for $b { fn from(x: $a) -> $b { match x { $(<$a>::$v => <$b>::$v,)* } } }
        impl From<$b> for $a { fn from(x: $b) -> $a { match x { $(<$b>::$v => <$a>::$v,)* } } }
    };
}

/// Where a change request is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ChangeRequestStatus {
    /// Waits for support's approval.
    Pending,
    /// Applied at once (the rules needed no approval).
    Applied,
    /// Approved by support (or asked by support) and applied.
    Approved,
    /// Refused by support; `reason` says why.
    Rejected,
    /// Withdrawn before a decision.
    Cancelled,
}

map_enum!(
    ChangeRequestStatus,
    rules::ChangeStatus,
    [Pending, Applied, Approved, Rejected, Cancelled]
);

/// What a change request asks for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ChangeRequestKind {
    /// Address, quantities, lines or delivery method (`requestOrderChange`).
    Change,
    /// Some units cancelled (`cancelOrderLines`).
    CancelLines,
}

map_enum!(ChangeRequestKind, rules::ChangeKind, [Change, CancelLines]);

/// Units of a SKU.
#[derive(InputObject, Clone)]
pub struct ChangeLineInput {
    /// Product SKU.
    pub sku: String,
    /// Units.
    pub quantity: i64,
}

/// A change of an order that has not shipped. Every part is optional;
/// parts not given stay as they are.
#[derive(InputObject, Default)]
pub struct OrderChangeInput {
    /// The new shipping address.
    pub shipping_address: Option<AddressInput>,
    /// New quantities of lines on the order (0 removes the line).
    #[graphql(default)]
    pub set_quantities: Vec<ChangeLineInput>,
    /// SKUs to remove from the order.
    #[graphql(default)]
    pub remove_skus: Vec<String>,
    /// Lines to add (or units to add to a line), at today's catalog price.
    #[graphql(default)]
    pub add_lines: Vec<ChangeLineInput>,
    /// EXPRESS or POSTAL (changing to or from PICKUP is not possible).
    pub delivery_method: Option<DeliveryMethod>,
}

impl From<OrderChangeInput> for rules::ChangeInput {
    fn from(i: OrderChangeInput) -> Self {
        rules::ChangeInput {
            address: i.shipping_address.map(|a| crate::domain::orders::Address {
                name: a.name,
                phone: a.phone,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            }),
            set_quantities: i
                .set_quantities
                .into_iter()
                .map(|l| (l.sku, l.quantity))
                .collect(),
            remove_skus: i.remove_skus,
            add_lines: i
                .add_lines
                .into_iter()
                .map(|l| (l.sku, l.quantity))
                .collect(),
            delivery_method: i.delivery_method.map(Into::into),
            cancel: Vec::new(),
        }
    }
}

/// Filters for the change request queue.
#[derive(InputObject, Default)]
pub struct ChangeRequestFilter {
    /// Only requests in this status.
    pub status: Option<ChangeRequestStatus>,
}

/// One line before and after a change.
#[derive(SimpleObject)]
pub struct ChangeLine {
    /// Product SKU.
    pub sku: String,
    /// Product name (at placement, or today's for an added line).
    pub name: String,
    /// Unit price: the placement price for existing lines, today's for added ones.
    pub unit_price: Money,
    /// Units before.
    pub before: i64,
    /// Units after.
    pub after: i64,
    /// Not on the order before.
    pub added: bool,
}

/// Stock a change moves in one warehouse.
#[derive(SimpleObject)]
pub struct StockEffect {
    /// Product SKU.
    pub sku: String,
    /// Warehouse code.
    pub warehouse: String,
    /// Units: negative are released back to available stock, positive are
    /// allocated to the order.
    pub delta: i64,
}

/// A change, priced before it is made.
#[derive(SimpleObject)]
pub struct OrderChangePreview {
    /// Every line of the order before and after (unchanged lines too).
    pub lines: Vec<ChangeLine>,
    /// The new total minus the old: positive is more to pay, negative is
    /// money back.
    pub amount_delta: Money,
    /// Money the customer gets back when applied (what was paid beyond the
    /// new total); zero when nothing was captured yet.
    pub refund: Money,
    /// Subtotal before.
    pub subtotal_before: Money,
    /// Subtotal after.
    pub subtotal_after: Money,
    /// Shipping fee before.
    pub shipping_fee_before: Money,
    /// Shipping fee after (changes only with the delivery method).
    pub shipping_fee_after: Money,
    /// Total before.
    pub total_before: Money,
    /// Total after.
    pub total_after: Money,
    /// Stock released and allocated, per SKU and warehouse.
    pub stock_effects: Vec<StockEffect>,
    /// Support must approve it (additions, increases, a delivery method
    /// change, or anything after picking started).
    pub needs_approval: bool,
    /// Why support must approve (English).
    pub approval_reasons: Vec<String>,
    /// The new address, when it changes.
    pub shipping_address: Option<Address>,
    /// The new delivery method, when it changes.
    pub delivery_method: Option<DeliveryMethod>,
}

impl From<svc::Preview> for OrderChangePreview {
    fn from(p: svc::Preview) -> Self {
        let m = |minor| Money::from_minor(minor, &p.currency);
        OrderChangePreview {
            lines: p
                .lines
                .iter()
                .map(|l| ChangeLine {
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    unit_price: m(l.unit_price_minor),
                    before: l.before,
                    after: l.after,
                    added: l.added,
                })
                .collect(),
            amount_delta: m(p.amount_delta),
            refund: m(p.refund),
            subtotal_before: m(p.subtotal_before),
            subtotal_after: m(p.subtotal_after),
            shipping_fee_before: m(p.fee_before),
            shipping_fee_after: m(p.fee_after),
            total_before: m(p.total_before),
            total_after: m(p.total_after),
            stock_effects: p
                .stock_effects
                .iter()
                .map(|e| StockEffect {
                    sku: e.sku.clone(),
                    warehouse: e.warehouse.clone(),
                    delta: e.delta,
                })
                .collect(),
            needs_approval: p.needs_approval,
            approval_reasons: p.approval_reasons.clone(),
            shipping_address: p.address.clone().map(|a| Address {
                name: a.name,
                phone: a.phone,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            }),
            delivery_method: p
                .delivery_method
                .as_deref()
                .and_then(crate::domain::fulfillment::DeliveryMethod::parse)
                .map(Into::into),
        }
    }
}

/// A change of an order (or a cancellation of some of its lines), with its
/// priced preview and who decided it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ChangeRequest {
    /// Its id.
    pub id: ID,
    /// The order's number.
    pub order_number: String,
    /// A change or a line cancellation.
    pub kind: ChangeRequestKind,
    /// Where it is.
    pub status: ChangeRequestStatus,
    /// Support must approve it.
    pub needs_approval: bool,
    /// What it does, priced (as applied, or as it would apply when asked).
    pub preview: OrderChangePreview,
    /// Why it was rejected, or why the lines were cancelled.
    pub reason: Option<String>,
    #[graphql(skip)]
    pub inner: svc::ChangeRequest,
}

#[ComplexObject]
impl ChangeRequest {
    /// The order it changes.
    async fn order(&self, ctx: &Context<'_>) -> Result<Order> {
        Ok(Order(
            crate::services::orders::find_visible(state(ctx)?, principal(ctx), &self.order_number)
                .await?,
        ))
    }
    /// Who asked.
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Actor> {
        actor(ctx, &self.inner.requested_by).await
    }
    /// Who approved or rejected it (null while pending or when applied at once).
    async fn decided_by(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        match &self.inner.decided_by {
            Some(a) => Ok(Some(actor(ctx, a).await?)),
            None => Ok(None),
        }
    }
    /// When it was asked.
    async fn created_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.inner.created_at))
    }
    /// When it was approved or rejected.
    async fn decided_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<FixedOffset>>> {
        let zone = state(ctx)?.config.time_zone;
        Ok(self.inner.decided_at.map(|t| zone.local(t)))
    }
}

async fn actor(ctx: &Context<'_>, stored: &str) -> Result<Actor> {
    let st = state(ctx)?;
    let found = crate::services::actors::resolve(&st.db.conn, [stored]).await?;
    let a = found
        .get(stored)
        .ok_or_else(|| crate::error::AppError::Internal(anyhow::anyhow!("actor {stored:?}")))?;
    Ok(a.seen_by(principal(ctx)).into())
}

impl From<svc::ChangeRequest> for ChangeRequest {
    fn from(r: svc::ChangeRequest) -> Self {
        ChangeRequest {
            id: ID(r.id.to_string()),
            order_number: r.order_number.clone(),
            kind: r.kind.into(),
            status: r.status.into(),
            needs_approval: r.preview.needs_approval,
            preview: r.preview.clone().into(),
            reason: r.reason.clone().or_else(|| r.input.reason.clone()),
            inner: r,
        }
    }
}

/// How many change requests are in one status.
#[derive(SimpleObject)]
pub struct ChangeRequestCount {
    /// The status.
    pub status: ChangeRequestStatus,
    /// How many requests are in it.
    pub count: i64,
}

/// One change request in a page.
#[derive(SimpleObject)]
pub struct ChangeRequestEdge {
    /// Cursor of this item.
    pub cursor: String,
    /// The request.
    pub node: ChangeRequest,
}

/// A page of change requests, PENDING first.
#[derive(SimpleObject)]
pub struct ChangeRequestConnection {
    /// The requests of this page.
    pub edges: Vec<ChangeRequestEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Requests matching the filter, over all pages.
    pub total_count: i64,
    /// Requests per status (all of them, whatever the filter).
    pub counts: Vec<ChangeRequestCount>,
}

impl From<svc::ChangeRequestPage> for ChangeRequestConnection {
    fn from(p: svc::ChangeRequestPage) -> Self {
        let edges: Vec<ChangeRequestEdge> = p
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| ChangeRequestEdge {
                cursor: crate::services::orders::queries_cursor(p.offset + i as u64),
                node: r.into(),
            })
            .collect();
        ChangeRequestConnection {
            page_info: PageInfo {
                has_next_page: p.has_next,
                has_previous_page: p.has_previous,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: p.total as i64,
            counts: p
                .counts
                .into_iter()
                .map(|(s, n)| ChangeRequestCount {
                    status: s.into(),
                    count: n as i64,
                })
                .collect(),
        }
    }
}

/// One line's quantity before and after a change.
#[derive(SimpleObject)]
pub struct LineQuantityChange {
    /// Product SKU.
    pub sku: String,
    /// Units before.
    pub before: i64,
    /// Units after.
    pub after: i64,
}

/// A change on an order's timeline: what it was before and after.
#[derive(SimpleObject)]
pub struct OrderEventChange {
    /// A change or a line cancellation.
    pub kind: ChangeRequestKind,
    /// Lines whose quantity changed.
    pub lines: Vec<LineQuantityChange>,
    /// The address before, on one line (when it changed).
    pub address_before: Option<String>,
    /// The address after, on one line (when it changed).
    pub address_after: Option<String>,
    /// The delivery method before (when it changed).
    pub delivery_method_before: Option<String>,
    /// The delivery method after (when it changed).
    pub delivery_method_after: Option<String>,
    /// The order's total before.
    pub total_before: Money,
    /// The order's total after.
    pub total_after: Money,
}

impl From<&rules::ChangeSummary> for OrderEventChange {
    fn from(c: &rules::ChangeSummary) -> Self {
        OrderEventChange {
            kind: c.kind.into(),
            lines: c
                .lines
                .iter()
                .map(|l| LineQuantityChange {
                    sku: l.sku.clone(),
                    before: l.before,
                    after: l.after,
                })
                .collect(),
            address_before: c.address_before.clone(),
            address_after: c.address_after.clone(),
            delivery_method_before: c.method_before.clone(),
            delivery_method_after: c.method_after.clone(),
            total_before: Money::from_minor(c.total_before_minor, &c.currency),
            total_after: Money::from_minor(c.total_after_minor, &c.currency),
        }
    }
}
