//! An order's shipments as its pages show them: where each ships from,
//! how, its carrier and tracking number, a progress bar of its method's
//! steps, its contents and tracking history (newest first), and for
//! PICKUP the pickup point and the customer's pickup code. Also the words
//! of the order timeline's ROUTED and SHIPMENT entries.
//!
//! Rendered from the order the page loaded, so it works with JavaScript
//! off and follows the order page's live refetch with JavaScript on.

use crate::api::fulfillment::{EventRouting, EventShipment, RoutingPart, Shipment};
use crate::api::orders::OrderLine;
use crate::components::order::format_time;
use crate::i18n::{Key, Lang, delivery_method_key, fill, routing_rule_key, shipment_status_key};
use crate::schema::{DeliveryMethod, ShipmentStatus};
use leptos::prelude::*;

/// The states a shipment of `method` passes through, in order.
pub fn steps(method: DeliveryMethod) -> &'static [ShipmentStatus] {
    use ShipmentStatus::*;
    match method {
        DeliveryMethod::Express | DeliveryMethod::Postal => &[
            Pending,
            Picking,
            Packed,
            Shipped,
            InTransit,
            OutForDelivery,
            Delivered,
        ],
        DeliveryMethod::Pickup => &[Pending, Picking, Packed, ReadyForPickup, PickedUp],
    }
}

/// A step of the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Done,
    /// Where the shipment is now (the last step, once reached, is done).
    Current,
    Todo,
}

impl StepState {
    fn class(self) -> &'static str {
        match self {
            StepState::Done => "step step-done",
            StepState::Current => "step step-current",
            StepState::Todo => "step step-todo",
        }
    }
}

/// Where a shipment stands on its method's steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub steps: Vec<(ShipmentStatus, StepState)>,
    /// A status off the steps (EXCEPTION, RETURNED_TO_SENDER, CANCELLED),
    /// shown flagged after the last step reached.
    pub flag: Option<ShipmentStatus>,
    /// Index of the last step reached (on a flagged shipment, as its
    /// tracking `history` tells), if any.
    pub reached: Option<usize>,
}

/// The progress of a shipment of `method` now at `status`, whose tracking
/// events reported `history` (in any order).
pub fn progress(
    method: DeliveryMethod,
    status: ShipmentStatus,
    history: &[ShipmentStatus],
) -> Progress {
    let all = steps(method);
    let at = |s: &ShipmentStatus| all.iter().position(|x| x == s);
    let (reached, flag) = match at(&status) {
        Some(i) => (Some(i), None),
        None => (history.iter().filter_map(at).max(), Some(status)),
    };
    let last = all.len() - 1;
    let steps = all
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let state = match reached {
                Some(r) if i < r || (i == r && (flag.is_some() || r == last)) => StepState::Done,
                Some(r) if i == r => StepState::Current,
                _ => StepState::Todo,
            };
            (s, state)
        })
        .collect();
    Progress {
        steps,
        flag,
        reached,
    }
}

