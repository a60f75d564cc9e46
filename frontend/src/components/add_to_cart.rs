//! The "add to cart" form of a product (product list and product page):
//! a plain `POST /cart/add` that comes back to `next`.

use crate::cart::MAX_QTY;
use crate::i18n::{Key, Lang};
use leptos::prelude::*;

/// The "add to cart" form of a product (list and product page).
#[component]
pub fn AddToCart(sku: String, available: i64, lang: Lang, next: String) -> impl IntoView {
    (available > 0).then(|| {
        view! {
            <form method="post" action="/cart/add" class="add-to-cart" data-sku=sku.clone()>
                <input type="hidden" name="sku" value=sku.clone() />
                <input type="hidden" name="next" value=next />
                <label class="visually-hidden" for=format!("add-qty-{sku}")>
                    {lang.t(Key::Quantity)}
                </label>
                <input
                    type="number"
                    name="quantity"
                    id=format!("add-qty-{sku}")
                    class="qty"
                    min="1"
                    max=available.min(i64::from(MAX_QTY))
                    value="1"
                />
                <button type="submit" class="add-to-cart-button">{lang.t(Key::AddToCart)}</button>
            </form>
        }
    })
}
