#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Assumptions reach the answer (issue 16, item 2): a value the source document does not state
//! is marked in the decision (which parameters, why, which rules read them, and which fields
//! are therefore estimates), in the explanation and in a budget.

use chrono::NaiveDate;
use huimin_core::{Participant, Policy};

/// A fee per class-hour whose rate the source does not state (assumed, with a reason, and
/// changed on 2021-03-01), a half-off reduction for hardship, and a district subsidy of a stated
/// 50; an unassumed parameter (`cap`) beside them; a priority group that reads nothing assumed.
const PACK: &str = r#"
id: assumed-rate
name: { zh: 估算费率, en: Assumed rate }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers:
  parents: { zh: 家长, en: Parents }
  district: { zh: 区财政, en: District }
fee_payer: parents
inputs: { class_hours: {} }
tags: { hardship: { zh: 困难家庭, en: Hardship household } }
parameters:
  rate:
    label: { zh: 每课时费用, en: Fee per class-hour }
    assumed: { zh: 原文未给费率, en: the source gives no rate }
    values: [ { from: 2020-09-01, value: "2.50" }, { from: 2021-03-01, value: "3.00" } ]
  cap:
    label: { zh: 每月上限, en: Monthly cap }
    values: [ { from: 2020-09-01, value: "170" } ]
priority:
  - { id: hardship, label: { zh: 困难家庭, en: Hardship }, when: has(hardship) }
fees:
  - { id: service, label: { zh: 服务费, en: Service fee }, rate: rate, quantity: class_hours, cap: cap }
reductions:
  rules:
    - { id: half_off, label: { zh: 困难家庭减半, en: Half off }, when: has(hardship), percent: "50" }
subsidies:
  rules:
    - { id: district_share, label: { zh: 区补助, en: District share }, amount: "50", payer: district }
"#;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_decision_names_the_assumed_value_its_reason_and_the_fields_that_rest_on_it() {
    let policy = Policy::from_yaml(PACK, "assumed-rate.yaml").unwrap();
    // 2021-03-01: rate 3.00 (assumed) × 45 = 135.00, under the cap 170; half off 67.50; net
    // 67.50; the district's 50 is stated.
    let kid = Participant::new().with("class_hours", 45).tag("hardship");
    let d = policy.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert_eq!(d.gross_fee.to_string(), "135.00");
    assert_eq!(d.reduction_total.to_string(), "67.50");
    assert_eq!(d.subsidy_total.to_string(), "50.00");

    assert_eq!(d.assumptions.len(), 1);
    let a = &d.assumptions[0];
    assert_eq!(a.parameter, "rate");
    assert_eq!(a.value, "3.00");
    assert_eq!(a.reason.zh, "原文未给费率");
    assert_eq!(a.reason.en, "the source gives no rate");
    assert_eq!(a.label.en, "Fee per class-hour");
    assert_eq!(a.rules[..], ["service"]);

    // The fee reads the rate; half of an estimated fee is an estimate too; the subsidy is not.
    assert_eq!(d.fees[0].assumed[..], ["rate"]);
    assert_eq!(d.reductions[0].assumed[..], ["rate"]);
    assert!(d.subsidies[0].assumed.is_empty());
    assert_eq!(
        d.estimated,
        ["gross_fee", "reduction_total", "net_fee", "payers.parents"]
    );

    // The parameter's step says it is an estimate, in both languages.
    let step = d.steps.iter().find(|s| s.rule == "rate").unwrap();
    let detail = step.detail.as_ref().unwrap();
    assert_eq!(detail.zh, "自 2021-03-01 起施行；估算：原文未给费率");
    assert_eq!(
        detail.en,
        "in force from 2021-03-01; estimate: the source gives no rate"
    );

    // So do the steps of the rules that read it.
    let service = d.steps.iter().find(|s| s.rule == "service").unwrap();
    assert_eq!(service.assumed, ["rate"]);
    let district = d.steps.iter().find(|s| s.rule == "district_share").unwrap();
    assert!(district.assumed.is_empty());

    // The JSON every binding passes carries the same.
    let json = d.to_json();
    assert_eq!(
        json["assumptions"][0]["reason"]["en"],
        "the source gives no rate"
    );
    assert_eq!(json["estimated"][3], "payers.parents");
    assert_eq!(json["fees"][0]["assumed"][0], "rate");
}

