//! The service desk's returns, with JavaScript off:
//!
//! * `/console/service/returns`: every return (support, warehouse, finance,
//!   admin), newest first, with counts per status and filters by status and
//!   order number (`?status=&order=`).
//! * `/console/service/returns/{id}`: one return with the forms its
//!   `availableActions` allow the caller: approve / reject (support),
//!   receive and inspect every unit — restock into a warehouse, damaged
//!   (written off in a warehouse), missing (warehouse) — and the refund,
//!   whose amount is shown before finance confirms it. The forms post to
//!   `POST /console/service/returns/{id}/{approve,reject,receive,refund}`
//!   (`backend/src/http/portal_forms/returns.rs`) and come back with
//!   `?saved=1` or `?error=CODE&field=..`.

use crate::api::ApiError;
use crate::api::returns::{Return, Warehouse, find_return_for_staff, return_queue};
use crate::components::access::staff_gate;
use crate::components::returns::{return_details, returns_table};
use crate::components::service_desk::{DeskTab, DeskTabs};
use crate::components::{idempotency_key, url_encode};
use crate::i18n::{Key, Lang, fill, return_error_key, return_status_key, t, use_lang};
use crate::schema::{ReturnAction, ReturnStatus};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The queue's page (and the prefix its forms post to).
pub const QUEUE_PATH: &str = "/console/service/returns";

/// A return's console page.
pub fn console_return_path(id: &str) -> String {
    format!("{QUEUE_PATH}/{}", url_encode(id))
}

#[component]
fn DeskNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let key = return_error_key(&code, q.get("field").as_deref());
            Some(view! { <p class="error" role="alert" id="form-error" data-code=code>{lang.t(key)}</p> }.into_any())
        } else {
            q.get("saved").filter(|s| !s.is_empty())?;
            Some(view! { <p class="notice" role="status" id="form-done">{lang.t(Key::RetSaved)}</p> }.into_any())
        }
    }
}

fn filters(
    status: Option<ReturnStatus>,
    order: String,
    counts: &[(ReturnStatus, i64)],
    lang: Lang,
) -> impl IntoView {
    let options = ReturnStatus::ALL
        .iter()
        .map(|s| {
            let n = counts.iter().find(|c| c.0 == *s).map_or(0, |c| c.1);
            view! { <option value=s.as_str() selected=Some(*s) == status>{format!("{} ({n})", lang.t(return_status_key(*s)))}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action=QUEUE_PATH class="filters" id="return-filters">
            <label>
                {lang.t(Key::RetFilterStatus)}
                <select name="status" id="filter-status">
                    <option value="" selected=status.is_none()>{lang.t(Key::RetFilterAll)}</option>
                    {options}
                </select>
            </label>
            <label>
                {lang.t(Key::RetFilterOrder)}
                <input type="text" name="order" id="filter-order" value=order />
            </label>
            <button type="submit">{lang.t(Key::RetFilterApply)}</button>
        </form>
    }
}

#[component]
pub fn ConsoleReturnsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| ReturnStatus::parse(&s))
    });
    let order = Memo::new(move |_| {
        query
            .read()
            .get("order")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let list = Resource::new(
        move || (status.get(), order.get(), after.get()),
        |(status, order, after)| return_queue(status, order, after),
    );
    view! {
        <Title text=t(Key::RetTitleQueue) />
        <Meta name="description" content=t(Key::MetaReturnQueue) />
        <h1>{t(Key::RetTitleQueue)}</h1>
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, QUEUE_PATH).await {
                    return denied;
                }
                let page = match list.await {
                    Ok(page) => page,
                    Err(err) => return view! { <DeskTabs active=DeskTab::Returns lang /><p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                };
                let counts: Vec<(ReturnStatus, i64)> = page.counts.iter().map(|c| (c.status, c.count)).collect();
                let mut params = Vec::new();
                if let Some(s) = status.get_untracked() {
                    params.push(format!("status={}", s.as_str()));
                }
                if let Some(o) = order.get_untracked() {
                    params.push(format!("order={}", url_encode(&o)));
                }
                let next = page.page_info.end_cursor.clone().filter(|_| page.page_info.has_next_page).map(|c| {
                    let mut p = params.clone();
                    p.push(format!("after={}", url_encode(&c)));
                    format!("{QUEUE_PATH}?{}", p.join("&"))
                });
                let items: Vec<_> = page.edges.into_iter().map(|e| e.node).collect();
                view! {
                    <DeskTabs active=DeskTab::Returns lang />
                    {filters(status.get_untracked(), order.get_untracked().unwrap_or_default(), &counts, lang)}
                    <p class="muted">{lang.t(Key::RetCount)} " " <span id="return-count">{page.total_count}</span></p>
                    {if items.is_empty() {
                        view! { <p class="muted" id="return-queue-empty">{lang.t(Key::RetQueueEmpty)}</p> }.into_any()
                    } else {
                        returns_table(items, console_return_path, lang).into_any()
                    }}
                    <p class="pager">{next.map(|href| view! { <a href=href id="queue-next">{lang.t(Key::NextPage)}</a> })}</p>
                }
                .into_any()
            })}
        </Transition>
    }
}

