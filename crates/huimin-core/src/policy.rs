//! The compiled form of a pack: an immutable, shareable [`Policy`] — its inputs, parameters,
//! citations, payers and rules, each rule's expressions type-checked and resolved to slots —
//! and the one walk over every expression of a policy ([`Policy::expressions`]).
//! `compile/` builds it; `rules/` decides with it.

use crate::decision::Citation;
use crate::error::PackError;
use crate::expr::{Binding, Expression, Scope, TagSet, Type};
use crate::limits::Limits;
use crate::model::{FieldType, Scalar};
use crate::money::{Rounding, Shares};
use crate::pack::{Pack, Period, ProgramKind, Stacking};
use crate::text::{Label, Name, Text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// A compiled policy pack: immutable, `Send + Sync`, cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) id: Name,
    pub(crate) name: Text,
    pub(crate) kind: ProgramKind,
    pub(crate) jurisdiction: Text,
    pub(crate) valid_from: NaiveDate,
    pub(crate) valid_until: Option<NaiveDate>,
    pub(crate) period: Period,
    pub(crate) rounding: Rounding,
    pub(crate) fields: Vec<Field>,
    pub(crate) tags: Vec<(String, Text)>,
    /// For each vocabulary status, by its place in [`crate::model::STANDARD_TAGS`], the slots
    /// of the pack's tags it entails (低保 entails 家庭经济困难): read as given with it.
    pub(crate) entailed: Vec<Vec<u32>>,
    pub(crate) params: Vec<Param>,
    /// Every parameter's value over each stretch of time, in date order ([`Era`]).
    pub(crate) eras: Vec<Era>,
    /// Shared with the decisions that cite them.
    pub(crate) citations: Vec<Arc<Citation>>,
    pub(crate) payers: Vec<(Name, Text)>,
    pub(crate) fee_payer: Option<usize>,
    pub(crate) eligibility: Vec<Cond>,
    pub(crate) categories: Vec<Cond>,
    pub(crate) priority: Vec<Cond>,
    pub(crate) fees: Vec<Fee>,
    pub(crate) reductions: Group<Reduction>,
    pub(crate) subsidies: Group<Subsidy>,
    pub(crate) splits: Vec<Split>,
    /// The header of the explanation step of an amount split by each split and payer id.
    pub(crate) paid_by: Vec<(Name, Label)>,
    pub(crate) entitlements: Vec<Entitlement>,
    pub(crate) documents: Vec<Document>,
    pub(crate) pack: Pack,
    pub(crate) warnings: Vec<PackError>,
    pub(crate) limits: Limits,
    /// The text it was compiled from, and which file each part of it came from.
    pub(crate) origin: std::sync::Arc<Origin>,
    /// How many expression slots the rules use (see [`Expression::slot`]).
    pub(crate) slots: usize,
    /// The names explanation steps give what rules read.
    pub(crate) read_names: ReadNames,
    /// The names of the decision's fields that can be estimates ([`crate::Decision::estimated`]):
    /// [`crate::decision::ESTIMABLE`]'s, then `payers.<id>` for each payer in order.
    pub(crate) estimable: Vec<Name>,
    /// [`Policy::fingerprint`], computed when first asked.
    pub(crate) fingerprint: std::sync::OnceLock<Name>,
}

/// The text a policy was compiled from: a pack's, followed by the reforms applied to it, each
/// part starting on a fresh line so that a line number says which file it is in.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub text: String,
    /// Each part's first line (0-based count of the lines before it) and file name.
    pub files: Vec<(u32, String)>,
}

impl Origin {
    /// One file's text.
    pub fn new(text: &str, file: &str) -> Origin {
        Origin {
            text: text.to_owned(),
            files: vec![(0, file.to_owned())],
        }
    }

    /// The lines before a part appended now.
    pub fn lines(&self) -> u32 {
        u32::try_from(self.text.lines().count()).unwrap_or(u32::MAX)
    }

    /// This text followed, on a fresh line, by `text` from `file`.
    pub fn then(&self, text: &str, file: &str) -> Origin {
        let mut next = self.clone();
        if !next.text.is_empty() && !next.text.ends_with('\n') {
            next.text.push('\n');
        }
        next.files.push((self.lines(), file.to_owned()));
        next.text.push_str(text);
        next
    }

