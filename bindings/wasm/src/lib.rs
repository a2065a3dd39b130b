//! huimin-wasm: huimin-core for JavaScript, built for `wasm32-unknown-unknown` with
//! wasm-bindgen and packaged as the npm package `huimin` (see `bindings/wasm/js/`).
//!
//! This crate is deliberately **thin**: it converts text to core types, calls
//! [`huimin_core`], and converts the results back. No rule logic lives here.
//!
//! Following Cedar's approach the boundary is **JSON text in, JSON text out**: the JS wrapper
//! `JSON.stringify`s a participant, and parses the decision, schema and errors this crate
//! returns as JSON text. Money therefore crosses as decimal strings (`"170.00"`) and is never
//! turned into a JS number.
//!
//! Failures are thrown as a JS string holding `{"message": <display text>, "error": <the
//! core's Error JSON>}`, where the error JSON is exactly the core's serialisation
//! (`{"kind": "pack" | "input" | "eval", ...}`); the wrapper turns it into a `HuiminError`.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use huimin_core::{Error, EvalOptions, InputError, Participant, Policy, Text};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A compiled policy pack, held on the Rust side. The JS class `Policy` wraps it.
#[wasm_bindgen]
pub struct RawPolicy {
    inner: Policy,
}

#[wasm_bindgen]
impl RawPolicy {
    /// Compiles a YAML pack; `file` names it in error messages.
    #[wasm_bindgen(js_name = fromYaml)]
    pub fn from_yaml(text: &str, file: &str) -> Result<RawPolicy, JsValue> {
        Policy::from_yaml(text, file)
            .map(|inner| RawPolicy { inner })
            .map_err(throw)
    }

    /// Compiles a JSON pack; `file` names it in error messages.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, file: &str) -> Result<RawPolicy, JsValue> {
        Policy::from_json(text, file)
            .map(|inner| RawPolicy { inner })
            .map_err(throw)
    }

    /// Evaluates a participant (JSON text) as of a date (`YYYY-MM-DD`); returns the
    /// decision as JSON text.
    pub fn evaluate(
        &self,
        participant: &str,
        as_of: &str,
        explain: bool,
    ) -> Result<String, JsValue> {
        evaluate(&self.inner, participant, as_of, explain).map_err(throw)
    }

    /// Checks a participant (JSON text) against the pack's schema; returns the JSON array of
    /// `{path, code, message: {zh, en}}` (empty when it can be evaluated).
    pub fn validate(&self, participant: &str) -> String {
        to_json(&validate(&self.inner, participant))
    }

    /// The participant schema as JSON text: `{fields: [...], tags: [...]}`.
    #[wasm_bindgen(js_name = inputSchema)]
    pub fn input_schema(&self) -> String {
        to_json(&self.inner.input_schema())
    }

    /// The pack's identity and labels as JSON text (see [`info`]).
    pub fn info(&self) -> String {
        to_json(&info(&self.inner))
    }
}

/// The version of this binding (the workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// What the wrapper throws: the display text and the core's error JSON.
#[derive(Serialize)]
struct Thrown<'a> {
    message: String,
    error: &'a Error,
}

/// The text thrown to JS for an error.
pub fn error_json(e: &Error) -> String {
    to_json(&Thrown {
        message: e.to_string(),
        error: e,
    })
}

fn throw(e: Error) -> JsValue {
    JsValue::from_str(&error_json(&e))
}

fn to_json<T: Serialize>(v: &T) -> String {
    // The core's types serialise infallibly (string keys, no non-finite floats).
    serde_json::to_string(v)
        .unwrap_or_else(|e| format!("{{\"kind\":\"internal\",\"message\":{:?}}}", e.to_string()))
}

fn input_error(path: &str, code: &'static str, zh: &str, en: &str) -> InputError {
    InputError {
        path: path.to_owned(),
        code,
        message: Text::new(zh, en),
    }
}

/// Reads a participant from JSON text, reporting problems as the core does (by path).
pub fn participant(json: &str) -> Result<Participant, Vec<InputError>> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        vec![input_error(
            "",
            "wrong_type",
            "参加者数据不是有效的 JSON",
            &format!("the participant is not valid JSON: {e}"),
        )]
    })?;
    Participant::from_json_value(&value)
}

/// Reads the evaluation date, `YYYY-MM-DD`.
pub fn as_of(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| Error::Input {
        errors: vec![input_error(
            "as_of",
            "wrong_type",
            &format!("评估日期“{text}”应为 年-月-日"),
            &format!("the evaluation date `{text}` must be a date, YYYY-MM-DD"),
        )],
    })
}