fn warehouse_select(name: &str, id: String, warehouses: &[Warehouse]) -> impl IntoView {
    let options = warehouses
        .iter()
        .map(|w| view! { <option value=w.code.clone()>{format!("{} {}", w.code, w.name)}</option> })
        .collect_view();
    view! { <select name=name.to_owned() id=id>{options}</select> }
}

fn receive_form(r: &Return, warehouses: &[Warehouse], lang: Lang) -> impl IntoView {
    let action = format!("{}/receive", console_return_path(&r.id));
    let rows = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let n = |kind: &str, first: i64| {
                let options = (0..=l.quantity)
                    .map(|k| view! { <option value=k selected=k == first>{k}</option> })
                    .collect_view();
                view! { <select name=kind.to_owned() id=format!("{kind}-{i}")>{options}</select> }
            };
            view! {
                <tr class="receive-line" data-sku=l.sku.clone()>
                    <td>{l.name.clone()} " " <span class="muted sku">{l.sku.clone()}</span> " × " {l.quantity}
                        <input type="hidden" name="sku" value=l.sku.clone() /></td>
                    <td>{n("restock", l.quantity)}</td>
                    <td>{n("damaged", 0)}</td>
                    <td>{n("missing", 0)}</td>
                    <td>{warehouse_select("warehouse", format!("warehouse-{i}"), warehouses)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{lang.t(Key::RetReceiveTitle)}</h2>
            <form method="post" action=action class="stack" id="receive-form">
                <table>
                    <thead><tr>
                        <th>{lang.t(Key::RetColItem)}</th>
                        <th>{lang.t(Key::RetRestock)}</th>
                        <th>{lang.t(Key::RetDamaged)}</th>
                        <th>{lang.t(Key::RetMissing)}</th>
                        <th>{lang.t(Key::RetWarehouse)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <button type="submit" id="receive-submit">{lang.t(Key::RetReceive)}</button>
            </form>
        </section>
    }
}

fn actions(r: &Return, warehouses: &[Warehouse], key: String, lang: Lang) -> impl IntoView {
    let base = console_return_path(&r.id);
    let can = |a: ReturnAction| r.available_actions.contains(&a);
    let approve = can(ReturnAction::Approve).then(|| {
        view! {
            <form method="post" action=format!("{base}/approve") class="inline">
                <button type="submit" id="return-approve">{lang.t(Key::RetApprove)}</button>
            </form>
        }
    });
    let reject = can(ReturnAction::Reject).then(|| {
        view! {
            <form method="post" action=format!("{base}/reject") class="inline">
                <label>{lang.t(Key::RetRejectReason)} " "
                    <input type="text" name="reason" maxlength="500" required id="reject-reason" /></label>
                <button type="submit" class="danger" id="return-reject">{lang.t(Key::RetReject)}</button>
            </form>
        }
    });
    let receive = can(ReturnAction::Receive).then(|| receive_form(r, warehouses, lang));
    let refund = can(ReturnAction::Refund).then(|| {
        let label = fill(
            lang.t(Key::RetRefundConfirm),
            &[("amount", &r.refund_amount.to_string())],
        );
        view! {
            <section class="card">
                <h2>{lang.t(Key::RetRefundTitle)}</h2>
                <p class="muted">{lang.t(Key::RetRefundHint)}</p>
                <form method="post" action=format!("{base}/refund") class="inline">
                    <input type="hidden" name="idempotencyKey" value=key />
                    <button type="submit" id="return-refund">{label}</button>
                </form>
            </section>
        }
    });
    view! { <div class="actions">{approve}{reject}</div>{receive}{refund} }
}

#[component]
pub fn ConsoleReturnPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(move || id.get(), find_return_for_staff);
    let key = Resource::new(|| (), |_| async { idempotency_key() });
    view! {
        <Title text=t(Key::RetTitleOne) />
        <Meta name="description" content=t(Key::MetaReturn) />
        <p class="back"><a href=QUEUE_PATH>{t(Key::RetTitleQueue)}</a></p>
        <DeskNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, &console_return_path(&id.get_untracked())).await {
                    return denied;
                }
                let key = key.await;
                match data.await {
                    Ok((r, warehouses)) => view! {
                        <DeskTabs active=DeskTab::Returns lang />
                        <h1>{lang.t(Key::RetTitleOne)} " " <span id="return-number">{r.number.clone()}</span></h1>
                        <p><a href=format!("/console/orders/{}", url_encode(&r.order_number))>{r.order_number.clone()}</a></p>
                        {return_details(&r, lang)}
                        {actions(&r, &warehouses, key, lang)}
                    }
                    .into_any(),
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
