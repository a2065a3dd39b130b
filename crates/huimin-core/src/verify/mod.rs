//! Properties of a pack, checked for every participant: `huimin verify`.
//!
//! A property says that `holds` is true for every participant (on every date the pack is in
//! force) for whom `given` is true; both are expressions over the pack's inputs, tags and
//! parameters and the decision's outputs (`eligible`, `gross_fee`, `reduction_total`,
//! `net_fee`, `subsidy_total`, and with a `reform` the same under it as `new_net_fee` …; with
//! `increase: FIELD`, the same for the participant with a larger value of that input, so that
//! `new_net_fee >= net_fee` says the fee never falls as it grows).
//!
//! It is checked by case-splitting, not sampling: every combination of the choices, yes/no
//! inputs, tags and dates the rules can tell apart, and for the numeric inputs a box of their
//! declared range, run through the rules themselves ([`crate::rules::decide`]) over affine
//! forms ([`lin`]). A box on which some comparison is not decided is split there (at the
//! threshold, when one input decides it) and each part run again, down to single values if
//! need be. A property holds when every box decides it true; a box that decides it false gives
//! a counterexample, confirmed by the exact engine; past a stated number of boxes, or on an
//! expression the method cannot follow, the answer is "not decided", with the reason.
//!
//! Decimal inputs are checked at a stated number of decimal places (two unless asked), and an
//! input without a declared maximum up to [`NO_MAX`]: both are said in every answer.

mod lin;
pub(crate) mod search;
mod values;

use crate::expr::{Binding, Expression, Scope, Type};
use crate::model::{FieldType, Participant};
use crate::policy::{PackScope, Policy};
use crate::text::Text;
use chrono::NaiveDate;
use search::{Confirmed, Flow, Leaf, Other, Pins, Run};
use serde::{Deserialize, Serialize};

pub(crate) use lin::VARS;
pub use search::NO_MAX;

/// The outputs a property may read, in the order their slots follow the pack's fields.
pub(crate) const OUTPUTS: [&str; 5] = [
    "eligible",
    "gross_fee",
    "reduction_total",
    "net_fee",
    "subsidy_total",
];

/// A properties file: `properties:`, a list.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyFile {
    /// The first date the properties are checked on (default: the pack's first day).
    pub from: Option<NaiveDate>,
    /// The values file of the deployment the properties are checked for (relative to the
    /// properties file), when the pack leaves values to an authority.
    pub values: Option<String>,
    /// The properties, checked in order.
    pub properties: Vec<PropertySource>,
}

/// One property as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertySource {
    /// Its name.
    pub id: String,
    /// What it says, in words.
    pub says: Option<Text>,
    /// For whom it must hold (default: everyone).
    pub given: Option<String>,
    /// What must hold.
    pub holds: String,
    /// A reform file (relative to the properties file): its outputs are `new_net_fee` ….
    pub reform: Option<String>,
    /// A numeric input: the property compares each participant with the same participant
    /// with more of it (any larger value in range), whose outputs are `new_net_fee` ….
    pub increase: Option<String>,
}

/// The JSON Schema of a properties file.
pub fn properties_schema() -> serde_json::Value {
    crate::pack::bilingual(
        serde_json::to_value(schemars::schema_for!(PropertyFile))
            .unwrap_or(serde_json::Value::Null),
    )
}

impl PropertyFile {
    /// A properties file from YAML or JSON text; `name` names it in errors.
    pub fn parse(text: &str, name: &str) -> Result<PropertyFile, String> {
        if name.ends_with(".json") {
            serde_json::from_str(text)
                .map_err(|e| format!("{name}:{}:{}: {e}", e.line(), e.column()))
        } else {
            serde_saphyr::from_str(text).map_err(|e| format!("{name}: {e}"))
        }
    }
}

/// How far to go.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Decimal places decimal inputs are checked at.
    pub places: u32,
    /// The most boxes one property may run before answering "not decided".
    pub max_boxes: usize,
    /// The first date checked (default: the pack's first day).
    pub from: Option<NaiveDate>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            places: 2,
            max_boxes: 200_000,
            from: None,
        }
    }
}

/// What checking one property found.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The property's id.
    pub id: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Boxes run (each a set of participants decided at once).
    pub boxes: usize,
    /// The cases of choices, tags and dates gone through.
    pub cases: usize,
    /// The domains the numeric inputs were checked over, in words.
    pub domains: Vec<String>,
}

/// Whether a property holds.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// True for every participant on every date.
    Holds,
    /// False for this participant (or the pack gives this participant an error).
    Fails(Box<Counterexample>),
    /// The method stopped before deciding.
    NotDecided {
        /// Why, in English and Chinese.
        why: String,
    },
}

/// A participant for whom a property fails: a case, ready to save.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// The date.
    pub as_of: NaiveDate,
    /// The participant, as a case file writes it.
    pub participant: serde_json::Value,
    /// For an `increase` property, the same participant with more of the input.
    pub increased: Option<serde_json::Value>,
    /// The outputs the property reads, as the exact engine gives them.
    pub outputs: Vec<(String, String)>,
    /// The error the pack gives this participant, when it gives one.
    pub error: Option<String>,
}

/// A property compiled against a pack (and its reform).
pub(crate) struct Compiled {
    pub given: Option<Expression>,
    pub holds: Expression,
}

/// The names a property reads: the pack's, then the outputs (and the reform's).
struct PropScope<'a> {
    pack: PackScope<'a>,
    outputs: Vec<String>,
}

