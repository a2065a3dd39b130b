//! Evaluating a compiled policy for one participant as of a date: the decision stages of
//! [`crate::rules`] over exact `Decimal` amounts, recording a [`Decision`] and, when asked,
//! its explanation.

use crate::decision::{
    Allocation, Assumption, Citation, Decision, Document as DocOut, Entitlement as EntOut, Line,
    Parts, Reason, Step, StepKind, ESTIMABLE,
};
use crate::error::{Error, EvalError};
use crate::explain::Trace;
use crate::expr::eval::{Env, Fault};
use crate::expr::{Binding, Expression};
use crate::model::Participant;
use crate::money::Money;
use crate::policy::{payer_name, Dated, EvalOptions, Head, Param, Payment, Policy, Record};
use crate::rules::{self, Fail, Ledger, Scratch, Values};
use crate::text::{Name, Text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Expression values for one participant, evaluated exactly when a rule asks.
pub(crate) struct Exact<'a> {
    policy: &'a Policy,
    env: Env<'a>,
}

impl Exact<'_> {
    fn fault(&self, rule: &str, f: Fault) -> EvalError {
        match f {
            Fault::NoValue(i) => {
                let p = self.policy.params.get(i);
                if let Some((p, by)) = p.and_then(|p| p.set_by.as_ref().map(|b| (p, b))) {
                    return EvalError::NotSet {
                        parameter: p.head.id.to_string(),
                        set_by: by.clone(),
                        date: self.env.as_of,
                    };
                }
                EvalError::NoValueInForce {
                    parameter: p.map(|p| p.head.id.to_string()).unwrap_or_default(),
                    date: self.env.as_of,
                    first: p
                        .and_then(|p| p.values.first())
                        .map(|v| v.from)
                        .unwrap_or(self.env.as_of),
                }
            }
            other => EvalError::Arithmetic {
                rule: rule.to_owned(),
                what: other.to_string(),
            },
        }
    }
}

impl Values<Decimal> for Exact<'_> {
    fn num(&self, rule: &str, e: &Expression) -> Result<Decimal, Fail> {
        e.node
            .num(&self.env)
            .map_err(|f| Box::new(self.fault(rule, f)))
    }
    fn truth(&self, rule: &str, e: &Expression) -> Result<bool, Fail> {
        e.node
            .truth(&self.env)
            .map_err(|f| Box::new(self.fault(rule, f)))
    }
    fn enter_category(&mut self, category: Option<usize>) {
        let policy = self.policy;
        self.env.category = category
            .and_then(|k| policy.categories.get(k))
            .map(|c| c.head.id.as_str());
    }
}

/// The engine's version as every decision names it.
fn engine() -> &'static Name {
    static ENGINE: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Name::from(crate::VERSION))
}

thread_local! {
    /// The stages' buffers, kept between one participant and the next on a thread (a service
    /// or a binding decides one at a time): a decision then allocates only what it returns.
    static SCRATCH: std::cell::RefCell<Scratch<Decimal>> = std::cell::RefCell::default();
}

/// Builds the [`Decision`] (and its steps, when explaining) from the stages' results.
struct Recorder<'a> {
    policy: &'a Policy,
    explain: bool,
    env: Env<'a>,
    trace: Trace<'a>,
    decision: Decision,
    payers: BTreeMap<Name, Money>,
    zero: Money,
    /// The price of the fee being recorded, when it was over its limit.
    over_limit: Option<Money>,
    /// The authority-set inputs not given, whose defaults stand in ([`Record::estimated`]).
    estimated: &'a [usize],
}

