//! The authorization matrix: every root field of the schema against every
//! kind of caller, checking the effect and not only the error code.
//!
//! Callers: anonymous; the customer who owns the orders under test; another
//! customer; support, warehouse, finance and admin staff; an integration key
//! of the orders' channel (`web`) and one of another channel
//! (`marketplace`). Each case prepares what it acts on (an order in the
//! status where the action is possible, a key to revoke, a fresh session to
//! end...), takes a snapshot of what can be observed (the orders' status and
//! timeline, the stock of every SKU involved, the number of orders and
//! users, the API keys and whether they are revoked, the catalog, the
//! shipping rate table and the nearest-region table), makes the
//! call and takes the snapshot again (the shipments of the orders under
//! test included: status, warehouse, carrier, weight, pickup lock and
//! tracking history):
//!
//! * a refused call answers with the expected code, returns no data, and
//!   the snapshot is unchanged;
//! * an allowed call answers without error, and the snapshot changed by
//!   exactly the effect of the operation (status moved, stock released or
//!   shipped, shipment picked or moved, key revoked, ...) and nothing else.
//!
//! Someone else's order (or its shipment) answers NOT_FOUND, exactly like
//! a missing one. Orders no longer move along by hand: they follow their
//! shipments, which warehouse staff work (`startPicking` ... `shipShipment`).
//! The root fields, the order actions and the roles are read from the
//! schema by introspection, so a new field, action or role without a case
//! here fails the test.

mod changes_cases;
mod returns_cases;
mod tickets_cases;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{GqlWs, Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{
    assert_ledger_balanced, error_field, fulfil, minor, new_key, order_input, pay_online,
};

/// Orders that cases change (cancel, advance) are of this SKU.
const ORDER_SKU: &str = "TEA-001";
/// `placeOrder` cases order this SKU.
const PLACE_SKU: &str = "MUG-001";
/// The one order the read cases look at is of this SKU (and no other order).
const READ_SKU: &str = "CAM-002";
/// Stock commands act on this SKU in this warehouse.
const STOCK_SKU: &str = "AUD-001";
const STOCK_WAREHOUSE: &str = "SHA";
/// `setProductActive` takes this product off sale.
const TOGGLE_SKU: &str = "BAG-001";
/// PICKUP orders are collected here (and take their stock from it).
const PICKUP_POINT: &str = "PEK-PICKUP";
/// `moveShipment` moves a shipment between these two warehouses.
const MOVE_WAREHOUSES: [&str; 2] = ["SHA", "CAN"];
/// Orders reviewed by the review cases are of this SKU (not observed).
const REVIEW_SKU: &str = "KIT-002";
/// Every SKU whose stock the snapshot compares.
const OBSERVED_SKUS: [&str; 4] = [ORDER_SKU, PLACE_SKU, READ_SKU, STOCK_SKU];

/// A rate in minor units: (flat, per started kg, per item, free above).
type RateMinor = (i64, i64, i64, Option<i64>);
/// `setShippingRate` changes this method's rate: no other case quotes it or
/// places an order with it.
const RATE_METHOD: &str = "EXPRESS";
/// Its seeded rate, which the case starts from (and leaves after a refusal).
const RATE_BEFORE: RateMinor = (1800, 600, 0, Some(100_000));
/// The rate an allowed call sets: no per-kg part and never free, so a quote
/// is `flat + per item × items` whatever the products weigh.
const RATE_AFTER: RateMinor = (2500, 0, 100, None);
/// `setRegionWarehouses` ranks the warehouses of this region, which no
/// order ships to; the case starts from it spelled [`REGION_BEFORE`] with
/// [`REGION_RANKING_BEFORE`], so the call (in another case) replaces it.
const REGION: &str = "Matrixland";
const REGION_BEFORE: &str = "MATRIXLAND";
const REGION_RANKING_BEFORE: [&str; 1] = ["SHA"];
const REGION_RANKING: [&str; 2] = ["CAN", "SHA"];
/// A seeded row of the nearest-region table: (region, warehouse, rank).
const SEEDED_REGION_RANK: (&str, &str, i64) = ("Shanghai", "SHA", 1);

const OWN_CHANNEL: &str = "web";
const OTHER_CHANNEL: &str = "marketplace";
/// `createApiKey` cases create keys for this channel (it has no orders).
const NEW_KEY_CHANNEL: &str = "store";

/// Order fixtures hold this many units.
const ORDER_QTY: i64 = 2;
/// A number no order has: someone else's order must answer like this one.
const MISSING_ORDER: &str = "SO-2000-999999";
/// An id no shipment has: someone else's shipment must answer like this one.
const MISSING_SHIPMENT: &str = "0190a000-0000-7000-8000-000000000000";
/// A pickup code no shipment has (codes are six digits).
const WRONG_PICKUP_CODE: &str = "WRONG-CODE";
/// Wrong pickup codes that lock a shipment (MAX_PICKUP_FAILURES).
const PICKUP_ATTEMPTS: usize = 5;

/// Every `OrderAction`, each with a case.
const ADVANCE_ACTIONS: [&str; 6] = [
    "START_PROCESSING",
    "SHIP_PARTIALLY",
    "SHIP_ALL",
    "DELIVER",
    "COMPLETE",
    "CANCEL",
];

/// `updateEmailTemplate` edits this template (reset before each case).
const EDITED_TEMPLATE: (&str, &str) = ("ORDER_CANCELLED", "ZH");
/// The subject an allowed `updateEmailTemplate` saves.
const EDITED_SUBJECT: &str = "Matrix {{ order_number }}";
/// `resetEmailTemplate` resets this template (edited before each case).
const RESET_TEMPLATE: (&str, &str) = ("REFUND_ISSUED", "EN");
/// Its built-in subject, which a reset brings back.
const RESET_BUILTIN_SUBJECT: &str = "Refund of {{ refund_amount }} for order {{ order_number }}";
/// What every `me` reads of the caller's email preferences.
const PREFERENCES: &str =
    "{ me { notificationPreferences { language shippingUpdates serviceUpdates } } }";

/// Subscription fields, covered by the WebSocket test below.
const SUBSCRIPTION_FIELDS: [&str; 3] = ["orderEvents", "orderUpdated", "productStockChanged"];

/// The status an order must be in for the action to be possible.
fn from_status(action: &str) -> &'static str {
    match action {
        "START_PROCESSING" | "CANCEL" => "CONFIRMED",
        "SHIP_PARTIALLY" | "SHIP_ALL" => "PROCESSING",
        "DELIVER" => "SHIPPED",
        "COMPLETE" => "DELIVERED",
        other => panic!("no fixture status for action {other}"),
    }
}

/// The status the action leads to.
fn to_status(action: &str) -> &'static str {
    match action {
        "START_PROCESSING" => "PROCESSING",
        "SHIP_PARTIALLY" => "PARTIALLY_SHIPPED",
        "SHIP_ALL" => "SHIPPED",
        "DELIVER" => "DELIVERED",
        "COMPLETE" => "COMPLETED",
        "CANCEL" => "CANCELLED",
        other => panic!("no target status for action {other}"),
    }
}

/// The admin path from a new order to each status: paying (`PAY`: the
/// admin records a bank transfer for the total) confirms it; then the
/// admin works its shipments as warehouse staff would (`fulfil`: start
/// picking; pack and ship; record the delivery) and the order follows.
const ADMIN_PATH: [(&str, &str); 4] = [
    ("PAY", "CONFIRMED"),
    ("PICK", "PROCESSING"),
    ("SHIP", "SHIPPED"),
    ("DELIVER", "DELIVERED"),
];

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    /// The customer whose orders the cases act on (the demo customer).
    Owner,
    /// Another signed-in customer.
    OtherCustomer,
    Support,
    Warehouse,
    Finance,
    Admin,
    /// An integration key of the orders' channel.
    ChannelKey,
    /// An integration key of another channel.
    OtherChannelKey,
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::Owner,
    Who::OtherCustomer,
    Who::Support,
    Who::Warehouse,
    Who::Finance,
    Who::Admin,
    Who::ChannelKey,
    Who::OtherChannelKey,
];

const STAFF: &[Who] = &[Who::Support, Who::Warehouse, Who::Finance, Who::Admin];
const STOCK_KEEPERS: &[Who] = &[Who::Warehouse, Who::Admin];
const ADMIN: &[Who] = &[Who::Admin];

impl Who {
    /// The schema's `Role` of this caller.
    fn role(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Owner | Who::OtherCustomer => Some("CUSTOMER"),
            Who::Support => Some("SUPPORT"),
            Who::Warehouse => Some("WAREHOUSE"),
            Who::Finance => Some("FINANCE"),
            Who::Admin => Some("ADMIN"),
            Who::ChannelKey | Who::OtherChannelKey => Some("INTEGRATION"),
        }
    }

    fn is_key(self) -> bool {
        matches!(self, Who::ChannelKey | Who::OtherChannelKey)
    }

    fn is_customer(self) -> bool {
        matches!(self, Who::Owner | Who::OtherCustomer)
    }

    fn demo_role(self) -> Option<Role> {
        match self {
            Who::Owner => Some(Role::Customer),
            Who::Support => Some(Role::Support),
            Who::Warehouse => Some(Role::Warehouse),
            Who::Finance => Some(Role::Finance),
            Who::Admin => Some(Role::Admin),
            _ => None,
        }
    }
}

/// What a caller must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// No error, and exactly the effect of the operation.
    Allow,
    Unauthenticated,
    Forbidden,
    /// Someone else's order: answered like a missing one.
    NotFound,
    /// Refused for what was asked, before anything is written.
    Invalid,
}

impl Expect {
    fn code(self) -> Option<&'static str> {
        match self {
            Expect::Allow => None,
            Expect::Unauthenticated => Some("UNAUTHENTICATED"),
            Expect::Forbidden => Some("FORBIDDEN"),
            Expect::NotFound => Some("NOT_FOUND"),
            Expect::Invalid => Some("INVALID_INPUT"),
        }
    }
}

/// Default deny by role: anonymous is UNAUTHENTICATED, a role not listed
/// (customers and integration keys included) FORBIDDEN.
fn by_role(who: Who, allowed: &[Who]) -> Expect {
    if who == Who::Anonymous {
        Expect::Unauthenticated
    } else if allowed.contains(&who) {
        Expect::Allow
    } else {
        Expect::Forbidden
    }
}

