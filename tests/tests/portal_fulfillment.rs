//! The warehouse console with JavaScript off: the work queue, a shipment
//! picked, packed and shipped through plain form posts, and the pickup
//! desk refusing a wrong code, as a browser without scripts would use them.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{new_key, order_input, pay_order, place_order_ok, stock_levels};
use crate::portal_orders::{page, post_form, sign_in};

/// The order's first shipment: (id, number).
async fn first_shipment(app: &TestApp, token: &str, number: &str) -> (String, String) {
    let q = "query($n: String!) { order(number: $n) { shipments { id number } } }";
    let o = app.gql_as(token, q, json!({ "n": number })).await;
    let s = &assert_ok(&o)["order"]["shipments"][0];
    (
        s["id"].as_str().expect("id").to_owned(),
        s["number"].as_str().expect("number").to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_picks_packs_and_ships_from_the_console_without_javascript() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let keeper = app.login_as(Role::Warehouse).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 2)]),
    )
    .await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(&app, &number).await;
    let (id, shipment) = first_shipment(&app, &keeper.access_token, &number).await;

    let clerk = app.cookie_client();
    sign_in(&app, &clerk, Role::Warehouse, "/console/shipments").await;
    let queue = page(&app, &clerk, "/console/shipments?status=PENDING").await;
    assert!(
        queue.contains("shipment-queue")
            && queue.contains(&format!("data-shipment=\"{shipment}\"")),
        "the new shipment is in the queue to pick"
    );

    let base = format!("/console/shipments/{id}");
    let (status, location) = post_form(&app, &clerk, &format!("{base}/pick"), &[]).await;
    assert_eq!(status, 303);
    assert!(location.contains("done=START_PICKING"), "{location}");
    // Picking again is refused by the state machine, and said so.
    let (_, location) = post_form(&app, &clerk, &format!("{base}/pick"), &[]).await;
    assert!(location.contains("error=CONFLICT"), "{location}");
    let (_, location) = post_form(
        &app,
        &clerk,
        &format!("{base}/pack"),
        &[("weightGrams", "900")],
    )
    .await;
    assert!(location.contains("done=PACK"), "{location}");

    let sha_before = stock_levels(&app, &keeper.access_token, "MUG-001").await["SHA"].clone();
    let (_, location) = post_form(
        &app,
        &clerk,
        &format!("{base}/ship"),
        &[("carrier", "SF"), ("trackingNumber", "SF7700112233")],
    )
    .await;
    assert!(location.contains("done=SHIP"), "{location}");
    let html = page(&app, &clerk, &base).await;
    assert!(
        html.contains("SF7700112233"),
        "the page shows the tracking number"
    );
    assert!(
        html.contains("data-status=\"SHIPPED\""),
        "the page shows it shipped"
    );
    let sha_after = stock_levels(&app, &keeper.access_token, "MUG-001").await["SHA"].clone();
    assert_eq!(sha_after.on_hand, sha_before.on_hand - 2);
    assert_eq!(sha_after.allocated, sha_before.allocated - 2);

    // The order's page links to the shipment.
    let order_page = page(&app, &clerk, &format!("/console/orders/{number}")).await;
    assert!(
        order_page.contains(&format!("href=\"/console/shipments/{id}\"")),
        "the console order page links its shipments"
    );

    // The packing slip prints the address and the lines.
    let slip = page(&app, &clerk, &format!("{base}/slip")).await;
    assert!(slip.contains("packing-slip") && slip.contains("MUG-001") && slip.contains(&number));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pickup_desk_refuses_a_wrong_code_and_hands_over_with_the_right_one() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let keeper = app.login_as(Role::Warehouse).await;
    let mut input = order_input(&new_key(), &[("MUG-001", 1)]);
    input["shippingMethod"] = json!("PICKUP");
    input["pickupPoint"] = json!("PEK-PICKUP");
    let order = place_order_ok(&app, &customer.access_token, input).await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(&app, &number).await;
    let (id, shipment) = first_shipment(&app, &keeper.access_token, &number).await;
    for m in [
        "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
        "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 300) { status } }",
        "mutation($id: ID!) { markReadyForPickup(shipmentId: $id) { status } }",
    ] {
        assert_ok(
            &app.gql_as(&keeper.access_token, m, json!({ "id": id }))
                .await,
        );
    }
    let q = "query($n: String!) { order(number: $n) { shipments { pickupCode } } }";
    let o = app
        .gql_as(&customer.access_token, q, json!({ "n": number }))
        .await;
    let code = assert_ok(&o)["order"]["shipments"][0]["pickupCode"]
        .as_str()
        .expect("the customer sees the code")
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let clerk = app.cookie_client();
    sign_in(&app, &clerk, Role::Warehouse, "/console/pickup").await;
    let desk = page(&app, &clerk, "/console/pickup").await;
    assert!(desk.contains(&shipment), "the parcel waits at the desk");
    assert!(!desk.contains(&code), "the desk never shows the code");

    let (_, location) = post_form(
        &app,
        &clerk,
        "/console/pickup",
        &[("shipment", &shipment), ("pickupCode", wrong)],
    )
    .await;
    assert!(location.contains("error=WRONG_PICKUP_CODE"), "{location}");
    assert!(location.contains("attemptsLeft=4"), "{location}");
    let (_, location) = post_form(
        &app,
        &clerk,
        "/console/pickup",
        &[("shipment", &shipment), ("pickupCode", &code)],
    )
    .await;
    assert!(location.contains("done=HAND_OVER"), "{location}");
    let o = app
        .gql_as(
            &customer.access_token,
            "query($n: String!) { order(number: $n) { status } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(assert_ok(&o)["order"]["status"], "DELIVERED");
}
