//! # learnloop
//!
//! An embeddable adaptive-learning engine. One Rust core computes schedules
//! and learner state identically on a server, a phone and in a browser.
//!
//! This release provides [`srs`]: spaced repetition with FSRS-6 (matching the
//! reference implementation to 1e-4) and SM-2 (SuperMemo's original and
//! Anki's variant), deterministic fuzz, load balancing, easy days, a due
//! queue and a forecast.
//!
//! The core is pure: no I/O, no clock, no global randomness. Every function
//! that needs the time takes `now`, and every random choice is derived from a
//! seed, so results are reproducible on every platform.
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
mod time;

pub use error::{Cause, Error, ErrorKind, Result, StorageFailure};
pub use time::Timestamp;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
