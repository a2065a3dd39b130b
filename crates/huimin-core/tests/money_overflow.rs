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