/// An operation on an order of the owner's, on the `web` channel: callers
/// who may not see it get NOT_FOUND; those who see it but may not act,
/// FORBIDDEN.
fn on_order(who: Who, allowed: &[Who]) -> Expect {
    match who {
        Who::Anonymous => Expect::Unauthenticated,
        Who::OtherCustomer | Who::OtherChannelKey => Expect::NotFound,
        w if allowed.contains(&w) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// One case of the matrix: a root field called in one way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    CreateApiKey,
    RevokeApiKey,
    Register,
    Login,
    RefreshToken,
    Logout,
    /// With a wrong current password: refused for what was asked when the
    /// caller is a user, so every caller keeps its session.
    ChangePassword,
    SetProductActive,
    /// The `store` channel's methods cut to cards and Alipay.
    SetChannelPaymentMethods,
    /// The `store` channel's return window, from 7 days to 30.
    SetChannelReturnWindow,
    /// The EXPRESS rate, from the seeded one to [`RATE_AFTER`].
    SetShippingRate,
    /// [`REGION`]'s ranking, from [`REGION_RANKING_BEFORE`] to [`REGION_RANKING`].
    SetRegionWarehouses,
    AdjustStock,
    ReceiveStock,
    SetReorderPoint,
    /// The request each caller would naturally send: customers for
    /// themselves, staff for the owner, keys an import with an external id.
    PlaceOrder,
    /// Everyone names the owner as customer and `web` as channel.
    PlaceOrderNamingCustomerAndChannel,
    /// On a PENDING_PAYMENT order.
    CancelOrder,
    /// On a PROCESSING order: too late for the customer.
    CancelOrderBeingProcessed,
    /// The action on an order in the status where it is possible.
    AdvanceOrder(&'static str),
    /// Alipay, on the owner's PENDING_PAYMENT order.
    StartPayment,
    /// All of a card authorization of the owner's order.
    CapturePayment,
    /// A card authorization of the owner's order.
    VoidPayment,
    /// All of an Alipay payment of the owner's order.
    RefundPayment,
    /// A bank transfer for the total of the owner's PENDING_PAYMENT order.
    RecordManualPayment,
    CreateStaffUser,
    /// The PENDING shipment of the owner's confirmed order.
    StartPicking,
    /// Its PICKING shipment.
    PackShipment,
    /// Its PACKED shipment.
    ShipShipment,
    /// The PACKED shipment of the owner's PICKUP order.
    MarkReadyForPickup,
    /// Its READY_FOR_PICKUP shipment, with the code the owner sees.
    HandOverPickup,
    /// Its READY_FOR_PICKUP shipment, locked by too many wrong codes.
    UnlockPickup,
    /// The PENDING shipment of the owner's confirmed order, to the other
    /// warehouse (which has the units free).
    MoveShipment,
    /// DELIVERED, on the SHIPPED shipment of the owner's order.
    RecordTrackingEvent,
    ApiKeys,
    Me,
    Products,
    ProductsBySkus,
    Product,
    ShippingMethods,
    Warehouses,
    StockLevels,
    Inventory,
    LowStock,
    InventoryCheck,
    Order,
    MyOrders,
    Orders,
    Users,
    Channels,
    Payments,
    PickupPoints,
    ShippingQuote,
    ShippingRates,
    RegionWarehouses,
    /// The PENDING shipment of the owner's confirmed PICKUP order.
    Shipment,
    Shipments,
    /// An admin's `webhookEndpoints`: every one; a key's: its channel's.
    WebhookEndpoints,
    /// The log of the `web` key's endpoint.
    WebhookDeliveries,
    /// A loopback URL (the matrix server allows private addresses).
    CreateWebhookEndpoint,
    /// The description of the `web` key's endpoint.
    UpdateWebhookEndpoint,
    /// The `web` key's endpoint.
    DeleteWebhookEndpoint,
    /// A delivery of the `web` key's endpoint.
    RedeliverWebhook,
    EmailTemplates,
    /// ORDER_PLACED in Chinese.
    EmailPreview,
    /// [`EDITED_TEMPLATE`]'s subject to [`EDITED_SUBJECT`].
    UpdateEmailTemplate,
    /// [`RESET_TEMPLATE`], edited first.
    ResetEmailTemplate,
    /// The read order's confirmation email.
    ResendNotification,
    /// The caller's own: Chinese, no service updates.
    UpdateNotificationPreferences,
    /// Reviews: the moderation queue.
    Reviews,
    /// The caller's own reviews.
    MyReviews,
    /// A PENDING review of the owner's.
    Review,
    /// A line of a fresh delivered order of the owner's.
    WriteReview,
    /// A PENDING review of the owner's: 2 stars.
    EditReview,
    /// A fresh PENDING review of the owner's: published.
    ModerateReview,
    /// A PENDING review of the owner's: a public reply.
    ReplyToReview,
    /// Tickets (tickets_cases.rs): the service desk's queue.
    Tickets,
    /// The caller's own tickets.
    MyTickets,
    /// A fresh OPEN ticket of the owner's, by id.
    Ticket,
    /// The same, by number.
    TicketByNumber,
    /// Who tickets may be assigned to.
    TicketAssignees,
    /// A ticket about the read order.
    OpenTicket,
    /// A fresh OPEN ticket of the owner's: answered.
    ReplyToTicket,
    /// A fresh OPEN ticket of the owner's: assigned to support.
    AssignTicket,
    /// A fresh OPEN ticket of the owner's: resolved.
    ResolveTicket,
    /// A RESOLVED ticket of the owner's: closed.
    CloseTicket,
    /// Returns (returns_cases.rs): the service desk's queue.
    Returns,
    /// The caller's own returns.
    MyReturns,
    /// A REQUESTED return of the owner's.
    Return,
    /// One unit of the owner's delivered pool order.
    RequestReturn,
    /// A REQUESTED return of the owner's: approved.
    ApproveReturn,
    /// A REQUESTED return of the owner's: rejected.
    RejectReturn,
    /// A REQUESTED return of the owner's: withdrawn.
    CancelReturn,
    /// An APPROVED return of the owner's: received and restocked.
    ReceiveReturn,
    /// An INSPECTED return of the owner's: refunded.
    RefundReturn,
    /// Changes (changes_cases.rs): a decrease of a fresh paid order of the owner's, priced.
    PreviewOrderChange,
    /// The service desk's change request queue.
    ChangeRequests,
    /// A PENDING change request of the owner's.
    ChangeRequest,
    /// A decrease of a fresh paid order of the owner's: applied at once.
    RequestOrderChange,
    /// A PENDING change request of the owner's: approved.
    ApproveChangeRequest,
    /// A PENDING change request of the owner's: rejected.
    RejectChangeRequest,
    /// One unit of a fresh paid order of the owner's: cancelled.
    CancelOrderLines,
}

fn all_ops() -> Vec<Op> {
    let mut ops = vec![
        Op::CreateApiKey,
        Op::RevokeApiKey,
        Op::Register,
        Op::Login,
        Op::RefreshToken,
        Op::Logout,
        Op::ChangePassword,
        Op::SetProductActive,
        Op::SetChannelPaymentMethods,
        Op::SetChannelReturnWindow,
        Op::SetShippingRate,
        Op::SetRegionWarehouses,
        Op::AdjustStock,
        Op::ReceiveStock,
        Op::SetReorderPoint,
        Op::PlaceOrder,
        Op::PlaceOrderNamingCustomerAndChannel,
        Op::CancelOrder,
        Op::CancelOrderBeingProcessed,
    ];
    ops.extend(ADVANCE_ACTIONS.into_iter().map(Op::AdvanceOrder));
    ops.extend([
        Op::StartPayment,
        Op::CapturePayment,
        Op::VoidPayment,
        Op::RefundPayment,
        Op::RecordManualPayment,
        Op::CreateStaffUser,
        Op::StartPicking,
        Op::PackShipment,
        Op::ShipShipment,
        Op::MarkReadyForPickup,
        Op::HandOverPickup,
        Op::UnlockPickup,
        Op::MoveShipment,
        Op::RecordTrackingEvent,
        Op::CreateWebhookEndpoint,
        Op::UpdateWebhookEndpoint,
        Op::DeleteWebhookEndpoint,
        Op::RedeliverWebhook,
        Op::UpdateEmailTemplate,
        Op::ResetEmailTemplate,
        Op::ResendNotification,
        Op::UpdateNotificationPreferences,
        Op::WriteReview,
        Op::EditReview,
        Op::ModerateReview,
        Op::ReplyToReview,
        Op::RequestReturn,
        Op::ApproveReturn,
        Op::RejectReturn,
        Op::CancelReturn,
        Op::ReceiveReturn,
        Op::RefundReturn,
        Op::RequestOrderChange,
        Op::ApproveChangeRequest,
        Op::RejectChangeRequest,
        Op::CancelOrderLines,
        Op::PreviewOrderChange,
        Op::ChangeRequests,
        Op::ChangeRequest,
        Op::OpenTicket,
        Op::ReplyToTicket,
        Op::AssignTicket,
        Op::ResolveTicket,
        Op::CloseTicket,
        Op::Tickets,
        Op::MyTickets,
        Op::Ticket,
        Op::TicketByNumber,
        Op::TicketAssignees,
        // Reads last, when every kind of order exists.
        Op::ApiKeys,
        Op::Me,
        Op::Products,
        Op::ProductsBySkus,
        Op::Product,
        Op::ShippingMethods,
        Op::Warehouses,
        Op::StockLevels,
        Op::Inventory,
        Op::LowStock,
        Op::InventoryCheck,
        Op::Order,
        Op::MyOrders,
        Op::Orders,
        Op::Users,
        Op::Channels,
        Op::Payments,
        Op::PickupPoints,
        Op::ShippingQuote,
        Op::ShippingRates,
        Op::RegionWarehouses,
        Op::Shipment,
        Op::Shipments,
        Op::WebhookEndpoints,
        Op::WebhookDeliveries,
        Op::EmailTemplates,
        Op::EmailPreview,
        Op::Reviews,
        Op::MyReviews,
        Op::Review,
        Op::Returns,
        Op::MyReturns,
        Op::Return,
    ]);
    ops
}

impl Op {
    /// The root field the case calls.
    fn field(self) -> &'static str {
        match self {
            Op::PreviewOrderChange => "previewOrderChange",
            Op::ChangeRequests => "changeRequests",
            Op::ChangeRequest => "changeRequest",
            Op::RequestOrderChange => "requestOrderChange",
            Op::ApproveChangeRequest => "approveChangeRequest",
            Op::RejectChangeRequest => "rejectChangeRequest",
            Op::CancelOrderLines => "cancelOrderLines",
            Op::CreateApiKey => "createApiKey",
            Op::RevokeApiKey => "revokeApiKey",
            Op::Register => "register",
            Op::Login => "login",
            Op::RefreshToken => "refreshToken",
            Op::Logout => "logout",
            Op::ChangePassword => "changePassword",
            Op::SetProductActive => "setProductActive",
            Op::SetChannelPaymentMethods => "setChannelPaymentMethods",
            Op::SetChannelReturnWindow => "setChannelReturnWindow",
            Op::SetShippingRate => "setShippingRate",
            Op::SetRegionWarehouses => "setRegionWarehouses",
            Op::AdjustStock => "adjustStock",
            Op::ReceiveStock => "receiveStock",
            Op::SetReorderPoint => "setReorderPoint",
            Op::PlaceOrder | Op::PlaceOrderNamingCustomerAndChannel => "placeOrder",
            Op::CancelOrder | Op::CancelOrderBeingProcessed => "cancelOrder",
            Op::AdvanceOrder(_) => "advanceOrder",
            Op::StartPayment => "startPayment",
            Op::CapturePayment => "capturePayment",
            Op::VoidPayment => "voidPayment",
            Op::RefundPayment => "refundPayment",
            Op::RecordManualPayment => "recordManualPayment",
            Op::CreateStaffUser => "createStaffUser",
            Op::ApiKeys => "apiKeys",
            Op::Me => "me",
            Op::Products => "products",
            Op::ProductsBySkus => "productsBySkus",
            Op::Product => "product",
            Op::ShippingMethods => "shippingMethods",
            Op::Warehouses => "warehouses",
            Op::StockLevels => "stockLevels",
            Op::Inventory => "inventory",
            Op::LowStock => "lowStock",
            Op::InventoryCheck => "inventoryCheck",
            Op::Order => "order",
            Op::MyOrders => "myOrders",
            Op::Orders => "orders",
            Op::Users => "users",
            Op::Channels => "channels",
            Op::Payments => "payments",
            Op::StartPicking => "startPicking",
            Op::PackShipment => "packShipment",
            Op::ShipShipment => "shipShipment",
            Op::MarkReadyForPickup => "markReadyForPickup",
            Op::HandOverPickup => "handOverPickup",
            Op::UnlockPickup => "unlockPickup",
            Op::MoveShipment => "moveShipment",
            Op::RecordTrackingEvent => "recordTrackingEvent",
            Op::PickupPoints => "pickupPoints",
            Op::ShippingQuote => "shippingQuote",
            Op::ShippingRates => "shippingRates",
            Op::RegionWarehouses => "regionWarehouses",
            Op::Shipment => "shipment",
            Op::Shipments => "shipments",
            Op::WebhookEndpoints => "webhookEndpoints",
            Op::WebhookDeliveries => "webhookDeliveries",
            Op::CreateWebhookEndpoint => "createWebhookEndpoint",
            Op::UpdateWebhookEndpoint => "updateWebhookEndpoint",
            Op::DeleteWebhookEndpoint => "deleteWebhookEndpoint",
            Op::RedeliverWebhook => "redeliverWebhook",
            Op::EmailTemplates => "emailTemplates",
            Op::EmailPreview => "emailPreview",
            Op::Tickets => "tickets",
            Op::MyTickets => "myTickets",
            Op::Ticket => "ticket",
            Op::TicketByNumber => "ticketByNumber",
            Op::TicketAssignees => "ticketAssignees",
            Op::OpenTicket => "openTicket",
            Op::ReplyToTicket => "replyToTicket",
            Op::AssignTicket => "assignTicket",
            Op::ResolveTicket => "resolveTicket",
            Op::CloseTicket => "closeTicket",
            Op::UpdateEmailTemplate => "updateEmailTemplate",
            Op::ResetEmailTemplate => "resetEmailTemplate",
            Op::ResendNotification => "resendNotification",
            Op::Reviews => "reviews",
            Op::MyReviews => "myReviews",
            Op::Review => "review",
            Op::Returns => "returns",
            Op::MyReturns => "myReturns",
            Op::Return => "return",
            Op::RequestReturn => "requestReturn",
            Op::ApproveReturn => "approveReturn",
            Op::RejectReturn => "rejectReturn",
            Op::CancelReturn => "cancelReturn",
            Op::ReceiveReturn => "receiveReturn",
            Op::RefundReturn => "refundReturn",
            Op::WriteReview => "writeReview",
            Op::EditReview => "editReview",
            Op::ModerateReview => "moderateReview",
            Op::ReplyToReview => "replyToReview",
            Op::UpdateNotificationPreferences => "updateNotificationPreferences",
        }
    }

    /// The order action the case takes, if any.
    fn action(self) -> Option<&'static str> {
        match self {
            Op::CancelOrder | Op::CancelOrderBeingProcessed => Some("CANCEL"),
            Op::AdvanceOrder(a) => Some(a),
            _ => None,
        }
    }

    /// The status of the order the case acts on (None: no order of its own).
    fn order_status(self) -> Option<&'static str> {
        match self {
            Op::CancelOrder
            | Op::StartPayment
            | Op::RecordManualPayment
            | Op::CapturePayment
            | Op::VoidPayment
            | Op::RefundPayment => Some("PENDING_PAYMENT"),
            Op::CancelOrderBeingProcessed => Some("PROCESSING"),
            Op::AdvanceOrder(a) => Some(from_status(a)),
            // Paid: its shipments exist; `shipment_status` takes them on.
            _ if self.shipment_status().is_some() => Some("CONFIRMED"),
            _ => None,
        }
    }

    /// The status the case's shipment is brought to (the order follows;
    /// None: no shipment of its own).
    fn shipment_status(self) -> Option<&'static str> {
        match self {
            Op::Shipment | Op::StartPicking | Op::MoveShipment => Some("PENDING"),
            Op::PackShipment => Some("PICKING"),
            Op::ShipShipment | Op::MarkReadyForPickup => Some("PACKED"),
            Op::HandOverPickup | Op::UnlockPickup => Some("READY_FOR_PICKUP"),
            Op::RecordTrackingEvent => Some("SHIPPED"),
            _ => None,
        }
    }

    /// The case's order is collected at the pickup point.
    fn pickup(self) -> bool {
        matches!(
            self,
            Op::MarkReadyForPickup | Op::HandOverPickup | Op::UnlockPickup | Op::Shipment
        )
    }

    /// The case's shipment is locked by wrong pickup codes first.
    fn locked(self) -> bool {
        self == Op::UnlockPickup
    }

    /// The status the case's shipment is in after an allowed call.
    fn shipment_to(self) -> Option<&'static str> {
        match self {
            Op::StartPicking => Some("PICKING"),
            Op::PackShipment => Some("PACKED"),
            Op::ShipShipment => Some("SHIPPED"),
            Op::MarkReadyForPickup | Op::UnlockPickup => Some("READY_FOR_PICKUP"),
            Op::HandOverPickup => Some("PICKED_UP"),
            Op::RecordTrackingEvent => Some("DELIVERED"),
            Op::MoveShipment => Some("PENDING"),
            _ => None,
        }
    }

    /// The status the case's order follows its shipment to, if it moves.
    fn order_follows_to(self) -> Option<&'static str> {
        match self {
            Op::StartPicking => Some("PROCESSING"),
            Op::ShipShipment => Some("SHIPPED"),
            Op::HandOverPickup | Op::RecordTrackingEvent => Some("DELIVERED"),
            _ => None,
        }
    }

    /// The `ShipmentAction` the case takes, as `availableTransitions` names it.
    fn shipment_action(self) -> Option<&'static str> {
        match self {
            Op::StartPicking => Some("START_PICKING"),
            Op::PackShipment => Some("PACK"),
            Op::ShipShipment => Some("SHIP"),
            Op::MarkReadyForPickup => Some("MARK_READY"),
            Op::HandOverPickup => Some("HAND_OVER"),
            Op::RecordTrackingEvent => Some("RECORD_TRACKING_EVENT"),
            _ => None,
        }
    }

    /// How the owner pays the case's order through the sandbox first, if
    /// the case needs a payment to act on.
    fn paid_with(self) -> Option<&'static str> {
        match self {
            Op::CapturePayment | Op::VoidPayment => Some("CARD"),
            Op::RefundPayment => Some("ALIPAY"),
            _ => None,
        }
    }

    /// The rule: what each caller must get.
    fn expect(self, who: Who) -> Expect {
        use Who::*;
        if let Some(e) = tickets_cases::expect(self, who) {
            return e;
        }
        if let Some(e) = changes_cases::expect(self, who) {
            return e;
        }
        match self {
            Op::ApiKeys
            | Op::Users
            | Op::CreateApiKey
            | Op::RevokeApiKey
            | Op::SetProductActive
            | Op::SetChannelPaymentMethods
            | Op::SetChannelReturnWindow
            | Op::SetShippingRate
            | Op::SetRegionWarehouses
            | Op::CreateStaffUser => by_role(who, ADMIN),
            Op::Warehouses
            | Op::StockLevels
            | Op::Inventory
            | Op::LowStock
            | Op::InventoryCheck
            | Op::Channels
            | Op::RegionWarehouses
            | Op::Shipments => by_role(who, STAFF),
            // Admins manage every endpoint, a key its channel's; another
            // channel's endpoint looks missing.
            Op::WebhookEndpoints | Op::CreateWebhookEndpoint => {
                by_role(who, &[Who::Admin, Who::ChannelKey, Who::OtherChannelKey])
            }
            Op::WebhookDeliveries
            | Op::UpdateWebhookEndpoint
            | Op::DeleteWebhookEndpoint
            | Op::RedeliverWebhook => match who {
                Who::OtherChannelKey => Expect::NotFound,
                w => by_role(w, &[Who::Admin, Who::ChannelKey]),
            },
            Op::EmailTemplates | Op::EmailPreview => by_role(who, STAFF),
            Op::UpdateEmailTemplate | Op::ResetEmailTemplate => by_role(who, ADMIN),
            // Sending a customer an email again is the service desk's.
            Op::ResendNotification => by_role(who, &[Who::Support, Who::Admin]),
            // Reviews: moderation is the service desk's; a customer writes
            // and edits their own (someone else's order or review looks
            // missing); an unpublished review is seen by its author and
            // moderators only, NOT_FOUND for anyone else.
            Op::Reviews | Op::ModerateReview | Op::ReplyToReview => by_role(who, &[Support, Admin]),
            Op::MyReviews => by_role(who, &[Owner, OtherCustomer]),
            Op::WriteReview | Op::EditReview => match who {
                Anonymous => Expect::Unauthenticated,
                Owner => Expect::Allow,
                OtherCustomer => Expect::NotFound,
                _ => Expect::Forbidden,
            },
            Op::Review => match who {
                Owner | Support | Admin => Expect::Allow,
                _ => Expect::NotFound,
            },
            // Returns: the service desk's queue is every staff role's; a
            // customer requests, sees and withdraws their own (someone
            // else's looks missing); support decides, the warehouse
            // receives, finance refunds.
            Op::Returns => by_role(who, STAFF),
            Op::MyReturns => by_role(who, &[Owner, OtherCustomer]),
            Op::Return => match who {
                Anonymous => Expect::Unauthenticated,
                Owner | Support | Warehouse | Finance | Admin => Expect::Allow,
                _ => Expect::NotFound,
            },
            Op::RequestReturn | Op::CancelReturn => match who {
                Anonymous => Expect::Unauthenticated,
                Owner | Support | Admin => Expect::Allow,
                OtherCustomer => Expect::NotFound,
                _ => Expect::Forbidden,
            },
            Op::ApproveReturn | Op::RejectReturn => by_role(who, &[Support, Admin]),
            Op::ReceiveReturn => by_role(who, STOCK_KEEPERS),
            Op::RefundReturn => by_role(who, &[Finance, Admin]),
            // Answered by `changes_cases::expect` above.
            Op::PreviewOrderChange
            | Op::ChangeRequests
            | Op::ChangeRequest
            | Op::RequestOrderChange
            | Op::ApproveChangeRequest
            | Op::RejectChangeRequest
            | Op::CancelOrderLines => Expect::Forbidden,
            // Answered by `tickets_cases::expect` above.
            Op::Tickets
            | Op::MyTickets
            | Op::Ticket
            | Op::TicketByNumber
            | Op::TicketAssignees
            | Op::OpenTicket
            | Op::ReplyToTicket
            | Op::AssignTicket
            | Op::ResolveTicket
            | Op::CloseTicket => Expect::Forbidden,
            // A user's own preferences; a key has none.
            Op::UpdateNotificationPreferences => match who {
                Who::Anonymous | Who::ChannelKey | Who::OtherChannelKey => Expect::Unauthenticated,
                _ => Expect::Allow,
            },
            Op::AdjustStock | Op::ReceiveStock | Op::SetReorderPoint => by_role(who, STOCK_KEEPERS),
            // Only warehouse staff and admins work shipments: everyone else
            // is refused before the shipment is even looked up.
            Op::StartPicking
            | Op::PackShipment
            | Op::ShipShipment
            | Op::MarkReadyForPickup
            | Op::HandOverPickup
            | Op::MoveShipment
            | Op::RecordTrackingEvent => by_role(who, STOCK_KEEPERS),
            // Reviewing a pickup locked by wrong codes is support's.
            Op::UnlockPickup => by_role(who, &[Support, Admin]),
            // A shipment is seen by whoever may see its order.
            Op::Shipment => on_order(
                who,
                &[Owner, Support, Warehouse, Finance, Admin, ChannelKey],
            ),
            // Only finance and admin move money: everyone else is refused
            // before the payment is even looked up.
            Op::CapturePayment | Op::VoidPayment | Op::RefundPayment | Op::RecordManualPayment => {
                by_role(who, &[Finance, Admin])
            }
            // The finance list: not for customers or integrations.
            Op::Payments => by_role(who, &[Support, Finance, Admin]),
            // Whoever may see the order may start paying it.
            Op::StartPayment => on_order(
                who,
                &[Owner, Support, Warehouse, Finance, Admin, ChannelKey],
            ),
            // Public: the catalog, signing in, and `me` (null unless a user).
            Op::Me
            | Op::Products
            | Op::ProductsBySkus
            | Op::Product
            | Op::ShippingMethods
            | Op::PickupPoints
            | Op::ShippingQuote
            | Op::ShippingRates
            | Op::Register
            | Op::Login
            | Op::RefreshToken => Expect::Allow,
            // A user's own session and orders; a key has neither.
            Op::Logout | Op::MyOrders => match who {
                Anonymous | ChannelKey | OtherChannelKey => Expect::Unauthenticated,
                _ => Expect::Allow,
            },
            Op::ChangePassword => match who {
                Anonymous | ChannelKey | OtherChannelKey => Expect::Unauthenticated,
                _ => Expect::Invalid,
            },
            Op::Order => on_order(
                who,
                &[Owner, Support, Warehouse, Finance, Admin, ChannelKey],
            ),
            // The queue: staff see all, a key its channel's; customers use myOrders.
            Op::Orders => match who {
                Anonymous => Expect::Unauthenticated,
                Owner | OtherCustomer => Expect::Forbidden,
                _ => Expect::Allow,
            },
            Op::PlaceOrder => match who {
                Anonymous => Expect::Unauthenticated,
                Warehouse | Finance => Expect::Forbidden,
                _ => Expect::Allow,
            },
            // Only support and admin may name the customer and the channel;
            // customers may not, and a key is bound to its channel.
            Op::PlaceOrderNamingCustomerAndChannel => match who {
                Anonymous => Expect::Unauthenticated,
                Support | Admin => Expect::Allow,
                Warehouse | Finance => Expect::Forbidden,
                _ => Expect::Invalid,
            },
            Op::CancelOrder => on_order(who, &[Owner, Support, Admin]),
            Op::CancelOrderBeingProcessed => on_order(who, &[Support, Admin]),
            Op::AdvanceOrder(action) => match action {
                "CONFIRM_PAYMENT" => on_order(who, &[Finance, Admin]),
                "COMPLETE" => on_order(who, &[Support, Admin]),
                "CANCEL" => on_order(who, &[Owner, Support, Admin]),
                // The order follows its shipments, never a hand: no role may
                // take these (FORBIDDEN once the caller may see the order),
                // and availableTransitions says so.
                "START_PROCESSING" | "SHIP_PARTIALLY" | "SHIP_ALL" | "DELIVER" => {
                    on_order(who, &[])
                }
                other => panic!("no rule for the order action {other}"),
            },
        }
    }

    /// `extensions.field` of an INVALID_INPUT answer.
    fn invalid_field(self) -> &'static str {
        match self {
            Op::ChangePassword => "currentPassword",
            Op::PlaceOrderNamingCustomerAndChannel => "channel",
            Op::AdvanceOrder(_) => "action",
            other => panic!("{other:?} has no INVALID_INPUT case"),
        }
    }
}

