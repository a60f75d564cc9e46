//! `/console/service`: the service desk's overview (support, warehouse,
//! finance, admin): one card per tab (change requests, returns, tickets,
//! reviews), each leading to its queue. The queues are the areas' own
//! pages; the tab bar links them all.

use crate::components::access::staff_gate;
use crate::components::service_desk::{DeskTab, DeskTabs};
use crate::i18n::{Key, t, use_lang};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn ServiceDeskPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    view! {
        <Title text=t(Key::ConsoleService) />
        <Meta name="description" content=t(Key::MetaServiceDesk) />
        <h1>{t(Key::ConsoleService)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{lang.t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                if let Some(denied) = staff_gate(lang, session, DeskTab::Overview.href()).await {
                    return denied;
                }
                let cards = DeskTab::ALL
                    .into_iter()
                    .filter(|tab| *tab != DeskTab::Overview)
                    .map(|tab| view! {
                        <li class="card console-section">
                            <h2><a href=tab.href()>{lang.t(tab.key())}</a></h2>
                        </li>
                    })
                    .collect_view();
                view! {
                    <DeskTabs active=DeskTab::Overview lang />
                    <section id="service-desk">
                        <p>{lang.t(Key::DeskIntro)}</p>
                        <ul class="console-grid">{cards}</ul>
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
