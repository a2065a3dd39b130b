#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `huimin eval --what-if GOAL` and `--partial`: every case of `fixtures/whatif/` gives, as JSON,
//! the answer the core suite checked by hand (`fixtures/whatif/answers/`); as text, one cited
//! change a line; a bad goal is refused.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn huimin(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_case_gives_the_shared_answer() {
    let dir = std::env::temp_dir().join(format!("huimin-whatif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures/whatif"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut n = 0;
    for file in files {
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let id = spec["pack"].as_str().unwrap();
        let answers: Value = serde_json::from_str(
            &std::fs::read_to_string(repo().join(format!("fixtures/whatif/answers/{id}.json")))
                .unwrap(),
        )
        .unwrap();
        let pack = format!("fixtures/policies/{id}.yaml");
        for case in spec["cases"].as_array().unwrap() {
            let name = case["id"].as_str().unwrap();
            let person = dir.join(format!("{id}-{name}.json"));
            std::fs::write(&person, case["participant"].to_string()).unwrap();
            let person = person.display().to_string();
            let mut args = vec![
                "eval",
                pack.as_str(),
                person.as_str(),
                "--as-of",
                case["as_of"].as_str().unwrap(),
                "--format",
                "json",
            ];
            let values = spec["values"]
                .as_str()
                .map(|v| format!("fixtures/values/{v}"));
            if let Some(v) = &values {
                args.extend(["--values", v.as_str()]);
            }
            let k = case["max_changes"].as_u64().map(|k| k.to_string());
            let unknown = case["partial"].as_array().map(|u| {
                u.iter()
                    .map(|x| x.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(",")
            });
            if let Some(goal) = case["what_if"].as_str() {
                args.extend(["--what-if", goal]);
                if let Some(k) = &k {
                    args.extend(["--max-changes", k.as_str()]);
                }
            } else {
                args.push("--partial");
                if let Some(u) = unknown.as_deref().filter(|u| !u.is_empty()) {
                    args.extend(["--unknown", u]);
                }
            }
            let (code, out, err) = huimin(&args);
            assert_eq!(code, Some(0), "{id}/{name}: {err}");
            let got: Value = serde_json::from_str(out.trim()).unwrap();
            assert_eq!(got, answers[name], "{id}/{name}");
            n += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(n >= 4, "{n} cases");
}

#[test]
fn as_text_one_cited_change_a_line_and_a_bad_goal_is_refused() {
    let dir = std::env::temp_dir().join(format!("huimin-whatif-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kid = dir.join("kid.json");
    std::fs::write(
        &kid,
        r#"{"stage": "primary", "grade": 3, "class_hours": 60}"#,
    )
    .unwrap();
    let kid = kid.display().to_string();
    let pack = "fixtures/policies/chongqing-wanzhou-2020.yaml";
    let (code, out, _) = huimin(&[
        "eval",
        pack,
        &kid,
        "--as-of",
        "2021-03-01",
        "--what-if",
        "pay_less",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("  • ")).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains("每月课时数：56 或以下 → 每月缴费 168.00 元（现为 170.00 元）"),
        "{out}"
    );
    assert!(out.contains("Class-hours a month: 56 or fewer → pays 168.00 per month (now 170.00)"));
    let (code, _, err) = huimin(&[
        "eval",
        pack,
        &kid,
        "--as-of",
        "2021-03-01",
        "--what-if",
        "cheaper",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown goal `cheaper`"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