    /// Names the file and line a problem found in the whole text is at.
    pub fn relocate(&self, e: &mut PackError) {
        let Some((_, first)) = self.files.first() else {
            return;
        };
        if e.file != *first || e.line == 0 {
            return;
        }
        if let Some((start, file)) = self.files.iter().rev().find(|(start, _)| *start < e.line) {
            e.file.clone_from(file);
            e.line -= start;
        }
    }
}

/// Options for one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Record the explanation steps (slower; off for population runs).
    pub explain: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { explain: true }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    pub ty: FieldType,
    pub label: Label,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub choices: Vec<(String, Text)>,
    pub default: Option<Scalar>,
    /// Who sets it, when an authority does rather than the applicant.
    pub set_by: Option<Text>,
    /// When its default stands in for an authority's number (the pack's own default, or an
    /// example deployment's): why that is an estimate. Only a field with a default has one.
    pub estimate: Option<Estimate>,
}

/// Why a field's default is an estimate, with the default as an assumption shows it.
#[derive(Debug, Clone)]
pub(crate) struct Estimate {
    pub reason: Label,
    /// The default as text, written once at compile time.
    pub shown: Name,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// Its name (`id`), label (the name when it has none) and explanation step's header: no
    /// citation (each value has its own) and nothing read.
    pub head: Head,
    /// Why the value is the pack's assumption, when it is.
    pub assumed: Option<Label>,
    /// Who sets the value, when an authority does (a values file gives it).
    pub set_by: Option<Text>,
    /// Its values, by the day each takes effect, in date order.
    pub values: Vec<Dated>,
}

impl Param {
    /// The value in force on `as_of`, when one is.
    pub(crate) fn in_force(&self, as_of: NaiveDate) -> Option<&Dated> {
        self.values.iter().rev().find(|v| v.from <= as_of)
    }
}

/// The names a step gives what its rule read ([`Step::inputs`]) that the policy does not
/// already hold as a [`Name`] (a parameter's is its `head.id`): each input's and tag's
/// (`has(id)`), the date's and the category's, made once per policy and shared by every
/// step that names them ([`Policy::read_name`]).
#[derive(Debug, Clone)]
pub(crate) struct ReadNames {
    fields: Vec<Name>,
    tags: Vec<Name>,
    as_of: Name,
    category: Name,
}

impl ReadNames {
    pub(crate) fn new(fields: &[Field], tags: &[(String, Text)]) -> ReadNames {
        ReadNames {
            fields: fields.iter().map(|f| f.name.as_str().into()).collect(),
            tags: tags
                .iter()
                .map(|(id, _)| Name::from(format!("has({id})")))
                .collect(),
            as_of: "as_of".into(),
            category: "category".into(),
        }
    }
}

impl Policy {
    /// The name of what `read` reads (`None` for an index the policy does not have).
    pub(crate) fn read_name(&self, read: Binding) -> Option<&Name> {
        let names = &self.read_names;
        match read {
            Binding::Field(i, _) => names.fields.get(i),
            Binding::Param(i) => self.params.get(i).map(|p| &p.head.id),
            Binding::Tag(t) => names.tags.get(t as usize),
            Binding::AsOf => Some(&names.as_of),
            Binding::Category => Some(&names.category),
        }
    }

    /// Input `i`'s name.
    pub(crate) fn field_name(&self, i: usize) -> Option<&Name> {
        self.read_names.fields.get(i)
    }

    /// The header of the explanation step of an amount split by `split` (a split's or a
    /// payer's id): written at compile time ([`Policy::paid_by`]).
    pub(crate) fn split_header(&self, split: &Name) -> Label {
        self.paid_by.iter().find(|(id, _)| id == split).map_or_else(
            || paid_by(payer_name(&self.payers, split)),
            |(_, l)| l.clone(),
        )
    }

    /// The names of `payers.<id>`, in payer order ([`Policy::estimable`]'s tail).
    pub(crate) fn payer_estimates(&self) -> &[Name] {
        self.estimable
            .get(crate::decision::ESTIMABLE.len()..)
            .unwrap_or_default()
    }
}

