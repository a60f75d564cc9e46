//! The Leptos portal (crate `frontend`), rendered on the server.
//!
//! Mounted last: `/pkg` (the wasm bundle, when built) and one route per page
//! of the app. Each render gets the in-process GraphQL executor via context,
//! so pages query the schema with the identity of the request being rendered.
//!
//! `scripts/build-wasm.sh` names the bundle after its content,
//! `pkg/oms.<hash>.js` + `pkg/oms.<hash>_bg.wasm`, and writes the hash to
//! `pkg.hash` beside `pkg/`. The server reads it once at start: pages then ask
//! for those files, which are served with a one-year immutable
//! `Cache-Control` (a new build is a new name). Without a complete bundle the
//! pages are plain server-rendered HTML (every page and form works without
//! JavaScript).

use std::path::{Path, PathBuf};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::web;
use frontend::{App, HydrationBundle, shell, ssr::GraphqlExecutor};
use leptos::config::LeptosOptions;
use leptos::context::provide_context;
use leptos_actix::{LeptosRoutes, generate_route_list};

/// Base name of the bundle and the folder the page asks for; the build must
/// match (`wasm-bindgen --out-name oms`, files renamed to `oms.<hash>…`).
const OUTPUT_NAME: &str = "oms";
const PKG_DIR: &str = "pkg";
/// Beside `pkg/` under the site root: the hash of the current bundle.
const HASH_FILE: &str = "pkg.hash";

/// For files whose name changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Marks a found file (not a 404) as cacheable for a year, unrevalidated.
pub async fn cache_immutable(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    Ok(res)
}

/// The name of the hashed bundle (`oms.<hash>`) when `site_root` holds a
/// complete one.
fn bundle_name(site_root: &Path) -> Option<String> {
    let hash = std::fs::read_to_string(site_root.join(HASH_FILE)).ok()?;
    let hash = hash.trim();
    if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let name = format!("{OUTPUT_NAME}.{hash}");
    let pkg = site_root.join(PKG_DIR);
    let complete =
        pkg.join(format!("{name}.js")).is_file() && pkg.join(format!("{name}_bg.wasm")).is_file();
    complete.then_some(name)
}

/// Mounts `/pkg` (if the bundle exists) and every Leptos route.
pub fn configure(cfg: &mut web::ServiceConfig, site_root: PathBuf, executor: GraphqlExecutor) {
    let bundle = bundle_name(&site_root);
    let options = LeptosOptions::builder()
        .output_name(bundle.clone().unwrap_or_else(|| OUTPUT_NAME.to_owned()))
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir(PKG_DIR)
        .build();

    if bundle.is_some() {
        cfg.service(
            web::scope("/pkg")
                .wrap(from_fn(cache_immutable))
                .service(actix_files::Files::new("", site_root.join(PKG_DIR))),
        );
    }
    let bundle = HydrationBundle(bundle.is_some());

    let routes = generate_route_list(App);
    cfg.leptos_routes_with_context(
        routes,
        move || {
            provide_context(executor.clone());
            provide_context(bundle);
        },
        move || shell(options.clone()),
    );
}
