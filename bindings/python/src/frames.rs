//! Tables in and out through the Arrow C data interface: the pyo3-arrow conversion around
//! [`huimin_arrow`], with the GIL released while it works.

use std::sync::Arc;

use huimin_arrow::{Extra, Floats, Options};
use huimin_core::{ffi, Policy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatchReader, PyTable};

use crate::errors::{arrow_err, core_err};
use crate::watch::Watch;

/// The `floats=` argument: `"refuse"` or `"shortest"` ([`Floats`]).
pub(crate) fn floats(name: &str) -> PyResult<Floats> {
    match name {
        "refuse" => Ok(Floats::Refuse),
        "shortest" => Ok(Floats::Shortest),
        _ => Err(PyValueError::new_err(format!(
            "floats must be \"refuse\" or \"shortest\", not {name:?}"
        ))),
    }
}

/// The `extra=` argument: `"refuse"` or `"ignore"` ([`Extra`]).
pub(crate) fn extra(name: &str) -> PyResult<Extra> {
    match name {
        "refuse" => Ok(Extra::Refuse),
        "ignore" => Ok(Extra::Ignore),
        _ => Err(PyValueError::new_err(format!(
            "extra must be \"refuse\" or \"ignore\", not {name:?}"
        ))),
    }
}

/// Evaluates every row of a table: one output row per input row, with the columns `keep`
/// copied beside it ([`huimin_arrow::evaluate_keeping`]), and the vocabulary columns the pack
/// does not read.
/// `progress(done)` is called between jobs; Ctrl-C stops the run between jobs and raises
/// `KeyboardInterrupt`.
pub(crate) fn evaluate(
    py: Python<'_>,
    policy: &Arc<Policy>,
    table: PyTable,
    as_of: &str,
    options: Options,
    keep: Vec<String>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(PyTable, Vec<String>)> {
    let as_of = ffi::as_of(as_of).map_err(|e| core_err(py, &e))?;
    let (batches, schema) = table.into_inner();
    let policy = policy.clone();
    let (batches, out) = py.detach(move || {
        let watch = Watch::new(progress.as_ref());
        let go_on = |done| watch.go_on(done);
        huimin_arrow::evaluate_keeping(&policy, &batches, &schema, as_of, options, &keep, &go_on)
            .map_err(|e| match e {
                huimin_arrow::Error::Stopped => watch.stopped(),
                e => Python::attach(|py| arrow_err(py, &e)),
            })
    })?;
    let unused = out
        .metadata()
        .get("huimin.unused")
        .map(|u| u.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    Ok((PyTable::try_new(batches, out)?, unused))
}

/// Totals a stream of record batches under a baseline and reforms at once, by group and with
/// weights ([`huimin_arrow::tally`]): the core's report as JSON. The stream is read a batch at
/// a time with the GIL released; `progress(done)` is called between slices, and Ctrl-C stops
/// the run between slices and raises `KeyboardInterrupt`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn tally(
    py: Python<'_>,
    policies: Vec<Arc<Policy>>,
    stream: PyRecordBatchReader,
    as_of: &str,
    by: Vec<String>,
    keep: Vec<String>,
    weight: Option<String>,
    rows: bool,
    progress: Option<Py<PyAny>>,
    options: Options,
    state: bool,
    place: String,
) -> PyResult<(String, Option<PyTable>)> {
    let as_of = ffi::as_of(as_of).map_err(|e| core_err(py, &e))?;
    let mut reader = stream.into_reader()?;
    let (report, batches) = py.detach(move || {
        let watch = Watch::new(progress.as_ref());
        let refs: Vec<&Policy> = policies.iter().map(AsRef::as_ref).collect();
        let grouping = huimin_arrow::RunColumns {
            by: &by,
            keep: &keep,
            weight: weight.as_deref(),
        };
        let mut batches = Vec::new();
        let mut collect = |b: huimin_arrow::RecordBatch| {
            batches.push(b);
            Ok(())
        };
        let sink: Option<
            &mut dyn FnMut(huimin_arrow::RecordBatch) -> Result<(), huimin_arrow::Error>,
        > = if rows { Some(&mut collect) } else { None };
        let t = huimin_arrow::tally(
            &refs,
            &mut reader,
            as_of,
            grouping,
            options,
            &|r| format!("{place}row {r}"),
            &|done| watch.go_on(done),
            sink,
        )
        .map_err(|e| match e {
            huimin_arrow::Error::Stopped => watch.stopped(),
            e => Python::attach(|py| arrow_err(py, &e)),
        })?;
        let schema = batches.first().map(|b| b.schema());
        let text = if state {
            ffi::tally_state(&t)
        } else {
            ffi::to_json(&t.report())
        };
        Ok::<_, PyErr>((text, rows.then_some((batches, schema))))
    })?;
    let table = match batches {
        Some((batches, Some(schema))) => Some(PyTable::try_new(batches, schema)?),
        _ => None,
    };
    Ok((report, table))
}

/// `n` synthetic participants shaped for the pack, as a table ([`huimin_arrow::synthetic`]).
pub(crate) fn synthetic(
    py: Python<'_>,
    policy: &Arc<Policy>,
    n: usize,
    seed: u64,
) -> PyResult<PyTable> {
    let policy = policy.clone();
    let (batches, schema) = py
        .detach(move || huimin_arrow::synthetic(&policy, n, seed))
        .map_err(|e| arrow_err(py, &huimin_arrow::Error::Arrow(e)))?;
    PyTable::try_new(batches, schema)
}
