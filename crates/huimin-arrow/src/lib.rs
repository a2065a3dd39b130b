//! huimin-arrow: Arrow record batches in and out of [`huimin_core`], so that no binding reads
//! columns, picks engines or defines the output row itself.
//!
//! - **Reading** ([`Frame`]): every column a pack reads, exactly. Integers (any width, signed or
//!   not), decimals (`Decimal32` to `Decimal256`, at their scale), booleans, strings (`Utf8`,
//!   `LargeUtf8`, `Utf8View`), dictionaries of strings (pandas categoricals), dates and
//!   timestamps, and `tags` as a list of strings or one `;`/`,`/`|`-separated string. A float
//!   is no exact decimal, so a float column is refused unless the caller asks for
//!   [`Floats::Shortest`] (and only for an integer or decimal field): then each float is read
//!   as its shortest decimal text — the number a person typed, as the JSON path reads it —
//!   a column of whole numbers takes the integer fast path, and NaN, ±inf or a float beyond
//!   28 digits is that row's input error, never a default or a rounded amount.
//! - **Evaluating** ([`evaluate`]): record batches are split into jobs of at most [`JOB_ROWS`]
//!   rows, run on `threads` threads while the calling thread asks the caller whether to go on
//!   (so that Ctrl-C is prompt). Each job whose columns convert exactly goes through the
//!   core's columnar batch ([`huimin_core::Policy::evaluate_batch_on`]), whose outputs carry
//!   each row's unmet requirements (its `reasons`); the rows it cannot describe as the row
//!   path would (errors; amounts beyond the money columns) and jobs with a column that does
//!   not convert exactly are evaluated participant by participant — so every row reads as the
//!   same row's JSON would.
//! - **Writing** ([`output_schema`]): the one output row — `id`, `eligible`, `reasons`,
//!   `category`, `priority_groups`, `gross_fee`, `reduction_total`, `net_fee`,
//!   `subsidy_total`, `payer_<id>` per payer (money as `Decimal128(18, pack scale)`), `error`.
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod compare;
mod read;
mod run;
mod synthetic;
mod tally;
mod write;

use std::sync::Arc;

use arrow_schema::{ArrowError, Schema, SchemaRef};
use chrono::NaiveDate;
use huimin_core::{InputError, Participant, Policy, Text};

pub use arrow_array::RecordBatch;
pub use compare::{comparison_rows, comparison_schema};
pub use read::Frame;
pub use tally::{tally, RunColumns};
pub use write::output_schema;

/// Money columns are `Decimal128(MONEY_PRECISION, pack scale)`: up to 10^16 yuan at the fen.
pub const MONEY_PRECISION: u8 = 18;
/// Rows per unit of parallel work (and per output record batch).
pub const JOB_ROWS: usize = 65_536;
/// Days from 0001-01-01 (CE day 1) to 1970-01-01, for Arrow's Date32.
pub(crate) const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

/// How a float column is read for an integer or decimal field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Floats {
    /// Refused, with an input error naming the column and what to do instead (the default).
    #[default]
    Refuse,
    /// Each float read from its shortest round-trip decimal text (`1000.49_f64` is `1000.49`;
    /// a float32 column at float32's); NaN and ±inf are that row's input error.
    Shortest,
}

/// What is done with a column that is none of the pack's inputs or tags, nor `id` or `tags`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Extra {
    /// Refused: an input error naming each such column (the default), as `evaluate` refuses
    /// an unknown key.
    #[default]
    Refuse,
    /// Left unread (a registry's other columns).
    Ignore,
}

/// How a table is read and evaluated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// How float columns are read.
    pub floats: Floats,
    /// What is done with columns the pack does not read.
    pub extra: Extra,
}

/// What can go wrong evaluating record batches.
#[derive(Debug)]
pub enum Error {
    /// The input does not fit the pack (a required column missing, a column of a type that
    /// cannot be read, a bad date): the core's error.
    Core(huimin_core::Error),
    /// Arrow could not build an output array.
    Arrow(ArrowError),
    /// A worker thread panicked (a bug): its panic's message.
    Worker(String),
    /// The caller stopped the run (its `go_on` said no).
    Stopped,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Core(e) => write!(f, "{e}"),
            Error::Arrow(e) => write!(f, "arrow: {e}"),
            Error::Worker(m) => write!(f, "a worker thread panicked: {m}"),
            Error::Stopped => f.write_str("the run was stopped"),
        }
    }
}

