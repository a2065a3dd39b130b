//! The decision stages, written once: eligibility → category → priority → fees → reductions
//! (stacking, ceiling) → subsidies (components, uplift, floor, ceiling, stacking) → splits →
//! entitlements.
//!
//! [`decide`] is generic over the [`Amount`] it computes with, where the values of the
//! rules' expressions come from ([`Values`]) and where its results go ([`Ledger`]). The exact
//! engine ([`crate::evaluate`]) runs it with `Decimal`, expressions evaluated for one
//! participant, and a ledger that builds a [`crate::Decision`] with its explanation; the
//! columnar engine ([`crate::batch`]) runs it row by row with [`Fixed`] millionths, expressions
//! evaluated a column at a time beforehand, and a ledger that writes output columns. This is
//! the only place where a stacking policy, a cap, a floor, a ceiling or an allocation is
//! computed.
#![warn(clippy::arithmetic_side_effects)]

pub(crate) mod amount;

pub(crate) use amount::{Amount, Fixed};

use crate::decision::StepKind;
use crate::error::EvalError;
use crate::explain::{said, Detail};
use crate::expr::Expression;
use crate::pack::Stacking;
use crate::policy::{Cut, FeeBase, Payment, Policy};
use crate::text::{Name, Text};

/// Where the values of a rule's expressions come from.
pub(crate) trait Values<A> {
    /// A number; `rule` names the rule in an error.
    fn num(&self, rule: &str, e: &Expression) -> Result<A, Fail>;
    /// A condition.
    fn truth(&self, rule: &str, e: &Expression) -> Result<bool, Fail>;
    /// The participant's category is now known (index into the pack's categories).
    fn enter_category(&mut self, category: Option<usize>);
}

/// Where the results of the stages go, in the order they are decided. Explanation details
/// are built only when [`Ledger::explaining`] says so.
pub(crate) trait Ledger<A> {
    /// Whether explanation details are wanted.
    fn explaining(&self) -> bool;
    /// Condition `k` of an eligibility, category or priority list was tested.
    fn condition(&mut self, kind: StepKind, k: usize, holds: bool, detail: Option<Text>);
    /// Every eligibility condition was tested; `eligible` is their conjunction.
    fn eligibility(&mut self, eligible: bool);
    /// Fee `k`: charged `Some(amount)`, or not charged.
    fn fee(&mut self, k: usize, amount: Option<A>, detail: Option<Text>);
    /// Fee `k`'s price `asked` was above the limit its source sets (it is charged at the
    /// limit); said just before [`Ledger::fee`].
    fn fee_over_limit(&mut self, _k: usize, _asked: A) {}
    /// The sum of the fees.
    fn gross_fee(&mut self, gross: A);
    /// Reduction `k` as a candidate: its amount, or `None` when it does not apply.
    fn reduction(&mut self, k: usize, amount: Option<A>, detail: Option<Text>);
    /// Reduction `k` applied after stacking and the group's ceiling.
    fn reduction_applied(&mut self, k: usize, amount: A);
    /// The reductions applied in total, and the net fee.
    fn net_fee(&mut self, reductions: A, net: A);
    /// Subsidy `k` as a candidate: its amount, or `None` when it does not apply.
    fn subsidy(&mut self, k: usize, amount: Option<A>, detail: Option<Text>);
    /// Subsidy `k` granted after stacking and the group's ceiling.
    fn subsidy_applied(&mut self, k: usize, amount: A);
    /// The subsidies granted in total.
    fn subsidy_total(&mut self, total: A);
    /// `amount` of `rule` split between `payers` (payer indices) as `parts`, which sum to it.
    fn allocation(
        &mut self,
        rule: &Name,
        payment: &Payment,
        amount: A,
        payers: &[usize],
        parts: &[A],
    ) -> Result<(), Fail>;
    /// Entitlement `k`: its count, or `None` when it does not apply.
    fn entitlement(&mut self, k: usize, count: Option<A>, detail: Option<Text>);
}

