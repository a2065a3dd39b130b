//! Batch evaluation: a population given as columns (the layout Arrow uses), evaluated
//! column-wise in chunks on all cores, with exact fixed-point money inside.
//!
//! The pack is compiled once into a plan; each chunk of rows runs the same pipeline as the
//! scalar engine, vectorised. Any row the fixed-point path cannot finish exactly (a quotient
//! that does not terminate within 6 decimals, an overflow, a bad input, a conflict) is
//! evaluated by the scalar `Decimal` engine instead, so the outputs are always exactly those
//! of [`Policy::evaluate`]. Outputs are money columns in units of the pack's scale (fen).

mod fixed;
mod pipeline;
mod vector;

use crate::budget::Budget;
use crate::error::{Error, EvalError};
use crate::expr::TagSet;
use crate::model::{FieldType, Participant, Scalar, Value};
use crate::money::Money;
use crate::policy::{EvalOptions, Policy};
use chrono::NaiveDate;
use pipeline::ChunkOut;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;
use vector::{Chunk, FieldSlice};

/// Rows per chunk.
const CHUNK: usize = 2048;

/// One input column, with an optional validity mask (`false` = absent in that row).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    data: ColumnData,
    valid: Option<Vec<bool>>,
}

/// The values of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Whole numbers.
    Int(Vec<i64>),
    /// Decimals as integers with a fixed number of decimal places (Arrow's Decimal128).
    Decimal {
        /// The values × 10^scale.
        units: Vec<i128>,
        /// Decimal places.
        scale: u32,
    },
    /// Yes/no values.
    Bool(Vec<bool>),
    /// Text, dictionary-encoded: each row's code indexes `values`.
    Text {
        /// Code of each row.
        codes: Vec<u32>,
        /// The distinct texts.
        values: Vec<String>,
    },
    /// Dates.
    Date(Vec<NaiveDate>),
}

