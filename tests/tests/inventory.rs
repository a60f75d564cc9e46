//! Inventory (issue 3): receiving stock, reorder points and low stock, the
//! ledger check, and who may change stock.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok};
use crate::order_helpers::*;

const MUG: &str = "MUG-001";
const TEA: &str = "TEA-001";

#[tokio::test(flavor = "multi_thread")]
async fn receiving_stock_increases_on_hand_and_available() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let before = stock_levels(&app, &keeper.access_token, MUG).await;
    let available_before = available(&app, MUG).await;
    let resp = app
        .gql_as(
            &keeper.access_token,
            "mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { sku warehouse { code } onHand allocated available } }",
            json!({ "i": { "sku": MUG, "warehouseCode": "CAN", "quantity": 25, "reference": "PO-4711" } }),
        )
        .await;
    let level = &assert_ok(&resp)["receiveStock"];
    let was = before.get("CAN").map(|l| l.on_hand).unwrap_or(0);
    assert_eq!(level["sku"], MUG);
    assert_eq!(level["warehouse"]["code"], "CAN");
    assert_eq!(level["onHand"], was + 25, "{level}");
    let after = stock_levels(&app, &keeper.access_token, MUG).await;
    assert_eq!(after["CAN"].on_hand, was + 25);
    assert_eq!(available(&app, MUG).await, available_before + 25);

    // Receiving nothing, or as a customer, changes nothing.
    let resp = app
        .gql_as(
            &keeper.access_token,
            "mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { onHand } }",
            json!({ "i": { "sku": MUG, "warehouseCode": "CAN", "quantity": 0 } }),
        )
        .await;
    assert_error_code(&resp, "INVALID_INPUT");
    let customer = app.login_as(Role::Customer).await;
    let resp = app
        .gql_as(
            &customer.access_token,
            "mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { onHand } }",
            json!({ "i": { "sku": MUG, "warehouseCode": "CAN", "quantity": 5 } }),
        )
        .await;
    assert_error_code(&resp, "FORBIDDEN");
    assert_eq!(stock_levels(&app, &keeper.access_token, MUG).await, after);
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn low_stock_lists_a_level_once_its_reorder_point_is_above_what_is_available() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let levels = set_available(&app, &keeper.access_token, TEA, &[("SHA", 7), ("CAN", 30)]).await;
    assert_eq!(levels["SHA"].available, 7);

    let low_stock = || async {
        let resp = app
            .gql_as(
                &keeper.access_token,
                "{ lowStock { sku warehouse { code } available reorderPoint } }",
                json!({}),
            )
            .await;
        assert_ok(&resp)["lowStock"]
            .as_array()
            .expect("lowStock list")
            .iter()
            .filter(|l| l["sku"] == TEA)
            .map(|l| {
                (
                    l["warehouse"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    l["available"].as_i64().unwrap_or(-1),
                    l["reorderPoint"].as_i64().unwrap_or(-1),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(low_stock().await, vec![], "no reorder point set yet");

    let resp = app
        .gql_as(
            &keeper.access_token,
            "mutation { setReorderPoint(sku: \"TEA-001\", warehouseCode: \"SHA\", reorderPoint: 10) { reorderPoint available } }",
            json!({}),
        )
        .await;
    assert_eq!(assert_ok(&resp)["setReorderPoint"]["reorderPoint"], 10);
    // CAN's point stays below its 30 available: not low.
    let resp = app
        .gql_as(
            &keeper.access_token,
            "mutation { setReorderPoint(sku: \"TEA-001\", warehouseCode: \"CAN\", reorderPoint: 29) { reorderPoint } }",
            json!({}),
        )
        .await;
    assert_ok(&resp);
    assert_eq!(low_stock().await, vec![("SHA".to_owned(), 7, 10)]);

    // Receiving enough takes it off the list.
    let resp = app
        .gql_as(
            &keeper.access_token,
            "mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { available } }",
            json!({ "i": { "sku": TEA, "warehouseCode": "SHA", "quantity": 4 } }),
        )
        .await;
    assert_eq!(assert_ok(&resp)["receiveStock"]["available"], 11);
    assert_eq!(low_stock().await, vec![]);

    // Customers cannot see or set reorder points.
    let customer = app.login_as(Role::Customer).await;
    let resp = app
        .gql_as(&customer.access_token, "{ lowStock { sku } }", json!({}))
        .await;
    assert_error_code(&resp, "FORBIDDEN");
    assert_ledger_balanced(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_hand_cannot_be_adjusted_below_what_orders_hold() {
    let app = TestApp::spawn().await;
    let keeper = app.login_as(Role::Warehouse).await;
    let customer = app.login_as(Role::Customer).await;
    set_available(&app, &keeper.access_token, MUG, &[("SHA", 5)]).await;
    place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[(MUG, 4)]),
    )
    .await;
    let before = stock_levels(&app, &keeper.access_token, MUG).await;
    assert_eq!((before["SHA"].on_hand, before["SHA"].allocated), (5, 4));

    let resp = adjust_stock_raw(&app, &keeper.access_token, MUG, "SHA", -2).await;
    assert_error_code(&resp, "CONFLICT");
    assert_eq!(stock_levels(&app, &keeper.access_token, MUG).await, before);
    let resp = adjust_stock_raw(&app, &keeper.access_token, MUG, "SHA", -1).await;
    assert_eq!(assert_ok(&resp)["adjustStock"]["available"], 0);
    assert_ledger_balanced(&app).await;
}
