//! `/console/service/reviews`: the review moderation queue (support,
//! admin), PENDING first. Filters by status and SKU (`?status=&sku=`).
//! Each review has plain forms: publish, reject (or take down) with a
//! reason, and a public reply, posted to
//! `POST /console/service/reviews/{id}/moderate` and `…/{id}/reply`
//! (`backend/src/http/portal_forms/reviews.rs`); they come back with
//! `?saved=ID` or `?error=CODE&field=..` (JavaScript off works).

use crate::api::ApiError;
use crate::api::reviews::{Review, review_queue};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::components::reviews::stars;
use crate::components::service_desk::{DeskTab, DeskTabs};
use crate::components::url_encode;
use crate::i18n::{Key, Lang, fill, review_error_key, review_status_key, t, use_lang};
use crate::schema::ReviewStatus;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The queue's page (and the prefix its forms post to).
pub const QUEUE_PATH: &str = "/console/service/reviews";

#[component]
fn QueueNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let field = q.get("field");
            let key = match (code.as_str(), field.as_deref(), q.get("form").as_deref()) {
                ("INVALID_INPUT", Some("body"), Some("reply")) => Key::RevErrReply,
                (code, field, _) => review_error_key(code, field),
            };
            Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(key)}</p> }
                    .into_any(),
            )
        } else {
            q.get("saved").filter(|s| !s.is_empty())?;
            Some(view! { <p class="notice" role="status" id="form-done">{lang.t(Key::RevSaved)}</p> }.into_any())
        }
    }
}

fn filters(status: Option<ReviewStatus>, sku: String, lang: Lang) -> impl IntoView {
    let options = ReviewStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=Some(*s) == status>{lang.t(review_status_key(*s))}</option> })
        .collect_view();
    view! {
        <form method="get" action=QUEUE_PATH class="filters" id="review-filters">
            <label>
                {lang.t(Key::RevFilterStatus)}
                <select name="status" id="filter-status">
                    <option value="" selected=status.is_none()>{lang.t(Key::RevFilterAll)}</option>
                    {options}
                </select>
            </label>
            <label>
                {lang.t(Key::Sku)}
                <input type="text" name="sku" id="filter-sku" value=sku />
            </label>
            <button type="submit">{lang.t(Key::RevFilterApply)}</button>
        </form>
    }
}

fn queue_card(r: Review, back: &str, lang: Lang) -> impl IntoView {
    let base = format!("{QUEUE_PATH}/{}", url_encode(&r.id));
    let moderate = format!("{base}/moderate");
    let reply_to = format!("{base}/reply");
    let can_publish = r.status == ReviewStatus::Pending;
    let can_reject = r.status != ReviewStatus::Rejected;
    let reject_label = if r.status == ReviewStatus::Published {
        Key::RevTakeDown
    } else {
        Key::RevReject
    };
    let reply_text = r
        .reply
        .as_ref()
        .map(|x| crate::components::reviews::textarea_text(&x.body))
        .unwrap_or_default();
    let order = r.order_number.clone().unwrap_or_default();
    let reason = r.reject_reason.clone().map(|why| {
        view! { <p class="error review-reason">{fill(lang.t(Key::RevRejectedBecause), &[("reason", &why)])}</p> }
    });
    let slug = r.id.clone();
    view! {
        <article class="card review-queue-item" data-review-id=r.id.clone() data-status=r.status.as_str()>
            <p>
                <span class="badge review-status" data-status=r.status.as_str()>{lang.t(review_status_key(r.status))}</span>
                " " <strong>{r.product_name.clone().unwrap_or_default()}</strong>
                " " <span class="muted sku">{r.sku.clone()}</span>
            </p>
            <p class="muted">
                {lang.t(Key::RevOrder)} " "
                <a href=format!("/console/orders/{}", url_encode(&order))>{order.clone()}</a>
                " · " {fill(lang.t(Key::RevBy), &[("name", &r.author_name)])}
                " · " {r.created_at.as_deref().map(format_time).unwrap_or_default()}
            </p>
            <p class="review-head">
                <span class="stars" title=fill(lang.t(Key::RevRatingOf), &[("n", &r.rating.to_string())])>{stars(r.rating)}</span>
                " " <strong class="review-title">{r.title.clone()}</strong>
            </p>
            <p class="review-body" style="white-space:pre-line">{r.body.clone()}</p>
            {reason}
            <div class="actions">
                {can_publish.then(|| view! {
                    <form method="post" action=moderate.clone() class="inline">
                        <input type="hidden" name="decision" value="PUBLISH" />
                        <input type="hidden" name="back" value=back.to_owned() />
                        <button type="submit" id=format!("publish-{slug}")>{lang.t(Key::RevPublish)}</button>
                    </form>
                })}
                {can_reject.then(|| view! {
                    <form method="post" action=moderate.clone() class="inline">
                        <input type="hidden" name="decision" value="REJECT" />
                        <input type="hidden" name="back" value=back.to_owned() />
                        <label>
                            {lang.t(Key::RevReason)}
                            <input type="text" name="reason" maxlength="500" required id=format!("reason-{slug}") />
                        </label>
                        <button type="submit" class="danger" id=format!("reject-{slug}")>{lang.t(reject_label)}</button>
                    </form>
                })}
            </div>
            <form method="post" action=reply_to class="stack">
                <input type="hidden" name="back" value=back.to_owned() />
                <label>
                    {lang.t(Key::RevReply)}
                    <textarea name="body" maxlength="2000" rows="2" required id=format!("reply-{slug}")>{reply_text}</textarea>
                </label>
                <button type="submit" class="secondary">{lang.t(Key::RevReplySave)}</button>
            </form>
        </article>
    }
}

