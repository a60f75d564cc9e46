//! `/checkout`: the cart's summary and a plain form (address, delivery
//! method with each one's fee for the cart, pickup point, payment method,
//! note) posted to `POST /checkout/place`. The
//! backend places the order and answers 303 to `/orders/{number}` (where
//! "Pay now" is), or back here with `?error=CODE&field=..&skus=..`.
//!
//! The hidden `idempotencyKey` is fresh for each render of this page, so a
//! double submit of the same form places one order.

use crate::api::fulfillment::{PickupPoint, ShippingQuotes};
use crate::api::orders::{CheckoutData, ShippingMethod, checkout};
use crate::api::types::Money;
use crate::cart::{self, CartLine};
use crate::components::address_fields::AddressFields;
use crate::components::delivery::{PickupPointSelect, fee_label, is_pickup};
use crate::components::{idempotency_key, order::FormNotice};
use crate::i18n::{Key, Lang, method_key, shipping_key, t, use_lang};
use crate::schema::PaymentMethod;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let cart = cart::current();
    let lines = cart.lines().to_vec();
    let quoted: Vec<(String, u32)> = lines.iter().map(|l| (l.sku.clone(), l.quantity)).collect();
    let data = Resource::new(move || quoted.clone(), checkout);
    // Serialized with the page, so the hydrated form keeps the same key.
    let key = Resource::new(|| (), |_| async { idempotency_key() });

    view! {
        <Title text=t(Key::PageTitleCheckout) />
        <Meta name="description" content=t(Key::MetaCheckout) />
        <h1>{t(Key::PageTitleCheckout)}</h1>
        <FormNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || {
                let lines = lines.clone();
                Suspend::new(async move {
                    let user = session.0.await.ok().flatten();
                    let Some(user) = user else {
                        return view! {
                            <p id="checkout-signin">{lang.t(Key::CheckoutSignIn)}</p>
                            <p>
                                <a href="/login?next=/checkout" class="button">{lang.t(Key::NavLogin)}</a>
                                " "
                                <a href="/register?next=/checkout">{lang.t(Key::NavRegister)}</a>
                            </p>
                        }
                            .into_any();
                    };
                    if lines.is_empty() {
                        return view! {
                            <p id="cart-empty">{lang.t(Key::CartEmpty)}</p>
                            <p><a href="/">{lang.t(Key::BackToProducts)}</a></p>
                        }
                            .into_any();
                    }
                    let key = key.await;
                    match data.await {
                        Ok(data) => view! {
                            <CheckoutForm lines data key name=user.name lang />
                        }
                            .into_any(),
                        Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CheckoutForm(
    lines: Vec<CartLine>,
    data: CheckoutData,
    key: String,
    name: String,
    lang: Lang,
) -> impl IntoView {
    let mut subtotal = Some(0i64);
    let summary = lines
        .iter()
        .map(|line| {
            let product = data.products_by_skus.iter().find(|p| p.sku == line.sku);
            let total = product.and_then(|p| p.price.times(i64::from(line.quantity)));
            subtotal = match (subtotal, &total) {
                (Some(s), Some(t)) => t.minor().and_then(|m| s.checked_add(m)),
                _ => None,
            };
            let label = product.map_or_else(|| line.sku.clone(), |p| p.name.clone());
            view! {
                <li class="cart-line" data-sku=line.sku.clone() data-quantity=line.quantity>
                    <span>{label}</span>
                    " × "
                    <span class="line-qty">{line.quantity}</span>
                    " "
                    <span class="price">{total.map(|m| m.to_string())}</span>
                </li>
            }
        })
        .collect_view();
    let currency = data
        .products_by_skus
        .first()
        .map_or("CNY", |p| p.price.currency_code.as_str())
        .to_owned();
    let subtotal = subtotal.map(|s| Money::from_minor(s, &currency).to_string());
    view! {
        <div class="checkout">
            <section class="card" id="checkout-summary">
                <h2>{lang.t(Key::OrderSummary)}</h2>
                <ul class="plain-list">{summary}</ul>
                <p>
                    {lang.t(Key::EstimatedSubtotal)} " " <strong id="cart-subtotal">{subtotal}</strong>
                </p>
                <p class="muted">{lang.t(Key::PricesAtCheckout)}</p>
                <p><a href="/cart">{lang.t(Key::EditCart)}</a></p>
            </section>
            <form method="post" action="/checkout/place" class="card stack" id="checkout-form">
                <input type="hidden" name="idempotencyKey" value=key />
                <AddressFields lang name />
                <ShippingMethods
                    methods=data.shipping_methods
                    quotes=data.quotes
                    points=data.pickup_points
                    lang
                />
                <PaymentMethods lang />
                <label>
                    {lang.t(Key::OrderNote)}
                    <textarea name="note" id="note" maxlength="500" rows="2"></textarea>
                </label>
                <button type="submit" id="place-order">{lang.t(Key::PlaceOrder)}</button>
            </form>
        </div>
    }
}

/// One radio per delivery method (the first checked) with its fee for the
/// cart, and the pickup point select. PICKUP is offered only when there is
/// a pickup point. With JavaScript off the select is always shown (the
/// form handler sends it only with PICKUP); with it on, only while PICKUP
/// is chosen.
#[component]
pub fn ShippingMethods(
    methods: Vec<ShippingMethod>,
    quotes: Option<ShippingQuotes>,
    points: Vec<PickupPoint>,
    lang: Lang,
) -> impl IntoView {
    let methods: Vec<ShippingMethod> = methods
        .into_iter()
        .filter(|m| !is_pickup(&m.code) || !points.is_empty())
        .collect();
    let offers_pickup = methods.iter().any(|m| is_pickup(&m.code));
    // `None` until hydrated (and on the server): the select stays visible.
    let chosen = RwSignal::new(None::<String>);
    let first = methods.first().map(|m| m.code.clone());
    Effect::new(move |_| chosen.set(first.clone()));
    let radios = methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let code = m.code.clone();
            view! {
                <label class="radio">
                    <input
                        type="radio"
                        name="shippingMethod"
                        value=m.code.clone()
                        id=format!("ship-{}", m.code.to_ascii_lowercase())
                        checked=i == 0
                        required
                        on:change=move |_| chosen.set(Some(code.clone()))
                    />
                    <span>{lang.t(shipping_key(&m.code))}</span>
                    " "
                    <span class="price shipping-fee" data-method=m.code.clone()>
                        {fee_label(lang, m, quotes.as_ref())}
                    </span>
                </label>
            }
        })
        .collect_view();
    let hidden = Signal::derive(move || chosen.get().is_some_and(|c| !is_pickup(&c)));
    view! {
        <fieldset class="stack" id="shipping-methods">
            <legend>{lang.t(Key::ShippingMethod)}</legend>
            {radios}
            {offers_pickup.then(|| view! { <PickupPointSelect points lang hidden /> })}
        </fieldset>
    }
    .into_any()
}

/// One radio per payment method, Alipay checked. Customers cannot read a
/// channel's methods before ordering, so every method is offered; one the
/// web shop does not take comes back as a translated error.
#[component]
pub fn PaymentMethods(lang: Lang) -> impl IntoView {
    let radios = PaymentMethod::ALL
        .iter()
        .map(|&m| {
            view! {
                <label class="radio">
                    <input
                        type="radio"
                        name="paymentMethod"
                        value=m.as_str()
                        id=format!("method-{}", m.as_str().to_ascii_lowercase().replace('_', "-"))
                        checked=m == PaymentMethod::Alipay
                        required
                    />
                    <span>{lang.t(method_key(m))}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="stack" id="payment-methods">
            <legend>{lang.t(Key::PaymentMethodLabel)}</legend>
            {radios}
            <p class="muted">{lang.t(Key::CheckoutPayHint)}</p>
        </fieldset>
    }
}
