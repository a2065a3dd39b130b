//! Watching a run from the calling thread while the GIL is released: progress to a Python
//! callback, and Ctrl-C (any pending signal) stopping the run between chunks of work.

use std::cell::{Cell, RefCell};

use pyo3::exceptions::{PyException, PyKeyboardInterrupt};
use pyo3::prelude::*;

/// What a run asks between chunks of work ([`Watch::go_on`]), on the thread that called it.
pub(crate) struct Watch<'a> {
    progress: Option<&'a Py<PyAny>>,
    reported: Cell<usize>,
    raised: RefCell<Option<PyErr>>,
}

impl<'a> Watch<'a> {
    /// A watch reporting to `progress(done)`, if given.
    pub(crate) fn new(progress: Option<&'a Py<PyAny>>) -> Self {
        Watch {
            progress,
            reported: Cell::new(0),
            raised: RefCell::new(None),
        }
    }

    /// Reports `done` rows (when more than last time) and runs pending signal handlers: `false`
    /// when one raised (Ctrl-C's `KeyboardInterrupt`), or when the callback raised something
    /// that is no `Exception` (`KeyboardInterrupt`, `SystemExit`); the error is kept for
    /// [`Watch::stopped`]. A callback's ordinary exception does not stop the run.
    pub(crate) fn go_on(&self, done: usize) -> bool {
        Python::attach(|py| {
            if let Some(cb) = self.progress.filter(|_| done > self.reported.get()) {
                self.reported.set(done);
                if let Err(e) = cb.call1(py, (done,)) {
                    if !e.is_instance_of::<PyException>(py) {
                        return self.stop(e);
                    }
                }
            }
            match py.check_signals() {
                Ok(()) => true,
                Err(e) => self.stop(e),
            }
        })
    }

    fn stop(&self, e: PyErr) -> bool {
        *self.raised.borrow_mut() = Some(e);
        false
    }

    /// The error that stopped the run.
    pub(crate) fn stopped(&self) -> PyErr {
        self.raised
            .borrow_mut()
            .take()
            .unwrap_or_else(|| PyKeyboardInterrupt::new_err(()))
    }
}
