//! The service's OpenAPI 3.1 document: the paths of [`super::router`], with every body and
//! answer schema generated from the core's Rust types (schemars, JSON Schema 2020-12, which
//! OpenAPI 3.1 uses as is). `docs/openapi.json` is this document; a test keeps it current.

use huimin_core::ffi::{Info, Thrown};
use huimin_core::{Decision, InputError, InputSchema, Screening};
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

/// How a path is called.
struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    /// The query parameters it reads.
    query: &'static [(&'static str, bool, &'static str)],
    /// The body's schema and media type, if it takes one.
    body: Option<(&'static str, &'static str)>,
    /// The answer's schema and media type.
    answer: (&'static str, &'static str),
}

const AS_OF: (&str, bool, &str) = ("as_of", true, "The evaluation date, YYYY-MM-DD.");
const EXPLAIN: (&str, bool, &str) = (
    "explain",
    false,
    "Record the explanation steps (default: true for one participant, false in a batch).",
);

/// Every path the router serves, in its order.
const OPS: &[Op] = &[
    Op {
        method: "get",
        path: "/health",
        summary: "The process is up.",
        query: &[],
        body: None,
        answer: ("Health", "application/json"),
    },
    Op {
        method: "get",
        path: "/ready",
        summary: "The packs served, their fingerprints, and any pack file that did not load.",
        query: &[],
        body: None,
        answer: ("Ready", "application/json"),
    },
    Op {
        method: "get",
        path: "/packs",
        summary: "Every pack served: its identity and fingerprint.",
        query: &[],
        body: None,
        answer: ("Packs", "application/json"),
    },
    Op {
        method: "get",
        path: "/packs/{id}",
        summary: "One pack's identity and fingerprint.",
        query: &[],
        body: None,
        answer: ("Info", "application/json"),
    },
    Op {
        method: "get",
        path: "/packs/{id}/schema",
        summary: "The fields and tags a participant may have.",
        query: &[],
        body: None,
        answer: ("InputSchema", "application/json"),
    },
    Op {
        method: "post",
        path: "/packs/{id}/validate",
        summary: "Every problem with a participant's data, by field path (empty: it can be evaluated).",
        query: &[],
        body: Some(("Participant", "application/json")),
        answer: ("InputErrors", "application/json"),
    },
    Op {
        method: "post",
        path: "/packs/{id}/evaluate",
        summary: "The decision for one participant, with its receipt (pack, fingerprint, engine, as_of).",
        query: &[AS_OF, EXPLAIN],
        body: Some(("Participant", "application/json")),
        answer: ("Decision", "application/json"),
    },
    Op {
        method: "post",
        path: "/packs/{id}/batch",
        summary: "Participants as JSON lines: one answer line each, in order, streamed — a Decision, or {line, error}.",
        query: &[AS_OF, EXPLAIN],
        body: Some(("Participant", "application/x-ndjson")),
        answer: ("BatchLine", "application/x-ndjson"),
    },
    Op {
        method: "post",
        path: "/packs/{id}/simulate",
        summary: "The totals of participants (JSON lines, at most max_batch_rows) under the pack and, with reform=ID, another served pack: winners and losers; a bad line is counted and named.",
        query: &[
            AS_OF,
            (
                "reform",
                false,
                "Another served pack to compare with (a reform, a new version).",
            ),
        ],
        body: Some(("Participant", "application/x-ndjson")),
        answer: ("Report", "application/json"),
    },
    Op {
        method: "post",
        path: "/screen",
        summary: "A household under every program in force: what the family pays and receives, and why.",
        query: &[
            AS_OF,
            (
                "place",
                false,
                "Only the programs of this place (their jurisdiction contains it).",
            ),
        ],
        body: Some(("Household", "application/json")),
        answer: ("Screening", "application/json"),
    },
    Op {
        method: "get",
        path: "/openapi.json",
        summary: "This document.",
        query: &[],
        body: None,
        answer: ("OpenApi", "application/json"),
    },
    Op {
        method: "post",
        path: "/admin/reload",
        summary: "Reload the packs now (loopback peers only): changed packs compiled aside and swapped in whole.",
        query: &[],
        body: None,
        answer: ("Ready", "application/json"),
    },
];

