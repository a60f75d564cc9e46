//! Fulfillment rules: delivery methods, the shipment state machine, how an
//! order's status follows its shipments, routing and shipping rates. Pure:
//! no I/O.

mod model;
pub mod rates;
pub mod routing;

pub use model::{EventSource, PickupPoint, Shipment, ShipmentLine, TrackingEvent};

use super::auth::{Principal, Role};
use super::orders::OrderStatus;

/// How an order reaches the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryMethod {
    /// Next-day carrier service.
    Express,
    /// The postal service: cheaper, slower.
    Postal,
    /// The customer collects at a pickup point.
    Pickup,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 3] = [
        DeliveryMethod::Express,
        DeliveryMethod::Postal,
        DeliveryMethod::Pickup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMethod::Express => "EXPRESS",
            DeliveryMethod::Postal => "POSTAL",
            DeliveryMethod::Pickup => "PICKUP",
        }
    }

    /// Case-insensitive: `express` and `EXPRESS` are the same method.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }

    /// A carrier takes the parcel (not collected in store).
    pub fn by_carrier(self) -> bool {
        self != DeliveryMethod::Pickup
    }
}

/// Where a shipment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShipmentStatus {
    Pending,
    Picking,
    Packed,
    Shipped,
    InTransit,
    OutForDelivery,
    Delivered,
    ReadyForPickup,
    PickedUp,
    Exception,
    ReturnedToSender,
    Cancelled,
}

impl ShipmentStatus {
    pub const ALL: [ShipmentStatus; 12] = [
        ShipmentStatus::Pending,
        ShipmentStatus::Picking,
        ShipmentStatus::Packed,
        ShipmentStatus::Shipped,
        ShipmentStatus::InTransit,
        ShipmentStatus::OutForDelivery,
        ShipmentStatus::Delivered,
        ShipmentStatus::ReadyForPickup,
        ShipmentStatus::PickedUp,
        ShipmentStatus::Exception,
        ShipmentStatus::ReturnedToSender,
        ShipmentStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentStatus::Pending => "PENDING",
            ShipmentStatus::Picking => "PICKING",
            ShipmentStatus::Packed => "PACKED",
            ShipmentStatus::Shipped => "SHIPPED",
            ShipmentStatus::InTransit => "IN_TRANSIT",
            ShipmentStatus::OutForDelivery => "OUT_FOR_DELIVERY",
            ShipmentStatus::Delivered => "DELIVERED",
            ShipmentStatus::ReadyForPickup => "READY_FOR_PICKUP",
            ShipmentStatus::PickedUp => "PICKED_UP",
            ShipmentStatus::Exception => "EXCEPTION",
            ShipmentStatus::ReturnedToSender => "RETURNED_TO_SENDER",
            ShipmentStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The units are still in the warehouse, allocated to the order.
    pub fn holds_allocation(self) -> bool {
        matches!(
            self,
            ShipmentStatus::Pending
                | ShipmentStatus::Picking
                | ShipmentStatus::Packed
                | ShipmentStatus::ReadyForPickup
        )
    }

    /// The units have left the warehouse (with a carrier or the customer).
    pub fn has_left(self) -> bool {
        matches!(
            self,
            ShipmentStatus::Shipped
                | ShipmentStatus::InTransit
                | ShipmentStatus::OutForDelivery
                | ShipmentStatus::Delivered
                | ShipmentStatus::PickedUp
                | ShipmentStatus::Exception
                | ShipmentStatus::ReturnedToSender
        )
    }

    /// The customer has the parcel.
    pub fn is_done(self) -> bool {
        matches!(self, ShipmentStatus::Delivered | ShipmentStatus::PickedUp)
    }

    /// Statuses a carrier (or staff on its behalf) may report.
    pub fn is_trackable(self) -> bool {
        matches!(
            self,
            ShipmentStatus::InTransit
                | ShipmentStatus::OutForDelivery
                | ShipmentStatus::Delivered
                | ShipmentStatus::Exception
                | ShipmentStatus::ReturnedToSender
        )
    }

    /// The shipment is with a carrier and can receive tracking events.
    pub fn with_carrier(self) -> bool {
        matches!(
            self,
            ShipmentStatus::Shipped
                | ShipmentStatus::InTransit
                | ShipmentStatus::OutForDelivery
                | ShipmentStatus::Exception
        )
    }
}

/// What can happen to a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShipmentAction {
    StartPicking,
    Pack,
    /// Handed to the carrier (EXPRESS, POSTAL).
    Ship,
    /// On the pickup shelf (PICKUP).
    MarkReady,
    /// The customer collected it with the right code (PICKUP).
    HandOver,
    /// The order was cancelled before the units left.
    Cancel,
    /// A tracking event reporting this status (carrier or staff).
    Report(ShipmentStatus),
}

impl ShipmentAction {
    /// Every action, reports of every status included (also the ones the
    /// table refuses), for exhaustive tests.
    pub fn all() -> Vec<ShipmentAction> {
        let mut v = vec![
            ShipmentAction::StartPicking,
            ShipmentAction::Pack,
            ShipmentAction::Ship,
            ShipmentAction::MarkReady,
            ShipmentAction::HandOver,
            ShipmentAction::Cancel,
        ];
        v.extend(ShipmentStatus::ALL.into_iter().map(ShipmentAction::Report));
        v
    }

