//! Pieces of the ticket pages, portal and console alike: the status badge,
//! the thread (message bodies are plain text: Leptos escapes them, so HTML
//! a customer typed shows as the characters they typed), the reply form,
//! and the notice a form comes back with (`?done=…` or `?error=CODE`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::tickets::{Ticket, TicketMessage, order_tickets};
use crate::components::order::format_time;
use crate::components::url_encode;
use crate::i18n::{
    Key, Lang, fill, ticket_author_key, ticket_category_key, ticket_duration, ticket_error_key,
    ticket_status_key,
};
use crate::schema::{TicketAuthorRole, TicketStatus};

/// A ticket's status as a badge.
#[component]
pub fn TicketStatusBadge(
    status: TicketStatus,
    lang: Lang,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let class = format!(
        "status ticket-status-{}",
        status.as_str().to_ascii_lowercase()
    );
    view! {
        <span class=class id=id data-status=status.as_str()>
            {lang.t(ticket_status_key(status))}
        </span>
    }
}

/// What a ticket form came back with.
#[component]
pub fn TicketNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let reason = lang.t(ticket_error_key(&code, q.get("field").as_deref()));
            let text = fill(lang.t(Key::TkFailed), &[("reason", reason)]);
            return Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{text}</p> }
                    .into_any(),
            );
        }
        let key = match q.get("done").as_deref() {
            Some("OPENED") => Key::TkOpened,
            Some("REPLY") => Key::TkSent,
            Some("RESOLVE") => Key::TkDoneResolve,
            Some("CLOSE") => Key::TkDoneClose,
            Some("ASSIGN") => Key::TkDoneAssign,
            _ => return None,
        };
        Some(view! { <p class="notice" role="status" id="form-done">{lang.t(key)}</p> }.into_any())
    }
}

fn message_view(m: TicketMessage, lang: Lang) -> impl IntoView {
    let who = m
        .author_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| lang.t(ticket_author_key(m.role)).to_owned());
    let class = match m.role {
        TicketAuthorRole::Customer => "ticket-message from-customer",
        TicketAuthorRole::Staff => "ticket-message from-staff",
    };
    view! {
        <li class=class data-role=m.role.as_str()>
            <p class="muted">
                <strong>{who}</strong> " · "
                <time datetime=m.at.clone()>{format_time(&m.at)}</time>
            </p>
            // Plain text, escaped by Leptos; line breaks kept by CSS.
            <p class="ticket-body" style="white-space:pre-wrap">{m.body}</p>
        </li>
    }
}

/// The ticket's header facts and its messages, oldest first.
#[component]
pub fn TicketThread(
    ticket: Ticket,
    lang: Lang,
    #[prop(into)] order_href: Option<String>,
) -> impl IntoView {
    let about = match (ticket.order_number.clone(), order_href) {
        (Some(n), Some(href)) => view! {
            <a href=href id="ticket-order">{fill(lang.t(Key::TkAboutOrder), &[("number", &n)])}</a>
        }
        .into_any(),
        (Some(n), None) => view! { <span id="ticket-order">{fill(lang.t(Key::TkAboutOrder), &[("number", &n)])}</span> }.into_any(),
        (None, _) => view! { <span id="ticket-order">{lang.t(Key::TkGeneral)}</span> }.into_any(),
    };
    let first = ticket.first_response_seconds.map(|s| {
        format!(
            "{}: {}",
            lang.t(Key::TkFirstResponse),
            ticket_duration(lang, s)
        )
    });
    let resolution = ticket.resolution_seconds.map(|s| {
        format!(
            "{}: {}",
            lang.t(Key::TkResolution),
            ticket_duration(lang, s)
        )
    });
    let messages = ticket
        .messages
        .into_iter()
        .map(|m| message_view(m, lang))
        .collect_view();
    view! {
        <p class="order-meta">
            <TicketStatusBadge status=ticket.status lang id="ticket-status" />
            " · " {lang.t(ticket_category_key(ticket.category))}
            " · " {about}
            " · " <span class="muted">{lang.t(Key::TkOpenedAt)} " " {format_time(&ticket.created_at)}</span>
        </p>
        {first.map(|t| view! { <p class="muted" id="ticket-first-response">{t}</p> })}
        {resolution.map(|t| view! { <p class="muted" id="ticket-resolution">{t}</p> })}
        <ol class="ticket-thread card" id="ticket-thread">{messages}</ol>
    }
}

/// The reply form, posted to `action` with the ticket's id.
pub fn reply_form(action: String, id: String, lang: Lang) -> impl IntoView {
    view! {
        <form method="post" action=action class="card stack" id="ticket-reply">
            <input type="hidden" name="id" value=id />
            <label>
                {lang.t(Key::TkReplyTitle)}
                <textarea name="message" id="ticket-reply-message" rows="5" maxlength="5000" required></textarea>
            </label>
            <button type="submit" id="ticket-reply-submit">{lang.t(Key::TkReplySubmit)}</button>
        </form>
    }
}

/// A one-button form posted to `action` with the ticket's id.
pub fn button_form(
    action: String,
    id: String,
    label: &'static str,
    form_id: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline" id=form_id>
            <input type="hidden" name="id" value=id />
            <button type="submit" class="secondary">{label}</button>
        </form>
    }
}

/// The tickets about order `number` (nothing when there are none): each
/// links to its page, the customer's (`console` false) or the desk's.
/// It loads its own data, so the order pages only place it.
#[component]
pub fn OrderTickets(number: String, lang: Lang, console: bool) -> impl IntoView {
    let list = Resource::new(move || number.clone(), order_tickets);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let tickets = list.await.unwrap_or_default();
                (!tickets.is_empty()).then(|| {
                    let rows = tickets
                        .into_iter()
                        .map(|t| {
                            let base = if console { "/console/service/tickets" } else { "/tickets" };
                            let href = format!("{base}/{}", url_encode(&t.number));
                            view! {
                                <li class="order-ticket" data-number=t.number.clone()>
                                    <a href=href>{t.number.clone()}</a> " " {t.subject.clone()} " "
                                    <TicketStatusBadge status=t.status lang />
                                    " " <span class="muted">{format_time(&t.last_message_at)}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="card" id="order-tickets">
                            <h2>{lang.t(Key::TkOrderTickets)}</h2>
                            <ul>{rows}</ul>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}
