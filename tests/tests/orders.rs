//! Orders (issue 3): the customer and staff entry paths, server-side
//! pricing, allocation, cancellation, idempotency, visibility, input
//! validation, the staff state machine and the N+1 guard on the queue.
//! Every test ends with the ledger check.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::*;

const AUD: &str = "AUD-001";
const TEA: &str = "TEA-001";
const MUG: &str = "MUG-001";

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_order_is_priced_from_the_catalog_and_allocated_from_stock() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let aud_price = catalog_price(&app, AUD).await;
    let tea_price = catalog_price(&app, TEA).await;
    assert_eq!(aud_price, 29900, "demo price of {AUD}");
    let aud_before = available(&app, AUD).await;
    let tea_before = available(&app, TEA).await;
    let count_before = my_orders_count(&app, &customer.access_token).await;

    let mut input = order_input(&new_key(), &[(AUD, 2), (TEA, 3)]);
    input["shippingMethod"] = json!("express");
    input["note"] = json!("  please ring twice  ");
    let fee = shipping_quote(&app, &[(AUD, 2), (TEA, 3)], "EXPRESS").await;
    assert!(fee > 0, "express is not free for this order");
    let order = place_order_ok(&app, &customer.access_token, input).await;

    let number = order["number"].as_str().unwrap_or_default();
    assert!(
        is_order_number(number),
        "order numbers match ^SO-\\d{{4}}-\\d{{6}}$: {number}"
    );
    assert_eq!(order["status"], "PENDING_PAYMENT");
    assert_eq!(order["channel"]["code"], "web");
    assert_eq!(order["customer"]["email"], Role::Customer.email());
    assert_eq!(order["externalId"], Value::Null);
    assert_eq!(order["note"], "please ring twice");
    let lines = order["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "{order}");
    assert_eq!(lines[0]["sku"], AUD);
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(minor(&lines[0]["unitPrice"]["amount"]), aud_price);
    assert_eq!(minor(&lines[0]["lineTotal"]["amount"]), aud_price * 2);
    assert_eq!(lines[1]["sku"], TEA);
    assert_eq!(minor(&lines[1]["lineTotal"]["amount"]), tea_price * 3);
    let subtotal = aud_price * 2 + tea_price * 3;
    assert_eq!(minor(&order["subtotal"]["amount"]), subtotal);
    assert_eq!(
        minor(&order["shippingFee"]["amount"]),
        fee,
        "placement charges what the quote said"
    );
    assert_eq!(minor(&order["total"]["amount"]), subtotal + fee);
    assert_eq!(order["total"]["currencyCode"], "CNY");
    assert_eq!(order["shippingMethod"], "EXPRESS");
    let events = order["events"].as_array().expect("events");
    assert_eq!(events.len(), 2, "placed, and routed: {order}");
    assert_eq!(events[0]["type"], "PLACED");
    assert_eq!(events[1]["type"], "ROUTED");
    assert_eq!(events[0]["to"], "PENDING_PAYMENT");
    assert_eq!(events[0]["from"], Value::Null);
    assert_eq!(
        order["allocations"],
        json!([]),
        "customers do not see allocations"
    );

    assert_eq!(available(&app, AUD).await, aud_before - 2);
    assert_eq!(available(&app, TEA).await, tea_before - 3);
    assert_eq!(
        my_orders_count(&app, &customer.access_token).await,
        count_before + 1
    );
    // The customer can read it back; staff see where it is allocated.
    let again = order_raw(&app, &customer.access_token, number).await;
    assert_eq!(assert_ok(&again)["order"]["number"], number);
    let admin = app.login_as(Role::Admin).await;
    let staff_view = order_raw(&app, &admin.access_token, number).await;
    let staff_order = &assert_ok(&staff_view)["order"];
    let aud_alloc: i64 = allocations_by_warehouse(staff_order, AUD).values().sum();
    let tea_alloc: i64 = allocations_by_warehouse(staff_order, TEA).values().sum();
    assert_eq!((aud_alloc, tea_alloc), (2, 3), "{staff_order}");
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_place_an_order_for_a_customer_through_a_chosen_channel() {
    let app = TestApp::spawn().await;
    let buyer = new_customer(&app).await;
    let buyer_email = buyer.user["email"].as_str().expect("email").to_owned();
    let support = app.login_as(Role::Support).await;
    let mug_price = catalog_price(&app, MUG).await;

    // The pickup point holds 3 of them.
    let mut input = order_input(&new_key(), &[(MUG, 3)]);
    input["channel"] = json!("store");
    input["customerEmail"] = json!(buyer_email);
    input["shippingMethod"] = json!("pickup");
    input["pickupPoint"] = json!("PEK-PICKUP");
    let order = place_order_ok(&app, &support.access_token, input).await;
    assert!(is_order_number(
        order["number"].as_str().unwrap_or_default()
    ));
    assert_eq!(order["channel"]["code"], "store", "{order}");
    assert_eq!(order["customer"]["email"], buyer_email.as_str());
    assert_eq!(order["status"], "PENDING_PAYMENT");
    assert_eq!(minor(&order["shippingFee"]["amount"]), 0, "pickup is free");
    assert_eq!(minor(&order["total"]["amount"]), mug_price * 3);
    let alloc = allocations_by_warehouse(&order, MUG);
    assert_eq!(
        alloc.get("PEK-PICKUP"),
        Some(&3),
        "a pickup order takes its stock at the pickup point: {order}"
    );

    // It is the customer's order: in their list and readable by them.
    assert_eq!(my_orders_count(&app, &buyer.access_token).await, 1);
    let number = order["number"].as_str().unwrap_or_default();
    let theirs = order_raw(&app, &buyer.access_token, number).await;
    assert_eq!(assert_ok(&theirs)["order"]["channel"]["code"], "store");

    // Staff must say who the order is for.
    let mut no_customer = order_input(&new_key(), &[(MUG, 1)]);
    no_customer["channel"] = json!("store");
    let resp = place_order_raw(&app, &support.access_token, no_customer).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("customerEmail"), "{resp}");
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_carrying_a_unit_price_is_rejected_by_validation_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let before_count = my_orders_count(&app, &customer.access_token).await;
    let before_available = available(&app, AUD).await;

    // As variables, the way a client would send it.
    let mut input = order_input(&new_key(), &[(AUD, 1)]);
    input["lines"][0]["unitPrice"] = json!("0.01");
    let resp = place_order_raw(&app, &customer.access_token, input).await;
    assert_eq!(
        error_code(&resp),
        Some("INVALID_INPUT"),
        "a line with unitPrice must be rejected by validation: {resp}"
    );
    assert!(
        resp["data"].is_null() || resp["data"]["placeOrder"].is_null(),
        "no order may come back: {resp}"
    );
    // Inline in the document.
    let doc = format!(
        r#"mutation {{ placeOrder(input: {{ idempotencyKey: "{}", lines: [{{ sku: "{AUD}", quantity: 1, unitPrice: "0.01" }}],
            shippingAddress: {{ name: "A", phone: "1", line1: "x", city: "c", postalCode: "1", country: "CN" }},
            shippingMethod: "POSTAL" }}) {{ number }} }}"#,
        new_key()
    );
    let resp = app.gql_as(&customer.access_token, &doc, json!({})).await;
    assert_eq!(
        error_code(&resp),
        Some("INVALID_INPUT"),
        "an inline unitPrice must be rejected by validation: {resp}"
    );
    assert!(resp["data"].is_null() || resp["data"]["placeOrder"].is_null());

    assert_eq!(
        my_orders_count(&app, &customer.access_token).await,
        before_count
    );
    assert_eq!(available(&app, AUD).await, before_available);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quantity_larger_than_any_single_warehouse_is_split_across_two() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let customer = app.login_as(Role::Customer).await;
    set_available(&app, &keeper.access_token, TEA, &[("SHA", 3), ("CAN", 5)]).await;
    assert_eq!(available(&app, TEA).await, 8);

    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(TEA, 6)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default();
    let admin = app.login_as(Role::Admin).await;
    let staff_view = order_raw(&app, &admin.access_token, number).await;
    let by_wh = allocations_by_warehouse(&assert_ok(&staff_view)["order"], TEA);
    let expected: std::collections::BTreeMap<String, i64> =
        [("CAN".to_owned(), 3), ("SHA".to_owned(), 3)].into();
    assert_eq!(
        by_wh, expected,
        "6 units: all 3 from SHA (priority 1), the other 3 from CAN"
    );
    let levels = stock_levels(&app, &keeper.access_token, TEA).await;
    assert_eq!(levels["SHA"].available, 0);
    assert_eq!(levels["SHA"].allocated, 3);
    assert_eq!(levels["CAN"].available, 2);
    assert_eq!(levels["CAN"].allocated, 3);
    // The order is one order with one line, not two.
    assert_eq!(order["lines"].as_array().map(Vec::len), Some(1));
    assert_eq!(order["lines"][0]["quantity"], 6);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_for_more_than_is_in_stock_is_out_of_stock_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let customer = app.login_as(Role::Customer).await;
    set_available(&app, &keeper.access_token, TEA, &[("SHA", 2), ("CAN", 2)]).await;
    let mug_before = available(&app, MUG).await;
    let resp = place_order_raw(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(MUG, 1), (TEA, 5)]),
    )
    .await;
    assert_error_code(&resp, "OUT_OF_STOCK");
    assert_eq!(
        resp["errors"][0]["extensions"]["skus"],
        json!([TEA]),
        "only the short SKU is named: {resp}"
    );
    assert_eq!(my_orders_count(&app, &customer.access_token).await, 0);
    assert_eq!(available(&app, TEA).await, 4);
    assert_eq!(
        available(&app, MUG).await,
        mug_before,
        "no partial allocation"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_releases_the_stock_once_and_cancelling_again_is_conflict() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let customer = app.login_as(Role::Customer).await;
    set_available(&app, &keeper.access_token, MUG, &[("SHA", 2), ("CAN", 10)]).await;
    let before = stock_levels(&app, &keeper.access_token, MUG).await;

    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(MUG, 5)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default().to_owned();
    assert_eq!(available(&app, MUG).await, 7);
    let placed = stock_levels(&app, &keeper.access_token, MUG).await;
    let allocated_before: i64 = before.values().map(|l| l.allocated).sum();
    let allocated_placed: i64 = placed.values().map(|l| l.allocated).sum();
    assert_eq!(allocated_placed, allocated_before + 5);

    let transition_before = transition(&order, "CANCEL").clone();
    assert_eq!(
        transition_before["allowed"], true,
        "a customer may cancel a new order: {order}"
    );
    let cancelled = cancel_raw(&app, &customer.access_token, &number, None).await;
    let cancelled = &assert_ok(&cancelled)["cancelOrder"];
    assert_eq!(cancelled["status"], "CANCELLED");
    let last = cancelled["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["type"], "CANCELLED", "{cancelled}");
    assert_eq!(last["from"], "PENDING_PAYMENT");
    assert_eq!(last["to"], "CANCELLED");

    assert_eq!(available(&app, MUG).await, 12, "available goes back up");
    let after = stock_levels(&app, &keeper.access_token, MUG).await;
    assert_eq!(after, before, "every level is back where it was");

    // Twice: CONFLICT, and nothing is released a second time.
    let again = cancel_raw(&app, &customer.access_token, &number, None).await;
    assert_error_code(&again, "CONFLICT");
    let support = app.login_as(Role::Support).await;
    let again = cancel_raw(&app, &support.access_token, &number, Some("duplicate")).await;
    assert_error_code(&again, "CONFLICT");
    assert_eq!(available(&app, MUG).await, 12);
    assert_eq!(stock_levels(&app, &keeper.access_token, MUG).await, before);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_must_give_a_reason_to_cancel() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let support = app.login_as(Role::Support).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(AUD, 1)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default();
    let before = available(&app, AUD).await;

    for reason in [None, Some("   ")] {
        let resp = cancel_raw(&app, &support.access_token, number, reason).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(error_field(&resp), Some("reason"), "{resp}");
    }
    let still = order_raw(&app, &support.access_token, number).await;
    assert_eq!(assert_ok(&still)["order"]["status"], "PENDING_PAYMENT");
    assert_eq!(available(&app, AUD).await, before);

    let resp = cancel_raw(
        &app,
        &support.access_token,
        number,
        Some("customer called to cancel"),
    )
    .await;
    let cancelled = &assert_ok(&resp)["cancelOrder"];
    assert_eq!(cancelled["status"], "CANCELLED");
    let last = cancelled["events"]
        .as_array()
        .and_then(|e| e.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["note"], "customer called to cancel");
    assert_eq!(available(&app, AUD).await, before + 1);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_and_racing_duplicates_with_one_idempotency_key_give_one_order() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let count_before = my_orders_count(&app, &customer.access_token).await;
    let available_before = available(&app, MUG).await;
    let input = order_input(&new_key(), &[(MUG, 2)]);

    let responses =
        join_all((0..10).map(|_| place_order_raw(&app, &customer.access_token, input.clone())))
            .await;
    let numbers: Vec<String> = responses
        .iter()
        .map(|r| {
            assert_ok(r)["placeOrder"]["number"]
                .as_str()
                .unwrap_or_else(|| panic!("no number in {r}"))
                .to_owned()
        })
        .collect();
    assert!(
        numbers.iter().all(|n| *n == numbers[0]),
        "all racing duplicates return the same order: {numbers:?}"
    );
    // A later retry too.
    let retry = place_order_ok(&app, &customer.access_token, input.clone()).await;
    assert_eq!(retry["number"], numbers[0].as_str());

    assert_eq!(
        my_orders_count(&app, &customer.access_token).await,
        count_before + 1
    );
    assert_eq!(
        available(&app, MUG).await,
        available_before - 2,
        "allocated once"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reusing_an_idempotency_key_with_another_payload_is_conflict() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let key = new_key();
    let first = place_order_ok(&app, &customer.access_token, order_input(&key, &[(MUG, 1)])).await;
    let available_before = available(&app, MUG).await;

    let resp = place_order_raw(&app, &customer.access_token, order_input(&key, &[(MUG, 2)])).await;
    assert_error_code(&resp, "CONFLICT");
    let mut other_address = order_input(&key, &[(MUG, 1)]);
    other_address["shippingAddress"]["city"] = json!("Beijing");
    let resp = place_order_raw(&app, &customer.access_token, other_address).await;
    assert_error_code(&resp, "CONFLICT");

    assert_eq!(my_orders_count(&app, &customer.access_token).await, 1);
    assert_eq!(available(&app, MUG).await, available_before);
    // The original order is untouched.
    let number = first["number"].as_str().unwrap_or_default();
    let original = order_raw(&app, &customer.access_token, number).await;
    assert_eq!(assert_ok(&original)["order"]["lines"][0]["quantity"], 1);
    // The same key from another customer is their own, separate order.
    let other = new_customer(&app).await;
    let theirs = place_order_ok(&app, &other.access_token, order_input(&key, &[(MUG, 2)])).await;
    assert_ne!(theirs["number"], first["number"]);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_cannot_read_or_cancel_someone_elses_order() {
    let app = TestApp::spawn().await;
    let owner = app.login_as(Role::Customer).await;
    let stranger = new_customer(&app).await;
    let order = place_order_ok(
        &app,
        &owner.access_token,
        order_input(&new_key(), &[(TEA, 1)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default();
    let before = available(&app, TEA).await;

    let read = order_raw(&app, &stranger.access_token, number).await;
    assert_error_code(&read, "NOT_FOUND");
    let cancel = cancel_raw(&app, &stranger.access_token, number, Some("mine now")).await;
    assert_error_code(&cancel, "NOT_FOUND");
    // Same answer as for an order that does not exist.
    let missing = order_raw(&app, &stranger.access_token, "SO-2000-999999").await;
    assert_error_code(&missing, "NOT_FOUND");
    assert_eq!(my_orders_count(&app, &stranger.access_token).await, 0);
    // Customers have no access to the staff queue either.
    let queue = app
        .gql_as(
            &stranger.access_token,
            "{ orders { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        error_code(&queue).is_some(),
        "orders() is staff only: {queue}"
    );

    let mine = order_raw(&app, &owner.access_token, number).await;
    assert_eq!(assert_ok(&mine)["order"]["status"], "PENDING_PAYMENT");
    assert_eq!(available(&app, TEA).await, before);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_input_is_invalid_input_naming_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let count_before = my_orders_count(&app, &customer.access_token).await;
    let aud_before = available(&app, AUD).await;
    let mug_before = available(&app, MUG).await;

    let base = || order_input(&new_key(), &[(AUD, 1), (MUG, 1)]);
    let mut cases: Vec<(String, Value, &str)> = Vec::new();
    let mut c = base();
    c["lines"] = json!([]);
    cases.push(("no lines".into(), c, "lines"));
    for q in [0, -1, 1000] {
        let mut c = base();
        c["lines"][0]["quantity"] = json!(q);
        cases.push((format!("quantity {q}"), c, "lines[0].quantity"));
    }
    let mut c = base();
    c["lines"][1]["quantity"] = json!(0);
    cases.push((
        "quantity 0 on the second line".into(),
        c,
        "lines[1].quantity",
    ));
    let mut c = base();
    c["lines"][1]["sku"] = json!("NOPE-404");
    cases.push(("unknown SKU".into(), c, "lines[1].sku"));
    let mut c = base();
    c["lines"][0]["sku"] = json!("not a sku!");
    cases.push(("malformed SKU".into(), c, "lines[0].sku"));
    let mut c = base();
    c["lines"] = json!([{ "sku": AUD, "quantity": 600 }, { "sku": AUD, "quantity": 600 }]);
    cases.push(("merged quantity above 999".into(), c, "lines"));
    for f in ["name", "phone", "line1", "city", "postalCode", "country"] {
        let mut c = base();
        c["shippingAddress"][f] = json!("   ");
        cases.push((
            format!("blank address {f}"),
            c,
            match f {
                "name" => "shippingAddress.name",
                "phone" => "shippingAddress.phone",
                "line1" => "shippingAddress.line1",
                "city" => "shippingAddress.city",
                "postalCode" => "shippingAddress.postalCode",
                _ => "shippingAddress.country",
            },
        ));
    }
    let mut c = base();
    c["shippingMethod"] = json!("teleport");
    cases.push(("unknown shipping method".into(), c, "shippingMethod"));
    let mut c = base();
    c["note"] = json!("n".repeat(501));
    cases.push(("note of 501 characters".into(), c, "note"));
    for key in ["short", "has spaces in it", &"k".repeat(101)] {
        let mut c = base();
        c["idempotencyKey"] = json!(key);
        cases.push((format!("idempotency key {key:?}"), c, "idempotencyKey"));
    }
    let mut c = base();
    c["channel"] = json!("marketplace");
    cases.push(("a customer choosing a channel".into(), c, "channel"));

    for (what, input, field) in cases {
        let resp = place_order_raw(&app, &customer.access_token, input).await;
        assert_eq!(
            error_code(&resp),
            Some("INVALID_INPUT"),
            "{what}: expected INVALID_INPUT, got {resp}"
        );
        assert_eq!(error_field(&resp), Some(field), "{what}: {resp}");
        assert!(
            resp["data"].is_null() || resp["data"]["placeOrder"].is_null(),
            "{what}: {resp}"
        );
    }
    // Exactly 500 characters is fine (the boundary).
    let mut ok = order_input(&new_key(), &[(MUG, 1)]);
    ok["note"] = json!("n".repeat(500));
    place_order_ok(&app, &customer.access_token, ok).await;

    assert_eq!(
        my_orders_count(&app, &customer.access_token).await,
        count_before + 1,
        "only the valid order was written"
    );
    assert_eq!(available(&app, AUD).await, aud_before);
    assert_eq!(available(&app, MUG).await, mug_before - 1);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_sku_lines_are_merged_into_one_line_with_the_summed_quantity() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let before = available(&app, MUG).await;
    let price = catalog_price(&app, MUG).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(MUG, 1), (TEA, 1), ("mug-001", 2)]),
    )
    .await;
    let lines = order["lines"].as_array().expect("lines");
    let mugs: Vec<&Value> = lines.iter().filter(|l| l["sku"] == MUG).collect();
    assert_eq!(mugs.len(), 1, "one line per SKU: {order}");
    assert_eq!(mugs[0]["quantity"], 3);
    assert_eq!(minor(&mugs[0]["lineTotal"]["amount"]), price * 3);
    assert_eq!(lines.len(), 2);
    assert_eq!(available(&app, MUG).await, before - 3);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_walk_an_order_from_payment_to_completion_and_shipping_takes_stock_out() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let finance = app.login_as(Role::Finance).await;
    let keeper = app.login_as(Role::Warehouse).await;
    let support = app.login_as(Role::Support).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(AUD, 2)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default().to_owned();

    // The wrong role is refused and nothing changes: only finance and
    // admin record money.
    let resp = record_manual_raw(
        &app,
        &keeper.access_token,
        &number,
        "BANK_TRANSFER",
        minor(&order["total"]["amount"]),
        "BANK-WRONG-ROLE",
        &new_key(),
    )
    .await;
    assert_error_code(&resp, "FORBIDDEN");
    let unchanged = order_raw(&app, &customer.access_token, &number).await;
    assert_eq!(assert_ok(&unchanged)["order"]["status"], "PENDING_PAYMENT");
    // An action the state machine does not allow yet.
    let resp = advance_raw(&app, &keeper.access_token, &number, "SHIP_ALL").await;
    assert!(
        error_code(&resp).is_some(),
        "SHIP_ALL before payment: {resp}"
    );

    let step = |token: String, action: &'static str, to: &'static str| {
        let app = &app;
        let number = number.clone();
        async move {
            let resp = advance_raw(app, &token, &number, action).await;
            let o = assert_ok(&resp)["advanceOrder"].clone();
            assert_eq!(o["status"], to, "{action}: {o}");
            o
        }
    };
    // Paying is what confirms the order.
    pay_order_as(&app, &finance.access_token, &number).await;
    let paid = order_raw(&app, &customer.access_token, &number).await;
    assert_eq!(assert_ok(&paid)["order"]["status"], "CONFIRMED", "{paid}");
    // The order follows its shipments: nobody ships it by hand any more.
    let resp = advance_raw(&app, &keeper.access_token, &number, "START_PROCESSING").await;
    assert_error_code(&resp, "FORBIDDEN");
    assert_eq!(
        fulfil(&app, &keeper.access_token, &number, "PROCESSING").await,
        "PROCESSING"
    );

    let admin = app.login_as(Role::Admin).await;
    let staff_view = order_raw(&app, &admin.access_token, &number).await;
    let allocs = allocations_by_warehouse(&assert_ok(&staff_view)["order"], AUD);
    let before = stock_levels(&app, &keeper.access_token, AUD).await;
    let available_before = available(&app, AUD).await;
    assert_eq!(
        fulfil(&app, &keeper.access_token, &number, "SHIPPED").await,
        "SHIPPED"
    );
    let after = stock_levels(&app, &keeper.access_token, AUD).await;
    for (wh, level) in &before {
        let q = allocs.get(wh).copied().unwrap_or(0);
        assert_eq!(after[wh].on_hand, level.on_hand - q, "{wh} on hand");
        assert_eq!(after[wh].allocated, level.allocated - q, "{wh} allocated");
    }
    assert_eq!(allocs.values().sum::<i64>(), 2);
    assert_eq!(
        available(&app, AUD).await,
        available_before,
        "shipping does not change what is available"
    );

    assert_eq!(
        fulfil(&app, &keeper.access_token, &number, "DELIVERED").await,
        "DELIVERED"
    );
    let done = step(support.access_token.clone(), "COMPLETE", "COMPLETED").await;
    let kinds: Vec<(&str, &str)> = done["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] != "ROUTED" && e["type"] != "SHIPMENT")
        .map(|e| {
            (
                e["type"].as_str().unwrap_or(""),
                e["to"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("PLACED", "PENDING_PAYMENT"),
            ("PAYMENT", "PENDING_PAYMENT"),
            ("STATUS_CHANGED", "CONFIRMED"),
            ("STATUS_CHANGED", "PROCESSING"),
            ("STATUS_CHANGED", "SHIPPED"),
            ("STATUS_CHANGED", "DELIVERED"),
            ("STATUS_CHANGED", "COMPLETED"),
        ]
    );
    assert!(
        done["availableTransitions"]
            .as_array()
            .expect("transitions")
            .iter()
            .all(|t| t["allowed"] == false),
        "nothing is allowed on a completed order: {done}"
    );
    // A completed order cannot be cancelled, and no stock moves.
    let resp = cancel_raw(&app, &support.access_token, &number, Some("too late")).await;
    assert_error_code(&resp, "CONFLICT");
    assert_eq!(stock_levels(&app, &keeper.access_token, AUD).await, after);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_may_cancel_a_new_order_but_not_once_processing_has_started() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let finance = app.login_as(Role::Finance).await;
    let keeper = app.login_as(Role::Warehouse).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(TEA, 1)]),
    )
    .await;
    let number = order["number"].as_str().unwrap_or_default().to_owned();
    assert_eq!(transition(&order, "CANCEL")["allowed"], true, "{order}");
    assert_eq!(transition(&order, "START_PROCESSING")["allowed"], false);
    assert!(
        transition(&order, "START_PROCESSING")["reason"].is_string(),
        "a refused action says why: {order}"
    );

    pay_order_as(&app, &finance.access_token, &number).await;
    let confirmed = order_raw(&app, &customer.access_token, &number).await;
    assert_eq!(
        transition(&assert_ok(&confirmed)["order"], "CANCEL")["allowed"],
        true,
        "still cancellable once paid"
    );
    assert_eq!(
        fulfil(&app, &keeper.access_token, &number, "PROCESSING").await,
        "PROCESSING"
    );

    let processing = order_raw(&app, &customer.access_token, &number).await;
    let processing = &assert_ok(&processing)["order"];
    let cancel = transition(processing, "CANCEL");
    assert_eq!(cancel["allowed"], false, "{processing}");
    assert!(
        cancel["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{processing}"
    );
    let before = available(&app, TEA).await;
    let resp = cancel_raw(&app, &customer.access_token, &number, None).await;
    assert!(error_code(&resp).is_some(), "cancel refused: {resp}");
    let still = order_raw(&app, &customer.access_token, &number).await;
    assert_eq!(assert_ok(&still)["order"]["status"], "PROCESSING");
    assert_eq!(available(&app, TEA).await, before);
    assert_ledger_balanced(&app).await;
}

const QUEUE_SELECTION: &str = "edges { node { number lines { sku } events { type } allocations { sku } customer { email } } }";

/// Statements the server runs for one `orders(first: N)` request (the
/// smallest of a few runs, in case a background job ran at the same time).
async fn statements_for_queue(app: &TestApp, token: &str, first: i64) -> (u64, Value) {
    // Background work (the outbox dispatcher, the mail worker sending the
    // placed orders' emails) runs statements too: let it finish, then keep
    // the smallest of several measurements (an idle poll may still land in
    // one of them).
    for _ in 0..60 {
        let a = sql_statements(app).await;
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        if sql_statements(app).await - a <= 3 {
            break;
        }
    }
    let mut best: Option<(u64, Value)> = None;
    for _ in 0..5 {
        let before = sql_statements(app).await;
        let resp = app
            .gql_as(
                token,
                &format!("query($f: Int!) {{ orders(first: $f) {{ {QUEUE_SELECTION} }} }}"),
                json!({ "f": first }),
            )
            .await;
        let after = sql_statements(app).await;
        let data = assert_ok(&resp)["orders"].clone();
        let n = after - before;
        if best.as_ref().is_none_or(|(b, _)| n < *b) {
            best = Some((n, data));
        }
    }
    best.expect("measured at least once")
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_fifty_orders_runs_as_many_statements_as_listing_five() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    assert_ok(&adjust_stock_raw(&app, &keeper.access_token, MUG, "SHA", 500).await);
    assert_ok(&adjust_stock_raw(&app, &keeper.access_token, TEA, "CAN", 500).await);
    let customer = app.login_as(Role::Customer).await;
    // 50 orders of two SKUs, placed concurrently, then the 5 newest with one
    // line each: the two pages differ in size and in shape, not in the
    // number of statements they may take.
    let placed = join_all((0..50).map(|_| {
        place_order_raw(
            &app,
            &customer.access_token,
            order_input(&new_key(), &[(MUG, 1), (TEA, 1)]),
        )
    }))
    .await;
    for r in &placed {
        assert_ok(r);
    }
    for _ in 0..5 {
        place_order_ok(
            &app,
            &customer.access_token,
            order_input(&new_key(), &[(MUG, 1)]),
        )
        .await;
    }

    let admin = app.login_as(Role::Admin).await;
    let (five, page5) = statements_for_queue(&app, &admin.access_token, 5).await;
    let (fifty, page50) = statements_for_queue(&app, &admin.access_token, 50).await;
    let edges = page50["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 50);
    assert_eq!(page5["edges"].as_array().map(Vec::len), Some(5));
    for e in edges {
        let n = &e["node"];
        assert!(
            n["lines"].as_array().is_some_and(|l| !l.is_empty())
                && n["events"].as_array().is_some_and(|l| !l.is_empty())
                && n["allocations"].as_array().is_some_and(|l| !l.is_empty()),
            "every order has lines, events and allocations: {n}"
        );
    }
    assert!(five > 0, "the statement counter does not move");
    assert_eq!(
        fifty, five,
        "orders(first: 50) ran {fifty} statements, orders(first: 5) ran {five}: the number of statements must not depend on the page (N+1)"
    );
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_staff_order_for_a_new_customer_creates_no_account() {
    let app = TestApp::spawn().await;
    let support = app.login_as(Role::Support).await;
    let admin = app.login_as(Role::Admin).await;
    let emails = async |app: &TestApp| -> Vec<String> {
        let resp = app
            .gql_as(
                &admin.access_token,
                "{ users(role: CUSTOMER) { email } }",
                json!({}),
            )
            .await;
        assert_ok(&resp)["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["email"].as_str().map(str::to_owned))
            .collect()
    };
    let before = emails(&app).await;

    let ghost = "new-walk-in@example.org";
    let mut bad = order_input(&new_key(), &[]);
    bad["customerEmail"] = json!(ghost);
    bad["channel"] = json!("store");
    let resp = place_order_raw(&app, &support.access_token, bad).await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("lines"));
    let mut bad = order_input(&new_key(), &[(MUG, 1)]);
    bad["customerEmail"] = json!(ghost);
    bad["shippingMethod"] = json!("teleport");
    let resp = place_order_raw(&app, &support.access_token, bad).await;
    assert_error_code(&resp, "INVALID_INPUT");

    let after = emails(&app).await;
    assert!(
        !after.iter().any(|e| e == ghost),
        "a rejected order must write nothing, but created the customer account {ghost}"
    );
    assert_eq!(after.len(), before.len());
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_orders_naming_the_same_skus_in_opposite_order_all_succeed() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    // Both SKUs in one warehouse, so every order locks the same two rows.
    set_available(&app, &keeper.access_token, MUG, &[("SHA", 500)]).await;
    set_available(&app, &keeper.access_token, TEA, &[("SHA", 500)]).await;
    let buyers = join_all((0..4).map(|_| new_customer(&app))).await;

    let mut failures = Vec::new();
    let mut placed = 0;
    for _round in 0..3 {
        let responses = join_all((0..24).map(|i| {
            let lines: &[(&str, i64)] = if i % 2 == 0 {
                &[(MUG, 1), (TEA, 1)]
            } else {
                &[(TEA, 1), (MUG, 1)]
            };
            place_order_raw(
                &app,
                &buyers[i % buyers.len()].access_token,
                order_input(&new_key(), lines),
            )
        }))
        .await;
        for r in responses {
            if error_code(&r).is_none() {
                placed += 1;
            } else {
                failures.push(r);
            }
        }
    }
    let server_says: Vec<String> = app
        .stderr()
        .lines()
        .filter(|l| l.contains("deadlock"))
        .take(1)
        .map(str::to_owned)
        .collect();
    assert!(
        failures.is_empty(),
        "{} of 72 orders failed (lock order: stock levels must be updated in one global order), e.g. {}\nserver log: {server_says:?}",
        failures.len(),
        failures[0]
    );
    assert_eq!(placed, 72);
    let levels = stock_levels(&app, &keeper.access_token, MUG).await;
    assert_eq!(levels["SHA"].allocated, 72);
    let levels = stock_levels(&app, &keeper.access_token, TEA).await;
    assert_eq!(levels["SHA"].allocated, 72);
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn an_inactive_sku_cannot_be_ordered_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await;
    let customer = new_customer(&app).await;
    let before = available(&app, "MUG-002").await;

    let off = app
        .gql_as(
            &admin.access_token,
            "mutation { setProductActive(sku: \"MUG-002\", active: false) { sku } }",
            json!({}),
        )
        .await;
    assert_ok(&off);
    let product = app
        .gql("{ product(sku: \"MUG-002\") { sku } }", json!({}))
        .await;
    assert!(assert_ok(&product)["product"].is_null(), "{product}");

    let resp = place_order_raw(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("TEA-001", 1), ("MUG-002", 1)]),
    )
    .await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("lines[1].sku"), "{resp}");
    assert_eq!(my_orders_count(&app, &customer.access_token).await, 0);

    // Back on sale: the same order goes through and takes the stock.
    let on = app
        .gql_as(
            &admin.access_token,
            "mutation { setProductActive(sku: \"MUG-002\", active: true) { sku } }",
            json!({}),
        )
        .await;
    assert_ok(&on);
    assert_eq!(available(&app, "MUG-002").await, before);
    place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("TEA-001", 1), ("MUG-002", 1)]),
    )
    .await;
    assert_eq!(available(&app, "MUG-002").await, before - 1);
    assert_ledger_balanced(&app).await;
}
