//! Payment forms, so paying and moving money work with JavaScript off:
//! checkout with a payment method, "Pay now" on the customer's order page
//! (starts the payment and sends the browser to the provider's page), and
//! the console's capture, void, refund and record forms (finance, admin;
//! the API refuses everyone else).
//!
//! Like every portal form, each handler only translates: fields →
//! GraphQL variables (a typed amount such as "299.00" becomes minor units
//! exactly, with `frontend::api::payments::minor_from_text`) → one
//! in-process operation as the caller → 303. Errors come back as
//! `?form=payment&error=CODE[&field=..]`, which the pages translate with
//! the payment texts. The posted idempotency key is passed through, so a
//! double submit of one rendered form moves money once.

use super::*;
use crate::domain::payments::PaymentMethod;
use frontend::api::payments::minor_from_text;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    // `/checkout` is the form's older address; both place the order.
    cfg.route("/checkout", web::post().to(checkout_place))
        .route("/checkout/place", web::post().to(checkout_place))
        .route("/orders/{number}/pay", web::post().to(pay_order))
        .route(
            "/console/payments/{id}/{action}",
            web::post().to(payment_action),
        )
        .route(
            "/console/orders/{number}/record-payment",
            web::post().to(record_payment),
        );
}

/// `{page}?form=payment&error=..` (before `#payment-panel` on console pages).
fn failed(page: &str, f: &Failure, anchor: &str) -> HttpResponse {
    see_other(&format!("{page}?form=payment&{}{anchor}", f.query())).finish()
}

/// A posted method the API knows, upper-cased.
fn method(form: &[(String, String)], name: &str) -> Option<PaymentMethod> {
    PaymentMethod::parse(&field(form, name).to_ascii_uppercase())
}

/// A positive typed amount in minor units.
fn amount(form: &[(String, String)]) -> Option<i64> {
    minor_from_text(field(form, "amount")).filter(|m| *m > 0)
}

/// POST /checkout/place (and /checkout): places the cart as an order with the chosen
/// payment method, then lands on the order page, where "Pay now" is.
/// A bank transfer is started at once, so the page shows its reference.
async fn checkout_place(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, "/checkout").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let cart = request_cart(&http);
    if cart.is_empty() {
        return see_other("/cart").finish();
    }
    let chosen = method(&form, "paymentMethod");
    if chosen.is_none() && !field(&form, "paymentMethod").is_empty() {
        let f = Failure::new("INVALID_INPUT", "paymentMethod");
        return see_other(&format!("/checkout?{}", f.query())).finish();
    }
    let lines: Vec<Value> = cart
        .lines()
        .iter()
        .map(|l| json!({ "sku": l.sku, "quantity": l.quantity }))
        .collect();
    let input = json!({
        "idempotencyKey": idempotency_key(&form),
        "lines": lines,
        "shippingAddress": address(&form),
        "shippingMethod": field(&form, "shippingMethod"),
        "pickupPoint": pickup_point(&form),
        "note": optional(&form, "note"),
        "paymentMethod": chosen.map(PaymentMethod::as_str),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal.clone(),
        queries::PLACE_ORDER,
        json!({ "input": input }),
    )
    .await;
    let number = match outcome(&resp, "placeOrder") {
        Ok(order) => match order.get("number").and_then(Value::as_str) {
            Some(n) => n.to_owned(),
            None => {
                let f = Failure::new("INTERNAL", "");
                return see_other(&format!("/checkout?{}", f.query())).finish();
            }
        },
        Err(f) if f.code == "UNAUTHENTICATED" => return login_then("/checkout"),
        Err(f) => return see_other(&format!("/checkout?{}", f.query())).finish(),
    };
    if chosen == Some(PaymentMethod::BankTransfer) {
        let vars = json!({ "number": number, "method": "BANK_TRANSFER" });
        let resp = run(
            &http,
            &state,
            &schema,
            principal,
            queries::START_PAYMENT,
            vars,
        )
        .await;
        // The order is placed either way; "Pay now" offers it again.
        if let Err(f) = outcome(&resp, "startPayment") {
            tracing::warn!(code = %f.code, order = %number, "checkout: starting a bank transfer");
        }
    }
    see_other(&format!("/orders/{}?placed=1", enc_segment(&number)))
        .cookie(cart_cookie(&Cart::default(), secure(&state)))
        .finish()
}

