//! An order list with a next-page link: the customer's orders and the
//! console's queue.

use crate::api::orders::OrderConnection;
use crate::components::order::{StatusBadge, format_time};
use crate::components::url_encode;
use crate::i18n::{Key, Lang};
use leptos::prelude::*;

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
            let (data_number, data_status) = (o.number.clone(), o.status.as_str());
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