/// Buffers reused from one participant to the next (the columnar engine decides thousands
/// in a row without allocating).
#[derive(Debug)]
pub(crate) struct Scratch<A> {
    fees: Vec<A>,
    candidates: Vec<(usize, A)>,
    applied: Vec<(usize, A)>,
    units: Vec<i128>,
    parts: Vec<A>,
}

impl<A> Default for Scratch<A> {
    fn default() -> Self {
        Scratch {
            fees: Vec::new(),
            candidates: Vec::new(),
            applied: Vec::new(),
            units: Vec::new(),
            parts: Vec::new(),
        }
    }
}

/// Why a participant cannot be decided, boxed: the stages return it through every `?`, and a
/// pointer keeps their results small enough to travel in registers on the columnar path.
pub(crate) type Fail = Box<EvalError>;

#[cold]
fn overflow(rule: &str) -> Fail {
    Box::new(EvalError::Arithmetic {
        rule: rule.to_owned(),
        what: "arithmetic overflow".into(),
    })
}

/// Decides one participant: runs every stage in order, reporting to `out`.
pub(crate) fn decide<A: Amount>(
    p: &Policy,
    v: &mut impl Values<A>,
    out: &mut impl Ledger<A>,
    s: &mut Scratch<A>,
) -> Result<(), Fail> {
    let explain = out.explaining();

    // Eligibility: every condition is tested, so that every unmet one is reported.
    let mut eligible = true;
    for (k, c) in p.eligibility.iter().enumerate() {
        let ok = v.truth(&c.head.id, &c.when)?;
        let detail = said(explain, || c.when.source.clone(), || c.when.source.clone());
        out.condition(StepKind::Eligibility, k, ok, detail);
        eligible &= ok;
    }
    out.eligibility(eligible);
    if !eligible {
        return Ok(());
    }
    v.enter_category(categorise(p, v, out)?);
    for (k, c) in p.priority.iter().enumerate() {
        let ok = v.truth(&c.head.id, &c.when)?;
        out.condition(StepKind::Priority, k, ok, None);
    }

    let gross = fees(p, v, out, s)?;
    let net = reductions(p, v, out, s, gross)?;
    if let Some(fp) = p.fee_payer {
        allocate(p, out, s, net_fee_rule(), &Payment::Payer(fp), net)?;
    }
    subsidies(p, v, out, s)?;
    entitlements(p, v, out)
}

/// The first category whose condition holds.
pub(crate) fn categorise<A>(
    p: &Policy,
    v: &impl Values<A>,
    out: &mut impl Ledger<A>,
) -> Result<Option<usize>, Fail> {
    let explain = out.explaining();
    for (k, c) in p.categories.iter().enumerate() {
        let ok = v.truth(&c.head.id, &c.when)?;
        let detail = said(explain, || c.when.source.clone(), || c.when.source.clone());
        out.condition(StepKind::Category, k, ok, detail);
        if ok {
            return Ok(Some(k));
        }
    }
    Ok(None)
}

