//! The notification log of an order: what was sent to the customer (which
//! email, when, and what became of it). The portal's order page shows it
//! to the customer; the console's order page to staff, with a "Resend"
//! button per entry (a plain form posted to
//! `backend/src/http/portal_forms/notifications.rs`, which comes back with
//! `?resent=1` or `?resendError=CODE`). It loads its own data, so the
//! order pages only place it.

use crate::api::notifications::{Notification, order_notifications};
use crate::components::order::format_time;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, email_template_key, notification_status_key};
use crate::schema::Role;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Where the console's resend form posts.
pub fn resend_href(number: &str, id: &str) -> String {
    format!(
        "/console/orders/{}/notifications/{}/resend",
        url_encode(number),
        url_encode(id)
    )
}

/// What the resend form came back with.
#[component]
fn ResendNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("resendError").filter(|c| !c.is_empty()) {
            Some(
                view! {
                    <p class="error" role="alert" id="resend-error" data-code=code>
                        {lang.t(Key::NotifResendFailed)}
                    </p>
                }
                .into_any(),
            )
        } else {
            q.get("resent").filter(|r| !r.is_empty())?;
            Some(
                view! { <p class="notice" role="status" id="resend-done">{lang.t(Key::NotifResent)}</p> }
                    .into_any(),
            )
        }
    }
}

/// Who may send a customer an email again (the API checks too).
fn resends(role: Role) -> bool {
    matches!(role, Role::Support | Role::Admin)
}

fn row(
    n: Notification,
    number: &str,
    console: bool,
    can_resend: bool,
    lang: Lang,
) -> impl IntoView + use<> {
    let at = n.sent_at.clone().unwrap_or_else(|| n.created_at.clone());
    let status = n.status;
    // Customers read why an email was skipped; staff also why one failed.
    let detail = n
        .error
        .clone()
        .filter(|_| console || status == crate::schema::NotificationStatus::Skipped);
    let resend = can_resend.then(|| {
        view! {
            <form method="post" action=resend_href(number, &n.id) class="inline-form">
                <button type="submit" class="resend">{lang.t(Key::NotifResend)}</button>
            </form>
        }
    });
    view! {
        <tr class="notification" data-id=n.id.clone() data-status=status.as_str()
            data-template=n.template.map(|t| t.as_str()).unwrap_or_default()>
            <td>{lang.t(email_template_key(n.template))}
                {n.subject.clone().map(|s| view! { <br /><small class="muted subject">{s}</small> })}
            </td>
            {console.then(|| view! { <td class="recipient">{n.recipient.clone()}</td> })}
            <td><time datetime=at.clone()>{format_time(&at)}</time></td>
            <td>
                <span class=format!("badge notification-status status-{}", status.as_str().to_ascii_lowercase())>
                    {lang.t(notification_status_key(status))}
                </span>
                {detail.map(|e| view! { <br /><small class="muted error-detail">{e}</small> })}
            </td>
            {console.then(|| view! { <td class="attempts">{n.attempts}</td> })}
            {console.then(|| view! { <td>{resend}</td> })}
        </tr>
    }
}

/// The log of order `number`; `console` adds the recipient, attempts and
/// a resend button.
#[component]
pub fn NotificationLog(number: String, lang: Lang, console: bool) -> impl IntoView {
    let key = number.clone();
    let log = Resource::new(move || key.clone(), order_notifications);
    let session = use_session();
    view! {
        <section class="notifications" id="notifications">
            <h2>{lang.t(Key::NotifHeading)}</h2>
            {console.then(|| view! { <ResendNotice lang /> })}
            <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
                {
                    let number = number.clone();
                    move || {
                        let number = number.clone();
                        Suspend::new(async move {
                            let role = session.user().await.map(|u| u.role);
                            let can_resend = console && role.is_some_and(resends);
                            match log.await {
                                Ok(entries) if entries.is_empty() => {
                                    view! { <p class="muted" id="notifications-none">{lang.t(Key::NotifNone)}</p> }
                                        .into_any()
                                }
                                Ok(entries) => view! {
                                    <table class="notification-log">
                                        <thead><tr>
                                            <th>{lang.t(Key::NotifWhat)}</th>
                                            {console.then(|| view! { <th>{lang.t(Key::NotifTo)}</th> })}
                                            <th>{lang.t(Key::NotifWhen)}</th>
                                            <th>{lang.t(Key::NotifStatus)}</th>
                                            {console.then(|| view! { <th>{lang.t(Key::NotifAttempts)}</th> })}
                                            {console.then(|| view! { <th></th> })}
                                        </tr></thead>
                                        <tbody>
                                            {entries.into_iter().map(|n| row(n, &number, console, can_resend, lang)).collect_view()}
                                        </tbody>
                                    </table>
                                }
                                .into_any(),
                                Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }
                                    .into_any(),
                            }
                        })
                    }
                }
            </Transition>
        </section>
    }
}
