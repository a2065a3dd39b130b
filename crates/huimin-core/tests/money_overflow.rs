#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Money near the top of `Decimal`'s range (about 7.9e28) is an error for that participant,
//! in both engines — never a panic. Two subsidies of 5e28 stacked with `add` make 1e29: the
//! running total used to be summed with a bare `+=`, which panicked and took the whole run down.

use huimin_core::batch::Batch;
use huimin_core::{Error, EvalError, Participant, Policy};
use rust_decimal::Decimal;
use std::str::FromStr;

const PACK: &str = r#"
id: overflow
name: { zh: 溢出, en: Overflow }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { city: { zh: 市, en: City } }
inputs: { claim: { type: decimal } }
subsidies:
  stacking: add
  rules:
    - { id: first, label: { zh: 一, en: First }, amount: claim, payer: city }
    - { id: second, label: { zh: 二, en: Second }, amount: claim, payer: city }
"#;

fn arithmetic(e: &Error) -> bool {
    matches!(e, Error::Eval(EvalError::Arithmetic { .. }))
}

#[test]
fn two_stacked_subsidies_past_the_decimal_range_are_that_rows_error() {
    let policy = Policy::from_yaml(PACK, "overflow.yaml").unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let huge = Participant::new().with("claim", Decimal::from_str("5e28").unwrap());
    let small = Participant::new().with("claim", Decimal::from_str("12.5").unwrap());

    let err = policy.evaluate(&huge, as_of).unwrap_err();
    assert!(arithmetic(&err), "{err:?}");

    // 12.50 + 12.50: the other participant of the same batch is decided as usual.
    let out = policy
        .evaluate_batch(&Batch::from_participants(&[huge, small]), as_of)
        .unwrap();
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].0, 0);
    assert!(arithmetic(&out.errors[0].1), "{:?}", out.errors[0].1);
    assert_eq!(out.money(out.subsidy_total[1]).to_string(), "25.00");
}

#[test]
fn constants_at_the_edge_of_the_decimal_range_leave_the_lint_search_undecided() {
    // The reachability search tries each side of every constant a field is compared with
    // (c − 1, c + 1) and midpoints between them: beside Decimal::MAX these used to overflow
    // and panic the load. Now the search says it cannot decide, and warns of nothing.
    let pack = r#"
id: edge
name: { zh: 边界, en: Edge }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { city: { zh: 市, en: City } }
inputs: { claim: { type: decimal } }
priority:
  - { id: top, label: { zh: 顶, en: Top }, when: "claim >= 79228162514264337593543950335", cite: c }
  - { id: near, label: { zh: 近, en: Near }, when: "claim > 79228162514264337593543950000 and claim < 79228162514264337593543950335", cite: c }
  - { id: bottom, label: { zh: 底, en: Bottom }, when: "claim <= -79228162514264337593543950335", cite: c }
sources: { s: { title: 测试 } }
clauses: { c: { source: s, clause: 一, text: 测试 } }
"#;
    let policy = Policy::from_yaml(pack, "edge.yaml").unwrap();
    let unreachable: Vec<_> = policy
        .warnings()
        .iter()
        .filter(|w| w.code == "unreachable")
        .collect();
    assert!(unreachable.is_empty(), "{unreachable:?}");
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let top = Participant::new().with(
        "claim",
        Decimal::from_str("79228162514264337593543950335").unwrap(),
    );
    let d = policy.evaluate(&top, as_of).unwrap();
    assert_eq!(d.priority_groups, vec!["top".to_owned()]);
}

#[test]
fn more_than_28_decimal_places_are_refused_not_rounded() {
    // 0.005 + 1e-29 would round to 0.0050…0 (28 places): a fee of 0.01 where exactly it is
    // 0.01 only by rounding. Refused in a pack value, an expression and a participant.
    let pack = |value: &str, fee: &str| {
        format!(
            r#"
id: places
name: {{ zh: 精度, en: Places }}
kind: after_school
jurisdiction: {{ zh: 某市, en: Some city }}
valid_from: 2020-09-01
period: month
payers: {{ parents: {{ zh: 家长, en: Parents }} }}
fee_payer: parents
inputs: {{ hours: {{ type: decimal }} }}
parameters:
  rate: {{ values: [ {{ from: 2020-09-01, value: {value} }} ] }}
fees:
  - {{ id: service, label: {{ zh: 服务费, en: Service fee }}, amount: "{fee}" }}
"#
        )
    };
    let err = Policy::from_yaml(&pack("0.00500000000000000000000000001", "rate"), "p.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 28 decimal places"), "{err}");
    let err = Policy::from_yaml(
        &pack("0.005", "hours * 0.00500000000000000000000000001"),
        "p.yaml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("at most 28 decimal places"), "{err}");
    let policy = Policy::from_yaml(&pack("0.005", "rate * hours"), "p.yaml").unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let err = huimin_core::ffi::evaluate(
        &policy,
        r#"{"hours": 1.00000000000000000000000000001}"#,
        "2021-03-01",
        false,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Input { errors } if errors[0].code == "out_of_range"),
        "{err:?}"
    );
    // 0.005 × 2 = 0.01: exact values still go through.
    let two = Participant::new().with("hours", 2);
    assert_eq!(
        policy.evaluate(&two, as_of).unwrap().net_fee.to_string(),
        "0.01"
    );
}

#[test]
fn a_population_total_never_leaves_an_amount_out_without_a_word() {
    // Each participant is due 2.5e28 + 2.5e28 = 5e28: a decision holds it exactly, but it is
    // past what the columnar totals count in (fen of an i64). Such a row is counted as an
    // error, named, and left out of every total — never added as a smaller number — while
    // the participant beside it is totalled as usual (12.50 + 12.50 = 25.00).
    let policy = Policy::from_yaml(PACK, "overflow.yaml").unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let huge = Participant::new().with("claim", Decimal::from_str("2.5e28").unwrap());
    let small = Participant::new().with("claim", Decimal::from_str("12.5").unwrap());
    assert!(policy.evaluate(&huge, as_of).is_ok());
    let r = policy.simulate(&[huge, small], as_of, &|_| {});
    assert_eq!((r.rows, r.errors), (2, 1));
    let t = &r.total.scenarios[0];
    assert_eq!(t.subsidy_total.to_string(), "25.00");
    assert_eq!(t.payers["city"].to_string(), "25.00");
    assert!(
        r.first_errors[0].starts_with("participant 0: "),
        "{:?}",
        r.first_errors
    );
}
