//! What a page shows instead of itself to a visitor who may not see it:
//! a sign-in prompt that comes back, or a "staff only" notice.

use crate::components::url_encode;
use crate::i18n::{Key, Lang};
use crate::session::Session;
use leptos::prelude::*;

/// A sign-in prompt that comes back to `next`.
pub fn sign_in_prompt(lang: Lang, next: &str, text: Key) -> AnyView {
    let href = format!("/login?next={}", url_encode(next));
    view! {
        <p id="signin-required">{lang.t(text)}</p>
        <p>
            <a href=href class="button">{lang.t(Key::NavLogin)}</a>
        </p>
    }
    .into_any()
}

/// `None` for staff; otherwise what to show instead of the page.
pub async fn staff_gate(lang: Lang, session: Session, next: &str) -> Option<AnyView> {
    match session.user().await {
        Some(user) if user.is_staff() => None,
        Some(_) => Some(
            view! {
                <p class="error" role="alert" id="console-denied">{lang.t(Key::ConsoleForbidden)}</p>
            }
            .into_any(),
        ),
        None => Some(sign_in_prompt(lang, next, Key::ConsoleSignIn)),
    }
}
