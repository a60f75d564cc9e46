//! The page header: brand, navigation, login state and language switch.

use crate::app::use_session;
use crate::components::url_encode;
use crate::i18n::{Key, Lang, t, use_lang};
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
                    <Suspense>
                        {move || Suspend::new(async move {
                            let staff = session.0.await.ok().flatten().is_some_and(|u| u.is_staff());
                            staff.then(|| view! { <a href="/console" id="nav-console">{lang.t(Key::NavConsole)}</a> })
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
        </header>
    }
}
