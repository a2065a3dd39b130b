//! The parent view of an explanation (`Decision::plain`): only what changed the answer, in
//! the pack's plain words where it gives them, each clause quoted once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use huimin_core::{EvalOptions, Participant, Policy};

fn wanzhou() -> (String, Policy) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let policy = Policy::from_yaml(&text, "wanzhou.yaml").unwrap();
    (text, policy)
}

fn explained(policy: &Policy, kid: &Participant) -> huimin_core::Decision {
    let date = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    policy
        .evaluate_with(kid, date, EvalOptions { explain: true })
        .unwrap()
}

#[test]
fn the_parent_reads_the_fee_in_the_packs_words_with_its_clause() {
    // 3.00 a class-hour × 60 = 180.00, capped at 170 a month → 170.00; no reduction applies,
    // so the fee is the one sentence.
    let (_, policy) = wanzhou();
    let kid = Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 60);
    let d = explained(&policy, &kid);
    assert_eq!(d.plain.len(), 1, "{:#?}", d.plain);
    let fee = &d.plain[0];
    assert_eq!(fee.rule, "service_fee");
    assert_eq!(
        fee.text.zh,
        "每课时3.00元，60课时，每月最多收170元 → 170.00元"
    );
    assert_eq!(
        fee.text.en,
        "3.00 yuan a class-hour for 60 class-hours, at most 170 yuan a month → 170.00 yuan"
    );
    assert_eq!(fee.amount.as_deref(), Some("170.00"));
    assert!(!fee.estimate);
    assert_eq!(fee.cite.as_ref().unwrap().id, "fee");
    // Without explanation there is no parent view either.
    let quiet = policy
        .evaluate_with(
            &kid,
            NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
            EvalOptions { explain: false },
        )
        .unwrap();
    assert!(quiet.plain.is_empty());
}

#[test]
fn a_waiver_is_said_with_its_amount_and_marked_as_an_estimate() {
    // 低保: 3.00 × 40 = 120.00 (under the cap), waived at the assumed 100% → 120.00 off.
    let (_, policy) = wanzhou();
    let kid = Participant::new()
        .with("stage", "primary")
        .with("grade", 3)
        .with("class_hours", 40)
        .tag("dibao");
    let d = explained(&policy, &kid);
    let texts: Vec<&str> = d.plain.iter().map(|s| s.text.zh.as_str()).collect();
    assert_eq!(
        texts,
        [
            "每课时3.00元，40课时，每月最多收170元 → 120.00元",
            "建档立卡、低保家庭的孩子免收服务费：减免120.00元"
        ]
    );
    assert!(d.plain[1].estimate, "the 100% is the pack's assumption");
}

#[test]
fn a_requirement_not_met_is_the_answer_and_a_clause_is_quoted_once() {
    // A senior-high student is not served: the one sentence says which requirement failed.
    let (text, policy) = wanzhou();
    let d = explained(
        &policy,
        &Participant::new()
            .with("stage", "senior")
            .with("grade", 10)
            .with("class_hours", 40),
    );
    assert_eq!(d.plain.len(), 1);
    assert_eq!(d.plain[0].text.zh, "不符合：在校中小学生");
    // Without the pack's words, a money rule is said by its name and how it came about; the
    // waiver is cited by the same clause as the fee in this copy, so only the fee quotes it.
    let plainless = text
        .split("\nplain:")
        .next()
        .unwrap()
        .replace("cite: waiver", "cite: fee");
    let policy = Policy::from_yaml(&plainless, "wanzhou.yaml").unwrap();
    let d = explained(
        &policy,
        &Participant::new()
            .with("stage", "primary")
            .with("grade", 3)
            .with("class_hours", 60)
            .tag("jianka"),
    );
    assert_eq!(
        d.plain[0].text.zh,
        "课后延时服务费：3.00 × 60 = 180.00；封顶 170 → 170.00 元"
    );
    assert_eq!(d.plain[1].rule, "poverty_waiver");
    assert!(d.plain[0].cite.is_some() && d.plain[1].cite.is_none());
}

#[test]
fn plain_sentences_name_rules_and_values_the_pack_has() {
    let (text, _) = wanzhou();
    let bad = text
        .replace("  poverty_waiver:\n    zh:", "  poverty_waver:\n    zh:")
        .replace("{class_hours}课时", "{class_hour}课时");
    let e = Policy::from_yaml(&bad, "wanzhou.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("plain: `poverty_waver` is not a fee, reduction or subsidy rule"),
        "{e}"
    );
    assert!(e.contains("did you mean `poverty_waiver`"), "{e}");
    assert!(
        e.contains("plain.service_fee: `{class_hour}` is not"),
        "{e}"
    );
}

#[test]
fn words_naming_a_value_not_in_force_give_way_to_the_rules_name_and_how() {
    // The pack's fee sentence names a parameter in force only from 2030: on 2021-03-01 it has
    // no value, so the sentence is the rule's name and its working, never one with a gap.
    let (text, _) = wanzhou();
    let later = text
        .replace(
            "  monthly_cap:\n",
            "  later_cap:\n    label: { zh: 以后的上限, en: A later cap }\n    values: [ { from: 2030-01-01, value: 160 } ]\n  monthly_cap:\n",
        )
        .replace("每月最多收{monthly_cap}元", "每月最多收{later_cap}元");
    assert_ne!(later, text);
    let policy = Policy::from_yaml(&later, "wanzhou.yaml").unwrap();
    let d = explained(
        &policy,
        &Participant::new()
            .with("stage", "primary")
            .with("grade", 3)
            .with("class_hours", 60),
    );
    // 3.00 × 60 = 180.00, capped at 170.
    assert_eq!(
        d.plain[0].text.zh,
        "课后延时服务费：3.00 × 60 = 180.00；封顶 170 → 170.00 元"
    );
    // A sentence is the pack's in both languages or in neither: the English is the working too.
    assert_eq!(
        d.plain[0].text.en,
        "After-school service fee: 3.00 × 60 = 180.00; capped at 170 → 170.00 yuan"
    );
}
