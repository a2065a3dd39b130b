//! Reading Arrow record batches: each column the pack reads, normalised to a handful of Arrow
//! types, read row by row as the core reads JSON ([`Frame::participant`]) and, when every row
//! converts exactly, as a column of the core's [`Batch`] ([`Frame::batch`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt8Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, ListArray,
    RecordBatch, StringArray,
};
use arrow_buffer::NullBuffer;
use arrow_cast::{cast_with_options, CastOptions};
use arrow_schema::{ArrowError, DataType, Field};
use chrono::NaiveDate;
use huimin_core::batch::{Batch, Column, Defaulted, Ints};
use huimin_core::model::FieldType;
use huimin_core::{InputError, Participant, Policy, Text, Value};
use rust_decimal::Decimal;

use crate::{Extra, Floats, UNIX_EPOCH_CE_DAYS};

fn input_err(path: &str, code: &'static str, zh: String, en: String) -> InputError {
    InputError {
        path: path.to_owned(),
        code,
        message: Text::new(zh, en),
    }
}

/// One input column, normalised to a handful of Arrow types.
enum Col {
    Null,
    /// Whole numbers at their own width (`UInt64` cast to `Int64`, which fails beyond it).
    Int {
        values: Ints,
        nulls: Option<NullBuffer>,
    },
    /// Floats (float32 ones widened exactly, `single` set: their text is float32's).
    Float {
        values: Float64Array,
        single: bool,
    },
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

/// `c` as the column of a field of type `ty`, unless it is a float column that the field
/// cannot read: one of floats for a field that is no number, or one `floats` refuses. The
/// refusal says what to do instead.
fn admit(
    c: Col,
    name: &str,
    dt: &DataType,
    ty: FieldType,
    floats: Floats,
) -> Result<Col, InputError> {
    if !matches!(c, Col::Float { .. }) {
        return Ok(c);
    }
    if !matches!(ty, FieldType::Integer | FieldType::Decimal) {
        return Err(input_err(
            name,
            "wrong_type",
            format!("列“{name}”是浮点数列（{dt}），但该字段不是数字：请给出文本列"),
            format!("column `{name}` holds floats ({dt}) but the field is not a number: give it as a text column"),
        ));
    }
    match floats {
        Floats::Shortest => Ok(c),
        Floats::Refuse => Err(input_err(
            name,
            "wrong_type",
            format!("列“{name}”是浮点数列（{dt}），浮点数不是精确的小数：请改为小数（decimal）或文本列，或传入 floats=\"shortest\"，按每个浮点数最短的十进制写法读取"),
            format!("column `{name}` holds floats ({dt}), which are not exact decimals: give it as a decimal or text column, or pass floats=\"shortest\" to read each float as its shortest decimal text"),
        )),
    }
}

/// An integer array's values, copied at their own width; `None` for another type.
fn ints(a: &ArrayRef) -> Option<Ints> {
    Some(match a.data_type() {
        DataType::Int8 => a.as_primitive_opt::<Int8Type>()?.values().to_vec().into(),
        DataType::Int16 => a.as_primitive_opt::<Int16Type>()?.values().to_vec().into(),
        DataType::Int32 => a.as_primitive_opt::<Int32Type>()?.values().to_vec().into(),
        DataType::Int64 => a.as_primitive_opt::<Int64Type>()?.values().to_vec().into(),
        DataType::UInt8 => a.as_primitive_opt::<UInt8Type>()?.values().to_vec().into(),
        DataType::UInt16 => a.as_primitive_opt::<UInt16Type>()?.values().to_vec().into(),
        DataType::UInt32 => a.as_primitive_opt::<UInt32Type>()?.values().to_vec().into(),
        _ => return None,
    })
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
                let a = match dt {
                    DataType::UInt64 => cast(a.as_ref(), &DataType::Int64).map_err(bad)?,
                    _ => Arc::clone(a),
                };
                Col::Int {
                    values: ints(&a).ok_or_else(missing)?,
                    nulls: a.nulls().cloned(),
                }
            }
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                let c = cast(a.as_ref(), &DataType::Float64).map_err(bad)?;
                Col::Float {
                    values: c
                        .as_primitive_opt::<Float64Type>()
                        .ok_or_else(missing)?
                        .clone(),
                    single: *dt == DataType::Float32,
                }
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
            // A dictionary without values (all its rows null, or none) is read as text below:
            // arrow's key normalising needs at least one value.
            DataType::Dictionary(_, v)
                if matches!(
                    v.as_ref(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                ) && a
                    .as_any_dictionary_opt()
                    .is_some_and(|d| !d.values().is_empty()) =>
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

    /// The shortest text that reads back as the float at row `i` (of its own width: float32's
    /// for a float32 column): `1000.49`, `NaN`, `inf`.
    fn float_text(&self, i: usize) -> String {
        match self {
            #[allow(clippy::cast_possible_truncation)] // widened from float32: exact
            Col::Float {
                values,
                single: true,
            } => format!("{}", values.value(i) as f32),
            Col::Float { values, .. } => format!("{}", values.value(i)),
            _ => String::new(),
        }
    }

    /// The value at row `i`, or `None` when the cell is null (a missing value). Numbers that do
    /// not fit an exact decimal are passed on as text, so the core reports them as it reports
    /// any bad value.
    fn get(&self, i: usize) -> Option<Value> {
        match self {
            Col::Null => None,
            Col::Int { values, nulls } => nulls
                .as_ref()
                .is_none_or(|n| n.is_valid(i))
                .then(|| values.get(i))
                .flatten()
                .map(|v| Value::Number(Decimal::from(v))),
            Col::Float { values, .. } => values.is_valid(i).then(|| {
                let text = self.float_text(i);
                // Read exactly, or kept as text (NaN, ±inf, beyond 28 places) for the row's
                // "must be a number" error: never a default, never rounded.
                huimin_core::money::parse_decimal(&text)
                    .map(Value::Number)
                    .unwrap_or(Value::Text(text))
            }),
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

/// The columns of one record batch that a pack reads.
pub struct Frame {
    /// Rows in the record batch.
    pub rows: usize,
    fields: Vec<(String, FieldType, Col)>,
    tags: Option<Tags>,
    /// Columns named after a status (the pack's tag or a vocabulary term): yes/no per row.
    tag_cols: Vec<(String, Col)>,
    /// Columns that are standard fields of the vocabulary this pack does not read.
    pub unused: Vec<String>,
    /// Inputs an authority sets that rows of this batch come without.
    pub defaulted: Vec<Defaulted>,
    id: Option<Col>,
    /// The `id` column as given, copied to the output.
    pub id_array: Option<ArrayRef>,
}

impl Frame {
    /// Reads the columns `policy` asks for; every column that is missing (when required), of
    /// a type that cannot be read, or of floats that `floats` refuses is one input error
    /// naming it. A column named after one of the pack's tags is that tag, yes or no, row by
    /// row; any other column is an input error unless `extra` ignores it.
    pub fn new(
        policy: &Policy,
        batch: &RecordBatch,
        floats: Floats,
        extra: Extra,
    ) -> Result<Frame, huimin_core::Error> {
        let schema = batch.schema();
        let column = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| batch.columns().get(i).cloned())
        };
        let mut errors = Vec::new();
        // Two columns of one name: which holds the value? (Lookup by name would take the first.)
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        for (k, name) in names.iter().enumerate() {
            if names.iter().take(k).any(|n| n == name)
                && !errors.iter().any(|e: &InputError| e.path == *name)
            {
                errors.push(huimin_core::ffi::duplicate(name));
            }
        }
        let schema_info = policy.input_schema();
        // The column of each input: by its name, else by a registry alias of it (年龄 for age).
        let column_of = |field: &str| -> Option<&str> {
            names.iter().copied().find(|n| *n == field).or_else(|| {
                names
                    .iter()
                    .copied()
                    .find(|n| huimin_core::model::field_named(n).is_some_and(|s| s.name == field))
            })
        };
        let mut fields = Vec::new();
        let mut read: Vec<&str> = Vec::new();
        for f in schema_info.fields.clone() {
            match column_of(&f.name).and_then(|n| Some((n, column(n)?))) {
                Some((n, a)) => {
                    read.push(n);
                    match Col::new(n, &a).and_then(|c| admit(c, n, a.data_type(), f.ty, floats)) {
                        Ok(c) => fields.push((f.name, f.ty, c)),
                        Err(e) => errors.push(e),
                    }
                }
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
        // The other columns: a status (one of the pack's tags or a vocabulary term, by id or
        // registry name) is read row by row as yes/no; a standard field the pack does not read
        // is left unread and named in `unused`; anything else is refused unless ignored.
        let mut tag_cols = Vec::new();
        let mut unused = Vec::new();
        for (name, f) in names.iter().zip(schema.fields()) {
            let name = *name;
            if name == "id" || name == "tags" || read.contains(&name) {
                continue;
            }
            let is_tag = schema_info.tags.iter().any(|t| t.id == name)
                || huimin_core::model::tag_named(name).is_some();
            if is_tag {
                if tag_cols.iter().any(|(n, _): &(String, Col)| n == name) {
                    continue;
                }
                match column(name).map(|a| Col::new(name, &a)) {
                    Some(Ok(c)) => tag_cols.push((name.to_owned(), c)),
                    Some(Err(e)) => errors.push(e),
                    None => {}
                }
            } else if let Some(std) = huimin_core::model::field_named(name) {
                if schema_info.fields.iter().any(|x| x.name == std.name) {
                    // Another column already gave this input (`age` and `年龄`).
                    errors.push(huimin_core::ffi::duplicate(name));
                } else {
                    unused.push(name.to_owned());
                }
            } else if extra == Extra::Refuse {
                errors.push(huimin_core::ffi::unknown_column(
                    policy,
                    name,
                    f.data_type(),
                ));
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
        // Inputs an authority sets that rows come without: the default stands in, an estimate.
        let defaulted = schema_info
            .fields
            .iter()
            .filter(|f| f.set_by.is_some())
            .filter_map(|f| {
                let missing = match column_of(&f.name).and_then(column) {
                    None => batch.num_rows(),
                    Some(a) => a.logical_null_count(),
                };
                policy.defaulted_input(&f.name, u64::try_from(missing).unwrap_or(u64::MAX))
            })
            .collect();
        if errors.is_empty() {
            Ok(Frame {
                rows: batch.num_rows(),
                defaulted,
                fields,
                tags,
                tag_cols,
                unused,
                id,
                id_array,
            })
        } else {
            Err(huimin_core::Error::Input { errors })
        }
    }

    /// Row `i` as a participant, read exactly as the core reads the same row's JSON.
    pub fn participant(&self, i: usize) -> Participant {
        let mut fields = BTreeMap::new();
        for (name, _, col) in &self.fields {
            if let Some(v) = col.get(i) {
                fields.insert(name.clone(), v);
            }
        }
        // A tag's column goes in as a key of the tag's name, which the core reads as that tag.
        for (name, col) in &self.tag_cols {
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
    /// No row has a value: left out of the batch, as the row frame leaves the field out.
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

/// The largest integer below which every integer is exactly a float64 (2^53).
const EXACT_FLOAT_INT: f64 = 9_007_199_254_740_992.0;

/// The values of a float column as integers, when every present value is a whole number that
/// a float64 holds exactly (not NaN, and not -0, whose text the row reader keeps); `None`
/// otherwise.
fn integral(a: &Float64Array, rows: usize) -> Option<Vec<i64>> {
    (0..rows)
        .map(|i| {
            let v = a.value(i);
            if a.is_null(i) {
                return Some(0);
            }
            let whole = v.fract() == 0.0 && v.abs() < EXACT_FLOAT_INT;
            let negative_zero = v == 0.0 && v.is_sign_negative();
            #[allow(clippy::cast_possible_truncation)] // whole and below 2^53: exact
            (whole && !negative_zero).then_some(v as i64)
        })
        .collect()
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
            Col::Int { values, nulls } => {
                masked(Column::int(values.clone()), validity(rows, nulls.as_ref()))
            }
            Col::Float { values: a, .. } => {
                // The shortest text of each float: the core parses it for a number field exactly
                // as `get` does (NaN, ±inf and the like take the scalar engine's error). Only
                // number fields read float columns (`Frame::new`).
                if !matches!(ty, FieldType::Integer | FieldType::Decimal) {
                    return AsColumn::Inexact;
                }
                if let Some(ints) = integral(a, rows) {
                    // Every value is a whole number: the fast integer column.
                    return masked(Column::int(ints), validity(rows, a.nulls()));
                }
                let texts: Vec<Option<String>> = (0..rows)
                    .map(|i| a.is_valid(i).then(|| self.float_text(i)))
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
                        // Where the core's text of a date is the row frame's `%Y-%m-%d`.
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

impl Frame {
    /// This record batch as the core's columnar batch, or `None` when a column cannot be given
    /// exactly (then it is evaluated row by row).
    pub fn batch(&self) -> Option<Batch> {
        let mut b = Batch::new(self.rows);
        for (name, ty, col) in &self.fields {
            match col.column(*ty, self.rows) {
                AsColumn::Absent => {}
                AsColumn::Column(c) => b = b.column(name.clone(), c).ok()?,
                AsColumn::Inexact => return None,
            }
        }
        let lists: Option<Vec<Vec<String>>> = self
            .tags
            .as_ref()
            .map(|t| (0..self.rows).map(|i| t.get(i)).collect());
        for (name, col) in &self.tag_cols {
            // Every row a clean yes/no (null: not given), and none contradicting `tags`;
            // otherwise the rows are read one by one, where such a row is that row's error.
            if let (Col::Bool(a), None) = (col, &lists) {
                // A boolean column with no `tags` beside it: each flag as it is (null: not
                // given), without a value per row.
                let flags = (0..self.rows)
                    .map(|i| a.is_valid(i) && a.value(i))
                    .collect();
                b = b.tag_flags(name.clone(), flags).ok()?;
                continue;
            }
            let mut flags = Vec::with_capacity(self.rows);
            for i in 0..self.rows {
                let flag = match col.get(i) {
                    None => false,
                    Some(v) => huimin_core::model::yes_no(&v)?,
                };
                let listed = lists
                    .as_ref()
                    .and_then(|l| l.get(i))
                    .is_some_and(|l| l.iter().any(|t| t == name));
                if listed && !flag && col.get(i).is_some() {
                    return None;
                }
                flags.push(flag);
            }
            b = b.tag_flags(name.clone(), flags).ok()?;
        }
        if let Some(lists) = lists {
            b = b.tag_lists(lists).ok()?;
        }
        Some(b)
    }
}
