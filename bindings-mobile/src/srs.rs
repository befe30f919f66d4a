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
pub fn new_card(id: String, now: Timestamp) -> Result<srs::Card> {
    let card = srs::Card::new(id, now);
    card.check()?;
    Ok(card)
}

/// `count` new cards with ids `{prefix}{i}`, all due at `now`.
#[uniffi::export]
pub fn new_cards(prefix: String, count: u64, now: Timestamp) -> Result<Vec<srs::Card>> {
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    Ok(srs::new_cards(&prefix, count, now)?)
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
        pub struct $object(pub(crate) $core);

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

            /// Review `card` with `rating` at `now`. `load`: cards already
            /// due on each coming day (`forecast`), read when load balancing
            /// is on.
            #[uniffi::method(default(load = None))]
            pub fn review(&self, card: srs::Card, rating: srs::Rating, now: Timestamp, load: Option<srs::DueLoad>) -> Result<srs::ReviewOutcome> {
                Ok(self.0.review_in(&card, rating, &srs::ReviewContext { now, load: load.as_ref() })?)
            }

            /// The outcome of each rating (`load` as in `review`).
            #[uniffi::method(default(load = None))]
            pub fn preview(&self, card: srs::Card, now: Timestamp, load: Option<srs::DueLoad>) -> Result<srs::Preview> {
                Ok(self.0.preview_in(&card, &srs::ReviewContext { now, load: load.as_ref() })?)
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

        /// Probability of recall `elapsed_days` after a review that left `stability`.
        pub fn retrievability_after(&self, elapsed_days: f64, stability: f64) -> Result<f64> {
            Ok(self.0.retrievability(elapsed_days, stability)?)
        }

        /// The memory state after `ratings[i]` given `days_elapsed[i]` days
        /// after the previous review, from `start` if given, else from a new
        /// card.
        #[uniffi::method(default(start = None))]
        pub fn memory_state(
            &self,
            ratings: Vec<srs::Rating>,
            days_elapsed: Vec<u32>,
            start: Option<srs::MemoryState>,
        ) -> Result<srs::MemoryState> {
            if ratings.len() != days_elapsed.len() {
                return Err(learnloop::Error::InvalidInput {
                    field: "days_elapsed".into(),
                    reason: "needs one entry per rating".into(),
                }
                .into());
            }
            let history = ratings.into_iter().zip(days_elapsed);
            Ok(match start {
                Some(start) => self.0.memory_state_from(start, history),
                None => self.0.memory_state(history),
            }?)
        }

        /// The whole-day interval a review gives a card of this stability.
        pub fn review_interval(&self, stability: f64) -> Result<u32> {
            Ok(self.0.review_interval(stability)?)
        }

        /// Unrounded interval in days at which recall falls to
        /// `desired_retention`, for a stability (or, with none, a new card's
        /// initial stability after `rating`).
        pub fn next_interval(
            &self,
            stability: Option<f64>,
            desired_retention: f64,
            rating: srs::Rating,
        ) -> Result<f64> {
            Ok(self.0.next_interval(stability, desired_retention, rating)?)
        }

        /// The memory state of a card SM-2 scheduled: its ease factor, its
        /// current interval in days, and the retention SM-2 achieved.
        pub fn memory_state_from_sm2(
            &self,
            ease_factor: f64,
            interval: f64,
            sm2_retention: f64,
        ) -> Result<srs::MemoryState> {
            Ok(self
                .0
                .memory_state_from_sm2(ease_factor, interval, sm2_retention)?)
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
pub fn forecast(cards: Vec<srs::Card>, now: Timestamp, days: u32) -> Result<Vec<u32>> {
    Ok(srs::forecast(&cards, now, days)?)
}

/// The SM-2 quality (0-5) a rating stands for.
#[uniffi::export]
pub fn sm2_quality_of(rating: srs::Rating) -> u8 {
    srs::Sm2::quality_of(rating)
}

/// Whether a rating counts as recalled (Hard, Good, Easy).
#[uniffi::export]
pub fn rating_is_pass(rating: srs::Rating) -> bool {
    rating.is_pass()
}

/// A copy of `card` due at `due` instead (a "postpone" or "study earlier"
/// button); `due` may not be before `now`.
#[uniffi::export]
pub fn reschedule(card: srs::Card, due: Timestamp, now: Timestamp) -> Result<srs::Card> {
    Ok(srs::reschedule(&card, due, now)?)
}

/// New cards, due at `now`, for the questions answered wrongly: one per
/// question id, none for an id that already has a card in `existing`.
#[uniffi::export(default(existing = []))]
pub fn cards_from_mistakes(
    answers: Vec<srs::AnsweredQuestion>,
    now: Timestamp,
    existing: Vec<srs::Card>,
) -> Vec<srs::Card> {
    srs::cards_from_mistakes(&answers, &existing, now)
}

/// The days a fuzzed `interval` may land on: `[min, max]`.
#[uniffi::export]
pub fn fuzz_range(interval: u32, maximum_interval: u32) -> Vec<u32> {
    let (min, max) = srs::fuzz_range(interval, maximum_interval);
    vec![min, max]
}

/// The fuzz fraction in `[0, 1)` of a card id at a review count.
#[uniffi::export]
pub fn fuzz_factor(card_id: String, reps: u32) -> f64 {
    srs::fuzz_factor(&card_id, reps)
}
