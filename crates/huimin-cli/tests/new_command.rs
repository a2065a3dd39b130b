#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `huimin new KIND`: every kind's scaffold loads without a problem and its first case passes,
//! so an author starts from green; nothing is overwritten.

use std::process::Command;

fn huimin(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn every_kind_starts_green_and_nothing_is_overwritten() {
    let dir = std::env::temp_dir().join(format!("huimin-new-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    for kind in ["after_school", "elderly_care", "health_contract", "other"] {
        let id = format!("my-{}", kind.replace('_', "-"));
        let (code, out) = huimin(&["new", kind, "--id", &id, "--dir", d]);
        assert_eq!(code, Some(0), "{out}");
        let pack = dir.join("policies").join(format!("{id}.yaml"));
        let p = pack.to_str().unwrap();
        let (code, out) = huimin(&["check", p, "--warnings"]);
        assert_eq!(code, Some(0), "{kind}: {out}");
        assert!(out.contains("(0 warnings)"), "{kind}: {out}");
        let (code, out) = huimin(&["test", p]);
        assert_eq!(code, Some(0), "{kind}: {out}");
        assert!(out.contains("1 passed, 0 failed"), "{kind}: {out}");
        // The example numbers are marked as such in every answer.
        let text = std::fs::read_to_string(&pack).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema=../pack.schema.json\n"));
        assert!(text.contains("an example number"), "{kind}");
    }
    assert!(dir.join("pack.schema.json").is_file());
    let (code, out) = huimin(&["new", "other", "--id", "my-other", "--dir", d]);
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("does not overwrite"), "{out}");
    let (code, out) = huimin(&["new", "parking", "--id", "x", "--dir", d]);
    assert_eq!(code, Some(2), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
