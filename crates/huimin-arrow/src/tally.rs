//! Population runs by group on the column path: record batches streamed through a baseline
//! and any number of reforms at once, each slice read once per scenario into the core's
//! columnar batch and totalled by group ([`huimin_core::Tally`]), with exact weights. Memory
//! holds one slice and the groups, whatever the population's size.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Float32Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType};
use chrono::NaiveDate;
use huimin_core::batch::Batch;
use huimin_core::tally::{weight_text, weight_units, Key, BY_OUTCOME, WEIGHT_SCALE};
use huimin_core::{Policy, Tally};
use rust_decimal::Decimal;

use crate::read::Frame;
use crate::{missing, Error, Options, JOB_ROWS};

/// The run's own columns: how rows are grouped and weighed, and what per-row results carry.
/// None of them is refused as a column the pack does not read.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunColumns<'a> {
    /// Columns whose values make a row's group (none: the whole population is one group);
    /// `@category` and `@priority` group by the baseline's outcome
    /// ([`huimin_core::tally::BY_OUTCOME`]).
    pub by: &'a [String],
    /// Columns copied (as text) into the per-row results (district, school…).
    pub keep: &'a [String],
    /// The column of each row's weight: an exact non-negative decimal of at most
    /// [`WEIGHT_SCALE`] places (integers, decimals, decimal text, or floats read from their
    /// shortest decimal text); a row without one is in error. `None`: every row weighs 1.
    pub weight: Option<&'a str>,
}

/// Totals a stream of record batches under `policies` (the baseline first, then each reform)
/// as of a date, grouped and weighed by `grouping`. `place(r)` names the `r`-th row of the
/// stream (from 0) in an error (`line r + 2` for a CSV file with a header). `go_on(rows
/// done)` is asked after each slice of at most [`JOB_ROWS`] rows; once it says no the run
/// ends with [`Error::Stopped`]. With `rows`, each slice's per-participant results
/// ([`crate::comparison_schema`]) are handed to it as they are made.
///
/// A batch the pack cannot read at all (a required column missing, a column of a type that
/// cannot be read, a grouping column missing) ends the run with that error; a row that cannot
/// be evaluated or weighed is counted, named and left out of every total, and the rest go on.
#[allow(clippy::too_many_arguments)]
pub fn tally(
    policies: &[&Policy],
    batches: &mut dyn Iterator<Item = Result<RecordBatch, ArrowError>>,
    as_of: NaiveDate,
    grouping: RunColumns<'_>,
    options: Options,
    place: &dyn Fn(usize) -> String,
    go_on: &dyn Fn(usize) -> bool,
    mut rows: Option<&mut dyn FnMut(RecordBatch) -> Result<(), Error>>,
) -> Result<Tally, Error> {
    let mut t = Tally::new(policies, as_of, grouping.by)?;
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut done = 0_usize;
    for b in batches {
        let b = b?;
        let n = b.num_rows();
        // An empty batch is read all the same: its columns are checked as with rows.
        for start in (0..n.max(1)).step_by(JOB_ROWS) {
            let part = b.slice(start, JOB_ROWS.min(n - start));
            let slice = add_slice(
                &mut t,
                policies,
                &part,
                as_of,
                grouping,
                options,
                threads,
                &|i| place(done + i),
            )?;
            if let Some(sink) = rows.as_mut() {
                sink(slice.rows(policies, grouping.keep)?)?;
            }
            done += part.num_rows();
            if !go_on(done) {
                return Err(Error::Stopped);
            }
        }
    }
    Ok(t)
}

/// What a slice gave: each scenario's outputs, for its per-row results.
struct Slice {
    outs: Vec<huimin_core::batch::BatchOutput>,
    part: RecordBatch,
    errors: BTreeMap<usize, String>,
}

impl Slice {
    fn rows(&self, policies: &[&Policy], keep: &[String]) -> Result<RecordBatch, Error> {
        let schema = self.part.schema();
        let column = |name: &str| {
            schema
                .index_of(name)
                .ok()
                .and_then(|i| self.part.columns().get(i).cloned())
        };
        let id = column("id");
        let kept = keep
            .iter()
            .map(|k| column(k).ok_or_else(|| missing(k)))
            .collect::<Result<Vec<_>, _>>()?;
        let out_schema = crate::comparison_schema(policies, keep, id.is_some());
        Ok(crate::comparison_rows(
            &out_schema,
            &self.outs,
            id,
            kept,
            &self.errors,
        )?)
    }
}

