use uuid::Uuid;

use super::*;
use crate::domain::fulfillment::DeliveryMethod;
use crate::domain::fulfillment::rates::Rate;
use crate::domain::orders::{Address, OrderStatus};

fn line(sku: &str, q: i64, price: i64) -> CurrentLine {
    CurrentLine {
        sku: sku.into(),
        product_id: Uuid::now_v7(),
        name: sku.into(),
        quantity: q,
        unit_price_minor: price,
        weight_grams: 500,
        shipped: 0,
        started: 0,
    }
}

fn address(city: &str) -> Address {
    Address {
        name: "Li Lei".into(),
        phone: "1".into(),
        line1: "1 Road".into(),
        line2: None,
        city: city.into(),
        region: None,
        postal_code: "200000".into(),
        country: "CN".into(),
    }
}

fn current() -> Current {
    Current {
        currency: "CNY".into(),
        status: OrderStatus::Confirmed,
        lines: vec![line("A-1", 2, 10_000), line("B-2", 1, 29_900)],
        shipping_fee_minor: 800,
        method: DeliveryMethod::Postal,
        address: address("Shanghai"),
        picking_started: false,
    }
}

fn catalog() -> Vec<CatalogItem> {
    vec![
        CatalogItem {
            product_id: Uuid::now_v7(),
            sku: "C-3".into(),
            name: "C".into(),
            price_minor: 12_000,
            currency: "CNY".into(),
            active: true,
            weight_grams: 1500,
        },
        CatalogItem {
            product_id: Uuid::now_v7(),
            sku: "OLD".into(),
            name: "Old".into(),
            price_minor: 1,
            currency: "CNY".into(),
            active: false,
            weight_grams: 1,
        },
    ]
}

fn run(c: &Current, i: &ChangeInput) -> Result<Plan, ChangeError> {
    plan(c, i, Mode::Change, &catalog(), None)
}

