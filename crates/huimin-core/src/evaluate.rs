//! Evaluating a compiled policy for one participant as of a date.

use crate::decision::{
    Allocation, Citation, Decision, Entitlement as EntOut, Line, Reason, Step, StepKind,
};
use crate::error::{Error, EvalError};
use crate::expr::eval::{Env, Fault};
use crate::expr::{Binding, Expression};
use crate::model::Participant;
use crate::money::Money;
use crate::pack::Stacking;
use crate::policy::{Cut, EvalOptions, FeeBase, Head, Payment, Policy, Record};
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Explanation steps, recorded only when asked for.
struct Trace<'p> {
    on: bool,
    steps: Vec<Step>,
    policy: &'p Policy,
}

impl Trace<'_> {
    fn push(
        &mut self,
        kind: StepKind,
        head: &Head,
        env: &Env,
        value: String,
        detail: Option<Text>,
    ) {
        if !self.on {
            return;
        }
        let mut inputs = BTreeMap::new();
        for r in &head.reads {
            match *r {
                Binding::Field(i, _) => {
                    if let (Some(f), Some(v)) = (self.policy.fields.get(i), env.fields.get(i)) {
                        inputs.insert(f.name.clone(), v.to_string());
                    }
                }
                Binding::Param(i) => {
                    if let (Some(p), Some(Some(v))) = (self.policy.params.get(i), env.params.get(i))
                    {
                        inputs.insert(p.name.clone(), v.to_string());
                    }
                }
                Binding::Tag(t) => {
                    if let Some((id, _)) = self.policy.tags.get(t as usize) {
                        inputs.insert(format!("has({id})"), env.tags.contains(t).to_string());
                    }
                }
                Binding::AsOf => {
                    inputs.insert("as_of".into(), env.as_of.to_string());
                }
                Binding::Category => {
                    inputs.insert("category".into(), env.category.unwrap_or("").to_owned());
                }
            }
        }
        let cite = head
            .cite
            .and_then(|i| self.policy.citations.get(i))
            .cloned();
        self.steps.push(Step {
            rule: head.id.clone(),
            kind,
            label: head.label.clone(),
            inputs,
            value,
            detail,
            cite,
        });
    }
}

/// A step's "how", in both languages; built only when explaining.
struct Detail {
    on: bool,
    zh: Vec<String>,
    en: Vec<String>,
}

impl Detail {
    fn new(on: bool) -> Detail {
        Detail {
            on,
            zh: Vec::new(),
            en: Vec::new(),
        }
    }
    /// Adds a part; `f` gives (Chinese, English) and runs only when explaining.
    fn add(&mut self, f: impl FnOnce() -> (String, String)) {
        if self.on {
            let (zh, en) = f();
            self.zh.push(zh);
            self.en.push(en);
        }
    }
    fn text(self) -> Option<Text> {
        (!self.en.is_empty()).then(|| Text::new(self.zh.join("；"), self.en.join("; ")))
    }
}

/// A one-part detail, when explaining.
fn said(on: bool, zh: impl FnOnce() -> String, en: impl FnOnce() -> String) -> Option<Text> {
    on.then(|| Text::new(zh(), en()))
}

/// Evaluating one rule's expressions, turning faults into errors that name the rule.
struct Ctx<'a> {
    policy: &'a Policy,
    env: Env<'a>,
}

impl Ctx<'_> {
    fn fault(&self, rule: &str, f: Fault) -> EvalError {
        match f {
            Fault::NoValue(i) => {
                let p = self.policy.params.get(i);
                EvalError::NoValueInForce {
                    parameter: p.map(|p| p.name.clone()).unwrap_or_default(),
                    date: self.env.as_of,
                    first: p
                        .and_then(|p| p.values.first())
                        .map(|v| v.0)
                        .unwrap_or(self.env.as_of),
                }
            }
            other => EvalError::Arithmetic {
                rule: rule.to_owned(),
                what: other.to_string(),
            },
        }
    }
    fn num(&self, rule: &str, e: &Expression) -> Result<Decimal, EvalError> {
        e.node.num(&self.env).map_err(|f| self.fault(rule, f))
    }
    fn truth(&self, rule: &str, e: &Expression) -> Result<bool, EvalError> {
        e.node.truth(&self.env).map_err(|f| self.fault(rule, f))
    }
    fn holds(&self, rule: &str, e: &Option<Expression>) -> Result<bool, EvalError> {
        e.as_ref().map_or(Ok(true), |e| self.truth(rule, e))
    }
    fn money(&self, d: Decimal) -> Money {
        self.policy.rounding.round(d)
    }
}

