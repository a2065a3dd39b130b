#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Reforms from the command line (issue 17): `huimin check` finds a reform's base, `huimin
//! diff` prints what it changes, and `simulate --reform` totals both, by hand.

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

const BASE: &str = "fixtures/policies/chongqing-wanzhou-2020.yaml";
const REFORM: &str = "fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml";

#[test]
fn check_finds_the_base_and_diff_names_both_values() {
    let (code, out, err) = huimin(&["check", REFORM]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.starts_with("ok  fixtures/reforms/"), "{out}");

    let (code, out, err) = huimin(&["diff", BASE, REFORM]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("~ parameters.monthly_cap"), "{out}");
    assert!(
        out.contains(r#""value":"170""#) && out.contains(r#""value":"150""#),
        "{out}"
    );
    assert!(out.contains("+ reductions.disabled_waiver"), "{out}");
    assert!(
        out.contains("[fee] 《万州区中小学生课后服务实施方案》"),
        "{out}"
    );

    let (_, json, _) = huimin(&["diff", BASE, REFORM, "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(d["to"], "chongqing-wanzhou-2020-cap150");
}

#[test]
fn a_broken_reform_is_reported_at_its_own_line() {
    let dir = std::env::temp_dir().join(format!("huimin-reform-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.yaml");
    std::fs::write(
        &path,
        "id: broken\nbase: chongqing-wanzhou-2020\nname: { zh: 坏, en: Broken }\noff: [no_such_rule]\n",
    )
    .unwrap();
    // Not beside the base: the embedded seed pack is the base.
    let (code, _, err) = huimin(&["check", path.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("broken.yaml:4:"), "{err}");
    assert!(err.contains("no rule `no_such_rule`"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn simulate_with_a_reform_file_totals_by_hand() {
    let dir = std::env::temp_dir().join(format!("huimin-reform-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let people = dir.join("people.csv");
    // 60 h plain, 60 h disabled, 40 h plain: 170 + 170 + 120 = 460 today; 150 + 0 + 120 = 270.
    std::fs::write(
        &people,
        "id,stage,grade,class_hours,tags\na,primary,5,60,\nb,primary,5,60,disabled\nc,primary,5,40,\n",
    )
    .unwrap();
    let (code, out, err) = huimin(&[
        "simulate",
        BASE,
        "--population",
        people.to_str().unwrap(),
        "--reform",
        REFORM,
        "--as-of",
        "2021-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = &v["total"]["scenarios"];
    assert_eq!(runs[0]["net_fee"], "460.00", "{out}");
    assert_eq!(runs[1]["net_fee"], "270.00", "{out}");
    // Two pay less (170 → 150, 170 → 0), one the same: −20 − 170 = −190 over three.
    let change = &v["total"]["changes"][0];
    assert_eq!(
        (change["winners"].as_str(), change["unchanged"].as_str()),
        (Some("2"), Some("1"))
    );
    assert_eq!(change["net_fee_change"], "-190.00");
    assert_eq!(change["mean_net_fee_change"], "-63.33");
    std::fs::remove_dir_all(&dir).ok();
}
