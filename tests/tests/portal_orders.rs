//! The order screens with JavaScript off: plain form posts and pages, as a
//! browser without scripts would use them (cookies kept, redirects read).

use serde_json::json;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    assert_ledger_balanced, available, fulfil, my_orders_count, new_key, order_input, pay_order,
    place_order_ok, stock_levels,
};

/// POSTs a form with our own Origin, as a browser does; returns status and Location.
pub(crate) async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let resp = client
        .post(app.url(path))
        .header("Origin", &app.addr)
        .form(form)
        .send()
        .await
        .expect("form post");
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (resp.status().as_u16(), location)
}

pub(crate) async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let resp = client
        .get(app.url(path))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.text().await.expect("page body")
}

pub(crate) async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    role: Role,
    next: &str,
) -> String {
    let (status, location) = post_form(
        app,
        client,
        "/auth/login",
        &[
            ("email", &role.email()),
            ("password", &role.password()),
            ("next", next),
        ],
    )
    .await;
    assert_eq!(status, 303, "login as {role:?}");
    location
}

fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} field in the page"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

const ADDRESS: &[(&str, &str)] = &[
    ("name", "Li Lei"),
    ("phone", "+86 138 0000 0000"),
    ("line1", "1 Nanjing Road"),
    ("city", "Shanghai"),
    ("postalCode", "200001"),
    ("country", "CN"),
    ("shippingMethod", "express"),
];

