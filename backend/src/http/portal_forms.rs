//! Plain HTML form posts for the portal's cart, checkout, orders and the
//! staff console, so all of it works with JavaScript off.
//!
//! Each handler only translates: form fields → GraphQL variables → one
//! in-process GraphQL operation (the same documents as the frontend's, in
//! `frontend::api::queries`, run with the caller's identity) → a 303
//! redirect. Failures come back as `?error=<extensions.code>` (plus
//! `field=` for INVALID_INPUT, `skus=` for OUT_OF_STOCK, and `reason=`
//! with `status=`, `action=`, `role=` for a refused order action), which
//! the pages translate. Every POST must come from our own origin (403 otherwise).
//!
//! The cart itself never reaches the server's storage: it lives in the
//! `oms_cart` cookie (`SKU:QTY,...`, see `frontend::cart`).

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, web};
use frontend::api::queries;
use frontend::cart::{CART_COOKIE, Cart, MAX_QTY};
use serde_json::{Value, json};

use super::forms::{
    enc, enc_segment, forbidden_origin, safe_next, secure_cookies as secure, see_other,
};
use super::graphql::execute;
use super::identity;
use crate::domain::auth::Principal;
use crate::graphql::OmsSchema;
use crate::state::AppState;

/// Registers the form routes. Call before `pages::configure` (which mounts
/// the GET pages on some of the same paths).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cart/add", web::post().to(cart_add))
        .route("/cart/update", web::post().to(cart_update))
        .route("/checkout", web::post().to(checkout))
        .route("/orders/{number}/cancel", web::post().to(cancel_order))
        .route("/console/orders/new", web::post().to(new_order))
        .route(
            "/console/orders/{number}/action",
            web::post().to(order_action),
        )
        .route("/console/inventory/adjust", web::post().to(adjust_stock))
        .route(
            "/console/inventory/reorder",
            web::post().to(set_reorder_point),
        );
}

/// Every `OrderAction` a console form may post.
const ORDER_ACTIONS: &[&str] = &[
    "CONFIRM_PAYMENT",
    "START_PROCESSING",
    "SHIP_PARTIALLY",
    "SHIP_ALL",
    "DELIVER",
    "COMPLETE",
    "CANCEL",
];

/// The posted fields, in order (names may repeat: the new-order form's
/// `sku`/`quantity` rows). Parsing never fails on a missing field, so a
/// bad post still ends in a redirect with an error, not a bare 400.
type Fields = web::Form<Vec<(String, String)>>;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// `Some(trimmed)` unless blank.
fn optional(fields: &[(String, String)], name: &str) -> Value {
    match field(fields, name) {
        "" => Value::Null,
        v => Value::String(v.to_owned()),
    }
}

/// The cart cookie for `cart` (expired when the cart is empty). Not
/// HttpOnly: the hydrated portal reads it; it holds nothing secret.
fn cart_cookie(cart: &Cart, secure: bool) -> Cookie<'static> {
    let max_age = if cart.is_empty() {
        CookieDuration::ZERO
    } else {
        CookieDuration::days(30)
    };
    Cookie::build(CART_COOKIE, cart.to_cookie_value())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .finish()
}

fn request_cart(http: &HttpRequest) -> Cart {
    http.cookie(CART_COOKIE)
        .map(|c| Cart::parse(c.value()))
        .unwrap_or_default()
}

/// What a GraphQL error tells the page: `error=CODE[&field=..][&skus=..]`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Failure {
    code: String,
    field: String,
    skus: Vec<String>,
    /// Why an order action was refused: `reason` and its parameters.
    refusal: Vec<(&'static str, String)>,
}

impl Failure {
    fn new(code: &str, field: &str) -> Self {
        Failure {
            code: code.to_owned(),
            field: field.to_owned(),
            skus: Vec::new(),
            refusal: Vec::new(),
        }
    }

