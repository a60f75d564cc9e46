//! Orders over GraphQL: place, cancel, staff actions, and the queries.
//! Relation fields load through per-request DataLoaders.

use async_graphql::{
    ComplexObject, Context, Enum, InputObject, Object, Result, SimpleObject, Subscription,
};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use futures_util::Stream;

use super::catalog::Product;
use super::channels::Channel;
use super::context::{principal, state};
use super::inventory::Warehouse;
use super::loaders::loaders;
use super::types::{Money, PageInfo, Role};
use crate::domain::orders::{self as rules, OrderAction as DAction, OrderStatus as DStatus};
use crate::events::DomainEvent;
use crate::services::orders::{self as svc, OrderPage};

/// Where an order is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderStatus {
    /// Placed, waiting for payment.
    PendingPayment,
    /// Paid (or accepted on credit); ready for the warehouse.
    Confirmed,
    /// Being picked and packed.
    Processing,
    /// Some shipments left, more to come.
    PartiallyShipped,
    /// Everything shipped.
    Shipped,
    /// The carrier delivered.
    Delivered,
    /// Done; the return window closed.
    Completed,
    /// Cancelled before shipping; stock was released.
    Cancelled,
}

/// What can happen to an order next.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderAction {
    /// Record the payment (finance, admin).
    ConfirmPayment,
    /// Start picking (warehouse, admin).
    StartProcessing,
    /// Record a partial shipment (through fulfillment).
    ShipPartially,
    /// Record that everything shipped (warehouse, admin).
    ShipAll,
    /// Record delivery (warehouse, admin).
    Deliver,
    /// Close the order (support, admin).
    Complete,
    /// Cancel before shipping (the customer early on; support and admin later).
    Cancel,
}

/// Order of the staff queue.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum OrderSort {
    /// Newest first.
    #[default]
    PlacedAtDesc,
    /// Oldest first.
    PlacedAtAsc,
    /// Largest total first.
    TotalDesc,
    /// Smallest total first.
    TotalAsc,
}

macro_rules! map_enum {
    ($a:ty, $b:ty, [$($v:ident),*]) => {
        impl From<$a> for $b { fn from(x: $a) -> $b { match x { $(<$a>::$v => <$b>::$v,)* } } }
        impl From<$b> for $a { fn from(x: $b) -> $a { match x { $(<$b>::$v => <$a>::$v,)* } } }
    };
}
map_enum!(
    OrderStatus,
    DStatus,
    [
        PendingPayment,
        Confirmed,
        Processing,
        PartiallyShipped,
        Shipped,
        Delivered,
        Completed,
        Cancelled
    ]
);
map_enum!(
    OrderAction,
    DAction,
    [
        ConfirmPayment,
        StartProcessing,
        ShipPartially,
        ShipAll,
        Deliver,
        Complete,
        Cancel
    ]
);

impl From<OrderSort> for svc::OrderSort {
    fn from(s: OrderSort) -> Self {
        match s {
            OrderSort::PlacedAtDesc => svc::OrderSort::PlacedAtDesc,
            OrderSort::PlacedAtAsc => svc::OrderSort::PlacedAtAsc,
            OrderSort::TotalDesc => svc::OrderSort::TotalDesc,
            OrderSort::TotalAsc => svc::OrderSort::TotalAsc,
        }
    }
}

/// One line of an order request.
#[derive(InputObject)]
pub struct OrderLineInput {
    /// Product SKU.
    pub sku: String,
    /// Units, 1 to 999. Lines of the same SKU are merged.
    pub quantity: i64,
}

/// A shipping address.
#[derive(InputObject)]
pub struct AddressInput {
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
    /// Country (name or ISO code).
    pub country: String,
}

/// A request to place an order. Prices are never taken from the client.
#[derive(InputObject)]
pub struct PlaceOrderInput {
    /// 8 to 100 characters, unique per order: a retry with the same key and
    /// payload returns the same order; with another payload it is CONFLICT.
    /// Keys expire after 24 hours.
    pub idempotency_key: String,
    /// Channel code (staff only; default "web"). Integrations are bound to theirs.
    pub channel: Option<String>,
    /// The customer the order is for (staff and integrations).
    pub customer_email: Option<String>,
    /// The order's id on the external channel (integrations only; unique per
    /// channel: importing it again returns the existing order).
    pub external_id: Option<String>,
    /// What to buy.
    pub lines: Vec<OrderLineInput>,
    /// Where to ship; snapshotted on the order.
    pub shipping_address: AddressInput,
    /// A shipping method code from `shippingMethods`.
    pub shipping_method: String,
    /// A note for the merchant, up to 500 characters.
    pub note: Option<String>,
}

