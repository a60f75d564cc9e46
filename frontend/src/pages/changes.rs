//! Changing an order before it ships, with JavaScript off:
//! * `/orders/{number}/change`: the change form (quantities, a line to
//!   add, the delivery method, the address), sent with GET to the same page
//!   with `preview=1`, which prices it (`previewOrderChange`) and shows the
//!   difference ("you will be refunded ¥299.00", "¥120.00 more to pay")
//!   with a confirm form posted to `POST /orders/{number}/change`;
//! * `/orders/{number}/cancel-items`: units to cancel per line, posted to
//!   `POST /orders/{number}/cancel-items`.
//!
//! The posts are handled by `backend/src/http/portal_forms/changes.rs` and
//! come back here with `?done=…` or `?error=CODE&field=…`. Whether the
//! actions are offered at all is the API's call (`Order.serviceActions`).

use crate::api::changes::{self, ADDRESS_FIELDS, Preview};
use crate::api::orders::{self, Order};
use crate::components::access::sign_in_prompt;
use crate::components::{idempotency_key, url_encode};
use crate::i18n::{Key, Lang, fill, order_error_key, t, use_lang};
use crate::schema::ServiceAction;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The change form of an order.
pub fn change_href(number: &str) -> String {
    format!("/orders/{}/change", url_encode(number))
}

/// The cancel-items form of an order.
pub fn cancel_items_href(number: &str) -> String {
    format!("/orders/{}/cancel-items", url_encode(number))
}

fn order_href(number: &str) -> String {
    format!("/orders/{}", url_encode(number))
}

/// `?done=` / `?error=` of the change pages.
#[component]
fn ChangeNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let field = q
                .get("field")
                .map(|f| f.trim_start_matches("input.").to_owned());
            let reason = lang.t(order_error_key(&code, field.as_deref()));
            let text = fill(lang.t(Key::ChgFailed), &[("reason", reason)]);
            return Some(
                view! { <p class="error" role="alert" id="form-error" data-code=code>{text}</p> }
                    .into_any(),
            );
        }
        let key = match q.get("done").as_deref() {
            Some("APPLIED") => Key::ChgDoneApplied,
            Some("PENDING") => Key::ChgDonePending,
            Some("CANCELLED") => Key::ChgDoneCancelled,
            _ => return None,
        };
        Some(view! { <p class="notice" role="status" id="form-done">{lang.t(key)}</p> }.into_any())
    }
}

/// The order, or what to show instead (sign in, not found, not offered).
async fn load(
    number: String,
    next: String,
    action: ServiceAction,
    lang: Lang,
    signed_in: bool,
) -> Result<Order, AnyView> {
    if !signed_in {
        return Err(sign_in_prompt(lang, &next, Key::ChgSignIn));
    }
    match orders::order(number).await {
        Ok(o) if o.offers(action) => Ok(o),
        Ok(o) => Err(view! {
            <p class="error" role="alert" id="change-not-offered">{lang.t(Key::ChgNotOffered)}</p>
            <p><a href=order_href(&o.number)>{lang.t(Key::ChgBackToOrder)}</a></p>
        }
        .into_any()),
        Err(e) => Err(view! { <p class="error" role="alert">{lang.t(e.key())}</p> }.into_any()),
    }
}

