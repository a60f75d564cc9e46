//! The Leptos portal (crate `frontend`), rendered on the server.
//!
//! Mounted last: `/pkg` (the wasm bundle, when built) and one route per page
//! of the app. Each render gets the in-process GraphQL executor via context,
//! so pages query the schema with the identity of the request being rendered.
//! The page asks for `/pkg/oms.js` + `/pkg/oms_bg.wasm` (wasm-bindgen
//! `--out-name oms`) only if both exist under `site_root/pkg` when the server
//! starts; otherwise it is plain server-rendered HTML (every page and form
//! works without JavaScript).

use std::path::PathBuf;

use actix_web::web;
use frontend::{App, HydrationBundle, shell, ssr::GraphqlExecutor};
use leptos::config::LeptosOptions;
use leptos::context::provide_context;
use leptos_actix::{LeptosRoutes, generate_route_list};

/// Bundle name and folder the page asks for; the build must match
/// (`wasm-bindgen --out-name oms --out-dir <site_root>/pkg`).
const OUTPUT_NAME: &str = "oms";
const PKG_DIR: &str = "pkg";

/// Mounts `/pkg` (if the bundle exists) and every Leptos route.
pub fn configure(cfg: &mut web::ServiceConfig, site_root: PathBuf, executor: GraphqlExecutor) {
    let pkg = site_root.join(PKG_DIR);
    let bundle = pkg.join(format!("{OUTPUT_NAME}.js")).is_file()
        && pkg.join(format!("{OUTPUT_NAME}_bg.wasm")).is_file();
    let options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir(PKG_DIR)
        .build();

    if bundle {
        cfg.service(actix_files::Files::new("/pkg", pkg));
    }

    let routes = generate_route_list(App);
    cfg.leptos_routes_with_context(
        routes,
        move || {
            provide_context(executor.clone());
            provide_context(HydrationBundle(bundle));
        },
        move || shell(options.clone()),
    );
}
