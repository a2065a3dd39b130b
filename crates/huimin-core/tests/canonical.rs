#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! A policy's canonical text compiles to the same policy: the same canonical text and
//! fingerprint, and the same decision (or error) for every conformance case of every seed pack,
//! its deployment's values and a reform included.

use huimin_core::cases::Case;
use huimin_core::{Participant, Policy};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn sorted(dir: PathBuf, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn rebuilt(p: &Policy) -> Policy {
    let again = Policy::from_json(&p.canonical(), "canonical").unwrap();
    assert_eq!(again.canonical(), p.canonical(), "{}", p.id());
    assert_eq!(again.fingerprint(), p.fingerprint(), "{}", p.id());
    again
}

/// The decision or the error, as JSON.
fn outcome(p: &Policy, c: &Case) -> serde_json::Value {
    match Participant::from_json_value(&c.participant) {
        Ok(x) => match p.evaluate(&x, c.as_of) {
            Ok(d) => d.to_json(),
            Err(e) => serde_json::to_value(&e).unwrap(),
        },
        Err(e) => serde_json::json!(format!("{e:?}")),
    }
}

#[test]
fn every_seed_pack_and_case_gives_the_same_answer_rebuilt_from_its_canonical_text() {
    let mut cases = 0;
    for path in sorted(fixtures().join("policies"), "yaml") {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let plain = Policy::from_path(&path).unwrap();
        assert_eq!(plain.fingerprint().len(), 64);
        let dir = fixtures().join("cases").join(&stem);
        let files = if dir.is_dir() {
            sorted(dir, "json")
        } else {
            vec![]
        };
        for f in files {
            let c = Case::parse(
                &std::fs::read_to_string(&f).unwrap(),
                &f.display().to_string(),
            )
            .unwrap();
            let p = match &c.values {
                Some(v) => {
                    Policy::from_path_with_values(&path, fixtures().join("values").join(v)).unwrap()
                }
                None => plain.clone(),
            };
            let again = rebuilt(&p);
            assert_eq!(outcome(&again, &c), outcome(&p, &c), "{}", f.display());
            cases += 1;
        }
    }
    assert!(cases > 100, "only {cases} cases");
}

#[test]
fn values_and_reforms_change_the_fingerprint_and_survive_the_round_trip() {
    let f = fixtures();
    let pack = f.join("policies/chongqing-wanzhou-2020.yaml");
    let base = Policy::from_path(&pack).unwrap();
    let text =
        std::fs::read_to_string(f.join("reforms/chongqing-wanzhou-2020-cap150.yaml")).unwrap();
    let reform = base.reformed(&text, "cap150.yaml").unwrap();
    assert_ne!(reform.fingerprint(), base.fingerprint());
    let again = rebuilt(&reform);
    // 60 class-hours at 3.00 is 180.00, capped at the reform's 150 a month.
    let kid = Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 60);
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    assert_eq!(
        again.evaluate(&kid, as_of).unwrap().net_fee.to_string(),
        "150.00"
    );

    // The same rules written differently (a comment, JSON) have the same fingerprint.
    let yaml = std::fs::read_to_string(&pack).unwrap();
    let commented = Policy::from_yaml(&format!("# a comment\n{yaml}"), "x.yaml").unwrap();
    assert_eq!(commented.fingerprint(), base.fingerprint());

    // A deployment's values are part of the rules.
    let nj = f.join("policies/changchun-beilei-2017.yaml");
    let with =
        Policy::from_path_with_values(&nj, f.join("values/changchun-beilei-2017.example.yaml"))
            .unwrap();
    assert_ne!(
        with.fingerprint(),
        Policy::from_path(&nj).unwrap().fingerprint()
    );
    rebuilt(&with);
}
