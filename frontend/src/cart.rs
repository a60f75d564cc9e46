//! The shopping cart, kept in the `oms_cart` cookie so it works for guests
//! (and with JavaScript off) until checkout: `SKU:QTY,SKU:QTY`.
//!
//! The cookie is client-controlled, so [`Cart::parse`] validates every
//! entry and drops what does not fit (bad SKU, quantity outside
//! `1..=MAX_QTY`, lines past [`MAX_LINES`]). Prices are never stored here:
//! the server prices every order from the catalog.
//!
//! The backend's form handlers (`POST /cart/add`, `/cart/update`) use the
//! same type, so reading and writing agree. The cookie is not HttpOnly: the
//! hydrated app reads it too (it holds nothing secret).

/// Name of the cart cookie.
pub const CART_COOKIE: &str = "oms_cart";
/// Most distinct SKUs a cart holds.
pub const MAX_LINES: usize = 50;
/// Most units of one SKU per line.
pub const MAX_QTY: u32 = 999;
/// Longest SKU accepted.
pub const MAX_SKU_LEN: usize = 64;

/// One cart line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    pub sku: String,
    pub quantity: u32,
}

/// The cart: distinct SKUs in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cart {
    lines: Vec<CartLine>,
}

/// A SKU we are willing to keep in the cookie: 1..=64 of `A-Z a-z 0-9 . _ -`.
pub fn valid_sku(sku: &str) -> bool {
    !sku.is_empty()
        && sku.len() <= MAX_SKU_LEN
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl Cart {
    /// Reads a cookie value; invalid entries are skipped, duplicates merged.
    pub fn parse(raw: &str) -> Cart {
        let mut cart = Cart::default();
        for entry in raw.split(',') {
            let Some((sku, qty)) = entry.trim().split_once(':') else {
                continue;
            };
            let Ok(qty) = qty.trim().parse::<u32>() else {
                continue;
            };
            let sku = sku.trim();
            if valid_sku(sku) && (1..=MAX_QTY).contains(&qty) {
                cart.add(sku, qty);
            }
        }
        cart
    }

    /// The cookie value (empty for an empty cart).
    pub fn to_cookie_value(&self) -> String {
        self.lines
            .iter()
            .map(|l| format!("{}:{}", l.sku, l.quantity))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Total units in the cart (shown next to the header's cart link).
    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// The quantity of `sku` in the cart (0 if absent).
    pub fn quantity(&self, sku: &str) -> u32 {
        self.lines
            .iter()
            .find(|l| l.sku == sku)
            .map_or(0, |l| l.quantity)
    }

    /// Adds `qty` units of `sku` (capped at [`MAX_QTY`]). Returns `false`
    /// (and changes nothing) for an invalid SKU, a zero quantity, or a new
    /// line when the cart is full.
    pub fn add(&mut self, sku: &str, qty: u32) -> bool {
        if !valid_sku(sku) || qty == 0 {
            return false;
        }
        if let Some(line) = self.lines.iter_mut().find(|l| l.sku == sku) {
            line.quantity = line.quantity.saturating_add(qty).min(MAX_QTY);
            return true;
        }
        if self.lines.len() >= MAX_LINES {
            return false;
        }
        self.lines.push(CartLine {
            sku: sku.to_owned(),
            quantity: qty.min(MAX_QTY),
        });
        true
    }

    /// Sets the quantity of `sku`; 0 removes the line. Returns `false` for an
    /// invalid SKU or a new line when the cart is full.
    pub fn set(&mut self, sku: &str, qty: u32) -> bool {
        if !valid_sku(sku) {
            return false;
        }
        if qty == 0 {
            self.lines.retain(|l| l.sku != sku);
            return true;
        }
        match self.lines.iter_mut().find(|l| l.sku == sku) {
            Some(line) => {
                line.quantity = qty.min(MAX_QTY);
                true
            }
            None => self.add(sku, qty),
        }
    }

    /// The SKUs, in cart order.
    pub fn skus(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.sku.clone()).collect()
    }
}

/// The cart of the page being rendered: the request's cookie on the
/// server, `document.cookie` in the browser (the same value when hydrating).
pub fn current() -> Cart {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<leptos_actix::Request>()
            .and_then(|req| req.cookie(CART_COOKIE))
            .map(|c| Cart::parse(c.value()))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let cookies = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .unwrap_or_default();
        cookie_value(&cookies, CART_COOKIE)
            .map(|v| Cart::parse(&v))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Cart::default()
    }
}

/// The value of cookie `name` in a `Cookie:` header / `document.cookie`
/// string (`a=1; b=2`).
pub fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_valid_lines_and_merges_duplicates() {
        let cart = Cart::parse("AUD-001:2,TEA-001:1,AUD-001:3");
        assert_eq!(cart.to_cookie_value(), "AUD-001:5,TEA-001:1");
        assert_eq!(cart.item_count(), 6);
        assert_eq!(cart.quantity("TEA-001"), 1);
        assert_eq!(cart.quantity("MUG-001"), 0);
    }

    #[test]
    fn parse_drops_garbage() {
        let cart = Cart::parse("AUD-001:0,:3,BAD SKU:1,X:abc,Y:-1,Z:1000,<b>:1,OK-1:999,,junk");
        assert_eq!(cart.to_cookie_value(), "OK-1:999");
        assert!(Cart::parse("").is_empty());
        let long = "A".repeat(MAX_SKU_LEN + 1);
        assert!(Cart::parse(&format!("{long}:1")).is_empty());
    }

    #[test]
    fn cart_is_capped() {
        let raw: Vec<String> = (0..80).map(|i| format!("SKU-{i}:1")).collect();
        let mut cart = Cart::parse(&raw.join(","));
        assert_eq!(cart.lines().len(), MAX_LINES);
        assert!(!cart.add("ANOTHER", 1));
        assert!(cart.add("SKU-0", 5000));
        assert_eq!(cart.quantity("SKU-0"), MAX_QTY);
    }

    #[test]
    fn set_updates_and_removes() {
        let mut cart = Cart::parse("AUD-001:2,TEA-001:1");
        assert!(cart.set("AUD-001", 7));
        assert!(cart.set("TEA-001", 0));
        assert!(cart.set("MUG-001", 1));
        assert!(!cart.set("a,b", 1));
        assert_eq!(cart.to_cookie_value(), "AUD-001:7,MUG-001:1");
        assert_eq!(cart.skus(), vec!["AUD-001", "MUG-001"]);
    }

    #[test]
    fn cookie_value_finds_the_cart() {
        let header = "oms_lang=zh; oms_cart=AUD-001:1,TEA-001:2; other=x";
        assert_eq!(
            cookie_value(header, CART_COOKIE).as_deref(),
            Some("AUD-001:1,TEA-001:2")
        );
        assert_eq!(cookie_value("a=1", CART_COOKIE), None);
    }
}
