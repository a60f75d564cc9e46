//! `/orders/{number}/review`: the customer reviews what they received.
//! One card per order line: a delivered line not reviewed yet has a form
//! (rating, title, review) posted to `POST /orders/{number}/review`; a
//! reviewed line shows the review, its moderation status (and why it was
//! not published) and a form to change it, posted to
//! `POST /orders/{number}/review/{id}/edit`; a line not delivered yet
//! says so. Forms come back with `?written=SKU` or `?error=CODE&field=..`
//! (`backend/src/http/portal_forms/reviews.rs`). JavaScript off works.
//!
//! `/account/reviews`: the customer's reviews in every status, each
//! linking to its order's review page (where it is edited).

use crate::api::ApiError;
use crate::api::reviews::{LineReview, Review, my_reviews, order_reviews};
use crate::components::access::sign_in_prompt;
use crate::components::reviews::stars;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, fill, review_error_key, review_status_key, t, use_lang};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where the review page of order `number` is (and where its forms post).
pub fn review_path(number: &str) -> String {
    format!("/orders/{}/review", url_encode(number))
}

/// What the last form post came back with.
#[component]
fn ReviewNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let key = review_error_key(&code, q.get("field").as_deref());
            Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(key)}</p> }
                    .into_any(),
            )
        } else {
            q.get("written").filter(|s| !s.is_empty())?;
            Some(
                view! { <p class="notice" role="status" id="form-done">{lang.t(Key::RevWritten)}</p> }
                    .into_any(),
            )
        }
    }
}

/// Rating, title and review fields, filled from `current` when editing.
fn fields(current: Option<Review>, lang: Lang, id_prefix: String) -> impl IntoView {
    let rating = current.as_ref().map_or(0, |r| r.rating);
    let options = (1..=5)
        .rev()
        .map(|n| {
            view! {
                <option value=n selected=n == rating>
                    {format!("{} {}", stars(n), fill(lang.t(Key::RevStars), &[("n", &n.to_string())]))}
                </option>
            }
        })
        .collect_view();
    let title = current
        .as_ref()
        .map(|r| r.title.clone())
        .unwrap_or_default();
    let body = current
        .map(|r| crate::components::reviews::textarea_text(&r.body))
        .unwrap_or_default();
    view! {
        <label>
            {lang.t(Key::RevFieldRating)}
            <select name="rating" id=format!("{id_prefix}-rating") required>
                <option value="" selected=rating == 0>"—"</option>
                {options}
            </select>
        </label>
        <label>
            {lang.t(Key::RevFieldTitle)}
            <input type="text" name="title" id=format!("{id_prefix}-title") maxlength="120" required value=title />
        </label>
        <label>
            {lang.t(Key::RevFieldBody)}
            <textarea name="body" id=format!("{id_prefix}-body") maxlength="5000" rows="5" required>{body}</textarea>
        </label>
    }
}

fn line_card(line: LineReview, number: &str, lang: Lang) -> impl IntoView {
    let path = review_path(number);
    let slug = line.sku.to_ascii_lowercase();
    let content = match (line.review, line.can_review, line.delivered) {
        (Some(r), _, _) => {
            let action = format!("{path}/{}/edit", url_encode(&r.id));
            let reason = r.reject_reason.clone().map(|why| {
                view! { <p class="error review-reason">{fill(lang.t(Key::RevRejectedBecause), &[("reason", &why)])}</p> }
            });
            view! {
                <h3>{lang.t(Key::RevYourReview)}</h3>
                <p>
                    <span class="badge review-status" data-status=r.status.as_str()>{lang.t(review_status_key(r.status))}</span>
                </p>
                {reason}
                {crate::components::reviews::review_card(r.clone(), lang)}
                <form method="post" action=action class="stack review-form" id=format!("edit-{slug}")>
                    {fields(Some(r), lang, format!("edit-{slug}"))}
                    <p class="muted">{lang.t(Key::RevEditHint)}</p>
                    <button type="submit">{lang.t(Key::RevUpdate)}</button>
                </form>
            }
            .into_any()
        }
        (None, true, _) => view! {
            <form method="post" action=path class="stack review-form" id=format!("review-{slug}")>
                <input type="hidden" name="sku" value=line.sku.clone() />
                {fields(None, lang, format!("review-{slug}"))}
                <button type="submit">{lang.t(Key::RevSubmit)}</button>
            </form>
        }
        .into_any(),
        (None, false, _) => {
            view! { <p class="muted">{lang.t(Key::RevNotDelivered)}</p> }.into_any()
        }
    };
    view! {
        <section class="card review-line" data-sku=line.sku.clone()>
            <h2>{line.name} " " <span class="muted sku">{line.sku.clone()}</span></h2>
            {content}
        </section>
    }
}

