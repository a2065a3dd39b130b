//! Core errors as the exceptions of `huimin._errors` (`PackError`, `InputError`, `EvalError`,
//! `InternalError`), each carrying the core's message (as the CLI prints it) and the error's
//! JSON.

use huimin_core::{ffi, Error};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// Raises a core error as the matching `huimin` exception.
pub(crate) fn core_err(py: Python<'_>, e: &Error) -> PyErr {
    let class = match ffi::error_kind(e) {
        "pack" => "PackError",
        "input" => "InputError",
        "eval" => "EvalError",
        _ => "InternalError",
    };
    let made = py
        .import("huimin._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((e.to_string(), ffi::to_json(e))));
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// Raises an error of a table evaluation: the core's as its exception, a worker's panic as
/// `InternalError`, Arrow's as `RuntimeError`.
pub(crate) fn arrow_err(py: Python<'_>, e: &huimin_arrow::Error) -> PyErr {
    match e {
        huimin_arrow::Error::Core(e) => core_err(py, e),
        huimin_arrow::Error::Worker(m) => core_err(py, &ffi::internal(m)),
        other => PyRuntimeError::new_err(format!("huimin: {other}")),
    }
}
