//! The warehouse's lists (staff): `/console/shipments`, the work queue
//! (tabs per stage, filters by warehouse, status and method as a GET form,
//! paging with `after`), and `/console/pickup`, the pickup desk: the
//! parcels on the pickup shelf, each with a code input and "Hand over",
//! and a form taking a shipment number (or id) and the customer's code.
//! Every action is a plain form post handled by
//! `backend/src/http/portal_forms/fulfillment.rs`.

use crate::api::ApiError;
use crate::api::orders::WarehouseRef;
use crate::api::shipments_console::{
    self, QueueFilterForm, QueuedShipment, ShipmentQueueData, lines_summary,
};
use crate::components::access::staff_gate;
use crate::components::order::format_time;
use crate::components::shipment_console::{
    ShipmentNotice, ShipmentStatusBadge, shipment_href, unlocks_pickups, works_shipments,
};
use crate::components::url_encode;
use crate::i18n::{Key, Lang, delivery_method_key, shipment_status_key, t, use_lang};
use crate::schema::{DeliveryMethod, ShipmentStatus};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The queue's tabs: `(id, title, status)`.
const TABS: &[(&str, Key, Option<ShipmentStatus>)] = &[
    ("all", Key::TabAll, None),
    ("to-pick", Key::TabToPick, Some(ShipmentStatus::Pending)),
    ("to-pack", Key::TabToPack, Some(ShipmentStatus::Picking)),
    ("to-ship", Key::TabToShip, Some(ShipmentStatus::Packed)),
    (
        "ready-for-pickup",
        Key::TabReadyForPickup,
        Some(ShipmentStatus::ReadyForPickup),
    ),
    (
        "exceptions",
        Key::TabExceptions,
        Some(ShipmentStatus::Exception),
    ),
];

fn error_view(lang: Lang, err: ApiError) -> AnyView {
    view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any()
}

#[component]
pub fn ConsoleShipmentsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        QueueFilterForm {
            warehouse: get("warehouse"),
            status: get("status"),
            method: get("method"),
        }
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let data = Resource::new(
        move || (filter.get(), after.get()),
        |(f, a)| shipments_console::shipment_queue(f, a),
    );

    view! {
        <Title text=t(Key::PageTitleShipments) />
        <Meta name="description" content=t(Key::MetaShipments) />
        <h1>{t(Key::PageTitleShipments)}</h1>
        <ShipmentNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/shipments").await {
                    return denied;
                }
                let f = filter.get_untracked();
                match data.await {
                    Ok(data) => view! { <ShipmentQueueView data filter=f lang /> }.into_any(),
                    Err(err) => error_view(lang, err),
                }
            })}
        </Suspense>
    }
}

/// `<option>`s of warehouses, `selected` the one filtered by.
fn warehouse_options(warehouses: &[WarehouseRef], selected: &str) -> impl IntoView + use<> {
    warehouses
        .iter()
        .map(|w| {
            let label = format!("{} {}", w.code, w.name);
            view! { <option value=w.code.clone() selected=w.code == selected>{label}</option> }
        })
        .collect_view()
}

