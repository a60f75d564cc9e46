//! `/console`: the staff console's home: links to its sections (orders,
//! inventory, payments, shipments, pickup desk; the rest are placeholders
//! for now).
//! Staff roles see it; anonymous visitors get a sign-in prompt and other
//! roles a "not allowed" notice. The GraphQL API enforces the real rules.

use crate::i18n::{Key, role_key, t, use_lang};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `(id, title, page)`; sections without a page yet say "coming soon".
const SECTIONS: &[(&str, Key, Option<&str>)] = &[
    ("orders", Key::ConsoleOrders, Some("/console/orders")),
    (
        "inventory",
        Key::ConsoleInventory,
        Some("/console/inventory"),
    ),
    ("payments", Key::ConsolePayments, Some("/console/payments")),
    (
        "shipments",
        Key::ConsoleShipments,
        Some("/console/shipments"),
    ),
    ("pickup", Key::PageTitlePickupDesk, Some("/console/pickup")),
    ("service", Key::ConsoleService, Some("/console/service")),
    ("reports", Key::ConsoleReports, None),
];

#[component]
pub fn ConsolePage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();

    view! {
        <Title text=t(Key::PageTitleConsole) />
        <Meta name="description" content=t(Key::MetaConsole) />
        <h1>{t(Key::PageTitleConsole)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match session.0.await.ok().flatten() {
                    Some(user) if user.is_staff() => {
                        view! {
                            <section id="console" class="console" data-role=user.role.as_str()>
                                <p class="muted">
                                    {lang.t(Key::YourRole)} " " {lang.t(role_key(user.role))}
                                </p>
                                <p>{lang.t(Key::ConsoleIntro)}</p>
                                <ul class="console-grid">
                                    {SECTIONS
                                        .iter()
                                        .map(|(id, key, href)| {
                                            let body = match href {
                                                Some(href) => view! {
                                                    <h2><a href=*href>{lang.t(*key)}</a></h2>
                                                }
                                                    .into_any(),
                                                None => view! {
                                                    <h2>{lang.t(*key)}</h2>
                                                    <p class="muted">{lang.t(Key::ComingSoon)}</p>
                                                }
                                                    .into_any(),
                                            };
                                            view! {
                                                <li class="card console-section" id=format!("console-{id}")>
                                                    {body}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    Some(user) => {
                        view! {
                            <p class="error" role="alert" id="console-denied">
                                {lang.t(Key::ConsoleForbidden)}
                            </p>
                            <p class="muted">
                                {lang.t(Key::YourRole)} " " {lang.t(role_key(user.role))}
                            </p>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <p id="console-denied">{lang.t(Key::ConsoleSignIn)}</p>
                            <p>
                                <a href="/login?next=/console" class="button">
                                    {lang.t(Key::NavLogin)}
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
