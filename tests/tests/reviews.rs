//! Reviews (issue 9, point 5): a customer reviews a delivered order line
//! once; support moderates; published reviews and the product's rating
//! (kept incrementally) show on the product; authorization and races.
//! Helpers in reviews_helpers.rs.

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_error_code, assert_ok, error_code};
use crate::order_helpers::{error_field, new_customer};
use crate::reviews_helpers::*;

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

#[tokio::test(flavor = "multi_thread")]
async fn racing_moderators_count_each_published_review_exactly_once() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001"]).await;
    let support = app.login_as(Role::Support).await.access_token;
    let admin = app.login_as(Role::Admin).await.access_token;
    let mut ids = Vec::new();
    for rating in [5, 3, 4, 1] {
        let c = new_customer(&app).await.access_token;
        let n = delivered_order(&app, &c, &[("AUD-001", 1)]).await;
        ids.push((write_ok(&app, &c, &n, "AUD-001", rating).await, c, rating));
    }
    // The same review published by two moderators at once, twice over:
    // one wins, the other is CONFLICT, and it counts once.
    let (first, _, _) = &ids[0];
    let racers =
        [&support, &admin, &support, &admin].map(|t| moderate_raw(&app, t, first, "PUBLISH", None));
    let results = futures_util::future::join_all(racers).await;
    let won = results.iter().filter(|r| error_code(r).is_none()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter(|r| error_code(r).is_some()) {
        assert_error_code(r, "CONFLICT");
    }
    assert_rating(&app, &support, "AUD-001", &[5]).await;

    // Different reviews of the same product at once, and an edit racing
    // its own publication: the aggregate is exactly the published ones.
    let (second, _, _) = &ids[1];
    let (third, _, _) = &ids[2];
    let (fourth, author, _) = &ids[3];
    let calls = futures_util::future::join4(
        moderate_raw(&app, &support, second, "PUBLISH", None),
        moderate_raw(&app, &admin, third, "PUBLISH", None),
        moderate_raw(&app, &support, fourth, "PUBLISH", None),
        edit_raw(&app, author, fourth, 2),
    )
    .await;
    assert_ok(&calls.0);
    assert_ok(&calls.1);
    let resp = app
        .gql_as(
            &support,
            "query($id: ID!) { review(id: $id) { status rating } }",
            json!({ "id": fourth }),
        )
        .await;
    let fourth_now = assert_ok(&resp)["review"].clone();
    let mut published = vec![5, 3, 4];
    if fourth_now["status"] == "PUBLISHED" {
        published.push(fourth_now["rating"].as_i64().unwrap_or(0));
    }
    assert_rating(&app, &support, "AUD-001", &published).await;
}
