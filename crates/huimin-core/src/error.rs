//! Errors: a bad pack names file, line and column; bad participant data names the field path.

use crate::text::Text;
use chrono::NaiveDate;
use serde::Serialize;

/// Anything that can go wrong loading a pack or evaluating a participant.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Error {
    /// The pack could not be read or compiled; every problem found is listed.
    #[error("{0}")]
    Pack(PackErrors),
    /// The participant does not fit the pack's input schema; every problem found is listed.
    #[error("{}", InputErrors(.errors))]
    Input {
        /// Each problem, with its field path.
        errors: Vec<InputError>,
    },
    /// The participant is valid but the pack cannot decide for it.
    #[error("{0}")]
    #[serde(serialize_with = "with_message")]
    #[schemars(with = "EvalErrorJson")]
    Eval(EvalError),
    /// huimin itself went wrong (a panic, caught where a binding calls in): a bug to report,
    /// never a verdict on the data ([`crate::ffi::internal`]).
    #[error("{}", .message.en)]
    Internal {
        /// Always `internal`.
        #[schemars(extend("const" = "internal"))]
        code: &'static str,
        /// What went wrong, and a request to report it.
        message: Text,
    },
}

/// Every problem found in one pack, in source order. Serialises as `{"errors": [...]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PackErrors(pub Vec<PackError>);

impl Serialize for PackErrors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PackErrors", 1)?;
        st.serialize_field("errors", &self.0)?;
        st.end()
    }
}

impl schemars::JsonSchema for PackErrors {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PackErrors".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let errors = g.subschema_for::<Vec<PackError>>();
        schemars::json_schema!({
            "type": "object",
            "properties": { "errors": errors },
            "required": ["errors"]
        })
    }
}

impl std::fmt::Display for PackErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// `file:line:column`, or `file` alone when the position is unknown (a file that cannot be read).
fn place(file: &str, line: u32, column: u32) -> String {
    if line == 0 {
        file.to_owned()
    } else {
        format!("{file}:{line}:{column}")
    }
}

/// Puts problems in source order (by line, then column; stable). One function for every
/// list of them, so the browser's module carries one sort of them, not one per caller.
pub(crate) fn in_source_order(errors: &mut [PackError]) {
    errors.sort_by_key(|e| (e.line, e.column));
}

/// One problem in a pack, located at `file:line:column` (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, schemars::JsonSchema)]
#[error("{}: {severity}: {message}{}", place(file, *line, *column), hint.as_ref().map(|h| format!("\n  hint: {h}")).unwrap_or_default())]
pub struct PackError {
    /// The file name given when loading (or `<input>`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Error or warning.
    pub severity: Severity,
    /// Stable code for tools (`yaml`, `json`, `schema`, `expr_syntax`, `expr_type`, `unknown_name`, `invalid`, `limit`).
    pub code: &'static str,
    /// What is wrong and what was expected.
    pub message: String,
    /// A one-line suggestion, such as "did you mean `monthly_cap`?".
    pub hint: Option<String>,
}

/// How serious a pack problem is: errors stop the pack from loading, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The pack cannot be used.
    Error,
    /// The pack loads, but an author should look.
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in a participant's data, at a field path such as `class_hours` or `tags[1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InputError {
    /// The field path.
    pub path: String,
    /// Stable code: `missing`, `wrong_type`, `out_of_range`, `unknown_tag`, `unknown_field`, `unknown_choice`, `unknown_goal`.
    pub code: &'static str,
    /// What is wrong, for a form to show next to the field.
    pub message: Text,
}

struct InputErrors<'a>(&'a [InputError]);

impl std::fmt::Display for InputErrors<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.path, e.message.en)?;
        }
        Ok(())
    }
}

/// Why a valid participant could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, schemars::JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EvalError {
    /// A parameter has no value in force on the date asked.
    #[error(
        "parameter `{parameter}` has no value in force on {date} (its first value starts {first})"
    )]
    NoValueInForce {
        /// The parameter.
        parameter: String,
        /// The evaluation date.
        date: NaiveDate,
        /// Start of its earliest value.
        first: NaiveDate,
    },
    /// A parameter an authority sets has no value on the date: no values file gives one.
    #[error(
        "parameter `{parameter}` is set by {} and has no value on {date}: give it in a values file (--values FILE)",
        set_by.en
    )]
    NotSet {
        /// The parameter.
        parameter: String,
        /// Who sets it.
        set_by: Text,
        /// The evaluation date.
        date: NaiveDate,
    },
    /// The date is outside the pack's validity.
    #[error("pack `{pack}` is not in force on {date} (valid {valid})")]
    OutsideValidity {
        /// The pack id.
        pack: String,
        /// The evaluation date.
        date: NaiveDate,
        /// The validity, as text.
        valid: String,
        /// Its first day.
        valid_from: NaiveDate,
        /// Its last day, when it has one.
        valid_until: Option<NaiveDate>,
    },
    /// Two rules under an exclusive stacking policy both apply and give different amounts.
    #[error("rules `{first}` and `{second}` both apply under exclusive stacking and disagree ({first_amount} vs {second_amount})")]
    Conflict {
        /// The first rule.
        first: String,
        /// The second rule.
        second: String,
        /// What the first gives.
        first_amount: String,
        /// What the second gives.
        second_amount: String,
    },
    /// Arithmetic left the exact range (overflow or division by zero).
    #[error("rule `{rule}`: {what}")]
    Arithmetic {
        /// The rule being evaluated.
        rule: String,
        /// What happened.
        what: String,
    },
    /// A rule's bounds contradict each other for this participant.
    #[error("rule `{rule}`: floor {floor} is above ceiling {ceiling}")]
    Bounds {
        /// The rule.
        rule: String,
        /// Its floor.
        floor: String,
        /// Its ceiling.
        ceiling: String,
    },
    /// An amount that must not be negative came out negative.
    #[error("rule `{rule}` produced a negative amount {amount}")]
    Negative {
        /// The rule.
        rule: String,
        /// The amount.
        amount: String,
    },
}

