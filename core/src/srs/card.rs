//! Cards, their memory and SM-2 states, review logs, and what a review
//! changes on a card ([`CardUpdate`]).

use super::params::{MAX_DIFFICULTY, MIN_DIFFICULTY};
use super::{Rating, State};
use crate::{Error, Result, Timestamp};
use serde::{Deserialize, Serialize};

/// The FSRS memory model of one card: how long it is remembered and how hard it is.
/// Decoded from an object only (`{"stability": .., "difficulty": ..}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
// Derived as inherent functions, wrapped by `checked_on_entry!` below.
#[serde(remote = "Self")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MemoryState {
    /// Days until the probability of recall falls to 90 %. Always > 0.
    pub stability: f64,
    /// Intrinsic difficulty, from 1 (easiest) to 10 (hardest).
    pub difficulty: f64,
}

impl MemoryState {
    /// Check that the state is usable: finite, stability > 0, difficulty in
    /// 1..=10. `field` prefixes the field path in the error (`card.memory`).
    ///
    /// ```
    /// use learnloop::srs::MemoryState;
    /// let bad = MemoryState { stability: -1.0, difficulty: 5.0 };
    /// assert_eq!(bad.validate("memory").unwrap_err().field(), "memory.stability");
    /// ```
    #[inline]
    pub fn validate(&self, field: &str) -> Result<()> {
        // NaN fails every comparison, so these tests reject it too.
        if self.stability > 0.0
            && self.stability < f64::INFINITY
            && (MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&self.difficulty)
        {
            return Ok(());
        }
        self.invalid(field)
    }

    /// The error of [`MemoryState::validate`], built away from its fast path.
    #[cold]
    #[inline(never)]
    fn invalid(&self, field: &str) -> Result<()> {
        if !(self.stability > 0.0 && self.stability < f64::INFINITY) {
            return Err(Error::invalid(
                format!("{field}.stability"),
                format!("{} is not a positive finite number", self.stability),
            ));
        }
        Err(Error::invalid(
            format!("{field}.difficulty"),
            format!(
                "{} is outside [{MIN_DIFFICULTY}, {MAX_DIFFICULTY}]",
                self.difficulty
            ),
        ))
    }
}

/// SM-2 scheduling state, kept on cards scheduled by [`super::Sm2`] or
/// [`super::AnkiSm2`] (and read by [`super::Fsrs`] to migrate such cards).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sm2State {
    /// The ease factor (E-Factor), 1.3 or more; 2.5 for a new card.
    pub ease_factor: f64,
    /// Successful reviews in a row since the last lapse (SuperMemo's `n`).
    pub streak: u32,
}

/// A reviewable item and its scheduling state.
///
/// Cards are plain values: schedulers take a `&Card` and return what
/// changes. Times are [`Timestamp`]s, which compare with and convert to
/// `DateTime<Utc>`.
///
/// A card is checked ([`Card::check`]) wherever it enters: deserializing
/// one (JSON, a Python dict, a JavaScript object, a stored row or an
/// import) refuses an inconsistent card with an error naming the field, and
/// the store refuses to write one. The fields stay public, so a card built
/// by hand in Rust is checked again by the scheduler that reviews it.
///
/// ```
/// use learnloop::srs::Card;
/// let err = learnloop::json::from_json::<Card>(
///     r#"{"id":"c","state":"review","step":null,"due":"2026-01-05T09:00:00Z",
///         "memory":null,"last_review":"2026-01-01T09:00:00Z",
///         "scheduled_days":4,"reps":1,"lapses":0}"#,
/// ).unwrap_err();
/// assert_eq!(err.field(), "memory");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Derived as inherent functions, wrapped by `checked_on_entry!` below.
#[serde(remote = "Self")]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Card {
    /// The host's identifier of the card (also seeds its fuzz).
    pub id: String,
    /// Where the card is in its life.
    pub state: State,
    /// Index of the current learning or relearning step; `None` outside them.
    pub step: Option<u32>,
    /// When the card is next due.
    pub due: Timestamp,
    /// FSRS memory state; `None` until the first FSRS review.
    pub memory: Option<MemoryState>,
    /// SM-2 state; `None` unless an SM-2 scheduler has reviewed the card.
    #[serde(default)]
    pub sm2: Option<Sm2State>,
    /// When the card was last reviewed.
    pub last_review: Option<Timestamp>,
    /// The last interval scheduled, in whole days (0 for a step within the day).
    pub scheduled_days: u32,
    /// Number of reviews.
    pub reps: u32,
    /// Number of times the card was forgotten after reaching review.
    pub lapses: u32,
}

impl Card {
    /// A new card, due at `created_at` (a `DateTime<Utc>` or a [`Timestamp`]).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::{Card, State};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let card = Card::new("card-1", now);
    /// assert_eq!(card.state, State::New);
    /// assert_eq!(card.due, now);
    /// ```
    pub fn new(id: impl Into<String>, created_at: impl Into<Timestamp>) -> Self {
        Card {
            id: id.into(),
            state: State::New,
            step: None,
            due: created_at.into(),
            memory: None,
            sm2: None,
            last_review: None,
            scheduled_days: 0,
            reps: 0,
            lapses: 0,
        }
    }