#[component]
pub fn OrderReviewPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let data = Resource::new(move || number.get(), order_reviews);
    view! {
        <Title text=t(Key::PageTitleReviewOrder) />
        <Meta name="description" content=t(Key::MetaReviewOrder) />
        <p class="back">
            <a href=move || format!("/orders/{}", url_encode(&number.get()))>{t(Key::RevBackToOrder)}</a>
        </p>
        <h1>{t(Key::PageTitleReviewOrder)} " " {move || number.get()}</h1>
        <p><a href=MY_REVIEWS_PATH id="my-reviews-link">{t(Key::PageTitleMyReviews)}</a></p>
        <ReviewNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => {
                        let n = o.number.clone();
                        view! {
                            <div id="review-lines">
                                {o.line_reviews.into_iter().map(|l| line_card(l, &n, lang)).collect_view()}
                            </div>
                        }
                        .into_any()
                    }
                    Err(ApiError::Unauthenticated) => {
                        sign_in_prompt(lang, &review_path(&number.get_untracked()), Key::RevSignIn)
                    }
                    Err(err) => {
                        if err == ApiError::NotFound {
                            crate::http_status::set_status(404);
                        }
                        view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Where the customer's list of reviews is.
pub const MY_REVIEWS_PATH: &str = "/account/reviews";

fn my_review_row(r: Review, lang: Lang) -> impl IntoView {
    let order = r.order_number.clone().unwrap_or_default();
    let (id, status, sku) = (r.id.clone(), r.status, r.sku.clone());
    let product = r.product_name.clone().unwrap_or_default();
    let reason = r.reject_reason.clone().map(|why| {
        view! { <p class="error review-reason">{fill(lang.t(Key::RevRejectedBecause), &[("reason", &why)])}</p> }
    });
    view! {
        <section class="card my-review" data-review-id=id data-status=status.as_str()>
            <h2>{product} " " <span class="muted sku">{sku}</span></h2>
            <p>
                <span class="badge review-status" data-status=status.as_str()>{lang.t(review_status_key(status))}</span>
                " · " {lang.t(Key::RevOrder)} " " <a href=review_path(&order)>{order.clone()}</a>
            </p>
            {reason}
            {crate::components::reviews::review_card(r, lang)}
        </section>
    }
}

#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(move || after.get(), my_reviews);
    view! {
        <Title text=t(Key::PageTitleMyReviews) />
        <Meta name="description" content=t(Key::MetaMyReviews) />
        <h1>{t(Key::PageTitleMyReviews)}</h1>
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => {
                        let next = page
                            .page_info
                            .end_cursor
                            .clone()
                            .filter(|_| page.page_info.has_next_page)
                            .map(|c| format!("{MY_REVIEWS_PATH}?after={}", url_encode(&c)));
                        let empty = page.edges.is_empty();
                        view! {
                            {empty.then(|| view! { <p class="muted" id="my-reviews-empty">{lang.t(Key::RevMyNone)}</p> })}
                            <div id="my-reviews">
                                {page.edges.into_iter().map(|e| my_review_row(e.node, lang)).collect_view()}
                            </div>
                            <p class="pager">
                                {after.get_untracked().map(|_| view! { <a href=MY_REVIEWS_PATH>{lang.t(Key::FirstPage)}</a> " " })}
                                {next.map(|href| view! { <a href=href>{lang.t(Key::NextPage)}</a> })}
                            </p>
                        }
                        .into_any()
                    }
                    Err(ApiError::Unauthenticated) => sign_in_prompt(lang, MY_REVIEWS_PATH, Key::RevSignIn),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