/// Payer `p`'s name, Chinese and English; its id when it has none.
pub(crate) fn payer_name<'a>(payers: &'a [(Name, Text)], p: &'a str) -> (&'a str, &'a str) {
    payers
        .iter()
        .find(|(id, _)| id == p)
        .map_or((p, p), |(_, t)| (t.zh.as_str(), t.en.as_str()))
}

/// The header of a split's explanation step: "分担：<name>" / "paid by: <name>".
pub(crate) fn paid_by((zh, en): (&str, &str)) -> Label {
    Label::from(Text::new(format!("分担：{zh}"), format!("paid by: {en}")))
}

/// A parameter's value from a day on, with its clause, and its explanation step's value and
/// "how", written once at compile time rather than for every decision that explains it.
#[derive(Debug, Clone)]
pub(crate) struct Dated {
    pub from: NaiveDate,
    pub value: Decimal,
    pub cite: Option<usize>,
    pub shown: Name,
    pub said: Arc<Text>,
}

/// The value of every parameter (`None` where none is in force) from `from` until the next
/// era's first day: one era per day on which any value changes, and a first one, from the
/// earliest date, where none is. Found once at compile time, so that an evaluation borrows the
/// values in force instead of gathering them.
#[derive(Debug, Clone)]
pub(crate) struct Era {
    pub from: NaiveDate,
    pub values: Vec<Option<Decimal>>,
}

impl Era {
    /// The eras of `params`.
    pub(crate) fn of(params: &[Param]) -> Vec<Era> {
        let mut days: Vec<NaiveDate> = params
            .iter()
            .flat_map(|p| p.values.iter().map(|v| v.from))
            .collect();
        days.push(NaiveDate::MIN);
        days.sort_unstable();
        days.dedup();
        days.into_iter()
            .map(|from| Era {
                from,
                values: params
                    .iter()
                    .map(|p| p.in_force(from).map(|v| v.value))
                    .collect(),
            })
            .collect()
    }
}

/// The rule header every compiled rule has.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// Shared with the explanation steps that name the rule.
    pub id: Name,
    pub label: Label,
    pub cite: Option<usize>,
    pub reads: Vec<Binding>,
    /// The parameters among `reads` whose values the pack assumes: found at compile time, as
    /// every decision that goes through the rule asks.
    pub assumed: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Cond {
    pub head: Head,
    pub when: Expression,
    pub reason: Option<Text>,
}

#[derive(Debug, Clone)]
pub(crate) enum FeeBase {
    Amount(Expression),
    Rate {
        rate: Expression,
        quantity: Expression,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Fee {
    pub head: Head,
    pub when: Option<Expression>,
    pub base: FeeBase,
    pub cap: Option<Expression>,
    /// The most the source allows: a higher price is reported as over it.
    pub limit: Option<Expression>,
    pub floor: Option<Expression>,
}

#[derive(Debug, Clone)]
pub(crate) enum Cut {
    Waive,
    Percent(Expression),
    Amount(Expression),
}

#[derive(Debug, Clone)]
pub(crate) struct Reduction {
    pub head: Head,
    pub when: Expression,
    pub cut: Cut,
    /// The most it takes off.
    pub cap: Option<Expression>,
    /// Indices into `fees`; empty = all.
    pub applies_to: Vec<usize>,
    pub borne_by: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub id: String,
    pub amount: Expression,
    pub cap: Option<Expression>,
}

#[derive(Debug, Clone)]
pub(crate) enum Payment {
    Split(usize),
    Payer(usize),
    Unassigned,
}

#[derive(Debug, Clone)]
pub(crate) struct Subsidy {
    pub head: Head,
    pub when: Option<Expression>,
    pub unless: Option<Expression>,
    pub amount: Option<Expression>,
    pub components: Vec<Component>,
    pub uplift: Option<(Expression, Expression)>,
    pub floor: Option<Expression>,
    pub ceiling: Option<Expression>,
    pub payment: Payment,
}

#[derive(Debug, Clone)]
pub(crate) struct Group<R> {
    pub stacking: Stacking,
    pub ceiling: Option<Expression>,
    pub rules: Vec<R>,
}

#[derive(Debug, Clone)]
pub(crate) struct Split {
    pub id: Name,
    /// The payer indices, in payer-id order, and their weights as whole numbers.
    pub payers: Vec<usize>,
    pub shares: Shares,
    pub cite: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entitlement {
    pub head: Head,
    pub when: Option<Expression>,
    pub count: Expression,
    pub at_least: bool,
    pub per: Period,
}

/// A document an eligible participant submits, when its condition holds.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub head: Head,
    pub when: Option<Expression>,
}

/// A participant checked against the pack's schema: values by field slot, and tags.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub fields: Vec<Scalar>,
    pub tags: TagSet,
    /// Vocabulary terms given that the pack does not read.
    pub unused: Vec<String>,
    /// The inputs an authority sets (`set_by`) that were not given: their defaults stand in,
    /// as estimates.
    pub estimated: Vec<usize>,
}

/// The participant schema of a pack: what a form must ask.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InputSchema {
    /// The fields, in the pack's order.
    pub fields: Vec<FieldInfo>,
    /// The tags a participant may carry.
    pub tags: Vec<TagInfo>,
}

