//! Running a batch on lanes: chunks of rows on all cores. For each chunk the lanes evaluate
//! every expression of the plan a column at a time; then [`rules::decide`] decides each row
//! over [`Fixed`] amounts and writes the output columns. Rows that a lane or a rule cannot
//! finish exactly are decided afterwards by the exact engine, one by one.

use super::columns::{field_slice, fill, fill_tags, mark_unread};
use super::plan::Plan;
use super::{Batch, BatchOutput};
use crate::decision::StepKind;
use crate::error::EvalError;
use crate::expr::lane::{self, Chunk, V};
use crate::expr::{Expression, TagSet};
use crate::money::{fixed, Money};
use crate::policy::{EvalOptions, Payment, Policy};
use crate::rules::{self, Fail, Fixed, Ledger, Scratch, Values};
use crate::text::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// Rows per chunk.
const CHUNK: usize = 2048;

/// Where one chunk's outputs go: slices of the batch's output columns, zero on entry. Money
/// is written in millionths; rows that cannot be finished exactly are marked in `bad`
/// (which arrives marked for rows whose inputs need the exact engine).
pub(crate) struct ChunkOut<'o> {
    pub eligible: &'o mut [bool],
    pub category: &'o mut [Option<u32>],
    pub unmet: Vec<&'o mut [bool]>,
    pub priority: Vec<&'o mut [bool]>,
    pub gross: &'o mut [i64],
    pub reductions: &'o mut [i64],
    pub net: &'o mut [i64],
    pub subsidies: &'o mut [i64],
    pub payers: Vec<&'o mut [i64]>,
    pub bad: &'o mut [bool],
}

impl ChunkOut<'_> {
    /// Rows `s..e` of this part.
    fn sub(&mut self, s: usize, e: usize) -> ChunkOut<'_> {
        ChunkOut {
            eligible: self.eligible.get_mut(s..e).unwrap_or_default(),
            category: self.category.get_mut(s..e).unwrap_or_default(),
            unmet: self
                .unmet
                .iter_mut()
                .map(|c| c.get_mut(s..e).unwrap_or_default())
                .collect(),
            priority: self
                .priority
                .iter_mut()
                .map(|c| c.get_mut(s..e).unwrap_or_default())
                .collect(),
            gross: self.gross.get_mut(s..e).unwrap_or_default(),
            reductions: self.reductions.get_mut(s..e).unwrap_or_default(),
            net: self.net.get_mut(s..e).unwrap_or_default(),
            subsidies: self.subsidies.get_mut(s..e).unwrap_or_default(),
            payers: self
                .payers
                .iter_mut()
                .map(|c| c.get_mut(s..e).unwrap_or_default())
                .collect(),
            bad: self.bad.get_mut(s..e).unwrap_or_default(),
        }
    }
}

/// Splits the output columns into one part per thread, `per` rows each.
fn split_output<'o>(
    out: &'o mut BatchOutput,
    bad: &'o mut [bool],
    per: usize,
) -> Vec<ChunkOut<'o>> {
    let mut unmet: Vec<_> = out
        .unmet
        .iter_mut()
        .map(|(_, c)| c.chunks_mut(per))
        .collect();
    let mut priority: Vec<_> = out
        .priority
        .iter_mut()
        .map(|(_, c)| c.chunks_mut(per))
        .collect();
    let mut payers: Vec<_> = out
        .payers
        .iter_mut()
        .map(|(_, c)| c.chunks_mut(per))
        .collect();
    let mut parts = Vec::new();
    let cols = out
        .eligible
        .chunks_mut(per)
        .zip(out.category.chunks_mut(per))
        .zip(out.gross_fee.chunks_mut(per))
        .zip(out.reduction_total.chunks_mut(per))
        .zip(out.net_fee.chunks_mut(per))
        .zip(out.subsidy_total.chunks_mut(per))
        .zip(bad.chunks_mut(per));
    for ((((((eligible, category), gross), reductions), net), subsidies), bad) in cols {
        parts.push(ChunkOut {
            eligible,
            category,
            unmet: unmet.iter_mut().filter_map(Iterator::next).collect(),
            priority: priority.iter_mut().filter_map(Iterator::next).collect(),
            gross,
            reductions,
            net,
            subsidies,
            payers: payers.iter_mut().filter_map(Iterator::next).collect(),
            bad,
        });
    }
    parts
}

