#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Runs every conformance case in `fixtures/cases/<pack-id>/*.json` against its pack in
//! `fixtures/policies/`, comparing each expected field to the fen. The Python and WASM test
//! suites run the same cases with the same matching rule (see `fixtures/README.md`).

use huimin_core::{Participant, Policy};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// `expected` matches `actual` when every key of an expected object matches the same key of
/// the actual object, arrays match element by element with equal lengths, and scalars are equal.
fn matches(expected: &Value, actual: &Value, path: &str, diffs: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => matches(ev, av, &format!("{path}.{k}"), diffs),
                    None => diffs.push(format!("{path}.{k}: missing in the result")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!(
                    "{path}: expected {} items, got {}: {}",
                    e.len(),
                    a.len(),
                    actual
                ));
            } else {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    matches(ev, av, &format!("{path}[{i}]"), diffs);
                }
            }
        }
        _ => {
            if expected != actual {
                diffs.push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
    }
}

fn pack_path(id: &str) -> Option<PathBuf> {
    ["yaml", "yml", "json"]
        .iter()
        .map(|x| fixtures().join("policies").join(format!("{id}.{x}")))
        .find(|p| p.exists())
}

#[test]
fn every_case_gives_the_expected_decision() {
    // HUIMIN_CASES=prefix runs only the packs whose id starts with it (while writing a pack).
    let only = std::env::var("HUIMIN_CASES").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().starts_with(&only))
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        let path = pack_path(&id)
            .unwrap_or_else(|| panic!("cases for `{id}` but no pack fixtures/policies/{id}.yaml"));
        // A case may name the values file of a deployment (fixtures/values/) the pack needs.
        let mut compiled: std::collections::BTreeMap<Option<String>, Policy> = Default::default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            count += 1;
            let name = format!("{id}/{}", file.file_name().unwrap().to_string_lossy());
            let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                case.get("note")
                    .and_then(Value::as_str)
                    .is_some_and(|n| !n.is_empty()),
                "{name}: every case needs a `note` with the arithmetic"
            );
            let as_of =
                chrono::NaiveDate::parse_from_str(case["as_of"].as_str().unwrap(), "%Y-%m-%d")
                    .unwrap();
            let values = case
                .get("values")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let policy = compiled.entry(values.clone()).or_insert_with(|| {
                match &values {
                    Some(v) => {
                        Policy::from_path_with_values(&path, fixtures().join("values").join(v))
                    }
                    None => Policy::from_path(&path),
                }
                .unwrap_or_else(|e| panic!("{name}: {e}"))
            });
            let outcome = Participant::from_json_value(&case["participant"])
                .map_err(|errors| huimin_core::Error::Input { errors })
                .and_then(|p| policy.evaluate(&p, as_of));
            let mut diffs = Vec::new();
            match (outcome, case.get("expected"), case.get("expected_error")) {
                (Ok(d), Some(exp), None) => matches(exp, &d.to_json(), "", &mut diffs),
                (Err(e), None, Some(exp)) => {
                    matches(exp, &serde_json::to_value(&e).unwrap(), "", &mut diffs)
                }
                (Ok(d), _, Some(_)) => diffs.push(format!(
                    "expected an error, got net fee {} subsidy {}",
                    d.net_fee, d.subsidy_total
                )),
                (Err(e), Some(_), _) => diffs.push(format!("unexpected error: {e}")),
                _ => {
                    diffs.push("a case needs exactly one of `expected` and `expected_error`".into())
                }
            }
            if !diffs.is_empty() {
                failures.push(format!("{name}:\n  {}", diffs.join("\n  ")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 0, "no cases found");
}

#[test]
fn every_pack_loads_and_has_at_least_six_cases() {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(fixtures().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        if !path.extension().is_some_and(|x| x == "yaml" || x == "json") {
            continue;
        }
        match Policy::from_path(&path) {
            Err(e) => problems.push(format!("{e}")),
            Ok(p) => {
                let cases = std::fs::read_dir(fixtures().join("cases").join(p.id()))
                    .map(|d| d.count())
                    .unwrap_or(0);
                if cases < 6 {
                    problems.push(format!("{}: {cases} cases, want at least 6", p.id()));
                }
                if path.file_stem().unwrap().to_string_lossy() != p.id() {
                    problems.push(format!(
                        "{}: file name differs from the pack id `{}`",
                        path.display(),
                        p.id()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
