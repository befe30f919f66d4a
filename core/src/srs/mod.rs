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
//!
//! Every scheduler has one rule, [`Scheduler::next`]: what a review changes
//! on a card. Single reviews, previews and batches are built on it.

mod card;
pub mod compat;
mod fsrs;
mod model;
mod params;
mod queue;
mod rating;
mod shaping;
mod simulate;
mod sm2;
mod steps;

pub use card::{Card, CardUpdate, MemoryState, Preview, ReviewLog, ReviewOutcome, Sm2State};
pub use fsrs::{Fsrs, FsrsOptions};
pub use model::{ItemState, NextStates, ReviewDelta};
pub use params::{
    DEFAULT_DESIRED_RETENTION, DEFAULT_MAXIMUM_INTERVAL, DEFAULT_PARAMETERS, FSRS5_DEFAULT_DECAY,
    MAX_DIFFICULTY, MIN_DIFFICULTY, PARAMETER_BOUNDS, Parameters, STABILITY_MIN,
};
pub use queue::{
    AnsweredQuestion, DueQueue, MAX_FORECAST_DAYS, MAX_NEW_CARDS, QueueOptions, QueueOrder,
    cards_from_mistakes, due_queue, forecast, new_cards, reschedule,
};
#[cfg(feature = "sqlite")]
pub(crate) use queue::{by_decay_rank, check_forecast_days, decay_rank};
pub use rating::{Rating, State};
pub use shaping::{DueLoad, EasyDays, fuzz_factor, fuzz_range};
pub use simulate::{
    DaySummary, MAX_SIMULATION_CARDS, MAX_SIMULATION_DAYS, SimulationConfig, SimulationReport,
    simulate, simulate_observed,
};
pub use sm2::{AnkiSm2, AnkiSm2Options, Sm2, Sm2Options};

use crate::{Error, Result, Timestamp};

/// What a review is computed against besides the card and the rating: the
/// time, and the due-count histogram load balancing reads. A scheduler's
/// settings are its own; this is what changes from review to review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewContext<'a> {
    /// When the review happens.
    pub now: Timestamp,
    /// Cards already due on each coming day, for load balancing (used only
    /// when the scheduler's `load_balancing` is on).
    pub load: Option<&'a DueLoad>,
}

impl ReviewContext<'_> {
    /// A review at `now` with no due load.
    pub fn at(now: impl Into<Timestamp>) -> Self {
        ReviewContext {
            now: now.into(),
            load: None,
        }
    }
}

/// What every scheduler offers: review a card, preview all four answers,
/// review many at once.
///
/// A scheduler implements one method, [`Scheduler::next`]; everything else
/// is built on it. Times are a `DateTime<Utc>` or a [`Timestamp`] (a card's
/// `due`, say). Through `dyn Scheduler`, review with [`Scheduler::review_in`]. A review never changes its input card: it returns the new
/// card and a log entry, or an error and nothing.
pub trait Scheduler: Sync {
    /// The scheduler's rule: what reviewing `card` with `rating` changes,
    /// in `context`. Fails, changing nothing, if the card cannot be reviewed
    /// then (an inconsistent card, a review before its last one).
    fn next(&self, card: &Card, rating: Rating, context: &ReviewContext<'_>) -> Result<CardUpdate>;

    /// Whether [`Scheduler::next`] succeeds, without needing its result:
    /// what a batch checks of every card before it writes any. By default
    /// it computes the review; a scheduler whose failures all come before
    /// its arithmetic overrides it with that part.
    fn check(&self, card: &Card, rating: Rating, context: &ReviewContext<'_>) -> Result<()> {
        self.next(card, rating, context).map(drop)
    }

    /// Review `card` with `rating` in `context` (its time and due load).
    fn review_in(
        &self,
        card: &Card,
        rating: Rating,
        context: &ReviewContext<'_>,
    ) -> Result<ReviewOutcome> {
        Ok(self.next(card, rating, context)?.outcome(card, rating))
    }

    /// Review `card` with `rating` at `now` (a `DateTime<Utc>` or a
    /// [`Timestamp`]).
    fn review(
        &self,
        card: &Card,
        rating: Rating,
        now: impl Into<Timestamp>,
    ) -> Result<ReviewOutcome>
    where
        Self: Sized,
    {
        self.review_in(card, rating, &ReviewContext::at(now))
    }

    /// The outcome of each of the four ratings in `context`, without
    /// committing to any.
    fn preview_in(&self, card: &Card, context: &ReviewContext<'_>) -> Result<Preview> {
        Ok(Preview {
            again: self.review_in(card, Rating::Again, context)?,
            hard: self.review_in(card, Rating::Hard, context)?,
            good: self.review_in(card, Rating::Good, context)?,
            easy: self.review_in(card, Rating::Easy, context)?,
        })
    }

    /// The outcome of each of the four ratings at `now`, without committing
    /// to any.
    fn preview(&self, card: &Card, now: impl Into<Timestamp>) -> Result<Preview>
    where
        Self: Sized,
    {
        self.preview_in(card, &ReviewContext::at(now))
    }

    /// Review many cards at once, `ratings[i]` for `cards[i]`, all at `now`.
    ///
    /// All or nothing: if any card fails, the error names the first failing
    /// one ([`crate::Error::InBatch`]) and no result is returned.
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
        now: impl Into<Timestamp>,
    ) -> Result<Vec<ReviewOutcome>>
    where
        Self: Sized,
    {
        check_batch_len(cards.len(), ratings.len())?;
        let context = ReviewContext::at(now);
        crate::parallel::try_map(cards, ratings, |card, &rating| {
            self.review_in(card, rating, &context)
        })
    }

    /// Review many cards where they lie: `cards[i]` becomes the card after
    /// `ratings[i]` at `now`. The fast path for large batches: no card is
    /// copied, and large batches are spread over the cores.
    ///
    /// All or nothing: every card is checked ([`Scheduler::check`]) before
    /// any is written; on error ([`crate::Error::InBatch`] naming the first
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
        now: impl Into<Timestamp>,
    ) -> Result<()>
    where
        Self: Sized,
    {
        check_batch_len(cards.len(), ratings.len())?;
        let context = ReviewContext::at(now);
        crate::parallel::try_for_each(cards, ratings, |card, &rating| {
            self.check(card, rating, &context)
        })?;
        crate::parallel::try_update(cards, ratings, |card, &rating| {
            self.next(card, rating, &context)
                .map(|update| update.apply(card))
        })
    }
}

/// The error for a batch whose ratings do not match its cards one to one.
pub(crate) fn check_batch_len(cards: usize, ratings: usize) -> Result<()> {
    if cards == ratings {
        Ok(())
    } else {
        Err(Error::invalid(
            "ratings",
            format!("{ratings} ratings for {cards} cards"),
        ))
    }
}
