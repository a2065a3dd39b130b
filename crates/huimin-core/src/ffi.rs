//! JSON in, JSON out: the entry points every binding and the CLI call, defined once.
//!
//! Modelled on Cedar's `cedar-policy/src/ffi/`: a participant arrives as JSON text, a date as
//! `YYYY-MM-DD` text, and decisions, schemas, pack identities and errors leave as JSON text in
//! the core's stable shapes. The Python binding, the WASM binding and the `huimin` command call
//! these functions instead of keeping their own copies, so the same bad input gives the same
//! error code, path and zh/en message in every language (`fixtures/ffi/bad-inputs.json` holds
//! the cases every test suite asserts).
//!
//! - [`participant`] reads a participant; [`as_of`] reads an evaluation date. Both report
//!   problems as [`InputError`]s with a path, a code and a bilingual message.
//! - [`evaluate`], [`validate`], [`info`], [`input_schema`] do what the binding methods of the
//!   same names do, JSON text out.
//! - [`error_json`] is the one JSON shape of a thrown error: `{"message": <display text>,
//!   "error": <the Error's JSON>}`; [`internal`] is the error a binding gives for a panic it
//!   caught, with [`panic_message`] its text.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use crate::model::input_error;
use crate::pack::{Period, ProgramKind};
use crate::{
    Decision, Error, EvalOptions, Household, InputError, Money, PackError, Participant, Policy,
    Registry, Text,
};

/// Serialises a core value as JSON text. The core's types serialise infallibly (string keys,
/// no non-finite floats); should one ever fail, the text is an `internal` error object, never
/// a panic.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| {
        let message = serde_json::Value::String(e.to_string());
        format!("{{\"kind\":\"internal\",\"message\":{message}}}")
    })
}

/// The error for participant text that is not JSON at all (path `""`, code `wrong_type`).
pub fn not_json(e: &serde_json::Error) -> InputError {
    input_error(
        "",
        "wrong_type",
        &format!("参与者数据不是有效的 JSON：{e}"),
        &format!("the participant is not valid JSON: {e}"),
    )
}

/// Reads a participant from JSON text (an object of fields, with optional `id` and `tags`),
/// reporting every problem by its path. A key given twice is refused (a JSON reader would
/// keep the last one without a word).
pub fn participant(json: &str) -> Result<Participant, Vec<InputError>> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| vec![not_json(&e)])?;
    if let Some(path) = duplicate_key(json) {
        return Err(vec![duplicate(&path)]);
    }
    Participant::from_json_value(&value)
}

/// The error for a key given twice in one JSON object (code `duplicate_key`).
pub fn duplicate(path: &str) -> InputError {
    input_error(
        path,
        "duplicate_key",
        &format!("“{path}”给出了两次，无法确定取哪一个值"),
        &format!("`{path}` is given twice; which value is meant?"),
    )
}

/// The error for a column of a frame that is none of the pack's inputs or tags, nor `id` or
/// `tags` (code `unknown_column`): refused, as an unknown key is, unless the caller ignores
/// extra columns.
pub fn unknown_column(policy: &Policy, name: &str, ty: &dyn std::fmt::Display) -> InputError {
    let mut e = input_error(
        name,
        "unknown_column",
        &format!("本政策不读取列“{name}”（{ty}）：它既不是输入字段，也不是身份标签；如需保留其他列，请设置 extra=\"ignore\""),
        &format!("the pack reads no column `{name}` ({ty}): it is neither an input nor a tag; pass extra=\"ignore\" to leave other columns unread"),
    );
    let schema = policy.input_schema();
    let known = schema
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .chain(schema.tags.iter().map(|t| t.id.as_str()));
    if let Some(h) = crate::expr::did_you_mean(name, known) {
        e.message.en.push_str(&format!("; {h}"));
    }
    e
}

pub use crate::pack::duplicate_key;

/// The error for an evaluation date that is not `YYYY-MM-DD` (path `as_of`, code
/// `wrong_type`).
pub fn bad_as_of(text: &str) -> InputError {
    input_error(
        "as_of",
        "wrong_type",
        &format!("评估日期“{text}”应为 年-月-日"),
        &format!("the evaluation date `{text}` must be a date, YYYY-MM-DD"),
    )
}

