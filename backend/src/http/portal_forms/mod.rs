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
use crate::domain::orders::OrderAction;
use crate::graphql::OmsSchema;
use crate::state::AppState;

mod cart;
mod changes;
mod fulfillment;
mod notifications;
mod orders;
mod payments;
mod returns;
mod reviews;
mod stock;
mod tickets;
mod webhooks;

use cart::*;
use orders::*;
use stock::*;

/// Registers the form routes. Call before `pages::configure` (which mounts
/// the GET pages on some of the same paths).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cart/add", web::post().to(cart_add))
        .route("/cart/update", web::post().to(cart_update))
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
        )
        .configure(changes::configure)
        .configure(payments::configure)
        .configure(fulfillment::configure)
        .configure(notifications::configure)
        .configure(returns::configure)
        .configure(reviews::configure)
        .configure(tickets::configure)
        .configure(webhooks::configure);
}

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
