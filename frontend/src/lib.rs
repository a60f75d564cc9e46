//! The OMS web portal: a Leptos 0.8 app rendered by the backend (feature
//! `ssr`) and hydrated in the browser when its wasm bundle is present
//! (feature `hydrate`).
//!
//! It never touches the database: every piece of data comes from GraphQL
//! (see [`api`]), in-process during SSR and over `POST /graphql` in the
//! browser. Every page and form works with JavaScript off.

// Leptos views are nested types; the console's webhook cards (a table of
// deliveries with a form per row) go deeper than the default limit when the
// browser bundle is laid out.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod cart;
pub mod components;
pub mod http_status;
pub mod i18n;
pub mod pages;
pub mod schema;
pub mod session;

pub use app::App;

use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The portal's stylesheet, inlined into every page by [`shell`].
pub const STYLE: &str = include_str!("style.css");

/// Provided via context by the server integration (see
/// `backend/src/http/pages.rs`): `true` when the content-hashed wasm bundle
/// (`pkg/oms.<hash>.js` + `pkg/oms.<hash>_bg.wasm`) exists under the site root.
/// [`shell`] emits `<HydrationScripts/>` only then; absent means `false`,
/// so the page is plain server-rendered HTML.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HydrationBundle(pub bool);

/// The HTML document around [`App`], rendered on the server for every page.
///
/// Hydration scripts are included only if a [`HydrationBundle`]`(true)` was
/// provided via context; `options` must name the bundle (output name
/// `oms.<hash>`, pkg dir `pkg`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::detect_lang();
    let hydrate = use_context::<HydrationBundle>().is_some_and(|b| b.0);
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // No favicon yet: an empty one saves a 404 per page.
                <link rel="icon" href="data:," />
                <style>{STYLE}</style>
                {hydrate.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Entry point called by `pkg/oms.<hash>.js` once the wasm module is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
    // A marker that the page is live (browser tests wait for it).
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The seam with the backend: how SSR runs GraphQL in-process.
#[cfg(feature = "ssr")]
pub mod ssr {
    pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

    /// Runs one GraphQL request in-process on behalf of the HTTP request being rendered
    /// (the backend resolves the caller's identity from that request's cookies).
    ///
    /// The body is a standard GraphQL request `{"query": ..., "variables": ...}`;
    /// the result a standard response `{"data": ..., "errors": [...]}`.
    #[derive(Clone)]
    #[expect(clippy::type_complexity, reason = "the contract spells the type out")]
    pub struct GraphqlExecutor(
        pub  std::sync::Arc<
            dyn Fn(&actix_web::HttpRequest, serde_json::Value) -> BoxFuture<serde_json::Value>
                + Send
                + Sync,
        >,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn stylesheet_needs_no_html_escaping() {
        // It is emitted as the text of <style>, which the renderer escapes.
        assert!(!super::STYLE.contains(['<', '>', '&']));
    }
}