/// Each fee: base (an amount, or rate × quantity), bounded by its cap and floor, rounded.
/// Returns the gross fee.
fn fees<A: Amount>(
    p: &Policy,
    v: &impl Values<A>,
    out: &mut impl Ledger<A>,
    s: &mut Scratch<A>,
) -> Result<A, Fail> {
    let explain = out.explaining();
    s.fees.clear();
    let mut gross = A::ZERO;
    for (k, f) in p.fees.iter().enumerate() {
        let id = &f.head.id;
        if !holds(v, id, &f.when)? {
            s.fees.push(A::ZERO);
            let detail = said(
                explain,
                || "不收取：条件不满足".into(),
                || "not charged: condition not met".into(),
            );
            out.fee(k, None, detail);
            continue;
        }
        let mut detail = Detail::new(explain);
        let raw = match &f.base {
            FeeBase::Amount(a) => v.num(id, a)?,
            FeeBase::Rate { rate, quantity } => {
                let (r, q) = (v.num(id, rate)?, v.num(id, quantity)?);
                let x = r.mul(q).ok_or_else(|| overflow(id))?;
                detail.add(|| {
                    let (r, q, x) = (r.decimal(), q.decimal(), x.decimal());
                    (format!("{r} × {q} = {x}"), format!("{r} × {q} = {x}"))
                });
                x
            }
        };
        let cap = optional(v, id, &f.cap)?;
        let floor = optional(v, id, &f.floor)?;
        let limit = optional(v, id, &f.limit)?;
        let raw = match limit {
            Some(l) if raw > l => {
                out.fee_over_limit(k, raw);
                detail.add(|| {
                    let l = l.decimal().normalize();
                    (
                        format!("超过政策规定的上限 {l}，按 {l} 计"),
                        format!("above the limit {l} the source sets; charged {l}"),
                    )
                });
                l
            }
            _ => raw,
        };
        let bounded = bound(
            id,
            raw,
            floor,
            cap,
            &mut detail,
            ("保底", "raised to the floor"),
            ("封顶", "capped at"),
        )?;
        let m = non_negative(id, money(p, id, bounded)?)?;
        s.fees.push(m);
        gross = gross.add(m).ok_or_else(|| overflow(id))?;
        out.fee(k, Some(m), detail.text());
    }
    let gross = money(p, "fees", gross)?;
    out.gross_fee(gross);
    Ok(gross)
}

/// Each reduction's candidate amount, then stacking and the group's ceiling; books what
/// the borne-by splits pay. Returns the net fee.
fn reductions<A: Amount>(
    p: &Policy,
    v: &impl Values<A>,
    out: &mut impl Ledger<A>,
    s: &mut Scratch<A>,
    gross: A,
) -> Result<A, Fail> {
    let explain = out.explaining();
    let group = &p.reductions;
    s.candidates.clear();
    for (k, r) in group.rules.iter().enumerate() {
        let id = &r.head.id;
        if !v.truth(id, &r.when)? {
            let detail = said(explain, || "不适用".into(), || "does not apply".into());
            out.reduction(k, None, detail);
            continue;
        }
        let base = if r.applies_to.is_empty() {
            gross
        } else {
            let mut sum = A::ZERO;
            for m in r.applies_to.iter().filter_map(|i| s.fees.get(*i)) {
                sum = sum.add(*m).ok_or_else(|| overflow(id))?;
            }
            sum
        };
        let mut detail = Detail::new(explain);
        let amount = match &r.cut {
            Cut::Waive => {
                detail.add(|| {
                    let b = base.decimal().normalize();
                    (format!("全免 {b}"), format!("waives {b}"))
                });
                base
            }
            Cut::Percent(e) => {
                let pct = v.num(id, e)?;
                let x = base.percent(pct).ok_or_else(|| overflow(id))?;
                detail.add(|| {
                    let (p, b, x) = (
                        pct.decimal().normalize(),
                        base.decimal().normalize(),
                        x.decimal().normalize(),
                    );
                    (format!("{b} 的 {p}% = {x}"), format!("{p}% of {b} = {x}"))
                });
                x
            }
            Cut::Amount(e) => {
                let x = v.num(id, e)?;
                detail.add(|| {
                    let (x, b) = (x.decimal().normalize(), base.decimal().normalize());
                    (
                        format!("减 {x}，不超过应收 {b}"),
                        format!("{x} off, at most the fee {b}"),
                    )
                });
                x.min(base)
            }
        };
        let amount = match optional(v, id, &r.cap)? {
            Some(cap) => {
                if detail.on() && amount > cap {
                    detail.add(|| {
                        let c = cap.decimal().normalize();
                        (format!("最高减免 {c}"), format!("at most {c}"))
                    });
                }
                amount.min(cap)
            }
            None => amount,
        };
        let m = non_negative(id, money(p, id, amount)?)?;
        out.reduction(k, Some(m), detail.text());
        s.candidates.push((k, m));
    }
    let ceiling = optional(v, "reductions", &group.ceiling)?;
    stack(group.stacking, &mut s.candidates, &mut s.applied, |k| {
        group.rules.get(k).map_or("", |r| r.head.id.as_str())
    })?;
    let mut left = ceiling.map_or(gross, |c| c.min(gross));
    let mut total = A::ZERO;
    for k in 0..s.applied.len() {
        let Some(&(rule, m)) = s.applied.get(k) else {
            continue;
        };
        let Some(r) = group.rules.get(rule) else {
            continue;
        };
        let id = &r.head.id;
        let take = money(p, id, m.min(left).max(A::ZERO))?;
        left = left.sub(take).ok_or_else(|| overflow(id))?;
        total = total.add(take).ok_or_else(|| overflow(id))?;
        out.reduction_applied(rule, take);
        if let Some(split) = r.borne_by {
            allocate(p, out, s, id, &Payment::Split(split), take)?;
        }
    }
    let total = money(p, "reductions", total)?;
    let net = gross.sub(total).ok_or_else(|| overflow("reductions"))?;
    let net = money(p, "reductions", net)?;
    out.net_fee(total, net);
    Ok(net)
}

