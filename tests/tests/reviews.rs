//! Reviews (issue 9, point 5): a customer reviews a delivered order line
//! once; support moderates; published reviews and the product's rating
//! (kept incrementally) show on the product; authorization and races.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::{
    error_field, fulfil, new_customer, new_key, order_input, pay_order, place_order_ok,
    set_available,
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
async fn placed_paid(app: &TestApp, customer: &str, lines: &[(&str, i64)]) -> String {
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
async fn write_ok(app: &TestApp, token: &str, number: &str, sku: &str, rating: i64) -> String {
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

async fn edit_raw(app: &TestApp, token: &str, id: &str, rating: i64) -> Value {
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

async fn moderate_raw(
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

async fn moderate_ok(app: &TestApp, token: &str, id: &str, decision: &str) -> Value {
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

fn review_ids(product: &Value) -> Vec<String> {
    product["reviews"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `(count, sum, {stars: count})` of a product's rating as the API reports it.
fn reported(product: &Value) -> (i64, i64, BTreeMap<i64, i64>) {
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
async fn recomputed(app: &TestApp, support: &str, sku: &str) -> (i64, i64, BTreeMap<i64, i64>) {
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
async fn assert_rating(app: &TestApp, support: &str, sku: &str, ratings: &[i64]) {
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

async fn service_actions(app: &TestApp, token: &str, number: &str) -> Value {
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

fn can_write(order: &Value) -> bool {
    order["serviceActions"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "WRITE_REVIEW"))
}

async fn my_review_count(app: &TestApp, token: &str) -> i64 {
    let resp = app
        .gql_as(token, "{ myReviews(first: 100) { totalCount } }", json!({}))
        .await;
    assert_ok(&resp)["myReviews"]["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread")]
async fn reviews_are_moderated_and_the_rating_follows_every_publish_edit_and_rejection() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001", "MUG-001"]).await;
    let support = app.login_as(Role::Support).await.access_token;
    let (a, b, c) = (
        new_customer(&app).await.access_token,
        new_customer(&app).await.access_token,
        new_customer(&app).await.access_token,
    );
    let lines = [("AUD-001", 1), ("MUG-001", 1)];
    let na = delivered_order(&app, &a, &lines).await;
    let nb = delivered_order(&app, &b, &lines).await;
    let nc = delivered_order(&app, &c, &lines).await;
    assert_rating(&app, &support, "AUD-001", &[]).await;

    // The order page offers a review of each delivered line.
    let order = service_actions(&app, &a, &na).await;
    assert!(can_write(&order), "{order}");
    let per_line = order["lineReviews"].as_array().cloned().unwrap_or_default();
    assert_eq!(per_line.len(), 2, "{order}");
    assert!(
        per_line
            .iter()
            .all(|l| l["delivered"] == true && l["canReview"] == true)
    );

    // Written: PENDING, not on the product page.
    let ra = write_ok(&app, &a, &na, "AUD-001", 5).await;
    assert!(!review_ids(&product_reviews(&app, "AUD-001").await).contains(&ra));
    assert_rating(&app, &support, "AUD-001", &[]).await;
    let order = service_actions(&app, &a, &na).await;
    let aud = order["lineReviews"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["sku"] == "AUD-001").cloned())
        .unwrap_or_default();
    assert_eq!(aud["canReview"], false, "{order}");
    assert_eq!(aud["review"]["id"], ra.as_str(), "{order}");
    assert!(can_write(&order), "the mug is still to review: {order}");

    // The same line again: CONFLICT (the SKU is written in lower case).
    let again = write_raw(&app, &a, &na, "aud-001", 4, "Again", "Second try").await;
    assert_error_code(&again, "CONFLICT");

    // Published: on the product page, in the rating.
    let published = moderate_ok(&app, &support, &ra, "PUBLISH").await;
    assert_eq!(published["status"], "PUBLISHED", "{published}");
    assert!(published["publishedAt"].is_string(), "{published}");
    assert!(review_ids(&product_reviews(&app, "AUD-001").await).contains(&ra));
    assert_rating(&app, &support, "AUD-001", &[5]).await;
    // Publishing it twice is refused.
    assert_error_code(
        &moderate_raw(&app, &support, &ra, "PUBLISH", None).await,
        "CONFLICT",
    );

    let rb = write_ok(&app, &b, &nb, "AUD-001", 4).await;
    let rc = write_ok(&app, &c, &nc, "AUD-001", 2).await;
    moderate_ok(&app, &support, &rb, "PUBLISH").await;
    assert_rating(&app, &support, "AUD-001", &[5, 4]).await;
    moderate_ok(&app, &support, &rc, "PUBLISH").await;
    // 11 / 3 = 3.67 → 3.7
    assert_rating(&app, &support, "AUD-001", &[5, 4, 2]).await;
    let product = product_reviews(&app, "AUD-001").await;
    assert_eq!(
        product["rating"]["average"].as_f64(),
        Some(3.7),
        "{product}"
    );

    // Editing a published review takes it out until it is moderated again.
    let edited = assert_ok(&edit_raw(&app, &a, &ra, 3).await)["editReview"].clone();
    assert_eq!(edited["status"], "PENDING", "{edited}");
    assert_eq!(edited["rating"], 3, "{edited}");
    assert!(!review_ids(&product_reviews(&app, "AUD-001").await).contains(&ra));
    assert_rating(&app, &support, "AUD-001", &[4, 2]).await;

    // Rejecting needs a reason; a rejected review stays out.
    let no_reason = moderate_raw(&app, &support, &ra, "REJECT", None).await;
    assert_error_code(&no_reason, "INVALID_INPUT");
    assert_eq!(error_field(&no_reason), Some("reason"), "{no_reason}");
    let rejected = moderate_ok(&app, &support, &ra, "REJECT").await;
    assert_eq!(rejected["status"], "REJECTED", "{rejected}");
    assert_eq!(
        rejected["rejectReason"], "not about the product",
        "{rejected}"
    );
    assert_rating(&app, &support, "AUD-001", &[4, 2]).await;
    assert_error_code(
        &moderate_raw(&app, &support, &ra, "PUBLISH", None).await,
        "CONFLICT",
    );
    // Its author sees why.
    let mine = app
        .gql_as(
            &a,
            "query($id: ID!) { review(id: $id) { status rejectReason } }",
            json!({ "id": ra }),
        )
        .await;
    assert_eq!(
        assert_ok(&mine)["review"]["rejectReason"],
        "not about the product"
    );

    // A published review taken down leaves the rating.
    moderate_ok(&app, &support, &rc, "REJECT").await;
    assert_rating(&app, &support, "AUD-001", &[4]).await;

    // The rejected one, edited, is moderated again and published.
    let edited = assert_ok(&edit_raw(&app, &a, &ra, 1).await)["editReview"].clone();
    assert_eq!(edited["status"], "PENDING", "{edited}");
    assert!(edited["rejectReason"].is_null(), "{edited}");
    assert_rating(&app, &support, "AUD-001", &[4]).await;
    moderate_ok(&app, &support, &ra, "PUBLISH").await;
    assert_rating(&app, &support, "AUD-001", &[4, 1]).await;

    // Pending first in the queue.
    let rm = write_ok(&app, &c, &nc, "MUG-001", 5).await;
    let queue = app
        .gql_as(
            &support,
            "{ reviews(first: 100) { totalCount edges { node { id status } } } }",
            json!({}),
        )
        .await;
    let queue = assert_ok(&queue)["reviews"].clone();
    assert_eq!(queue["totalCount"], 4, "{queue}");
    assert_eq!(queue["edges"][0]["node"]["id"], rm.as_str(), "{queue}");
    assert_eq!(queue["edges"][0]["node"]["status"], "PENDING", "{queue}");

    // A staff reply shows publicly with the review.
    let reply = app
        .gql_as(
            &support,
            &format!("mutation($id: ID!) {{ replyToReview(id: $id, body: \"Thanks, sorry about that!\") {{ {REVIEW_FIELDS} }} }}"),
            json!({ "id": rb }),
        )
        .await;
    assert_eq!(
        assert_ok(&reply)["replyToReview"]["reply"]["body"],
        "Thanks, sorry about that!"
    );
    let product = product_reviews(&app, "AUD-001").await;
    let shown = product["reviews"]["edges"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["node"]["id"] == rb.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(
        shown["node"]["reply"]["body"], "Thanks, sorry about that!",
        "{product}"
    );
    assert_eq!(
        shown["node"]["reply"]["repliedBy"], "Sam Support",
        "{product}"
    );
    // The public does not see the order or moderation details.
    assert!(shown["node"]["orderNumber"].is_null(), "{product}");
    assert_eq!(shown["node"]["canEdit"], false, "{product}");

    // Once every delivered line is reviewed the action disappears.
    write_ok(&app, &a, &na, "MUG-001", 4).await;
    assert!(!can_write(&service_actions(&app, &a, &na).await));
    assert_eq!(my_review_count(&app, &a).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_reviews_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001", "MUG-001"]).await;
    let a = new_customer(&app).await.access_token;
    let delivered = delivered_order(&app, &a, &[("AUD-001", 1)]).await;
    let undelivered = placed_paid(&app, &a, &[("MUG-001", 1)]).await;
    // Not delivered yet: no review action.
    assert!(!can_write(&service_actions(&app, &a, &undelivered).await));

    for (rating, title, body, field) in [
        (0, "t", "b", "rating"),
        (6, "t", "b", "rating"),
        (5, "", "b", "title"),
        (5, "t", " ", "body"),
    ] {
        let resp = write_raw(&app, &a, &delivered, "AUD-001", rating, title, body).await;
        assert_error_code(&resp, "INVALID_INPUT");
        assert_eq!(error_field(&resp), Some(field), "{resp}");
    }
    let long = "x".repeat(121);
    let resp = write_raw(&app, &a, &delivered, "AUD-001", 5, &long, "b").await;
    assert_eq!(error_field(&resp), Some("title"), "{resp}");
    // A product not on the order, and a line not delivered.
    let resp = write_raw(&app, &a, &delivered, "MUG-001", 5, "t", "b").await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("sku"), "{resp}");
    let resp = write_raw(&app, &a, &undelivered, "MUG-001", 5, "t", "b").await;
    assert_error_code(&resp, "INVALID_INPUT");
    assert_eq!(error_field(&resp), Some("sku"), "{resp}");
    assert_eq!(my_review_count(&app, &a).await, 0);

    // Edits are checked the same way, and change nothing.
    let id = write_ok(&app, &a, &delivered, "AUD-001", 5).await;
    for bad in [0, 6] {
        let resp = edit_raw(&app, &a, &id, bad).await;
        assert_eq!(error_field(&resp), Some("rating"), "{resp}");
    }
    let resp = app
        .gql_as(
            &a,
            "query($id: ID!) { review(id: $id) { rating title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["review"],
        json!({ "rating": 5, "title": "My title" })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_else_sees_or_changes_a_pending_review_and_only_support_moderates() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001"]).await;
    let a = new_customer(&app).await.access_token;
    let b = new_customer(&app).await.access_token;
    let number = delivered_order(&app, &a, &[("AUD-001", 1)]).await;
    let id = write_ok(&app, &a, &number, "AUD-001", 4).await;

    // Another customer: NOT_FOUND, as for a missing review.
    let q = "query($id: ID!) { review(id: $id) { id } }";
    assert_error_code(&app.gql_as(&b, q, json!({ "id": id })).await, "NOT_FOUND");
    assert_error_code(&app.gql(q, json!({ "id": id })).await, "NOT_FOUND");
    assert_error_code(&edit_raw(&app, &b, &id, 1).await, "NOT_FOUND");
    assert_error_code(
        &write_raw(&app, &b, &number, "AUD-001", 1, "t", "b").await,
        "NOT_FOUND",
    );
    assert_eq!(my_review_count(&app, &b).await, 0);
    // Nor on the order's line list of a stranger (they cannot see the order).
    let resp = app
        .gql_as(
            &b,
            "query($n: String!) { order(number: $n) { lineReviews { review { id } } } }",
            json!({ "n": number }),
        )
        .await;
    assert_error_code(&resp, "NOT_FOUND");

    // Only support and admins moderate, reply and read the queue.
    for role in [Role::Warehouse, Role::Finance] {
        let t = app.login_as(role).await.access_token;
        assert_error_code(
            &moderate_raw(&app, &t, &id, "PUBLISH", None).await,
            "FORBIDDEN",
        );
        let reply = app
            .gql_as(
                &t,
                "mutation($id: ID!) { replyToReview(id: $id, body: \"hi\") { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_error_code(&reply, "FORBIDDEN");
        assert_error_code(
            &app.gql_as(&t, "{ reviews { totalCount } }", json!({}))
                .await,
            "FORBIDDEN",
        );
        // Staff who do not moderate do not see it either.
        assert_error_code(&app.gql_as(&t, q, json!({ "id": id })).await, "NOT_FOUND");
    }
    assert_error_code(
        &moderate_raw(&app, &a, &id, "PUBLISH", None).await,
        "FORBIDDEN",
    );
    assert_error_code(
        &moderate_raw(&app, &b, &id, "PUBLISH", None).await,
        "FORBIDDEN",
    );
    let support = app.login_as(Role::Support).await.access_token;
    assert_error_code(&edit_raw(&app, &support, &id, 1).await, "FORBIDDEN");
    let seen = app.gql_as(&support, q, json!({ "id": id })).await;
    assert_eq!(assert_ok(&seen)["review"]["id"], id.as_str());
    let admin = app.login_as(Role::Admin).await.access_token;
    let published = moderate_ok(&app, &admin, &id, "PUBLISH").await;
    assert_eq!(published["status"], "PUBLISHED");
    // Published: everyone sees it.
    assert_eq!(
        assert_ok(&app.gql_as(&b, q, json!({ "id": id })).await)["review"]["id"],
        id.as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn racing_reviews_of_the_same_line_leave_exactly_one() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001"]).await;
    let a = new_customer(&app).await.access_token;
    let number = delivered_order(&app, &a, &[("AUD-001", 1)]).await;
    let racers = (0..6).map(|i| {
        let (app, a, number) = (&app, a.clone(), number.clone());
        async move { write_raw(app, &a, &number, "AUD-001", 1 + i % 5, "Race", "Who wins?").await }
    });
    let results = futures_util::future::join_all(racers).await;
    let won = results.iter().filter(|r| error_code(r).is_none()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter(|r| error_code(r).is_some()) {
        assert_error_code(r, "CONFLICT");
    }
    assert_eq!(my_review_count(&app, &a).await, 1);
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
    assert_eq!(open, vec!["BAG-003".to_owned()], "{mine}");
}
