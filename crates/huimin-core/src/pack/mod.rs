//! The policy pack format: what a bureau author writes, in YAML or JSON.
//!
//! These types are the file's shape, checked field by field when a pack loads (unknown keys
//! are errors). A pack is then compiled into a [`crate::Policy`]. The JSON Schema of this shape
//! is [`json_schema`], committed as `fixtures/pack.schema.json`.

mod hover;
mod load;
mod program;
mod reform;
mod values;
#[cfg(feature = "lint")]
mod yaml11;

pub(crate) use hover::bilingual;
pub use load::{
    duplicate_key, parse_json, parse_json_with, parse_yaml, parse_yaml_with, DEFAULT_MAX_PACK_BYTES,
};
pub(crate) use load::{reader_message, too_big, Pos};
pub use program::{
    AverageRule, ScheduleKind, ScheduleRule, StaffingKind, StaffingRule, WorkflowKind, WorkflowRule,
};
pub use reform::{parse_reform, reform_base, reform_schema, ParamChange, Reform, RuleChanges};
pub use values::{parse_values, values_schema, SetValue, ValuesFile};
#[cfg(feature = "lint")]
pub(crate) use yaml11::traps as yaml11_traps;

use crate::model::FieldType;
use crate::money::Rounding;
use crate::text::Text;
use chrono::NaiveDate;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A source text: an expression, written as a YAML/JSON string, number or boolean
/// (`"has(dibao) or has(jianka)"`, `3.00`, `true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source(pub String);

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Source;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an expression (a string, a number or a boolean)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Source, E> {
                Ok(Source(v.to_owned()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Source, E> {
                Ok(Source(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Source, E> {
                Ok(Source(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Source, E> {
                Ok(Source(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Source, E> {
                // Rust prints the shortest text that reads back as the same double, which is
                // the author's literal for any literal of up to 15 significant digits.
                Ok(Source(v.to_string()))
            }
        }
        // Asking for a string makes the YAML reader hand over a plain scalar's text as written
        // (`3.00` stays `3.00`, not the double 3); other readers fall back to the visitors above.
        #[cfg(feature = "yaml")]
        return d.deserialize_str(V);
        // serde_json (built with `arbitrary_precision`) keeps a number's text in its `Value`.
        #[cfg(not(feature = "yaml"))]
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Source(s)),
            serde_json::Value::Number(n) => Ok(Source(n.to_string())),
            serde_json::Value::Bool(b) => Ok(Source(b.to_string())),
            other => Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Other(match other {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Array(_) => "a list",
                    _ => "a map",
                }),
                &V,
            )),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl JsonSchema for Source {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Expression".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "number", "boolean"],
            "description": "An expression in huimin's expression language, e.g. `min(rate * class_hours, monthly_cap)` or `has(dibao)`."
        })
    }
}

/// An expression with the place it was written.
pub type Expr = Spanned<Source>;
/// An identifier with the place it was written.
pub type Id = Spanned<String>;

/// A decimal read exactly from a YAML/JSON number or string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Source::deserialize(d)?;
        crate::money::parse_decimal(s.0.trim())
            .map(Dec)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "expected a decimal number with at most 28 decimal places, found `{}`",
                    s.0
                ))
            })
    }
}

impl Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl JsonSchema for Dec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["number", "string"], "description": "An exact decimal number."})
    }
}