impl Recorder<'_> {
    fn money(&self, d: Decimal) -> Money {
        Money::at_scale(d, self.policy.rounding.scale)
    }

    /// Records a step when explaining; its value is written only then.
    fn step(
        &mut self,
        kind: StepKind,
        head: &Head,
        value: impl FnOnce() -> String,
        detail: Option<impl Into<Arc<Text>>>,
    ) {
        if self.explain {
            let detail = detail.map(Into::into);
            self.trace
                .push(kind, head, &self.env, self.estimated, value(), detail);
        }
    }

    fn line(&self, head: &Head, amount: Money) -> Line {
        Line {
            rule: head.id.clone(),
            label: head.label.clone(),
            amount,
            assumed: self
                .policy
                .assumed_reads(head)
                .map(|(_, p)| p.head.id.clone())
                .chain(
                    estimated_reads(self.policy, self.estimated, head)
                        .filter_map(|(i, _)| self.policy.field_name(i).cloned()),
                )
                .collect(),
            over_limit: None,
        }
    }

    /// Notes the assumed parameters a rule the decision goes through reads: all it reads when
    /// it applied, only what its conditions (`when`, `unless`) read when it did not.
    fn rests_on(&mut self, head: &Head, applied: bool, conditions: &[Option<&Expression>]) {
        let policy = self.policy;
        let read = |i: usize| {
            applied
                || conditions
                    .iter()
                    .flatten()
                    .any(|e| e.reads.contains(&Binding::Param(i)))
        };
        for (_, p) in policy.assumed_reads(head).filter(|(i, _)| read(*i)) {
            let dated = p.in_force(self.env.as_of);
            note_assumption(&mut self.decision.assumptions, p, dated, &head.id);
        }
        if self.estimated.is_empty() {
            return;
        }
        let given = |i: usize| {
            applied
                || conditions.iter().flatten().any(|e| {
                    e.reads
                        .iter()
                        .any(|b| matches!(b, Binding::Field(j, _) if *j == i))
                })
        };
        for (i, f) in estimated_reads(policy, self.estimated, head).filter(|(i, _)| given(*i)) {
            if let Some(name) = policy.field_name(i) {
                note_default(&mut self.decision.assumptions, f, name, &head.id);
            }
        }
    }

    /// Explains each split, then hands over the decision.
    fn finish(mut self) -> Decision {
        if self.explain {
            for a in &self.decision.splits {
                let name = |p| payer_name(&self.policy.payers, p);
                let zh: Vec<String> = a
                    .parts
                    .iter()
                    .map(|(p, m)| format!("{} {m}", name(p).0))
                    .collect();
                let en: Vec<String> = a
                    .parts
                    .iter()
                    .map(|(p, m)| format!("{} {m}", name(p).1))
                    .collect();
                let cite: Option<Arc<Citation>> = self
                    .policy
                    .splits
                    .iter()
                    .find(|s| s.id == a.split)
                    .and_then(|s| s.cite)
                    .and_then(|i| self.policy.citations.get(i))
                    .cloned();
                self.trace.steps.push(Step {
                    rule: a.rule.clone(),
                    kind: StepKind::Split,
                    label: self.policy.split_header(&a.split),
                    inputs: BTreeMap::new(),
                    value: a.amount.to_string(),
                    detail: Some(Arc::new(Text::new(zh.join(" + "), en.join(" + ")))),
                    cite,
                    assumed: Vec::new(),
                });
            }
        }
        self.decision.estimated = self.estimated();
        self.decision.payers = self.payers;
        if self.explain {
            self.decision.plain = crate::explain::plain(
                self.policy,
                &self.env,
                &self.trace.steps,
                &self.decision.reasons,
            );
        }
        self.decision.steps = self.trace.steps;
        self.decision
    }

    /// The decision's fields that rest on an assumed value ([`Decision::estimated`]).
    fn estimated(&self) -> Vec<Name> {
        let d = &self.decision;
        if d.assumptions.is_empty() {
            return Vec::new();
        }
        let p = self.policy;
        // Names are interned: one equal by address is equal, with no text compared.
        let rests = |id: &Name| d.assumptions.iter().any(|a| a.rules.contains(id));
        let any = |list: &[crate::policy::Cond]| list.iter().any(|c| rests(&c.head.id));
        let lines = |list: &[Line]| list.iter().any(|l| !l.assumed.is_empty());
        // Whether one is served at all rests on it: then every amount does too.
        let eligible = any(&p.eligibility);
        let gross = eligible || p.fees.iter().any(|f| rests(&f.head.id)) || lines(&d.fees);
        let reductions = eligible
            || p.reductions.rules.iter().any(|r| rests(&r.head.id))
            || lines(&d.reductions);
        let subsidies =
            eligible || p.subsidies.rules.iter().any(|s| rests(&s.head.id)) || lines(&d.subsidies);
        let mut out = estimable(
            p,
            &[
                eligible,
                eligible || any(&p.categories),
                eligible || any(&p.priority),
                gross,
                reductions,
                gross || reductions,
                subsidies,
                eligible || p.entitlements.iter().any(|e| rests(&e.head.id)),
            ],
        );
        for ((payer, _), name) in p.payers.iter().zip(p.payer_estimates()) {
            let paid_on_estimate = d.splits.iter().any(|a| {
                let estimate = match a.rule.as_str() {
                    "fee" => gross || reductions,
                    _ => {
                        eligible
                            || rests(&a.rule)
                            || d.reductions
                                .iter()
                                .any(|l| l.rule == a.rule && !l.assumed.is_empty())
                    }
                };
                // A split has a part or two: found by address, not by the map's text order.
                estimate
                    && a.parts
                        .iter()
                        .any(|(p, m)| p == payer && !m.amount().is_zero())
            });
            if paid_on_estimate {
                out.push(name.clone());
            }
        }
        out
    }
}

