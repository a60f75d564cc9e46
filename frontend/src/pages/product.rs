//! `/products/{sku}`: one product.

use crate::api;
use crate::components::add_to_cart::AddToCart;
use crate::components::reviews::ProductReviewsBlock;
use crate::components::url_encode;
use crate::http_status::set_status;
use crate::i18n::{Key, t, use_lang};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let sku = Memo::new(move |_| params.read().get("sku").unwrap_or_default());
    let product = Resource::new(move || sku.get(), api::product);

    view! {
        <p class="back">
            <a href="/">{t(Key::BackToProducts)}</a>
        </p>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(Some(p)) => {
                        let stock = if p.available > 0 { Key::InStock } else { Key::OutOfStock };
                        let (name, sku) = (p.name.clone(), p.sku.clone());
                        let description = if p.description.trim().is_empty() {
                            lang.t(Key::MetaProduct).to_owned()
                        } else {
                            p.description.clone()
                        };
                        view! {
                            <Title text=name />
                            <Meta name="description" content=description />
                            <article class="card product-detail" id="product" data-sku=sku>
                                <h1 class="product-name">{p.name}</h1>
                                <dl class="facts">
                                    <dt>{lang.t(Key::Sku)}</dt>
                                    <dd class="sku">{p.sku.clone()}</dd>
                                    <dt>{lang.t(Key::Price)}</dt>
                                    <dd class="price">{p.price.to_string()}</dd>
                                    <dt>{lang.t(Key::Available)}</dt>
                                    <dd class="stock" class:out=p.available <= 0>
                                        {lang.t(stock)}
                                        " ("
                                        {p.available}
                                        ")"
                                    </dd>
                                </dl>
                                <p class="description">{p.description}</p>
                                <AddToCart sku=p.sku.clone() available=p.available lang next=format!("/products/{}", url_encode(&p.sku)) />
                            </article>
                            <ProductReviewsBlock sku=p.sku.clone() lang />
                        }
                            .into_any()
                    }
                    Ok(None) | Err(api::ApiError::NotFound) => {
                        set_status(404);
                        view! {
                            <Title text=lang.t(Key::PageTitleNotFound) />
                            <Meta name="description" content=lang.t(Key::MetaNotFound) />
                            <h1>{lang.t(Key::PageTitleNotFound)}</h1>
                            <p class="error" role="alert">{lang.t(Key::ProductNotFound)}</p>
                        }
                            .into_any()
                    }
                    Err(err) => {
                        view! {
                            <Title text=lang.t(Key::PageTitleProduct) />
                            <Meta name="description" content=lang.t(Key::MetaProduct) />
                            <p class="error" role="alert">{lang.t(err.key())}</p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
