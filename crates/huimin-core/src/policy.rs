//! Compiling a pack into an immutable, shareable [`Policy`].

use crate::decision::Citation;
use crate::error::{Error, InputError, PackError, PackErrors, Severity};
use crate::expr::{did_you_mean, parse_date, Binding, Expression, Scope, TagSet, Type};
use crate::limits::Limits;
use crate::model::{input_error, standard_field, FieldType, Participant, Scalar, Value};
use crate::money::{Rounding, Shares};
use crate::pack::{self, Expr, Id, Pack, Period, Pos, ProgramKind, Stacking};
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::Path;

/// A compiled policy pack: immutable, `Send + Sync`, cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) id: String,
    pub(crate) name: Text,
    pub(crate) kind: ProgramKind,
    pub(crate) jurisdiction: Text,
    pub(crate) valid_from: NaiveDate,
    pub(crate) valid_until: Option<NaiveDate>,
    pub(crate) period: Period,
    pub(crate) rounding: Rounding,
    pub(crate) fields: Vec<Field>,
    pub(crate) tags: Vec<(String, Text)>,
    pub(crate) params: Vec<Param>,
    pub(crate) citations: Vec<Citation>,
    pub(crate) payers: Vec<(String, Text)>,
    pub(crate) fee_payer: Option<usize>,
    pub(crate) eligibility: Vec<Cond>,
    pub(crate) categories: Vec<Cond>,
    pub(crate) priority: Vec<Cond>,
    pub(crate) fees: Vec<Fee>,
    pub(crate) reductions: Group<Reduction>,
    pub(crate) subsidies: Group<Subsidy>,
    pub(crate) splits: Vec<Split>,
    pub(crate) entitlements: Vec<Entitlement>,
    pub(crate) pack: Pack,
    pub(crate) warnings: Vec<PackError>,
    pub(crate) limits: Limits,
    /// How many expression slots the rules use (see [`Expression::slot`]).
    pub(crate) slots: usize,
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
    pub label: Text,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub choices: Vec<(String, Text)>,
    pub default: Option<Scalar>,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub label: Option<Text>,
    pub values: Vec<(NaiveDate, Decimal, Option<usize>)>,
}

/// The rule header every compiled rule has.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub id: String,
    pub label: Text,
    pub cite: Option<usize>,
    pub reads: Vec<Binding>,
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
    pub id: String,
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

/// A participant checked against the pack's schema: values by field slot, and tags.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub fields: Vec<Scalar>,
    pub tags: TagSet,
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
        if let Some(i) = self.params.iter().position(|p| p.name == name) {
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
        v.extend(self.params.iter().map(|p| p.name.clone()));
        v.extend(["as_of".to_owned(), "category".to_owned()]);
        v
    }
    fn tag_names(&self) -> Vec<&str> {
        self.tags.iter().map(|(t, _)| t.as_str()).collect()
    }
}

struct Compiler<'a> {
    file: &'a str,
    text: &'a str,
    limits: &'a Limits,
    errors: Vec<PackError>,
    warnings: Vec<PackError>,
    clause_ids: Vec<String>,
    /// The next expression slot (see [`Expression::slot`]).
    slots: u32,
}

impl Compiler<'_> {
    fn error_at(&mut self, pos: Pos, code: &'static str, message: String, hint: Option<String>) {
        self.errors.push(PackError {
            hint,
            ..pos.problem(self.file, Severity::Error, code, message)
        });
    }

    fn warn_at(&mut self, pos: Pos, code: &'static str, message: String) {
        self.warnings
            .push(pos.problem(self.file, Severity::Warning, code, message));
    }

    fn expr(&mut self, e: &Expr, want: Type, scope: &PackScope) -> Option<Expression> {
        match Expression::compile_with(&e.value.0, want, scope, self.limits) {
            Ok(mut x) => {
                x.slot = self.slots;
                self.slots = self.slots.saturating_add(1);
                Some(x)
            }
            Err(err) => {
                let pos = Pos::of(e).inside(self.text, err.offset);
                self.error_at(
                    pos,
                    err.code,
                    format!("in `{}`: {}", e.value.0, err.message),
                    err.hint,
                );
                None
            }
        }
    }

    fn opt(
        &mut self,
        e: &Option<Expr>,
        want: Type,
        scope: &PackScope,
    ) -> Result<Option<Expression>, ()> {
        match e {
            None => Ok(None),
            Some(e) => self.expr(e, want, scope).map(Some).ok_or(()),
        }
    }

    fn cite(&mut self, c: &Option<Id>) -> Option<usize> {
        let c = c.as_ref()?;
        match self.clause_ids.iter().position(|k| *k == c.value) {
            Some(i) => Some(i),
            None => {
                let hint = did_you_mean(&c.value, self.clause_ids.iter().map(String::as_str));
                self.error_at(
                    Pos::of(c),
                    "unknown_name",
                    format!("`cite: {}` names no clause in `clauses`", c.value),
                    hint,
                );
                None
            }
        }
    }

    fn head(
        &mut self,
        id: &Id,
        label: &Text,
        cite: &Option<Id>,
        exprs: &[Option<&Expression>],
    ) -> Head {
        let mut reads = Vec::new();
        for e in exprs.iter().flatten() {
            for r in &e.reads {
                if !reads.contains(r) {
                    reads.push(*r);
                }
            }
        }
        if cite.is_none() {
            self.warn_at(
                Pos::of(id),
                "no_citation",
                format!("rule `{}` cites no clause", id.value),
            );
        }
        Head {
            id: id.value.clone(),
            label: label.clone(),
            cite: self.cite(cite),
            reads,
        }
    }

    fn unique_ids<'b>(&mut self, what: &str, ids: impl IntoIterator<Item = &'b Id>) {
        let mut seen: Vec<&str> = Vec::new();
        for id in ids {
            if seen.contains(&id.value.as_str()) {
                self.error_at(
                    Pos::of(id),
                    "invalid",
                    format!("duplicate {what} id `{}`", id.value),
                    None,
                );
            }
            seen.push(&id.value);
        }
    }
}

