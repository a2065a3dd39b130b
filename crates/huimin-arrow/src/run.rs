//! Evaluating record batches: which rows the core's columnar batch path takes and which the
//! scalar path finishes, in parallel jobs of at most [`JOB_ROWS`] rows, output in input order.

use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use chrono::NaiveDate;
use huimin_core::batch::BatchOutput;
use huimin_core::{ffi, EvalOptions, Policy};

use crate::read::Frame;
use crate::write::{mantissas, Columns};
use crate::{JOB_ROWS, MONEY_PRECISION};

/// Evaluates row `i` on its own (the scalar engine, from the row frame's participant).
fn push_scalar_row(cols: &mut Columns, policy: &Policy, frame: &Frame, i: usize, as_of: NaiveDate) {
    let scale_u = policy.rounding().scale;
    let scale = i8::try_from(scale_u).unwrap_or(2);
    let p = frame.participant(i);
    match policy.evaluate_with(&p, as_of, EvalOptions { explain: false }) {
        Ok(d) => match mantissas(&d, &ffi::row_columns(policy), scale_u) {
            Some(m) => cols.push(&d, &m),
            None => cols.push_error(&format!("an amount does not fit Decimal({MONEY_PRECISION}, {scale}): net fee {}, subsidy {}", d.net_fee, d.subsidy_total)),
        },
        Err(e) => cols.push_error(&e.to_string()),
    }
}

/// Evaluates rows `start..start + len` of one batch into one output record batch, row by row.
fn evaluate_rows(
    policy: &Policy,
    frame: &Frame,
    start: usize,
    len: usize,
    as_of: NaiveDate,
    schema: &SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let mut cols = Columns::new(len, 4 + policy.payers().len());
    for i in start..start + len {
        push_scalar_row(&mut cols, policy, frame, i, as_of);
    }
    let id = frame.id_array.as_ref().map(|a| a.slice(start, len));
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
fn batch_mode(policy: &Policy, frame: &Frame, as_of: NaiveDate, threads: usize) -> Mode {
    let Some(batch) = frame.batch() else {
        return Mode::Rows;
    };
    match policy.evaluate_batch_on(&batch, as_of, threads) {
        Ok(out) if out.scale == policy.rounding().scale && out.eligible.len() == frame.rows => {
            let mut redo = vec![false; frame.rows];
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

/// Writes rows `start..start + len` of one batch from the batch outputs (with each row's unmet
/// requirements, its `reasons`) into one output record batch. Rows the outputs cannot give as
/// the row path would (errors, whose message is the row path's; amounts beyond
/// `Decimal128(18, scale)`) are evaluated on their own.
#[allow(clippy::too_many_arguments)]
fn batch_rows(
    policy: &Policy,
    frame: &Frame,
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
        if fits && !again {
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
            let reasons = out
                .unmet
                .iter()
                .filter(|(_, c)| c.get(i).copied().unwrap_or(false))
                .map(|(rule, _)| rule.as_str());
            cols.push_outputs(eligible, reasons, category, groups, &amounts);
        } else {
            push_scalar_row(&mut cols, policy, frame, i, as_of);
        }
    }
    let id = frame.id_array.as_ref().map(|a| a.slice(start, len));
    cols.finish(schema, id, scale)
}

fn worker_count(requested: Option<usize>, jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.unwrap_or(cores).max(1).min(jobs.max(1))
}

/// Evaluates every row of every batch, in parallel over jobs of at most [`JOB_ROWS`] rows, and
/// returns the output batches in input order.
pub(crate) fn evaluate_batches(
    policy: &Policy,
    frames: &[Frame],
    as_of: NaiveDate,
    schema: &SchemaRef,
    threads: Option<usize>,
) -> Result<Vec<RecordBatch>, crate::Error> {
    let mut jobs = Vec::new();
    for (b, r) in frames.iter().enumerate() {
        let mut start = 0;
        while start < r.rows {
            let len = JOB_ROWS.min(r.rows - start);
            jobs.push((b, start, len));
            start += len;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let modes: Vec<Mode> = frames
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
                        let done = match (frames.get(b), modes.get(b)) {
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
        return Err(crate::Error::Worker);
    }
    done.sort_by_key(|(k, _)| *k);
    done.into_iter()
        .map(|(_, r)| r.map_err(crate::Error::Arrow))
        .collect()
}
