//! Conformance cases, as pack authors write them: a participant, a date, the values file of a
//! deployment, and the expected decision or error. One matching rule for every language:
//! every expected key must match, arrays element by element with equal lengths. And coverage:
//! which rules no case exercises.

use crate::decision::{Decision, StepKind};
use crate::error::Error;
use crate::model::Participant;
use crate::policy::Policy;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeSet;

/// One case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The case's name (its file).
    pub name: String,
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The values file of the deployment it needs, by file name.
    pub values: Option<String>,
    /// The participant, as JSON.
    pub participant: Value,
    /// What it must give.
    pub expect: Expect,
}

/// What a case must give.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// A decision matching this JSON (a subset of the decision).
    Decision(Value),
    /// An error matching this JSON (`{kind, code…}`).
    Error(Value),
}

impl Case {
    /// A case from JSON or YAML text (the fixtures' shape: `as_of`, `participant`, `note`,
    /// `values`?, and one of `expected` and `expected_error`); `name` names it in messages.
    pub fn parse(text: &str, name: &str) -> Result<Case, String> {
        let v: Value = if name.ends_with(".json") {
            serde_json::from_str(text)
                .map_err(|e| format!("{name}:{}:{}: {e}", e.line(), e.column()))?
        } else {
            serde_saphyr::from_str(text).map_err(|e| format!("{name}: {e}"))?
        };
        let field = |k: &str| v.get(k);
        let as_of = field("as_of")
            .and_then(Value::as_str)
            .and_then(crate::expr::parse_date)
            .ok_or_else(|| format!("{name}: `as_of` must be a date, YYYY-MM-DD"))?;
        if field("note")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
        {
            return Err(format!(
                "{name}: `note` must give the arithmetic, worked by hand from the rules"
            ));
        }
        let expect = match (field("expected"), field("expected_error")) {
            (Some(e), None) => Expect::Decision(e.clone()),
            (None, Some(e)) => Expect::Error(e.clone()),
            _ => {
                return Err(format!(
                    "{name}: a case has exactly one of `expected` and `expected_error`"
                ))
            }
        };
        Ok(Case {
            name: name.to_owned(),
            as_of,
            values: field("values").and_then(Value::as_str).map(str::to_owned),
            participant: field("participant").cloned().unwrap_or(Value::Null),
            expect,
        })
    }

    /// Runs the case under `policy`: the differences from what it expects (empty when it
    /// passes), and the decision when there is one.
    pub fn check(&self, policy: &Policy) -> (Vec<String>, Option<Decision>) {
        let outcome = Participant::from_json_value(&self.participant)
            .map_err(|errors| Error::Input { errors })
            .and_then(|p| policy.evaluate(&p, self.as_of));
        let mut diffs = Vec::new();
        match (outcome, &self.expect) {
            (Ok(d), Expect::Decision(exp)) => {
                matches(exp, &d.to_json(), "", &mut diffs);
                return (diffs, Some(d));
            }
            (Err(e), Expect::Error(exp)) => {
                let got = serde_json::to_value(&e).unwrap_or(Value::Null);
                matches(exp, &got, "", &mut diffs);
            }
            (Ok(d), Expect::Error(_)) => {
                diffs.push(format!(
                    "expected an error, got a decision: net fee {}, subsidies {}",
                    d.net_fee, d.subsidy_total
                ));
                return (diffs, Some(d));
            }
            (Err(e), Expect::Decision(_)) => diffs.push(format!("unexpected error: {e}")),
        }
        (diffs, None)
    }
}

/// `expected` matches `actual` when every key of an expected object matches the same key of
/// the actual object, arrays match element by element with equal lengths, and scalars are
/// equal. Each difference is pushed with its path.
pub fn matches(expected: &Value, actual: &Value, path: &str, diffs: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => matches(ev, av, &format!("{path}.{k}"), diffs),
                    None => diffs.push(format!("{path}.{k}: missing in the result")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            } else {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    matches(ev, av, &format!("{path}[{i}]"), diffs);
                }
            }
        }
        _ => {
            if expected != actual {
                diffs.push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
    }
}

/// Which rules the cases exercise: each rule applied by some case, and each requirement unmet
/// by some case (so that its reason is tested too).
#[derive(Debug, Default)]
pub struct Coverage {
    applied: BTreeSet<String>,
    unmet: BTreeSet<String>,
}

impl Coverage {
    /// Records what a decision exercised: the conditions that held, and the fees, reductions,
    /// subsidies, entitlements and documents it has (a free fee of 0.00 is applied too).
    pub fn add(&mut self, d: &Decision) {
        self.unmet
            .extend(d.reasons.iter().map(|r| r.rule.to_string()));
        let conditions = d.steps.iter().filter(|s| {
            matches!(
                s.kind,
                StepKind::Eligibility | StepKind::Category | StepKind::Priority
            ) && s.value == "true"
        });
        self.applied.extend(conditions.map(|s| s.rule.to_string()));
        let lines = d.fees.iter().chain(&d.reductions).chain(&d.subsidies);
        self.applied.extend(lines.map(|l| l.rule.to_string()));
        self.applied
            .extend(d.entitlements.iter().map(|e| e.rule.to_string()));
        self.applied
            .extend(d.documents.iter().map(|x| x.document.to_string()));
    }

    /// What no case exercised, by stage: `(stage, rule, what is missing)`.
    pub fn gaps(&self, policy: &Policy) -> Vec<(&'static str, String, &'static str)> {
        let heads = || policy.heads();
        let mut out: Vec<_> = heads()
            .filter(|(_, h)| !self.applied.contains(h.id.as_str()))
            .map(|(stage, h)| (stage, h.id.to_string(), "no case applies it"))
            .collect();
        out.extend(
            heads()
                .filter(|(stage, h)| *stage == "eligibility" && !self.unmet.contains(h.id.as_str()))
                .map(|(stage, h)| {
                    (
                        stage,
                        h.id.to_string(),
                        "no case fails it (its reason is untested)",
                    )
                }),
        );
        out
    }
}
