//! `/console/inventory` (staff): stock per product and warehouse with a GET
//! search (`?q=`, paging with `after`), the low-stock list, and — for
//! warehouse staff and admins — forms to adjust stock
//! (`POST /console/inventory/adjust`) and set reorder points
//! (`POST /console/inventory/reorder`). `?sku=` pre-fills both forms.

use crate::api::orders::{self, InventoryData, ProductStock, StockLevel, WarehouseRef};
use crate::components::access::staff_gate;
use crate::components::order::FormNotice;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
use crate::schema::Role;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct InventoryQuery {
    q: String,
    after: Option<String>,
    sku: String,
}

#[component]
pub fn InventoryPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        InventoryQuery {
            q: q.get("q").unwrap_or_default(),
            after: q.get("after").filter(|a| !a.is_empty()),
            sku: q.get("sku").unwrap_or_default(),
        }
    });
    let data = Resource::new(
        move || {
            let p = params.get();
            (p.q, p.after)
        },
        |(q, after)| orders::inventory(q, after),
    );

    view! {
        <Title text=t(Key::PageTitleInventory) />
        <Meta name="description" content=t(Key::MetaInventory) />
        <h1>{t(Key::PageTitleInventory)}</h1>
        <FormNotice lang />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, "/console/inventory").await {
                    return denied;
                }
                let can_change = session
                    .0
                    .await
                    .ok()
                    .flatten()
                    // Who may change stock (the API checks it again).
                    .is_some_and(|u| matches!(u.role, Role::Warehouse | Role::Admin));
                let p = params.get_untracked();
                match data.await {
                    Ok(data) => view! { <Inventory data params=p can_change lang /> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Inventory(
    data: InventoryData,
    params: InventoryQuery,
    can_change: bool,
    lang: Lang,
) -> impl IntoView {
    let q = params.q.clone();
    let pick = move |sku: &str| {
        format!(
            "/console/inventory?q={}&sku={}#stock-forms",
            url_encode(&q),
            url_encode(sku)
        )
    };
    let next = data
        .inventory
        .page_info
        .end_cursor
        .clone()
        .filter(|_| data.inventory.page_info.has_next_page)
        .map(|c| {
            format!(
                "/console/inventory?q={}&after={}",
                url_encode(&params.q),
                url_encode(&c)
            )
        });
    let low = data
        .low_stock
        .iter()
        .map(|l| {
            let sku = l.sku.clone().unwrap_or_default();
            let href = pick(&sku);
            let data_sku = sku.clone();
            view! {
                <tr class="low-stock-row" data-sku=data_sku data-warehouse=l.warehouse.code.clone()>
                    <td><a href=href class="sku">{sku}</a></td>
                    <td>{l.warehouse.code.clone()}</td>
                    <td class="num stock out">{l.available}</td>
                    <td class="num">{l.reorder_point}</td>
                </tr>
            }
        })
        .collect_view();
    let low_empty = data.low_stock.is_empty();
    let heads = data
        .warehouses
        .iter()
        .map(|w| view! { <th class="num" title=w.name.clone()>{w.code.clone()}</th> })
        .collect_view();
    let rows = data
        .inventory
        .edges
        .iter()
        .map(|e| view! { <InventoryRow product=e.node.clone() warehouses=data.warehouses.clone() href=pick(&e.node.sku) /> })
        .collect_view();
    view! {
        <section class="card" id="low-stock">
            <h2>{lang.t(Key::LowStock)}</h2>
            {if low_empty {
                view! { <p class="muted" id="low-stock-empty">{lang.t(Key::NoLowStock)}</p> }.into_any()
            } else {
                view! {
                    <table class="lines">
                        <thead>
                            <tr>
                                <th>{lang.t(Key::Sku)}</th>
                                <th>{lang.t(Key::Warehouse)}</th>
                                <th class="num">{lang.t(Key::Available)}</th>
                                <th class="num">{lang.t(Key::ReorderPoint)}</th>
                            </tr>
                        </thead>
                        <tbody>{low}</tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
        {can_change.then(|| view! { <StockForms warehouses=data.warehouses.clone() sku=params.sku.clone() lang /> })}
        <form method="get" action="/console/inventory" role="search" class="search-form" id="inventory-search">
            <label for="inventory-q" class="visually-hidden">{lang.t(Key::SearchLabel)}</label>
            <input type="search" name="q" id="inventory-q" value=params.q.clone() placeholder=lang.t(Key::SearchPlaceholder) />
            <button type="submit">{lang.t(Key::SearchButton)}</button>
        </form>
        <p class="muted" id="inventory-count">{lang.t(Key::ProductsCount)} " " {data.inventory.total_count}</p>
        <p class="muted hint-line">{lang.t(Key::StockLegend)}</p>
        <div class="table-wrap">
            <table class="lines" id="inventory-table">
                <thead>
                    <tr>
                        <th>{lang.t(Key::Sku)}</th>
                        <th>{lang.t(Key::Product)}</th>
                        {heads}
                        <th class="num">{lang.t(Key::Available)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager">
            {next.map(|href| view! { <a href=href rel="next" id="next-page">{lang.t(Key::NextPage)}</a> })}
        </nav>
    }
}

#[component]
fn InventoryRow(
    product: ProductStock,
    warehouses: Vec<WarehouseRef>,
    href: String,
) -> impl IntoView {
    let cells = warehouses
        .iter()
        .map(|w| {
            let level: Option<&StockLevel> = product.levels.iter().find(|l| l.warehouse.code == w.code);
            match level {
                Some(l) => {
                    let low = l.reorder_point > 0 && l.available <= l.reorder_point;
                    let detail = format!("{} / {} / {}", l.on_hand, l.allocated, l.reorder_point);
                    view! {
                        <td class="num level" class:low=low data-warehouse=w.code.clone()
                            data-on-hand=l.on_hand data-allocated=l.allocated data-available=l.available>
                            <strong>{l.available}</strong>
                            <br />
                            <small class="muted">{detail}</small>
                        </td>
                    }
                    .into_any()
                }
                None => view! { <td class="num muted" data-warehouse=w.code.clone()>"–"</td> }.into_any(),
            }
        })
        .collect_view();
    view! {
        <tr class="inventory-row" data-sku=product.sku.clone()>
            <td><a href=href class="sku">{product.sku.clone()}</a></td>
            <td>{product.name}</td>
            {cells}
            <td class="num total-available">{product.available}</td>
        </tr>
    }
}

#[component]
fn StockForms(warehouses: Vec<WarehouseRef>, sku: String, lang: Lang) -> impl IntoView {
    let options = move || {
        warehouses
            .iter()
            .map(|w| {
                let label = format!("{} {}", w.code, w.name);
                view! { <option value=w.code.clone()>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="two-col" id="stock-forms">
            <form method="post" action="/console/inventory/adjust" class="card stack" id="adjust-form">
                <h2>{lang.t(Key::AdjustStock)}</h2>
                <label>
                    {lang.t(Key::Sku)}
                    <input type="text" name="sku" id="adjust-sku" required maxlength="64" value=sku.clone() />
                </label>
                <label>
                    {lang.t(Key::Warehouse)}
                    <select name="warehouseCode" id="adjust-warehouse">{options()}</select>
                </label>
                <label>
                    {lang.t(Key::Delta)}
                    <input type="number" name="delta" id="adjust-delta" required step="1" />
                </label>
                <label>
                    {lang.t(Key::Reason)}
                    <input type="text" name="reason" id="adjust-reason" required maxlength="200" />
                </label>
                <button type="submit" id="adjust-submit">{lang.t(Key::AdjustStock)}</button>
            </form>
            <form method="post" action="/console/inventory/reorder" class="card stack" id="reorder-form">
                <h2>{lang.t(Key::ReorderPoint)}</h2>
                <label>
                    {lang.t(Key::Sku)}
                    <input type="text" name="sku" id="reorder-sku" required maxlength="64" value=sku />
                </label>
                <label>
                    {lang.t(Key::Warehouse)}
                    <select name="warehouseCode" id="reorder-warehouse">{options()}</select>
                </label>
                <label>
                    {lang.t(Key::ReorderPoint)}
                    <input type="number" name="reorderPoint" id="reorder-point" required min="0" step="1" />
                </label>
                <button type="submit" id="reorder-submit">{lang.t(Key::SetReorderPoint)}</button>
            </form>
        </div>
    }
}