/// Reads an evaluation date, `YYYY-MM-DD` (surrounding spaces ignored).
pub fn as_of(text: &str) -> Result<NaiveDate, Error> {
    crate::expr::parse_date(text.trim()).ok_or_else(|| Error::Input {
        errors: vec![bad_as_of(text)],
    })
}

/// Reads a participant and an evaluation date together: every problem of both in one input
/// error (the date's last).
pub fn request(participant_json: &str, date: &str) -> Result<(Participant, NaiveDate), Error> {
    both(participant(participant_json), date)
}

/// A participant already read and a date as `YYYY-MM-DD`, with the errors of both.
fn both(
    participant: Result<Participant, Vec<InputError>>,
    date: &str,
) -> Result<(Participant, NaiveDate), Error> {
    match (participant, as_of(date)) {
        (Ok(p), Ok(d)) => Ok((p, d)),
        (p, d) => {
            let mut errors = p.err().unwrap_or_default();
            if let Err(Error::Input { errors: more }) = d {
                errors.extend(more);
            }
            Err(Error::Input { errors })
        }
    }
}

/// Evaluates a participant given as JSON text as of a date given as `YYYY-MM-DD`; the
/// decision as JSON text (amounts as decimal strings; `steps` empty unless `explain`).
pub fn evaluate(
    policy: &Policy,
    participant_json: &str,
    date: &str,
    explain: bool,
) -> Result<String, Error> {
    let (p, date) = request(participant_json, date)?;
    let d = policy.evaluate_with(&p, date, EvalOptions { explain })?;
    Ok(to_json(&d))
}

/// Evaluates a participant given as a JSON value (a binding that converts its own objects
/// without writing text) as of a date given as `YYYY-MM-DD`: the decision itself, with the
/// same errors as [`evaluate`] gives for the same value as text.
pub fn evaluate_value(
    policy: &Policy,
    participant: &serde_json::Value,
    date: &str,
    explain: bool,
) -> Result<crate::Decision, Error> {
    let (p, date) = both(Participant::from_json_value(participant), date)?;
    policy.evaluate_with(&p, date, EvalOptions { explain })
}

/// What would take a participant (JSON text) to `goal` (`eligible`, `pay_less`,
/// `receive_more`, `group:ID`) as of a date, changing at most `max_changes` inputs (default
/// 2, at most 4): the [`crate::WhatIf`] as JSON text.
pub fn what_if(
    policy: &Policy,
    participant_json: &str,
    date: &str,
    goal: &str,
    max_changes: Option<usize>,
) -> Result<String, Error> {
    let (p, date) = request(participant_json, date)?;
    let goal = crate::Goal::parse(goal)?;
    let mut opts = crate::WhatIfOptions::default();
    match max_changes {
        None => {}
        Some(k @ 1..=4) => opts.max_changes = k,
        Some(k) => {
            return Err(Error::Input {
                errors: vec![InputError {
                    path: "max_changes".into(),
                    code: "out_of_range",
                    message: Text::new(
                        format!("max_changes 为 {k}：应在 1 至 4 之间"),
                        format!("max_changes is {k}: expected 1 to 4"),
                    ),
                }],
            })
        }
    }
    Ok(to_json(&policy.what_would_change(&p, date, &goal, opts)?))
}

/// A half-filled form (a participant as JSON text, `unknown` the inputs and tags not yet
/// known; when empty, the required inputs it does not give) as of a date: the
/// [`crate::Partial`] as JSON text.
pub fn partial(
    policy: &Policy,
    participant_json: &str,
    date: &str,
    unknown: &[String],
) -> Result<String, Error> {
    let (p, date) = request(participant_json, date)?;
    Ok(to_json(&policy.evaluate_partial(&p, date, unknown)?))
}

/// Screens a household given as JSON text (`{"id", "members": [...]}`) under every program of
/// `registry` in force on `date` (of one `place`, when given): the [`crate::Screening`] as
/// JSON text.
pub fn screen(
    registry: &Registry,
    household_json: &str,
    date: &str,
    place: Option<&str>,
) -> Result<String, Error> {
    let day = as_of(date);
    let household = match serde_json::from_str::<serde_json::Value>(household_json) {
        Ok(_) if duplicate_key(household_json).is_some() => Err(vec![duplicate(
            &duplicate_key(household_json).unwrap_or_default(),
        )]),
        Ok(v) => Household::from_json_value(&v),
        Err(e) => Err(vec![not_json(&e)]),
    };
    let (household, day) = match (household, day) {
        (Ok(h), Ok(d)) => (h, d),
        (h, d) => {
            let mut errors = h.err().unwrap_or_default();
            if let Err(Error::Input { errors: more }) = d {
                errors.extend(more);
            }
            return Err(Error::Input { errors });
        }
    };
    Ok(to_json(&registry.screen_within(&household, day, place)?))
}

