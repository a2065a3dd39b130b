#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Program audits: every compliance rule caught by a program that breaks it and silent on one
//! that keeps it; the seed programs' money to the fen; the seeds' own aggregate figures.

use huimin_core::program::{self, figures, FindingSeverity, Report};
use huimin_core::{Error, Policy};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A pack with every kind of program rule (stage limits 18:00 / 18:30, evening study ≤ 2 h
/// ending by 20:30, ≤ 3 class-hours, a 120–150 minute day, 5 days a week, Mon–Fri, one period
/// of homework, no written homework in grades 1–2, staffing rules, 35 元/h, ≥ 90% to staff,
/// a 6:4 split, fees per period collected once).
const PACK: &str = r#"
id: audit-rules
name: { zh: 课后服务规则测试, en: After-school rule test }
kind: after_school
jurisdiction: { zh: 测试市, en: Test city }
valid_from: 2021-01-01
period: month
sources: { t: { title: 测试文件 } }
clauses:
  c: { source: t, clause: "一", text: "测试条文" }
  fee: { source: t, clause: "二", text: "收费条文" }
  free: { source: t, clause: "三", text: "减免条文" }
  split: { source: t, clause: "四", text: "按6:4配套" }
payers:
  city: { zh: 市财政, en: City }
  district: { zh: 区财政, en: District }
  parents: { zh: 家长, en: Parents }
fee_payer: parents
inputs: { stage: {}, grade: {}, class_hours: {} }
tags: { dibao: { zh: 低保, en: Minimum allowance } }
parameters:
  rate: { values: [ { from: 2021-01-01, value: 3.00 } ] }
  stipend: { values: [ { from: 2021-01-01, value: 35 } ] }
eligibility:
  - { id: pupil, label: { zh: 中小学生, en: Pupil }, when: "stage in ['primary', 'junior']", reason: { zh: 只服务中小学生, en: Pupils only }, cite: c }
fees:
  - { id: service_fee, label: { zh: 服务费, en: Service fee }, rate: rate, quantity: class_hours, cap: "170", charged: once_per_period, cite: fee }
reductions:
  stacking: highest
  rules:
    - { id: dibao_free, label: { zh: 低保免收, en: Waived for dibao }, when: has(dibao), waive: true, cite: free }
subsidies:
  rules:
    - { id: grant, label: { zh: 生均补助, en: Per-pupil grant }, amount: 50, split: city_district, cite: c }
splits:
  city_district: { parts: { city: 6, district: 4 }, cite: split }
earmarks:
  - { id: staff_share, label: { zh: 90%用于人员补助, en: 90% to staff }, min_share: 0.9, for_use: staff, cite: c }
schedule:
  - { id: primary_end, label: { zh: 小学18:00结束, en: Primary ends by 18:00 }, kind: end_by, stage: primary, time: "18:00", cite: c }
  - { id: junior_end, label: { zh: 初中18:30结束, en: Junior ends by 18:30 }, kind: end_by, stage: junior, time: "18:30", cite: c }
  - { id: evening_length, label: { zh: 晚自习2小时以内, en: Evening study within 2 h }, kind: max_minutes_per_day, stage: junior, activity: evening_study, count: 120, cite: c }
  - { id: evening_end, label: { zh: 晚自习20:30结束, en: Evening study ends by 20:30 }, kind: end_by, stage: junior, activity: evening_study, time: "20:30", cite: c }
  - { id: start, label: { zh: 15:30以后开始, en: Starts from 15:30 }, kind: start_not_before, time: "15:30", cite: c }
  - { id: off_work, label: { zh: 不早于下班时间, en: Not before off-work time }, kind: end_not_before, stage: primary, cite: c }
  - { id: class_hours, label: { zh: 每天不超过3课时, en: At most 3 class-hours a day }, kind: max_class_hours_per_day, count: 3, cite: c }
  - { id: window_max, label: { zh: 每天不超过150分钟, en: At most 150 minutes a day }, kind: max_minutes_per_day, count: 150, in_principle: true, cite: c }
  - { id: window_min, label: { zh: 每天至少2小时, en: At least 2 hours a day }, kind: min_minutes_per_day, count: 120, cite: c }
  - { id: five_days, label: { zh: 每周5天, en: Five days a week }, kind: min_days_per_week, count: 5, cite: c }
  - { id: weekdays, label: { zh: 周一至周五, en: Monday to Friday }, kind: only_on, weekdays: [mon, tue, wed, thu, fri], cite: c }
  - { id: homework_one, label: { zh: 作业辅导不超过一个课时, en: Homework at most one period }, kind: max_periods_of_activity, activity: homework, count: 1, cite: c }
  - { id: no_written, label: { zh: 一二年级无书面作业, en: No written homework in grades 1–2 }, kind: no_written_homework, stage: primary, grades: [1, 2], cite: c }
staffing:
  - { id: teachers_first, label: { zh: 以本校教师为主, en: School teachers first }, kind: teachers_first, cite: c }
  - { id: qualified, label: { zh: 外聘须具备资格, en: Hires qualified }, kind: external_qualified, cite: c }
  - { id: contracted, label: { zh: 外聘须签合同, en: Hires contracted }, kind: external_contracted, cite: c }
  - { id: no_bad_record, label: { zh: 无不良记录, en: No bad record }, kind: no_bad_record, cite: c }
  - { id: no_institutions, label: { zh: 无校外培训机构, en: No training institutions }, kind: no_training_institutions, cite: c }
  - { id: volunteers, label: { zh: 社团每班每次2名家长志愿者, en: 2 parent volunteers per club session }, kind: min_parent_volunteers, activity: club, count: 2, cite: c }
  - { id: group_size, label: { zh: 每班不超过40人, en: At most 40 a group }, kind: max_group_size, count: 40, cite: c }
  - { id: stipend, label: { zh: 35元/人/时, en: 35 yuan per person per hour }, kind: stipend_per_hour, rate: stipend, cite: c }
  - { id: outside_pay, label: { zh: 不纳入绩效工资总量, en: Outside performance pay }, kind: inside_performance_pay, value: false, cite: c }
workflow:
  - { id: per_period, label: { zh: 不得跨学期预收, en: No advance collection }, kind: collect_per_period, cite: fee }
"#;

/// A program that keeps every rule of `PACK`. March 2021 has 23 weekdays (Mon 5, Tue 5, Wed 5,
/// Thu 4, Fri 4).
const GOOD: &str = r#"
id: good
pack: audit-rules.yaml
term: { from: 2021-03-01, to: 2021-03-31, periods: 1 }
local: { off_work: "17:00" }
groups:
  - id: p1
    stage: primary
    grades: [1]
    participants:
      - { id: a1, stage: primary, grade: 1, class_hours: 40 }
      - { id: a2, stage: primary, grade: 1, class_hours: 40, tags: [dibao] }
      - { count: 18, stage: primary, grade: 1, class_hours: 40 }
  - id: j1
    stage: junior
    grades: [8]
    participants:
      - { count: 20, stage: junior, grade: 8, class_hours: 60 }
sessions:
  - { id: p1-mon-hw, group: p1, weekday: mon, start: "15:40", end: "16:20", activity: homework, staff: [t1] }
  - { id: p1-mon-club, group: p1, weekday: mon, start: "16:30", end: "17:50", activity: club, periods: 2, staff: [t1, v1] }
  - { id: p1-tue-hw, group: p1, weekday: tue, start: "15:40", end: "16:20", activity: homework, staff: [t1] }
  - { id: p1-tue-club, group: p1, weekday: tue, start: "16:30", end: "17:50", activity: club, periods: 2, staff: [t1, v1] }
  - { id: p1-wed-hw, group: p1, weekday: wed, start: "15:40", end: "16:20", activity: homework, staff: [t1] }
  - { id: p1-wed-club, group: p1, weekday: wed, start: "16:30", end: "17:50", activity: club, periods: 2, staff: [t1, v1] }
  - { id: p1-thu-hw, group: p1, weekday: thu, start: "15:40", end: "16:20", activity: homework, staff: [t1] }
  - { id: p1-thu-club, group: p1, weekday: thu, start: "16:30", end: "17:50", activity: club, periods: 2, staff: [t1, v1] }
  - { id: p1-fri-hw, group: p1, weekday: fri, start: "15:40", end: "16:20", activity: homework, staff: [t1] }
  - { id: p1-fri-club, group: p1, weekday: fri, start: "16:30", end: "17:50", activity: club, periods: 2, staff: [t1, v1] }
  - { id: j1-mon, group: j1, weekday: mon, start: "16:30", end: "18:30", activity: reading, periods: 2, staff: [t2] }
  - { id: j1-mon-eve, group: j1, weekday: mon, start: "19:00", end: "20:30", activity: evening_study, staff: [t3] }
  - { id: j1-tue, group: j1, weekday: tue, start: "16:30", end: "18:30", activity: reading, periods: 2, staff: [t2] }
  - { id: j1-tue-eve, group: j1, weekday: tue, start: "19:00", end: "20:30", activity: evening_study, staff: [t3] }
  - { id: j1-wed, group: j1, weekday: wed, start: "16:30", end: "18:30", activity: reading, periods: 2, staff: [t2] }
  - { id: j1-wed-eve, group: j1, weekday: wed, start: "19:00", end: "20:30", activity: evening_study, staff: [t3] }
  - { id: j1-thu, group: j1, weekday: thu, start: "16:30", end: "18:30", activity: reading, periods: 2, staff: [t2] }
  - { id: j1-thu-eve, group: j1, weekday: thu, start: "19:00", end: "20:30", activity: evening_study, staff: [t3] }
  - { id: j1-fri, group: j1, weekday: fri, start: "16:30", end: "18:30", activity: reading, periods: 2, staff: [t2] }
  - { id: j1-fri-eve, group: j1, weekday: fri, start: "19:00", end: "20:30", activity: evening_study, staff: [t3] }
staff:
  - { id: t1, role: school_teacher }
  - { id: t2, role: school_teacher }
  - { id: t3, role: retired_teacher, qualified: true, contract: true }
  - { id: v1, role: parent_volunteer, count: 2 }
funds:
  - { payer: city, amount: 2700 }
  - { payer: district, amount: 1800 }
matching: { split: city_district, anchor: city }
earmarked: { staff_share: [city, district] }
costs:
  - { id: materials, amount: "72.50", for_use: materials }
collections:
  - { participant: a1, fee: service_fee, amount: 120, on: 2021-03-01, covers: { from: 2021-03-01, to: 2021-03-31 } }
"#;

fn pack() -> Policy {
    Policy::from_yaml(PACK, "audit-rules.yaml").unwrap()
}

fn good() -> Value {
    serde_saphyr::from_str::<Value>(GOOD).unwrap()
}

fn run(program: &Value) -> Report {
    let text = serde_json::to_string(program).unwrap();
    let spec = program::parse_json(&text, "program.json").unwrap();
    program::audit(&spec, "program.json", &pack()).unwrap()
}

/// The findings as `check subject` lines, sorted.
fn found(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{} {}", f.check, f.subject))
        .collect();
    v.sort();
    v
}

fn money(r: &Report, path: &str) -> String {
    let j = r.to_json();
    j.pointer(path)
        .unwrap_or_else(|| panic!("no {path} in {j:#}"))
        .as_str()
        .unwrap()
        .to_owned()
}

fn session<'a>(p: &'a mut Value, id: &str) -> &'a mut Value {
    p["sessions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn staff<'a>(p: &'a mut Value, id: &str) -> &'a mut Value {
    p["staff"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[test]
fn a_program_that_keeps_every_rule_has_no_findings() {
    let r = run(&good());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // Fees: p1 a1 3.00 × 40 = 120.00, a2 120.00 waived, 18 × 120.00 = 2160.00; j1 20 × (3.00 ×
    // 60 = 180.00, capped at 170.00) = 3400.00. Gross 120 + 120 + 2160 + 3400 = 5800.00,
    // reductions 120.00, due 5680.00.
    assert_eq!(money(&r, "/money/gross_fee"), "5800.00");
    assert_eq!(money(&r, "/money/reduction_total"), "120.00");
    assert_eq!(money(&r, "/money/net_fee"), "5680.00");
    assert_eq!(money(&r, "/money/fees_collected"), "120.00");
    // Grant 50 × 40 pupils = 2000.00, split 6:4 → city 1200.00, district 800.00.
    assert_eq!(money(&r, "/money/subsidy_total"), "2000.00");
    assert_eq!(money(&r, "/money/participant_payers/city"), "1200.00");
    assert_eq!(money(&r, "/money/participant_payers/district"), "800.00");
    assert_eq!(money(&r, "/money/participant_payers/parents"), "5680.00");
    // Stipends at 35 元/h over 23 weekdays: t1 2 h a day = 46 h → 1610.00; t2 2 h = 46 h →
    // 1610.00; t3 1.5 h = 34.5 h → 1207.50; the volunteers (1 h 20 min a day = 30.67 h) are
    // unpaid. Total 4427.50.
    let pay: Vec<(String, String, String)> = r
        .staff
        .iter()
        .map(|s| (s.id.clone(), s.hours.to_string(), s.pay.to_string()))
        .collect();
    assert_eq!(
        pay,
        [
            ("t1".into(), "46".into(), "1610.00".into()),
            ("t2".into(), "46".into(), "1610.00".into()),
            ("t3".into(), "34.5".into(), "1207.50".into()),
            ("v1".into(), "30.67".into(), "0.00".into()),
        ]
    );
    assert_eq!(r.staff[0].inside_performance_pay, Some(false));
    assert_eq!(r.staff[2].inside_performance_pay, None);
    assert_eq!(money(&r, "/money/staff_pay"), "4427.50");
    assert_eq!(money(&r, "/money/staff_pay_inside_performance_pay"), "0.00");
    // Funds 2700 + 1800 = 4500.00; the district owes 2700 × 4 / 6 = 1800.00 and paid it. With
    // the parents' 5680.00 the program runs on 10180.00.
    assert_eq!(money(&r, "/money/funds/1/due"), "1800.00");
    assert_eq!(money(&r, "/money/income"), "10180.00");
    // Earmark on the city's and district's funds: 90% of 4500.00 = 4050.00 ≤ 4427.50 spent on
    // staff = 98.39%.
    let e = &r.money.earmarks[0];
    assert!(e.met);
    assert_eq!(e.fund.to_string(), "4500.00");
    assert_eq!(e.required.to_string(), "4050.00");
    assert_eq!(e.share_percent.unwrap().to_string(), "98.39");
    // Costs split 2700 : 1800 : 5680 by largest remainder, in fen. Staff pay 442750 fen:
    // city 117428.78, district 78285.85, parents 247035.36 → 442748 whole, the 2 fen left go to
    // the district (.85) and the city (.78): 1174.29 + 782.86 + 2470.35 = 4427.50.
    assert_eq!(money(&r, "/money/split/staff_pay/city"), "1174.29");
    assert_eq!(money(&r, "/money/split/staff_pay/district"), "782.86");
    assert_eq!(money(&r, "/money/split/staff_pay/parents"), "2470.35");
    // Materials 7250 fen: 1922.89, 1281.93, 4045.19 → 7248, +1 district, +1 city:
    // 19.23 + 12.82 + 40.45 = 72.50. Total cost per payer: 1193.52 + 795.68 + 2510.80 = 4500.00.
    assert_eq!(money(&r, "/money/split/other_costs/city"), "19.23");
    assert_eq!(money(&r, "/money/split/other_costs/district"), "12.82");
    assert_eq!(money(&r, "/money/split/other_costs/parents"), "40.45");
    assert_eq!(money(&r, "/money/split/total_cost/city"), "1193.52");
    assert_eq!(money(&r, "/money/split/total_cost/district"), "795.68");
    assert_eq!(money(&r, "/money/split/total_cost/parents"), "2510.80");
    assert_eq!(money(&r, "/money/balance"), "5680.00");
    // 4500.00 ÷ 40 = 112.50.
    assert_eq!(money(&r, "/money/per_student_cost"), "112.50");
}

/// Each rule of RULES.md, broken on its own, gives exactly its finding.
#[test]
fn a_program_that_breaks_each_rule_is_caught() {
    type Breach = (&'static str, fn(&mut Value), &'static [&'static str]);
    let cases: &[Breach] = &[
        (
            "primary ends after 18:00",
            |p| session(p, "p1-mon-club")["end"] = json!("18:10"),
            &["end_by session p1-mon-club"],
        ),
        (
            "junior ends after 18:30",
            |p| session(p, "j1-tue")["end"] = json!("18:40"),
            &["end_by session j1-tue"],
        ),
        (
            "evening study over 2 h",
            |p| session(p, "j1-wed-eve")["start"] = json!("18:29"),
            &["max_minutes_per_day group j1"],
        ),
        (
            "evening study past 20:30",
            |p| session(p, "j1-thu-eve")["end"] = json!("20:45"),
            &["end_by session j1-thu-eve"],
        ),
        (
            "starts before 15:30",
            |p| session(p, "p1-tue-hw")["start"] = json!("15:20"),
            &["start_not_before session p1-tue-hw"],
        ),
        (
            "ends before off-work time",
            |p| {
                session(p, "p1-wed-club")["start"] = json!("16:20");
                session(p, "p1-wed-club")["end"] = json!("16:50");
                session(p, "p1-wed-hw")["start"] = json!("15:30");
                session(p, "p1-wed-hw")["end"] = json!("16:20");
            },
            &["end_not_before group p1", "min_minutes_per_day group p1"],
        ),
        (
            "more than 3 class-hours a day",
            |p| session(p, "p1-thu-club")["periods"] = json!(3),
            &["max_class_hours_per_day group p1"],
        ),
        (
            "fewer than 5 days a week",
            |p| {
                p["sessions"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|s| !s["id"].as_str().unwrap().starts_with("p1-fri"));
            },
            &["min_days_per_week group p1"],
        ),
        (
            "under 2 h a day",
            |p| session(p, "j1-fri")["end"] = json!("16:50"),
            &["min_minutes_per_day group j1"],
        ),
        (
            "on a Saturday",
            |p| {
                for d in ["hw", "club"] {
                    session(p, &format!("p1-fri-{d}"))["weekday"] = json!("sat");
                }
            },
            &["only_on session p1-fri-club", "only_on session p1-fri-hw"],
        ),
        (
            "homework over one period",
            |p| session(p, "p1-mon-hw")["periods"] = json!(2),
            &[
                "max_class_hours_per_day group p1",
                "max_periods_of_activity group p1",
            ],
        ),
        (
            "written homework in grade 1",
            |p| session(p, "p1-tue-hw")["written_homework"] = json!(true),
            &["no_written_homework session p1-tue-hw"],
        ),
        (
            "external hire unqualified",
            |p| staff(p, "t3")["qualified"] = json!(false),
            &["external_qualified staff t3"],
        ),
        (
            "external hire without contract",
            |p| staff(p, "t3")["contract"] = json!(false),
            &["external_contracted staff t3"],
        ),
        (
            "bad record",
            |p| staff(p, "t2")["bad_record"] = json!(true),
            &["no_bad_record staff t2"],
        ),
        (
            "training institution",
            |p| staff(p, "t3")["role"] = json!("training_institution"),
            &["no_training_institutions staff t3"],
        ),
        (
            "more hires than teachers",
            |p| staff(p, "t3")["count"] = json!(3),
            &["teachers_first program"],
        ),
        (
            "one parent volunteer",
            |p| staff(p, "v1")["count"] = json!(1),
            &[
                "min_parent_volunteers session p1-fri-club",
                "min_parent_volunteers session p1-mon-club",
                "min_parent_volunteers session p1-thu-club",
                "min_parent_volunteers session p1-tue-club",
                "min_parent_volunteers session p1-wed-club",
            ],
        ),
        (
            "a group over 40",
            |p| p["groups"][1]["participants"][0]["count"] = json!(41),
            &["max_group_size group j1"],
        ),
        (
            "district short of matching",
            |p| p["funds"][1]["amount"] = json!(1700),
            &["matching payer district"],
        ),
        (
            "ineligible participant",
            |p| p["groups"][0]["participants"][0]["stage"] = json!("senior"),
            &[
                "fee_above_due participant a1",
                "not_eligible participant a1",
            ],
        ),
        (
            "fee across the term",
            |p| p["collections"][0]["covers"]["to"] = json!("2021-04-30"),
            &["collect_per_period participant a1"],
        ),
        (
            "fee twice in a month",
            |p| {
                p["collections"][0]["amount"] = json!(60);
                let second = p["collections"][0].clone();
                p["collections"].as_array_mut().unwrap().push(second);
            },
            &["once_per_period participant a1"],
        ),
        (
            "fee above the cap",
            |p| p["collections"][0]["amount"] = json!("120.01"),
            &["fee_above_due participant a1"],
        ),
        (
            "reduction not granted",
            |p| p["collections"][0]["participant"] = json!("a2"),
            &["reduction_not_granted participant a2"],
        ),
    ];
    for (what, breach, expected) in cases {
        let mut p = good();
        breach(&mut p);
        let r = run(&p);
        assert_eq!(found(&r), *expected, "{what}");
    }
}

#[test]
fn staff_pay_under_ninety_percent_of_the_fund_is_a_finding() {
    // The city's and district's 4500.00 need at least 4050.00 spent on staff. Let t2 take the
    // evening study too, paid 1 h a session: t2 2 sessions × 1 h × 23 days = 46 h → 1610.00,
    // t1 1610.00: 3220.00 ÷ 4500.00 = 71.56%.
    let mut p = good();
    for s in p["sessions"].as_array_mut().unwrap() {
        if s["activity"] == "evening_study" {
            s["staff"] = json!(["t2"]);
        }
    }
    staff(&mut p, "t2")["hours_per_session"] = json!(1);
    p["staff"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "t3");
    let r = run(&p);
    assert_eq!(money(&r, "/money/staff_pay"), "3220.00");
    assert_eq!(found(&r), ["earmark program"]);
    let f = &r.findings[0];
    assert_eq!(f.severity, FindingSeverity::Violation);
    assert_eq!(f.cite.as_ref().unwrap().text, "测试条文");
    assert_eq!(
        r.money.earmarks[0].share_percent.unwrap().to_string(),
        "71.56"
    );
    assert_eq!(r.money.earmarks[0].required.to_string(), "4050.00");
}

#[test]
fn in_principle_rules_are_warnings_and_unstated_values_are_notes() {
    let mut p = good();
    session(&mut p, "j1-mon")["start"] = json!("15:50"); // 160 minutes > 150 "in principle"
    p["local"] = json!({});
    let r = run(&p);
    assert_eq!(
        found(&r),
        ["end_not_before program", "max_minutes_per_day group j1"]
    );
    let sev: Vec<FindingSeverity> = r.findings.iter().map(|f| f.severity).collect();
    assert!(sev.contains(&FindingSeverity::Warning) && sev.contains(&FindingSeverity::Note));
}

#[test]
fn a_group_without_its_grades_or_stage_is_not_a_silent_pass() {
    // p1 gives no grades: the grades 1–2 homework rule cannot be told to apply, even though
    // p1's Monday homework session sets written homework (a breach if p1 is grade 1).
    let mut p = good();
    p["groups"][0].as_object_mut().unwrap().remove("grades");
    session(&mut p, "p1-mon-hw")["written_homework"] = json!(true);
    let r = run(&p);
    assert_eq!(found(&r), ["no_written_homework group p1"]);
    let f = &r.findings[0];
    assert_eq!(f.severity, FindingSeverity::Note);
    assert_eq!(f.rule, "no_written");
    assert!(f
        .message
        .en
        .starts_with("not checked: the group does not give its grades"));

    // j1 gives no stage: none of the stage rules can be told to apply to it — the primary
    // end (18:00), the junior end (18:30), both evening-study rules, the off-work end and
    // the grades 1–2 rule (a primary rule) — while the rules for everyone still run. Without
    // the junior evening-study rule to replace it, the general "150 minutes a day, in
    // principle" now also counts the evening: 120 + 90 = 210 minutes on each of 5 days, five
    // warnings.
    let mut p = good();
    p["groups"][1].as_object_mut().unwrap().remove("stage");
    let r = run(&p);
    let mut want = vec![
        "end_by group j1",
        "end_by group j1",
        "end_by group j1",
        "end_not_before group j1",
    ];
    want.extend(["max_minutes_per_day group j1"; 6]);
    want.push("no_written_homework group j1");
    assert_eq!(found(&r), want);
    let notes = r
        .findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Note);
    assert_eq!(notes.count(), 6);
    let warnings: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Warning)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(warnings, ["window_max"; 5]);
}

#[test]
fn nanjing_18_00_is_an_upper_bound_in_principle() {
    // 課后服務結束時間原則上為18:00: ending at 17:30 is no finding (the pack used to require
    // "not earlier" too); ending at 18:30 is a warning, not a violation.
    let path = fixtures().join("programs/nanjing-2021.yaml");
    let (_, policy) = program::load(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let audit = |end: &str| {
        let changed = text.replacen(
            "start: \"16:00\", end: \"18:00\"",
            &format!("start: \"16:00\", end: \"{end}\""),
            1,
        );
        assert_ne!(changed, text);
        let spec = program::parse_yaml(&changed, "nanjing.yaml").unwrap();
        program::audit(&spec, "nanjing.yaml", &policy).unwrap()
    };
    let early = audit("17:30");
    assert!(
        early.findings_of("end_not_before").next().is_none(),
        "{:?}",
        found(&early)
    );
    let late = audit("18:30");
    let f: Vec<_> = late.findings_of("end_by").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, FindingSeverity::Warning);
    assert_eq!(f[0].subject.to_string(), "session g5-mon-club");
}

#[test]
fn program_errors_name_line_and_column() {
    let bad = GOOD.replace("{ id: j1-tue, group: j1", "{ id: j1-tue, group: j9");
    let e = program::parse_yaml(&bad, "good.yaml").unwrap_err();
    let s = e.to_string();
    assert!(s.starts_with("good.yaml:32:26:"), "{s}");
    assert!(s.contains("`j9` is not a group"), "{s}");

    let bad = GOOD.replace(
        "start: \"16:30\", end: \"18:30\"",
        "start: \"16:30\", end: \"18:75\"",
    );
    let s = program::parse_yaml(&bad, "good.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        s.contains("good.yaml:30:") && s.contains("not a clock time"),
        "{s}"
    );

    let bad = GOOD.replace("amount: \"72.50\"", "amount: \"72.505\"");
    let spec = program::parse_yaml(&bad, "good.yaml").unwrap();
    let s = program::audit(&spec, "good.yaml", &pack())
        .unwrap_err()
        .to_string();
    assert!(
        s.contains("good.yaml:51:") && s.contains("at most 2 decimals"),
        "{s}"
    );

    let bad = GOOD.replace("class_hours: 60 }", "class_hours: sixty }");
    let spec = program::parse_yaml(&bad, "good.yaml").unwrap();
    match program::audit(&spec, "good.yaml", &pack()).unwrap_err() {
        Error::Input { errors } => {
            assert_eq!(errors[0].path, "groups[j1].participants[0].class_hours")
        }
        e => panic!("{e}"),
    }
}

#[test]
fn program_rules_are_checked_when_the_pack_loads() {
    // A stipend rate reads parameters, not a participant's inputs.
    let bad = PACK.replace("rate: stipend, cite: c", "rate: class_hours, cite: c");
    let e = Policy::from_yaml(&bad, "p.yaml").unwrap_err().to_string();
    assert!(
        e.contains("unknown name `class_hours`") || e.contains("class_hours"),
        "{e}"
    );
    let bad = PACK.replace("activity: club, count: 2,", "activity: club,");
    let e = Policy::from_yaml(&bad, "p.yaml").unwrap_err().to_string();
    assert!(
        e.contains("staffing rule `volunteers`: this kind needs `count`"),
        "{e}"
    );
    let bad = PACK.replace(
        "kind: only_on, weekdays: [mon, tue, wed, thu, fri],",
        "kind: only_on,",
    );
    let e = Policy::from_yaml(&bad, "p.yaml").unwrap_err().to_string();
    assert!(e.contains("`only_on` needs `weekdays`"), "{e}");
}

// ---- the seed programs in fixtures/programs ----

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn audit_fixture(name: &str) -> Report {
    let path = fixtures().join("programs").join(name);
    let (spec, policy) = program::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    program::audit(&spec, &path.display().to_string(), &policy)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_example_program_audits() {
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures().join("programs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let r = audit_fixture(&name);
            // Examples named after their pack keep every rule; `*-breaches` ones do not.
            if !name.contains("breaches") {
                let firm: Vec<_> = r
                    .findings
                    .iter()
                    .filter(|f| f.severity != FindingSeverity::Note)
                    .collect();
                assert!(firm.is_empty(), "{name}: {firm:#?}");
            }
            n += 1;
        }
    }
    assert!(n >= 7, "only {n} example programs");
}

#[test]
fn wanzhou_fees_to_the_fen() {
    // Per month: s1 3.00 × 40 = 120.00; s2 3.00 × 60 = 180.00 → cap 170.00; s3 120.00 waived
    // (低保); 30 × 120.00 = 3600.00. Gross 4010.00, reductions 120.00, due 3890.00; × 4 months:
    // 16040.00, 480.00, 15560.00. Costs 4000 + 4000 + 1500 = 9500.00; 9500 ÷ 33 = 287.88.
    let r = audit_fixture("chongqing-wanzhou-2020.yaml");
    assert_eq!(money(&r, "/money/gross_fee"), "16040.00");
    assert_eq!(money(&r, "/money/reduction_total"), "480.00");
    assert_eq!(money(&r, "/money/net_fee"), "15560.00");
    assert_eq!(money(&r, "/money/total_cost"), "9500.00");
    assert_eq!(money(&r, "/money/per_student_cost"), "287.88");
    assert_eq!(r.participation.rate_percent.unwrap().to_string(), "82.5");
    // t1 works Mon–Fri 40 minutes: 88 weekdays of March–June 2021 less 5 closed = 83 × 40 min
    // = 55.33 h; t2 Mon–Thu: 71 − 5 = 66 × 40 min = 44 h.
    assert_eq!(r.staff[0].hours.to_string(), "55.33");
    assert_eq!(r.staff[1].hours.to_string(), "44");
}

// ---- the seeds' own figures ----

#[test]
fn seed_000_participation_staff_and_six_four_matching() {
    // 38037 ÷ 50549 = 0.752478 → 75.2%.
    assert_eq!(
        figures::percent(38037.into(), 50549.into(), 1)
            .unwrap()
            .to_string(),
        "75.2"
    );
    // 10411 teachers at 80.56%: 10411 ÷ 0.8056 = 12923.3; 12923 (80.5618%) and 12924
    // (80.5555%) both round to 80.56%, 12922 (80.568%) and 12925 (80.549%) do not.
    assert_eq!(
        figures::implied_whole(10411, Decimal::new(8056, 2)),
        Some((12923, 12924))
    );
    // The pilot as a program: 38037 pupils of 50549, city funds 2586万 = 25 860 000.00 matched
    // 6:4 → district 25 860 000 × 4 ÷ 6 = 17 240 000.00; total 43 100 000.00.
    let r = audit_fixture("changchun-beilei-2017.yaml");
    assert_eq!(r.participation.participants, 38037);
    assert_eq!(r.participation.rate_percent.unwrap().to_string(), "75.2");
    assert_eq!(money(&r, "/money/funds/0/received"), "25860000.00");
    assert_eq!(money(&r, "/money/funds/1/due"), "17240000.00");
    assert_eq!(money(&r, "/money/income"), "43100000.00");
    // The teachers as reported: 10411 of 12923 on the roll → 80.56%.
    assert_eq!(
        r.participation.teacher_rate_percent.unwrap().to_string(),
        "80.56"
    );
}

#[test]
fn seed_003_faku_ninety_percent_to_staff_at_35_an_hour() {
    // 篇五: a fund N = 60 元 × 75 pupils × 4 months = 18000.00 (the example values file's 60 a
    // month); 其中百分之九十 is exactly 90% = 16200.00 for staff. Two teachers staff Mon–Fri
    // 15:30–17:30 (2 h) on the 80 school days of the term = 160 h × 35 = 5600.00 each; the
    // third Mon–Thu on 64 days = 128 h = 4480.00 (a volunteer runs Fridays): 15680.00 of
    // stipends + 520.00 travel allowances = 16200.00 = 90.00%. Materials 1800.00 → total cost
    // 18000.00, balance 0.
    let r = audit_fixture("faku-school-2017.yaml");
    assert_eq!(money(&r, "/money/subsidy_total"), "18000.00");
    assert_eq!(money(&r, "/money/income"), "18000.00");
    let pay: Vec<(String, String)> = r
        .staff
        .iter()
        .filter(|s| s.rate.is_some())
        .map(|s| (s.hours.to_string(), s.pay.to_string()))
        .collect();
    assert_eq!(
        pay,
        [
            ("160".into(), "5600.00".into()),
            ("160".into(), "5600.00".into()),
            ("128".into(), "4480.00".into())
        ]
    );
    assert_eq!(money(&r, "/money/staff_pay"), "15680.00");
    let staff = |r: &Report| {
        r.money
            .earmarks
            .iter()
            .find(|e| e.for_use == "staff")
            .unwrap()
            .clone()
    };
    let e = staff(&r);
    assert!(e.exact);
    assert_eq!(e.required.to_string(), "16200.00");
    assert_eq!(e.spent.to_string(), "16200.00");
    assert_eq!(e.share_percent.unwrap().to_string(), "90");
    assert!(e.met);
    assert_eq!(money(&r, "/money/balance"), "0.00");
    assert!(r.findings_of("earmark").next().is_none());

    // An exact share is broken both ways: the third teacher on Fridays too is 16800.00 of
    // stipends + 520.00 = 17320.00, 96.22% (and the fund is overspent by 560.00).
    let path = fixtures().join("programs/faku-school-2017.yaml");
    let (_, policy) = program::load(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let more = text.replace("staff: [v-high] }", "staff: [t-high] }");
    assert_ne!(more, text);
    let spec = program::parse_yaml(&more, "faku.yaml").unwrap();
    let over = program::audit(&spec, "faku.yaml", &policy).unwrap();
    let e = staff(&over);
    assert_eq!(e.spent.to_string(), "17320.00");
    assert!(!e.met);
    let f = over.findings_of("earmark").next().unwrap();
    assert_eq!(
        f.message.en,
        "17320.00 spent on staff is 96.22% of the fund 18000.00, not exactly 90% (16200.00)"
    );
}

#[test]
fn city_examples_money_to_the_fen() {
    // (program, path, amount), each worked by hand in the example's header.
    let cases: &[(&str, &[(&str, &str)])] = &[
        // 35 × 600 = 21000.00; government 40% = 35 × 240 = 8400.00; parents 35 × 360.
        (
            "sanming-5plus2-2022.yaml",
            &[
                ("/money/gross_fee", "21000.00"),
                ("/money/reduction_total", "8400.00"),
                ("/money/net_fee", "12600.00"),
                ("/money/participant_payers/government", "8400.00"),
            ],
        ),
        // 40 × 300 = 12000.00, 2 waived = 600.00; county 40 × 500 ÷ 2 = 10000.00, all to staff.
        (
            "wuhu-opinion-2021.yaml",
            &[
                ("/money/gross_fee", "12000.00"),
                ("/money/reduction_total", "600.00"),
                ("/money/net_fee", "11400.00"),
                ("/money/subsidy_total", "10000.00"),
                ("/money/earmarks/0/fund", "10000.00"),
                ("/money/earmarks/0/spent", "10000.00"),
                ("/money/income", "21400.00"),
            ],
        ),
        // A month 32 × 80 = 2560.00, 2 × 40 = 80.00 off; × 4 months.
        (
            "jilin-district-2020.yaml",
            &[
                ("/money/gross_fee", "10240.00"),
                ("/money/reduction_total", "320.00"),
                ("/money/net_fee", "9920.00"),
                ("/money/earmarks/0/spent", "9920.00"),
            ],
        ),
        // 30 × 360 = 10800.00; government 28 × 180 + 2 × 360 = 5760.00; parents 28 × 180.
        (
            "hebi-2020.yaml",
            &[
                ("/money/gross_fee", "10800.00"),
                ("/money/participant_payers/government", "5760.00"),
                ("/money/participant_payers/parents", "5040.00"),
                ("/money/staff_pay_inside_performance_pay", "6000.00"),
            ],
        ),
        // 25 × 80 × 3.5 = 7000.00.
        (
            "neimeng-school-2017.yaml",
            &[("/money/net_fee", "7000.00"), ("/money/balance", "0.00")],
        ),
        // Courses 10 × (600 + 50) = 6500.00; district 30 × 150 = 4500.00; collected 650.00.
        (
            "hefei-2020.yaml",
            &[
                ("/money/gross_fee", "6500.00"),
                ("/money/subsidy_total", "4500.00"),
                ("/money/fees_collected", "650.00"),
                ("/money/per_student_cost", "316.67"),
            ],
        ),
        // 40 × 300 = 12000.00, 300.00 waived; district 40 × 250 = 10000.00.
        (
            "nanjing-2021.yaml",
            &[
                ("/money/net_fee", "11700.00"),
                ("/money/subsidy_total", "10000.00"),
                ("/money/income", "21700.00"),
            ],
        ),
        // 54 430 000 ÷ 716 000 = 76.0195… → 76.02 a year; × 50 = 3801.00 for the school year,
        // booked to no payer; the teacher's 3000.00 for the year, unassigned too.
        (
            "weifang-summer-2021.yaml",
            &[
                ("/money/subsidy_unassigned", "3801.00"),
                ("/money/split/total_cost/unassigned", "3000.00"),
            ],
        ),
        // A month 80 × 250 + (250 + 1200) + (250 + 1000) = 22700.00; × 3 = 68100.00.
        (
            "tongan-family-bed.yaml",
            &[
                ("/money/subsidy_total", "68100.00"),
                ("/money/participant_payers/district", "68100.00"),
                ("/money/staff_pay", "48000.00"),
            ],
        ),
    ];
    for (file, checks) in cases {
        let r = audit_fixture(file);
        for (path, want) in *checks {
            assert_eq!(money(&r, path), *want, "{file} {path}");
        }
    }
}

#[test]
fn hebi_breaches_are_all_found_with_citations() {
    let r = audit_fixture("hebi-2020-breaches.yaml");
    assert_eq!(
        found(&r),
        [
            "end_by session mon-club",
            "external_contracted staff coach",
            "external_qualified staff coach",
            "max_minutes_per_day group g12",
            "max_periods_of_activity group g12",
            "no_bad_record staff t1",
            "no_training_institutions staff inst",
            "no_written_homework session mon-homework",
            "teachers_first program",
        ]
    );
    assert!(r.findings.iter().all(|f| f.cite.is_some()));
    // The money rests on the example values file's fee (360.00) and share (50): the report
    // says so.
    let assumed: Vec<(&str, &str)> = r
        .assumptions
        .iter()
        .map(|a| (a.parameter.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        assumed,
        [
            ("service_cost_semester", "360.00"),
            ("government_share_percent", "50")
        ]
    );
    // 時間一般應控制在1.5小時以內，小學結束時間原則上不晚于18:00: both soft, warnings; the
    // rest (严禁, 不得, 应) are violations.
    let mut warnings: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Warning)
        .map(|f| f.check.as_str())
        .collect();
    warnings.sort_unstable();
    assert_eq!(warnings, ["end_by", "max_minutes_per_day"]);
    assert_eq!(r.findings.len() - warnings.len(), 7);
    let homework = r.findings_of("no_written_homework").next().unwrap();
    assert!(homework
        .cite
        .as_ref()
        .unwrap()
        .text
        .contains("小學一二年級不得借課后服務布置書面家庭作業"));
}

#[test]
fn elderly_beds_hours_caregiver_and_reward() {
    let r = audit_fixture("tongan-family-bed.yaml");
    // 82 beds built, satisfaction 0.96: the 80-bed reward is reached, the 100-bed one is not.
    let reached: Vec<(String, bool)> = r
        .rewards
        .iter()
        .map(|w| (w.id.clone(), w.reached))
        .collect();
    assert_eq!(
        reached,
        [
            ("reward_80_beds".into(), true),
            ("reward_100_beds".into(), false)
        ]
    );

    let path = fixtures().join("programs/tongan-family-bed.yaml");
    let (_, policy) = program::load(&path).unwrap();
    let mut p: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // Visits of 50 minutes: under 1 h every day of the week (7 findings) and under 30 h in
    // March (31 × 50 min = 25.83 h), April (30 × 50 = 25 h) and May (25.83 h).
    for s in p["sessions"].as_array_mut().unwrap() {
        s["end"] = json!("09:50");
    }
    // An elder without a family caregiver is not served.
    p["groups"][0]["participants"][0]["family_caregiver"] = json!(false);
    let spec = program::parse_json(&serde_json::to_string(&p).unwrap(), "beds.json").unwrap();
    let r = program::audit(&spec, "beds.json", &policy).unwrap();
    assert_eq!(r.findings_of("min_minutes_per_day").count(), 7);
    let months: Vec<String> = r
        .findings_of("min_minutes_per_month")
        .map(|f| f.message.en.clone())
        .collect();
    assert_eq!(
        months,
        [
            "2022-03: 25.83 h of service, under 30 h",
            "2022-04: 25 h of service, under 30 h",
            "2022-05: 25.83 h of service, under 30 h",
        ]
    );
    let e1: Vec<_> = r.findings_of("not_eligible").collect();
    assert_eq!(e1.len(), 1);
    assert_eq!(e1[0].subject, program::Subject::Participant("e1".into()));
    assert!(e1[0].cite.is_some());
    // e1's 1450.00 a month is no longer due: 68100.00 − 3 × 1450.00 = 63750.00.
    assert_eq!(money(&r, "/money/subsidy_total"), "63750.00");
}

#[test]
fn the_report_json_has_a_stable_shape() {
    let j = audit_fixture("chongqing-wanzhou-2020.yaml").to_json();
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "program",
            "name",
            "pack",
            "kind",
            "from",
            "to",
            "periods",
            "open_days",
            "participation",
            "staff",
            "money",
            "rewards",
            "findings",
            // Wanzhou's 中低年级 bound is the pack's assumption.
            "assumptions"
        ]
    );
    assert_eq!(j["assumptions"][0]["parameter"], "lower_grade_max");
    assert_eq!(j["money"]["net_fee"], "15560.00");
    assert_eq!(j["staff"][0]["role"], "school_teacher");
}

#[test]
fn program_totals_past_the_decimal_range_are_an_error_not_a_short_total() {
    // Two costs of 5e28 make 1e29: the sum used to keep 5e28 and report a wrong total cost.
    let mut p = good();
    p["costs"] = serde_json::json!([
        { "id": "a", "amount": "50000000000000000000000000000", "for_use": "materials" },
        { "id": "b", "amount": "50000000000000000000000000000", "for_use": "materials" }
    ]);
    let text = serde_json::to_string(&p).unwrap();
    let spec = program::parse_json(&text, "program.json").unwrap();
    match program::audit(&spec, "program.json", &pack()).unwrap_err() {
        huimin_core::Error::Eval(huimin_core::EvalError::Arithmetic { what, .. }) => {
            assert!(what.contains("program's totals"), "{what}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_earmark_is_at_least_or_exactly_never_both() {
    for (from, to) in [
        ("min_share: 0.9,", "min_share: 0.9, share: 0.9,"),
        ("min_share: 0.9,", ""),
    ] {
        let yaml = PACK.replacen(from, to, 1);
        assert_ne!(yaml, PACK);
        let e = Policy::from_yaml(&yaml, "audit-rules.yaml").unwrap_err();
        assert!(
            e.to_string().contains(
                "earmark `staff_share`: give exactly one of min_share (at least) and share (exactly)"
            ),
            "{e}"
        );
    }
}

#[test]
fn seasonal_end_times_apply_in_their_months() {
    // Jilin: 至5:00（夏季可延长至5:30）; the pack takes summer as May to September. Care ending
    // at 17:30 is lawful in a May–June term, and in September of an autumn term; from October
    // the 17:00 rule governs: one finding for each of the four weekly sessions.
    let path = fixtures().join("programs/jilin-district-2020.yaml");
    let (_, policy) = program::load(&path).unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("end: \"17:00\"", "end: \"17:30\"");
    let audit = |text: &str| {
        let spec = program::parse_yaml(text, "jilin.yaml").unwrap();
        program::audit(&spec, "jilin.yaml", &policy).unwrap()
    };
    let autumn = audit(&text);
    let rules: Vec<&str> = autumn.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["end_1700"; 4], "{:?}", found(&autumn));
    let summer = text.replace(
        "term: { from: 2020-09-01, to: 2020-12-31, periods: 4, closed: [ { from: 2020-10-01, to: 2020-10-08 } ] }",
        "term: { from: 2021-05-06, to: 2021-06-30, periods: 2 }",
    );
    assert_ne!(summer, text);
    let summer = audit(&summer);
    assert!(summer.findings.is_empty(), "{:?}", found(&summer));
    // Past 17:30 is late in summer too: the summer rule's finding, not the winter one's.
    let late = audit(&summer_text_late(&text));
    let rules: Vec<&str> = late.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["end_1730_summer"; 4], "{:?}", found(&late));
}

fn summer_text_late(text: &str) -> String {
    text.replace(
        "term: { from: 2020-09-01, to: 2020-12-31, periods: 4, closed: [ { from: 2020-10-01, to: 2020-10-08 } ] }",
        "term: { from: 2021-05-06, to: 2021-06-30, periods: 2 }",
    )
    .replace("end: \"17:30\"", "end: \"17:45\"")
}

#[test]
fn months_are_for_clock_rules_only() {
    let yaml = PACK.replacen(
        "kind: max_class_hours_per_day, count: 3,",
        "kind: max_class_hours_per_day, months: [6], count: 3,",
        1,
    );
    assert_ne!(yaml, PACK);
    let e = Policy::from_yaml(&yaml, "audit-rules.yaml").unwrap_err();
    assert!(
        e.to_string().contains("`months` is for clock-time rules"),
        "{e}"
    );
}

#[test]
fn a_may_rule_is_a_note_never_a_violation() {
    // "每天至少2小时" written as something a school may do (可): a 40-minute day is noted, not
    // a violation; given as both may and in principle, the pack is refused.
    let old = "kind: min_minutes_per_day, count: 120, cite: c }";
    let may = PACK.replacen(
        old,
        "kind: min_minutes_per_day, count: 120, may: true, cite: c }",
        1,
    );
    assert_ne!(may, PACK);
    let policy = Policy::from_yaml(&may, "audit-rules.yaml").unwrap();
    let mut p = good();
    // Tuesday: homework only (40 minutes) — under the 120 minutes.
    p["sessions"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "p1-tue-club");
    let text = serde_json::to_string(&p).unwrap();
    let spec = program::parse_json(&text, "program.json").unwrap();
    let r = program::audit(&spec, "program.json", &policy).unwrap();
    let f: Vec<_> = r.findings_of("min_minutes_per_day").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].severity, FindingSeverity::Note);
    // The same program under the firm rule: a violation.
    let firm = run(&p);
    let f: Vec<_> = firm.findings_of("min_minutes_per_day").collect();
    assert_eq!(f[0].severity, FindingSeverity::Violation);
    let both = PACK.replacen(
        old,
        "kind: min_minutes_per_day, count: 120, may: true, in_principle: true, cite: c }",
        1,
    );
    let e = Policy::from_yaml(&both, "audit-rules.yaml").unwrap_err();
    assert!(e.to_string().contains("either `may`"), "{e}");
}

