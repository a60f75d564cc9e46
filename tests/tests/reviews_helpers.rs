//! Helpers of the review tests (reviews.rs, portal_reviews.rs, demo.rs):
//! delivered orders to review, the review calls, and the product's rating
//! checked against a recomputation from the published reviews.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    fulfil, new_key, order_input, pay_order, place_order_ok, set_available,
};

pub(crate) const REVIEW_FIELDS: &str = "id sku productName rating title body status authorName \
    verifiedPurchase orderNumber rejectReason canEdit createdAt updatedAt publishedAt \
    reply { body repliedAt repliedBy }";

/// Gives every SKU the tests use plenty of stock at SHA.
pub(crate) async fn stock_up(app: &TestApp, skus: &[&str]) {
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    for sku in skus {
        set_available(app, &keeper, sku, &[("SHA", 100)]).await;
    }
}

/// Places, pays and delivers an order of `lines` for `customer`; its number.
pub(crate) async fn delivered_order(
    app: &TestApp,
    customer: &str,
    lines: &[(&str, i64)],
) -> String {
    let number = placed_paid(app, customer, lines).await;
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    assert_eq!(
        fulfil(app, &keeper, &number, "DELIVERED").await,
        "DELIVERED"
    );
    number
}

/// Places and pays an order (CONFIRMED, nothing shipped); its number.
pub(crate) async fn placed_paid(app: &TestApp, customer: &str, lines: &[(&str, i64)]) -> String {
    let order = place_order_ok(app, customer, order_input(&new_key(), lines)).await;
    let number = order["number"].as_str().expect("number").to_owned();
    pay_order(app, &number).await;
    number
}

/// The raw `writeReview` response.
pub(crate) async fn write_raw(
    app: &TestApp,
    token: &str,
    number: &str,
    sku: &str,
    rating: i64,
    title: &str,
    body: &str,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($n: String!, $s: String!, $r: Int!, $t: String!, $b: String!) {{ \
             writeReview(orderNumber: $n, sku: $s, rating: $r, title: $t, body: $b) {{ {REVIEW_FIELDS} }} }}"
        ),
        json!({ "n": number, "s": sku, "r": rating, "t": title, "b": body }),
    )
    .await
}

/// Writes a review, panicking on errors; returns its id.
pub(crate) async fn write_ok(
    app: &TestApp,
    token: &str,
    number: &str,
    sku: &str,
    rating: i64,
) -> String {
    let resp = write_raw(
        app,
        token,
        number,
        sku,
        rating,
        "My title",
        "My review text",
    )
    .await;
    let r = assert_ok(&resp)["writeReview"].clone();
    assert_eq!(r["status"], "PENDING", "{r}");
    assert_eq!(r["verifiedPurchase"], true, "{r}");
    assert_eq!(r["orderNumber"], number, "{r}");
    r["id"].as_str().expect("id").to_owned()
}

pub(crate) async fn edit_raw(app: &TestApp, token: &str, id: &str, rating: i64) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($id: ID!, $r: Int!) {{ editReview(id: $id, rating: $r, title: \"Edited\", \
             body: \"Changed my mind\") {{ {REVIEW_FIELDS} }} }}"
        ),
        json!({ "id": id, "r": rating }),
    )
    .await
}

pub(crate) async fn moderate_raw(
    app: &TestApp,
    token: &str,
    id: &str,
    decision: &str,
    reason: Option<&str>,
) -> Value {
    app.gql_as(
        token,
        &format!(
            "mutation($id: ID!, $d: ReviewDecision!, $why: String) {{ \
             moderateReview(id: $id, decision: $d, reason: $why) {{ {REVIEW_FIELDS} }} }}"
        ),
        json!({ "id": id, "d": decision, "why": reason }),
    )
    .await
}

pub(crate) async fn moderate_ok(app: &TestApp, token: &str, id: &str, decision: &str) -> Value {
    let reason = (decision == "REJECT").then_some("not about the product");
    let resp = moderate_raw(app, token, id, decision, reason).await;
    assert_ok(&resp)["moderateReview"].clone()
}

/// `product(sku) { rating reviews }` as anyone.
pub(crate) async fn product_reviews(app: &TestApp, sku: &str) -> Value {
    let resp = app
        .gql(
            &format!(
                "query($s: String!) {{ product(sku: $s) {{ rating {{ average count ratingSum \
                 distribution {{ stars count }} }} reviews(first: 100) {{ totalCount \
                 edges {{ node {{ {REVIEW_FIELDS} }} }} }} }} }}"
            ),
            json!({ "s": sku }),
        )
        .await;
    assert_ok(&resp)["product"].clone()
}

