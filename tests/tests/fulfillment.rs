//! Fulfillment end to end over real HTTP: routing an order's units to
//! warehouses with the fewest shipments (and its reasons on the timeline),
//! shipments opened when the order is confirmed, and pick → pack → ship consuming the stock exactly
//! once through the ledger (also when shipping part of a parcel, and when
//! two clerks ship the same parcel at once).
//!
//! The shared helpers of the fulfillment tests (`fulfillment_*.rs`) live
//! here.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::{
    Level, assert_ledger_balanced, new_customer, new_key, order_input, pay_order, place_order_ok,
    set_available, stock_levels,
};

/// The shipment fields the fulfillment tests read.
pub(crate) const SHIPMENT_FIELDS: &str = "id number orderNumber warehouse status method \
    carrier trackingNumber weightGrams lines { sku quantity } \
    events { status description location at source } \
    pickupPoint { code } pickupCode pickupLocked availableTransitions deliveredAt";

/// The order with what fulfillment adds to it.
pub(crate) fn order_fields() -> String {
    format!(
        "number status paymentStatus paymentMethod shippingMethod \
         subtotal {{ amount }} shippingFee {{ amount }} total {{ amount }} amountDue {{ amount }} \
         lines {{ sku quantity unitPrice {{ amount }} }} \
         allocations {{ sku quantity held warehouse {{ code }} }} \
         events {{ type from to note \
           routing {{ rule parts {{ warehouse skus }} passedOver {{ warehouse skus }} }} \
           shipment {{ number warehouse status }} }} \
         payments {{ method status captured {{ amount }} capturable {{ amount }} }} \
         shipments {{ {SHIPMENT_FIELDS} }}"
    )
}

/// A `PlaceOrderInput` for `lines` by `method` (EXPRESS, POSTAL, or
/// PICKUP at PEK-PICKUP).
pub(crate) fn input(lines: &[(&str, i64)], method: &str) -> Value {
    let mut i = order_input(&new_key(), lines);
    i["shippingMethod"] = json!(method);
    if method == "PICKUP" {
        i["pickupPoint"] = json!("PEK-PICKUP");
    }
    i
}

