//! Generates `$OUT_DIR/schema_enums.rs` from the committed
//! `../schema.graphql` (which a backend test keeps current): one Rust enum
//! per GraphQL enum, so the frontend never copies a list of statuses,
//! actions or roles by hand. `src/schema.rs` includes the file.
//!
//! A small reader of GraphQL SDL, enough for enums: it tokenizes the whole
//! document (strings, comments, names, punctuation) and reads every
//! top-level `enum Name @directives { "description" VALUE @directives ... }`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs, process};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let schema_path = manifest.join("../schema.graphql");
    println!("cargo:rerun-if-changed=../schema.graphql");
    println!("cargo:rerun-if-changed=build.rs");
    let sdl = match fs::read_to_string(&schema_path) {
        Ok(s) => s,
        Err(e) => fail(&format!("cannot read {}: {e}", schema_path.display())),
    };
    let enums = match parse_enums(&sdl) {
        Ok(enums) if !enums.is_empty() => enums,
        Ok(_) => fail("schema.graphql declares no enum"),
        Err(e) => fail(&format!("schema.graphql: {e}")),
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("schema_enums.rs");
    if let Err(e) = fs::write(&out, render(&enums)) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    println!("cargo:warning={message}");
    eprintln!("error: {message}");
    process::exit(1);
}

#[derive(Debug, PartialEq)]
enum Token {
    Name(String),
    /// A string or block string (a description where one is allowed).
    Str(String),
    Punct(char),
}