impl Ledger<Decimal> for Recorder<'_> {
    fn explaining(&self) -> bool {
        self.explain
    }

    fn condition(&mut self, kind: StepKind, k: usize, holds: bool, detail: Option<Text>) {
        let policy = self.policy;
        let list = match kind {
            StepKind::Eligibility => &policy.eligibility,
            StepKind::Category => &policy.categories,
            _ => &policy.priority,
        };
        let Some(c) = list.get(k) else { return };
        self.rests_on(&c.head, true, &[]);
        self.step(kind, &c.head, || holds.to_string(), detail);
        match (kind, holds) {
            (StepKind::Eligibility, false) => {
                let message = c.reason.clone().unwrap_or_else(|| {
                    Text::new(
                        format!("不符合：{}", c.head.label.zh),
                        format!("not met: {}", c.head.label.en),
                    )
                });
                let cite = c.head.cite.and_then(|i| policy.citations.get(i)).cloned();
                self.decision.reasons.push(Reason {
                    rule: c.head.id.clone(),
                    message,
                    cite,
                });
            }
            (StepKind::Category, true) => {
                self.decision.category = Some(c.head.id.clone());
                self.env.category = Some(c.head.id.as_str());
            }
            (StepKind::Priority, true) => self.decision.priority_groups.push(c.head.id.clone()),
            _ => {}
        }
    }

    fn eligibility(&mut self, eligible: bool) {
        self.decision.eligible = eligible;
    }

    fn fee(&mut self, k: usize, amount: Option<Decimal>, detail: Option<Text>) {
        let Some(f) = self.policy.fees.get(k) else {
            return;
        };
        let m = amount.map_or(self.zero, |a| self.money(a));
        self.rests_on(&f.head, amount.is_some(), &[f.when.as_ref()]);
        self.step(StepKind::Fee, &f.head, || m.to_string(), detail);
        if amount.is_some() {
            let mut line = self.line(&f.head, m);
            line.over_limit = self.over_limit.take();
            self.decision.fees.push(line);
        }
    }

    fn fee_over_limit(&mut self, _k: usize, asked: Decimal) {
        self.over_limit = Some(self.money(asked));
    }

    fn gross_fee(&mut self, gross: Decimal) {
        self.decision.gross_fee = self.money(gross);
    }

    fn reduction(&mut self, k: usize, amount: Option<Decimal>, detail: Option<Text>) {
        let Some(r) = self.policy.reductions.rules.get(k) else {
            return;
        };
        let m = amount.map_or(self.zero, |a| self.money(a));
        self.rests_on(&r.head, amount.is_some(), &[Some(&r.when)]);
        self.step(StepKind::Reduction, &r.head, || m.to_string(), detail);
    }

    fn reduction_applied(&mut self, k: usize, amount: Decimal) {
        let Some(r) = self.policy.reductions.rules.get(k) else {
            return;
        };
        let mut line = self.line(&r.head, self.money(amount));
        // A cut of an estimated fee is an estimate too.
        for f in &self.decision.fees {
            for a in &f.assumed {
                if !line.assumed.contains(a) {
                    line.assumed.push(a.clone());
                }
            }
        }
        self.decision.reductions.push(line);
    }

    fn net_fee(&mut self, reductions: Decimal, net: Decimal) {
        self.decision.reduction_total = self.money(reductions);
        self.decision.net_fee = self.money(net);
    }

    fn subsidy(&mut self, k: usize, amount: Option<Decimal>, detail: Option<Text>) {
        let Some(s) = self.policy.subsidies.rules.get(k) else {
            return;
        };
        let m = amount.map_or(self.zero, |a| self.money(a));
        self.rests_on(
            &s.head,
            amount.is_some(),
            &[s.when.as_ref(), s.unless.as_ref()],
        );
        self.step(StepKind::Subsidy, &s.head, || m.to_string(), detail);
    }

    fn subsidy_applied(&mut self, k: usize, amount: Decimal) {
        let Some(s) = self.policy.subsidies.rules.get(k) else {
            return;
        };
        let line = self.line(&s.head, self.money(amount));
        self.decision.subsidies.push(line);
    }

    fn subsidy_total(&mut self, total: Decimal) {
        self.decision.subsidy_total = self.money(total);
    }

    fn allocation(
        &mut self,
        rule: &Name,
        payment: &Payment,
        amount: Decimal,
        payers: &[usize],
        parts: &[Decimal],
    ) -> Result<(), Fail> {
        let policy = self.policy;
        let split = match payment {
            Payment::Split(s) => policy.splits.get(*s).map(|s| s.id.clone()),
            _ => payers
                .first()
                .and_then(|p| policy.payers.get(*p))
                .map(|(id, _)| id.clone()),
        };
        let mut out = Parts::default();
        for (p, part) in payers.iter().zip(parts) {
            let Some((pid, _)) = policy.payers.get(*p) else {
                continue;
            };
            let m = self.money(*part);
            // Every payer is in the map from the start, where it is found by address.
            let entry = self.payers.entry(pid.clone()).or_insert(self.zero);
            *entry = entry.checked_add(m).ok_or_else(|| {
                Box::new(EvalError::Arithmetic {
                    rule: rule.to_string(),
                    what: "arithmetic overflow".into(),
                })
            })?;
            out.insert(pid.clone(), m);
        }
        self.decision.splits.push(Allocation {
            rule: rule.clone(),
            split: split.unwrap_or_default(),
            amount: self.money(amount),
            parts: out,
        });
        Ok(())
    }

    fn entitlement(&mut self, k: usize, count: Option<Decimal>, detail: Option<Text>) {
        let Some(e) = self.policy.entitlements.get(k) else {
            return;
        };
        let count = count.map(|c| c.normalize());
        let value = || count.map_or_else(|| "0".to_owned(), |c| c.to_string());
        self.rests_on(&e.head, count.is_some(), &[e.when.as_ref()]);
        self.step(StepKind::Entitlement, &e.head, value, detail);
        if let Some(count) = count {
            self.decision.entitlements.push(EntOut {
                rule: e.head.id.clone(),
                label: e.head.label.clone(),
                count,
                at_least: e.at_least,
                per: e.per,
            });
        }
    }
}

