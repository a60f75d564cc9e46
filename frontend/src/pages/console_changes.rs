//! The service desk's change requests at `/console/service/changes`
//! (support and admins decide; other staff read): PENDING first, counts
//! per status as tabs, each request's lines before and after and the
//! difference, and for a PENDING one an approve form and a reject form
//! with a reason, posted to `POST /console/service/changes/{id}/{approve|reject}`
//! (`backend/src/http/portal_forms/changes.rs`). Works with JavaScript off.

use crate::api::changes::{self, ChangePage, ChangeRequest};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::components::service_desk::{DeskTab, DeskTabs};
use crate::components::url_encode;
use crate::i18n::{
    Key, Lang, change_kind_key, change_status_key, fill, order_error_key, t, use_lang,
};
use crate::schema::ChangeRequestStatus;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The queue's page.
pub const CHANGES_PATH: &str = "/console/service/changes";

#[component]
pub fn ConsoleChangesPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query.read().get("status").and_then(|s| {
            ChangeRequestStatus::ALL
                .iter()
                .copied()
                .find(|x| x.as_str() == s)
        })
    });
    let data = Resource::new(move || status.get(), changes::queue);
    let notice = move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let reason = lang.t(order_error_key(&code, q.get("field").as_deref()));
            let text = fill(lang.t(Key::ChgFailed), &[("reason", reason)]);
            return Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{text}</p> }
                    .into_any(),
            );
        }
        let key = match q.get("done").as_deref() {
            Some("APPROVE") => Key::ChgDoneApproved,
            Some("REJECT") => Key::ChgDoneRejected,
            _ => return None,
        };
        Some(view! { <p class="notice" role="status" id="form-done">{lang.t(key)}</p> }.into_any())
    };
    view! {
        <Title text=t(Key::PageTitleConsoleChanges) />
        <Meta name="description" content=t(Key::MetaConsoleChanges) />
        <h1>{t(Key::PageTitleConsoleChanges)}</h1>
        {notice}
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, CHANGES_PATH).await {
                    return denied;
                }
                let body = match data.await {
                    Ok(page) => queue_view(page, status.get_untracked(), lang).into_any(),
                    Err(err) => view! { <p class="error" role="alert" id="changes-error">{lang.t(err.key())}</p> }.into_any(),
                };
                view! { <DeskTabs active=DeskTab::Changes lang /> {body} }.into_any()
            })}
        </Suspense>
    }
}

fn queue_view(page: ChangePage, active: Option<ChangeRequestStatus>, lang: Lang) -> impl IntoView {
    let all: i64 = page.counts.iter().map(|c| c.count).sum();
    let mut tabs = vec![
        view! {
            <a class="tab" href=CHANGES_PATH id="status-tab-all" aria-current=active.is_none().then_some("page")>
                {format!("{} ({all})", lang.t(Key::ChgAll))}
            </a>
        }
        .into_any(),
    ];
    for c in &page.counts {
        let s = c.status.as_str();
        tabs.push(
            view! {
                <a class="tab" href=format!("{CHANGES_PATH}?status={s}") data-count=c.count.to_string()
                    id=format!("status-tab-{}", s.to_ascii_lowercase())
                    aria-current=(active == Some(c.status)).then_some("page")>
                    {format!("{} ({})", lang.t(change_status_key(c.status)), c.count)}
                </a>
            }
            .into_any(),
        );
    }
    let rows = page
        .edges
        .into_iter()
        .map(|e| row(e.node, lang))
        .collect_view();
    let empty = (all == 0).then(|| view! { <p id="no-changes">{lang.t(Key::ChgNone)}</p> });
    view! {
        <nav class="tabs" id="change-status-tabs">{tabs}</nav>
        {empty}
        <table class="orders" id="change-requests">
            <thead><tr>
                <th>{lang.t(Key::ChgColOrder)}</th><th>{lang.t(Key::ChgColKind)}</th>
                <th>{lang.t(Key::ChgColStatus)}</th><th>{lang.t(Key::ChgColWhat)}</th>
                <th>{lang.t(Key::ChgColDifference)}</th><th>{lang.t(Key::ChgColAsked)}</th>
                <th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn row(r: ChangeRequest, lang: Lang) -> impl IntoView {
    let what: Vec<String> = r
        .preview
        .lines
        .iter()
        .filter(|l| l.before != l.after)
        .map(|l| format!("{} {} → {}", l.sku, l.before, l.after))
        .chain(r.preview.approval_reasons.iter().cloned())
        .collect();
    let base = format!("{CHANGES_PATH}/{}", url_encode(&r.id));
    let decide = (r.status == ChangeRequestStatus::Pending).then(|| {
        view! {
            <form method="post" action=format!("{base}/approve") class="inline">
                <button type="submit" class="approve-change">{lang.t(Key::ChgApprove)}</button>
            </form>
            <form method="post" action=format!("{base}/reject") class="inline">
                <input type="text" name="reason" required maxlength="500" placeholder=lang.t(Key::ChgReason) />
                <button type="submit" class="secondary reject-change">{lang.t(Key::ChgReject)}</button>
            </form>
        }
    });
    let who = r.requested_by.name.clone().unwrap_or_default();
    view! {
        <tr class="change-row" data-id=r.id.clone() data-status=r.status.as_str()>
            <td><a href=format!("/console/orders/{}", url_encode(&r.order_number))>{r.order_number.clone()}</a></td>
            <td>{lang.t(change_kind_key(r.kind))}</td>
            <td><span class="badge" data-status=r.status.as_str()>{lang.t(change_status_key(r.status))}</span></td>
            <td>{what.join("; ")}{r.reason.clone().map(|x| view! { <br /><span class="muted">{x}</span> })}</td>
            <td>{r.preview.amount_delta.to_string()}</td>
            <td>{who} <br /><span class="muted">{format_time(&r.created_at)}</span></td>
            <td>{decide}</td>
        </tr>
    }
}
