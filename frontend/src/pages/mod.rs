//! One file per page.

pub mod cart;
pub mod checkout;
pub mod console;
pub mod console_inventory;
pub mod console_new_order;
pub mod console_orders;
pub mod login;
pub mod orders;
pub mod product;
pub mod products;
pub mod register;

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
