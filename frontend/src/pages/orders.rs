//! The customer's orders: `/orders` (list, newest first) and
//! `/orders/{number}` (lines, totals, status, timeline, and a cancel form
//! posted to `POST /orders/{number}/cancel` while cancelling is allowed).

use crate::api::live::use_order_updates;
use crate::api::orders::{self, Order, OrderConnection};
use crate::api::{self, ApiError};
use crate::app::use_session;
use crate::components::order::{
    AddressView, FormNotice, OrderLines, StatusBadge, Timeline, format_time,
};
use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
use crate::pages::set_status;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// A sign-in prompt that comes back to `next`.
pub fn sign_in_prompt(lang: Lang, next: &str, text: Key) -> AnyView {
    let href = format!("/login?next={}", url_encode(next));
    view! {
        <p id="signin-required">{lang.t(text)}</p>
        <p>
            <a href=href class="button">{lang.t(Key::NavLogin)}</a>
        </p>
    }
    .into_any()
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(move || after.get(), api::orders::my_orders);

    view! {
        <Title text=t(Key::PageTitleMyOrders) />
        <Meta name="description" content=t(Key::MetaMyOrders) />
        <h1>{t(Key::PageTitleMyOrders)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if session.0.await.ok().flatten().is_none() {
                    return sign_in_prompt(lang, "/orders", Key::OrdersSignIn);
                }
                match list.await {
                    Ok(page) => view! { <OrdersTable page lang href_base="/orders" pager_base="/orders?".to_owned() console=false /> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An order list (`#orders-table`, one `.order-row` per order) with a
/// next-page link. `pager_base` is the list's URL up to and including the
/// `?` or `&` that `after=` is appended to.
#[component]
pub fn OrdersTable(
    page: OrderConnection,
    lang: Lang,
    href_base: &'static str,
    pager_base: String,
    console: bool,
) -> impl IntoView {
    if page.edges.is_empty() {
        return view! { <p class="empty" id="orders-empty">{lang.t(Key::NoOrders)}</p> }.into_any();
    }
    let next = page
        .page_info
        .end_cursor
        .filter(|_| page.page_info.has_next_page)
        .map(|c| format!("{pager_base}after={}", url_encode(&c)));
    let rows = page
        .edges
        .into_iter()
        .map(|edge| {
            let o = edge.node;
            let href = format!("{href_base}/{}", url_encode(&o.number));
            let extra = console.then(|| {
                let customer = o.customer.clone().map(|c| c.email).unwrap_or_default();
                let channel = o.channel.clone().map(|c| c.code).unwrap_or_default();
                view! {
                    <td class="customer">{customer}</td>
                    <td class="channel">{channel}</td>
                }
            });
            let (data_number, data_status) = (o.number.clone(), o.status.clone());
            view! {
                <tr class="order-row" data-number=data_number data-status=data_status>
                    <td><a href=href class="order-link">{o.number}</a></td>
                    <td><time datetime=o.placed_at.clone()>{format_time(&o.placed_at)}</time></td>
                    {extra}
                    <td><StatusBadge status=o.status lang /></td>
                    <td class="num">{o.total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" id="orders-count">{lang.t(Key::OrdersCount)} " " {page.total_count}</p>
        <div class="table-wrap">
            <table class="lines" id="orders-table">
                <thead>
                    <tr>
                        <th>{lang.t(Key::OrderNumber)}</th>
                        <th>{lang.t(Key::PlacedAt)}</th>
                        {console.then(|| view! {
                            <th>{lang.t(Key::Customer)}</th>
                            <th>{lang.t(Key::Channel)}</th>
                        })}
                        <th>{lang.t(Key::Status)}</th>
                        <th class="num">{lang.t(Key::Total)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager">
            {next.map(|href| view! { <a href=href rel="next" id="next-page">{lang.t(Key::NextPage)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let order = Resource::new(move || number.get(), orders::order);
    // With JavaScript on: reload the order whenever it changes (and once
    // when subscribed, to catch changes made since the page was rendered).
    use_order_updates(number, move |_| order.refetch());

    view! {
        <Title text=move || format!("{} {}", t(Key::PageTitleOrder), number.get()) />
        <Meta name="description" content=t(Key::MetaOrder) />
        <p class="back"><a href="/orders">{t(Key::BackToOrders)}</a></p>
        <FormNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let signed_in = session.0.await.ok().flatten().is_some();
                match order.await {
                    Ok(order) => view! { <CustomerOrder order lang /> }.into_any(),
                    Err(ApiError::NotFound | ApiError::Unauthenticated) if !signed_in => {
                        let next = format!("/orders/{}", number.get_untracked());
                        sign_in_prompt(lang, &next, Key::OrdersSignIn)
                    }
                    Err(ApiError::NotFound) => {
                        set_status(404);
                        view! { <p class="error" role="alert" id="order-not-found">{lang.t(Key::OrderNotFound)}</p> }
                            .into_any()
                    }
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerOrder(order: Order, lang: Lang) -> impl IntoView {
    let just_placed = order.events.len() == 1 && order.status == "PENDING_PAYMENT";
    let can_cancel = order.can("CANCEL");
    let cancel_action = format!("/orders/{}/cancel", url_encode(&order.number));
    let number = order.number.clone();
    let (data_number, data_status) = (order.number.clone(), order.status.clone());
    view! {
        <article class="order" id="order" data-number=data_number data-status=data_status>
            {just_placed.then(|| view! {
                <p class="notice" role="status" id="order-placed">{lang.t(Key::OrderPlacedThanks)}</p>
            })}
            <h1>
                {lang.t(Key::PageTitleOrder)} " " <span id="order-number">{number}</span>
            </h1>
            <p class="order-meta">
                <StatusBadge status=order.status.clone() lang id="order-status" />
                " "
                <span class="muted">
                    {lang.t(Key::PlacedAt)} " "
                    <time datetime=order.placed_at.clone()>{format_time(&order.placed_at)}</time>
                </span>
            </p>
            <OrderLines order=order.clone() lang />
            <div class="two-col">
                <section class="card">
                    <h2>{lang.t(Key::ShippingAddress)}</h2>
                    <AddressView address=order.shipping_address.clone() />
                    {order.note.clone().filter(|n| !n.is_empty()).map(|n| view! {
                        <p class="muted">{lang.t(Key::OrderNote)} ": " {n}</p>
                    })}
                </section>
                <section class="card">
                    <h2>{lang.t(Key::Timeline)}</h2>
                    <Timeline events=order.events.clone() lang />
                </section>
            </div>
            {can_cancel.then(|| view! {
                <form method="post" action=cancel_action class="card stack narrow-form" id="cancel-order">
                    <label>
                        {lang.t(Key::CancelReason)}
                        <input type="text" name="reason" id="cancel-reason" maxlength="500" />
                    </label>
                    <button type="submit" class="danger" id="cancel-order-button">{lang.t(Key::CancelOrder)}</button>
                </form>
            })}
        </article>
    }
}