#[test]
fn the_value_is_the_one_in_force_on_the_date() {
    let policy = Policy::from_yaml(PACK, "assumed-rate.yaml").unwrap();
    // 2020-10-01: rate 2.50 × 10 = 25.00.
    let kid = Participant::new().with("class_hours", 10);
    let d = policy.evaluate(&kid, date(2020, 10, 1)).unwrap();
    assert_eq!(d.gross_fee.to_string(), "25.00");
    assert_eq!(d.assumptions[0].value, "2.50");
    assert_eq!(policy.assumptions(date(2020, 10, 1))[0].value, "2.50");
    assert_eq!(policy.assumptions(date(2021, 3, 1))[0].value, "3.00");
}

#[test]
fn a_pack_that_assumes_nothing_gives_answers_without_the_keys() {
    let yaml = PACK.replace(
        "assumed: { zh: 原文未给费率, en: the source gives no rate }",
        "assumed: false",
    );
    let policy = Policy::from_yaml(&yaml, "stated-rate.yaml").unwrap();
    let kid = Participant::new().with("class_hours", 45).tag("hardship");
    let d = policy.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert!(d.assumptions.is_empty());
    assert!(d.estimated.is_empty());
    let json = d.to_json();
    assert!(json.get("assumptions").is_none());
    assert!(json.get("estimated").is_none());
    assert!(json["fees"][0].get("assumed").is_none());
    assert!(policy.assumptions(date(2021, 3, 1)).is_empty());
    assert!(policy.estimated().is_empty());
}

#[test]
fn assumed_true_gives_the_general_reason() {
    let yaml = PACK.replace(
        "assumed: { zh: 原文未给费率, en: the source gives no rate }",
        "assumed: true",
    );
    let policy = Policy::from_yaml(&yaml, "assumed-true.yaml").unwrap();
    let d = policy
        .evaluate(&Participant::new().with("class_hours", 1), date(2021, 3, 1))
        .unwrap();
    assert_eq!(
        d.assumptions[0].reason.en,
        "the source document does not state this number; the pack's value is an estimate"
    );
}

#[test]
fn an_assumed_eligibility_rule_makes_every_answer_an_estimate() {
    // Served only up to an assumed number of class-hours (40): whether one is served rests on
    // it, and so does every amount, even the stated subsidy; 45 hours is not served.
    let yaml = PACK.replace(
        "priority:\n",
        "eligibility:\n  - { id: within_hours, label: { zh: 课时以内, en: Within the hours }, when: class_hours <= max_hours }\npriority:\n",
    ).replace(
        "  cap:\n",
        "  max_hours:\n    label: { zh: 最多课时, en: Most class-hours }\n    assumed: true\n    values: [ { from: 2020-09-01, value: 40 } ]\n  cap:\n",
    );
    let policy = Policy::from_yaml(&yaml, "assumed-eligibility.yaml").unwrap();
    let kid = Participant::new().with("class_hours", 45);
    let d = policy.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert!(!d.eligible);
    let names: Vec<&str> = d.assumptions.iter().map(|a| a.parameter.as_str()).collect();
    assert_eq!(names, ["max_hours"], "not served: the fee is never reached");
    assert_eq!(
        d.estimated,
        [
            "eligible",
            "category",
            "priority_groups",
            "gross_fee",
            "reduction_total",
            "net_fee",
            "subsidy_total",
            "entitlements"
        ]
    );
}

#[test]
fn a_budget_says_which_totals_are_estimates_and_why() {
    let policy = Policy::from_yaml(PACK, "assumed-rate.yaml").unwrap();
    // Whoever the participant: fee, reductions, net and the parents' part can rest on the rate;
    // the district's 50 and the priority groups cannot.
    assert_eq!(
        policy.estimated(),
        ["gross_fee", "reduction_total", "net_fee", "payers.parents"]
    );
    let people = [
        Participant::new().with("class_hours", 45).tag("hardship"),
        Participant::new().with("class_hours", 100),
    ];
    let r = policy.simulate(&people, date(2021, 3, 1), &|_| {});
    let b = &r.total.scenarios[0];
    // 135.00 + min(300.00, 170) = 305.00 gross; 67.50 off; 237.50 net; 2 × 50 subsidies.
    assert_eq!(b.gross_fee.to_string(), "305.00");
    assert_eq!(b.net_fee.to_string(), "237.50");
    assert_eq!(b.subsidy_total.to_string(), "100.00");
    let s = &r.scenarios[0];
    assert_eq!(s.assumptions.len(), 1);
    assert_eq!(s.assumptions[0].value, "3.00");
    assert_eq!(s.assumptions[0].rules[..], ["service"]);
    assert_eq!(s.estimated, policy.estimated());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["scenarios"][0]["assumptions"][0]["parameter"], "rate");
}

