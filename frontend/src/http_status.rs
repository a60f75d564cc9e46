//! The HTTP status of the page being rendered on the server (a page that
//! shows "not found" answers 404). A no-op in the browser.

/// Sets the HTTP status of the page being rendered on the server (no-op in
/// the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        leptos::prelude::use_context::<leptos_actix::ResponseOptions>(),
        actix_web::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