#[test]
fn a_price_above_the_limit_is_a_finding_not_a_silent_cap() {
    // Hefei: 个性化课程 不超過600元/學期·生. Nine pupils priced 750: each is charged 600.00 and
    // the audit finds the price (one finding for the row of nine, ×9).
    let path = fixtures().join("programs/hefei-2020.yaml");
    let (_, policy) = program::load(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let over = text.replacen(
        "{ count: 9, stage: primary, basic_care: true, personalised_price: 600,",
        "{ count: 9, stage: primary, basic_care: true, personalised_price: 750,",
        1,
    );
    assert_ne!(over, text);
    let spec = program::parse_yaml(&over, "hefei.yaml").unwrap();
    let r = program::audit(&spec, "hefei.yaml", &policy).unwrap();
    let f: Vec<_> = r.findings_of("fee_limit").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].severity, FindingSeverity::Violation);
    assert_eq!(f[0].rule, "personalised_courses");
    assert!(
        f[0].message
            .en
            .ends_with("priced 750.00 (×9), above the limit the source sets; charged 600.00"),
        "{}",
        f[0].message.en
    );
    assert!(f[0].cite.as_ref().unwrap().text.contains("不超過600元"));
    // At 600 there is nothing to find.
    assert!(audit_fixture("hefei-2020.yaml")
        .findings_of("fee_limit")
        .next()
        .is_none());
    // The decision itself: 600.00 charged, priced 750.00; the step says why.
    let d = policy
        .evaluate(
            &huimin_core::Participant::new()
                .with("stage", "primary")
                .with("basic_care", true)
                .with("personalised_price", 750),
            chrono::NaiveDate::from_ymd_opt(2020, 11, 2).unwrap(),
        )
        .unwrap();
    assert_eq!(d.fees[0].amount.to_string(), "600.00");
    assert_eq!(d.fees[0].over_limit.unwrap().to_string(), "750.00");
    let step = d
        .steps
        .iter()
        .find(|s| s.rule == "personalised_courses")
        .unwrap();
    assert!(step
        .detail
        .as_ref()
        .unwrap()
        .en
        .contains("above the limit 600 the source sets; charged 600"));
}

