//! Spaced repetition for Kotlin, Swift and Dart: the three schedulers (one
//! set of methods for all), the due queue and the forecast, and the
//! defaults of their options.

use crate::Result;
use learnloop::Timestamp;
use learnloop::srs::{self, Scheduler as _};
use std::sync::Arc;

/// The FSRS scheduler's default settings.
#[uniffi::export]
pub fn default_fsrs_options() -> srs::FsrsOptions {
    srs::FsrsOptions::default()
}

/// SM-2's default settings.
#[uniffi::export]
pub fn default_sm2_options() -> srs::Sm2Options {
    srs::Sm2Options::default()
}

/// Anki's SM-2 default settings.
#[uniffi::export]
pub fn default_anki_sm2_options() -> srs::AnkiSm2Options {
    srs::AnkiSm2Options::default()
}

/// The due queue's default settings.
#[uniffi::export]
pub fn default_queue_options() -> srs::QueueOptions {
    srs::QueueOptions::default()
}

/// The rating with number `value` (1-4), for hosts that store numbers.
#[uniffi::export]
pub fn rating_from_number(value: i64) -> Result<srs::Rating> {
    Ok(srs::Rating::try_from(value)?)
}

/// A new card due at `now`.
#[uniffi::export]
pub fn new_card(id: String, now: Timestamp) -> srs::Card {
    srs::Card::new(id, now)
}

/// The card as JSON, the same document every learnloop language reads and writes.
#[uniffi::export]
pub fn card_to_json(card: srs::Card) -> String {
    learnloop::json::to_json(&card)
}

/// A card from JSON; errors name the offending key.
#[uniffi::export]
pub fn card_from_json(json: String) -> Result<srs::Card> {
    Ok(learnloop::json::from_json(&json)?)
}

/// The methods every scheduler object has, over its core scheduler.
macro_rules! scheduler_object {
    ($object:ident, $core:ty, $options:ty, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        #[derive(uniffi::Object)]
        pub struct $object($core);

        #[uniffi::export]
        impl $object {
            /// A scheduler with these settings (checked; the error names the field).
            #[uniffi::constructor]
            pub fn new(options: $options) -> Result<Arc<Self>> {
                Ok(Arc::new($object(<$core>::new(options)?)))
            }

            /// A scheduler with every default.
            #[uniffi::constructor(name = "withDefaults")]
            pub fn with_defaults() -> Arc<Self> {
                Arc::new($object(<$core>::default()))
            }

            /// The settings in effect.
            pub fn options(&self) -> $options {
                self.0.options().clone()
            }

            /// Review `card` with `rating` at `now`.
            pub fn review(&self, card: srs::Card, rating: srs::Rating, now: Timestamp) -> Result<srs::ReviewOutcome> {
                Ok(self.0.review(&card, rating, now)?)
            }

            /// The outcome of each rating.
            pub fn preview(&self, card: srs::Card, now: Timestamp) -> Result<srs::Preview> {
                Ok(self.0.preview(&card, now)?)
            }

            /// Review many cards, `ratings[i]` for `cards[i]`; all or
            /// nothing (spread over the cores).
            pub fn review_many(&self, cards: Vec<srs::Card>, ratings: Vec<srs::Rating>, now: Timestamp) -> Result<Vec<srs::Card>> {
                let mut cards = cards;
                self.0.review_in_place(&mut cards, &ratings, now)?;
                Ok(cards)
            }

            $($extra)*
        }
    };
}

scheduler_object!(
    Fsrs,
    srs::Fsrs,
    srs::FsrsOptions,
    "The FSRS-6 scheduler; immutable and safe to share between threads.",
    {
        /// Probability of recall of `card` at `now` (0 for a new card).
        pub fn retrievability(&self, card: srs::Card, now: Timestamp) -> f64 {
            self.0.card_retrievability(&card, now)
        }

        /// The memory state after `ratings[i]` given `days_elapsed[i]` days after the previous review.
        pub fn memory_state(
            &self,
            ratings: Vec<srs::Rating>,
            days_elapsed: Vec<u32>,
        ) -> Result<srs::MemoryState> {
            if ratings.len() != days_elapsed.len() {
                return Err(learnloop::Error::InvalidInput {
                    field: "days_elapsed".into(),
                    reason: "needs one entry per rating".into(),
                }
                .into());
            }
            Ok(self.0.memory_state(ratings.into_iter().zip(days_elapsed))?)
        }

        /// The memory state and unrounded interval after each rating, from
        /// `memory` (none for a new card) after `days_elapsed` days.
        pub fn next_states(
            &self,
            memory: Option<srs::MemoryState>,
            desired_retention: f64,
            days_elapsed: u32,
        ) -> Result<srs::NextStates> {
            Ok(self
                .0
                .next_states(memory, desired_retention, days_elapsed)?)
        }
    }
);

scheduler_object!(
    Sm2,
    srs::Sm2,
    srs::Sm2Options,
    "SuperMemo's SM-2 (quality 0-5; the four ratings are qualities 2-5).",
    {
        /// Review with an SM-2 quality from 0 (blackout) to 5 (perfect).
        pub fn review_quality(
            &self,
            card: srs::Card,
            quality: u8,
            now: Timestamp,
        ) -> Result<srs::ReviewOutcome> {
            Ok(self.0.review_quality(&card, quality, now)?)
        }
    }
);

scheduler_object!(
    AnkiSm2,
    srs::AnkiSm2,
    srs::AnkiSm2Options,
    "Anki's SM-2 variant (four buttons, ease steps, multipliers).",
    {}
);

/// Indices of the cards to study at `now`: learning, then reviews, then new.
#[uniffi::export]
pub fn due_queue(cards: Vec<srs::Card>, now: Timestamp, options: srs::QueueOptions) -> Vec<u32> {
    srs::due_queue(&cards, now, &options)
        .iter()
        .map(|i| i as u32)
        .collect()
}

/// Due counts for each of the next `days` days (overdue cards count in day 0).
#[uniffi::export]
pub fn forecast(cards: Vec<srs::Card>, now: Timestamp, days: u32) -> Vec<u32> {
    srs::forecast(&cards, now, days)
}
