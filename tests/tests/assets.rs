//! What the server sends besides data: compressed responses, the
//! content-hashed browser bundle cached for a year (and pages that are not),
//! a title and a description on every page, GraphiQL served from the server
//! itself (or a page that says it is missing), and the SDL at
//! `/graphql/schema.graphql`, also in production.
//!
//! Most tests point `OMS_SITE_ROOT` at a temporary site with stand-in files,
//! so they do not depend on the real bundle or on npm.

use std::path::Path;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
};
use serde_json::json;

use crate::helpers::{Role, TestApp};
use crate::order_helpers::{new_key, order_input, place_order_ok};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const FAKE_HASH: &str = "0123456789abcdef";

/// A site root with a stand-in hashed bundle and stand-in GraphiQL files,
/// laid out as `scripts/build-wasm.sh` and `scripts/fetch-graphiql.sh` do.
fn fake_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp site root");
    let root = dir.path();
    write(root, "pkg.hash", &format!("{FAKE_HASH}\n"));
    write(
        root,
        &format!("pkg/oms.{FAKE_HASH}.js"),
        &"export default function init() {}\n".repeat(200),
    );
    write(
        root,
        &format!("pkg/oms.{FAKE_HASH}_bg.wasm"),
        &"\0asm stand-in ".repeat(2000),
    );
    for file in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "LICENSE.graphiql.txt",
    ] {
        write(
            root,
            &format!("graphiql/{file}"),
            &format!("/* {file} */\n"),
        );
    }
    write(
        root,
        "graphiql/VERSIONS",
        "graphiql@3.8.3 react@18.3.1 react-dom@18.3.1",
    );
    dir
}

fn write(root: &Path, path: &str, content: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, content).expect("write site file");
}

