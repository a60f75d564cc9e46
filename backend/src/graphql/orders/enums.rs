//! Order enums of the API, each mapped one-to-one onto its domain enum.

use async_graphql::Enum;

use crate::domain::orders::{self as rules, OrderAction as DAction, OrderStatus as DStatus};
use crate::services::orders as svc;

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
    /// Picking started (follows the shipments; not taken by hand).
    StartProcessing,
    /// Some shipments left (follows the shipments; not taken by hand).
    ShipPartially,
    /// Every shipment left (follows the shipments; not taken by hand).
    ShipAll,
    /// Every shipment delivered or collected (follows the shipments).
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
    /// Money moved: authorized, captured, voided or refunded (the note
    /// says which, how much and how).
    Payment,
    /// Routing chose the warehouses; `routing` says which and why.
    Routed,
    /// A shipment moved; `shipment` says which and to what status.
    Shipment,
    /// A return or exchange moved (the note says which return and to what).
    Return,
    /// Lines, quantities, address or delivery method changed after
    /// placement; `change` says what before and after.
    Changed,
}

map_enum!(
    OrderEventType,
    rules::EventKind,
    [
        Placed,
        Imported,
        StatusChanged,
        Cancelled,
        Payment,
        Routed,
        Shipment,
        Return,
        Changed
    ]
);

/// Why the system changed an order.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SystemReason {
    /// Its payments now cover the total.
    PaymentReceived,
    /// Its payment did not arrive in time (`OMS_PAYMENT_EXPIRY_SECS`).
    PaymentExpired,
    /// Cash on delivery: confirmed, paid when the courier remits.
    CashOnDelivery,
}

map_enum!(
    SystemReason,
    rules::SystemReason,
    [PaymentReceived, PaymentExpired, CashOnDelivery]
);

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
