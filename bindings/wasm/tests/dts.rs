//! `bindings/wasm/js/index.d.ts` is generated: the data types (Decision, InputSchema,
//! PolicyInfo, the error JSON, …) from the JSON Schemas the Rust types derive
//! (`schemars::JsonSchema`, serialisation view), followed by the hand-written declarations of
//! the JS classes in `js/api.d.ts.in`. This test fails when the committed file is stale;
//! `HUIMIN_BLESS=1 cargo test -p huimin-wasm --test dts` regenerates it (the build step).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;

use huimin_core::{ffi, Decision, Error, InputSchema};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/js");

/// Rust type names whose TypeScript names differ (kept from the hand-written declarations, and
/// `Error` would shadow the JS global).
const RENAMES: &[(&str, &str)] = &[
    ("Error", "HuiminErrorJson"),
    ("EvalError", "EvalErrorJson"),
    ("PackError", "PackProblem"),
    ("Info", "PolicyInfo"),
];

fn ts_name(rust: &str) -> String {
    RENAMES
        .iter()
        .find(|(r, _)| *r == rust)
        .map_or_else(|| rust.to_owned(), |(_, t)| (*t).to_owned())
}

fn doc(out: &mut String, indent: &str, s: &Map<String, Value>) {
    if let Some(Value::String(d)) = s.get("description") {
        let d = d.replace("*/", "* /");
        if d.contains('\n') {
            let _ = writeln!(out, "{indent}/**");
            for line in d.lines() {
                let _ = writeln!(out, "{}", format!("{indent} * {line}").trim_end());
            }
            let _ = writeln!(out, "{indent} */");
        } else {
            let _ = writeln!(out, "{indent}/** {d} */");
        }
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\'', "\\'")),
        other => other.to_string(),
    }
}

fn union(parts: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for p in parts {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join(" | ")
}

fn paren(t: String) -> String {
    if t.contains(" | ") || t.contains(" & ") {
        format!("({t})")
    } else {
        t
    }
}

/// The TypeScript type of a schema (inline), at an indentation for object bodies.
fn ts(schema: &Value, indent: &str) -> String {
    let Value::Object(s) = schema else {
        return if schema == &Value::Bool(false) {
            "never".into()
        } else {
            "unknown".into()
        };
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(Value::String(r)) = s.get("$ref") {
        parts.push(ts_name(r.rsplit('/').next().unwrap()));
    }
    if let Some(Value::Array(items)) = s.get("allOf") {
        parts.extend(items.iter().map(|i| ts(i, indent)));
    }
    if let Some(c) = s.get("const") {
        return literal(c);
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        return union(e.iter().map(literal).collect());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = s.get(key) {
            parts.push(union(items.iter().map(|i| ts(i, indent)).collect()));
        }
    }
    let types: Vec<String> = match s.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        parts.push(union(types.iter().map(|t| simple(t, s, indent)).collect()));
    } else if s.contains_key("properties") {
        parts.push(object(s, indent));
    }
    match parts.len() {
        0 => "unknown".into(),
        1 => parts.remove(0),
        _ => format!(
            "({})",
            parts.into_iter().map(paren).collect::<Vec<_>>().join(" & ")
        ),
    }
}

fn simple(t: &str, s: &Map<String, Value>, indent: &str) -> String {
    match t {
        "string" if s.get("format") == Some(&Value::String("date".into())) => "IsoDate".into(),
        "string" => "string".into(),
        "integer" | "number" => "number".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "array" => match s.get("items") {
            Some(items) => format!("{}[]", paren(ts(items, indent))),
            None => "unknown[]".into(),
        },
        "object" => object(s, indent),
        _ => "unknown".into(),
    }
}

fn object(s: &Map<String, Value>, indent: &str) -> String {
    let props = s.get("properties").and_then(Value::as_object);
    let extra = s.get("additionalProperties");
    let map_of = extra.filter(|v| v.is_object());
    if props.is_none_or(|p| p.is_empty()) {
        return match map_of {
            Some(v) => format!("Record<string, {}>", ts(v, indent)),
            None => "Record<string, never>".into(),
        };
    }
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (name, p) in props.into_iter().flatten() {
        if let Value::Object(pm) = p {
            doc(&mut out, &inner, pm);
        }
        let opt = if required.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{inner}{name}{opt}: {};", ts(p, &inner));
    }
    if let Some(v) = map_of {
        let _ = writeln!(out, "{inner}[key: string]: {};", ts(v, &inner));
    }
    out.push_str(indent);
    out.push('}');
    out
}

/// The generated declarations: every type reachable from the roots, sorted by name.
fn generated() -> String {
    let mut g = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    g.subschema_for::<Decision>();
    g.subschema_for::<InputSchema>();
    g.subschema_for::<ffi::Info>();
    g.subschema_for::<Error>();
    g.subschema_for::<huimin_core::Screening>();
    g.subschema_for::<huimin_core::Diff>();
    g.subschema_for::<huimin_core::WhatIf>();
    g.subschema_for::<huimin_core::Partial>();
    let defs = g.take_definitions(true);
    let mut names: Vec<&String> = defs.keys().collect();
    names.sort_by_key(|n| ts_name(n));
    let mut out = String::new();
    for name in names {
        let schema = &defs[name];
        let Value::Object(s) = schema else { continue };
        out.push('\n');
        doc(&mut out, "", s);
        let body = ts(schema, "");
        let plain_object = s.get("type") == Some(&Value::String("object".into()))
            && s.contains_key("properties")
            && !s.contains_key("$ref")
            && !s.contains_key("allOf")
            && !s.contains_key("oneOf")
            && !s.contains_key("anyOf");
        if plain_object {
            let _ = writeln!(out, "export interface {} {body}", ts_name(name));
        } else {
            let _ = writeln!(out, "export type {} = {body};", ts_name(name));
        }
    }
    out
}

fn declarations() -> String {
    let api = std::fs::read_to_string(format!("{DIR}/api.d.ts.in")).unwrap();
    format!(
        "// Type declarations for the `huimin` npm package. GENERATED — do not edit: the data types\n\
         // come from huimin-core's JSON Schemas (schemars) and the classes from js/api.d.ts.in;\n\
         // regenerate with `HUIMIN_BLESS=1 cargo test -p huimin-wasm --test dts`.\n\n\
         {api}\n\
         // ------------------------------------------------------------------ data (generated from the Rust types)\n\
         {}",
        generated()
    )
}

#[test]
fn index_d_ts_is_generated_from_the_rust_types() {
    let want = declarations();
    let path = format!("{DIR}/index.d.ts");
    if std::env::var_os("HUIMIN_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "bindings/wasm/js/index.d.ts is stale: regenerate it with \
         `HUIMIN_BLESS=1 cargo test -p huimin-wasm --test dts`"
    );
}
