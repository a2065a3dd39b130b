#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `eval` and `simulate` stream: the first answers come out while the input is still being
//! written, a bad record in a population is counted and named while the rest go on, and a
//! budget prints as CSV when asked.
//!
//! Wanzhou's rule (fixtures/policies/chongqing-wanzhou-2020.yaml): 3.00 per class-hour, at most
//! 170.00 a month, paid by the parents; grades up to 4 are `lower_grades`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PACK: &str = "fixtures/policies/chongqing-wanzhou-2020.yaml";

fn huimin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_huimin"));
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    c
}

#[test]
fn the_first_answer_comes_out_before_the_input_ends() {
    let mut child = huimin()
        .args([
            "eval",
            PACK,
            "-",
            "--as-of",
            "2021-03-01",
            "--format",
            "csv",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // A: 3.00 × 10 = 30.00. Standard input stays open: the answer must not wait for its end.
    writeln!(
        stdin,
        r#"{{"id": "A", "stage": "primary", "grade": 3, "class_hours": 10}}"#
    )
    .unwrap();
    stdin.flush().unwrap();
    // A failure here would otherwise wait for ever; this is a deadline for a hang, not a
    // measure of speed.
    let wait = Duration::from_secs(120);
    let header = rx
        .recv_timeout(wait)
        .expect("no header while input is open");
    assert!(header.starts_with("id,eligible,"), "{header}");
    let first = rx
        .recv_timeout(wait)
        .expect("no answer while input is open");
    assert_eq!(first, "A,true,,,lower_grades,30.00,0.00,30.00,0.00,30.00,");
    // B: grade 7, 3.00 × 60 = 180.00, capped at 170.00.
    writeln!(
        stdin,
        r#"{{"id": "B", "stage": "junior", "grade": 7, "class_hours": 60}}"#
    )
    .unwrap();
    drop(stdin);
    let second = rx.recv_timeout(wait).unwrap();
    assert_eq!(second, "B,true,,,,170.00,0.00,170.00,0.00,170.00,");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_bad_row_in_a_population_is_counted_and_named_and_the_rest_go_on() {
    let dir = std::env::temp_dir().join(format!("huimin-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("people.csv");
    // A1: 170.00 (capped). B2: hours not a number. C3: grade 8, 3.00 × 10 = 30.00.
    std::fs::write(
        &file,
        "id,stage,grade,class_hours\nA1,primary,3,60\nB2,primary,3,ten\nC3,junior,8,10\n",
    )
    .unwrap();
    let out = huimin()
        .args(["simulate", PACK, "--population"])
        .arg(&file)
        .args(["--as-of", "2021-03-01", "--format", "csv"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "a row is in error");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let wz = "chongqing-wanzhou-2020";
    let expected: Vec<String> = [
        "scenario,measure,value,difference,estimate".to_owned(),
        format!("{wz},rows,3,,"),
        format!("{wz},errors,1,,"),
        format!("{wz},participants,2,,"),
        format!("{wz},eligible,2,,"),
        format!("{wz},gross_fee,200.00,,"),
        format!("{wz},reduction_total,0.00,,estimate"),
        format!("{wz},net_fee,200.00,,estimate"),
        format!("{wz},subsidy_total,0.00,,"),
    ]
    .to_vec();
    assert_eq!(lines[..9], expected[..]);
    // How much 减免 takes off is the pack's assumption (waiver_percent): the reductions, the
    // net fee and the parents' part rest on it, the fee does not.
    assert!(
        lines.contains(&format!("{wz},payer:parents,200.00,,estimate").as_str()),
        "{stdout}"
    );
    // Which grades are 中低年级 is the pack's assumption too (lower_grade_max).
    assert!(
        lines.contains(&format!("{wz},priority:lower_grades,1,,estimate").as_str()),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let f = file.display();
    assert_eq!(
        stderr.trim_end(),
        format!("error: B2 ({f}:3): class_hours: Class-hours a month must be a number")
    );
}

#[test]
fn a_reform_budget_in_csv_has_its_difference() {
    let out = huimin()
        .args(["simulate", PACK, "--synthetic", "50", "--reform", PACK])
        .args(["--as-of", "2021-03-01", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,measure,value,difference,estimate")
    );
    assert_eq!(lines.next(), Some("chongqing-wanzhou-2020,rows,50,,"));
    // The same pack on both sides: every difference is zero, nobody wins or loses; the
    // estimates, on both sides, are what rests on the assumed waiver percent and the assumed
    // lower_grade_max.
    let estimated = [
        "reduction_total",
        "net_fee",
        "payer:parents",
        "priority:lower_grades",
    ];
    let mut reform_rows = 0;
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        match cells[1] {
            "winners" | "losers" | "gained" | "lost" => assert_eq!(cells[2], "0", "{l}"),
            "unchanged" => assert_eq!(cells[2], "50", "{l}"),
            "net_fee_change" | "mean_net_fee_change" => assert_eq!(cells[2], "0.00", "{l}"),
            m => {
                if !cells[3].is_empty() {
                    reform_rows += 1;
                    assert!(cells[3] == "0" || cells[3] == "0.00", "{l}");
                }
                let e = if estimated.contains(&m) {
                    "estimate"
                } else {
                    ""
                };
                assert_eq!(cells[4], e, "{l}");
            }
        }
    }
    assert!(reform_rows > 10, "the reform's rows have their difference");
}

#[test]
fn a_table_marks_estimates_and_says_why_under_it() {
    // Hebi: the fee and the government's share are set by authorities, the example values
    // file sets 360 and half; a primary
    // pupil's 360.00 is split 180.00 / 180.00, all estimates; a senior is not served.
    let dir = std::env::temp_dir().join(format!("huimin-estimates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("two.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"hb-1\",\"stage\":\"primary\"}\n{\"id\":\"hb-2\",\"stage\":\"senior\"}\n",
    )
    .unwrap();
    let out = huimin()
        .args(["eval", "fixtures/policies/hebi-2020.yaml"])
        .arg(&file)
        .args(["--as-of", "2020-10-12"])
        .args(["--values", "fixtures/values/hebi-2020.example.yaml"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = |id: &str| -> Vec<String> {
        let line = stdout.lines().find(|l| l.contains(id)).unwrap();
        line.split('┆')
            .map(|c| {
                c.trim_matches(|c: char| c == '│' || c.is_whitespace())
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        row("hb-1")[3..],
        ["360.00*", "180.00*", "180.00*", "0.00", "180.00*", "180.00*"]
    );
    assert_eq!(
        row("hb-2")[3..5],
        ["0.00", "0.00"],
        "not served: nothing estimated"
    );
    assert!(
        stdout.contains("* 估算 estimate — rests on values the source document does not state:")
    );
    assert!(
        stdout.contains("  service_cost_semester = 360.00  "),
        "{stdout}"
    );
    assert!(
        stdout.contains("Hebi example deployment: an example value, not one the authority set"),
        "{stdout}"
    );
}
