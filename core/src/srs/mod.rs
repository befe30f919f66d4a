//! Spaced repetition: FSRS-6 and SM-2 behind one [`Scheduler`] trait, with
//! deterministic fuzz, load balancing, easy days, a due queue and a forecast.
//!
//! * [`Fsrs`]: the FSRS-6 scheduler. Its card-level behaviour (learning steps,
//!   same-day reviews, intervals) follows the reference Python package py-fsrs
//!   6.3; its memory-state entry points ([`Fsrs::next_states`],
//!   [`Fsrs::memory_state`], [`Fsrs::next_interval`]) follow fsrs-rs. A
//!   drop-in mirror of the fsrs-rs API (same names, `f32`) lives in [`compat`].
//! * [`Sm2`]: SuperMemo's original SM-2 (quality 0-5).
//! * [`AnkiSm2`]: Anki's SM-2 variant (four buttons, ease steps, multipliers).
//! * [`due_queue`], [`forecast`], [`reschedule`], [`cards_from_mistakes`]:
//!   what a study screen needs around the schedulers.
//! * [`simulate()`]: a seeded learner studying for days or a year.

mod batch;
mod card;
pub mod compat;
mod fsrs;
mod params;
mod queue;
mod rating;
mod shaping;
mod simulate;
mod sm2;

pub use batch::CardBatch;
pub use card::{Card, MemoryState, Preview, ReviewLog, ReviewOutcome, Sm2State};
pub use fsrs::{Fsrs, ItemState, NextStates, ReviewDelta};
pub use params::{
    DEFAULT_DESIRED_RETENTION, DEFAULT_MAXIMUM_INTERVAL, DEFAULT_PARAMETERS, FSRS5_DEFAULT_DECAY,
    MAX_DIFFICULTY, MIN_DIFFICULTY, PARAMETER_BOUNDS, Parameters, STABILITY_MIN,
};
pub use queue::{
    AnsweredQuestion, DueQueue, QueueOptions, QueueOrder, cards_from_mistakes, due_queue, forecast,
    reschedule,
};
pub use rating::{Rating, State};
pub use shaping::{DueLoad, EasyDays, IntervalShaping, fuzz_factor, fuzz_range};
pub use simulate::{DaySummary, SimulationConfig, SimulationReport, simulate};
pub use sm2::{AnkiSm2, AnkiSm2Config, Sm2};

use crate::Result;
use chrono::{DateTime, Utc};

/// What every scheduler offers: review a card, or preview all four answers.
///
/// A review never changes its input: it returns the new card and a log entry.
/// On error the card is untouched and nothing is returned.
pub trait Scheduler {
    /// Review `card` with `rating` at `now`; `load` (optional) is the current
    /// due-count histogram used by load balancing when it is enabled.
    fn schedule(
        &self,
        card: &Card,
        rating: Rating,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> Result<ReviewOutcome>;

    /// Review `card` with `rating` at `now`.
    fn review(&self, card: &Card, rating: Rating, now: DateTime<Utc>) -> Result<ReviewOutcome> {
        self.schedule(card, rating, now, None)
    }

    /// Review many cards at once, `ratings[i]` for `cards[i]`, all at `now`.
    ///
    /// All or nothing: if any card fails, the error names it
    /// ([`crate::Error::InBatch`]) and no result is returned.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::{Card, Fsrs, Rating, Scheduler};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let cards = vec![Card::new("a", now), Card::new("b", now)];
    /// let out = Fsrs::default().review_many(&cards, &[Rating::Good, Rating::Again], now)?;
    /// assert_eq!(out.len(), 2);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    fn review_many(
        &self,
        cards: &[Card],
        ratings: &[Rating],
        now: DateTime<Utc>,
    ) -> Result<Vec<ReviewOutcome>> {
        check_batch_len(cards.len(), ratings.len())?;
        cards
            .iter()
            .zip(ratings)
            .enumerate()
            .map(|(index, (card, &rating))| {
                self.review(card, rating, now)
                    .map_err(|error| crate::Error::in_batch(index, error))
            })
            .collect()
    }

    /// Review many cards where they lie: `cards[i]` becomes the card after
    /// `ratings[i]` at `now`. The fast path for large batches (no card is
    /// copied; [`Fsrs`] also spreads large batches over the cores).
    ///
    /// All or nothing: on error ([`crate::Error::InBatch`] naming the first
    /// failing card) every card is left as it was.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::{Card, Fsrs, Rating, Scheduler, State};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let mut cards = vec![Card::new("a", now), Card::new("b", now)];
    /// Fsrs::default().review_in_place(&mut cards, &[Rating::Easy, Rating::Again], now)?;
    /// assert_eq!(cards[0].state, State::Review);
    /// assert_eq!(cards[1].state, State::Learning);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    fn review_in_place(
        &self,
        cards: &mut [Card],
        ratings: &[Rating],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let outcomes = self.review_many(cards, ratings, now)?;
        for (card, outcome) in cards.iter_mut().zip(outcomes) {
            *card = outcome.card;
        }
        Ok(())
    }

    /// Review every card of `batch` where it lies, `ratings[i]` for
    /// `batch[i]`, all at `now`: [`Scheduler::review_in_place`] on a
    /// [`CardBatch`], which keeps the batch's counts true. [`Fsrs`] skips
    /// checking the cards when the batch vouches for them (see
    /// [`CardBatch`]), the fastest way to review many cards.
    ///
    /// All or nothing, as [`Scheduler::review_in_place`].
    fn review_batch(
        &self,
        batch: &mut CardBatch,
        ratings: &[Rating],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let result = self.review_in_place(batch.cards_mut(), ratings, now);
        batch.recount();
        result
    }

    /// The outcome of each of the four ratings, without committing to any.
    fn preview(&self, card: &Card, now: DateTime<Utc>) -> Result<Preview> {
        Ok(Preview {
            again: self.review(card, Rating::Again, now)?,
            hard: self.review(card, Rating::Hard, now)?,
            good: self.review(card, Rating::Good, now)?,
            easy: self.review(card, Rating::Easy, now)?,
        })
    }
}

/// The error for a batch whose ratings do not match its cards one to one.
pub(crate) fn check_batch_len(cards: usize, ratings: usize) -> Result<()> {
    if cards == ratings {
        Ok(())
    } else {
        Err(crate::Error::invalid(
            "ratings",
            format!("{ratings} ratings for {cards} cards"),
        ))
    }
}
