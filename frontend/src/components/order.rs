//! Pieces of an order shared by the customer's order page and the console's:
//! status badge, lines with totals, address, timeline, notices.

use crate::api::orders::{Actor, Address, Order, OrderEvent, OrderLine, Refusal};
use crate::i18n::{Key, Lang, action_key, event_key, order_error_key, role_key, status_key};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `2026-11-29T21:56:00+08:00` → `2026-11-29 21:56 UTC+8`: the time as
/// sent (the backend sends every time in the merchant's time zone, with
/// its offset), so the server and the browser render the same text.
pub fn format_time(rfc3339: &str) -> String {
    let Some((date, time)) = rfc3339.split_once('T') else {
        return rfc3339.to_owned();
    };
    let hm: String = time.chars().take(5).collect();
    match utc_offset(time) {
        Some(zone) => format!("{date} {hm} {zone}"),
        None => format!("{date} {hm}"),
    }
}

/// `…Z` → `UTC`, `…+08:00` → `UTC+8`, `…+05:30` → `UTC+5:30`; `None`
/// without an offset.
fn utc_offset(time: &str) -> Option<String> {
    if time.ends_with('Z') {
        return Some("UTC".into());
    }
    let (sign, rest) = time[time.rfind(['+', '-'])?..].split_at(1);
    let (h, m) = rest.split_once(':').unwrap_or((rest, "00"));
    Some(match (h.trim_start_matches('0'), m) {
        ("", "00") => "UTC".to_owned(),
        (h, "00") => format!("UTC{sign}{h}"),
        ("", m) => format!("UTC{sign}0:{m}"),
        (h, m) => format!("UTC{sign}{h}:{m}"),
    })
}

