//! `/console/webhooks` (admin): the webhook endpoints, each with its
//! newest deliveries (status, attempts, response code, latency, error) and
//! a "Redeliver" button per delivery, and a form to register an endpoint.
//! Both are plain form posts handled by
//! `backend/src/http/portal_forms/webhooks.rs`, so the page works with
//! JavaScript off. After registering, the signing secret is shown once
//! (it comes back in a short-lived cookie, never in the URL).

use crate::api::ApiError;
use crate::api::webhooks::{Delivery, EndpointWithLog, endpoints_with_log};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::i18n::{Key, Lang, fill, t, use_lang, webhook_status_key};
use crate::schema::{EventType, Role};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Where the page (and its register form) lives.
pub const WEBHOOKS_PATH: &str = "/console/webhooks";
/// The cookie the register form's secret comes back in.
pub const SECRET_COOKIE: &str = "oms_webhook_secret";

/// `ORDER_PARTIALLY_SHIPPED` → `order.partially_shipped` (the wire name).
pub fn wire_name(t: EventType) -> String {
    let lower = t.as_str().to_ascii_lowercase();
    match lower.split_once('_') {
        Some((family, rest)) => format!("{family}.{rest}"),
        None => lower,
    }
}

/// The secret the register form left in its cookie.
fn flash_secret() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<leptos_actix::Request>()
            .and_then(|req| req.cookie(SECRET_COOKIE))
            .map(|c| c.value().to_owned())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let cookies = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .unwrap_or_default();
        crate::cart::cookie_value(&cookies, SECRET_COOKIE)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

/// What the forms came back with.
#[component]
fn WebhooksNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    let secret = flash_secret();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let reason = match q.get("field").as_deref() {
                Some("url") => lang.t(Key::WhErrUrl),
                Some("eventTypes") => lang.t(Key::WhErrEvents),
                _ => lang.t(Key::WhErrOther),
            };
            let text = fill(lang.t(Key::WhCreateFailed), &[("reason", reason)]);
            return Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{text}</p> }
                    .into_any(),
            );
        }
        if let Some(code) = q.get("redeliverError").filter(|c| !c.is_empty()) {
            return Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(Key::WhRedeliverFailed)}</p> }
                    .into_any(),
            );
        }
        if q.get("redelivered").is_some_and(|v| !v.is_empty()) {
            return Some(
                view! { <p class="notice" role="status" id="form-done">{lang.t(Key::WhRedelivered)}</p> }
                    .into_any(),
            );
        }
        q.get("created").filter(|v| !v.is_empty())?;
        let secret = secret.clone().unwrap_or_default();
        Some(
            view! {
                <div class="notice" role="status" id="form-done">
                    <p>{lang.t(Key::WhCreated)}</p>
                    <p><code id="webhook-secret">{secret}</code></p>
                </div>
            }
            .into_any(),
        )
    }
}

