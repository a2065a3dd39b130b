//! The `Registry` class: a deployment's packs loaded once, and the household screener as one
//! call into [`huimin_core::ffi::screen`] (JSON text in and out).

use huimin_core::{ffi, Registry};
use pyo3::prelude::*;

use crate::errors::core_err;
use crate::guard::guard;
use crate::policy::PyPolicy;

/// Packs loaded once, each with its deployment's values.
#[pyclass(frozen, module = "huimin._core", name = "Registry")]
pub(crate) struct PyRegistry {
    inner: Registry,
}

#[pymethods]
impl PyRegistry {
    /// Every `*.yaml` pack of a directory, with `values/<id>.yaml` or `<id>.example.yaml`
    /// from the values directory when given.
    #[staticmethod]
    #[pyo3(signature = (path, values = None))]
    fn load(
        py: Python<'_>,
        path: std::path::PathBuf,
        values: Option<std::path::PathBuf>,
    ) -> PyResult<PyRegistry> {
        guard(py, || {
            py.detach(|| Registry::from_dir(&path, values.as_deref()))
                .map(|inner| PyRegistry { inner })
                .map_err(|e| core_err(py, &e))
        })
    }

    /// A registry of compiled policies, in the order given.
    #[staticmethod]
    fn of(policies: Vec<PyRef<'_, PyPolicy>>) -> PyRegistry {
        PyRegistry {
            inner: Registry::new(policies.iter().map(|p| (*p.inner).clone()).collect()),
        }
    }

    /// The ids of the packs, in order.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.inner
            .packs()
            .iter()
            .map(|p| p.id().to_owned())
            .collect()
    }

    /// Screens a household (a JSON object `{"id", "members": [...]}`) as of a date, over the
    /// programs of one place when given; returns the screening's JSON.
    #[pyo3(signature = (household, as_of, place = None))]
    fn screen_json(
        &self,
        py: Python<'_>,
        household: &str,
        as_of: &str,
        place: Option<&str>,
    ) -> PyResult<String> {
        guard(py, || {
            py.detach(|| ffi::screen(&self.inner, household, as_of, place))
                .map_err(|e| core_err(py, &e))
        })
    }
}
