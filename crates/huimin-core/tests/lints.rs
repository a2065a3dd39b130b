#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `huimin check` lints: every pack in `fixtures/invalid/` is broken on purpose and states the
//! diagnostics it must produce in its first lines:
//!
//! ```text
//! # expect: <error|warning> <line>:<column> <code>: <message start> [| hint: <hint>]
//! ```
//!
//! Each must be reported exactly there, and nothing else may be an error.

use huimin_core::error::Severity;
use huimin_core::{Error, PackError, Policy};
use std::path::PathBuf;

struct Expect {
    severity: Severity,
    line: u32,
    column: u32,
    code: String,
    message: String,
    hint: Option<String>,
}

fn expectations(text: &str) -> Vec<Expect> {
    text.lines()
        .map_while(|l| l.strip_prefix("# expect: "))
        .map(|l| {
            let (head, rest) = l.split_once(": ").unwrap();
            let (message, hint) = match rest.split_once(" | hint: ") {
                Some((m, h)) => (m, Some(h.to_owned())),
                None => (rest, None),
            };
            let mut it = head.split(' ');
            let severity = match it.next().unwrap() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                s => panic!("bad severity {s}"),
            };
            let (line, column) = it.next().unwrap().split_once(':').unwrap();
            Expect {
                severity,
                line: line.parse().unwrap(),
                column: column.parse().unwrap(),
                code: it.next().unwrap().to_owned(),
                message: message.to_owned(),
                hint,
            }
        })
        .collect()
}

fn diagnostics(path: &PathBuf) -> Vec<PackError> {
    match Policy::from_path(path) {
        Ok(p) => p.warnings().to_vec(),
        Err(Error::Pack(e)) => e.0,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn every_invalid_fixture_reports_its_lint_at_its_line_and_column() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{} fixtures", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expectations(&text);
        assert!(
            !expected.is_empty(),
            "{} states no `# expect:`",
            path.display()
        );
        let got = diagnostics(path);
        for x in &expected {
            let hit = got.iter().any(|d| {
                d.severity == x.severity
                    && (d.line, d.column) == (x.line, x.column)
                    && d.code == x.code
                    && d.message.starts_with(&x.message)
                    && x.hint.as_ref().is_none_or(|h| d.hint.as_ref() == Some(h))
            });
            if !hit {
                failures.push(format!(
                    "{}: expected {:?} {}:{} {}: {}\n  got: {}",
                    path.display(),
                    x.severity,
                    x.line,
                    x.column,
                    x.code,
                    x.message,
                    got.iter()
                        .map(|d| format!("{d} [{}]", d.code))
                        .collect::<Vec<_>>()
                        .join("\n       ")
                ));
            }
        }
        let unexpected_errors = got.iter().filter(|d| {
            d.severity == Severity::Error
                && !expected
                    .iter()
                    .any(|x| (x.line, x.column, x.code.as_str()) == (d.line, d.column, d.code))
        });
        for d in unexpected_errors {
            failures.push(format!("{}: unexpected {d} [{}]", path.display(), d.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_seed_packs_have_no_lint_errors_and_only_known_warnings() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let policy = Policy::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
        // The bench packs keep the peer harness's ids (jiandang_lika, migrant_child), so the
        // head-to-head compares like with like; `check` says they are vocabulary terms.
        let bench = policy.id().starts_with("bench-");
        for w in policy.warnings() {
            assert!(
                ["gap", "no_citation"].contains(&w.code) || (bench && w.code == "vocabulary"),
                "{}: new warning {w} [{}]",
                path.display(),
                w.code
            );
        }
    }
}

#[test]
fn shares_that_add_up_to_one_split_like_the_same_ratios() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/invalid");
    let text = std::fs::read_to_string(dir.join("split-shares-sum.yaml")).unwrap();
    let fixed = text.replace("district: 0.3", "district: 0.4");
    let shares = Policy::from_yaml(&fixed, "shares.yaml").unwrap();
    let ratios = Policy::from_yaml(
        &fixed.replace(
            "shares: { city: 0.6, district: 0.4 }",
            "parts: { city: 6, district: 4 }",
        ),
        "parts.yaml",
    )
    .unwrap();
    let kid = huimin_core::Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 33);
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
    let a = shares.evaluate(&kid, as_of).unwrap();
    let b = ratios.evaluate(&kid, as_of).unwrap();
    assert_eq!(a.payers, b.payers);
    assert_eq!(a.payers["city"].to_string(), "30.00");
}

#[test]
fn look_alike_and_invisible_characters_in_ids_are_refused() {
    // `dibаo` with a Cyrillic а (U+0430) beside `dibao`: a waiver reading it never applies to
    // a participant tagged `dibao`. Refused where it is declared and where it is read.
    let pack = |tags: &str, when: &str| {
        format!(
            "id: look\nname: {{ zh: 形似, en: Look-alike }}\nkind: after_school\n\
             jurisdiction: {{ zh: 某市, en: Some city }}\nvalid_from: 2020-09-01\nperiod: month\n\
             payers: {{ parents: {{ zh: 家长, en: Parents }} }}\nfee_payer: parents\n\
             tags: {{ {tags} }}\n\
             fees: [ {{ id: service, label: {{ zh: 费, en: Fee }}, amount: \"100\" }} ]\n\
             reductions: {{ rules: [ {{ id: waiver, label: {{ zh: 免, en: Waiver }}, when: \"{when}\", waive: true }} ] }}\n"
        )
    };
    let err = |text: String| match Policy::from_yaml(&text, "look.yaml") {
        Err(Error::Pack(e)) => e.to_string(),
        other => panic!("loaded: {other:?}"),
    };
    let declared = err(pack(
        "dibao: { zh: 低保, en: Dibao }, diba\u{0430}o: { zh: 低保, en: Dibao }",
        "has(dibao)",
    ));
    assert!(
        declared.contains("tag id `diba\u{0430}o`: ids are ASCII letters, digits, `_`, `-` and `.`; `\u{0430}` (U+0430) is not"),
        "{declared}"
    );
    let read = err(pack("dibao: { zh: 低保, en: Dibao }", "has(diba\u{0430}o)"));
    assert!(
        read.contains("names are ASCII letters, digits and `_`; `\u{0430}` (U+0430) is not"),
        "{read}"
    );
    let invisible = err(pack("dibao: { zh: 低保, en: Dibao }", "has(dibao\u{200b})"));
    assert!(invisible.contains("(U+200B)"), "{invisible}");
}
