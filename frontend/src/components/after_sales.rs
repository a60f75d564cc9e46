//! The order page's after-sales bar: one link per action the API offers
//! in `Order.serviceActions` (never decided here), each leading to its
//! area's page. Plain links, so it works with JavaScript off.

use leptos::prelude::*;

use crate::api::orders::Order;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, service_action_key};
use crate::schema::ServiceAction;

/// Where each action's page is, for order `number`.
pub fn service_action_href(action: ServiceAction, number: &str) -> String {
    let n = url_encode(number);
    match action {
        ServiceAction::ChangeOrder => format!("/orders/{n}/change"),
        ServiceAction::CancelItems => format!("/orders/{n}/cancel-items"),
        ServiceAction::ReturnOrExchange => format!("/orders/{n}/return"),
        ServiceAction::GetHelp => format!("/tickets/new?order={n}"),
        ServiceAction::WriteReview => format!("/orders/{n}/review"),
    }
}

/// The actions offered on `order`, as buttons; nothing when none is.
#[component]
pub fn AfterSalesActions(order: Order, lang: Lang) -> impl IntoView {
    let actions = order.service_actions.clone();
    (!actions.is_empty()).then(|| {
        let links = actions
            .into_iter()
            .map(|a| {
                let id = format!("svc-{}", a.as_str().to_ascii_lowercase().replace('_', "-"));
                view! {
                    <a class="button secondary" id=id href=service_action_href(a, &order.number)>
                        {lang.t(service_action_key(a))}
                    </a>
                }
            })
            .collect_view();
        view! {
            <section class="card" id="service-actions">
                <h2>{lang.t(Key::SvcActionsTitle)}</h2>
                <p class="actions">{links}</p>
            </section>
        }
    })
}
