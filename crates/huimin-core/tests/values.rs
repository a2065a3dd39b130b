#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Values an authority sets (issue 16, item 1): a pack declares `set_by` and no value; a values
//! file gives it; without one an answer that needs it is an error naming it and who sets it.

use chrono::NaiveDate;
use huimin_core::error::EvalError;
use huimin_core::{Error, Participant, Policy};

fn hebi() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/hebi-2020.yaml"
    ))
    .unwrap()
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 10, 1).unwrap()
}

const REAL: &str = "pack: hebi-2020
name: { zh: 某县核定, en: Set by a county }
values:
  service_cost_semester: [ { from: 2021-09-01, value: 400.00, document: 某价〔2021〕1号 } ]
  government_share_percent: [ { from: 2021-09-01, value: 25 } ]
";

#[test]
fn without_a_values_file_the_answer_names_the_value_and_who_sets_it() {
    let policy = Policy::from_yaml(&hebi(), "hebi-2020.yaml").unwrap();
    let e = policy
        .evaluate(&Participant::new().with("stage", "primary"), date())
        .unwrap_err();
    match &e {
        Error::Eval(EvalError::NotSet {
            parameter, set_by, ..
        }) => {
            assert_eq!(parameter, "service_cost_semester");
            assert!(set_by.zh.starts_with("市、县价格主管部门"), "{}", set_by.zh);
        }
        other => panic!("{other:?}"),
    }
    let bys: Vec<(&str, bool)> = policy
        .set_by()
        .iter()
        .map(|(n, _, set)| (*n, *set))
        .collect();
    assert_eq!(
        bys,
        [
            ("service_cost_semester", false),
            ("government_share_percent", false)
        ]
    );
}

#[test]
fn a_real_values_file_gives_amounts_that_are_not_estimates() {
    // 400.00 a semester, the government bears 25%: 100.00 off, parents pay 300.00.
    let policy =
        Policy::from_yaml_with_values(&hebi(), "hebi-2020.yaml", REAL, "county.yaml").unwrap();
    let d = policy
        .evaluate(&Participant::new().with("stage", "primary"), date())
        .unwrap();
    assert_eq!(d.gross_fee.to_string(), "400.00");
    assert_eq!(d.reduction_total.to_string(), "100.00");
    assert_eq!(d.net_fee.to_string(), "300.00");
    assert!(
        d.assumptions.is_empty(),
        "set by the authority, not assumed"
    );
    assert!(d.estimated.is_empty());
    // Before the value is in force, it is still not set.
    let early = NaiveDate::from_ymd_opt(2020, 10, 1).unwrap();
    let e = policy
        .evaluate(&Participant::new().with("stage", "primary"), early)
        .unwrap_err();
    assert!(matches!(e, Error::Eval(EvalError::NotSet { .. })), "{e:?}");
}

#[test]
fn an_example_values_file_marks_every_amount_an_example() {
    let example = REAL.replace("values:", "example: true\nvalues:");
    let policy =
        Policy::from_yaml_with_values(&hebi(), "hebi-2020.yaml", &example, "example.yaml").unwrap();
    let d = policy
        .evaluate(&Participant::new().with("stage", "primary"), date())
        .unwrap();
    assert_eq!(d.net_fee.to_string(), "300.00");
    assert_eq!(d.assumptions.len(), 2);
    assert!(d.assumptions[0]
        .reason
        .en
        .starts_with("Set by a county: an example value, not one the authority set"));
    assert!(d.estimated.iter().any(|f| f == "net_fee"));
}

fn refused(values: &str) -> Vec<String> {
    match Policy::from_yaml_with_values(&hebi(), "hebi-2020.yaml", values, "v.yaml") {
        Err(Error::Pack(e)) => {
            e.0.iter()
                .map(|p| format!("{}:{}:{}: {}", p.file, p.line, p.column, p.message))
                .collect()
        }
        Err(e) => panic!("not a pack error: {e}"),
        Ok(_) => panic!("accepted"),
    }
}

#[test]
fn a_values_file_may_only_give_the_pack_s_set_by_values() {
    let wrong = REAL
        .replace("pack: hebi-2020", "pack: wuhu-opinion-2021")
        .replace("government_share_percent", "no_such")
        + "  ignored: [ { from: 2021-09-01, value: 1 } ]\n";
    let msgs = refused(&wrong);
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert_eq!(
        msgs[0],
        "v.yaml:1:7: these values are for pack `wuhu-opinion-2021`, not `hebi-2020`"
    );
    // "  no_such: " is 11 characters: its list opens at column 12.
    assert_eq!(
        msgs[1],
        "v.yaml:5:12: pack `hebi-2020` has no parameter `no_such`"
    );
    assert_eq!(
        msgs[2],
        "v.yaml:6:12: pack `hebi-2020` has no parameter `ignored`"
    );
    // A value the source states cannot be overridden by a deployment.
    let stated = "pack: chongqing-wanzhou-2020\nname: { zh: x, en: x }\nvalues:\n  rate_per_class_hour: [ { from: 2020-09-01, value: 9 } ]\n";
    let wz = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
    ))
    .unwrap();
    match Policy::from_yaml_with_values(&wz, "wz.yaml", stated, "v.yaml") {
        Err(Error::Pack(e)) => assert!(
            e.0[0]
                .message
                .contains("stated by the pack's source, not set by an authority"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    // An unknown key is a schema error at its line.
    assert!(refused(&format!("{REAL}extra: 1\n"))[0].starts_with("v.yaml:6:"));
}

#[test]
fn shandong_pilot_towns_add_up_to_the_provincial_share_of_the_three_level_total() {
    // Seed 004: 65 provincial pilot towns × 1 500 000 = 97 500 000.00 from the province; the
    // 209 city and county towns take the example deployment's 500 000 each = 104 500 000.00
    // (an example: the source gives only the three-level total, 2.4亿元). The provincial part
    // is a fact of the source; the local part says it rests on an example value.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let policy = Policy::from_path_with_values(
        root.join("policies/shandong-pilot-towns-2021.yaml"),
        root.join("values/shandong-pilot-towns-2021.example.yaml"),
    )
    .unwrap();
    let town = |i: usize, level: &str| {
        Participant::from_json_value(
            &serde_json::json!({ "id": format!("t{i}"), "level": level, "selected": true }),
        )
        .unwrap()
    };
    let towns: Vec<Participant> = (0..65)
        .map(|i| town(i, "province"))
        .chain((65..274).map(|i| town(i, if i % 2 == 0 { "city" } else { "county" })))
        .collect();
    let r = policy.simulate(
        &towns,
        NaiveDate::from_ymd_opt(2021, 7, 30).unwrap(),
        &|_| {},
    );
    let b = &r.total.scenarios[0];
    assert_eq!((r.rows, r.errors), (274, 0));
    assert_eq!(
        (b.participants.to_string(), b.eligible.to_string()),
        ("274".into(), "274".into())
    );
    assert_eq!(b.payers["province"].to_string(), "97500000.00");
    assert_eq!(b.payers["city_county"].to_string(), "104500000.00");
    assert_eq!(b.subsidy_total.to_string(), "202000000.00");
    assert!(r.scenarios[0]
        .assumptions
        .iter()
        .any(|a| a.parameter == "local_grant"));
}