impl Scope for PropScope<'_> {
    fn lookup(&self, name: &str) -> Option<Binding> {
        if let Some(k) = self.outputs.iter().position(|o| o == name) {
            let ty = if name.ends_with("eligible") {
                Type::Bool
            } else {
                Type::Num
            };
            return Some(Binding::Field(self.pack.fields.len().checked_add(k)?, ty));
        }
        self.pack.lookup(name)
    }
    fn tag(&self, name: &str) -> Option<u32> {
        self.pack.tag(name)
    }
    fn choices(&self, field: &str) -> Option<&[String]> {
        self.pack.choices(field)
    }
    fn names(&self) -> Vec<String> {
        let mut v = self.pack.names();
        v.extend(self.outputs.iter().cloned());
        v
    }
    fn tag_names(&self) -> Vec<&str> {
        self.pack.tag_names()
    }
}

fn output_names(reform: bool) -> Vec<String> {
    let mut v: Vec<String> = OUTPUTS.iter().map(|o| (*o).to_owned()).collect();
    if reform {
        v.extend(OUTPUTS.iter().map(|o| format!("new_{o}")));
    }
    v
}

pub(crate) fn compile(p: &Policy, src: &PropertySource, reform: bool) -> Result<Compiled, String> {
    let scope = PropScope {
        pack: PackScope {
            fields: &p.fields,
            tags: &p.tags,
            params: &p.params,
            choice_ids: p
                .fields
                .iter()
                .map(|f| f.choices.iter().map(|(id, _)| id.clone()).collect())
                .collect(),
        },
        outputs: output_names(reform),
    };
    let one = |part: &str, text: &str| {
        Expression::compile_with(text, Type::Bool, &scope, &p.limits).map_err(|e| {
            let hint = e.hint.map(|h| format!(" ({h})")).unwrap_or_default();
            format!(
                "属性 property `{}`, `{part}` at character {}: {}{hint}",
                src.id, e.offset, e.message
            )
        })
    };
    Ok(Compiled {
        given: src.given.as_deref().map(|g| one("given", g)).transpose()?,
        holds: one("holds", &src.holds)?,
    })
}

/// Checks one property of `base` (against `reformed`, when it has a `reform`).
pub fn verify(
    base: &Policy,
    reformed: Option<&Policy>,
    src: &PropertySource,
    opts: Options,
) -> Result<Verdict, String> {
    if reformed.is_some() && src.increase.is_some() {
        return Err(format!(
            "属性 property `{}`: `reform` and `increase` cannot be combined (each gives the `new_` outputs)",
            src.id
        ));
    }
    let increase = match &src.increase {
        None => None,
        Some(name) => Some(
            base.fields
                .iter()
                .position(|f| {
                    &f.name == name && matches!(f.ty, FieldType::Integer | FieldType::Decimal)
                })
                .ok_or_else(|| {
                    format!(
                        "属性 property `{}`: `increase: {name}` names no numeric input of the pack",
                        src.id
                    )
                })?,
        ),
    };
    if opts.places > crate::Rounding::MAX_SCALE {
        return Err(format!(
            "--places {}: at most {} decimal places 小数位数最多 {}",
            opts.places,
            crate::Rounding::MAX_SCALE,
            crate::Rounding::MAX_SCALE
        ));
    }
    let prop = compile(base, src, reformed.is_some() || increase.is_some())?;
    let mut v = Verdict {
        id: src.id.clone(),
        outcome: Outcome::Holds,
        boxes: 0,
        cases: 0,
        domains: Vec::new(),
    };
    let other = increase.map(Other::Increase);
    let run = match Run::new(base, reformed, &prop, other, &Pins::default(), opts) {
        Ok(run) => run,
        Err(why) => {
            v.outcome = Outcome::NotDecided { why };
            return Ok(v);
        }
    };
    v.domains.clone_from(&run.domains);
    let mut count = (0, 0);
    let mut outcome = Outcome::Holds;
    let walked = run.walk(opts.max_boxes, &mut count, |case, lo, hi, leaf| {
        if leaf == Leaf::True {
            return Flow::Next;
        }
        match run.confirm(case, lo, hi, leaf == Leaf::Error) {
            Confirmed::Fails(cx) => {
                outcome = Outcome::Fails(cx);
                Flow::Stop
            }
            Confirmed::Split => Flow::Split,
            Confirmed::Stopped(why) => {
                outcome = Outcome::NotDecided { why };
                Flow::Stop
            }
        }
    });
    (v.boxes, v.cases) = count;
    v.outcome = match walked {
        Ok(()) => outcome,
        Err(why) => Outcome::NotDecided { why },
    };
    Ok(v)
}

/// A property checked for one participant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct One {
    /// Whether it holds; `None` when `given` leaves the participant out.
    pub holds: Option<bool>,
    /// The outputs a property may read, as the engine gives them.
    pub outputs: Vec<(String, String)>,
}

/// Checks `src` for one participant as of a date with the exact engine (what `verify` claims
/// for all of them, for one): `Err` when the property does not compile, the participant does
/// not fit the pack, or the pack gives them an error.
pub fn check_one(
    base: &Policy,
    reformed: Option<&Policy>,
    src: &PropertySource,
    person: &Participant,
    as_of: NaiveDate,
) -> Result<One, String> {
    if src.increase.is_some() {
        return Err(format!(
            "属性 property `{}` compares two participants (`increase`): check it with `verify`",
            src.id
        ));
    }
    let prop = compile(base, src, reformed.is_some())?;
    search::exact(base, reformed.map(|r| (r, person)), &prop, person, as_of)
        .map_err(|e| e.to_string())
}