/// Every problem with a participant given as JSON text, as core [`InputError`]s (empty when it
/// can be evaluated).
pub fn validate_errors(policy: &Policy, participant_json: &str) -> Vec<InputError> {
    match participant(participant_json) {
        Ok(p) => policy.validate(&p),
        Err(errors) => errors,
    }
}

/// [`validate_errors`] as JSON text: an array of `{path, code, message: {zh, en}}`.
pub fn validate(policy: &Policy, participant_json: &str) -> String {
    to_json(&validate_errors(policy, participant_json))
}

/// The participant schema as JSON text: `{fields: [...], tags: [...]}`.
pub fn input_schema(policy: &Policy) -> String {
    to_json(&policy.input_schema())
}

/// An id with its label.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Labelled {
    /// The id.
    pub id: String,
    /// Its name.
    pub label: Text,
}

/// A pack's identity, for a page or a notebook to show and to choose between packs.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Info {
    /// Pack id.
    pub id: String,
    /// Program name.
    pub name: Text,
    /// Kind of program (`after_school`, …).
    pub kind: ProgramKind,
    /// Where it applies.
    pub jurisdiction: Text,
    /// A paragraph for readers.
    pub description: Option<Text>,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force.
    pub valid_until: Option<NaiveDate>,
    /// What one evaluation covers.
    pub period: Period,
    /// Payers with their names.
    pub payers: Vec<Labelled>,
    /// The payer of the net fee.
    pub fee_payer: Option<String>,
    /// Categories, in order.
    pub categories: Vec<Labelled>,
    /// Priority groups, in order.
    pub priority_groups: Vec<Labelled>,
    /// Compile warnings, in the core's pack-error shape.
    pub warnings: Vec<PackError>,
}

/// The identity and labels of a compiled pack.
pub fn info_of(policy: &Policy) -> Info {
    let pack = policy.pack();
    let labelled = |id: &str, label: &Text| Labelled {
        id: id.to_owned(),
        label: label.clone(),
    };
    Info {
        id: policy.id().to_owned(),
        name: policy.name().clone(),
        kind: policy.kind(),
        jurisdiction: policy.jurisdiction().clone(),
        description: pack.description.clone(),
        valid_from: policy.valid_from(),
        valid_until: pack.valid_until,
        period: policy.period(),
        payers: policy
            .payers()
            .iter()
            .map(|(id, label)| labelled(id, label))
            .collect(),
        fee_payer: pack.fee_payer.as_ref().map(|p| p.value.clone()),
        categories: pack
            .categories
            .iter()
            .map(|c| labelled(&c.id.value, &c.label))
            .collect(),
        priority_groups: policy
            .priority_groups()
            .map(|(id, label)| labelled(id, label))
            .collect(),
        warnings: policy.warnings().to_vec(),
    }
}

/// [`info_of`] as JSON text.
pub fn info(policy: &Policy) -> String {
    to_json(&info_of(policy))
}

/// The pack's rounding rule as JSON text: `{scale, mode}`.
pub fn rounding(policy: &Policy) -> String {
    to_json(&policy.rounding())
}

/// One column of the flat output row: one row per participant, as the CLI writes CSV and the
/// Arrow output (`huimin-arrow`) writes frames. [`row_columns`] gives a pack's row, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowColumn {
    /// The participant's id (the CLI: its position when it has none).
    Id,
    /// Whether the participant is served.
    Eligible,
    /// The unmet requirements' ids.
    Reasons,
    /// The matched category.
    Category,
    /// The priority groups matched.
    PriorityGroups,
    /// The sum of the charges.
    GrossFee,
    /// The sum of the reductions.
    ReductionTotal,
    /// The net fee.
    NetFee,
    /// The sum of the subsidies.
    SubsidyTotal,
    /// What one payer pays (by payer id).
    Payer(String),
    /// The error, when the participant could not be decided.
    Error,
}