#[component]
pub fn ConsoleReviewsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| ReviewStatus::parse(&s))
    });
    let sku = Memo::new(move |_| {
        query
            .read()
            .get("sku")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(
        move || (status.get(), sku.get(), after.get()),
        |(status, sku, after)| review_queue(status, sku, after),
    );
    view! {
        <Title text=t(Key::PageTitleReviewQueue) />
        <Meta name="description" content=t(Key::MetaReviewQueue) />
        <h1>{t(Key::PageTitleReviewQueue)}</h1>
        <QueueNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, QUEUE_PATH).await {
                    return denied;
                }
                let page = match list.await {
                    Ok(page) => page,
                    Err(ApiError::Forbidden) => {
                        return view! { <DeskTabs active=DeskTab::Reviews lang /><p class="error" role="alert" id="console-denied">{lang.t(Key::ErrForbidden)}</p> }.into_any();
                    }
                    Err(err) => return view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                };
                let mut params = Vec::new();
                if let Some(s) = status.get_untracked() {
                    params.push(format!("status={}", s.as_str()));
                }
                if let Some(s) = sku.get_untracked() {
                    params.push(format!("sku={}", url_encode(&s)));
                }
                let here = match params.is_empty() {
                    true => QUEUE_PATH.to_owned(),
                    false => format!("{QUEUE_PATH}?{}", params.join("&")),
                };
                let next = page.page_info.end_cursor.clone().filter(|_| page.page_info.has_next_page).map(|c| {
                    let mut p = params.clone();
                    p.push(format!("after={}", url_encode(&c)));
                    format!("{QUEUE_PATH}?{}", p.join("&"))
                });
                let empty = page.edges.is_empty();
                let cards = page.edges.into_iter().map(|e| queue_card(e.node, &here, lang)).collect_view();
                view! {
                    <DeskTabs active=DeskTab::Reviews lang />
                    {filters(status.get_untracked(), sku.get_untracked().unwrap_or_default(), lang)}
                    <p class="muted">{lang.t(Key::RevQueueCount)} " " <span id="review-count">{page.total_count}</span></p>
                    {empty.then(|| view! { <p class="muted" id="review-queue-empty">{lang.t(Key::RevQueueEmpty)}</p> })}
                    <div id="review-queue">{cards}</div>
                    <p class="pager">
                        {after.get_untracked().map(|_| view! { <a href=here.clone()>{lang.t(Key::FirstPage)}</a> " " })}
                        {next.map(|href| view! { <a href=href id="queue-next">{lang.t(Key::NextPage)}</a> })}
                    </p>
                }
                .into_any()
            })}
        </Transition>
    }
}