/// What a case acts on.
#[derive(Default)]
struct Fixture {
    /// The order the case acts on.
    order: Option<String>,
    /// Units that order still holds, per (SKU, warehouse).
    held: BTreeMap<(String, String), i64>,
    /// An API key to revoke: (secret, id).
    key: Option<(String, String)>,
    /// A refresh token of the owner's.
    refresh: Option<String>,
    /// A session of the caller that only this case uses (logout ends it).
    session: Option<String>,
    /// A unique email for accounts the case creates.
    email: String,
    /// The payment the case acts on (paid by the owner through the sandbox).
    payment: Option<String>,
    /// The order's total, in minor units.
    total: i64,
    /// The id of the order's shipment the case acts on.
    shipment: Option<String>,
    /// Its pickup code, as the owner sees it (PICKUP orders).
    pickup_code: Option<String>,
    /// Where `moveShipment` moves it.
    move_to: Option<String>,
    /// The tracking number `shipShipment` gives it.
    tracking: String,
    /// The `web` key's webhook endpoint the case acts on.
    webhook: Option<String>,
    /// A delivery of that endpoint.
    delivery: Option<String>,
    /// A notification of the read order's (to resend).
    notification: Option<String>,
    /// The owner's review the case acts on, and how an admin saw it before.
    review: Option<String>,
    review_before: Value,
    /// Returns cases: the return acted on and how an admin saw it before,
    /// its (pool) order, and how many returns that order had.
    rma: Option<String>,
    rma_before: Value,
    rma_order: Option<String>,
    rma_count: usize,
    /// Ticket cases: the ticket acted on (id, number), how admin saw it
    /// before, who `assignTicket` assigns, and how many tickets the owner had.
    tk: Option<String>,
    tk_number: String,
    tk_before: Value,
    tk_assignee: String,
    tk_count: i64,
    /// Change cases: the change request acted on, its (fresh) order, and
    /// how admin saw that order and its change requests before.
    chg: Option<String>,
    chg_order: Option<String>,
    chg_before: Value,
}

/// One shipment as the snapshot sees it.
#[derive(Clone, Debug, PartialEq)]
struct ShipmentSnap {
    status: String,
    warehouse: String,
    pickup_locked: bool,
    carrier: Value,
    tracking_number: Value,
    weight_grams: Value,
    /// The status of each tracking event, oldest first.
    events: Vec<String>,
}

/// One payment as the snapshot sees it.
#[derive(Clone, Debug, PartialEq)]
struct PaymentSnap {
    method: String,
    status: String,
    captured: i64,
    refunded: i64,
}

/// One order as the snapshot sees it.
#[derive(Clone, Debug, PartialEq)]
struct OrderSnap {
    status: String,
    /// Timeline events by type.
    events: BTreeMap<String, usize>,
    payment_status: String,
    payment_method: Value,
    amount_due: i64,
    payments: Vec<PaymentSnap>,
    /// Shipment id → what it says.
    shipments: BTreeMap<String, ShipmentSnap>,
}

impl OrderSnap {
    fn event(&mut self, kind: &str) {
        *self.events.entry(kind.to_owned()).or_insert(0) += 1;
    }

    /// The order's status follows its shipments: a status change is one
    /// more STATUS_CHANGED entry on the timeline.
    fn follow(&mut self, status: &str) {
        if self.status != status {
            self.status = status.to_owned();
            self.event("STATUS_CHANGED");
        }
    }
}

/// Everything a case may change, as the admin sees it.
#[derive(Clone, Debug, PartialEq)]
struct Snapshot {
    /// Order number → what it says.
    orders: BTreeMap<String, OrderSnap>,
    /// Payments of every order.
    payments_total: i64,
    /// (SKU, warehouse) → (on hand, allocated, reorder point).
    stock: BTreeMap<(String, String), (i64, i64, i64)>,
    orders_total: i64,
    owner_orders: i64,
    users: usize,
    /// API key id → revoked.
    keys: BTreeMap<String, bool>,
    toggle_on_sale: bool,
    /// The payment methods of the channel `setChannelPaymentMethods` changes.
    store_methods: Value,
    /// Its return window (`setChannelReturnWindow`).
    store_window: i64,
    /// Shipments of every order.
    shipments_total: i64,
    /// The rate table: method → rate.
    rates: BTreeMap<String, RateMinor>,
    /// The nearest-region table: region → (warehouse, rank), nearest first.
    regions: BTreeMap<String, Vec<(String, i64)>>,
    /// Webhook endpoint id → (enabled, description).
    webhooks: BTreeMap<String, (bool, Option<String>)>,
    /// Redeliveries in the log of the case's endpoint.
    redeliveries: usize,
    /// Email templates: (template, language) → (subject, edited).
    templates: BTreeMap<(String, String), (String, bool)>,
    /// Entries of the read order's notification log.
    read_notifications: usize,
    /// The owner's and the admin's email preferences.
    owner_prefs: Value,
    admin_prefs: Value,
}