impl Policy {
    /// Evaluates a participant as of a date, with the explanation steps.
    pub fn evaluate(&self, p: &Participant, as_of: NaiveDate) -> Result<Decision, Error> {
        self.evaluate_with(p, as_of, EvalOptions::default())
    }

    /// Evaluates a participant as of a date with the given options.
    pub fn evaluate_with(
        &self,
        p: &Participant,
        as_of: NaiveDate,
        options: EvalOptions,
    ) -> Result<Decision, Error> {
        let record = self.record(p).map_err(|errors| Error::Input { errors })?;
        let params = self.params_at(as_of)?;
        Ok(self.decide(&record, p.id.clone(), params, as_of, options.explain)?)
    }

    /// The value of every parameter in force on `as_of` (`None` where none is), after checking
    /// the date is inside the pack's validity.
    pub(crate) fn params_at(&self, as_of: NaiveDate) -> Result<&[Option<Decimal>], EvalError> {
        if as_of < self.valid_from || self.valid_until.is_some_and(|u| as_of > u) {
            return Err(EvalError::OutsideValidity {
                pack: self.id.to_string(),
                date: as_of,
                valid: match self.valid_until {
                    Some(u) => format!("{} to {u}", self.valid_from),
                    None => format!("from {}", self.valid_from),
                },
                valid_from: self.valid_from,
                valid_until: self.valid_until,
            });
        }
        let era = self.eras.partition_point(|e| e.from <= as_of);
        Ok(era
            .checked_sub(1)
            .and_then(|i| self.eras.get(i))
            .map_or(&[], |e| e.values.as_slice()))
    }