/// An [`EvalError`] as its JSON has it: its fields and the plain [`EvalError::message`].
#[derive(Serialize)]
struct EvalErrorJson<'a> {
    #[serde(flatten)]
    error: &'a EvalError,
    message: Text,
}

impl schemars::JsonSchema for EvalErrorJson<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EvalErrorWithMessage".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let error = g.subschema_for::<EvalError>();
        let text = g.subschema_for::<Text>();
        schemars::json_schema!({
            "allOf": [error, {
                "type": "object",
                "properties": { "message": text },
                "required": ["message"],
                "description": "What went wrong, in plain Chinese and English for the person who asked."
            }]
        })
    }
}

fn with_message<S: serde::Serializer>(e: &EvalError, s: S) -> Result<S::Ok, S::Error> {
    EvalErrorJson {
        error: e,
        message: e.message(),
    }
    .serialize(s)
}

impl EvalError {
    /// What went wrong, in plain Chinese and English for the person who asked (a parent, an
    /// applicant): no pack ids or rule syntax beyond what names the number at fault. The
    /// English `Display` stays the analyst's message.
    pub fn message(&self) -> Text {
        match self {
            EvalError::NoValueInForce {
                parameter,
                date,
                first,
            } => Text::new(
                format!("政策中的标准“{parameter}”在 {date} 还没有生效的数值（最早从 {first} 起），因此无法测算。"),
                format!("The policy's figure “{parameter}” has no value in force on {date} (its first value starts {first}), so nothing can be worked out for that date."),
            ),
            EvalError::NotSet {
                parameter,
                set_by,
                date,
            } => Text::new(
                format!("标准“{parameter}”由{}核定，{date} 尚未设定，因此无法测算；请向当地主管部门咨询。", set_by.zh),
                format!("The figure “{parameter}” is set by {} and has not been set for {date}, so nothing can be worked out; ask the local authority.", set_by.en),
            ),
            EvalError::OutsideValidity {
                date,
                valid_from,
                valid_until,
                ..
            } => match valid_until {
                Some(u) if date > u => Text::new(
                    format!("这项政策已于 {u} 到期，{date} 不再适用；请选择仍在有效期内的日期或政策。"),
                    format!("This policy ended on {u} and does not apply on {date}; choose a date or a policy in force."),
                ),
                _ => Text::new(
                    format!("这项政策从 {valid_from} 起施行，{date} 尚未生效；请选择 {valid_from} 及以后的日期。"),
                    format!("This policy applies from {valid_from} and is not yet in force on {date}; choose {valid_from} or later."),
                ),
            },
            EvalError::Conflict { first, second, .. } => Text::new(
                format!("政策中的两条规定（{first}、{second}）对这种情况给出不同的金额，无法确定；请向当地主管部门咨询。"),
                format!("Two rules of the policy ({first}, {second}) give different amounts for this case and cannot both hold; ask the local authority."),
            ),
            EvalError::Arithmetic { rule, .. } | EvalError::Bounds { rule, .. } | EvalError::Negative { rule, .. } => Text::new(
                format!("按政策规定“{rule}”计算这种情况时出现了无法成立的结果，无法给出金额；请向当地主管部门咨询。"),
                format!("Working out the policy's rule “{rule}” for this case gives no valid amount, so none is shown; ask the local authority."),
            ),
        }
    }
}

impl From<PackErrors> for Error {
    fn from(e: PackErrors) -> Self {
        Error::Pack(e)
    }
}

impl From<EvalError> for Error {
    fn from(e: EvalError) -> Self {
        Error::Eval(e)
    }
}

impl Error {
    /// An internal error: a bug in huimin, with `what` happened.
    pub fn internal(what: &str) -> Error {
        Error::Internal {
            code: "internal",
            message: Text::new(
                format!("huimin 内部错误（是 huimin 的缺陷，不是数据或政策包的问题，请连同引发它的输入一起报告）：{what}"),
                format!("internal error in huimin (a bug, not a problem with the data or the pack; please report it with the input that caused it): {what}"),
            ),
        }
    }
}