/// Each subsidy's candidate amount (an amount, or capped components; uplift; floor and
/// ceiling), then stacking and the group's ceiling; books each to its payers.
fn subsidies<A: Amount>(
    p: &Policy,
    v: &impl Values<A>,
    out: &mut impl Ledger<A>,
    s: &mut Scratch<A>,
) -> Result<(), Fail> {
    let explain = out.explaining();
    let group = &p.subsidies;
    s.candidates.clear();
    for (k, sub) in group.rules.iter().enumerate() {
        let id = &sub.head.id;
        if !holds(v, id, &sub.when)? {
            let detail = said(explain, || "不适用".into(), || "does not apply".into());
            out.subsidy(k, None, detail);
            continue;
        }
        if let Some(u) = &sub.unless {
            if v.truth(id, u)? {
                let detail = said(
                    explain,
                    || format!("排除：{}", u.source),
                    || format!("excluded: {}", u.source),
                );
                out.subsidy(k, None, detail);
                continue;
            }
        }
        let mut detail = Detail::new(explain);
        let mut x = match &sub.amount {
            Some(a) => v.num(id, a)?,
            None => {
                let mut sum = A::ZERO;
                for comp in &sub.components {
                    let claimed = v.num(id, &comp.amount)?;
                    let cap = optional(v, id, &comp.cap)?;
                    let paid = cap
                        .map_or(claimed, |c| claimed.min(c.max(A::ZERO)))
                        .max(A::ZERO);
                    let paid = money(p, id, paid)?;
                    detail.add(|| {
                        let (id, paid) = (&comp.id, paid.decimal().normalize());
                        match cap {
                            Some(c) => {
                                let c = c.decimal().normalize();
                                (
                                    format!("{id} {paid}（上限 {c}）"),
                                    format!("{id} {paid} (cap {c})"),
                                )
                            }
                            None => (format!("{id} {paid}"), format!("{id} {paid}")),
                        }
                    });
                    sum = sum.add(paid).ok_or_else(|| overflow(id))?;
                }
                sum
            }
        };
        if let Some((when, pct)) = &sub.uplift {
            if v.truth(id, when)? {
                let pct = v.num(id, pct)?;
                let up = x.uplift(pct).ok_or_else(|| overflow(id))?;
                detail.add(|| {
                    let (p, up) = (pct.decimal().normalize(), up.decimal().normalize());
                    (format!("上浮 {p}% → {up}"), format!("uplift +{p}% → {up}"))
                });
                x = up;
            }
        }
        let floor = optional(v, id, &sub.floor)?;
        let ceiling = optional(v, id, &sub.ceiling)?;
        let bounded = bound(
            id,
            x,
            floor,
            ceiling,
            &mut detail,
            ("不低于", "raised to the floor"),
            ("不高于", "limited to the ceiling"),
        )?;
        let m = non_negative(id, money(p, id, bounded)?)?;
        out.subsidy(k, Some(m), detail.text());
        s.candidates.push((k, m));
    }
    let ceiling = optional(v, "subsidies", &group.ceiling)?;
    stack(group.stacking, &mut s.candidates, &mut s.applied, |k| {
        group.rules.get(k).map_or("", |r| r.head.id.as_str())
    })?;
    let mut left = ceiling;
    let mut total = A::ZERO;
    for k in 0..s.applied.len() {
        let Some(&(rule, m)) = s.applied.get(k) else {
            continue;
        };
        let Some(sub) = group.rules.get(rule) else {
            continue;
        };
        let id = &sub.head.id;
        let take = match left {
            Some(l) => money(p, id, m.min(l).max(A::ZERO))?,
            None => m,
        };
        if let Some(l) = left.as_mut() {
            *l = l.sub(take).ok_or_else(|| overflow(id))?;
        }
        total = total.add(take).ok_or_else(|| overflow(id))?;
        out.subsidy_applied(rule, take);
        allocate(p, out, s, id, &sub.payment, take)?;
    }
    out.subsidy_total(money(p, "subsidies", total)?);
    Ok(())
}

