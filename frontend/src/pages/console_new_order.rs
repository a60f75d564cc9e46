//! `/console/orders/new`: staff enter an order for a customer (phone or
//! in-store sales). A plain form posted to `POST /console/orders/new`:
//! customer email, channel, `sku`/`quantity` rows, address, shipping method
//! (EXPRESS, POSTAL, PICKUP with its pickup point), note and a fresh
//! idempotency key. `?rows=N` shows more line rows.

use crate::api::orders::{self, NewOrderFormData};
use crate::components::access::staff_gate;
use crate::components::address_fields::AddressFields;
use crate::components::delivery::{PickupPointSelect, fee_label};
use crate::components::idempotency_key;
use crate::components::order::FormNotice;
use crate::i18n::{Key, Lang, shipping_key, t, use_lang};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Line rows shown by default, and at most (`?rows=`).
const DEFAULT_ROWS: usize = 5;
const MAX_ROWS: usize = 50;

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let rows = Memo::new(move |_| {
        query
            .read()
            .get("rows")
            .and_then(|r| r.parse::<usize>().ok())
            .unwrap_or(DEFAULT_ROWS)
            .clamp(1, MAX_ROWS)
    });
    let data = Resource::new(|| (), |_| orders::new_order_form());
    let key = Resource::new(|| (), |_| async { idempotency_key() });

    view! {
        <Title text=t(Key::PageTitleNewOrder) />
        <Meta name="description" content=t(Key::MetaNewOrder) />
        <p class="back"><a href="/console/orders">{t(Key::BackToOrders)}</a></p>
        <h1>{t(Key::PageTitleNewOrder)}</h1>
        <FormNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/orders/new").await {
                    return denied;
                }
                let key = key.await;
                match data.await {
                    Ok(data) => view! { <NewOrderForm data key rows=rows.get_untracked() lang /> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewOrderForm(data: NewOrderFormData, key: String, rows: usize, lang: Lang) -> impl IntoView {
    let channels = data
        .channels
        .into_iter()
        .map(|c| {
            let selected = c.code == "web";
            let label = format!("{} ({})", c.name, c.code);
            view! { <option value=c.code selected=selected>{label}</option> }
        })
        .collect_view();
    let methods = data
        .shipping_methods
        .into_iter()
        .map(|m| {
            let label = format!(
                "{} {}",
                lang.t(shipping_key(&m.code)),
                fee_label(lang, &m, None)
            );
            view! { <option value=m.code>{label}</option> }
        })
        .collect_view();
    let points = data.pickup_points;
    let line_rows = (0..rows)
        .map(|i| {
            view! {
                <tr class="line-row">
                    <td>
                        <label class="visually-hidden" for=format!("line-sku-{i}")>{lang.t(Key::Sku)}</label>
                        <input type="text" name="sku" id=format!("line-sku-{i}") maxlength="64" required=i == 0 />
                    </td>
                    <td>
                        <label class="visually-hidden" for=format!("line-qty-{i}")>{lang.t(Key::Quantity)}</label>
                        <input type="number" name="quantity" id=format!("line-qty-{i}") class="qty" min="1" max="999" value=(i == 0).then_some("1") />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let more = format!("/console/orders/new?rows={}", (rows + 5).min(MAX_ROWS));
    view! {
        <form method="post" action="/console/orders/new" class="card stack" id="new-order-form">
            <input type="hidden" name="idempotencyKey" value=key />
            <div class="row">
                <label>
                    {lang.t(Key::CustomerEmail)}
                    <input type="email" name="customerEmail" id="customer-email" required maxlength="254" />
                </label>
                <label>
                    {lang.t(Key::Channel)}
                    <select name="channel" id="order-channel">{channels}</select>
                </label>
            </div>
            <fieldset>
                <legend>{lang.t(Key::OrderLines)}</legend>
                <table class="lines" id="new-order-lines">
                    <thead>
                        <tr>
                            <th>{lang.t(Key::Sku)}</th>
                            <th>{lang.t(Key::Quantity)}</th>
                        </tr>
                    </thead>
                    <tbody>{line_rows}</tbody>
                </table>
                {(rows < MAX_ROWS).then(|| view! { <a href=more id="more-rows">{lang.t(Key::MoreLines)}</a> })}
            </fieldset>
            <AddressFields lang />
            <label>
                {lang.t(Key::ShippingMethod)}
                <select name="shippingMethod" id="shipping-method">{methods}</select>
            </label>
            {(!points.is_empty()).then(|| view! { <PickupPointSelect points lang /> })}
            <label>
                {lang.t(Key::OrderNote)}
                <textarea name="note" id="note" maxlength="500" rows="2"></textarea>
            </label>
            <button type="submit" id="new-order-submit">{lang.t(Key::PlaceOrder)}</button>
        </form>
    }
}