/// Evaluates a participant given as JSON text; the decision as JSON text.
pub fn evaluate(
    policy: &Policy,
    participant_json: &str,
    date: &str,
    explain: bool,
) -> Result<String, Error> {
    let p = participant(participant_json).map_err(|errors| Error::Input { errors })?;
    let date = as_of(date)?;
    let d = policy.evaluate_with(&p, date, EvalOptions { explain })?;
    Ok(to_json(&d))
}

/// Every problem with a participant given as JSON text.
pub fn validate(policy: &Policy, participant_json: &str) -> Vec<InputError> {
    match participant(participant_json) {
        Ok(p) => policy.validate(&p),
        Err(errors) => errors,
    }
}

/// An id with its label.
#[derive(Serialize)]
pub struct Labelled {
    /// The id.
    pub id: String,
    /// Its name.
    pub label: Text,
}

/// A pack's identity, for a page to show and choose between packs.
#[derive(Serialize)]
pub struct Info<'a> {
    /// Pack id.
    pub id: &'a str,
    /// Program name.
    pub name: &'a Text,
    /// Kind of program (`after_school`, …).
    pub kind: huimin_core::pack::ProgramKind,
    /// Where it applies.
    pub jurisdiction: &'a Text,
    /// A paragraph for readers.
    pub description: Option<&'a Text>,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force.
    pub valid_until: Option<NaiveDate>,
    /// What one evaluation covers.
    pub period: huimin_core::pack::Period,
    /// Payers with their names.
    pub payers: Vec<Labelled>,
    /// The payer of the net fee.
    pub fee_payer: Option<&'a str>,
    /// Categories, in order.
    pub categories: Vec<Labelled>,
    /// Priority groups, in order.
    pub priority_groups: Vec<Labelled>,
    /// Compile warnings, in the core's pack-error shape.
    pub warnings: &'a [huimin_core::PackError],
}

/// The identity and labels of a compiled pack.
pub fn info(policy: &Policy) -> Info<'_> {
    let pack = policy.pack();
    let labelled = |(id, label): (&str, &Text)| Labelled {
        id: id.to_owned(),
        label: label.clone(),
    };
    Info {
        id: policy.id(),
        name: policy.name(),
        kind: policy.kind(),
        jurisdiction: policy.jurisdiction(),
        description: pack.description.as_ref(),
        valid_from: policy.valid_from(),
        valid_until: pack.valid_until,
        period: policy.period(),
        payers: policy
            .payers()
            .iter()
            .map(|(id, label)| labelled((id, label)))
            .collect(),
        fee_payer: pack.fee_payer.as_ref().map(|p| p.value.as_str()),
        categories: pack
            .categories
            .iter()
            .map(|c| labelled((&c.id.value, &c.label)))
            .collect(),
        priority_groups: policy.priority_groups().map(labelled).collect(),
        warnings: policy.warnings(),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn wanzhou() -> Policy {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/policies/chongqing-wanzhou-2020.yaml"
        );
        Policy::from_path(path).unwrap()
    }

    #[test]
    fn decision_json_keeps_money_as_strings() {
        let out = evaluate(
            &wanzhou(),
            r#"{"stage":"primary","grade":3,"class_hours":60}"#,
            "2021-03-01",
            true,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["net_fee"], "170.00");
        assert!(!v["steps"].as_array().unwrap().is_empty());
    }

    #[test]
    fn bad_json_and_bad_dates_are_input_errors() {
        let e = evaluate(&wanzhou(), "{", "2021-03-01", true).unwrap_err();
        assert!(matches!(e, Error::Input { .. }));
        let e = evaluate(&wanzhou(), "{}", "March", true).unwrap_err();
        let v: serde_json::Value = serde_json::from_str(&error_json(&e)).unwrap();
        assert_eq!(v["error"]["kind"], "input");
        assert_eq!(v["error"]["errors"][0]["path"], "as_of");
    }

    #[test]
    fn validate_lists_every_problem() {
        let errs = validate(
            &wanzhou(),
            r#"{"stage":"primary","class_hours":-1,"tags":["dibaa"]}"#,
        );
        let codes: Vec<(&str, &str)> = errs.iter().map(|e| (e.path.as_str(), e.code)).collect();
        assert!(
            codes.contains(&("class_hours", "out_of_range")),
            "{codes:?}"
        );
        assert!(codes.contains(&("grade", "missing")), "{codes:?}");
        assert!(codes.contains(&("tags[0]", "unknown_tag")), "{codes:?}");
    }

    #[test]
    fn info_names_the_pack() {
        let p = wanzhou();
        let v: serde_json::Value = serde_json::from_str(&to_json(&info(&p))).unwrap();
        assert_eq!(v["kind"], "after_school");
        assert_eq!(v["fee_payer"], "parents");
        assert_eq!(v["priority_groups"][0]["id"], "dual_worker");
    }
}
