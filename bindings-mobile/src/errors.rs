//! Core errors as one uniffi error type (a sealed class in Kotlin, an
//! `Error` enum in Swift): one case per [`ErrorKind`], decided in one
//! exhaustive `match`, so a new kind does not compile until it has a case.
//! Every case carries the core's stable `code`, the `field` it is about and
//! the message.

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
}

impl From<learnloop::Error> for LearnloopException {
    fn from(e: learnloop::Error) -> Self {
        let (code, field, detail) = (e.code().to_string(), e.field(), e.to_string());
        type Case = fn(String, String, String) -> LearnloopException;
        let case: Case = match e.kind() {
            ErrorKind::InvalidInput => |code, field, detail| Self::InvalidInput {
                code,
                field,
                detail,
            },
            ErrorKind::InvalidParameter => |code, field, detail| Self::InvalidParameter {
                code,
                field,
                detail,
            },
            ErrorKind::InvalidRating => |code, field, detail| Self::InvalidRating {
                code,
                field,
                detail,
            },
            ErrorKind::OutOfOrder => |code, field, detail| Self::OutOfOrder {
                code,
                field,
                detail,
            },
            ErrorKind::NotEstimable => |code, field, detail| Self::NotEstimable {
                code,
                field,
                detail,
            },
            ErrorKind::NotFound => |code, field, detail| Self::NotFound {
                code,
                field,
                detail,
            },
            ErrorKind::StorageBusy => |code, field, detail| Self::StorageBusy {
                code,
                field,
                detail,
            },
            ErrorKind::StorageFull => |code, field, detail| Self::StorageFull {
                code,
                field,
                detail,
            },
            ErrorKind::StorageReadOnly => |code, field, detail| Self::StorageReadOnly {
                code,
                field,
                detail,
            },
            ErrorKind::StorageCorrupt => |code, field, detail| Self::StorageCorrupt {
                code,
                field,
                detail,
            },
            ErrorKind::StorageFailed => |code, field, detail| Self::StorageFailed {
                code,
                field,
                detail,
            },
            ErrorKind::NewerVersion => |code, field, detail| Self::NewerVersion {
                code,
                field,
                detail,
            },
            ErrorKind::MigrationChanged => |code, field, detail| Self::MigrationChanged {
                code,
                field,
                detail,
            },
        };
        case(code, field, detail)
    }
}
