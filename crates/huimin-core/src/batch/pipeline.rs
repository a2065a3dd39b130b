//! The decision pipeline over a chunk: the same steps, in the same order, as the scalar
//! `Policy::decide`, column by column. Rows it cannot finish exactly are marked `bad`.

use super::fixed::{self, ONE};
use super::vector::{eval, Chunk, V};
use crate::expr::Expression;
use crate::pack::Stacking;
use crate::policy::{Cut, FeeBase, Payment, Policy};
use rust_decimal::Decimal;

/// Where one chunk's outputs go: slices of the batch's output columns, zero on entry. Money
/// is written in millionths, rounded by the pack's rule; rows that cannot be finished exactly
/// are marked in `bad` (which arrives marked for rows whose inputs need the scalar engine).
pub(crate) struct ChunkOut<'o> {
    pub eligible: &'o mut [bool],
    pub category: &'o mut [Option<u32>],
    pub priority: Vec<&'o mut [bool]>,
    pub gross: &'o mut [i64],
    pub reductions: &'o mut [i64],
    pub net: &'o mut [i64],
    pub subsidies: &'o mut [i64],
    pub payers: Vec<&'o mut [i64]>,
    pub bad: &'o mut [bool],
}

fn mark(bad: &mut [bool], i: usize) {
    if let Some(b) = bad.get_mut(i) {
        *b = true;
    }
}

fn bools<'c>(e: &'c Expression, c: &Chunk<'c>, bad: &mut [bool]) -> V<'c> {
    eval(&e.node, c, bad)
}

fn opt<'c>(e: &'c Option<Expression>, c: &Chunk<'c>, bad: &mut [bool]) -> Option<V<'c>> {
    e.as_ref().map(|e| eval(&e.node, c, bad))
}

/// Integer split weights of a payment: payer indices and weights scaled to whole numbers.
pub(crate) struct Shares {
    pub payers: Vec<usize>,
    pub weights: Vec<i128>,
    pub total: i128,
    /// The weights as `i64`, when they all fit.
    pub weights64: Option<Vec<i64>>,
    /// The largest weight (as `i64`; `i64::MAX` when it does not fit).
    pub max_weight: i64,
}

pub(crate) fn shares(policy: &Policy, payment: &Payment) -> Option<Shares> {
    let parts: Vec<(usize, Decimal)> = match payment {
        Payment::Unassigned => {
            return Some(Shares {
                payers: Vec::new(),
                weights: Vec::new(),
                total: 0,
                weights64: None,
                max_weight: 0,
            })
        }
        Payment::Payer(p) => vec![(*p, Decimal::ONE)],
        Payment::Split(s) => policy.splits.get(*s)?.parts.clone(),
    };
    let scale = parts.iter().map(|(_, w)| w.scale()).max().unwrap_or(0);
    let mut weights = Vec::new();
    for (_, w) in &parts {
        let mut w = *w;
        w.rescale(scale);
        if w.is_sign_negative() {
            return None;
        }
        weights.push(w.mantissa());
    }
    let total: i128 = weights.iter().sum();
    if total <= 0 {
        return None;
    }
    let weights64: Option<Vec<i64>> = weights.iter().map(|w| i64::try_from(*w).ok()).collect();
    let max_weight = weights64
        .as_ref()
        .and_then(|w| w.iter().copied().max())
        .unwrap_or(i64::MAX);
    Some(Shares {
        payers: parts.iter().map(|(p, _)| *p).collect(),
        weights,
        total,
        weights64,
        max_weight,
    })
}

