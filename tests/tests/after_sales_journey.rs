//! The "done means", as one customer's order over the API: before
//! shipping the customer changes the address and drops an item; after
//! delivery they return one item for a refund and exchange another; they
//! ask a question and get an answer; they review a product. Support,
//! warehouse and finance do the other side. At every money step what the
//! payments captured minus what they refunded equals what the customer
//! keeps, and the stock ledger stays balanced.
//!
//! The areas' own files test each flow's rules, refusals and races; the
//! JavaScript-off portal pages have their own tests too.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    address, assert_ledger_balanced, catalog_price, fulfil, minor, new_customer, new_key,
    order_input, pay_online, place_order_ok, stock_levels, wait_payments_settled,
};
use crate::returns::{RETURN_FIELDS, by_id_raw, receive_raw, refund_raw, request_ok};

/// Captured minus refunded over the order's payments, as the order shows them.
fn kept(order: &Value) -> i64 {
    order["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| minor(&p["captured"]["amount"]) - minor(&p["refunded"]["amount"]))
        .sum()
}

/// On-hand units of `sku` over every warehouse.
async fn on_hand(app: &TestApp, staff: &str, sku: &str) -> i64 {
    stock_levels(app, staff, sku)
        .await
        .values()
        .map(|l| l.on_hand)
        .sum()
}

async fn service_actions(app: &TestApp, token: &str, number: &str) -> Vec<String> {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { serviceActions } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"]["serviceActions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_customer_changes_returns_exchanges_asks_and_reviews_and_everything_adds_up() {
    let app = TestApp::spawn().await;
    let c = new_customer(&app).await;
    let me = c.access_token.as_str();
    let support = app.login_as(Role::Support).await.access_token;
    let warehouse = app.login_as(Role::Warehouse).await.access_token;
    let finance = app.login_as(Role::Finance).await.access_token;
    let (keep, swap, drop) = ("AUD-001", "CHG-003", "BAG-001");
    let (keep_price, drop_price) = (
        catalog_price(&app, keep).await,
        catalog_price(&app, drop).await,
    );

    let placed = place_order_ok(
        &app,
        me,
        order_input(&new_key(), &[(keep, 1), (swap, 1), (drop, 1)]),
    )
    .await;
    let number = placed["number"].as_str().expect("number").to_owned();
    let total = minor(&placed["total"]["amount"]);
    pay_online(&app, me, &number, "ALIPAY").await;
    let paid = wait_payments_settled(&app, me, &number).await;
    assert_eq!(kept(&paid), total, "paid in full: {paid}");
    let offered = service_actions(&app, me, &number).await;
    assert!(
        offered.contains(&"CHANGE_ORDER".to_owned())
            && offered.contains(&"CANCEL_ITEMS".to_owned()),
        "before shipping the customer may change and cancel items: {offered:?}"
    );
    assert!(
        !offered.contains(&"RETURN_OR_EXCHANGE".to_owned()),
        "nothing to return before delivery: {offered:?}"
    );

    // 1. A new address, applied at once.
    let mut new_address = address();
    new_address["line1"] = json!("88 Century Avenue");
    let resp = app
        .gql_as(
            me,
            "mutation($n: String!, $i: OrderChangeInput!, $k: String!) { \
             requestOrderChange(number: $n, input: $i, idempotencyKey: $k) { status } }",
            json!({ "n": number, "i": { "shippingAddress": new_address }, "k": new_key() }),
        )
        .await;
    assert_eq!(assert_ok(&resp)["requestOrderChange"]["status"], "APPLIED");

    // 2. One item dropped: refunded through the provider.
    let resp = app
        .gql_as(
            me,
            "mutation($n: String!, $l: [ChangeLineInput!]!, $k: String!) { \
             cancelOrderLines(number: $n, lines: $l, reason: \"not needed\", idempotencyKey: $k) { \
             total { amount } shippingAddress { line1 } } }",
            json!({ "n": number, "l": [{ "sku": drop, "quantity": 1 }], "k": new_key() }),
        )
        .await;
    let changed = &assert_ok(&resp)["cancelOrderLines"];
    assert_eq!(changed["shippingAddress"]["line1"], "88 Century Avenue");
    let total = total - drop_price;
    assert_eq!(minor(&changed["total"]["amount"]), total, "{changed}");
    let o = wait_payments_settled(&app, me, &number).await;
    assert_eq!(kept(&o), total, "captured − refunded = the new total: {o}");
    assert_ledger_balanced(&app).await;

    // 3. Shipped and delivered; now a return and an exchange are offered.
    assert_eq!(
        fulfil(&app, &warehouse, &number, "DELIVERED").await,
        "DELIVERED"
    );
    let offered = service_actions(&app, me, &number).await;
    for action in ["RETURN_OR_EXCHANGE", "GET_HELP", "WRITE_REVIEW"] {
        assert!(
            offered.contains(&action.to_owned()),
            "{action}: {offered:?}"
        );
    }
    assert!(
        !offered.contains(&"CHANGE_ORDER".to_owned()),
        "a delivered order cannot be changed: {offered:?}"
    );

    // 4. A defective item returned for a refund: approved by rule,
    //    restocked by the warehouse, refunded by finance.
    let before_restock = on_hand(&app, &warehouse, keep).await;
    let back = request_ok(
        &app,
        me,
        &number,
        json!({ "lines": [{ "sku": keep, "quantity": 1, "reason": "DEFECTIVE" }],
                "resolution": "REFUND", "note": "stopped working" }),
    )
    .await;
    let back_id = back["id"].as_str().expect("return id").to_owned();
    assert_eq!(
        back["status"], "APPROVED",
        "a defect approves itself: {back}"
    );
    assert_eq!(minor(&back["refundAmount"]["amount"]), keep_price, "{back}");
    let shelf = stock_levels(&app, &warehouse, keep)
        .await
        .into_keys()
        .next()
        .expect("a warehouse stocks it");
    let resp = receive_raw(
        &app,
        &warehouse,
        &back_id,
        &[(keep, 1, "RESTOCK", Some(shelf.as_str()))],
    )
    .await;
    assert_eq!(assert_ok(&resp)["receiveReturn"]["status"], "INSPECTED");
    assert_eq!(
        on_hand(&app, &warehouse, keep).await,
        before_restock + 1,
        "the returned unit is back on the shelf"
    );
    let resp = refund_raw(&app, &finance, &back_id, &new_key()).await;
    assert_eq!(assert_ok(&resp)["refundReturn"]["status"], "REFUNDED");
    let o = wait_payments_settled(&app, me, &number).await;
    assert_eq!(
        kept(&o),
        total - keep_price,
        "captured − refunded = what the customer keeps: {o}"
    );

    // 5. Another item exchanged for the same product: support approves,
    //    the warehouse receives it, a replacement parcel is allocated.
    let swap_back = request_ok(
        &app,
        me,
        &number,
        json!({ "lines": [{ "sku": swap, "quantity": 1, "reason": "SIZE_FIT" }],
                "resolution": "EXCHANGE", "exchangeSkus": [swap] }),
    )
    .await;
    let swap_id = swap_back["id"].as_str().expect("return id").to_owned();
    if swap_back["status"] == "REQUESTED" {
        let resp = by_id_raw(&app, &support, "approveReturn", &swap_id).await;
        assert_eq!(assert_ok(&resp)["approveReturn"]["status"], "APPROVED");
    }
    let resp = receive_raw(
        &app,
        &warehouse,
        &swap_id,
        &[(swap, 1, "RESTOCK", Some(shelf.as_str()))],
    )
    .await;
    let exchanged = &assert_ok(&resp)["receiveReturn"];
    assert_eq!(exchanged["status"], "EXCHANGED", "{exchanged}");
    assert!(
        exchanged["exchangeShipment"]["number"].is_string(),
        "the replacement ships: {exchanged}"
    );
    let o = wait_payments_settled(&app, me, &number).await;
    assert_eq!(
        kept(&o),
        total - keep_price,
        "an exchange moves no money: {o}"
    );
    assert_eq!(
        o["status"], "DELIVERED",
        "the replacement does not move the order back"
    );
    assert_ledger_balanced(&app).await;

    // 6. A question about the order, answered by support.
    let resp = app
        .gql_as(
            me,
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id status } }",
            json!({ "i": { "orderNumber": number, "category": "DELIVERY",
                           "subject": "When does the replacement arrive?",
                           "message": "Is there a tracking number yet?" } }),
        )
        .await;
    let ticket = assert_ok(&resp)["openTicket"]["id"]
        .as_str()
        .expect("ticket id")
        .to_owned();
    let reply =
        "mutation($id: ID!, $m: String!) { replyToTicket(id: $id, message: $m) { status } }";
    let resp = app
        .gql_as(
            &support,
            reply,
            json!({ "id": ticket, "m": "It left today." }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["replyToTicket"]["status"],
        "WAITING_ON_CUSTOMER"
    );
    let resp = app
        .gql_as(me, reply, json!({ "id": ticket, "m": "Thanks!" }))
        .await;
    assert_eq!(
        assert_ok(&resp)["replyToTicket"]["status"],
        "WAITING_ON_STAFF"
    );
    let resp = app
        .gql_as(
            &support,
            "mutation($id: ID!) { resolveTicket(id: $id) { status firstResponseSeconds resolutionSeconds } }",
            json!({ "id": ticket }),
        )
        .await;
    let resolved = &assert_ok(&resp)["resolveTicket"];
    assert_eq!(resolved["status"], "RESOLVED");
    assert!(resolved["firstResponseSeconds"].is_i64(), "{resolved}");
    assert!(resolved["resolutionSeconds"].is_i64(), "{resolved}");

    // 7. A review of the kept-and-exchanged product, published by support.
    let resp = app
        .gql_as(
            me,
            "mutation($n: String!, $s: String!) { writeReview(orderNumber: $n, sku: $s, rating: 4, \
             title: \"Good charger\", body: \"Charges fast.\") { id status verifiedPurchase } }",
            json!({ "n": number, "s": swap }),
        )
        .await;
    let review = &assert_ok(&resp)["writeReview"];
    assert_eq!(review["status"], "PENDING");
    assert_eq!(review["verifiedPurchase"], true);
    let resp = app
        .gql_as(
            &support,
            "mutation($id: ID!) { moderateReview(id: $id, decision: PUBLISH) { status } }",
            json!({ "id": review["id"] }),
        )
        .await;
    assert_eq!(assert_ok(&resp)["moderateReview"]["status"], "PUBLISHED");
    let resp = app
        .gql(
            "query($s: String!) { product(sku: $s) { rating { count ratingSum } \
             reviews(first: 10) { edges { node { title } } } } }",
            json!({ "s": swap }),
        )
        .await;
    let product = &assert_ok(&resp)["product"];
    assert_eq!(product["rating"]["count"], 1, "{product}");
    assert_eq!(product["rating"]["ratingSum"], 4, "{product}");
    assert_eq!(
        product["reviews"]["edges"][0]["node"]["title"], "Good charger",
        "{product}"
    );

    // The customer sees both returns and the ticket on the order.
    let resp = app
        .gql_as(
            me,
            &format!(
                "query($n: String!) {{ order(number: $n) {{ returns {{ {RETURN_FIELDS} }} tickets {{ status }} }} }}"
            ),
            json!({ "n": number }),
        )
        .await;
    let order = &assert_ok(&resp)["order"];
    let mut statuses: Vec<&str> = order["returns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["status"].as_str())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["EXCHANGED", "REFUNDED"], "{order}");
    assert_eq!(order["tickets"][0]["status"], "RESOLVED", "{order}");
    assert_ledger_balanced(&app).await;
}