fn tokenize(sdl: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = sdl.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let starts = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() || c == ',' || c == '\u{feff}' {
            i += 1;
        } else if c == '#' {
            while chars.get(i).is_some_and(|&c| c != '\n' && c != '\r') {
                i += 1;
            }
        } else if starts(i, "\"\"\"") {
            i += 3;
            let mut raw = String::new();
            loop {
                if i >= chars.len() {
                    return Err("unterminated block string".into());
                }
                if starts(i, "\\\"\"\"") {
                    raw.push_str("\"\"\"");
                    i += 4;
                } else if starts(i, "\"\"\"") {
                    i += 3;
                    break;
                } else {
                    raw.push(chars[i]);
                    i += 1;
                }
            }
            tokens.push(Token::Str(block_string_value(&raw)));
        } else if c == '"' {
            i += 1;
            let mut value = String::new();
            loop {
                match chars.get(i) {
                    None | Some('\n') => return Err("unterminated string".into()),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        let escaped = chars.get(i + 1).copied().unwrap_or('\\');
                        value.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                        i += 2;
                    }
                    Some(&c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Str(value));
        } else if c == '_' || c.is_ascii_alphabetic() {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&c| c == '_' || c.is_ascii_alphanumeric())
            {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
        } else if c == '-' || c.is_ascii_digit() {
            // A default value's number: not needed, skipped.
            i += 1;
            while chars
                .get(i)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
            {
                i += 1;
            }
        } else if starts(i, "...") {
            i += 3;
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    Ok(tokens)
}

/// A block string's lines without their common indentation and without
/// blank first and last lines (as GraphQL defines it, near enough for docs).
fn block_string_value(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            if n == 0 {
                l.to_string()
            } else {
                l.chars().skip(indent).collect()
            }
        })
        .collect();
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[derive(Debug, PartialEq)]
struct EnumDef {
    name: String,
    doc: Option<String>,
    /// `(value, description)`, in schema order.
    values: Vec<(String, Option<String>)>,
}

fn parse_enums(sdl: &str) -> Result<Vec<EnumDef>, String> {
    let tokens = tokenize(sdl)?;
    let mut enums = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{' | '(' | '[') => depth += 1,
            Token::Punct('}' | ')' | ']') => depth = depth.saturating_sub(1),
            Token::Name(kw) if depth == 0 && kw == "enum" => {
                let extended = i > 0 && tokens[i - 1] == Token::Name("extend".into());
                let doc = match i.checked_sub(1).map(|p| &tokens[p]) {
                    Some(Token::Str(s)) => Some(s.clone()),
                    _ => None,
                };
                let (def, next) = parse_enum(&tokens, i + 1, doc)?;
                if extended {
                    return Err(format!("`extend enum {}` is not supported", def.name));
                }
                enums.push(def);
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(enums)
}

/// Skips `@name` or `@name(...)` directives from `i`.
fn skip_directives(tokens: &[Token], mut i: usize) -> usize {
    while tokens.get(i) == Some(&Token::Punct('@')) {
        i += 2; // `@` and the name
        if tokens.get(i) == Some(&Token::Punct('(')) {
            let mut depth = 0usize;
            while let Some(t) = tokens.get(i) {
                i += 1;
                match t {
                    Token::Punct('(') => depth += 1,
                    Token::Punct(')') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    i
}

/// Reads `Name @directives { values }` from `i`; returns it and the index
/// after its closing brace.
fn parse_enum(tokens: &[Token], i: usize, doc: Option<String>) -> Result<(EnumDef, usize), String> {
    let Some(Token::Name(name)) = tokens.get(i) else {
        return Err("`enum` without a name".into());
    };
    let mut i = skip_directives(tokens, i + 1);
    if tokens.get(i) != Some(&Token::Punct('{')) {
        return Err(format!("enum {name}: expected `{{`"));
    }
    i += 1;
    let mut values = Vec::new();
    let mut description = None;
    loop {
        match tokens.get(i) {
            Some(Token::Punct('}')) => break,
            Some(Token::Str(s)) => description = Some(s.clone()),
            Some(Token::Name(value)) => {
                values.push((value.clone(), description.take()));
                i = skip_directives(tokens, i + 1);
                continue;
            }
            other => return Err(format!("enum {name}: unexpected {other:?}")),
        }
        i += 1;
    }
    if values.is_empty() {
        return Err(format!("enum {name} has no values"));
    }
    let def = EnumDef {
        name: name.clone(),
        doc,
        values,
    };
    Ok((def, i + 1))
}

/// `PENDING_PAYMENT` → `PendingPayment`.
fn variant_name(value: &str) -> String {
    value
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let mut cs = lower.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn doc_attr(out: &mut String, indent: &str, doc: &str) {
    let _ = writeln!(out, "{indent}#[doc = {doc:?}]");
}

fn render(enums: &[EnumDef]) -> String {
    let mut out =
        String::from("// @generated by frontend/build.rs from schema.graphql; do not edit.\n\n");
    for e in enums {
        let name = &e.name;
        let variants: Vec<(String, &str, Option<&str>)> = e
            .values
            .iter()
            .map(|(v, d)| (variant_name(v), v.as_str(), d.as_deref()))
            .collect();
        if let Some(doc) = &e.doc {
            doc_attr(&mut out, "", doc);
            doc_attr(&mut out, "", "");
        }
        doc_attr(
            &mut out,
            "",
            &format!("The GraphQL enum `{name}`, generated from `schema.graphql`."),
        );
        out.push_str(
            "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, \
             serde::Serialize, serde::Deserialize)]\n",
        );
        let _ = writeln!(out, "pub enum {name} {{");
        for (variant, value, doc) in &variants {
            if let Some(doc) = doc {
                doc_attr(&mut out, "    ", doc);
            }
            let _ = writeln!(out, "    #[serde(rename = {value:?})]\n    {variant},");
        }
        out.push_str("}\n\n");
        let _ = writeln!(out, "impl {name} {{");
        out.push_str("    /// Every value, in schema order.\n");
        let all: Vec<String> = variants
            .iter()
            .map(|(v, _, _)| format!("Self::{v}"))
            .collect();
        let _ = writeln!(
            out,
            "    pub const ALL: &'static [Self] = &[{}];",
            all.join(", ")
        );
        out.push_str("    /// The enum's name in the schema.\n");
        let _ = writeln!(out, "    pub const NAME: &'static str = {name:?};\n");
        out.push_str("    /// The value as the schema spells it.\n");
        out.push_str("    pub const fn as_str(self) -> &'static str {\n        match self {\n");
        for (variant, value, _) in &variants {
            let _ = writeln!(out, "            Self::{variant} => {value:?},");
        }
        out.push_str("        }\n    }\n\n");
        out.push_str("    /// The value the schema spells `s`, if any.\n");
        out.push_str("    pub fn parse(s: &str) -> Option<Self> {\n        match s {\n");
        for (variant, value, _) in &variants {
            let _ = writeln!(out, "            {value:?} => Some(Self::{variant}),");
        }
        out.push_str("            _ => None,\n        }\n    }\n}\n\n");
        let _ = writeln!(out, "impl std::fmt::Display for {name} {{");
        out.push_str(
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n        \
             f.write_str(self.as_str())\n    }\n}\n\n",
        );
    }
    out.push_str("/// `(enum name, values)` of every enum in the schema.\n");
    out.push_str("pub const ENUMS: &[(&str, &[&str])] = &[\n");
    for e in enums {
        let values: Vec<String> = e.values.iter().map(|(v, _)| format!("{v:?}")).collect();
        let _ = writeln!(out, "    ({:?}, &[{}]),", e.name, values.join(", "));
    }
    out.push_str("];\n");
    out
}
