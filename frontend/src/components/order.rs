//! Pieces of an order shared by the customer's order page and the console's:
//! status badge, lines with totals, address, timeline, notices.

use crate::api::orders::{Address, Order, OrderEvent, OrderLine};
use crate::i18n::{Key, Lang, action_key, event_key, order_error_key, status_key};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `2026-11-25T18:00:00Z` → `2026-11-25 18:00 UTC` (as sent, no conversion).
pub fn format_time(rfc3339: &str) -> String {
    match rfc3339.split_once('T') {
        Some((date, time)) => {
            let hm: String = time.chars().take(5).collect();
            let utc = time.ends_with('Z') || time.ends_with("+00:00");
            if utc {
                format!("{date} {hm} UTC")
            } else {
                format!("{date} {hm}")
            }
        }
        None => rfc3339.to_owned(),
    }
}

/// The translated status, tagged for styling and tests (`data-status`).
#[component]
pub fn StatusBadge(
    status: String,
    lang: Lang,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let class = format!("status status-{}", status.to_ascii_lowercase());
    view! {
        <span class=class id=id data-status=status.clone()>
            {lang.t(status_key(&status))}
        </span>
    }
}

/// The order's lines and totals.
#[component]
pub fn OrderLines(order: Order, lang: Lang) -> impl IntoView {
    let rows = order
        .lines
        .into_iter()
        .map(|line: OrderLine| {
            let data_sku = line.sku.clone();
            view! {
                <tr class="order-line" data-sku=data_sku>
                    <td>
                        <span class="line-name">{line.name}</span>
                        " "
                        <span class="sku">{line.sku}</span>
                    </td>
                    <td class="num">{line.unit_price.to_string()}</td>
                    <td class="num line-qty">{line.quantity}</td>
                    <td class="num">{line.line_total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lines" id="order-lines">
            <thead>
                <tr>
                    <th>{lang.t(Key::Product)}</th>
                    <th class="num">{lang.t(Key::UnitPrice)}</th>
                    <th class="num">{lang.t(Key::Quantity)}</th>
                    <th class="num">{lang.t(Key::LineTotal)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th colspan="3">{lang.t(Key::Subtotal)}</th>
                    <td class="num" id="order-subtotal">{order.subtotal.to_string()}</td>
                </tr>
                <tr>
                    <th colspan="3">
                        {lang.t(Key::ShippingFee)} " (" {order.shipping_method} ")"
                    </th>
                    <td class="num" id="order-shipping">{order.shipping_fee.to_string()}</td>
                </tr>
                <tr class="grand-total">
                    <th colspan="3">{lang.t(Key::Total)}</th>
                    <td class="num" id="order-total">{order.total.to_string()}</td>
                </tr>
            </tfoot>
        </table>
    }
}

/// A postal address, one part per line.
#[component]
pub fn AddressView(address: Address) -> impl IntoView {
    let city = [
        Some(address.postal_code),
        Some(address.city),
        address.region.filter(|r| !r.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <address class="address" id="shipping-address">
            <strong>{address.name}</strong>
            " "
            <span class="phone">{address.phone}</span>
            <br />
            {address.line1}
            {address.line2.filter(|l| !l.is_empty()).map(|l| view! { <br /> {l} })}
            <br />
            {city}
            <br />
            {address.country}
        </address>
    }
}

/// The order's events, oldest first.
#[component]
pub fn Timeline(events: Vec<OrderEvent>, lang: Lang) -> impl IntoView {
    let items = events
        .into_iter()
        .map(|e| {
            let change = match &e.from {
                Some(from) if from != &e.to => {
                    format!("{} → {}", lang.t(status_key(from)), lang.t(status_key(&e.to)))
                }
                _ => lang.t(status_key(&e.to)).to_owned(),
            };
            view! {
                <li class="order-event" data-type=e.kind.clone() data-to=e.to.clone()>
                    <time datetime=e.at.clone()>{format_time(&e.at)}</time>
                    " "
                    <strong class="event-type">{lang.t(event_key(&e.kind))}</strong>
                    " "
                    <span class="event-change">{change}</span>
                    " "
                    <span class="muted event-actor">{e.actor}</span>
                    {e.note.filter(|n| !n.is_empty()).map(|n| view! { <q class="event-note">{n}</q> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="timeline" id="order-timeline">
            {items}
        </ol>
    }
}

/// Translated `?error=CODE&field=..&skus=..` (from a form handler), or a
/// `?done=ACTION` confirmation, for pages that post order forms.
#[component]
pub fn FormNotice(lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("error").filter(|c| !c.is_empty()) {
            let key = order_error_key(&code, q.get("field").as_deref());
            let skus = q.get("skus").filter(|s| !s.is_empty());
            Some(
                view! {
                    <p class="error" role="alert" id="form-error" data-code=code>
                        {lang.t(key)}
                        {skus.map(|s| view! { " " <span class="skus">{s}</span> })}
                    </p>
                }
                .into_any(),
            )
        } else {
            q.get("done").filter(|a| !a.is_empty()).map(|action| {
                view! {
                    <p class="notice" role="status" id="form-done" data-action=action.clone()>
                        {lang.t(Key::ActionDone)} " " {lang.t(action_key(&action))}
                    </p>
                }
                .into_any()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn times_read_as_date_and_minutes() {
        assert_eq!(format_time("2026-11-25T18:00:00Z"), "2026-11-25 18:00 UTC");
        assert_eq!(
            format_time("2026-11-25T18:00:00.123+00:00"),
            "2026-11-25 18:00 UTC"
        );
        assert_eq!(format_time("2026-11-25T18:00:00+08:00"), "2026-11-25 18:00");
        assert_eq!(format_time("nonsense"), "nonsense");
    }
}
