#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The analyst view of an explanation (`Decision::steps`): each amount's split is a step headed
//! by who pays it, in the pack's words.

use chrono::NaiveDate;
use huimin_core::{EvalOptions, Participant, Policy};

/// A fee of 10 per class-hour paid by the parents; a subsidy of 50 split by a labelled
/// arrangement 6 : 4, and one of 9 by an unlabelled arrangement 2 : 1.
const PACK: &str = r#"
id: split-headers
name: { zh: 分担说明, en: Split headers }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2024-01-01
period: month
payers:
  parents: { zh: 家长, en: Parents }
  city: { zh: 市财政, en: City treasury }
  district: { zh: 区财政, en: District treasury }
fee_payer: parents
inputs: { class_hours: {} }
fees:
  - { id: service, label: { zh: 服务费, en: Service fee }, rate: "10", quantity: class_hours }
subsidies:
  stacking: add
  rules:
    - { id: participation, label: { zh: 生均补助, en: Per pupil }, amount: "50", split: city_district }
    - { id: materials, label: { zh: 材料补助, en: Materials }, amount: "9", split: two_to_one }
splits:
  city_district:
    label: { zh: 市:区 = 6:4, en: "City : district = 6 : 4" }
    parts: { city: 6, district: 4 }
  two_to_one:
    parts: { city: 2, district: 1 }
"#;

#[test]
fn each_split_step_is_headed_by_who_pays_in_the_packs_words() {
    let policy = Policy::from_yaml(PACK, "split-headers.yaml").unwrap();
    let kid = Participant::new().with("class_hours", 12);
    let as_of = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
    let d = policy
        .evaluate_with(&kid, as_of, EvalOptions { explain: true })
        .unwrap();
    let splits: Vec<_> = d
        .steps
        .iter()
        .filter(|s| s.kind == huimin_core::decision::StepKind::Split)
        .map(|s| {
            let detail = s.detail.as_ref().unwrap();
            (
                s.rule.as_str(),
                s.label.zh.as_str(),
                s.label.en.as_str(),
                s.value.as_str(),
                detail.en.as_str(),
            )
        })
        .collect();
    assert_eq!(
        splits,
        [
            // The net fee, 10 × 12 = 120 (allocated as `fee`), the fee payer's: headed by the
            // payer's name.
            (
                "fee",
                "分担：家长",
                "paid by: Parents",
                "120.00",
                "Parents 120.00"
            ),
            // 50 at 6 : 4 = 30 + 20: headed by the arrangement's label.
            (
                "participation",
                "分担：市:区 = 6:4",
                "paid by: City : district = 6 : 4",
                "50.00",
                "City treasury 30.00 + District treasury 20.00",
            ),
            // 9 at 2 : 1 = 6 + 3: an arrangement without a label is named by its id.
            (
                "materials",
                "分担：two_to_one",
                "paid by: two_to_one",
                "9.00",
                "City treasury 6.00 + District treasury 3.00",
            ),
        ]
    );
}
