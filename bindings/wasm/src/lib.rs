//! huimin-wasm: huimin-core for JavaScript, built for `wasm32-unknown-unknown` with
//! wasm-bindgen and packaged as the npm package `huimin` (see `bindings/wasm/js/`).
//!
//! This crate is deliberately **thin**: every method is one call into [`huimin_core::ffi`],
//! the JSON-in / JSON-out entry points the Python binding and the CLI use too. No rule logic,
//! no parsing and no error wording lives here.
//!
//! Following Cedar's approach the boundary is **JSON text in, JSON text out**: the JS wrapper
//! `JSON.stringify`s a participant, and parses the decision, schema and errors this crate
//! returns as JSON text. Money therefore crosses as decimal strings (`"170.00"`) and is never
//! turned into a JS number.
//!
//! Failures are thrown as a JS string holding [`ffi::error_json`]: `{"message": <display
//! text>, "error": <the core's Error JSON>}`; the wrapper turns it into a `HuiminError`.
//!
//! Two modules are built from this crate. With the default feature `full` it is the whole API
//! (the npm entry `huimin`). Without it, it is the form's module (`huimin/form`): compiling a
//! JSON pack, evaluating, validating, the input schema and the pack's info, which is all a
//! form needs to show its first result; what-if, the half-filled form, reforms, diffs and
//! screening are left out, and the module is a third smaller to download.
//!
//! A panic (there should be none) cannot be caught here: wasm32-unknown-unknown aborts on
//! panic, leaving the instance's Rust state half-done. The panic hook ([`start`]) throws it
//! as the core's `internal` error, in the same shape, instead of the bare `unreachable`
//! trap; the wrapper then discards the instance for a fresh one (`__wbg_reset_state`).
#![forbid(unsafe_code)]

use huimin_core::{ffi, Error, Policy};
use wasm_bindgen::prelude::*;

/// Runs when the module is instantiated: installs the panic hook.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let e = ffi::internal(ffi::panic_message(info.payload()));
        wasm_bindgen::throw_val(JsValue::from_str(&ffi::error_json(&e)))
    }));
}

/// The thrown JSON of the core's `internal` error for `what`: for the wrapper to report a
/// trap that is no panic (a stack overflow, memory exhausted) as it reports a panic.
#[wasm_bindgen(js_name = internalError)]
pub fn internal_error(what: &str) -> String {
    ffi::error_json(&ffi::internal(what))
}

/// Internal, for huimin's own tests, not part of the API: panics, as a bug would.
#[wasm_bindgen(js_name = _panicForTest)]
#[allow(clippy::panic)] // the panic is the point: there is no other to test the hook with
pub fn panic_for_test() {
    panic!("_panic_for_test: here")
}

/// A compiled policy pack, held on the Rust side. The JS class `Policy` wraps it.
#[wasm_bindgen]
pub struct RawPolicy {
    inner: Policy,
}

#[wasm_bindgen]
impl RawPolicy {
    /// Compiles a JSON pack (YAML packs are compiled to JSON by `huimin compile`: this build
    /// has no YAML reader); `file` names it in error messages.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, file: &str) -> Result<RawPolicy, JsValue> {
        Policy::from_json(text, file)
            .map(|inner| RawPolicy { inner })
            .map_err(throw)
    }

    /// Compiles a JSON pack with the JSON text of its deployment's values file (the numbers
    /// the pack leaves to an authority); `file` and `values_file` name them in error messages.
    #[wasm_bindgen(js_name = fromJsonWithValues)]
    pub fn from_json_with_values(
        text: &str,
        file: &str,
        values: &str,
        values_file: &str,
    ) -> Result<RawPolicy, JsValue> {
        Policy::from_json_with_values(text, file, values, values_file)
            .map(|inner| RawPolicy { inner })
            .map_err(throw)
    }

    /// Evaluates a participant (JSON text) as of a date (`YYYY-MM-DD`); returns the
    /// decision as JSON text.
    pub fn evaluate(
        &self,
        participant: &str,
        as_of: &str,
        explain: bool,
    ) -> Result<String, JsValue> {
        ffi::evaluate(&self.inner, participant, as_of, explain).map_err(throw)
    }

    /// Checks a participant (JSON text) against the pack's schema; returns the JSON array of
    /// `{path, code, message: {zh, en}}` (empty when it can be evaluated).
    pub fn validate(&self, participant: &str) -> String {
        ffi::validate(&self.inner, participant)
    }

    /// The participant schema as JSON text: `{fields: [...], tags: [...]}`.
    #[wasm_bindgen(js_name = inputSchema)]
    pub fn input_schema(&self) -> String {
        ffi::input_schema(&self.inner)
    }

    /// The pack's identity and labels as JSON text ([`ffi::Info`]).
    pub fn info(&self) -> String {
        ffi::info(&self.inner)
    }
}

/// The methods only the whole API has (feature `full`).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl RawPolicy {
    /// What would take a participant (JSON text) to `goal` as of a date, changing at most
    /// `max_changes` inputs; returns the what-if as JSON text.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(
        &self,
        participant: &str,
        as_of: &str,
        goal: &str,
        max_changes: Option<usize>,
    ) -> Result<String, JsValue> {
        ffi::what_if(&self.inner, participant, as_of, goal, max_changes).map_err(throw)
    }

    /// A half-filled form (JSON text; `unknown` the inputs not yet known, empty for the
    /// required ones it lacks) as of a date; returns the answer as JSON text.
    pub fn partial(
        &self,
        participant: &str,
        as_of: &str,
        unknown: Vec<String>,
    ) -> Result<String, JsValue> {
        ffi::partial(&self.inner, participant, as_of, &unknown).map_err(throw)
    }

    /// The policy a reform (JSON text; `file` names it in errors) makes of this one.
    pub fn reformed(&self, text: &str, file: &str) -> Result<RawPolicy, JsValue> {
        self.inner
            .reformed(text, file)
            .map(|inner| RawPolicy { inner })
            .map_err(throw)
    }

    /// What `other` changes of this policy, as JSON text ([`huimin_core::Diff`]).
    pub fn diff(&self, other: &RawPolicy) -> String {
        ffi::to_json(&self.inner.diff(&other.inner))
    }
}

/// Packs gathered for one screening of a household ([`ffi::screen`]): each added policy is
/// copied in, and `screen` consumes the registry.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Default)]
pub struct RawRegistry {
    packs: Vec<Policy>,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl RawRegistry {
    /// An empty registry.
    #[wasm_bindgen(constructor)]
    pub fn new() -> RawRegistry {
        RawRegistry::default()
    }

    /// Adds a compiled policy.
    pub fn add(&mut self, policy: &RawPolicy) {
        self.packs.push(policy.inner.clone());
    }

    /// Screens a household (JSON text) as of a date over the programs of one place when given;
    /// returns the screening as JSON text.
    pub fn screen(
        self,
        household: &str,
        as_of: &str,
        place: Option<String>,
    ) -> Result<String, JsValue> {
        let registry = huimin_core::Registry::new(self.packs);
        ffi::screen(&registry, household, as_of, place.as_deref()).map_err(throw)
    }
}

/// The version of this binding (the workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn throw(e: Error) -> JsValue {
    JsValue::from_str(&ffi::error_json(&e))
}
