#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every command that writes to standard output exits 3 with a message when it cannot (a full
//! disk, a closed pipe) — never a panic with exit 101.

use std::process::{Command, Stdio};

fn to_full_disk(args: &[&str]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn schema_check_and_demo_exit_3_when_output_cannot_be_written() {
    for args in [
        &["schema"][..],
        &["check", "fixtures/policies/chongqing-wanzhou-2020.yaml"][..],
        &["demo", "--students", "100"][..],
    ] {
        let (code, stderr) = to_full_disk(args);
        assert_eq!(code, Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("huimin: output: "), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
