//! Notifications: the typed events every command writes to the outbox, and
//! the rules consumers (email, outbound webhooks, live feeds) apply to them.

pub mod live;

pub mod email;

use crate::domain::fulfillment::ShipmentStatus;
use crate::domain::orders::OrderStatus;
use crate::domain::payments::{PaymentEventKind, PaymentEventStatus};

/// What happened. The wire name (`order.placed`) is what webhooks, the
/// outbox and the README use; GraphQL spells it `ORDER_PLACED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    OrderPlaced,
    OrderConfirmed,
    OrderPaid,
    OrderProcessing,
    OrderPartiallyShipped,
    OrderShipped,
    OrderDelivered,
    OrderCompleted,
    OrderCancelled,
    OrderChanged,
    ChangeRequested,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentVoided,
    PaymentFailed,
    RefundSucceeded,
    RefundFailed,
    ShipmentPicking,
    ShipmentPacked,
    ShipmentShipped,
    ShipmentInTransit,
    ShipmentOutForDelivery,
    ShipmentDelivered,
    ShipmentReadyForPickup,
    ShipmentPickedUp,
    ShipmentException,
    ShipmentReturnedToSender,
    ShipmentCancelled,
    ReturnRequested,
    ReturnApproved,
    ReturnReceived,
    ReturnRefunded,
    ReturnRejected,
    TicketOpened,
    TicketReplied,
    TicketResolved,
}

impl EventType {
    pub const ALL: [EventType; 36] = [
        EventType::OrderPlaced,
        EventType::OrderConfirmed,
        EventType::OrderPaid,
        EventType::OrderProcessing,
        EventType::OrderPartiallyShipped,
        EventType::OrderShipped,
        EventType::OrderDelivered,
        EventType::OrderCompleted,
        EventType::OrderCancelled,
        EventType::OrderChanged,
        EventType::ChangeRequested,
        EventType::PaymentAuthorized,
        EventType::PaymentCaptured,
        EventType::PaymentVoided,
        EventType::PaymentFailed,
        EventType::RefundSucceeded,
        EventType::RefundFailed,
        EventType::ShipmentPicking,
        EventType::ShipmentPacked,
        EventType::ShipmentShipped,
        EventType::ShipmentInTransit,
        EventType::ShipmentOutForDelivery,
        EventType::ShipmentDelivered,
        EventType::ShipmentReadyForPickup,
        EventType::ShipmentPickedUp,
        EventType::ShipmentException,
        EventType::ShipmentReturnedToSender,
        EventType::ShipmentCancelled,
        EventType::ReturnRequested,
        EventType::ReturnApproved,
        EventType::ReturnReceived,
        EventType::ReturnRefunded,
        EventType::ReturnRejected,
        EventType::TicketOpened,
        EventType::TicketReplied,
        EventType::TicketResolved,
    ];

