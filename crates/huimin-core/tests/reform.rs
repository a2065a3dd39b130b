#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Reforms as data (issue 17, item 1): a reform file names its base and changes it; the
//! reformed policy is compiled afresh, its problems name the reform's file and line, and
//! `Policy::diff` says what changed with both values and their clauses.

use chrono::NaiveDate;
use huimin_core::diff::ChangeKind;
use huimin_core::{Error, Participant, Policy};

fn root(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn wanzhou() -> Policy {
    Policy::from_path(root("fixtures/policies/chongqing-wanzhou-2020.yaml")).unwrap()
}

fn cap150() -> Policy {
    let text = std::fs::read_to_string(root("fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml"))
        .unwrap();
    wanzhou().reformed(&text, "cap150.yaml").unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pupil(hours: i64, tags: &[&str]) -> Participant {
    let mut p = Participant::new()
        .with("stage", "primary")
        .with("grade", 5)
        .with("class_hours", hours);
    for t in tags {
        p = p.tag(*t);
    }
    p
}

fn net(policy: &Policy, p: &Participant, on: NaiveDate) -> String {
    policy.evaluate(p, on).unwrap().net_fee.to_string()
}

#[test]
fn the_reform_lowers_the_cap_and_waives_disabled_children() {
    let (base, reform) = (wanzhou(), cap150());
    assert_eq!(reform.id(), "chongqing-wanzhou-2020-cap150");
    let on = day(2021, 3, 1);
    // 60 class-hours × 3.00 = 180: capped at 170 under the plan, at 150 under the reform.
    assert_eq!(net(&base, &pupil(60, &[]), on), "170.00");
    assert_eq!(net(&reform, &pupil(60, &[]), on), "150.00");
    // 40 × 3.00 = 120, under both caps.
    assert_eq!(net(&reform, &pupil(40, &[]), on), "120.00");
    // A disabled child pays 170 under the plan (only a priority group there), nothing after.
    assert_eq!(net(&base, &pupil(60, &["disabled"]), on), "170.00");
    assert_eq!(net(&reform, &pupil(60, &["disabled"]), on), "0.00");
    // The reform's waiver cites the reform's own clause.
    let d = reform.evaluate(&pupil(60, &["disabled"]), on).unwrap();
    let cite = d
        .steps
        .iter()
        .find(|s| s.rule == "disabled_waiver")
        .and_then(|s| s.cite.as_ref());
    assert_eq!(
        cite.map(|c| c.text.as_str()),
        Some("残疾儿童免收课后服务费。")
    );
    // Minimum-allowance pupils are still waived by the base's rule.
    assert_eq!(net(&reform, &pupil(60, &["dibao"]), on), "0.00");
}

#[test]
fn dated_values_give_way_from_their_first_date_on() {
    let reform = "id: wz-later
base: chongqing-wanzhou-2020
name: { zh: 次年降上限, en: Lower cap next year }
parameters:
  monthly_cap: { values: [ { from: 2021-09-01, value: 150 }, { from: 2022-09-01, value: 140 } ] }
";
    let r = wanzhou().reformed(reform, "later.yaml").unwrap();
    let kid = pupil(60, &[]);
    assert_eq!(net(&r, &kid, day(2021, 3, 1)), "170.00");
    assert_eq!(net(&r, &kid, day(2021, 10, 1)), "150.00");
    assert_eq!(net(&r, &kid, day(2023, 1, 1)), "140.00");
}

#[test]
fn rules_switched_off_and_relabelled() {
    let reform = "id: wz-no-waiver
base: chongqing-wanzhou-2020
name: { zh: 取消减免, en: No waiver }
off: [poverty_waiver]
labels:
  service_fee: { zh: 课后服务费, en: Service fee }
";
    let r = wanzhou().reformed(reform, "off.yaml").unwrap();
    let d = r.evaluate(&pupil(60, &["dibao"]), day(2021, 3, 1)).unwrap();
    assert_eq!(d.net_fee.to_string(), "170.00");
    assert_eq!(d.fees[0].label.zh, "课后服务费");
}

#[test]
fn a_problem_in_the_reform_names_the_reform_file_and_its_line() {
    // Line 6 of the reform: an expression naming a tag the pack does not have.
    let reform = "id: wz-bad
base: chongqing-wanzhou-2020
name: { zh: 错误示例, en: Broken }
rules:
  reductions:
    - { id: orphans, label: { zh: 孤儿, en: Orphans }, when: has(orphan), waive: true }
";
    let e = wanzhou().reformed(reform, "bad.yaml").unwrap_err();
    let Error::Pack(errs) = e else {
        panic!("{e:?}")
    };
    let first = &errs.0[0];
    assert_eq!((first.file.as_str(), first.line), ("bad.yaml", 6), "{errs}");
    assert!(first.message.contains("orphan"), "{errs}");
}

#[test]
fn a_reform_of_another_pack_or_of_a_missing_rule_is_refused_whole() {
    let reform = "id: wz-wrong
base: nanjing-2021
name: { zh: 错误示例, en: Broken }
off: [no_such_rule]
parameters:
  monthly_cap: { value: 100, values: [ { from: 2021-01-01, value: 90 } ] }
";
    let e = wanzhou().reformed(reform, "wrong.yaml").unwrap_err();
    let Error::Pack(errs) = e else {
        panic!("{e:?}")
    };
    let at: Vec<(u32, &str)> = errs.0.iter().map(|e| (e.line, e.code)).collect();
    assert_eq!(
        at,
        vec![(2, "reform"), (6, "reform"), (4, "reform")],
        "{errs}"
    );
    assert!(errs.0.iter().all(|e| e.file == "wrong.yaml"));
}

#[test]
fn a_reform_of_a_reform_places_each_problem_in_its_own_file() {
    let second = "id: wz-twice
base: chongqing-wanzhou-2020-cap150

name: { zh: 二次调整, en: Second change }
parameters:
  monthly_cap: { value: 140, cite: no_such_clause }
";
    let e = cap150().reformed(second, "twice.yaml").unwrap_err();
    let Error::Pack(errs) = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (errs.0[0].file.as_str(), errs.0[0].line),
        ("twice.yaml", 6),
        "{errs}"
    );
}

#[test]
fn the_diff_names_the_changed_parameter_and_the_added_rule_with_their_clauses() {
    let d = wanzhou().diff(&cap150());
    assert_eq!(
        (d.from.as_str(), d.to.as_str()),
        ("chongqing-wanzhou-2020", "chongqing-wanzhou-2020-cap150")
    );
    let cap = d.changes.iter().find(|c| c.id == "monthly_cap").unwrap();
    assert_eq!(
        (cap.section.as_str(), cap.change),
        ("parameters", ChangeKind::Changed)
    );
    assert_eq!(cap.fields, vec!["values"]);
    assert_eq!(cap.before.as_ref().unwrap()["values"][0]["value"], "170");
    assert_eq!(cap.after.as_ref().unwrap()["values"][0]["value"], "150");
    let waiver = d
        .changes
        .iter()
        .find(|c| c.id == "disabled_waiver")
        .unwrap();
    assert_eq!(
        (waiver.section.as_str(), waiver.change),
        ("reductions", ChangeKind::Added)
    );
    assert!(d.clauses["cap150"].contains("150元"), "{:?}", d.clauses);
    assert!(d.clauses["fee"].contains("170元"), "{:?}", d.clauses);
    // Nothing else differs but the reform's own documents and clauses.
    let others: Vec<String> = d
        .changes
        .iter()
        .map(|c| format!("{}.{}", c.section, c.id))
        .filter(|c| !["parameters.monthly_cap", "reductions.disabled_waiver"].contains(&c.as_str()))
        .collect();
    assert_eq!(
        others,
        vec!["sources.draft", "clauses.cap150", "clauses.disabled_waiver"]
    );
    let text = d.to_string();
    assert!(text.contains("~ parameters.monthly_cap"), "{text}");
    assert!(text.contains("+ reductions.disabled_waiver"), "{text}");
    // A policy differs from itself in nothing.
    assert!(wanzhou().diff(&wanzhou()).changes.is_empty());
}

#[test]
fn a_misspelt_parameter_is_refused_and_a_labelled_new_one_added() {
    let typo = "id: wz-typo
base: chongqing-wanzhou-2020
name: { zh: 拼错, en: Typo }
parameters:
  monthly_kap: { value: 150 }
";
    let Err(e) = wanzhou().reformed(typo, "typo.yaml") else {
        panic!("a misspelt parameter was taken")
    };
    assert!(e.to_string().contains("no parameter `monthly_kap`"), "{e}");
    let added = "id: wz-added
base: chongqing-wanzhou-2020
name: { zh: 新增参数, en: New parameter }
parameters:
  disabled_fee: { label: { zh: 残疾儿童每月收费, en: Monthly fee for disabled children }, value: 20 }
rules:
  reductions:
    - { id: disabled_flat, label: { zh: 残疾儿童定额, en: Disabled flat fee }, when: has(disabled), amount: monthly_cap - disabled_fee }
";
    let r = wanzhou().reformed(added, "added.yaml").unwrap();
    // 170 − (170 − 20) = 20: the reduction leaves the new parameter's fee.
    assert_eq!(net(&r, &pupil(60, &["disabled"]), day(2021, 3, 1)), "20.00");
}