impl Policy {
    /// Compiles a YAML pack within the default [`Limits`]. `file` names it in error messages.
    pub fn from_yaml(text: &str, file: &str) -> Result<Policy, Error> {
        Policy::from_yaml_with_limits(text, file, &Limits::default())
    }

    /// Compiles a JSON pack within the default [`Limits`]. `file` names it in error messages.
    pub fn from_json(text: &str, file: &str) -> Result<Policy, Error> {
        Policy::from_json_with_limits(text, file, &Limits::default())
    }

    /// Reads and compiles a pack file within the default [`Limits`]; `.json` files are read
    /// as JSON, others as YAML.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, Error> {
        Policy::from_path_with_limits(path, &Limits::default())
    }

    pub(crate) fn compile(
        pack: Pack,
        text: &str,
        file: &str,
        limits: &Limits,
    ) -> Result<Policy, PackErrors> {
        let mut c = Compiler {
            file,
            text,
            limits,
            errors: Vec::new(),
            warnings: Vec::new(),
            clause_ids: pack.clauses.keys().cloned().collect(),
            slots: 0,
        };
        let citations = compile_citations(&pack, &mut c);
        if pack.rounding.scale > Rounding::MAX_SCALE {
            c.error_at(
                Pos::default(),
                "invalid",
                format!(
                    "rounding scale {} is above the limit {}",
                    pack.rounding.scale,
                    Rounding::MAX_SCALE
                ),
                None,
            );
        }
        if pack.valid_until.is_some_and(|u| u < pack.valid_from) {
            c.error_at(
                Pos::of(&pack.id),
                "invalid",
                "valid_until is before valid_from".into(),
                None,
            );
        }
        let fields = compile_fields(&pack, &mut c);
        let tags: Vec<(String, Text)> = pack
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if tags.len() > TagSet::CAPACITY {
            c.error_at(
                Pos::of(&pack.id),
                "limit",
                format!(
                    "{} tags; a pack may have at most {}",
                    tags.len(),
                    TagSet::CAPACITY
                ),
                None,
            );
        }
        let params = compile_params(&pack, &mut c, &fields);
        let choice_ids = fields
            .iter()
            .map(|f| f.choices.iter().map(|(id, _)| id.clone()).collect())
            .collect();
        let scope = PackScope {
            fields: &fields,
            tags: &tags,
            params: &params,
            choice_ids,
        };

        let payers: Vec<(String, Text)> = pack
            .payers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let payer_index = |c: &mut Compiler, id: &Id| -> Option<usize> {
            let i = payers.iter().position(|(p, _)| *p == id.value);
            if i.is_none() {
                let hint = did_you_mean(&id.value, payers.iter().map(|(p, _)| p.as_str()));
                c.error_at(
                    Pos::of(id),
                    "unknown_name",
                    format!("`{}` is not a payer in `payers`", id.value),
                    hint,
                );
            }
            i
        };
        let fee_payer = pack.fee_payer.as_ref().and_then(|p| payer_index(&mut c, p));
        if fee_payer.is_none() && pack.fee_payer.is_none() && !pack.fees.is_empty() {
            c.error_at(
                Pos::of(&pack.id),
                "invalid",
                "a pack with fees must name its `fee_payer`".into(),
                None,
            );
        }

        let mut splits = Vec::new();
        for (id, s) in &pack.splits {
            let mut parts = Vec::new();
            let mut total = Decimal::ZERO;
            for (payer, w) in &s.parts.value {
                let pid = Id {
                    value: payer.clone(),
                    referenced: s.parts.referenced,
                    defined: s.parts.defined,
                };
                if let Some(i) = payer_index(&mut c, &pid) {
                    if w.0.is_sign_negative() {
                        c.error_at(
                            Pos::of(&s.parts),
                            "invalid",
                            format!("split `{id}`: payer `{payer}` has a negative share {}", w.0),
                            None,
                        );
                    }
                    match total.checked_add(w.0) {
                        Some(t) => total = t,
                        None => c.error_at(
                            Pos::of(&s.parts),
                            "limit",
                            format!("split `{id}`: the shares add up beyond the decimal range"),
                            None,
                        ),
                    }
                    parts.push((i, w.0));
                }
            }
            if total <= Decimal::ZERO {
                c.error_at(
                    Pos::of(&s.parts),
                    "invalid",
                    format!("split `{id}`: the shares must add up to more than zero"),
                    None,
                );
            }
            let cite = c.cite(&s.cite);
            let weights: Vec<Decimal> = parts.iter().map(|(_, w)| *w).collect();
            let shares = Shares::new(&weights);
            if shares.is_none() && total > Decimal::ZERO {
                c.error_at(
                    Pos::of(&s.parts),
                    "invalid",
                    format!("split `{id}`: the shares cannot be used to divide money exactly"),
                    None,
                );
            }
            splits.push(Split {
                id: id.clone(),
                payers: parts.iter().map(|(p, _)| *p).collect(),
                shares: shares.unwrap_or_else(Shares::whole),
                cite,
            });
        }
        let split_index = |c: &mut Compiler, id: &Id| -> Option<usize> {
            let i = splits.iter().position(|s| s.id == id.value);
            if i.is_none() {
                let hint = did_you_mean(&id.value, splits.iter().map(|s| s.id.as_str()));
                c.error_at(
                    Pos::of(id),
                    "unknown_name",
                    format!("`{}` is not a split in `splits`", id.value),
                    hint,
                );
            }
            i
        };

        let conds = |c: &mut Compiler, list: &[pack::Condition], what: &str| -> Vec<Cond> {
            c.unique_ids(what, list.iter().map(|x| &x.id));
            list.iter()
                .filter_map(|x| {
                    let when = c.expr(&x.when, Type::Bool, &scope)?;
                    let head = c.head(&x.id, &x.label, &x.cite, &[Some(&when)]);
                    Some(Cond {
                        head,
                        when,
                        reason: x.reason.clone(),
                    })
                })
                .collect()
        };
        let eligibility = conds(&mut c, &pack.eligibility, "eligibility");
        let categories = conds(&mut c, &pack.categories, "category");
        let priority = conds(&mut c, &pack.priority, "priority");

        c.unique_ids("fee", pack.fees.iter().map(|f| &f.id));
        let mut fees = Vec::new();
        for f in &pack.fees {
            let when = c.opt(&f.when, Type::Bool, &scope);
            let base = match (&f.amount, &f.rate, &f.quantity) {
                (Some(a), None, None) => c.expr(a, Type::Num, &scope).map(FeeBase::Amount),
                (None, Some(r), Some(q)) => {
                    match (c.expr(r, Type::Num, &scope), c.expr(q, Type::Num, &scope)) {
                        (Some(rate), Some(quantity)) => Some(FeeBase::Rate { rate, quantity }),
                        _ => None,
                    }
                }
                _ => {
                    c.error_at(
                        Pos::of(&f.id),
                        "invalid",
                        format!(
                            "fee `{}` needs either `amount`, or `rate` and `quantity`",
                            f.id.value
                        ),
                        None,
                    );
                    None
                }
            };
            let cap = c.opt(&f.cap, Type::Num, &scope);
            let floor = c.opt(&f.floor, Type::Num, &scope);
            if let (Some(b), Ok(when), Ok(cap), Ok(floor)) = (base, when, cap, floor) {
                if let (Some(cv), Some(fv)) = (
                    cap.as_ref().and_then(Expression::constant),
                    floor.as_ref().and_then(Expression::constant),
                ) {
                    if fv > cv {
                        c.error_at(
                            Pos::of(&f.id),
                            "invalid",
                            format!("fee `{}`: floor {fv} is above cap {cv}", f.id.value),
                            None,
                        );
                    }
                }
                let (e1, e2) = match &b {
                    FeeBase::Amount(a) => (Some(a), None),
                    FeeBase::Rate { rate, quantity } => (Some(rate), Some(quantity)),
                };
                let head = c.head(
                    &f.id,
                    &f.label,
                    &f.cite,
                    &[when.as_ref(), e1, e2, cap.as_ref(), floor.as_ref()],
                );
                fees.push(Fee {
                    head,
                    when,
                    base: b,
                    cap,
                    floor,
                });
            }
        }

        let fee_index = |c: &mut Compiler, id: &Id| -> Option<usize> {
            let i = pack.fees.iter().position(|f| f.id.value == id.value);
            if i.is_none() {
                let hint = did_you_mean(&id.value, pack.fees.iter().map(|f| f.id.value.as_str()));
                c.error_at(
                    Pos::of(id),
                    "unknown_name",
                    format!("`{}` is not a fee rule", id.value),
                    hint,
                );
            }
            i
        };

        let mut reductions = Group {
            stacking: Stacking::Add,
            ceiling: None,
            rules: Vec::new(),
        };
        if let Some(g) = &pack.reductions {
            reductions.stacking = g.stacking;
            reductions.ceiling = c.opt(&g.ceiling, Type::Num, &scope).ok().flatten();
            c.unique_ids("reduction", g.rules.iter().map(|r| &r.id));
            for r in &g.rules {
                let when = c.expr(&r.when, Type::Bool, &scope);
                let cut = match (r.waive, &r.percent, &r.amount) {
                    (true, None, None) => Some(Cut::Waive),
                    (false, Some(p), None) => c.expr(p, Type::Num, &scope).map(Cut::Percent),
                    (false, None, Some(a)) => c.expr(a, Type::Num, &scope).map(Cut::Amount),
                    _ => {
                        c.error_at(Pos::of(&r.id), "invalid", format!("reduction `{}` needs exactly one of `waive: true`, `percent`, `amount`", r.id.value), None);
                        None
                    }
                };
                if let Some(Cut::Percent(p)) = &cut {
                    if p.constant()
                        .is_some_and(|v| v < Decimal::ZERO || v > Decimal::ONE_HUNDRED)
                    {
                        c.error_at(
                            Pos::of(r.percent.as_ref().unwrap_or(&r.id.clone().map_source())),
                            "invalid",
                            format!(
                                "reduction `{}`: a percentage must be between 0 and 100",
                                r.id.value
                            ),
                            None,
                        );
                    }
                }
                let applies_to: Vec<usize> = r
                    .applies_to
                    .iter()
                    .flatten()
                    .filter_map(|id| fee_index(&mut c, id))
                    .collect();
                let borne_by = r.borne_by.as_ref().and_then(|s| split_index(&mut c, s));
                if let (Some(when), Some(cut)) = (when, cut) {
                    let cut_expr = match &cut {
                        Cut::Waive => None,
                        Cut::Percent(e) | Cut::Amount(e) => Some(e),
                    };
                    let head = c.head(&r.id, &r.label, &r.cite, &[Some(&when), cut_expr]);
                    reductions.rules.push(Reduction {
                        head,
                        when,
                        cut,
                        applies_to,
                        borne_by,
                    });
                }
            }
        }

        let mut subsidies = Group {
            stacking: Stacking::Add,
            ceiling: None,
            rules: Vec::new(),
        };
        if let Some(g) = &pack.subsidies {
            subsidies.stacking = g.stacking;
            subsidies.ceiling = c.opt(&g.ceiling, Type::Num, &scope).ok().flatten();
            c.unique_ids("subsidy", g.rules.iter().map(|r| &r.id));
            for s in &g.rules {
                let when = c.opt(&s.when, Type::Bool, &scope);
                let unless = c.opt(&s.unless, Type::Bool, &scope);
                let amount = c.opt(&s.amount, Type::Num, &scope);
                if s.amount.is_some() != s.components.is_empty() {
                    c.error_at(
                        Pos::of(&s.id),
                        "invalid",
                        format!(
                            "subsidy `{}` needs either `amount` or `components`",
                            s.id.value
                        ),
                        None,
                    );
                }
                let mut components = Vec::new();
                for comp in &s.components {
                    let a = c.expr(&comp.amount, Type::Num, &scope);
                    let cap = c.opt(&comp.cap, Type::Num, &scope);
                    c.cite(&comp.cite);
                    if let (Some(amount), Ok(cap)) = (a, cap) {
                        components.push(Component {
                            id: comp.id.value.clone(),
                            amount,
                            cap,
                        });
                    }
                }
                let uplift = s.uplift.as_ref().and_then(|u| {
                    c.cite(&u.cite);
                    Some((
                        c.expr(&u.when, Type::Bool, &scope)?,
                        c.expr(&u.percent, Type::Num, &scope)?,
                    ))
                });
                let floor = c.opt(&s.floor, Type::Num, &scope);
                let ceiling = c.opt(&s.ceiling, Type::Num, &scope);
                let payment = match (&s.split, &s.payer) {
                    (Some(sp), None) => split_index(&mut c, sp).map(Payment::Split),
                    (None, Some(p)) => payer_index(&mut c, p).map(Payment::Payer),
                    (None, None) => Some(Payment::Unassigned),
                    (Some(_), Some(_)) => {
                        c.error_at(
                            Pos::of(&s.id),
                            "invalid",
                            format!(
                                "subsidy `{}` has both `split` and `payer`: give one",
                                s.id.value
                            ),
                            None,
                        );
                        None
                    }
                };
                if let (Ok(when), Ok(unless), Ok(amount), Ok(floor), Ok(ceiling), Some(payment)) =
                    (when, unless, amount, floor, ceiling, payment)
                {
                    if let (Some(f), Some(cl)) = (
                        floor.as_ref().and_then(Expression::constant),
                        ceiling.as_ref().and_then(Expression::constant),
                    ) {
                        if f > cl {
                            c.error_at(
                                Pos::of(&s.id),
                                "invalid",
                                format!(
                                    "subsidy `{}`: floor {f} is above ceiling {cl}",
                                    s.id.value
                                ),
                                None,
                            );
                        }
                    }
                    let mut exprs: Vec<Option<&Expression>> = vec![
                        when.as_ref(),
                        unless.as_ref(),
                        amount.as_ref(),
                        floor.as_ref(),
                        ceiling.as_ref(),
                    ];
                    exprs.extend(uplift.iter().flat_map(|(a, b)| [Some(a), Some(b)]));
                    exprs.extend(
                        components
                            .iter()
                            .flat_map(|k| [Some(&k.amount), k.cap.as_ref()]),
                    );
                    let head = c.head(&s.id, &s.label, &s.cite, &exprs);
                    subsidies.rules.push(Subsidy {
                        head,
                        when,
                        unless,
                        amount,
                        components,
                        uplift,
                        floor,
                        ceiling,
                        payment,
                    });
                }
            }
        }

        c.unique_ids("entitlement", pack.entitlements.iter().map(|e| &e.id));
        let mut entitlements = Vec::new();
        for e in &pack.entitlements {
            let when = c.opt(&e.when, Type::Bool, &scope);
            let count = c.expr(&e.count, Type::Num, &scope);
            if let (Ok(when), Some(count)) = (when, count) {
                let head = c.head(&e.id, &e.label, &e.cite, &[when.as_ref(), Some(&count)]);
                entitlements.push(Entitlement {
                    head,
                    when,
                    count,
                    at_least: e.at_least,
                    per: e.per,
                });
            }
        }

        for m in &pack.earmarks {
            c.cite(&m.cite);
            if m.min_share.0 < Decimal::ZERO || m.min_share.0 > Decimal::ONE {
                c.error_at(
                    Pos::of(&m.id),
                    "invalid",
                    format!(
                        "earmark `{}`: min_share {} must be a fraction between 0 and 1",
                        m.id.value, m.min_share.0
                    ),
                    None,
                );
            }
        }
        check_program_rules(&pack, &mut c, &params);

        if !c.errors.is_empty() {
            c.errors.sort_by_key(|e| (e.line, e.column));
            return Err(PackErrors(c.errors));
        }
        crate::lint::check(
            file,
            Policy {
                limits: *limits,
                id: pack.id.value.clone(),
                name: pack.name.clone(),
                kind: pack.kind,
                jurisdiction: pack.jurisdiction.clone(),
                valid_from: pack.valid_from,
                valid_until: pack.valid_until,
                period: pack.period,
                rounding: pack.rounding,
                fields,
                tags,
                params,
                citations,
                payers,
                fee_payer,
                eligibility,
                categories,
                priority,
                fees,
                reductions,
                subsidies,
                splits,
                entitlements,
                warnings: c.warnings,
                slots: c.slots as usize,
                pack,
            },
        )
    }

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
    pub fn payers(&self) -> &[(String, Text)] {
        &self.payers
    }
    /// The priority groups, by id, with their names.
    pub fn priority_groups(&self) -> impl Iterator<Item = (&str, &Text)> {
        self.priority
            .iter()
            .map(|c| (c.head.id.as_str(), &c.head.label))
    }
    /// The pack as written (for program audits and tools).
    pub fn pack(&self) -> &Pack {
        &self.pack
    }
    /// Warnings found while compiling (e.g. rules without a citation).
    pub fn warnings(&self) -> &[PackError] {
        &self.warnings
    }
    /// The first day the pack is in force.
    pub fn valid_from(&self) -> NaiveDate {
        self.valid_from
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
                    label: f.label.clone(),
                    required: f.default.is_none(),
                    min: f.min.map(|d| d.to_string()),
                    max: f.max.map(|d| d.to_string()),
                    default: f.default.as_ref().map(Scalar::to_string),
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

    /// Checks a participant against the pack's schema: every problem, by field path. Empty
    /// when the participant can be evaluated.
    pub fn validate(&self, p: &Participant) -> Vec<InputError> {
        self.record(p).err().unwrap_or_default()
    }

    pub(crate) fn record(&self, p: &Participant) -> Result<Record, Vec<InputError>> {
        let mut errors = Vec::new();
        let mut tags = TagSet::default();
        for (i, t) in p.tags.iter().enumerate() {
            match self.tags.iter().position(|(id, _)| id == t) {
                Some(k) => tags.insert(u32::try_from(k).unwrap_or(u32::MAX)),
                None => {
                    let mut e = input_error(
                        &format!("tags[{i}]"),
                        "unknown_tag",
                        &format!("未知身份标签“{t}”"),
                        &format!("unknown tag `{t}`"),
                    );
                    if let Some(h) = did_you_mean(t, self.tags.iter().map(|(id, _)| id.as_str())) {
                        e.message.en.push_str(&format!("; {h}"));
                    }
                    errors.push(e);
                }
            }
        }
        for name in p.fields.keys() {
            if !self.fields.iter().any(|f| &f.name == name) {
                let mut e = input_error(
                    name,
                    "unknown_field",
                    &format!("本政策不使用字段“{name}”"),
                    &format!("the pack has no input `{name}`"),
                );
                if let Some(h) = did_you_mean(name, self.fields.iter().map(|f| f.name.as_str())) {
                    e.message.en.push_str(&format!("; {h}"));
                }
                errors.push(e);
            }
        }
        let mut values = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            match p.fields.get(&f.name) {
                None => match &f.default {
                    Some(d) => values.push(d.clone()),
                    None => {
                        errors.push(input_error(
                            &f.name,
                            "missing",
                            &format!("请填写“{}”", f.label.zh),
                            &format!("{} is required", f.label.en),
                        ));
                        values.push(Scalar::Bool(false));
                    }
                },
                Some(v) => match coerce(f, v) {
                    Ok(s) => values.push(s),
                    Err(e) => {
                        errors.push(e);
                        values.push(Scalar::Bool(false));
                    }
                },
            }
        }
        if errors.is_empty() {
            Ok(Record {
                fields: values,
                tags,
            })
        } else {
            Err(errors)
        }
    }
}