/// Audits a fixture program with `edits` (from, to) applied to its text.
fn audit_edited(name: &str, edits: &[(&str, &str)]) -> Report {
    let path = fixtures().join("programs").join(name);
    let (_, policy) = program::load(&path).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        let changed = text.replace(from, to);
        assert_ne!(changed, text, "{from}");
        text = changed;
    }
    let spec = program::parse_yaml(&text, name).unwrap();
    program::audit(&spec, name, &policy).unwrap()
}

#[test]
fn nanjing_500_a_year_is_a_floor_on_the_average_not_per_pupil() {
    // 平均每生每年不少于500元, a semester being half a year: the district's funds ÷ 40 pupils
    // ÷ 1 semester must be at least 250. All 40 at a 450 standard: 40 × 225.00 = 9000.00,
    // 9000 ÷ 40 = 225 < 250 — a violation.
    let low = audit_edited(
        "nanjing-2021.yaml",
        &[
            (
                "{ id: n1, stage: primary, tags: [dibao] }",
                "{ id: n1, stage: primary, tags: [dibao], district_annual_standard: 450 }",
            ),
            (
                "{ count: 39, stage: primary }",
                "{ count: 39, stage: primary, district_annual_standard: 450 }",
            ),
        ],
    );
    let f: Vec<_> = low.findings_of("average").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&low));
    assert_eq!(f[0].rule, "district_fund_average");
    assert_eq!(f[0].severity, FindingSeverity::Violation);
    assert!(
        f[0].message
            .en
            .contains("9000.00 ÷ 40 participants ÷ 1 periods = 225 on average, under 250"),
        "{}",
        f[0].message.en
    );
    assert_eq!(money(&low, "/money/income_by_payer/district"), "9000.00");
    // One pupil at 450 (225.00) and 39 at 600 (300.00): 225 + 11700 = 11925.00, ÷ 40 =
    // 298.125 ≥ 250 — the average holds though one pupil's share is under it.
    let mixed = audit_edited(
        "nanjing-2021.yaml",
        &[
            (
                "{ id: n1, stage: primary, tags: [dibao] }",
                "{ id: n1, stage: primary, tags: [dibao], district_annual_standard: 450 }",
            ),
            (
                "{ count: 39, stage: primary }",
                "{ count: 39, stage: primary, district_annual_standard: 600 }",
            ),
        ],
    );
    assert_eq!(
        mixed.findings_of("average").count(),
        0,
        "{:?}",
        found(&mixed)
    );
    assert_eq!(money(&mixed, "/money/income_by_payer/district"), "11925.00");
}

