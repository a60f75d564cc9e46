//! The caller's identity (`me`), loaded once per page by [`Session::load`]
//! (the app provides it via context) and shared by the header, the
//! components and the pages that depend on it.

use crate::api::{self, ApiError, types::User};
use leptos::prelude::*;

/// The `me` query of the page being rendered.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<Option<User>, ApiError>>);

impl Session {
    /// Starts loading the caller's identity; call once per page (the app does).
    pub fn load() -> Self {
        Session(Resource::new(|| (), |_| api::me()))
    }

    /// The signed-in user; `None` when anonymous or when `me` failed.
    pub async fn user(self) -> Option<User> {
        self.0.await.ok().flatten()
    }
}

/// The session from context.
pub fn use_session() -> Session {
    match use_context::<Session>() {
        Some(session) => session,
        // Outside of App (tests, other shells): an anonymous session.
        None => Session(Resource::new(|| (), |_| async { Ok(None) })),
    }
}
