//! Plain Python values (`dict` with `str` keys, `list`, `tuple`, `str`, `bool`, `int`,
//! `float`, `None`) as JSON values, so that one participant reaches the core without being
//! written as JSON text and read back. Anything else (a date, a `Decimal`, a numpy scalar, a
//! non-finite float inside a list, an `int` beyond 64 bits) is not converted here: the caller
//! then sends the JSON text `huimin._policy` writes, so every value is read the same way.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// A participant mapping as a JSON object, or `None` when it holds a value converted only by
/// the JSON text path. A top-level `float('nan')` is `null`, as there.
pub(crate) fn participant(obj: &Bound<'_, PyAny>) -> Option<Value> {
    object(obj.cast_exact::<PyDict>().ok()?, true)
}

/// A `dict` with `str` keys as an object; with `nan_is_null`, a `float('nan')` value is null.
fn object(dict: &Bound<'_, PyDict>, nan_is_null: bool) -> Option<Value> {
    let mut map = Map::with_capacity(dict.len());
    for (k, v) in dict.iter() {
        let key = k.cast_exact::<PyString>().ok()?.to_cow().ok()?.into_owned();
        let value = match v.cast_exact::<PyFloat>() {
            Ok(f) if nan_is_null && f.value().is_nan() => Value::Null,
            _ => value(&v)?,
        };
        map.insert(key, value);
    }
    Some(Value::Object(map))
}

/// A list or tuple's items as an array.
fn array<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>) -> Option<Value> {
    items
        .map(|x| value(&x))
        .collect::<Option<_>>()
        .map(Value::Array)
}

fn value(v: &Bound<'_, PyAny>) -> Option<Value> {
    if v.is_none() {
        return Some(Value::Null);
    }
    if let Ok(b) = v.cast_exact::<PyBool>() {
        return Some(Value::Bool(b.is_true()));
    }
    if let Ok(i) = v.cast_exact::<PyInt>() {
        return match i.extract::<i64>() {
            Ok(n) => Some(Value::Number(n.into())),
            Err(_) => i.extract::<u64>().ok().map(|n| Value::Number(n.into())),
        };
    }
    if let Ok(f) = v.cast_exact::<PyFloat>() {
        // The text `json.dumps` writes (`repr`), so a number reads as it would from there;
        // a non-finite float is not JSON.
        if !f.value().is_finite() {
            return None;
        }
        let repr = f.repr().ok()?;
        return serde_json::from_str::<Number>(&repr.to_cow().ok()?)
            .ok()
            .map(Value::Number);
    }
    if let Ok(s) = v.cast_exact::<PyString>() {
        return s.to_cow().ok().map(|s| Value::String(s.into_owned()));
    }
    if let Ok(l) = v.cast_exact::<PyList>() {
        return array(l.iter());
    }
    if let Ok(t) = v.cast_exact::<PyTuple>() {
        return array(t.iter());
    }
    if let Ok(d) = v.cast_exact::<PyDict>() {
        return object(d, false);
    }
    None
}
