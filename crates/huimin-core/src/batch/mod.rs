//! Batch evaluation: a population given as columns (the layout Arrow uses), evaluated
//! column-wise in chunks on all cores, with exact fixed-point money inside.
//!
//! The policy's expressions are planned once ([`Policy::verdict`] says whether and why not);
//! each chunk of rows evaluates them on fixed-point lanes a column at a time, then runs the
//! same decision stages as [`Policy::evaluate`] — [`crate::rules`] — row by row. Any row the
//! fixed-point path cannot finish exactly (a quotient that does not terminate within 6
//! decimals, an overflow, a bad input, a conflict) is evaluated by the exact engine instead,
//! so the outputs are always exactly those of [`Policy::evaluate`]. Outputs are money columns
//! in units of the pack's scale (fen).

mod columns;
mod plan;
mod run;

pub use plan::Verdict;

use crate::decision::{Assumption, ESTIMABLE};
use crate::error::Error;
use crate::model::{Participant, Value};
use crate::money::Money;
use crate::policy::Policy;
use crate::text::Name;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    Int(Ints),
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

/// Whole numbers at the width they came in: a registry's `grade` column of bytes stays an
/// eighth of the memory it would take as `i64` (Arrow's and numpy's integer types).
#[derive(Debug, Clone, PartialEq)]
pub enum Ints {
    /// 8-bit.
    I8(Vec<i8>),
    /// 16-bit.
    I16(Vec<i16>),
    /// 32-bit.
    I32(Vec<i32>),
    /// 64-bit.
    I64(Vec<i64>),
    /// Unsigned 8-bit.
    U8(Vec<u8>),
    /// Unsigned 16-bit.
    U16(Vec<u16>),
    /// Unsigned 32-bit.
    U32(Vec<u32>),
}

/// `$body` for the vector `$v` of whichever width `$ints` holds.
macro_rules! each_width {
    ($ints:expr, $v:ident => $body:expr) => {
        match $ints {
            Ints::I8($v) => $body,
            Ints::I16($v) => $body,
            Ints::I32($v) => $body,
            Ints::I64($v) => $body,
            Ints::U8($v) => $body,
            Ints::U16($v) => $body,
            Ints::U32($v) => $body,
        }
    };
}

impl Ints {
    fn len(&self) -> usize {
        each_width!(self, v => v.len())
    }

    /// The value at `row`, `None` beyond the column.
    // `i64::from` is the identity in the 64-bit arm.
    #[allow(clippy::useless_conversion)]
    pub fn get(&self, row: usize) -> Option<i64> {
        each_width!(self, v => v.get(row).map(|x| i64::from(*x)))
    }

    /// `f(k, value)` for each row `s + k` of `s..e` (fewer when the column is shorter).
    #[allow(clippy::useless_conversion)]
    pub(crate) fn each(&self, s: usize, e: usize, mut f: impl FnMut(usize, i64)) {
        each_width!(self, v => {
            for (k, x) in v.get(s..e).unwrap_or_default().iter().enumerate() {
                f(k, i64::from(*x));
            }
        })
    }
}

macro_rules! ints_from {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<Vec<$t>> for Ints {
            fn from(v: Vec<$t>) -> Ints {
                Ints::$variant(v)
            }
        }
    )*};
}

ints_from!(i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16, u32 => U32);

impl Column {
    /// A column of whole numbers, kept at its width (`Vec<u8>`, `Vec<i32>`, `Vec<i64>` …).
    pub fn int(v: impl Into<Ints>) -> Column {
        Column {
            data: ColumnData::Int(v.into()),
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
            ColumnData::Int(v) => Value::Number(Decimal::from(v.get(row)?)),
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
    /// Per eligibility requirement (in the pack's order): its id and whether each row fails
    /// it — a row's `reasons`, without evaluating it again (a served row fails none).
    pub unmet: Vec<(String, Vec<bool>)>,
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
    /// Inputs an authority sets that rows came without: the pack's default stood in for
    /// them, an estimate (empty when every row gave them, or the deployment set them).
    pub defaulted: Vec<Defaulted>,
}

/// An input an authority sets (`set_by`) that some rows of a batch did not give, so that the
/// default stood in: what the answers then rest on, as a decision would say it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Defaulted {
    /// The input, its default, why that is an estimate and the rules that read it.
    pub assumption: Assumption,
    /// The outputs that can rest on it (as [`crate::Decision::estimated`] names them).
    pub estimated: Vec<Name>,
    /// The rows without it.
    pub rows: u64,
}

impl Defaulted {
    /// Adds `more` to `all` (parts of one run): the rows of an input in both are added up.
    pub fn merge(all: &mut Vec<Defaulted>, more: &[Defaulted]) {
        for d in more {
            let name = &d.assumption.parameter;
            match all.iter_mut().find(|a| &a.assumption.parameter == name) {
                Some(a) => a.rows = a.rows.saturating_add(d.rows),
                None => all.push(d.clone()),
            }
        }
    }