async fn spawn_with_site(site: &Path) -> TestApp {
    TestApp::builder()
        .env("OMS_SITE_ROOT", site.display().to_string())
        .spawn()
        .await
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn get_page(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client
        .get(app.url(path))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// Every `src`/`href` value in `html` that starts with `prefix`.
fn urls_starting_with<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut urls = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let url = &rest[..rest.find('"').unwrap_or(rest.len())];
            if url.starts_with(prefix) {
                urls.push(url);
            }
        }
    }
    urls
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_are_gzipped_when_the_client_accepts_it() {
    let site = fake_site();
    let app = spawn_with_site(site.path()).await;

    let plain = get_page(&app, app.http(), "/").await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(
        header(&plain, CONTENT_ENCODING),
        "",
        "no Accept-Encoding, no gzip"
    );
    let plain_len = plain.bytes().await.expect("page").len();

    let resp = app
        .http()
        .get(app.url("/"))
        .header(ACCEPT, "text/html")
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("GET /");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, CONTENT_ENCODING), "gzip");
    let body = resp.bytes().await.expect("page");
    assert_eq!(&body[..2], &[0x1f, 0x8b], "not a gzip stream");
    assert!(
        body.len() * 2 < plain_len,
        "gzip should at least halve the page: {} of {plain_len} bytes",
        body.len()
    );

    // JSON from the API, and the bundle's JS and wasm.
    let resp = app
        .http()
        .post(app.url("/graphql"))
        .header(ACCEPT_ENCODING, "gzip")
        .json(&json!({"query": "{ products(first: 50) { edges { node { sku name } } } }"}))
        .send()
        .await
        .expect("POST /graphql");
    assert_eq!(header(&resp, CONTENT_ENCODING), "gzip", "GraphQL JSON");
    for file in [
        format!("/pkg/oms.{FAKE_HASH}.js"),
        format!("/pkg/oms.{FAKE_HASH}_bg.wasm"),
    ] {
        let resp = app
            .http()
            .get(app.url(&file))
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .expect("GET bundle");
        assert_eq!(resp.status(), StatusCode::OK, "{file}");
        assert_eq!(header(&resp, CONTENT_ENCODING), "gzip", "{file}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bundle_has_a_content_hashed_name_cached_for_a_year_and_pages_are_not() {
    let site = fake_site();
    let app = spawn_with_site(site.path()).await;

    let resp = get_page(&app, app.http(), "/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page_cache = header(&resp, CACHE_CONTROL).to_owned();
    assert!(
        page_cache.contains("no-cache") && !page_cache.contains("immutable"),
        "a page must be revalidated: Cache-Control {page_cache:?}"
    );
    let html = resp.text().await.expect("page");
    let bundle = urls_starting_with(&html, "/pkg/");
    assert!(
        bundle.contains(&format!("/pkg/oms.{FAKE_HASH}.js").as_str())
            && bundle.contains(&format!("/pkg/oms.{FAKE_HASH}_bg.wasm").as_str()),
        "the page should name the hashed bundle: {bundle:?}"
    );
    assert!(
        !html.contains("/pkg/oms.js") && !html.contains("/pkg/oms_bg.wasm"),
        "the page names an unhashed bundle"
    );

    for file in [
        format!("/pkg/oms.{FAKE_HASH}.js"),
        format!("/pkg/oms.{FAKE_HASH}_bg.wasm"),
    ] {
        let resp = app.http().get(app.url(&file)).send().await.expect("GET");
        assert_eq!(resp.status(), StatusCode::OK, "{file}");
        assert_eq!(header(&resp, CACHE_CONTROL), IMMUTABLE, "{file}");
    }
    let resp = app
        .http()
        .get(app.url(&format!("/pkg/oms.{FAKE_HASH}_bg.wasm")))
        .send()
        .await
        .expect("GET wasm");
    assert_eq!(header(&resp, CONTENT_TYPE), "application/wasm");

    // A miss is not cached for a year.
    let resp = app
        .http()
        .get(app.url("/pkg/oms.ffffffffffffffff.js"))
        .send()
        .await
        .expect("GET missing");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!header(&resp, CACHE_CONTROL).contains("immutable"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_without_a_bundle_serves_plain_pages() {
    let empty = tempfile::tempdir().expect("empty site root");
    let app = spawn_with_site(empty.path()).await;
    let resp = get_page(&app, app.http(), "/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("page");
    assert!(
        urls_starting_with(&html, "/pkg/").is_empty(),
        "no bundle, no script"
    );
}

/// `(title, description)` of a page; exactly one of each, both non-empty.
fn title_and_description(path: &str, html: &str) -> (String, String) {
    let titles: Vec<&str> = html
        .match_indices("<title>")
        .filter_map(|(i, _)| {
            let rest = &html[i + "<title>".len()..];
            rest.find("</title>").map(|end| &rest[..end])
        })
        .collect();
    assert_eq!(titles.len(), 1, "{path}: one <title>, got {titles:?}");
    let needle = "<meta name=\"description\" content=\"";
    let descriptions: Vec<&str> = html
        .match_indices(needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect();
    assert_eq!(
        descriptions.len(),
        1,
        "{path}: one meta description, got {descriptions:?}"
    );
    let (title, description) = (titles[0].trim(), descriptions[0].trim());
    assert!(!title.is_empty(), "{path}: empty title");
    assert!(!description.is_empty(), "{path}: empty description");
    (title.to_owned(), description.to_owned())
}

async fn sign_in(app: &TestApp, role: Role) -> reqwest::Client {
    let client = app.cookie_client();
    let resp = client
        .post(app.url("/auth/login"))
        .header("Origin", &app.addr)
        .form(&[
            ("email", role.email()),
            ("password", role.password()),
            ("next", "/".to_owned()),
        ])
        .send()
        .await
        .expect("POST /auth/login");
    assert_eq!(resp.status().as_u16(), 303, "form login as {role:?}");
    client
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_has_a_title_naming_it_and_a_description_in_both_languages() {
    let app = TestApp::spawn().await;
    let customer_tokens = app.login_as(Role::Customer).await;
    let order = place_order_ok(
        &app,
        &customer_tokens.access_token,
        order_input(&new_key(), &[("MUG-001", 1)]),
    )
    .await;
    let number = order["number"].as_str().expect("order number").to_owned();
    let anonymous = app.http().clone();
    let customer = sign_in(&app, Role::Customer).await;
    let admin = sign_in(&app, Role::Admin).await;

    // (who, path, expected status, words the English title must contain)
    let pages: Vec<(&reqwest::Client, String, u16, &str)> = vec![
        (&anonymous, "/".into(), 200, "Products"),
        (&anonymous, "/products/MUG-001".into(), 200, "Mug"),
        (&anonymous, "/products/NO-SUCH-SKU".into(), 404, "not found"),
        (&anonymous, "/login".into(), 200, "Sign in"),
        (&anonymous, "/register".into(), 200, "Create account"),
        (&customer, "/cart".into(), 200, "Cart"),
        (&customer, "/checkout".into(), 200, "Checkout"),
        (&customer, "/orders".into(), 200, "My orders"),
        (&customer, format!("/orders/{number}"), 200, &number),
        (&admin, "/console".into(), 200, "console"),
        (&admin, "/console/orders".into(), 200, "Orders"),
        (&admin, "/console/orders/new".into(), 200, "New order"),
        (&admin, format!("/console/orders/{number}"), 200, &number),
        (&admin, "/console/inventory".into(), 200, "Inventory"),
        (&admin, "/console/webhooks".into(), 200, "Webhooks"),
    ];
    let mut descriptions = std::collections::HashMap::new();
    for (client, path, status, words) in &pages {
        let resp = get_page(&app, client, path).await;
        assert_eq!(resp.status().as_u16(), *status, "GET {path}");
        let html = resp.text().await.expect("page");
        let (title, description) = title_and_description(path, &html);
        assert!(
            title.to_lowercase().contains(&words.to_lowercase()) && title.contains("OMS Shop"),
            "{path}: the title {title:?} should name the page ({words:?}) and the site"
        );
        if let Some(other) = descriptions.insert(description.clone(), path.clone())
            && !path.contains("NO-SUCH")
            && !other.contains("NO-SUCH")
        {
            panic!("{path} and {other} share the description {description:?}");
        }

        let resp = client
            .get(app.url(path))
            .header(ACCEPT, "text/html")
            .header(ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
            .send()
            .await
            .expect("GET page in Chinese");
        let html = resp.text().await.expect("page");
        let (title_zh, description_zh) = title_and_description(path, &html);
        assert!(
            title_zh.contains("OMS 商城"),
            "{path}: Chinese title {title_zh:?}"
        );
        if !path.starts_with("/products/MUG") {
            assert_ne!(
                description_zh, description,
                "{path}: the description is not translated"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_is_served_from_this_server_and_the_sdl_at_its_own_path() {
    let site = fake_site();
    let app = spawn_with_site(site.path()).await;

    let resp = get_page(&app, app.http(), "/graphql").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header(&resp, CONTENT_TYPE).starts_with("text/html"));
    let html = resp.text().await.expect("GraphiQL page");
    assert!(
        !html.contains("unpkg.com") && !html.contains("cdn.") && !html.contains("//"),
        "the explorer page must not load anything from elsewhere:\n{html}"
    );
    let assets = urls_starting_with(&html, "/graphiql/");
    assert_eq!(
        assets.len(),
        4,
        "CSS, react, react-dom, graphiql: {assets:?}"
    );
    for url in assets {
        let resp = app.http().get(app.url(url)).send().await.expect("asset");
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        assert_eq!(header(&resp, CACHE_CONTROL), IMMUTABLE, "{url}");
    }
    let resp = app
        .http()
        .get(app.url("/graphiql/LICENSE.graphiql.txt"))
        .send()
        .await
        .expect("licence");
    assert_eq!(resp.status(), StatusCode::OK, "the licence is served too");

    let resp = app
        .http()
        .get(app.url("/graphql/schema.graphql"))
        .send()
        .await
        .expect("GET /graphql/schema.graphql");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header(&resp, CONTENT_TYPE).starts_with("text/plain"));
    let sdl = resp.text().await.expect("SDL");
    assert!(
        sdl.contains("type Query {") && sdl.contains("type Mutation {"),
        "not the SDL: {}",
        &sdl[..sdl.len().min(300)]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_graphiql_files_the_page_says_so_and_links_the_sdl() {
    let empty = tempfile::tempdir().expect("empty site root");
    let app = spawn_with_site(empty.path()).await;
    let resp = get_page(&app, app.http(), "/graphql").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("page");
    assert!(
        html.contains("not installed"),
        "the page should say the explorer is missing:\n{html}"
    );
    assert!(
        html.contains("href=\"/graphql/schema.graphql\""),
        "the page should link the SDL:\n{html}"
    );
    assert!(
        !html.contains("<script"),
        "nothing to load, nothing to wait for:\n{html}"
    );
    let resp = app
        .http()
        .get(app.url("/graphql/schema.graphql"))
        .send()
        .await
        .expect("GET SDL");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.expect("SDL").contains("type Query {"));
}

#[tokio::test(flavor = "multi_thread")]
async fn production_serves_the_sdl_but_neither_graphiql_nor_introspection() {
    let site = fake_site();
    let app = TestApp::builder()
        .env("OMS_SITE_ROOT", site.path().display().to_string())
        .env("OMS_ENV", "production")
        .jwt_secret("a-production-secret-of-at-least-32-characters")
        .spawn()
        .await;
    let resp = app
        .http()
        .get(app.url("/graphql/schema.graphql"))
        .send()
        .await
        .expect("GET SDL");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.expect("SDL").contains("type Query {"));

    let resp = get_page(&app, app.http(), "/graphql").await;
    let body = resp.text().await.expect("body");
    assert!(
        !body.contains("/graphiql/"),
        "GraphiQL must stay off in production: {body}"
    );
    let resp = app
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(
        resp["data"]["__schema"].is_null(),
        "introspection must stay off in production: {resp}"
    );
}
