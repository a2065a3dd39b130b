//! The `Policy` class: a compiled pack, and its methods as one call each into
//! [`huimin_core::ffi`] (JSON text in and out) or [`crate::frames`] (Arrow tables).

use std::sync::Arc;

use huimin_arrow::Options;
use huimin_core::{ffi, Policy};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use crate::decision::PyDecision;
use crate::errors::core_err;
use crate::frames;
use crate::guard::guard;

/// A compiled policy pack: immutable, shared freely between threads.
#[pyclass(frozen, module = "huimin._core", name = "Policy")]
pub(crate) struct PyPolicy {
    pub(crate) inner: Arc<Policy>,
}

impl PyPolicy {
    fn wrap(py: Python<'_>, r: Result<Policy, huimin_core::Error>) -> PyResult<PyPolicy> {
        r.map(|p| PyPolicy { inner: Arc::new(p) })
            .map_err(|e| core_err(py, &e))
    }
}

#[pymethods]
impl PyPolicy {
    /// Reads and compiles a pack file (`.json` as JSON, anything else as YAML), with the
    /// values file of its deployment when given.
    #[staticmethod]
    #[pyo3(signature = (path, values = None))]
    fn load(
        py: Python<'_>,
        path: std::path::PathBuf,
        values: Option<std::path::PathBuf>,
    ) -> PyResult<PyPolicy> {
        guard(py, || {
            let r = py.detach(|| match &values {
                Some(v) => Policy::from_path_with_values(&path, v),
                None => Policy::from_path(&path),
            });
            PyPolicy::wrap(py, r)
        })
    }

    /// Compiles a YAML pack, with the text of its deployment's values file when given;
    /// `file` and `values_file` name them in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<input>", values = None, values_file = "<values>"))]
    fn from_yaml(
        py: Python<'_>,
        text: &str,
        file: &str,
        values: Option<&str>,
        values_file: &str,
    ) -> PyResult<PyPolicy> {
        guard(py, || {
            let r = match values {
                Some(v) => Policy::from_yaml_with_values(text, file, v, values_file),
                None => Policy::from_yaml(text, file),
            };
            PyPolicy::wrap(py, r)
        })
    }

    /// Compiles a JSON pack; `file` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<input>"))]
    fn from_json(py: Python<'_>, text: &str, file: &str) -> PyResult<PyPolicy> {
        guard(py, || PyPolicy::wrap(py, Policy::from_json(text, file)))
    }

    /// The policy a reform (YAML or JSON text; `file` names it in errors) makes of this one.
    #[pyo3(signature = (text, file = "<reform>"))]
    fn reformed(&self, py: Python<'_>, text: &str, file: &str) -> PyResult<PyPolicy> {
        guard(py, || PyPolicy::wrap(py, self.inner.reformed(text, file)))
    }

    /// What `other` changes of this policy, as JSON ([`huimin_core::Diff`]) and as text.
    fn diff(&self, py: Python<'_>, other: &PyPolicy) -> PyResult<(String, String)> {
        guard(py, || {
            let d = self.inner.diff(&other.inner);
            Ok((ffi::to_json(&d), d.to_string()))
        })
    }