/// Hefei's district standard is set by the county or district (`set_by` on the input): the
/// schema says so, and a form does not ask for it.
fn hefei() -> Policy {
    Policy::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/hefei-2020.yaml"
    ))
    .unwrap()
}

#[test]
fn an_input_set_by_an_authority_is_an_estimate_only_when_its_default_stands_in() {
    let policy = hefei();
    let schema = policy.input_schema();
    let field = schema
        .fields
        .iter()
        .find(|f| f.name == "district_standard")
        .unwrap();
    assert_eq!(field.set_by.as_ref().unwrap().zh, "所在县（市）区");
    // Not given: the default 150 stands in; max(150, floor 150) = 150.00, an estimate.
    let kid = Participant::new()
        .with("stage", "primary")
        .with("basic_care", true);
    let d = policy.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert_eq!(d.subsidy_total.to_string(), "150.00");
    assert_eq!(d.assumptions.len(), 1);
    assert_eq!(d.assumptions[0].parameter, "district_standard");
    assert_eq!(d.assumptions[0].value, "150");
    assert_eq!(d.assumptions[0].rules[..], ["basic_care_funding"]);
    assert_eq!(d.subsidies[0].assumed[..], ["district_standard"]);
    assert_eq!(d.estimated, ["subsidy_total", "payers.district"]);
    // Explained, the step and the parent's sentence say so too.
    let d = policy
        .evaluate_with(
            &kid,
            date(2021, 3, 1),
            huimin_core::EvalOptions { explain: true },
        )
        .unwrap();
    let step = d
        .steps
        .iter()
        .find(|s| s.rule == "basic_care_funding")
        .unwrap();
    assert_eq!(step.assumed, ["district_standard"]);
    let said = d
        .plain
        .iter()
        .find(|s| s.rule == "basic_care_funding")
        .unwrap();
    assert!(said.estimate && said.amount.as_deref() == Some("150.00"));
    // Given by the district's system (200.5 above the floor): nothing is an estimate.
    let given = kid.with("district_standard", "200.5");
    let d = policy.evaluate(&given, date(2021, 3, 1)).unwrap();
    assert_eq!(d.subsidy_total.to_string(), "200.50");
    assert!(d.assumptions.is_empty() && d.estimated.is_empty());
    assert!(d.subsidies[0].assumed.is_empty());
    // Not for basic care: the rule does not apply and its condition does not read the standard.
    let d = policy
        .evaluate(
            &Participant::new()
                .with("stage", "primary")
                .with("basic_care", false),
            date(2021, 3, 1),
        )
        .unwrap();
    assert!(d.assumptions.is_empty(), "{:?}", d.assumptions);
}

#[test]
fn a_what_if_does_not_ask_the_applicant_to_change_what_an_authority_sets() {
    // District standard 120 is raised to the floor 150; more would need a higher standard,
    // which is the district's, not the family's: no suggestion, and a note says why.
    let policy = hefei();
    let answer = huimin_core::ffi::what_if(
        &policy,
        r#"{"stage": "primary", "basic_care": true, "district_standard": 120}"#,
        "2021-03-01",
        "receive_more",
        None,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["suggestions"].as_array().unwrap().len(), 0, "{v}");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("set by the county or district, not by the applicant"),
        "{notes}"
    );
}

