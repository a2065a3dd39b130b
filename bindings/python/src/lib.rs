//! `huimin._core`: the Python extension behind the `huimin` package — a **thin** layer over
//! `huimin-core`. It converts types and calls the core; it holds no rule logic.
//!
//! - Single evaluations are JSON in, JSON out: the participant is the same flat JSON object the
//!   CLI and the WASM binding read, and the decision is the core's documented JSON shape
//!   (amounts as strings). The Python side turns amounts into `decimal.Decimal`.
//! - Frames go through the Arrow C data interface (pyo3-arrow): columns are read in Rust and
//!   handed to the core's columnar batch path (`Policy::evaluate_batch_on`) on all cores with
//!   the GIL released; rows the batch outputs cannot describe as the row path would (ineligible
//!   rows, for their `reasons`; errors; amounts beyond the money columns) and record batches
//!   whose columns cannot be converted exactly are evaluated participant by participant. The
//!   outputs come back as Arrow columns (money as `Decimal128(18, scale)`, straight from the
//!   batch's units). No Python object is created per row.
//! - Errors are raised as the exception classes of `huimin._errors`, built from the core
//!   error's message (as the CLI prints it) and its JSON.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Decimal128Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array,
    ListArray, RecordBatch, StringArray,
};
use arrow_buffer::NullBuffer;
use arrow_cast::{cast_with_options, CastOptions};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use huimin_core::batch::{Batch, BatchOutput, Column};
use huimin_core::model::FieldType;
use huimin_core::{Decision, EvalOptions, InputError, Money, Participant, Policy, Text, Value};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use rust_decimal::Decimal;

/// Money columns are `Decimal128(MONEY_PRECISION, pack scale)`: up to 10^16 yuan at the fen.
const MONEY_PRECISION: u8 = 18;
/// Rows per unit of parallel work (and per output record batch).
const JOB_ROWS: usize = 65_536;
/// Days from 0001-01-01 (CE day 1) to 1970-01-01, for Arrow's Date32.
const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

// ---------------------------------------------------------------------------------------------
// Errors

/// Raises a core error as the matching `huimin` exception (`PackError`, `InputError`,
/// `EvalError`), carrying the CLI message and the error's JSON.
fn core_err(py: Python<'_>, e: &huimin_core::Error) -> PyErr {
    let class = match e {
        huimin_core::Error::Pack(_) => "PackError",
        huimin_core::Error::Input { .. } => "InputError",
        huimin_core::Error::Eval(_) => "EvalError",
    };
    let detail = serde_json::to_string(e).unwrap_or_else(|_| "{}".to_owned());
    raise(py, class, &e.to_string(), &detail)
}