impl From<PlaceOrderInput> for svc::PlaceOrder {
    fn from(i: PlaceOrderInput) -> Self {
        let a = i.shipping_address;
        svc::PlaceOrder {
            idempotency_key: i.idempotency_key,
            channel: i.channel,
            customer_email: i.customer_email,
            external_id: i.external_id,
            lines: i
                .lines
                .into_iter()
                .map(|l| svc::LineIn {
                    sku: l.sku,
                    quantity: l.quantity,
                })
                .collect(),
            address: svc::AddressIn {
                name: a.name,
                phone: a.phone,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            },
            shipping_method: i.shipping_method,
            note: i.note,
        }
    }
}

/// Filters for the order queue; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
    /// Only orders from this channel code.
    pub channel: Option<String>,
    /// Only orders of this customer email.
    pub customer_email: Option<String>,
    /// Only orders with a line of this SKU.
    pub sku: Option<String>,
    /// Placed at or after.
    pub placed_from: Option<DateTime<Utc>>,
    /// Placed before.
    pub placed_to: Option<DateTime<Utc>>,
    /// Placed on this day or later, days as in the merchant's time zone
    /// (`OMS_TIMEZONE`).
    pub placed_from_date: Option<NaiveDate>,
    /// Placed on this day or earlier, days as in the merchant's time zone.
    pub placed_to_date: Option<NaiveDate>,
}

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

/// What a timeline entry records.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderEventType {
    /// Placed in the portal or by staff.
    Placed,
    /// Imported by an integration.
    Imported,
    /// Moved by an action.
    StatusChanged,
    /// Cancelled; stock was released.
    Cancelled,
}

map_enum!(
    OrderEventType,
    rules::EventKind,
    [Placed, Imported, StatusChanged, Cancelled]
);

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
    /// Why, if given.
    pub note: Option<String>,
}

/// What kind of actor did something.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActorKind {
    /// A customer (the order's own, in practice).
    Customer,
    /// A staff member; `role` says which team.
    Staff,
    /// An integration, through its API key.
    Integration,
    /// The system itself: seeding, the command line, scheduled jobs.
    System,
}

map_enum!(
    ActorKind,
    crate::domain::actor::ActorKind,
    [Customer, Staff, Integration, System]
);

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
    /// Units allocated from this warehouse at placement.
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

/// Why an action is refused. The same code and parameters come in the
/// `extensions` (`reason`, `status`, `action`, `role`) of the error when
/// the action is attempted anyway.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RefusalCode {
    /// The order's status does not allow the action (the error is CONFLICT).
    WrongStatus,
    /// Sign in first (the error is UNAUTHENTICATED).
    SignInRequired,
    /// The caller's role may not take the action (the error is FORBIDDEN).
    RoleNotAllowed,
    /// A customer may cancel only until the warehouse starts on the order;
    /// support can still cancel it (the error is FORBIDDEN).
    AlreadyInPreparation,
}

map_enum!(
    RefusalCode,
    rules::RefusalCode,
    [
        WrongStatus,
        SignInRequired,
        RoleNotAllowed,
        AlreadyInPreparation
    ]
);

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
    /// Code to pass as `shippingMethod`.
    pub code: String,
    /// Flat fee per order.
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
    /// The shipping method code.
    async fn shipping_method(&self) -> &str {
        &self.0.shipping_method
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
    /// When it was placed, in the merchant's time zone (`OMS_TIMEZONE`).
    async fn placed_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.0.placed_at))
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

#[derive(Default)]
pub struct OrdersQuery;

#[Object]
impl OrdersQuery {
    /// One order by number, for its customer, staff, or an integration of
    /// its channel. Anyone else gets NOT_FOUND.
    async fn order(&self, ctx: &Context<'_>, number: String) -> Result<Order> {
        Ok(Order(
            svc::find_visible(state(ctx)?, principal(ctx), &number).await?,
        ))
    }