impl Column {
    /// A column of whole numbers.
    pub fn int(v: Vec<i64>) -> Column {
        Column {
            data: ColumnData::Int(v),
            valid: None,
        }
    }
    /// A column of decimals given as units at `scale` decimal places.
    pub fn decimal(units: Vec<i128>, scale: u32) -> Column {
        Column {
            data: ColumnData::Decimal { units, scale },
            valid: None,
        }
    }
    /// A column of yes/no values.
    pub fn bool(v: Vec<bool>) -> Column {
        Column {
            data: ColumnData::Bool(v),
            valid: None,
        }
    }
    /// A column of texts, dictionary-encoded here.
    pub fn text<S: AsRef<str>>(v: impl IntoIterator<Item = S>) -> Column {
        let mut values: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let codes = v
            .into_iter()
            .map(|s| {
                let s = s.as_ref();
                *index.entry(s.to_owned()).or_insert_with(|| {
                    values.push(s.to_owned());
                    u32::try_from(values.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        Column {
            data: ColumnData::Text { codes, values },
            valid: None,
        }
    }
    /// A dictionary-encoded text column.
    pub fn dictionary(codes: Vec<u32>, values: Vec<String>) -> Column {
        Column {
            data: ColumnData::Text { codes, values },
            valid: None,
        }
    }
    /// A column of dates.
    pub fn date(v: Vec<NaiveDate>) -> Column {
        Column {
            data: ColumnData::Date(v),
            valid: None,
        }
    }
    /// Marks which rows have a value.
    pub fn with_validity(mut self, valid: Vec<bool>) -> Column {
        self.valid = Some(valid);
        self
    }
    fn len(&self) -> usize {
        match &self.data {
            ColumnData::Int(v) => v.len(),
            ColumnData::Decimal { units, .. } => units.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Text { codes, .. } => codes.len(),
            ColumnData::Date(v) => v.len(),
        }
    }
    fn is_valid(&self, row: usize) -> bool {
        self.valid
            .as_ref()
            .is_none_or(|v| v.get(row).copied().unwrap_or(false))
    }
    /// The value in `row` as a caller would have given it.
    fn value(&self, row: usize) -> Option<Value> {
        if !self.is_valid(row) {
            return None;
        }
        Some(match &self.data {
            ColumnData::Int(v) => Value::Number(Decimal::from(*v.get(row)?)),
            ColumnData::Decimal { units, scale } => {
                Value::Number(Decimal::try_from_i128_with_scale(*units.get(row)?, *scale).ok()?)
            }
            ColumnData::Bool(v) => Value::Bool(*v.get(row)?),
            ColumnData::Text { codes, values } => {
                Value::Text(values.get(*codes.get(row)? as usize)?.clone())
            }
            ColumnData::Date(v) => Value::Text(v.get(row)?.to_string()),
        })
    }
}

/// A population as columns: field columns by name, and tags as yes/no columns or lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    len: usize,
    columns: BTreeMap<String, Column>,
    tag_flags: BTreeMap<String, Vec<bool>>,
    tag_lists: Option<Vec<Vec<String>>>,
}

impl Batch {
    /// An empty batch of `len` rows.
    pub fn new(len: usize) -> Batch {
        Batch {
            len,
            ..Batch::default()
        }
    }
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Adds a field column. Columns the pack does not read are ignored.
    pub fn column(mut self, name: impl Into<String>, c: Column) -> Result<Batch, Error> {
        let name = name.into();
        self.check_len(&name, c.len())?;
        self.columns.insert(name, c);
        Ok(self)
    }
    /// Adds a tag given as a yes/no column (e.g. a `dibao` column of booleans).
    pub fn tag_flags(mut self, tag: impl Into<String>, flags: Vec<bool>) -> Result<Batch, Error> {
        let tag = tag.into();
        self.check_len(&tag, flags.len())?;
        self.tag_flags.insert(tag, flags);
        Ok(self)
    }
    /// Adds each row's tags as a list.
    pub fn tag_lists(mut self, lists: Vec<Vec<String>>) -> Result<Batch, Error> {
        self.check_len("tags", lists.len())?;
        self.tag_lists = Some(lists);
        Ok(self)
    }
    fn check_len(&self, name: &str, len: usize) -> Result<(), Error> {
        if len == self.len {
            return Ok(());
        }
        Err(Error::Input {
            errors: vec![crate::model::input_error(
                name,
                "wrong_length",
                "列长度不一致",
                &format!("column `{name}` has {len} rows, the batch {}", self.len),
            )],
        })
    }

    /// A batch holding the given participants (each field becomes a column; rows without
    /// the field leave it absent). A field whose values are all numbers becomes a decimal
    /// column, all booleans a boolean column, anything else a text column, in which numbers
    /// and booleans are written as text (`"3.5"`, `"true"`).
    pub fn from_participants(people: &[Participant]) -> Batch {
        let mut names: Vec<&String> = people.iter().flat_map(|p| p.fields.keys()).collect();
        names.sort();
        names.dedup();
        let mut batch = Batch::new(people.len());
        for name in names {
            let values: Vec<Option<&Value>> = people.iter().map(|p| p.fields.get(name)).collect();
            let valid: Vec<bool> = values.iter().map(Option::is_some).collect();
            let present = || values.iter().flatten();
            let scale = present()
                .filter_map(|v| match v {
                    Value::Number(d) => Some(d.scale()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            // Numbers share one scale; where one cannot be written at it (too many digits),
            // the column is text, which is read exactly, rather than a rescaled wrong value.
            let at_scale = |d: &Decimal| {
                let mut d = *d;
                d.rescale(scale);
                d.scale() == scale
            };
            let col = if present().all(|v| matches!(v, Value::Number(d) if at_scale(d))) {
                let units = values
                    .iter()
                    .map(|v| match v {
                        Some(Value::Number(d)) => {
                            let mut d = *d;
                            d.rescale(scale);
                            d.mantissa()
                        }
                        _ => 0,
                    })
                    .collect();
                Column::decimal(units, scale)
            } else if present().all(|v| matches!(v, Value::Bool(_))) {
                Column::bool(
                    values
                        .iter()
                        .map(|v| matches!(v, Some(Value::Bool(true))))
                        .collect(),
                )
            } else {
                Column::text(values.iter().map(|v| match v {
                    Some(Value::Text(t)) => t.clone(),
                    Some(Value::Number(d)) => d.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    None => String::new(),
                }))
            };
            batch.columns.insert(name.clone(), col.with_validity(valid));
        }
        batch.tag_lists = Some(people.iter().map(|p| p.tags.clone()).collect());
        batch
    }

    /// Row `row` as a participant (for the scalar path and for error reports).
    pub fn participant(&self, row: usize) -> Participant {
        let mut p = Participant::new();
        for (name, c) in &self.columns {
            if let Some(v) = c.value(row) {
                p.fields.insert(name.clone(), v);
            }
        }
        for (tag, flags) in &self.tag_flags {
            if flags.get(row).copied().unwrap_or(false) {
                p.tags.push(tag.clone());
            }
        }
        if let Some(lists) = &self.tag_lists {
            p.tags.extend(lists.get(row).into_iter().flatten().cloned());
        }
        p
    }
}

/// The outputs of a batch, one entry per row. Money is in units of `scale` decimal places
/// (fen when `scale` is 2); [`BatchOutput::money`] turns a unit count into [`Money`].
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutput {
    /// Decimal places of the money columns.
    pub scale: u32,
    /// Whether each participant is served.
    pub eligible: Vec<bool>,
    /// Category index into `categories` (`None`: none or ineligible).
    pub category: Vec<Option<u32>>,
    /// The pack's category ids.
    pub categories: Vec<String>,
    /// Per priority group (in the pack's order): its id and whether each row is in it.
    pub priority: Vec<(String, Vec<bool>)>,
    /// Gross fee per row.
    pub gross_fee: Vec<i64>,
    /// Reductions per row.
    pub reduction_total: Vec<i64>,
    /// Net fee per row.
    pub net_fee: Vec<i64>,
    /// Subsidies per row.
    pub subsidy_total: Vec<i64>,
    /// Per payer: its id and what it pays for each row.
    pub payers: Vec<(String, Vec<i64>)>,
    /// Rows that could not be evaluated, with the error (all their outputs are zero).
    pub errors: Vec<(usize, Error)>,
    /// Rows the fixed-point path handed to the scalar engine (for benchmarks).
    pub scalar_rows: usize,
}

impl BatchOutput {
    /// A unit count of a money column as [`Money`].
    pub fn money(&self, units: i64) -> Money {
        Money::at_scale(Decimal::new(units, self.scale), self.scale)
    }

    /// The totals of the batch as a [`Budget`], exactly as adding every decision would give.
    pub fn budget(&self, policy: &Policy, as_of: NaiveDate) -> Budget {
        self.budget_from(policy, as_of, 0)
    }

    /// The totals, naming rows in errors as `first_row + index`.
    pub(crate) fn budget_from(
        &self,
        policy: &Policy,
        as_of: NaiveDate,
        first_row: usize,
    ) -> Budget {
        let mut b = Budget::new(policy, as_of);
        let sum = |v: &[i64]| -> Money {
            Money::at_scale(
                Decimal::from_i128_with_scale(v.iter().map(|x| i128::from(*x)).sum(), self.scale),
                self.scale,
            )
        };
        b.participants = self.eligible.len() as u64;
        b.errors = self.errors.len() as u64;
        b.first_errors = self
            .errors
            .iter()
            .take(10)
            .map(|(i, e)| format!("participant {}: {e}", first_row + i))
            .collect();
        b.eligible = self.eligible.iter().filter(|e| **e).count() as u64;
        b.gross_fee = sum(&self.gross_fee);
        b.reductions = sum(&self.reduction_total);
        b.net_fee = sum(&self.net_fee);
        b.subsidies = sum(&self.subsidy_total);
        for (p, col) in &self.payers {
            b.payers.insert(p.clone(), sum(col));
        }
        for (g, col) in &self.priority {
            b.priority_groups
                .insert(g.clone(), col.iter().filter(|x| **x).count() as u64);
        }
        for c in self.category.iter().flatten() {
            if let Some(id) = self.categories.get(*c as usize) {
                *b.categories.entry(id.clone()).or_insert(0) += 1;
            }
        }
        b
    }
}

impl Policy {
    /// Evaluates a population given as columns, as of a date, on all cores. Outputs equal
    /// those of [`Policy::evaluate`] row by row (without the explanation). A batch larger
    /// than the pack's [`crate::Limits::max_batch_participants`] is refused.
    pub fn evaluate_batch(&self, batch: &Batch, as_of: NaiveDate) -> Result<BatchOutput, Error> {
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        self.evaluate_batch_on(batch, as_of, threads)
    }

    /// [`Policy::evaluate_batch`] on at most `threads` threads (at least one; fewer when the
    /// batch has fewer chunks). The outputs do not depend on the number of threads.
    pub fn evaluate_batch_on(
        &self,
        batch: &Batch,
        as_of: NaiveDate,
        threads: usize,
    ) -> Result<BatchOutput, Error> {
        self.check_batch_size(batch.len)?;
        let params = self.params_at(as_of)?;
        let n = batch.len;
        let plan = pipeline::Plan {
            fee_payer: self
                .fee_payer
                .and_then(|p| pipeline::shares(self, &crate::policy::Payment::Payer(p))),
            reduction_shares: self
                .reductions
                .rules
                .iter()
                .map(|r| {
                    r.borne_by
                        .and_then(|s| pipeline::shares(self, &crate::policy::Payment::Split(s)))
                })
                .collect(),
            subsidy_shares: self
                .subsidies
                .rules
                .iter()
                .map(|s| pipeline::shares(self, &s.payment))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
        };
        let vectorisable = self.rounding.scale <= fixed::PLACES
            && self.vectorisable()
            && plan.subsidy_shares.len() == self.subsidies.rules.len();
        let categories: Vec<String> = self.categories.iter().map(|c| c.head.id.clone()).collect();
        let mut out = BatchOutput {
            scale: self.rounding.scale,
            eligible: vec![false; n],
            category: vec![None; n],
            categories,
            priority: self
                .priority
                .iter()
                .map(|c| (c.head.id.clone(), vec![false; n]))
                .collect(),
            gross_fee: vec![0; n],
            reduction_total: vec![0; n],
            net_fee: vec![0; n],
            subsidy_total: vec![0; n],
            payers: self
                .payers
                .iter()
                .map(|(p, _)| (p.clone(), vec![0; n]))
                .collect(),
            errors: Vec::new(),
            scalar_rows: 0,
        };
        let mut bad = vec![!vectorisable; n];
        if vectorisable && n > 0 {
            let fixed_params: Vec<Option<i64>> = params
                .iter()
                .map(|p| p.and_then(fixed::from_decimal))
                .collect();
            let env = Env {
                params: &fixed_params,
                as_of: vector::days(as_of),
            };
            let threads = threads.clamp(1, n.div_ceil(CHUNK));
            let per_thread = n.div_ceil(threads).div_ceil(CHUNK) * CHUNK;
            let parts = split_output(&mut out, &mut bad, per_thread);
            let (env, plan) = (&env, &plan);
            std::thread::scope(|sc| {
                for (t, part) in parts.into_iter().enumerate() {
                    sc.spawn(move || self.run_part(batch, plan, env, t * per_thread, part));
                }
            });
        }
        self.finish_slow_rows(batch, as_of, &bad, &mut out);
        Ok(out)
    }

    /// Runs the fast path over one thread's rows, chunk by chunk.
    fn run_part(
        &self,
        batch: &Batch,
        plan: &pipeline::Plan,
        env: &Env,
        start: usize,
        mut part: ChunkOut<'_>,
    ) {
        let len = part.eligible.len();
        let mut scratch: Vec<Vec<i64>> = vec![Vec::new(); self.fields.len()];
        let mut tags: Vec<TagSet> = Vec::with_capacity(CHUNK);
        let categories: Vec<String> = self.categories.iter().map(|c| c.head.id.clone()).collect();
        let mut at = 0;
        while at < len {
            let end = (at + CHUNK).min(len);
            let mut out = part.sub(at, end);
            let (s, e) = (start + at, start + end);
            for (f, buf) in self.fields.iter().zip(scratch.iter_mut()) {
                fill(f, batch.columns.get(&f.name), s, e, buf, out.bad);
            }
            self.fill_tags(batch, s, e, &mut tags, out.bad);
            let fields = self
                .fields
                .iter()
                .zip(&scratch)
                .map(|(f, buf)| field_slice(f, batch.columns.get(&f.name), s, e, buf))
                .collect();
            let mut chunk = Chunk {
                n: e - s,
                fields,
                tags: &tags,
                params: env.params,
                as_of: env.as_of,
                category: Cow::Borrowed(&[]),
                categories: &categories,
            };
            pipeline::run(self, plan, &mut chunk, &mut out);
            let places = self.rounding.scale;
            fixed::to_units(out.gross, places);
            fixed::to_units(out.reductions, places);
            fixed::to_units(out.net, places);
            fixed::to_units(out.subsidies, places);
            for col in out.payers.iter_mut() {
                fixed::to_units(col, places);
            }
            at = end;
        }
    }

    fn fill_tags(
        &self,
        batch: &Batch,
        s: usize,
        e: usize,
        sets: &mut Vec<TagSet>,
        bad: &mut [bool],
    ) {
        sets.clear();
        sets.resize(e - s, TagSet::default());
        for (tag, flags) in &batch.tag_flags {
            let k = self.tags.iter().position(|(t, _)| t == tag);
            for ((set, f), b) in sets
                .iter_mut()
                .zip(flags.get(s..e).unwrap_or_default())
                .zip(bad.iter_mut())
            {
                match (f, k) {
                    (true, Some(k)) => set.insert(k as u32),
                    // An unknown tag set in a row is that row's input error.
                    (true, None) => *b = true,
                    (false, _) => {}
                }
            }
        }
        if let Some(lists) = &batch.tag_lists {
            for ((set, list), b) in sets
                .iter_mut()
                .zip(lists.get(s..e).unwrap_or_default())
                .zip(bad.iter_mut())
            {
                for t in list {
                    match self.tags.iter().position(|(x, _)| x == t) {
                        Some(k) => set.insert(k as u32),
                        None => *b = true,
                    }
                }
            }
        }
    }

    /// Whether every expression of the pack can run column-wise.
    fn vectorisable(&self) -> bool {
        let mut exprs: Vec<&crate::expr::Expression> = Vec::new();
        for c in self
            .eligibility
            .iter()
            .chain(&self.categories)
            .chain(&self.priority)
        {
            exprs.push(&c.when);
        }
        for f in &self.fees {
            exprs.extend(f.when.iter().chain(&f.cap).chain(&f.floor));
            match &f.base {
                crate::policy::FeeBase::Amount(a) => exprs.push(a),
                crate::policy::FeeBase::Rate { rate, quantity } => exprs.extend([rate, quantity]),
            }
        }
        for r in &self.reductions.rules {
            exprs.push(&r.when);
            if let crate::policy::Cut::Percent(e) | crate::policy::Cut::Amount(e) = &r.cut {
                exprs.push(e);
            }
        }
        for s in &self.subsidies.rules {
            exprs.extend(
                s.when
                    .iter()
                    .chain(&s.unless)
                    .chain(&s.amount)
                    .chain(&s.floor)
                    .chain(&s.ceiling),
            );
            exprs.extend(
                s.components
                    .iter()
                    .flat_map(|k| std::iter::once(&k.amount).chain(&k.cap)),
            );
            exprs.extend(s.uplift.iter().flat_map(|(a, b)| [a, b]));
        }
        for e in &self.entitlements {
            exprs.extend(e.when.iter().chain(std::iter::once(&e.count)));
        }
        exprs.extend(
            self.reductions
                .ceiling
                .iter()
                .chain(&self.subsidies.ceiling),
        );
        exprs.iter().all(|e| vector::supported(&e.node))
    }

    /// Evaluates the rows the fast path left, one by one, and writes their outputs.
    fn finish_slow_rows(
        &self,
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
            let decided = self
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
                            .map(|k| k as u32);
                    }
                    for (g, col) in out.priority.iter_mut() {
                        if let Some(x) = col.get_mut(row) {
                            *x = d.priority_groups.contains(g);
                        }
                    }
                    let units = |m: Money| units(m).unwrap_or_default();
                    set(&mut out.gross_fee, units(d.gross_fee));
                    set(&mut out.reduction_total, units(d.reduction_total));
                    set(&mut out.net_fee, units(d.net_fee));
                    set(&mut out.subsidy_total, units(d.subsidy_total));
                    for (p, col) in out.payers.iter_mut() {
                        set(col, d.payers.get(p).map_or(0, |m| units(*m)));
                    }
                }
                Err(e) => {
                    if let Some(x) = out.eligible.get_mut(row) {
                        *x = false;
                    }
                    if let Some(x) = out.category.get_mut(row) {
                        *x = None;
                    }
                    for (_, col) in out.priority.iter_mut() {
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
}

/// What the worker threads share.
struct Env<'a> {
    params: &'a [Option<i64>],
    as_of: i32,
}

impl ChunkOut<'_> {
    /// Rows `s..e` of this part.
    fn sub(&mut self, s: usize, e: usize) -> ChunkOut<'_> {
        ChunkOut {
            eligible: self.eligible.get_mut(s..e).unwrap_or_default(),
            category: self.category.get_mut(s..e).unwrap_or_default(),
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

/// Converts rows `s..e` of a numeric or date field's column into `buf` (millionths or days;
/// other types are borrowed as they are), marking rows the fast path cannot take: absent,
/// out of range, not exact at 6 places, not an allowed choice.
fn fill(
    f: &crate::policy::Field,
    col: Option<&Column>,
    s: usize,
    e: usize,
    buf: &mut Vec<i64>,
    bad: &mut [bool],
) {
    buf.clear();
    let Some(col) = col else {
        if f.default.is_none() {
            bad.iter_mut().for_each(|b| *b = true);
        }
        return;
    };
    // Bounds in millionths; a bound finer than a millionth sends every row to the scalar path.
    let (min, max) = (
        f.min.map(fixed::from_decimal),
        f.max.map(fixed::from_decimal),
    );
    if matches!(min, Some(None)) || matches!(max, Some(None)) {
        bad.iter_mut().for_each(|b| *b = true);
    }
    let (min, max) = (
        min.flatten().unwrap_or(i64::MIN),
        max.flatten().unwrap_or(i64::MAX),
    );
    let integer = f.ty == FieldType::Integer;
    let ok_num = |v: i64| -> bool { v >= min && v <= max && (!integer || v % fixed::ONE == 0) };
    let valid = |row: usize| col.is_valid(row);
    match (&col.data, f.ty) {
        (ColumnData::Int(v), FieldType::Integer | FieldType::Decimal) => {
            for (k, (x, b)) in v
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .zip(bad.iter_mut())
                .enumerate()
            {
                let fx = x.checked_mul(fixed::ONE);
                *b |= !(valid(s + k) && fx.is_some_and(ok_num));
                buf.push(fx.unwrap_or(0));
            }
        }
        (ColumnData::Decimal { units, scale }, FieldType::Integer | FieldType::Decimal) => {
            for (k, (u, b)) in units
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .zip(bad.iter_mut())
                .enumerate()
            {
                let fx = fixed::from_units(*u, *scale);
                *b |= !(valid(s + k) && fx.is_some_and(ok_num));
                buf.push(fx.unwrap_or(0));
            }
        }
        (ColumnData::Text { codes, values }, FieldType::Text | FieldType::Choice) => {
            let allowed: Vec<bool> = values
                .iter()
                .map(|v| f.ty == FieldType::Text || f.choices.iter().any(|(c, _)| c == v))
                .collect();
            for (k, (c, b)) in codes
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .zip(bad.iter_mut())
                .enumerate()
            {
                *b |= !(valid(s + k) && allowed.get(*c as usize).copied().unwrap_or(false));
            }
        }
        (ColumnData::Bool(_), FieldType::Boolean) | (ColumnData::Date(_), FieldType::Date) => {
            for (k, b) in bad.iter_mut().enumerate().take(e - s) {
                *b |= !valid(s + k);
            }
            if let ColumnData::Date(v) = &col.data {
                buf.extend(
                    v.get(s..e)
                        .unwrap_or_default()
                        .iter()
                        .map(|d| i64::from(vector::days(*d))),
                );
            }
        }
        // Any other pairing (numbers as text, yes/no as text…) is converted by the scalar
        // engine's own rules, row by row.
        _ => bad.iter_mut().for_each(|b| *b = true),
    }
}

/// A field's values for rows `s..e`, borrowing the column or the converted buffer.
fn field_slice<'a>(
    f: &'a crate::policy::Field,
    col: Option<&'a Column>,
    s: usize,
    e: usize,
    buf: &'a [i64],
) -> FieldSlice<'a> {
    match (col.map(|c| &c.data), &f.default) {
        (None, Some(Scalar::Num(d))) => FieldSlice::ConstNum(fixed::from_decimal(*d).unwrap_or(0)),
        (None, Some(Scalar::Bool(b))) => FieldSlice::ConstBool(*b),
        (None, Some(Scalar::Text(t))) => FieldSlice::ConstText(t),
        (None, Some(Scalar::Date(d))) => FieldSlice::ConstDate(vector::days(*d)),
        (Some(ColumnData::Bool(v)), _) => FieldSlice::Bool(v.get(s..e).unwrap_or_default()),
        (Some(ColumnData::Text { codes, values }), _) => {
            FieldSlice::Text(codes.get(s..e).unwrap_or_default(), values)
        }
        (Some(ColumnData::Date(_)), _) => FieldSlice::Date(buf),
        _ => FieldSlice::Num(buf),
    }
}
