//! Python values in and out through serde: keyword arguments and dicts
//! become the core's options and documents, core values become dicts
//! (pythonize). No field is named here; the core's serde types decide.

use crate::errors::to_py;
use crate::time::timestamp;
use pyo3::prelude::*;
use pyo3::types::{
    PyDateTime, PyDelta, PyDeltaAccess, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A Python value as JSON: dicts, lists and tuples recursively; a
/// `timedelta` as seconds (the unit every option counts durations in); a
/// `datetime` as RFC 3339 text (naive ones refused, naming `field`);
/// anything else through pythonize (numbers, str, bool, None, numpy
/// scalars).
pub(crate) fn to_value(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, value) in dict.iter() {
            let key = text(&format!("{field} key"), &key)?;
            let inner = to_value(&format!("{field}.{key}"), &value)?;
            map.insert(key, inner);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj
            .try_iter()?
            .enumerate()
            .map(|(i, item)| to_value(&format!("{field}[{i}]"), &item?))
            .collect();
    }
    if let Ok(delta) = obj.cast::<PyDelta>() {
        let micros = i64::from(delta.get_days()) * 86_400_000_000
            + i64::from(delta.get_seconds()) * 1_000_000
            + i64::from(delta.get_microseconds());
        return Ok(Value::from(micros as f64 / 1e6));
    }
    if obj.is_instance_of::<PyDateTime>() {
        return Ok(Value::String(timestamp(field, obj)?.to_string()));
    }
    if obj.is_instance_of::<PyString>() {
        return text(field, obj).map(Value::String);
    }
    // JSON has no NaN or infinity: pythonize would turn them into null,
    // which an optional setting reads as "not given".
    if let Ok(number) = obj.cast::<PyFloat>()
        && !number.value().is_finite()
    {
        let value = number.value();
        return Err(crate::time::invalid(
            field,
            format!("{value} is not a finite number"),
        ));
    }
    pythonize::depythonize(obj).map_err(|e| crate::time::invalid(field, e.to_string()))
}

/// A core type from a Python dict (or list) in its serialized shape, the
/// argument `field` (empty: the value is the whole document); the error
/// names the path inside it (`learner.rating`, `cards[3].due`).
pub(crate) fn from_py<T: DeserializeOwned>(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<T> {
    learnloop::json::from_value(to_value(field, obj)?).map_err(|e| to_py(e.within(field)))
}

/// Keyword arguments as a core options struct: what was given, the core's
/// defaults for the rest. An unknown name or a value of the wrong type is
/// an `InvalidInputError` naming it.
pub(crate) fn options<T: DeserializeOwned>(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<T> {
    let given = match kwargs {
        Some(kwargs) => to_value("options", kwargs.as_any())?,
        None => Value::Object(Map::new()),
    };
    learnloop::json::from_value(given).map_err(to_py)
}

/// A core value as Python objects (dicts, lists, str, numbers; times as
/// RFC 3339 text, as in every language's JSON).
pub(crate) fn to_py_object<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A `str` as Rust text: one with a lone surrogate (which UTF-8 cannot
/// hold) is the library's error naming `field`, not a `UnicodeEncodeError`.
pub(crate) fn text(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = obj
        .cast::<PyString>()
        .map_err(|_| crate::time::invalid(field, "expected a str"))?;
    s.to_str()
        .map(str::to_string)
        .map_err(|_| crate::time::invalid(field, "not valid text: it holds a lone surrogate"))
}

/// The unsigned integer types of arguments, with their largest value.
pub(crate) trait Whole: TryFrom<i128> {
    const MAX: u128;
}
impl Whole for u8 {
    const MAX: u128 = u8::MAX as u128;
}
impl Whole for u32 {
    const MAX: u128 = u32::MAX as u128;
}
impl Whole for u64 {
    const MAX: u128 = u64::MAX as u128;
}
impl Whole for usize {
    const MAX: u128 = usize::MAX as u128;
}

/// An integer argument named `field`: not an int, negative or too large is
/// the library's `InvalidInputError` naming it (pyo3's own conversion
/// raises a bare `OverflowError`).
pub(crate) fn whole<T: Whole>(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<T> {
    let out_of_range = |v: &dyn std::fmt::Display| {
        crate::time::invalid(
            field,
            format!("{v} is not a whole number from 0 to {}", T::MAX),
        )
    };
    if !obj.is_instance_of::<PyInt>() {
        return Err(crate::time::invalid(field, "expected an int"));
    }
    let value: i128 = obj.extract().map_err(|_| out_of_range(obj))?;
    T::try_from(value).map_err(|_| out_of_range(&value))
}

/// An optional integer argument (`None` passes through).
pub(crate) fn whole_opt<T: Whole>(
    field: &str,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<T>> {
    obj.filter(|o| !o.is_none())
        .map(|o| whole(field, o))
        .transpose()
}