trait MapSource {
    fn map_source(self) -> Expr;
}
impl MapSource for Id {
    fn map_source(self) -> Expr {
        Expr {
            value: pack::Source(self.value),
            referenced: self.referenced,
            defined: self.defined,
        }
    }
}

fn compile_citations(pack: &Pack, c: &mut Compiler) -> Vec<Citation> {
    pack.clauses
        .iter()
        .map(|(id, cl)| {
            let doc = match pack.sources.get(&cl.source.value) {
                Some(s) => match &s.document {
                    Some(n) => format!("{}（{}）", s.title, n),
                    None => s.title.clone(),
                },
                None => {
                    let hint =
                        did_you_mean(&cl.source.value, pack.sources.keys().map(String::as_str));
                    c.error_at(
                        Pos::of(&cl.source),
                        "unknown_name",
                        format!(
                            "clause `{id}`: `{}` is not a document in `sources`",
                            cl.source.value
                        ),
                        hint,
                    );
                    String::new()
                }
            };
            Citation {
                id: id.clone(),
                document: doc,
                clause: cl.clause.clone(),
                text: cl.text.clone(),
                en: cl.en.clone(),
            }
        })
        .collect()
}

fn compile_fields(pack: &Pack, c: &mut Compiler) -> Vec<Field> {
    let mut fields = Vec::new();
    for (name, decl) in &pack.inputs {
        let std = standard_field(name);
        let ty = match (decl.ty, std) {
            (Some(t), Some(s)) if t != s.ty => {
                c.error_at(Pos::of(&pack.id), "invalid", format!("input `{name}` is a standard field of type {:?}; it cannot be redeclared as {t:?}", s.ty), None);
                continue;
            }
            (Some(t), _) => t,
            (None, Some(s)) => s.ty,
            (None, None) => {
                let hint = did_you_mean(name, crate::model::STANDARD_FIELDS.iter().map(|f| f.name));
                c.error_at(
                    Pos::of(&pack.id),
                    "invalid",
                    format!("input `{name}` is not a standard field, so it needs a `type`"),
                    hint,
                );
                continue;
            }
        };
        let label = decl
            .label
            .clone()
            .or_else(|| std.map(|s| Text::new(s.zh, s.en)))
            .unwrap_or_else(|| Text::new(name.clone(), name.clone()));
        let min = decl
            .min
            .map(|d| d.0)
            .or_else(|| std.and_then(|s| s.min).map(Decimal::from));
        let max = decl
            .max
            .map(|d| d.0)
            .or_else(|| std.and_then(|s| s.max).map(Decimal::from));
        let std_choices: Vec<(String, Text)> = std
            .map(|s| {
                s.choices
                    .iter()
                    .map(|(id, zh, en)| ((*id).to_owned(), Text::new(*zh, *en)))
                    .collect()
            })
            .unwrap_or_default();
        let choices: Vec<(String, Text)> = match &decl.choices {
            Some(ids) => ids
                .iter()
                .map(|id| {
                    let label = decl.choice_labels.get(id).cloned().or_else(|| {
                        std_choices
                            .iter()
                            .find(|(s, _)| s == id)
                            .map(|(_, l)| l.clone())
                    });
                    (
                        id.clone(),
                        label.unwrap_or_else(|| Text::new(id.clone(), id.clone())),
                    )
                })
                .collect(),
            None => std_choices,
        };
        if ty == FieldType::Choice && choices.is_empty() {
            c.error_at(
                Pos::of(&pack.id),
                "invalid",
                format!("input `{name}` is a choice but lists no `choices`"),
                None,
            );
        }
        let mut field = Field {
            name: name.clone(),
            ty,
            label,
            min,
            max,
            choices,
            default: None,
        };
        if let Some(d) = &decl.default {
            let v = match ty {
                FieldType::Boolean => match d.value.0.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::Text(other.to_owned()),
                },
                FieldType::Integer | FieldType::Decimal => match d.value.0.parse::<Decimal>() {
                    Ok(n) => Value::Number(n),
                    Err(_) => Value::Text(d.value.0.clone()),
                },
                _ => Value::Text(d.value.0.clone()),
            };
            match coerce(&field, &v) {
                Ok(s) => field.default = Some(s),
                Err(e) => c.error_at(
                    Pos::of(d),
                    "invalid",
                    format!("default of `{name}`: {}", e.message.en),
                    None,
                ),
            }
        }
        fields.push(field);
    }
    fields
}

