//! Output, input and enum types of returns (RMA).

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::returns as rules;
use crate::graphql::context::{principal, state};
use crate::graphql::types::{Money, PageInfo};
use crate::services::returns as svc;

macro_rules! map_enum {
    ($a:ty, $b:ty, [$($v:ident),*]) => {
        impl From<$a> for $b { fn from(x: $a) -> $b { match x { $(<$a>::$v => <$b>::$v,)* } } }
        impl From<$b> for $a { fn from(x: $b) -> $a { match x { $(<$b>::$v => <$a>::$v,)* } } }
    };
}

/// Where a return is in its life: REQUESTED → APPROVED → RECEIVED →
/// INSPECTED → REFUNDED / EXCHANGED / REJECTED, or CANCELLED.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReturnStatus {
    /// Asked for; support decides (or the auto-approval rule did not apply).
    Requested,
    /// Accepted: the customer sends the parcel.
    Approved,
    /// The parcel arrived (inspection follows in the same step).
    Received,
    /// Every unit recorded; the refund is final and waits for finance.
    Inspected,
    /// The money was given back.
    Refunded,
    /// The replacement is on its way (a shipment was opened).
    Exchanged,
    /// Refused by support (with a reason).
    Rejected,
    /// Withdrawn before the parcel arrived.
    Cancelled,
}
map_enum!(
    ReturnStatus,
    rules::ReturnStatus,
    [
        Requested, Approved, Received, Inspected, Refunded, Exchanged, Rejected, Cancelled
    ]
);

/// Why an item is sent back.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReturnReason {
    /// Arrived damaged (the merchant's fault).
    Damaged,
    /// Does not work (the merchant's fault).
    Defective,
    /// Not what was ordered (the merchant's fault).
    WrongItem,
    /// Differs from its description (the merchant's fault).
    NotAsDescribed,
    /// Wrong size or fit.
    SizeFit,
    /// No longer wanted.
    ChangedMind,
    /// Anything else (say more in the note).
    Other,
}
map_enum!(
    ReturnReason,
    rules::ReturnReason,
    [
        Damaged,
        Defective,
        WrongItem,
        NotAsDescribed,
        SizeFit,
        ChangedMind,
        Other
    ]
);

/// What the customer wants instead of the item.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReturnResolution {
    /// Money back.
    Refund,
    /// Another SKU of the same price (another size or colour).
    Exchange,
}
map_enum!(ReturnResolution, rules::Resolution, [Refund, Exchange]);

/// What the warehouse found for units on receipt.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReturnDisposition {
    /// Back on the shelf of the chosen warehouse (on hand goes up).
    Restock,
    /// Unsellable: received and written off in the stock ledger.
    Damaged,
    /// Not in the parcel: not refunded, no stock change.
    Missing,
}
map_enum!(
    ReturnDisposition,
    rules::Disposition,
    [Restock, Damaged, Missing]
);

/// A step the caller may take on a return now.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReturnAction {
    /// `approveReturn` (support).
    Approve,
    /// `rejectReturn` (support).
    Reject,
    /// `cancelReturn` (the customer, support).
    Cancel,
    /// `receiveReturn` (warehouse): receive and inspect every unit.
    Receive,
    /// Internal: inspection happens inside `receiveReturn`.
    Inspect,
    /// `refundReturn` (finance).
    Refund,
    /// Internal: an exchange ships its replacement inside `receiveReturn`.
    Exchange,
}
map_enum!(
    ReturnAction,
    rules::ReturnAction,
    [Approve, Reject, Cancel, Receive, Inspect, Refund, Exchange]
);

/// A return or exchange request (RMA) on a delivered order.
pub struct Return(pub svc::Return);

