//! The transactional outbox (issue 8): every committed change of an order
//! is an event with a gap-free per-order sequence; the dispatcher gives
//! each a unique position in an order consistent with each order's
//! sequence; events committed when no dispatcher ran (a crash between
//! commit and delivery) are dispatched after restart.

use std::collections::BTreeMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::fulfillment::{confirmed_order, input, place};
use crate::helpers::{Role, TestApp};
use crate::order_helpers::{cancel_raw, fulfil, set_available};

/// (order number, sequence, topic, position) of every outbox row.
async fn rows(db: &DatabaseConnection) -> Vec<(Option<String>, Option<i64>, String, Option<i64>)> {
    let sql = "SELECT order_number, sequence, topic, position FROM outbox ORDER BY id";
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("read the outbox")
        .into_iter()
        .map(|r| {
            (
                r.try_get("", "order_number").expect("order_number"),
                r.try_get("", "sequence").expect("sequence"),
                r.try_get("", "topic").expect("topic"),
                r.try_get("", "position").expect("position"),
            )
        })
        .collect()
}

async fn cursor(db: &DatabaseConnection) -> i64 {
    let sql = "SELECT position FROM outbox_cursor WHERE id = 1";
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("read the cursor")
        .expect("the cursor row")
        .try_get("", "position")
        .expect("position")
}

async fn open(app: &TestApp) -> DatabaseConnection {
    Database::connect(app.sql_url())
        .await
        .expect("open the database")
}

async fn assert_cancelled(app: &TestApp, token: &str, number: &str, reason: Option<&str>) {
    let cancel = cancel_raw(app, token, number, reason).await;
    assert_eq!(
        cancel["data"]["cancelOrder"]["status"], "CANCELLED",
        "{cancel}"
    );
}