/// Evaluates the batch on lanes on up to `threads` threads; returns which rows are left for
/// the exact engine.
pub(crate) fn lanes(
    policy: &Policy,
    batch: &Batch,
    plan: &Plan<'_>,
    params: &[Option<Decimal>],
    as_of: NaiveDate,
    threads: usize,
    out: &mut BatchOutput,
) -> Vec<bool> {
    let n = batch.len();
    let mut slow = vec![false; n];
    if n == 0 {
        return slow;
    }
    let params: Vec<Option<i64>> = params
        .iter()
        .map(|p| p.and_then(fixed::from_decimal))
        .collect();
    let shared = Shared {
        params: &params,
        as_of: lane::days(as_of),
        plan,
        categories: policy
            .categories
            .iter()
            .map(|c| c.head.id.to_string())
            .collect(),
    };
    let threads = threads.clamp(1, n.div_ceil(CHUNK).max(1));
    let per_thread = n.div_ceil(threads).div_ceil(CHUNK) * CHUNK;
    let parts = split_output(out, &mut slow, per_thread);
    let shared = &shared;
    std::thread::scope(|sc| {
        for (t, part) in parts.into_iter().enumerate() {
            sc.spawn(move || run_part(policy, batch, shared, t * per_thread, part));
        }
    });
    slow
}

/// What the worker threads share.
struct Shared<'a> {
    params: &'a [Option<i64>],
    as_of: i32,
    plan: &'a Plan<'a>,
    categories: Vec<String>,
}

/// Runs one thread's rows, chunk by chunk.
fn run_part(policy: &Policy, batch: &Batch, shared: &Shared, start: usize, mut part: ChunkOut<'_>) {
    let len = part.eligible.len();
    let mut scratch: Vec<Vec<i64>> = vec![Vec::new(); policy.fields.len()];
    let mut tags: Vec<TagSet> = Vec::with_capacity(CHUNK);
    let mut rules_scratch = Scratch::default();
    let mut at = 0;
    while at < len {
        let end = (at + CHUNK).min(len);
        let mut out = part.sub(at, end);
        // The payers' columns are added to (read, then written). Their fresh pages are
        // written first, here: a first read would map the shared zero page, and the write
        // after it would then cost a copy-on-write fault whose TLB flush interrupts every
        // other thread of the process.
        for col in out.payers.iter_mut() {
            col.fill(0);
        }
        let (s, e) = (start + at, start + end);
        for (f, buf) in policy.fields.iter().zip(scratch.iter_mut()) {
            fill(f, batch.columns.get(&f.name), s, e, buf, out.bad);
        }
        fill_tags(policy, batch, s, e, &mut tags, out.bad);
        mark_unread(policy, batch, s, e, out.bad);
        let fields = policy
            .fields
            .iter()
            .zip(&scratch)
            .map(|(f, buf)| field_slice(f, batch.columns.get(&f.name), s, e, buf))
            .collect();
        let mut chunk = Chunk {
            n: e - s,
            fields,
            tags: &tags,
            params: shared.params,
            as_of: shared.as_of,
            category: Cow::Borrowed(&[]),
            categories: &shared.categories,
        };
        decide_chunk(
            policy,
            shared.plan,
            &mut chunk,
            &mut out,
            &mut rules_scratch,
        );
        let places = policy.rounding.scale;
        for col in [out.gross, out.reductions, out.net, out.subsidies] {
            fixed::to_units(col, places);
        }
        for col in out.payers.iter_mut() {
            fixed::to_units(col, places);
        }
        at = end;
    }
}