/// `order(number)` with its shipments, routing and payments.
pub(crate) async fn order_of(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app
        .gql_as(
            token,
            &format!(
                "query($n: String!) {{ order(number: $n) {{ {} }} }}",
                order_fields()
            ),
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"].clone()
}

/// Places an order and returns its number.
pub(crate) async fn place(app: &TestApp, token: &str, input: Value) -> String {
    let order = place_order_ok(app, token, input).await;
    order["number"].as_str().expect("number").to_owned()
}

/// A new customer's order, paid by bank transfer so it is CONFIRMED with
/// its shipments open: (customer token, order number).
pub(crate) async fn confirmed_order(
    app: &TestApp,
    lines: &[(&str, i64)],
    method: &str,
) -> (String, String) {
    let customer = new_customer(app).await.access_token;
    let number = place(app, &customer, input(lines, method)).await;
    pay_order(app, number.as_str()).await;
    (customer, number)
}

/// The order's shipments, oldest first.
pub(crate) fn shipments(order: &Value) -> Vec<Value> {
    order["shipments"]
        .as_array()
        .unwrap_or_else(|| panic!("no shipments in {order}"))
        .clone()
}

/// The id of the order's first shipment.
pub(crate) async fn first_shipment_id(app: &TestApp, token: &str, number: &str) -> String {
    let order = order_of(app, token, number).await;
    shipments(&order)[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no shipment in {order}"))
        .to_owned()
}

/// The order's timeline entries of one type.
pub(crate) fn events_of(order: &Value, kind: &str) -> Vec<Value> {
    order["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == kind)
        .cloned()
        .collect()
}

/// `[{warehouse, skus}]` as (warehouse, sorted SKUs).
pub(crate) fn parts(v: &Value) -> Vec<(String, Vec<String>)> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list of routing parts: {v}"))
        .iter()
        .map(|p| {
            let mut skus: Vec<String> = p["skus"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s.as_str().unwrap_or_default().to_owned())
                .collect();
            skus.sort();
            (p["warehouse"].as_str().unwrap_or_default().to_owned(), skus)
        })
        .collect()
}

/// A shipment's lines as (sku, quantity), sorted.
pub(crate) fn lines_of(shipment: &Value) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = shipment["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["sku"].as_str().unwrap_or_default().to_owned(),
                l["quantity"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    v.sort();
    v
}

/// `shipment(id)` as `token` sees it (raw response).
pub(crate) async fn shipment_raw(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_as(
        token,
        &format!("query($id: ID!) {{ shipment(id: $id) {{ {SHIPMENT_FIELDS} }} }}"),
        json!({ "id": id }),
    )
    .await
}

/// `shipment(id)`, panicking on errors.
pub(crate) async fn shipment_of(app: &TestApp, token: &str, id: &str) -> Value {
    assert_ok(&shipment_raw(app, token, id).await)["shipment"].clone()
}

/// Runs a shipment mutation `name(shipmentId: $id, <args>)` (raw response).
pub(crate) async fn act(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    args: &str,
    mut vars: Value,
    id: &str,
) -> Value {
    let params: String = vars
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let ty = match (k.as_str(), v) {
                ("lines", _) => "[ShipLineInput!]",
                ("status", _) => "ShipmentStatus!",
                (_, Value::Number(_)) => "Int!",
                _ => "String!",
            };
            format!(", ${k}: {ty}")
        })
        .collect();
    vars["id"] = json!(id);
    let doc = format!(
        "mutation($id: ID!{params}) {{ {name}(shipmentId: $id{args}) {{ {SHIPMENT_FIELDS} }} }}"
    );
    match token {
        Some(t) => app.gql_as(t, &doc, vars).await,
        None => app.gql(&doc, vars).await,
    }
}

pub(crate) async fn start_picking(app: &TestApp, token: &str, id: &str) -> Value {
    act(app, Some(token), "startPicking", "", json!({}), id).await
}

pub(crate) async fn pack(app: &TestApp, token: &str, id: &str, grams: i64) -> Value {
    let args = ", weightGrams: $g";
    act(
        app,
        Some(token),
        "packShipment",
        args,
        json!({ "g": grams }),
        id,
    )
    .await
}

/// `shipShipment`; `lines` as `[{sku, quantity}]` or all when None.
pub(crate) async fn ship(
    app: &TestApp,
    token: &str,
    id: &str,
    carrier: &str,
    tracking: &str,
    lines: Option<Value>,
) -> Value {
    let mut vars = json!({ "c": carrier, "t": tracking });
    let mut args = ", carrier: $c, trackingNumber: $t".to_owned();
    if let Some(l) = lines {
        vars["lines"] = l;
        args.push_str(", lines: $lines");
    }
    act(app, Some(token), "shipShipment", &args, vars, id).await
}

/// Picks and packs a PENDING shipment; returns it PACKED.
pub(crate) async fn to_packed(app: &TestApp, token: &str, id: &str) -> Value {
    let picking = assert_ok(&start_picking(app, token, id).await)["startPicking"].clone();
    assert_eq!(picking["status"], "PICKING", "{picking}");
    let packed = assert_ok(&pack(app, token, id, 1200).await)["packShipment"].clone();
    assert_eq!(packed["status"], "PACKED", "{packed}");
    assert_eq!(packed["weightGrams"], 1200, "{packed}");
    packed
}

/// Picks, packs and ships a PENDING shipment with all its lines.
pub(crate) async fn ship_all(app: &TestApp, token: &str, id: &str, carrier: &str) -> Value {
    to_packed(app, token, id).await;
    let t = tracking_number(carrier);
    let shipped = assert_ok(&ship(app, token, id, carrier, &t, None).await)["shipShipment"].clone();
    assert_eq!(shipped["status"], "SHIPPED", "{shipped}");
    assert_eq!(shipped["trackingNumber"], t.as_str(), "{shipped}");
    shipped
}

/// A fresh tracking number (upper case, as stored).
pub(crate) fn tracking_number(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    format!("{prefix}{}", &id[..14])
}

/// A SKU's stock level at SHA.
async fn sha(app: &TestApp, token: &str, sku: &str) -> Level {
    stock_levels(app, token, sku)
        .await
        .remove("SHA")
        .expect("stock at SHA")
}

/// `(on hand, allocated)` of a SKU per warehouse.
pub(crate) async fn stock_of(
    app: &TestApp,
    token: &str,
    sku: &str,
) -> BTreeMap<String, (i64, i64)> {
    stock_levels(app, token, sku)
        .await
        .into_iter()
        .map(|(k, l)| (k, (l.on_hand, l.allocated)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn routing_uses_one_warehouse_that_has_everything_and_says_who_lacked_what() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &keeper, "MUG-001", &[("SHA", 10), ("CAN", 10)]).await;
    set_available(&app, &keeper, "TEA-001", &[("SHA", 10), ("CAN", 10)]).await;

    // Everything at SHA, the first warehouse: one shipment from there.
    let lines = [("MUG-001", 1), ("TEA-001", 2)];
    let (customer, number) = confirmed_order(&app, &lines, "POSTAL").await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    let routed = events_of(&order, "ROUTED");
    assert_eq!(routed.len(), 1, "{order}");
    assert_eq!(routed[0]["routing"]["rule"], "FEWEST_SHIPMENTS", "{order}");
    let want = vec![(
        "SHA".to_owned(),
        vec!["MUG-001".to_owned(), "TEA-001".to_owned()],
    )];
    assert_eq!(parts(&routed[0]["routing"]["parts"]), want);
    assert_eq!(routed[0]["routing"]["passedOver"], json!([]), "{order}");
    assert_eq!(routed[0]["note"], "fewest shipments: all 2 lines from SHA");
    let s = shipments(&order);
    assert_eq!(s.len(), 1, "{order}");
    assert_eq!(s[0]["number"], format!("{number}-1"));
    assert_eq!(s[0]["orderNumber"], number.as_str());
    assert_eq!(
        (&s[0]["warehouse"], &s[0]["status"]),
        (&json!("SHA"), &json!("PENDING"))
    );
    assert_eq!(s[0]["method"], "POSTAL");
    assert_eq!(s[0]["carrier"], Value::Null);
    assert_eq!(s[0]["pickupPoint"], Value::Null);
    let want = vec![("MUG-001".to_owned(), 1), ("TEA-001".to_owned(), 2)];
    assert_eq!(lines_of(&s[0]), want);
    let opened = events_of(&order, "SHIPMENT");
    assert_eq!(opened.len(), 1, "{order}");
    let step = json!({ "number": format!("{number}-1"), "warehouse": "SHA", "status": "PENDING" });
    assert_eq!(opened[0]["shipment"], step);
    // The customer sees the same shipment of their order.
    let mine = order_of(&app, &customer, &number).await;
    assert_eq!(shipments(&mine)[0]["id"], s[0]["id"], "{mine}");

    // SHA has too little of one line: everything from CAN, SHA passed over.
    set_available(&app, &keeper, "TEA-001", &[("SHA", 1), ("CAN", 10)]).await;
    let (_, number) = confirmed_order(&app, &lines, "POSTAL").await;
    let order = order_of(&app, &keeper, &number).await;
    let routed = &events_of(&order, "ROUTED")[0];
    assert_eq!(
        routed["note"],
        "fewest shipments: all 2 lines from CAN; SHA lacks TEA-001"
    );
    let want = vec![(
        "CAN".to_owned(),
        vec!["MUG-001".to_owned(), "TEA-001".to_owned()],
    )];
    assert_eq!(parts(&routed["routing"]["parts"]), want);
    let want = vec![("SHA".to_owned(), vec!["TEA-001".to_owned()])];
    assert_eq!(parts(&routed["routing"]["passedOver"]), want);
    let s = shipments(&order);
    assert_eq!(s.len(), 1, "{order}");
    assert_eq!(s[0]["warehouse"], "CAN", "{order}");

    // No warehouse has both: one shipment per warehouse, by priority.
    set_available(&app, &keeper, "MUG-001", &[("SHA", 5)]).await;
    set_available(&app, &keeper, "BAG-001", &[("CAN", 5)]).await;
    let (_, number) = confirmed_order(&app, &[("MUG-001", 2), ("BAG-001", 1)], "EXPRESS").await;
    let order = order_of(&app, &keeper, &number).await;
    let routed = &events_of(&order, "ROUTED")[0];
    assert_eq!(
        routed["note"],
        "fewest shipments: split over 2 warehouses: SHA ships MUG-001; CAN ships BAG-001; SHA lacks BAG-001"
    );
    let want = vec![
        ("SHA".to_owned(), vec!["MUG-001".to_owned()]),
        ("CAN".to_owned(), vec!["BAG-001".to_owned()]),
    ];
    assert_eq!(parts(&routed["routing"]["parts"]), want);
    let want = vec![("SHA".to_owned(), vec!["BAG-001".to_owned()])];
    assert_eq!(parts(&routed["routing"]["passedOver"]), want);
    let s = shipments(&order);
    assert_eq!(s.len(), 2, "{order}");
    assert_eq!(
        (&s[0]["number"], &s[0]["warehouse"]),
        (&json!(format!("{number}-1")), &json!("SHA"))
    );
    assert_eq!(
        (&s[1]["number"], &s[1]["warehouse"]),
        (&json!(format!("{number}-2")), &json!("CAN"))
    );
    assert_eq!(lines_of(&s[0]), vec![("MUG-001".to_owned(), 2)]);
    assert_eq!(lines_of(&s[1]), vec![("BAG-001".to_owned(), 1)]);
    assert!(
        s.iter()
            .all(|x| x["status"] == "PENDING" && x["method"] == "EXPRESS")
    );
    assert_eq!(events_of(&order, "SHIPMENT").len(), 2, "{order}");

    // The fee quoted before placing is the fee charged.
    let quote = app
        .gql(
            "query($i: ShippingQuoteInput!) { shippingQuote(input: $i) { amount } }",
            json!({ "i": { "lines": [{ "sku": "MUG-001", "quantity": 2 }, { "sku": "BAG-001", "quantity": 1 }], "method": "EXPRESS" } }),
        )
        .await;
    assert_eq!(
        assert_ok(&quote)["shippingQuote"]["amount"],
        order["shippingFee"]["amount"],
        "{quote} / {order}"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pick_pack_ship_consumes_the_stock_once_and_refuses_a_second_or_oversized_ship() {
    let app = TestApp::spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "KBD-002", &[("SHA", 10)]).await;
    let (_, number) = confirmed_order(&app, &[("KBD-002", 3)], "POSTAL").await;
    let before = sha(&app, &clerk, "KBD-002").await;
    assert_eq!((before.on_hand, before.allocated), (10, 3), "{before:?}");
    let s = shipments(&order_of(&app, &clerk, &number).await)[0].clone();
    let id = s["id"].as_str().expect("id").to_owned();
    assert_eq!(s["availableTransitions"], json!(["START_PICKING"]), "{s}");

    // Out of order: nothing to pack or ship before picking.
    assert_error_code(&pack(&app, &clerk, &id, 500).await, "CONFLICT");
    assert_error_code(
        &ship(&app, &clerk, &id, "SF", &tracking_number("SF"), None).await,
        "CONFLICT",
    );
    let picking = assert_ok(&start_picking(&app, &clerk, &id).await)["startPicking"].clone();
    assert_eq!(
        picking["availableTransitions"],
        json!(["PACK"]),
        "{picking}"
    );
    assert_eq!(
        order_of(&app, &clerk, &number).await["status"],
        "PROCESSING"
    );
    assert_error_code(&pack(&app, &clerk, &id, 0).await, "INVALID_INPUT");
    let packed = assert_ok(&pack(&app, &clerk, &id, 900).await)["packShipment"].clone();
    assert_eq!(packed["status"], "PACKED", "{packed}");
    assert_eq!(packed["availableTransitions"], json!(["SHIP"]), "{packed}");

    // More than the shipment holds, or a SKU it does not hold: refused,
    // nothing moves.
    let t = tracking_number("SF");
    for (lines, field) in [
        (
            json!([{ "sku": "KBD-002", "quantity": 4 }]),
            "lines[0].quantity",
        ),
        (json!([{ "sku": "TEA-001", "quantity": 1 }]), "lines[0].sku"),
        (
            json!([{ "sku": "KBD-002", "quantity": 0 }]),
            "lines[0].quantity",
        ),
    ] {
        let resp = ship(&app, &clerk, &id, "SF", &t, Some(lines)).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(resp["errors"][0]["extensions"]["field"], field, "{resp}");
    }
    let resp = ship(&app, &clerk, &id, "S F!", &t, None).await;
    assert_eq!(
        resp["errors"][0]["extensions"]["field"], "carrier",
        "{resp}"
    );
    let same = shipment_of(&app, &clerk, &id).await;
    assert_eq!(
        (&same["status"], &same["carrier"]),
        (&json!("PACKED"), &Value::Null),
        "{same}"
    );
    assert_eq!(sha(&app, &clerk, "KBD-002").await, before);
    assert_eq!(shipments(&order_of(&app, &clerk, &number).await).len(), 1);

    let shipped =
        assert_ok(&ship(&app, &clerk, &id, "sf", &t.to_lowercase(), None).await)["shipShipment"]
            .clone();
    assert_eq!(shipped["status"], "SHIPPED", "{shipped}");
    assert_eq!(shipped["carrier"], "SF", "{shipped}");
    assert_eq!(shipped["trackingNumber"], t.as_str(), "{shipped}");
    assert_eq!(lines_of(&shipped), vec![("KBD-002".to_owned(), 3)]);
    let after = sha(&app, &clerk, "KBD-002").await;
    assert_eq!(
        (after.on_hand, after.allocated),
        (before.on_hand - 3, before.allocated - 3),
        "on hand and allocated both drop by the shipped units"
    );
    assert_eq!(after.available, before.available, "{before:?} → {after:?}");
    assert_ledger_balanced(&app).await;
    let order = order_of(&app, &clerk, &number).await;
    assert_eq!(order["status"], "SHIPPED", "{order}");
    let statuses: Vec<String> = events_of(&order, "STATUS_CHANGED")
        .iter()
        .map(|e| e["to"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        statuses.ends_with(&["PROCESSING".to_owned(), "SHIPPED".to_owned()]),
        "{statuses:?}"
    );

    // Shipping again (another clerk, another parcel number): CONFLICT, the
    // stock stays as it is.
    let resp = ship(&app, &clerk, &id, "SF", &tracking_number("SF"), None).await;
    assert_error_code(&resp, "CONFLICT");
    assert_error_code(&start_picking(&app, &clerk, &id).await, "CONFLICT");
    assert_eq!(sha(&app, &clerk, "KBD-002").await, after);
    assert_ledger_balanced(&app).await;

    // A tracking number names one parcel.
    let (_, other) = confirmed_order(&app, &[("KBD-002", 1)], "POSTAL").await;
    let s2 = first_shipment_id(&app, &clerk, &other).await;
    to_packed(&app, &clerk, &s2).await;
    let stock = sha(&app, &clerk, "KBD-002").await;
    assert_error_code(&ship(&app, &clerk, &s2, "SF", &t, None).await, "CONFLICT");
    assert_eq!(shipment_of(&app, &clerk, &s2).await["status"], "PACKED");
    assert_eq!(sha(&app, &clerk, "KBD-002").await, stock);
}

#[tokio::test(flavor = "multi_thread")]
async fn shipping_part_of_a_parcel_leaves_the_rest_packed_and_the_order_partially_shipped() {
    let app = TestApp::spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "MUG-002", &[("SHA", 10)]).await;
    set_available(&app, &clerk, "TEA-003", &[("SHA", 10)]).await;
    let (customer, number) =
        confirmed_order(&app, &[("MUG-002", 2), ("TEA-003", 1)], "EXPRESS").await;
    let id = first_shipment_id(&app, &clerk, &number).await;
    to_packed(&app, &clerk, &id).await;

    let part = json!([{ "sku": "mug-002", "quantity": 1 }]);
    let resp = ship(&app, &clerk, &id, "SF", &tracking_number("SF"), Some(part)).await;
    let shipped = assert_ok(&resp)["shipShipment"].clone();
    assert_eq!(shipped["status"], "SHIPPED", "{shipped}");
    assert_eq!(lines_of(&shipped), vec![("MUG-002".to_owned(), 1)]);
    let order = order_of(&app, &customer, &number).await;
    assert_eq!(order["status"], "PARTIALLY_SHIPPED", "{order}");
    let s = shipments(&order);
    assert_eq!(s.len(), 2, "{order}");
    let rest = &s[1];
    assert_eq!(rest["number"], format!("{number}-2"), "{order}");
    assert_eq!(
        (&rest["status"], &rest["warehouse"]),
        (&json!("PACKED"), &json!("SHA"))
    );
    assert_eq!(
        lines_of(rest),
        vec![("MUG-002".to_owned(), 1), ("TEA-003".to_owned(), 1)]
    );
    assert_eq!(rest["carrier"], Value::Null, "{rest}");
    let mug = stock_of(&app, &clerk, "MUG-002").await;
    let tea = stock_of(&app, &clerk, "TEA-003").await;
    assert_eq!(mug["SHA"], (9, 1), "{mug:?}");
    assert_eq!(tea["SHA"], (10, 1), "{tea:?}");
    assert_ledger_balanced(&app).await;

    let rest_id = rest["id"].as_str().expect("id");
    let resp = ship(&app, &clerk, rest_id, "YTO", &tracking_number("YT"), None).await;
    let second = assert_ok(&resp)["shipShipment"].clone();
    assert_eq!(second["status"], "SHIPPED", "{second}");
    let order = order_of(&app, &customer, &number).await;
    assert_eq!(order["status"], "SHIPPED", "{order}");
    assert_eq!(shipments(&order).len(), 2, "{order}");
    assert_eq!(stock_of(&app, &clerk, "MUG-002").await["SHA"], (8, 0));
    assert_eq!(stock_of(&app, &clerk, "TEA-003").await["SHA"], (9, 0));
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_clerks_shipping_the_same_parcel_at_once_get_one_success_and_one_conflict() {
    let app = TestApp::spawn().await;
    let first = app.login_as(Role::Warehouse).await.access_token;
    let second = app.login_as(Role::Warehouse).await.access_token;
    assert_ne!(first, second, "two sessions");
    set_available(&app, &first, "CHG-003", &[("SHA", 20)]).await;
    for round in 0..3 {
        let (_, number) = confirmed_order(&app, &[("CHG-003", 2)], "POSTAL").await;
        let id = first_shipment_id(&app, &first, &number).await;
        to_packed(&app, &first, &id).await;
        let before = sha(&app, &first, "CHG-003").await;
        let (t1, t2) = (tracking_number("SF"), tracking_number("YT"));
        let (a, b) = tokio::join!(
            ship(&app, &first, &id, "SF", &t1, None),
            ship(&app, &second, &id, "YTO", &t2, None)
        );
        let codes = [error_code(&a), error_code(&b)];
        let wins = codes.iter().filter(|c| c.is_none()).count();
        assert_eq!(wins, 1, "round {round}: exactly one ships: {a} / {b}");
        assert!(
            codes.contains(&Some("CONFLICT")),
            "round {round}: {a} / {b}"
        );
        let (winner, tracking) = if codes[0].is_none() {
            (&a, &t1)
        } else {
            (&b, &t2)
        };
        let now = shipment_of(&app, &first, &id).await;
        assert_eq!(now["trackingNumber"], tracking.as_str(), "{winner} / {now}");
        let shipped_events = now["events"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["status"] == "SHIPPED")
            .count();
        assert_eq!(shipped_events, 1, "{now}");
        let after = sha(&app, &first, "CHG-003").await;
        assert_eq!(
            (after.on_hand, after.allocated),
            (before.on_hand - 2, before.allocated - 2),
            "round {round}: the stock is consumed once"
        );
    }
    assert_ledger_balanced(&app).await;
}