/// A return or exchange request (RMA) on a delivered order: what goes
/// back, why, what the warehouse found, and the money.
#[Object]
impl Return {
    /// Its id (for the return commands).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Its number, e.g. "RMA-2026-000123-1".
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Current status.
    async fn status(&self) -> ReturnStatus {
        self.0.status.into()
    }
    /// Refund or exchange.
    async fn resolution(&self) -> ReturnResolution {
        self.0.resolution.into()
    }
    /// The first line's reason (each line has its own).
    async fn reason(&self) -> ReturnReason {
        self.0.reason.into()
    }
    /// The customer's note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The order's number.
    async fn order_number(&self) -> &str {
        &self.0.order_number
    }
    /// The order it returns items of.
    async fn order(&self, ctx: &Context<'_>) -> Result<crate::graphql::orders::Order> {
        let o = crate::services::orders::find_visible(
            state(ctx)?,
            principal(ctx),
            &self.0.order_number,
        )
        .await?;
        Ok(crate::graphql::orders::Order(o))
    }
    /// The units sent back, per order line.
    async fn lines(&self) -> Vec<ReturnLine> {
        self.0
            .lines
            .iter()
            .cloned()
            .map(|l| ReturnLine {
                currency: self.0.currency.clone(),
                line: l,
            })
            .collect()
    }
    /// What the refund gives back: computed from the requested units when
    /// requested, recomputed from what arrived on receipt (shown to
    /// finance before they confirm). Zero for an exchange.
    async fn refund_amount(&self) -> Money {
        Money::from_minor(self.0.refund_minor, &self.0.currency)
    }
    /// The part of `refundAmount` that is the order's shipping fee (only
    /// when the whole order comes back for the merchant's fault).
    async fn shipping_refund(&self) -> Money {
        Money::from_minor(self.0.shipping_refund_minor, &self.0.currency)
    }
    /// What was given back (zero until REFUNDED).
    async fn refunded_amount(&self) -> Money {
        Money::from_minor(self.0.refunded_minor, &self.0.currency)
    }
    /// Why support rejected it.
    async fn rejection_reason(&self) -> Option<&str> {
        self.0.rejection_reason.as_deref()
    }
    /// EXCHANGED: the shipment carrying the replacement.
    async fn exchange_shipment(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::fulfillment::Shipment>> {
        let Some(id) = self.0.exchange_shipment_id else {
            return Ok(None);
        };
        let s =
            crate::services::fulfillment::find_shipment(state(ctx)?, principal(ctx), id).await?;
        Ok(Some(crate::graphql::fulfillment::Shipment(s)))
    }
    /// What the caller may do to it now (buttons show only these).
    async fn available_actions(&self, ctx: &Context<'_>) -> Vec<ReturnAction> {
        svc::available_actions(principal(ctx), &self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// When it was requested.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When it was approved (by support or automatically).
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }
    /// When the warehouse received it.
    async fn received_at(&self) -> Option<DateTime<Utc>> {
        self.0.received_at
    }
    /// When the money was given back.
    async fn refunded_at(&self) -> Option<DateTime<Utc>> {
        self.0.refunded_at
    }
}

/// Units of one order line on a return.
pub struct ReturnLine {
    line: svc::ReturnLine,
    currency: String,
}

/// Units of one order line on a return, with what the warehouse found.
#[Object]
impl ReturnLine {
    /// The SKU sent back.
    async fn sku(&self) -> &str {
        &self.line.sku
    }
    /// The product's name as sold.
    async fn name(&self) -> &str {
        &self.line.name
    }
    /// Units sent back.
    async fn quantity(&self) -> i64 {
        self.line.quantity
    }
    /// Why.
    async fn reason(&self) -> ReturnReason {
        self.line.reason.into()
    }
    /// The unit price it was sold at.
    async fn unit_price(&self) -> Money {
        Money::from_minor(self.line.unit_price_minor, &self.currency)
    }
    /// What this line refunds (unit price × units; after receipt only the
    /// units that arrived).
    async fn refund(&self) -> Money {
        Money::from_minor(self.line.refund_minor, &self.currency)
    }
    /// EXCHANGE: the replacement SKU.
    async fn exchange_sku(&self) -> Option<&str> {
        self.line.exchange_sku.as_deref()
    }
    /// Units put back on the shelf.
    async fn received_restocked(&self) -> i64 {
        self.line.received_restocked
    }
    /// Units received damaged and written off.
    async fn received_damaged(&self) -> i64 {
        self.line.received_damaged
    }
    /// Units missing from the parcel.
    async fn received_missing(&self) -> i64 {
        self.line.received_missing
    }
    /// The warehouse restocked units went to.
    async fn restock_warehouse_code(&self) -> Option<&str> {
        self.line.restock_warehouse.as_deref()
    }
}

/// One line of a return request.
#[derive(InputObject)]
pub struct ReturnLineInput {
    /// A SKU of the order.
    pub sku: String,
    /// Units to send back (at most what was delivered minus earlier returns).
    pub quantity: i64,
    /// Why.
    pub reason: ReturnReason,
}

/// A return or exchange request.
#[derive(InputObject)]
pub struct ReturnRequestInput {
    /// What goes back.
    pub lines: Vec<ReturnLineInput>,
    /// Refund or exchange.
    pub resolution: ReturnResolution,
    /// EXCHANGE: one replacement SKU per line, in the same order, of the
    /// same price as the item it replaces.
    #[graphql(default)]
    pub exchange_skus: Vec<String>,
    /// Anything the service desk should know (at most 500 characters).
    pub note: Option<String>,
}

/// Units of one SKU as found on receipt.
#[derive(InputObject)]
pub struct ReceiveReturnItemInput {
    /// A SKU of the return.
    pub sku: String,
    /// Units with this disposition.
    pub quantity: i64,
    /// Restock, damaged or missing.
    pub disposition: ReturnDisposition,
    /// RESTOCK: the warehouse the units go to; DAMAGED: where they are
    /// written off. Not needed for MISSING.
    pub warehouse_code: Option<String>,
}

/// Staff queue filters, combined with AND.
#[derive(InputObject, Default)]
pub struct ReturnFilter {
    /// Only returns in this status.
    pub status: Option<ReturnStatus>,
    /// Only returns of this order.
    pub order_number: Option<String>,
}

/// How many returns are in a status.
#[derive(SimpleObject)]
pub struct ReturnStatusCount {
    /// The status.
    pub status: ReturnStatus,
    /// Returns in it (the order-number filter applies).
    pub count: i64,
}

/// A return in a page.
#[derive(SimpleObject)]
pub struct ReturnEdge {
    /// Pass as `after` to continue after this one.
    pub cursor: String,
    /// The return.
    pub node: Return,
}

/// A page of returns.
#[derive(SimpleObject)]
pub struct ReturnConnection {
    /// The page's returns.
    pub edges: Vec<ReturnEdge>,
    /// Paging.
    pub page_info: PageInfo,
    /// Returns matching the filter.
    pub total_count: i64,
    /// Counts per status (staff lists; empty in `myReturns`).
    pub counts: Vec<ReturnStatusCount>,
}
