//! Core errors as Python exceptions: one class per [`ErrorKind`], decided
//! in one exhaustive `match` (a new kind does not compile until it has a
//! class here). Every exception carries the core's `kind`, `code` and
//! `field`.

use learnloop::ErrorKind;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

macro_rules! exceptions {
    ($($name:ident($base:ty): $doc:literal;)*) => {
        $(pyo3::create_exception!(learnloop, $name, $base, $doc);)*

        /// Adds every exception class to the module.
        pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = m.py();
            $(m.add(stringify!($name), py.get_type::<$name>())?;)*
            // The name earlier releases used for a review before the last one.
            m.add("ReviewOrderError", py.get_type::<OutOfOrderError>())?;
            Ok(())
        }
    };
}

exceptions! {
    LearnloopError(PyException): "Base class of every learnloop error; `kind`, `code` and `field` say what and where.";
    InvalidInputError(LearnloopError): "An argument or a stored document is invalid; `field` names it.";
    InvalidParameterError(InvalidInputError): "An FSRS parameter vector has the wrong length or a value out of range.";
    InvalidRatingError(InvalidInputError): "A rating outside 1 (Again) to 4 (Easy).";
    OutOfOrderError(InvalidInputError): "An input dated before what it must follow (a review before the card's last review).";
    NotEstimableError(LearnloopError): "The data do not determine the estimate (an ability from all-correct answers); `field` names the input.";
    NotFoundError(LearnloopError): "A stored item (session, card, learner) does not exist; `field` names its kind.";
    StorageError(LearnloopError): "The database failed; the transaction in progress was rolled back.";
    StorageBusyError(StorageError): "The database stayed locked by other writers past the busy timeout.";
    StorageFullError(StorageError): "The disk (or the database's size limit) is full.";
    StorageReadOnlyError(StorageError): "The database file or its directory cannot be written.";
    StorageCorruptError(StorageError): "The file is not a database, or the database is damaged.";
    VersionTooNewError(LearnloopError): "A database or document written by a newer learnloop; nothing was changed.";
    MigrationChangedError(LearnloopError): "A schema migration applied to this database differs from the shipped one.";
    ConflictError(LearnloopError): "Two replicas disagree: one event id with two contents, or the same events with different digests.";
}

/// The Python exception for a core error, with `kind`, `code` and `field`
/// attributes.
pub(crate) fn to_py(err: learnloop::Error) -> PyErr {
    let new: fn(String) -> PyErr = match err.kind() {
        ErrorKind::InvalidInput => InvalidInputError::new_err,
        ErrorKind::InvalidParameter => InvalidParameterError::new_err,
        ErrorKind::InvalidRating => InvalidRatingError::new_err,
        ErrorKind::OutOfOrder => OutOfOrderError::new_err,
        ErrorKind::NotEstimable => NotEstimableError::new_err,
        ErrorKind::NotFound => NotFoundError::new_err,
        ErrorKind::StorageBusy => StorageBusyError::new_err,
        ErrorKind::StorageFull => StorageFullError::new_err,
        ErrorKind::StorageReadOnly => StorageReadOnlyError::new_err,
        ErrorKind::StorageCorrupt => StorageCorruptError::new_err,
        ErrorKind::StorageFailed => StorageError::new_err,
        ErrorKind::NewerVersion => VersionTooNewError::new_err,
        ErrorKind::MigrationChanged => MigrationChangedError::new_err,
        ErrorKind::Conflict => ConflictError::new_err,
    };
    let py_err = new(err.to_string());
    Python::attach(|py| {
        let value = py_err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in
        // practice; if it did, the exception itself is still raised.
        let _ = value.setattr("kind", err.kind().as_str());
        let _ = value.setattr("code", err.code());
        let _ = value.setattr("field", err.field());
    });
    py_err
}
