//! The cart forms: add and update lines in the `oms_cart` cookie.

use super::*;

/// The cart cookie for `cart` (expired when the cart is empty). Not
/// HttpOnly: the hydrated portal reads it; it holds nothing secret.
pub(super) fn cart_cookie(cart: &Cart, secure: bool) -> Cookie<'static> {
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

pub(super) fn request_cart(http: &HttpRequest) -> Cart {
    http.cookie(CART_COOKIE)
        .map(|c| Cart::parse(c.value()))
        .unwrap_or_default()
}

/// `?added=SKU` appended to a local path.
pub(super) fn with_added(next: &str, sku: &str) -> String {
    let sep = if next.contains('?') { '&' } else { '?' };
    format!("{next}{sep}added={}", enc(sku))
}

/// Quantity from a form: a whole number, else `None`.
pub(super) fn quantity(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok()
}

/// POST /cart/add (sku, quantity = 1, next = /cart).
pub(super) async fn cart_add(
    http: HttpRequest,
    state: web::Data<AppState>,
    form: Fields,
) -> HttpResponse {
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
pub(super) async fn cart_update(
    http: HttpRequest,
    state: web::Data<AppState>,
    form: Fields,
) -> HttpResponse {
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
