//! One shipment in the console (staff): `/console/shipments/{id}` (header,
//! pick list, tracking history, and the action forms the caller may use
//! now, each posted to `backend/src/http/portal_forms/fulfillment.rs`),
//! and `/console/shipments/{id}/slip`, its printable packing slip (order
//! and shipment numbers, ship-to address, lines, a signature line; the
//! print style sheet hides everything else).

use crate::api::ApiError;
use crate::api::fulfillment::Shipment;
use crate::api::shipments_console::{self, PackingSlip, ShipmentPageData};
use crate::components::access::staff_gate;
use crate::components::order::{AddressView, format_time};
use crate::components::shipment_console::{
    PickList, ShipmentActions, ShipmentNotice, ShipmentStatusBadge, TrackingHistory, shipment_href,
    unlocks_pickups, works_shipments,
};
use crate::components::url_encode;
use crate::http_status::set_status;
use crate::i18n::{Key, Lang, delivery_method_key, t, use_lang};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// What a page shows when the shipment cannot be read: 404 for an
/// unknown (or malformed) id.
fn load_error(lang: Lang, err: ApiError) -> AnyView {
    match err {
        ApiError::NotFound | ApiError::InvalidInput { .. } => {
            set_status(404);
            view! {
                <p class="error" role="alert" id="shipment-not-found">{lang.t(Key::ShipmentNotFound)}</p>
            }
            .into_any()
        }
        err => view! { <p class="error" role="alert">{lang.t(err.key())}</p> }.into_any(),
    }
}

#[component]
pub fn ConsoleShipmentPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(move || id.get(), shipments_console::shipment_page);

    view! {
        <Title text=t(Key::PageTitleShipment) />
        <Meta name="description" content=t(Key::MetaShipment) />
        <p class="back"><a href="/console/shipments">{t(Key::BackToShipments)}</a></p>
        <ShipmentNotice lang />
        <Transition fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let next = shipment_href(&id.get_untracked());
                if let Some(denied) = staff_gate(lang, session, &next).await {
                    return denied;
                }
                let role = session.user().await.map(|u| u.role);
                let can_work = role.is_some_and(works_shipments);
                let can_unlock = role.is_some_and(unlocks_pickups);
                match data.await {
                    Ok(data) => view! { <ShipmentView data can_work can_unlock lang /> }.into_any(),
                    Err(err) => load_error(lang, err),
                }
            })}
        </Transition>
    }
}

/// The facts every view of a shipment starts with (`<dt>`/`<dd>` pairs).
fn facts(s: &Shipment, lang: Lang) -> impl IntoView + use<> {
    let order_href = format!("/console/orders/{}", url_encode(&s.order_number));
    let time = |at: &Option<String>, key: Key, id: &'static str| {
        at.clone().map(|at| {
            view! {
                <dt>{lang.t(key)}</dt>
                <dd id=id><time datetime=at.clone()>{format_time(&at)}</time></dd>
            }
        })
    };
    view! {
        <dt>{lang.t(Key::OrderNumber)}</dt>
        <dd><a href=order_href id="shipment-order">{s.order_number.clone()}</a></dd>
        <dt>{lang.t(Key::Warehouse)}</dt>
        <dd id="shipment-warehouse">{s.warehouse.clone()}</dd>
        <dt>{lang.t(Key::ShippingMethod)}</dt>
        <dd id="shipment-method" data-method=s.method.as_str()>{lang.t(delivery_method_key(s.method))}</dd>
        {s.pickup_point.clone().map(|p| view! {
            <dt>{lang.t(Key::PickupPointLabel)}</dt>
            <dd id="shipment-pickup-point">{p.name} " (" {p.code} ", " {p.region} ")"</dd>
        })}
        {s.carrier.clone().map(|c| view! {
            <dt>{lang.t(Key::Carrier)}</dt><dd id="shipment-carrier">{c}</dd>
        })}
        {s.tracking_number.clone().map(|n| view! {
            <dt>{lang.t(Key::TrackingNumber)}</dt><dd id="shipment-tracking">{n}</dd>
        })}
        {s.weight_grams.map(|w| view! {
            <dt>{lang.t(Key::WeightGrams)}</dt><dd id="shipment-weight">{w}</dd>
        })}
        <dt>{lang.t(Key::CreatedAt)}</dt>
        <dd><time datetime=s.created_at.clone()>{format_time(&s.created_at)}</time></dd>
        {time(&s.shipped_at, Key::ShippedAt, "shipment-shipped-at")}
        {time(&s.delivered_at, Key::DeliveredAt, "shipment-delivered-at")}
    }
}

