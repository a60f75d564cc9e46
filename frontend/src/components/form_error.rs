//! The error a plain form came back with (`?error=CODE`), translated.

use crate::i18n::{Key, use_lang};
use leptos::prelude::*;

/// The translated error from `?error=CODE`, if any.
#[component]
pub fn FormError(error: impl Fn() -> Option<Key> + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    move || {
        error().map(|key| {
            view! {
                <p class="error" role="alert" id="form-error">
                    {lang.t(key)}
                </p>
            }
        })
    }
}
