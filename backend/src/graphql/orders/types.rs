//! Order output types: the order, its lines, timeline, allocations and
//! transitions. Relation fields load through per-request DataLoaders.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use super::super::catalog::Product;
use super::super::channels::Channel;
use super::super::context::{principal, state};
use super::super::inventory::Warehouse;
use super::super::loaders::loaders;
use super::super::types::{Money, PageInfo, Role};
use super::enums::*;
use crate::domain::orders::{self as rules, OrderAction as DAction};
use crate::services::orders::{self as svc, OrderPage};

/// The customer of an order, as snapshotted when it was placed.
#[derive(SimpleObject)]
pub struct Customer {
    /// Contact email.
    pub email: String,
    /// Name.
    pub name: String,
}

/// A shipping address as snapshotted on the order.
#[derive(SimpleObject)]
pub struct Address {
    /// Recipient.
    pub name: String,
    /// Recipient's phone number.
    pub phone: String,
    /// Street address.
    pub line1: String,
    /// Apartment, floor, building.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Province, state or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Country.
    pub country: String,
}

/// One line of a placed order, priced from the catalog at placement.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OrderLine {
    #[graphql(skip)]
    pub product_id: uuid::Uuid,
    /// Product SKU.
    pub sku: String,
    /// Product name at placement.
    pub name: String,
    /// Units.
    pub quantity: i64,
    /// Unit price at placement.
    pub unit_price: Money,
    /// Quantity times unit price.
    pub line_total: Money,
}

#[ComplexObject]
impl OrderLine {
    /// The catalog product as it is now (name and price may have changed
    /// since the order was placed; the line keeps the values it was sold at).
    async fn product(&self, ctx: &Context<'_>) -> Result<Option<Product>> {
        Ok(loaders(ctx)?
            .products
            .load_one(self.product_id)
            .await?
            .map(Product))
    }
}

/// One entry of the order's timeline.
#[derive(SimpleObject)]
pub struct OrderEvent {
    /// What happened.
    #[graphql(name = "type")]
    pub kind: OrderEventType,
    /// Status before (none for the first event).
    pub from: Option<OrderStatus>,
    /// Status after.
    pub to: OrderStatus,
    /// Who did it, as the caller may see it.
    pub actor: Actor,
    /// When, in the merchant's time zone (`OMS_TIMEZONE`).
    pub at: DateTime<FixedOffset>,
    /// Why, if given (people's words, or the system's in English).
    pub note: Option<String>,
    /// The money movement, for payment entries: clients word it in the
    /// reader's language.
    pub payment: Option<OrderEventPayment>,
    /// Why the system did it, for system entries, as a code to translate.
    pub reason: Option<SystemReason>,
    /// Routing entries: which warehouses ship what, and which lacked what.
    pub routing: Option<OrderEventRouting>,
    /// Shipment entries: which shipment, from where, now in what status.
    pub shipment: Option<OrderEventShipment>,
    /// Change entries: lines, address and delivery method before and after.
    pub change: Option<crate::graphql::changes::OrderEventChange>,
}

/// Routing's decision on an order's timeline.
#[derive(SimpleObject)]
pub struct OrderEventRouting {
    /// The rule applied.
    pub rule: crate::graphql::fulfillment::RoutingRule,
    /// Each warehouse used, with the SKUs it ships.
    pub parts: Vec<RoutingPart>,
    /// Warehouses passed over, with the SKUs they lack.
    pub passed_over: Vec<RoutingPart>,
}

/// A warehouse and SKUs.
#[derive(SimpleObject)]
pub struct RoutingPart {
    /// Warehouse code.
    pub warehouse: String,
    /// SKUs.
    pub skus: Vec<String>,
}

/// A shipment's step on an order's timeline.
#[derive(SimpleObject)]
pub struct OrderEventShipment {
    /// The shipment's number.
    pub number: String,
    /// The warehouse it ships from.
    pub warehouse: String,
    /// Its status after this step.
    pub status: crate::graphql::fulfillment::ShipmentStatus,
}

/// A money movement on an order's timeline.
#[derive(SimpleObject)]
pub struct OrderEventPayment {
    /// How it was paid.
    pub method: crate::graphql::payments::PaymentMethod,
    /// Authorize, capture, void or refund.
    pub kind: crate::graphql::payments::PaymentEventKind,
    /// Requested, succeeded or failed.
    pub status: crate::graphql::payments::PaymentEventStatus,
    /// How much.
    pub amount: Money,
}

