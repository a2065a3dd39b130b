#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every row of `huimin eval` output names its participant: the id when the record gives one,
//! else its place (`file:line`); an error also says where its record is.

use std::process::Command;

#[test]
fn error_rows_name_the_participant_and_the_line() {
    let dir = std::env::temp_dir().join(format!("huimin-error-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("people.csv");
    // A1: 3.00 × 60 = 180, capped at 170. B2: hours not a number. Line 4: a senior pupil,
    // not enrolled in this care (no id). Line 5: one cell too many.
    std::fs::write(
        &file,
        "id,stage,grade,class_hours\nA1,primary,3,60\nB2,primary,3,ten\n,senior,11,5\n,primary,3,5,9\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["eval", "fixtures/policies/chongqing-wanzhou-2020.yaml"])
        .arg(&file)
        .args(["--as-of", "2021-03-01", "--format", "csv"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "some rows are errors");
    let f = file.display();
    let want = format!(
        "id,eligible,reasons,category,priority_groups,gross_fee,reduction_total,net_fee,subsidy_total,payer_parents,error\n\
         A1,true,,,lower_grades,170.00,0.00,170.00,0.00,170.00,\n\
         B2,,,,,,,,,,{f}:3: class_hours: Class-hours a month must be a number\n\
         {f}:4,false,enrolled,,,0.00,0.00,0.00,0.00,0.00,\n\
         {f}:5,,,,,,,,,,{f}:5: 5 cells where the header has 4\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn a_pack_file_that_cannot_be_read_is_exit_3_without_a_made_up_position() {
    for args in [&["check"][..], &["eval"][..]] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_huimin"));
        cmd.args(args).arg("/nonexistent/pack.yaml");
        if args == ["eval"] {
            cmd.arg("-");
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains("/nonexistent/pack.yaml: error: ") && !stderr.contains(":0:0"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn ids_cannot_forge_table_rows_or_colour_the_terminal() {
    let dir = std::env::temp_dir().join(format!("huimin-forge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("people.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"A\\n│ forged ┆ row\\u001b[31m\", \"stage\": \"primary\", \"grade\": 3, \"class_hours\": 10}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["eval", "fixtures/policies/chongqing-wanzhou-2020.yaml"])
        .arg(&file)
        .args(["--as-of", "2021-03-01"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains('\u{1b}'), "{table}");
    assert!(table.contains("A\\n│ forged ┆ row\\u{1b}[31m"), "{table}");
    // Title, top rule, header, rule, the one row, bottom rule; then the footnote on the
    // pack's one assumed value the decision rests on (lower_grade_max: the pupil is in grade 3;
    // the waiver's assumed percent does not count, as the waiver does not apply).
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 8, "{table}");
    assert!(
        lines
            .get(6)
            .is_some_and(|l| l.starts_with("* 估算 estimate")),
        "{table}"
    );
    assert!(
        lines
            .get(7)
            .is_some_and(|l| l.starts_with("  lower_grade_max = 4  ")),
        "{table}"
    );
}

#[test]
fn csv_rows_that_rest_on_an_estimate_are_named_on_standard_error() {
    let dir = std::env::temp_dir().join(format!("huimin-estimate-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pupils.csv");
    // Hefei: line 2's district gave its standard (200.5); line 3's did not, so the pack's 150
    // stands in — an estimate, which a CSV cell cannot mark.
    std::fs::write(
        &file,
        "stage,basic_care,district_standard\nprimary,true,200.5\nprimary,true,\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["eval", "fixtures/policies/hefei-2020.yaml"])
        .arg(&file)
        .args(["--as-of", "2021-03-01", "--format", "csv"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let f = file.display();
    assert!(
        stdout.contains(&format!("{f}:3,true,,,,0.00,0.00,0.00,150.00,150.00,0.00,")),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "estimates 估算 in 1 row(s), the fields named: {f}:3 (subsidy_total, payers.district)"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("district_standard = 150"), "{stderr}");
}