#[test]
fn adding_subject_homework_is_a_violation() {
    // 篇三: 也不允許給孩子加留學科作業.
    let r = audit_edited(
        "school-schedule-2020.yaml",
        &[("{ id: g1-tue-care, group: g1, weekday: tue, start: \"16:30\", end: \"17:40\", activity: care,", "{ id: g1-tue-care, group: g1, weekday: tue, start: \"16:30\", end: \"17:40\", activity: care, subject_homework: true,")],
    );
    let f: Vec<_> = r.findings_of("no_subject_homework").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].severity, FindingSeverity::Violation);
    assert_eq!(f[0].subject.to_string(), "session g1-tue-care");
}

#[test]
fn daily_care_needs_three_kinds_and_unrecorded_workflow_is_a_note() {
    // 篇十八: 生活照料服務為必備項目(至少提供3種). Two kinds (meals, cleaning) is short.
    let r = audit_edited(
        "tongan-family-bed.yaml",
        &[(
            "items: [meals, cleaning, bathing]",
            "items: [meals, cleaning]",
        )],
    );
    let f: Vec<_> = r.findings_of("min_items").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].subject.to_string(), "group beds");
    assert!(
        f[0].message
            .en
            .starts_with("2 kinds offered (cleaning, meals), fewer than 3"),
        "{}",
        f[0].message.en
    );
    // The response-time rules concern call-outs a program file does not record: notes.
    let kept = audit_fixture("tongan-family-bed.yaml");
    assert_eq!(kept.findings_of("min_items").count(), 0);
    let notes: Vec<_> = kept.findings_of("response_time").collect();
    assert_eq!(notes.len(), 2);
    assert!(notes
        .iter()
        .all(|n| n.severity == FindingSeverity::Note && n.message.en.starts_with("not checked")));
}