    /// Decides one checked participant with exact amounts.
    pub(crate) fn decide(
        &self,
        record: &Record,
        participant: Option<String>,
        params: &[Option<Decimal>],
        as_of: NaiveDate,
        explain: bool,
    ) -> Result<Decision, EvalError> {
        let zero = Money::zero(self.rounding.scale);
        let env = Env {
            fields: &record.fields,
            tags: &record.tags,
            params,
            as_of,
            category: None,
        };
        let mut values = Exact { policy: self, env };
        let mut out = Recorder {
            policy: self,
            explain,
            env,
            trace: Trace::new(self),
            decision: Decision {
                pack: self.id.clone(),
                participant,
                as_of,
                fingerprint: self.shared_fingerprint().clone(),
                engine: engine().clone(),
                period: self.period,
                eligible: true,
                reasons: Vec::new(),
                category: None,
                priority_groups: Vec::new(),
                fees: Vec::new(),
                gross_fee: zero,
                reductions: Vec::new(),
                reduction_total: zero,
                net_fee: zero,
                subsidies: Vec::new(),
                subsidy_total: zero,
                payers: BTreeMap::new(),
                splits: Vec::new(),
                entitlements: Vec::new(),
                assumptions: Vec::new(),
                estimated: Vec::new(),
                unused: record.unused.clone(),
                documents: Vec::new(),
                steps: Vec::new(),
                plain: Vec::new(),
            },
            payers: self.payers.iter().fold(BTreeMap::new(), |mut m, (id, _)| {
                // Inserted one by one: `collect` would sort them in a vector first.
                m.insert(id.clone(), zero);
                m
            }),
            zero,
            over_limit: None,
            estimated: &record.estimated,
        };
        if explain {
            self.explain_parameters(&mut out, as_of);
        }
        SCRATCH
            .with(|s| match s.try_borrow_mut() {
                Ok(mut s) => rules::decide(self, &mut values, &mut out, &mut s),
                Err(_) => rules::decide(self, &mut values, &mut out, &mut Scratch::default()),
            })
            .map_err(|e| *e)?;
        if out.decision.eligible {
            for d in &self.documents {
                let needed = match &d.when {
                    Some(w) => values.truth(&d.head.id, w).map_err(|e| *e)?,
                    None => true,
                };
                if needed {
                    out.decision.documents.push(DocOut {
                        document: d.head.id.clone(),
                        name: d.head.label.clone(),
                        cite: d.head.cite.and_then(|i| self.citations.get(i)).cloned(),
                    });
                }
            }
        }
        Ok(out.finish())
    }

    /// One step per parameter in force: its value, since when, and its clause.
    fn explain_parameters(&self, out: &mut Recorder, as_of: NaiveDate) {
        for p in &self.params {
            // The value in force: the one `params_at` takes on the same date.
            let Some(dated) = p.in_force(as_of) else {
                continue;
            };
            let head = Head {
                cite: dated.cite,
                ..p.head.clone()
            };
            out.step(
                StepKind::Parameter,
                &head,
                || dated.shown.to_string(),
                Some(Arc::clone(&dated.said)),
            );
        }
    }
}

