//! The customer's orders: `/orders` (list, newest first) and
//! `/orders/{number}` (lines, totals, status, payment with "Pay now"
//! posted to `POST /orders/{number}/pay`, timeline, and a cancel form
//! posted to `POST /orders/{number}/cancel` while cancelling is allowed).

use crate::api::live::use_order_updates;
use crate::api::orders::{self, Order};
use crate::api::{self, ApiError};
use crate::components::access::sign_in_prompt;
use crate::components::after_sales::AfterSalesActions;
use crate::components::notifications::NotificationLog;
use crate::components::order::{
    AddressView, FormNotice, OrderLines, StatusBadge, Timeline, format_time,
};
use crate::components::orders_table::OrdersTable;
use crate::components::payment::CustomerPayment;
use crate::components::shipment::Shipments;
use crate::components::tickets::OrderTickets;
use crate::components::url_encode;
use crate::http_status::set_status;
use crate::i18n::{Key, Lang, t, use_lang};
use crate::schema::OrderAction;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

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
        // The customer's after-sales lists, one click from their orders.
        <nav class="tabs" id="account-links">
            <a class="tab" href="/returns" id="link-my-returns">{t(Key::RetTitleMy)}</a>
            <a class="tab" href="/tickets" id="link-my-tickets">{t(Key::PageTitleMyTickets)}</a>
            <a class="tab" href="/account/reviews" id="link-my-reviews">{t(Key::PageTitleMyReviews)}</a>
        </nav>
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

#[component]
pub fn OrderPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let order = Resource::new(move || number.get(), orders::order);
    // With JavaScript on: reload the order whenever it changes; after a
    // dropped connection the updates it missed are replayed from the
    // sequence it shows (or it reloads once if it did not know it).
    let shown = move || {
        order
            .get_untracked()
            .and_then(|o| o.ok())
            .map(|o| o.sequence)
    };
    use_order_updates(number, shown, move |_| order.refetch());

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
    // Thanked once, on arrival from checkout (`?placed=1`), not on every
    // later visit to an order that is still waiting for its payment.
    let just_placed = use_query_map()
        .read_untracked()
        .get("placed")
        .is_some_and(|v| v == "1");
    let can_cancel = order.can(OrderAction::Cancel);
    let cancel_action = format!("/orders/{}/cancel", url_encode(&order.number));
    let number = order.number.clone();
    let (data_number, data_status) = (order.number.clone(), order.status.as_str());
    view! {
        <article
            class="order"
            id="order"
            data-number=data_number
            data-status=data_status
            data-payment-status=order.payment_status.as_str()
        >
            {just_placed.then(|| view! {
                <p class="notice" role="status" id="order-placed">{lang.t(Key::OrderPlacedThanks)}</p>
            })}
            <h1>
                {lang.t(Key::PageTitleOrder)} " " <span id="order-number">{number}</span>
            </h1>
            <p class="order-meta">
                <StatusBadge status=order.status lang id="order-status" />
                " "
                <span class="muted">
                    {lang.t(Key::PlacedAt)} " "
                    <time datetime=order.placed_at.clone()>{format_time(&order.placed_at)}</time>
                </span>
            </p>
            <OrderLines order=order.clone() lang />
            <CustomerPayment order=order.clone() lang />
            <Shipments shipments=order.shipments.clone() lines=order.lines.clone() lang />
            <AfterSalesActions order=order.clone() lang />
            <OrderTickets number=order.number.clone() lang console=false />
            <NotificationLog number=order.number.clone() lang console=false />
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
