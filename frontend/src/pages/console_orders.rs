//! The console's orders (staff): `/console/orders` (filters as a GET form,
//! paging with `after`), `/console/orders/{number}` (timeline, allocations,
//! staff actions posted to `POST /console/orders/{number}/action`, and the
//! payment panel: ledger, capture, void, refund and record forms).

use crate::api::ApiError;
use crate::api::live::use_order_updates;
use crate::api::orders::{self, ConsoleOrdersData, Order, OrderFilterForm};
use crate::components::access::staff_gate;
use crate::components::after_sales::AfterSalesActions;
use crate::components::notifications::NotificationLog;
use crate::components::order::{
    AddressView, FormNotice, OrderLines, StatusBadge, Timeline, format_time, refusal_text,
};
use crate::components::orders_table::OrdersTable;
use crate::components::payment_panel::PaymentPanel;
use crate::components::shipment::Shipments;
use crate::components::tickets::OrderTickets;
use crate::components::{idempotency_key, url_encode};
use crate::http_status::set_status;
use crate::i18n::{Key, Lang, action_key, sort_key, status_key, t, use_lang};
use crate::schema::{OrderAction, OrderSort, OrderStatus, Role};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ConsoleOrdersPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        OrderFilterForm {
            status: get("status"),
            channel: get("channel"),
            customer_email: get("customerEmail"),
            sku: get("sku"),
            placed_from: get("placedFrom"),
            placed_to: get("placedTo"),
            sort: get("sort"),
        }
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let data = Resource::new(
        move || (filter.get(), after.get()),
        |(f, a)| orders::console_orders(f, a),
    );

    view! {
        <Title text=t(Key::PageTitleConsoleOrders) />
        <Meta name="description" content=t(Key::MetaConsoleOrders) />
        <h1>{t(Key::PageTitleConsoleOrders)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/orders").await {
                    return denied;
                }
                let f = filter.get_untracked();
                match data.await {
                    Ok(data) => view! { <ConsoleOrders data filter=f lang /> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleOrders(data: ConsoleOrdersData, filter: OrderFilterForm, lang: Lang) -> impl IntoView {
    let pager_base = {
        let mut s = String::from("/console/orders?");
        for (k, v) in filter.pairs() {
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", url_encode(v)));
            }
        }
        s
    };
    let status_options = OrderStatus::ALL
        .iter()
        .map(|&s| {
            let selected = filter.status == s.as_str();
            view! { <option value=s.as_str() selected=selected>{lang.t(status_key(s))}</option> }
        })
        .collect_view();
    let channel_options = data
        .channels
        .iter()
        .map(|c| {
            let label = format!("{} ({})", c.name, c.code);
            view! { <option value=c.code.clone() selected=filter.channel == c.code>{label}</option> }
        })
        .collect_view();
    let sort_options = OrderSort::ALL
        .iter()
        .map(|&sort| {
            let selected = filter.sort == sort.as_str();
            view! { <option value=sort.as_str() selected=selected>{lang.t(sort_key(sort))}</option> }
        })
        .collect_view();
    view! {
        <section id="console-orders">
            <p><a href="/console/orders/new" class="button" id="new-order-link">{lang.t(Key::NewOrder)}</a></p>
            <form method="get" action="/console/orders" class="card filter-form" id="order-filter">
                <label>
                    {lang.t(Key::Status)}
                    <select name="status" id="filter-status">
                        <option value="">{lang.t(Key::Any)}</option>
                        {status_options}
                    </select>
                </label>
                <label>
                    {lang.t(Key::Channel)}
                    <select name="channel" id="filter-channel">
                        <option value="">{lang.t(Key::Any)}</option>
                        {channel_options}
                    </select>
                </label>
                <label>
                    {lang.t(Key::CustomerEmail)}
                    <input type="text" name="customerEmail" id="filter-email" value=filter.customer_email.clone() />
                </label>
                <label>
                    {lang.t(Key::Sku)}
                    <input type="text" name="sku" id="filter-sku" value=filter.sku.clone() />
                </label>
                <label>
                    {lang.t(Key::PlacedFrom)}
                    <input type="date" name="placedFrom" id="filter-from" value=filter.placed_from.clone() />
                </label>
                <label>
                    {lang.t(Key::PlacedTo)}
                    <input type="date" name="placedTo" id="filter-to" value=filter.placed_to.clone() />
                </label>
                <label>
                    {lang.t(Key::SortBy)}
                    <select name="sort" id="filter-sort">{sort_options}</select>
                </label>
                <div class="filter-actions">
                    <button type="submit" id="filter-submit">{lang.t(Key::ApplyFilter)}</button>
                    " "
                    <a href="/console/orders">{lang.t(Key::ClearFilter)}</a>
                </div>
            </form>
            <OrdersTable page=data.orders lang href_base="/console/orders" pager_base console=true />
        </section>
    }
}

#[component]
pub fn ConsoleOrderPage() -> impl IntoView {
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
    // The payment forms' idempotency keys start with this; serialized with
    // the page, so the hydrated forms keep the keys the server rendered.
    let key_base = Resource::new(|| (), |_| async { idempotency_key() });

    view! {
        <Title text=move || format!("{} {}", t(Key::PageTitleOrder), number.get()) />
        <Meta name="description" content=t(Key::MetaConsoleOrder) />
        <p class="back"><a href="/console/orders">{t(Key::BackToOrders)}</a></p>
        <FormNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let next = format!("/console/orders/{}", number.get_untracked());
                if let Some(denied) = staff_gate(lang, session, &next).await {
                    return denied;
                }
                // Who may move money (the API checks it again).
                let can_move_money = session
                    .user()
                    .await
                    .is_some_and(|u| matches!(u.role, Role::Finance | Role::Admin));
                let key_base = key_base.await;
                match order.await {
                    Ok(order) => view! { <StaffOrder order key_base can_move_money lang /> }.into_any(),
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
fn StaffOrder(order: Order, key_base: String, can_move_money: bool, lang: Lang) -> impl IntoView {
    let action_url = format!("/console/orders/{}/action", url_encode(&order.number));
    let number = order.number.clone();
    let allocations = order
        .allocations
        .iter()
        .map(|a| {
            view! {
                <tr class="allocation" data-sku=a.sku.clone() data-warehouse=a.warehouse.code.clone()>
                    <td class="sku">{a.sku.clone()}</td>
                    <td>{a.warehouse.code.clone()} " " <span class="muted">{a.warehouse.name.clone()}</span></td>
                    <td class="num">{a.quantity}</td>
                </tr>
            }
        })
        .collect_view();
    // Picking, shipping and delivery follow the shipments (their own
    // page): only the actions people take on the order itself are shown.
    let by_hand: Vec<_> = order
        .available_transitions
        .iter()
        .filter(|t| matches!(t.action, OrderAction::Complete | OrderAction::Cancel))
        .collect();
    let any_allowed = by_hand.iter().any(|t| t.allowed);
    let buttons = by_hand
        .iter()
        .map(|tr| {
            let class = if tr.action == OrderAction::Cancel {
                "danger action"
            } else {
                "action"
            };
            let reason = tr.refusal.as_ref().map(|r| refusal_text(lang, r));
            view! {
                <button
                    type="submit"
                    name="action"
                    value=tr.action.as_str()
                    class=class
                    id=format!("action-{}", tr.action.as_str().to_ascii_lowercase().replace('_', "-"))
                    disabled=!tr.allowed
                    title=reason
                >
                    {lang.t(action_key(tr.action))}
                </button>
            }
        })
        .collect_view();
    let reasons = by_hand
        .iter()
        .filter_map(|t| {
            let r = t.refusal.as_ref().filter(|_| !t.allowed)?;
            Some(view! {
                <li class="muted refusal" data-action=t.action.as_str() data-code=r.code.as_str()>
                    {refusal_text(lang, r)}
                </li>
            })
        })
        .collect_view();
    let (data_number, data_status) = (order.number.clone(), order.status.as_str());
    view! {
        <article
            class="order"
            id="order"
            data-number=data_number
            data-status=data_status
            data-payment-status=order.payment_status.as_str()
        >
            <h1>{lang.t(Key::PageTitleOrder)} " " <span id="order-number">{number}</span></h1>
            <dl class="facts">
                <dt>{lang.t(Key::Status)}</dt>
                <dd><StatusBadge status=order.status lang id="order-status" /></dd>
                <dt>{lang.t(Key::PlacedAt)}</dt>
                <dd><time datetime=order.placed_at.clone()>{format_time(&order.placed_at)}</time></dd>
                <dt>{lang.t(Key::Customer)}</dt>
                <dd id="order-customer">{order.customer.name.clone()} " <" {order.customer.email.clone()} ">"</dd>
                <dt>{lang.t(Key::Channel)}</dt>
                <dd id="order-channel">{order.channel.name.clone()} " (" {order.channel.code.clone()} ")"</dd>
                {order.external_id.clone().map(|x| view! { <dt>{lang.t(Key::ExternalId)}</dt><dd>{x}</dd> })}
                {order.note.clone().filter(|n| !n.is_empty()).map(|n| view! { <dt>{lang.t(Key::OrderNote)}</dt><dd>{n}</dd> })}
            </dl>
            <form method="post" action=action_url class="card stack" id="order-actions">
                <h2>{lang.t(Key::StaffActions)}</h2>
                <label>
                    {lang.t(Key::ActionNote)}
                    <input type="text" name="note" id="action-note" maxlength="500" />
                </label>
                <div class="button-row">{buttons}</div>
                {(!any_allowed).then(|| view! { <p class="muted">{lang.t(Key::NoActions)}</p> })}
                <ul class="plain-list reasons">{reasons}</ul>
            </form>
            <OrderLines order=order.clone() lang />
            <PaymentPanel order=order.clone() key_base can_move_money lang />
            <Shipments shipments=order.shipments.clone() lines=order.lines.clone() lang console=true />
            <AfterSalesActions order=order.clone() lang />
            <OrderTickets number=order.number.clone() lang console=true />
            <NotificationLog number=order.number.clone() lang console=true />
            <div class="two-col">
                <section class="card">
                    <h2>{lang.t(Key::Allocations)}</h2>
                    <table class="lines" id="allocations">
                        <thead>
                            <tr>
                                <th>{lang.t(Key::Sku)}</th>
                                <th>{lang.t(Key::Warehouse)}</th>
                                <th class="num">{lang.t(Key::Quantity)}</th>
                            </tr>
                        </thead>
                        <tbody>{allocations}</tbody>
                    </table>
                    <h2>{lang.t(Key::ShippingAddress)}</h2>
                    <AddressView address=order.shipping_address.clone() />
                </section>
                <section class="card">
                    <h2>{lang.t(Key::Timeline)}</h2>
                    <Timeline events=order.events.clone() lang />
                </section>
            </div>
        </article>
    }
}