fn compile_params(pack: &Pack, c: &mut Compiler, fields: &[Field]) -> Vec<Param> {
    let mut params = Vec::new();
    for (name, p) in &pack.parameters {
        if fields.iter().any(|f| &f.name == name) || name == "as_of" || name == "category" {
            c.error_at(
                Pos::of(&p.values),
                "invalid",
                format!("parameter `{name}` has the name of an input or built-in"),
                None,
            );
        }
        let mut values = Vec::new();
        for v in &p.values.value {
            let cite = c.cite(&v.cite);
            values.push((v.from, v.value.0, cite));
        }
        if values.is_empty() {
            c.error_at(
                Pos::of(&p.values),
                "invalid",
                format!("parameter `{name}` has no values"),
                None,
            );
        }
        values.sort_by_key(|v| v.0);
        for w in values.windows(2) {
            if let [a, b] = w {
                if a.0 == b.0 {
                    c.error_at(
                        Pos::of(&p.values),
                        "invalid",
                        format!("parameter `{name}` has two values starting {}", a.0),
                        None,
                    );
                }
            }
        }
        if values.first().is_some_and(|v| v.0 > pack.valid_from) {
            c.warn_at(
                Pos::of(&p.values),
                "gap",
                format!(
                    "parameter `{name}` has no value from the pack's start {} until {}",
                    pack.valid_from,
                    values.first().map(|v| v.0.to_string()).unwrap_or_default()
                ),
            );
        }
        params.push(Param {
            name: name.clone(),
            label: p.label.clone(),
            values,
        });
    }
    params
}