const SNAPSHOT: &str = "query($a: String!, $b: String!, $hasB: Boolean!) {
    a: order(number: $a) { ...O }
    b: order(number: $b) @include(if: $hasB) { ...O }
    payments(first: 1) { totalCount }
    s0: stockLevels(sku: \"TEA-001\") { ...L }
    s1: stockLevels(sku: \"MUG-001\") { ...L }
    s2: stockLevels(sku: \"CAM-002\") { ...L }
    s3: stockLevels(sku: \"AUD-001\") { ...L }
    orders(first: 1) { totalCount }
    users { id }
    apiKeys { id revoked }
    product(sku: \"BAG-001\") { sku }
    channels { code paymentMethods returnWindowDays }
    shipments(first: 1) { totalCount }
    shippingRates { ...R }
    regionWarehouses { region warehouse rank }
    webhookEndpoints { id enabled description }
}
fragment R on ShippingRate { method flat { amount } perKg { amount } perItem { amount } freeAbove { amount } }
fragment L on StockLevel { sku warehouse { code } onHand allocated reorderPoint }
fragment O on Order { number status events { type } paymentStatus paymentMethod amountDue { amount }
    payments { method status captured { amount } refunded { amount } }
    shipments { id status warehouse pickupLocked carrier trackingNumber weightGrams events { status } } }";

const OTHER_PASSWORD: &str = "matrix-Other-Pa55word!";
const SHOPPER: &str = "shopper@example.net";

struct World {
    app: TestApp,
    /// Bearer of each caller but the anonymous one.
    bearer: BTreeMap<Who, String>,
    /// Email and password of each user.
    credentials: BTreeMap<Who, (String, String)>,
    /// The order the read cases look at: the owner's, on `web`.
    read_order: String,
    /// The owner's delivered order the returns cases return units of.
    return_pool: tokio::sync::OnceCell<String>,
    /// The owner's order the ticket cases open tickets about.
    ticket_order: tokio::sync::OnceCell<String>,
}

impl World {
    async fn new() -> World {
        // Webhook cases register endpoints on loopback.
        let app = TestApp::builder()
            .env("OMS_WEBHOOKS_ALLOW_PRIVATE", "1")
            .spawn()
            .await;
        let mut bearer = BTreeMap::new();
        let mut credentials = BTreeMap::new();
        for who in EVERYONE {
            if let Some(role) = who.demo_role() {
                bearer.insert(who, app.login_as(role).await.access_token);
                credentials.insert(who, (role.email(), role.password()));
            }
        }
        let other_email = format!("other-{}@example.com", uuid::Uuid::new_v4().simple());
        let resp = app.register(&other_email, OTHER_PASSWORD, "Other").await;
        let token = assert_ok(&resp)["register"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no accessToken: {resp}"))
            .to_owned();
        bearer.insert(Who::OtherCustomer, token);
        credentials.insert(Who::OtherCustomer, (other_email, OTHER_PASSWORD.to_owned()));
        let mut w = World {
            app,
            bearer,
            credentials,
            read_order: String::new(),
            return_pool: Default::default(),
            ticket_order: Default::default(),
        };
        let (own_key, _) = w.create_key(OWN_CHANNEL).await;
        let (other_key, _) = w.create_key(OTHER_CHANNEL).await;
        w.bearer.insert(Who::ChannelKey, own_key);
        w.bearer.insert(Who::OtherChannelKey, other_key);
        // Enough stock in the first warehouse for every order of the run;
        // the orders' SKU also where shipments move to and at the pickup
        // point (for PICKUP orders).
        let mut receipts: Vec<(&str, &str)> = [ORDER_SKU, PLACE_SKU, READ_SKU]
            .into_iter()
            .map(|sku| (sku, "SHA"))
            .collect();
        receipts.extend(MOVE_WAREHOUSES.into_iter().map(|wh| (ORDER_SKU, wh)));
        receipts.push((ORDER_SKU, PICKUP_POINT));
        let receipts: BTreeSet<(&str, &str)> = receipts.into_iter().collect();
        for (sku, wh) in receipts {
            w.admin(
                "mutation($s: String!, $w: String!) { receiveStock(input: {sku: $s, warehouseCode: $w, quantity: 500, reference: \"matrix\"}) { onHand } }",
                json!({ "s": sku, "w": wh }),
            )
            .await;
        }
        let order = w
            .place_as_owner(order_input(&new_key(), &[(READ_SKU, 1)]))
            .await;
        w.read_order = order;
        // Its confirmation email is planned after commit: wait for it, so
        // no case sees the log grow by itself.
        w.read_order_email().await;
        w
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.bearer.get(&who).map(String::as_str)
    }

    fn owner_email(&self) -> &str {
        &self.credentials[&Who::Owner].0
    }

    async fn call(&self, token: Option<&str>, query: &str, vars: Value) -> Value {
        match token {
            Some(t) => self.app.gql_as(t, query, vars).await,
            None => self.app.gql(query, vars).await,
        }
    }

    /// Runs a document as admin and returns its data, panicking on errors.
    async fn admin(&self, query: &str, vars: Value) -> Value {
        let resp = self.call(self.token(Who::Admin), query, vars).await;
        assert_ok(&resp).clone()
    }

    async fn create_key(&self, channel: &str) -> (String, String) {
        let data = self
            .admin(
                "mutation($c: String!) { createApiKey(name: \"matrix\", channel: $c) { key apiKey { id } } }",
                json!({ "c": channel }),
            )
            .await;
        let created = &data["createApiKey"];
        (
            created["key"].as_str().unwrap_or_default().to_owned(),
            created["apiKey"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    async fn place_as_owner(&self, input: Value) -> String {
        let resp = self
            .call(
                self.token(Who::Owner),
                "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number } }",
                json!({ "i": input }),
            )
            .await;
        assert_ok(&resp)["placeOrder"]["number"]
            .as_str()
            .unwrap_or_else(|| panic!("no order number: {resp}"))
            .to_owned()
    }

    /// A new order of the owner's on `web`, moved by the admin to `status`.
    async fn order_in(&self, status: &str) -> String {
        self.order_by(status, false).await
    }

    /// A new order of the owner's on `web` (collected at the pickup point
    /// if `pickup`), moved by the admin to `status`.
    async fn order_by(&self, status: &str, pickup: bool) -> String {
        let mut input = order_input(&new_key(), &[(ORDER_SKU, ORDER_QTY)]);
        if pickup {
            input["shippingMethod"] = json!("PICKUP");
            input["pickupPoint"] = json!(PICKUP_POINT);
        }
        let number = self.place_as_owner(input).await;
        let mut current = "PENDING_PAYMENT";
        for (action, next) in ADMIN_PATH {
            if current == status {
                break;
            }
            assert_eq!(
                self.step(&number, action).await,
                next,
                "setting up {number}"
            );
            current = next;
        }
        assert_eq!(current, status, "no admin path to {status}");
        number
    }

    /// One step of [`ADMIN_PATH`] as the admin; returns the order's status.
    async fn step(&self, number: &str, action: &str) -> String {
        let to = match action {
            "PAY" => return self.pay(number).await,
            "PICK" => "PROCESSING",
            "SHIP" => "SHIPPED",
            "DELIVER" => "DELIVERED",
            other => panic!("no admin step {other}"),
        };
        let admin = self.token(Who::Admin).unwrap_or_default();
        fulfil(&self.app, admin, number, to).await
    }

    /// The admin records a bank transfer for what the order owes; returns
    /// the order's status.
    async fn pay(&self, number: &str) -> String {
        let due = self.amount_due(number).await;
        let data = self
            .admin(
                "mutation($n: String!, $a: Int!, $r: String!, $k: String!) { recordManualPayment(orderNumber: $n, method: BANK_TRANSFER, amount: $a, reference: $r, idempotencyKey: $k) { status } }",
                json!({ "n": number, "a": due, "r": format!("BANK-{}", new_key()), "k": new_key() }),
            )
            .await;
        assert_eq!(data["recordManualPayment"]["status"], "CAPTURED");
        let data = self
            .admin(
                "query($n: String!) { order(number: $n) { status } }",
                json!({ "n": number }),
            )
            .await;
        data["order"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The order's one shipment, as the admin sees it: (id, status, warehouse).
    async fn only_shipment(&self, number: &str) -> (String, String, String) {
        let data = self
            .admin(
                "query($n: String!) { order(number: $n) { shipments { id status warehouse } } }",
                json!({ "n": number }),
            )
            .await;
        let shipments = data["order"]["shipments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(shipments.len(), 1, "order {number}: {data}");
        let s = &shipments[0];
        let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
        (text("id"), text("status"), text("warehouse"))
    }

    /// The pickup code of the order's shipment, as the owner sees it.
    async fn pickup_code(&self, number: &str) -> String {
        let resp = self
            .call(
                self.token(Who::Owner),
                "query($n: String!) { order(number: $n) { shipments { pickupCode } } }",
                json!({ "n": number }),
            )
            .await;
        assert_ok(&resp)["order"]["shipments"][0]["pickupCode"]
            .as_str()
            .unwrap_or_else(|| panic!("the owner sees no pickup code: {resp}"))
            .to_owned()
    }

    /// Takes the shipment from `from` to `to` as the admin, the way the
    /// warehouse would (start picking, pack, then ship or shelve it for
    /// pickup).
    async fn work_shipment(&self, id: &str, mut from: &str, to: &str) {
        let vars = json!({ "id": id, "t": format!("SF{}", new_key().replace('-', "")) });
        while from != to {
            let (field, mutation) = match from {
                "PENDING" => (
                    "startPicking",
                    "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
                ),
                "PICKING" => (
                    "packShipment",
                    "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 800) { status } }",
                ),
                "PACKED" if to == "READY_FOR_PICKUP" => (
                    "markReadyForPickup",
                    "mutation($id: ID!) { markReadyForPickup(shipmentId: $id) { status } }",
                ),
                "PACKED" => (
                    "shipShipment",
                    "mutation($id: ID!, $t: String!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: $t) { status } }",
                ),
                other => panic!("no way from {other} to {to}"),
            };
            let data = self.admin(mutation, vars.clone()).await;
            let status = data[field]["status"].as_str().unwrap_or_default();
            assert_ne!(status, from, "{field} on {id}");
            from = match status {
                "PICKING" => "PICKING",
                "PACKED" => "PACKED",
                "SHIPPED" => "SHIPPED",
                "READY_FOR_PICKUP" => "READY_FOR_PICKUP",
                other => panic!("{field} on {id} led to {other}"),
            };
        }
    }

    /// Locks a pickup shipment with wrong codes, as a careless desk would.
    async fn lock_pickup(&self, id: &str) {
        for _ in 0..PICKUP_ATTEMPTS {
            let resp = self
                .call(
                    self.token(Who::Warehouse),
                    "mutation($id: ID!, $c: String!) { handOverPickup(shipmentId: $id, pickupCode: $c) { status } }",
                    json!({ "id": id, "c": WRONG_PICKUP_CODE }),
                )
                .await;
            assert!(
                error_code(&resp).is_some(),
                "a wrong code was taken: {resp}"
            );
        }
        let data = self
            .admin(
                "query($id: ID!) { shipment(id: $id) { pickupLocked } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["shipment"]["pickupLocked"], true, "{id}: {data}");
    }

    /// What the order owes, in minor units.
    async fn amount_due(&self, number: &str) -> i64 {
        let data = self
            .admin(
                "query($n: String!) { order(number: $n) { amountDue { amount } } }",
                json!({ "n": number }),
            )
            .await;
        minor(&data["order"]["amountDue"]["amount"])
    }

    /// Units the order holds, per (SKU, warehouse).
    async fn held(&self, number: &str) -> BTreeMap<(String, String), i64> {
        let data = self
            .admin(
                "query($n: String!) { order(number: $n) { allocations { sku held warehouse { code } } } }",
                json!({ "n": number }),
            )
            .await;
        let mut held = BTreeMap::new();
        for a in data["order"]["allocations"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let key = (
                a["sku"].as_str().unwrap_or_default().to_owned(),
                a["warehouse"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            *held.entry(key).or_insert(0) += a["held"].as_i64().unwrap_or(0);
        }
        held
    }

    async fn prepare(&self, op: Op, who: Who) -> Fixture {
        let mut fx = Fixture {
            email: format!("matrix-{}@example.com", uuid::Uuid::new_v4().simple()),
            ..Fixture::default()
        };
        if let Some(status) = op.order_status() {
            let number = self.order_by(status, op.pickup()).await;
            fx.held = self.held(&number).await;
            assert!(!fx.held.is_empty(), "order {number} holds no stock");
            fx.total = self.amount_due(&number).await;
            if let Some(method) = op.paid_with() {
                let owner = self.token(Who::Owner).unwrap_or_default();
                fx.payment = Some(pay_online(&self.app, owner, &number, method).await);
            }
            if let Some(to) = op.shipment_status() {
                let (id, from, warehouse) = self.only_shipment(&number).await;
                self.work_shipment(&id, &from, to).await;
                if op.locked() {
                    self.lock_pickup(&id).await;
                }
                if op.pickup() {
                    fx.pickup_code = Some(self.pickup_code(&number).await);
                }
                fx.move_to = MOVE_WAREHOUSES
                    .into_iter()
                    .find(|w| *w != warehouse)
                    .map(str::to_owned);
                fx.shipment = Some(id);
            }
            fx.order = Some(number);
        }
        fx.tracking = format!("MX{}", uuid::Uuid::new_v4().simple()).to_ascii_uppercase();
        match op {
            Op::RevokeApiKey => fx.key = Some(self.create_key(OWN_CHANNEL).await),
            Op::RefreshToken => {
                let (email, password) = &self.credentials[&Who::Owner];
                fx.refresh = Some(self.app.login_ok(email, password).await.refresh_token);
            }
            Op::Logout => {
                if let Some((email, password)) = self.credentials.get(&who) {
                    fx.session = Some(self.app.login_ok(email, password).await.access_token);
                }
            }
            Op::SetProductActive => {
                self.admin(
                    "mutation($s: String!) { setProductActive(sku: $s, active: true) { sku } }",
                    json!({ "s": TOGGLE_SKU }),
                )
                .await;
            }
            Op::SetChannelPaymentMethods => {
                self.admin(
                    "mutation($c: String!) { setChannelPaymentMethods(code: $c, methods: [CARD, ALIPAY, WECHAT_PAY, CASH_ON_DELIVERY, BANK_TRANSFER]) { code } }",
                    json!({ "c": NEW_KEY_CHANNEL }),
                )
                .await;
            }
            Op::SetChannelReturnWindow => {
                self.admin(
                    "mutation($c: String!) { setChannelReturnWindow(code: $c, days: 7) { code } }",
                    json!({ "c": NEW_KEY_CHANNEL }),
                )
                .await;
            }
            Op::SetReorderPoint => {
                self.admin(
                    "mutation($s: String!, $w: String!) { setReorderPoint(sku: $s, warehouseCode: $w, reorderPoint: 3) { reorderPoint } }",
                    json!({ "s": STOCK_SKU, "w": STOCK_WAREHOUSE }),
                )
                .await;
            }
            // Back to the seeded rate after an allowed call of the previous
            // caller: the rest of the run quotes and charges the seed.
            Op::SetShippingRate => self.set_rate(RATE_METHOD, RATE_BEFORE).await,
            // Another spelling: the call must replace it all the same.
            Op::SetRegionWarehouses => {
                self.set_region(REGION_BEFORE, &REGION_RANKING_BEFORE).await;
            }
            Op::WebhookDeliveries
            | Op::UpdateWebhookEndpoint
            | Op::DeleteWebhookEndpoint
            | Op::RedeliverWebhook => {
                let (endpoint, delivery) = self.web_key_webhook(op == Op::RedeliverWebhook).await;
                fx.webhook = Some(endpoint);
                fx.delivery = delivery;
            }
            Op::UpdateEmailTemplate => {
                let (t, l) = EDITED_TEMPLATE;
                self.admin(
                    "mutation($t: EmailTemplateName!, $l: EmailLanguage!) { resetEmailTemplate(template: $t, language: $l) { customized } }",
                    json!({ "t": t, "l": l }),
                )
                .await;
            }
            Op::ResetEmailTemplate => {
                let (t, l) = RESET_TEMPLATE;
                self.admin(
                    "mutation($i: EmailTemplateInput!) { updateEmailTemplate(input: $i) { customized } }",
                    json!({ "i": { "template": t, "language": l, "subject": "Edited {{ order_number }}",
                        "textBody": "edited", "htmlBody": "<p>edited</p>" } }),
                )
                .await;
            }
            Op::ResendNotification => fx.notification = Some(self.read_order_email().await),
            Op::WriteReview => fx.order = Some(self.delivered_for_review().await),
            Op::ModerateReview => {
                let number = self.delivered_for_review().await;
                fx.review = Some(self.write_review_as_owner(&number).await);
            }
            Op::EditReview | Op::ReplyToReview | Op::Review => {
                fx.review = Some(self.pending_review().await);
            }
            _ => {}
        }
        if let Some(id) = fx.review.clone() {
            fx.review_before = self.review_as_admin(&id).await;
        }
        self.prepare_returns(op, &mut fx).await;
        self.prepare_tickets(op, &mut fx).await;
        self.prepare_changes(op, &mut fx).await;
        fx
    }

    /// A fresh order of the owner's, paid and delivered (a line to review).
    async fn delivered_for_review(&self) -> String {
        let input = order_input(&new_key(), &[(REVIEW_SKU, 1)]);
        let number = self.place_as_owner(input).await;
        self.pay(&number).await;
        let keeper = self.token(Who::Admin).unwrap_or_default();
        assert_eq!(
            fulfil(&self.app, keeper, &number, "DELIVERED").await,
            "DELIVERED"
        );
        number
    }

    /// The owner reviews the delivered order `number`; the review's id.
    async fn write_review_as_owner(&self, number: &str) -> String {
        let resp = self
            .call(
                self.token(Who::Owner),
                "mutation($n: String!, $s: String!) { writeReview(orderNumber: $n, sku: $s, rating: 4, title: \"matrix\", body: \"matrix review\") { id } }",
                json!({ "n": number, "s": REVIEW_SKU }),
            )
            .await;
        assert_ok(&resp)["writeReview"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no review: {resp}"))
            .to_owned()
    }

    /// A PENDING review of the owner's (written now if there is none).
    async fn pending_review(&self) -> String {
        let resp = self
            .call(
                self.token(Who::Owner),
                "{ myReviews(first: 100) { edges { node { id status } } } }",
                json!({}),
            )
            .await;
        let pending = assert_ok(&resp)["myReviews"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["node"]["status"] == "PENDING")
            .and_then(|e| e["node"]["id"].as_str().map(str::to_owned));
        match pending {
            Some(id) => id,
            None => {
                let number = self.delivered_for_review().await;
                self.write_review_as_owner(&number).await
            }
        }
    }

    /// A review as an admin sees it.
    async fn review_as_admin(&self, id: &str) -> Value {
        self.admin(
            "query($id: ID!) { review(id: $id) { id status rating title body rejectReason reply { body } } }",
            json!({ "id": id }),
        )
        .await["review"]
            .clone()
    }

    /// The id of the read order's first email, once it is planned.
    async fn read_order_email(&self) -> String {
        for _ in 0..400 {
            let data = self
                .admin(
                    "query($n: String!) { order(number: $n) { notifications { id } } }",
                    json!({ "n": self.read_order }),
                )
                .await;
            if let Some(id) = data["order"]["notifications"][0]["id"].as_str() {
                return id.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no email was planned for {}", self.read_order);
    }

    /// An endpoint of the `web` key's (on a loopback port nothing listens
    /// on), and with `with_delivery` a delivery in its log (of an order the
    /// owner places on `web`).
    async fn web_key_webhook(&self, with_delivery: bool) -> (String, Option<String>) {
        let resp = self
            .call(
                self.token(Who::ChannelKey),
                "mutation { createWebhookEndpoint(input: {url: \"http://127.0.0.1:9/matrix\", eventTypes: [ORDER_PLACED], description: \"fixture\"}) { endpoint { id } } }",
                json!({}),
            )
            .await;
        let id = assert_ok(&resp)["createWebhookEndpoint"]["endpoint"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no endpoint: {resp}"))
            .to_owned();
        if !with_delivery {
            return (id, None);
        }
        self.place_as_owner(order_input(&new_key(), &[(ORDER_SKU, 1)]))
            .await;
        for _ in 0..400 {
            if let Some(d) = self.webhook_log(&id).await.first() {
                return (id, d["id"].as_str().map(str::to_owned));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no delivery was planned for the fixture endpoint {id}");
    }

    /// An endpoint's log as the admin sees it (empty once it is deleted).
    async fn webhook_log(&self, endpoint: &str) -> Vec<Value> {
        let resp = self
            .call(
                self.token(Who::Admin),
                "query($w: ID!) { webhookDeliveries(endpointId: $w, first: 100) { edges { node { id redeliveryOf } } } }",
                json!({ "w": endpoint }),
            )
            .await;
        resp["data"]["webhookDeliveries"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["node"].clone())
            .collect()
    }

    async fn snapshot(&self, fx: &Fixture) -> Snapshot {
        let data = self
            .admin(
                SNAPSHOT,
                json!({
                    "a": self.read_order,
                    "b": fx.order.clone().unwrap_or_default(),
                    "hasB": fx.order.is_some(),
                }),
            )
            .await;
        let mut orders = BTreeMap::new();
        for alias in ["a", "b"] {
            let o = &data[alias];
            if let Some(number) = o["number"].as_str() {
                let mut events = BTreeMap::new();
                for e in o["events"].as_array().into_iter().flatten() {
                    let kind = e["type"].as_str().unwrap_or_default().to_owned();
                    *events.entry(kind).or_insert(0) += 1;
                }
                let payments = o["payments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| PaymentSnap {
                        method: p["method"].as_str().unwrap_or_default().to_owned(),
                        status: p["status"].as_str().unwrap_or_default().to_owned(),
                        captured: minor(&p["captured"]["amount"]),
                        refunded: minor(&p["refunded"]["amount"]),
                    })
                    .collect();
                let shipments = o["shipments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
                        (
                            text("id"),
                            ShipmentSnap {
                                status: text("status"),
                                warehouse: text("warehouse"),
                                pickup_locked: s["pickupLocked"].as_bool().unwrap_or(false),
                                carrier: s["carrier"].clone(),
                                tracking_number: s["trackingNumber"].clone(),
                                weight_grams: s["weightGrams"].clone(),
                                events: s["events"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .map(|e| e["status"].as_str().unwrap_or_default().to_owned())
                                    .collect(),
                            },
                        )
                    })
                    .collect();
                orders.insert(
                    number.to_owned(),
                    OrderSnap {
                        status: o["status"].as_str().unwrap_or_default().to_owned(),
                        events,
                        payment_status: o["paymentStatus"].as_str().unwrap_or_default().to_owned(),
                        payment_method: o["paymentMethod"].clone(),
                        amount_due: minor(&o["amountDue"]["amount"]),
                        payments,
                        shipments,
                    },
                );
            }
        }
        let mut stock = BTreeMap::new();
        for (i, sku) in OBSERVED_SKUS.iter().enumerate() {
            let levels = data[format!("s{i}")]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(!levels.is_empty(), "no stock levels for {sku}: {data}");
            for l in levels {
                stock.insert(
                    (
                        (*sku).to_owned(),
                        l["warehouse"]["code"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    (
                        l["onHand"].as_i64().unwrap_or(-1),
                        l["allocated"].as_i64().unwrap_or(-1),
                        l["reorderPoint"].as_i64().unwrap_or(-1),
                    ),
                );
            }
        }
        let keys = data["apiKeys"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|k| {
                (
                    k["id"].as_str().unwrap_or_default().to_owned(),
                    k["revoked"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        let mine = self
            .call(
                self.token(Who::Owner),
                "{ myOrders(first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        let mail = self
            .admin(
                "query($n: String!) { emailTemplates { template language subject customized } \
                 order(number: $n) { notifications { id } } \
                 me { notificationPreferences { language shippingUpdates serviceUpdates } } }",
                json!({ "n": self.read_order }),
            )
            .await;
        let owner = self
            .call(self.token(Who::Owner), PREFERENCES, json!({}))
            .await;
        let templates = mail["emailTemplates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let text = |k: &str| t[k].as_str().unwrap_or_default().to_owned();
                (
                    (text("template"), text("language")),
                    (text("subject"), t["customized"].as_bool().unwrap_or(false)),
                )
            })
            .collect();
        Snapshot {
            templates,
            read_notifications: mail["order"]["notifications"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0),
            owner_prefs: assert_ok(&owner)["me"]["notificationPreferences"].clone(),
            admin_prefs: mail["me"]["notificationPreferences"].clone(),
            orders,
            payments_total: data["payments"]["totalCount"].as_i64().unwrap_or(-1),
            stock,
            orders_total: data["orders"]["totalCount"].as_i64().unwrap_or(-1),
            owner_orders: assert_ok(&mine)["myOrders"]["totalCount"]
                .as_i64()
                .unwrap_or(-1),
            users: data["users"].as_array().map(Vec::len).unwrap_or(0),
            keys,
            toggle_on_sale: !data["product"].is_null(),
            store_methods: data["channels"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["code"] == NEW_KEY_CHANNEL))
                .map(|c| c["paymentMethods"].clone())
                .unwrap_or_else(|| panic!("no channel {NEW_KEY_CHANNEL}: {data}")),
            store_window: data["channels"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["code"] == NEW_KEY_CHANNEL))
                .and_then(|c| c["returnWindowDays"].as_i64())
                .unwrap_or(-1),
            shipments_total: data["shipments"]["totalCount"].as_i64().unwrap_or(-1),
            rates: data["shippingRates"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        r["method"].as_str().unwrap_or_default().to_owned(),
                        rate_minor(r),
                    )
                })
                .collect(),
            regions: region_table(&data["regionWarehouses"]),
            webhooks: data["webhookEndpoints"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e["id"].as_str().unwrap_or_default().to_owned(),
                        (
                            e["enabled"].as_bool().unwrap_or(false),
                            e["description"].as_str().map(str::to_owned),
                        ),
                    )
                })
                .collect(),
            redeliveries: match &fx.webhook {
                Some(id) => self
                    .webhook_log(id)
                    .await
                    .iter()
                    .filter(|d| !d["redeliveryOf"].is_null())
                    .count(),
                None => 0,
            },
        }
    }

    /// Sets a method's rate as the admin.
    async fn set_rate(&self, method: &str, rate: RateMinor) {
        let data = self
            .admin(
                "mutation($i: ShippingRateInput!) { setShippingRate(input: $i) { method } }",
                json!({ "i": rate_input(method, rate) }),
            )
            .await;
        assert_eq!(data["setShippingRate"]["method"], method, "{data}");
    }

    /// Replaces a region's ranking as the admin.
    async fn set_region(&self, region: &str, codes: &[&str]) {
        let data = self
            .admin(
                "mutation($r: String!, $c: [String!]!) { setRegionWarehouses(region: $r, warehouseCodes: $c) { warehouse } }",
                json!({ "r": region, "c": codes }),
            )
            .await;
        let ranked = data["setRegionWarehouses"].as_array().map(Vec::len);
        assert_eq!(ranked, Some(codes.len()), "{region}: {data}");
    }

    /// The `PlaceOrderInput` each caller sends.
    fn place_input(&self, op: Op, who: Who) -> Value {
        let mut input = order_input(&new_key(), &[(PLACE_SKU, 1)]);
        if op == Op::PlaceOrderNamingCustomerAndChannel {
            input["customerEmail"] = json!(self.owner_email());
            input["channel"] = json!(OWN_CHANNEL);
            return input;
        }
        if STAFF.contains(&who) {
            input["customerEmail"] = json!(self.owner_email());
        } else if who.is_key() {
            input["customerEmail"] = json!(SHOPPER);
            input["externalId"] = json!(format!("EXT-{}", uuid::Uuid::new_v4().simple()));
        }
        input
    }

    /// The document a case sends.
    fn document(&self, op: Op, who: Who, fx: &Fixture) -> (&'static str, Value) {
        if let Some(d) = self.changes_document(op, fx) {
            return d;
        }
        if let Some(d) = self.returns_document(op, fx) {
            return d;
        }
        if let Some(d) = self.tickets_document(op, fx) {
            return d;
        }
        let number = fx.order.clone().unwrap_or_else(|| self.read_order.clone());
        match op {
            Op::CreateApiKey => (
                "mutation($c: String!) { createApiKey(name: \"matrix\", channel: $c) { key apiKey { id revoked channel { code } } } }",
                json!({ "c": NEW_KEY_CHANNEL }),
            ),
            Op::RevokeApiKey => (
                "mutation($id: ID!) { revokeApiKey(id: $id) { id revoked } }",
                json!({ "id": fx.key.as_ref().map(|k| k.1.clone()) }),
            ),
            Op::Register => (
                "mutation($i: RegisterInput!) { register(input: $i) { user { email role } } }",
                json!({ "i": { "email": fx.email, "password": "matrix-Register-Pa55!", "name": "Registered" } }),
            ),
            Op::Login => {
                // Users sign in as themselves, the others with the owner's password.
                let (email, password) = self
                    .credentials
                    .get(&who)
                    .unwrap_or(&self.credentials[&Who::Owner]);
                (
                    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { email } } }",
                    json!({ "e": email, "p": password }),
                )
            }
            Op::RefreshToken => (
                "mutation($t: String!) { refreshToken(refreshToken: $t) { user { email } } }",
                json!({ "t": fx.refresh }),
            ),
            Op::Logout => ("mutation { logout }", json!({})),
            Op::ChangePassword => (
                "mutation { changePassword(currentPassword: \"not-the-password-1\", newPassword: \"a-new-long-password-2\") { accessToken } }",
                json!({}),
            ),
            Op::SetProductActive => (
                "mutation($s: String!) { setProductActive(sku: $s, active: false) { sku } }",
                json!({ "s": TOGGLE_SKU }),
            ),
            Op::SetChannelPaymentMethods => (
                "mutation($c: String!) { setChannelPaymentMethods(code: $c, methods: [CARD, ALIPAY]) { code paymentMethods } }",
                json!({ "c": NEW_KEY_CHANNEL }),
            ),
            Op::SetChannelReturnWindow => (
                "mutation($c: String!) { setChannelReturnWindow(code: $c, days: 30) { code returnWindowDays } }",
                json!({ "c": NEW_KEY_CHANNEL }),
            ),
            Op::SetShippingRate => (
                "mutation($i: ShippingRateInput!) { setShippingRate(input: $i) { ...R } } fragment R on ShippingRate { method flat { amount } perKg { amount } perItem { amount } freeAbove { amount } }",
                json!({ "i": rate_input(RATE_METHOD, RATE_AFTER) }),
            ),
            Op::SetRegionWarehouses => (
                "mutation($r: String!, $c: [String!]!) { setRegionWarehouses(region: $r, warehouseCodes: $c) { region warehouse rank } }",
                json!({ "r": REGION, "c": REGION_RANKING }),
            ),
            Op::AdjustStock => (
                "mutation($s: String!, $w: String!) { adjustStock(input: {sku: $s, warehouseCode: $w, delta: 1, reason: \"matrix\"}) { onHand } }",
                json!({ "s": STOCK_SKU, "w": STOCK_WAREHOUSE }),
            ),
            Op::ReceiveStock => (
                "mutation($s: String!, $w: String!) { receiveStock(input: {sku: $s, warehouseCode: $w, quantity: 1}) { onHand } }",
                json!({ "s": STOCK_SKU, "w": STOCK_WAREHOUSE }),
            ),
            Op::SetReorderPoint => (
                "mutation($s: String!, $w: String!) { setReorderPoint(sku: $s, warehouseCode: $w, reorderPoint: 7) { reorderPoint } }",
                json!({ "s": STOCK_SKU, "w": STOCK_WAREHOUSE }),
            ),
            Op::PlaceOrder | Op::PlaceOrderNamingCustomerAndChannel => (
                "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number status channel { code } customer { email } } }",
                json!({ "i": self.place_input(op, who) }),
            ),
            Op::CancelOrder | Op::CancelOrderBeingProcessed => (
                "mutation($n: String!) { cancelOrder(number: $n, reason: \"matrix\") { number status } }",
                json!({ "n": number }),
            ),
            Op::AdvanceOrder(action) => (
                "mutation($n: String!, $a: OrderAction!) { advanceOrder(number: $n, action: $a, note: \"matrix\") { number status } }",
                json!({ "n": number, "a": action }),
            ),
            Op::StartPayment => (
                "mutation($n: String!) { startPayment(orderNumber: $n, method: ALIPAY) { paymentId redirectUrl payment { status orderNumber method } } }",
                json!({ "n": number }),
            ),
            Op::CapturePayment => (
                "mutation($p: ID!, $a: Int!, $k: String!) { capturePayment(paymentId: $p, amount: $a, idempotencyKey: $k) { status captured { amount } } }",
                json!({ "p": fx.payment, "a": fx.total, "k": new_key() }),
            ),
            Op::VoidPayment => (
                "mutation($p: ID!, $k: String!) { voidPayment(paymentId: $p, idempotencyKey: $k) { status capturable { amount } } }",
                json!({ "p": fx.payment, "k": new_key() }),
            ),
            Op::RefundPayment => (
                "mutation($p: ID!, $a: Int!, $k: String!) { refundPayment(paymentId: $p, amount: $a, reason: \"matrix\", idempotencyKey: $k) { status refunded { amount } } }",
                json!({ "p": fx.payment, "a": fx.total, "k": new_key() }),
            ),
            Op::RecordManualPayment => (
                "mutation($n: String!, $a: Int!, $r: String!, $k: String!) { recordManualPayment(orderNumber: $n, method: BANK_TRANSFER, amount: $a, reference: $r, idempotencyKey: $k) { status orderNumber captured { amount } } }",
                json!({ "n": number, "a": fx.total, "r": format!("BANK-{}", new_key()), "k": new_key() }),
            ),
            Op::Payments => (
                "{ payments(first: 100) { totalCount edges { node { orderNumber status } } } }",
                json!({}),
            ),
            Op::CreateStaffUser => (
                "mutation($e: String!) { createStaffUser(input: {email: $e, password: \"a-long-password-1\", name: \"N\", role: SUPPORT}) { email role } }",
                json!({ "e": fx.email }),
            ),
            Op::ApiKeys => ("{ apiKeys { id revoked } }", json!({})),
            Op::WebhookEndpoints => (
                "{ webhookEndpoints { id url channel { code } } }",
                json!({}),
            ),
            Op::WebhookDeliveries => (
                "query($w: ID!) { webhookDeliveries(endpointId: $w, first: 5) { totalCount edges { node { id status } } } }",
                json!({ "w": fx.webhook }),
            ),
            Op::CreateWebhookEndpoint => (
                "mutation($u: String!) { createWebhookEndpoint(input: {url: $u, eventTypes: [ORDER_PLACED]}) { secret endpoint { id url channel { code } } } }",
                json!({ "u": "http://127.0.0.1:9/matrix-new" }),
            ),
            Op::UpdateWebhookEndpoint => (
                "mutation($w: ID!) { updateWebhookEndpoint(id: $w, input: {description: \"changed\"}) { id description } }",
                json!({ "w": fx.webhook }),
            ),
            Op::DeleteWebhookEndpoint => (
                "mutation($w: ID!) { deleteWebhookEndpoint(id: $w) { id } }",
                json!({ "w": fx.webhook }),
            ),
            Op::EmailTemplates => (
                "{ emailTemplates { template language customized } }",
                json!({}),
            ),
            Op::EmailPreview => (
                "{ emailPreview(template: ORDER_PLACED, language: ZH) { subject text html } }",
                json!({}),
            ),
            Op::UpdateEmailTemplate => (
                "mutation($i: EmailTemplateInput!) { updateEmailTemplate(input: $i) { template language subject customized } }",
                json!({ "i": { "template": EDITED_TEMPLATE.0, "language": EDITED_TEMPLATE.1,
                    "subject": EDITED_SUBJECT, "textBody": "{{ total }}", "htmlBody": "<p>{{ total }}</p>" } }),
            ),
            Op::ResetEmailTemplate => (
                "mutation($t: EmailTemplateName!, $l: EmailLanguage!) { resetEmailTemplate(template: $t, language: $l) { subject customized } }",
                json!({ "t": RESET_TEMPLATE.0, "l": RESET_TEMPLATE.1 }),
            ),
            Op::ResendNotification => (
                "mutation($id: ID!) { resendNotification(id: $id) { id resendOf template status } }",
                json!({ "id": fx.notification }),
            ),
            Op::UpdateNotificationPreferences => (
                "mutation { updateNotificationPreferences(input: {language: ZH, serviceUpdates: false}) { language shippingUpdates serviceUpdates } }",
                json!({}),
            ),
            Op::Reviews => (
                "{ reviews(first: 100) { totalCount edges { node { id status orderNumber } } } }",
                json!({}),
            ),
            Op::MyReviews => (
                "{ myReviews(first: 100) { totalCount edges { node { id status } } } }",
                json!({}),
            ),
            Op::Review => (
                "query($id: ID!) { review(id: $id) { id status orderNumber } }",
                json!({ "id": fx.review }),
            ),
            Op::WriteReview => (
                "mutation($n: String!, $s: String!) { writeReview(orderNumber: $n, sku: $s, rating: 5, title: \"Matrix\", body: \"Written by the matrix\") { id status rating orderNumber } }",
                json!({ "n": fx.order, "s": REVIEW_SKU }),
            ),
            Op::EditReview => (
                "mutation($id: ID!) { editReview(id: $id, rating: 2, title: \"Edited\", body: \"Edited by the matrix\") { id status rating } }",
                json!({ "id": fx.review }),
            ),
            Op::ModerateReview => (
                "mutation($id: ID!) { moderateReview(id: $id, decision: PUBLISH) { id status } }",
                json!({ "id": fx.review }),
            ),
            // Answered by `returns_document` above.
            Op::Returns
            | Op::MyReturns
            | Op::Return
            | Op::RequestReturn
            | Op::ApproveReturn
            | Op::RejectReturn
            | Op::CancelReturn
            | Op::ReceiveReturn
            | Op::RefundReturn => ("", json!({})),
            // Answered by `tickets_document` above.
            Op::Tickets
            | Op::MyTickets
            | Op::Ticket
            | Op::TicketByNumber
            | Op::TicketAssignees
            | Op::OpenTicket
            | Op::ReplyToTicket
            | Op::AssignTicket
            | Op::ResolveTicket
            | Op::CloseTicket => ("", json!({})),
            // Answered by `changes_document` above.
            Op::PreviewOrderChange
            | Op::ChangeRequests
            | Op::ChangeRequest
            | Op::RequestOrderChange
            | Op::ApproveChangeRequest
            | Op::RejectChangeRequest
            | Op::CancelOrderLines => ("", json!({})),
            Op::ReplyToReview => (
                "mutation($id: ID!) { replyToReview(id: $id, body: \"matrix reply\") { id reply { body } } }",
                json!({ "id": fx.review }),
            ),
            Op::RedeliverWebhook => (
                "mutation($w: ID!) { redeliverWebhook(deliveryId: $w) { id redeliveryOf } }",
                json!({ "w": fx.delivery }),
            ),
            Op::Me => ("{ me { email role } }", json!({})),
            Op::Products => ("{ products(first: 5) { totalCount } }", json!({})),
            Op::ProductsBySkus => (
                "query($s: String!) { productsBySkus(skus: [$s]) { sku } }",
                json!({ "s": PLACE_SKU }),
            ),
            Op::Product => (
                "query($s: String!) { product(sku: $s) { sku available } }",
                json!({ "s": PLACE_SKU }),
            ),
            Op::ShippingMethods => ("{ shippingMethods { code } }", json!({})),
            Op::Warehouses => ("{ warehouses { code } }", json!({})),
            Op::StockLevels => (
                "query($s: String!) { stockLevels(sku: $s) { onHand allocated } }",
                json!({ "s": STOCK_SKU }),
            ),
            Op::Inventory => ("{ inventory(first: 2) { totalCount } }", json!({})),
            Op::LowStock => ("{ lowStock { sku } }", json!({})),
            Op::InventoryCheck => ("{ inventoryCheck { balanced } }", json!({})),
            Op::Order => (
                "query($n: String!) { order(number: $n) { number status customer { email } allocations { sku held } availableTransitions { action allowed } } }",
                json!({ "n": number }),
            ),
            Op::MyOrders => (
                "{ myOrders(first: 100) { totalCount edges { node { number } } } }",
                json!({}),
            ),
            Op::Orders => (
                "query($s: String!) { orders(first: 100) { totalCount edges { node { number channel { code } } } } withSku: orders(first: 100, filter: {sku: $s}) { totalCount edges { node { number } } } }",
                json!({ "s": READ_SKU }),
            ),
            Op::Users => ("{ users { email } }", json!({})),
            Op::Channels => ("{ channels { code } }", json!({})),
            Op::PickupPoints => ("{ pickupPoints { code name region } }", json!({})),
            Op::ShippingQuote => (
                "query($s: String!) { shippingQuote(input: {lines: [{sku: $s, quantity: 2}], method: POSTAL}) { amount currencyCode } }",
                json!({ "s": ORDER_SKU }),
            ),
            Op::ShippingRates => (
                "{ shippingRates { method flat { amount } perKg { amount } perItem { amount } } }",
                json!({}),
            ),
            Op::RegionWarehouses => ("{ regionWarehouses { region warehouse rank } }", json!({})),
            Op::Shipment => (
                "query($id: ID!) { shipment(id: $id) { id orderNumber status method warehouse lines { sku quantity } pickupCode availableTransitions } }",
                json!({ "id": fx.shipment }),
            ),
            Op::Shipments => (
                "{ shipments(first: 100) { totalCount edges { node { id orderNumber status } } } }",
                json!({}),
            ),
            Op::StartPicking => (
                "mutation($id: ID!) { startPicking(shipmentId: $id) { id status } }",
                json!({ "id": fx.shipment }),
            ),
            Op::PackShipment => (
                "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 750) { id status weightGrams } }",
                json!({ "id": fx.shipment }),
            ),
            Op::ShipShipment => (
                "mutation($id: ID!, $t: String!) { shipShipment(shipmentId: $id, carrier: \"SF\", trackingNumber: $t) { id status carrier trackingNumber } }",
                json!({ "id": fx.shipment, "t": fx.tracking }),
            ),
            Op::MarkReadyForPickup => (
                "mutation($id: ID!) { markReadyForPickup(shipmentId: $id) { id status } }",
                json!({ "id": fx.shipment }),
            ),
            // Everyone shows the right code: a refusal is for who asks.
            Op::HandOverPickup => (
                "mutation($id: ID!, $c: String!) { handOverPickup(shipmentId: $id, pickupCode: $c) { id status } }",
                json!({ "id": fx.shipment, "c": fx.pickup_code }),
            ),
            Op::UnlockPickup => (
                "mutation($id: ID!) { unlockPickup(shipmentId: $id) { id status pickupLocked } }",
                json!({ "id": fx.shipment }),
            ),
            Op::MoveShipment => (
                "mutation($id: ID!, $w: String!) { moveShipment(shipmentId: $id, warehouseCode: $w) { id status warehouse } }",
                json!({ "id": fx.shipment, "w": fx.move_to }),
            ),
            Op::RecordTrackingEvent => (
                "mutation($id: ID!) { recordTrackingEvent(shipmentId: $id, status: DELIVERED, description: \"matrix: signed for\") { id status } }",
                json!({ "id": fx.shipment }),
            ),
        }
    }

    /// The bearer a case is sent with.
    fn bearer_for<'a>(&'a self, op: Op, who: Who, fx: &'a Fixture) -> Option<&'a str> {
        match (op, who) {
            (_, Who::Anonymous) => None,
            (Op::Logout, _) if fx.session.is_some() => fx.session.as_deref(),
            _ => self.token(who),
        }
    }

    /// What `availableTransitions` tells the caller about the case's action.
    async fn transition_allowed(&self, who: Who, number: &str, action: &str) -> bool {
        let resp = self
            .call(
                self.token(who),
                "query($n: String!) { order(number: $n) { availableTransitions { action allowed } } }",
                json!({ "n": number }),
            )
            .await;
        let data = assert_ok(&resp);
        data["order"]["availableTransitions"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["action"] == action))
            .unwrap_or_else(|| panic!("no transition {action} for {who:?}: {resp}"))["allowed"]
            .as_bool()
            .unwrap_or_else(|| panic!("no allowed flag: {resp}"))
    }

    /// What `availableTransitions` of a shipment tells the caller.
    async fn shipment_transitions(&self, who: Who, id: &str) -> BTreeSet<String> {
        let resp = self
            .call(
                self.token(who),
                "query($id: ID!) { shipment(id: $id) { availableTransitions } }",
                json!({ "id": id }),
            )
            .await;
        assert_ok(&resp)["shipment"]["availableTransitions"]
            .as_array()
            .unwrap_or_else(|| panic!("no availableTransitions for {who:?}: {resp}"))
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect()
    }

    /// The snapshot an allowed call must leave.
    async fn expected_after(
        &self,
        op: Op,
        who: Who,
        fx: &Fixture,
        before: &Snapshot,
        resp: &Value,
    ) -> Snapshot {
        let mut want = before.clone();
        let data = &resp["data"][op.field()];
        match op {
            Op::CreateWebhookEndpoint => {
                let id = data["endpoint"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                want.webhooks.insert(id, (true, None));
            }
            Op::UpdateWebhookEndpoint => {
                let id = fx.webhook.clone().unwrap_or_default();
                want.webhooks.insert(id, (true, Some("changed".into())));
            }
            Op::DeleteWebhookEndpoint => {
                want.webhooks
                    .remove(&fx.webhook.clone().unwrap_or_default());
            }
            Op::RedeliverWebhook => want.redeliveries += 1,
            Op::UpdateEmailTemplate => {
                let (t, l) = EDITED_TEMPLATE;
                want.templates.insert(
                    (t.to_owned(), l.to_owned()),
                    (EDITED_SUBJECT.to_owned(), true),
                );
            }
            Op::ResetEmailTemplate => {
                let (t, l) = RESET_TEMPLATE;
                want.templates.insert(
                    (t.to_owned(), l.to_owned()),
                    (RESET_BUILTIN_SUBJECT.to_owned(), false),
                );
            }
            Op::ResendNotification => want.read_notifications += 1,
            Op::UpdateNotificationPreferences => {
                let prefs = match who {
                    Who::Owner => Some(&mut want.owner_prefs),
                    Who::Admin => Some(&mut want.admin_prefs),
                    _ => None,
                };
                if let Some(p) = prefs {
                    p["language"] = json!("ZH");
                    p["serviceUpdates"] = json!(false);
                }
            }
            Op::CreateApiKey => {
                let id = data["apiKey"]["id"].as_str().unwrap_or_default().to_owned();
                want.keys.insert(id, false);
            }
            Op::RevokeApiKey => {
                let id = fx.key.as_ref().map(|k| k.1.clone()).unwrap_or_default();
                want.keys.insert(id, true);
            }
            Op::Register | Op::CreateStaffUser => want.users += 1,
            Op::SetProductActive => want.toggle_on_sale = false,
            Op::SetChannelPaymentMethods => want.store_methods = json!(["CARD", "ALIPAY"]),
            Op::SetChannelReturnWindow => {
                assert_eq!(want.store_window, 7, "{who:?}: the case starts from 7 days");
                want.store_window = 30;
            }
            Op::SetShippingRate => {
                let rate = want
                    .rates
                    .get_mut(RATE_METHOD)
                    .unwrap_or_else(|| panic!("no {RATE_METHOD} rate in the snapshot"));
                assert_eq!(*rate, RATE_BEFORE, "{who:?}: the case starts from the seed");
                *rate = RATE_AFTER;
            }
            // The region's rows, whatever their spelling, give way to the
            // new ranking under the caller's spelling.
            Op::SetRegionWarehouses => {
                assert_eq!(
                    want.regions.get(REGION_BEFORE).map(Vec::len),
                    Some(REGION_RANKING_BEFORE.len()),
                    "{who:?}: the case starts from its ranking"
                );
                want.regions
                    .retain(|region, _| !region.eq_ignore_ascii_case(REGION));
                want.regions
                    .insert(REGION.to_owned(), ranking(&REGION_RANKING));
            }
            Op::AdjustStock | Op::ReceiveStock | Op::SetReorderPoint => {
                let level = want
                    .stock
                    .get_mut(&(STOCK_SKU.to_owned(), STOCK_WAREHOUSE.to_owned()))
                    .unwrap_or_else(|| panic!("no {STOCK_SKU} in {STOCK_WAREHOUSE}"));
                if op == Op::SetReorderPoint {
                    level.2 = 7;
                } else {
                    level.0 += 1;
                }
            }
            Op::PlaceOrder | Op::PlaceOrderNamingCustomerAndChannel => {
                want.orders_total += 1;
                if matches!(who, Who::Owner | Who::Support | Who::Admin) {
                    want.owner_orders += 1;
                }
                let number = data["number"].as_str().unwrap_or_default();
                let held = self.held(number).await;
                assert_eq!(
                    held.values().sum::<i64>(),
                    1,
                    "{who:?}: order {number} should hold its one unit: {held:?}"
                );
                // An import is confirmed at once: one shipment per
                // warehouse it takes stock from.
                if data["status"] == "CONFIRMED" {
                    let warehouses: BTreeSet<&String> = held.keys().map(|(_, wh)| wh).collect();
                    want.shipments_total += warehouses.len() as i64;
                }
                for (k, q) in held {
                    if let Some(level) = want.stock.get_mut(&k) {
                        level.1 += q;
                    }
                }
            }
            Op::CancelOrder | Op::CancelOrderBeingProcessed | Op::AdvanceOrder(_) => {
                let action = op.action().unwrap_or_default();
                let number = fx.order.clone().unwrap_or_default();
                let entry = want
                    .orders
                    .get_mut(&number)
                    .unwrap_or_else(|| panic!("order {number} not in the snapshot"));
                entry.status = to_status(action).to_owned();
                if action == "CANCEL" {
                    entry.event("CANCELLED");
                    // Shipments still holding stock are cancelled with it.
                    for s in entry.shipments.values_mut() {
                        if matches!(
                            s.status.as_str(),
                            "PENDING" | "PICKING" | "PACKED" | "READY_FOR_PICKUP"
                        ) {
                            s.status = "CANCELLED".into();
                            s.events.push("CANCELLED".into());
                        }
                    }
                    // Nothing is owed on a cancelled order, and what was
                    // paid by transfer is paid back by finance at once
                    // (one "refund requested" entry on the timeline).
                    entry.amount_due = 0;
                    let mut refunded = false;
                    for p in &mut entry.payments {
                        if p.status == "CAPTURED" && p.method == "BANK_TRANSFER" {
                            p.status = "REFUNDED".into();
                            p.refunded = p.captured;
                            refunded = true;
                        }
                    }
                    if refunded {
                        entry.event("PAYMENT");
                        entry.payment_status = "REFUNDED".into();
                    }
                } else {
                    entry.event("STATUS_CHANGED");
                }
                for (k, q) in &fx.held {
                    let level = want
                        .stock
                        .get_mut(k)
                        .unwrap_or_else(|| panic!("{k:?} not in the snapshot"));
                    // Released: no longer promised. (No other action moves
                    // stock: shipping is the shipments'.)
                    if action == "CANCEL" {
                        level.1 -= q;
                    }
                }
            }
            Op::StartPayment => {
                want.payments_total += 1;
                let entry = self.order_snap(&mut want, fx);
                entry.payment_method = json!("ALIPAY");
                entry.payments.push(PaymentSnap {
                    method: "ALIPAY".into(),
                    status: "PENDING".into(),
                    captured: 0,
                    refunded: 0,
                });
            }
            Op::RecordManualPayment => {
                want.payments_total += 1;
                let number = fx.order.clone().unwrap_or_default();
                let shipments = self.confirmed_shipments(&number, fx).await;
                want.shipments_total += shipments.len() as i64;
                let entry = self.order_snap(&mut want, fx);
                entry.status = "CONFIRMED".into();
                entry.event("PAYMENT");
                entry.event("STATUS_CHANGED");
                for _ in 0..shipments.len() {
                    entry.event("SHIPMENT");
                }
                entry.shipments = shipments;
                entry.payment_status = "PAID".into();
                entry.amount_due = 0;
                entry.payments.push(PaymentSnap {
                    method: "BANK_TRANSFER".into(),
                    status: "CAPTURED".into(),
                    captured: fx.total,
                    refunded: 0,
                });
            }
            // Requested, then done by the provider: two timeline entries.
            Op::CapturePayment | Op::VoidPayment | Op::RefundPayment => {
                let entry = self.order_snap(&mut want, fx);
                entry.event("PAYMENT");
                entry.event("PAYMENT");
                let p = entry
                    .payments
                    .last_mut()
                    .unwrap_or_else(|| panic!("no payment in the snapshot"));
                match op {
                    Op::CapturePayment => {
                        p.status = "CAPTURED".into();
                        p.captured = fx.total;
                        entry.payment_status = "PAID".into();
                    }
                    Op::VoidPayment => {
                        p.status = "VOIDED".into();
                        entry.payment_status = "UNPAID".into();
                        // The hold is gone: the total is owed again.
                        entry.amount_due = fx.total;
                    }
                    _ => {
                        p.status = "REFUNDED".into();
                        p.refunded = fx.total;
                        entry.payment_status = "REFUNDED".into();
                    }
                }
            }
            Op::StartPicking
            | Op::PackShipment
            | Op::ShipShipment
            | Op::MarkReadyForPickup
            | Op::HandOverPickup
            | Op::UnlockPickup
            | Op::MoveShipment
            | Op::RecordTrackingEvent => {
                let id = fx.shipment.clone().unwrap_or_default();
                let entry = self.order_snap(&mut want, fx);
                let s = entry
                    .shipments
                    .get_mut(&id)
                    .unwrap_or_else(|| panic!("shipment {id} not in the snapshot"));
                let to = op.shipment_to().unwrap_or_default();
                // One tracking entry per step, in the status it leads to
                // (a move: still PENDING; an unlock: still on the shelf).
                s.status = to.to_owned();
                s.events.push(to.to_owned());
                match op {
                    Op::PackShipment => s.weight_grams = json!(750),
                    Op::ShipShipment => {
                        s.carrier = json!("SF");
                        s.tracking_number = json!(fx.tracking);
                    }
                    Op::UnlockPickup => s.pickup_locked = false,
                    Op::MoveShipment => {
                        s.warehouse = fx.move_to.clone().unwrap_or_default();
                    }
                    _ => {}
                }
                // Every step but the unlock is on the order's timeline.
                if op != Op::UnlockPickup {
                    entry.event("SHIPMENT");
                }
                if let Some(status) = op.order_follows_to() {
                    entry.follow(status);
                }
                for ((sku, warehouse), q) in &fx.held {
                    match op {
                        // Out of the warehouse (with the carrier or the customer).
                        Op::ShipShipment | Op::HandOverPickup => {
                            let l = level_mut(&mut want, sku, warehouse);
                            l.0 -= q;
                            l.1 -= q;
                        }
                        // Promised by the other warehouse instead.
                        Op::MoveShipment => {
                            level_mut(&mut want, sku, warehouse).1 -= q;
                            let to = fx.move_to.as_deref().unwrap_or_default();
                            level_mut(&mut want, sku, to).1 += q;
                        }
                        _ => {}
                    }
                }
            }
            // Reads and session operations change nothing observed here.
            _ => {}
        }
        want
    }

    /// The shipments a confirmed order must have: one PENDING shipment per
    /// warehouse its stock is held in (their ids are the server's).
    async fn confirmed_shipments(
        &self,
        number: &str,
        fx: &Fixture,
    ) -> BTreeMap<String, ShipmentSnap> {
        let data = self
            .admin(
                "query($n: String!) { order(number: $n) { shipments { id warehouse } } }",
                json!({ "n": number }),
            )
            .await;
        let shipments: BTreeMap<String, ShipmentSnap> = data["order"]["shipments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or_default().to_owned(),
                    ShipmentSnap {
                        status: "PENDING".into(),
                        warehouse: s["warehouse"].as_str().unwrap_or_default().to_owned(),
                        pickup_locked: false,
                        carrier: Value::Null,
                        tracking_number: Value::Null,
                        weight_grams: Value::Null,
                        events: vec!["PENDING".into()],
                    },
                )
            })
            .collect();
        let from: BTreeSet<&str> = shipments.values().map(|s| s.warehouse.as_str()).collect();
        let held: BTreeSet<&str> = fx.held.keys().map(|(_, wh)| wh.as_str()).collect();
        assert_eq!(from, held, "order {number}: one shipment per warehouse");
        assert_eq!(shipments.len(), held.len(), "order {number}: {data}");
        shipments
    }

    /// The snapshot entry of the case's order.
    fn order_snap<'a>(&self, want: &'a mut Snapshot, fx: &Fixture) -> &'a mut OrderSnap {
        let number = fx.order.clone().unwrap_or_default();
        want.orders
            .get_mut(&number)
            .unwrap_or_else(|| panic!("order {number} not in the snapshot"))
    }

    /// What an allowed call must answer, and effects outside the snapshot.
    async fn check_allowed(&self, op: Op, who: Who, fx: &Fixture, resp: &Value, ctx: &str) {
        if self.changes_allowed(op, fx, resp, ctx).await {
            return;
        }
        if self.returns_allowed(op, who, fx, resp, ctx).await {
            return;
        }
        if self.tickets_allowed(op, who, fx, resp, ctx).await {
            return;
        }
        let data = &resp["data"][op.field()];
        let number = fx.order.clone().unwrap_or_else(|| self.read_order.clone());
        match op {
            Op::EmailTemplates => {
                let list = data.as_array().cloned().unwrap_or_default();
                crate::mail_helpers::assert_every_template_in_both_languages(&list);
            }
            Op::EmailPreview => {
                let subject = data["subject"].as_str().unwrap_or_default();
                assert!(subject.contains("SO-2026-000123"), "{ctx}: {resp}");
            }
            Op::ResendNotification => {
                assert_eq!(
                    data["resendOf"].as_str(),
                    fx.notification.as_deref(),
                    "{ctx}"
                );
                assert_eq!(data["status"], "PENDING", "{ctx}: {resp}");
            }
            Op::UpdateNotificationPreferences => {
                assert_eq!(data["language"], "ZH", "{ctx}: {resp}");
                assert_eq!(data["serviceUpdates"], false, "{ctx}: {resp}");
            }
            Op::Reviews => {
                assert!(data["totalCount"].as_i64() >= Some(1), "{ctx}: {resp}");
                assert_eq!(
                    data["edges"][0]["node"]["status"], "PENDING",
                    "{ctx}: {resp}"
                );
            }
            Op::MyReviews => {
                // The owner's own reviews only; another customer has none.
                let n = data["totalCount"].as_i64().unwrap_or(-1);
                match who {
                    Who::Owner => assert!(n >= 1, "{ctx}: {resp}"),
                    _ => assert_eq!(n, 0, "{ctx}: {resp}"),
                }
            }
            Op::Review => {
                assert_eq!(data["id"].as_str(), fx.review.as_deref(), "{ctx}: {resp}");
                assert_eq!(data["status"], "PENDING", "{ctx}: {resp}");
                assert!(data["orderNumber"].is_string(), "{ctx}: {resp}");
            }
            Op::WriteReview => {
                assert_eq!(data["status"], "PENDING", "{ctx}: {resp}");
                assert_eq!(
                    data["orderNumber"].as_str(),
                    fx.order.as_deref(),
                    "{ctx}: {resp}"
                );
            }
            Op::EditReview | Op::ModerateReview | Op::ReplyToReview => {
                let id = fx.review.clone().unwrap_or_default();
                let now = self.review_as_admin(&id).await;
                let mut want = fx.review_before.clone();
                match op {
                    Op::EditReview => {
                        want["rating"] = json!(2);
                        want["title"] = json!("Edited");
                        want["body"] = json!("Edited by the matrix");
                    }
                    Op::ModerateReview => want["status"] = json!("PUBLISHED"),
                    _ => want["reply"] = json!({ "body": "matrix reply" }),
                }
                assert_eq!(now, want, "{ctx}: wrong effect on the review");
            }
            Op::CreateWebhookEndpoint | Op::WebhookEndpoints => {
                let channel = match who {
                    Who::ChannelKey => json!({ "code": OWN_CHANNEL }),
                    Who::OtherChannelKey => json!({ "code": OTHER_CHANNEL }),
                    _ => Value::Null,
                };
                if op == Op::CreateWebhookEndpoint {
                    assert_eq!(data["endpoint"]["channel"], channel, "{ctx}");
                    let secret = data["secret"].as_str().unwrap_or_default();
                    assert!(secret.starts_with("whsec_"), "{ctx}: {resp}");
                } else if who != Who::Admin {
                    let listed = data.as_array().cloned().unwrap_or_default();
                    assert!(
                        listed.iter().all(|e| e["channel"] == channel),
                        "{ctx}: a key sees only its channel's endpoints: {resp}"
                    );
                }
            }
            Op::CreateApiKey => {
                assert_eq!(data["apiKey"]["channel"]["code"], NEW_KEY_CHANNEL, "{ctx}");
                assert_eq!(data["apiKey"]["revoked"], false, "{ctx}");
                // The new key works, and only for its channel (which has no order).
                let key = data["key"].as_str().unwrap_or_default();
                let resp = self
                    .call(Some(key), "{ orders(first: 5) { totalCount } }", json!({}))
                    .await;
                assert_eq!(assert_ok(&resp)["orders"]["totalCount"], 0, "{ctx}: {resp}");
            }
            Op::RevokeApiKey => {
                assert_eq!(data["revoked"], true, "{ctx}");
                let resp = self.with_target_key(fx).await;
                assert_eq!(
                    error_code(&resp),
                    Some("UNAUTHENTICATED"),
                    "{ctx}: a revoked key must stop working at once: {resp}"
                );
            }
            Op::Register => {
                assert_eq!(data["user"]["email"], fx.email.as_str(), "{ctx}");
                assert_eq!(data["user"]["role"], "CUSTOMER", "{ctx}");
            }
            Op::Login => {
                let email = &self
                    .credentials
                    .get(&who)
                    .unwrap_or(&self.credentials[&Who::Owner])
                    .0;
                assert_eq!(data["user"]["email"], email.as_str(), "{ctx}");
            }
            Op::RefreshToken => {
                assert_eq!(data["user"]["email"], self.owner_email(), "{ctx}");
            }
            Op::Logout => {
                assert_eq!(*data, true, "{ctx}");
                let resp = self
                    .call(fx.session.as_deref(), "{ me { email } }", json!({}))
                    .await;
                assert_eq!(
                    error_code(&resp),
                    Some("UNAUTHENTICATED"),
                    "{ctx}: the session must end: {resp}"
                );
            }
            Op::CreateStaffUser => assert_eq!(data["role"], "SUPPORT", "{ctx}"),
            Op::PlaceOrder | Op::PlaceOrderNamingCustomerAndChannel => {
                let (channel, email, status) = match who {
                    Who::OtherChannelKey => (OTHER_CHANNEL, SHOPPER, "CONFIRMED"),
                    Who::ChannelKey => (OWN_CHANNEL, SHOPPER, "CONFIRMED"),
                    Who::OtherCustomer => (
                        OWN_CHANNEL,
                        self.credentials[&Who::OtherCustomer].0.as_str(),
                        "PENDING_PAYMENT",
                    ),
                    _ => (OWN_CHANNEL, self.owner_email(), "PENDING_PAYMENT"),
                };
                assert_eq!(data["channel"]["code"], channel, "{ctx}: {resp}");
                assert_eq!(data["customer"]["email"], email, "{ctx}: {resp}");
                assert_eq!(data["status"], status, "{ctx}: {resp}");
                // An imported order is out of reach of the other channel's key.
                if who.is_key() {
                    let other = if who == Who::ChannelKey {
                        Who::OtherChannelKey
                    } else {
                        Who::ChannelKey
                    };
                    let n = data["number"].as_str().unwrap_or_default();
                    let resp = self
                        .call(
                            self.token(other),
                            "query($n: String!) { order(number: $n) { number } }",
                            json!({ "n": n }),
                        )
                        .await;
                    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{ctx}: {resp}");
                }
            }
            Op::CancelOrder | Op::CancelOrderBeingProcessed | Op::AdvanceOrder(_) => {
                let action = op.action().unwrap_or_default();
                assert_eq!(data["number"], number.as_str(), "{ctx}");
                assert_eq!(data["status"], to_status(action), "{ctx}");
            }
            Op::StartPayment => {
                assert_eq!(data["payment"]["orderNumber"], number.as_str(), "{ctx}");
                assert_eq!(data["payment"]["method"], "ALIPAY", "{ctx}");
                assert_eq!(data["payment"]["status"], "PENDING", "{ctx}");
                let url = data["redirectUrl"].as_str().unwrap_or_default();
                assert!(url.contains("/sandbox/pay/"), "{ctx}: {url}");
            }
            Op::CapturePayment => {
                assert_eq!(data["status"], "CAPTURED", "{ctx}: {resp}");
                assert_eq!(minor(&data["captured"]["amount"]), fx.total, "{ctx}");
            }
            Op::VoidPayment => {
                assert_eq!(data["status"], "VOIDED", "{ctx}: {resp}");
                assert_eq!(minor(&data["capturable"]["amount"]), 0, "{ctx}");
            }
            Op::RefundPayment => {
                assert_eq!(data["status"], "REFUNDED", "{ctx}: {resp}");
                assert_eq!(minor(&data["refunded"]["amount"]), fx.total, "{ctx}");
            }
            Op::RecordManualPayment => {
                assert_eq!(data["status"], "CAPTURED", "{ctx}: {resp}");
                assert_eq!(data["orderNumber"], number.as_str(), "{ctx}");
                assert_eq!(minor(&data["captured"]["amount"]), fx.total, "{ctx}");
            }
            Op::Payments => {
                // Every payment, of every customer and channel.
                let all = self
                    .admin("{ payments(first: 1) { totalCount } }", json!({}))
                    .await;
                assert_eq!(data["totalCount"], all["payments"]["totalCount"], "{ctx}");
                assert!(
                    data["totalCount"].as_i64().unwrap_or(0) > 0,
                    "{ctx}: {resp}"
                );
            }
            Op::Me => {
                let want = match self.credentials.get(&who) {
                    Some((email, _)) => json!(email),
                    None => Value::Null,
                };
                assert_eq!(data["email"], want, "{ctx}: {resp}");
                if let Some(role) = who.role().filter(|_| !who.is_key()) {
                    assert_eq!(data["role"], role, "{ctx}");
                }
            }
            Op::Order => {
                assert_eq!(data["number"], number.as_str(), "{ctx}");
                assert_eq!(data["customer"]["email"], self.owner_email(), "{ctx}");
                // Which warehouse holds what is for staff and integrations.
                let allocations = data["allocations"].as_array().map(Vec::len).unwrap_or(0);
                assert_eq!(
                    allocations == 0,
                    who.is_customer(),
                    "{ctx}: allocations {}",
                    data["allocations"]
                );
            }
            Op::MyOrders => {
                // The first page, then every page (more than 100 orders).
                assert!(!edge_numbers(data).is_empty() || who != Who::Owner, "{ctx}");
                let numbers = self.all_my_orders(who).await;
                assert_eq!(
                    numbers.contains(&number),
                    who == Who::Owner,
                    "{ctx}: {numbers:?}"
                );
                if who != Who::Owner {
                    // Nobody else's orders: theirs are on the owner's list only.
                    let owner_numbers = self.all_my_orders(Who::Owner).await;
                    assert!(
                        numbers.iter().all(|n| !owner_numbers.contains(n)),
                        "{ctx}: sees the owner's orders {numbers:?}"
                    );
                }
            }
            Op::Orders => {
                let with_sku = edge_numbers(&resp["data"]["withSku"]);
                let sees = who != Who::OtherChannelKey;
                assert_eq!(with_sku.contains(&number), sees, "{ctx}: {with_sku:?}");
                let channels: BTreeSet<&str> = data["edges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["node"]["channel"]["code"].as_str())
                    .collect();
                match who {
                    Who::ChannelKey => assert_eq!(
                        channels,
                        BTreeSet::from([OWN_CHANNEL]),
                        "{ctx}: a key sees its channel only"
                    ),
                    Who::OtherChannelKey => assert_eq!(
                        channels,
                        BTreeSet::from([OTHER_CHANNEL]),
                        "{ctx}: a key sees its channel only"
                    ),
                    _ => {
                        let all = self
                            .admin("{ orders(first: 1) { totalCount } }", json!({}))
                            .await;
                        assert_eq!(
                            data["totalCount"], all["orders"]["totalCount"],
                            "{ctx}: staff see every order"
                        );
                    }
                }
            }
            Op::PickupPoints => {
                let codes: Vec<&str> = data
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["code"].as_str())
                    .collect();
                assert!(codes.contains(&PICKUP_POINT), "{ctx}: {resp}");
            }
            Op::ShippingQuote => {
                // The same fee for everyone: it is the catalog's.
                let (query, vars) = self.document(op, Who::Admin, fx);
                let admin = self.admin(query, vars).await;
                assert_eq!(*data, admin["shippingQuote"], "{ctx}");
                assert!(data["amount"].is_string(), "{ctx}: {resp}");
            }
            Op::ShippingRates => {
                let methods: BTreeSet<&str> = data
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["method"].as_str())
                    .collect();
                assert_eq!(
                    methods,
                    BTreeSet::from(["EXPRESS", "POSTAL", "PICKUP"]),
                    "{ctx}: {resp}"
                );
            }
            Op::SetShippingRate => {
                assert_eq!(data["method"], RATE_METHOD, "{ctx}: {resp}");
                assert_eq!(rate_minor(data), RATE_AFTER, "{ctx}: {resp}");
                // Quotes use it at once, for everyone.
                let items = 2;
                let resp = self
                    .call(
                        None,
                        "query($s: String!, $q: Int!, $m: DeliveryMethod!) { shippingQuote(input: {lines: [{sku: $s, quantity: $q}], method: $m}) { amount } }",
                        json!({ "s": ORDER_SKU, "q": items, "m": RATE_METHOD }),
                    )
                    .await;
                let (flat, _, per_item, _) = RATE_AFTER;
                assert_eq!(
                    minor(&assert_ok(&resp)["shippingQuote"]["amount"]),
                    flat + per_item * items,
                    "{ctx}: the quote ignores the new rate: {resp}"
                );
            }
            Op::SetRegionWarehouses => {
                // The region's new ranking, and no other region's.
                assert_eq!(
                    region_table(data),
                    BTreeMap::from([(REGION.to_owned(), ranking(&REGION_RANKING))]),
                    "{ctx}: {resp}"
                );
            }
            Op::RegionWarehouses => {
                // The whole table, as the admin sees it, seed included.
                let all = self
                    .admin("{ regionWarehouses { region warehouse rank } }", json!({}))
                    .await;
                assert_eq!(*data, all["regionWarehouses"], "{ctx}");
                let (region, warehouse, rank) = SEEDED_REGION_RANK;
                assert!(
                    region_table(data)
                        .get(region)
                        .is_some_and(|r| r.contains(&(warehouse.to_owned(), rank))),
                    "{ctx}: no {warehouse} at rank {rank} for {region}: {resp}"
                );
            }
            Op::Shipment => {
                assert_eq!(data["id"].as_str(), fx.shipment.as_deref(), "{ctx}");
                assert_eq!(data["orderNumber"], number.as_str(), "{ctx}");
                assert_eq!(data["status"], "PENDING", "{ctx}");
                assert_eq!(data["method"], "PICKUP", "{ctx}");
                // The code the customer shows at the desk is the customer's:
                // staff verify it, they never read it.
                assert_eq!(
                    data["pickupCode"].as_str(),
                    if who == Who::Owner {
                        fx.pickup_code.as_deref()
                    } else {
                        None
                    },
                    "{ctx}: pickupCode"
                );
                let transitions: Vec<&str> = data["availableTransitions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(
                    transitions.contains(&"START_PICKING"),
                    STOCK_KEEPERS.contains(&who),
                    "{ctx}: availableTransitions {transitions:?}"
                );
            }
            Op::Shipments => {
                // The whole queue, of every customer and channel.
                let all = self
                    .admin("{ shipments(first: 1) { totalCount } }", json!({}))
                    .await;
                assert_eq!(data["totalCount"], all["shipments"]["totalCount"], "{ctx}");
                assert!(
                    data["totalCount"].as_i64().unwrap_or(0) > 0,
                    "{ctx}: {resp}"
                );
            }
            Op::StartPicking
            | Op::PackShipment
            | Op::ShipShipment
            | Op::MarkReadyForPickup
            | Op::HandOverPickup
            | Op::UnlockPickup
            | Op::MoveShipment
            | Op::RecordTrackingEvent => {
                assert_eq!(data["id"].as_str(), fx.shipment.as_deref(), "{ctx}");
                assert_eq!(data["status"].as_str(), op.shipment_to(), "{ctx}: {resp}");
                match op {
                    Op::MoveShipment => {
                        assert_eq!(data["warehouse"].as_str(), fx.move_to.as_deref(), "{ctx}");
                    }
                    Op::UnlockPickup => assert_eq!(data["pickupLocked"], false, "{ctx}"),
                    Op::ShipShipment => {
                        assert_eq!(data["trackingNumber"], fx.tracking.as_str(), "{ctx}");
                    }
                    _ => {}
                }
            }
            _ => assert!(!data.is_null(), "{ctx}: no data: {resp}"),
        }
    }

    /// Every order on the caller's `myOrders`, page by page.
    async fn all_my_orders(&self, who: Who) -> Vec<String> {
        let mut numbers = Vec::new();
        let mut after = Value::Null;
        loop {
            let resp = self
                .call(
                    self.token(who),
                    "query($a: String) { myOrders(first: 100, after: $a) { edges { node { number } } pageInfo { hasNextPage endCursor } } }",
                    json!({ "a": after }),
                )
                .await;
            let page = &assert_ok(&resp)["myOrders"];
            numbers.extend(edge_numbers(page));
            if page["pageInfo"]["hasNextPage"] != true {
                return numbers;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
    }

    /// `orders` through the key the case may revoke.
    async fn with_target_key(&self, fx: &Fixture) -> Value {
        let key = fx.key.as_ref().map(|k| k.0.as_str());
        self.call(key, "{ orders(first: 1) { totalCount } }", json!({}))
            .await
    }

    /// What a refused call must answer, and effects outside the snapshot.
    async fn check_refused(&self, op: Op, who: Who, fx: &Fixture, resp: &Value, ctx: &str) {
        if self.changes_refused(op, who, fx, resp, ctx).await {
            return;
        }
        if self.returns_refused(op, who, fx, resp, ctx).await {
            return;
        }
        if self.tickets_refused(op, who, fx, resp, ctx).await {
            return;
        }
        // A refused review call changes nothing, and someone else's review
        // answers exactly like a missing one.
        if let Some(id) = fx.review.as_deref() {
            assert_eq!(
                self.review_as_admin(id).await,
                fx.review_before,
                "{ctx}: the review changed"
            );
            if op.expect(who) == Expect::NotFound {
                let (query, mut vars) = self.document(op, who, fx);
                vars["id"] = json!(MISSING_SHIPMENT);
                let missing = self.call(self.bearer_for(op, who, fx), query, vars).await;
                assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{ctx}: {missing}");
                assert_eq!(
                    resp["errors"][0]["message"], missing["errors"][0]["message"],
                    "{ctx}"
                );
            }
            return;
        }
        if op == Op::WriteReview {
            let lines = self
                .admin(
                    "query($n: String!) { order(number: $n) { lineReviews { review { id } } } }",
                    json!({ "n": fx.order }),
                )
                .await;
            assert!(
                lines["order"]["lineReviews"][0]["review"].is_null(),
                "{ctx}: a review was written"
            );
        }
        match op.expect(who) {
            Expect::NotFound => {
                // Someone else's order (or shipment) answers exactly like a
                // missing one.
                let (var, target, absent) = match (&fx.webhook, &fx.shipment) {
                    (Some(endpoint), _) => (
                        "w",
                        fx.delivery.clone().unwrap_or_else(|| endpoint.clone()),
                        MISSING_SHIPMENT,
                    ),
                    (None, Some(id)) => ("id", id.clone(), MISSING_SHIPMENT),
                    (None, None) => (
                        "n",
                        fx.order.clone().unwrap_or_else(|| self.read_order.clone()),
                        MISSING_ORDER,
                    ),
                };
                let (query, mut vars) = self.document(op, who, fx);
                vars[var] = json!(absent);
                let missing = self.call(self.bearer_for(op, who, fx), query, vars).await;
                assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{ctx}: {missing}");
                assert_eq!(
                    resp["errors"][0]["message"]
                        .as_str()
                        .map(|m| m.replace(&target, absent)),
                    missing["errors"][0]["message"].as_str().map(str::to_owned),
                    "{ctx}: someone else's {} must look missing",
                    if var == "id" { "shipment" } else { "order" }
                );
            }
            Expect::Invalid => {
                assert_eq!(error_field(resp), Some(op.invalid_field()), "{ctx}: {resp}");
            }
            _ => {}
        }
        if op == Op::RevokeApiKey {
            let resp = self.with_target_key(fx).await;
            assert_ok(&resp);
        }
        if let Some(session) = fx.session.as_deref() {
            let me = self.app.me(session).await;
            assert!(!me.is_null(), "{ctx}: the session ended");
        }
    }
}

/// The snapshot's stock level of a SKU in a warehouse: (on hand, allocated,
/// reorder point).
fn level_mut<'a>(snap: &'a mut Snapshot, sku: &str, warehouse: &str) -> &'a mut (i64, i64, i64) {
    snap.stock
        .get_mut(&(sku.to_owned(), warehouse.to_owned()))
        .unwrap_or_else(|| panic!("{sku} at {warehouse} not in the snapshot"))
}

/// A `ShippingRate` in minor units.
fn rate_minor(r: &Value) -> RateMinor {
    let free = &r["freeAbove"];
    (
        minor(&r["flat"]["amount"]),
        minor(&r["perKg"]["amount"]),
        minor(&r["perItem"]["amount"]),
        (!free.is_null()).then(|| minor(&free["amount"])),
    )
}

/// The `ShippingRateInput` of a rate.
fn rate_input(method: &str, (flat, per_kg, per_item, free_above): RateMinor) -> Value {
    json!({
        "method": method,
        "flatMinor": flat,
        "perKgMinor": per_kg,
        "perItemMinor": per_item,
        "freeAboveMinor": free_above,
    })
}

/// `RegionWarehouse` rows as region → (warehouse, rank), in the order given.
fn region_table(rows: &Value) -> BTreeMap<String, Vec<(String, i64)>> {
    let mut table: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
    for r in rows.as_array().into_iter().flatten() {
        table
            .entry(r["region"].as_str().unwrap_or_default().to_owned())
            .or_default()
            .push((
                r["warehouse"].as_str().unwrap_or_default().to_owned(),
                r["rank"].as_i64().unwrap_or(-1),
            ));
    }
    table
}

/// Warehouse codes, nearest first, as ranked rows.
fn ranking(codes: &[&str]) -> Vec<(String, i64)> {
    codes
        .iter()
        .zip(1..)
        .map(|(code, rank)| ((*code).to_owned(), rank))
        .collect()
}

fn edge_numbers(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["number"].as_str().map(str::to_owned))
        .collect()
}

#[track_caller]
fn check_answer(resp: &Value, field: &str, expect: Expect, ctx: &str) {
    match expect.code() {
        None => {
            assert!(
                resp.get("errors")
                    .is_none_or(|e| e.as_array().is_some_and(Vec::is_empty)),
                "{ctx} should be allowed: {resp}"
            );
        }
        Some(code) => {
            assert_eq!(error_code(resp), Some(code), "{ctx}: {resp}");
            assert!(
                resp["data"].is_null() || resp["data"][field].is_null(),
                "{ctx}: a refused call returned data: {resp}"
            );
        }
    }
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect()
}

/// The matrix covers the schema as it is: every Query and Mutation field,
/// every Subscription field (in the WebSocket test), every order action and
/// every role.
async fn check_schema_coverage(app: &TestApp) {
    let resp = app
        .gql(
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } }
               actions: __type(name: \"OrderAction\") { enumValues { name } }
               roles: __type(name: \"Role\") { enumValues { name } } }",
            json!({}),
        )
        .await;
    let data = assert_ok(&resp);
    let schema = &data["__schema"];
    let mut root = names(&schema["queryType"]["fields"]);
    root.extend(names(&schema["mutationType"]["fields"]));
    let covered: BTreeSet<String> = all_ops().iter().map(|o| o.field().to_owned()).collect();
    let missing: Vec<_> = root.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&root).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "every Query and Mutation field needs a case in the authorization matrix; \
         without a case: {missing:?}; cases for fields the schema no longer has: {stale:?}"
    );
    let subscriptions = names(&schema["subscriptionType"]["fields"]);
    let covered: BTreeSet<String> = SUBSCRIPTION_FIELDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        subscriptions, covered,
        "every Subscription field needs a case"
    );
    let actions = names(&data["actions"]["enumValues"]);
    let covered: BTreeSet<String> = ADVANCE_ACTIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        actions, covered,
        "every OrderAction needs an advanceOrder case"
    );
    let roles = names(&data["roles"]["enumValues"]);
    let covered: BTreeSet<String> = EVERYONE
        .iter()
        .filter_map(|w| w.role())
        .map(str::to_owned)
        .collect();
    assert_eq!(roles, covered, "every Role needs a caller in the matrix");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_caller_gets_the_right_answer_and_effect_on_every_root_field() {
    let w = World::new().await;
    check_schema_coverage(&w.app).await;
    let mut checked = 0;
    for op in all_ops() {
        for who in EVERYONE {
            let expect = op.expect(who);
            let ctx = format!("{who:?} on {op:?} (expected {expect:?})");
            let fx = w.prepare(op, who).await;
            // What the order says the caller may do agrees with what happens.
            if let (Some(action), Some(number)) = (op.action(), fx.order.as_deref())
                && !matches!(expect, Expect::NotFound | Expect::Unauthenticated)
            {
                assert_eq!(
                    w.transition_allowed(who, number, action).await,
                    expect == Expect::Allow,
                    "{ctx}: availableTransitions disagrees"
                );
            }
            // So does what the shipment says, to whoever may see it.
            if let (Some(action), Some(id)) = (op.shipment_action(), fx.shipment.as_deref())
                && Op::Shipment.expect(who) == Expect::Allow
            {
                assert_eq!(
                    w.shipment_transitions(who, id).await.contains(action),
                    expect == Expect::Allow,
                    "{ctx}: the shipment's availableTransitions disagrees"
                );
            }
            let before = w.snapshot(&fx).await;
            let (query, vars) = w.document(op, who, &fx);
            let resp = w.call(w.bearer_for(op, who, &fx), query, vars).await;
            check_answer(&resp, op.field(), expect, &ctx);
            let after = w.snapshot(&fx).await;
            if expect == Expect::Allow {
                let want = w.expected_after(op, who, &fx, &before, &resp).await;
                assert_eq!(after, want, "{ctx}: wrong effect; response: {resp}");
                w.check_allowed(op, who, &fx, &resp, &ctx).await;
            } else {
                assert_eq!(
                    after, before,
                    "{ctx}: refused but changed something: {resp}"
                );
                w.check_refused(op, who, &fx, &resp, &ctx).await;
            }
            checked += 1;
        }
    }
    assert_eq!(checked, all_ops().len() * EVERYONE.len());
    assert_ledger_balanced(&w.app).await;
}

const ORDER_UPDATED: &str =
    "subscription($n: String!) { orderUpdated(number: $n) { sequence order { number status } } }";
const STOCK_CHANGED: &str =
    "subscription($s: String!) { productStockChanged(sku: $s) { sku onHand } }";

/// The error code of a refused subscription (`error`, or `next` with errors).
fn subscription_error(msg: &Value) -> Option<String> {
    let code = match msg["type"].as_str() {
        Some("error") => &msg["payload"][0]["extensions"]["code"],
        Some("next") => {
            assert!(
                msg["payload"]["data"].is_null()
                    || msg["payload"]["data"]["orderUpdated"].is_null(),
                "a refused subscription sent data: {msg}"
            );
            &msg["payload"]["errors"][0]["extensions"]["code"]
        }
        _ => panic!("unexpected message {msg}"),
    };
    code.as_str().map(str::to_owned)
}

/// `orderUpdated` follows the rule of `order`: its customer, staff and a key
/// of its channel receive every change; anyone else is refused at once and
/// receives nothing. `productStockChanged` is public.
#[tokio::test(flavor = "multi_thread")]
async fn live_updates_reach_exactly_the_callers_who_may_see_them() {
    let w = World::new().await;
    let number = w.order_in("PENDING_PAYMENT").await;
    let mut allowed: Vec<(Who, GqlWs)> = Vec::new();
    let mut refused: Vec<(Who, GqlWs)> = Vec::new();
    let mut stock: Vec<(Who, GqlWs)> = Vec::new();
    for who in EVERYONE {
        let mut ws = w.app.ws_connect(w.token(who)).await;
        ws.subscribe("order", ORDER_UPDATED, json!({ "n": number }))
            .await;
        let expect = Op::Order.expect(who);
        if expect == Expect::Allow {
            allowed.push((who, ws));
        } else {
            let msg = ws.next_message().await;
            assert_eq!(
                subscription_error(&msg).as_deref(),
                expect.code(),
                "{who:?} subscribing to orderUpdated: {msg}"
            );
            refused.push((who, ws));
        }
        let mut ws = w.app.ws_connect(w.token(who)).await;
        ws.subscribe("stock", STOCK_CHANGED, json!({ "s": ORDER_SKU }))
            .await;
        stock.push((who, ws));
    }

    // There is no acknowledgement of a subscription: move the order on until
    // each allowed subscriber has seen a change it could have seen.
    let mut reached = Vec::new();
    for (action, status) in ADMIN_PATH {
        assert_eq!(w.step(&number, action).await, status);
        reached.push(status);
        let mut still = Vec::new();
        for (who, mut ws) in allowed {
            match ws.next_message_within(Duration::from_secs(2)).await {
                Some(msg) => {
                    assert_eq!(msg["type"], "next", "{who:?}: {msg}");
                    let o = &msg["payload"]["data"]["orderUpdated"]["order"];
                    assert_eq!(o["number"], number.as_str(), "{who:?}: {msg}");
                    let s = o["status"].as_str().unwrap_or_default();
                    assert!(reached.contains(&s), "{who:?}: {msg}");
                }
                None => still.push((who, ws)),
            }
        }
        allowed = still;
        if allowed.is_empty() {
            break;
        }
    }
    let late: Vec<Who> = allowed.iter().map(|(w, _)| *w).collect();
    assert!(late.is_empty(), "no order update reached {late:?}");
    for (who, mut ws) in refused {
        if let Some(msg) = ws.next_message_within(Duration::from_millis(300)).await {
            assert_ne!(msg["type"], "next", "{who:?} was refused but got {msg}");
        }
    }

    // Stock changes of a product are public: every caller gets them.
    for _ in 0..10 {
        w.admin(
            "mutation($s: String!) { adjustStock(input: {sku: $s, warehouseCode: \"SHA\", delta: 1, reason: \"matrix\"}) { onHand } }",
            json!({ "s": ORDER_SKU }),
        )
        .await;
        let mut still = Vec::new();
        for (who, mut ws) in stock {
            match ws.next_message_within(Duration::from_secs(1)).await {
                Some(msg) => assert_eq!(
                    msg["payload"]["data"]["productStockChanged"]["sku"], ORDER_SKU,
                    "{who:?}: {msg}"
                ),
                None => still.push((who, ws)),
            }
        }
        stock = still;
        if stock.is_empty() {
            break;
        }
    }
    let late: Vec<Who> = stock.iter().map(|(w, _)| *w).collect();
    assert!(late.is_empty(), "no stock change reached {late:?}");
}

/// `orderEvents` is the staff feed: staff and integration keys may follow
/// it (a key only its channel's events), customers are FORBIDDEN and
/// anonymous callers UNAUTHENTICATED.
#[tokio::test(flavor = "multi_thread")]
async fn the_event_feed_is_for_staff_and_keys_of_the_orders_channel() {
    let w = World::new().await;
    let number = w.order_in("PENDING_PAYMENT").await;
    let feed = "subscription($n: String!) { orderEvents(filter: {orderNumber: $n}, afterEventId: 0) { id orderNumber } }";
    let mut silent = Vec::new();
    for who in EVERYONE {
        let mut ws = w.app.ws_connect(w.token(who)).await;
        ws.subscribe("feed", feed, json!({ "n": number })).await;
        let expected = match who {
            Who::Anonymous => Some("UNAUTHENTICATED"),
            Who::Owner | Who::OtherCustomer => Some("FORBIDDEN"),
            _ => None,
        };
        match (expected, who) {
            (Some(code), _) => {
                let msg = ws.next_message().await;
                let got = match msg["type"].as_str() {
                    Some("error") => msg["payload"][0]["extensions"]["code"].clone(),
                    _ => {
                        assert!(msg["payload"]["data"].is_null(), "{who:?}: {msg}");
                        msg["payload"]["errors"][0]["extensions"]["code"].clone()
                    }
                };
                assert_eq!(got, code, "{who:?} on orderEvents: {msg}");
            }
            (None, Who::OtherChannelKey) => silent.push(ws),
            (None, _) => {
                let msg = ws.next_message().await;
                assert_eq!(msg["type"], "next", "{who:?}: {msg}");
                assert_eq!(
                    msg["payload"]["data"]["orderEvents"]["orderNumber"],
                    number.as_str(),
                    "{who:?}: {msg}"
                );
            }
        }
    }
    // Another channel's key is let in but sees none of this order's events.
    for mut ws in silent {
        if let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            assert_ne!(msg["type"], "next", "another channel's key saw {msg}");
        }
    }
}

/// Idempotency keys are scoped to the caller and external ids to the
/// channel: replaying someone else's never returns their order, and
/// allocates stock for a new order of the caller's own.
#[tokio::test(flavor = "multi_thread")]
async fn someone_elses_idempotency_key_or_external_id_never_returns_their_order() {
    let w = World::new().await;
    let place = |who: Who, input: Value| {
        let w = &w;
        async move {
            let resp = w
                .call(
                    w.token(who),
                    "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number channel { code } customer { email } } }",
                    json!({ "i": input }),
                )
                .await;
            assert_ok(&resp)["placeOrder"].clone()
        }
    };
    let fx = Fixture::default();
    let before = w.snapshot(&fx).await;

    // The owner's request, replayed word for word by another customer and
    // by support (for the owner), and by a key with the same idempotency key.
    let key = new_key();
    let input = order_input(&key, &[(PLACE_SKU, 1)]);
    let owners = place(Who::Owner, input.clone()).await;
    let number = owners["number"].as_str().unwrap_or_default().to_owned();
    let others = place(Who::OtherCustomer, input.clone()).await;
    assert_ne!(
        others["number"],
        number.as_str(),
        "another customer got the owner's order"
    );
    assert_eq!(
        others["customer"]["email"],
        w.credentials[&Who::OtherCustomer].0.as_str()
    );
    let mut for_owner = input.clone();
    for_owner["customerEmail"] = json!(w.owner_email());
    let supports = place(Who::Support, for_owner).await;
    assert_ne!(
        supports["number"],
        number.as_str(),
        "support got the owner's order back"
    );
    let mut import = input.clone();
    import["customerEmail"] = json!(SHOPPER);
    import["externalId"] = json!("EXT-SHARED-1");
    let own_import = place(Who::ChannelKey, import.clone()).await;
    assert_ne!(
        own_import["number"],
        number.as_str(),
        "a key got the owner's order"
    );

    // The same external id on another channel is another order; on the same
    // channel (even through another key) it is the same order.
    let other_import = place(Who::OtherChannelKey, import.clone()).await;
    assert_ne!(
        other_import["number"], own_import["number"],
        "a key reached another channel's order through its external id"
    );
    assert_eq!(other_import["channel"]["code"], OTHER_CHANNEL);
    let (second_key, _) = w.create_key(OWN_CHANNEL).await;
    let mut again = import.clone();
    again["idempotencyKey"] = json!(new_key());
    let resp = w
        .call(
            Some(&second_key),
            "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number } }",
            json!({ "i": again }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["placeOrder"]["number"],
        own_import["number"]
    );

    // Five orders, five units allocated; the owner has their own and the one
    // support entered, nothing more.
    let after = w.snapshot(&fx).await;
    assert_eq!(after.orders_total, before.orders_total + 5);
    assert_eq!(after.owner_orders, before.owner_orders + 2);
    let allocated = |s: &Snapshot| -> i64 {
        s.stock
            .iter()
            .filter(|((sku, _), _)| sku == PLACE_SKU)
            .map(|(_, l)| l.1)
            .sum()
    };
    assert_eq!(allocated(&after), allocated(&before) + 5);
    assert_ledger_balanced(&w.app).await;
}

/// A revoked API key and an ended session must stop receiving live order
/// updates at once, as they stop working over HTTP.
#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_key_or_an_ended_session_stops_receiving_live_order_updates() {
    let w = World::new().await;
    let number = w.order_in("PENDING_PAYMENT").await;
    let (key, key_id) = w.create_key(OWN_CHANNEL).await;
    let (email, password) = w.credentials[&Who::Owner].clone();
    let session = w.app.login_ok(&email, &password).await.access_token;
    let mut key_ws = w.app.ws_connect(Some(&key)).await;
    key_ws
        .subscribe("k", ORDER_UPDATED, json!({ "n": number }))
        .await;
    let mut session_ws = w.app.ws_connect(Some(&session)).await;
    session_ws
        .subscribe("s", ORDER_UPDATED, json!({ "n": number }))
        .await;
    // Subscriptions are not acknowledged: give them a moment to start.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Both are live: each sees the first change.
    assert_eq!(w.step(&number, "PAY").await, "CONFIRMED");
    for ws in [&mut key_ws, &mut session_ws] {
        let msg = ws.next_message().await;
        assert_eq!(
            msg["payload"]["data"]["orderUpdated"]["order"]["status"], "CONFIRMED",
            "{msg}"
        );
    }
    w.admin(
        "mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }",
        json!({ "id": key_id }),
    )
    .await;
    let out = w
        .call(Some(&session), "mutation { logout }", json!({}))
        .await;
    assert_eq!(assert_ok(&out)["logout"], true);
    // Updates of the payment may still be queued; nothing after it may come.
    let paid = w
        .admin(
            "query($n: String!) { order(number: $n) { sequence } }",
            json!({ "n": number }),
        )
        .await["order"]["sequence"]
        .as_i64()
        .unwrap_or_default();
    // The order follows its shipment: the admin starts picking it.
    assert_eq!(w.step(&number, "PICK").await, "PROCESSING");
    for (what, ws) in [
        ("revoked key", &mut key_ws),
        ("ended session", &mut session_ws),
    ] {
        while let Some(msg) = ws.next_message_within(Duration::from_secs(2)).await {
            let update = &msg["payload"]["data"]["orderUpdated"];
            assert!(
                update.is_null() || update["sequence"].as_i64().unwrap_or_default() <= paid,
                "the {what} still receives order updates: {msg}"
            );
            if msg["type"] != "next" {
                break;
            }
        }
    }
}
