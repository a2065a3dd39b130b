//! A decision kept on the Rust side: `huimin.Decision` reads its totals from here and asks for
//! the whole JSON only when another field is read, so one evaluation costs no JSON text.

use huimin_core::{ffi, Decision};
use pyo3::prelude::*;

/// One decision, as the core made it.
#[pyclass(frozen, module = "huimin._core", name = "Decision")]
pub(crate) struct PyDecision {
    pub(crate) inner: Decision,
}

#[pymethods]
impl PyDecision {
    /// The decision's JSON (the same text as `Policy.evaluate_json`).
    fn json(&self) -> String {
        ffi::to_json(&self.inner)
    }

    /// Whether the participant is eligible.
    #[getter]
    fn eligible(&self) -> bool {
        self.inner.eligible
    }

    /// `(gross_fee, reduction_total, net_fee, subsidy_total)` as exact decimal strings.
    fn totals(&self) -> (String, String, String, String) {
        let d = &self.inner;
        (
            d.gross_fee.to_string(),
            d.reduction_total.to_string(),
            d.net_fee.to_string(),
            d.subsidy_total.to_string(),
        )
    }
}
