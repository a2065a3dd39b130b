#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Runs every conformance case in `fixtures/cases/<pack-id>/*.json` against its pack in
//! `fixtures/policies/`, comparing each expected field to the fen — and against the same pack
//! rebuilt from its canonical text (what a cluster's worker compiles), which must give the
//! same decision. The Python and WASM test suites run the same cases with the same matching
//! rule (see `fixtures/README.md`).

use huimin_core::cases::Case;
use huimin_core::Policy;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
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
            // The case format and its matching rule are huimin_core::cases, as `huimin test`
            // uses them.
            let case = Case::parse(&std::fs::read_to_string(&file).unwrap(), &name)
                .unwrap_or_else(|e| panic!("{e}"));
            let values = case.values.clone();
            let policy = compiled.entry(values.clone()).or_insert_with(|| {
                match &values {
                    Some(v) => {
                        Policy::from_path_with_values(&path, fixtures().join("values").join(v))
                    }
                    None => Policy::from_path(&path),
                }
                .unwrap_or_else(|e| panic!("{name}: {e}"))
            });
            let (diffs, decision) = case.check(policy);
            if !diffs.is_empty() {
                failures.push(format!("{name}:\n  {}", diffs.join("\n  ")));
            }
            let again = Policy::from_json(&policy.canonical(), "canonical").unwrap();
            assert_eq!(again.fingerprint(), policy.fingerprint(), "{name}");
            let (_, rebuilt) = case.check(&again);
            assert_eq!(
                rebuilt.map(|d| d.to_json()),
                decision.map(|d| d.to_json()),
                "{name}: rebuilt from its canonical text"
            );
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

/// The canonical text is of the rules, not of their writing: a comment changes nothing; a
/// reform's or a deployment's values change the fingerprint and survive the round trip.
#[test]
fn the_fingerprint_names_the_rules_and_values() {
    let f = fixtures();
    let pack = f.join("policies/chongqing-wanzhou-2020.yaml");
    let base = Policy::from_path(&pack).unwrap();
    assert_eq!(base.fingerprint().len(), 64);
    let yaml = std::fs::read_to_string(&pack).unwrap();
    let commented = Policy::from_yaml(&format!("# 注释\n{yaml}"), "x.yaml").unwrap();
    assert_eq!(commented.fingerprint(), base.fingerprint());

    let text =
        std::fs::read_to_string(f.join("reforms/chongqing-wanzhou-2020-cap150.yaml")).unwrap();
    let reform = base.reformed(&text, "cap150.yaml").unwrap();
    assert_ne!(reform.fingerprint(), base.fingerprint());
    let again = Policy::from_json(&reform.canonical(), "canonical").unwrap();
    assert_eq!(again.fingerprint(), reform.fingerprint());
    // 60 class-hours at 3.00 is 180.00: capped at the reform's 150 a month.
    let kid = huimin_core::Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 60);
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let d = again.evaluate(&kid, as_of).unwrap();
    assert_eq!(d.net_fee.to_string(), "150.00");
    // The decision's receipt names the rules, the date and the engine.
    assert_eq!(d.fingerprint, reform.fingerprint());
    assert_eq!(
        (d.pack.as_str(), d.as_of),
        ("chongqing-wanzhou-2020-cap150", as_of)
    );
    assert_eq!(d.engine, huimin_core::VERSION);

    let cc = f.join("policies/changchun-beilei-2017.yaml");
    let values = f.join("values/changchun-beilei-2017.example.yaml");
    let with = Policy::from_path_with_values(&cc, values).unwrap();
    assert_ne!(
        with.fingerprint(),
        Policy::from_path(&cc).unwrap().fingerprint()
    );
    let again = Policy::from_json(&with.canonical(), "canonical").unwrap();
    assert_eq!(again.canonical(), with.canonical());
}
