//! The event types of the outbox as a GraphQL enum, shared by the live
//! feeds and outbound webhooks. Each value mirrors
//! `crate::domain::notifications::EventType`; its documentation names the
//! wire name webhooks and the README use.

use async_graphql::Enum;

use crate::domain::notifications::EventType as D;

/// What happened to an order, a payment, a shipment, a return or a ticket.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EventType {
    /// `order.placed`
    OrderPlaced,
    /// `order.confirmed`
    OrderConfirmed,
    /// `order.paid`
    OrderPaid,
    /// `order.processing`
    OrderProcessing,
    /// `order.partially_shipped`
    OrderPartiallyShipped,
    /// `order.shipped`
    OrderShipped,
    /// `order.delivered`
    OrderDelivered,
    /// `order.completed`
    OrderCompleted,
    /// `order.cancelled`
    OrderCancelled,
    /// `order.changed`: lines, quantities, address or delivery method
    /// changed after placement (the object is the change request).
    OrderChanged,
    /// `change.requested`: a change waits for support's approval.
    ChangeRequested,
    /// `payment.authorized`
    PaymentAuthorized,
    /// `payment.captured`
    PaymentCaptured,
    /// `payment.voided`
    PaymentVoided,
    /// `payment.failed`
    PaymentFailed,
    /// `refund.succeeded`
    RefundSucceeded,
    /// `refund.failed`
    RefundFailed,
    /// `shipment.picking`
    ShipmentPicking,
    /// `shipment.packed`
    ShipmentPacked,
    /// `shipment.shipped`
    ShipmentShipped,
    /// `shipment.in_transit`
    ShipmentInTransit,
    /// `shipment.out_for_delivery`
    ShipmentOutForDelivery,
    /// `shipment.delivered`
    ShipmentDelivered,
    /// `shipment.ready_for_pickup`
    ShipmentReadyForPickup,
    /// `shipment.picked_up`
    ShipmentPickedUp,
    /// `shipment.exception`
    ShipmentException,
    /// `shipment.returned_to_sender`
    ShipmentReturnedToSender,
    /// `shipment.cancelled`
    ShipmentCancelled,
    /// `return.requested`
    ReturnRequested,
    /// `return.approved`
    ReturnApproved,
    /// `return.received`
    ReturnReceived,
    /// `return.refunded`
    ReturnRefunded,
    /// `return.rejected`
    ReturnRejected,
    /// `ticket.opened`
    TicketOpened,
    /// `ticket.replied`
    TicketReplied,
    /// `ticket.resolved`
    TicketResolved,
}

impl From<D> for EventType {
    fn from(t: D) -> Self {
        match t {
            D::OrderPlaced => EventType::OrderPlaced,
            D::OrderConfirmed => EventType::OrderConfirmed,
            D::OrderPaid => EventType::OrderPaid,
            D::OrderProcessing => EventType::OrderProcessing,
            D::OrderPartiallyShipped => EventType::OrderPartiallyShipped,
            D::OrderShipped => EventType::OrderShipped,
            D::OrderDelivered => EventType::OrderDelivered,
            D::OrderCompleted => EventType::OrderCompleted,
            D::OrderCancelled => EventType::OrderCancelled,
            D::OrderChanged => EventType::OrderChanged,
            D::ChangeRequested => EventType::ChangeRequested,
            D::PaymentAuthorized => EventType::PaymentAuthorized,
            D::PaymentCaptured => EventType::PaymentCaptured,
            D::PaymentVoided => EventType::PaymentVoided,
            D::PaymentFailed => EventType::PaymentFailed,
            D::RefundSucceeded => EventType::RefundSucceeded,
            D::RefundFailed => EventType::RefundFailed,
            D::ShipmentPicking => EventType::ShipmentPicking,
            D::ShipmentPacked => EventType::ShipmentPacked,
            D::ShipmentShipped => EventType::ShipmentShipped,
            D::ShipmentInTransit => EventType::ShipmentInTransit,
            D::ShipmentOutForDelivery => EventType::ShipmentOutForDelivery,
            D::ShipmentDelivered => EventType::ShipmentDelivered,
            D::ShipmentReadyForPickup => EventType::ShipmentReadyForPickup,
            D::ShipmentPickedUp => EventType::ShipmentPickedUp,
            D::ShipmentException => EventType::ShipmentException,
            D::ShipmentReturnedToSender => EventType::ShipmentReturnedToSender,
            D::ShipmentCancelled => EventType::ShipmentCancelled,
            D::ReturnRequested => EventType::ReturnRequested,
            D::ReturnApproved => EventType::ReturnApproved,
            D::ReturnReceived => EventType::ReturnReceived,
            D::ReturnRefunded => EventType::ReturnRefunded,
            D::ReturnRejected => EventType::ReturnRejected,
            D::TicketOpened => EventType::TicketOpened,
            D::TicketReplied => EventType::TicketReplied,
            D::TicketResolved => EventType::TicketResolved,
        }
    }
}

impl From<EventType> for D {
    fn from(t: EventType) -> Self {
        match t {
            EventType::OrderPlaced => D::OrderPlaced,
            EventType::OrderConfirmed => D::OrderConfirmed,
            EventType::OrderPaid => D::OrderPaid,
            EventType::OrderProcessing => D::OrderProcessing,
            EventType::OrderPartiallyShipped => D::OrderPartiallyShipped,
            EventType::OrderShipped => D::OrderShipped,
            EventType::OrderDelivered => D::OrderDelivered,
            EventType::OrderCompleted => D::OrderCompleted,
            EventType::OrderCancelled => D::OrderCancelled,
            EventType::OrderChanged => D::OrderChanged,
            EventType::ChangeRequested => D::ChangeRequested,
            EventType::PaymentAuthorized => D::PaymentAuthorized,
            EventType::PaymentCaptured => D::PaymentCaptured,
            EventType::PaymentVoided => D::PaymentVoided,
            EventType::PaymentFailed => D::PaymentFailed,
            EventType::RefundSucceeded => D::RefundSucceeded,
            EventType::RefundFailed => D::RefundFailed,
            EventType::ShipmentPicking => D::ShipmentPicking,
            EventType::ShipmentPacked => D::ShipmentPacked,
            EventType::ShipmentShipped => D::ShipmentShipped,
            EventType::ShipmentInTransit => D::ShipmentInTransit,
            EventType::ShipmentOutForDelivery => D::ShipmentOutForDelivery,
            EventType::ShipmentDelivered => D::ShipmentDelivered,
            EventType::ShipmentReadyForPickup => D::ShipmentReadyForPickup,
            EventType::ShipmentPickedUp => D::ShipmentPickedUp,
            EventType::ShipmentException => D::ShipmentException,
            EventType::ShipmentReturnedToSender => D::ShipmentReturnedToSender,
            EventType::ShipmentCancelled => D::ShipmentCancelled,
            EventType::ReturnRequested => D::ReturnRequested,
            EventType::ReturnApproved => D::ReturnApproved,
            EventType::ReturnReceived => D::ReturnReceived,
            EventType::ReturnRefunded => D::ReturnRefunded,
            EventType::ReturnRejected => D::ReturnRejected,
            EventType::TicketOpened => D::TicketOpened,
            EventType::TicketReplied => D::TicketReplied,
            EventType::TicketResolved => D::TicketResolved,
        }
    }
}