#[test]
fn change_status_table_is_exactly_this() {
    use ChangeEvent as E;
    use ChangeStatus as S;
    let allowed = [
        (S::Pending, E::Approve, S::Approved),
        (S::Pending, E::Reject, S::Rejected),
        (S::Pending, E::Withdraw, S::Cancelled),
    ];
    let mut n = 0;
    for s in ChangeStatus::ALL {
        for e in ChangeEvent::ALL {
            let want = allowed
                .iter()
                .find(|(f, x, _)| *f == s && *x == e)
                .map(|t| t.2);
            assert_eq!(s.next(e), want, "{s:?} --{e:?}-->");
            n += 1;
        }
        assert_eq!(ChangeStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(n, 15);
    for k in ChangeKind::ALL {
        assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
    }
}

#[test]
fn a_decrease_keeps_the_old_price_and_applies_at_once() {
    let p = run(
        &current(),
        &ChangeInput {
            set_quantities: vec![("a-1".into(), 1)],
            ..Default::default()
        },
    )
    .expect("plan");
    assert!(!p.needs_approval);
    assert_eq!(p.subtotal_before, 49_900);
    assert_eq!(p.subtotal_after, 39_900);
    assert_eq!(p.fee_after, 800, "the fee stays");
    assert_eq!(p.amount_delta(), -10_000);
    assert_eq!(p.changed().count(), 1);
}

#[test]
fn removing_a_line_applies_at_once_but_removing_every_line_is_refused() {
    let p = run(
        &current(),
        &ChangeInput {
            remove_skus: vec!["B-2".into()],
            ..Default::default()
        },
    )
    .expect("plan");
    assert!(!p.needs_approval);
    assert_eq!(p.amount_delta(), -29_900);
    let all = run(
        &current(),
        &ChangeInput {
            remove_skus: vec!["B-2".into(), "A-1".into()],
            ..Default::default()
        },
    );
    assert!(matches!(all, Err(ChangeError::Invalid { field, .. }) if field == "input"));
}

#[test]
fn additions_take_todays_price_and_need_approval() {
    let p = run(
        &current(),
        &ChangeInput {
            add_lines: vec![("C-3".into(), 1)],
            ..Default::default()
        },
    )
    .expect("plan");
    assert!(p.needs_approval);
    assert_eq!(p.amount_delta(), 12_000);
    assert!(
        p.lines
            .iter()
            .any(|l| l.sku == "C-3" && l.added && l.after == 1)
    );
    let more = run(
        &current(),
        &ChangeInput {
            set_quantities: vec![("A-1".into(), 3)],
            ..Default::default()
        },
    )
    .expect("plan");
    assert!(more.needs_approval);
    assert_eq!(more.amount_delta(), 10_000);
    for bad in ["OLD", "NOPE"] {
        let r = run(
            &current(),
            &ChangeInput {
                add_lines: vec![(bad.into(), 1)],
                ..Default::default()
            },
        );
        assert!(matches!(r, Err(ChangeError::Invalid { field, .. }) if field == "addLines[0].sku"));
    }
}

#[test]
fn an_address_change_applies_at_once_before_picking_only() {
    let i = ChangeInput {
        address: Some(address("Beijing")),
        ..Default::default()
    };
    assert!(!run(&current(), &i).expect("plan").needs_approval);
    let started = Current {
        picking_started: true,
        ..current()
    };
    assert!(run(&started, &i).expect("plan").needs_approval);
    // The same address is no change at all.
    let same = ChangeInput {
        address: Some(address("Shanghai")),
        ..Default::default()
    };
    assert!(matches!(
        run(&current(), &same),
        Err(ChangeError::Invalid { .. })
    ));
}

#[test]
fn a_shipped_line_cannot_change_and_picked_units_need_approval() {
    let mut c = current();
    c.lines[0].shipped = 1;
    c.status = OrderStatus::PartiallyShipped;
    let r = run(
        &c,
        &ChangeInput {
            set_quantities: vec![("A-1".into(), 1)],
            ..Default::default()
        },
    );
    assert!(matches!(r, Err(ChangeError::Conflict(m)) if m.contains("A-1")));
    let mut c = current();
    c.lines[0].started = 2;
    let p = run(
        &c,
        &ChangeInput {
            set_quantities: vec![("A-1".into(), 1)],
            ..Default::default()
        },
    )
    .expect("plan");
    assert!(p.needs_approval);
    let shipped = Current {
        status: OrderStatus::Shipped,
        ..current()
    };
    assert!(matches!(
        run(
            &shipped,
            &ChangeInput {
                remove_skus: vec!["A-1".into()],
                ..Default::default()
            }
        ),
        Err(ChangeError::Conflict(_))
    ));
}

#[test]
fn a_method_change_is_priced_by_the_new_rate_and_needs_approval() {
    let rate = Rate {
        method: DeliveryMethod::Express,
        flat_minor: 1800,
        per_kg_minor: 600,
        per_item_minor: 0,
        free_above_minor: Some(100_000),
    };
    let i = ChangeInput {
        delivery_method: Some(DeliveryMethod::Express),
        ..Default::default()
    };
    let p = plan(&current(), &i, Mode::Change, &catalog(), Some(&rate)).expect("plan");
    // 3 units of 500 g: 2 started kilograms.
    assert_eq!(p.fee_after, 1800 + 2 * 600);
    assert_eq!(p.amount_delta(), 3000 - 800);
    assert!(p.needs_approval);
    let pickup = ChangeInput {
        delivery_method: Some(DeliveryMethod::Pickup),
        ..Default::default()
    };
    assert!(matches!(
        plan(&current(), &pickup, Mode::Change, &catalog(), Some(&rate)),
        Err(ChangeError::Invalid { field, .. }) if field == "deliveryMethod"
    ));
}

#[test]
fn bad_quantities_and_unknown_lines_name_their_field() {
    let cases = [
        (
            ChangeInput {
                set_quantities: vec![("A-1".into(), 1000)],
                ..Default::default()
            },
            "setQuantities[0].quantity",
        ),
        (
            ChangeInput {
                set_quantities: vec![("Z-9".into(), 1)],
                ..Default::default()
            },
            "setQuantities[0].sku",
        ),
        (
            ChangeInput {
                set_quantities: vec![("A-1".into(), 1)],
                remove_skus: vec!["A-1".into()],
                ..Default::default()
            },
            "removeSkus[0]",
        ),
        (
            ChangeInput {
                add_lines: vec![("C-3".into(), 0)],
                ..Default::default()
            },
            "addLines[0].quantity",
        ),
        (ChangeInput::default(), "input"),
    ];
    for (input, want) in cases {
        match run(&current(), &input) {
            Err(ChangeError::Invalid { field, .. }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
    }
}

#[test]
fn cancelling_lines_checks_units_and_who_asks() {
    let mut c = current();
    c.lines[0].started = 2;
    let i = ChangeInput {
        cancel: vec![("A-1".into(), 1)],
        ..Default::default()
    };
    assert!(matches!(
        plan(&c, &i, Mode::Cancel { staff: false }, &[], None),
        Err(ChangeError::Conflict(_))
    ));
    let p = plan(&c, &i, Mode::Cancel { staff: true }, &[], None).expect("staff");
    assert_eq!(p.amount_delta(), -10_000);
    assert!(!p.needs_approval);
    let all = ChangeInput {
        cancel: vec![("A-1".into(), 2), ("B-2".into(), 1)],
        ..Default::default()
    };
    assert!(
        plan(&current(), &all, Mode::Cancel { staff: false }, &[], None)
            .expect("all")
            .empties_order()
    );
    let too_many = ChangeInput {
        cancel: vec![("A-1".into(), 3)],
        ..Default::default()
    };
    assert!(matches!(
        plan(&current(), &too_many, Mode::Cancel { staff: false }, &[], None),
        Err(ChangeError::Invalid { field, .. }) if field == "lines[0].quantity"
    ));
}

#[test]
fn summaries_round_trip_and_read_as_a_sentence() {
    let p = run(
        &current(),
        &ChangeInput {
            set_quantities: vec![("A-1".into(), 1)],
            address: Some(address("Beijing")),
            ..Default::default()
        },
    )
    .expect("plan");
    let s = ChangeSummary::of(ChangeKind::Change, &p, &address("Shanghai"), "POSTAL");
    assert_eq!(ChangeSummary::from_json(&s.to_json()), Some(s.clone()));
    let text = s.sentence();
    assert!(
        text.contains("A-1 2 → 1") && text.contains("Beijing"),
        "{text}"
    );
}