/// A whole policy pack: one program's rules for one jurisdiction.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Pack id, e.g. `chongqing-wanzhou-2020`.
    #[schemars(with = "String")]
    pub id: Id,
    /// Program name.
    pub name: Text,
    /// What kind of program this is.
    pub kind: ProgramKind,
    /// Who issued it and where it applies.
    pub jurisdiction: Text,
    /// A paragraph for readers.
    #[serde(default)]
    pub description: Option<Text>,
    /// First day the pack is in force.
    pub valid_from: NaiveDate,
    /// Last day the pack is in force, if it has one.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// The period one evaluation covers: quantities are per this period, amounts are for it.
    pub period: Period,
    /// How money results are rounded (default: half up to the fen).
    #[serde(default)]
    pub rounding: Rounding,
    /// The source documents, by id.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceDoc>,
    /// The clauses rules cite, by id.
    #[serde(default)]
    pub clauses: BTreeMap<String, Clause>,
    /// Who pays: city, district, parents, lottery fund…
    #[serde(default)]
    pub payers: IndexMap<String, Text>,
    /// The payer of the net fee (usually `parents`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub fee_payer: Option<Id>,
    /// The participant fields the pack reads. Standard fields (see `huimin_core::model`) need
    /// no type; others must give one.
    #[serde(default)]
    pub inputs: IndexMap<String, FieldDecl>,
    /// The household statuses and other tags a participant may carry.
    #[serde(default)]
    pub tags: IndexMap<String, Text>,
    /// Which inputs and tags a person can act on (`action`: hours chosen, an application made,
    /// a certification obtained) and which are facts (`fact`: age, hukou), where this pack
    /// differs from the vocabulary; a pack's own inputs and tags are facts unless named here.
    #[serde(default)]
    pub acts: IndexMap<String, crate::model::Acts>,
    /// Named numbers with effective-dated values.
    #[serde(default)]
    pub parameters: IndexMap<String, ParamDecl>,
    /// Conditions a participant must all meet to be served.
    #[serde(default)]
    pub eligibility: Vec<Condition>,
    /// Mutually exclusive categories, first match wins (e.g. elderly classes A/B/C).
    #[serde(default)]
    pub categories: Vec<Condition>,
    /// Priority groups; every one that matches is reported.
    #[serde(default)]
    pub priority: Vec<Condition>,
    /// Charges, summed into the gross fee.
    #[serde(default)]
    pub fees: Vec<FeeRule>,
    /// Reductions of the fee and how they stack.
    #[serde(default)]
    pub reductions: Option<Group<ReductionRule>>,
    /// Subsidies due and how they stack.
    #[serde(default)]
    pub subsidies: Option<Group<SubsidyRule>>,
    /// Funding splits between payers, by id.
    #[serde(default)]
    pub splits: IndexMap<String, SplitDecl>,
    /// Entitlements that are counts of services, not money.
    #[serde(default)]
    pub entitlements: Vec<EntitlementRule>,
    /// Shares of a fund reserved for a use (≥ 90% to staff).
    #[serde(default)]
    pub earmarks: Vec<Earmark>,
    /// Time windows and durations a program's schedule must keep.
    #[serde(default)]
    pub schedule: Vec<ScheduleRule>,
    /// Rules on who may staff a program and how they are paid.
    #[serde(default)]
    pub staffing: Vec<StaffingRule>,
    /// Workflow deadlines and audits.
    #[serde(default)]
    pub workflow: Vec<WorkflowRule>,
    /// Floors on averages over a program's participants.
    #[serde(default)]
    pub averages: Vec<AverageRule>,
    /// The documents an applicant brings or submits, and who needs which.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Plain sentences for the applicant (the parent view of an explanation), by fee,
    /// reduction or subsidy rule id, apart from the analyst's labels and notes. `{name}` is the
    /// value of an input or parameter, `{amount}` the rule's amount: `每课时{rate}元，
    /// {class_hours}课时，每月最多收{monthly_cap}元`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub plain: IndexMap<String, Text>,
    /// What the lints found when `huimin compile` checked this pack (written by it, not by
    /// authors). A build without the lints (the browser's form module) reads only a pack whose
    /// stamp is of its own version and of these very rules. Not part of the canonical JSON.
    #[serde(default, skip_serializing)]
    pub checked: Option<Checked>,
}

/// The stamp `huimin compile` writes into a pack it checked: which engine's lints passed it,
/// on which rules, and what they warned of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checked {
    /// The huimin version whose lints checked the pack.
    pub engine: String,
    /// The fingerprint of the rules they checked (the SHA-256 of the canonical JSON).
    pub fingerprint: String,
    /// Their warnings (the pack loads with them).
    #[serde(default)]
    pub warnings: Vec<CheckedWarning>,
}

/// One warning of the lints, as a stamp keeps it: without its place, which is in the source
/// `huimin check` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckedWarning {
    /// The lint's code (`unreachable`, `no_citation`…).
    pub code: String,
    /// What it found.
    pub message: String,
    /// A one-line suggestion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The kind of program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgramKind {
    /// 课后服务: after-school care.
    AfterSchool,
    /// 居家养老: home elderly care.
    ElderlyCare,
    /// 签约服务: family-doctor and other health contracts.
    HealthContract,
    /// Anything else.
    Other,
}

/// A charging or entitlement period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// One day.
    Day,
    /// One week.
    Week,
    /// One calendar month.
    Month,
    /// One semester (学期).
    Semester,
    /// One year.
    Year,
    /// Once, not recurring.
    Once,
}

impl Period {
    /// The label of the period.
    pub fn label(self) -> Text {
        match self {
            Period::Day => Text::new("每日", "per day"),
            Period::Week => Text::new("每周", "per week"),
            Period::Month => Text::new("每月", "per month"),
            Period::Semester => Text::new("每学期", "per semester"),
            Period::Year => Text::new("每年", "per year"),
            Period::Once => Text::new("一次性", "once"),
        }
    }
}