    /// The query string (without `?`).
    fn query(&self) -> String {
        let mut q = format!("error={}", enc(&self.code));
        if !self.field.is_empty() {
            q.push_str(&format!("&field={}", enc(&self.field)));
        }
        if !self.skus.is_empty() {
            q.push_str(&format!("&skus={}", enc(&self.skus.join(","))));
        }
        for (k, v) in &self.refusal {
            q.push_str(&format!("&{k}={}", enc(v)));
        }
        q
    }
}

/// Reads `data.<root>` or the first error of a GraphQL response.
fn outcome(response: &Value, root: &str) -> Result<Value, Failure> {
    if let Some(first) = response
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        let ext = first.get("extensions");
        let text = |k: &str| ext.and_then(|e| e.get(k)).and_then(Value::as_str);
        let code = text("code").unwrap_or("INTERNAL");
        if code == "INTERNAL" {
            tracing::warn!(message = ?first.get("message"), "portal form: GraphQL error");
        }
        let skus = ext
            .and_then(|e| e.get("skus"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let refusal = match text("reason") {
            Some(_) => ["reason", "status", "action", "role"]
                .into_iter()
                .filter_map(|k| text(k).map(|v| (k, v.to_owned())))
                .collect(),
            None => Vec::new(),
        };
        return Err(Failure {
            code: code.to_owned(),
            field: text("field").unwrap_or_default().to_owned(),
            skus,
            refusal,
        });
    }
    match response.get("data").and_then(|d| d.get(root)) {
        Some(v) if !v.is_null() => Ok(v.clone()),
        _ => Err(Failure::new("INTERNAL", "")),
    }
}

/// Runs one of the frontend's documents in-process as the caller.
async fn run(
    http: &HttpRequest,
    state: &AppState,
    schema: &OmsSchema,
    principal: Principal,
    document: &str,
    variables: Value,
) -> Value {
    let req = async_graphql::Request::new(document)
        .variables(async_graphql::Variables::from_json(variables));
    let resp = execute(state, schema, principal, identity::client_ip(http), req).await;
    serde_json::to_value(resp).unwrap_or_else(|e| {
        tracing::error!(error = %e, "portal form: serializing a GraphQL response");
        json!({"errors": [{"message": "internal", "extensions": {"code": "INTERNAL"}}]})
    })
}

async fn caller(state: &AppState, http: &HttpRequest) -> Principal {
    identity::resolve_lenient(state, &identity::credential(http)).await
}

/// The guard every signed-in form shares: posted from this site, by
/// someone signed in (else to the login page, coming back to `page`).
async fn signed_in_caller(
    state: &AppState,
    http: &HttpRequest,
    page: &str,
) -> Result<Principal, HttpResponse> {
    if !identity::same_origin(http) {
        return Err(forbidden_origin());
    }
    match caller(state, http).await {
        Principal::Anonymous => Err(login_then(page)),
        p => Ok(p),
    }
}

fn login_then(next: &str) -> HttpResponse {
    see_other(&format!("/login?next={}", enc(next))).finish()
}

/// `?added=SKU` appended to a local path.
fn with_added(next: &str, sku: &str) -> String {
    let sep = if next.contains('?') { '&' } else { '?' };
    format!("{next}{sep}added={}", enc(sku))
}

/// Quantity from a form: a whole number, else `None`.
fn quantity(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok()
}

/// POST /cart/add (sku, quantity = 1, next = /cart).
async fn cart_add(http: HttpRequest, state: web::Data<AppState>, form: Fields) -> HttpResponse {
    if !identity::same_origin(&http) {
        return forbidden_origin();
    }
    let sku = field(&form, "sku");
    let next = match field(&form, "next") {
        "" => "/cart".to_owned(),
        n => safe_next(Some(n)),
    };
    let qty = match field(&form, "quantity") {
        "" => Some(1),
        raw => quantity(raw),
    };
    let Some(qty) = qty.filter(|q| (1..=i64::from(MAX_QTY)).contains(q)) else {
        return see_other(&format!(
            "/cart?{}",
            Failure::new("INVALID_INPUT", "quantity").query()
        ))
        .finish();
    };
    let mut cart = request_cart(&http);
    let qty = u32::try_from(qty).unwrap_or(1);
    if !frontend::cart::valid_sku(sku) {
        return see_other(&format!(
            "/cart?{}",
            Failure::new("INVALID_INPUT", "sku").query()
        ))
        .finish();
    }
    if !cart.add(sku, qty) {
        return see_other(&format!("/cart?{}", Failure::new("CART_FULL", "").query())).finish();
    }
    see_other(&with_added(&next, sku))
        .cookie(cart_cookie(&cart, secure(&state)))
        .finish()
}

/// POST /cart/update (sku, quantity; 0 removes the line).
async fn cart_update(http: HttpRequest, state: web::Data<AppState>, form: Fields) -> HttpResponse {
    if !identity::same_origin(&http) {
        return forbidden_origin();
    }
    let sku = field(&form, "sku");
    let qty = quantity(field(&form, "quantity"))
        .filter(|q| (0..=i64::from(MAX_QTY)).contains(q))
        .and_then(|q| u32::try_from(q).ok());
    let Some(qty) = qty else {
        return see_other(&format!(
            "/cart?{}",
            Failure::new("INVALID_INPUT", "quantity").query()
        ))
        .finish();
    };
    let mut cart = request_cart(&http);
    if !cart.set(sku, qty) {
        return see_other(&format!(
            "/cart?{}",
            Failure::new("INVALID_INPUT", "sku").query()
        ))
        .finish();
    }
    see_other("/cart")
        .cookie(cart_cookie(&cart, secure(&state)))
        .finish()
}

/// `AddressInput` from the address fields shared by checkout and order entry.
fn address(form: &[(String, String)]) -> Value {
    json!({
        "name": field(form, "name"),
        "phone": field(form, "phone"),
        "line1": field(form, "line1"),
        "line2": optional(form, "line2"),
        "city": field(form, "city"),
        "region": optional(form, "region"),
        "postalCode": field(form, "postalCode"),
        "country": field(form, "country"),
    })
}

/// The posted key, or a fresh one if the page could not make one.
fn idempotency_key(form: &[(String, String)]) -> String {
    match field(form, "idempotencyKey") {
        "" => uuid::Uuid::new_v4().simple().to_string(),
        k => k.to_owned(),
    }
}

/// POST /checkout: places the cart as an order for the signed-in customer.
async fn checkout(
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
        "note": optional(&form, "note"),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::PLACE_ORDER,
        json!({ "input": input }),
    )
    .await;
    match outcome(&resp, "placeOrder") {
        Ok(order) => match order.get("number").and_then(Value::as_str) {
            Some(number) => see_other(&format!("/orders/{}", enc_segment(number)))
                .cookie(cart_cookie(&Cart::default(), secure(&state)))
                .finish(),
            None => see_other(&format!(
                "/checkout?{}",
                Failure::new("INTERNAL", "").query()
            ))
            .finish(),
        },
        Err(f) if f.code == "UNAUTHENTICATED" => login_then("/checkout"),
        Err(f) => see_other(&format!("/checkout?{}", f.query())).finish(),
    }
}