impl std::error::Error for Error {}

impl From<huimin_core::Error> for Error {
    fn from(e: huimin_core::Error) -> Self {
        Error::Core(e)
    }
}

impl From<ArrowError> for Error {
    fn from(e: ArrowError) -> Self {
        Error::Arrow(e)
    }
}

/// Evaluates every row of a table (its record batches and their schema) as of a date: one
/// output row per input row, in input order, in the [`output_schema`], one output batch per
/// [`JOB_ROWS`] rows of an input batch.
///
/// `go_on(rows done)` is asked on the calling thread between chunks of work (each chunk
/// read, each job done, and every few milliseconds while the workers run): once it says no,
/// no more work starts and the run ends with [`Error::Stopped`]. `&|_| true` runs to the end.
pub fn evaluate(
    policy: &Policy,
    batches: &[RecordBatch],
    schema: &Schema,
    as_of: NaiveDate,
    options: Options,
    go_on: &dyn Fn(usize) -> bool,
) -> Result<(Vec<RecordBatch>, SchemaRef), Error> {
    evaluate_keeping(policy, batches, schema, as_of, options, &[], go_on)
}

/// [`evaluate`], with the columns `keep` (district, school…) copied unchanged beside each
/// row's results, after `id`. They are the caller's, never refused as columns the pack does
/// not read; a missing one is an error naming it.
pub fn evaluate_keeping(
    policy: &Policy,
    batches: &[RecordBatch],
    schema: &Schema,
    as_of: NaiveDate,
    options: Options,
    keep: &[String],
    go_on: &dyn Fn(usize) -> bool,
) -> Result<(Vec<RecordBatch>, SchemaRef), Error> {
    let kept = kept_columns(schema, keep)?;
    let read: Vec<usize> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, f)| !kept.contains(i) || policy.reads(f.name()))
        .map(|(i, _)| i)
        .collect();
    // A table without batches is read as one empty batch: its columns are checked all the same.
    let none = [RecordBatch::new_empty(Arc::new(schema.clone()))];
    let batches = if batches.is_empty() {
        &none[..]
    } else {
        batches
    };
    let mut frames = Vec::new();
    let mut copies: Vec<Vec<arrow_array::ArrayRef>> = Vec::new();
    for part in jobs(batches) {
        if !go_on(0) {
            return Err(Error::Stopped);
        }
        let columns = kept.iter().filter_map(|i| part.columns().get(*i).cloned());
        copies.push(columns.collect());
        frames.push(Frame::new(
            policy,
            &part.project(&read)?,
            options.floats,
            options.extra,
        )?);
    }
    // Columns of the vocabulary the pack does not read: named in the output's metadata
    // (`huimin.unused`), a note for the caller, never silently dropped.
    let unused = frames
        .first()
        .map(|f| f.unused.join(","))
        .unwrap_or_default();
    // An empty batch is read (its columns may be wrong) but has no job.
    let (frames, copies): (Vec<Frame>, Vec<_>) = frames
        .into_iter()
        .zip(copies)
        .filter(|(f, _)| f.rows > 0)
        .unzip();
    let mut out = output_schema(policy, schema.field_with_name("id").ok());
    let mut meta = out.metadata().clone();
    if !unused.is_empty() {
        meta.insert("huimin.unused".to_owned(), unused);
    }
    // What the outputs rest on that no source states (`huimin.assumptions`, the decision's
    // JSON of them) and which columns can rest on it (`huimin.estimated`): in the answer.
    let (assumptions, estimated) = policy.run_estimates(as_of, &defaulted(&frames));
    if !estimated.is_empty() {
        let columns = huimin_core::ffi::estimated_columns(policy, &estimated);
        meta.insert("huimin.estimated".to_owned(), columns.join(","));
        meta.insert(
            "huimin.assumptions".to_owned(),
            huimin_core::ffi::to_json(&assumptions),
        );
    }
    out = Arc::new(out.as_ref().clone().with_metadata(meta));
    let batches = run::evaluate_batches(policy, &frames, as_of, &out, options.threads, go_on)?;
    if kept.is_empty() {
        return Ok((batches, out));
    }
    let with = with_kept(&out, schema, &kept);
    let batches = batches
        .into_iter()
        .zip(copies)
        .map(|(b, copy)| {
            let at = usize::from(schema.field_with_name("id").is_ok());
            let mut cols = b.columns().to_vec();
            for (n, c) in copy.into_iter().enumerate() {
                cols.insert(at + n, c);
            }
            RecordBatch::try_new(with.clone(), cols)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((batches, with))
}

/// The output schema of [`evaluate_keeping`] for a table of `schema`: what a cluster's task
/// must declare before it sees a row. Its fields are the run's; the run's metadata adds what
/// the rows themselves say (`huimin.unused`, `huimin.estimated`, `huimin.assumptions`).
pub fn output_schema_keeping(
    policy: &Policy,
    schema: &Schema,
    keep: &[String],
) -> Result<SchemaRef, Error> {
    let kept = kept_columns(schema, keep)?;
    let out = output_schema(policy, schema.field_with_name("id").ok());
    Ok(with_kept(&out, schema, &kept))
}

/// The indices of the columns `keep` in `schema` (`id` aside: the output has it anyway).
fn kept_columns(schema: &Schema, keep: &[String]) -> Result<Vec<usize>, Error> {
    keep.iter()
        .filter(|k| k.as_str() != "id")
        .map(|k| schema.index_of(k).map_err(|_| missing(k)))
        .collect()
}

/// `out` with the columns `kept` of `schema` after `id` (when there is one), with their own
/// types.
fn with_kept(out: &SchemaRef, schema: &Schema, kept: &[usize]) -> SchemaRef {
    if kept.is_empty() {
        return out.clone();
    }
    let at = usize::from(schema.field_with_name("id").is_ok());
    let mut fields: Vec<arrow_schema::FieldRef> = out.fields().iter().cloned().collect();
    for (n, i) in kept.iter().enumerate() {
        if let Some(f) = schema.fields().get(*i) {
            fields.insert(at + n, f.clone());
        }
    }
    Arc::new(Schema::new_with_metadata(fields, out.metadata().clone()))
}

/// The defaults that stood in over all `frames`, rows added up per input.
fn defaulted(frames: &[Frame]) -> Vec<huimin_core::batch::Defaulted> {
    let mut all = Vec::new();
    for f in frames {
        huimin_core::batch::Defaulted::merge(&mut all, &f.defaulted);
    }
    all
}

/// The error for a column the run needs (to group by, weigh by or keep) that the data lacks.
pub(crate) fn missing(name: &str) -> Error {
    Error::Core(huimin_core::Error::Input {
        errors: vec![InputError {
            path: name.to_owned(),
            code: "missing",
            message: Text::new(
                format!("数据中没有列“{name}”（分组、权重或保留所用）"),
                format!("the data has no column `{name}` (to group by, weigh by or keep)"),
            ),
        }],
    })
}

/// Each record batch in slices of at most [`JOB_ROWS`] rows (an empty batch as itself).
fn jobs(batches: &[RecordBatch]) -> impl Iterator<Item = RecordBatch> + '_ {
    batches.iter().flat_map(|b| {
        let n = b.num_rows();
        (0..n.max(1))
            .step_by(JOB_ROWS)
            .map(move |start| b.slice(start, JOB_ROWS.min(n - start)))
    })
}

/// Every row of a table as a participant, read exactly as the same row's JSON would be.
/// `go_on(rows read)` is asked between slices of [`JOB_ROWS`] rows, as by [`evaluate`].
pub fn participants(
    policy: &Policy,
    batches: &[RecordBatch],
    floats: Floats,
    extra: Extra,
    go_on: &dyn Fn(usize) -> bool,
) -> Result<Vec<Participant>, Error> {
    let mut people = Vec::new();
    for part in jobs(batches) {
        if !go_on(people.len()) {
            return Err(Error::Stopped);
        }
        let f = Frame::new(policy, &part, floats, extra)?;
        people.extend((0..f.rows).map(|i| f.participant(i)));
    }
    Ok(people)
}

/// `n` synthetic participants shaped for `policy`, reproducible from `seed`, as a table: `id`,
/// one column per input field (integers as `Int64`, decimals as `Decimal128`, dates as
/// `Date32`), `tags` (a list of strings).
pub fn synthetic(
    policy: &Policy,
    n: usize,
    seed: u64,
) -> Result<(Vec<RecordBatch>, SchemaRef), ArrowError> {
    let people = huimin_core::population::synthetic(policy, n, seed);
    synthetic::synthetic_table(policy, &people)
}