/// A source document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    /// Title as written.
    pub title: String,
    /// Document number (文号), if it has one.
    #[serde(default)]
    pub document: Option<String>,
    /// Issuing body.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Date as written.
    #[serde(default)]
    pub date: Option<String>,
    /// Where in huimin's seed corpus it is, e.g. `003 篇九`.
    #[serde(default)]
    pub seed: Option<String>,
}

/// A cited clause: where a rule comes from, with the source text quoted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// The source document's id in `sources`.
    #[schemars(with = "String")]
    pub source: Id,
    /// The clause as numbered in the document, e.g. `三、（二）`.
    pub clause: String,
    /// The source text, quoted verbatim.
    pub text: String,
    /// An English gloss.
    #[serde(default)]
    pub en: Option<String>,
}

/// A participant field a pack reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDecl {
    /// Its type; standard fields have one already.
    #[serde(default, rename = "type")]
    pub ty: Option<FieldType>,
    /// Its label; standard fields have one already.
    #[serde(default)]
    pub label: Option<Text>,
    /// Smallest allowed value (numbers).
    #[serde(default)]
    pub min: Option<Dec>,
    /// Largest allowed value (numbers).
    #[serde(default)]
    pub max: Option<Dec>,
    /// Allowed choice ids (choices), narrowing a standard field's list.
    #[serde(default)]
    pub choices: Option<Vec<String>>,
    /// Labels of choice ids that the standard vocabulary does not have.
    #[serde(default)]
    pub choice_labels: BTreeMap<String, Text>,
    /// The value when the participant does not give one; without it the field is required.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<Spanned<Source>>,
    /// Who sets this input when an authority does, not the applicant (a district's funding
    /// standard), in both languages. Forms do not ask for it; the deployment gives it with
    /// each participant, and when it does not, the `default` is used and every answer that
    /// rests on it says it is an estimate, unless a deployment's values file set that default
    /// (`inputs:`).
    #[serde(default)]
    pub set_by: Option<Text>,
    /// Who gave the `default` of a `set_by` input, when a deployment's values file did: written
    /// by [`Pack::apply_values`] and kept in the canonical JSON, not by pack authors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_by: Option<DefaultBy>,
}

/// The deployment that gave a `set_by` input its default ([`FieldDecl::default_by`]).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultBy {
    /// The values file's name.
    pub name: Text,
    /// Its numbers are examples, not the authority's: answers still say they are estimates.
    #[serde(default)]
    pub example: bool,
    /// The values file, for error messages about the default it gave (not part of the rules).
    #[serde(skip)]
    pub file: Option<String>,
}

/// A parameter: a named number whose value changes over time.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDecl {
    /// What it is.
    #[serde(default)]
    pub label: Option<Text>,
    /// Its unit, e.g. `yuan/class-hour`.
    #[serde(default)]
    pub unit: Option<String>,
    /// Set when the source leaves the number out (xx) and the pack supplies an assumption:
    /// `true`, or why, in both languages (`{zh, en}`). Every answer that rests on it says so.
    #[serde(default)]
    pub assumed: Option<Assumed>,
    /// Who sets the value when the source leaves it to an authority (“由价格主管部门核定”),
    /// in both languages. Its `values` may then be empty: a values file of the deployment
    /// gives them ([`ValuesFile`]), and an answer that needs one without it is an error naming
    /// the parameter and who sets it.
    #[serde(default)]
    pub set_by: Option<Text>,
    /// Its values, each in force from its date until the next one starts.
    #[schemars(with = "Vec<DatedValue>")]
    pub values: Spanned<Vec<DatedValue>>,
}

/// A parameter's value is the pack's assumption: `true` (the source does not state it), or the
/// reason; `false` is the same as leaving it out.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Assumed {
    /// `true` or `false`.
    Flag(bool),
    /// Why the pack assumes this value.
    Because(Text),
}

impl Assumed {
    /// The reason an answer states, when the value is assumed.
    pub fn reason(&self) -> Option<Text> {
        match self {
            Assumed::Flag(false) => None,
            Assumed::Flag(true) => Some(Text::new(
                "政策原文未给出此数值，包中取值为估算",
                "the source document does not state this number; the pack's value is an estimate",
            )),
            Assumed::Because(t) => Some(t.clone()),
        }
    }
}

