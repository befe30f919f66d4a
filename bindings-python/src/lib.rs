//! Python bindings for learnloop (pyo3), import name `learnloop`.
//!
//! Conversions, handles and error mapping only: every computation, default
//! and name is the core's. Settings are keyword arguments decoded into the
//! core's options structs (the core's defaults fill the rest); records cross
//! as dicts in the core's serialized shapes; errors map to one exception
//! class per core error kind. Handles are immutable (`frozen`) and so safe
//! to share between the threads of a FastAPI worker; batch calls run
//! without the GIL. Every time argument is required: the library never
//! reads the host's clock.

use pyo3::prelude::*;
use pyo3::types::PyDict;

mod convert;
mod errors;
mod learner;
mod srs;
mod store;
mod sync;
mod time;

/// The options `name` resolves to from these keyword arguments, the core's
/// defaults for the rest: what every class and function taking these
/// options uses. `name` is one of the core's options names ("fsrs", "sm2",
/// "anki_sm2", "queue", "engine", "calibration", "item_selector",
/// "bkt_fit", "pfa", "normal_prior", "elo").
#[pyfunction]
#[pyo3(signature = (name, **options))]
fn options<'py>(
    py: Python<'py>,
    name: &Bound<'_, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let name: &str = &crate::convert::text("name", name)?;
    let kind: learnloop::options::OptionsKind = name.parse().map_err(errors::to_py)?;
    let given = match options {
        Some(o) => convert::to_value("options", o.as_any())?,
        None => serde_json::Value::Object(Default::default()),
    };
    let resolved = kind.resolve(given).map_err(errors::to_py)?;
    convert::to_py_object(py, &resolved)
}

/// A session document of any version (a dict, seed 000's shape) upgraded to
/// the current one, checked.
#[pyfunction]
fn upgrade_session<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let value = convert::to_value("document", document)?;
    let upgraded = learnloop::migrate::upgrade_session(value).map_err(errors::to_py)?;
    convert::to_py_object(py, &upgraded)
}

/// A session document in JSON text (any version), upgraded and checked.
#[pyfunction]
fn session_from_json<'py>(py: Python<'py>, text: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let text: &str = &crate::convert::text("text", text)?;
    let document = learnloop::migrate::session_from_json(text).map_err(errors::to_py)?;
    convert::to_py_object(py, &document)
}

/// The schema version a session document declares (legacy documents: 1).
#[pyfunction]
fn session_version(document: &Bound<'_, PyAny>) -> PyResult<i64> {
    let value = convert::to_value("document", document)?;
    learnloop::migrate::session_version(&value).map_err(errors::to_py)
}

#[pymodule]
#[pyo3(name = "learnloop")]
fn learnloop_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(options, m)?)?;
    m.add("OPTIONS_NAMES", learnloop::options::OptionsKind::NAMES)?;
    m.add_function(wrap_pyfunction!(upgrade_session, m)?)?;
    m.add_function(wrap_pyfunction!(session_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(session_version, m)?)?;
    srs::register(m)?;
    m.add_class::<store::PyStore>()?;
    learner::register(m)?;
    sync::register(m)?;
    errors::register(m)?;
    Ok(())
}
