//! `/register`: a plain form posted to `POST /auth/register` (handled by the
//! backend: 303 to `/`, or back here with `?error=CODE&field=NAME`).

use crate::components::form_error::FormError;
use crate::components::local_path;
use crate::i18n::{Key, error_key, t};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || local_path(query.read().get("next"));
    let error = move || {
        let q = query.read();
        q.get("error")
            .map(|code| error_key(&code, q.get("field").as_deref()))
    };
    let login_href = move || format!("/login?next={}", crate::components::url_encode(&next()));

    view! {
        <Title text=t(Key::PageTitleRegister) />
        <Meta name="description" content=t(Key::MetaRegister) />
        <section class="card narrow">
            <h1>{t(Key::PageTitleRegister)}</h1>
            <FormError error />
            <form method="post" action="/auth/register" class="stack" id="register-form">
                <input type="hidden" name="next" value=next />
                <label>
                    {t(Key::Name)}
                    <input type="text" name="name" id="name" required autocomplete="name" />
                </label>
                <label>
                    {t(Key::Email)}
                    <input type="email" name="email" id="email" required autocomplete="email" />
                </label>
                <label>
                    {t(Key::Password)}
                    <input
                        type="password"
                        name="password"
                        id="password"
                        required
                        minlength="8"
                        maxlength="128"
                        autocomplete="new-password"
                        aria-describedby="password-hint"
                    />
                </label>
                <p class="muted hint" id="password-hint">{t(Key::PasswordHint)}</p>
                <button type="submit" id="register-submit">{t(Key::RegisterButton)}</button>
            </form>
            <p class="muted">
                {t(Key::HaveAccount)} " " <a href=login_href>{t(Key::NavLogin)}</a>
            </p>
        </section>
    }
}