fn checked(rule: &str, v: Option<Decimal>) -> Result<Decimal, EvalError> {
    v.ok_or_else(|| EvalError::Arithmetic {
        rule: rule.to_owned(),
        what: "arithmetic overflow".into(),
    })
}

fn non_negative(rule: &str, m: Money) -> Result<Money, EvalError> {
    if m.amount().is_sign_negative() && !m.amount().is_zero() {
        return Err(EvalError::Negative {
            rule: rule.to_owned(),
            amount: m.to_string(),
        });
    }
    Ok(m)
}

fn bound(
    rule: &str,
    v: Decimal,
    floor: Option<Decimal>,
    ceiling: Option<Decimal>,
    detail: &mut Detail,
    floor_word: (&str, &str),
    cap_word: (&str, &str),
) -> Result<Decimal, EvalError> {
    if let (Some(f), Some(c)) = (floor, ceiling) {
        if f > c {
            return Err(EvalError::Bounds {
                rule: rule.to_owned(),
                floor: f.to_string(),
                ceiling: c.to_string(),
            });
        }
    }
    let mut out = v;
    if let Some(c) = ceiling {
        if out > c {
            detail.add(|| {
                (
                    format!("{} {}", cap_word.0, c.normalize()),
                    format!("{} {}", cap_word.1, c.normalize()),
                )
            });
            out = c;
        }
    }
    if let Some(f) = floor {
        if out < f {
            detail.add(|| {
                (
                    format!("{} {}", floor_word.0, f.normalize()),
                    format!("{} {}", floor_word.1, f.normalize()),
                )
            });
            out = f;
        }
    }
    Ok(out)
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
        Ok(self.decide(&record, p.id.clone(), &params, as_of, options.explain)?)
    }

    /// The value of every parameter in force on `as_of` (`None` where none is), after checking
    /// the date is inside the pack's validity.
    pub(crate) fn params_at(&self, as_of: NaiveDate) -> Result<Vec<Option<Decimal>>, EvalError> {
        if as_of < self.valid_from || self.valid_until.is_some_and(|u| as_of > u) {
            return Err(EvalError::OutsideValidity {
                pack: self.id.clone(),
                date: as_of,
                valid: match self.valid_until {
                    Some(u) => format!("{} to {u}", self.valid_from),
                    None => format!("from {}", self.valid_from),
                },
            });
        }
        Ok(self
            .params
            .iter()
            .map(|p| p.values.iter().rev().find(|v| v.0 <= as_of).map(|v| v.1))
            .collect())
    }

    pub(crate) fn decide(
        &self,
        record: &Record,
        participant: Option<String>,
        params: &[Option<Decimal>],
        as_of: NaiveDate,
        explain: bool,
    ) -> Result<Decision, EvalError> {
        let scale = self.rounding.scale;
        let zero = Money::zero(scale);
        let mut trace = Trace {
            on: explain,
            steps: Vec::new(),
            policy: self,
        };
        let mut ctx = Ctx {
            policy: self,
            env: Env {
                fields: &record.fields,
                tags: &record.tags,
                params,
                as_of,
                category: None,
            },
        };

        if explain {
            for (p, v) in self.params.iter().zip(params) {
                let Some(v) = v else { continue };
                let (from, cite) = p
                    .values
                    .iter()
                    .rev()
                    .find(|x| x.0 <= as_of)
                    .map(|x| (x.0, x.2))
                    .unwrap_or((as_of, None));
                let head = Head {
                    id: p.name.clone(),
                    label: p
                        .label
                        .clone()
                        .unwrap_or_else(|| Text::new(p.name.clone(), p.name.clone())),
                    cite,
                    reads: Vec::new(),
                };
                trace.push(
                    StepKind::Parameter,
                    &head,
                    &ctx.env,
                    v.to_string(),
                    said(
                        explain,
                        || format!("自 {from} 起施行"),
                        || format!("in force from {from}"),
                    ),
                );
            }
        }

        let mut payers: BTreeMap<String, Money> = self
            .payers
            .iter()
            .map(|(id, _)| (id.clone(), zero))
            .collect();
        let mut decision = Decision {
            pack: self.id.clone(),
            participant,
            as_of,
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
            steps: Vec::new(),
        };

        for c in &self.eligibility {
            let ok = ctx.truth(&c.head.id, &c.when)?;
            trace.push(
                StepKind::Eligibility,
                &c.head,
                &ctx.env,
                ok.to_string(),
                said(explain, || c.when.source.clone(), || c.when.source.clone()),
            );
            if !ok {
                decision.eligible = false;
                let message = c.reason.clone().unwrap_or_else(|| {
                    Text::new(
                        format!("不符合：{}", c.head.label.zh),
                        format!("not met: {}", c.head.label.en),
                    )
                });
                let cite = c.head.cite.and_then(|i| self.citations.get(i)).cloned();
                decision.reasons.push(Reason {
                    rule: c.head.id.clone(),
                    message,
                    cite,
                });
            }
        }
        if !decision.eligible {
            decision.payers = payers;
            decision.steps = trace.steps;
            return Ok(decision);
        }

        for c in &self.categories {
            let ok = ctx.truth(&c.head.id, &c.when)?;
            trace.push(
                StepKind::Category,
                &c.head,
                &ctx.env,
                ok.to_string(),
                said(explain, || c.when.source.clone(), || c.when.source.clone()),
            );
            if ok {
                decision.category = Some(c.head.id.clone());
                break;
            }
        }
        let category = decision.category.clone();
        ctx.env.category = category.as_deref();

        for c in &self.priority {
            let ok = ctx.truth(&c.head.id, &c.when)?;
            trace.push(StepKind::Priority, &c.head, &ctx.env, ok.to_string(), None);
            if ok {
                decision.priority_groups.push(c.head.id.clone());
            }
        }

        // Fees.
        let mut fee_amounts: Vec<Money> = Vec::with_capacity(self.fees.len());
        let mut gross = Decimal::ZERO;
        for f in &self.fees {
            let id = &f.head.id;
            if !ctx.holds(id, &f.when)? {
                fee_amounts.push(zero);
                trace.push(
                    StepKind::Fee,
                    &f.head,
                    &ctx.env,
                    zero.to_string(),
                    said(
                        explain,
                        || "不收取：条件不满足".into(),
                        || "not charged: condition not met".into(),
                    ),
                );
                continue;
            }
            let mut detail = Detail::new(explain);
            let raw = match &f.base {
                FeeBase::Amount(a) => ctx.num(id, a)?,
                FeeBase::Rate { rate, quantity } => {
                    let (r, q) = (ctx.num(id, rate)?, ctx.num(id, quantity)?);
                    let v = checked(id, r.checked_mul(q))?;
                    detail.add(|| (format!("{r} × {q} = {v}"), format!("{r} × {q} = {v}")));
                    v
                }
            };
            let cap = f.cap.as_ref().map(|e| ctx.num(id, e)).transpose()?;
            let floor = f.floor.as_ref().map(|e| ctx.num(id, e)).transpose()?;
            let v = bound(
                id,
                raw,
                floor,
                cap,
                &mut detail,
                ("保底", "raised to the floor"),
                ("封顶", "capped at"),
            )?;
            let m = non_negative(id, ctx.money(v))?;
            fee_amounts.push(m);
            gross = checked(id, gross.checked_add(m.amount()))?;
            trace.push(
                StepKind::Fee,
                &f.head,
                &ctx.env,
                m.to_string(),
                detail.text(),
            );
            decision.fees.push(Line {
                rule: id.clone(),
                label: f.head.label.clone(),
                amount: m,
            });
        }
        let gross = ctx.money(gross);
        decision.gross_fee = gross;

        // Reductions.
        let mut candidates: Vec<(usize, Money)> = Vec::new();
        for (k, r) in self.reductions.rules.iter().enumerate() {
            let id = &r.head.id;
            if !ctx.truth(id, &r.when)? {
                trace.push(
                    StepKind::Reduction,
                    &r.head,
                    &ctx.env,
                    zero.to_string(),
                    said(explain, || "不适用".into(), || "does not apply".into()),
                );
                continue;
            }
            let base = if r.applies_to.is_empty() {
                gross.amount()
            } else {
                r.applies_to
                    .iter()
                    .filter_map(|i| fee_amounts.get(*i))
                    .map(|m| m.amount())
                    .sum()
            };
            let mut detail = Detail::new(explain);
            let amount = match &r.cut {
                Cut::Waive => {
                    detail.add(|| {
                        (
                            format!("全免 {}", base.normalize()),
                            format!("waives {}", base.normalize()),
                        )
                    });
                    base
                }
                Cut::Percent(p) => {
                    let pct = ctx.num(id, p)?;
                    let v = checked(
                        id,
                        base.checked_mul(pct)
                            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED)),
                    )?;
                    detail.add(|| {
                        let (p, b, v) = (pct.normalize(), base.normalize(), v.normalize());
                        (format!("{b} 的 {p}% = {v}"), format!("{p}% of {b} = {v}"))
                    });
                    v
                }
                Cut::Amount(a) => {
                    let v = ctx.num(id, a)?;
                    detail.add(|| {
                        let (v, b) = (v.normalize(), base.normalize());
                        (
                            format!("减 {v}，不超过应收 {b}"),
                            format!("{v} off, at most the fee {b}"),
                        )
                    });
                    v.min(base)
                }
            };
            let m = non_negative(id, ctx.money(amount))?;
            trace.push(
                StepKind::Reduction,
                &r.head,
                &ctx.env,
                m.to_string(),
                detail.text(),
            );
            candidates.push((k, m));
        }
        let ceiling = self
            .reductions
            .ceiling
            .as_ref()
            .map(|e| ctx.num("reductions", e))
            .transpose()?;
        let applied = stack(self.reductions.stacking, &candidates, |k| {
            self.reductions
                .rules
                .get(k)
                .map(|r| r.head.id.as_str())
                .unwrap_or("")
        })?;
        let mut left = ceiling.map_or(gross.amount(), |c| c.min(gross.amount()));
        let mut total = Decimal::ZERO;
        for (k, m) in applied {
            let Some(r) = self.reductions.rules.get(k) else {
                continue;
            };
            let take = ctx.money(m.amount().min(left).max(Decimal::ZERO));
            left -= take.amount();
            total += take.amount();
            decision.reductions.push(Line {
                rule: r.head.id.clone(),
                label: r.head.label.clone(),
                amount: take,
            });
            if let Some(s) = r.borne_by {
                allocate(
                    self,
                    &mut decision.splits,
                    &mut payers,
                    &r.head.id,
                    Payment::Split(s),
                    take,
                )?;
            }
        }
        decision.reduction_total = ctx.money(total);
        decision.net_fee = ctx.money(gross.amount() - total);
        if let Some(fp) = self.fee_payer {
            allocate(
                self,
                &mut decision.splits,
                &mut payers,
                "fee",
                Payment::Payer(fp),
                decision.net_fee,
            )?;
        }

        // Subsidies.
        let mut candidates: Vec<(usize, Money)> = Vec::new();
        for (k, s) in self.subsidies.rules.iter().enumerate() {
            let id = &s.head.id;
            if !ctx.holds(id, &s.when)? {
                trace.push(
                    StepKind::Subsidy,
                    &s.head,
                    &ctx.env,
                    zero.to_string(),
                    said(explain, || "不适用".into(), || "does not apply".into()),
                );
                continue;
            }
            if let Some(u) = &s.unless {
                if ctx.truth(id, u)? {
                    trace.push(
                        StepKind::Subsidy,
                        &s.head,
                        &ctx.env,
                        zero.to_string(),
                        said(
                            explain,
                            || format!("排除：{}", u.source),
                            || format!("excluded: {}", u.source),
                        ),
                    );
                    continue;
                }
            }
            let mut detail = Detail::new(explain);
            let mut v = match &s.amount {
                Some(a) => ctx.num(id, a)?,
                None => {
                    let mut sum = Decimal::ZERO;
                    for comp in &s.components {
                        let claimed = ctx.num(id, &comp.amount)?;
                        let cap = comp.cap.as_ref().map(|e| ctx.num(id, e)).transpose()?;
                        let paid = ctx
                            .money(
                                cap.map_or(claimed, |c| claimed.min(c.max(Decimal::ZERO)))
                                    .max(Decimal::ZERO),
                            )
                            .amount();
                        detail.add(|| {
                            let (id, paid) = (&comp.id, paid.normalize());
                            match cap {
                                Some(c) => (
                                    format!("{id} {paid}（上限 {}）", c.normalize()),
                                    format!("{id} {paid} (cap {})", c.normalize()),
                                ),
                                None => (format!("{id} {paid}"), format!("{id} {paid}")),
                            }
                        });
                        sum = checked(id, sum.checked_add(paid))?;
                    }
                    sum
                }
            };
            if let Some((when, pct)) = &s.uplift {
                if ctx.truth(id, when)? {
                    let p = ctx.num(id, pct)?;
                    let up = checked(
                        id,
                        v.checked_mul(Decimal::ONE_HUNDRED + p)
                            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED)),
                    )?;
                    detail.add(|| {
                        let (p, up) = (p.normalize(), up.normalize());
                        (format!("上浮 {p}% → {up}"), format!("uplift +{p}% → {up}"))
                    });
                    v = up;
                }
            }
            let floor = s.floor.as_ref().map(|e| ctx.num(id, e)).transpose()?;
            let ceiling = s.ceiling.as_ref().map(|e| ctx.num(id, e)).transpose()?;
            let v = bound(
                id,
                v,
                floor,
                ceiling,
                &mut detail,
                ("不低于", "raised to the floor"),
                ("不高于", "limited to the ceiling"),
            )?;
            let m = non_negative(id, ctx.money(v))?;
            trace.push(
                StepKind::Subsidy,
                &s.head,
                &ctx.env,
                m.to_string(),
                detail.text(),
            );
            candidates.push((k, m));
        }
        let ceiling = self
            .subsidies
            .ceiling
            .as_ref()
            .map(|e| ctx.num("subsidies", e))
            .transpose()?;
        let applied = stack(self.subsidies.stacking, &candidates, |k| {
            self.subsidies
                .rules
                .get(k)
                .map(|r| r.head.id.as_str())
                .unwrap_or("")
        })?;
        let mut left = ceiling;
        let mut total = Decimal::ZERO;
        for (k, m) in applied {
            let Some(s) = self.subsidies.rules.get(k) else {
                continue;
            };
            let take = match left {
                Some(l) => ctx.money(m.amount().min(l).max(Decimal::ZERO)),
                None => m,
            };
            if let Some(l) = left.as_mut() {
                *l -= take.amount();
            }
            total += take.amount();
            decision.subsidies.push(Line {
                rule: s.head.id.clone(),
                label: s.head.label.clone(),
                amount: take,
            });
            allocate(
                self,
                &mut decision.splits,
                &mut payers,
                &s.head.id,
                s.payment.clone(),
                take,
            )?;
        }
        decision.subsidy_total = ctx.money(total);

        for e in &self.entitlements {
            let id = &e.head.id;
            if !ctx.holds(id, &e.when)? {
                trace.push(
                    StepKind::Entitlement,
                    &e.head,
                    &ctx.env,
                    "0".into(),
                    said(explain, || "不适用".into(), || "does not apply".into()),
                );
                continue;
            }
            let count = ctx.num(id, &e.count)?.normalize();
            trace.push(
                StepKind::Entitlement,
                &e.head,
                &ctx.env,
                count.to_string(),
                said(
                    explain,
                    || {
                        format!(
                            "{}{}",
                            if e.at_least { "至少，" } else { "" },
                            e.per.label().zh
                        )
                    },
                    || {
                        format!(
                            "{}{}",
                            if e.at_least { "at least, " } else { "" },
                            e.per.label().en
                        )
                    },
                ),
            );
            decision.entitlements.push(EntOut {
                rule: id.clone(),
                label: e.head.label.clone(),
                count,
                at_least: e.at_least,
                per: e.per,
            });
        }

        if explain {
            for a in &decision.splits {
                let name = |p: &str| {
                    self.payers
                        .iter()
                        .find(|(id, _)| id == p)
                        .map(|(_, t)| t.clone())
                        .unwrap_or_else(|| Text::new(p, p))
                };
                let zh: Vec<String> = a
                    .parts
                    .iter()
                    .map(|(p, m)| format!("{} {m}", name(p).zh))
                    .collect();
                let en: Vec<String> = a
                    .parts
                    .iter()
                    .map(|(p, m)| format!("{} {m}", name(p).en))
                    .collect();
                let split = self
                    .pack
                    .splits
                    .get(&a.split)
                    .and_then(|s| s.label.clone())
                    .unwrap_or_else(|| name(&a.split));
                let cite: Option<Citation> = self
                    .splits
                    .iter()
                    .find(|s| s.id == a.split)
                    .and_then(|s| s.cite)
                    .and_then(|i| self.citations.get(i))
                    .cloned();
                trace.steps.push(Step {
                    rule: a.rule.clone(),
                    kind: StepKind::Split,
                    label: Text::new(
                        format!("分担：{}", split.zh),
                        format!("paid by: {}", split.en),
                    ),
                    inputs: BTreeMap::new(),
                    value: a.amount.to_string(),
                    detail: Some(Text::new(zh.join(" + "), en.join(" + "))),
                    cite,
                });
            }
        }
        decision.payers = payers;
        decision.steps = trace.steps;
        Ok(decision)
    }
}

