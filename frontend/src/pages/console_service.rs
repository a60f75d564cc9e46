//! `/console/service`: the service desk's overview (support, warehouse,
//! finance, admin): one card per tab (change requests, returns, tickets,
//! reviews), each with how much waits for staff there (left out for a
//! queue the caller's role may not read) and leading to its queue. The
//! queues are the areas' own pages; the tab bar links them all.

use crate::api::service_desk::desk_counts;
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
                let counts = match desk_counts().await {
                    Ok(c) => c,
                    Err(e) => {
                        return view! { <p class="error" role="alert">{lang.t(e.key())}</p> }
                            .into_any();
                    }
                };
                let cards = DeskTab::ALL
                    .into_iter()
                    .filter_map(|tab| {
                        let (count, what) = match tab {
                            DeskTab::Overview => return None,
                            DeskTab::Changes => (counts.changes, Key::DeskWaitingChanges),
                            DeskTab::Returns => (counts.returns, Key::DeskWaitingReturns),
                            DeskTab::Tickets => (counts.tickets, Key::DeskWaitingTickets),
                            DeskTab::Reviews => (counts.reviews, Key::DeskWaitingReviews),
                        };
                        let id = format!("desk-{}", tab.href().rsplit('/').next().unwrap_or_default());
                        Some(view! {
                            <li class="card console-section" id=id>
                                <h2><a href=tab.href()>{lang.t(tab.key())}</a></h2>
                                {count.map(|n| view! {
                                    <p><strong class="desk-count">{n}</strong> " " {lang.t(what)}</p>
                                })}
                            </li>
                        })
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
