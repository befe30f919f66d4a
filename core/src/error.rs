//! The one error type of the crate.

use chrono::{DateTime, Utc};

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
    /// The storage layer failed (I/O, a full disk, a corrupt file). The
    /// transaction in progress was rolled back.
    #[error("storage: {operation}: {message}")]
    Storage {
        /// What was being done (`open`, `record_review`, ...).
        operation: String,
        /// The database's own message.
        message: String,
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

    /// A stable, machine-readable code for the kind of error
    /// (`invalid_input`, `parameter_out_of_range`, ...). A batch error has
    /// the code of the item's error.
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
            Error::Storage { .. } => "storage",
            Error::NotEstimable { .. } => "not_estimable",
        }
    }

    /// The error of item `index` of a batch (see [`Error::InBatch`]).
    pub(crate) fn in_batch(index: usize, error: Error) -> Self {
        Error::InBatch {
            index,
            error: Box::new(error),
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

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