/// Which candidates a stacking policy applies, in order.
fn stack<'n>(
    policy: Stacking,
    candidates: &[(usize, Money)],
    name: impl Fn(usize) -> &'n str,
) -> Result<Vec<(usize, Money)>, EvalError> {
    Ok(match policy {
        Stacking::Add => candidates.to_vec(),
        Stacking::First => candidates.first().copied().into_iter().collect(),
        Stacking::Highest => {
            let mut best: Option<(usize, Money)> = None;
            for c in candidates {
                if best.is_none_or(|b| c.1 > b.1) {
                    best = Some(*c);
                }
            }
            best.into_iter().collect()
        }
        Stacking::Exclusive => {
            if let Some(first) = candidates.first() {
                if let Some(other) = candidates.iter().find(|c| c.1 != first.1) {
                    return Err(EvalError::Conflict {
                        first: name(first.0).to_owned(),
                        second: name(other.0).to_owned(),
                        first_amount: first.1.to_string(),
                        second_amount: other.1.to_string(),
                    });
                }
            }
            candidates.first().copied().into_iter().collect()
        }
    })
}

/// Books an amount to its payers, recording the split.
fn allocate(
    policy: &Policy,
    splits: &mut Vec<Allocation>,
    payers: &mut BTreeMap<String, Money>,
    rule: &str,
    payment: Payment,
    amount: Money,
) -> Result<(), EvalError> {
    let shares: Vec<(usize, Decimal)> = match payment {
        Payment::Unassigned => return Ok(()),
        Payment::Payer(p) => vec![(p, Decimal::ONE)],
        Payment::Split(s) => policy
            .splits
            .get(s)
            .map(|s| s.parts.clone())
            .unwrap_or_default(),
    };
    let split_name = match payment {
        Payment::Split(s) => policy
            .splits
            .get(s)
            .map(|s| s.id.clone())
            .unwrap_or_default(),
        _ => shares
            .first()
            .and_then(|(p, _)| policy.payers.get(*p))
            .map(|(id, _)| id.clone())
            .unwrap_or_default(),
    };
    let weights: Vec<Decimal> = shares.iter().map(|(_, w)| *w).collect();
    let parts =
        policy
            .rounding
            .allocate(amount, &weights)
            .ok_or_else(|| EvalError::Arithmetic {
                rule: rule.to_owned(),
                what: format!("cannot split {amount} by {split_name}"),
            })?;
    let mut out = BTreeMap::new();
    for ((p, _), m) in shares.iter().zip(parts) {
        let Some((pid, _)) = policy.payers.get(*p) else {
            continue;
        };
        let entry = payers
            .entry(pid.clone())
            .or_insert_with(|| Money::zero(policy.rounding.scale));
        *entry = Money::at_scale(entry.amount() + m.amount(), policy.rounding.scale);
        out.insert(pid.clone(), m);
    }
    splits.push(Allocation {
        rule: rule.to_owned(),
        split: split_name,
        amount,
        parts: out,
    });
    Ok(())
}
