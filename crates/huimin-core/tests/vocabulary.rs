#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The shared vocabulary: one household record fits every seed pack, statuses entail what
//! they mean, registry names are read, and a term a pack does not read is reported.

use chrono::NaiveDate;
use huimin_core::{Error, Participant, Policy};
use std::path::Path;

fn policies() -> Vec<Policy> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.starts_with("bench-") {
            continue;
        }
        out.push(Policy::from_path(&path).unwrap());
    }
    out.sort_by(|a, b| a.id().cmp(b.id()));
    out
}

fn person(json: serde_json::Value) -> Participant {
    Participant::from_json_value(&json).unwrap()
}

#[test]
fn one_household_record_fits_every_seed_pack_without_unknown_terms() {
    // A 低保 child and her 低保 grandmother, as a household record holds them: every seed pack
    // either decides them, or says which of its own inputs it still needs (missing, or a value
    // a bureau sets) — never that a status or a standard field is unknown.
    let child = person(
        serde_json::json!({ "id": "child", "stage": "primary", "grade": 3, "class_hours": 60, "applied": true, "tags": ["dibao"] }),
    );
    let grandma = person(
        serde_json::json!({ "id": "grandma", "age": 72, "local_hukou": true, "local_residence": true, "self_care": "partly_disabled", "living_situation": "alone", "tags": ["dibao"] }),
    );
    let mut decided: Vec<(String, String, String)> = Vec::new();
    let mut runs = 0;
    for policy in policies() {
        let as_of = policy.valid_from();
        for p in [&child, &grandma] {
            runs += 1;
            let who = p.id.clone().unwrap_or_default();
            match policy.evaluate(p, as_of) {
                Ok(d) => decided.push((
                    policy.id().to_owned(),
                    who,
                    format!("{}/{}", d.net_fee, d.subsidy_total),
                )),
                Err(Error::Input { errors }) => {
                    for e in &errors {
                        assert!(
                            e.code == "missing",
                            "{} {who}: {} {} {}",
                            policy.id(),
                            e.path,
                            e.code,
                            e.message.en
                        );
                    }
                }
                // A value a bureau sets, not yet given: not about the record's terms.
                Err(Error::Eval(e)) => assert!(
                    matches!(e, huimin_core::EvalError::NotSet { .. }),
                    "{} {who}: {e}",
                    policy.id()
                ),
                Err(e) => panic!("{} {who}: {e}", policy.id()),
            }
        }
    }
    assert_eq!(runs, 42); // 21 seed packs × 2 people
                          // Decided outright (net fee / subsidies), each by hand:
                          // - Wanzhou: 3.00 × 60 = 180.00, capped at 170.00, waived for 低保 → 0.00.
                          // - Jilin: 80.00 a month; 低保 entails hardship (贫困家庭) → half off → 40.00.
                          // - Nanjing: 300.00, 低保 relief (assumed 100%) → 0.00; district fund 500 ÷ 2 = 250.00.
                          // Neimeng charges per semester and reads class-hours a semester: the record gives
                          // class-hours a month, so Neimeng says it needs `class_hours_semester` rather than taking
                          // 60 a month for a semester's hours.
                          // - The school timetable, Weifang summer care: free → 0.00.
                          // - Shenzhen: the grandmother, 72, local hukou, partly disabled (介护) and 低保 → 500.00.
    let got: Vec<String> = decided
        .iter()
        .map(|(p, w, m)| format!("{p} {w} {m}"))
        .collect();
    assert_eq!(
        got,
        [
            "chongqing-wanzhou-2020 child 0.00/0.00",
            "jilin-district-2020 child 40.00/0.00",
            "nanjing-2021 child 0.00/250.00",
            "school-schedule-2020 child 0.00/0.00",
            "shenzhen-homecare grandma 0.00/500.00",
            "weifang-summer-2021 child 0.00/0.00",
        ]
    );
}

#[test]
fn a_status_entails_what_it_means_and_unread_terms_are_reported() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
    let hebi_values =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/values/hebi-2020.example.yaml");
    let hebi = Policy::from_path_with_values(dir.join("hebi-2020.yaml"), hebi_values).unwrap();
    let day = NaiveDate::from_ymd_opt(2020, 10, 12).unwrap();
    // Hebi names no 低保 tag; 低保 is 家庭经济困难 (hardship), which it serves free: the example
    // cost 360.00, all of it borne by the government, parents 0.00.
    let d = hebi
        .evaluate(
            &person(serde_json::json!({ "stage": "primary", "tags": ["dibao"] })),
            day,
        )
        .unwrap();
    assert_eq!(d.priority_groups, ["hardship"]);
    assert_eq!(d.net_fee.to_string(), "0.00");
    assert!(d.unused.is_empty(), "{:?}", d.unused);
    // A status with no bearing on Hebi (双职工) and a standard field it does not read (age)
    // are reported as unused, and change nothing: 360.00 × 50% = 180.00 for the parents.
    let d = hebi
        .evaluate(
            &person(serde_json::json!({ "stage": "primary", "age": 9, "tags": ["dual_worker"] })),
            day,
        )
        .unwrap();
    assert_eq!(d.unused, ["age", "dual_worker"]);
    assert_eq!(d.net_fee.to_string(), "180.00");
    // A registry export: 学段 小学 for stage primary, 年级 三年级 for grade 3, 课时数 in
    // full-width digits (６０, as a Chinese input method types them), 是否低保 = 是 for the
    // 低保 status (Wanzhou reads dibao): 3.00 × 60 = 180.00 → capped 170.00, waived.
    let wanzhou = Policy::from_path(dir.join("chongqing-wanzhou-2020.yaml")).unwrap();
    let d = wanzhou
        .evaluate(
            &person(
                serde_json::json!({ "学段": "小学", "年级": "三年级", "课时数": "６０", "是否低保": "是" }),
            ),
            NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
        )
        .unwrap();
    assert_eq!(
        (d.gross_fee.to_string(), d.net_fee.to_string()),
        ("170.00".into(), "0.00".into())
    );
    // A name and its alias both given: which is meant?
    let Err(Error::Input { errors }) = wanzhou.evaluate(
        &person(serde_json::json!({ "stage": "primary", "学段": "junior", "grade": 3, "class_hours": 1 })),
        NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
    ) else {
        panic!("expected an input error");
    };
    assert_eq!(
        errors.iter().map(|e| e.code).collect::<Vec<_>>(),
        ["duplicate_key"]
    );
}

#[test]
fn grades_as_registries_write_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/policies");
    let wanzhou = Policy::from_path(dir.join("chongqing-wanzhou-2020.yaml")).unwrap();
    let day = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    // 初二 is grade 8, a junior pupil; 五年级 grade 5; 十年级 is no grade word.
    for (word, stage, grade) in [
        ("初二", "junior", 8),
        ("五年级", "primary", 5),
        ("高三", "senior", 12),
    ] {
        let p = person(serde_json::json!({ "stage": stage, "grade": word, "class_hours": 1 }));
        let q = person(serde_json::json!({ "stage": stage, "grade": grade, "class_hours": 1 }));
        assert_eq!(
            wanzhou.evaluate(&p, day).unwrap(),
            wanzhou.evaluate(&q, day).unwrap(),
            "{word}"
        );
    }
    let bad =
        person(serde_json::json!({ "stage": "primary", "grade": "十年级", "class_hours": 1 }));
    assert!(wanzhou.evaluate(&bad, day).is_err());
}