/// One input field.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FieldInfo {
    /// Field name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Its label.
    pub label: Text,
    /// Whether it must be given (no default).
    pub required: bool,
    /// Smallest value, for numbers.
    pub min: Option<String>,
    /// Largest value, for numbers.
    pub max: Option<String>,
    /// The default, as text.
    pub default: Option<String>,
    /// Allowed choices with labels.
    pub choices: Vec<TagInfo>,
    /// Who sets it when an authority does: a form does not ask the applicant for it.
    pub set_by: Option<Text>,
}

/// A tag or choice with its label.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TagInfo {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: Text,
}

pub(crate) struct PackScope<'a> {
    pub fields: &'a [Field],
    pub tags: &'a [(String, Text)],
    pub params: &'a [Param],
    pub choice_ids: Vec<Vec<String>>,
}

impl Scope for PackScope<'_> {
    fn lookup(&self, name: &str) -> Option<Binding> {
        if let Some(i) = self.fields.iter().position(|f| f.name == name) {
            let f = self.fields.get(i)?;
            let t = match f.ty {
                FieldType::Integer | FieldType::Decimal => Type::Num,
                FieldType::Boolean => Type::Bool,
                FieldType::Text | FieldType::Choice => Type::Text,
                FieldType::Date => Type::Date,
            };
            return Some(Binding::Field(i, t));
        }
        if let Some(i) = self.params.iter().position(|p| p.head.id == name) {
            return Some(Binding::Param(i));
        }
        match name {
            "as_of" => Some(Binding::AsOf),
            "category" => Some(Binding::Category),
            _ => None,
        }
    }
    fn tag(&self, name: &str) -> Option<u32> {
        self.tags
            .iter()
            .position(|(t, _)| t == name)
            .and_then(|i| u32::try_from(i).ok())
    }
    fn choices(&self, field: &str) -> Option<&[String]> {
        let i = self
            .fields
            .iter()
            .position(|f| f.name == field && f.ty == FieldType::Choice)?;
        self.choice_ids.get(i).map(Vec::as_slice)
    }
    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.fields.iter().map(|f| f.name.clone()).collect();
        v.extend(self.params.iter().map(|p| p.head.id.to_string()));
        v.extend(["as_of".to_owned(), "category".to_owned()]);
        v
    }
    fn tag_names(&self) -> Vec<&str> {
        self.tags.iter().map(|(t, _)| t.as_str()).collect()
    }
}

impl Policy {
    /// The pack's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The program's name.
    pub fn name(&self) -> &Text {
        &self.name
    }
    /// The kind of program.
    pub fn kind(&self) -> ProgramKind {
        self.kind
    }
    /// Where it applies.
    pub fn jurisdiction(&self) -> &Text {
        &self.jurisdiction
    }
    /// The period one evaluation covers.
    pub fn period(&self) -> Period {
        self.period
    }
    /// The pack's rounding rule.
    pub fn rounding(&self) -> Rounding {
        self.rounding
    }
    /// The payers, by id, with their names.
    pub fn payers(&self) -> &[(Name, Text)] {
        &self.payers
    }
    /// The priority groups, by id, with their names.
    pub fn priority_groups(&self) -> impl Iterator<Item = (&str, &Text)> {
        self.priority
            .iter()
            .map(|c| (c.head.id.as_str(), &*c.head.label))
    }