impl RowColumn {
    /// The column's name: `id`, `eligible`, …, `payer_<id>`, `error`.
    pub fn name(&self) -> String {
        match self {
            RowColumn::Id => "id".into(),
            RowColumn::Eligible => "eligible".into(),
            RowColumn::Reasons => "reasons".into(),
            RowColumn::Category => "category".into(),
            RowColumn::PriorityGroups => "priority_groups".into(),
            RowColumn::GrossFee => "gross_fee".into(),
            RowColumn::ReductionTotal => "reduction_total".into(),
            RowColumn::NetFee => "net_fee".into(),
            RowColumn::SubsidyTotal => "subsidy_total".into(),
            RowColumn::Payer(p) => format!("payer_{p}"),
            RowColumn::Error => "error".into(),
        }
    }

    /// The amount this column holds for a decision, for the money columns (a payer the
    /// decision does not name pays zero).
    pub fn amount(&self, d: &Decision) -> Option<Money> {
        match self {
            RowColumn::GrossFee => Some(d.gross_fee),
            RowColumn::ReductionTotal => Some(d.reduction_total),
            RowColumn::NetFee => Some(d.net_fee),
            RowColumn::SubsidyTotal => Some(d.subsidy_total),
            RowColumn::Payer(p) => Some(d.payers.get(p.as_str()).copied().unwrap_or_default()),
            _ => None,
        }
    }

    /// This column's cell for a decision as text (lists joined by `;`, amounts as decimals);
    /// `Id` is the decision's participant id, empty without one.
    pub fn text(&self, d: &Decision) -> String {
        if let RowColumn::Payer(p) = self {
            return d
                .payers
                .get(p.as_str())
                .map(Money::to_string)
                .unwrap_or_default();
        }
        if let Some(m) = self.amount(d) {
            return m.to_string();
        }
        match self {
            RowColumn::Id => d.participant.clone().unwrap_or_default(),
            RowColumn::Eligible => d.eligible.to_string(),
            RowColumn::Reasons => d
                .reasons
                .iter()
                .map(|r| r.rule.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            RowColumn::Category => d.category.as_deref().unwrap_or_default().to_owned(),
            RowColumn::PriorityGroups => d.priority_groups.join(";"),
            _ => String::new(),
        }
    }
}

/// The flat output row of a pack, in order: `id`, `eligible`, `reasons`, `category`,
/// `priority_groups`, `gross_fee`, `reduction_total`, `net_fee`, `subsidy_total`, one
/// `payer_<id>` per payer, `error`.
pub fn row_columns(policy: &Policy) -> Vec<RowColumn> {
    let mut cols = vec![
        RowColumn::Id,
        RowColumn::Eligible,
        RowColumn::Reasons,
        RowColumn::Category,
        RowColumn::PriorityGroups,
        RowColumn::GrossFee,
        RowColumn::ReductionTotal,
        RowColumn::NetFee,
        RowColumn::SubsidyTotal,
    ];
    cols.extend(
        policy
            .payers()
            .iter()
            .map(|(p, _)| RowColumn::Payer(p.to_string())),
    );
    cols.push(RowColumn::Error);
    cols
}

/// The columns of [`row_columns`] that hold the decision fields `estimated` names
/// ([`crate::Decision::estimated`]: `payers.<id>` is `payer_<id>`), in the row's order; a field
/// without a column (`entitlements`) has none.
pub fn estimated_columns(policy: &Policy, estimated: &[crate::Name]) -> Vec<String> {
    row_columns(policy)
        .iter()
        .filter(|c| {
            let field = match c {
                RowColumn::Payer(p) => format!("payers.{p}"),
                other => other.name(),
            };
            estimated.iter().any(|e| *e == field)
        })
        .map(RowColumn::name)
        .collect()
}

/// What a binding throws for an error: the display text (as the CLI prints it) and the
/// error's JSON (`{"kind": "pack" | "input" | "eval" | "internal", ...}`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Thrown<'a> {
    /// The error as text.
    pub message: String,
    /// The error as data.
    pub error: &'a Error,
}

/// The one JSON shape of a thrown error: `{"message": ..., "error": ...}`.
pub fn error_json(e: &Error) -> String {
    to_json(&Thrown {
        message: e.to_string(),
        error: e,
    })
}