    /// The signed-in user's own orders, newest first.
    async fn my_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<OrderConnection> {
        Ok(
            svc::my_orders(state(ctx)?, principal(ctx), first, after.as_deref())
                .await?
                .into(),
        )
    }

    /// The order queue (staff: every order; integrations: their channel's).
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<OrderFilter>,
        #[graphql(desc = "Sort order.", default)] sort: OrderSort,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<OrderConnection> {
        let f = filter.unwrap_or_default();
        let filter = svc::OrderFilter {
            status: f.status.map(Into::into),
            channel: f.channel,
            customer_email: f.customer_email,
            sku: f.sku,
            placed_from: f.placed_from,
            placed_to: f.placed_to,
            placed_from_date: f.placed_from_date,
            placed_to_date: f.placed_to_date,
        };
        Ok(svc::list_orders(
            state(ctx)?,
            principal(ctx),
            filter,
            sort.into(),
            first,
            after.as_deref(),
        )
        .await?
        .into())
    }

    /// Shipping methods and their fees.
    async fn shipping_methods(&self, ctx: &Context<'_>) -> Result<Vec<ShippingMethod>> {
        let currency = state(ctx)?.config.currency.as_str();
        Ok(rules::SHIPPING_METHODS
            .iter()
            .map(|m| ShippingMethod {
                code: (*m).to_string(),
                fee: Money::from_minor(rules::shipping_fee(m).unwrap_or(0), currency),
            })
            .collect())
    }
}

#[derive(Default)]
pub struct OrdersMutation;

#[Object]
impl OrdersMutation {
    /// Places an order (customers in the portal, staff for a customer,
    /// integrations importing from their channel). Every line is priced from
    /// the catalog and allocated from stock, or nothing is written.
    async fn place_order(&self, ctx: &Context<'_>, input: PlaceOrderInput) -> Result<Order> {
        Ok(Order(
            svc::place_order(state(ctx)?, principal(ctx), input.into()).await?,
        ))
    }

    /// Cancels an order before it ships and releases its stock. Staff must
    /// give a reason. Cancelling twice is CONFLICT.
    async fn cancel_order(
        &self,
        ctx: &Context<'_>,
        number: String,
        reason: Option<String>,
    ) -> Result<Order> {
        Ok(Order(
            svc::cancel_order(state(ctx)?, principal(ctx), &number, reason.as_deref()).await?,
        ))
    }

    /// Takes a staff action on an order, as `availableTransitions` allows.
    async fn advance_order(
        &self,
        ctx: &Context<'_>,
        number: String,
        action: OrderAction,
        note: Option<String>,
    ) -> Result<Order> {
        Ok(Order(
            svc::advance_order(
                state(ctx)?,
                principal(ctx),
                &number,
                action.into(),
                note.as_deref(),
            )
            .await?,
        ))
    }
}

#[derive(Default)]
pub struct OrdersSubscription;

#[Subscription]
impl OrdersSubscription {
    /// The order each time it changes, for whoever may see it (its
    /// customer, staff, its channel's integration); others get NOT_FOUND.
    /// The feed ends when the caller's session ends or its key is revoked.
    async fn order_updated(
        &self,
        ctx: &Context<'_>,
        number: String,
    ) -> Result<impl Stream<Item = Order> + use<>> {
        let st = state(ctx)?.clone();
        let p = principal(ctx).clone();
        let number = svc::find_visible(&st, &p, &number).await?.number;
        let rx = st.bus.subscribe();
        Ok(futures_util::stream::unfold(
            (rx, st, p, number),
            |(mut rx, st, p, number)| async move {
                use tokio::sync::broadcast::error::RecvError;
                loop {
                    match rx.recv().await {
                        Ok(DomainEvent::OrderChanged { number: n, .. }) if n == number => {
                            // The caller was resolved when the socket opened:
                            // a logout or a revoked key since then ends the feed.
                            if !crate::services::auth::tokens::still_valid(&st, &p)
                                .await
                                .unwrap_or(false)
                            {
                                return None;
                            }
                            return match svc::find_visible(&st, &p, &number).await {
                                Ok(o) => Some((Order(o), (rx, st, p, number))),
                                Err(_) => None,
                            };
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}
