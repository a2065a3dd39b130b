//! The boundary's last line: a panic that escapes huimin (there should be none) becomes the
//! core's `internal` error ([`ffi::internal`]), raised as `huimin.InternalError` — never
//! pyo3's `PanicException`, which is no `Exception` and says nothing of what to do.

use std::panic::{catch_unwind, AssertUnwindSafe};

use huimin_core::ffi;
use pyo3::prelude::*;

use crate::errors::core_err;

/// Runs `f`, raising a panic in it as `huimin.InternalError`: one on this thread, one inside
/// `py.detach` (which resumes it here), and one on a scoped worker thread (which the scope
/// resumes here; its message is then the scope's, the worker's own went to stderr).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(core_err(py, &ffi::internal(ffi::panic_message(&*p)))))
}

/// Internal, for huimin's own tests of [`guard`], not part of the API: panics where a call
/// into the core could — `"here"` (holding the GIL), `"detached"` (inside `py.detach`) or
/// `"worker"` (on a scoped worker thread, as the core's batch path runs) — and so raises
/// `huimin.InternalError`. Any other `place` is a `ValueError`.
#[pyfunction]
#[allow(clippy::panic)] // the panic is the point: there is no other to test the guard with
pub(crate) fn _panic_for_test(py: Python<'_>, place: &str) -> PyResult<()> {
    guard(py, || match place {
        "here" => panic!("_panic_for_test: here"),
        "detached" => py.detach(|| panic!("_panic_for_test: detached")),
        "worker" => std::thread::scope(|s| {
            s.spawn(|| panic!("_panic_for_test: worker"));
            Ok(())
        }),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "place must be \"here\", \"detached\" or \"worker\", not {place:?}"
        ))),
    })
}
