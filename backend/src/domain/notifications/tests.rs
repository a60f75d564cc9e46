use super::*;

#[test]
fn wire_names_are_unique_and_read_back() {
    let mut seen = std::collections::HashSet::new();
    for t in EventType::ALL {
        assert!(seen.insert(t.as_str()), "{} twice", t.as_str());
        assert_eq!(EventType::parse(t.as_str()), Some(t));
        assert!(t.as_str().contains('.'));
    }
    assert_eq!(EventType::parse("order.exploded"), None);
    assert_eq!(
        EventType::parse(" order.placed "),
        Some(EventType::OrderPlaced)
    );
}

#[test]
fn every_order_status_has_its_event() {
    for s in OrderStatus::ALL {
        let t = EventType::for_order_status(s);
        assert_eq!(t.object(), "order");
    }
    assert_eq!(
        EventType::for_order_status(OrderStatus::Cancelled),
        EventType::OrderCancelled
    );
}

#[test]
fn shipment_and_payment_events_map() {
    assert_eq!(
        EventType::for_shipment_status(ShipmentStatus::Pending),
        None
    );
    for s in ShipmentStatus::ALL {
        if let Some(t) = EventType::for_shipment_status(s) {
            assert_eq!(t.object(), "shipment");
        }
    }
    assert_eq!(
        EventType::for_payment(PaymentEventKind::Refund, PaymentEventStatus::Succeeded),
        Some(EventType::RefundSucceeded)
    );
    assert_eq!(
        EventType::for_payment(PaymentEventKind::Capture, PaymentEventStatus::Requested),
        None
    );
}
