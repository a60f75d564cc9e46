//! The public API's contract: the committed `schema.graphql` matches what the
//! server serves, and every type and field in it is documented.

use crate::helpers::{run_oms, workspace_root};

async fn current_sdl() -> String {
    let out = run_oms(&["schema"], &[]).await;
    assert!(
        out.status.success(),
        "`oms schema` failed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("SDL is UTF-8")
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_schema_graphql_matches_the_server() {
    let sdl = current_sdl().await;
    assert!(
        sdl.contains("type Query"),
        "`oms schema` printed no Query type:\n{sdl}"
    );
    let path = workspace_root().join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.trim_end() == sdl.trim_end(),
        "schema.graphql is stale: run `cargo run -p backend -- schema > schema.graphql` ({})",
        path.display()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_type_and_field_in_the_schema_has_a_description() {
    let sdl = current_sdl().await;
    let (missing, checked) = undocumented(&sdl);
    assert!(
        checked >= 30,
        "only {checked} types/fields recognised: is this really the SDL?\n{sdl}"
    );
    assert!(
        missing.is_empty(),
        "add `///` docs (GraphQL descriptions) to these {} types/fields:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// Names of `type`/`input`/`enum`/`interface`/`union` declarations and of
/// fields (of types, interfaces and inputs) that have no description, and
/// how many declarations and fields were checked.
fn undocumented(sdl: &str) -> (Vec<String>, usize) {
    const DECLS: &[&str] = &["type", "input", "enum", "interface", "union"];
    let mut missing = Vec::new();
    let mut checked = 0;
    let mut in_block_string = false;
    let mut described = false;
    // (keyword, type name) of the `{ ... }` block we are in.
    let mut block: Option<(String, String)> = None;
    let mut paren_depth: i64 = 0;

    for line in sdl.lines() {
        let t = line.trim();
        if in_block_string {
            if t.ends_with("\"\"\"") {
                in_block_string = false;
                described = true;
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("\"\"\"") {
            if rest.ends_with("\"\"\"") && !rest.is_empty() {
                described = true;
            } else {
                in_block_string = true;
            }
            continue;
        }
        if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            described = true;
            continue;
        }
        let parens = t.matches('(').count() as i64 - t.matches(')').count() as i64;
        if paren_depth > 0 {
            // Inside a multi-line argument list: arguments are not checked.
            paren_depth += parens;
            described = false;
            continue;
        }
        match &block {
            None => {
                let mut words = t.split_whitespace();
                let keyword = words.next().unwrap_or_default();
                let name = words
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('{')
                    .to_owned();
                if DECLS.contains(&keyword) {
                    checked += 1;
                    if !described {
                        missing.push(format!("{keyword} {name}"));
                    }
                }
                if t.ends_with('{') {
                    block = Some((keyword.to_owned(), name));
                }
            }
            Some((keyword, type_name)) => {
                if t.starts_with('}') {
                    block = None;
                } else if matches!(keyword.as_str(), "type" | "input" | "interface") {
                    let field = t.split(['(', ':', ' ']).next().unwrap_or_default();
                    checked += 1;
                    if !described {
                        missing.push(format!("{type_name}.{field}"));
                    }
                    paren_depth += parens;
                }
            }
        }
        described = false;
    }
    (missing, checked)
}

#[test]
fn description_check_flags_undocumented_types_and_fields() {
    let sdl = r#"
"""
Documented.
"""
type Good {
	"""
	A documented field.
	"""
	id: ID!
	"""One-liner."""
	withArgs(
		"""
		Arguments are not checked.
		"""
		first: Int = 20
		after: String
	): String!
	"quoted"
	name: String!
}

type Bare {
	nothing: String
}

"""
Input.
"""
input NewThing {
	undocumentedInput: String!
}

enum Plain {
	A
	B
}

schema {
	query: Good
}
"#;
    let (missing, checked) = undocumented(sdl);
    assert_eq!(
        missing,
        vec![
            "type Bare",
            "Bare.nothing",
            "NewThing.undocumentedInput",
            "enum Plain"
        ]
    );
    // Good, Good.{id,withArgs,name}, Bare, Bare.nothing, NewThing, its field, Plain.
    assert_eq!(checked, 9);
}
