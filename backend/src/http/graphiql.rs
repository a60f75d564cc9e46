//! The GraphQL explorer (GraphiQL) at `GET /graphql` for browsers, served
//! entirely from this server so it works on a closed network, and the SDL at
//! `/graphql/schema.graphql`.
//!
//! `scripts/fetch-graphiql.sh` puts pinned npm builds of graphiql, react and
//! react-dom (with their licences) into `<site_root>/graphiql`; they are
//! served under `/graphiql/` with a one-year immutable `Cache-Control`, the
//! page naming them with `?v=<hash of the pinned versions>`. Without them the
//! page says so and links the SDL instead of loading forever.

use std::path::Path;

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::pages::cache_immutable;
use crate::graphql::OmsSchema;

/// Folder under the site root, and the URL path it is served at.
const DIR: &str = "graphiql";
/// What the page loads; `VERSIONS` names the pinned packages.
const ASSETS: [&str; 4] = [
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
];
const VERSIONS: &str = "VERSIONS";

/// The explorer's files, if this server has them.
#[derive(Clone, Debug)]
pub struct Explorer {
    /// Cache-busting tag for the asset URLs; `None` when the files are missing.
    version: Option<String>,
}

impl Explorer {
    pub fn load(site_root: &Path) -> Explorer {
        let dir = site_root.join(DIR);
        let version = std::fs::read(dir.join(VERSIONS)).ok().filter(|_| {
            ASSETS
                .iter()
                .all(|f| std::fs::metadata(dir.join(f)).is_ok_and(|m| m.is_file() && m.len() > 0))
        });
        Explorer {
            version: version.map(|pins| {
                Sha256::digest(&pins)
                    .iter()
                    .take(6)
                    .map(|b| format!("{b:02x}"))
                    .collect()
            }),
        }
    }

    /// The HTML page for `GET /graphql` in a browser.
    pub fn page(&self) -> HttpResponse {
        let body = match &self.version {
            Some(v) => explorer_page(v),
            None => MISSING_PAGE.to_owned(),
        };
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
}

/// Mounts `/graphiql/…` (when the files exist) and `/graphql/schema.graphql`.
pub fn configure(cfg: &mut web::ServiceConfig, site_root: &Path, schema: &OmsSchema) {
    let explorer = Explorer::load(site_root);
    if explorer.version.is_some() {
        cfg.service(
            web::scope("/graphiql")
                .wrap(from_fn(cache_immutable))
                .service(actix_files::Files::new("", site_root.join(DIR))),
        );
    }
    let sdl = web::Data::new(Sdl(schema.sdl()));
    cfg.app_data(web::Data::new(explorer)).service(
        web::resource("/graphql/schema.graphql")
            .app_data(sdl)
            .route(web::get().to(schema_sdl)),
    );
}

/// The schema in GraphQL SDL, rendered once per worker.
struct Sdl(String);

/// `GET /graphql/schema.graphql`, also in production (where introspection is off).
async fn schema_sdl(sdl: web::Data<Sdl>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(sdl.0.clone())
}

fn explorer_page(version: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="description" content="GraphiQL explorer for the OMS GraphQL API">
<title>GraphQL explorer · OMS</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/{DIR}/graphiql.min.css?v={version}">
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql"><p style="font-family: sans-serif; padding: 1em">Loading the GraphQL explorer… The schema is also at <a href="/graphql/schema.graphql">/graphql/schema.graphql</a>.</p></div>
<script src="/{DIR}/react.production.min.js?v={version}"></script>
<script src="/{DIR}/react-dom.production.min.js?v={version}"></script>
<script src="/{DIR}/graphiql.min.js?v={version}"></script>
<script>
(function () {{
  var ws = new URL("/graphql", window.location.href);
  ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({{
    url: new URL("/graphql", window.location.href).toString(),
    subscriptionUrl: ws.toString(),
    fetch: function (url, opts) {{
      return window.fetch(url, Object.assign({{}}, opts, {{ credentials: "same-origin" }}));
    }}
  }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{ fetcher: fetcher, defaultEditorToolsVisibility: true }})
  );
}})();
</script>
</body>
</html>
"##
    )
}

const MISSING_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="description" content="The OMS GraphQL API">
<title>GraphQL API · OMS</title>
<link rel="icon" href="data:,">
</head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">
<h1>GraphQL API</h1>
<p id="graphiql-missing">The GraphQL explorer (GraphiQL) is not installed on this server: its files
were not found in the site root's <code>graphiql/</code> folder. Running
<code>scripts/build-wasm.sh</code> with access to the npm registry fetches them.</p>
<p>The schema is at <a id="schema-link" href="/graphql/schema.graphql">/graphql/schema.graphql</a>.
Send queries as JSON with <code>POST /graphql</code>, for example
<code>{"query": "{ __typename }"}</code>.</p>
</body>
</html>
"#;
