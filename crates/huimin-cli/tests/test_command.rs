#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `huimin test`: a pack author's cases pass or fail with the differences, and --coverage says
//! which rules no case exercises.

use std::process::Command;

fn huimin(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_fixture_cases_pass_and_a_wrong_expectation_fails_with_its_path() {
    let (code, out) = huimin(&[
        "test",
        "fixtures/policies/chongqing-wanzhou-2020.yaml",
        "--coverage",
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("12 passed, 0 failed"), "{out}");
    assert!(out.contains("every rule is applied by some case"), "{out}");

    // A YAML case that expects 160.00 where the rules give 170.00 (3.00 × 60 = 180.00, capped
    // at 170.00), and one without its `note`.
    let dir = std::env::temp_dir().join(format!("huimin-test-cmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("cap.yaml"),
        "note: 3.00 × 60 = 180.00, capped at 170.00 (deliberately expected wrong)\nas_of: 2021-03-01\nparticipant: { stage: primary, grade: 3, class_hours: 60 }\nexpected: { net_fee: '160.00' }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("no-note.json"),
        r#"{"as_of": "2021-03-01", "participant": {"stage": "primary", "grade": 3, "class_hours": 1}, "expected": {"net_fee": "3.00"}}"#,
    )
    .unwrap();
    let d = dir.display().to_string();
    let (code, out) = huimin(&[
        "test",
        "fixtures/policies/chongqing-wanzhou-2020.yaml",
        &d,
        "--coverage",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(".net_fee: expected \"160.00\", got \"170.00\""),
        "{out}"
    );
    assert!(out.contains("`note` must give the arithmetic"), "{out}");
    assert!(out.contains("0 passed, 2 failed"), "{out}");
    // One case exercises little: the coverage lists, among others, the waiver no case applied.
    assert!(
        out.contains("reduction `poverty_waiver`: no case applies it"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