/// POST /orders/{number}/pay (method): starts paying and sends the browser
/// to the provider's page (online methods) or back to the order, which
/// then shows what to do (transfer reference, cash on delivery).
async fn pay_order(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = format!("/orders/{}", enc_segment(&number));
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some(method) = method(&form, "method") else {
        return failed(&page, &Failure::new("INVALID_INPUT", "method"), "");
    };
    let vars = json!({ "number": number, "method": method.as_str() });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::START_PAYMENT,
        vars,
    )
    .await;
    match outcome(&resp, "startPayment") {
        Ok(_) if method.is_manual() => see_other(&format!("{page}?done=PAY")).finish(),
        Ok(session) => match session.get("redirectUrl").and_then(Value::as_str) {
            Some(url) if !url.is_empty() => see_other(url).finish(),
            _ => failed(&page, &Failure::new("INTERNAL", ""), ""),
        },
        // Paid or cancelled meanwhile: say so in those words.
        Err(f) if f.code == "CONFLICT" => failed(&page, &Failure::new("CONFLICT", "order"), ""),
        Err(f) => failed(&page, &f, ""),
    }
}

/// The console page a payment form goes back to: its order's, or the
/// payments list when the form did not say.
fn console_page(form: &[(String, String)]) -> String {
    match field(form, "orderNumber") {
        "" => "/console/payments".to_owned(),
        n => format!("/console/orders/{}", enc_segment(n)),
    }
}

/// POST /console/payments/{id}/{capture|void|refund} (orderNumber,
/// idempotencyKey; amount for capture and refund; reason for refund).
async fn payment_action(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let page = console_page(&form);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    const ANCHOR: &str = "#payment-panel";
    let key = idempotency_key(&form);
    let (doc, root, done, vars) = match action.as_str() {
        "void" => (
            queries::VOID_PAYMENT,
            "voidPayment",
            "VOID",
            json!({ "id": id, "key": key }),
        ),
        "capture" | "refund" => {
            let Some(amount) = amount(&form) else {
                return failed(&page, &Failure::new("INVALID_INPUT", "amount"), ANCHOR);
            };
            if action == "capture" {
                (
                    queries::CAPTURE_PAYMENT,
                    "capturePayment",
                    "CAPTURE",
                    json!({ "id": id, "amount": amount, "key": key }),
                )
            } else {
                (
                    queries::REFUND_PAYMENT,
                    "refundPayment",
                    "REFUND",
                    json!({ "id": id, "amount": amount, "reason": field(&form, "reason"), "key": key }),
                )
            }
        }
        _ => return HttpResponse::NotFound().finish(),
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&format!("{page}?done={done}{ANCHOR}")).finish(),
        Err(f) => failed(&page, &f, ANCHOR),
    }
}

/// POST /console/orders/{number}/record-payment (method, amount,
/// reference, idempotencyKey): cash on delivery or a bank transfer arrived.
async fn record_payment(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = format!("/console/orders/{}", enc_segment(&number));
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    const ANCHOR: &str = "#payment-panel";
    let Some(method) = method(&form, "method") else {
        return failed(&page, &Failure::new("INVALID_INPUT", "method"), ANCHOR);
    };
    let Some(amount) = amount(&form) else {
        return failed(&page, &Failure::new("INVALID_INPUT", "amount"), ANCHOR);
    };
    let vars = json!({
        "number": number,
        "method": method.as_str(),
        "amount": amount,
        "reference": field(&form, "reference"),
        "key": idempotency_key(&form),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::RECORD_MANUAL_PAYMENT,
        vars,
    )
    .await;
    match outcome(&resp, "recordManualPayment") {
        Ok(_) => see_other(&format!("{page}?done=RECORD{ANCHOR}")).finish(),
        Err(f) => failed(&page, &f, ANCHOR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn typed_amounts_and_methods_are_read_exactly() {
        assert_eq!(amount(&pairs(&[("amount", " 1208.10 ")])), Some(120810));
        assert_eq!(amount(&pairs(&[("amount", "0")])), None);
        assert_eq!(amount(&pairs(&[("amount", "1.005")])), None);
        assert_eq!(
            method(&pairs(&[("method", "bank_transfer")]), "method"),
            Some(PaymentMethod::BankTransfer)
        );
        assert_eq!(method(&pairs(&[]), "method"), None);
    }

    #[test]
    fn payment_forms_go_back_to_their_order() {
        assert_eq!(
            console_page(&pairs(&[("orderNumber", "SO-1/x")])),
            "/console/orders/SO-1%2Fx"
        );
        assert_eq!(console_page(&pairs(&[])), "/console/payments");
        let f = Failure::new("CONFLICT", "");
        let resp = failed("/orders/SO-1", &f, "");
        assert_eq!(
            resp.headers()
                .get(actix_web::http::header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/orders/SO-1?form=payment&error=CONFLICT")
        );
    }
}
