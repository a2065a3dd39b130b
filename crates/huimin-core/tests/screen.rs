#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! "What can this family get?": a household screened under a registry of packs, with the
//! yearly totals worked by hand.

use chrono::NaiveDate;
use huimin_core::screen::Outcome;
use huimin_core::{Error, Household, Policy, Registry};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn pack(id: &str) -> Policy {
    Policy::from_path(fixtures().join(format!("policies/{id}.yaml"))).unwrap()
}

fn household(json: serde_json::Value) -> Household {
    Household::from_json_value(&json).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 9, 1).unwrap()
}

#[test]
fn a_child_and_a_grandmother_under_five_programs() {
    let registry = Registry::new(
        [
            "chongqing-wanzhou-2020",
            "jilin-district-2020",
            "nanjing-2021",
            "shenzhen-homecare",
            "tongan-family-bed",
        ]
        .map(pack)
        .into(),
    );
    let h = household(serde_json::json!({ "id": "wang", "members": [
        { "id": "child", "stage": "primary", "grade": 3, "class_hours": 60, "tags": ["dibao"] },
        { "id": "grandma", "age": 72, "local_hukou": true, "self_care": "partly_disabled", "family_caregiver": false, "tags": ["dibao"] }
    ] }));
    let s = registry.screen(&h, day()).unwrap();
    let lines: Vec<String> = s
        .lines
        .iter()
        .map(|l| {
            let what = match &l.outcome {
                Outcome::Eligible {
                    net_fee,
                    subsidy_total,
                    ..
                } => format!("pays {net_fee} gets {subsidy_total}"),
                Outcome::NotEligible { reasons } => format!(
                    "not: {}",
                    reasons
                        .iter()
                        .map(|r| r.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Outcome::Needs { inputs } => format!(
                    "needs: {}",
                    inputs
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Outcome::Invalid { errors } => format!("invalid: {errors:?}"),
            };
            format!("{} {} {what}", l.member, l.pack)
        })
        .collect();
    // The child is no elder and the grandmother no pupil: each is screened where the record
    // gives an input the program reads.
    // - Wanzhou: 3.00 × 60 = 180.00, capped at 170.00 a month, waived for 低保 → 0.00.
    // - Jilin: 80.00 a month; 低保 is a poor family (hardship) → half off → 40.00.
    // - Nanjing: 300.00 a semester, relieved for 低保 → 0.00; the district pays 500 ÷ 2 = 250.00.
    // - Shenzhen: 72, local hukou, partly disabled (介护) and 低保 → 500.00 a month.
    // - Tong'an: no family caregiver (孤寡、独居…暂不列入) → not eligible.
    assert_eq!(
        lines,
        [
            "child chongqing-wanzhou-2020 pays 0.00 gets 0.00",
            "child jilin-district-2020 pays 40.00 gets 0.00",
            "child nanjing-2021 pays 0.00 gets 250.00",
            "grandma shenzhen-homecare pays 0.00 gets 500.00",
            "grandma tongan-family-bed not: family_caregiver",
        ]
    );
    // A year: Jilin 12 × 40.00 = 480.00 is all the family pays; Nanjing's district 2 × 250.00
    // = 500.00; Shenzhen's lottery fund 12 × 500.00 = 6000.00.
    assert_eq!(s.family_pays_per_year.to_string(), "480.00");
    let jilin = s
        .lines
        .iter()
        .find(|l| l.pack == "jilin-district-2020")
        .unwrap();
    match &jilin.outcome {
        huimin_core::screen::Outcome::Eligible {
            net_fee_per_year, ..
        } => assert_eq!(
            net_fee_per_year.map(|m| m.to_string()),
            Some("480.00".into())
        ),
        other => panic!("{other:?}"),
    }
    let by: Vec<String> = s
        .per_year_by_payer
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    assert_eq!(
        by,
        [
            "chongqing-wanzhou-2020.parents 0.00",
            "jilin-district-2020.parents 480.00",
            "nanjing-2021.district 500.00",
            "nanjing-2021.parents 0.00",
            "shenzhen-homecare.lottery_fund 6000.00",
            "shenzhen-homecare.person 0.00",
        ]
    );
    assert!(s.not_annualised.is_empty());
    // Only Shenzhen's programs (深圳): the grandmother's line alone.
    let sz = registry.screen_within(&h, day(), Some("深圳")).unwrap();
    assert_eq!(sz.lines.len(), 1);
    assert_eq!(
        sz.per_year_by_payer["shenzhen-homecare.lottery_fund"].to_string(),
        "6000.00"
    );
}

#[test]
fn what_a_record_lacks_is_listed_per_program_not_an_error_for_the_run() {
    let registry = Registry::new(vec![
        pack("chongqing-wanzhou-2020"),
        pack("shenzhen-homecare"),
    ]);
    // No class-hours for the child, no self-care for the grandmother.
    let h = household(serde_json::json!({ "members": [
        { "stage": "primary", "grade": 3 },
        { "age": 72, "local_hukou": true }
    ] }));
    let s = registry.screen(&h, day()).unwrap();
    let needs: Vec<(String, Vec<String>)> = s
        .lines
        .iter()
        .map(|l| match &l.outcome {
            Outcome::Needs { inputs } => (
                l.member.clone(),
                inputs.iter().map(|n| n.name.clone()).collect(),
            ),
            o => panic!("{o:?}"),
        })
        .collect();
    assert_eq!(
        needs,
        [
            ("members[0]".to_owned(), vec!["class_hours".to_owned()]),
            ("members[1]".to_owned(), vec!["self_care".to_owned()]),
        ]
    );
    // A key no program reads and no vocabulary term names is an error, by its path.
    let bad =
        household(serde_json::json!({ "members": [ { "stage": "primary", "shoe_size": 30 } ] }));
    let Err(Error::Input { errors }) = registry.screen(&bad, day()) else {
        panic!("expected an input error");
    };
    assert_eq!(errors[0].path, "members[0].shoe_size");
}

#[test]
fn two_versions_of_a_program_resolve_by_date() {
    // Jilin's plan as two versions: the first until 2021-08-31 at 80 a month, the second from
    // 2021-09-01 at 100 a month (an invented revision, for the test only).
    let text =
        std::fs::read_to_string(fixtures().join("policies/jilin-district-2020.yaml")).unwrap();
    let first = text.replacen(
        "valid_from: 2020-09-01",
        "valid_from: 2020-09-01\nvalid_until: 2021-08-31",
        1,
    );
    assert_ne!(first, text);
    let second = text
        .replacen("id: jilin-district-2020", "id: jilin-district-2021", 1)
        .replacen("valid_from: 2020-09-01", "valid_from: 2021-09-01", 1)
        .replace("value: 80,", "value: 100,");
    assert!(second.contains("value: 100,"));
    let registry = Registry::new(vec![
        Policy::from_yaml(&first, "jilin-2020.yaml").unwrap(),
        Policy::from_yaml(&second, "jilin-2021.yaml").unwrap(),
    ]);
    let h = household(serde_json::json!({ "members": [ { "stage": "primary" } ] }));
    let at = |y, m, d| {
        let s = registry
            .screen(&h, NaiveDate::from_ymd_opt(y, m, d).unwrap())
            .unwrap();
        s.lines
            .iter()
            .map(|l| l.pack.clone())
            .collect::<Vec<_>>()
            .join(",")
            + " "
            + &s.family_pays_per_year.to_string()
    };
    assert_eq!(at(2021, 8, 31), "jilin-district-2020 960.00"); // 12 × 80.00
    assert_eq!(at(2021, 9, 1), "jilin-district-2021 1200.00"); // 12 × 100.00
}
