//! `/login`: a plain form posted to `POST /auth/login` (handled by the
//! backend, which answers with a 303 to `next` or back here with `?error=`).

use crate::components::form_error::FormError;
use crate::components::local_path;
use crate::i18n::{Key, error_key, t};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || local_path(query.read().get("next"));
    let error = move || query.read().get("error").map(|code| error_key(&code, None));
    let register_href =
        move || format!("/register?next={}", crate::components::url_encode(&next()));

    view! {
        <Title text=t(Key::PageTitleLogin) />
        <Meta name="description" content=t(Key::MetaLogin) />
        <section class="card narrow">
            <h1>{t(Key::PageTitleLogin)}</h1>
            <FormError error />
            <form method="post" action="/auth/login" class="stack" id="login-form">
                <input type="hidden" name="next" value=next />
                <label>
                    {t(Key::Email)}
                    <input type="email" name="email" id="email" required autocomplete="username" />
                </label>
                <label>
                    {t(Key::Password)}
                    <input
                        type="password"
                        name="password"
                        id="password"
                        required
                        autocomplete="current-password"
                    />
                </label>
                <button type="submit" id="login-submit">{t(Key::LoginButton)}</button>
            </form>
            <p class="muted">
                {t(Key::NoAccount)} " " <a href=register_href>{t(Key::NavRegister)}</a>
            </p>
        </section>
    }
}
