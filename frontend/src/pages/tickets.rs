//! The customer's tickets, all working with JavaScript off:
//! `/tickets` (My tickets), `/tickets/new?order=…` ("Get help": a form
//! posted to `POST /tickets/new`), and `/tickets/{number}` (the thread,
//! with a reply form posted to `POST /tickets/{number}/reply` and, once
//! resolved, a close button posted to `POST /tickets/{number}/close`).
//! The forms are handled by `backend/src/http/portal_forms/tickets.rs`;
//! what the caller may do comes from `Ticket.availableActions`.

use crate::api::ApiError;
use crate::api::tickets::{self, Ticket, TicketPage};
use crate::components::access::sign_in_prompt;
use crate::components::order::format_time;
use crate::components::tickets::{
    TicketNotice, TicketStatusBadge, TicketThread, button_form, reply_form,
};
use crate::components::url_encode;
use crate::http_status::set_status;
use crate::i18n::{Key, Lang, fill, t, ticket_category_key, use_lang};
use crate::schema::{TicketAction, TicketCategory};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// My tickets.
pub const MY_TICKETS_PATH: &str = "/tickets";
/// The "Get help" form (GET shows it, POST opens the ticket).
pub const NEW_TICKET_PATH: &str = "/tickets/new";

/// A ticket's page.
pub fn ticket_href(number: &str) -> String {
    format!("/tickets/{}", url_encode(number))
}

