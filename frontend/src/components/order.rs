//! Pieces of an order shared by the customer's order page and the console's:
//! status badge, lines with totals, address, timeline, notices.

use crate::api::orders::{Actor, Address, Order, OrderEvent, OrderLine, Refusal};
use crate::components::shipment::{routing_text, shipment_event_text};
use crate::i18n::{
    Key, Lang, action_key, done_key, event_key, fill, method_key, order_error_key,
    payment_error_key, payment_event_kind_key, payment_event_status_key, reason_key, refusal_key,
    role_key, shipping_key, status_key, team_key,
};
use crate::schema::{ActorKind, OrderAction, OrderStatus, RefusalCode, Role};
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

/// Who acted, as a person reads it: "You", "System", "Li Wei (Support)",
/// or just the team ("Customer service") where the name is not shown.
pub fn actor_label(lang: Lang, actor: &Actor) -> String {
    if actor.is_you {
        return lang.t(Key::ActorYou).to_owned();
    }
    let role = match actor.kind {
        ActorKind::Integration => Some(Role::Integration),
        ActorKind::Customer | ActorKind::Staff | ActorKind::System => actor.role,
    };
    match (actor.kind, &actor.name, role) {
        (ActorKind::System, _, _) | (_, None, _) => lang.t(team_key(actor.kind, role)).to_owned(),
        (_, Some(name), Some(role)) => fill(
            lang.t(Key::ActorNamed),
            &[("name", name), ("role", lang.t(role_key(role)))],
        ),
        (_, Some(name), None) => name.clone(),
    }
}

/// Why an action is refused, in the reader's language, with the action,
/// status and role names translated: "Start processing: not possible
/// while the order is “Awaiting payment”."
pub fn refusal_text(lang: Lang, r: &Refusal) -> String {
    let role = r.role.map_or("", |role| lang.t(role_key(role)));
    let reason = fill(
        lang.t(refusal_key(r.code)),
        &[("status", lang.t(status_key(r.status))), ("role", role)],
    );
    fill(
        lang.t(Key::RefusalLine),
        &[
            ("action", lang.t(action_key(r.action))),
            ("reason", &reason),
        ],
    )
}

/// A refusal as a form handler sends it back (`?reason=CODE&status=..&
/// action=..&role=..`), if it names one.
fn refusal_from_query(
    reason: Option<String>,
    status: Option<String>,
    action: Option<String>,
    role: Option<String>,
) -> Option<Refusal> {
    Some(Refusal {
        code: RefusalCode::parse(&reason?)?,
        status: OrderStatus::parse(&status?)?,
        action: OrderAction::parse(&action?)?,
        role: role.as_deref().and_then(Role::parse),
    })
}

