//! The committed JSON Schemas must be the ones the types generate (regenerate with
//! `huimin schema > fixtures/pack.schema.json`, `huimin schema --program > fixtures/program.schema.json`
//! and `huimin schema --values > fixtures/values.schema.json`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

fn committed(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn committed_schemas_match_the_types() {
    assert_eq!(
        committed("pack.schema.json"),
        huimin_core::pack::json_schema(),
        "fixtures/pack.schema.json is stale"
    );
    assert_eq!(
        committed("program.schema.json"),
        huimin_core::program::json_schema(),
        "fixtures/program.schema.json is stale"
    );
    assert_eq!(
        committed("values.schema.json"),
        huimin_core::pack::values_schema(),
        "fixtures/values.schema.json is stale"
    );
}

#[test]
fn the_pack_schema_names_every_top_level_section() {
    let s = huimin_core::pack::json_schema();
    let props = s["properties"].as_object().unwrap();
    for key in [
        "parameters",
        "eligibility",
        "fees",
        "reductions",
        "subsidies",
        "splits",
        "entitlements",
        "earmarks",
        "schedule",
        "staffing",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
}
