//! # learnloop
//!
//! An embeddable adaptive-learning engine. One Rust core computes schedules
//! and learner state identically on a server, a phone and in a browser; the
//! Python, JavaScript (WebAssembly), Kotlin, Swift and Dart packages are thin
//! bindings over it.
//!
//! What the crate holds:
//!
//! - [`srs`]: spaced repetition. FSRS-6 (matching py-fsrs to 5e-12) and SM-2
//!   (SuperMemo's and Anki's), one [`srs::Scheduler`] trait whose single
//!   required method every review path calls (one card, a preview, a batch
//!   in place across the cores); fuzz, load balancing, easy days, a due queue,
//!   a forecast and a seeded simulator.
//! - [`learner`]: learner models. Elo, item response theory (1PL-3PL, with
//!   calibration from data), Bayesian knowledge tracing and performance factor
//!   analysis, with the usual metrics.
//! - [`adaptive`]: the adaptive engine. A session's state in the field names
//!   hosts already store, updated one interaction at a time, each decision
//!   explained.
//! - [`store`] (feature `sqlite`, on by default): SQLite persistence with
//!   migrations, crash safety and privacy controls.
//! - [`migrate`]: the session document and readers of legacy formats.
//! - [`options`]: every options struct by name, with its defaults (the one
//!   place a default is written), and [`Error`] with its closed [`ErrorKind`]:
//!   the contracts every binding maps rather than restates.
//!
//! The core is pure: no I/O, no clock, no global randomness outside
//! [`store`]. Every function that needs the time takes `now` (a
//! `DateTime<Utc>` or a [`Timestamp`]), and every random choice is derived
//! from a seed, so results are the same bits on every platform.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use learnloop::srs::{Card, Fsrs, Rating, Scheduler, State};
//!
//! let fsrs = Fsrs::default(); // FSRS-6 defaults, desired retention 0.9
//! let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
//! let card = Card::new("card-1", now);
//!
//! // What would each answer do?
//! let preview = fsrs.preview(&card, now)?;
//! assert!(preview.good.card.due > now);
//!
//! // Answer "Good" twice: the card graduates to review after its 10-minute step.
//! let first = fsrs.review(&card, Rating::Good, now)?;
//! let later = first.card.due;
//! let second = fsrs.review(&first.card, Rating::Good, later)?;
//! assert_eq!(second.card.state, State::Review);
//! assert_eq!(second.log.scheduled_days, 2);
//! # Ok::<(), learnloop::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adaptive;
pub mod error;
pub mod json;
pub mod learner;
mod math;
pub mod migrate;
mod names;
pub mod options;
mod parallel;
pub mod srs;
#[cfg(feature = "sqlite")]
pub mod store;
pub mod sync;
mod time;

pub use error::{Cause, Error, ErrorKind, Result, StorageFailure};
pub use time::Timestamp;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