/// The authority-set inputs not given (`estimated`) that a rule reads, with their index.
fn estimated_reads<'a>(
    policy: &'a Policy,
    estimated: &'a [usize],
    head: &'a Head,
) -> impl Iterator<Item = (usize, &'a crate::policy::Field)> + 'a {
    head.reads.iter().filter_map(move |b| match b {
        Binding::Field(i, _) if estimated.contains(i) => policy.fields.get(*i).map(|f| (*i, f)),
        _ => None,
    })
}

/// The names of [`ESTIMABLE`] that `on` marks, in that order.
fn estimable(policy: &Policy, on: &[bool; ESTIMABLE.len()]) -> Vec<Name> {
    if !on.contains(&true) {
        return Vec::new();
    }
    // Room for the payers' names too, which `estimated` adds.
    let mut out = Vec::with_capacity(policy.estimable.len());
    out.extend(
        policy
            .estimable
            .iter()
            .zip(on)
            .filter(|(_, on)| **on)
            .map(|(name, _)| name.clone()),
    );
    out
}

/// Notes that rule `rule` reads the authority-set input `f`, which was not given: its default
/// stands in.
fn note_default(list: &mut Vec<Assumption>, f: &crate::policy::Field, name: &Name, rule: &Name) {
    let Some(estimate) = &f.estimate else { return };
    if !noted_again(list, name, rule) {
        list.push(Assumption {
            parameter: name.clone(),
            label: f.label.clone(),
            value: estimate.shown.clone(),
            reason: estimate.reason.clone(),
            rules: smallvec::smallvec![rule.clone()],
        });
    }
}

/// Adds `rule` to the assumption about `name` when the list has it already; false when not.
fn noted_again(list: &mut [Assumption], name: &Name, rule: &Name) -> bool {
    let Some(a) = list.iter_mut().find(|a| a.parameter == *name) else {
        return false;
    };
    if !a.rules.contains(rule) {
        a.rules.push(rule.clone());
    }
    true
}

/// Notes that rule `rule` reads parameter `p` (its value in force `dated`), when `p` is
/// assumed.
fn note_assumption(list: &mut Vec<Assumption>, p: &Param, dated: Option<&Dated>, rule: &Name) {
    let Some(reason) = &p.assumed else { return };
    if !noted_again(list, &p.head.id, rule) {
        list.push(Assumption {
            parameter: p.head.id.clone(),
            label: p.head.label.clone(),
            // Its text, written at compile time.
            value: dated.map(|d| d.shown.clone()).unwrap_or_default(),
            reason: reason.clone(),
            rules: smallvec::smallvec![rule.clone()],
        });
    }
}

impl Policy {
    /// Every value the policy's rules rest on that the source document does not state, with
    /// its value in force on `as_of` and the rules that read it: what a population run's
    /// totals rest on. Empty when the pack assumes nothing.
    pub fn assumptions(&self, as_of: NaiveDate) -> Vec<Assumption> {
        let mut list = Vec::new();
        for (_, head) in self.heads() {
            for (_, p) in self.assumed_reads(head) {
                note_assumption(&mut list, p, p.in_force(as_of), &head.id);
            }
        }
        list
    }

    /// The fields of a decision, and so of a budget's totals, that can rest on an assumed
    /// value (the names of [`Decision::estimated`]), whoever the participant is.
    pub fn estimated(&self) -> Vec<Name> {
        self.estimated_when(|h| self.assumed_reads(h).next().is_some())
    }

    /// What a run says of input `field` when rows come without it: the assumption (its
    /// default, why that is an estimate, the rules that read it) and the outputs that can rest
    /// on it. `None` unless its default is an estimate (an input an authority sets).
    pub(crate) fn default_estimate(&self, field: usize) -> Option<(Assumption, Vec<Name>)> {
        let f = self.fields.get(field)?;
        let estimate = f.estimate.as_ref()?;
        let reads = |h: &Head| {
            h.reads
                .iter()
                .any(|b| matches!(b, Binding::Field(i, _) if *i == field))
        };
        let assumption = Assumption {
            parameter: self.field_name(field)?.clone(),
            label: f.label.clone(),
            value: estimate.shown.clone(),
            reason: estimate.reason.clone(),
            rules: self
                .heads()
                .filter(|(_, h)| reads(h))
                .map(|(_, h)| h.id.clone())
                .collect(),
        };
        Some((assumption, self.estimated_when(reads)))
    }

    /// The fields of a decision that can rest on what `reads` says a rule reads.
    fn estimated_when(&self, reads: impl Fn(&Head) -> bool) -> Vec<Name> {
        let eligible = self.eligibility.iter().any(|c| reads(&c.head));
        let gross = eligible || self.fees.iter().any(|f| reads(&f.head));
        let cut = |r: &crate::policy::Reduction| gross || reads(&r.head);
        let reductions = eligible || self.reductions.rules.iter().any(cut);
        let granted = |s: &crate::policy::Subsidy| eligible || reads(&s.head);
        let mut payers = vec![false; self.payers.len()];
        let mut mark = |payment: &Payment| {
            let list = match payment {
                Payment::Split(k) => self.splits.get(*k).map_or(&[][..], |s| &s.payers[..]),
                Payment::Payer(i) => std::slice::from_ref(i),
                Payment::Unassigned => &[],
            };
            for i in list {
                if let Some(p) = payers.get_mut(*i) {
                    *p = true;
                }
            }
        };
        if let (Some(fp), true) = (self.fee_payer, gross || reductions) {
            mark(&Payment::Payer(fp));
        }
        for r in self.reductions.rules.iter().filter(|r| cut(r)) {
            if let Some(split) = r.borne_by {
                mark(&Payment::Split(split));
            }
        }
        for s in self.subsidies.rules.iter().filter(|s| granted(s)) {
            mark(&s.payment);
        }
        let mut out = estimable(
            self,
            &[
                eligible,
                eligible || self.categories.iter().any(|c| reads(&c.head)),
                eligible || self.priority.iter().any(|c| reads(&c.head)),
                gross,
                reductions,
                gross || reductions,
                self.subsidies.rules.iter().any(granted),
                eligible || self.entitlements.iter().any(|e| reads(&e.head)),
            ],
        );
        for (name, on) in self.payer_estimates().iter().zip(payers) {
            if on {
                out.push(name.clone());
            }
        }
        out
    }
}