/// Waits until the dispatcher has stamped every row.
async fn all_dispatched(
    db: &DatabaseConnection,
) -> Vec<(Option<String>, Option<i64>, String, Option<i64>)> {
    for _ in 0..200 {
        let r = rows(db).await;
        if r.iter().all(|r| r.3.is_some()) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox was not dispatched: {:?}", rows(db).await);
}

#[tokio::test]
async fn racing_commands_number_each_orders_events_without_gaps_and_dispatch_them_in_that_order() {
    let app = TestApp::spawn().await;
    let warehouse = app.login_as(Role::Warehouse).await.access_token;
    // Two-warehouse orders, so their shipments race each other too.
    set_available(&app, &warehouse, "MUG-003", &[("SHA", 10)]).await;
    set_available(&app, &warehouse, "BAG-001", &[("CAN", 10)]).await;
    let mut numbers = Vec::new();
    for _ in 0..4 {
        let (_, n) = confirmed_order(&app, &[("MUG-003", 1), ("BAG-001", 1)], "EXPRESS").await;
        numbers.push(n);
    }
    let customer = app.login_as(Role::Customer).await.access_token;
    let unpaid = place(&app, &customer, input(&[("MUG-003", 1)], "POSTAL")).await;
    let runs = numbers
        .iter()
        .map(|n| fulfil(&app, &warehouse, n, "SHIPPED"))
        .collect::<Vec<_>>();
    futures_util::future::join_all(runs).await;
    assert_cancelled(&app, &customer, &unpaid, None).await;

    let db = open(&app).await;
    let rows = all_dispatched(&db).await;
    let mut per_order: BTreeMap<String, Vec<(i64, String, i64)>> = BTreeMap::new();
    for (number, seq, topic, pos) in &rows {
        let (Some(n), Some(s), Some(p)) = (number, seq, pos) else {
            continue;
        };
        per_order
            .entry(n.clone())
            .or_default()
            .push((*s, topic.clone(), *p));
    }
    for n in numbers.iter().chain([&unpaid]) {
        let mut events = per_order.get(n).cloned().unwrap_or_default();
        events.sort_by_key(|e| e.0);
        let seqs: Vec<i64> = events.iter().map(|e| e.0).collect();
        assert_eq!(
            seqs,
            (1..=events.len() as i64).collect::<Vec<_>>(),
            "order {n}: sequences must be 1..=n without gaps: {events:?}"
        );
        assert_eq!(events[0].1, "order.placed", "{n}: {events:?}");
        let positions: Vec<i64> = events.iter().map(|e| e.2).collect();
        let mut sorted = positions.clone();
        sorted.sort();
        assert_eq!(
            positions, sorted,
            "{n}: positions follow the sequence: {events:?}"
        );
    }
    for n in &numbers {
        let topics: Vec<&str> = per_order[n].iter().map(|e| e.1.as_str()).collect();
        for t in [
            "order.paid",
            "order.confirmed",
            "shipment.picking",
            "shipment.shipped",
            "order.shipped",
        ] {
            assert!(topics.contains(&t), "{n} lacks {t}: {topics:?}");
        }
        let shipped = topics.iter().filter(|t| **t == "shipment.shipped").count();
        assert_eq!(
            shipped, 2,
            "{n}: one shipment.shipped per parcel: {topics:?}"
        );
    }
    let unpaid_topics: Vec<&str> = per_order[&unpaid].iter().map(|e| e.1.as_str()).collect();
    assert_eq!(unpaid_topics, ["order.placed", "order.cancelled"]);

    let mut positions: Vec<i64> = rows.iter().filter_map(|r| r.3).collect();
    let count = positions.len();
    positions.sort();
    positions.dedup();
    assert_eq!(positions.len(), count, "positions are unique");
    assert_eq!(cursor(&db).await, *positions.last().expect("some events"));
}

#[tokio::test]
async fn events_committed_before_a_crash_are_dispatched_after_restart() {
    let mut app = TestApp::spawn().await;
    let (_, number) = confirmed_order(&app, &[("MUG-003", 1)], "POSTAL").await;
    let db = open(&app).await;
    let before = all_dispatched(&db).await.len();
    let last = cursor(&db).await;
    app.kill9().await;

    // The state a crash right after a command's commit leaves: its event
    // is in the outbox, nobody dispatched it.
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        format!("UPDATE orders SET event_seq = event_seq + 1 WHERE number = '{number}'"),
    ))
    .await
    .expect("bump the sequence");
    db.execute_raw(Statement::from_string(
        backend,
        format!(
            "INSERT INTO outbox (topic, order_id, payload, created_at, sequence, order_number, channel_id) \
             SELECT 'order.processing', id, '{{}}', placed_at, event_seq, number, channel_id \
             FROM orders WHERE number = '{number}'"
        ),
    ))
    .await
    .expect("write an undispatched event");
    assert_eq!(rows(&db).await.iter().filter(|r| r.3.is_none()).count(), 1);

    let _again = app.again().spawn().await;
    let after = all_dispatched(&db).await;
    assert_eq!(
        after.len(),
        before + 1,
        "nothing else appeared, nothing vanished"
    );
    let new = after.last().expect("the new event");
    assert_eq!(new.2, "order.processing");
    assert!(new.3.expect("dispatched") > last, "{new:?} after {last}");
    assert_eq!(cursor(&db).await, new.3.expect("dispatched"));
}

#[tokio::test]
async fn cancelling_a_confirmed_order_writes_its_shipments_cancellations_too() {
    let app = TestApp::spawn().await;
    let support = app.login_as(Role::Support).await.access_token;
    let (_, number) = confirmed_order(&app, &[("MUG-003", 1)], "POSTAL").await;
    assert_cancelled(&app, &support, &number, Some("customer asked")).await;
    let db = open(&app).await;
    let mut mine: Vec<(i64, String)> = all_dispatched(&db)
        .await
        .into_iter()
        .filter(|r| r.0.as_deref() == Some(number.as_str()))
        .filter_map(|r| Some((r.1?, r.2)))
        .collect();
    mine.sort();
    let topics: Vec<&str> = mine.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        &topics[topics.len() - 2..],
        ["shipment.cancelled", "order.cancelled"],
        "{topics:?}"
    );
}
