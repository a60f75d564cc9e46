//! `/console/payments` (finance, support, admin): every payment, newest
//! first, with its order (linked to the console's order page), method,
//! status and amounts; filters by method, status and creation date as a
//! GET form (works without JavaScript), paging with `after`.

use crate::api::ApiError;
use crate::api::payments::{self, PaymentConnection, PaymentFilterForm};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::components::payment::PaymentStatusBadge;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, method_key, payment_status_key, t, use_lang};
use crate::schema::{PaymentMethod, PaymentStatus, Role};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// What a role other than these sees instead of the list.
fn may_see_payments(role: Role) -> bool {
    matches!(role, Role::Finance | Role::Support | Role::Admin)
}

fn denied(lang: Lang) -> AnyView {
    view! { <p class="error" role="alert" id="console-denied">{lang.t(Key::PaymentsForbidden)}</p> }
        .into_any()
}

#[component]
pub fn ConsolePaymentsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        PaymentFilterForm {
            method: get("method"),
            status: get("status"),
            created_from: get("createdFrom"),
            created_to: get("createdTo"),
            order_number: get("orderNumber"),
        }
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let data = Resource::new(
        move || (filter.get(), after.get()),
        |(f, a)| payments::payments(f, a),
    );

    view! {
        <Title text=t(Key::PageTitlePayments) />
        <Meta name="description" content=t(Key::MetaPayments) />
        <h1>{t(Key::PageTitlePayments)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/payments").await {
                    return denied;
                }
                if !session.user().await.is_some_and(|u| may_see_payments(u.role)) {
                    return denied(lang);
                }
                let f = filter.get_untracked();
                match data.await {
                    Ok(page) => view! { <PaymentsList page filter=f lang /> }.into_any(),
                    Err(ApiError::Forbidden) => denied(lang),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn PaymentsList(page: PaymentConnection, filter: PaymentFilterForm, lang: Lang) -> impl IntoView {
    let pager_base = {
        let mut s = String::from("/console/payments?");
        for (k, v) in filter.pairs() {
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", url_encode(v)));
            }
        }
        s
    };
    let next = page
        .page_info
        .end_cursor
        .clone()
        .filter(|_| page.page_info.has_next_page)
        .map(|c| format!("{pager_base}after={}", url_encode(&c)));
    let method_options = PaymentMethod::ALL
        .iter()
        .map(|&m| {
            let selected = filter.method == m.as_str();
            view! { <option value=m.as_str() selected=selected>{lang.t(method_key(m))}</option> }
        })
        .collect_view();
    let status_options = PaymentStatus::ALL
        .iter()
        .map(|&s| {
            let selected = filter.status == s.as_str();
            view! { <option value=s.as_str() selected=selected>{lang.t(payment_status_key(s))}</option> }
        })
        .collect_view();
    let rows = page
        .edges
        .into_iter()
        .map(|edge| {
            let p = edge.node;
            let href = format!("/console/orders/{}", url_encode(&p.order_number));
            view! {
                <tr class="payment-row" data-payment-id=p.id.clone() data-method=p.method.as_str()
                    data-status=p.status.as_str() data-order=p.order_number.clone()>
                    <td><a href=href class="order-link">{p.order_number.clone()}</a></td>
                    <td>{lang.t(method_key(p.method))}</td>
                    <td><PaymentStatusBadge status=p.status lang /></td>
                    <td class="num">{p.amount.to_string()}</td>
                    <td class="num">{p.captured.to_string()}</td>
                    <td class="num">{p.refunded.to_string()}</td>
                    <td><time datetime=p.created_at.clone()>{format_time(&p.created_at)}</time></td>
                    <td class="muted">{p.reference}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = page.total_count == 0;
    view! {
        <section id="console-payments">
            <form method="get" action="/console/payments" class="card filter-form" id="payment-filter">
                <label>
                    {lang.t(Key::PaymentMethodLabel)}
                    <select name="method" id="filter-method">
                        <option value="">{lang.t(Key::Any)}</option>
                        {method_options}
                    </select>
                </label>
                <label>
                    {lang.t(Key::Status)}
                    <select name="status" id="filter-status">
                        <option value="">{lang.t(Key::Any)}</option>
                        {status_options}
                    </select>
                </label>
                <label>
                    {lang.t(Key::OrderNumber)}
                    <input type="text" name="orderNumber" id="filter-order" value=filter.order_number.clone() />
                </label>
                <label>
                    {lang.t(Key::CreatedFrom)}
                    <input type="date" name="createdFrom" id="filter-from" value=filter.created_from.clone() />
                </label>
                <label>
                    {lang.t(Key::CreatedTo)}
                    <input type="date" name="createdTo" id="filter-to" value=filter.created_to.clone() />
                </label>
                <div class="filter-actions">
                    <button type="submit" id="filter-submit">{lang.t(Key::ApplyFilter)}</button>
                    " "
                    <a href="/console/payments">{lang.t(Key::ClearFilter)}</a>
                </div>
            </form>
            <p class="muted" id="payments-count" data-count=page.total_count>
                {lang.t(Key::PaymentsCount)} " " {page.total_count}
            </p>
            {empty.then(|| view! { <p class="empty" id="payments-empty">{lang.t(Key::NoPayments)}</p> })}
            {(!empty).then(|| view! {
                <div class="table-wrap">
                    <table class="lines" id="payments-table">
                        <thead>
                            <tr>
                                <th>{lang.t(Key::OrderNumber)}</th>
                                <th>{lang.t(Key::PaymentMethodLabel)}</th>
                                <th>{lang.t(Key::Status)}</th>
                                <th class="num">{lang.t(Key::Amount)}</th>
                                <th class="num">{lang.t(Key::CapturedAmount)}</th>
                                <th class="num">{lang.t(Key::RefundedAmount)}</th>
                                <th>{lang.t(Key::CreatedAt)}</th>
                                <th>{lang.t(Key::PaymentReference)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            <nav class="pager">
                {next.map(|href| view! { <a href=href rel="next" id="next-page">{lang.t(Key::NextPage)}</a> })}
            </nav>
        </section>
    }
    .into_any()
}