    /// The categories, in order: id and label.
    pub fn categories(&self) -> impl Iterator<Item = (&str, &Text)> {
        self.categories
            .iter()
            .map(|c| (c.head.id.as_str(), &*c.head.label))
    }

    /// The pack as written (for program audits and tools).
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The pack this policy was compiled from, with its deployment's values and its reforms
    /// applied, as one JSON text: the same for the same rules however they were written
    /// (comments, key order, YAML or JSON), and [`Policy::from_json`] of it compiles this
    /// policy again. What a worker is sent to rebuild the policy. A build without the `lint`
    /// feature reads it only with the stamp `Policy::checked_json` adds.
    pub fn canonical(&self) -> String {
        serde_json::to_string(&self.pack).unwrap_or_default()
    }

    /// The SHA-256 of [`Policy::canonical`], in hex: which rules and values an answer came
    /// from, to compare, cache and reproduce by.
    pub fn fingerprint(&self) -> &str {
        self.shared_fingerprint()
    }

    /// [`Policy::fingerprint`] as the decisions share it.
    pub(crate) fn shared_fingerprint(&self) -> &Name {
        self.fingerprint.get_or_init(|| {
            use sha2::{Digest, Sha256};
            let hex: String = Sha256::digest(self.canonical().as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Name::from(hex)
        })
    }
    /// Warnings found while compiling (e.g. rules without a citation).
    pub fn warnings(&self) -> &[PackError] {
        &self.warnings
    }
    /// The first day the pack is in force.
    pub fn valid_from(&self) -> NaiveDate {
        self.valid_from
    }

    /// The last day the pack is in force, when it has one.
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.valid_until
    }

    /// The participant schema: the fields and tags a form must ask for.
    pub fn input_schema(&self) -> InputSchema {
        InputSchema {
            fields: self
                .fields
                .iter()
                .map(|f| FieldInfo {
                    name: f.name.clone(),
                    ty: f.ty,
                    label: Text::clone(&f.label),
                    required: f.default.is_none(),
                    min: f.min.map(|d| d.to_string()),
                    max: f.max.map(|d| d.to_string()),
                    default: f.default.as_ref().map(Scalar::to_string),
                    set_by: f.set_by.clone(),
                    choices: f
                        .choices
                        .iter()
                        .map(|(id, label)| TagInfo {
                            id: id.clone(),
                            label: label.clone(),
                        })
                        .collect(),
                })
                .collect(),
            tags: self
                .tags
                .iter()
                .map(|(id, label)| TagInfo {
                    id: id.clone(),
                    label: label.clone(),
                })
                .collect(),
        }
    }

    /// The limits the pack was loaded with (they also bound its batches).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Policy>();
};

/// Where an expression stands in a policy: the stage, the rule and the part of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Site<'p> {
    pub stage: crate::decision::StepKind,
    pub rule: &'p str,
    pub part: &'static str,
}