/// POST /orders/{number}/cancel (reason): the customer cancels.
async fn cancel_order(
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
    let vars = json!({ "number": number, "reason": optional(&form, "reason") });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::CANCEL_ORDER,
        vars,
    )
    .await;
    match outcome(&resp, "cancelOrder") {
        Ok(_) => see_other(&format!("{page}?done=CANCEL")).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// POST /console/orders/{number}/action (action, note): a staff action.
async fn order_action(
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
    let action = field(&form, "action").to_ascii_uppercase();
    if !ORDER_ACTIONS.contains(&action.as_str()) {
        return see_other(&format!(
            "{page}?{}",
            Failure::new("INVALID_INPUT", "action").query()
        ))
        .finish();
    }
    let note = optional(&form, "note");
    let (doc, root, vars) = if action == "CANCEL" {
        (
            queries::CANCEL_ORDER,
            "cancelOrder",
            json!({ "number": number, "reason": note }),
        )
    } else {
        (
            queries::ADVANCE_ORDER,
            "advanceOrder",
            json!({ "number": number, "action": action, "note": note }),
        )
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&format!("{page}?done={}", enc(&action))).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// `OrderLineInput`s from the new-order form's `sku`/`quantity` rows
/// (rows without a SKU are skipped; a bad quantity is sent as 0 so the
/// API names the line).
fn order_lines(form: &[(String, String)]) -> Vec<Value> {
    let skus = form
        .iter()
        .filter(|(k, _)| k == "sku")
        .map(|(_, v)| v.trim());
    let qtys = form
        .iter()
        .filter(|(k, _)| k == "quantity")
        .map(|(_, v)| v.trim());
    skus.zip(qtys.chain(std::iter::repeat("")))
        .filter(|(sku, _)| !sku.is_empty())
        .map(|(sku, qty)| {
            let qty = match qty {
                "" => 1,
                q => quantity(q).and_then(|q| i32::try_from(q).ok()).unwrap_or(0),
            };
            json!({ "sku": sku, "quantity": qty })
        })
        .collect()
}

/// POST /console/orders/new: staff enter an order for a customer.
async fn new_order(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, "/console/orders/new").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let input = json!({
        "idempotencyKey": idempotency_key(&form),
        "customerEmail": optional(&form, "customerEmail"),
        "channel": optional(&form, "channel"),
        "lines": order_lines(&form),
        "shippingAddress": address(&form),
        "shippingMethod": field(&form, "shippingMethod"),
        "note": optional(&form, "note"),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::PLACE_ORDER,
        json!({ "input": input }),
    )
    .await;
    match outcome(&resp, "placeOrder") {
        Ok(order) => match order.get("number").and_then(Value::as_str) {
            Some(number) => see_other(&format!(
                "/console/orders/{}?done=PLACED",
                enc_segment(number)
            ))
            .finish(),
            None => see_other(&format!(
                "/console/orders/new?{}",
                Failure::new("INTERNAL", "").query()
            ))
            .finish(),
        },
        Err(f) => see_other(&format!("/console/orders/new?{}", f.query())).finish(),
    }
}

/// Where the inventory forms come back to: that product's row and forms.
fn inventory_page(sku: &str, query: &str) -> String {
    format!(
        "/console/inventory?q={}&sku={}&{query}#stock-forms",
        enc(sku),
        enc(sku)
    )
}

/// POST /console/inventory/adjust (sku, warehouseCode, delta, reason).
async fn adjust_stock(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let sku = field(&form, "sku");
    let principal = match signed_in_caller(&state, &http, "/console/inventory").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some(delta) = quantity(field(&form, "delta")).and_then(|d| i32::try_from(d).ok()) else {
        let f = Failure::new("INVALID_INPUT", "delta");
        return see_other(&inventory_page(sku, &f.query())).finish();
    };
    let input = json!({
        "sku": sku,
        "warehouseCode": field(&form, "warehouseCode"),
        "delta": delta,
        "reason": field(&form, "reason"),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::ADJUST_STOCK,
        json!({ "input": input }),
    )
    .await;
    match outcome(&resp, "adjustStock") {
        Ok(_) => see_other(&inventory_page(sku, "done=ADJUST")).finish(),
        Err(f) => see_other(&inventory_page(sku, &f.query())).finish(),
    }
}

/// POST /console/inventory/reorder (sku, warehouseCode, reorderPoint).
async fn set_reorder_point(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let sku = field(&form, "sku");
    let principal = match signed_in_caller(&state, &http, "/console/inventory").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some(point) = quantity(field(&form, "reorderPoint")).and_then(|d| i32::try_from(d).ok())
    else {
        let f = Failure::new("INVALID_INPUT", "reorderPoint");
        return see_other(&inventory_page(sku, &f.query())).finish();
    };
    let vars = json!({
        "sku": sku,
        "warehouseCode": field(&form, "warehouseCode"),
        "reorderPoint": point,
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::SET_REORDER_POINT,
        vars,
    )
    .await;
    match outcome(&resp, "setReorderPoint") {
        Ok(_) => see_other(&inventory_page(sku, "done=REORDER")).finish(),
        Err(f) => see_other(&inventory_page(sku, &f.query())).finish(),
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
    fn errors_become_query_strings() {
        let resp = json!({"data": null, "errors": [{"message": "no",
            "extensions": {"code": "OUT_OF_STOCK", "skus": ["AUD-001", "TEA-001"]}}]});
        let f = outcome(&resp, "placeOrder").err().unwrap_or_default();
        assert_eq!(f.query(), "error=OUT_OF_STOCK&skus=AUD-001%2CTEA-001");
        let resp = json!({"errors": [{"message": "bad",
            "extensions": {"code": "INVALID_INPUT", "field": "shippingAddress.city"}}]});
        let f = outcome(&resp, "placeOrder").err().unwrap_or_default();
        assert_eq!(f.query(), "error=INVALID_INPUT&field=shippingAddress.city");
        let resp = json!({"errors": [{"message": "an order that is PENDING_PAYMENT cannot START_PROCESSING",
            "extensions": {"code": "CONFLICT", "reason": "WRONG_STATUS", "status": "PENDING_PAYMENT",
                "action": "START_PROCESSING", "role": "WAREHOUSE"}}]});
        let f = outcome(&resp, "advanceOrder").err().unwrap_or_default();
        assert_eq!(
            f.query(),
            "error=CONFLICT&reason=WRONG_STATUS&status=PENDING_PAYMENT&action=START_PROCESSING&role=WAREHOUSE"
        );
        let resp = json!({"errors": [{"message": "unknown field"}]});
        assert_eq!(
            outcome(&resp, "placeOrder").err().map(|f| f.code),
            Some("INTERNAL".to_owned())
        );
        let resp = json!({"data": {"placeOrder": {"number": "SO-1"}}});
        assert_eq!(
            outcome(&resp, "placeOrder").ok(),
            Some(json!({"number": "SO-1"}))
        );
    }

    #[test]
    fn new_order_rows_skip_blanks_and_keep_bad_quantities_visible() {
        let form = pairs(&[
            ("customerEmail", "c@example.com"),
            ("sku", "AUD-001"),
            ("quantity", "2"),
            ("sku", ""),
            ("quantity", ""),
            ("sku", " TEA-001 "),
            ("quantity", "x"),
            ("sku", "MUG-001"),
            ("quantity", ""),
        ]);
        assert_eq!(
            order_lines(&form),
            vec![
                json!({"sku": "AUD-001", "quantity": 2}),
                json!({"sku": "TEA-001", "quantity": 0}),
                json!({"sku": "MUG-001", "quantity": 1}),
            ]
        );
    }

    #[test]
    fn address_blanks_become_null() {
        let form = pairs(&[("name", " Ann "), ("line2", " "), ("region", "Zhejiang")]);
        let a = address(&form);
        assert_eq!(a["name"], "Ann");
        assert_eq!(a["line2"], Value::Null);
        assert_eq!(a["region"], "Zhejiang");
        assert_eq!(a["city"], "");
    }

    #[test]
    fn added_marker_joins_the_query() {
        assert_eq!(with_added("/", "AUD-001"), "/?added=AUD-001");
        assert_eq!(with_added("/?q=tea", "TEA-001"), "/?q=tea&added=TEA-001");
        assert_eq!(enc_segment("SO-2026/1 x"), "SO-2026%2F1%20x");
        assert_eq!(enc("/checkout"), "/checkout");
    }
}
