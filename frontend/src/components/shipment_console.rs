//! The console's shipment widgets: status badge, pick list, tracking
//! history, the notice a shipment form comes back with, and the action
//! forms. Every action is a plain `<form method="post">` to
//! `/console/shipments/{id}/{pick|pack|ship|ready|handover|unlock|move|track}`
//! (`backend/src/http/portal_forms/fulfillment.rs`), so the console works
//! with JavaScript off; which forms show follows the shipment's
//! `availableTransitions` (the API checks every rule again).

use crate::api::fulfillment::{Shipment, ShipmentLine, TrackingEvent};
use crate::api::orders::WarehouseRef;
use crate::api::shipments_console::lines_summary;
use crate::components::order::format_time;
use crate::components::url_encode;
use crate::i18n::{
    Key, Lang, TRACKABLE, shipment_done_key, shipment_error_text, shipment_status_key,
    tracking_source_key,
};
use crate::schema::{Role, ShipmentAction, ShipmentStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Carriers offered as suggestions in the ship form (any code is accepted).
const CARRIERS: &[&str] = &["SANDBOX", "SF", "YTO", "ZTO", "EMS", "JD"];

/// Who moves shipments: warehouse staff and admins (the API checks it again).
pub fn works_shipments(role: Role) -> bool {
    matches!(role, Role::Warehouse | Role::Admin)
}

/// Who unlocks a pickup locked by wrong codes: support and admins.
pub fn unlocks_pickups(role: Role) -> bool {
    matches!(role, Role::Support | Role::Admin)
}

/// The console's address of a shipment (`/console/shipments/{id}`).
pub fn shipment_href(id: &str) -> String {
    format!("/console/shipments/{}", url_encode(id))
}

/// The translated status, tagged for styling and tests (`data-status`).
#[component]
pub fn ShipmentStatusBadge(
    status: ShipmentStatus,
    lang: Lang,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let class = format!(
        "status ship-status ship-status-{}",
        status.as_str().to_ascii_lowercase()
    );
    view! {
        <span class=class id=id data-status=status.as_str()>
            {lang.t(shipment_status_key(status))}
        </span>
    }
}

/// The pick list: SKU, quantity and an empty box to tick on paper.
#[component]
pub fn PickList(lines: Vec<ShipmentLine>, lang: Lang, #[prop(into)] id: String) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            let data_sku = l.sku.clone();
            view! {
                <tr class="pick-line" data-sku=data_sku data-quantity=l.quantity>
                    <td class="check"><span class="tick-box" aria-hidden="true"></span></td>
                    <td class="sku">{l.sku}</td>
                    <td class="num">{l.quantity}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lines pick-list" id=id>
            <thead>
                <tr>
                    <th class="check">{lang.t(Key::PickedColumn)}</th>
                    <th>{lang.t(Key::Sku)}</th>
                    <th class="num">{lang.t(Key::Quantity)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The tracking history, oldest first.
#[component]
pub fn TrackingHistory(events: Vec<TrackingEvent>, lang: Lang) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="muted" id="tracking-empty">{lang.t(Key::NoTrackingEvents)}</p> }
            .into_any();
    }
    let rows = events
        .into_iter()
        .map(|e| {
            view! {
                <tr class="tracking-event" data-status=e.status.as_str() data-source=e.source.as_str()>
                    <td><time datetime=e.at.clone()>{format_time(&e.at)}</time></td>
                    <td><ShipmentStatusBadge status=e.status lang /></td>
                    <td>{e.description}</td>
                    <td>{e.location.unwrap_or_default()}</td>
                    <td class="muted">{lang.t(tracking_source_key(e.source))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="lines" id="tracking-history">
                <thead>
                    <tr>
                        <th>{lang.t(Key::LedgerTime)}</th>
                        <th>{lang.t(Key::Status)}</th>
                        <th>{lang.t(Key::EventDescription)}</th>
                        <th>{lang.t(Key::EventLocation)}</th>
                        <th>{lang.t(Key::LedgerBy)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Translated `?error=CODE[&field=..][&attemptsLeft=N]` or `?done=..`
/// from a shipment form (`&shipment=NUMBER` names the parcel when the
/// form was posted from a list).
#[component]
pub fn ShipmentNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        let number = q.get("shipment").filter(|n| !n.is_empty());
        let number = number.map(|n| view! { " " <span class="shipment-number">{n}</span> });
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let text = shipment_error_text(
                lang,
                &code,
                q.get("field").as_deref(),
                q.get("attemptsLeft").as_deref(),
            );
            Some(
                view! {
                    <p class="error" role="alert" id="form-error" data-code=code>{text} {number}</p>
                }
                .into_any(),
            )
        } else {
            let done = q.get("done").filter(|d| !d.is_empty())?;
            let text = lang.t(shipment_done_key(&done).unwrap_or(Key::ActionOther));
            Some(
                view! {
                    <p class="notice" role="status" id="form-done" data-action=done>
                        {lang.t(Key::ActionDone)} " " {text} {number}
                    </p>
                }
                .into_any(),
            )
        }
    }
}

/// One action form: `POST {base}/{path}`, `id="form-{path}"`.
fn action_form(base: &str, path: &str, title: Key, lang: Lang, body: AnyView) -> AnyView {
    view! {
        <form method="post" action=format!("{base}/{path}") class="card stack shipment-form"
            id=format!("form-{path}")>
            <h3>{lang.t(title)}</h3>
            {body}
            <button type="submit" id=format!("{path}-submit")>{lang.t(title)}</button>
        </form>
    }
    .into_any()
}

/// The ship form's lines: each SKU with the units to ship now (all by
/// default; fewer ships part and keeps the rest packed).
fn ship_lines(lines: &[ShipmentLine], lang: Lang) -> AnyView {
    let rows = lines
        .iter()
        .map(|l| {
            let label = format!("{} {}", lang.t(Key::QuantityToShip), l.sku);
            view! {
                <tr class="ship-line" data-sku=l.sku.clone()>
                    <td class="sku">
                        {l.sku.clone()}
                        <input type="hidden" name="sku" value=l.sku.clone() />
                        <input type="hidden" name="held" value=l.quantity />
                    </td>
                    <td class="num">{l.quantity}</td>
                    <td class="num">
                        <input type="number" name="quantity" class="qty" min="0" max=l.quantity
                            step="1" required value=l.quantity aria-label=label />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lines ship-lines">
            <thead>
                <tr>
                    <th>{lang.t(Key::Sku)}</th>
                    <th class="num">{lang.t(Key::Quantity)}</th>
                    <th class="num">{lang.t(Key::QuantityToShip)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="muted hint-line">{lang.t(Key::ShipSubsetHint)}</p>
    }
    .into_any()
}

/// The forms the caller may use on this shipment now.
#[component]
pub fn ShipmentActions(
    shipment: Shipment,
    warehouses: Vec<WarehouseRef>,
    /// Support and admins may unlock a pickup locked by wrong codes.
    can_unlock: bool,
    /// Warehouse staff and admins move shipments.
    can_work: bool,
    lang: Lang,
) -> impl IntoView {
    let base = shipment_href(&shipment.id);
    let s = &shipment;
    let mut forms: Vec<AnyView> = Vec::new();
    if s.can(ShipmentAction::StartPicking) {
        let body =
            view! { <p class="muted">{lang.t(Key::PickList)} ": " {lines_summary(&s.lines)}</p> }
                .into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::StartPicking),
            Key::ShipActionStartPicking,
            lang,
            body,
        ));
    }
    if s.can(ShipmentAction::Pack) {
        let weight = s.weight_grams.map(|w| w.to_string()).unwrap_or_default();
        let body = view! {
            <label>
                {lang.t(Key::WeightGrams)}
                <input type="number" name="weightGrams" id="pack-weight" min="1" max="1000000"
                    step="1" required value=weight inputmode="numeric" />
            </label>
        }
        .into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::Pack),
            Key::ShipActionPack,
            lang,
            body,
        ));
    }
    if s.can(ShipmentAction::Ship) {
        let carriers = CARRIERS
            .iter()
            .map(|c| view! { <option value=*c></option> })
            .collect_view();
        let body = view! {
            <label>
                {lang.t(Key::Carrier)}
                <input type="text" name="carrier" id="ship-carrier" required maxlength="32"
                    value="SANDBOX" list="carrier-codes" autocomplete="off" />
            </label>
            <datalist id="carrier-codes">{carriers}</datalist>
            <p class="muted hint-line">{lang.t(Key::SandboxCarrierHint)}</p>
            <label>
                {lang.t(Key::TrackingNumber)}
                <input type="text" name="trackingNumber" id="ship-tracking" required maxlength="64"
                    autocomplete="off" />
            </label>
            {ship_lines(&s.lines, lang)}
        }
        .into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::Ship),
            Key::ShipActionShip,
            lang,
            body,
        ));
    }
    if s.can(ShipmentAction::MarkReady) {
        let at = s
            .pickup_point
            .as_ref()
            .map(|p| format!("{} ({})", p.name, p.code));
        let body =
            view! { <p class="muted">{at.unwrap_or_else(|| s.warehouse.clone())}</p> }.into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::MarkReady),
            Key::ShipActionMarkReady,
            lang,
            body,
        ));
    }
    if s.can(ShipmentAction::HandOver) && !s.pickup_locked {
        let body = view! {
            <label>
                {lang.t(Key::PickupCode)}
                <input type="text" name="pickupCode" id="handover-code" required maxlength="32"
                    autocomplete="off" inputmode="numeric" />
            </label>
        }
        .into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::HandOver),
            Key::ShipActionHandOver,
            lang,
            body,
        ));
    }
    if s.pickup_locked && can_unlock {
        let body = view! { <p class="muted">{lang.t(Key::UnlockPickupHint)}</p> }.into_any();
        forms.push(action_form(&base, "unlock", Key::UnlockPickup, lang, body));
    }
    if s.can(ShipmentAction::RecordTrackingEvent) {
        let options = TRACKABLE
            .iter()
            .map(|&st| view! { <option value=st.as_str()>{lang.t(shipment_status_key(st))}</option> })
            .collect_view();
        let body = view! {
            <label>
                {lang.t(Key::Status)}
                <select name="status" id="track-status" required>{options}</select>
            </label>
            <label>
                {lang.t(Key::EventDescription)}
                <input type="text" name="description" id="track-description" required maxlength="500" />
            </label>
            <label>
                {lang.t(Key::LocationOptional)}
                <input type="text" name="location" id="track-location" maxlength="200" />
            </label>
        }
        .into_any();
        forms.push(action_form(
            &base,
            action_path(ShipmentAction::RecordTrackingEvent),
            Key::ShipActionRecordTrackingEvent,
            lang,
            body,
        ));
    }
    let targets: Vec<WarehouseRef> = warehouses
        .into_iter()
        .filter(|w| w.code != s.warehouse)
        .collect();
    if s.can_move() && !targets.is_empty() {
        let options = targets
            .into_iter()
            .map(|w| {
                let label = format!("{} {}", w.code, w.name);
                view! { <option value=w.code>{label}</option> }
            })
            .collect_view();
        let body = view! {
            <label>
                {lang.t(Key::Warehouse)}
                <select name="warehouseCode" id="move-warehouse" required>{options}</select>
            </label>
        }
        .into_any();
        forms.push(action_form(&base, "move", Key::MoveShipment, lang, body));
    }
    let none = forms.is_empty();
    view! {
        <section id="shipment-actions" class="shipment-actions">
            <h2>{lang.t(Key::StaffActions)}</h2>
            {none.then(|| view! { <p class="muted" id="no-shipment-actions">{lang.t(Key::NoActions)}</p> })}
            {(!can_work).then(|| view! { <p class="muted" id="shipments-view-only">{lang.t(Key::ShipmentsViewOnly)}</p> })}
            <div class="two-col">{forms}</div>
        </section>
    }
}

/// The path segment each staff action's form posts to.
pub fn action_path(action: ShipmentAction) -> &'static str {
    match action {
        ShipmentAction::StartPicking => "pick",
        ShipmentAction::Pack => "pack",
        ShipmentAction::Ship => "ship",
        ShipmentAction::MarkReady => "ready",
        ShipmentAction::HandOver => "handover",
        ShipmentAction::RecordTrackingEvent => "track",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_posts_to_its_own_path() {
        let paths: std::collections::HashSet<&str> = ShipmentAction::ALL
            .iter()
            .map(|a| action_path(*a))
            .collect();
        assert_eq!(paths.len(), ShipmentAction::ALL.len());
        assert_eq!(shipment_href("a b"), "/console/shipments/a%20b");
        assert!(works_shipments(Role::Warehouse) && works_shipments(Role::Admin));
        assert!(!works_shipments(Role::Support) && !works_shipments(Role::Finance));
        assert!(unlocks_pickups(Role::Support) && !unlocks_pickups(Role::Warehouse));
    }
}