/// `1250` grams → `1.25` (kilograms, trailing zeros dropped).
pub fn kilograms(grams: i64) -> String {
    let (sign, g) = if grams < 0 {
        ("-", -grams)
    } else {
        ("", grams)
    };
    let (whole, frac) = (g / 1000, g % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

fn skus(lang: Lang, part: &RoutingPart) -> String {
    part.skus.join(lang.t(Key::SkuSeparator))
}

fn routed_from(lang: Lang, part: &RoutingPart) -> String {
    fill(
        lang.t(Key::RoutedFrom),
        &[("skus", &skus(lang, part)), ("warehouse", &part.warehouse)],
    )
}

/// A ROUTED entry in the reader's language: "All 3 lines from SHA; CAN
/// lacks BAG-002 (rule: fewest parcels)", or "Split into 2 shipments: …".
pub fn routing_text(lang: Lang, r: &EventRouting) -> String {
    let main = match r.parts.as_slice() {
        [] => None,
        [one] if one.skus.len() > 1 => Some(fill(
            lang.t(Key::RoutedAll),
            &[
                ("count", &one.skus.len().to_string()),
                ("warehouse", &one.warehouse),
            ],
        )),
        [one] => Some(routed_from(lang, one)),
        parts => {
            let each: Vec<String> = parts.iter().map(|p| routed_from(lang, p)).collect();
            Some(fill(
                lang.t(Key::RoutedSplit),
                &[
                    ("count", &parts.len().to_string()),
                    ("parts", &each.join(lang.t(Key::ListSeparator))),
                ],
            ))
        }
    };
    let lacks = r.passed_over.iter().map(|p| {
        fill(
            lang.t(Key::RoutedLacks),
            &[("warehouse", &p.warehouse), ("skus", &skus(lang, p))],
        )
    });
    let routing: Vec<String> = main.into_iter().chain(lacks).collect();
    fill(
        lang.t(Key::RoutedLine),
        &[
            ("routing", &routing.join(lang.t(Key::ListSeparator))),
            ("rule", lang.t(routing_rule_key(r.rule))),
        ],
    )
}

/// A SHIPMENT entry in the reader's language: "Shipment SO-…-1 (SHA):
/// Handed to the carrier".
pub fn shipment_event_text(lang: Lang, s: &EventShipment) -> String {
    fill(
        lang.t(Key::EventShipmentLine),
        &[
            ("number", &s.number),
            ("warehouse", &s.warehouse),
            ("status", lang.t(shipment_status_key(s.status))),
        ],
    )
}

/// The translated shipment status, tagged for styling and tests.
#[component]
pub fn ShipmentStatusBadge(status: ShipmentStatus, lang: Lang) -> impl IntoView {
    let class = format!(
        "status shipment-status ship-status-{}",
        status.as_str().to_ascii_lowercase()
    );
    view! { <span class=class data-status=status.as_str()>{lang.t(shipment_status_key(status))}</span> }
}

/// The progress bar of one shipment.
#[component]
fn ProgressBar(shipment: Shipment, lang: Lang) -> impl IntoView {
    let history: Vec<ShipmentStatus> = shipment.events.iter().map(|e| e.status).collect();
    let p = progress(shipment.method, shipment.status, &history);
    let flag_item = p.flag.map(|f| {
        view! {
            <li class="step step-flagged" data-step=f.as_str() aria-current="step">
                {lang.t(shipment_status_key(f))}
            </li>
        }
    });
    let mut flag_item = flag_item.map(IntoAny::into_any);
    let mut items = Vec::new();
    if p.reached.is_none() {
        items.extend(flag_item.take());
    }
    for (i, (status, state)) in p.steps.iter().copied().enumerate() {
        let current = (state == StepState::Current
            || (p.flag.is_none() && state == StepState::Done && p.reached == Some(i)))
        .then_some("step");
        items.push(
            view! {
                <li class=state.class() data-step=status.as_str() aria-current=current>
                    {lang.t(shipment_status_key(status))}
                </li>
            }
            .into_any(),
        );
        if p.reached == Some(i) {
            items.extend(flag_item.take());
        }
    }
    let class = if p.flag.is_some() {
        "shipment-progress flagged"
    } else {
        "shipment-progress"
    };
    view! { <ol class=class aria-label=lang.t(Key::ShipmentProgress)>{items}</ol> }
}

/// One shipment; `console` links it to its page in the console.
#[component]
pub fn ShipmentView(
    shipment: Shipment,
    names: Vec<(String, String)>,
    lang: Lang,
    #[prop(optional)] console: bool,
) -> impl IntoView {
    let s = shipment;
    let text = fill(lang.t(Key::ShipmentHeading), &[("number", &s.number)]);
    let heading = if console {
        let href = format!("/console/shipments/{}", s.id);
        view! { <a href=href class="shipment-link">{text}</a> }.into_any()
    } else {
        text.into_any()
    };
    let fact = |key: Key, class: &'static str, text: Option<String>| {
        text.map(|t| view! { <dt>{lang.t(key)}</dt><dd class=class>{t}</dd> })
    };
    let tracking = s.tracking_number.clone().map(|n| {
        view! {
            <dt>{lang.t(Key::TrackingNumber)}</dt>
            <dd><span class="tracking-number">{n}</span></dd>
        }
    });
    let weight = s
        .weight_grams
        .map(|g| fill(lang.t(Key::WeightKg), &[("kg", &kilograms(g))]));
    let pickup = (s.method == DeliveryMethod::Pickup).then(|| {
        let point = s.pickup_point.clone().map(|p| {
            let region = (!p.region.is_empty()).then(|| format!(" ({})", p.region));
            view! {
                <p class="pickup-point" data-code=p.code>
                    {lang.t(Key::PickupPointLabel)} ": " <strong>{p.name}</strong> {region}
                </p>
            }
        });
        let code = s
            .pickup_code
            .clone()
            .filter(|_| !s.pickup_locked)
            .map(|code| {
                view! {
                    <div class="pickup-code-box">
                        <span>{lang.t(Key::PickupCode)}</span>
                        <strong class="pickup-code">{code}</strong>
                        <span class="pickup-code-hint">{lang.t(Key::PickupCodeHint)}</span>
                    </div>
                }
            });
        let locked = s.pickup_locked.then(|| {
            view! { <p class="error pickup-locked" role="alert">{lang.t(Key::PickupLocked)}</p> }
        });
        view! { <div class="pickup">{point} {code} {locked}</div> }
    });
    let lines = s
        .lines
        .iter()
        .map(|l| {
            let name = names
                .iter()
                .find(|(sku, _)| *sku == l.sku)
                .map(|(_, n)| n.clone());
            view! {
                <li class="shipment-line" data-sku=l.sku.clone() data-quantity=l.quantity>
                    {name.map(|n| view! { <span class="line-name">{n}</span> " " })}
                    <span class="sku">{l.sku.clone()}</span>
                    " × "
                    <span class="line-qty">{l.quantity}</span>
                </li>
            }
        })
        .collect_view();
    let events = s
        .events
        .iter()
        .rev()
        .map(|e| {
            view! {
                <li class="shipment-event" data-status=e.status.as_str() data-source=e.source.as_str()>
                    <time datetime=e.at.clone()>{format_time(&e.at)}</time>
                    " "
                    <strong class="event-status">{lang.t(shipment_status_key(e.status))}</strong>
                    " "
                    <span class="event-description">{e.description.clone()}</span>
                    {e.location.clone().filter(|l| !l.is_empty()).map(|l| view! {
                        " " <span class="muted event-location">{l}</span>
                    })}
                </li>
            }
        })
        .collect_view();
    let no_events = s
        .events
        .is_empty()
        .then(|| view! { <p class="muted">{lang.t(Key::NoTrackingEvents)}</p> });
    view! {
        <section
            class="shipment"
            data-shipment=s.number.clone()
            data-status=s.status.as_str()
            data-method=s.method.as_str()
        >
            <h3>
                <span class="shipment-number">{heading}</span>
                " "
                <ShipmentStatusBadge status=s.status lang />
            </h3>
            <ProgressBar shipment=s.clone() lang />
            {pickup}
            <dl class="facts shipment-facts">
                <dt>{lang.t(Key::ShipsFrom)}</dt>
                <dd class="shipment-warehouse">{s.warehouse.clone()}</dd>
                <dt>{lang.t(Key::ShippingMethod)}</dt>
                <dd class="shipment-method" data-method=s.method.as_str()>
                    {lang.t(delivery_method_key(s.method))}
                </dd>
                {fact(Key::Carrier, "carrier", s.carrier.clone())}
                {tracking}
                {fact(Key::ParcelWeight, "weight", weight)}
                {fact(Key::ShippedAt, "shipped-at", s.shipped_at.as_deref().map(format_time))}
                {fact(Key::DeliveredAt, "delivered-at", s.delivered_at.as_deref().map(format_time))}
            </dl>
            <h4>{lang.t(Key::ShipmentContents)}</h4>
            <ul class="plain-list shipment-lines">{lines}</ul>
            <h4>{lang.t(Key::TrackingHistory)}</h4>
            <ol class="shipment-events">{events}</ol>
            {no_events}
        </section>
    }
    .into_any()
}

/// The order's shipments (nothing until it has one), oldest first;
/// `console` links each to its page in the console.
#[component]
pub fn Shipments(
    shipments: Vec<Shipment>,
    lines: Vec<OrderLine>,
    lang: Lang,
    #[prop(optional)] console: bool,
) -> impl IntoView {
    let names: Vec<(String, String)> = lines.into_iter().map(|l| (l.sku, l.name)).collect();
    (!shipments.is_empty()).then(|| {
        let each = shipments
            .into_iter()
            .map(|shipment| view! { <ShipmentView shipment names=names.clone() lang console /> })
            .collect_view();
        view! {
            <section class="card shipments" id="order-shipments">
                <h2>{lang.t(Key::Shipments)}</h2>
                {each}
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::RoutingRule;
    use ShipmentStatus::*;
    use StepState::{Current, Done, Todo};

    fn states(p: &Progress) -> Vec<StepState> {
        p.steps.iter().map(|(_, s)| *s).collect()
    }

    #[test]
    fn carrier_and_pickup_methods_have_their_own_steps() {
        assert_eq!(steps(DeliveryMethod::Express).len(), 7);
        assert_eq!(
            steps(DeliveryMethod::Postal),
            steps(DeliveryMethod::Express)
        );
        assert_eq!(
            steps(DeliveryMethod::Pickup),
            &[Pending, Picking, Packed, ReadyForPickup, PickedUp]
        );
        assert!(!steps(DeliveryMethod::Pickup).contains(&Shipped));
    }

    #[test]
    fn progress_marks_what_is_done_current_and_to_come() {
        let p = progress(DeliveryMethod::Express, Shipped, &[]);
        assert_eq!(states(&p), [Done, Done, Done, Current, Todo, Todo, Todo]);
        assert_eq!((p.flag, p.reached), (None, Some(3)));
        let start = progress(DeliveryMethod::Pickup, Pending, &[]);
        assert_eq!(states(&start), [Current, Todo, Todo, Todo, Todo]);
        let done = progress(DeliveryMethod::Pickup, PickedUp, &[]);
        assert_eq!(states(&done), [Done; 5]);
        let delivered = progress(DeliveryMethod::Postal, Delivered, &[]);
        assert!(states(&delivered).iter().all(|s| *s == Done));
    }

    #[test]
    fn a_flagged_shipment_keeps_the_steps_its_history_reached() {
        let p = progress(
            DeliveryMethod::Express,
            Exception,
            &[Pending, Picking, Packed, Shipped, InTransit, Exception],
        );
        assert_eq!(p.flag, Some(Exception));
        assert_eq!(p.reached, Some(4));
        assert_eq!(states(&p), [Done, Done, Done, Done, Done, Todo, Todo]);
        let cancelled = progress(DeliveryMethod::Pickup, Cancelled, &[]);
        assert_eq!((cancelled.flag, cancelled.reached), (Some(Cancelled), None));
        assert!(states(&cancelled).iter().all(|s| *s == Todo));
        let returned = progress(
            DeliveryMethod::Postal,
            ReturnedToSender,
            &[Exception, Shipped],
        );
        assert_eq!(returned.reached, Some(3));
    }

    #[test]
    fn weights_read_in_kilograms() {
        assert_eq!(kilograms(1250), "1.25");
        assert_eq!(kilograms(1200), "1.2");
        assert_eq!(kilograms(2000), "2");
        assert_eq!(kilograms(5), "0.005");
        assert_eq!(kilograms(0), "0");
    }

    fn part(warehouse: &str, skus: &[&str]) -> RoutingPart {
        RoutingPart {
            warehouse: warehouse.into(),
            skus: skus.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn routing_entries_say_which_warehouse_ships_what() {
        let one = EventRouting {
            rule: RoutingRule::FewestShipments,
            parts: vec![part("SHA", &["AUD-001", "BAG-002", "TEA-003"])],
            passed_over: vec![part("CAN", &["BAG-002"])],
        };
        assert_eq!(
            routing_text(Lang::En, &one),
            "All 3 lines from SHA; CAN lacks BAG-002 (rule: fewest parcels)"
        );
        assert_eq!(
            routing_text(Lang::Zh, &one),
            "全部 3 种商品由 SHA 发货；CAN 缺货：BAG-002（规则：最少包裹）"
        );
        let split = EventRouting {
            rule: RoutingRule::NearestRegion,
            parts: vec![
                part("SHA", &["AUD-001", "BAG-002"]),
                part("CAN", &["TEA-003"]),
            ],
            passed_over: vec![],
        };
        assert_eq!(
            routing_text(Lang::En, &split),
            "Split into 2 shipments: AUD-001, BAG-002 from SHA; TEA-003 from CAN \
             (rule: nearest warehouse)"
        );
        let pickup = EventRouting {
            rule: RoutingRule::Pickup,
            parts: vec![part("PEK-PICKUP", &["AUD-001"])],
            passed_over: vec![],
        };
        assert_eq!(
            routing_text(Lang::En, &pickup),
            "AUD-001 from PEK-PICKUP (rule: chosen pickup point)"
        );
    }

    #[test]
    fn shipment_entries_name_the_shipment_and_its_status() {
        let s = EventShipment {
            number: "SO-2026-000123-1".into(),
            warehouse: "SHA".into(),
            status: InTransit,
        };
        assert_eq!(
            shipment_event_text(Lang::En, &s),
            "Shipment SO-2026-000123-1 (SHA): In transit"
        );
        assert_eq!(
            shipment_event_text(Lang::Zh, &s),
            "包裹 SO-2026-000123-1（SHA）：运输中"
        );
        for &status in ShipmentStatus::ALL {
            let text = shipment_event_text(
                Lang::Zh,
                &EventShipment {
                    status,
                    ..s.clone()
                },
            );
            assert!(!text.contains('{'), "{text}");
        }
    }
}
