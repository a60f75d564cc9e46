//! `/`: the product list with search.
//!
//! With JavaScript off the search box is a plain `GET /?q=` form. Once
//! hydrated, typing updates the list live (each `input` event refetches
//! through `POST /graphql`) without a page load.

use crate::api::{self, types::ProductSummary};
use crate::components::add_to_cart::AddToCart;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let url_q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let url_after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    // What the user typed since the URL last changed (live search).
    let (typed, set_typed) = signal(None::<String>);
    Effect::new(move |_| {
        url_q.track();
        url_after.track();
        set_typed.set(None);
    });
    let search = move || typed.get().unwrap_or_else(|| url_q.get());
    let after = move || {
        if typed.with(Option::is_some) {
            None
        } else {
            url_after.get()
        }
    };

    let products = Resource::new(
        move || (search(), after()),
        |(q, after)| api::products(q, after),
    );
    let initial = url_q.get_untracked();

    view! {
        <Title text=t(Key::PageTitleProducts) />
        <Meta name="description" content=t(Key::MetaProducts) />
        <h1>{t(Key::PageTitleProducts)}</h1>
        <form method="get" action="/" role="search" class="search-form">
            <label for="search" class="visually-hidden">
                {t(Key::SearchLabel)}
            </label>
            <input
                id="search"
                name="q"
                type="search"
                autocomplete="off"
                placeholder=t(Key::SearchPlaceholder)
                value=initial
                prop:value=search
                on:input=move |ev| set_typed.set(Some(event_target_value(&ev)))
            />
            <button type="submit">{t(Key::SearchButton)}</button>
        </form>
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(page) => {
                        let next = page
                            .page_info
                            .end_cursor
                            .filter(|_| page.page_info.has_next_page)
                            .map(|cursor| {
                                format!("/?q={}&after={}", url_encode(&search()), url_encode(&cursor))
                            });
                        let first = after().map(|_| format!("/?q={}", url_encode(&search())));
                        // Where "add to cart" comes back to: this very list.
                        let here = match after() {
                            Some(a) => format!("/?q={}&after={}", url_encode(&search()), url_encode(&a)),
                            None if search().is_empty() => "/".to_owned(),
                            None => format!("/?q={}", url_encode(&search())),
                        };
                        view! {
                            <p class="muted" id="product-count">
                                {lang.t(Key::ProductsCount)}
                                " "
                                {page.total_count}
                            </p>
                            {page
                                .edges
                                .is_empty()
                                .then(|| view! { <p class="empty">{lang.t(Key::NoProducts)}</p> })}
                            <ul class="product-list" id="products">
                                {page
                                    .edges
                                    .into_iter()
                                    .map(|edge| view! { <ProductItem product=edge.node lang next=here.clone() /> })
                                    .collect_view()}
                            </ul>
                            <nav class="pager">
                                {first.map(|href| view! { <a href=href>{lang.t(Key::FirstPage)}</a> })}
                                {next.map(|href| view! { <a href=href rel="next">{lang.t(Key::NextPage)}</a> })}
                            </nav>
                        }
                            .into_any()
                    }
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductItem(product: ProductSummary, lang: Lang, next: String) -> impl IntoView {
    let stock = if product.available > 0 {
        Key::InStock
    } else {
        Key::OutOfStock
    };
    let href = format!("/products/{}", url_encode(&product.sku));
    let sku = product.sku.clone();
    view! {
        <li class="product" data-sku=sku>
            <a href=href class="product-name">
                {product.name}
            </a>
            <span class="sku">{product.sku.clone()}</span>
            <span class="price">{product.price.to_string()}</span>
            <span class="stock" class:out=product.available <= 0>
                {lang.t(stock)}
            </span>
            <AddToCart sku=product.sku.clone() available=product.available lang next />
        </li>
    }
}
