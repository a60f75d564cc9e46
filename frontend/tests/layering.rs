//! The frontend's modules form layers without circles: each top-level
//! module may refer (through `crate::…`) only to the modules below it.
//!
//! ```text
//! schema                     enums generated from schema.graphql
//! i18n                       texts; translates schema values
//! api, cart, http_status     GraphQL client and types; cart cookie; HTTP status
//! session                    the caller's identity
//! components                 widgets shared by pages
//! pages                      one file per page: never another page, nor app
//! app                        the router: the only importer of pages
//! lib.rs                     wires everything
//! ```
//!
//! `pages/mod.rs` holds only `pub mod` lines, so a page has nothing to
//! share but what it should move to `components/`. A new top-level module
//! must be added to [`LAYERS`].

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// `(module, modules it may refer to)`. `ssr` and `HydrationBundle` (the
/// seam with the backend, in `lib.rs`) may be used anywhere.
const LAYERS: &[(&str, &[&str])] = &[
    ("schema", &[]),
    ("i18n", &["schema"]),
    ("http_status", &[]),
    ("cart", &[]),
    ("api", &["schema", "i18n"]),
    ("session", &["schema", "api"]),
    (
        "components",
        &["schema", "i18n", "api", "cart", "http_status", "session"],
    ),
    (
        "pages",
        &[
            "schema",
            "i18n",
            "api",
            "cart",
            "http_status",
            "session",
            "components",
        ],
    ),
    (
        "app",
        &[
            "schema",
            "i18n",
            "api",
            "cart",
            "http_status",
            "session",
            "components",
            "pages",
        ],
    ),
];

/// Items of `lib.rs` that any module may use.
const SEAM: &[&str] = &["ssr", "HydrationBundle"];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`pages/cart.rs` → `pages`,
/// `i18n.rs` → `i18n`); `None` for `lib.rs`.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_owned();
    (name != "lib").then_some(name)
}

/// The code of a line, without a trailing `//` comment (good enough: no
/// module path of ours appears in a string after `//`).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first path segment of every `crate::…` in `src`, including each of
/// a `use crate::{a::x, b}` group.
fn crate_refs(src: &str) -> Vec<(usize, String)> {
    let mut refs = Vec::new();
    let text: String = src.lines().map(|l| format!("{}\n", code(l))).collect();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `my_crate::`
        }
        let line = text[..at].matches('\n').count() + 1;
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start => {
                        refs.push((line, ident_at(&group[i..]).to_owned()));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            refs.push((line, ident_at(rest).to_owned()));
        }
    }
    refs
}

/// Every rule broken under `src`, one line each.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let pages: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(src.join("pages")).ok())
        .filter_map(|f| f.to_str()?.strip_suffix(".rs").map(str::to_owned))
        .filter(|stem| stem != "mod")
        .collect();
    let mut found = Vec::new();
    for file in &files {
        let Ok(rel) = file.strip_prefix(src) else {
            continue;
        };
        let Ok(text) = fs::read_to_string(file) else {
            panic!("cannot read {}", file.display());
        };
        let Some(module) = module_of(rel) else {
            continue; // lib.rs wires everything
        };
        let shown = rel.display();
        let Some((_, allowed)) = LAYERS.iter().find(|(m, _)| *m == module) else {
            found.push(format!(
                "{shown}: module `{module}` is not in LAYERS (frontend/tests/layering.rs)"
            ));
            continue;
        };
        for (line, target) in crate_refs(&text) {
            // Within a module is fine, except a page reaching other pages.
            let ok = (target == module && module != "pages")
                || allowed.contains(&target.as_str())
                || SEAM.contains(&target.as_str());
            if !ok {
                let what = match target.as_str() {
                    "App" => "app".to_owned(),
                    other => other.to_owned(),
                };
                found.push(format!(
                    "{shown}:{line}: `{module}` may not use `crate::{what}`"
                ));
            }
        }
        if module == "pages" {
            let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned());
            if stem.as_deref() == Some("mod") {
                let declares_only = |c: &str| {
                    c.is_empty()
                        || c.starts_with("pub mod ")
                        || c.starts_with("mod ")
                        || c.starts_with("#[")
                };
                let first_other = text.lines().position(|l| !declares_only(code(l).trim()));
                if let Some(i) = first_other {
                    found.push(format!(
                        "{shown}:{}: pages/mod.rs declares pages only; shared items go to components/",
                        i + 1
                    ));
                }
                continue;
            }
            // `super::` from a page is `crate::pages`: another page.
            for (i, line) in text.lines().enumerate() {
                for (at, _) in code(line).match_indices("super::") {
                    let target = ident_at(&code(line)[at + "super::".len()..]);
                    if pages.contains(target) && Some(target) != stem.as_deref() {
                        found.push(format!(
                            "{shown}:{}: a page may not use another page (`super::{target}`)",
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let found = violations(&src_dir());
    assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_a_page_importing_a_page_or_the_app() {
    let dir = std::env::temp_dir().join(format!("oms-layering-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write("lib.rs", "pub mod app;\npub mod pages;\n");
    write("app.rs", "use crate::pages::a::A;\n");
    write(
        "pages/mod.rs",
        "pub mod a;\npub mod b;\npub fn shared() {}\n",
    );
    write(
        "pages/a.rs",
        "use crate::app::Session;\n// crate::pages is fine in a comment\n",
    );
    write(
        "pages/b.rs",
        "use crate::{i18n::Key, pages::a::A};\nfn f() { super::a::g() }\n",
    );
    write("components/w.rs", "use crate::App;\n");
    write("extra.rs", "\n");
    let found = violations(&dir);
    let _ = fs::remove_dir_all(&dir);
    let has = |needle: &str| found.iter().any(|f| f.contains(needle));
    assert!(
        has("pages/a.rs:1: `pages` may not use `crate::app`"),
        "{found:#?}"
    );
    assert!(
        has("pages/b.rs:1: `pages` may not use `crate::pages`"),
        "{found:#?}"
    );
    assert!(
        has("pages/b.rs:2: a page may not use another page (`super::a`)"),
        "{found:#?}"
    );
    assert!(
        has("pages/mod.rs:3: pages/mod.rs declares pages only"),
        "{found:#?}"
    );
    assert!(
        has("components/w.rs:1: `components` may not use `crate::app`"),
        "{found:#?}"
    );
    assert!(
        has("extra.rs: module `extra` is not in LAYERS"),
        "{found:#?}"
    );
    assert!(!has("app.rs"), "{found:#?}");
    assert_eq!(found.len(), 6, "{found:#?}");
}
