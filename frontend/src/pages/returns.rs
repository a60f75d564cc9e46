//! The customer's returns, with JavaScript off:
//!
//! * `/orders/{number}/return`: one row per order line (units to send
//!   back, reason, and for an exchange the replacement SKU), refund or
//!   exchange, a note; posted to `POST /orders/{number}/return`, which
//!   goes on to the new return's page (`?requested=1`) or comes back with
//!   `?error=CODE&field=..` (`backend/src/http/portal_forms/returns.rs`).
//!   Only shown as a form while the order offers RETURN_OR_EXCHANGE.
//! * `/returns`: the customer's returns, newest first.
//! * `/returns/{id}`: one return, its lines, what the warehouse found,
//!   the refund, and "withdraw" while that is allowed.

use crate::api::ApiError;
use crate::api::returns::{OrderForReturn, find_return, my_returns, order_for_return};
use crate::components::access::sign_in_prompt;
use crate::components::returns::{return_details, returns_table};
use crate::components::{idempotency_key, url_encode};
use crate::i18n::{
    Key, Lang, return_error_key, return_reason_key, return_resolution_key, t, use_lang,
};
use crate::schema::{ReturnAction, ReturnReason, ReturnResolution, ServiceAction};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The customer's list of returns.
pub const MY_RETURNS_PATH: &str = "/returns";

/// The return form of order `number` (and where it posts).
pub fn request_path(number: &str) -> String {
    format!("/orders/{}/return", url_encode(number))
}

/// A return's page.
pub fn return_path(id: &str) -> String {
    format!("{MY_RETURNS_PATH}/{}", url_encode(id))
}

/// What the last form post came back with.
#[component]
fn ReturnNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let key = return_error_key(&code, q.get("field").as_deref());
            Some(view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(key)}</p> }.into_any())
        } else if q.get("requested").is_some_and(|s| !s.is_empty()) {
            Some(view! { <p class="notice" role="status" id="form-done">{lang.t(Key::RetRequested)}</p> }.into_any())
        } else {
            q.get("saved").filter(|s| !s.is_empty())?;
            Some(view! { <p class="notice" role="status" id="form-done">{lang.t(Key::RetSaved)}</p> }.into_any())
        }
    }
}

fn reason_select(i: usize, lang: Lang) -> impl IntoView {
    let options = ReturnReason::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str()>{lang.t(return_reason_key(*r))}</option> })
        .collect_view();
    view! { <select name="reason" id=format!("reason-{i}")>{options}</select> }
}

