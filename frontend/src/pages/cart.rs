//! `/cart`: the cart from the `oms_cart` cookie, with plain forms to change
//! quantities (`POST /cart/update`, 0 removes) and a link to checkout.
//! Works for guests; prices shown here are estimates (the server prices
//! the order at checkout).

use crate::api::orders::cart_products;
use crate::api::types::{Money, ProductSummary};
use crate::cart::{self, CartLine, MAX_QTY};
use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CartPage() -> impl IntoView {
    let lang = use_lang();
    let cart = cart::current();
    let lines = cart.lines().to_vec();
    let skus = cart.skus();
    let products = Resource::new(move || skus.clone(), cart_products);

    view! {
        <Title text=t(Key::PageTitleCart) />
        <Meta name="description" content=t(Key::MetaCart) />
        <h1>{t(Key::PageTitleCart)}</h1>
        <section id="cart" class="card" data-items=cart.item_count()>
            <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
                {move || {
                    let lines = lines.clone();
                    Suspend::new(async move {
                        if lines.is_empty() {
                            return view! {
                                <p id="cart-empty">{lang.t(Key::CartEmpty)}</p>
                                <p>
                                    <a href="/">{lang.t(Key::BackToProducts)}</a>
                                </p>
                            }
                                .into_any();
                        }
                        match products.await {
                            Ok(products) => view! { <CartLines lines products lang /> }.into_any(),
                            Err(err) => {
                                view! { <p class="error" role="alert">{lang.t(err.key())}</p> }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The cart's lines, priced from the catalog, with the estimated subtotal.
#[component]
fn CartLines(lines: Vec<CartLine>, products: Vec<ProductSummary>, lang: Lang) -> impl IntoView {
    let find = |sku: &str| products.iter().find(|p| p.sku == sku).cloned();
    let mut subtotal: Option<i64> = Some(0);
    let mut currency = String::from("CNY");
    let rows = lines
        .into_iter()
        .map(|line| {
            let product = find(&line.sku);
            let total = product
                .as_ref()
                .and_then(|p| p.price.times(i64::from(line.quantity)));
            match (&total, product.as_ref()) {
                (Some(t), Some(p)) => {
                    subtotal = subtotal.and_then(|s| s.checked_add(t.minor()?));
                    currency = p.price.currency_code.clone();
                }
                // A price we cannot multiply: no estimate rather than a wrong one.
                (None, Some(_)) => subtotal = None,
                // Unknown SKU: not sold, not counted.
                (_, None) => {}
            }
            view! { <CartRow line product total lang /> }
        })
        .collect_view();
    let subtotal = subtotal.map(|s| Money::from_minor(s, &currency).to_string());
    view! {
        <table class="lines cart-table">
            <thead>
                <tr>
                    <th>{lang.t(Key::Product)}</th>
                    <th class="num">{lang.t(Key::UnitPrice)}</th>
                    <th>{lang.t(Key::Quantity)}</th>
                    <th class="num">{lang.t(Key::LineTotal)}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr class="grand-total">
                    <th colspan="3">{lang.t(Key::EstimatedSubtotal)}</th>
                    <td class="num" id="cart-subtotal">{subtotal}</td>
                    <td></td>
                </tr>
            </tfoot>
        </table>
        <p class="muted hint-line">{lang.t(Key::PricesAtCheckout)}</p>
        <p class="actions">
            <a href="/" class="button secondary">{lang.t(Key::ContinueShopping)}</a>
            " "
            <a href="/checkout" class="button" id="checkout-link">{lang.t(Key::Checkout)}</a>
        </p>
    }
}

#[component]
fn CartRow(
    line: CartLine,
    product: Option<ProductSummary>,
    total: Option<Money>,
    lang: Lang,
) -> impl IntoView {
    let sku = line.sku.clone();
    let name = match &product {
        Some(p) => view! {
            <a href=format!("/products/{}", url_encode(&p.sku)) class="product-name">{p.name.clone()}</a>
        }
        .into_any(),
        None => view! { <span class="error-text">{lang.t(Key::ProductUnavailable)}</span> }.into_any(),
    };
    let low = product
        .as_ref()
        .is_some_and(|p| p.available < i64::from(line.quantity));
    view! {
        <tr class="cart-line" data-sku=sku.clone() data-quantity=line.quantity>
            <td>
                {name}
                " "
                <span class="sku">{sku.clone()}</span>
                {low.then(|| view! { <br /> <span class="stock out">{lang.t(Key::NotEnoughStock)}</span> })}
            </td>
            <td class="num">{product.map(|p| p.price.to_string())}</td>
            <td>
                <form method="post" action="/cart/update" class="inline-form qty-form">
                    <input type="hidden" name="sku" value=sku.clone() />
                    <label class="visually-hidden" for=format!("qty-{sku}")>
                        {lang.t(Key::Quantity)}
                    </label>
                    <input
                        type="number"
                        name="quantity"
                        id=format!("qty-{sku}")
                        class="qty"
                        min="0"
                        max=MAX_QTY
                        value=line.quantity
                    />
                    <button type="submit" class="small">{lang.t(Key::Update)}</button>
                </form>
            </td>
            <td class="num line-total">{total.map(|m| m.to_string())}</td>
            <td>
                <form method="post" action="/cart/update" class="inline-form">
                    <input type="hidden" name="sku" value=sku.clone() />
                    <input type="hidden" name="quantity" value="0" />
                    <button type="submit" class="link-button remove">{lang.t(Key::Remove)}</button>
                </form>
            </td>
        </tr>
    }
}
