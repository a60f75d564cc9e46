//! The server-rendered portal with JavaScript off: product pages, search,
//! HTML form login, the language switch, the console gate, health checks.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, ORIGIN};

use crate::helpers::{Role, TestApp, find_set_cookie, set_cookies};

/// Marker that only the staff console shell renders (frontend/src/pages/console.rs).
const CONSOLE_SHELL_MARKER: &str = "id=\"console\"";
/// What non-staff visitors see instead.
const CONSOLE_DENIED_MARKER: &str = "id=\"console-denied\"";

async fn get_html(client: &reqwest::Client, url: &str) -> String {
    let resp = client.get(url).send().await.expect("GET page");
    assert_eq!(resp.status(), StatusCode::OK, "GET {url}");
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "GET {url}: content-type {content_type}"
    );
    resp.text().await.expect("page body")
}

/// The `<html ...>` start tag of a page.
fn html_tag(html: &str) -> &str {
    let start = html
        .find("<html")
        .unwrap_or_else(|| panic!("no <html> tag in {html}"));
    let end = html[start..]
        .find('>')
        .map(|i| start + i)
        .unwrap_or(html.len());
    &html[start..end]
}

/// Texts following each `id="<id>"` up to the next closing tag (good enough
/// for a short inline element). Streaming SSR first sends a Suspense fallback
/// with the same id, then the resolved content, so there may be several.
fn element_texts<'a>(html: &'a str, id: &str) -> Vec<&'a str> {
    let needle = format!("id=\"{id}\"");
    html.match_indices(&needle)
        .filter_map(|(start, _)| {
            let rest = &html[start..];
            let open_end = rest.find('>')? + 1;
            let close = rest[open_end..].find("</")?;
            Some(&rest[open_end..open_end + close])
        })
        .collect()
}

/// Logs in through the HTML form as a browser with JavaScript off would.
async fn form_login(app: &TestApp, client: &reqwest::Client, role: Role) -> reqwest::Response {
    client
        .post(app.url("/auth/login"))
        .header(ORIGIN, &app.addr)
        .form(&[
            ("email", role.email()),
            ("password", role.password()),
            ("next", "/".to_owned()),
        ])
        .send()
        .await
        .expect("POST /auth/login")
}

