#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `huimin verify`: a pack's properties file beside it holds (exit 0); a false property prints
//! its counterexample, ready to save as a case (exit 1); `--json` gives the verdicts.

use std::process::Command;

fn huimin(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn seed_properties_hold_and_a_false_one_prints_its_counterexample() {
    let pack = "fixtures/policies/chongqing-wanzhou-2020.yaml";
    let (code, out, _) = huimin(&["verify", pack]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("7 hold, 0 fail, 0 not decided"), "{out}");
    assert!(
        out.contains("class_hours: 0 … 10000, in steps of 0.01"),
        "{out}"
    );

    let dir = std::env::temp_dir().join(format!("huimin-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.yaml");
    // 3.00 × 56.67 = 170.01, capped at 170.00: not below 170.
    std::fs::write(
        &file,
        "properties:\n  - id: below-170\n    holds: net_fee < 170\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let (code, out, _) = huimin(&["verify", pack, file]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("FAILS 不成立  `below-170`"), "{out}");
    assert!(out.contains(r#""class_hours":"56.67""#), "{out}");
    assert!(out.contains("net_fee 170.00"), "{out}");

    let (code, out, _) = huimin(&["verify", pack, file, "--json"]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["outcome"]["outcome"], "fails");
    assert_eq!(v[0]["outcome"]["participant"]["class_hours"], "56.67");

    // A misspelt output is an error naming the property and the name.
    std::fs::write(
        dir.join("typo.yaml"),
        "properties:\n  - id: typo\n    holds: net_fe >= 0\n",
    )
    .unwrap();
    let typo = dir.join("typo.yaml");
    let (code, _, err) = huimin(&["verify", pack, typo.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("property `typo`") && err.contains("net_fe"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `huimin test --coverage` and `huimin verify` over every seed pack, as an author runs them:
/// every case passes, every rule is applied by some case and every requirement failed by one,
/// and every property holds.
#[test]
fn every_seed_pack_is_tested_with_full_coverage_and_verified() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/policies");
    let mut packs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    packs.sort();
    assert!(packs.len() >= 21);
    for pack in &packs {
        let (code, out, err) = huimin(&["test", pack, "--coverage"]);
        assert_eq!(code, Some(0), "{pack}: {out}{err}");
        assert!(out.contains(" 0 failed"), "{pack}: {out}");
        assert!(
            out.contains("every rule is applied by some case, every requirement failed by one"),
            "{pack}: {out}"
        );
        let (code, out, err) = huimin(&["verify", pack]);
        assert_eq!(code, Some(0), "{pack}: {out}{err}");
        assert!(out.contains(" 0 fail, 0 not decided"), "{pack}: {out}");
    }
}
