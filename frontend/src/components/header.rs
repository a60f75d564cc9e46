//! The page header: brand, navigation, login state and language switch.

use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // Where to come back to after switching language or signing out.
    let here = Memo::new(move |_| {
        let path = location.pathname.get();
        let search = location.search.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    });
    let lang = use_lang();
    // Same value on the server (request cookie) and when hydrating
    // (`document.cookie`); every cart change is a full page load.
    let cart_count = crate::cart::current().item_count();
    // `?added=SKU`, set by `POST /cart/add` on its way back.
    let query = leptos_router::hooks::use_query_map();
    let added = Memo::new(move |_| query.read().get("added").filter(|s| !s.is_empty()));
    let lang_link = move |target: Lang| {
        let href = move || format!("/lang/{}?next={}", target.code(), url_encode(&here.get()));
        let label = match target {
            Lang::En => Key::LangEnglish,
            Lang::Zh => Key::LangChinese,
        };
        // rel=external: a full page load, so the server sets the cookie.
        view! {
            <a
                href=href
                rel="external"
                hreflang=target.html_tag()
                class="lang-link"
                class:active=move || lang == target
                aria-current=move || (lang == target).then_some("true")
            >
                {t(label)}
            </a>
        }
    };

    view! {
        <header class="site-header">
            <div class="container header-row">
                <a href="/" class="brand">
                    {t(Key::SiteName)}
                </a>
                <nav class="nav">
                    <a href="/">{t(Key::NavProducts)}</a>
                    <a href="/cart" id="nav-cart">
                        {t(Key::NavCart)}
                        " "
                        <span class="badge" id="cart-count" data-count=cart_count>{cart_count}</span>
                    </a>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let user = session.0.await.ok().flatten();
                            let signed_in = user.is_some();
                            let staff = user.is_some_and(|u| u.is_staff());
                            view! {
                                {signed_in.then(|| view! { <a href="/orders" id="nav-orders">{lang.t(Key::NavMyOrders)}</a> })}
                                {signed_in.then(|| view! { <a href="/account/notifications" id="nav-preferences">{lang.t(Key::NavPreferences)}</a> })}
                                {staff.then(|| view! { <a href="/console" id="nav-console">{lang.t(Key::NavConsole)}</a> })}
                            }
                        })}
                    </Suspense>
                </nav>
                <div class="account">
                    <Suspense fallback=move || view! { <span id="whoami">{t(Key::Loading)}</span> }>
                        {move || Suspend::new(async move {
                            match session.0.await.ok().flatten() {
                                Some(user) => {
                                    view! {
                                        <span id="whoami" class="whoami" title=user.email.clone()>
                                            {user.name.clone()}
                                        </span>
                                        <form method="post" action="/auth/logout" class="inline-form">
                                            <input type="hidden" name="next" value="/" />
                                            <button type="submit" id="logout" class="link-button">
                                                {lang.t(Key::NavLogout)}
                                            </button>
                                        </form>
                                    }
                                        .into_any()
                                }
                                None => {
                                    view! {
                                        <span id="whoami" class="whoami anonymous">
                                            {lang.t(Key::NotSignedIn)}
                                        </span>
                                        <a
                                            href=move || format!("/login?next={}", url_encode(&here.get()))
                                            id="nav-login"
                                        >
                                            {lang.t(Key::NavLogin)}
                                        </a>
                                        <a href="/register" id="nav-register">
                                            {lang.t(Key::NavRegister)}
                                        </a>
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Suspense>
                    <span class="lang-switch" aria-label=t(Key::Language)>
                        {lang_link(Lang::En)}
                        {lang_link(Lang::Zh)}
                    </span>
                </div>
            </div>
            <Suspense>
                {move || Suspend::new(async move {
                    let staff = session.0.await.ok().flatten().is_some_and(|u| u.is_staff());
                    staff.then(|| view! { <ConsoleNav lang /> })
                })}
            </Suspense>
            {move || {
                added
                    .get()
                    .map(|sku| {
                        view! {
                            <div class="container">
                                <p class="notice" role="status" id="cart-added" data-sku=sku>
                                    {lang.t(Key::AddedToCart)}
                                    " "
                                    <a href="/cart">{lang.t(Key::ViewCart)}</a>
                                </p>
                            </div>
                        }
                    })
            }}
        </header>
    }
}

/// The staff console's sections, under the header for staff.
#[component]
fn ConsoleNav(lang: Lang) -> impl IntoView {
    view! {
        <nav class="subnav" id="console-nav" aria-label=lang.t(Key::NavConsole)>
            <div class="container subnav-row">
                <a href="/console">{lang.t(Key::NavConsole)}</a>
                <a href="/console/orders" id="nav-console-orders">{lang.t(Key::ConsoleOrders)}</a>
                <a href="/console/orders/new" id="nav-console-new-order">{lang.t(Key::NewOrder)}</a>
                <a href="/console/inventory" id="nav-console-inventory">{lang.t(Key::ConsoleInventory)}</a>
                <a href="/console/payments" id="nav-console-payments">{lang.t(Key::ConsolePayments)}</a>
                <a href="/console/shipments" id="nav-console-shipments">{lang.t(Key::ConsoleShipments)}</a>
                <a href="/console/pickup" id="nav-console-pickup">{lang.t(Key::PageTitlePickupDesk)}</a>
                <a href="/console/email-templates" id="nav-console-email-templates">{lang.t(Key::PageTitleEmailTemplates)}</a>
                <a href="/console/webhooks" id="nav-console-webhooks">{lang.t(Key::ConsoleWebhooks)}</a>
            </div>
        </nav>
    }
}