/// The kind of an error, as its JSON names it and as the bindings name their exception
/// classes: `pack`, `input`, `eval` or `internal`.
pub fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Pack(_) => "pack",
        Error::Input { .. } => "input",
        Error::Eval(_) => "eval",
        Error::Internal { .. } => "internal",
    }
}

/// The error a binding gives for a panic it caught (there should be none): kind and code
/// `internal`, `what` the panic's message, and a request to report it.
pub fn internal(what: &str) -> Error {
    Error::internal(what)
}

/// A tally's state as JSON: what a worker that totalled part of a population sends back, to
/// be merged with the others ([`merged_report`]).
pub fn tally_state(t: &crate::Tally) -> String {
    to_json(t)
}

/// The report of tallies of parts of one population (each a [`tally_state`]), merged exactly;
/// a part that is not a tally's state, or is of other scenarios or groups, is refused by its
/// place in `parts`.
pub fn merged_report(parts: &[&str]) -> Result<crate::tally::Report, Error> {
    let mut whole: Option<crate::Tally> = None;
    for (i, text) in parts.iter().enumerate() {
        let path = format!("parts[{i}]");
        let t: crate::Tally = serde_json::from_str(text).map_err(|e| Error::Input {
            errors: vec![input_error(
                &path,
                "not_a_tally",
                &format!("不是 huimin 的汇总状态：{e}"),
                &format!("not the state of a huimin tally: {e}"),
            )],
        })?;
        match whole.as_mut() {
            None => whole = Some(t),
            Some(w) => w.merge(t).map_err(|e| match e {
                Error::Input { mut errors } => {
                    for x in &mut errors {
                        x.path = path.clone();
                    }
                    Error::Input { errors }
                }
                e => e,
            })?,
        }
    }
    whole.map(|w| w.report()).ok_or_else(|| Error::Input {
        errors: vec![input_error(
            "parts",
            "empty",
            "没有要合并的汇总",
            "no tallies to merge",
        )],
    })
}

/// The message a panic carries (its payload, as `catch_unwind` or a panic hook gives it).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

#[cfg(test)]
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
    fn bad_json_and_bad_dates_are_one_input_error() {
        let e = evaluate(&wanzhou(), "{", "March", true).unwrap_err();
        let v: serde_json::Value = serde_json::from_str(&error_json(&e)).unwrap();
        assert_eq!(v["error"]["kind"], "input");
        assert_eq!(v["error"]["errors"][0]["path"], "");
        assert_eq!(v["error"]["errors"][1]["path"], "as_of");
        assert_eq!(error_kind(&e), "input");
    }

    #[test]
    fn validate_lists_every_problem() {
        let errs = validate_errors(
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
    fn a_caught_panic_is_an_internal_error_asking_to_be_reported() {
        let payload = std::panic::catch_unwind(|| panic!("index {} out of range", 7)).unwrap_err();
        let e = internal(panic_message(&*payload));
        assert_eq!(error_kind(&e), "internal");
        assert_eq!(
            e.to_string(),
            "internal error in huimin (a bug, not a problem with the data or the pack; please \
             report it with the input that caused it): index 7 out of range"
        );
        let v: serde_json::Value = serde_json::from_str(&error_json(&e)).unwrap();
        assert_eq!(v["error"]["kind"], "internal");
        assert_eq!(v["error"]["code"], "internal");
        assert_eq!(
            v["error"]["message"]["zh"],
            "huimin 内部错误（是 huimin 的缺陷，不是数据或政策包的问题，请连同引发它的输入一起报告）：index 7 out of range"
        );
        assert_eq!(v["message"], e.to_string());
        let payload = std::panic::catch_unwind(|| std::panic::panic_any(3_u8)).unwrap_err();
        assert_eq!(panic_message(&*payload), "a panic without a message");
    }

    #[test]
    fn info_names_the_pack() {
        let v: serde_json::Value = serde_json::from_str(&info(&wanzhou())).unwrap();
        assert_eq!(v["kind"], "after_school");
        assert_eq!(v["fee_payer"], "parents");
        assert_eq!(v["priority_groups"][0]["id"], "dual_worker");
        let r: serde_json::Value = serde_json::from_str(&rounding(&wanzhou())).unwrap();
        assert_eq!(r["scale"], 2);
    }
}