#[component]
fn ShipmentQueueView(
    data: ShipmentQueueData,
    filter: QueueFilterForm,
    lang: Lang,
) -> impl IntoView {
    const PATH: &str = "/console/shipments";
    let tabs = TABS
        .iter()
        .map(|&(id, key, status)| {
            let current = filter.status == status.map(ShipmentStatus::as_str).unwrap_or_default();
            view! {
                <a href=filter.href(PATH, status) class="tab" id=format!("tab-{id}")
                    aria-current=current.then_some("page")>
                    {lang.t(key)}
                </a>
            }
        })
        .collect_view();
    let status_options = ShipmentStatus::ALL
        .iter()
        .map(|&s| {
            view! {
                <option value=s.as_str() selected=filter.status == s.as_str()>
                    {lang.t(shipment_status_key(s))}
                </option>
            }
        })
        .collect_view();
    let method_options = DeliveryMethod::ALL
        .iter()
        .map(|&m| {
            view! {
                <option value=m.as_str() selected=filter.method == m.as_str()>
                    {lang.t(delivery_method_key(m))}
                </option>
            }
        })
        .collect_view();
    let page = data.shipments;
    let next = page
        .page_info
        .end_cursor
        .clone()
        .filter(|_| page.page_info.has_next_page)
        .map(|c| filter.next_href(PATH, &c));
    let empty = page.edges.is_empty();
    let rows = page
        .edges
        .into_iter()
        .map(|e| queue_row(e.node, lang))
        .collect_view();
    view! {
        <section id="console-shipments">
            <nav class="tabs" id="shipment-tabs">{tabs}</nav>
            <form method="get" action=PATH class="card filter-form" id="shipment-filter">
                <label>
                    {lang.t(Key::Warehouse)}
                    <select name="warehouse" id="filter-warehouse">
                        <option value="">{lang.t(Key::Any)}</option>
                        {warehouse_options(&data.warehouses, &filter.warehouse)}
                    </select>
                </label>
                <label>
                    {lang.t(Key::Status)}
                    <select name="status" id="filter-status">
                        <option value="">{lang.t(Key::Any)}</option>
                        {status_options}
                    </select>
                </label>
                <label>
                    {lang.t(Key::ShippingMethod)}
                    <select name="method" id="filter-method">
                        <option value="">{lang.t(Key::Any)}</option>
                        {method_options}
                    </select>
                </label>
                <div class="filter-actions">
                    <button type="submit" id="filter-submit">{lang.t(Key::ApplyFilter)}</button>
                    " "
                    <a href=PATH>{lang.t(Key::ClearFilter)}</a>
                </div>
            </form>
            {count_line(lang, page.total_count, empty)}
            {(!empty).then(|| view! {
                <div class="table-wrap">
                    <table class="lines" id="shipment-queue">
                        <thead>
                            <tr>
                                <th>{lang.t(Key::ShipmentNumber)}</th>
                                <th>{lang.t(Key::OrderNumber)}</th>
                                <th>{lang.t(Key::Warehouse)}</th>
                                <th>{lang.t(Key::ShippingMethod)}</th>
                                <th>{lang.t(Key::Status)}</th>
                                <th>{lang.t(Key::ShipmentContents)}</th>
                                <th>{lang.t(Key::CreatedAt)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            {pager(lang, next)}
        </section>
    }
}

/// One row of the work queue.
fn queue_row(s: QueuedShipment, lang: Lang) -> impl IntoView + use<> {
    let order_href = format!("/console/orders/{}", url_encode(&s.order_number));
    view! {
        <tr class="shipment-row" data-shipment=s.number.clone() data-id=s.id.clone()
            data-status=s.status.as_str() data-method=s.method.as_str() data-warehouse=s.warehouse.clone()>
            <td><a href=shipment_href(&s.id) class="shipment-link">{s.number.clone()}</a></td>
            <td><a href=order_href class="order-link">{s.order_number.clone()}</a></td>
            <td>{s.warehouse.clone()}</td>
            <td>{lang.t(delivery_method_key(s.method))}</td>
            <td><ShipmentStatusBadge status=s.status lang /></td>
            <td class="sku">{lines_summary(&s.lines)}</td>
            <td><time datetime=s.created_at.clone()>{format_time(&s.created_at)}</time></td>
        </tr>
    }
}

#[component]
pub fn PickupDeskPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| QueueFilterForm {
        warehouse: query.read().get("warehouse").unwrap_or_default(),
        status: ShipmentStatus::ReadyForPickup.as_str().to_owned(),
        method: String::new(),
    });
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let data = Resource::new(
        move || (filter.get(), after.get()),
        |(f, a)| shipments_console::shipment_queue(f, a),
    );

    view! {
        <Title text=t(Key::PageTitlePickupDesk) />
        <Meta name="description" content=t(Key::MetaPickupDesk) />
        <h1>{t(Key::PageTitlePickupDesk)}</h1>
        <ShipmentNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/pickup").await {
                    return denied;
                }
                let role = session.user().await.map(|u| u.role);
                let can_work = role.is_some_and(works_shipments);
                let can_unlock = role.is_some_and(unlocks_pickups);
                let f = filter.get_untracked();
                match data.await {
                    Ok(data) => view! { <PickupDesk data filter=f can_work can_unlock lang /> }.into_any(),
                    Err(err) => error_view(lang, err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PickupDesk(
    data: ShipmentQueueData,
    filter: QueueFilterForm,
    can_work: bool,
    can_unlock: bool,
    lang: Lang,
) -> impl IntoView {
    const PATH: &str = "/console/pickup";
    let points: Vec<WarehouseRef> = data
        .warehouses
        .iter()
        .filter(|w| w.is_pickup_point)
        .cloned()
        .collect();
    let page = data.shipments;
    // The desk's own filter is the warehouse only (status is fixed).
    let desk = QueueFilterForm {
        status: String::new(),
        ..filter.clone()
    };
    let next = page
        .page_info
        .end_cursor
        .clone()
        .filter(|_| page.page_info.has_next_page)
        .map(|c| desk.next_href(PATH, &c));
    let empty = page.edges.is_empty();
    let rows = page
        .edges
        .into_iter()
        .map(|e| pickup_row(e.node, can_work, can_unlock, lang))
        .collect_view();
    view! {
        <section id="pickup-desk">
            <p>{lang.t(Key::PickupDeskIntro)}</p>
            {(!can_work).then(|| view! { <p class="muted" id="shipments-view-only">{lang.t(Key::ShipmentsViewOnly)}</p> })}
            {can_work.then(|| view! {
                <form method="post" action=PATH class="card filter-form" id="form-pickup">
                    <label>
                        {lang.t(Key::ShipmentNumberOrId)}
                        <input type="text" name="shipment" id="pickup-shipment" required maxlength="64"
                            autocomplete="off" />
                    </label>
                    <label>
                        {lang.t(Key::PickupCode)}
                        <input type="text" name="pickupCode" id="pickup-code" required maxlength="32"
                            autocomplete="off" inputmode="numeric" />
                    </label>
                    <div class="filter-actions">
                        <button type="submit" id="pickup-submit">{lang.t(Key::ShipActionHandOver)}</button>
                    </div>
                </form>
            })}
            <form method="get" action=PATH class="filter-form" id="pickup-filter">
                <label>
                    {lang.t(Key::PickupPointLabel)}
                    <select name="warehouse" id="filter-warehouse">
                        <option value="">{lang.t(Key::Any)}</option>
                        {warehouse_options(&points, &filter.warehouse)}
                    </select>
                </label>
                <div class="filter-actions">
                    <button type="submit" id="filter-submit">{lang.t(Key::ApplyFilter)}</button>
                </div>
            </form>
            {count_line(lang, page.total_count, empty)}
            {(!empty).then(|| view! {
                <div class="table-wrap">
                    <table class="lines" id="pickup-queue">
                        <thead>
                            <tr>
                                <th>{lang.t(Key::ShipmentNumber)}</th>
                                <th>{lang.t(Key::OrderNumber)}</th>
                                <th>{lang.t(Key::PickupPointLabel)}</th>
                                <th>{lang.t(Key::ShipmentContents)}</th>
                                <th>{lang.t(Key::StaffActions)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            {pager(lang, next)}
        </section>
    }
}

/// One parcel on the pickup shelf: its code input and "Hand over", or,
/// when locked by wrong codes, the note (and "Unlock" for support/admin).
fn pickup_row(
    s: QueuedShipment,
    can_work: bool,
    can_unlock: bool,
    lang: Lang,
) -> impl IntoView + use<> {
    let base = shipment_href(&s.id);
    let short: String = s.id.chars().filter(|c| *c != '-').collect();
    let action = if s.pickup_locked {
        let unlock = can_unlock.then(|| {
            view! {
                <form method="post" action=format!("{base}/unlock") class="inline-form unlock-form"
                    id=format!("unlock-{short}")>
                    <input type="hidden" name="from" value="pickup" />
                    <input type="hidden" name="number" value=s.number.clone() />
                    <button type="submit" class="small">{lang.t(Key::UnlockPickup)}</button>
                </form>
            }
        });
        view! {
            <span class="error-text pickup-locked">{lang.t(Key::PickupLockedNote)}</span>
            " "
            {unlock}
        }
        .into_any()
    } else if can_work {
        let label = format!("{} {}", lang.t(Key::PickupCode), s.number);
        view! {
            <form method="post" action=format!("{base}/handover") class="handover-form"
                id=format!("handover-{short}")>
                <input type="hidden" name="from" value="pickup" />
                <input type="hidden" name="number" value=s.number.clone() />
                <input type="text" name="pickupCode" required maxlength="32" autocomplete="off"
                    inputmode="numeric" aria-label=label placeholder=lang.t(Key::PickupCode) />
                <button type="submit" class="small">{lang.t(Key::ShipActionHandOver)}</button>
            </form>
        }
        .into_any()
    } else {
        ().into_any()
    };
    let order_href = format!("/console/orders/{}", url_encode(&s.order_number));
    view! {
        <tr class="pickup-row" data-shipment=s.number.clone() data-id=s.id.clone()
            data-locked=s.pickup_locked.to_string() data-warehouse=s.warehouse.clone()>
            <td><a href=base.clone() class="shipment-link">{s.number.clone()}</a></td>
            <td><a href=order_href class="order-link">{s.order_number.clone()}</a></td>
            <td>{s.warehouse.clone()}</td>
            <td class="sku">{lines_summary(&s.lines)}</td>
            <td>{action}</td>
        </tr>
    }
}

/// How many shipments match, or that none do.
fn count_line(lang: Lang, total: i64, empty: bool) -> impl IntoView {
    view! {
        <p class="muted" id="shipments-count" data-count=total>
            {lang.t(Key::ShipmentsCount)} " " {total}
        </p>
        {empty.then(|| view! { <p class="empty" id="shipments-empty">{lang.t(Key::NoShipments)}</p> })}
    }
}

/// The link to the next page, if any.
fn pager(lang: Lang, next: Option<String>) -> impl IntoView {
    view! {
        <nav class="pager">
            {next.map(|href| view! { <a href=href rel="next" id="next-page">{lang.t(Key::NextPage)}</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_cover_the_warehouse_stages_once_each() {
        let ids: std::collections::HashSet<&str> = TABS.iter().map(|t| t.0).collect();
        assert_eq!(ids.len(), TABS.len());
        assert!(TABS.iter().any(|t| t.2 == Some(ShipmentStatus::Exception)));
    }
}