impl Policy {
    /// The assumed parameters a rule reads, with their index.
    pub(crate) fn assumed_reads<'a>(
        &'a self,
        head: &'a Head,
    ) -> impl Iterator<Item = (usize, &'a Param)> + 'a {
        head.assumed
            .iter()
            .filter_map(|&i| self.params.get(i).map(|p| (i, p)))
    }

    /// The parameters an authority sets (`set_by`): id, who sets it, and whether it has a
    /// value (from a values file).
    pub fn set_by(&self) -> Vec<(&str, &Text, bool)> {
        self.params
            .iter()
            .filter_map(|p| {
                let by = p.set_by.as_ref()?;
                Some((p.head.id.as_str(), by, !p.values.is_empty()))
            })
            .collect()
    }

    /// Every rule's header with its stage (`eligibility`, `category`, `priority`, `fee`,
    /// `reduction`, `subsidy`, `entitlement`, `document`), in evaluation order.
    pub(crate) fn heads(&self) -> impl Iterator<Item = (&'static str, &Head)> {
        fn at<'a>(
            stage: &'static str,
            heads: impl Iterator<Item = &'a Head>,
        ) -> impl Iterator<Item = (&'static str, &'a Head)> {
            heads.map(move |h| (stage, h))
        }
        at("eligibility", self.eligibility.iter().map(|c| &c.head))
            .chain(at("category", self.categories.iter().map(|c| &c.head)))
            .chain(at("priority", self.priority.iter().map(|c| &c.head)))
            .chain(at("fee", self.fees.iter().map(|f| &f.head)))
            .chain(at(
                "reduction",
                self.reductions.rules.iter().map(|r| &r.head),
            ))
            .chain(at("subsidy", self.subsidies.rules.iter().map(|r| &r.head)))
            .chain(at("entitlement", self.entitlements.iter().map(|e| &e.head)))
            .chain(at("document", self.documents.iter().map(|d| &d.head)))
    }

    /// Every expression of the rules with its site, in evaluation order: the one walk over a
    /// policy's expressions that the columnar planner and the lints share.
    pub(crate) fn expressions(&self) -> Vec<(Site<'_>, &Expression)> {
        use crate::decision::StepKind as K;
        let mut out = Vec::new();
        for (stage, list) in [
            (K::Eligibility, &self.eligibility),
            (K::Category, &self.categories),
            (K::Priority, &self.priority),
        ] {
            for c in list {
                at(&mut out, stage, &c.head.id, "when", Some(&c.when));
            }
        }
        for f in &self.fees {
            let id = f.head.id.as_str();
            at(&mut out, K::Fee, id, "when", f.when.as_ref());
            match &f.base {
                FeeBase::Amount(a) => at(&mut out, K::Fee, id, "amount", Some(a)),
                FeeBase::Rate { rate, quantity } => {
                    at(&mut out, K::Fee, id, "rate", Some(rate));
                    at(&mut out, K::Fee, id, "quantity", Some(quantity));
                }
            }
            at(&mut out, K::Fee, id, "cap", f.cap.as_ref());
            at(&mut out, K::Fee, id, "limit", f.limit.as_ref());
            at(&mut out, K::Fee, id, "floor", f.floor.as_ref());
        }
        for r in &self.reductions.rules {
            let id = r.head.id.as_str();
            at(&mut out, K::Reduction, id, "when", Some(&r.when));
            match &r.cut {
                Cut::Waive => {}
                Cut::Percent(e) => at(&mut out, K::Reduction, id, "percent", Some(e)),
                Cut::Amount(e) => at(&mut out, K::Reduction, id, "amount", Some(e)),
            }
            at(&mut out, K::Reduction, id, "cap", r.cap.as_ref());
        }
        at(
            &mut out,
            K::Reduction,
            "reductions",
            "ceiling",
            self.reductions.ceiling.as_ref(),
        );
        for s in &self.subsidies.rules {
            let id = s.head.id.as_str();
            at(&mut out, K::Subsidy, id, "when", s.when.as_ref());
            at(&mut out, K::Subsidy, id, "unless", s.unless.as_ref());
            at(&mut out, K::Subsidy, id, "amount", s.amount.as_ref());
            for c in &s.components {
                at(
                    &mut out,
                    K::Subsidy,
                    id,
                    "component amount",
                    Some(&c.amount),
                );
                at(&mut out, K::Subsidy, id, "component cap", c.cap.as_ref());
            }
            if let Some((when, pct)) = &s.uplift {
                at(&mut out, K::Subsidy, id, "uplift when", Some(when));
                at(&mut out, K::Subsidy, id, "uplift percent", Some(pct));
            }
            at(&mut out, K::Subsidy, id, "floor", s.floor.as_ref());
            at(&mut out, K::Subsidy, id, "ceiling", s.ceiling.as_ref());
        }
        at(
            &mut out,
            K::Subsidy,
            "subsidies",
            "ceiling",
            self.subsidies.ceiling.as_ref(),
        );
        for e in &self.entitlements {
            let id = e.head.id.as_str();
            at(&mut out, K::Entitlement, id, "when", e.when.as_ref());
            at(&mut out, K::Entitlement, id, "count", Some(&e.count));
        }
        out
    }
}

/// Adds an expression, if there is one, at its site.
fn at<'p>(
    out: &mut Vec<(Site<'p>, &'p Expression)>,
    stage: crate::decision::StepKind,
    rule: &'p str,
    part: &'static str,
    e: Option<&'p Expression>,
) {
    if let Some(e) = e {
        out.push((Site { stage, rule, part }, e));
    }
}