/// One value of a parameter and when it starts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatedValue {
    /// First day in force.
    pub from: NaiveDate,
    /// The value.
    pub value: Dec,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A named condition: an eligibility requirement, a category, or a priority group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What it is ("enrolled pupil", "dual-worker family").
    pub label: Text,
    /// When it holds.
    #[schemars(with = "Source")]
    pub when: Expr,
    /// For eligibility: the reason given when it does not hold.
    #[serde(default)]
    pub reason: Option<Text>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A charge: either `amount` (flat or a formula) or `rate` × `quantity`, bounded by `cap`
/// and/or `floor`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Name of the charge.
    pub label: Text,
    /// Charged only when this holds (default: always).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub when: Option<Expr>,
    /// A flat amount or formula.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub amount: Option<Expr>,
    /// Price per unit.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub rate: Option<Expr>,
    /// Units used in the period.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub quantity: Option<Expr>,
    /// The most charged in the period.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub cap: Option<Expr>,
    /// The most the source allows the charge to be (不超过): a higher price is charged at the
    /// limit, and the decision says the price was over it (a finding in a program audit). Use
    /// `cap` for a ceiling that is simply applied (每月不超过170元 of a per-hour fee).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub limit: Option<Expr>,
    /// The least charged in the period.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub floor: Option<Expr>,
    /// How often it may be charged (audited for programs).
    #[serde(default)]
    pub charged: Option<Charging>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// How often a charge is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Charging {
    /// Every period (monthly charging).
    EachPeriod,
    /// At most once per period (collected once per semester).
    OncePerPeriod,
}

/// How several matching rules combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Take the single highest amount (就高不就低，不重复计算).
    Highest,
    /// Add them all (bounded by the group's ceiling, and for reductions by the fee).
    #[default]
    Add,
    /// The first matching rule in order, alone.
    First,
    /// At most one may apply; two that apply with different amounts are an error.
    Exclusive,
}

/// A group of reduction or subsidy rules with its stacking policy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group<R> {
    /// How matching rules combine.
    #[serde(default)]
    pub stacking: Stacking,
    /// The most the group gives in total.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub ceiling: Option<Expr>,
    /// The rules, in order.
    pub rules: Vec<R>,
}

/// A reduction of the fee: exactly one of `waive`, `percent`, `amount`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReductionRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Name of the reduction.
    pub label: Text,
    /// Who gets it.
    #[schemars(with = "Source")]
    pub when: Expr,
    /// The whole fee is waived.
    #[serde(default)]
    pub waive: bool,
    /// This percentage of the fee is taken off.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub percent: Option<Expr>,
    /// This amount is taken off (never below zero).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub amount: Option<Expr>,
    /// The most it takes off (最高减免): e.g. half the fee, but at most 100.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub cap: Option<Expr>,
    /// The fee rules it reduces (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub applies_to: Option<Vec<Id>>,
    /// The split that bears the amount forgone, if any payer makes it good.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub borne_by: Option<Id>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A subsidy: `amount` or `components`, then an uplift, then `floor` and `ceiling`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubsidyRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Name of the subsidy.
    pub label: Text,
    /// Who gets it (default: every eligible participant).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub when: Option<Expr>,
    /// Exclusion: not paid when this holds ("not if already receiving X").
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub unless: Option<Expr>,
    /// The amount (per capita, or a formula).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub amount: Option<Expr>,
    /// Parts with their own caps, summed (instead of `amount`).
    #[serde(default)]
    pub components: Vec<Component>,
    /// A percentage added when a condition holds (remote areas +20%).
    #[serde(default)]
    pub uplift: Option<Uplift>,
    /// The least paid ("不低于").
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub floor: Option<Expr>,
    /// The most paid ("不高于").
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub ceiling: Option<Expr>,
    /// The split between payers (or use `payer`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub split: Option<Id>,
    /// The single payer (or use `split`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub payer: Option<Id>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// One capped part of a subsidy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Component id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Its name.
    pub label: Text,
    /// The amount claimed.
    #[schemars(with = "Source")]
    pub amount: Expr,
    /// The most paid for it.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub cap: Option<Expr>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A percentage uplift.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uplift {
    /// When it applies.
    #[schemars(with = "Source")]
    pub when: Expr,
    /// The percentage added (20 = +20%).
    #[schemars(with = "Source")]
    pub percent: Expr,
    /// The most the percentage may be, as the document bounds it ("上浮不超过20%"):
    /// `huimin check` reports a `percent` above it on any date.
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub max_percent: Option<Expr>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A funding split between payers, written either as ratios (`parts: {city: 6, district: 4}`,
/// as documents write "6:4") or as fractions that must add up to exactly 1
/// (`shares: {city: 0.6, district: 0.4}`, as documents write "市级承担60%").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "SplitSource", into = "SplitSource")]
pub struct SplitDecl {
    /// Name of the arrangement.
    pub label: Option<Text>,
    /// Weight by payer id: the ratios, or the fractions when `form` is `Shares`.
    pub parts: Spanned<IndexMap<String, Dec>>,
    /// How the weights were written.
    pub form: SplitForm,
    /// The clause it comes from.
    pub cite: Option<Id>,
}

/// How a split's weights are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitForm {
    /// `parts`: ratios, any positive total (6 : 4).
    Ratios,
    /// `shares`: fractions that add up to exactly 1 (0.6 + 0.4).
    Shares,
}

