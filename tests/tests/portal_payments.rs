//! Payments in the portal and the console with JavaScript off: plain form
//! posts and redirects only, as a browser without scripts would do them.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{new_key, order_input};

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        app.url(path)
    };
    let resp = client
        .post(url)
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

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        app.url(path)
    };
    let resp = client
        .get(url)
        .header("Accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.text().await.expect("page body")
}

async fn signed_in(app: &TestApp, role: Role) -> reqwest::Client {
    let client = app.cookie_client();
    let (status, _) = post_form(
        app,
        &client,
        "/auth/login",
        &[
            ("email", &role.email()),
            ("password", &role.password()),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(status, 303, "login as {role:?}");
    client
}

/// The value of the first `name="..."` field whose value contains `marker`.
fn field_value(html: &str, name: &str, marker: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            html[at + needle.len()..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .find(|v| v.contains(marker))
        .unwrap_or_else(|| panic!("no {name} field with {marker:?} in the page"))
}

/// The path part of an absolute or relative URL.
fn path_of(url: &str) -> String {
    match url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    {
        Some(rest) => rest
            .find('/')
            .map_or("/".to_owned(), |i| rest[i..].to_owned()),
        None => url.to_owned(),
    }
}

const PAYMENTS: &str = "query($n: String!) { order(number: $n) { paymentStatus amountDue { amount } \
    payments { id method status createdAt captured { amount } refunded { amount } } } }";

async fn order_payments(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app.gql_as(token, PAYMENTS, json!({ "n": number })).await;
    assert_ok(&resp)["order"].clone()
}

/// A customer's order (through the API), paid with Alipay at the sandbox.
async fn paid_order(app: &TestApp) -> (String, String) {
    let customer = app.login_as(Role::Customer).await;
    let resp = app
        .gql_as(
            &customer.access_token,
            "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }",
            json!({ "input": order_input(&new_key(), &[("TEA-001", 1)]) }),
        )
        .await;
    let number = assert_ok(&resp)["placeOrder"]["number"]
        .as_str()
        .expect("order number")
        .to_owned();
    let browser = signed_in(app, Role::Customer).await;
    let (status, to) = post_form(
        app,
        &browser,
        &format!("/orders/{number}/pay"),
        &[("method", "ALIPAY")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = post_form(app, &browser, &path_of(&to), &[("action", "pay")]).await;
    assert_eq!(status, 303);
    let order = order_payments(app, &customer.access_token, &number).await;
    assert_eq!(order["paymentStatus"], "PAID", "{order}");
    let id = order["payments"][0]["id"].as_str().expect("payment id");
    (number, id.to_owned())
}

#[tokio::test]
async fn a_customer_checks_out_and_pays_with_alipay_through_the_sandbox_without_javascript() {
    let app = TestApp::spawn().await;
    let browser = signed_in(&app, Role::Customer).await;
    let (status, _) = post_form(
        &app,
        &browser,
        "/cart/add",
        &[("sku", "TEA-001"), ("quantity", "1"), ("next", "/cart")],
    )
    .await;
    assert_eq!(status, 303);

    // Checkout offers the methods, Alipay first chosen.
    let checkout = page(&app, &browser, "/checkout").await;
    assert!(checkout.contains("name=\"paymentMethod\" value=\"ALIPAY\""));
    assert!(checkout.contains("action=\"/checkout/place\""));
    let key = field_value(&checkout, "idempotencyKey", "");
    let (status, location) = post_form(
        &app,
        &browser,
        "/checkout/place",
        &[
            ("idempotencyKey", &key),
            ("name", "Li Lei"),
            ("phone", "+86 138 0000 0000"),
            ("line1", "1 Nanjing Road"),
            ("city", "Shanghai"),
            ("postalCode", "200001"),
            ("country", "CN"),
            ("shippingMethod", "POSTAL"),
            ("paymentMethod", "ALIPAY"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let number = location
        .strip_prefix("/orders/")
        .and_then(|rest| rest.strip_suffix("?placed=1"))
        .unwrap_or_else(|| panic!("checkout lands on the order page, got {location}"))
        .to_owned();

    // The order page: unpaid, the amount due, one button per method.
    let order_page = page(&app, &browser, &location).await;
    assert!(order_page.contains("data-payment-status=\"UNPAID\""));
    assert!(order_page.contains("id=\"order-amount-due\""));
    assert!(order_page.contains("id=\"pay-now\""));
    assert!(order_page.contains("id=\"pay-alipay\""));
    assert!(
        order_page.contains("data-method=\"ALIPAY\""),
        "the chosen method is shown"
    );

    // Pay now → the sandbox's page → Pay → back on the order, paid.
    let (status, to) = post_form(
        &app,
        &browser,
        &format!("/orders/{number}/pay"),
        &[("method", "ALIPAY")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.contains("/sandbox/pay/"), "to the provider's page: {to}");
    let sandbox = page(&app, &browser, &path_of(&to)).await;
    assert!(sandbox.contains("value=\"pay\""));
    let (status, back) = post_form(&app, &browser, &path_of(&to), &[("action", "pay")]).await;
    assert_eq!(status, 303);
    assert_eq!(path_of(&back), format!("/orders/{number}"));
    let paid = page(&app, &browser, &path_of(&back)).await;
    assert!(
        paid.contains("id=\"order-payment-status\" data-payment-status=\"PAID\"")
            || paid.contains("data-payment-status=\"PAID\""),
        "the order page shows it paid"
    );
    assert!(paid.contains(">Paid<"));
    assert!(!paid.contains("id=\"pay-now\""), "nothing left to pay");
    assert!(
        paid.contains("data-payment-status=\"CAPTURED\""),
        "the payment is listed"
    );
}

#[tokio::test]
async fn a_bank_transfer_shows_its_reference_and_a_cancelled_order_offers_no_payment() {
    let app = TestApp::spawn().await;
    let customer = app.login_as(Role::Customer).await;
    let browser = signed_in(&app, Role::Customer).await;
    let place = |key: String| {
        let app = &app;
        let token = customer.access_token.clone();
        async move {
            let resp = app
                .gql_as(
                    &token,
                    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }",
                    json!({ "input": order_input(&key, &[("TEA-001", 1)]) }),
                )
                .await;
            assert_ok(&resp)["placeOrder"]["number"]
                .as_str()
                .expect("number")
                .to_owned()
        }
    };
    let number = place(new_key()).await;
    let (status, to) = post_form(
        &app,
        &browser,
        &format!("/orders/{number}/pay"),
        &[("method", "BANK_TRANSFER")],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(to, format!("/orders/{number}?done=PAY"));
    let order_page = page(&app, &browser, &to).await;
    let order = order_payments(&app, &customer.access_token, &number).await;
    assert!(order_page.contains("id=\"bank-transfer\""));
    let reference = format!("{}P1", number.replace('-', ""));
    assert!(
        order_page.contains(&reference),
        "the transfer reference is shown"
    );
    assert!(order_page.contains(order["amountDue"]["amount"].as_str().unwrap_or("?")));

    let cancelled = place(new_key()).await;
    let (status, _) = post_form(
        &app,
        &browser,
        &format!("/orders/{cancelled}/cancel"),
        &[("reason", "changed my mind")],
    )
    .await;
    assert_eq!(status, 303);
    let order_page = page(&app, &browser, &format!("/orders/{cancelled}")).await;
    assert!(
        !order_page.contains("id=\"pay-now\""),
        "no pay buttons once cancelled"
    );
    let (status, to) = post_form(
        &app,
        &browser,
        &format!("/orders/{cancelled}/pay"),
        &[("method", "ALIPAY")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.contains("form=payment&error=CONFLICT"), "{to}");
}

#[tokio::test]
async fn finance_refunds_part_of_a_payment_once_from_the_console_form() {
    let app = TestApp::spawn().await;
    let (number, id) = paid_order(&app).await;
    let finance = signed_in(&app, Role::Finance).await;
    let console = page(&app, &finance, &format!("/console/orders/{number}")).await;
    assert!(console.contains("id=\"payment-panel\""));
    assert!(console.contains("payment-ledger"), "the ledger is shown");
    assert!(console.contains(&format!("/console/payments/{id}/refund")));
    assert!(
        console.contains("Refund ¥"),
        "the form says what it will do"
    );
    let key = field_value(&console, "idempotencyKey", "-refund-");

    let form = [
        ("orderNumber", number.as_str()),
        ("idempotencyKey", key.as_str()),
        ("amount", "1.50"),
        ("reason", "dented tin"),
    ];
    let path = format!("/console/payments/{id}/refund");
    // A double submit of the same rendered form refunds once.
    for _ in 0..2 {
        let (status, to) = post_form(&app, &finance, &path, &form).await;
        assert_eq!(status, 303);
        assert!(
            to.starts_with(&format!("/console/orders/{number}?done=REFUND")),
            "{to}"
        );
    }
    let customer = app.login_as(Role::Customer).await;
    let order = order_payments(&app, &customer.access_token, &number).await;
    assert_eq!(
        order["payments"][0]["refunded"]["amount"], "1.50",
        "{order}"
    );
    assert_eq!(order["paymentStatus"], "PARTIALLY_REFUNDED");
    let after = page(&app, &finance, &format!("/console/orders/{number}")).await;
    assert!(
        after.contains("data-kind=\"REFUND\""),
        "the refund is in the ledger"
    );

    // More than was captured: refused, translated, nothing moves.
    let key = field_value(&after, "idempotencyKey", "-refund-");
    let (_, to) = post_form(
        &app,
        &finance,
        &path,
        &[
            ("orderNumber", number.as_str()),
            ("idempotencyKey", key.as_str()),
            ("amount", "99999"),
            ("reason", "too much"),
        ],
    )
    .await;
    assert!(to.contains("form=payment&error=CONFLICT"), "{to}");
    let refused = page(&app, &finance, &to.replace("#payment-panel", "")).await;
    assert!(refused.contains("id=\"form-error\""));
    let (_, to) = post_form(
        &app,
        &finance,
        &path,
        &[
            ("orderNumber", number.as_str()),
            ("idempotencyKey", "some-other-key-1"),
            ("amount", "1.005"),
            ("reason", "fractions"),
        ],
    )
    .await;
    assert!(to.contains("error=INVALID_INPUT&field=amount"), "{to}");
    let order = order_payments(&app, &customer.access_token, &number).await;
    assert_eq!(order["payments"][0]["refunded"]["amount"], "1.50");
}

#[tokio::test]
async fn a_customer_cannot_use_the_console_payment_forms() {
    let app = TestApp::spawn().await;
    let (number, id) = paid_order(&app).await;
    let browser = signed_in(&app, Role::Customer).await;
    for (path, form) in [
        (
            format!("/console/payments/{id}/refund"),
            vec![("amount", "1.00"), ("reason", "mine")],
        ),
        (
            format!("/console/payments/{id}/capture"),
            vec![("amount", "1.00")],
        ),
        (format!("/console/payments/{id}/void"), vec![]),
        (
            format!("/console/orders/{number}/record-payment"),
            vec![
                ("method", "BANK_TRANSFER"),
                ("amount", "1.00"),
                ("reference", "X1"),
            ],
        ),
    ] {
        let mut form = form;
        form.push(("orderNumber", number.as_str()));
        form.push(("idempotencyKey", "customer-key-123"));
        let (status, to) = post_form(&app, &browser, &path, &form).await;
        assert_eq!(status, 303, "{path}");
        assert!(
            to.contains("error=FORBIDDEN") || to.contains("error=NOT_FOUND"),
            "{path}: {to}"
        );
    }
    let customer = app.login_as(Role::Customer).await;
    let order = order_payments(&app, &customer.access_token, &number).await;
    assert_eq!(order["payments"].as_array().map(Vec::len), Some(1));
    assert_eq!(order["payments"][0]["refunded"]["amount"], "0.00");
    let console = page(&app, &browser, &format!("/console/orders/{number}")).await;
    assert!(console.contains("id=\"console-denied\""));
    assert!(!console.contains("money-form"));
}

#[tokio::test]
async fn the_payments_list_filters_by_method_status_and_day() {
    let app = TestApp::spawn().await;
    let (number, _) = paid_order(&app).await;
    let customer = app.login_as(Role::Customer).await;
    let order = order_payments(&app, &customer.access_token, &number).await;
    let day: String = order["payments"][0]["createdAt"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    let row = format!("data-order=\"{number}\"");
    let finance = signed_in(&app, Role::Finance).await;

    let all = page(&app, &finance, "/console/payments").await;
    assert!(all.contains("id=\"payment-filter\""));
    assert!(all.contains(&row));
    assert!(all.contains(&format!("href=\"/console/orders/{number}\"")));
    let alipay = page(
        &app,
        &finance,
        "/console/payments?method=ALIPAY&status=CAPTURED",
    )
    .await;
    assert!(alipay.contains(&row));
    let card = page(&app, &finance, "/console/payments?method=CARD").await;
    assert!(!card.contains(&row));
    let that_day = page(
        &app,
        &finance,
        &format!("/console/payments?createdFrom={day}&createdTo={day}"),
    )
    .await;
    assert!(that_day.contains(&row), "the payment's own day");
    let later = page(&app, &finance, "/console/payments?createdFrom=2999-01-01").await;
    assert!(!later.contains(&row));
    assert!(later.contains("id=\"payments-empty\""));

    let support = signed_in(&app, Role::Support).await;
    assert!(
        page(&app, &support, "/console/payments")
            .await
            .contains(&row)
    );
    let warehouse = signed_in(&app, Role::Warehouse).await;
    let denied = page(&app, &warehouse, "/console/payments").await;
    assert!(denied.contains("id=\"console-denied\""));
    assert!(!denied.contains(&row));
}
