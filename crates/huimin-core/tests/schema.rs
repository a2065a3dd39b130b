//! The committed JSON Schemas must be the ones the types generate (regenerate with
//! `huimin schema > fixtures/pack.schema.json`, `huimin schema --program > fixtures/program.schema.json`
//! `huimin schema --values > fixtures/values.schema.json` and
//! `huimin schema --reform > fixtures/reform.schema.json`,
//! `huimin schema --properties > fixtures/properties.schema.json`).
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
    assert_eq!(
        committed("reform.schema.json"),
        huimin_core::pack::reform_schema(),
        "fixtures/reform.schema.json is stale"
    );
    assert_eq!(
        committed("properties.schema.json"),
        huimin_core::verify::properties_schema(),
        "fixtures/properties.schema.json is stale"
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

#[test]
fn no_fixture_has_a_key_that_yaml_1_1_reads_as_a_boolean() {
    // PyYAML and many editors read YAML 1.1, where the keys on, off, yes, no, y and n are
    // booleans: a program file's `on: 2021-09-03` became `true: 2021-09-03` there. The formats
    // use other words (a collection's `date`), and no fixture may bring the trap back.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let trap = [
        "on", "off", "yes", "no", "y", "n", "On", "Off", "Yes", "No", "ON", "OFF",
    ];
    let mut found = Vec::new();
    for dir in ["policies", "programs", "values"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split(" #").next().unwrap_or("");
                for k in trap {
                    let as_key = [format!("{{ {k}:"), format!(", {k}:"), format!("- {k}:")];
                    if as_key.iter().any(|p| code.contains(p.as_str()))
                        || code.trim_start().starts_with(&format!("{k}:"))
                    {
                        found.push(format!("{}:{}: `{k}:`", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn hover_text_names_each_field_in_chinese_first() {
    let s = huimin_core::pack::json_schema();
    let d = |key: &str| {
        s["properties"][key]["description"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        d("valid_from").starts_with("施行日期 — "),
        "{}",
        d("valid_from")
    );
    assert!(d("parameters").starts_with("参数"), "{}", d("parameters"));
    let r = huimin_core::pack::reform_schema();
    assert!(r["properties"]["off"]["description"]
        .as_str()
        .unwrap()
        .starts_with("停用的规则"));
}
