//! The service desk's tickets (support and admins; warehouse and finance
//! are told tickets are not theirs): `/console/service/tickets`, the
//! queue with status tabs and their counts, filters as a GET form
//! (assigned to me / unassigned, category, order number) and paging; and
//! `/console/service/tickets/{number}`, the thread with the assign, reply,
//! resolve and close forms posted to `POST /console/service/tickets/{number}/…`
//! (`backend/src/http/portal_forms/tickets.rs`). Which forms show comes
//! from `Ticket.availableActions`.

use crate::api::ApiError;
use crate::api::tickets::{self, QueueFilter, StaffRef, Ticket, TicketPage};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::components::service_desk::{DeskTab, DeskTabs};
use crate::components::tickets::{
    TicketNotice, TicketStatusBadge, TicketThread, button_form, reply_form,
};
use crate::components::url_encode;
use crate::http_status::set_status;
use crate::i18n::{Key, Lang, fill, t, ticket_category_key, ticket_status_key, use_lang};
use crate::schema::{TicketAction, TicketCategory, TicketStatus};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The queue.
pub const QUEUE_PATH: &str = "/console/service/tickets";

/// A ticket's console page.
pub fn console_ticket_href(number: &str) -> String {
    format!("{QUEUE_PATH}/{}", url_encode(number))
}

fn query_string(f: &QueueFilter, status: Option<&str>) -> String {
    let mut s = String::from(QUEUE_PATH);
    s.push('?');
    for (k, v) in f.pairs() {
        let v = if k == "status" {
            status.unwrap_or(v)
        } else {
            v
        };
        if !v.is_empty() {
            s.push_str(&format!("{k}={}&", url_encode(v)));
        }
    }
    s
}

#[component]
pub fn ConsoleTicketsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        QueueFilter {
            status: get("status"),
            assigned: get("assigned"),
            category: get("category"),
            order_number: get("orderNumber"),
        }
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let data = Resource::new(
        move || (filter.get(), after.get()),
        |(f, a)| tickets::queue(f, a),
    );
    view! {
        <Title text=t(Key::PageTitleConsoleTickets) />
        <Meta name="description" content=t(Key::MetaConsoleTickets) />
        <h1>{t(Key::PageTitleConsoleTickets)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, QUEUE_PATH).await {
                    return denied;
                }
                let f = filter.get_untracked();
                let body = match data.await {
                    Ok(page) => queue_view(page, f, lang).into_any(),
                    Err(err) => view! { <p class="error" role="alert" id="tickets-error">{lang.t(err.key())}</p> }.into_any(),
                };
                view! { <DeskTabs active=DeskTab::Tickets lang /> {body} }.into_any()
            })}
        </Suspense>
    }
}