pub(crate) fn review_ids(product: &Value) -> Vec<String> {
    product["reviews"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `(count, sum, {stars: count})` of a product's rating as the API reports it.
pub(crate) fn reported(product: &Value) -> (i64, i64, BTreeMap<i64, i64>) {
    let r = &product["rating"];
    let dist = r["distribution"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["stars"].as_i64().unwrap_or(0),
                b["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    (
        r["count"].as_i64().unwrap_or(-1),
        r["ratingSum"].as_i64().unwrap_or(-1),
        dist,
    )
}

/// The same, recomputed from the moderation queue's PUBLISHED reviews.
pub(crate) async fn recomputed(
    app: &TestApp,
    support: &str,
    sku: &str,
) -> (i64, i64, BTreeMap<i64, i64>) {
    let resp = app
        .gql_as(
            support,
            "query($s: String!) { reviews(filter: { status: PUBLISHED, sku: $s }, first: 100) { \
             totalCount edges { node { rating status } } } }",
            json!({ "s": sku }),
        )
        .await;
    let edges = assert_ok(&resp)["reviews"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut dist: BTreeMap<i64, i64> = (1..=5).map(|s| (s, 0)).collect();
    let mut sum = 0;
    for e in &edges {
        assert_eq!(e["node"]["status"], "PUBLISHED");
        let r = e["node"]["rating"].as_i64().unwrap_or(0);
        sum += r;
        *dist.entry(r).or_default() += 1;
    }
    (edges.len() as i64, sum, dist)
}

/// Checks the reported aggregate against the recomputation and the
/// expected ratings; and the average, rounded half up to 0.1.
pub(crate) async fn assert_rating(app: &TestApp, support: &str, sku: &str, ratings: &[i64]) {
    let product = product_reviews(app, sku).await;
    let got = reported(&product);
    assert_eq!(got, recomputed(app, support, sku).await, "{product}");
    let mut dist: BTreeMap<i64, i64> = (1..=5).map(|s| (s, 0)).collect();
    for r in ratings {
        *dist.entry(*r).or_default() += 1;
    }
    let sum: i64 = ratings.iter().sum();
    assert_eq!(got, (ratings.len() as i64, sum, dist), "{product}");
    let average = &product["rating"]["average"];
    if ratings.is_empty() {
        assert!(average.is_null(), "{product}");
    } else {
        let n = ratings.len() as i64;
        let tenths = (20 * sum + n) / (2 * n);
        let got = (average.as_f64().unwrap_or(-1.0) * 10.0).round() as i64;
        assert_eq!(got, tenths, "{product}");
    }
    assert_eq!(
        product["reviews"]["totalCount"].as_i64(),
        Some(ratings.len() as i64),
        "{product}"
    );
    // Five buckets, 5 stars first.
    let stars: Vec<i64> = product["rating"]["distribution"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["stars"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(stars, vec![5, 4, 3, 2, 1]);
}

pub(crate) async fn service_actions(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { serviceActions \
             lineReviews { sku name delivered canReview review { id status } } } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"].clone()
}

pub(crate) fn can_write(order: &Value) -> bool {
    order["serviceActions"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "WRITE_REVIEW"))
}

pub(crate) async fn my_review_count(app: &TestApp, token: &str) -> i64 {
    let resp = app
        .gql_as(token, "{ myReviews(first: 100) { totalCount } }", json!({}))
        .await;
    assert_ok(&resp)["myReviews"]["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

/// The demo's reviews (called from the demo test, which seeds the demo
/// orders): published with and without a staff reply, pending and
/// rejected, and the ratings that follow from them.
pub(crate) async fn assert_demo_reviews(app: &TestApp) {
    let support = app.login_as(Role::Support).await.access_token;
    let q = "{ reviews(first: 100) { edges { node { sku status rating rejectReason reply { body } } } } }";
    let resp = app.gql_as(&support, q, json!({})).await;
    let all: Vec<Value> = assert_ok(&resp)["reviews"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"].clone())
        .collect();
    let find = |sku: &str| {
        all.iter()
            .find(|r| r["sku"] == sku)
            .cloned()
            .unwrap_or_else(|| panic!("no demo review of {sku}: {all:?}"))
    };
    let earbuds = find("AUD-001");
    assert_eq!(earbuds["status"], "PUBLISHED", "{earbuds}");
    assert!(earbuds["reply"]["body"].is_string(), "{earbuds}");
    let mug = find("MUG-001");
    assert_eq!(mug["status"], "PUBLISHED", "{mug}");
    assert!(mug["reply"].is_null(), "{mug}");
    let tea = find("TEA-001");
    assert_eq!(tea["status"], "REJECTED", "{tea}");
    assert!(tea["rejectReason"].is_string(), "{tea}");
    assert_eq!(find("TOY-001")["status"], "PENDING");
    // Pending first in the queue.
    assert_eq!(all[0]["status"], "PENDING", "{all:?}");
    assert_rating(app, &support, "AUD-001", &[5]).await;
    assert_rating(app, &support, "MUG-001", &[4]).await;
    assert_rating(app, &support, "TEA-001", &[]).await;
    // The demo customer can still review the bag they collected.
    let customer = app.login_as(Role::Customer).await.access_token;
    let mine = app
        .gql_as(
            &customer,
            "{ myOrders(first: 50) { edges { node { number serviceActions lineReviews { sku canReview } } } } }",
            json!({}),
        )
        .await;
    let open: Vec<String> = assert_ok(&mine)["myOrders"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| {
            e["node"]["lineReviews"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|l| l["canReview"] == true)
        .map(|l| l["sku"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(open.contains(&"BAG-003".to_owned()), "{mine}");
    assert!(
        !open.contains(&"TOY-001".to_owned()),
        "reviewed already: {mine}"
    );
}
