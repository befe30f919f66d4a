//! Core errors as one uniffi error type (a sealed class in Kotlin, an
//! `Error` enum in Swift): one case per [`ErrorKind`], named as the kind,
//! decided in one exhaustive `match` that the macro writes from the list of
//! cases, so a new kind does not compile until it has a case here. Every
//! case carries the core's stable `code`, the `field` it is about and the
//! message.

use learnloop::ErrorKind;

macro_rules! exception_cases {
    ($($case:ident: $doc:literal;)*) => {
        /// Every learnloop error; the case says what kind of failure it is.
        #[derive(Debug, thiserror::Error, uniffi::Error)]
        pub enum LearnloopException {
            $(
                #[doc = $doc]
                #[error("{detail}")]
                $case {
                    /// Stable code of the precise cause (`parameter_count`, ...).
                    code: String,
                    /// The input it is about (`card.memory.stability`, ...).
                    field: String,
                    /// Human-readable explanation.
                    detail: String,
                },
            )*
        }

        impl From<learnloop::Error> for LearnloopException {
            fn from(e: learnloop::Error) -> Self {
                let (code, field, detail) = (e.code().to_string(), e.field(), e.to_string());
                match e.kind() {
                    $(ErrorKind::$case => Self::$case { code, field, detail },)*
                }
            }
        }
    };
}

exception_cases! {
    InvalidInput: "An argument or a stored document is invalid.";
    InvalidParameter: "An FSRS parameter vector has the wrong length or a value out of range.";
    InvalidRating: "A rating outside 1 (Again) to 4 (Easy).";
    OutOfOrder: "An input dated before what it must follow (a review before the card's last review).";
    NotEstimable: "The data do not determine the estimate asked for.";
    NotFound: "A stored item (session, card, learner) does not exist.";
    StorageBusy: "The database stayed locked by other writers past the busy timeout.";
    StorageFull: "The disk (or the database's size limit) is full.";
    StorageReadOnly: "The database file or its directory cannot be written.";
    StorageCorrupt: "The file is not a database, or the database is damaged.";
    StorageFailed: "Any other failure of the database (I/O, a failed migration).";
    NewerVersion: "A database or document written by a newer learnloop; nothing was changed.";
    MigrationChanged: "A schema migration applied to the database differs from the shipped one.";
    Conflict: "Two replicas disagree: one event id with two contents, or the same events with different digests.";
}