    /// The pack's id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The pack's identity as JSON ([`ffi::Info`]): id, name, kind, jurisdiction, period,
    /// validity, payers, fee payer, categories, priority groups, warnings.
    fn info_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(ffi::info(&self.inner)))
    }

    /// The pack's rounding rule as JSON: `{scale, mode}`.
    fn rounding_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(ffi::rounding(&self.inner)))
    }

    /// The participant schema (fields and tags) as JSON.
    fn input_schema_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(ffi::input_schema(&self.inner)))
    }

    /// Checks a participant (a JSON object) against the schema: a JSON list of input errors,
    /// empty when it can be evaluated.
    fn validate_json(&self, py: Python<'_>, participant: &str) -> PyResult<String> {
        guard(py, || {
            Ok(py.detach(|| ffi::validate(&self.inner, participant)))
        })
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
        guard(py, || {
            py.detach(|| ffi::evaluate(&self.inner, participant, as_of, explain))
                .map_err(|e| core_err(py, &e))
        })
    }

    /// Evaluates one participant given as a `dict` of plain values (see [`crate::plain`]) as
    /// of a date (`YYYY-MM-DD`), without JSON text; `None` when the dict holds a value only
    /// the JSON path converts. Short enough that the GIL stays held.
    #[pyo3(signature = (participant, as_of, explain = true))]
    fn evaluate_plain(
        &self,
        py: Python<'_>,
        participant: &Bound<'_, PyAny>,
        as_of: &str,
        explain: bool,
    ) -> PyResult<Option<PyDecision>> {
        guard(py, || {
            let Some(value) = crate::plain::participant(participant) else {
                return Ok(None);
            };
            ffi::evaluate_value(&self.inner, &value, as_of, explain)
                .map(|inner| Some(PyDecision { inner }))
                .map_err(|e| core_err(py, &e))
        })
    }

    /// What would take a participant (a JSON object) to `goal` as of a date, changing at most
    /// `max_changes` inputs, with the GIL released; returns the what-if's JSON.
    #[pyo3(signature = (participant, as_of, goal, max_changes = None))]
    fn what_if_json(
        &self,
        py: Python<'_>,
        participant: &str,
        as_of: &str,
        goal: &str,
        max_changes: Option<usize>,
    ) -> PyResult<String> {
        guard(py, || {
            py.detach(|| ffi::what_if(&self.inner, participant, as_of, goal, max_changes))
                .map_err(|e| core_err(py, &e))
        })
    }

    /// A half-filled form (a JSON object; `unknown` the inputs not yet known, default the
    /// required ones it lacks) as of a date, with the GIL released; returns the JSON answer.
    #[pyo3(signature = (participant, as_of, unknown = Vec::new()))]
    fn partial_json(
        &self,
        py: Python<'_>,
        participant: &str,
        as_of: &str,
        unknown: Vec<String>,
    ) -> PyResult<String> {
        guard(py, || {
            py.detach(|| ffi::partial(&self.inner, participant, as_of, &unknown))
                .map_err(|e| core_err(py, &e))
        })
    }

    /// Evaluates every row of an Arrow table (anything with `__arrow_c_stream__`) with the GIL
    /// released, on `threads` threads (default: all cores); one output row per input row, and
    /// the standard fields given that the pack does not read.
    /// Float columns are refused unless `floats` is `"shortest"`; columns the pack does not
    /// read are refused unless `extra` is `"ignore"`. `progress(done)` is called between jobs;
    /// Ctrl-C stops the run and raises `KeyboardInterrupt`.
    #[pyo3(signature = (table, as_of, threads = None, floats = "refuse", progress = None, extra = "refuse", keep = Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate_arrow(
        &self,
        py: Python<'_>,
        table: PyTable,
        as_of: &str,
        threads: Option<usize>,
        floats: &str,
        progress: Option<Py<PyAny>>,
        extra: &str,
        keep: Vec<String>,
    ) -> PyResult<(PyTable, Vec<String>)> {
        let options = Options {
            threads,
            floats: frames::floats(floats)?,
            extra: frames::extra(extra)?,
        };
        guard(py, || {
            frames::evaluate(py, &self.inner, table, as_of, options, keep, progress)
        })
    }

    /// The schema of [`Self::evaluate_arrow`]'s output for a table of schema `input` with the
    /// columns `keep` copied beside the results.
    #[pyo3(signature = (input, keep = Vec::new()))]
    fn output_schema_arrow(
        &self,
        py: Python<'_>,
        input: pyo3_arrow::PySchema,
        keep: Vec<String>,
    ) -> PyResult<pyo3_arrow::PySchema> {
        guard(py, || {
            huimin_arrow::output_schema_keeping(&self.inner, input.as_ref(), &keep)
                .map(pyo3_arrow::PySchema::new)
                .map_err(|e| crate::errors::arrow_err(py, &e))
        })
    }

    /// The pack this policy was compiled from, its values and reforms applied, as one JSON
    /// text that compiles to it again ([`Policy::canonical`]).
    fn canonical(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.canonical()))
    }

    /// The SHA-256 of the canonical text, in hex ([`Policy::fingerprint`]).
    #[getter]
    fn fingerprint(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || Ok(self.inner.fingerprint().to_owned()))
    }

    /// Totals an Arrow stream (anything with `__arrow_c_stream__`) under this policy and
    /// `reforms` at once, grouped by the columns `by` and weighed by the column `weight`: the
    /// report as JSON ([`huimin_core::tally::Report`]) — or with `state` the tally's state, to
    /// merge with other parts' ([`merge_tallies`](crate::merge_tallies)) — and with `rows` the
    /// per-participant results ([`huimin_arrow::comparison_schema`]) carrying the `keep`
    /// columns. A row in error is named `{place}row N`. Runs on `threads` threads (default:
    /// all cores).
    #[pyo3(signature = (reforms, stream, as_of, by, keep, weight = None, rows = false, progress = None, floats = "refuse", extra = "refuse", state = false, place = String::new(), threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn tally_arrow(
        &self,
        py: Python<'_>,
        reforms: Vec<PyRef<'_, PyPolicy>>,
        stream: pyo3_arrow::PyRecordBatchReader,
        as_of: &str,
        by: Vec<String>,
        keep: Vec<String>,
        weight: Option<String>,
        rows: bool,
        progress: Option<Py<PyAny>>,
        floats: &str,
        extra: &str,
        state: bool,
        place: String,
        threads: Option<usize>,
    ) -> PyResult<(String, Option<PyTable>)> {
        let options = Options {
            threads,
            floats: frames::floats(floats)?,
            extra: frames::extra(extra)?,
        };
        let policies: Vec<Arc<Policy>> = std::iter::once(self.inner.clone())
            .chain(reforms.iter().map(|r| r.inner.clone()))
            .collect();
        guard(py, || {
            frames::tally(
                py, policies, stream, as_of, by, keep, weight, rows, progress, options, state,
                place,
            )
        })
    }

    /// `n` synthetic participants shaped for this pack, reproducible from `seed`, as an Arrow
    /// table: `id`, one column per input field, `tags` (list of strings).
    #[pyo3(signature = (n, seed = 0))]
    fn synthetic_arrow(&self, py: Python<'_>, n: usize, seed: u64) -> PyResult<PyTable> {
        guard(py, || frames::synthetic(py, &self.inner, n, seed))
    }

    fn __repr__(&self) -> String {
        format!("<huimin._core.Policy {}>", self.inner.id())
    }
}