/// Splits `amount` (millionths, a whole number of money units) like `Rounding::allocate`.
fn allocate(amount: i64, unit: i64, s: &Shares, out: &mut [i64]) -> Option<()> {
    if s.weights.len() == 1 {
        *out.first_mut()? = amount;
        return Some(());
    }
    let units = amount / unit;
    let sign = units.signum();
    let abs = units.checked_abs()?;
    let n = s.weights.len();
    // Whole parts and remainders in i64 when the products fit (always, for money and the
    // small weights of a split), else in i128.
    let mut rems = [(0i64, 0usize); 8];
    let mut given = 0i64;
    match (i64::try_from(s.total), s.weights64.as_deref()) {
        (Ok(total), Some(w64)) if abs.checked_mul(s.max_weight).is_some() => {
            for (k, w) in w64.iter().enumerate() {
                let p = abs * *w;
                let whole = p / total;
                given += whole;
                *out.get_mut(k)? = whole;
                *rems.get_mut(k)? = (p % total, k);
            }
        }
        _ => {
            let abs = i128::from(abs);
            let mut given128 = 0i128;
            let mut rems128 = [(0i128, 0usize); 8];
            for (k, w) in s.weights.iter().enumerate() {
                let p = abs.checked_mul(*w)?;
                let whole = p / s.total;
                given128 += whole;
                *out.get_mut(k)? = i64::try_from(whole).ok()?;
                *rems128.get_mut(k)? = (p % s.total, k);
            }
            let rems128 = rems128.get_mut(..n)?;
            rems128.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut left = abs - given128;
            for (_, k) in rems128.iter() {
                if left <= 0 {
                    break;
                }
                *out.get_mut(*k)? += 1;
                left -= 1;
            }
            return scale_parts(out, n, unit, sign);
        }
    }
    let mut left = abs - given;
    if n == 2 && left <= 1 {
        // Two parts: the one unit left (if any) goes to the larger remainder, the first on a tie.
        if left == 1 {
            let k = usize::from(rems.get(1)?.0 > rems.first()?.0);
            *out.get_mut(k)? += 1;
        }
    } else {
        let rems = rems.get_mut(..n)?;
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, k) in rems.iter() {
            if left <= 0 {
                break;
            }
            *out.get_mut(*k)? += 1;
            left -= 1;
        }
    }
    scale_parts(out, n, unit, sign)
}

/// Turns the first `n` parts from money units back into signed millionths.
fn scale_parts(out: &mut [i64], n: usize, unit: i64, sign: i64) -> Option<()> {
    for v in out.iter_mut().take(n) {
        *v = v.checked_mul(unit)?.checked_mul(sign)?;
    }
    Some(())
}

pub(crate) struct Plan {
    pub fee_payer: Option<Shares>,
    pub reduction_shares: Vec<Option<Shares>>,
    pub subsidy_shares: Vec<Shares>,
}

