//! The shared fixture of bad inputs (`fixtures/ffi/bad-inputs.json`): each gives exactly the
//! stated input errors through `huimin_core::ffi`. The Python and WASM suites assert the same
//! file through their bindings. `HUIMIN_BLESS=1` rewrites the expectations from the core.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin_core::{ffi, Error, Policy};
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/ffi/bad-inputs.json"
);

fn policy(name: &str) -> Policy {
    let path = format!(
        "{}/../../fixtures/policies/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    Policy::from_path(path).unwrap()
}

#[test]
fn bad_inputs_give_the_stated_errors() {
    let mut fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let bless = std::env::var_os("HUIMIN_BLESS").is_some();
    let cases = fixture["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 10);
    for case in cases.iter_mut() {
        let p = policy(case["pack"].as_str().unwrap());
        let err = ffi::evaluate(
            &p,
            case["participant"].as_str().unwrap(),
            case["as_of"].as_str().unwrap(),
            false,
        )
        .expect_err(case["name"].as_str().unwrap());
        assert!(
            matches!(err, Error::Input { .. }),
            "{}: {err}",
            case["name"]
        );
        let thrown: Value = serde_json::from_str(&ffi::error_json(&err)).unwrap();
        assert_eq!(thrown["error"]["kind"], "input");
        assert_eq!(thrown["message"], err.to_string());
        let got = thrown["error"]["errors"].clone();
        if bless {
            case["errors"] = got.clone();
        } else {
            assert_eq!(got, case["errors"], "{}", case["name"]);
        }
        // validate reports the same problems of the participant (not the date's)
        let valid: Value =
            serde_json::from_str(&ffi::validate(&p, case["participant"].as_str().unwrap()))
                .unwrap();
        let theirs: Vec<&Value> = got
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["path"] != "as_of")
            .collect();
        assert_eq!(
            valid.as_array().unwrap().iter().collect::<Vec<_>>(),
            theirs,
            "{}",
            case["name"]
        );
    }
    if bless {
        let text = serde_json::to_string_pretty(&fixture).unwrap();
        std::fs::write(FIXTURE, text + "\n").unwrap();
    }
}

#[test]
fn the_participant_messages_are_the_same_in_both_languages_everywhere() {
    // one wording for "participant" (参与者), as the core's own messages use it
    let e = ffi::participant("{").unwrap_err();
    assert!(e[0].message.zh.starts_with("参与者数据不是有效的 JSON"));
    assert!(e[0]
        .message
        .en
        .starts_with("the participant is not valid JSON"));
}

#[test]
fn eval_errors_carry_a_plain_message_in_both_languages() {
    // Jilin's plan given an end (2021-08-31, invented for the test): the day after, the error
    // JSON says, in plain zh and en, that the policy ended and on which day.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/policies/jilin-district-2020.yaml"
    ))
    .unwrap()
    .replacen(
        "valid_from: 2020-09-01",
        "valid_from: 2020-09-01\nvalid_until: 2021-08-31",
        1,
    );
    let p = Policy::from_yaml(&text, "jilin.yaml").unwrap();
    let e = ffi::evaluate(&p, r#"{"stage": "primary"}"#, "2021-09-01", false).unwrap_err();
    let v: Value = serde_json::from_str(&ffi::error_json(&e)).unwrap();
    let error = &v["error"];
    assert_eq!(error["kind"], "eval");
    assert_eq!(error["code"], "outside_validity");
    assert_eq!(error["valid_from"], "2020-09-01");
    assert_eq!(error["valid_until"], "2021-08-31");
    assert_eq!(
        error["message"]["zh"],
        "这项政策已于 2021-08-31 到期，2021-09-01 不再适用；请选择仍在有效期内的日期或政策。"
    );
    assert_eq!(
        error["message"]["en"],
        "This policy ended on 2021-08-31 and does not apply on 2021-09-01; choose a date or a policy in force."
    );
    // The analyst's message (Display) is unchanged.
    assert_eq!(
        v["message"],
        "pack `jilin-district-2020` is not in force on 2021-09-01 (valid 2020-09-01 to 2021-08-31)"
    );
}