#[test]
fn jinan_ends_by_season_in_principle_and_never_on_thursday() {
    // 篇二十: 周四教师学习除外 — a Thursday session is a violation; 一般情况下冬季到17:00,
    // 夏季到17:30 — ending at 17:20 breaks the winter time (a warning, 一般: in principle) on
    // the term's days outside May–September, and keeps the summer one.
    let r = audit_edited(
        "jinan-school-2019.yaml",
        &[
            (
                "{ id: wed, group: g2, weekday: wed,",
                "{ id: thu, group: g2, weekday: thu,",
            ),
            (
                "{ id: mon, group: g2, weekday: mon, start: \"15:30\", end: \"17:00\"",
                "{ id: mon, group: g2, weekday: mon, start: \"15:30\", end: \"17:20\"",
            ),
        ],
    );
    let thursday: Vec<_> = r.findings_of("only_on").collect();
    assert_eq!(thursday.len(), 1, "{:?}", found(&r));
    assert_eq!(thursday[0].severity, FindingSeverity::Violation);
    assert_eq!(thursday[0].subject.to_string(), "session thu");
    let late: Vec<_> = r.findings_of("end_by").collect();
    assert!(!late.is_empty(), "{:?}", found(&r));
    assert!(
        late.iter().all(|f| f.rule == "end_1700"
            && f.severity == FindingSeverity::Warning
            && f.subject.to_string() == "session mon"),
        "{late:?}"
    );
    // The example program keeps every rule, and its fee is the example deployment's:
    // 30 × 200.00 = 6000.00.
    let kept = audit_fixture("jinan-school-2019.yaml");
    assert_eq!(money(&kept, "/money/net_fee"), "6000.00");
}