fn raise(py: Python<'_>, class: &str, message: &str, detail: &str) -> PyErr {
    let made = py
        .import("huimin._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message, detail)));
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

fn input_err(path: &str, code: &'static str, zh: String, en: String) -> InputError {
    InputError {
        path: path.to_owned(),
        code,
        message: Text::new(zh, en),
    }
}

fn json_err(e: serde_json::Error) -> PyErr {
    PyRuntimeError::new_err(format!("huimin: could not serialise a result: {e}"))
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyRuntimeError::new_err(format!("huimin: arrow: {e}"))
}

fn parse_as_of(as_of: &str) -> PyResult<NaiveDate> {
    NaiveDate::parse_from_str(as_of.trim(), "%Y-%m-%d").map_err(|_| {
        PyValueError::new_err(format!("as_of must be a date YYYY-MM-DD, got {as_of:?}"))
    })
}

// ---------------------------------------------------------------------------------------------
// Reading frame columns

/// One input column, normalised to a handful of Arrow types.
enum Col {
    Null,
    Int(Int64Array),
    Float(Float64Array),
    Dec(Decimal128Array, u32),
    Bool(BooleanArray),
    Str(StringArray),
    /// A dictionary of texts (pandas categoricals, Arrow dictionaries): a code per row into
    /// `values`; a row is null when its code or the value it points at is null.
    Dict(Vec<usize>, StringArray, Option<NullBuffer>),
    Date(Date32Array),
}

fn cast(a: &dyn Array, to: &DataType) -> Result<ArrayRef, ArrowError> {
    cast_with_options(
        a,
        to,
        &CastOptions {
            safe: false,
            ..Default::default()
        },
    )
}

fn wrong_column(name: &str, dt: &DataType, why: &str) -> InputError {
    input_err(
        name,
        "wrong_type",
        format!("列“{name}”的类型 {dt} 无法读取"),
        format!("column `{name}` has type {dt}, which cannot be read: {why}"),
    )
}

impl Col {
    fn new(name: &str, a: &ArrayRef) -> Result<Col, InputError> {
        let dt = a.data_type();
        let bad = |e: ArrowError| wrong_column(name, dt, &e.to_string());
        let missing = || wrong_column(name, dt, "unexpected array layout");
        Ok(match dt {
            DataType::Null => Col::Null,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => {
                let c = cast(a.as_ref(), &DataType::Int64).map_err(bad)?;
                Col::Int(
                    c.as_primitive_opt::<Int64Type>()
                        .ok_or_else(missing)?
                        .clone(),
                )
            }
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                let c = cast(a.as_ref(), &DataType::Float64).map_err(bad)?;
                Col::Float(
                    c.as_primitive_opt::<Float64Type>()
                        .ok_or_else(missing)?
                        .clone(),
                )
            }
            DataType::Decimal32(_, s)
            | DataType::Decimal64(_, s)
            | DataType::Decimal128(_, s)
            | DataType::Decimal256(_, s) => {
                let scale =
                    u32::try_from(*s).map_err(|_| wrong_column(name, dt, "negative scale"))?;
                let c = cast(a.as_ref(), &DataType::Decimal128(38, *s)).map_err(bad)?;
                Col::Dec(
                    c.as_primitive_opt::<Decimal128Type>()
                        .ok_or_else(missing)?
                        .clone(),
                    scale,
                )
            }
            DataType::Boolean => Col::Bool(a.as_boolean_opt().ok_or_else(missing)?.clone()),
            DataType::Dictionary(_, v)
                if matches!(
                    v.as_ref(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                ) =>
            {
                let d = a.as_any_dictionary_opt().ok_or_else(missing)?;
                let values = cast(d.values().as_ref(), &DataType::Utf8).map_err(bad)?;
                let values = values.as_string_opt::<i32>().ok_or_else(missing)?.clone();
                Col::Dict(d.normalized_keys(), values, d.keys().nulls().cloned())
            }
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
                let c = cast(a.as_ref(), &DataType::Date32).map_err(bad)?;
                Col::Date(
                    c.as_primitive_opt::<Date32Type>()
                        .ok_or_else(missing)?
                        .clone(),
                )
            }
            _ => {
                // Utf8, LargeUtf8, Utf8View, dictionaries (pandas categoricals), …
                let c = cast(a.as_ref(), &DataType::Utf8).map_err(bad)?;
                Col::Str(c.as_string_opt::<i32>().ok_or_else(missing)?.clone())
            }
        })
    }

    /// The value at row `i`, or `None` when the cell is null (a missing value). Numbers that do
    /// not fit an exact decimal are passed on as text, so the core reports them as it reports
    /// any bad value.
    fn get(&self, i: usize) -> Option<Value> {
        match self {
            Col::Null => None,
            Col::Int(a) => a
                .is_valid(i)
                .then(|| Value::Number(Decimal::from(a.value(i)))),
            Col::Float(a) => {
                if a.is_null(i) || a.value(i).is_nan() {
                    return None; // pandas writes missing numbers as NaN
                }
                let text = format!("{}", a.value(i));
                Some(
                    text.parse::<Decimal>()
                        .map(Value::Number)
                        .unwrap_or(Value::Text(text)),
                )
            }
            Col::Dec(a, scale) => {
                a.is_valid(i).then(
                    || match Decimal::try_from_i128_with_scale(a.value(i), *scale) {
                        Ok(d) => Value::Number(d),
                        Err(_) => Value::Text(a.value_as_string(i)),
                    },
                )
            }
            Col::Bool(a) => a.is_valid(i).then(|| Value::Bool(a.value(i))),
            Col::Str(a) => a.is_valid(i).then(|| Value::Text(a.value(i).to_owned())),
            Col::Dict(codes, values, nulls) => {
                let k = *codes.get(i)?;
                let valid = nulls.as_ref().is_none_or(|n| n.is_valid(i))
                    && k < values.len()
                    && values.is_valid(k);
                valid.then(|| Value::Text(values.value(k).to_owned()))
            }
            Col::Date(a) => a.is_valid(i).then(|| {
                let days = a.value(i);
                match days
                    .checked_add(UNIX_EPOCH_CE_DAYS)
                    .and_then(NaiveDate::from_num_days_from_ce_opt)
                {
                    Some(d) => Value::Text(d.format("%Y-%m-%d").to_string()),
                    None => Value::Text(format!("day {days}")),
                }
            }),
        }
    }
}

/// The `tags` column: a list of strings, or one string with `;`, `,` or `|` between tags
/// (as CSV cells give it; the same delimiters the core reads in JSON).
enum Tags {
    List(ListArray, StringArray),
    Joined(StringArray),
}

impl Tags {
    fn new(a: &ArrayRef) -> Result<Option<Tags>, InputError> {
        let dt = a.data_type();
        let bad = |e: ArrowError| wrong_column("tags", dt, &e.to_string());
        let missing = || wrong_column("tags", dt, "unexpected array layout");
        match dt {
            DataType::Null => Ok(None),
            DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::ListView(_)
            | DataType::LargeListView(_) => {
                let to = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
                let c = cast(a.as_ref(), &to).map_err(bad)?;
                let list = c.as_list_opt::<i32>().ok_or_else(missing)?.clone();
                let values = list
                    .values()
                    .as_string_opt::<i32>()
                    .ok_or_else(missing)?
                    .clone();
                Ok(Some(Tags::List(list, values)))
            }
            _ => {
                let c = cast(a.as_ref(), &DataType::Utf8).map_err(bad)?;
                Ok(Some(Tags::Joined(
                    c.as_string_opt::<i32>().ok_or_else(missing)?.clone(),
                )))
            }
        }
    }

    fn get(&self, i: usize) -> Vec<String> {
        match self {
            Tags::List(list, values) => {
                if list.is_null(i) {
                    return Vec::new();
                }
                let offsets = list.value_offsets();
                let (Some(start), Some(end)) = (offsets.get(i), offsets.get(i + 1)) else {
                    return Vec::new();
                };
                let (Ok(start), Ok(end)) = (usize::try_from(*start), usize::try_from(*end)) else {
                    return Vec::new();
                };
                (start..end)
                    .filter(|k| values.is_valid(*k))
                    .map(|k| values.value(k).trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            Tags::Joined(a) => {
                if a.is_null(i) {
                    return Vec::new();
                }
                a.value(i)
                    .split([';', ',', '|'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect()
            }
        }
    }
}

/// The columns of one record batch that the pack reads.
struct Reader {
    rows: usize,
    fields: Vec<(String, FieldType, Col)>,
    tags: Option<Tags>,
    id: Option<Col>,
    id_array: Option<ArrayRef>,
}

impl Reader {
    fn new(policy: &Policy, batch: &RecordBatch) -> Result<Reader, huimin_core::Error> {
        let schema = batch.schema();
        let column = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| batch.columns().get(i).cloned())
        };
        let mut errors = Vec::new();
        let mut fields = Vec::new();
        for f in policy.input_schema().fields {
            match column(&f.name) {
                Some(a) => match Col::new(&f.name, &a) {
                    Ok(c) => fields.push((f.name, f.ty, c)),
                    Err(e) => errors.push(e),
                },
                None if f.required => errors.push(input_err(
                    &f.name,
                    "missing",
                    format!("数据中没有列“{}”（{}，必填）", f.name, f.label.zh),
                    format!(
                        "the frame has no column `{}` ({}), which the pack requires",
                        f.name, f.label.en
                    ),
                )),
                None => {}
            }
        }
        let tags = match column("tags") {
            Some(a) => Tags::new(&a).unwrap_or_else(|e| {
                errors.push(e);
                None
            }),
            None => None,
        };
        let id_array = column("id");
        let id = match &id_array {
            Some(a) => match Col::new("id", a) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            None => None,
        };
        if errors.is_empty() {
            Ok(Reader {
                rows: batch.num_rows(),
                fields,
                tags,
                id,
                id_array,
            })
        } else {
            Err(huimin_core::Error::Input { errors })
        }
    }

    fn participant(&self, i: usize) -> Participant {
        let mut fields = BTreeMap::new();
        for (name, _, col) in &self.fields {
            if let Some(v) = col.get(i) {
                fields.insert(name.clone(), v);
            }
        }
        let id = self.id.as_ref().and_then(|c| c.get(i)).map(|v| match v {
            Value::Text(s) => s,
            Value::Number(d) => d.to_string(),
            Value::Bool(b) => b.to_string(),
        });
        Participant {
            id,
            tags: self.tags.as_ref().map(|t| t.get(i)).unwrap_or_default(),
            fields,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Frame columns as the core's columnar batch

/// A frame column as a column of the core's [`Batch`].
enum AsColumn {
    /// No row has a value: left out of the batch, as the row reader leaves the field out.
    Absent,
    Column(Column),
    /// The column cannot be given so that every row reads exactly as [`Col::get`] reads it;
    /// its record batch is evaluated row by row.
    Inexact,
}

/// `c` with `valid` as its validity mask (`Absent` when no row is valid).
fn masked(c: Column, valid: Option<Vec<bool>>) -> AsColumn {
    match valid {
        None => AsColumn::Column(c),
        Some(v) if !v.contains(&true) => AsColumn::Absent,
        Some(v) => AsColumn::Column(c.with_validity(v)),
    }
}

fn validity(rows: usize, nulls: Option<&NullBuffer>) -> Option<Vec<bool>> {
    nulls
        .filter(|n| n.null_count() > 0)
        .map(|n| (0..rows).map(|i| n.is_valid(i)).collect())
}

/// Dictionary-encodes texts (`None`: no value in that row).
fn text_column<'a>(rows: impl Iterator<Item = Option<&'a str>>) -> AsColumn {
    let mut index: HashMap<&'a str, u32> = HashMap::new();
    let mut values: Vec<String> = Vec::new();
    let mut valid = Vec::new();
    let mut codes = Vec::new();
    for t in rows {
        valid.push(t.is_some());
        codes.push(match t {
            None => 0,
            Some(t) => match index.get(t) {
                Some(k) => *k,
                None => {
                    let Ok(k) = u32::try_from(values.len()) else {
                        return AsColumn::Inexact;
                    };
                    index.insert(t, k);
                    values.push(t.to_owned());
                    k
                }
            },
        });
    }
    let all = valid.iter().all(|v| *v);
    masked(Column::dictionary(codes, values), (!all).then_some(valid))
}

impl Col {
    /// This column as the core's batch column for a field of type `ty`: every row must read
    /// in the core ([`Batch::participant`]) exactly as [`Col::get`] reads it.
    fn column(&self, ty: FieldType, rows: usize) -> AsColumn {
        match self {
            Col::Null => AsColumn::Absent,
            Col::Int(a) => masked(Column::int(a.values().to_vec()), validity(rows, a.nulls())),
            Col::Float(a) => {
                // The shortest text of each float: the core parses it for a number field exactly
                // as `get` does (those rows take the scalar engine's parsing). Other field types
                // read a number and a text differently, so they go row by row.
                if !matches!(ty, FieldType::Integer | FieldType::Decimal) {
                    return AsColumn::Inexact;
                }
                let texts: Vec<Option<String>> = (0..rows)
                    .map(|i| {
                        (a.is_valid(i) && !a.value(i).is_nan()).then(|| format!("{}", a.value(i)))
                    })
                    .collect();
                text_column(texts.iter().map(Option::as_deref))
            }
            Col::Dec(a, scale) => {
                let exact = (0..rows).all(|i| {
                    a.is_null(i) || Decimal::try_from_i128_with_scale(a.value(i), *scale).is_ok()
                });
                if !exact {
                    return AsColumn::Inexact;
                }
                masked(
                    Column::decimal(a.values().to_vec(), *scale),
                    validity(rows, a.nulls()),
                )
            }
            Col::Bool(a) => masked(
                Column::bool(a.values().iter().collect()),
                validity(rows, a.nulls()),
            ),
            Col::Str(a) => text_column(a.iter()),
            Col::Dict(..) => {
                let texts: Vec<Option<Value>> = (0..rows).map(|i| self.get(i)).collect();
                text_column(texts.iter().map(|v| match v {
                    Some(Value::Text(t)) => Some(t.as_str()),
                    _ => None,
                }))
            }
            Col::Date(a) => {
                let day = |i: usize| {
                    a.value(i)
                        .checked_add(UNIX_EPOCH_CE_DAYS)
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
                        // Where the core's text of a date is the row reader's `%Y-%m-%d`.
                        .filter(|d| (1..=9999).contains(&chrono::Datelike::year(d)))
                };
                let dates: Option<Vec<NaiveDate>> = (0..rows)
                    .map(|i| {
                        if a.is_null(i) {
                            Some(NaiveDate::default())
                        } else {
                            day(i)
                        }
                    })
                    .collect();
                match dates {
                    Some(d) => masked(Column::date(d), validity(rows, a.nulls())),
                    None => {
                        let texts: Vec<Option<Value>> = (0..rows).map(|i| self.get(i)).collect();
                        text_column(texts.iter().map(|v| match v {
                            Some(Value::Text(t)) => Some(t.as_str()),
                            _ => None,
                        }))
                    }
                }
            }
        }
    }
}

impl Reader {
    /// This record batch as the core's columnar batch, or `None` when a column cannot be given
    /// exactly (then it is evaluated row by row).
    fn batch(&self) -> Option<Batch> {
        let mut b = Batch::new(self.rows);
        for (name, ty, col) in &self.fields {
            match col.column(*ty, self.rows) {
                AsColumn::Absent => {}
                AsColumn::Column(c) => b = b.column(name.clone(), c).ok()?,
                AsColumn::Inexact => return None,
            }
        }
        if let Some(t) = &self.tags {
            b = b
                .tag_lists((0..self.rows).map(|i| t.get(i)).collect())
                .ok()?;
        }
        Some(b)
    }
}

fn readers(policy: &Policy, batches: &[RecordBatch]) -> Result<Vec<Reader>, huimin_core::Error> {
    batches.iter().map(|b| Reader::new(policy, b)).collect()
}

// ---------------------------------------------------------------------------------------------
// Writing decision columns

fn output_schema(policy: &Policy, with_id: Option<&Field>) -> SchemaRef {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let money = DataType::Decimal128(MONEY_PRECISION, scale);
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    let mut fields = Vec::new();
    if let Some(f) = with_id {
        fields.push(Field::new("id", f.data_type().clone(), true));
    }
    fields.push(Field::new("eligible", DataType::Boolean, true));
    fields.push(Field::new("reasons", list.clone(), true));
    fields.push(Field::new("category", DataType::Utf8, true));
    fields.push(Field::new("priority_groups", list, true));
    for name in ["gross_fee", "reduction_total", "net_fee", "subsidy_total"] {
        fields.push(Field::new(name, money.clone(), true));
    }
    for (payer, _) in policy.payers() {
        fields.push(Field::new(format!("payer_{payer}"), money.clone(), true));
    }
    fields.push(Field::new("error", DataType::Utf8, true));
    let metadata = [
        ("huimin.pack".to_owned(), policy.id().to_owned()),
        ("huimin.money_scale".to_owned(), scale.to_string()),
    ]
    .into_iter()
    .collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// The amounts of one decision as Decimal128 mantissas at the pack's scale, or `None` when one
/// does not fit the column's precision.
fn mantissas(d: &Decision, payers: &[(String, Text)], scale: u32) -> Option<Vec<i128>> {
    let limit = 10_i128.checked_pow(u32::from(MONEY_PRECISION))?;
    let fen = |m: Money| {
        let mut a = m.amount();
        a.rescale(scale);
        let v = a.mantissa();
        (v.abs() < limit && a.scale() == scale).then_some(v)
    };
    let mut out = vec![
        fen(d.gross_fee)?,
        fen(d.reduction_total)?,
        fen(d.net_fee)?,
        fen(d.subsidy_total)?,
    ];
    for (p, _) in payers {
        out.push(match d.payers.get(p) {
            Some(m) => fen(*m)?,
            None => 0,
        });
    }
    Some(out)
}

struct Columns {
    eligible: BooleanBuilder,
    reasons: ListBuilder<StringBuilder>,
    category: StringBuilder,
    priority: ListBuilder<StringBuilder>,
    money: Vec<Decimal128Builder>,
    error: StringBuilder,
}

impl Columns {
    fn new(rows: usize, amounts: usize) -> Columns {
        Columns {
            eligible: BooleanBuilder::with_capacity(rows),
            reasons: ListBuilder::new(StringBuilder::new()),
            category: StringBuilder::with_capacity(rows, rows * 8),
            priority: ListBuilder::new(StringBuilder::new()),
            money: (0..amounts)
                .map(|_| Decimal128Builder::with_capacity(rows))
                .collect(),
            error: StringBuilder::new(),
        }
    }

    fn push_error(&mut self, message: &str) {
        self.eligible.append_null();
        self.reasons.append_null();
        self.category.append_null();
        self.priority.append_null();
        for b in &mut self.money {
            b.append_null();
        }
        self.error.append_value(message);
    }

    fn push(&mut self, d: &Decision, amounts: &[i128]) {
        self.eligible.append_value(d.eligible);
        for r in &d.reasons {
            self.reasons.values().append_value(&r.rule);
        }
        self.reasons.append(true);
        self.category.append_option(d.category.as_deref());
        for g in &d.priority_groups {
            self.priority.values().append_value(g);
        }
        self.priority.append(true);
        for (b, v) in self.money.iter_mut().zip(amounts) {
            b.append_value(*v);
        }
        self.error.append_null();
    }

    /// An eligible row from the batch outputs (no unmet rules, so no reasons).
    fn push_eligible<'a>(
        &mut self,
        category: Option<&str>,
        groups: impl Iterator<Item = &'a str>,
        amounts: &[i128],
    ) {
        self.eligible.append_value(true);
        self.reasons.append(true);
        self.category.append_option(category);
        for g in groups {
            self.priority.values().append_value(g);
        }
        self.priority.append(true);
        for (b, v) in self.money.iter_mut().zip(amounts) {
            b.append_value(*v);
        }
        self.error.append_null();
    }

    fn finish(
        mut self,
        schema: &SchemaRef,
        id: Option<ArrayRef>,
        scale: i8,
    ) -> Result<RecordBatch, ArrowError> {
        let mut cols: Vec<ArrayRef> = Vec::new();
        if let Some(id) = id {
            cols.push(id);
        }
        cols.push(Arc::new(self.eligible.finish()));
        cols.push(Arc::new(self.reasons.finish()));
        cols.push(Arc::new(self.category.finish()));
        cols.push(Arc::new(self.priority.finish()));
        for b in &mut self.money {
            cols.push(Arc::new(
                b.finish()
                    .with_precision_and_scale(MONEY_PRECISION, scale)?,
            ));
        }
        cols.push(Arc::new(self.error.finish()));
        RecordBatch::try_new(schema.clone(), cols)
    }
}

/// Evaluates row `i` on its own (the scalar engine, from the row reader's participant).
fn push_scalar_row(
    cols: &mut Columns,
    policy: &Policy,
    reader: &Reader,
    i: usize,
    as_of: NaiveDate,
) {
    let scale_u = policy.rounding().scale;
    let scale = i8::try_from(scale_u).unwrap_or(2);
    let p = reader.participant(i);
    match policy.evaluate_with(&p, as_of, EvalOptions { explain: false }) {
        Ok(d) => match mantissas(&d, policy.payers(), scale_u) {
            Some(m) => cols.push(&d, &m),
            None => cols.push_error(&format!("an amount does not fit Decimal({MONEY_PRECISION}, {scale}): net fee {}, subsidy {}", d.net_fee, d.subsidy_total)),
        },
        Err(e) => cols.push_error(&e.to_string()),
    }
}

/// Evaluates rows `start..start + len` of one batch into one output record batch, row by row.
fn evaluate_rows(
    policy: &Policy,
    reader: &Reader,
    start: usize,
    len: usize,
    as_of: NaiveDate,
    schema: &SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let mut cols = Columns::new(len, 4 + policy.payers().len());
    for i in start..start + len {
        push_scalar_row(&mut cols, policy, reader, i, as_of);
    }
    let id = reader.id_array.as_ref().map(|a| a.slice(start, len));
    cols.finish(schema, id, scale)
}

/// How one record batch is evaluated.
enum Mode {
    /// Row by row ([`evaluate_rows`]).
    Rows,
    /// By the core's batch path: its outputs, and which rows are to be evaluated on their
    /// own again (those with an error, whose message is the row path's).
    Batch(Box<BatchOutput>, Vec<bool>),
}

/// Evaluates a whole record batch with the core's batch path, when its columns convert exactly.
fn batch_mode(policy: &Policy, reader: &Reader, as_of: NaiveDate, threads: usize) -> Mode {
    let Some(batch) = reader.batch() else {
        return Mode::Rows;
    };
    match policy.evaluate_batch_on(&batch, as_of, threads) {
        Ok(out) if out.scale == policy.rounding().scale && out.eligible.len() == reader.rows => {
            let mut redo = vec![false; reader.rows];
            for (i, _) in &out.errors {
                if let Some(r) = redo.get_mut(*i) {
                    *r = true;
                }
            }
            Mode::Batch(Box::new(out), redo)
        }
        _ => Mode::Rows,
    }
}

/// Writes rows `start..start + len` of one batch from the batch outputs into one output record
/// batch. Rows the outputs cannot give as the row path would (ineligible rows, whose `reasons`
/// the outputs do not hold; errors; amounts beyond `Decimal128(18, scale)`) are evaluated on
/// their own.
#[allow(clippy::too_many_arguments)]
fn batch_rows(
    policy: &Policy,
    reader: &Reader,
    out: &BatchOutput,
    redo: &[bool],
    start: usize,
    len: usize,
    as_of: NaiveDate,
    schema: &SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let limit = 10_u64.pow(u32::from(MONEY_PRECISION));
    let payers: Vec<Option<&Vec<i64>>> = policy
        .payers()
        .iter()
        .map(|(p, _)| out.payers.iter().find(|(q, _)| q == p).map(|(_, c)| c))
        .collect();
    let mut cols = Columns::new(len, 4 + payers.len());
    let mut amounts: Vec<i128> = Vec::with_capacity(4 + payers.len());
    for i in start..start + len {
        let units = [
            &out.gross_fee,
            &out.reduction_total,
            &out.net_fee,
            &out.subsidy_total,
        ]
        .into_iter()
        .map(|c| c.get(i).copied())
        .chain(
            payers
                .iter()
                .map(|c| c.map_or(Some(0), |c| c.get(i).copied())),
        );
        amounts.clear();
        let mut fits = true;
        for u in units {
            match u {
                Some(v) if v.unsigned_abs() < limit => amounts.push(i128::from(v)),
                _ => fits = false,
            }
        }
        let eligible = out.eligible.get(i).copied().unwrap_or(false);
        let again = redo.get(i).copied().unwrap_or(true);
        if eligible && fits && !again {
            let category = out
                .category
                .get(i)
                .copied()
                .flatten()
                .and_then(|k| out.categories.get(k as usize))
                .map(String::as_str);
            let groups = out
                .priority
                .iter()
                .filter(|(_, c)| c.get(i).copied().unwrap_or(false))
                .map(|(g, _)| g.as_str());
            cols.push_eligible(category, groups, &amounts);
        } else {
            push_scalar_row(&mut cols, policy, reader, i, as_of);
        }
    }
    let id = reader.id_array.as_ref().map(|a| a.slice(start, len));
    cols.finish(schema, id, scale)
}

fn worker_count(requested: Option<usize>, jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.unwrap_or(cores).max(1).min(jobs.max(1))
}

/// Evaluates every row of every batch, in parallel over jobs of at most [`JOB_ROWS`] rows, and
/// returns the output batches in input order.
fn evaluate_batches(
    policy: &Policy,
    readers: &[Reader],
    as_of: NaiveDate,
    schema: &SchemaRef,
    threads: Option<usize>,
) -> Result<Vec<RecordBatch>, String> {
    let mut jobs = Vec::new();
    for (b, r) in readers.iter().enumerate() {
        let mut start = 0;
        while start < r.rows {
            let len = JOB_ROWS.min(r.rows - start);
            jobs.push((b, start, len));
            start += len;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let modes: Vec<Mode> = readers
        .iter()
        .map(|r| batch_mode(policy, r, as_of, threads.unwrap_or(cores).max(1)))
        .collect();
    let next = AtomicUsize::new(0);
    let workers = worker_count(threads, jobs.len());
    let mut done: Vec<(usize, Result<RecordBatch, ArrowError>)> = Vec::with_capacity(jobs.len());
    let mut failed = false;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs, next, modes) = (&jobs, &next, &modes);
                s.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(b, start, len)) = jobs.get(k) else {
                            break;
                        };
                        let done = match (readers.get(b), modes.get(b)) {
                            (Some(r), Some(Mode::Batch(o, redo))) => {
                                batch_rows(policy, r, o, redo, start, len, as_of, schema)
                            }
                            (Some(r), _) => evaluate_rows(policy, r, start, len, as_of, schema),
                            (None, _) => continue,
                        };
                        out.push((k, done));
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(out) => done.extend(out),
                Err(_) => failed = true,
            }
        }
    });
    if failed {
        return Err("a worker thread failed".to_owned());
    }
    done.sort_by_key(|(k, _)| *k);
    done.into_iter()
        .map(|(_, r)| r.map_err(|e| e.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Synthetic populations as Arrow

fn synthetic_table(
    policy: &Policy,
    people: &[Participant],
) -> Result<(Vec<RecordBatch>, SchemaRef), ArrowError> {
    let schema = policy.input_schema();
    let mut fields = vec![Field::new("id", DataType::Utf8, true)];
    let mut cols: Vec<ArrayRef> = vec![Arc::new(
        people
            .iter()
            .map(|p| p.id.as_deref())
            .collect::<StringArray>(),
    )];
    for f in &schema.fields {
        let values: Vec<Option<&Value>> = people.iter().map(|p| p.fields.get(&f.name)).collect();
        let number = |v: Option<&Value>| match v {
            Some(Value::Number(d)) => Some(*d),
            Some(Value::Text(t)) => t.trim().parse::<Decimal>().ok(),
            _ => None,
        };
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(t)) => Some(t.clone()),
            Some(Value::Number(d)) => Some(d.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            None => None,
        };
        let (dt, col): (DataType, ArrayRef) = match f.ty {
            FieldType::Integer | FieldType::Decimal => {
                let nums: Vec<Option<Decimal>> = values.iter().map(|v| number(*v)).collect();
                if nums.iter().flatten().all(|d| d.fract().is_zero()) {
                    let ints: Int64Array = nums
                        .iter()
                        .map(|d| d.and_then(|d| i64::try_from(d).ok()))
                        .collect();
                    (DataType::Int64, Arc::new(ints))
                } else {
                    let scale = nums.iter().flatten().map(|d| d.scale()).max().unwrap_or(0);
                    let s = i8::try_from(scale).unwrap_or(0);
                    let arr: Decimal128Array = nums
                        .iter()
                        .map(|d| {
                            d.map(|mut d| {
                                d.rescale(scale);
                                d.mantissa()
                            })
                        })
                        .collect();
                    let arr = arr.with_precision_and_scale(38, s)?;
                    (arr.data_type().clone(), Arc::new(arr))
                }
            }
            FieldType::Boolean => {
                let arr: BooleanArray = values
                    .iter()
                    .map(|v| match v {
                        Some(Value::Bool(b)) => Some(*b),
                        Some(Value::Text(t)) => Some(t == "true"),
                        _ => None,
                    })
                    .collect();
                (DataType::Boolean, Arc::new(arr))
            }
            FieldType::Date => {
                let arr: Date32Array = values
                    .iter()
                    .map(|v| {
                        text(*v)
                            .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
                            .map(|d| d.num_days_from_ce_checked())
                    })
                    .map(Option::flatten)
                    .collect();
                (DataType::Date32, Arc::new(arr))
            }
            FieldType::Text | FieldType::Choice => (
                DataType::Utf8,
                Arc::new(values.iter().map(|v| text(*v)).collect::<StringArray>()),
            ),
        };
        fields.push(Field::new(f.name.clone(), dt, true));
        cols.push(col);
    }
    let mut tags = ListBuilder::new(StringBuilder::new());
    for p in people {
        for t in &p.tags {
            tags.values().append_value(t);
        }
        tags.append(true);
    }
    let tags = tags.finish();
    fields.push(Field::new("tags", tags.data_type().clone(), true));
    cols.push(Arc::new(tags));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols)?;
    Ok((vec![batch], schema))
}

trait CheckedCeDays {
    fn num_days_from_ce_checked(&self) -> Option<i32>;
}

impl CheckedCeDays for NaiveDate {
    fn num_days_from_ce_checked(&self) -> Option<i32> {
        chrono::Datelike::num_days_from_ce(self).checked_sub(UNIX_EPOCH_CE_DAYS)
    }
}

// ---------------------------------------------------------------------------------------------
// The Python class

/// A compiled policy pack: immutable, shared freely between threads.
#[pyclass(frozen, module = "huimin._core", name = "Policy")]
struct PyPolicy {
    inner: Arc<Policy>,
}

impl PyPolicy {
    fn wrap(py: Python<'_>, r: Result<Policy, huimin_core::Error>) -> PyResult<PyPolicy> {
        r.map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(|e| core_err(py, &e))
    }

    fn frame_readers(
        &self,
        py: Python<'_>,
        table: PyTable,
    ) -> PyResult<(Vec<Reader>, Option<Field>)> {
        let (batches, schema) = table.into_inner();
        let id_field = schema.field_with_name("id").ok().cloned();
        let policy = self.inner.clone();
        let readers = py.detach(move || readers(&policy, &batches));
        readers.map(|r| (r, id_field)).map_err(|e| core_err(py, &e))
    }
}

#[pymethods]
impl PyPolicy {
    /// Reads and compiles a pack file (`.json` as JSON, anything else as YAML).
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyPolicy> {
        let r = py.detach(|| Policy::from_path(&path));
        PyPolicy::wrap(py, r)
    }

    /// Compiles a YAML pack; `file` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<input>"))]
    fn from_yaml(py: Python<'_>, text: &str, file: &str) -> PyResult<PyPolicy> {
        PyPolicy::wrap(py, Policy::from_yaml(text, file))
    }

    /// Compiles a JSON pack; `file` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<input>"))]
    fn from_json(py: Python<'_>, text: &str, file: &str) -> PyResult<PyPolicy> {
        PyPolicy::wrap(py, Policy::from_json(text, file))
    }

    /// The pack's id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The pack's identity as JSON: id, name, kind, jurisdiction, period, rounding, validity,
    /// payers, priority groups, warnings.
    fn info_json(&self) -> PyResult<String> {
        let p = &self.inner;
        let label = |(id, t): (&str, &Text)| serde_json::json!({ "id": id, "label": t });
        let info = serde_json::json!({
            "id": p.id(),
            "name": p.name(),
            "kind": p.kind(),
            "jurisdiction": p.jurisdiction(),
            "period": p.period(),
            "rounding": p.rounding(),
            "valid_from": p.valid_from(),
            "valid_until": p.pack().valid_until,
            "description": p.pack().description,
            "payers": p.payers().iter().map(|(id, t)| label((id.as_str(), t))).collect::<Vec<_>>(),
            "priority_groups": p.priority_groups().map(label).collect::<Vec<_>>(),
            "warnings": p.warnings(),
        });
        serde_json::to_string(&info).map_err(json_err)
    }

    /// The participant schema (fields and tags) as JSON.
    fn input_schema_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.input_schema()).map_err(json_err)
    }

    /// Checks a participant (a JSON object) against the schema: a JSON list of input errors,
    /// empty when it can be evaluated.
    fn validate_json(&self, py: Python<'_>, participant: &str) -> PyResult<String> {
        let errors = py.detach(|| match read_participant(participant) {
            Ok(p) => self.inner.validate(&p),
            Err(errors) => errors,
        });
        serde_json::to_string(&errors).map_err(json_err)
    }

    /// Evaluates one participant (a JSON object) as of a date (`YYYY-MM-DD`) with the GIL
    /// released; returns the decision's JSON.
    #[pyo3(signature = (participant, as_of, explain = true))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        participant: &str,
        as_of: &str,
        explain: bool,
    ) -> PyResult<String> {
        let as_of = parse_as_of(as_of)?;
        let out = py.detach(
            || -> Result<Result<String, serde_json::Error>, huimin_core::Error> {
                let p = read_participant(participant)
                    .map_err(|errors| huimin_core::Error::Input { errors })?;
                let d = self
                    .inner
                    .evaluate_with(&p, as_of, EvalOptions { explain })?;
                Ok(serde_json::to_string(&d))
            },
        );
        out.map_err(|e| core_err(py, &e))?.map_err(json_err)
    }

    /// Evaluates every row of an Arrow table (anything with `__arrow_c_stream__`) with the GIL
    /// released, on `threads` threads (default: all cores); one output row per input row.
    #[pyo3(signature = (table, as_of, threads = None))]
    fn evaluate_arrow(
        &self,
        py: Python<'_>,
        table: PyTable,
        as_of: &str,
        threads: Option<usize>,
    ) -> PyResult<PyTable> {
        let as_of = parse_as_of(as_of)?;
        let (readers, id_field) = self.frame_readers(py, table)?;
        let schema = output_schema(&self.inner, id_field.as_ref());
        let policy = self.inner.clone();
        let out_schema = schema.clone();
        let batches = py
            .detach(move || evaluate_batches(&policy, &readers, as_of, &out_schema, threads))
            .map_err(PyRuntimeError::new_err)?;
        PyTable::try_new(batches, schema)
    }

    /// Evaluates every row of an Arrow table without explanations, on all cores with the GIL
    /// released, and totals it: the core's budget as JSON. `progress(done)` is called now and
    /// then from worker threads.
    #[pyo3(signature = (table, as_of, progress = None))]
    fn simulate_arrow(
        &self,
        py: Python<'_>,
        table: PyTable,
        as_of: &str,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let as_of = parse_as_of(as_of)?;
        let (readers, _) = self.frame_readers(py, table)?;
        let policy = self.inner.clone();
        let budget = py.detach(move || {
            let people: Vec<Participant> = readers
                .iter()
                .flat_map(|r| (0..r.rows).map(|i| r.participant(i)))
                .collect();
            let report = |done: usize| {
                if let Some(cb) = &progress {
                    Python::attach(|py| {
                        // A failing progress bar must not stop the run.
                        let _ = cb.call1(py, (done,));
                    });
                }
            };
            policy.simulate(&people, as_of, &report)
        });
        serde_json::to_string(&budget).map_err(json_err)
    }

    /// `n` synthetic participants shaped for this pack, reproducible from `seed`, as an Arrow
    /// table: `id`, one column per input field, `tags` (list of strings).
    #[pyo3(signature = (n, seed = 0))]
    fn synthetic_arrow(&self, py: Python<'_>, n: usize, seed: u64) -> PyResult<PyTable> {
        let policy = self.inner.clone();
        let (batches, schema) = py
            .detach(move || {
                let people = huimin_core::population::synthetic(&policy, n, seed);
                synthetic_table(&policy, &people)
            })
            .map_err(arrow_err)?;
        PyTable::try_new(batches, schema)
    }

    fn __repr__(&self) -> String {
        format!("<huimin._core.Policy {}>", self.inner.id())
    }
}

fn read_participant(text: &str) -> Result<Participant, Vec<InputError>> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Participant::from_json_value(&v),
        Err(e) => Err(vec![input_err(
            "",
            "wrong_type",
            format!("参与者数据不是有效的 JSON：{e}"),
            format!("the participant is not valid JSON: {e}"),
        )]),
    }
}

/// The version of the huimin-python crate (and so of huimin-core it was built with).
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