#[component]
pub fn ConsoleWebhooksPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let data = Resource::new(|| (), |_| endpoints_with_log());
    view! {
        <Title text=t(Key::PageTitleWebhooks) />
        <Meta name="description" content=t(Key::MetaWebhooks) />
        <h1>{t(Key::PageTitleWebhooks)}</h1>
        <WebhooksNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, WEBHOOKS_PATH).await {
                    return denied;
                }
                let forbidden = || view! {
                    <p class="error" role="alert" id="console-denied">{lang.t(Key::WhForbidden)}</p>
                }.into_any();
                if session.user().await.is_none_or(|u| u.role != Role::Admin) {
                    return forbidden();
                }
                match data.await {
                    Ok(list) => view! {
                        <EndpointList list lang />
                        <RegisterForm lang />
                    }.into_any(),
                    Err(ApiError::Forbidden) => forbidden(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn EndpointList(list: Vec<EndpointWithLog>, lang: Lang) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty" id="webhooks-empty">{lang.t(Key::WhNone)}</p> }.into_any();
    }
    list.into_iter()
        .map(|e| {
            let ep = e.endpoint;
            let state = if ep.enabled { Key::WhEnabled } else { Key::WhDisabled };
            let channel = ep
                .channel
                .map(|c| c.code)
                .unwrap_or_else(|| lang.t(Key::WhAllChannels).to_owned());
            let count = e.total.to_string();
            let heading = fill(lang.t(Key::WhDeliveries), &[("count", &count)]);
            let rows = e
                .deliveries
                .into_iter()
                .map(|d| view! { <DeliveryRow d lang /> })
                .collect_view();
            let empty = e.total == 0;
            view! {
                <section class="card webhook-endpoint" data-endpoint-id=ep.id.clone() data-enabled=ep.enabled.to_string()>
                    <h2 class="webhook-url">{ep.url.clone()}</h2>
                    {ep.description.map(|d| view! { <p class="muted">{d}</p> })}
                    <p>
                        <span class="badge webhook-state">{lang.t(state)}</span>
                        " · " {lang.t(Key::WhChannel)} ": " {channel}
                        " · " <code>{ep.event_type_names.join(", ")}</code>
                    </p>
                    {ep.disabled_reason.map(|r| view! { <p class="error webhook-disabled-reason">{r}</p> })}
                    {ep.failing_since.map(|f| view! {
                        <p class="muted">{lang.t(Key::WhFailingSince)} " " <time datetime=f.clone()>{format_time(&f)}</time></p>
                    })}
                    <h3>{heading}</h3>
                    {empty.then(|| view! { <p class="empty">{lang.t(Key::WhNoDeliveries)}</p> })}
                    {(!empty).then(|| view! {
                        <div class="table-wrap">
                            <table class="lines webhook-deliveries">
                                <thead>
                                    <tr>
                                        <th>{lang.t(Key::WhColEvent)}</th>
                                        <th>{lang.t(Key::WhColStatus)}</th>
                                        <th class="num">{lang.t(Key::WhColAttempts)}</th>
                                        <th class="num">{lang.t(Key::WhColResponse)}</th>
                                        <th class="num">{lang.t(Key::WhColLatency)}</th>
                                        <th>{lang.t(Key::WhColError)}</th>
                                        <th>{lang.t(Key::WhColWhen)}</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    })}
                </section>
            }
        })
        .collect_view()
        .into_any()
}

#[component]
fn DeliveryRow(d: Delivery, lang: Lang) -> impl IntoView {
    let action = format!("{WEBHOOKS_PATH}/deliveries/{}/redeliver", d.id);
    let event = match d.event_id {
        Some(id) => format!("{} #{id}", d.event_type_name),
        None => d.event_type_name.clone(),
    };
    view! {
        <tr class="webhook-delivery" data-delivery-id=d.id.clone() data-status=d.status.as_str()>
            <td>
                {event}
                {d.redelivery_of.is_some().then(|| view! { " " <span class="muted">"(" {lang.t(Key::WhRedeliveryOf)} ")"</span> })}
            </td>
            <td>{lang.t(webhook_status_key(d.status))}</td>
            <td class="num">{d.attempts}</td>
            <td class="num">{d.response_code.map(|c| c.to_string()).unwrap_or_default()}</td>
            <td class="num">{d.latency_ms.map(|l| l.to_string()).unwrap_or_default()}</td>
            <td class="muted">{d.error.unwrap_or_default()}</td>
            <td><time datetime=d.created_at.clone()>{format_time(&d.created_at)}</time></td>
            <td>
                <form method="post" action=action class="inline">
                    <button type="submit" class="redeliver">{lang.t(Key::WhRedeliver)}</button>
                </form>
            </td>
        </tr>
    }
}

#[component]
fn RegisterForm(lang: Lang) -> impl IntoView {
    let boxes = EventType::ALL
        .iter()
        .map(|&ty| {
            let id = format!("event-{}", ty.as_str());
            view! {
                <label class="check">
                    <input type="checkbox" name="eventType" value=ty.as_str() id=id />
                    " " <code>{wire_name(ty)}</code>
                </label>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=WEBHOOKS_PATH class="card stack" id="webhook-register">
            <h2>{lang.t(Key::WhRegister)}</h2>
            <label>
                {lang.t(Key::WhUrl)}
                <input type="url" name="url" id="webhook-url" required=true placeholder="https://" />
            </label>
            <label>
                {lang.t(Key::WhDescription)}
                <input type="text" name="description" id="webhook-description" maxlength="500" />
            </label>
            <fieldset>
                <legend>{lang.t(Key::WhEventTypes)}</legend>
                {boxes}
            </fieldset>
            <button type="submit" id="webhook-submit">{lang.t(Key::WhSubmit)}</button>
        </form>
    }
}