#[test]
fn a_temporary_class_of_41_breaks_the_40_limit() {
    // 篇七: 規模不超過40人的“臨時班”. The example's art class has 1 + 39 = 40: kept; one more
    // pupil makes 41, a violation on that group only.
    let r = audit_edited(
        "pian7-school-2017.yaml",
        &[(
            "{ count: 39, stage: primary, applied: true }",
            "{ count: 40, stage: primary, applied: true }",
        )],
    );
    let f: Vec<_> = r.findings_of("max_group_size").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].subject.to_string(), "group art");
    assert_eq!(f[0].message.en, "41 participants, over 40");
    assert_eq!(f[0].severity, FindingSeverity::Violation);
    // 66 pupils at the example 150.00: 9900.00.
    assert_eq!(money(&r, "/money/net_fee"), "9900.00");
}

#[test]
fn a_club_session_with_one_parent_volunteer_breaks_the_two() {
    // 篇四, the third plan: 組建社團的班級,每班每次不少于2人. One volunteer on Tuesday's club is a
    // violation on that session; the homework sessions need none.
    let r = audit_edited(
        "pian4-school3-2017.yaml",
        &[(
            "{ id: parents-a, role: parent_volunteer, count: 2 }",
            "{ id: parents-a, role: parent_volunteer, count: 1 }",
        )],
    );
    let f: Vec<_> = r.findings_of("min_parent_volunteers").collect();
    assert_eq!(f.len(), 1, "{:?}", found(&r));
    assert_eq!(f[0].subject.to_string(), "session tue-club");
    assert_eq!(
        f[0].message.en,
        "1 parent volunteers, fewer than 2 per class per session"
    );
    // 36 pupils at the example 180.00: 6480.00.
    assert_eq!(money(&r, "/money/net_fee"), "6480.00");
}