fn request_form(o: OrderForReturn, key: String, lang: Lang) -> impl IntoView {
    let action = request_path(&o.number);
    let rows = o
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let options = (0..=l.quantity)
                .map(|n| view! { <option value=n>{n}</option> })
                .collect_view();
            view! {
                <tr class="return-line" data-sku=l.sku.clone()>
                    <td>{l.name.clone()} " " <span class="muted sku">{l.sku.clone()}</span>
                        <input type="hidden" name="sku" value=l.sku.clone() /></td>
                    <td>{l.quantity} " × " {l.unit_price.to_string()}</td>
                    <td><select name="quantity" id=format!("quantity-{i}")>{options}</select></td>
                    <td>{reason_select(i, lang)}</td>
                    <td><input type="text" name="exchangeSku" id=format!("exchange-{i}") maxlength="64" /></td>
                </tr>
            }
        })
        .collect_view();
    let resolutions = ReturnResolution::ALL
        .iter()
        .map(|r| {
            view! {
                <label class="inline">
                    <input type="radio" name="resolution" value=r.as_str() checked=*r == ReturnResolution::Refund id=format!("resolution-{}", r.as_str().to_ascii_lowercase()) />
                    " " {lang.t(return_resolution_key(*r))}
                </label>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action class="stack" id="return-form">
            <input type="hidden" name="idempotencyKey" value=key />
            <p class="muted">{lang.t(Key::RetIntro)}</p>
            <table class="return-lines">
                <thead><tr>
                    <th>{lang.t(Key::RetColItem)}</th>
                    <th>{lang.t(Key::RetColOrdered)}</th>
                    <th>{lang.t(Key::RetColQuantity)}</th>
                    <th>{lang.t(Key::RetColReason)}</th>
                    <th>{lang.t(Key::RetColExchange)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <fieldset>
                <legend>{lang.t(Key::RetResolution)}</legend>
                {resolutions}
            </fieldset>
            <label>
                {lang.t(Key::RetNote)}
                <textarea name="note" id="return-note" maxlength="500" rows="3"></textarea>
            </label>
            <button type="submit" id="return-submit">{lang.t(Key::RetSubmit)}</button>
        </form>
    }
}

#[component]
pub fn ReturnRequestPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let data = Resource::new(move || number.get(), order_for_return);
    let key = Resource::new(|| (), |_| async { idempotency_key() });
    view! {
        <Title text=t(Key::RetTitleRequest) />
        <Meta name="description" content=t(Key::MetaReturnRequest) />
        <p class="back">
            <a href=move || format!("/orders/{}", url_encode(&number.get()))>{t(Key::RetBackToOrder)}</a>
        </p>
        <h1>{t(Key::RetTitleRequest)} " " {move || number.get()}</h1>
        <p><a href=MY_RETURNS_PATH id="my-returns-link">{t(Key::RetTitleMy)}</a></p>
        <ReturnNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let key = key.await;
                match data.await {
                    Ok(o) => {
                        let allowed = o.service_actions.contains(&ServiceAction::ReturnOrExchange);
                        let existing = o.returns.clone();
                        view! {
                            {if allowed {
                                request_form(o, key, lang).into_any()
                            } else {
                                view! { <p class="muted" id="return-not-allowed">{lang.t(Key::RetNotAllowed)}</p> }.into_any()
                            }}
                            <h2>{lang.t(Key::RetExisting)}</h2>
                            {if existing.is_empty() {
                                view! { <p class="muted">{lang.t(Key::RetNone)}</p> }.into_any()
                            } else {
                                returns_table(existing, return_path, lang).into_any()
                            }}
                        }
                        .into_any()
                    }
                    Err(ApiError::Unauthenticated) => {
                        sign_in_prompt(lang, &request_path(&number.get_untracked()), Key::RetSignIn)
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

#[component]
pub fn MyReturnsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(move || after.get(), my_returns);
    view! {
        <Title text=t(Key::RetTitleMy) />
        <Meta name="description" content=t(Key::MetaMyReturns) />
        <h1>{t(Key::RetTitleMy)}</h1>
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => {
                        let next = page.page_info.end_cursor.clone().filter(|_| page.page_info.has_next_page)
                            .map(|c| format!("{MY_RETURNS_PATH}?after={}", url_encode(&c)));
                        let items: Vec<_> = page.edges.into_iter().map(|e| e.node).collect();
                        view! {
                            {if items.is_empty() {
                                view! { <p class="muted" id="my-returns-empty">{lang.t(Key::RetNone)}</p> }.into_any()
                            } else {
                                returns_table(items, return_path, lang).into_any()
                            }}
                            <p class="pager">{next.map(|href| view! { <a href=href>{lang.t(Key::NextPage)}</a> })}</p>
                        }
                        .into_any()
                    }
                    Err(ApiError::Unauthenticated) => sign_in_prompt(lang, MY_RETURNS_PATH, Key::RetSignIn),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn ReturnPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(move || id.get(), find_return);
    view! {
        <Title text=t(Key::RetTitleOne) />
        <Meta name="description" content=t(Key::MetaReturn) />
        <p class="back"><a href=MY_RETURNS_PATH>{t(Key::RetTitleMy)}</a></p>
        <ReturnNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((r, _)) => {
                        let cancel = r.available_actions.contains(&ReturnAction::Cancel).then(|| {
                            let action = format!("{}/cancel", return_path(&r.id));
                            view! {
                                <form method="post" action=action class="inline">
                                    <button type="submit" class="danger" id="return-cancel">{lang.t(Key::RetCancel)}</button>
                                </form>
                            }
                        });
                        view! {
                            <h1>{lang.t(Key::RetTitleOne)} " " <span id="return-number">{r.number.clone()}</span></h1>
                            {return_details(&r, lang)}
                            {cancel}
                        }
                        .into_any()
                    }
                    Err(ApiError::Unauthenticated) => {
                        sign_in_prompt(lang, &return_path(&id.get_untracked()), Key::RetSignIn)
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
