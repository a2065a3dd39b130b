//! Evaluating record batches: which rows the core's columnar batch path takes and which the
//! scalar path finishes, in parallel jobs of one frame (at most [`crate::JOB_ROWS`] rows) each,
//! output in input order; the calling thread watches and can stop the run between jobs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use chrono::NaiveDate;
use huimin_core::batch::BatchOutput;
use huimin_core::{ffi, EvalOptions, Policy};

use crate::read::Frame;
use crate::write::{mantissas, Alone, Rows};
use crate::MONEY_PRECISION;

/// Evaluates row `i` on its own (the scalar engine, from the row frame's participant).
/// Row `i` decided on its own by the exact engine.
fn alone(policy: &Policy, frame: &Frame, i: usize, as_of: NaiveDate) -> Alone {
    let scale_u = policy.rounding().scale;
    let scale = i8::try_from(scale_u).unwrap_or(2);
    let p = frame.participant(i);
    match policy.evaluate_with(&p, as_of, EvalOptions { explain: false }) {
        Ok(d) => match mantissas(&d, &ffi::row_columns(policy), scale_u) {
            Some(m) => Ok((d, m)),
            None => Err(format!("an amount does not fit Decimal({MONEY_PRECISION}, {scale}): net fee {}, subsidy {}", d.net_fee, d.subsidy_total)),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Evaluates a frame into one output record batch, row by row.
fn evaluate_rows(
    policy: &Policy,
    frame: &Frame,
    as_of: NaiveDate,
    schema: &SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let each: Vec<(usize, Alone)> = (0..frame.rows)
        .map(|i| (i, alone(policy, frame, i, as_of)))
        .collect();
    Rows {
        rows: frame.rows,
        amounts: 4 + policy.payers().len(),
        batch: None,
        alone: &each,
    }
    .finish(schema, frame.id_array.clone(), scale)
}

/// The core's batch outputs for a frame whose columns convert exactly, with the rows to be
/// evaluated on their own again (those with an error, whose message is the row path's).
fn batch_outputs(
    policy: &Policy,
    frame: &Frame,
    as_of: NaiveDate,
    threads: usize,
) -> Option<(BatchOutput, Vec<bool>)> {
    let out = policy
        .evaluate_batch_on(&frame.batch()?, as_of, threads)
        .ok()?;
    if out.scale != policy.rounding().scale || out.eligible.len() != frame.rows {
        return None;
    }
    let mut redo = vec![false; frame.rows];
    for (i, _) in &out.errors {
        if let Some(r) = redo.get_mut(*i) {
            *r = true;
        }
    }
    Some((out, redo))
}

/// Writes a frame from its batch outputs (with each row's unmet requirements, its `reasons`)
/// into one output record batch. Rows the outputs cannot give as the row path would (errors,
/// whose message is the row path's; amounts beyond `Decimal128(18, scale)`) are evaluated on
/// their own.
fn batch_rows(
    policy: &Policy,
    frame: &Frame,
    out: &BatchOutput,
    redo: &[bool],
    as_of: NaiveDate,
    schema: &SchemaRef,
) -> Result<RecordBatch, ArrowError> {
    let scale = i8::try_from(policy.rounding().scale).unwrap_or(2);
    let limit = 10_u64.pow(u32::from(MONEY_PRECISION));
    let zeros = vec![0; frame.rows];
    let mut money: Vec<&[i64]> = vec![
        &out.gross_fee,
        &out.reduction_total,
        &out.net_fee,
        &out.subsidy_total,
    ];
    money.extend(policy.payers().iter().map(|(p, _)| {
        out.payers
            .iter()
            .find(|(q, _)| q == p)
            .map_or(zeros.as_slice(), |(_, c)| c.as_slice())
    }));
    let fits = |i: usize| {
        money
            .iter()
            .all(|c| c.get(i).is_some_and(|v| v.unsigned_abs() < limit))
    };
    let own: Vec<(usize, Alone)> = (0..frame.rows)
        .filter(|i| redo.get(*i).copied().unwrap_or(true) || !fits(*i))
        .map(|i| (i, alone(policy, frame, i, as_of)))
        .collect();
    Rows {
        rows: frame.rows,
        amounts: money.len(),
        batch: Some((out, money)),
        alone: &own,
    }
    .finish(schema, frame.id_array.clone(), scale)
}

fn worker_count(requested: Option<usize>, jobs: usize) -> usize {
    requested.unwrap_or_else(cores).max(1).min(jobs.max(1))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How often the calling thread asks whether to go on while the workers run.
const POLL: Duration = Duration::from_millis(20);

/// Evaluates one frame (at most [`crate::JOB_ROWS`] rows) into one output record batch, on
/// `threads` threads: by the core's batch path when its columns convert exactly, else row by
/// row.
fn evaluate_frame(
    policy: &Policy,
    frame: &Frame,
    as_of: NaiveDate,
    schema: &SchemaRef,
    threads: usize,
) -> Result<RecordBatch, ArrowError> {
    match batch_outputs(policy, frame, as_of, threads) {
        Some((out, redo)) => batch_rows(policy, frame, &out, &redo, as_of, schema),
        None => evaluate_rows(policy, frame, as_of, schema),
    }
}

/// Evaluates every frame (each at most [`crate::JOB_ROWS`] rows) in parallel on `threads` threads
/// (default: all cores), and returns the output batches in input order. The calling thread
/// asks `go_on(rows done)` after each frame and every [`POLL`]; once it says no, no frame
/// is started and the run ends with [`crate::Error::Stopped`].
pub(crate) fn evaluate_batches(
    policy: &Policy,
    frames: &[Frame],
    as_of: NaiveDate,
    schema: &SchemaRef,
    threads: Option<usize>,
    go_on: &dyn Fn(usize) -> bool,
) -> Result<Vec<RecordBatch>, crate::Error> {
    let workers = worker_count(threads, frames.len());
    // A frame's own threads: all of them when there are fewer frames than threads.
    let per_frame = (threads.unwrap_or_else(cores).max(1) / workers).max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel();
    let mut done: Vec<(usize, Result<RecordBatch, ArrowError>)> = Vec::with_capacity(frames.len());
    let mut rows = 0;
    let mut stopped = false;
    let mut panicked = None;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (tx, next, stop) = (tx.clone(), &next, &stop);
                s.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(frame) = frames.get(k) else {
                            break;
                        };
                        let out = evaluate_frame(policy, frame, as_of, schema, per_frame);
                        if tx.send((k, frame.rows, out)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        loop {
            match rx.recv_timeout(POLL) {
                Ok((k, n, out)) => {
                    rows += n;
                    done.push((k, out));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if !go_on(rows) {
                stopped = true;
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        for h in handles {
            if let Err(p) = h.join() {
                panicked = Some(ffi::panic_message(&*p).to_owned());
            }
        }
    });
    if let Some(m) = panicked {
        return Err(crate::Error::Worker(m));
    }
    if stopped {
        return Err(crate::Error::Stopped);
    }
    done.sort_by_key(|(k, _)| *k);
    done.into_iter()
        .map(|(_, r)| r.map_err(crate::Error::Arrow))
        .collect()
}
