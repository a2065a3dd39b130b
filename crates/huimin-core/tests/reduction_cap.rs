#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! A reduction's `cap` (最高减免): half the fee off, but at most 40 — in both engines, with
//! the explanation saying which bound applied.

use huimin_core::batch::Batch;
use huimin_core::{Participant, Policy};

const PACK: &str = r#"
id: reduction-cap
name: { zh: 最高减免, en: Reduction cap }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { parents: { zh: 家长, en: Parents } }
fee_payer: parents
inputs: { class_hours: {} }
tags: { hardship: { zh: 困难家庭, en: Hardship household } }
fees:
  - { id: service, label: { zh: 服务费, en: Service fee }, rate: "3.00", quantity: class_hours, cap: "170" }
reductions:
  rules:
    - id: half_off
      label: { zh: 困难家庭减半, en: Half off for hardship }
      when: has(hardship)
      percent: "50"
      cap: "40"
"#;

#[test]
fn a_capped_reduction_takes_off_at_most_its_cap() {
    let policy = Policy::from_yaml(PACK, "reduction-cap.yaml").unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    // 60 hours: 3.00 × 60 = 180, capped at 170; half is 85, above the cap 40: 40 off, 130 due.
    let long = Participant::new().with("class_hours", 60).tag("hardship");
    // 20 hours: 60; half is 30, under the cap: 30 off, 30 due.
    let short = Participant::new().with("class_hours", 20).tag("hardship");

    let d = policy.evaluate(&long, as_of).unwrap();
    assert_eq!(d.reduction_total.to_string(), "40.00");
    assert_eq!(d.net_fee.to_string(), "130.00");
    let step = d.steps.iter().find(|s| s.rule == "half_off").unwrap();
    assert_eq!(
        step.detail.as_ref().unwrap().en,
        "50% of 170 = 85; at most 40"
    );
    let d = policy.evaluate(&short, as_of).unwrap();
    assert_eq!(d.reduction_total.to_string(), "30.00");
    assert_eq!(d.net_fee.to_string(), "30.00");

    let out = policy
        .evaluate_batch(&Batch::from_participants(&[long, short]), as_of)
        .unwrap();
    assert_eq!(out.scalar_rows, 0, "both rows run on the lanes");
    assert_eq!(out.reduction_total, vec![4_000, 3_000]);
    assert_eq!(out.net_fee, vec![13_000, 3_000]);
}