fn queue_view(page: TicketPage, f: QueueFilter, lang: Lang) -> impl IntoView {
    // Status tabs with their counts (over the other filters).
    let all_count: i64 = page.counts_by_status.iter().map(|c| c.count).sum();
    let mut tabs = vec![
        view! {
            <a class="tab" href=query_string(&f, Some("")) id="status-tab-all"
                aria-current=f.status.is_empty().then_some("page")>
                {format!("{} ({all_count})", lang.t(Key::TkAll))}
            </a>
        }
        .into_any(),
    ];
    for c in &page.counts_by_status {
        let s = c.status.as_str();
        let id = format!("status-tab-{}", s.to_ascii_lowercase().replace('_', "-"));
        tabs.push(
            view! {
                <a class="tab" href=query_string(&f, Some(s)) id=id data-count=c.count.to_string()
                    aria-current=(f.status == s).then_some("page")>
                    {format!("{} ({})", lang.t(ticket_status_key(c.status)), c.count)}
                </a>
            }
            .into_any(),
        );
    }
    let assigned_options = [
        ("", Key::TkAnyone),
        ("ME", Key::TkAssignedMe),
        ("UNASSIGNED", Key::TkUnassigned),
    ]
    .into_iter()
    .map(|(v, k)| view! { <option value=v selected=f.assigned == v>{lang.t(k)}</option> })
    .collect_view();
    let category_options = TicketCategory::ALL
        .iter()
        .map(|&c| view! { <option value=c.as_str() selected=f.category == c.as_str()>{lang.t(ticket_category_key(c))}</option> })
        .collect_view();
    let status_options = TicketStatus::ALL
        .iter()
        .map(|&s| view! { <option value=s.as_str() selected=f.status == s.as_str()>{lang.t(ticket_status_key(s))}</option> })
        .collect_view();
    let next = page
        .page_info
        .end_cursor
        .clone()
        .filter(|_| page.page_info.has_next_page)
        .map(|c| format!("{}after={}", query_string(&f, None), url_encode(&c)));
    let rows = page
        .edges
        .into_iter()
        .map(|e| {
            let t = e.node;
            view! {
                <tr class="ticket-row" data-number=t.number.clone() data-status=t.status.as_str()>
                    <td><a href=console_ticket_href(&t.number)>{t.number.clone()}</a></td>
                    <td>{t.subject.clone()}</td>
                    <td>{t.customer.name.clone()} <br /><span class="muted">{t.customer.email.clone()}</span></td>
                    <td>{t.order_number.clone().map(|n| view! { <a href=format!("/console/orders/{}", url_encode(&n))>{n.clone()}</a> })}</td>
                    <td>{lang.t(ticket_category_key(t.category))}</td>
                    <td><TicketStatusBadge status=t.status lang /></td>
                    <td class="assignee">{t.assignee.as_ref().map_or_else(|| lang.t(Key::TkUnassigned).to_owned(), |a| a.name.clone())}</td>
                    <td>{t.message_count}</td>
                    <td>{format_time(&t.last_message_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav class="tabs" id="ticket-status-tabs">{tabs}</nav>
        <form method="get" action=QUEUE_PATH class="card filter-form" id="ticket-filter">
            <label>
                {lang.t(Key::TkColStatus)}
                <select name="status" id="filter-status">
                    <option value="">{lang.t(Key::TkAll)}</option>
                    {status_options}
                </select>
            </label>
            <label>
                {lang.t(Key::TkAssignee)}
                <select name="assigned" id="filter-assigned">{assigned_options}</select>
            </label>
            <label>
                {lang.t(Key::TkCategory)}
                <select name="category" id="filter-category">
                    <option value="">{lang.t(Key::TkAll)}</option>
                    {category_options}
                </select>
            </label>
            <label>
                {lang.t(Key::TkColOrder)}
                <input type="text" name="orderNumber" id="filter-order" value=f.order_number.clone() />
            </label>
            <button type="submit">{lang.t(Key::TkFilter)}</button>
        </form>
        <p class="muted" id="tickets-total">{fill(lang.t(Key::TkTotal), &[("count", &page.total_count.to_string())])}</p>
        <table class="orders" id="ticket-queue">
            <thead><tr>
                <th>{lang.t(Key::TkColNumber)}</th>
                <th>{lang.t(Key::TkColSubject)}</th>
                <th>{lang.t(Key::TkColCustomer)}</th>
                <th>{lang.t(Key::TkColOrder)}</th>
                <th>{lang.t(Key::TkCategory)}</th>
                <th>{lang.t(Key::TkColStatus)}</th>
                <th>{lang.t(Key::TkAssignee)}</th>
                <th>{lang.t(Key::TkColMessages)}</th>
                <th>{lang.t(Key::TkColActivity)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {next.map(|href| view! { <p><a href=href id="next-page">{lang.t(Key::NextPage)}</a></p> })}
    }
}

#[component]
pub fn ConsoleTicketPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let ticket = Resource::new(move || number.get(), tickets::ticket);
    let staff = Resource::new(|| (), |_| tickets::assignees());
    view! {
        <Title text=move || format!("{} {}", t(Key::PageTitleTicket), number.get()) />
        <Meta name="description" content=t(Key::MetaConsoleTickets) />
        <p class="back"><a href=QUEUE_PATH>{t(Key::TkBackToQueue)}</a></p>
        <TicketNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let here = console_ticket_href(&number.get_untracked());
                if let Some(denied) = staff_gate(lang, session, &here).await {
                    return denied;
                }
                match ticket.await {
                    Ok(t) => {
                        let (people, me) = staff.await.unwrap_or_default();
                        desk_ticket(t, people, me, lang).into_any()
                    }
                    Err(ApiError::NotFound) => {
                        set_status(404);
                        view! { <p class="error" role="alert" id="ticket-not-found">{lang.t(Key::TkNotFound)}</p> }
                            .into_any()
                    }
                    Err(err) => view! { <p class="error" role="alert" id="ticket-error">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn desk_ticket(t: Ticket, people: Vec<StaffRef>, me: Option<String>, lang: Lang) -> impl IntoView {
    let base = console_ticket_href(&t.number);
    let order_href = t
        .order_number
        .as_deref()
        .map(|n| format!("/console/orders/{}", url_encode(n)));
    let current = t
        .assignee
        .as_ref()
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let assign = t.can(TicketAction::Assign).then(|| {
        let options = people
            .into_iter()
            .map(|p| {
                let selected = p.id == current;
                view! { <option value=p.id.clone() selected=selected>{p.name.clone()}</option> }
            })
            .collect_view();
        let me_form = me.filter(|m| *m != current).map(|m| {
            view! {
                <form method="post" action=format!("{base}/assign") class="inline" id="ticket-assign-me">
                    <input type="hidden" name="id" value=t.id.clone() />
                    <input type="hidden" name="assigneeId" value=m />
                    <button type="submit" class="secondary">{lang.t(Key::TkAssignMe)}</button>
                </form>
            }
        });
        view! {
            <section class="card" id="ticket-assignment">
                <form method="post" action=format!("{base}/assign") class="inline" id="ticket-assign">
                    <input type="hidden" name="id" value=t.id.clone() />
                    <label>
                        {lang.t(Key::TkAssignee)} " "
                        <select name="assigneeId" id="ticket-assignee">
                            <option value="" selected=current.is_empty()>{lang.t(Key::TkUnassigned)}</option>
                            {options}
                        </select>
                    </label>
                    " " <button type="submit">{lang.t(Key::TkAssignSubmit)}</button>
                </form>
                {me_form}
            </section>
        }
    });
    let reply = t
        .can(TicketAction::Reply)
        .then(|| reply_form(format!("{base}/reply"), t.id.clone(), lang));
    let resolve = t.can(TicketAction::Resolve).then(|| {
        button_form(
            format!("{base}/resolve"),
            t.id.clone(),
            lang.t(Key::TkResolveButton),
            "ticket-resolve",
        )
    });
    let close = t.can(TicketAction::Close).then(|| {
        button_form(
            format!("{base}/close"),
            t.id.clone(),
            lang.t(Key::TkCloseStaffButton),
            "ticket-close",
        )
    });
    let customer = format!("{} <{}>", t.customer.name, t.customer.email);
    let (data_number, data_status) = (t.number.clone(), t.status.as_str());
    view! {
        <DeskTabs active=DeskTab::Tickets lang />
        <article class="ticket" id="ticket" data-number=data_number data-status=data_status>
            <h1>{lang.t(Key::PageTitleTicket)} " " <span id="ticket-number">{t.number.clone()}</span></h1>
            <h2 id="ticket-subject">{t.subject.clone()}</h2>
            <p id="ticket-customer">{lang.t(Key::TkColCustomer)} ": " {customer}</p>
            {assign}
            <TicketThread ticket=t.clone() lang order_href />
            {reply}
            <p class="actions">{resolve} {close}</p>
        </article>
    }
}