/// Counted entitlements: services, not money.
fn entitlements<A: Amount>(
    p: &Policy,
    v: &impl Values<A>,
    out: &mut impl Ledger<A>,
) -> Result<(), Fail> {
    let explain = out.explaining();
    for (k, e) in p.entitlements.iter().enumerate() {
        let id = &e.head.id;
        if !holds(v, id, &e.when)? {
            let detail = said(explain, || "不适用".into(), || "does not apply".into());
            out.entitlement(k, None, detail);
            continue;
        }
        let count = v.num(id, &e.count)?;
        let at_least = e.at_least;
        let detail = said(
            explain,
            || {
                format!(
                    "{}{}",
                    if at_least { "至少，" } else { "" },
                    e.per.label().zh
                )
            },
            || {
                let lead = if at_least { "at least, " } else { "" };
                format!("{lead}{}", e.per.label().en)
            },
        );
        out.entitlement(k, Some(count), detail);
    }
    Ok(())
}

#[inline]
/// `x` rounded to money by the pack's rule.
fn money<A: Amount>(p: &Policy, rule: &str, x: A) -> Result<A, Fail> {
    x.money(p.rounding).ok_or_else(|| overflow(rule))
}

#[inline]
fn holds<A>(v: &impl Values<A>, rule: &str, e: &Option<Expression>) -> Result<bool, Fail> {
    e.as_ref().map_or(Ok(true), |e| v.truth(rule, e))
}

#[inline]
fn optional<A>(v: &impl Values<A>, rule: &str, e: &Option<Expression>) -> Result<Option<A>, Fail> {
    e.as_ref().map(|e| v.num(rule, e)).transpose()
}

#[inline(always)]
fn non_negative<A: Amount>(rule: &str, m: A) -> Result<A, Fail> {
    if m.is_negative() {
        return Err(Box::new(EvalError::Negative {
            rule: rule.to_owned(),
            amount: m.decimal().to_string(),
        }));
    }
    Ok(m)
}