/// Who did something, as the caller may see it: customers see staff and
/// integrations by role or kind only; staff see every name.
#[derive(SimpleObject)]
pub struct Actor {
    /// Customer, staff, integration or system.
    pub kind: ActorKind,
    /// The person's name or the integration key's name, when the caller
    /// may see it (staff, or the actor itself); null otherwise.
    pub name: Option<String>,
    /// The role a person acted in; null for integrations and the system.
    pub role: Option<Role>,
    /// The caller did it (show "You").
    pub is_you: bool,
}

impl From<crate::domain::actor::ActorView> for Actor {
    fn from(v: crate::domain::actor::ActorView) -> Self {
        Actor {
            kind: v.kind.into(),
            name: v.name,
            role: v.role.map(Into::into),
            is_you: v.is_you,
        }
    }
}

/// Units of one SKU allocated to the order from one warehouse.
#[derive(SimpleObject)]
pub struct Allocation {
    /// Product SKU.
    pub sku: String,
    /// The warehouse the units come from.
    pub warehouse: Warehouse,
    /// Units allocated from this warehouse (at placement, or moved here with a shipment).
    pub quantity: i64,
    /// Units still held there (not released or shipped).
    pub held: i64,
}

/// Whether the caller may take an action now, and why not.
#[derive(SimpleObject)]
pub struct Transition {
    /// The action.
    pub action: OrderAction,
    /// The caller may take it now.
    pub allowed: bool,
    /// Why not, when not allowed: an English sentence for developers.
    /// Show people a translation of `refusal` instead.
    pub reason: Option<String>,
    /// Why not, when not allowed, as a code with its parameters.
    pub refusal: Option<Refusal>,
}

/// Why an action is refused: a code and the parameters a client needs to
/// say it in the reader's language.
#[derive(SimpleObject)]
pub struct Refusal {
    /// What stands in the way.
    pub code: RefusalCode,
    /// The order's status.
    pub status: OrderStatus,
    /// The refused action.
    pub action: OrderAction,
    /// The caller's role; null when not signed in.
    pub role: Option<Role>,
}

impl From<rules::Refusal> for Refusal {
    fn from(r: rules::Refusal) -> Self {
        Refusal {
            code: r.code.into(),
            status: r.status.into(),
            action: r.action.into(),
            role: r.role.map(Into::into),
        }
    }
}

/// A shipping method and its fee.
#[derive(SimpleObject)]
pub struct ShippingMethod {
    /// Code to pass as `shippingMethod`: EXPRESS, POSTAL or PICKUP.
    pub code: String,
    /// Flat part of the fee (see `shippingRates` and `shippingQuote` for
    /// the whole rule and an order's exact fee).
    pub fee: Money,
}

/// A customer order.
pub struct Order(pub rules::Order);