/// Evaluates one slice under every scenario and adds it to the tally.
#[allow(clippy::too_many_arguments)]
fn add_slice(
    t: &mut Tally,
    policies: &[&Policy],
    part: &RecordBatch,
    as_of: NaiveDate,
    grouping: RunColumns<'_>,
    options: Options,
    threads: usize,
    place: &dyn Fn(usize) -> String,
) -> Result<Slice, Error> {
    let schema = part.schema();
    let column = |name: &str| -> Result<ArrayRef, Error> {
        schema
            .index_of(name)
            .ok()
            .and_then(|i| part.columns().get(i).cloned())
            .ok_or_else(|| missing(name))
    };
    // A grouping by outcome (`@category`, `@priority`) is filled in by the tally.
    let none: ArrayRef = Arc::new(arrow_array::new_null_array(
        &DataType::Utf8,
        part.num_rows(),
    ));
    let (keys, group) = groups(
        &grouping
            .by
            .iter()
            .map(|name| {
                if BY_OUTCOME.contains(&name.as_str()) {
                    Ok(none.clone())
                } else {
                    column(name)
                }
            })
            .collect::<Result<Vec<_>, _>>()?,
        part.num_rows(),
    )?;
    let weights = grouping
        .weight
        .map(|w| column(w).map(|a| weights(&a, w)))
        .transpose()?;
    let mut outs = Vec::with_capacity(policies.len());
    let mut unused = Vec::new();
    for p in policies {
        // The grouping and weight columns are the run's, not the pack's: left out of what the
        // pack reads unless it reads them itself (`by: grade`).
        let keep: Vec<usize> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let n = f.name().as_str();
                let ours = grouping.by.iter().chain(grouping.keep).any(|b| b == n)
                    || grouping.weight == Some(n);
                !ours || p.reads(n)
            })
            .map(|(i, _)| i)
            .collect();
        let frame = Frame::new(p, &part.project(&keep)?, options.floats, options.extra)?;
        unused.extend(frame.unused.iter().cloned());
        let batch = frame.batch().unwrap_or_else(|| {
            let people: Vec<_> = (0..frame.rows).map(|i| frame.participant(i)).collect();
            Batch::from_participants(&people)
        });
        outs.push(p.evaluate_batch_on(&batch, as_of, threads)?);
    }
    t.note_unused(unused);
    let id = schema
        .index_of("id")
        .ok()
        .and_then(|i| part.columns().get(i))
        .and_then(|a| arrow_cast::cast(a, &DataType::Utf8).ok());
    let name = |i: usize| {
        let id = id
            .as_ref()
            .map(|a| a.as_string::<i32>())
            .filter(|a| a.is_valid(i))
            .map(|a| a.value(i));
        match id {
            Some(id) => format!("{} ({})", huimin_core::text::excerpt(id, 80), place(i)),
            None => place(i),
        }
    };
    t.add(&outs, &keys, &group, weights.as_deref(), &name);
    let errors = huimin_core::tally::row_errors(&outs, weights.as_deref());
    Ok(Slice {
        outs,
        part: part.clone(),
        errors,
    })
}

/// The slice's distinct groups, and each row's index into them.
fn groups(cols: &[ArrayRef], rows: usize) -> Result<(Vec<Key>, Vec<usize>), Error> {
    if cols.is_empty() {
        return Ok((vec![Key::new()], vec![0; rows]));
    }
    let texts = cols
        .iter()
        .map(|c| arrow_cast::cast(c, &DataType::Utf8))
        .collect::<Result<Vec<_>, _>>()?;
    let texts: Vec<_> = texts.iter().map(|a| a.as_string::<i32>()).collect();
    let mut index: HashMap<Vec<Option<&str>>, usize> = HashMap::new();
    let mut group = Vec::with_capacity(rows);
    let mut row = Vec::with_capacity(texts.len());
    for i in 0..rows {
        row.clear();
        row.extend(texts.iter().map(|a| a.is_valid(i).then(|| a.value(i))));
        let next = index.len();
        let k = match index.get(&row) {
            Some(k) => *k,
            None => {
                index.insert(row.clone(), next);
                next
            }
        };
        group.push(k);
    }
    let mut keys = vec![Key::new(); index.len()];
    for (k, i) in index {
        if let Some(slot) = keys.get_mut(i) {
            *slot = k.into_iter().map(|v| v.map(str::to_owned)).collect();
        }
    }
    Ok((keys, group))
}

/// Each row's weight in millionths, or why it has none.
fn weights(a: &ArrayRef, name: &str) -> Vec<Result<i128, String>> {
    let scale = 10_i128.pow(WEIGHT_SCALE);
    let exact = |d: Decimal| weight_units(d, name);
    let none = || Err(format!("no weight (`{name}` is empty)"));
    let rows = a.len();
    match a.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => match arrow_cast::cast(a, &DataType::Int64) {
            Ok(c) => {
                let c = c.as_primitive::<Int64Type>();
                (0..rows)
                    .map(|i| {
                        if c.is_null(i) {
                            return none();
                        }
                        let v = i128::from(c.value(i));
                        if v < 0 {
                            return Err(format!("weight `{name}` is negative ({v})"));
                        }
                        Ok(v * scale)
                    })
                    .collect()
            }
            Err(e) => vec![Err(e.to_string()); rows],
        },
        DataType::Decimal128(_, s) => {
            let c = a.as_primitive::<Decimal128Type>();
            let s = u32::try_from(*s).unwrap_or(u32::MAX);
            (0..rows)
                .map(|i| {
                    if c.is_null(i) {
                        return none();
                    }
                    Decimal::try_from_i128_with_scale(c.value(i), s)
                        .map_err(|e| format!("weight `{name}`: {e}"))
                        .and_then(exact)
                })
                .collect()
        }
        DataType::Float64 | DataType::Float32 => {
            // A float is read from its shortest decimal text: the number a person typed.
            let text = |i: usize| -> Option<String> {
                if a.is_null(i) {
                    return None;
                }
                Some(match a.data_type() {
                    DataType::Float32 => format!("{}", a.as_primitive::<Float32Type>().value(i)),
                    _ => format!("{}", a.as_primitive::<Float64Type>().value(i)),
                })
            };
            (0..rows)
                .map(|i| match text(i) {
                    None => none(),
                    Some(t) => weight_text(&t, name),
                })
                .collect()
        }
        _ => match arrow_cast::cast(a, &DataType::Utf8) {
            Ok(c) => {
                let c = c.as_string::<i32>();
                (0..rows)
                    .map(|i| {
                        if c.is_null(i) {
                            return none();
                        }
                        weight_text(c.value(i), name)
                    })
                    .collect()
            }
            Err(e) => vec![Err(format!("weight `{name}`: {e}")); rows],
        },
    }
}