/// Runs the pipeline over one chunk.
pub(crate) fn run<'c>(policy: &'c Policy, plan: &Plan, c: &mut Chunk<'c>, out: &mut ChunkOut<'_>) {
    let n = c.n;
    let r = policy.rounding;
    let unit = 10i64.pow(fixed::PLACES - r.scale);
    let money = |v: i64| fixed::money(v, r);
    let bad: &mut [bool] = out.bad;
    out.eligible.iter_mut().for_each(|e| *e = true);

    for cond in &policy.eligibility {
        let v = bools(&cond.when, c, bad);
        for (i, e) in out.eligible.iter_mut().enumerate() {
            *e = *e && v.bool_at(i);
        }
    }
    for (k, cond) in policy.categories.iter().enumerate() {
        let v = bools(&cond.when, c, bad);
        for (i, cat) in out.category.iter_mut().enumerate() {
            if cat.is_none() && v.bool_at(i) {
                *cat = Some(k as u32);
            }
        }
    }
    c.category =
        std::borrow::Cow::Owned(out.category.iter().map(|x| x.unwrap_or(u32::MAX)).collect());
    for (cond, col) in policy.priority.iter().zip(out.priority.iter_mut()) {
        let v = bools(&cond.when, c, bad);
        for (i, (p, e)) in col.iter_mut().zip(out.eligible.iter()).enumerate() {
            *p = *e && v.bool_at(i);
        }
    }

    // Fees.
    let mut fee_amounts: Vec<Vec<i64>> = Vec::with_capacity(policy.fees.len());
    for f in &policy.fees {
        let when = opt(&f.when, c, bad);
        let base = match &f.base {
            FeeBase::Amount(a) => eval(&a.node, c, bad),
            FeeBase::Rate { rate, quantity } => {
                let (rv, qv) = (eval(&rate.node, c, bad), eval(&quantity.node, c, bad));
                let mut prod = Vec::with_capacity(n);
                for i in 0..n {
                    match fixed::mul(rv.num_at(i), qv.num_at(i)) {
                        Some(p) => prod.push(p),
                        None => {
                            mark(bad, i);
                            prod.push(0);
                        }
                    }
                }
                V::Num(prod.into())
            }
        };
        let cap = opt(&f.cap, c, bad);
        let floor = opt(&f.floor, c, bad);
        let mut amounts = vec![0i64; n];
        for (i, a) in amounts.iter_mut().enumerate() {
            if when.as_ref().is_some_and(|w| !w.bool_at(i)) {
                continue;
            }
            let (cap, floor) = (
                cap.as_ref().map(|x| x.num_at(i)),
                floor.as_ref().map(|x| x.num_at(i)),
            );
            if let (Some(cv), Some(fv)) = (cap, floor) {
                if fv > cv {
                    mark(bad, i);
                }
            }
            let mut v = base.num_at(i);
            if let Some(cv) = cap {
                v = v.min(cv);
            }
            if let Some(fv) = floor {
                v = v.max(fv);
            }
            let m = money(v);
            if m < 0 {
                mark(bad, i);
            }
            *a = m;
            match out
                .gross
                .get_mut(i)
                .and_then(|g| g.checked_add(m).map(|s| (g, s)))
            {
                Some((g, s)) => *g = s,
                None => mark(bad, i),
            }
        }
        fee_amounts.push(amounts);
    }

    // Reductions: candidates per rule, then stacking per row.
    let mut cand: Vec<Vec<Option<i64>>> = Vec::with_capacity(policy.reductions.rules.len());
    for rule in &policy.reductions.rules {
        let when = bools(&rule.when, c, bad);
        let cut = match &rule.cut {
            Cut::Waive => None,
            Cut::Percent(p) | Cut::Amount(p) => Some(eval(&p.node, c, bad)),
        };
        let mut col = vec![None; n];
        for (i, slot) in col.iter_mut().enumerate() {
            if !when.bool_at(i) {
                continue;
            }
            let base = if rule.applies_to.is_empty() {
                out.gross.get(i).copied().unwrap_or(0)
            } else {
                rule.applies_to
                    .iter()
                    .filter_map(|k| fee_amounts.get(*k).and_then(|a| a.get(i)))
                    .sum()
            };
            let amount = match (&rule.cut, &cut) {
                (Cut::Waive, _) => Some(base),
                (Cut::Percent(_), Some(p)) => {
                    fixed::mul(base, p.num_at(i)).and_then(|x| fixed::div(x, 100 * ONE))
                }
                (Cut::Amount(_), Some(a)) => Some(a.num_at(i).min(base)),
                _ => None,
            };
            match amount.map(money) {
                Some(m) if m >= 0 => *slot = Some(m),
                _ => mark(bad, i),
            }
        }
        cand.push(col);
    }
    let ceiling = opt(&policy.reductions.ceiling, c, bad);
    let mut parts = [0i64; 8];
    let mut applied: Vec<(usize, i64)> = Vec::with_capacity(8);
    for i in 0..n {
        if !out.eligible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let gross = out.gross.get(i).copied().unwrap_or(0);
        let mut left = ceiling.as_ref().map_or(gross, |c| c.num_at(i).min(gross));
        let mut total = 0i64;
        if !stack(
            policy.reductions.stacking,
            cand.iter().map(|col| col.get(i).copied().flatten()),
            &mut applied,
        ) {
            mark(bad, i);
        } else {
            {
                for &(k, m) in &applied {
                    let take = money(m.min(left).max(0));
                    left -= take;
                    total += take;
                    if let Some(Some(s)) = plan.reduction_shares.get(k) {
                        book(&mut out.payers, i, take, unit, s, &mut parts, bad);
                    }
                }
            }
        }
        if let Some(x) = out.reductions.get_mut(i) {
            *x = total;
        }
        let net = gross - total;
        if let Some(x) = out.net.get_mut(i) {
            *x = net;
        }
        if let Some(s) = &plan.fee_payer {
            book(&mut out.payers, i, net, unit, s, &mut parts, bad);
        }
    }

    // Subsidies.
    let mut cand: Vec<Vec<Option<i64>>> = Vec::with_capacity(policy.subsidies.rules.len());
    for s in &policy.subsidies.rules {
        let when = opt(&s.when, c, bad);
        let unless = opt(&s.unless, c, bad);
        let amount = opt(&s.amount, c, bad);
        let comps: Vec<(V, Option<V>)> = s
            .components
            .iter()
            .map(|k| (eval(&k.amount.node, c, bad), opt(&k.cap, c, bad)))
            .collect();
        let uplift = s
            .uplift
            .as_ref()
            .map(|(w, p)| (eval(&w.node, c, bad), eval(&p.node, c, bad)));
        let floor = opt(&s.floor, c, bad);
        let ceil = opt(&s.ceiling, c, bad);
        let mut col = vec![None; n];
        for (i, slot) in col.iter_mut().enumerate() {
            if when.as_ref().is_some_and(|w| !w.bool_at(i))
                || unless.as_ref().is_some_and(|u| u.bool_at(i))
            {
                continue;
            }
            let mut v = match &amount {
                Some(a) => Some(a.num_at(i)),
                None => comps.iter().try_fold(0i64, |sum, (a, cap)| {
                    let claimed = a.num_at(i);
                    let paid = money(
                        cap.as_ref()
                            .map_or(claimed, |cv| claimed.min(cv.num_at(i).max(0)))
                            .max(0),
                    );
                    sum.checked_add(paid)
                }),
            };
            if let Some((w, p)) = &uplift {
                if w.bool_at(i) {
                    v = v
                        .and_then(|x| {
                            p.num_at(i)
                                .checked_add(100 * ONE)
                                .and_then(|f| fixed::mul(x, f))
                        })
                        .and_then(|x| fixed::div(x, 100 * ONE));
                }
            }
            let (fl, ce) = (
                floor.as_ref().map(|x| x.num_at(i)),
                ceil.as_ref().map(|x| x.num_at(i)),
            );
            if let (Some(f), Some(cv)) = (fl, ce) {
                if f > cv {
                    mark(bad, i);
                }
            }
            let v = v.map(|mut x| {
                if let Some(cv) = ce {
                    x = x.min(cv);
                }
                if let Some(f) = fl {
                    x = x.max(f);
                }
                money(x)
            });
            match v {
                Some(m) if m >= 0 => *slot = Some(m),
                _ => mark(bad, i),
            }
        }
        cand.push(col);
    }
    let ceiling = opt(&policy.subsidies.ceiling, c, bad);
    for i in 0..n {
        if !out.eligible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut left = ceiling.as_ref().map(|c| c.num_at(i));
        let mut total = 0i64;
        if !stack(
            policy.subsidies.stacking,
            cand.iter().map(|col| col.get(i).copied().flatten()),
            &mut applied,
        ) {
            mark(bad, i);
        } else {
            {
                for &(k, m) in &applied {
                    let take = match left {
                        Some(l) => money(m.min(l).max(0)),
                        None => m,
                    };
                    if let Some(l) = left.as_mut() {
                        *l -= take;
                    }
                    total += take;
                    if let Some(s) = plan.subsidy_shares.get(k) {
                        book(&mut out.payers, i, take, unit, s, &mut parts, bad);
                    }
                }
            }
        }
        if let Some(x) = out.subsidies.get_mut(i) {
            *x = total;
        }
    }

    // Entitlements produce no money, but a row whose entitlement cannot be computed is an
    // error in the scalar engine too.
    for e in &policy.entitlements {
        let _ = opt(&e.when, c, bad);
        let _ = eval(&e.count.node, c, bad);
    }

    // Ineligible rows owe and receive nothing.
    for i in 0..n {
        if !out.eligible.get(i).copied().unwrap_or(true) {
            for col in [
                &mut out.gross,
                &mut out.reductions,
                &mut out.net,
                &mut out.subsidies,
            ] {
                if let Some(x) = col.get_mut(i) {
                    *x = 0;
                }
            }
            if let Some(x) = out.category.get_mut(i) {
                *x = None;
            }
        }
    }
}

