//! Routing by the other rules (a pickup order takes stock only from its
//! pickup point; nearest region tries the region table first), the pickup
//! code the customer shows at the desk (locking after wrong codes), moving
//! a shipment nobody has started picking, and who may touch shipments.

use serde_json::{Value, json};

use crate::fulfillment::{
    act, confirmed_order, events_of, input, order_of, pack, parts, place, ship, shipment_of,
    shipment_raw, shipments, start_picking, stock_of, to_packed, tracking_number,
};
use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};
use crate::order_helpers::{
    assert_ledger_balanced, my_orders_count, new_customer, place_order_raw, set_available,
};

async fn hand_over(app: &TestApp, token: &str, id: &str, code: &str) -> Value {
    act(
        app,
        Some(token),
        "handOverPickup",
        ", pickupCode: $code",
        json!({ "code": code }),
        id,
    )
    .await
}

async fn unlock(app: &TestApp, token: &str, id: &str) -> Value {
    act(app, Some(token), "unlockPickup", "", json!({}), id).await
}

async fn mark_ready(app: &TestApp, token: &str, id: &str) -> Value {
    act(app, Some(token), "markReadyForPickup", "", json!({}), id).await
}

async fn move_to(app: &TestApp, token: Option<&str>, id: &str, warehouse: &str) -> Value {
    let args = ", warehouseCode: $w";
    act(
        app,
        token,
        "moveShipment",
        args,
        json!({ "w": warehouse }),
        id,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn pickup_orders_take_stock_only_from_their_pickup_point() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    let points = app.gql("{ pickupPoints { code region } }", json!({})).await;
    let codes: Vec<&Value> = assert_ok(&points)["pickupPoints"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| &p["code"])
        .collect();
    assert_eq!(codes, vec![&json!("PEK-PICKUP")], "{points}");

    // SHA has plenty, the pickup point none: OUT_OF_STOCK, nothing placed.
    set_available(&app, &keeper, "TOY-002", &[("SHA", 20), ("CAN", 20)]).await;
    let customer = new_customer(&app).await.access_token;
    let stock = stock_of(&app, &keeper, "TOY-002").await;
    let resp = place_order_raw(&app, &customer, input(&[("TOY-002", 1)], "PICKUP")).await;
    assert_error_code(&resp, "OUT_OF_STOCK");
    assert_eq!(
        resp["errors"][0]["extensions"]["skus"],
        json!(["TOY-002"]),
        "{resp}"
    );
    assert_eq!(my_orders_count(&app, &customer).await, 0);
    assert_eq!(stock_of(&app, &keeper, "TOY-002").await, stock);

    // A pickup point is required for PICKUP, and only for PICKUP.
    let mut no_point = input(&[("TOY-002", 1)], "PICKUP");
    no_point["pickupPoint"] = Value::Null;
    let resp = place_order_raw(&app, &customer, no_point).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(
        resp["errors"][0]["extensions"]["field"], "pickupPoint",
        "{resp}"
    );
    let mut postal_with_point = input(&[("TOY-002", 1)], "POSTAL");
    postal_with_point["pickupPoint"] = json!("PEK-PICKUP");
    let resp = place_order_raw(&app, &customer, postal_with_point).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(
        resp["errors"][0]["extensions"]["field"], "pickupPoint",
        "{resp}"
    );
    let mut not_a_point = input(&[("TOY-002", 1)], "PICKUP");
    not_a_point["pickupPoint"] = json!("SHA");
    assert_error_code(
        &place_order_raw(&app, &customer, not_a_point).await,
        "INVALID_INPUT",
    );

    // With units at the point: one PICKUP shipment there, no fee.
    set_available(
        &app,
        &keeper,
        "TOY-002",
        &[("SHA", 20), ("CAN", 20), ("PEK-PICKUP", 2)],
    )
    .await;
    let (_, number) = confirmed_order(&app, &[("TOY-002", 2)], "PICKUP").await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(order["shippingMethod"], "PICKUP", "{order}");
    let quote = app
        .gql(
            "query($i: ShippingQuoteInput!) { shippingQuote(input: $i) { amount } }",
            json!({ "i": { "lines": [{ "sku": "TOY-002", "quantity": 2 }], "method": "PICKUP" } }),
        )
        .await;
    assert_eq!(
        assert_ok(&quote)["shippingQuote"]["amount"],
        order["shippingFee"]["amount"],
        "{quote} / {order}"
    );
    let routed = &events_of(&order, "ROUTED")[0];
    assert_eq!(routed["routing"]["rule"], "PICKUP", "{order}");
    assert_eq!(routed["note"], "pickup point: all 1 line from PEK-PICKUP");
    let want = vec![("PEK-PICKUP".to_owned(), vec!["TOY-002".to_owned()])];
    assert_eq!(parts(&routed["routing"]["parts"]), want);
    let s = shipments(&order);
    assert_eq!(s.len(), 1, "{order}");
    assert_eq!(
        (&s[0]["warehouse"], &s[0]["method"]),
        (&json!("PEK-PICKUP"), &json!("PICKUP"))
    );
    assert_eq!(s[0]["pickupPoint"]["code"], "PEK-PICKUP", "{order}");
    assert_eq!(
        stock_of(&app, &keeper, "TOY-002").await["PEK-PICKUP"],
        (2, 2)
    );
    assert_eq!(
        stock_of(&app, &keeper, "TOY-002").await["SHA"],
        stock["SHA"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nearest_region_routing_tries_the_region_table_first() {
    use sea_orm::{ConnectionTrait, Database};
    let app = TestApp::builder()
        .env("OMS_ROUTING_STRATEGY", "nearest_region")
        .spawn()
        .await;
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &keeper, "TEA-002", &[("SHA", 10), ("CAN", 10)]).await;
    // There is no API for the region table yet: in this test CAN is
    // nearest to Shanghai (the demo table says SHA).
    let db = Database::connect(app.sql_url()).await.expect("open the db");
    db.execute_unprepared("DELETE FROM region_warehouses WHERE lower(region) = 'shanghai'")
        .await
        .expect("clear the demo rows for Shanghai");
    for (code, rank) in [("CAN", 1), ("SHA", 2)] {
        db.execute_unprepared(&format!(
            "INSERT INTO region_warehouses (region, warehouse_id, \"rank\") \
             SELECT 'shanghai', id, {rank} FROM warehouses WHERE code = '{code}'"
        ))
        .await
        .expect("insert a region row");
    }
    db.close().await.expect("close the db");

    let (_, number) = confirmed_order(&app, &[("TEA-002", 1)], "POSTAL").await;
    let order = order_of(&app, &keeper, &number).await;
    let routed = &events_of(&order, "ROUTED")[0];
    assert_eq!(routed["routing"]["rule"], "NEAREST_REGION", "{order}");
    assert_eq!(routed["note"], "nearest region: all 1 line from CAN");
    assert_eq!(shipments(&order)[0]["warehouse"], "CAN", "{order}");

    // A region the table does not know: warehouse priority decides.
    let customer = new_customer(&app).await.access_token;
    let mut elsewhere = input(&[("TEA-002", 1)], "POSTAL");
    elsewhere["shippingAddress"]["region"] = json!("Yunnan");
    let number = place(&app, &customer, elsewhere).await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(
        events_of(&order, "ROUTED")[0]["note"],
        "nearest region: all 1 line from SHA"
    );

    // The demo table: Beijing's nearest is the Beijing store, which lacks
    // it, so the next nearest ships and the store is named as passed over.
    let mut beijing = input(&[("TEA-002", 1)], "POSTAL");
    beijing["shippingAddress"]["region"] = json!("Beijing");
    let number = place(&app, &customer, beijing).await;
    let order = order_of(&app, &keeper, &number).await;
    assert_eq!(
        events_of(&order, "ROUTED")[0]["note"],
        "nearest region: all 1 line from SHA; PEK-PICKUP lacks TEA-002",
        "{order}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pickup_code_hands_the_parcel_over_and_five_wrong_codes_lock_it_until_unlocked() {
    let app = TestApp::spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    let admin = app.login_as(Role::Admin).await.access_token;
    let support = app.login_as(Role::Support).await.access_token;
    set_available(&app, &clerk, "SLP-001", &[("SHA", 5), ("PEK-PICKUP", 3)]).await;
    let (customer, number) = confirmed_order(&app, &[("SLP-001", 1)], "PICKUP").await;

    // Only the customer sees the code.
    let mine = shipments(&order_of(&app, &customer, &number).await)[0].clone();
    let code = mine["pickupCode"]
        .as_str()
        .expect("the customer sees the code")
        .to_owned();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    let id = mine["id"].as_str().expect("id").to_owned();
    for staff in [&clerk, &admin, &support] {
        let s = shipment_of(&app, staff, &id).await;
        assert_eq!(
            s["pickupCode"],
            Value::Null,
            "staff never see the code: {s}"
        );
    }
    let stranger = new_customer(&app).await.access_token;
    assert_error_code(&shipment_raw(&app, &stranger, &id).await, "NOT_FOUND");

    // Pick and pack; a pickup parcel goes on the shelf, not to a carrier.
    to_packed(&app, &clerk, &id).await;
    let resp = ship(&app, &clerk, &id, "SF", &tracking_number("SF"), None).await;
    assert_error_code(&resp, "CONFLICT");
    assert_error_code(&hand_over(&app, &clerk, &id, &code).await, "CONFLICT");
    let ready = assert_ok(&mark_ready(&app, &clerk, &id).await)["markReadyForPickup"].clone();
    assert_eq!(ready["status"], "READY_FOR_PICKUP", "{ready}");
    assert_eq!(
        ready["availableTransitions"],
        json!(["HAND_OVER"]),
        "{ready}"
    );
    let before = stock_of(&app, &clerk, "SLP-001").await;

    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in (1..=4).rev() {
        let resp = hand_over(&app, &clerk, &id, wrong).await;
        assert_error_code(&resp, "WRONG_PICKUP_CODE");
        assert_eq!(
            resp["errors"][0]["extensions"]["attemptsLeft"], left,
            "{resp}"
        );
    }
    let resp = hand_over(&app, &clerk, &id, wrong).await;
    assert_error_code(&resp, "PICKUP_LOCKED");
    let s = shipment_of(&app, &clerk, &id).await;
    assert_eq!(
        (&s["status"], &s["pickupLocked"]),
        (&json!("READY_FOR_PICKUP"), &json!(true))
    );
    // Locked: even the right code is refused.
    assert_error_code(&hand_over(&app, &clerk, &id, &code).await, "PICKUP_LOCKED");
    assert_eq!(
        shipment_of(&app, &clerk, &id).await["status"],
        "READY_FOR_PICKUP"
    );
    assert_eq!(stock_of(&app, &clerk, "SLP-001").await, before);

    // Only support and admins unlock.
    assert_error_code(&unlock(&app, &clerk, &id).await, "FORBIDDEN");
    assert_error_code(&unlock(&app, &customer, &id).await, "FORBIDDEN");
    let unlocked = assert_ok(&unlock(&app, &admin, &id).await)["unlockPickup"].clone();
    assert_eq!(unlocked["pickupLocked"], false, "{unlocked}");
    assert_error_code(&unlock(&app, &admin, &id).await, "CONFLICT");
    // The count starts again.
    let resp = hand_over(&app, &clerk, &id, wrong).await;
    assert_eq!(resp["errors"][0]["extensions"]["attemptsLeft"], 4, "{resp}");

    let done = assert_ok(&hand_over(&app, &clerk, &id, &code).await)["handOverPickup"].clone();
    assert_eq!(done["status"], "PICKED_UP", "{done}");
    let order = order_of(&app, &customer, &number).await;
    assert_eq!(order["status"], "DELIVERED", "{order}");
    let after = stock_of(&app, &clerk, "SLP-001").await;
    let (on_hand, allocated) = before["PEK-PICKUP"];
    assert_eq!(
        after["PEK-PICKUP"],
        (on_hand - 1, allocated - 1),
        "{before:?} → {after:?}"
    );
    assert_eq!(after["SHA"], before["SHA"]);
    assert_ledger_balanced(&app).await;
    assert_error_code(&hand_over(&app, &clerk, &id, &code).await, "CONFLICT");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_shipment_moves_with_its_allocation_and_not_once_picking_started() {
    let app = TestApp::spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "KIT-002", &[("SHA", 5), ("CAN", 5)]).await;
    let (customer, number) = confirmed_order(&app, &[("KIT-002", 2)], "POSTAL").await;
    let s = shipments(&order_of(&app, &clerk, &number).await)[0].clone();
    assert_eq!(s["warehouse"], "SHA", "{s}");
    let id = s["id"].as_str().expect("id").to_owned();
    let before = stock_of(&app, &clerk, "KIT-002").await;
    assert_eq!(
        (before["SHA"], before["CAN"]),
        ((5, 2), (5, 0)),
        "{before:?}"
    );

    // Refused moves change nothing.
    assert_error_code(
        &move_to(&app, Some(&clerk), &id, "PEK-PICKUP").await,
        "CONFLICT",
    );
    assert_error_code(
        &move_to(&app, Some(&clerk), &id, "SHA").await,
        "INVALID_INPUT",
    );
    assert_error_code(
        &move_to(&app, Some(&clerk), &id, "NOPE").await,
        "INVALID_INPUT",
    );
    assert_error_code(
        &move_to(&app, Some(&customer), &id, "CAN").await,
        "FORBIDDEN",
    );
    assert_error_code(&move_to(&app, None, &id, "CAN").await, "UNAUTHENTICATED");
    assert_eq!(stock_of(&app, &clerk, "KIT-002").await, before);
    assert_eq!(shipment_of(&app, &clerk, &id).await["warehouse"], "SHA");

    let moved = assert_ok(&move_to(&app, Some(&clerk), &id, "can").await)["moveShipment"].clone();
    assert_eq!(
        (&moved["warehouse"], &moved["status"]),
        (&json!("CAN"), &json!("PENDING"))
    );
    let after = stock_of(&app, &clerk, "KIT-002").await;
    assert_eq!((after["SHA"], after["CAN"]), ((5, 0), (5, 2)), "{after:?}");
    let order = order_of(&app, &clerk, &number).await;
    let held = |code: &str| -> i64 {
        order["allocations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["sku"] == "KIT-002" && a["warehouse"]["code"] == code)
            .map(|a| a["held"].as_i64().unwrap_or(0))
            .sum()
    };
    assert_eq!(
        (held("SHA"), held("CAN")),
        (0, 2),
        "the order's units are held at CAN: {order}"
    );
    // The allocation moved with it: nothing of the order is listed at SHA
    // any more, and its allocations still add up to its 2 units.
    let listed: Vec<(String, i64)> = order["allocations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["sku"] == "KIT-002")
        .map(|a| {
            (
                a["warehouse"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                a["quantity"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(listed, vec![("CAN".to_owned(), 2)], "{order}");
    assert_ledger_balanced(&app).await;

    // Picking started: it stays where it is.
    assert_ok(&start_picking(&app, &clerk, &id).await);
    assert_error_code(&move_to(&app, Some(&clerk), &id, "SHA").await, "CONFLICT");
    assert_eq!(shipment_of(&app, &clerk, &id).await["warehouse"], "CAN");
    assert_eq!(stock_of(&app, &clerk, "KIT-002").await, after);
    // And it ships from there.
    assert_ok(&pack(&app, &clerk, &id, 700).await);
    assert_ok(&ship(&app, &clerk, &id, "EMS", &tracking_number("EM"), None).await);
    let shipped = stock_of(&app, &clerk, "KIT-002").await;
    assert_eq!(
        (shipped["SHA"], shipped["CAN"]),
        ((5, 0), (3, 0)),
        "{shipped:?}"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_warehouse_staff_and_admins_move_shipments() {
    let app = TestApp::spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "PHN-003", &[("SHA", 5)]).await;
    let (customer, number) = confirmed_order(&app, &[("PHN-003", 1)], "POSTAL").await;
    let mine = shipments(&order_of(&app, &customer, &number).await)[0].clone();
    assert_eq!(mine["availableTransitions"], json!([]), "{mine}");
    let id = mine["id"].as_str().expect("id").to_owned();

    let finance = app.login_as(Role::Finance).await.access_token;
    let support = app.login_as(Role::Support).await.access_token;
    for token in [&customer, &finance, &support] {
        assert_error_code(&start_picking(&app, token, &id).await, "FORBIDDEN");
    }
    let anonymous = act(&app, None, "startPicking", "", json!({}), &id).await;
    assert_error_code(&anonymous, "UNAUTHENTICATED");
    assert_error_code(&shipment_raw_anonymous(&app, &id).await, "UNAUTHENTICATED");
    assert_eq!(shipment_of(&app, &clerk, &id).await["status"], "PENDING");

    // The work queue is for staff.
    let queue = "query($f: ShipmentFilter) { shipments(filter: $f, first: 10) { totalCount edges { node { id number } } } }";
    let filter = json!({ "f": { "warehouse": "SHA", "status": "PENDING", "method": "POSTAL" } });
    assert_error_code(
        &app.gql_as(&customer, queue, filter.clone()).await,
        "FORBIDDEN",
    );
    assert_error_code(&app.gql(queue, filter.clone()).await, "UNAUTHENTICATED");
    let page = app.gql_as(&clerk, queue, filter).await;
    let page = &assert_ok(&page)["shipments"];
    assert_eq!(page["totalCount"], 1, "{page}");
    assert_eq!(page["edges"][0]["node"]["id"], id.as_str(), "{page}");
    let other = json!({ "f": { "warehouse": "CAN" } });
    let page = app.gql_as(&clerk, queue, other).await;
    assert_eq!(assert_ok(&page)["shipments"]["totalCount"], 0, "{page}");

    let staff = shipment_of(&app, &clerk, &id).await;
    assert_eq!(
        staff["availableTransitions"],
        json!(["START_PICKING"]),
        "{staff}"
    );
    let admin = app.login_as(Role::Admin).await.access_token;
    let picked = assert_ok(&start_picking(&app, &admin, &id).await)["startPicking"].clone();
    assert_eq!(picked["status"], "PICKING", "{picked}");
}

async fn shipment_raw_anonymous(app: &TestApp, id: &str) -> Value {
    app.gql(
        "query($id: ID!) { shipment(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await
}