#[test]
fn a_deployment_gives_the_authoritys_input_and_then_it_is_no_estimate() {
    let pack = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/hefei-2020.yaml"
    ))
    .unwrap();
    let values = |example: bool| {
        format!(
            "pack: hefei-2020\nname: {{ zh: 某区部署, en: A district's deployment }}\nexample: {example}\ninputs:\n  district_standard: 180\n"
        )
    };
    let kid = Participant::new()
        .with("stage", "primary")
        .with("basic_care", true);
    // The district's own 180 is above the floor 150: 180.00, set by the authority, no estimate.
    let p = Policy::from_yaml_with_values(&pack, "hefei.yaml", &values(false), "district.yaml")
        .unwrap();
    let d = p.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert_eq!(d.subsidy_total.to_string(), "180.00");
    assert!(d.assumptions.is_empty() && d.estimated.is_empty());
    // The same number in an example deployment is still an estimate, and says whose.
    let p =
        Policy::from_yaml_with_values(&pack, "hefei.yaml", &values(true), "example.yaml").unwrap();
    let d = p.evaluate(&kid, date(2021, 3, 1)).unwrap();
    assert_eq!(d.subsidy_total.to_string(), "180.00");
    assert_eq!(d.assumptions[0].value, "180");
    assert!(
        d.assumptions[0].reason.zh.starts_with("某区部署：示例数值"),
        "{:?}",
        d.assumptions[0].reason
    );
    // The compiled JSON keeps who gave it: rebuilt from it, the answer is the same.
    let again = Policy::from_json(&p.canonical(), "canonical.json").unwrap();
    assert_eq!(
        again
            .evaluate(&kid, date(2021, 3, 1))
            .unwrap()
            .assumptions
            .len(),
        1
    );
    // Only an authority's input can be given, and only one the pack has.
    let wrong = values(false).replace(
        "district_standard: 180",
        "personalised_price: 10\n  distric_standard: 1",
    );
    let e = Policy::from_yaml_with_values(&pack, "hefei.yaml", &wrong, "district.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("input `personalised_price` is the applicant's"),
        "{e}"
    );
    assert!(e.contains("has no input `distric_standard`"), "{e}");
    // A default of the wrong type is the values file's error, at its line there.
    let text = values(false).replace("district_standard: 180", "district_standard: lots");
    let e = Policy::from_yaml_with_values(&pack, "hefei.yaml", &text, "district.yaml").unwrap_err();
    let huimin_core::Error::Pack(errors) = &e else {
        panic!("{e}")
    };
    let bad = errors.0.iter().find(|p| p.code == "invalid").unwrap();
    assert_eq!((bad.file.as_str(), bad.line), ("district.yaml", 5), "{e}");
    assert!(
        bad.message.contains("default of `district_standard`"),
        "{e}"
    );
}

#[test]
fn a_population_run_says_how_many_rows_the_authoritys_default_stood_in_for() {
    let policy = hefei();
    let kid = Participant::new()
        .with("stage", "primary")
        .with("basic_care", true);
    // One pupil's district gave its standard (200.5); two came without it: 150 each.
    let people = [
        kid.clone().with("district_standard", "200.5"),
        kid.clone(),
        kid.clone(),
    ];
    let r = policy.simulate(&people, date(2021, 3, 1), &|_| {});
    // 200.50 + 150.00 + 150.00
    assert_eq!(r.total.scenarios[0].subsidy_total.to_string(), "500.50");
    let s = &r.scenarios[0];
    assert_eq!(s.assumptions.len(), 1);
    assert_eq!(s.assumptions[0].parameter, "district_standard");
    assert_eq!(s.assumptions[0].value, "150");
    assert_eq!(s.assumptions[0].rules[..], ["basic_care_funding"]);
    assert_eq!(s.estimated, ["subsidy_total", "payers.district"]);
    assert_eq!(s.defaulted.len(), 1);
    assert_eq!(
        (s.defaulted[0].input.as_str(), s.defaulted[0].rows),
        ("district_standard", 2)
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["scenarios"][0]["defaulted"][0]["rows"], 2);

    // Every pupil's standard given: nothing rests on the default.
    let given = [
        kid.clone().with("district_standard", "200.5"),
        kid.clone().with("district_standard", 150),
    ];
    let r = policy.simulate(&given, date(2021, 3, 1), &|_| {});
    assert_eq!(r.total.scenarios[0].subsidy_total.to_string(), "350.50");
    let s = &r.scenarios[0];
    assert!(s.assumptions.is_empty() && s.estimated.is_empty() && s.defaulted.is_empty());

    // Tallies of two parts (as a cluster's workers make them) add their rows up.
    let part = |people: &[Participant]| {
        let mut t = huimin_core::Tally::single(&policy, date(2021, 3, 1));
        let group = vec![0; people.len()];
        t.add_people(
            &[&policy],
            people,
            date(2021, 3, 1),
            &[vec![]],
            &group,
            None,
            &|i| format!("row {i}"),
        )
        .unwrap();
        t
    };
    let mut whole = part(&people);
    whole.merge(part(&people[1..])).unwrap();
    let r = whole.report();
    assert_eq!(r.rows, 5);
    assert_eq!(r.scenarios[0].defaulted[0].rows, 4);
    assert_eq!(r.scenarios[0].assumptions.len(), 1);
    // A tally written before the list existed (its JSON without it) still counts them.
    let mut json = serde_json::to_value(part(&people[..1])).unwrap();
    assert!(json.as_object_mut().unwrap().remove("defaulted").is_some());
    let mut old: huimin_core::Tally = serde_json::from_value(json).unwrap();
    old.merge(part(&people[1..])).unwrap();
    assert_eq!(old.report().scenarios[0].defaulted[0].rows, 2);
}
