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

use crate::error::{Error, InputError};
use crate::expr::TagSet;
use crate::model::{FieldType, Participant, Scalar, Value};
use crate::money::Money;
use crate::policy::{EvalOptions, Policy};
use crate::budget::Budget;
use chrono::NaiveDate;
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
        Column { data: ColumnData::Int(v), valid: None }
    }
    /// A column of decimals given as units at `scale` decimal places.
    pub fn decimal(units: Vec<i128>, scale: u32) -> Column {
        Column { data: ColumnData::Decimal { units, scale }, valid: None }
    }
    /// A column of yes/no values.
    pub fn bool(v: Vec<bool>) -> Column {
        Column { data: ColumnData::Bool(v), valid: None }
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
        Column { data: ColumnData::Text { codes, values }, valid: None }
    }
    /// A dictionary-encoded text column.
    pub fn dictionary(codes: Vec<u32>, values: Vec<String>) -> Column {
        Column { data: ColumnData::Text { codes, values }, valid: None }
    }
    /// A column of dates.
    pub fn date(v: Vec<NaiveDate>) -> Column {
        Column { data: ColumnData::Date(v), valid: None }
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
        self.valid.as_ref().is_none_or(|v| v.get(row).copied().unwrap_or(false))
    }
    /// The value in `row` as a caller would have given it.
    fn value(&self, row: usize) -> Option<Value> {
        if !self.is_valid(row) {
            return None;
        }
        Some(match &self.data {
            ColumnData::Int(v) => Value::Number(Decimal::from(*v.get(row)?)),
            ColumnData::Decimal { units, scale } => Value::Number(Decimal::try_from_i128_with_scale(*units.get(row)?, *scale).ok()?),
            ColumnData::Bool(v) => Value::Bool(*v.get(row)?),
            ColumnData::Text { codes, values } => Value::Text(values.get(*codes.get(row)? as usize)?.clone()),
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
        Batch { len, ..Batch::default() }
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
            errors: vec![crate::model::input_error(name, "wrong_length", "列长度不一致", &format!("column `{name}` has {len} rows, the batch {}", self.len))],
        })
    }

    /// A batch holding the given participants (each field becomes a column; rows without
    /// the field leave it absent).
    pub fn from_participants(people: &[Participant]) -> Batch {
        let mut names: Vec<&String> = people.iter().flat_map(|p| p.fields.keys()).collect();
        names.sort();
        names.dedup();
        let mut batch = Batch::new(people.len());
        for name in names {
            let values: Vec<Option<&Value>> = people.iter().map(|p| p.fields.get(name)).collect();
            let valid: Vec<bool> = values.iter().map(Option::is_some).collect();
            let present = || values.iter().flatten();
            let col = if present().all(|v| matches!(v, Value::Number(_))) {
                let scale = present().filter_map(|v| if let Value::Number(d) = v { Some(d.scale()) } else { None }).max().unwrap_or(0);
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
                Column::bool(values.iter().map(|v| matches!(v, Some(Value::Bool(true)))).collect())
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
        let mut b = Budget::new(policy, as_of);
        let sum = |v: &[i64]| -> Money { Money::at_scale(Decimal::from_i128_with_scale(v.iter().map(|x| i128::from(*x)).sum(), self.scale), self.scale) };
        b.participants = self.eligible.len() as u64;
        b.errors = self.errors.len() as u64;
        b.first_errors = self.errors.iter().take(10).map(|(i, e)| format!("participant {i}: {e}")).collect();
        b.eligible = self.eligible.iter().filter(|e| **e).count() as u64;
        b.gross_fee = sum(&self.gross_fee);
        b.reductions = sum(&self.reduction_total);
        b.net_fee = sum(&self.net_fee);
        b.subsidies = sum(&self.subsidy_total);
        for (p, col) in &self.payers {
            b.payers.insert(p.clone(), sum(col));
        }
        for (g, col) in &self.priority {
            b.priority_groups.insert(g.clone(), col.iter().filter(|x| **x).count() as u64);
        }
        for c in self.category.iter().flatten() {
            if let Some(id) = self.categories.get(*c as usize) {
                *b.categories.entry(id.clone()).or_insert(0) += 1;
            }
        }
        b
    }
}

/// A field prepared for the fast path: values for every row, and rows that must go slow.
enum Prepared {
    Num(Vec<i64>),
    Bool(Vec<bool>),
    Text(Vec<u32>, Vec<String>),
    Date(Vec<i32>),
    Const(Scalar),
}

impl Policy {
    /// Evaluates a population given as columns, as of a date, on all cores. Outputs equal
    /// those of [`Policy::evaluate`] row by row (without the explanation).
    pub fn evaluate_batch(&self, batch: &Batch, as_of: NaiveDate) -> Result<BatchOutput, Error> {
        let params = self.params_at(as_of)?;
        let n = batch.len;
        let mut slow = vec![false; n];
        let vectorisable = self.rounding.scale <= fixed::PLACES && self.vectorisable();
        if !vectorisable {
            slow.iter_mut().for_each(|s| *s = true);
        }
        let prepared: Vec<Prepared> = self.fields.iter().map(|f| prepare(f, batch.columns.get(&f.name), &mut slow)).collect();
        let tags = self.prepare_tags(batch, &mut slow);
        let fixed_params: Vec<Option<i64>> = params.iter().map(|p| p.and_then(fixed::from_decimal)).collect();
        let plan = pipeline::Plan {
            fee_payer: self.fee_payer.and_then(|p| pipeline::shares(self, &crate::policy::Payment::Payer(p))),
            reduction_shares: self.reductions.rules.iter().map(|r| r.borne_by.and_then(|s| pipeline::shares(self, &crate::policy::Payment::Split(s)))).collect(),
            subsidy_shares: self.subsidies.rules.iter().map(|s| pipeline::shares(self, &s.payment)).collect::<Option<Vec<_>>>().unwrap_or_default(),
        };
        if plan.subsidy_shares.len() != self.subsidies.rules.len() {
            slow.iter_mut().for_each(|s| *s = true);
        }
        let categories: Vec<String> = self.categories.iter().map(|c| c.head.id.clone()).collect();
        let as_of_days = vector::days(as_of);

        let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(n.div_ceil(CHUNK).max(1));
        let per_thread = n.div_ceil(threads).div_ceil(CHUNK).max(1) * CHUNK;
        let run_range = |start: usize, end: usize| -> Vec<pipeline::ChunkResult> {
            let mut results = Vec::new();
            let mut s = start;
            while s < end {
                let e = (s + CHUNK).min(end);
                let fields = prepared.iter().map(|p| slice(p, s, e)).collect();
                let mut chunk = Chunk {
                    n: e - s,
                    fields,
                    tags: tags.get(s..e).unwrap_or_default(),
                    params: &fixed_params,
                    as_of: as_of_days,
                    category: Cow::Owned(Vec::new()),
                    categories: &categories,
                };
                results.push(pipeline::run(self, &plan, &mut chunk));
                s = e;
            }
            results
        };
        let mut chunks: Vec<pipeline::ChunkResult> = Vec::new();
        if vectorisable {
            std::thread::scope(|sc| {
                let handles: Vec<_> = (0..threads).map(|t| (t * per_thread, ((t + 1) * per_thread).min(n))).filter(|(a, b)| a < b).map(|(a, b)| sc.spawn(move || run_range(a, b))).collect();
                for h in handles {
                    if let Ok(r) = h.join() {
                        chunks.extend(r);
                    }
                }
            });
        }

        let mut out = BatchOutput {
            scale: self.rounding.scale,
            eligible: Vec::with_capacity(n),
            category: Vec::with_capacity(n),
            categories,
            priority: self.priority.iter().map(|c| (c.head.id.clone(), Vec::with_capacity(n))).collect(),
            gross_fee: Vec::with_capacity(n),
            reduction_total: Vec::with_capacity(n),
            net_fee: Vec::with_capacity(n),
            subsidy_total: Vec::with_capacity(n),
            payers: self.payers.iter().map(|(p, _)| (p.clone(), Vec::with_capacity(n))).collect(),
            errors: Vec::new(),
            scalar_rows: 0,
        };
        for c in chunks {
            out.eligible.extend(c.eligible);
            out.category.extend(c.category.into_iter().map(|x| (x != u32::MAX).then_some(x)));
            for ((_, col), p) in out.priority.iter_mut().zip(c.priority) {
                col.extend(p);
            }
            let places = out.scale;
            fixed::extend_units(&mut out.gross_fee, &c.gross, places);
            fixed::extend_units(&mut out.reduction_total, &c.reductions, places);
            fixed::extend_units(&mut out.net_fee, &c.net, places);
            fixed::extend_units(&mut out.subsidy_total, &c.subsidies, places);
            for ((_, col), p) in out.payers.iter_mut().zip(c.payers) {
                fixed::extend_units(col, &p, places);
            }
            for (s, b) in slow.iter_mut().skip(out.eligible.len() - c.bad.len()).zip(c.bad) {
                *s |= b;
            }
        }
        if out.eligible.len() != n {
            // Nothing ran column-wise: every row goes through the scalar engine.
            out.eligible = vec![false; n];
            out.category = vec![None; n];
            for (_, col) in out.priority.iter_mut().chain(std::iter::empty()) {
                *col = vec![false; n];
            }
            for col in [&mut out.gross_fee, &mut out.reduction_total, &mut out.net_fee, &mut out.subsidy_total] {
                *col = vec![0; n];
            }
            for (_, col) in out.payers.iter_mut() {
                *col = vec![0; n];
            }
        }
        self.finish_slow_rows(batch, as_of, &slow, &mut out);
        Ok(out)
    }

    /// Whether every expression of the pack can run column-wise.
    fn vectorisable(&self) -> bool {
        let mut exprs: Vec<&crate::expr::Expression> = Vec::new();
        for c in self.eligibility.iter().chain(&self.categories).chain(&self.priority) {
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
            exprs.extend(s.when.iter().chain(&s.unless).chain(&s.amount).chain(&s.floor).chain(&s.ceiling));
            exprs.extend(s.components.iter().flat_map(|k| std::iter::once(&k.amount).chain(&k.cap)));
            exprs.extend(s.uplift.iter().flat_map(|(a, b)| [a, b]));
        }
        for e in &self.entitlements {
            exprs.extend(e.when.iter().chain(std::iter::once(&e.count)));
        }
        exprs.extend(self.reductions.ceiling.iter().chain(&self.subsidies.ceiling));
        exprs.iter().all(|e| vector::supported(&e.node))
    }

    fn prepare_tags(&self, batch: &Batch, slow: &mut [bool]) -> Vec<TagSet> {
        let mut sets = vec![TagSet::default(); batch.len];
        for (tag, flags) in &batch.tag_flags {
            match self.tags.iter().position(|(t, _)| t == tag) {
                Some(k) => {
                    for (s, f) in sets.iter_mut().zip(flags) {
                        if *f {
                            s.insert(k as u32);
                        }
                    }
                }
                None => {
                    // An unknown tag set in a row is that row's input error.
                    for (sl, f) in slow.iter_mut().zip(flags) {
                        *sl |= *f;
                    }
                }
            }
        }
        if let Some(lists) = &batch.tag_lists {
            for ((s, list), sl) in sets.iter_mut().zip(lists).zip(slow.iter_mut()) {
                for t in list {
                    match self.tags.iter().position(|(x, _)| x == t) {
                        Some(k) => s.insert(k as u32),
                        None => *sl = true,
                    }
                }
            }
        }
        sets
    }

    /// Evaluates the rows the fast path left, one by one, and writes their outputs.
    fn finish_slow_rows(&self, batch: &Batch, as_of: NaiveDate, slow: &[bool], out: &mut BatchOutput) {
        let unit_scale = out.scale;
        let units = |m: Money| -> i64 {
            let mut d = m.amount();
            d.rescale(unit_scale);
            i64::try_from(d.mantissa()).unwrap_or(i64::MAX)
        };
        for (row, _) in slow.iter().enumerate().filter(|(_, s)| **s) {
            out.scalar_rows += 1;
            let set = |col: &mut Vec<i64>, v: i64| {
                if let Some(x) = col.get_mut(row) {
                    *x = v;
                }
            };
            match self.evaluate_with(&batch.participant(row), as_of, EvalOptions { explain: false }) {
                Ok(d) => {
                    if let Some(x) = out.eligible.get_mut(row) {
                        *x = d.eligible;
                    }
                    if let Some(x) = out.category.get_mut(row) {
                        *x = d.category.as_ref().and_then(|c| out.categories.iter().position(|k| k == c)).map(|k| k as u32);
                    }
                    for (g, col) in out.priority.iter_mut() {
                        if let Some(x) = col.get_mut(row) {
                            *x = d.priority_groups.contains(g);
                        }
                    }
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
                    for col in [&mut out.gross_fee, &mut out.reduction_total, &mut out.net_fee, &mut out.subsidy_total] {
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

/// Converts a field's column for the fast path, marking rows it cannot take.
fn prepare(f: &crate::policy::Field, col: Option<&Column>, slow: &mut [bool]) -> Prepared {
    let n = slow.len();
    let Some(col) = col else {
        return match &f.default {
            Some(d) => Prepared::Const(d.clone()),
            None => {
                slow.iter_mut().for_each(|s| *s = true);
                Prepared::Const(Scalar::Bool(false))
            }
        };
    };
    let default = f.default.clone();
    let mut check = |row: usize, ok: bool| {
        if !ok || !col.is_valid(row) {
            if let Some(s) = slow.get_mut(row) {
                *s = true;
            }
        }
    };
    let in_range = |v: i64| -> bool {
        let d = fixed::to_decimal(v);
        f.min.is_none_or(|m| d >= m) && f.max.is_none_or(|m| d <= m) && (f.ty != FieldType::Integer || v % fixed::ONE == 0)
    };
    let _ = default;
    match (&col.data, f.ty) {
        (ColumnData::Int(v), FieldType::Integer | FieldType::Decimal) => Prepared::Num(
            v.iter()
                .enumerate()
                .map(|(i, x)| {
                    let fx = x.checked_mul(fixed::ONE);
                    check(i, fx.is_some_and(in_range));
                    fx.unwrap_or(0)
                })
                .collect(),
        ),
        (ColumnData::Decimal { units, scale }, FieldType::Integer | FieldType::Decimal) => Prepared::Num(
            units
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    let fx = fixed::from_units(*u, *scale);
                    check(i, fx.is_some_and(in_range));
                    fx.unwrap_or(0)
                })
                .collect(),
        ),
        (ColumnData::Bool(v), FieldType::Boolean) => {
            (0..n).for_each(|i| check(i, true));
            Prepared::Bool(v.clone())
        }
        (ColumnData::Text { codes, values }, FieldType::Text | FieldType::Choice) => {
            let allowed: Vec<bool> = values.iter().map(|s| f.ty == FieldType::Text || f.choices.iter().any(|(c, _)| c == s)).collect();
            for (i, c) in codes.iter().enumerate() {
                check(i, allowed.get(*c as usize).copied().unwrap_or(false));
            }
            Prepared::Text(codes.clone(), values.clone())
        }
        (ColumnData::Date(v), FieldType::Date) => {
            (0..n).for_each(|i| check(i, true));
            Prepared::Date(v.iter().map(|d| vector::days(*d)).collect())
        }
        // Any other pairing (numbers as text, yes/no as text…) is converted by the scalar
        // engine's own rules, row by row.
        _ => {
            slow.iter_mut().for_each(|s| *s = true);
            Prepared::Const(Scalar::Bool(false))
        }
    }
}

fn slice(p: &Prepared, s: usize, e: usize) -> FieldSlice<'_> {
    match p {
        Prepared::Num(v) => FieldSlice::Num(v.get(s..e).unwrap_or_default()),
        Prepared::Bool(v) => FieldSlice::Bool(v.get(s..e).unwrap_or_default()),
        Prepared::Text(c, d) => FieldSlice::Text(c.get(s..e).unwrap_or_default(), d),
        Prepared::Date(v) => FieldSlice::Date(v.get(s..e).unwrap_or_default()),
        Prepared::Const(Scalar::Num(d)) => FieldSlice::ConstNum(fixed::from_decimal(*d).unwrap_or(0)),
        Prepared::Const(Scalar::Bool(b)) => FieldSlice::ConstBool(*b),
        Prepared::Const(Scalar::Text(t)) => FieldSlice::ConstText(t),
        Prepared::Const(Scalar::Date(d)) => FieldSlice::ConstDate(vector::days(*d)),
    }
}

#[allow(dead_code)]
fn _input_error_type(_: InputError) {}