/// The translated status, tagged for styling and tests (`data-status`).
#[component]
pub fn StatusBadge(
    status: OrderStatus,
    lang: Lang,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let class = format!("status status-{}", status.as_str().to_ascii_lowercase());
    view! {
        <span class=class id=id data-status=status.as_str()>
            {lang.t(status_key(status))}
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
                        {lang.t(Key::ShippingFee)} " ("
                        <span id="order-shipping-method" data-method=order.shipping_method.clone()>
                            {lang.t(shipping_key(&order.shipping_method))}
                        </span>
                        ")"
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

/// What a timeline entry says: a money movement or a system reason in the
/// reader's language, else the note people wrote.
fn event_text(lang: Lang, e: &OrderEvent) -> Option<AnyView> {
    if let Some(r) = &e.routing {
        let text = routing_text(lang, r);
        return Some(
            view! { <q class="event-note event-routing" data-rule=r.rule.as_str()>{text}</q> }
                .into_any(),
        );
    }
    if let Some(s) = &e.shipment {
        let text = shipment_event_text(lang, s);
        return Some(
            view! {
                <q class="event-note event-shipment" data-shipment=s.number.clone() data-status=s.status.as_str()>
                    {text}
                </q>
            }
            .into_any(),
        );
    }
    if let Some(p) = &e.payment {
        let amount = p.amount.to_string();
        let line = fill(
            lang.t(Key::EventPaymentLine),
            &[
                ("method", lang.t(method_key(p.method))),
                ("kind", lang.t(payment_event_kind_key(p.kind))),
                ("status", lang.t(payment_event_status_key(p.status))),
                ("amount", &amount),
            ],
        );
        return Some(view! { <q class="event-note event-payment">{line}</q> }.into_any());
    }
    if let Some(r) = e.reason {
        return Some(
            view! { <q class="event-note event-reason" data-reason=r.as_str()>{lang.t(reason_key(r))}</q> }
                .into_any(),
        );
    }
    e.note
        .clone()
        .filter(|n| !n.is_empty())
        .map(|n| view! { <q class="event-note">{n}</q> }.into_any())
}

/// The order's events, oldest first.
#[component]
pub fn Timeline(events: Vec<OrderEvent>, lang: Lang) -> impl IntoView {
    let items = events
        .into_iter()
        .map(|e| {
            let change = match e.from {
                Some(from) if from != e.to => {
                    format!(
                        "{} → {}",
                        lang.t(status_key(from)),
                        lang.t(status_key(e.to))
                    )
                }
                _ => lang.t(status_key(e.to)).to_owned(),
            };
            view! {
                <li class="order-event" data-type=e.kind.as_str() data-to=e.to.as_str()>
                    <time datetime=e.at.clone()>{format_time(&e.at)}</time>
                    " "
                    <strong class="event-type">{lang.t(event_key(e.kind))}</strong>
                    " "
                    <span class="event-change">{change}</span>
                    " "
                    <span class="muted event-actor" data-kind=e.actor.kind.as_str()>
                        {actor_label(lang, &e.actor)}
                    </span>
                    {event_text(lang, &e)}
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
            let refusal = refusal_from_query(
                q.get("reason"),
                q.get("status"),
                q.get("action"),
                q.get("role"),
            );
            let field = q.get("field");
            let text = match refusal {
                Some(refusal) => refusal_text(lang, &refusal),
                // A payment form's errors have their own words.
                None if q.get("form").as_deref() == Some("payment") => lang
                    .t(payment_error_key(&code, field.as_deref()))
                    .to_owned(),
                None => lang.t(order_error_key(&code, field.as_deref())).to_owned(),
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
                        {lang.t(Key::ActionDone)} " " {lang.t(done_key(&action))}
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

    fn actor(kind: ActorKind, name: Option<&str>, role: Option<Role>, is_you: bool) -> Actor {
        Actor {
            kind,
            name: name.map(Into::into),
            role,
            is_you,
        }
    }

    #[test]
    fn actors_read_as_people() {
        use ActorKind::{Customer, Integration, Staff, System};
        let (en, zh) = (Lang::En, Lang::Zh);
        let me = actor(Customer, Some("Ann"), Some(Role::Customer), true);
        assert_eq!(actor_label(en, &me), "You");
        assert_eq!(actor_label(zh, &me), "您");
        let li = actor(Staff, Some("Li Wei"), Some(Role::Support), false);
        assert_eq!(actor_label(en, &li), "Li Wei (Support)");
        assert_eq!(actor_label(zh, &li), "Li Wei（客服）");
        let team = actor(Staff, None, Some(Role::Support), false);
        assert_eq!(actor_label(en, &team), "Customer service");
        let store = actor(Staff, None, Some(Role::Admin), false);
        assert_eq!(actor_label(en, &store), "Store management");
        let key = actor(Integration, Some("Tmall sync"), None, false);
        assert_eq!(actor_label(en, &key), "Tmall sync (Integration)");
        let channel = actor(Integration, None, None, false);
        assert_eq!(actor_label(en, &channel), "Sales channel");
        let buyer = actor(Customer, None, Some(Role::Customer), false);
        assert_eq!(actor_label(en, &buyer), "Customer");
        assert_eq!(actor_label(zh, &actor(System, None, None, false)), "系统");
        assert_eq!(
            actor_label(en, &actor(System, Some("seed"), None, false)),
            "System"
        );
    }

    #[test]
    fn refusals_name_status_and_action_in_the_reader_s_language() {
        let r = Refusal {
            code: RefusalCode::WrongStatus,
            status: OrderStatus::PendingPayment,
            action: OrderAction::StartProcessing,
            role: Some(Role::Warehouse),
        };
        assert_eq!(
            refusal_text(Lang::En, &r),
            "Start processing: not possible while the order is “Awaiting payment”."
        );
        let zh = refusal_text(Lang::Zh, &r);
        assert_eq!(zh, "开始处理：订单状态为“待付款”时无法执行此操作。");
        let role = Refusal {
            code: RefusalCode::RoleNotAllowed,
            ..r.clone()
        };
        assert_eq!(
            refusal_text(Lang::En, &role),
            "Start processing: your role (Warehouse) may not do this."
        );
        for &code in RefusalCode::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let text = refusal_text(lang, &Refusal { code, ..r.clone() });
                assert!(!text.contains('{') && !text.contains('_'), "{text}");
            }
        }
    }

    #[test]
    fn a_refusal_comes_back_from_the_query_only_when_every_code_is_known() {
        let some = |s: &str| Some(s.to_owned());
        let r = refusal_from_query(
            some("ROLE_NOT_ALLOWED"),
            some("CONFIRMED"),
            some("SHIP_ALL"),
            some("SUPPORT"),
        );
        assert_eq!(
            r.map(|r| (r.code, r.status, r.action, r.role)),
            Some((
                RefusalCode::RoleNotAllowed,
                OrderStatus::Confirmed,
                OrderAction::ShipAll,
                Some(Role::Support)
            ))
        );
        let unknown =
            refusal_from_query(some("MYSTERY"), some("CONFIRMED"), some("SHIP_ALL"), None);
        assert_eq!(unknown, None);
    }
}