/// A split as written: exactly one of `parts` and `shares`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitSource {
    /// Name of the arrangement.
    #[serde(default)]
    pub label: Option<Text>,
    /// Ratio by payer id (city 6, district 4).
    #[serde(default)]
    #[schemars(with = "Option<IndexMap<String, Dec>>")]
    pub parts: Option<Spanned<IndexMap<String, Dec>>>,
    /// Fraction by payer id, adding up to exactly 1 (city 0.6, district 0.4).
    #[serde(default)]
    #[schemars(with = "Option<IndexMap<String, Dec>>")]
    pub shares: Option<Spanned<IndexMap<String, Dec>>>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

impl JsonSchema for SplitDecl {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SplitDecl".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        SplitSource::json_schema(g)
    }
}

impl From<SplitDecl> for SplitSource {
    fn from(s: SplitDecl) -> SplitSource {
        let (parts, shares) = match s.form {
            SplitForm::Ratios => (Some(s.parts), None),
            SplitForm::Shares => (None, Some(s.parts)),
        };
        SplitSource {
            label: s.label,
            parts,
            shares,
            cite: s.cite,
        }
    }
}

impl TryFrom<SplitSource> for SplitDecl {
    type Error = String;
    fn try_from(s: SplitSource) -> Result<SplitDecl, String> {
        let (parts, form) = match (s.parts, s.shares) {
            (Some(p), None) => (p, SplitForm::Ratios),
            (None, Some(p)) => (p, SplitForm::Shares),
            _ => {
                return Err(
                    "a split needs exactly one of `parts` (ratios, 6 : 4) and `shares` \
                            (fractions adding up to 1)"
                        .into(),
                )
            }
        };
        Ok(SplitDecl {
            label: s.label,
            parts,
            form,
            cite: s.cite,
        })
    }
}

/// A counted entitlement (one free check-up a year).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementRule {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// The service.
    pub label: Text,
    /// Who has it (default: every eligible participant).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub when: Option<Expr>,
    /// How many.
    #[schemars(with = "Source")]
    pub count: Expr,
    /// Whether `count` is a minimum ("at least 4 follow-ups").
    #[serde(default)]
    pub at_least: bool,
    /// Per what period.
    pub per: Period,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A document an applicant submits (低保证复印件, 诊断证明…): shown to an eligible participant
/// as "what to bring".
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Document id.
    #[schemars(with = "String")]
    pub id: Id,
    /// The document as the source names it (copies, originals to show).
    pub name: Text,
    /// Who needs it (default: every eligible participant).
    #[serde(default)]
    #[schemars(with = "Option<Source>")]
    pub when: Option<Expr>,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

/// A share of a fund reserved for a use: at least (`min_share`) or exactly (`share`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Earmark {
    /// Rule id.
    #[schemars(with = "String")]
    pub id: Id,
    /// What is reserved.
    pub label: Text,
    /// The least share of the fund for that use, as a fraction (0.9 = 90%: 不少于90%).
    /// Exactly one of `min_share` and `share`.
    #[serde(default)]
    pub min_share: Option<Dec>,
    /// The exact share of the fund for that use (其中百分之九十: 90%, no more, no less).
    #[serde(default)]
    pub share: Option<Dec>,
    /// The use, e.g. `staff`.
    pub for_use: String,
    /// The clause it comes from.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cite: Option<Id>,
}

impl Earmark {
    /// The share, and whether it is exact; `None` unless exactly one of `min_share` and
    /// `share` is given (a pack that loads has exactly one).
    pub fn fraction(&self) -> Option<(Decimal, bool)> {
        match (&self.min_share, &self.share) {
            (Some(m), None) => Some((m.0, false)),
            (None, Some(s)) => Some((s.0, true)),
            _ => None,
        }
    }
}

/// The JSON Schema of the pack format.
pub fn json_schema() -> serde_json::Value {
    hover::bilingual(
        serde_json::to_value(schemars::schema_for!(Pack)).unwrap_or(serde_json::Value::Null),
    )
}