#[component]
pub fn ChangeOrderPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let query = use_query_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    view! {
        <Title text=t(Key::PageTitleChangeOrder) />
        <Meta name="description" content=t(Key::MetaChangeOrder) />
        <h1>{t(Key::PageTitleChangeOrder)} " " {move || number.get()}</h1>
        <ChangeNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let n = number.get_untracked();
                let signed_in = session.0.await.ok().flatten().is_some();
                let order = match load(n.clone(), change_href(&n), ServiceAction::ChangeOrder, lang, signed_in).await {
                    Ok(o) => o,
                    Err(v) => return v,
                };
                let fields = form_fields(&order, |k| query.read_untracked().get(k));
                if query.read_untracked().get("preview").is_none() {
                    return change_form(&order, lang).into_any();
                }
                match changes::preview(n.clone(), fields.clone()).await {
                    Ok(p) => preview_view(&order, p, fields, lang).into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert" id="preview-error">{lang.t(e.key())}</p>
                        <p><a href=change_href(&n)>{lang.t(Key::ChgEdit)}</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The change form's fields as sent (for the preview and the confirm form).
fn form_fields(order: &Order, get: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let mut names: Vec<String> = order
        .lines
        .iter()
        .flat_map(|l| [format!("qty_{}", l.sku), format!("was_{}", l.sku)])
        .collect();
    names.extend(
        ["addSku", "addQty", "method", "wasMethod", "changeAddress"]
            .into_iter()
            .chain(ADDRESS_FIELDS)
            .map(str::to_owned),
    );
    names
        .into_iter()
        .filter_map(|k| get(&k).map(|v| (k, v)))
        .collect()
}

fn change_form(order: &Order, lang: Lang) -> impl IntoView {
    let lines = order
        .lines
        .iter()
        .map(|l| {
            let id = format!("qty-{}", l.sku);
            view! {
                <tr class="change-line" data-sku=l.sku.clone()>
                    <td>{l.sku.clone()}</td>
                    <td>{l.name.clone()}</td>
                    <td>{l.unit_price.to_string()}</td>
                    <td>
                        <input type="hidden" name=format!("was_{}", l.sku) value=l.quantity.to_string() />
                        <input type="number" min="0" max="999" name=format!("qty_{}", l.sku) id=id value=l.quantity.to_string() />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let a = order.shipping_address.clone();
    let value = |f: &str| -> String {
        match f {
            "name" => a.name.clone(),
            "phone" => a.phone.clone(),
            "line1" => a.line1.clone(),
            "line2" => a.line2.clone().unwrap_or_default(),
            "city" => a.city.clone(),
            "region" => a.region.clone().unwrap_or_default(),
            "postalCode" => a.postal_code.clone(),
            _ => a.country.clone(),
        }
    };
    let label = |f: &str| match f {
        "name" => Key::RecipientName,
        "phone" => Key::Phone,
        "line1" => Key::AddressLine1,
        "line2" => Key::AddressLine2,
        "city" => Key::City,
        "region" => Key::Region,
        "postalCode" => Key::PostalCode,
        _ => Key::Country,
    };
    let address = ADDRESS_FIELDS
        .into_iter()
        .map(|f| {
            view! {
                <label>{lang.t(label(f))} " " <input type="text" name=f id=format!("addr-{f}") value=value(f) /></label>
            }
        })
        .collect_view();
    let pickup = order.shipping_method == "PICKUP";
    let method = (!pickup).then(|| {
        let options = ["EXPRESS", "POSTAL"]
            .into_iter()
            .map(|m| view! { <option value=m selected=order.shipping_method == m>{m}</option> })
            .collect_view();
        view! {
            <input type="hidden" name="wasMethod" value=order.shipping_method.clone() />
            <label>{lang.t(Key::ChgMethod)} <select name="method" id="change-method">{options}</select></label>
        }
    });
    view! {
        <form method="get" action=change_href(&order.number) class="card stack" id="change-form">
            <input type="hidden" name="preview" value="1" />
            <table class="orders" id="change-lines">
                <thead><tr>
                    <th>{lang.t(Key::ChgColSku)}</th><th>{lang.t(Key::ChgColName)}</th>
                    <th>{lang.t(Key::ChgColPrice)}</th><th>{lang.t(Key::ChgColQuantity)}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
            <fieldset>
                <legend>{lang.t(Key::ChgAddLine)}</legend>
                <label>{lang.t(Key::ChgColSku)} <input type="text" name="addSku" id="add-sku" /></label>
                <label>{lang.t(Key::ChgColQuantity)} <input type="number" min="1" max="999" name="addQty" id="add-qty" value="1" /></label>
            </fieldset>
            {method}
            <fieldset>
                <legend>
                    <label><input type="checkbox" name="changeAddress" value="1" id="change-address" /> {lang.t(Key::ChgNewAddress)}</label>
                </legend>
                {address}
            </fieldset>
            <button type="submit" id="change-preview">{lang.t(Key::ChgPreviewButton)}</button>
        </form>
        <p><a href=order_href(&order.number)>{lang.t(Key::ChgBackToOrder)}</a></p>
    }
}

/// "You will be refunded ¥299.00", "¥120.00 more to pay", or no change.
fn difference(p: &Preview, lang: Lang) -> String {
    let delta = &p.amount_delta;
    let abs = crate::api::types::Money {
        amount: delta.amount.trim_start_matches('-').to_owned(),
        currency_code: delta.currency_code.clone(),
    };
    let refund = p.refund.clone().filter(|r| {
        r.amount
            .trim_start_matches(['0', '.'])
            .chars()
            .any(|c| c != '0')
    });
    if delta.amount.starts_with('-') {
        match refund {
            Some(r) => fill(lang.t(Key::ChgRefunded), &[("amount", &r.to_string())]),
            None => fill(lang.t(Key::ChgLess), &[("amount", &abs.to_string())]),
        }
    } else if abs.amount.chars().any(|c| c.is_ascii_digit() && c != '0') {
        fill(lang.t(Key::ChgMoreToPay), &[("amount", &abs.to_string())])
    } else {
        lang.t(Key::ChgSamePrice).to_owned()
    }
}

fn preview_view(
    order: &Order,
    p: Preview,
    fields: Vec<(String, String)>,
    lang: Lang,
) -> impl IntoView {
    let rows = p
        .lines
        .iter()
        .filter(|l| l.before != l.after)
        .map(|l| {
            view! {
                <tr class="preview-line" data-sku=l.sku.clone()>
                    <td>{l.sku.clone()}</td><td>{l.name.clone()}</td>
                    <td>{l.before}</td><td>{l.after}</td>
                </tr>
            }
        })
        .collect_view();
    let hidden = fields
        .into_iter()
        .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
        .collect_view();
    let approval = p.needs_approval.then(
        || view! { <p class="notice" id="needs-approval">{lang.t(Key::ChgNeedsApproval)}</p> },
    );
    let totals = match (&p.total_before, &p.total_after) {
        (Some(b), Some(a)) => Some(view! {
            <p id="preview-totals">{fill(lang.t(Key::ChgTotals), &[("before", &b.to_string()), ("after", &a.to_string())])}</p>
        }),
        _ => None,
    };
    view! {
        <section class="card" id="change-preview-result" data-needs-approval=p.needs_approval.to_string()>
            <h2>{lang.t(Key::ChgPreviewTitle)}</h2>
            <table class="orders" id="preview-lines">
                <thead><tr>
                    <th>{lang.t(Key::ChgColSku)}</th><th>{lang.t(Key::ChgColName)}</th>
                    <th>{lang.t(Key::ChgColBefore)}</th><th>{lang.t(Key::ChgColAfter)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {totals}
            <p class="amount" id="preview-difference">{difference(&p, lang)}</p>
            {approval}
            <form method="post" action=change_href(&order.number) id="change-confirm">
                {hidden}
                <input type="hidden" name="idempotencyKey" value=idempotency_key() />
                <button type="submit" id="change-confirm-button">{lang.t(Key::ChgConfirm)}</button>
            </form>
            <p><a href=change_href(&order.number) id="change-edit">{lang.t(Key::ChgEdit)}</a></p>
        </section>
    }
}

#[component]
pub fn CancelItemsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    view! {
        <Title text=t(Key::PageTitleCancelItems) />
        <Meta name="description" content=t(Key::MetaCancelItems) />
        <h1>{t(Key::PageTitleCancelItems)} " " {move || number.get()}</h1>
        <ChangeNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let n = number.get_untracked();
                let signed_in = session.0.await.ok().flatten().is_some();
                match load(n.clone(), cancel_items_href(&n), ServiceAction::CancelItems, lang, signed_in).await {
                    Ok(o) => cancel_form(&o, lang).into_any(),
                    Err(v) => v,
                }
            })}
        </Suspense>
    }
}

fn cancel_form(order: &Order, lang: Lang) -> impl IntoView {
    let rows = order
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr class="cancel-line" data-sku=l.sku.clone()>
                    <td>{l.sku.clone()}</td><td>{l.name.clone()}</td><td>{l.quantity}</td>
                    <td><input type="number" min="0" max=l.quantity.to_string() value="0"
                        name=format!("cancel_{}", l.sku) id=format!("cancel-{}", l.sku) /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=cancel_items_href(&order.number) class="card stack" id="cancel-items-form">
            <table class="orders" id="cancel-lines">
                <thead><tr>
                    <th>{lang.t(Key::ChgColSku)}</th><th>{lang.t(Key::ChgColName)}</th>
                    <th>{lang.t(Key::ChgColQuantity)}</th><th>{lang.t(Key::ChgColCancel)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <label>{lang.t(Key::ChgReason)} <input type="text" name="reason" id="cancel-reason" maxlength="500" /></label>
            <input type="hidden" name="idempotencyKey" value=idempotency_key() />
            <button type="submit" id="cancel-items-submit">{lang.t(Key::ChgCancelButton)}</button>
        </form>
        <p><a href=order_href(&order.number)>{lang.t(Key::ChgBackToOrder)}</a></p>
    }
}