/// A customer order: lines, totals, address, status and timeline.
#[Object]
impl Order {
    /// Human-friendly number, e.g. "SO-2026-000123".
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Current status.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }
    /// The sequence of its latest event (0 before any): a page showing this
    /// state passes it as `orderUpdated(afterSequence:)` to miss nothing.
    async fn sequence(&self) -> i64 {
        self.0.event_seq
    }
    /// The sales channel it came from.
    async fn channel(&self, ctx: &Context<'_>) -> Result<Channel> {
        Ok(
            crate::services::channels::by_id(state(ctx)?, self.0.channel_id)
                .await?
                .into(),
        )
    }
    /// Who it is for.
    async fn customer(&self) -> Customer {
        Customer {
            email: self.0.customer.email.clone(),
            name: self.0.customer.name.clone(),
        }
    }
    /// The order's id on its external channel, for imported orders.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }
    /// What was bought.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<OrderLine>> {
        let lines = loaders(ctx)?
            .lines
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(lines
            .into_iter()
            .map(|l| OrderLine {
                product_id: l.product_id,
                unit_price: Money::from(&l.unit_price),
                line_total: Money::from(&l.line_total),
                sku: l.sku,
                name: l.name,
                quantity: l.quantity,
            })
            .collect())
    }
    /// Sum of line totals.
    async fn subtotal(&self) -> Money {
        Money::from(&self.0.subtotal)
    }
    /// Shipping fee of the chosen method.
    async fn shipping_fee(&self) -> Money {
        Money::from(&self.0.shipping_fee)
    }
    /// Subtotal plus shipping fee.
    async fn total(&self) -> Money {
        Money::from(&self.0.total)
    }
    /// The shipping method code: EXPRESS, POSTAL or PICKUP.
    async fn shipping_method(&self) -> &str {
        self.0.shipping_method.as_str()
    }
    /// Its shipments (one per warehouse once confirmed), oldest first.
    async fn shipments(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::fulfillment::Shipment>> {
        Ok(loaders(ctx)?
            .shipments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(crate::graphql::fulfillment::Shipment)
            .collect())
    }
    /// What was sent to the customer about it (email), oldest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::notifications::Notification>> {
        Ok(loaders(ctx)?
            .notifications
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(crate::graphql::notifications::Notification)
            .collect())
    }
    /// Where it ships.
    async fn shipping_address(&self) -> Address {
        let a = self.0.address.clone();
        Address {
            name: a.name,
            phone: a.phone,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
    /// The customer's note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The timeline, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<OrderEvent>> {
        let events = loaders(ctx)?
            .events
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let (viewer, zone) = (principal(ctx), state(ctx)?.config.time_zone);
        Ok(events
            .into_iter()
            .map(|e| OrderEvent {
                from: e.from.map(Into::into),
                to: e.to.into(),
                actor: e.actor.seen_by(viewer).into(),
                at: zone.local(e.at),
                kind: e.kind.into(),
                note: e.note,
                payment: match &e.detail {
                    Some(rules::EventDetail::Payment(p)) => Some(OrderEventPayment {
                        method: p.method.into(),
                        kind: p.kind.into(),
                        status: p.status.into(),
                        amount: Money::from(&p.amount),
                    }),
                    _ => None,
                },
                routing: match &e.detail {
                    Some(rules::EventDetail::Routing(r)) => {
                        let parts = |v: &[crate::domain::fulfillment::routing::Part]| {
                            v.iter()
                                .map(|p| RoutingPart {
                                    warehouse: p.warehouse.clone(),
                                    skus: p.skus.clone(),
                                })
                                .collect()
                        };
                        Some(OrderEventRouting {
                            rule: r.rule.into(),
                            parts: parts(&r.parts),
                            passed_over: parts(&r.passed_over),
                        })
                    }
                    _ => None,
                },
                shipment: match &e.detail {
                    Some(rules::EventDetail::Shipment(s)) => Some(OrderEventShipment {
                        number: s.number.clone(),
                        warehouse: s.warehouse.clone(),
                        status: s.status.into(),
                    }),
                    _ => None,
                },
                change: match &e.detail {
                    Some(rules::EventDetail::Change(c)) => Some(c.into()),
                    _ => None,
                },
                reason: match e.detail {
                    Some(rules::EventDetail::Reason(r)) => Some(r.into()),
                    _ => None,
                },
            })
            .collect())
    }
    /// Which warehouse each unit is allocated from (staff and integrations;
    /// empty for customers).
    async fn allocations(&self, ctx: &Context<'_>) -> Result<Vec<Allocation>> {
        if !rules::may_see_allocations(principal(ctx)) {
            return Ok(Vec::new());
        }
        let rows = loaders(ctx)?
            .allocations
            .load_one(self.0.number.clone())
            .await?
            .unwrap_or_default();
        // The warehouse comes with the allocation row: no second round trip,
        // however many allocations an order has.
        Ok(rows
            .into_iter()
            .map(|a| Allocation {
                warehouse: Warehouse {
                    id: async_graphql::ID(a.warehouse_id.to_string()),
                    code: a.warehouse_code,
                    name: a.warehouse_name,
                    region: a.warehouse_region,
                    is_pickup_point: a.warehouse_is_pickup_point,
                    priority: a.warehouse_priority,
                },
                sku: a.sku,
                quantity: a.quantity,
                held: a.held,
            })
            .collect())
    }
    /// Its service tickets, newest first: every one for the service desk,
    /// the customer's own for its customer, none for other roles.
    async fn tickets(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::tickets::Ticket>> {
        crate::graphql::tickets::order_tickets(ctx, &self.0).await
    }
    /// Its returns and exchanges (RMA), newest first.
    async fn returns(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::returns::Return>> {
        crate::graphql::returns::for_order(ctx, self.0.id).await
    }
    /// Its change requests and line cancellations, newest first.
    async fn change_requests(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::changes::ChangeRequest>> {
        crate::graphql::changes::for_order(ctx, &self.0).await
    }
    /// The after-sales actions the caller may take now (change, cancel
    /// items, return or exchange, get help, review). Clients show exactly
    /// these; the server re-checks each when it is taken.
    async fn service_actions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::service_actions::ServiceAction>> {
        crate::graphql::service_actions::for_order(ctx, &self.0).await
    }
    /// Its lines with their review state: delivered, whether the caller
    /// (the order's customer) may review each now (`writeReview`), and
    /// the review written for it, if the caller may see it.
    async fn line_reviews(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::reviews::OrderLineReview>> {
        crate::graphql::reviews::order_line_reviews(ctx, &self.0).await
    }
    /// Every action, with whether the caller may take it now and why not.
    async fn available_transitions(&self, ctx: &Context<'_>) -> Result<Vec<Transition>> {
        let p = principal(ctx);
        let status = self.0.status;
        Ok(DAction::ALL
            .into_iter()
            .map(|a| {
                let refusal = rules::refusal(p, status, a);
                Transition {
                    action: a.into(),
                    allowed: refusal.is_none(),
                    reason: refusal.map(|r| r.message()),
                    refusal: refusal.map(Into::into),
                }
            })
            .collect())
    }
    /// Its payments, oldest first.
    async fn payments(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::payments::Payment>> {
        Ok(self
            .payments_of(ctx)
            .await?
            .into_iter()
            .map(|p| crate::graphql::payments::Payment {
                payment: p,
                order_number: Some(self.0.number.clone()),
            })
            .collect())
    }
    /// Where its payment stands, over all its payments.
    async fn payment_status(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::graphql::payments::OrderPaymentStatus> {
        Ok(self
            .payment_summary(ctx)
            .await?
            .status(self.0.total.minor())
            .into())
    }
    /// What the customer still owes (zero once paid or authorized in full,
    /// and on a cancelled order).
    async fn amount_due(&self, ctx: &Context<'_>) -> Result<Money> {
        let cancelled = self.0.status == rules::OrderStatus::Cancelled;
        let due = self
            .payment_summary(ctx)
            .await?
            .amount_due(self.0.total.minor(), cancelled);
        Ok(Money::from_minor(due, self.0.total.currency().as_str()))
    }
    /// The payment method chosen at checkout or when paying, if any.
    async fn payment_method(&self) -> Option<crate::graphql::payments::PaymentMethod> {
        self.0.payment_method.map(Into::into)
    }
    /// When it was placed, in the merchant's time zone (`OMS_TIMEZONE`).
    async fn placed_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.placed_at))
    }
}

impl Order {
    async fn payments_of(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::domain::payments::Payment>> {
        Ok(loaders(ctx)?
            .payments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    async fn payment_summary(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::domain::payments::OrderPaymentSummary> {
        let payments = self.payments_of(ctx).await?;
        let ledgers: Vec<_> = payments
            .iter()
            .map(|p| crate::domain::payments::Ledger::from_events(&p.events))
            .collect();
        Ok(crate::domain::payments::OrderPaymentSummary::of(
            ledgers.iter(),
        ))
    }
}

/// An order in a page of results.
#[derive(SimpleObject)]
pub struct OrderEdge {
    /// Opaque position; pass as `after`.
    pub cursor: String,
    /// The order.
    pub node: Order,
}

/// A page of orders.
#[derive(SimpleObject)]
pub struct OrderConnection {
    /// The orders of this page.
    pub edges: Vec<OrderEdge>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Orders matching, over all pages.
    pub total_count: i64,
}

impl From<OrderPage> for OrderConnection {
    fn from(p: OrderPage) -> Self {
        let edges: Vec<OrderEdge> = p
            .items
            .into_iter()
            .enumerate()
            .map(|(i, o)| OrderEdge {
                cursor: svc::queries_cursor(p.offset + i as u64),
                node: Order(o),
            })
            .collect();
        OrderConnection {
            page_info: PageInfo {
                has_next_page: p.has_next,
                has_previous_page: p.has_previous,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: p.total as i64,
        }
    }
}