#[tokio::test(flavor = "multi_thread")]
async fn home_page_lists_seeded_products() {
    let app = TestApp::spawn().await;
    let html = get_html(app.http(), &app.url("/")).await;
    assert!(
        html.contains("Wireless Earbuds"),
        "home page lacks seeded products"
    );
    assert!(
        html.contains("<form"),
        "the search form must work without JavaScript"
    );
    assert!(
        html.contains("name=\"q\""),
        "the search input must be named q"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn search_by_query_string_filters_products() {
    let app = TestApp::spawn().await;
    let html = get_html(app.http(), &app.url("/?q=tea")).await;
    assert!(
        html.contains("Longjing Green Tea 100g"),
        "search for tea misses the tea"
    );
    assert!(
        !html.contains("Wireless Earbuds"),
        "search for tea still shows earbuds"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn product_page_shows_the_product() {
    let app = TestApp::spawn().await;
    let html = get_html(app.http(), &app.url("/products/AUD-001")).await;
    assert!(html.contains("Wireless Earbuds"));
    assert!(
        html.contains("299.00"),
        "product page should show the price"
    );
    assert!(!html.contains("Longjing Green Tea 100g"));
}

#[tokio::test(flavor = "multi_thread")]
async fn html_form_login_sets_http_only_cookies_and_shows_the_user() {
    let app = TestApp::spawn().await;
    let name = app.login_as(Role::Customer).await.user["name"]
        .as_str()
        .expect("user name")
        .to_owned();

    let client = app.cookie_client();
    let resp = form_login(&app, &client, Role::Customer).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[LOCATION], "/");
    let cookies = set_cookies(&resp);
    for cookie in ["oms_at", "oms_rt"] {
        let set = find_set_cookie(&cookies, cookie)
            .unwrap_or_else(|| panic!("no {cookie} cookie in {cookies:?}"));
        let lower = set.to_lowercase();
        assert!(
            lower.contains("httponly"),
            "{cookie} must be HttpOnly: {set}"
        );
        assert!(
            lower.contains("samesite=lax"),
            "{cookie} must be SameSite=Lax: {set}"
        );
        assert!(lower.contains("path=/"), "{cookie} must have Path=/: {set}");
    }

    let html = get_html(&client, &app.url("/")).await;
    let whoami = element_texts(&html, "whoami");
    assert!(
        whoami.iter().any(|w| w.contains(&name)),
        "#whoami should show {name:?}, shows {whoami:?}"
    );

    // And logging out through the form clears the session.
    let resp = client
        .post(app.url("/auth/logout"))
        .header(ORIGIN, &app.addr)
        .send()
        .await
        .expect("POST /auth/logout");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = get_html(&client, &app.url("/")).await;
    let whoami = element_texts(&html, "whoami");
    assert!(!whoami.is_empty(), "no #whoami on the page after logout");
    assert!(
        !whoami.iter().any(|w| w.contains(&name)),
        "still logged in after logout: {whoami:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn html_form_login_with_wrong_password_redirects_to_the_login_page_with_the_error() {
    let app = TestApp::spawn().await;
    let resp = app
        .cookie_client()
        .post(app.url("/auth/login"))
        .header(ORIGIN, &app.addr)
        .form(&[
            ("email", "customer@example.com"),
            ("password", "wrong-password-1"),
        ])
        .send()
        .await
        .expect("POST /auth/login");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("/login?") && location.contains("error=UNAUTHENTICATED"),
        "location: {location}"
    );
    assert!(
        find_set_cookie(&set_cookies(&resp), "oms_at").is_none(),
        "no session cookie on failure"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn form_posts_without_a_same_origin_header_are_403() {
    let app = TestApp::spawn().await;
    let form = [
        ("email", Role::Customer.email()),
        ("password", Role::Customer.password()),
    ];
    let resp = app
        .http()
        .post(app.url("/auth/login"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(find_set_cookie(&set_cookies(&resp), "oms_at").is_none());

    let resp = app
        .http()
        .post(app.url("/auth/login"))
        .header(ORIGIN, "http://evil.example")
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(find_set_cookie(&set_cookies(&resp), "oms_at").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn language_switch_sets_a_cookie_and_renders_chinese() {
    let app = TestApp::spawn().await;
    let client = app.cookie_client();
    let english = get_html(&client, &app.url("/")).await;
    assert!(
        html_tag(&english).contains("lang=\"en"),
        "default language is English: {}",
        html_tag(&english)
    );

    let resp = client
        .get(app.url("/lang/zh?next=/products/AUD-001"))
        .send()
        .await
        .expect("GET /lang/zh");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[LOCATION], "/products/AUD-001");
    let cookies = set_cookies(&resp);
    let lang = find_set_cookie(&cookies, "oms_lang")
        .unwrap_or_else(|| panic!("no oms_lang cookie: {cookies:?}"));
    assert!(lang.starts_with("oms_lang=zh"), "{lang}");

    let chinese = get_html(&client, &app.url("/")).await;
    assert!(
        html_tag(&chinese).contains("lang=\"zh"),
        "page not in Chinese: {}",
        html_tag(&chinese)
    );
    assert_ne!(
        english, chinese,
        "the Chinese page must differ from the English one"
    );
    assert!(
        chinese
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the Chinese page shows no Chinese characters"
    );

    let resp = client
        .get(app.url("/lang/en?next=/"))
        .send()
        .await
        .expect("GET /lang/en");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let back = get_html(&client, &app.url("/")).await;
    assert!(html_tag(&back).contains("lang=\"en"));
}

#[tokio::test(flavor = "multi_thread")]
async fn console_shell_is_only_rendered_for_staff() {
    let app = TestApp::spawn().await;

    let anonymous = app
        .http()
        .get(app.url("/console"))
        .send()
        .await
        .expect("GET /console");
    let anonymous = anonymous.text().await.expect("body");
    assert!(
        !anonymous.contains(CONSOLE_SHELL_MARKER),
        "anonymous sees the console shell"
    );
    assert!(
        anonymous.contains(CONSOLE_DENIED_MARKER),
        "anonymous gets no sign-in prompt"
    );

    let customer = app.cookie_client();
    assert_eq!(
        form_login(&app, &customer, Role::Customer).await.status(),
        StatusCode::SEE_OTHER
    );
    let resp = customer
        .get(app.url("/console"))
        .send()
        .await
        .expect("GET /console");
    let html = resp.text().await.expect("body");
    assert!(
        !html.contains(CONSOLE_SHELL_MARKER),
        "a customer sees the console shell"
    );
    assert!(
        html.contains(CONSOLE_DENIED_MARKER),
        "a customer gets no \"not allowed\" notice"
    );

    let admin = app.cookie_client();
    assert_eq!(
        form_login(&app, &admin, Role::Admin).await.status(),
        StatusCode::SEE_OTHER
    );
    let html = get_html(&admin, &app.url("/console")).await;
    assert!(
        html.contains(CONSOLE_SHELL_MARKER),
        "admin does not see the console shell: {html}"
    );
    assert!(
        !html.contains(CONSOLE_DENIED_MARKER),
        "admin is told they are not allowed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_readiness_endpoints_answer_200() {
    let app = TestApp::spawn().await;
    let resp = app
        .http()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("GET /healthz");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.text().await.expect("body").trim(), "ok");
    let resp = app
        .http()
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("GET /readyz");
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_sql_statements() {
    let app = TestApp::spawn().await;
    get_html(app.http(), &app.url("/")).await;
    let resp = app
        .http()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.expect("body");
    assert!(text.contains("oms_sql_statements_total"), "metrics: {text}");
}