#[test]
fn summer_care_teachers_volunteer_and_classes_stay_at_most_55() {
    // Seed 004: 学生自愿、教师志愿; 56人及以上大班额动态清零 (at most 55). A teacher who did
    // not volunteer is a violation, one the program does not describe a note; 56 pupils in a
    // class-based group break the 55.
    let r = audit_edited(
        "shandong-summer-care-2021.yaml",
        &[
            ("{ id: t1, role: school_teacher, volunteered: true }", "{ id: t1, role: school_teacher, volunteered: false }\n  - { id: t2, role: school_teacher }"),
            ("{ count: 45, stage: primary, applied: true }", "{ count: 56, stage: primary, applied: true }"),
        ],
    );
    let v: Vec<_> = r
        .findings_of("teachers_volunteer")
        .map(|f| (f.subject.to_string(), f.severity))
        .collect();
    assert_eq!(
        v,
        [
            ("staff t1".to_owned(), FindingSeverity::Violation),
            ("staff t2".to_owned(), FindingSeverity::Note)
        ]
    );
    let size: Vec<_> = r.findings_of("max_group_size").collect();
    assert_eq!(size.len(), 1);
    assert_eq!(size[0].message.en, "56 participants, over 55");
    // 56 pupils at the example 200.00: 11200.00.
    assert_eq!(money(&r, "/money/net_fee"), "11200.00");
}
