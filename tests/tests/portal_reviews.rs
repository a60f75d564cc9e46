//! Reviews on the pages, with JavaScript off: the customer writes a review
//! from the order page's "Write a review" (form posts, errors shown), staff
//! publish and reply from the console's queue, and the product page shows
//! the rating and the review with its reply, HTML escaped, in English and
//! Chinese.

use crate::helpers::{Role, TestApp};
use crate::portal_orders::{page, post_form, sign_in};
use crate::reviews_helpers::{delivered_order, stock_up};

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_reviews_from_the_order_page_and_staff_publish_it_without_javascript() {
    let app = TestApp::spawn().await;
    stock_up(&app, &["AUD-001", "MUG-001"]).await;
    let token = app.login_as(Role::Customer).await.access_token;
    let number = delivered_order(&app, &token, &[("AUD-001", 1), ("MUG-001", 1)]).await;
    let review_page = format!("/orders/{number}/review");

    let customer = app.cookie_client();
    sign_in(&app, &customer, Role::Customer, "/orders").await;
    let html = page(&app, &customer, &format!("/orders/{number}")).await;
    assert!(html.contains("id=\"svc-write-review\""), "{html}");
    assert!(html.contains(&format!("href=\"{review_page}\"")), "{html}");
    let html = page(&app, &customer, &review_page).await;
    assert!(html.contains("id=\"review-aud-001\""), "{html}");
    assert!(html.contains("id=\"review-mug-001\""), "{html}");

    // A missing rating comes back with the error, nothing written.
    let (status, location) = post_form(
        &app,
        &customer,
        &review_page,
        &[
            ("sku", "AUD-001"),
            ("rating", ""),
            ("title", "t"),
            ("body", "b"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("{review_page}?error=INVALID_INPUT&field=rating")
    );
    let html = page(&app, &customer, &location).await;
    assert!(
        html.contains("Choose a rating from 1 to 5 stars."),
        "{html}"
    );
    assert!(
        html.contains("id=\"review-aud-001\""),
        "still to review: {html}"
    );

    let title = "<script>alert('x')</script> Loud";
    let (status, location) = post_form(
        &app,
        &customer,
        &review_page,
        &[
            ("sku", "AUD-001"),
            ("rating", "4"),
            ("title", title),
            ("body", "<b>bold</b> claim"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{review_page}?written=AUD-001").as_str())
    );
    let html = page(&app, &customer, &location).await;
    assert!(html.contains("id=\"form-done\""), "{html}");
    assert!(html.contains("Awaiting moderation"), "{html}");
    assert!(html.contains("id=\"edit-aud-001\""), "{html}");
    assert!(!html.contains("id=\"review-aud-001\""), "{html}");
    // In "My reviews", linking back to the order's review page.
    let mine = page(&app, &customer, "/account/reviews").await;
    assert!(mine.contains("data-status=\"PENDING\""), "{mine}");
    assert!(mine.contains(&format!("href=\"{review_page}\"")), "{mine}");
    assert!(mine.contains("&lt;script&gt;"), "{mine}");
    // Not public yet.
    let anonymous = app.cookie_client();
    let product = page(&app, &anonymous, "/products/AUD-001").await;
    assert!(product.contains("id=\"rating-none\""), "{product}");
    assert!(!product.contains("Loud"), "{product}");

    // Support publishes it and replies from the queue.
    let staff = app.cookie_client();
    sign_in(&app, &staff, Role::Support, "/console/service/reviews").await;
    let queue = page(&app, &staff, "/console/service/reviews").await;
    let at = queue
        .find("data-review-id=\"")
        .expect("a review in the queue")
        + 16;
    let id = queue[at..at + 36].to_owned();
    assert!(queue.contains(&format!("id=\"publish-{id}\"")), "{queue}");
    assert!(queue.contains("&lt;script&gt;"), "{queue}");
    // Rejecting needs a reason.
    let (_, location) = post_form(
        &app,
        &staff,
        &format!("/console/service/reviews/{id}/moderate"),
        &[
            ("decision", "REJECT"),
            ("reason", ""),
            ("back", "/console/service/reviews"),
        ],
    )
    .await;
    assert!(
        location.contains("error=INVALID_INPUT&field=reason"),
        "{location}"
    );
    let (status, location) = post_form(
        &app,
        &staff,
        &format!("/console/service/reviews/{id}/moderate"),
        &[
            ("decision", "PUBLISH"),
            ("back", "/console/service/reviews?status=PENDING"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("/console/service/reviews?status=PENDING&saved={id}")
    );
    let (_, location) = post_form(
        &app,
        &staff,
        &format!("/console/service/reviews/{id}/reply"),
        &[
            ("body", "Thanks <i>you</i>!"),
            ("back", "/console/service/reviews"),
        ],
    )
    .await;
    assert_eq!(location, format!("/console/service/reviews?saved={id}"));
    // Warehouse staff may not moderate.
    let keeper = app.cookie_client();
    sign_in(&app, &keeper, Role::Warehouse, "/console").await;
    let (_, location) = post_form(
        &app,
        &keeper,
        &format!("/console/service/reviews/{id}/moderate"),
        &[("decision", "REJECT"), ("reason", "no")],
    )
    .await;
    assert!(location.contains("error=FORBIDDEN"), "{location}");
    let denied = page(&app, &keeper, "/console/service/reviews").await;
    assert!(denied.contains("id=\"console-denied\""), "{denied}");
    assert!(!denied.contains("data-review-id"), "{denied}");
    // The queue in Chinese, the review published with its reply.
    let resp = staff.get(app.url("/lang/zh")).send().await.expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    let queue = page(&app, &staff, "/console/service/reviews?status=PUBLISHED").await;
    assert!(queue.contains("评价审核"), "{queue}");
    assert!(queue.contains("已发布"), "{queue}");
    assert!(queue.contains("Thanks &lt;i&gt;you&lt;/i&gt;!"), "{queue}");

    // On the product page: the rating, the review and the reply, escaped.
    let product = page(&app, &anonymous, "/products/AUD-001").await;
    assert!(product.contains("4.0 out of 5"), "{product}");
    assert!(product.contains("Reviews: 1"), "{product}");
    assert!(
        product.contains("data-stars=\"4\" data-count=\"1\""),
        "{product}"
    );
    assert!(product.contains("&lt;script&gt;alert("), "{product}");
    assert!(!product.contains("<script>alert("), "{product}");
    assert!(
        product.contains("&lt;b&gt;bold&lt;/b&gt; claim"),
        "{product}"
    );
    assert!(
        product.contains("Thanks &lt;i&gt;you&lt;/i&gt;!"),
        "{product}"
    );
    assert!(product.contains("Verified purchase"), "{product}");
    let resp = anonymous
        .get(app.url("/lang/zh"))
        .send()
        .await
        .expect("lang");
    assert!(resp.status().is_redirection() || resp.status().is_success());
    let product = page(&app, &anonymous, "/products/AUD-001").await;
    assert!(product.contains("顾客评价"), "{product}");
    assert!(product.contains("商家回复"), "{product}");

    // The customer sees it published, and edits it: back to moderation.
    let html = page(&app, &customer, &review_page).await;
    assert!(html.contains(">Published<"), "{html}");
    let (_, location) = post_form(
        &app,
        &customer,
        &format!("{review_page}/{id}/edit"),
        &[
            ("rating", "2"),
            ("title", "Changed"),
            (
                "body",
                "Worse after a week</textarea><b id=\"injected\">x</b>",
            ),
        ],
    )
    .await;
    assert_eq!(location, format!("{review_page}?written=1"));
    // The edit form shows the text as text, even a closing textarea tag.
    let html = page(&app, &customer, &review_page).await;
    assert!(!html.contains("<b id=\"injected\">"), "{html}");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;b id=\"injected\"&gt;"),
        "{html}"
    );
    let product = page(&app, &anonymous, "/products/AUD-001").await;
    assert!(product.contains("id=\"rating-none\""), "{product}");
}