    /// Adds what `defaulted` adds to a run's `assumptions` and `estimated` (kept in the order
    /// [`Policy::estimated`] gives, `payers` being the pack's payer ids).
    pub(crate) fn add_to(
        defaulted: &[Defaulted],
        assumptions: &mut Vec<Assumption>,
        estimated: &mut Vec<Name>,
        payers: &[String],
    ) {
        for d in defaulted {
            Assumption::add_once(assumptions, &d.assumption);
            for e in &d.estimated {
                if !estimated.contains(e) {
                    estimated.push(e.clone());
                }
            }
        }
        let rank = |e: &Name| {
            ESTIMABLE.iter().position(|f| e == f).unwrap_or_else(|| {
                let payer = e.strip_prefix("payers.").unwrap_or(e);
                let k = payers.iter().position(|p| p == payer);
                ESTIMABLE.len().saturating_add(k.unwrap_or(usize::MAX / 2))
            })
        };
        estimated.sort_by_key(rank);
    }
}

impl BatchOutput {
    /// A unit count of a money column as [`Money`].
    pub fn money(&self, units: i64) -> Money {
        Money::at_scale(Decimal::new(units, self.scale), self.scale)
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
        let mut out = BatchOutput {
            scale: self.rounding.scale,
            eligible: vec![false; n],
            category: vec![None; n],
            categories: self
                .categories
                .iter()
                .map(|c| c.head.id.to_string())
                .collect(),
            unmet: self
                .eligibility
                .iter()
                .map(|c| (c.head.id.to_string(), vec![false; n]))
                .collect(),
            priority: self
                .priority
                .iter()
                .map(|c| (c.head.id.to_string(), vec![false; n]))
                .collect(),
            gross_fee: vec![0; n],
            reduction_total: vec![0; n],
            net_fee: vec![0; n],
            subsidy_total: vec![0; n],
            payers: self
                .payers
                .iter()
                .map(|(p, _)| (p.to_string(), vec![0; n]))
                .collect(),
            errors: Vec::new(),
            scalar_rows: 0,
            defaulted: self.defaulted(batch),
        };
        let slow = match self.plan() {
            Ok(plan) => run::lanes(self, batch, &plan, params, as_of, threads, &mut out),
            Err(_) => vec![true; n],
        };
        run::finish_slow_rows(self, batch, as_of, &slow, &mut out);
        Ok(out)
    }

    /// The inputs an authority sets whose default stands in for some rows of `batch`: every
    /// row when it has no such column, its empty cells otherwise.
    fn defaulted(&self, batch: &Batch) -> Vec<Defaulted> {
        self.fields
            .iter()
            .filter_map(|f| {
                let rows = match batch.columns.get(&f.name) {
                    None => batch.len,
                    Some(c) => (0..batch.len).filter(|r| !c.is_valid(*r)).count(),
                };
                self.defaulted_input(&f.name, u64::try_from(rows).unwrap_or(u64::MAX))
            })
            .collect()
    }

    /// What `rows` rows without input `name` rest on, when it is an input an authority sets
    /// whose default is an estimate; `None` for any other input, or when `rows` is 0.
    pub fn defaulted_input(&self, name: &str, rows: u64) -> Option<Defaulted> {
        let i = self.fields.iter().position(|f| f.name == name)?;
        let (assumption, estimated) = self.default_estimate(i)?;
        (rows > 0).then_some(Defaulted {
            assumption,
            estimated,
            rows,
        })
    }

    /// What a run's outputs rest on that no source document states: the pack's assumptions
    /// on `as_of` and the defaults in `defaulted`, and the outputs that can rest on them (as
    /// [`crate::Decision::estimated`] names them, in its order).
    pub fn run_estimates(
        &self,
        as_of: NaiveDate,
        defaulted: &[Defaulted],
    ) -> (Vec<Assumption>, Vec<Name>) {
        let (mut assumptions, mut estimated) = (self.assumptions(as_of), self.estimated());
        let payers: Vec<String> = self.payers.iter().map(|(id, _)| id.to_string()).collect();
        Defaulted::add_to(defaulted, &mut assumptions, &mut estimated, &payers);
        (assumptions, estimated)
    }

    /// Refuses a batch larger than `max_batch_participants`.
    pub(crate) fn check_batch_size(&self, n: usize) -> Result<(), Error> {
        let max = self.limits.max_batch_participants;
        if n <= max {
            return Ok(());
        }
        let e = crate::model::input_error(
            "",
            "limit",
            &format!("一批最多 {max} 名参与者，本批有 {n} 名"),
            &format!("a batch may have at most {max} participants; this one has {n}"),
        );
        Err(Error::Input { errors: vec![e] })
    }
}