/// Evaluates the plan's expressions over the chunk, then decides each row.
fn decide_chunk<'c>(
    policy: &'c Policy,
    plan: &Plan<'c>,
    chunk: &mut Chunk<'c>,
    out: &mut ChunkOut<'_>,
    scratch: &mut Scratch<Fixed>,
) {
    let mut values: Vec<Option<V<'c>>> = Vec::new();
    values.resize_with(policy.slots, || None);
    let evaluate = |values: &mut Vec<Option<V<'c>>>,
                    exprs: &[&'c Expression],
                    chunk: &Chunk<'c>,
                    bad: &mut [bool]| {
        for e in exprs {
            let v = lane::eval(&e.node, chunk, bad);
            if let Some(slot) = values.get_mut(e.slot as usize) {
                *slot = Some(v);
            }
        }
    };
    evaluate(&mut values, &plan.first, chunk, out.bad);
    if !plan.after_category.is_empty() {
        // Rules after the category stage read it: find each row's category first.
        let mut categories = vec![u32::MAX; chunk.n];
        for (row, c) in categories.iter_mut().enumerate() {
            let lane = Lane {
                values: &values,
                row,
            };
            let mut ledger = Columns { out, row };
            match rules::categorise(policy, &lane, &mut ledger) {
                Ok(k) => *c = k.and_then(|k| u32::try_from(k).ok()).unwrap_or(u32::MAX),
                Err(_) => mark(out.bad, row),
            }
        }
        out.category.iter_mut().for_each(|c| *c = None);
        chunk.category = Cow::Owned(categories);
        evaluate(&mut values, &plan.after_category, chunk, out.bad);
    }
    for row in 0..chunk.n {
        if out.bad.get(row).copied().unwrap_or(true) {
            continue;
        }
        let mut lane = Lane {
            values: &values,
            row,
        };
        let mut ledger = Columns { out, row };
        if rules::decide(policy, &mut lane, &mut ledger, scratch).is_err() {
            mark(out.bad, row);
        }
    }
}

fn mark(bad: &mut [bool], row: usize) {
    if let Some(b) = bad.get_mut(row) {
        *b = true;
    }
}

/// One row of a chunk's lane values.
struct Lane<'v, 'c> {
    values: &'v [Option<V<'c>>],
    row: usize,
}

impl Lane<'_, '_> {
    #[inline]
    fn value(&self, rule: &str, e: &Expression) -> Result<&V<'_>, Fail> {
        self.values
            .get(e.slot as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| {
                Box::new(EvalError::Arithmetic {
                    rule: rule.to_owned(),
                    what: format!("`{}` has no lane value", e.source),
                })
            })
    }
}

impl Values<Fixed> for Lane<'_, '_> {
    #[inline]
    fn num(&self, rule: &str, e: &Expression) -> Result<Fixed, Fail> {
        Ok(Fixed(self.value(rule, e)?.num_at(self.row)))
    }
    #[inline]
    fn truth(&self, rule: &str, e: &Expression) -> Result<bool, Fail> {
        Ok(self.value(rule, e)?.bool_at(self.row))
    }
    /// The lanes already hold the category (see [`Plan::after_category`]).
    fn enter_category(&mut self, _: Option<usize>) {}
}

/// Writes one row's results into the chunk's output columns.
struct Columns<'a, 'o> {
    out: &'a mut ChunkOut<'o>,
    row: usize,
}

fn put<T>(col: &mut [T], row: usize, v: T) {
    if let Some(x) = col.get_mut(row) {
        *x = v;
    }
}

impl Ledger<Fixed> for Columns<'_, '_> {
    #[inline]
    fn explaining(&self) -> bool {
        false
    }
    fn condition(&mut self, kind: StepKind, k: usize, holds: bool, _: Option<Text>) {
        match kind {
            StepKind::Eligibility => {
                if let Some(col) = self.out.unmet.get_mut(k) {
                    put(col, self.row, !holds);
                }
            }
            StepKind::Category if holds => {
                put(self.out.category, self.row, u32::try_from(k).ok());
            }
            StepKind::Priority => {
                if let Some(col) = self.out.priority.get_mut(k) {
                    put(col, self.row, holds);
                }
            }
            _ => {}
        }
    }
    fn eligibility(&mut self, eligible: bool) {
        put(self.out.eligible, self.row, eligible);
    }
    fn fee(&mut self, _: usize, _: Option<Fixed>, _: Option<Text>) {}
    fn gross_fee(&mut self, gross: Fixed) {
        put(self.out.gross, self.row, gross.0);
    }
    fn reduction(&mut self, _: usize, _: Option<Fixed>, _: Option<Text>) {}
    fn reduction_applied(&mut self, _: usize, _: Fixed) {}
    fn net_fee(&mut self, reductions: Fixed, net: Fixed) {
        put(self.out.reductions, self.row, reductions.0);
        put(self.out.net, self.row, net.0);
    }
    fn subsidy(&mut self, _: usize, _: Option<Fixed>, _: Option<Text>) {}
    fn subsidy_applied(&mut self, _: usize, _: Fixed) {}
    fn subsidy_total(&mut self, total: Fixed) {
        put(self.out.subsidies, self.row, total.0);
    }
    fn allocation(
        &mut self,
        rule: &crate::text::Name,
        _: &Payment,
        _: Fixed,
        payers: &[usize],
        parts: &[Fixed],
    ) -> Result<(), Fail> {
        #[cold]
        fn overflow(rule: &str) -> Fail {
            Box::new(EvalError::Arithmetic {
                rule: rule.to_owned(),
                what: "arithmetic overflow".into(),
            })
        }
        for (p, part) in payers.iter().zip(parts) {
            if let Some(x) = self
                .out
                .payers
                .get_mut(*p)
                .and_then(|c| c.get_mut(self.row))
            {
                *x = x.checked_add(part.0).ok_or_else(|| overflow(rule))?;
            }
        }
        Ok(())
    }
    fn entitlement(&mut self, _: usize, _: Option<Fixed>, _: Option<Text>) {}
}