/// Books `amount` to its payers, in money units.
fn book(
    payers: &mut [&mut [i64]],
    row: usize,
    amount: i64,
    unit: i64,
    s: &Shares,
    parts: &mut [i64; 8],
    bad: &mut [bool],
) {
    if s.payers.is_empty() {
        return;
    }
    if s.payers.len() > parts.len() || allocate(amount, unit, s, parts).is_none() {
        mark(bad, row);
        return;
    }
    for (p, v) in s.payers.iter().zip(parts.iter()) {
        if let Some(x) = payers.get_mut(*p).and_then(|col| col.get_mut(row)) {
            match x.checked_add(*v) {
                Some(s) => *x = s,
                None => mark(bad, row),
            }
        }
    }
}

/// The candidates a stacking policy applies, as (rule index, amount), written into `out`;
/// `false` for a conflict under exclusive stacking.
fn stack(
    policy: Stacking,
    cands: impl Iterator<Item = Option<i64>>,
    out: &mut Vec<(usize, i64)>,
) -> bool {
    out.clear();
    let mut matching = cands.enumerate().filter_map(|(k, m)| m.map(|m| (k, m)));
    match policy {
        Stacking::Add => out.extend(matching),
        Stacking::First => out.extend(matching.next()),
        Stacking::Highest => {
            let mut best: Option<(usize, i64)> = None;
            for c in matching {
                if best.is_none_or(|b| c.1 > b.1) {
                    best = Some(c);
                }
            }
            out.extend(best);
        }
        Stacking::Exclusive => {
            if let Some(first) = matching.next() {
                if matching.any(|c| c.1 != first.1) {
                    return false;
                }
                out.push(first);
            }
        }
    }
    true
}