    /// The wire name, e.g. `order.placed`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderPlaced => "order.placed",
            EventType::OrderConfirmed => "order.confirmed",
            EventType::OrderPaid => "order.paid",
            EventType::OrderProcessing => "order.processing",
            EventType::OrderPartiallyShipped => "order.partially_shipped",
            EventType::OrderShipped => "order.shipped",
            EventType::OrderDelivered => "order.delivered",
            EventType::OrderCompleted => "order.completed",
            EventType::OrderCancelled => "order.cancelled",
            EventType::OrderChanged => "order.changed",
            EventType::ChangeRequested => "change.requested",
            EventType::PaymentAuthorized => "payment.authorized",
            EventType::PaymentCaptured => "payment.captured",
            EventType::PaymentVoided => "payment.voided",
            EventType::PaymentFailed => "payment.failed",
            EventType::RefundSucceeded => "refund.succeeded",
            EventType::RefundFailed => "refund.failed",
            EventType::ShipmentPicking => "shipment.picking",
            EventType::ShipmentPacked => "shipment.packed",
            EventType::ShipmentShipped => "shipment.shipped",
            EventType::ShipmentInTransit => "shipment.in_transit",
            EventType::ShipmentOutForDelivery => "shipment.out_for_delivery",
            EventType::ShipmentDelivered => "shipment.delivered",
            EventType::ShipmentReadyForPickup => "shipment.ready_for_pickup",
            EventType::ShipmentPickedUp => "shipment.picked_up",
            EventType::ShipmentException => "shipment.exception",
            EventType::ShipmentReturnedToSender => "shipment.returned_to_sender",
            EventType::ShipmentCancelled => "shipment.cancelled",
            EventType::ReturnRequested => "return.requested",
            EventType::ReturnApproved => "return.approved",
            EventType::ReturnReceived => "return.received",
            EventType::ReturnRefunded => "return.refunded",
            EventType::ReturnRejected => "return.rejected",
            EventType::TicketOpened => "ticket.opened",
            EventType::TicketReplied => "ticket.replied",
            EventType::TicketResolved => "ticket.resolved",
        }
    }

    /// Reads a wire name; `None` names no event type.
    pub fn parse(s: &str) -> Option<EventType> {
        let s = s.trim();
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The event an order entering `status` writes.
    pub fn for_order_status(status: OrderStatus) -> EventType {
        match status {
            OrderStatus::PendingPayment => EventType::OrderPlaced,
            OrderStatus::Confirmed => EventType::OrderConfirmed,
            OrderStatus::Processing => EventType::OrderProcessing,
            OrderStatus::PartiallyShipped => EventType::OrderPartiallyShipped,
            OrderStatus::Shipped => EventType::OrderShipped,
            OrderStatus::Delivered => EventType::OrderDelivered,
            OrderStatus::Completed => EventType::OrderCompleted,
            OrderStatus::Cancelled => EventType::OrderCancelled,
        }
    }

    /// The event a shipment entering `status` writes (none when created).
    pub fn for_shipment_status(status: ShipmentStatus) -> Option<EventType> {
        Some(match status {
            ShipmentStatus::Pending => return None,
            ShipmentStatus::Picking => EventType::ShipmentPicking,
            ShipmentStatus::Packed => EventType::ShipmentPacked,
            ShipmentStatus::Shipped => EventType::ShipmentShipped,
            ShipmentStatus::InTransit => EventType::ShipmentInTransit,
            ShipmentStatus::OutForDelivery => EventType::ShipmentOutForDelivery,
            ShipmentStatus::Delivered => EventType::ShipmentDelivered,
            ShipmentStatus::ReadyForPickup => EventType::ShipmentReadyForPickup,
            ShipmentStatus::PickedUp => EventType::ShipmentPickedUp,
            ShipmentStatus::Exception => EventType::ShipmentException,
            ShipmentStatus::ReturnedToSender => EventType::ShipmentReturnedToSender,
            ShipmentStatus::Cancelled => EventType::ShipmentCancelled,
        })
    }

    /// The event a payment ledger row writes; requests write none (their
    /// outcome does).
    pub fn for_payment(kind: PaymentEventKind, status: PaymentEventStatus) -> Option<EventType> {
        use PaymentEventKind as K;
        use PaymentEventStatus as S;
        Some(match (kind, status) {
            (_, S::Requested) => return None,
            (K::Authorize, S::Succeeded) => EventType::PaymentAuthorized,
            (K::Capture, S::Succeeded) => EventType::PaymentCaptured,
            (K::Void, S::Succeeded) => EventType::PaymentVoided,
            (K::Refund, S::Succeeded) => EventType::RefundSucceeded,
            (K::Refund, S::Failed) => EventType::RefundFailed,
            (K::Authorize | K::Capture | K::Void, S::Failed) => EventType::PaymentFailed,
        })
    }

    /// The object family the event is about (`order`, `payment`…).
    pub fn object(self) -> &'static str {
        let name = self.as_str();
        name.split('.').next().unwrap_or(name)
    }
}

#[cfg(test)]
mod tests;
