use uuid::Uuid;

use super::*;

/// Every (status, action, method) triple against the table written out
/// by hand: anything not listed is refused.
#[test]
fn transition_table_is_exactly_this() {
    use DeliveryMethod as M;
    use ShipmentAction as A;
    use ShipmentStatus as S;
    let carrier_reports = [
        S::InTransit,
        S::OutForDelivery,
        S::Delivered,
        S::Exception,
        S::ReturnedToSender,
    ];
    let mut allowed: Vec<(S, A, Option<M>, S)> = vec![
        (S::Pending, A::StartPicking, None, S::Picking),
        (S::Picking, A::Pack, None, S::Packed),
        (S::Packed, A::Ship, Some(M::Express), S::Shipped),
        (S::Packed, A::Ship, Some(M::Postal), S::Shipped),
        (S::Packed, A::MarkReady, Some(M::Pickup), S::ReadyForPickup),
        (S::ReadyForPickup, A::HandOver, None, S::PickedUp),
        (S::Pending, A::Cancel, None, S::Cancelled),
        (S::Picking, A::Cancel, None, S::Cancelled),
        (S::Packed, A::Cancel, None, S::Cancelled),
        (S::ReadyForPickup, A::Cancel, None, S::Cancelled),
    ];
    for from in [S::Shipped, S::InTransit, S::OutForDelivery, S::Exception] {
        for to in carrier_reports {
            allowed.push((from, A::Report(to), None, to));
        }
    }
    let mut checked = 0;
    for m in DeliveryMethod::ALL {
        for s in ShipmentStatus::ALL {
            for a in ShipmentAction::all() {
                let expected = allowed
                    .iter()
                    .find(|(f, x, only, _)| *f == s && *x == a && only.is_none_or(|o| o == m))
                    .map(|t| t.3);
                assert_eq!(next(s, a, m), expected, "{s:?} --{a:?}--> ({m:?})");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 12 * 18);
}

#[test]
fn statuses_and_methods_round_trip_as_text() {
    for s in ShipmentStatus::ALL {
        assert_eq!(ShipmentStatus::parse(s.as_str()), Some(s));
    }
    for m in DeliveryMethod::ALL {
        assert_eq!(DeliveryMethod::parse(m.as_str()), Some(m));
        assert_eq!(DeliveryMethod::parse(&m.as_str().to_lowercase()), Some(m));
    }
    assert_eq!(DeliveryMethod::parse("standard"), None);
}

#[test]
fn only_warehouse_and_admin_move_shipments_by_hand() {
    let p = |r| Principal::user(Uuid::nil(), r);
    let pick = ShipmentAction::StartPicking;
    let m = DeliveryMethod::Express;
    assert_eq!(
        refusal(&p(Role::Warehouse), ShipmentStatus::Pending, pick, m),
        None
    );
    assert_eq!(
        refusal(&p(Role::Admin), ShipmentStatus::Pending, pick, m),
        None
    );
    for r in [Role::Customer, Role::Support, Role::Finance] {
        assert_eq!(
            refusal(&p(r), ShipmentStatus::Pending, pick, m),
            Some(ShipmentRefusal::RoleNotAllowed)
        );
    }
    assert_eq!(
        refusal(&Principal::Anonymous, ShipmentStatus::Pending, pick, m),
        Some(ShipmentRefusal::SignInRequired)
    );
    assert_eq!(
        refusal(&p(Role::Admin), ShipmentStatus::Picking, pick, m),
        Some(ShipmentRefusal::WrongStatus)
    );
    // Cancelling follows the order; nobody cancels a shipment by hand.
    assert_eq!(
        refusal(
            &p(Role::Admin),
            ShipmentStatus::Pending,
            ShipmentAction::Cancel,
            m
        ),
        Some(ShipmentRefusal::RoleNotAllowed)
    );
}

#[test]
fn the_order_follows_its_shipments() {
    use OrderStatus as O;
    use ShipmentStatus as S;
    let f = order_status_for;
    assert_eq!(f(O::Confirmed, &[S::Pending, S::Pending]), O::Confirmed);
    assert_eq!(f(O::Confirmed, &[S::Picking, S::Pending]), O::Processing);
    assert_eq!(
        f(O::Processing, &[S::Shipped, S::Packed]),
        O::PartiallyShipped
    );
    assert_eq!(f(O::Processing, &[S::Shipped, S::InTransit]), O::Shipped);
    assert_eq!(f(O::Shipped, &[S::Delivered, S::InTransit]), O::Shipped);
    assert_eq!(f(O::Shipped, &[S::Delivered, S::PickedUp]), O::Delivered);
    assert_eq!(
        f(O::PartiallyShipped, &[S::Delivered, S::PickedUp]),
        O::Delivered
    );
    // Cancelled shipments do not count; unpaid and final orders stay.
    assert_eq!(f(O::Processing, &[S::Shipped, S::Cancelled]), O::Shipped);
    assert_eq!(f(O::PendingPayment, &[S::Shipped]), O::PendingPayment);
    assert_eq!(f(O::Cancelled, &[S::Cancelled]), O::Cancelled);
    assert_eq!(f(O::Completed, &[S::Delivered]), O::Completed);
    assert_eq!(f(O::Confirmed, &[]), O::Confirmed);
}