fn check_program_rules(pack: &Pack, c: &mut Compiler, params: &[Param]) {
    use crate::pack::{ScheduleKind as K, StaffingKind as S, WorkflowKind as W};
    let invalid = |c: &mut Compiler, id: &Id, what: &str, msg: String| {
        c.error_at(
            Pos::of(id),
            "invalid",
            format!("{what} rule `{}`: {msg}", id.value),
            None,
        );
    };
    c.unique_ids("schedule", pack.schedule.iter().map(|r| &r.id));
    for r in &pack.schedule {
        c.cite(&r.cite);
        if let Some(t) = &r.time {
            if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err() {
                invalid(c, &r.id, "schedule", format!("time `{t}` is not HH:MM"));
            }
        }
        for d in r.weekdays.iter().flatten() {
            if !["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&d.as_str()) {
                invalid(
                    c,
                    &r.id,
                    "schedule",
                    format!("`{d}` is not a weekday (mon … sun)"),
                );
            }
        }
        if r.count.is_some_and(|n| n.0 < Decimal::ZERO) {
            invalid(c, &r.id, "schedule", "`count` must not be negative".into());
        }
        if r.kind == K::OnlyOn && r.weekdays.is_none() {
            invalid(c, &r.id, "schedule", "`only_on` needs `weekdays`".into());
        }
    }
    c.unique_ids("staffing", pack.staffing.iter().map(|r| &r.id));
    for r in &pack.staffing {
        c.cite(&r.cite);
        match r.kind {
            S::MinParentVolunteers | S::MaxGroupSize if r.count.is_none() => {
                invalid(c, &r.id, "staffing", "this kind needs `count`".into());
            }
            S::InsidePerformancePay if r.value.is_none() => {
                invalid(
                    c,
                    &r.id,
                    "staffing",
                    "this kind needs `value: true|false`".into(),
                );
            }
            S::StipendPerHour => match &r.rate {
                None => invalid(c, &r.id, "staffing", "this kind needs `rate`".into()),
                Some(e) => {
                    // A stipend rate reads parameters only: it is not about one participant.
                    let scope = PackScope {
                        fields: &[],
                        tags: &[],
                        params,
                        choice_ids: Vec::new(),
                    };
                    c.expr(e, Type::Num, &scope);
                }
            },
            _ => {}
        }
    }
    c.unique_ids("workflow", pack.workflow.iter().map(|r| &r.id));
    for r in &pack.workflow {
        c.cite(&r.cite);
        if r.kind == W::RewardThreshold && (r.count.is_none() || r.share.is_none()) {
            invalid(
                c,
                &r.id,
                "workflow",
                "`reward_threshold` needs `count` and `share`".into(),
            );
        }
    }
}