#[component]
fn ShipmentView(
    data: ShipmentPageData,
    can_work: bool,
    can_unlock: bool,
    lang: Lang,
) -> impl IntoView {
    let s = data.shipment;
    let slip = format!("{}/slip", shipment_href(&s.id));
    view! {
        <article class="shipment-page" id="shipment" data-id=s.id.clone() data-number=s.number.clone()
            data-status=s.status.as_str() data-method=s.method.as_str() data-warehouse=s.warehouse.clone()
            data-locked=s.pickup_locked.to_string()>
            <h1>{lang.t(Key::PageTitleShipment)} " " <span id="shipment-number">{s.number.clone()}</span></h1>
            <dl class="facts">
                <dt>{lang.t(Key::Status)}</dt>
                <dd>
                    <ShipmentStatusBadge status=s.status lang id="shipment-status" />
                    {s.pickup_locked.then(|| view! {
                        " " <span class="error-text" id="pickup-locked">{lang.t(Key::PickupLockedNote)}</span>
                    })}
                </dd>
                {facts(&s, lang)}
            </dl>
            <p><a href=slip class="button secondary" id="slip-link">{lang.t(Key::PageTitlePackingSlip)}</a></p>
            <ShipmentActions shipment=s.clone() warehouses=data.warehouses can_unlock can_work lang />
            <section class="card">
                <h2>{lang.t(Key::PickList)}</h2>
                <PickList lines=s.lines.clone() lang id="pick-list" />
            </section>
            <section class="card">
                <h2>{lang.t(Key::TrackingHistory)}</h2>
                <TrackingHistory events=s.events.clone() lang />
            </section>
        </article>
    }
}

#[component]
pub fn PackingSlipPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let slip = Resource::new(move || id.get(), shipments_console::packing_slip);

    view! {
        <Title text=t(Key::PageTitlePackingSlip) />
        <Meta name="description" content=t(Key::MetaPackingSlip) />
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                let next = format!("{}/slip", shipment_href(&id.get_untracked()));
                if let Some(denied) = staff_gate(lang, session, &next).await {
                    return denied;
                }
                match slip.await {
                    Ok(slip) => view! { <SlipView slip lang /> }.into_any(),
                    Err(err) => load_error(lang, err),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SlipView(slip: PackingSlip, lang: Lang) -> impl IntoView {
    let s = slip.shipment;
    let back = format!("{} {}", lang.t(Key::PageTitleShipment), s.number);
    let ship_to = match (&slip.order, &s.pickup_point) {
        (_, Some(p)) => view! {
            <h2>{lang.t(Key::PickupPointLabel)}</h2>
            <p id="slip-pickup-point">{p.name.clone()} " (" {p.code.clone()} ")"</p>
            {slip.order.clone().map(|o| view! {
                <p id="slip-customer">{o.shipping_address.name} " " {o.shipping_address.phone}</p>
            })}
        }
        .into_any(),
        (Some(o), None) => view! {
            <h2>{lang.t(Key::ShippingAddress)}</h2>
            <AddressView address=o.shipping_address.clone() />
        }
        .into_any(),
        (None, None) => ().into_any(),
    };
    view! {
        <p class="back no-print"><a href=shipment_href(&s.id)>{back}</a></p>
        <p class="muted no-print" id="print-hint">{lang.t(Key::PrintHint)}</p>
        <article class="packing-slip card" id="packing-slip" data-number=s.number.clone()
            data-order=s.order_number.clone()>
            <h1>{lang.t(Key::PageTitlePackingSlip)}</h1>
            <dl class="facts">
                <dt>{lang.t(Key::OrderNumber)}</dt>
                <dd id="slip-order">{s.order_number.clone()}</dd>
                <dt>{lang.t(Key::ShipmentNumber)}</dt>
                <dd id="slip-shipment">{s.number.clone()}</dd>
                <dt>{lang.t(Key::Warehouse)}</dt>
                <dd>{s.warehouse.clone()}</dd>
                <dt>{lang.t(Key::ShippingMethod)}</dt>
                <dd>{lang.t(delivery_method_key(s.method))}</dd>
                {slip.order.as_ref().map(|o| view! {
                    <dt>{lang.t(Key::PlacedAt)}</dt>
                    <dd><time datetime=o.placed_at.clone()>{format_time(&o.placed_at)}</time></dd>
                })}
                {s.tracking_number.clone().map(|n| view! {
                    <dt>{lang.t(Key::TrackingNumber)}</dt>
                    <dd>{s.carrier.clone().unwrap_or_default()} " " {n}</dd>
                })}
            </dl>
            <section class="slip-ship-to">{ship_to}</section>
            <PickList lines=s.lines.clone() lang id="slip-lines" />
            <div class="signature">
                <div class="signature-line">{lang.t(Key::SlipSignature)}</div>
                <div class="signature-line">{lang.t(Key::SlipDate)}</div>
            </div>
        </article>
    }
}