/// `s` with each `{name}` placeholder replaced.
fn fill(template: &str, params: &[(&str, &str)]) -> String {
    params.iter().fold(template.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// Who acted, as a person reads it: "You", "System", "Li Wei (Support)",
/// or just the team ("Customer service") where the name is not shown.
pub fn actor_label(lang: Lang, actor: &Actor) -> String {
    if actor.is_you {
        return lang.t(Key::ActorYou).to_owned();
    }
    let role = actor.role.as_deref().unwrap_or_default();
    match (actor.kind.as_str(), &actor.name) {
        ("SYSTEM", _) => lang.t(Key::ActorSystem).to_owned(),
        ("INTEGRATION", Some(name)) => fill(
            lang.t(Key::ActorNamed),
            &[("name", name), ("role", lang.t(Key::RoleIntegration))],
        ),
        (_, Some(name)) => fill(
            lang.t(Key::ActorNamed),
            &[("name", name), ("role", lang.t(role_key(role)))],
        ),
        ("INTEGRATION", None) => lang.t(Key::ActorIntegration).to_owned(),
        ("CUSTOMER", None) => lang.t(Key::ActorCustomer).to_owned(),
        (_, None) => lang
            .t(match role {
                "WAREHOUSE" => Key::ActorWarehouse,
                "FINANCE" => Key::ActorFinance,
                "ADMIN" => Key::ActorAdmin,
                _ => Key::ActorSupport,
            })
            .to_owned(),
    }
}

/// Why an action is refused, in the reader's language, with the action,
/// status and role names translated: "Start processing: not possible
/// while the order is “Awaiting payment”."
pub fn refusal_text(lang: Lang, r: &Refusal) -> String {
    let key = match r.code.as_str() {
        "WRONG_STATUS" => Key::RefusalWrongStatus,
        "SIGN_IN_REQUIRED" => Key::RefusalSignInRequired,
        "ROLE_NOT_ALLOWED" => Key::RefusalRoleNotAllowed,
        "ALREADY_IN_PREPARATION" => Key::RefusalAlreadyInPreparation,
        _ => Key::RefusalOther,
    };
    let role = r.role.as_deref().map_or("", |role| lang.t(role_key(role)));
    let reason = fill(
        lang.t(key),
        &[("status", lang.t(status_key(&r.status))), ("role", role)],
    );
    fill(
        lang.t(Key::RefusalLine),
        &[
            ("action", lang.t(action_key(&r.action))),
            ("reason", &reason),
        ],
    )
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
                    <span class="muted event-actor" data-kind=e.actor.kind.clone()>
                        {actor_label(lang, &e.actor)}
                    </span>
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
            // A refused order action names why (`reason=` and its
            // parameters): say exactly that, translated.
            let text = match q.get("reason").filter(|r| !r.is_empty()) {
                Some(reason) => refusal_text(
                    lang,
                    &Refusal {
                        code: reason,
                        status: q.get("status").unwrap_or_default(),
                        action: q.get("action").unwrap_or_default(),
                        role: q.get("role"),
                    },
                ),
                None => lang
                    .t(order_error_key(&code, q.get("field").as_deref()))
                    .to_owned(),
            };
            let skus = q.get("skus").filter(|s| !s.is_empty());
            Some(
                view! {
                    <p class="error" role="alert" id="form-error" data-code=code>
                        {text}
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
    use super::*;

    #[test]
    fn times_read_as_date_minutes_and_offset() {
        assert_eq!(
            format_time("2026-11-29T21:56:00+08:00"),
            "2026-11-29 21:56 UTC+8"
        );
        assert_eq!(
            format_time("2026-11-29T21:56:00.123456+08:00"),
            "2026-11-29 21:56 UTC+8"
        );
        assert_eq!(format_time("2026-11-25T18:00:00Z"), "2026-11-25 18:00 UTC");
        assert_eq!(
            format_time("2026-11-25T18:00:00+00:00"),
            "2026-11-25 18:00 UTC"
        );
        assert_eq!(
            format_time("2026-11-25T18:00:00-03:00"),
            "2026-11-25 18:00 UTC-3"
        );
        assert_eq!(
            format_time("2026-11-25T18:00:00+05:30"),
            "2026-11-25 18:00 UTC+5:30"
        );
        assert_eq!(
            format_time("2026-11-25T18:00:00-00:30"),
            "2026-11-25 18:00 UTC-0:30"
        );
        assert_eq!(format_time("2026-11-25T18:00:00"), "2026-11-25 18:00");
        assert_eq!(format_time("nonsense"), "nonsense");
    }

    fn actor(kind: &str, name: Option<&str>, role: Option<&str>, is_you: bool) -> Actor {
        Actor {
            kind: kind.into(),
            name: name.map(Into::into),
            role: role.map(Into::into),
            is_you,
        }
    }

    #[test]
    fn actors_read_as_people() {
        let (en, zh) = (Lang::En, Lang::Zh);
        let me = actor("CUSTOMER", Some("Ann"), Some("CUSTOMER"), true);
        assert_eq!(actor_label(en, &me), "You");
        assert_eq!(actor_label(zh, &me), "您");
        let li = actor("STAFF", Some("Li Wei"), Some("SUPPORT"), false);
        assert_eq!(actor_label(en, &li), "Li Wei (Support)");
        assert_eq!(actor_label(zh, &li), "Li Wei（客服）");
        let team = actor("STAFF", None, Some("SUPPORT"), false);
        assert_eq!(actor_label(en, &team), "Customer service");
        let key = actor("INTEGRATION", Some("Tmall sync"), None, false);
        assert_eq!(actor_label(en, &key), "Tmall sync (Integration)");
        let channel = actor("INTEGRATION", None, None, false);
        assert_eq!(actor_label(en, &channel), "Sales channel");
        assert_eq!(actor_label(zh, &actor("SYSTEM", None, None, false)), "系统");
    }

    #[test]
    fn refusals_name_status_and_action_in_the_reader_s_language() {
        let r = Refusal {
            code: "WRONG_STATUS".into(),
            status: "PENDING_PAYMENT".into(),
            action: "START_PROCESSING".into(),
            role: Some("WAREHOUSE".into()),
        };
        assert_eq!(
            refusal_text(Lang::En, &r),
            "Start processing: not possible while the order is “Awaiting payment”."
        );
        let zh = refusal_text(Lang::Zh, &r);
        assert_eq!(zh, "开始处理：订单状态为“待付款”时无法执行此操作。");
        let role = Refusal {
            code: "ROLE_NOT_ALLOWED".into(),
            ..r.clone()
        };
        assert_eq!(
            refusal_text(Lang::En, &role),
            "Start processing: your role (Warehouse) may not do this."
        );
        for code in [
            "WRONG_STATUS",
            "SIGN_IN_REQUIRED",
            "ROLE_NOT_ALLOWED",
            "ALREADY_IN_PREPARATION",
            "SOMETHING_NEW",
        ] {
            for lang in [Lang::En, Lang::Zh] {
                let text = refusal_text(
                    lang,
                    &Refusal {
                        code: code.into(),
                        ..r.clone()
                    },
                );
                assert!(!text.contains('{') && !text.contains('_'), "{text}");
            }
        }
    }
}
