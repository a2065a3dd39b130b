#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The `checked` stamp `huimin compile` writes (`Policy::checked_json`): the canonical pack with
//! what this version's lints found on it. A build without the lints (the browser's form module,
//! tested in `bindings/wasm/tests/api.test.mjs`) reads only packs whose stamp matches; a build
//! with them lints anyway and says when a stamp does not match.

use huimin_core::Policy;
use serde_json::Value;

fn pack(id: &str) -> Policy {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/policies/");
    Policy::from_path(format!("{root}{id}.yaml")).unwrap()
}

fn stamped(id: &str) -> Value {
    serde_json::from_str(&pack(id).checked_json().unwrap()).unwrap()
}

fn codes(p: &Policy) -> Vec<&str> {
    p.warnings().iter().map(|w| w.code).collect()
}

#[test]
fn the_stamp_is_of_this_version_and_of_the_rules_and_not_in_the_canonical_text() {
    let p = pack("chongqing-wanzhou-2020");
    let json = stamped("chongqing-wanzhou-2020");
    let c = &json["checked"];
    assert_eq!(c["engine"], huimin_core::VERSION);
    assert_eq!(c["fingerprint"], p.fingerprint());
    assert_eq!(c["warnings"], serde_json::json!([]));
    // Read back, the same rules: the same canonical text (without the stamp) and fingerprint.
    let again = Policy::from_json(&json.to_string(), "wanzhou.json").unwrap();
    assert_eq!(again.canonical(), p.canonical());
    assert!(!again.canonical().contains("\"checked\""));
    assert_eq!(again.fingerprint(), p.fingerprint());
    assert_eq!(codes(&again), Vec::<&str>::new());
}

#[test]
fn the_stamp_keeps_the_lints_warnings_without_their_place() {
    // Nanjing's `semesters_per_year` has a value that cites no clause (the lint `no_citation`).
    let json = stamped("nanjing-2021");
    let w = json["checked"]["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["code"], "no_citation");
    assert!(w[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("parameter `semesters_per_year`"));
    assert!(w[0].get("line").is_none() && w[0].get("file").is_none());
    let again = Policy::from_json(&json.to_string(), "nanjing.json").unwrap();
    assert_eq!(codes(&again), ["no_citation"]);
}

#[test]
fn a_stamp_of_other_rules_or_another_version_is_a_warning_here() {
    let mut json = stamped("chongqing-wanzhou-2020");
    json["jurisdiction"]["en"] = Value::from("Somewhere else");
    let changed = Policy::from_json(&json.to_string(), "wanzhou.json").unwrap();
    assert_eq!(codes(&changed), ["stale_check"]);
    let w = &changed.warnings()[0];
    assert!(
        w.message
            .contains("rules are not the ones `huimin compile` checked"),
        "{}",
        w.message
    );
    assert!(w
        .hint
        .as_deref()
        .unwrap()
        .starts_with("`huimin compile <pack.yaml>"));

    let mut json = stamped("chongqing-wanzhou-2020");
    json["checked"]["engine"] = Value::from("0.0.1");
    let older = Policy::from_json(&json.to_string(), "wanzhou.json").unwrap();
    assert_eq!(codes(&older), ["stale_check"]);
    let message = &older.warnings()[0].message;
    assert!(
        message.contains(&format!(
            "huimin 0.0.1, this is huimin {}",
            huimin_core::VERSION
        )),
        "{message}"
    );
}

#[test]
fn a_stamp_whose_warnings_are_not_the_lints_is_a_warning_here() {
    let mut json = stamped("nanjing-2021");
    json["checked"]["warnings"] = serde_json::json!([]);
    let p = Policy::from_json(&json.to_string(), "nanjing.json").unwrap();
    // In source order: the stamp's problem is placed at the pack's id.
    assert_eq!(codes(&p), ["stale_check", "no_citation"]);
    assert!(p.warnings()[0]
        .message
        .contains("warnings are not the ones the lints give"));
}

#[test]
fn values_or_a_reform_applied_here_are_linted_here_without_a_stale_stamp() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/");
    let wuhu = stamped("wuhu-opinion-2021").to_string();
    let values =
        std::fs::read_to_string(format!("{root}values/wuhu-opinion-2021.example.yaml")).unwrap();
    let p = Policy::from_yaml_with_values(&wuhu, "wuhu.json", &values, "wuhu.values.yaml").unwrap();
    assert!(!codes(&p).contains(&"stale_check"), "{:?}", codes(&p));
    let reform =
        std::fs::read_to_string(format!("{root}reforms/chongqing-wanzhou-2020-cap150.yaml"))
            .unwrap();
    let base =
        Policy::from_json(&stamped("chongqing-wanzhou-2020").to_string(), "wz.json").unwrap();
    let r = base.reformed(&reform, "cap150.yaml").unwrap();
    assert!(!codes(&r).contains(&"stale_check"), "{:?}", codes(&r));
}

#[test]
fn a_stamp_names_only_what_it_knows() {
    let mut json = stamped("chongqing-wanzhou-2020");
    json["checked"]["signed_by"] = Value::from("me");
    let e = Policy::from_json(&json.to_string(), "wanzhou.json").unwrap_err();
    assert!(e.to_string().contains("signed_by"), "{e}");
}

/// Every warning the lints give on the fixtures (the packs broken on purpose included) can be
/// stamped, and is read back from the stamp.
#[test]
fn every_lint_warning_of_the_fixtures_is_stamped() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/");
    let mut seen = std::collections::BTreeSet::new();
    for dir in ["policies", "invalid"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let Ok(p) = Policy::from_path(&path) else {
                continue;
            };
            let json = p
                .checked_json()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let again = Policy::from_json(&json, "again.json").unwrap();
            let stamp: Value = serde_json::from_str(&json).unwrap();
            for w in stamp["checked"]["warnings"].as_array().unwrap() {
                seen.insert(w["code"].as_str().unwrap().to_owned());
            }
            assert!(
                !codes(&again).contains(&"stale_check"),
                "{}",
                path.display()
            );
        }
    }
    // The fixtures exercise these lint warnings at least.
    for code in [
        "never_matches",
        "no_citation",
        "period",
        "unreachable",
        "vocabulary",
    ] {
        assert!(seen.contains(code), "{code} not seen: {seen:?}");
    }
}

/// The stamp holds what the lints say of the JSON it is in: YAML 1.1 traps are of the YAML
/// source (`huimin check` reports them there, `tests/lints.rs`), and JSON has none.
#[test]
fn a_stamp_has_no_yaml_traps_of_the_source() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/");
    let yaml = Policy::from_path(format!("{root}invalid/yaml11-traps.yaml")).unwrap();
    assert_eq!(codes(&yaml), ["yaml11", "yaml11", "yaml11", "yaml11"]);
    let json = yaml.checked_json().unwrap();
    let stamp: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(stamp["checked"]["warnings"], serde_json::json!([]));
    let again = Policy::from_json(&json, "yaml11-traps.json").unwrap();
    assert_eq!(codes(&again), Vec::<&str>::new());
}