/// Checks and converts one given value to its field's type.
fn coerce(f: &Field, v: &Value) -> Result<Scalar, InputError> {
    let wrong = |zh: &str, en: &str| {
        input_error(
            &f.name,
            "wrong_type",
            &format!("“{}”应为{zh}", f.label.zh),
            &format!("{} must be {en}", f.label.en),
        )
    };
    let s = match (f.ty, v) {
        (FieldType::Integer | FieldType::Decimal, Value::Number(d)) => Scalar::Num(*d),
        (FieldType::Integer | FieldType::Decimal, Value::Text(t)) => {
            match t.trim().parse::<Decimal>() {
                Ok(d) => Scalar::Num(d),
                Err(_) => return Err(wrong("数字", "a number")),
            }
        }
        (FieldType::Integer | FieldType::Decimal, Value::Bool(_)) => {
            return Err(wrong("数字", "a number"))
        }
        (FieldType::Boolean, Value::Bool(b)) => Scalar::Bool(*b),
        (FieldType::Boolean, Value::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "是" => Scalar::Bool(true),
            "false" | "no" | "0" | "否" | "" => Scalar::Bool(false),
            _ => return Err(wrong("是或否", "true or false")),
        },
        (FieldType::Boolean, Value::Number(d)) if *d == Decimal::ZERO || *d == Decimal::ONE => {
            Scalar::Bool(*d == Decimal::ONE)
        }
        (FieldType::Boolean, Value::Number(_)) => return Err(wrong("是或否", "true or false")),
        (FieldType::Text, Value::Text(t)) => Scalar::Text(t.clone()),
        (FieldType::Text, Value::Number(d)) => Scalar::Text(d.to_string()),
        (FieldType::Text, Value::Bool(_)) => return Err(wrong("文字", "text")),
        (FieldType::Choice, Value::Text(t)) => {
            if f.choices.iter().any(|(id, _)| id == t) {
                Scalar::Text(t.clone())
            } else {
                let ids: Vec<&str> = f.choices.iter().map(|(id, _)| id.as_str()).collect();
                let mut e = input_error(
                    &f.name,
                    "unknown_choice",
                    &format!("“{}”不是可选值", t),
                    &format!("`{t}` is not one of {}", ids.join(", ")),
                );
                if let Some(h) = did_you_mean(t, ids.iter().copied()) {
                    e.message.en.push_str(&format!("; {h}"));
                }
                return Err(e);
            }
        }
        (FieldType::Choice, _) => return Err(wrong("可选值之一", "one of the choices")),
        (FieldType::Date, Value::Text(t)) => match parse_date(t.trim()) {
            Some(d) => Scalar::Date(d),
            None => return Err(wrong("日期（年-月-日）", "a date, YYYY-MM-DD")),
        },
        (FieldType::Date, _) => return Err(wrong("日期（年-月-日）", "a date, YYYY-MM-DD")),
    };
    if let Scalar::Num(d) = &s {
        if f.ty == FieldType::Integer && !d.fract().is_zero() {
            return Err(wrong("整数", "a whole number"));
        }
        let below = f.min.is_some_and(|m| *d < m);
        let above = f.max.is_some_and(|m| *d > m);
        if below || above {
            let range = match (f.min, f.max) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (Some(a), None) => format!("≥ {a}"),
                (None, Some(b)) => format!("≤ {b}"),
                (None, None) => String::new(),
            };
            return Err(input_error(
                &f.name,
                "out_of_range",
                &format!("“{}”应在 {range} 之间", f.label.zh),
                &format!("{} must be {range}, got {d}", f.label.en),
            ));
        }
    }
    Ok(s)
}

// Compile-time proof that a compiled policy can be shared between threads.
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
