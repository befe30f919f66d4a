//! The one error type of the crate, and the closed set of kinds it falls in.

use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What kind of failure an [`Error`] is: the decision a caller (and each
/// language binding) makes about it. Closed on purpose: every binding maps
/// each kind to its own exception or class in one exhaustive `match`, so a
/// new kind does not compile until every language has decided what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A value is missing, not finite, out of range or inconsistent.
    InvalidInput,
    /// An FSRS parameter vector has the wrong length or a value out of range.
    InvalidParameter,
    /// A rating outside 1 (Again) to 4 (Easy).
    InvalidRating,
    /// An input is dated before what it must follow (a review before the
    /// card's last review).
    OutOfOrder,
    /// The data do not determine the estimate asked for.
    NotEstimable,
    /// Something asked for is not stored.
    NotFound,
    /// The database stayed locked by other writers past the busy timeout.
    StorageBusy,
    /// The disk (or the database's size limit) is full.
    StorageFull,
    /// The database file or its directory cannot be written.
    StorageReadOnly,
    /// The file is not a database, or the database is damaged.
    StorageCorrupt,
    /// Any other failure of the storage layer (I/O, a file that cannot be
    /// opened, a failed migration).
    StorageFailed,
    /// A document or database written by a newer learnloop; nothing was read
    /// into or changed in it.
    NewerVersion,
    /// A schema migration applied to the database differs from the one this
    /// library ships.
    MigrationChanged,
    /// Two replicas disagree about what must be the same: one event id with
    /// two contents, or the same events with different digests.
    Conflict,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 14] = [
        ErrorKind::InvalidInput,
        ErrorKind::InvalidParameter,
        ErrorKind::InvalidRating,
        ErrorKind::OutOfOrder,
        ErrorKind::NotEstimable,
        ErrorKind::NotFound,
        ErrorKind::StorageBusy,
        ErrorKind::StorageFull,
        ErrorKind::StorageReadOnly,
        ErrorKind::StorageCorrupt,
        ErrorKind::StorageFailed,
        ErrorKind::NewerVersion,
        ErrorKind::MigrationChanged,
        ErrorKind::Conflict,
    ];

    /// The kind's stable name (`invalid_input`, `storage_busy`, ...), which
    /// the bindings expose as the error's `kind`.
    ///
    /// ```
    /// use learnloop::ErrorKind;
    /// assert_eq!(ErrorKind::StorageReadOnly.as_str(), "storage_read_only");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::InvalidParameter => "invalid_parameter",
            ErrorKind::InvalidRating => "invalid_rating",
            ErrorKind::OutOfOrder => "out_of_order",
            ErrorKind::NotEstimable => "not_estimable",
            ErrorKind::NotFound => "not_found",
            ErrorKind::StorageBusy => "storage_busy",
            ErrorKind::StorageFull => "storage_full",
            ErrorKind::StorageReadOnly => "storage_read_only",
            ErrorKind::StorageCorrupt => "storage_corrupt",
            ErrorKind::StorageFailed => "storage_failed",
            ErrorKind::NewerVersion => "newer_version",
            ErrorKind::MigrationChanged => "migration_changed",
            ErrorKind::Conflict => "conflict",
        }
    }

    /// Whether the kind is a failure of the storage layer (the operation
    /// may succeed later or elsewhere; the input was not at fault).
    pub const fn is_storage(self) -> bool {
        matches!(
            self,
            ErrorKind::StorageBusy
                | ErrorKind::StorageFull
                | ErrorKind::StorageReadOnly
                | ErrorKind::StorageCorrupt
                | ErrorKind::StorageFailed
        )
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Why the storage layer failed (see [`Error::Storage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageFailure {
    /// Locked by other writers past the busy timeout.
    Busy,
    /// The disk or the database's size limit is full.
    Full,
    /// The file or its directory cannot be written.
    ReadOnly,
    /// Not a database, or a damaged one.
    Corrupt,
    /// Anything else: I/O, a file that cannot be opened, a failed migration.
    Other,
}

impl StorageFailure {
    /// The [`ErrorKind`] of a storage error that failed this way.
    pub const fn kind(self) -> ErrorKind {
        match self {
            StorageFailure::Busy => ErrorKind::StorageBusy,
            StorageFailure::Full => ErrorKind::StorageFull,
            StorageFailure::ReadOnly => ErrorKind::StorageReadOnly,
            StorageFailure::Corrupt => ErrorKind::StorageCorrupt,
            StorageFailure::Other => ErrorKind::StorageFailed,
        }
    }
}

/// The underlying error of a storage failure (for SQLite, the
/// `rusqlite::Error`), kept whole so that [`std::error::Error::source`]
/// reaches it; [`Cause::get`] gives it for downcasting.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// Wrap an error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Cause(Arc::new(error))
    }

    /// The wrapped error, e.g. `cause.get().downcast_ref::<rusqlite::Error>()`.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Two causes are equal when they say the same (errors rarely compare).
impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

/// Everything that can go wrong in learnloop, one variant per cause.
///
/// Every validation error names the field it is about (see [`Error::field`]),
/// so a host can show it next to the input that caused it, and carries a
/// stable machine-readable [`code`](Error::code) that the language bindings
/// expose unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value is missing, not finite, out of range or inconsistent.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The offending field, as a path (`card.memory.stability`, `history[3]`).
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// One FSRS parameter lies outside the bounds the reference implementation allows.
    #[error("parameters[{index}] = {value} is outside the allowed range [{min}, {max}]")]
    ParameterOutOfRange {
        /// Index of the parameter (after upgrading a 17- or 19-value vector to 21).
        index: usize,
        /// The rejected value.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A parameter vector whose length is not one of the FSRS generations.
    #[error("parameters: expected 17 (FSRS-4.5), 19 (FSRS-5) or 21 (FSRS-6) values, got {count}")]
    ParameterCount {
        /// The number of values received.
        count: usize,
    },
    /// A rating outside 1 (Again) ..= 4 (Easy).
    #[error("rating: {value} is not a rating; expected 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")]
    InvalidRating {
        /// The rejected value.
        value: i64,
    },
    /// One item of a batch call failed; nothing of the batch was applied.
    #[error("cards[{index}]: {error}")]
    InBatch {
        /// Position of the failing item.
        index: usize,
        /// What went wrong with it.
        error: Box<Error>,
    },
    /// A review dated before the card's last review.
    #[error("now: the review at {now} is earlier than the card's last review at {last_review}")]
    ReviewBeforeLastReview {
        /// The time of the rejected review.
        now: DateTime<Utc>,
        /// The card's last review.
        last_review: DateTime<Utc>,
    },
    /// A document or database written by a newer learnloop than this one.
    /// Nothing was read into or changed in it.
    #[error(
        "{what}: version {found} is newer than the newest this library reads ({supported}); upgrade learnloop"
    )]
    VersionTooNew {
        /// What carries the version (`session.metadata.schemaVersion`, `database`).
        what: String,
        /// The version found.
        found: i64,
        /// The newest version this library knows.
        supported: i64,
    },
    /// An already-applied schema migration differs from the one this library
    /// ships (its checksum changed). The database was left as it was.
    #[error(
        "database: migration {version} ({name}) was applied with checksum {applied} but this library's is {expected}"
    )]
    MigrationChanged {
        /// The migration's number.
        version: i64,
        /// The migration's name.
        name: String,
        /// Checksum recorded when it was applied.
        applied: String,
        /// Checksum of this library's migration.
        expected: String,
    },
    /// Something asked for does not exist.
    #[error("{what}: no {what} with id {id:?}")]
    NotFound {
        /// The kind of thing (`learner`, `session`, `card`).
        what: String,
        /// Its id.
        id: String,
    },
    /// The data do not determine the quantity asked for (an ability from
    /// answers that are all correct, a fit that did not converge). Nothing
    /// is wrong with the input's form; a different estimator or more data
    /// is needed.
    #[error("{field}: {reason}")]
    NotEstimable {
        /// The input the estimate was asked from (`responses`, `answers`).
        field: String,
        /// Why it cannot be estimated, and what to use instead.
        reason: String,
    },
    /// An event id (device and sequence number) arrived with content other
    /// than the event the log holds under it: a device reused a number, or
    /// data were altered. Nothing was applied.
    #[error("event: {device}:{seq} arrived with other content than the event held under that id")]
    EventConflict {
        /// The device of the event id.
        device: String,
        /// Its sequence number.
        seq: u64,
    },
    /// After applying a change set, this replica holds what the sender held
    /// (the same version vector) but its digest differs: the replicas
    /// diverged, and a full resync is needed to find out where.
    #[error("digest: this replica's events hash to {ours:016x}, the sender's to {theirs:016x}")]
    Diverged {
        /// This replica's digest.
        ours: u64,
        /// The sender's.
        theirs: u64,
    },
    /// The sender compacted events this replica does not hold: it is too
    /// far behind for a change set, and resyncs from the sender's snapshot
    /// ([`crate::sync::Replica::resync`]). Nothing was applied.
    #[error(
        "change_set.floor: the sender compacted events this replica lacks ({missing} of them); resync from its snapshot"
    )]
    ResyncNeeded {
        /// How many compacted events this replica lacks.
        missing: u64,
    },
    /// An event comes, in the fold's order, before the events this replica
    /// compacted, and it is not among them: its stamp predates what every
    /// device it knew had acknowledged (a device that never synced
    /// recorded it offline, or its clock was far behind). Folding it after
    /// the snapshot would give this replica a state no other replica
    /// computes, so the change set is refused whole and nothing changes.
    #[error(
        "event: {device}:{seq} comes before this replica's compacted events; a device must sync once before it records"
    )]
    EventBelowFloor {
        /// The device of the first such event.
        device: String,
        /// Its sequence number.
        seq: u64,
    },
    /// The storage layer failed (see [`StorageFailure`]). The transaction
    /// in progress was rolled back.
    #[error("storage: {operation}: {message}")]
    Storage {
        /// What was being done (`open`, `record_review`, ...).
        operation: String,
        /// How it failed.
        failure: StorageFailure,
        /// The database's own message.
        message: String,
        /// The database's own error, when there is one.
        #[source]
        cause: Option<Cause>,
    },
}

impl Error {
    /// The input field the error is about.
    ///
    /// ```
    /// use learnloop::srs::Rating;
    /// let err = Rating::try_from(7u8).unwrap_err();
    /// assert_eq!(err.field(), "rating");
    /// ```
    pub fn field(&self) -> String {
        match self {
            Error::InvalidInput { field, .. } => field.clone(),
            Error::ParameterOutOfRange { index, .. } => format!("parameters[{index}]"),
            Error::ParameterCount { .. } => "parameters".to_string(),
            Error::InvalidRating { .. } => "rating".to_string(),
            Error::ReviewBeforeLastReview { .. } => "now".to_string(),
            Error::VersionTooNew { what, .. } => what.clone(),
            Error::MigrationChanged { .. } => "database".to_string(),
            Error::NotFound { what, .. } => what.clone(),
            Error::Storage { .. } => "storage".to_string(),
            Error::NotEstimable { field, .. } => field.clone(),
            Error::EventConflict { .. } => "event".to_string(),
            Error::Diverged { .. } => "digest".to_string(),
            Error::ResyncNeeded { .. } => "change_set.floor".to_string(),
            Error::EventBelowFloor { .. } => "event".to_string(),
            Error::InBatch { index, error } => {
                let inner = error.field();
                // Fields about "the card" become fields of this card of the batch.
                match inner.strip_prefix("card") {
                    Some(rest) if rest.is_empty() || rest.starts_with('.') => {
                        format!("cards[{index}]{rest}")
                    }
                    _ => format!("cards[{index}].{inner}"),
                }
            }
        }
    }

    /// What kind of failure this is; a batch error has the kind of the
    /// item's error.
    ///
    /// ```
    /// use learnloop::{srs::Rating, ErrorKind};
    /// assert_eq!(Rating::try_from(7u8).unwrap_err().kind(), ErrorKind::InvalidRating);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InBatch { error, .. } => error.kind(),
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::ParameterOutOfRange { .. } | Error::ParameterCount { .. } => {
                ErrorKind::InvalidParameter
            }
            Error::InvalidRating { .. } => ErrorKind::InvalidRating,
            Error::ReviewBeforeLastReview { .. } => ErrorKind::OutOfOrder,
            Error::VersionTooNew { .. } => ErrorKind::NewerVersion,
            Error::MigrationChanged { .. } => ErrorKind::MigrationChanged,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::NotEstimable { .. } => ErrorKind::NotEstimable,
            Error::Storage { failure, .. } => failure.kind(),
            Error::EventConflict { .. }
            | Error::Diverged { .. }
            | Error::ResyncNeeded { .. }
            | Error::EventBelowFloor { .. } => ErrorKind::Conflict,
        }
    }

    /// A stable, machine-readable code for the precise cause, finer than
    /// the [`kind`](Error::kind) (`parameter_count` and
    /// `parameter_out_of_range` are both [`ErrorKind::InvalidParameter`]).
    /// A batch error has the code of the item's error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InBatch { error, .. } => error.code(),
            Error::InvalidInput { .. } => "invalid_input",
            Error::ParameterOutOfRange { .. } => "parameter_out_of_range",
            Error::ParameterCount { .. } => "parameter_count",
            Error::InvalidRating { .. } => "invalid_rating",
            Error::ReviewBeforeLastReview { .. } => "review_before_last_review",
            Error::VersionTooNew { .. } => "version_too_new",
            Error::MigrationChanged { .. } => "migration_changed",
            Error::NotFound { .. } => "not_found",
            Error::Storage { failure, .. } => failure.kind().as_str(),
            Error::NotEstimable { .. } => "not_estimable",
            Error::EventConflict { .. } => "event_conflict",
            Error::Diverged { .. } => "diverged",
            Error::ResyncNeeded { .. } => "resync_needed",
            Error::EventBelowFloor { .. } => "event_below_floor",
        }
    }

    /// The error of item `index` of a batch (see [`Error::InBatch`]).
    pub(crate) fn in_batch(index: usize, error: Error) -> Self {
        Error::InBatch {
            index,
            error: Box::new(error),
        }
    }

    /// The error of a value found inside the argument or document
    /// `argument`: an [`Error::InvalidInput`]'s field becomes a path from
    /// it (`card` + `memory.stability` = `card.memory.stability`,
    /// `cards` + `[3].due` = `cards[3].due`; a field of `json`, the whole
    /// document, becomes the argument itself). Other errors are unchanged.
    ///
    /// ```
    /// use learnloop::srs::Card;
    /// let err = learnloop::json::from_json::<Card>(r#"{"id": "c", "state": "sleeping"}"#)
    ///     .unwrap_err()
    ///     .within("card");
    /// assert_eq!(err.field(), "card.state");
    /// ```
    pub fn within(self, argument: &str) -> Error {
        match self {
            Error::InvalidInput { field, reason } => {
                let field = match field.as_str() {
                    _ if argument.is_empty() => field,
                    "" | "json" => argument.to_string(),
                    path if path.starts_with('[') => format!("{argument}{path}"),
                    path => format!("{argument}.{path}"),
                };
                Error::InvalidInput { field, reason }
            }
            other => other,
        }
    }

    pub(crate) fn not_estimable(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::NotEstimable {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The one rule for ids (learners, cards, sessions, devices, questions):
/// non-empty text without NUL (which C strings, and so many hosts' storage
/// and FFI layers, would cut short). Anything else (quotes, SQL, any
/// Unicode) is kept verbatim.
pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        Err(Error::invalid(field, "must not be empty"))
    } else if id.contains('\0') {
        Err(Error::invalid(field, "must not contain NUL"))
    } else {
        Ok(())
    }
}

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