#[tokio::test]
async fn a_guest_fills_a_cart_signs_in_checks_out_and_cancels_without_javascript() {
    let app = TestApp::spawn().await;
    let browser = app.cookie_client();
    let before = available(&app, "TEA-001").await;

    // A guest fills the cart.
    let (status, location) = post_form(
        &app,
        &browser,
        "/cart/add",
        &[("sku", "TEA-001"), ("quantity", "2"), ("next", "/cart")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/cart"), "{location}");
    let cart = page(&app, &browser, "/cart").await;
    assert!(cart.contains("cart-line"), "the cart page lists the line");
    assert!(cart.contains("Longjing Green Tea 100g"));

    // Checking out needs an account: sign in and come back.
    let (status, location) = post_form(&app, &browser, "/checkout", ADDRESS).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/login"), "{location}");
    let back = sign_in(&app, &browser, Role::Customer, "/checkout").await;
    assert_eq!(back, "/checkout");
    let checkout = page(&app, &browser, "/checkout").await;
    let key = hidden_value(&checkout, "idempotencyKey");
    assert!(key.len() >= 8, "checkout renders an idempotency key");

    let customer = app.login_as(Role::Customer).await;
    let orders_before = my_orders_count(&app, &customer.access_token).await;
    let mut form = ADDRESS.to_vec();
    form.push(("idempotencyKey", &key));
    let (status, location) = post_form(&app, &browser, "/checkout", &form).await;
    assert_eq!(status, 303);
    let number = location
        .strip_prefix("/orders/")
        .and_then(|rest| rest.strip_suffix("?placed=1"))
        .unwrap_or_else(|| panic!("checkout should land on the order page, got {location}"))
        .to_owned();
    assert_eq!(
        my_orders_count(&app, &customer.access_token).await,
        orders_before + 1
    );
    assert_eq!(available(&app, "TEA-001").await, before - 2);

    // The confirmation page shows the order; the cart is empty again.
    let order_page = page(&app, &browser, &location).await;
    assert!(order_page.contains(&number));
    assert!(order_page.contains("data-status=\"PENDING_PAYMENT\""));
    // Thanked on arrival from checkout, not on every later visit.
    assert!(order_page.contains("id=\"order-placed\""));
    let later = page(&app, &browser, &format!("/orders/{number}")).await;
    assert!(later.contains("data-status=\"PENDING_PAYMENT\""));
    assert!(
        !later.contains("id=\"order-placed\""),
        "thanked again on a later visit"
    );
    assert!(
        order_page.contains("cancel-order"),
        "a cancel button while allowed"
    );
    let cart = page(&app, &browser, "/cart").await;
    assert!(!cart.contains("cart-line"), "the cart was emptied");

    // Cancel from the order page.
    let (status, _) = post_form(
        &app,
        &browser,
        &format!("/orders/{number}/cancel"),
        &[("reason", "changed my mind")],
    )
    .await;
    assert_eq!(status, 303);
    let order_page = page(&app, &browser, &location).await;
    assert!(order_page.contains("data-status=\"CANCELLED\""));
    assert!(
        !order_page.contains("id=\"cancel-order\""),
        "no cancel button any more"
    );
    assert_eq!(available(&app, "TEA-001").await, before);
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn staff_work_orders_and_stock_from_the_console_without_javascript() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        &app,
        &customer.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().unwrap().to_owned();

    let admin = app.cookie_client();
    sign_in(&app, &admin, Role::Admin, "/console").await;
    let queue = page(&app, &admin, "/console/orders?status=PENDING_PAYMENT").await;
    assert!(queue.contains("order-row") && queue.contains(&number));

    // Paid (finance records the bank transfer): the console shows it confirmed.
    pay_order(&app, &number).await;
    let order_page = page(&app, &admin, &format!("/console/orders/{number}")).await;
    assert!(order_page.contains("data-status=\"CONFIRMED\""));

    // A staff action from the order page: the order follows its
    // shipments now, so moving it by hand is refused with the reason.
    let (status, location) = post_form(
        &app,
        &admin,
        &format!("/console/orders/{number}/action"),
        &[("action", "START_PROCESSING"), ("note", "picking today")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.contains("reason=ROLE_NOT_ALLOWED"), "{location}");
    let keeper = app.login_as(Role::Warehouse).await.access_token;
    assert_eq!(
        fulfil(&app, &keeper, &number, "PROCESSING").await,
        "PROCESSING"
    );
    let order_page = page(&app, &admin, &format!("/console/orders/{number}")).await;
    assert!(order_page.contains("data-status=\"PROCESSING\""));
    assert!(
        order_page.contains("allocation"),
        "staff see the allocations"
    );

    // A stock adjustment from the inventory page.
    let token = app.login_as(Role::Admin).await.access_token;
    let sha_before = stock_levels(&app, &token, "MUG-001").await["SHA"].on_hand;
    let (status, _) = post_form(
        &app,
        &admin,
        "/console/inventory/adjust",
        &[
            ("sku", "MUG-001"),
            ("warehouseCode", "SHA"),
            ("delta", "5"),
            ("reason", "count correction"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        stock_levels(&app, &token, "MUG-001").await["SHA"].on_hand,
        sha_before + 5
    );

    // An order entered for a walk-in customer in the store channel.
    let form_page = page(&app, &admin, "/console/orders/new").await;
    let key = hidden_value(&form_page, "idempotencyKey");
    let mut form = vec![
        ("customerEmail", "walk-in@example.org"),
        ("channel", "store"),
        ("sku", "BAG-001"),
        ("quantity", "2"),
        ("idempotencyKey", key.as_str()),
    ];
    form.extend_from_slice(ADDRESS);
    let (status, location) = post_form(&app, &admin, "/console/orders/new", &form).await;
    assert_eq!(status, 303);
    let placed = location
        .strip_prefix("/console/orders/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("expected the new order's page, got {location}"))
        .to_owned();
    let resp = app
        .gql_as(
            &token,
            "query($n: String!) { order(number: $n) { channel { code } customer { email } lines { sku quantity } } }",
            json!({ "n": placed }),
        )
        .await;
    let o = &assert_ok(&resp)["order"];
    assert_eq!(o["channel"]["code"], "store");
    assert_eq!(o["customer"]["email"], "walk-in@example.org");
    assert_eq!(o["lines"][0]["quantity"], 2);
    assert_ledger_balanced(&app).await;
}

#[tokio::test]
async fn a_customer_cannot_use_the_console_forms() {
    let app = TestApp::spawn().await;
    let token = app.login_as(Role::Admin).await.access_token;
    let before = stock_levels(&app, &token, "MUG-001").await["SHA"].on_hand;
    let browser = app.cookie_client();
    sign_in(&app, &browser, Role::Customer, "/").await;
    let (status, location) = post_form(
        &app,
        &browser,
        "/console/inventory/adjust",
        &[
            ("sku", "MUG-001"),
            ("warehouseCode", "SHA"),
            ("delta", "50"),
            ("reason", "sneaky"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.contains("error=FORBIDDEN"), "{location}");
    assert_eq!(
        stock_levels(&app, &token, "MUG-001").await["SHA"].on_hand,
        before
    );
}