/// Evaluates the rows the fast path left, one by one, and writes their outputs.
pub(crate) fn finish_slow_rows(
    policy: &Policy,
    batch: &Batch,
    as_of: NaiveDate,
    slow: &[bool],
    out: &mut BatchOutput,
) {
    let unit_scale = out.scale;
    let units = |m: Money| -> Option<i64> {
        let mut d = m.amount();
        d.rescale(unit_scale);
        i64::try_from(d.mantissa()).ok()
    };
    for (row, _) in slow.iter().enumerate().filter(|(_, s)| **s) {
        out.scalar_rows += 1;
        let set = |col: &mut Vec<i64>, v: i64| {
            if let Some(x) = col.get_mut(row) {
                *x = v;
            }
        };
        let decided = policy
            .evaluate_with(
                &batch.participant(row),
                as_of,
                EvalOptions { explain: false },
            )
            .and_then(|d| {
                // An amount the 64-bit money columns cannot hold is that row's error,
                // never a saturated number.
                let amounts = [d.gross_fee, d.reduction_total, d.net_fee, d.subsidy_total];
                match amounts
                    .iter()
                    .chain(d.payers.values())
                    .find(|m| units(**m).is_none())
                {
                    Some(m) => Err(EvalError::Arithmetic {
                        rule: "batch".into(),
                        what: format!(
                            "amount {m} is too large for the batch's 64-bit money columns"
                        ),
                    }
                    .into()),
                    None => Ok(d),
                }
            });
        match decided {
            Ok(d) => {
                if let Some(x) = out.eligible.get_mut(row) {
                    *x = d.eligible;
                }
                if let Some(x) = out.category.get_mut(row) {
                    *x = d
                        .category
                        .as_ref()
                        .and_then(|c| out.categories.iter().position(|k| k == c))
                        .and_then(|k| u32::try_from(k).ok());
                }
                for (rule, col) in out.unmet.iter_mut() {
                    if let Some(x) = col.get_mut(row) {
                        *x = d.reasons.iter().any(|r| r.rule == *rule);
                    }
                }
                for (g, col) in out.priority.iter_mut() {
                    if let Some(x) = col.get_mut(row) {
                        *x = d.priority_groups.iter().any(|x| x == g);
                    }
                }
                let units = |m: Money| units(m).unwrap_or_default();
                set(&mut out.gross_fee, units(d.gross_fee));
                set(&mut out.reduction_total, units(d.reduction_total));
                set(&mut out.net_fee, units(d.net_fee));
                set(&mut out.subsidy_total, units(d.subsidy_total));
                for (p, col) in out.payers.iter_mut() {
                    set(col, d.payers.get(p.as_str()).map_or(0, |m| units(*m)));
                }
            }
            Err(e) => {
                if let Some(x) = out.eligible.get_mut(row) {
                    *x = false;
                }
                if let Some(x) = out.category.get_mut(row) {
                    *x = None;
                }
                for (_, col) in out.unmet.iter_mut().chain(out.priority.iter_mut()) {
                    if let Some(x) = col.get_mut(row) {
                        *x = false;
                    }
                }
                for col in [
                    &mut out.gross_fee,
                    &mut out.reduction_total,
                    &mut out.net_fee,
                    &mut out.subsidy_total,
                ] {
                    set(col, 0);
                }
                for (_, col) in out.payers.iter_mut() {
                    set(col, 0);
                }
                out.errors.push((row, e));
            }
        }
    }
}