/// The OpenAPI document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas/".into();
    let mut g = settings.into_generator();
    // Each type registers itself (and what it uses) under its own name.
    for r in [
        g.subschema_for::<Decision>(),
        g.subschema_for::<Thrown<'static>>(),
        g.subschema_for::<Info>(),
        g.subschema_for::<InputSchema>(),
        g.subschema_for::<InputError>(),
        g.subschema_for::<Screening>(),
        g.subschema_for::<huimin_core::tally::Report>(),
    ] {
        debug_assert!(r.get("$ref").is_some());
    }
    let mut schemas = g.take_definitions(true);
    schemas.insert(
        "InputErrors".into(),
        json!({ "type": "array", "items": { "$ref": "#/components/schemas/InputError" } }),
    );
    schemas.insert(
        "Packs".into(),
        json!({ "type": "array", "items": { "$ref": "#/components/schemas/Info" } }),
    );
    schemas.insert(
        "Participant".into(),
        json!({
            "type": "object",
            "description": "A participant: `id`, `tags` and the pack's input fields (GET /packs/{id}/schema).",
        }),
    );
    schemas.insert(
        "Household".into(),
        json!({
            "type": "object",
            "description": "A household: `{\"id\", \"members\": [participant, …]}`.",
            "required": ["members"],
        }),
    );
    schemas.insert(
        "BatchLine".into(),
        json!({ "oneOf": [
            { "$ref": "#/components/schemas/Decision" },
            { "type": "object", "required": ["line", "error"], "properties": {
                "line": { "type": "integer", "description": "The body's line, from 1." },
                "error": { "$ref": "#/components/schemas/Thrown" } } },
        ] }),
    );
    schemas.insert(
        "OpenApi".into(),
        json!({ "type": "object", "description": "An OpenAPI 3.1 document." }),
    );
    schemas.insert(
        "Health".into(),
        json!({ "type": "object", "properties": {
        "status": { "const": "ok" }, "engine": { "type": "string" } } }),
    );
    schemas.insert("Ready".into(), json!({ "type": "object", "properties": {
        "status": { "enum": ["ready", "degraded", "no_packs"] },
        "generation": { "type": "integer", "description": "Counts the versions of the packs served." },
        "packs": { "type": "array", "items": { "type": "object", "properties": {
            "id": { "type": "string" }, "fingerprint": { "type": "string" },
            "file": { "type": "string" }, "values": { "type": ["string", "null"] } } } },
        "broken": { "type": "array", "items": { "type": "object", "properties": {
            "file": { "type": "string" }, "error": { "type": "string" } } } } } }));

    let mut paths = serde_json::Map::new();
    for op in OPS {
        let mut parameters: Vec<Value> = Vec::new();
        if op.path.contains("{id}") {
            parameters.push(json!({ "name": "id", "in": "path", "required": true,
                "description": "The pack's id.", "schema": { "type": "string" } }));
        }
        for (name, required, description) in op.query {
            parameters.push(json!({ "name": name, "in": "query", "required": required,
                "description": description, "schema": { "type": "string" } }));
        }
        let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut o = json!({
            "summary": op.summary,
            "parameters": parameters,
            "responses": {
                "200": { "description": "The answer.",
                         "content": { op.answer.1: { "schema": schema(op.answer.0) } } },
                "4XX": { "description": "Refused: bad input (400), unknown pack (404), body or batch over its limit (413), past the time limit (408); the limit is named.",
                         "content": { "application/json": { "schema": schema("Thrown") } } },
                "503": { "description": "Too many requests at once (the limit `concurrency`).",
                         "content": { "application/json": { "schema": schema("Thrown") } } },
            },
        });
        if let (Some((name, media)), Some(obj)) = (op.body, o.as_object_mut()) {
            obj.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { media: { "schema": schema(name) } } }),
            );
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        if let Some(e) = entry.as_object_mut() {
            e.insert(op.method.to_owned(), o);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "huimin serve",
            "version": huimin_core::VERSION,
            "description": "惠民 huimin: exact, explainable rules for subsidised public services. Bodies and answers are huimin-core's FFI JSON; every decision carries its receipt (pack, fingerprint, engine, as_of).",
        },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}
