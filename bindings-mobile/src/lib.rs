//! Kotlin, Swift and Dart bindings for learnloop through uniffi (proc-macros,
//! library mode), plus the C ABI the generated code calls.
//!
//! Handles and error mapping only: the records and enums that cross are the
//! core's own types (declared to uniffi in `types.rs`), times are
//! `SystemTime` (Kotlin `java.time.Instant`, Swift `Date`), settings are
//! the core's options records, whose defaults come from the core
//! (`defaultFsrsOptions()` and so on; in Kotlin, `.copy(...)` changes a
//! field). Every core error becomes one `LearnloopException` case per kind.
//! Every time argument is required: the library never reads the clock.

uniffi::setup_scaffolding!();

mod errors;
mod learner;
mod srs;
mod store;
mod sync;
mod types;

pub use errors::LearnloopException;

type Result<T> = std::result::Result<T, LearnloopException>;

/// The options `name` resolves to from `given` (JSON, every field
/// optional), the core's defaults for the rest, as JSON: what every
/// options record's `default...()` gives. `name` is one of the core's
/// options names (`fsrs`, `queue`, `engine`, ...).
#[uniffi::export]
pub fn options_json(name: String, given: String) -> Result<String> {
    let kind: learnloop::options::OptionsKind = name.parse()?;
    let given = learnloop::json::from_json(&given)?;
    Ok(kind.resolve(given)?.to_string())
}

/// Every options name `optionsJson` takes.
#[uniffi::export]
pub fn options_names() -> Vec<String> {
    learnloop::options::OptionsKind::NAMES
        .iter()
        .map(|n| n.to_string())
        .collect()
}

/// A session document of any version (JSON, seed 000's shape) upgraded to
/// the current one and checked, as JSON.
#[uniffi::export]
pub fn upgrade_session(json: String) -> Result<String> {
    let document = learnloop::migrate::session_from_json(&json)?;
    Ok(learnloop::json::to_json(&document))
}

/// The schema version a session document declares (legacy documents: 1).
#[uniffi::export]
pub fn session_version(json: String) -> Result<i64> {
    Ok(learnloop::migrate::session_version(
        &learnloop::json::from_json(&json)?,
    )?)
}