    /// The API name of a staff action (reports are `recordTrackingEvent`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentAction::StartPicking => "START_PICKING",
            ShipmentAction::Pack => "PACK",
            ShipmentAction::Ship => "SHIP",
            ShipmentAction::MarkReady => "MARK_READY",
            ShipmentAction::HandOver => "HAND_OVER",
            ShipmentAction::Cancel => "CANCEL",
            ShipmentAction::Report(_) => "RECORD_TRACKING_EVENT",
        }
    }

    /// Roles that may take the action by hand. Cancel follows the order;
    /// carriers report through their webhook.
    pub fn roles(self) -> &'static [Role] {
        match self {
            ShipmentAction::StartPicking
            | ShipmentAction::Pack
            | ShipmentAction::Ship
            | ShipmentAction::MarkReady
            | ShipmentAction::HandOver
            | ShipmentAction::Report(_) => &[Role::Warehouse, Role::Admin],
            ShipmentAction::Cancel => &[],
        }
    }
}

/// The shipment transition table: one match, no catch-all arm.
pub fn next(
    from: ShipmentStatus,
    action: ShipmentAction,
    method: DeliveryMethod,
) -> Option<ShipmentStatus> {
    use ShipmentAction as A;
    use ShipmentStatus as S;
    let carrier = method.by_carrier();
    match (from, action) {
        (S::Pending, A::StartPicking) => Some(S::Picking),
        (S::Pending | S::Picking | S::Packed | S::ReadyForPickup, A::Cancel) => Some(S::Cancelled),
        (S::Picking, A::Pack) => Some(S::Packed),
        (S::Packed, A::Ship) if carrier => Some(S::Shipped),
        (S::Packed, A::MarkReady) if !carrier => Some(S::ReadyForPickup),
        (S::ReadyForPickup, A::HandOver) => Some(S::PickedUp),
        (S::Shipped | S::InTransit | S::OutForDelivery | S::Exception, A::Report(to))
            if to.is_trackable() =>
        {
            Some(to)
        }
        (S::Packed, A::Ship | A::MarkReady) => None,
        (S::Pending, A::Pack | A::Ship | A::MarkReady | A::HandOver | A::Report(_)) => None,
        (S::Picking, A::StartPicking | A::Ship | A::MarkReady | A::HandOver | A::Report(_)) => None,
        (S::Packed, A::StartPicking | A::Pack | A::HandOver | A::Report(_)) => None,
        (S::ReadyForPickup, A::StartPicking | A::Pack | A::Ship | A::MarkReady | A::Report(_)) => {
            None
        }
        (
            S::Shipped | S::InTransit | S::OutForDelivery | S::Exception,
            A::StartPicking
            | A::Pack
            | A::Ship
            | A::MarkReady
            | A::HandOver
            | A::Cancel
            | A::Report(_),
        ) => None,
        (S::Delivered | S::PickedUp | S::ReturnedToSender | S::Cancelled, _) => None,
    }
}

/// Why a principal may not act on a shipment now, or `None`.
pub fn refusal(
    p: &Principal,
    from: ShipmentStatus,
    action: ShipmentAction,
    method: DeliveryMethod,
) -> Option<ShipmentRefusal> {
    if next(from, action, method).is_none() {
        return Some(ShipmentRefusal::WrongStatus);
    }
    match p.role() {
        None => Some(ShipmentRefusal::SignInRequired),
        Some(r) if !action.roles().contains(&r) => Some(ShipmentRefusal::RoleNotAllowed),
        Some(_) => None,
    }
}

/// Why a shipment action is refused, as a machine code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShipmentRefusal {
    WrongStatus,
    SignInRequired,
    RoleNotAllowed,
}

impl ShipmentRefusal {
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentRefusal::WrongStatus => "WRONG_STATUS",
            ShipmentRefusal::SignInRequired => "SIGN_IN_REQUIRED",
            ShipmentRefusal::RoleNotAllowed => "ROLE_NOT_ALLOWED",
        }
    }
}

/// The order's status as its shipments say, from `current`. Orders that
/// are unpaid, cancelled, delivered or completed do not follow their
/// shipments (a delivered order's only step is COMPLETE; an exchange's
/// replacement shipment must not move it back); cancelled shipments do
/// not count.
pub fn order_status_for(current: OrderStatus, shipments: &[ShipmentStatus]) -> OrderStatus {
    use OrderStatus as O;
    if matches!(
        current,
        O::PendingPayment | O::Cancelled | O::Delivered | O::Completed
    ) {
        return current;
    }
    let live: Vec<ShipmentStatus> = shipments
        .iter()
        .copied()
        .filter(|s| *s != ShipmentStatus::Cancelled)
        .collect();
    if live.is_empty() {
        return current;
    }
    if live.iter().all(|s| s.is_done()) {
        O::Delivered
    } else if live.iter().all(|s| s.has_left()) {
        O::Shipped
    } else if live.iter().any(|s| s.has_left()) {
        O::PartiallyShipped
    } else if live.iter().any(|s| *s != ShipmentStatus::Pending) {
        O::Processing
    } else {
        current
    }
}

/// How many wrong pickup codes lock a shipment for staff review.
pub const MAX_PICKUP_FAILURES: i32 = 5;
/// Carrier and tracking number limits.
pub const MAX_CARRIER_CHARS: usize = 40;
pub const MAX_TRACKING_CHARS: usize = 64;
pub const MAX_EVENT_TEXT_CHARS: usize = 500;
/// The carrier code of the built-in sandbox carrier.
pub const SANDBOX_CARRIER: &str = "SANDBOX";

#[cfg(test)]
mod tests;