fn tickets_table(page: TicketPage, lang: Lang) -> impl IntoView {
    if page.edges.is_empty() {
        return view! { <p id="no-tickets">{lang.t(Key::TkNone)}</p> }.into_any();
    }
    let next = page
        .page_info
        .end_cursor
        .clone()
        .filter(|_| page.page_info.has_next_page)
        .map(|c| format!("{MY_TICKETS_PATH}?after={}", url_encode(&c)));
    let rows = page
        .edges
        .into_iter()
        .map(|e| {
            let t = e.node;
            let href = ticket_href(&t.number);
            view! {
                <tr class="ticket-row" data-number=t.number.clone() data-status=t.status.as_str()>
                    <td><a href=href>{t.number.clone()}</a></td>
                    <td>{t.subject.clone()}</td>
                    <td>{t.order_number.clone().unwrap_or_else(|| lang.t(Key::TkGeneral).to_owned())}</td>
                    <td><TicketStatusBadge status=t.status lang /></td>
                    <td>{format_time(&t.last_message_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="orders" id="my-tickets">
            <thead><tr>
                <th>{lang.t(Key::TkColNumber)}</th>
                <th>{lang.t(Key::TkColSubject)}</th>
                <th>{lang.t(Key::TkColOrder)}</th>
                <th>{lang.t(Key::TkColStatus)}</th>
                <th>{lang.t(Key::TkColActivity)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {next.map(|href| view! { <p><a href=href id="next-page">{lang.t(Key::NextPage)}</a></p> })}
    }
    .into_any()
}

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(move || after.get(), tickets::my_tickets);
    view! {
        <Title text=t(Key::PageTitleMyTickets) />
        <Meta name="description" content=t(Key::MetaMyTickets) />
        <h1>{t(Key::PageTitleMyTickets)}</h1>
        <p><a href=NEW_TICKET_PATH class="button" id="ask-link">{t(Key::TkAsk)}</a></p>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if session.0.await.ok().flatten().is_none() {
                    return sign_in_prompt(lang, MY_TICKETS_PATH, Key::TkSignIn);
                }
                match list.await {
                    Ok(page) => tickets_table(page, lang).into_any(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let order = Memo::new(move |_| {
        query
            .read()
            .get("order")
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
    });
    view! {
        <Title text=t(Key::PageTitleNewTicket) />
        <Meta name="description" content=t(Key::MetaNewTicket) />
        <p class="back"><a href=MY_TICKETS_PATH>{t(Key::TkBackToMine)}</a></p>
        <h1>{t(Key::PageTitleNewTicket)}</h1>
        <TicketNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let order = order.get_untracked();
                if session.0.await.ok().flatten().is_none() {
                    let next = match &order {
                        Some(n) => format!("{NEW_TICKET_PATH}?order={}", url_encode(n)),
                        None => NEW_TICKET_PATH.to_owned(),
                    };
                    return sign_in_prompt(lang, &next, Key::TkSignIn);
                }
                new_ticket_form(order, lang).into_any()
            })}
        </Suspense>
    }
}

fn new_ticket_form(order: Option<String>, lang: Lang) -> impl IntoView {
    let about = match &order {
        Some(n) => fill(lang.t(Key::TkAboutOrder), &[("number", n)]),
        None => lang.t(Key::TkGeneral).to_owned(),
    };
    let preselect = if order.is_some() {
        TicketCategory::OrderIssue
    } else {
        TicketCategory::Other
    };
    let options = TicketCategory::ALL
        .iter()
        .map(|&c| {
            view! { <option value=c.as_str() selected=c == preselect>{lang.t(ticket_category_key(c))}</option> }
        })
        .collect_view();
    view! {
        <form method="post" action=NEW_TICKET_PATH class="card stack narrow-form" id="new-ticket">
            <p id="new-ticket-about">{about}</p>
            <input type="hidden" name="orderNumber" value=order.unwrap_or_default() />
            <label>
                {lang.t(Key::TkCategory)}
                <select name="category" id="ticket-category">{options}</select>
            </label>
            <label>
                {lang.t(Key::TkSubject)}
                <input type="text" name="subject" id="ticket-subject" maxlength="200" required />
            </label>
            <label>
                {lang.t(Key::TkMessage)}
                <textarea name="message" id="ticket-message" rows="6" maxlength="5000" required></textarea>
            </label>
            <button type="submit" id="new-ticket-submit">{lang.t(Key::TkOpenSubmit)}</button>
        </form>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let ticket = Resource::new(move || number.get(), tickets::ticket);
    view! {
        <Title text=move || format!("{} {}", t(Key::PageTitleTicket), number.get()) />
        <Meta name="description" content=t(Key::MetaTicket) />
        <p class="back"><a href=MY_TICKETS_PATH>{t(Key::TkBackToMine)}</a></p>
        <TicketNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let signed_in = session.0.await.ok().flatten().is_some();
                match ticket.await {
                    Ok(t) => customer_ticket(t, lang).into_any(),
                    Err(ApiError::NotFound | ApiError::Unauthenticated) if !signed_in => {
                        sign_in_prompt(lang, &ticket_href(&number.get_untracked()), Key::TkSignIn)
                    }
                    Err(ApiError::NotFound) => {
                        set_status(404);
                        view! { <p class="error" role="alert" id="ticket-not-found">{lang.t(Key::TkNotFound)}</p> }
                            .into_any()
                    }
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn customer_ticket(t: Ticket, lang: Lang) -> impl IntoView {
    let base = ticket_href(&t.number);
    let order_href = t
        .order_number
        .as_deref()
        .map(|n| format!("/orders/{}", url_encode(n)));
    let reply = t
        .can(TicketAction::Reply)
        .then(|| reply_form(format!("{base}/reply"), t.id.clone(), lang));
    let close = t.can(TicketAction::Close).then(|| {
        button_form(
            format!("{base}/close"),
            t.id.clone(),
            lang.t(Key::TkCloseButton),
            "ticket-close",
        )
    });
    let (data_number, data_status) = (t.number.clone(), t.status.as_str());
    view! {
        <article class="ticket" id="ticket" data-number=data_number data-status=data_status>
            <h1>{lang.t(Key::PageTitleTicket)} " " <span id="ticket-number">{t.number.clone()}</span></h1>
            <h2 id="ticket-subject">{t.subject.clone()}</h2>
            <TicketThread ticket=t.clone() lang order_href />
            {reply}
            {close}
        </article>
    }
}