/// `x` limited to `ceiling` then raised to `floor`; a floor above the ceiling is an error.
#[inline]
fn bound<A: Amount>(
    rule: &str,
    x: A,
    floor: Option<A>,
    ceiling: Option<A>,
    detail: &mut Detail,
    floor_word: (&str, &str),
    cap_word: (&str, &str),
) -> Result<A, Fail> {
    if let (Some(f), Some(c)) = (floor, ceiling) {
        if f > c {
            return Err(Box::new(EvalError::Bounds {
                rule: rule.to_owned(),
                floor: f.decimal().to_string(),
                ceiling: c.decimal().to_string(),
            }));
        }
    }
    // `min` and `max` rather than a branch: an amount over a range of participants (`verify`)
    // is then bounded without deciding which side each one is on.
    let mut out = x;
    if let Some(c) = ceiling {
        if detail.on() && out > c {
            detail.add(|| {
                let c = c.decimal().normalize();
                (format!("{} {c}", cap_word.0), format!("{} {c}", cap_word.1))
            });
        }
        out = out.min(c);
    }
    if let Some(f) = floor {
        if detail.on() && out < f {
            detail.add(|| {
                let f = f.decimal().normalize();
                (
                    format!("{} {f}", floor_word.0),
                    format!("{} {f}", floor_word.1),
                )
            });
        }
        out = out.max(f);
    }
    Ok(out)
}

/// Which candidates a stacking policy applies, in order, into `applied`; `candidates` is
/// spent (all of them are applied by swapping the two, not by copying).
fn stack<'n, A: Amount>(
    policy: Stacking,
    candidates: &mut Vec<(usize, A)>,
    applied: &mut Vec<(usize, A)>,
    name: impl Fn(usize) -> &'n str,
) -> Result<(), Fail> {
    applied.clear();
    match policy {
        Stacking::Add => std::mem::swap(candidates, applied),
        Stacking::First => applied.extend(candidates.first().copied()),
        Stacking::Highest => {
            let mut best: Option<(usize, A)> = None;
            for c in candidates {
                if best.is_none_or(|b| c.1 > b.1) {
                    best = Some(*c);
                }
            }
            applied.extend(best);
        }
        Stacking::Exclusive => {
            if let Some(first) = candidates.first() {
                if let Some(other) = candidates.iter().find(|c| c.1 != first.1) {
                    return Err(Box::new(EvalError::Conflict {
                        first: name(first.0).to_owned(),
                        second: name(other.0).to_owned(),
                        first_amount: first.1.decimal().to_string(),
                        second_amount: other.1.decimal().to_string(),
                    }));
                }
                applied.push(*first);
            }
        }
    }
    Ok(())
}

/// The rule an allocation of the net fee names (`fee`).
fn net_fee_rule() -> &'static Name {
    static FEE: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
    FEE.get_or_init(|| Name::from("fee"))
}

/// Splits `amount` between the payers of `payment` (parts summing exactly to it) and books
/// the parts.
fn allocate<A: Amount>(
    p: &Policy,
    out: &mut impl Ledger<A>,
    s: &mut Scratch<A>,
    rule: &Name,
    payment: &Payment,
    amount: A,
) -> Result<(), Fail> {
    match payment {
        Payment::Unassigned => Ok(()),
        Payment::Payer(payer) => out.allocation(rule, payment, amount, &[*payer], &[amount]),
        Payment::Split(k) => {
            let Some(split) = p.splits.get(*k) else {
                return Ok(());
            };
            let scale = p.rounding.scale;
            let cannot = || {
                Box::new(EvalError::Arithmetic {
                    rule: rule.to_string(),
                    what: format!("cannot split {} by {}", amount.decimal(), split.id),
                })
            };
            let units = amount.units(scale).ok_or_else(cannot)?;
            s.units.clear();
            s.units.resize(split.shares.len(), 0);
            split.shares.split(units, &mut s.units).ok_or_else(cannot)?;
            s.parts.clear();
            for u in &s.units {
                s.parts.push(A::from_units(*u, scale).ok_or_else(cannot)?);
            }
            out.allocation(rule, payment, amount, &split.payers, &s.parts)
        }
    }
}
