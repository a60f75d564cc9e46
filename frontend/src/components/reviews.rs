//! Reviews on the product page: the rating (average, count, how many gave
//! each number of stars) and a page of published reviews with the shop's
//! replies, paged with `?reviews=<cursor>` links (JavaScript off works).
//! Titles and bodies are text nodes, so any HTML in them is shown, escaped.

use leptos::prelude::*;

use crate::api::reviews::{ProductReviews, Rating, Review};
use crate::components::order::format_time;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, fill};

/// Text to put inside a `<textarea>`. Leptos (tachys 0.2) writes a
/// textarea's children unescaped during SSR, so a `</textarea>` typed by a
/// user would end the element and what follows would be markup: escaped
/// here on the server (the browser decodes it back); in the browser the
/// text is set as text and needs nothing.
pub fn textarea_text(s: &str) -> String {
    if cfg!(feature = "ssr") {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        s.to_owned()
    }
}

/// "★★★★☆" for a rating of 4.
pub fn stars(rating: i32) -> String {
    let full = rating.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

fn summary(r: Rating, lang: Lang) -> impl IntoView {
    let average = r.average.map(|a| format!("{a:.1}"));
    let shown = average.clone().unwrap_or_default();
    let rounded = r.average.map_or(0, |a| a.round() as i32);
    let bars = r
        .distribution
        .iter()
        .map(|b| {
            let pct = if r.count > 0 { b.count * 100 / r.count } else { 0 };
            view! {
                <tr class="rating-bucket" data-stars=b.stars data-count=b.count>
                    <th scope="row">{fill(lang.t(Key::RevStars), &[("n", &b.stars.to_string())])}</th>
                    <td><meter min="0" max="100" value=pct></meter></td>
                    <td class="bucket-count">{b.count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="rating-summary" id="rating-summary" data-count=r.count
            data-average=shown>
            {match average {
                Some(avg) => view! {
                    <p class="rating-average">
                        <span class="stars" aria-hidden="true">
                            {stars(rounded)}
                        </span>
                        " "
                        <strong id="rating-average">{fill(lang.t(Key::RevAverage), &[("avg", &avg)])}</strong>
                        " · "
                        <span id="rating-count">{fill(lang.t(Key::RevCount), &[("n", &r.count.to_string())])}</span>
                    </p>
                }.into_any(),
                None => view! { <p class="muted" id="rating-none">{lang.t(Key::RevNone)}</p> }.into_any(),
            }}
            <table class="rating-distribution" id="rating-distribution">
                <tbody>{bars}</tbody>
            </table>
        </div>
    }
}

/// One review as the public sees it, with the shop's reply.
pub fn review_card(r: Review, lang: Lang) -> impl IntoView {
    let by = fill(lang.t(Key::RevBy), &[("name", &r.author_name)]);
    let when = r
        .published_at
        .as_deref()
        .or(r.created_at.as_deref())
        .map(format_time)
        .unwrap_or_default();
    let reply = r.reply.map(|reply| {
        view! {
            <blockquote class="review-reply">
                <p class="muted">
                    <strong>{lang.t(Key::RevReplyFrom)}</strong>
                    {reply.replied_by.map(|who| format!(" · {who}"))}
                    " · " {format_time(&reply.replied_at)}
                </p>
                <p class="reply-body">{reply.body}</p>
            </blockquote>
        }
    });
    view! {
        <article class="review" data-review-id=r.id.clone() data-rating=r.rating>
            <p class="review-head">
                <span class="stars" title=fill(lang.t(Key::RevRatingOf), &[("n", &r.rating.to_string())])>
                    {stars(r.rating)}
                </span>
                " "
                <strong class="review-title">{r.title}</strong>
            </p>
            <p class="muted">
                {by} " · " {when}
                {r.verified_purchase.then(|| view! { " · " <span class="verified">{lang.t(Key::RevVerified)}</span> })}
            </p>
            <p class="review-body" style="white-space:pre-line">{r.body}</p>
            {reply}
        </article>
    }
}

/// The product page's reviews section; `paged` is whether this is a later page.
pub fn product_reviews_section(p: ProductReviews, paged: bool, lang: Lang) -> impl IntoView {
    let sku = p.sku.clone();
    let next = p
        .reviews
        .page_info
        .has_next_page
        .then_some(())
        .and(p.reviews.page_info.end_cursor.clone())
        .map(|c| {
            format!(
                "/products/{}?reviews={}#reviews",
                url_encode(&sku),
                url_encode(&c)
            )
        });
    let first = paged.then(|| format!("/products/{}#reviews", url_encode(&sku)));
    let cards = p
        .reviews
        .edges
        .into_iter()
        .map(|e| review_card(e.node, lang))
        .collect_view();
    view! {
        <section class="card reviews" id="reviews">
            <h2>{lang.t(Key::RevTitle)}</h2>
            {summary(p.rating, lang)}
            <div class="review-list" id="review-list">{cards}</div>
            <p class="pager">
                {first.map(|href| view! { <a href=href id="reviews-first">{lang.t(Key::RevFirst)}</a> " " })}
                {next.map(|href| view! { <a href=href id="reviews-next">{lang.t(Key::RevMore)}</a> })}
            </p>
        </section>
    }
}

/// The reviews of product `sku` (its own request), for the product page.
#[component]
pub fn ProductReviewsBlock(sku: String, lang: Lang) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let after = Memo::new(move |_| query.read().get("reviews").filter(|c| !c.is_empty()));
    let data = Resource::new(
        move || (sku.clone(), after.get()),
        |(sku, after)| crate::api::reviews::product_reviews(sku, after),
    );
    view! {
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(p)) => Some(product_reviews_section(p, after.get_untracked().is_some(), lang).into_any()),
                    Ok(None) => None,
                    Err(err) => Some(view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any()),
                }
            })}
        </Suspense>
    }
}
