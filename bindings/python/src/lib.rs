//! `huimin._core`: the Python extension behind the `huimin` package — registration and
//! conversion only, over `huimin-core` and `huimin-arrow`.
//!
//! - [`policy`]: the `Policy` class; single evaluations go through [`huimin_core::ffi`] (the
//!   same entry points as the WASM binding and the CLI): a `dict` of plain values as a JSON
//!   value ([`plain`]) to a [`decision`] kept on the Rust side, anything else as JSON text. The
//!   Python side turns amounts into `decimal.Decimal`.
//! - [`registry`]: the `Registry` class: packs loaded once, and the household screener.
//! - [`frames`]: tables through the Arrow C data interface (pyo3-arrow), read, evaluated and
//!   written by [`huimin_arrow`] with the GIL released. No Python object is created per row.
//! - [`errors`]: core errors raised as the exception classes of `huimin._errors`.
//! - [`guard`]: every method under `catch_unwind`: a panic is `huimin.InternalError`.
//! - [`watch`]: progress and Ctrl-C while a frame is evaluated without the GIL.
#![forbid(unsafe_code)]

mod decision;
mod errors;
mod frames;
mod guard;
mod plain;
mod policy;
mod registry;
mod watch;

use pyo3::prelude::*;

/// The version of the huimin-python crate (and so of huimin-core it was built with).
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The report (JSON) of tallies of parts of one population, each the state
/// `Policy.tally_arrow(..., state=True)` gave, merged exactly.
#[pyfunction]
fn merge_tallies(py: Python<'_>, parts: Vec<String>) -> PyResult<String> {
    guard::guard(py, || {
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        huimin_core::ffi::merged_report(&refs)
            .map(|r| huimin_core::ffi::to_json(&r))
            .map_err(|e| errors::core_err(py, &e))
    })
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<decision::PyDecision>()?;
    m.add_class::<registry::PyRegistry>()?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(merge_tallies, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_panic_for_test, m)?)?;
    Ok(())
}
