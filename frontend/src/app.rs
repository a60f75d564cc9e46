//! The root component: language, session, layout and routes. The only
//! module that imports pages (it is the router); nothing imports it.

use crate::components::header::Header;
use crate::http_status::set_status;
use crate::i18n::{self, Key, t};
use crate::pages::{
    cart::CartPage,
    changes::{CancelItemsPage, ChangeOrderPage},
    checkout::CheckoutPage,
    console::ConsolePage,
    console_changes::ConsoleChangesPage,
    console_inventory::InventoryPage,
    console_new_order::NewOrderPage,
    console_orders::{ConsoleOrderPage, ConsoleOrdersPage},
    console_payments::ConsolePaymentsPage,
    console_returns::{ConsoleReturnPage, ConsoleReturnsPage},
    console_reviews::ConsoleReviewsPage,
    console_service::ServiceDeskPage,
    console_shipment::{ConsoleShipmentPage, PackingSlipPage},
    console_shipments::{ConsoleShipmentsPage, PickupDeskPage},
    console_tickets::{ConsoleTicketPage, ConsoleTicketsPage},
    console_webhooks::ConsoleWebhooksPage,
    login::LoginPage,
    notifications::{EmailTemplatesPage, PreferencesPage},
    orders::{MyOrdersPage, OrderPage},
    product::ProductPage,
    products::ProductsPage,
    register::RegisterPage,
    returns::{MyReturnsPage, ReturnPage, ReturnRequestPage},
    reviews::{MyReviewsPage, OrderReviewPage},
    tickets::{MyTicketsPage, NewTicketPage, TicketPage},
};
use crate::session::Session;
use leptos::prelude::*;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::detect_lang();
    provide_context(lang);
    provide_context(Session::load());

    // Async SSR: every page is fully rendered before it is sent, so it reads
    // the same with JavaScript off (no streamed fragments to swap in).
    view! {
        // Every page sets its own <Title text>; this names the site after it.
        <Title formatter=move |title: String| lang.t(Key::TitleSuffix).replace("{title}", &title) />
        <Router>
            <Header />
            <main class="container">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=ProductsPage ssr=SsrMode::Async />
                    <Route path=path!("/products/:sku") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/console") view=ConsolePage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async />
                    <Route path=path!("/orders") view=MyOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:number") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:number/review") view=OrderReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:number/change") view=ChangeOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:number/cancel-items") view=CancelItemsPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:number/return") view=ReturnRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/returns") view=MyReturnsPage ssr=SsrMode::Async />
                    <Route path=path!("/returns/:id") view=ReturnPage ssr=SsrMode::Async />
                    <Route path=path!("/account/reviews") view=MyReviewsPage ssr=SsrMode::Async />
                    <Route path=path!("/console/orders") view=ConsoleOrdersPage ssr=SsrMode::Async />
                    // Before `:number`, so "new" is not taken for an order number.
                    <Route path=path!("/console/orders/new") view=NewOrderPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/console/orders/:number")
                        view=ConsoleOrderPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/console/inventory") view=InventoryPage ssr=SsrMode::Async />
                    <Route path=path!("/console/payments") view=ConsolePaymentsPage ssr=SsrMode::Async />
                    <Route path=path!("/console/shipments") view=ConsoleShipmentsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/console/shipments/:id")
                        view=ConsoleShipmentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/console/shipments/:id/slip")
                        view=PackingSlipPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/console/pickup") view=PickupDeskPage ssr=SsrMode::Async />
                    <Route path=path!("/account/notifications") view=PreferencesPage ssr=SsrMode::Async />
                    <Route path=path!("/console/email-templates") view=EmailTemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/console/webhooks") view=ConsoleWebhooksPage ssr=SsrMode::Async />
                    <Route path=path!("/console/service/reviews") view=ConsoleReviewsPage ssr=SsrMode::Async />
                    <Route path=path!("/console/service/returns") view=ConsoleReturnsPage ssr=SsrMode::Async />
                    <Route path=path!("/console/service/changes") view=ConsoleChangesPage ssr=SsrMode::Async />
                    <Route path=path!("/console/service/returns/:id") view=ConsoleReturnPage ssr=SsrMode::Async />
                    <Route path=path!("/tickets") view=MyTicketsPage ssr=SsrMode::Async />
                    // Before `:number`, so "new" is not taken for a ticket number.
                    <Route path=path!("/tickets/new") view=NewTicketPage ssr=SsrMode::Async />
                    <Route path=path!("/tickets/:number") view=TicketPage ssr=SsrMode::Async />
                    <Route path=path!("/console/service/tickets") view=ConsoleTicketsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/console/service/tickets/:number")
                        view=ConsoleTicketPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/console/service") view=ServiceDeskPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Shown for a path no route matches (reached by client-side navigation;
/// the server only mounts the routes above).
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text=t(Key::PageTitleNotFound) />
        <Meta name="description" content=t(Key::MetaNotFound) />
        <h1>{t(Key::PageTitleNotFound)}</h1>
        <p>{t(Key::NotFoundText)}</p>
        <p>
            <a href="/">{t(Key::BackToProducts)}</a>
        </p>
    }
}