    /// The card's own consistency, checked wherever a card enters (see
    /// [`Card`]) and by every scheduler before it reviews one: an id that
    /// is not empty and has no NUL, a valid memory state, an SM-2 ease factor of at least 1, a last review for
    /// every card that is not new and no later than its due date, and a
    /// memory or SM-2 state for a card in review or relearning. Fields are
    /// named from the card (`memory.stability`); a scheduler names them
    /// from its argument (`card.memory.stability`).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::{Card, State};
    /// let mut card = Card::new("c", Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
    /// card.state = State::Review;
    /// assert_eq!(card.check().unwrap_err().field(), "last_review");
    /// ```
    #[inline]
    pub fn check(&self) -> Result<()> {
        crate::error::check_id("id", &self.id)?;
        if let Some(memory) = &self.memory {
            memory.validate("memory")?;
        }
        if let Some(sm2) = &self.sm2
            && !(sm2.ease_factor >= 1.0 && sm2.ease_factor < f64::INFINITY)
        {
            return Err(Error::invalid(
                "sm2.ease_factor",
                format!("{} is not a finite number >= 1", sm2.ease_factor),
            ));
        }
        match self.last_review {
            None if self.state != State::New => Err(Error::invalid(
                "last_review",
                format!("a card in state {} must have a last review", self.state),
            )),
            Some(last_review) if last_review > self.due => Err(Error::invalid(
                "due",
                format!("{} is before the last review {last_review}", self.due),
            )),
            _ if self.memory.is_none()
                && self.sm2.is_none()
                && matches!(self.state, State::Review | State::Relearning) =>
            {
                Err(Error::invalid(
                    "memory",
                    format!(
                        "a card in state {} needs a memory state (or an SM-2 state)",
                        self.state
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// [`Card::check`] on a scheduler's argument `card`.
    #[inline]
    pub(crate) fn check_argument(&self) -> Result<()> {
        self.check().map_err(|e| e.within("card"))
    }

    /// Whole days since the last review at `now` (`None` for a card never
    /// reviewed); an error if `now` is before the last review.
    #[inline]
    pub(crate) fn elapsed_days(&self, now: Timestamp) -> Result<Option<i64>> {
        match self.last_review {
            Some(last_review) if now < last_review => Err(out_of_order(now, last_review)),
            last => Ok(last.map(|last| now.whole_days_since(last))),
        }
    }
}

crate::json::checked_on_entry!(MemoryState);
crate::json::checked_on_entry!(Card, Card::check);

#[cold]
fn out_of_order(now: Timestamp, last_review: Timestamp) -> Error {
    Error::ReviewBeforeLastReview {
        now: now.to_datetime(),
        last_review: last_review.to_datetime(),
    }
}

/// What a review changes on a card: everything but its id. The one result
/// of every scheduler ([`super::Scheduler::next`]); a batch writes it into
/// its card in place, a single review into a copy with its log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardUpdate {
    /// The new state.
    pub state: State,
    /// The new (re)learning step.
    pub step: Option<u32>,
    /// The new due date.
    pub due: Timestamp,
    /// The new FSRS memory state.
    pub memory: Option<MemoryState>,
    /// The new SM-2 state.
    pub sm2: Option<Sm2State>,
    /// The time of this review.
    pub last_review: Timestamp,
    /// The card's interval in whole days (0 within the day). During
    /// relearning, Anki's SM-2 keeps the post-lapse interval here.
    pub scheduled_days: u32,
    /// The delay this review scheduled, in whole days (0 within the day),
    /// as the log records it.
    pub logged_days: u32,
    /// Reviews, this one included.
    pub reps: u32,
    /// Lapses, this one included.
    pub lapses: u32,
    /// Whole days since the previous review (0 for the first), for the log.
    pub elapsed_days: u32,
}

impl CardUpdate {
    /// Write the update into `card`.
    pub fn apply(&self, card: &mut Card) {
        card.state = self.state;
        card.step = self.step;
        card.due = self.due;
        card.memory = self.memory;
        card.sm2 = self.sm2;
        card.last_review = Some(self.last_review);
        card.scheduled_days = self.scheduled_days;
        card.reps = self.reps;
        card.lapses = self.lapses;
    }

    /// The reviewed copy of `card` (rated `rating`) and its log.
    pub fn outcome(&self, card: &Card, rating: Rating) -> ReviewOutcome {
        let mut reviewed = card.clone();
        self.apply(&mut reviewed);
        ReviewOutcome {
            log: ReviewLog {
                card_id: card.id.clone(),
                rating,
                state: card.state,
                reviewed_at: self.last_review,
                elapsed_days: self.elapsed_days,
                scheduled_days: self.logged_days,
                duration_ms: None,
            },
            card: reviewed,
        }
    }
}

/// The record of one review.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLog {
    /// The reviewed card.
    pub card_id: String,
    /// The answer given.
    pub rating: Rating,
    /// The card's state before the review.
    pub state: State,
    /// When the review happened.
    pub reviewed_at: Timestamp,
    /// Whole days since the previous review (0 for the first).
    pub elapsed_days: u32,
    /// The interval the review scheduled, in whole days (0 within the day).
    pub scheduled_days: u32,
    /// How long the answer took, in milliseconds, if the host measured it.
    #[serde(default)]
    pub duration_ms: Option<u32>,
}

/// A reviewed card together with its log entry.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// The card after the review.
    pub card: Card,
    /// What happened.
    pub log: ReviewLog,
}

/// The outcome of each of the four ratings (see [`super::Scheduler::preview`]).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// After Again.
    pub again: ReviewOutcome,
    /// After Hard.
    pub hard: ReviewOutcome,
    /// After Good.
    pub good: ReviewOutcome,
    /// After Easy.
    pub easy: ReviewOutcome,
}

impl Preview {
    /// The outcome for one rating.
    pub fn get(&self, rating: Rating) -> &ReviewOutcome {
        match rating {
            Rating::Again => &self.again,
            Rating::Hard => &self.hard,
            Rating::Good => &self.good,
            Rating::Easy => &self.easy,
        }
    }
}
