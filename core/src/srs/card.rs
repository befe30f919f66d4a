use super::params::{MAX_DIFFICULTY, MIN_DIFFICULTY};
use super::{Rating, State};
use crate::{Error, Result};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// The FSRS memory model of one card: how long it is remembered and how hard it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemoryState {
    /// Days until the probability of recall falls to 90 %. Always > 0.
    pub stability: f64,
    /// Intrinsic difficulty, from 1 (easiest) to 10 (hardest).
    pub difficulty: f64,
}

impl MemoryState {
    /// Check that the state is usable: finite, stability > 0, difficulty in 1..=10.
    ///
    /// `field` prefixes the field path in the error (`card.memory`).
    #[inline]
    pub fn validate(&self, field: &str) -> Result<()> {
        // The common case in four comparisons; the error is built apart.
        if self.is_valid() {
            return Ok(());
        }
        self.invalid(field)
    }

    /// What [`MemoryState::validate`] checks, as a flag. NaN fails every
    /// comparison, so no separate finiteness test is needed.
    #[inline]
    pub(crate) fn is_valid(&self) -> bool {
        self.stability > 0.0
            && self.stability < f64::INFINITY
            && (MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&self.difficulty)
    }

    #[cold]
    #[inline(never)]
    fn invalid(&self, field: &str) -> Result<()> {
        if !self.stability.is_finite() || self.stability <= 0.0 {
            return Err(Error::invalid(
                format!("{field}.stability"),
                format!("{} is not a positive finite number", self.stability),
            ));
        }
        if !self.difficulty.is_finite()
            || !(MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&self.difficulty)
        {
            return Err(Error::invalid(
                format!("{field}.difficulty"),
                format!(
                    "{} is outside [{MIN_DIFFICULTY}, {MAX_DIFFICULTY}]",
                    self.difficulty
                ),
            ));
        }
        Ok(())
    }
}

/// SM-2 scheduling state, kept on cards scheduled by [`super::Sm2`] or
/// [`super::AnkiSm2`] (and read by [`super::Fsrs`] to migrate such cards).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sm2State {
    /// The ease factor (E-Factor), 1.3 or more; 2.5 for a new card.
    pub ease_factor: f64,
    /// Successful reviews in a row since the last lapse (SuperMemo's `n`).
    pub streak: u32,
}

/// A reviewable item and its scheduling state.
///
/// Cards are plain values: schedulers take a `&Card` and return a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The host's identifier of the card (also seeds its fuzz).
    pub id: String,
    /// Where the card is in its life.
    pub state: State,
    /// Index of the current learning or relearning step; `None` outside them.
    pub step: Option<u32>,
    /// When the card is next due.
    #[serde(with = "crate::json::utc")]
    pub due: DateTime<Utc>,
    /// FSRS memory state; `None` until the first FSRS review.
    pub memory: Option<MemoryState>,
    /// SM-2 state; `None` unless an SM-2 scheduler has reviewed the card.
    #[serde(default)]
    pub sm2: Option<Sm2State>,
    /// When the card was last reviewed.
    #[serde(with = "crate::json::utc::option")]
    pub last_review: Option<DateTime<Utc>>,
    /// The last interval scheduled, in whole days (0 for a step within the day).
    pub scheduled_days: u32,
    /// Number of reviews.
    pub reps: u32,
    /// Number of times the card was forgotten after reaching review.
    pub lapses: u32,
}

impl Card {
    /// A new card, due at `created_at`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::{Card, State};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let card = Card::new("card-1", now);
    /// assert_eq!(card.state, State::New);
    /// assert_eq!(card.due, now);
    /// ```
    pub fn new(id: impl Into<String>, created_at: DateTime<Utc>) -> Self {
        Card {
            id: id.into(),
            state: State::New,
            step: None,
            due: created_at,
            memory: None,
            sm2: None,
            last_review: None,
            scheduled_days: 0,
            reps: 0,
            lapses: 0,
        }
    }

    /// Check the card's own consistency before a scheduler uses it.
    #[inline]
    pub(crate) fn validate(&self) -> Result<()> {
        let memory_ok = self
            .memory
            .is_none_or(|m| m.validate("card.memory").is_ok());
        let sm2_ok = self
            .sm2
            .is_none_or(|sm2| sm2.ease_factor.is_finite() && sm2.ease_factor >= 1.0);
        if memory_ok && sm2_ok && (self.state == State::New || self.last_review.is_some()) {
            return Ok(());
        }
        self.invalid()
    }

    /// The error [`Card::validate`] reports, built away from its fast path.
    #[cold]
    #[inline(never)]
    fn invalid(&self) -> Result<()> {
        if let Some(memory) = &self.memory {
            memory.validate("card.memory")?;
        }
        if let Some(sm2) = &self.sm2
            && (!sm2.ease_factor.is_finite() || sm2.ease_factor < 1.0)
        {
            return Err(Error::invalid(
                "card.sm2.ease_factor",
                format!("{} is not a finite number >= 1", sm2.ease_factor),
            ));
        }
        if self.state != State::New && self.last_review.is_none() {
            return Err(Error::invalid(
                "card.last_review",
                format!("a card in state {} must have a last review", self.state),
            ));
        }
        Ok(())
    }

    /// Whether an FSRS review of this card at or after its last review
    /// cannot fail: the card is consistent ([`Card::validate`]) and either
    /// has an FSRS memory state or needs none yet (new, or learning without
    /// an SM-2 state to derive one from). What [`super::CardBatch`] counts.
    #[inline]
    pub(crate) fn batch_ready(&self) -> bool {
        let needs_no_memory =
            self.state == State::New || (self.state == State::Learning && self.sm2.is_none());
        (self.memory.is_some() || needs_no_memory) && self.validate().is_ok()
    }

    /// Whole days since the last review at `now` (0 for a new card).
    ///
    /// Errors if `now` is before the last review.
    pub(crate) fn elapsed_days(&self, now: &ReviewTime) -> Result<Option<i64>> {
        self.check_not_before_last_review(now.at())?;
        Ok(self
            .last_review
            .map(|last_review| now.whole_days_since(last_review)))
    }

    /// The error of [`Card::elapsed_days`], without counting the days.
    pub(crate) fn check_not_before_last_review(&self, now: DateTime<Utc>) -> Result<()> {
        match self.last_review {
            Some(last_review) if now < last_review => {
                Err(Error::ReviewBeforeLastReview { now, last_review })
            }
            _ => Ok(()),
        }
    }
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Unix timestamps of instants, remembering the timestamp of the last date
/// asked for. chrono's `timestamp()` counts a date's days through the
/// 400-year calendar cycle each time; the cards of a batch were last
/// reviewed on a few dates, and cards reviewed together usually lie
/// together.
#[derive(Debug, Default)]
pub(crate) struct Timestamps {
    last_date: Option<(NaiveDate, i64)>,
}

impl Timestamps {
    /// `at.timestamp()`.
    #[inline]
    pub(crate) fn of(&mut self, at: DateTime<Utc>) -> i64 {
        let naive = at.naive_utc();
        let date = naive.date();
        let midnight = match self.last_date {
            Some((last, seconds)) if last == date => seconds,
            _ => {
                let seconds = date.and_time(NaiveTime::MIN).and_utc().timestamp();
                self.last_date = Some((date, seconds));
                seconds
            }
        };
        midnight + i64::from(naive.time().num_seconds_from_midnight())
    }
}

/// An instant with the parts a review computes from it taken apart once: a
/// batch reviews every card at the same `now`, and chrono's conversions
/// (`timestamp()` walks the 400-year calendar cycle) cost about as much per
/// card as the memory model's arithmetic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewTime {
    at: DateTime<Utc>,
    date: NaiveDate,
    time: NaiveTime,
    seconds: i64,
    nanos: u32,
}

impl ReviewTime {
    pub(crate) fn new(at: DateTime<Utc>) -> Self {
        let naive = at.naive_utc();
        ReviewTime {
            at,
            date: naive.date(),
            time: naive.time(),
            seconds: at.timestamp(),
            nanos: at.timestamp_subsec_nanos(),
        }
    }

    /// The instant itself.
    pub(crate) fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Whole days from `earlier` to this instant, rounded toward zero: what
    /// `(self - earlier).num_days()` gives, from the two timestamps' integer
    /// parts (about a sixth of the cost of chrono's date subtraction).
    /// Leap-second instants, whose nanosecond field exceeds a second, take
    /// chrono's path.
    pub(crate) fn whole_days_since(&self, earlier: DateTime<Utc>) -> i64 {
        self.whole_days_since_at(earlier, earlier.timestamp())
    }

    /// [`ReviewTime::whole_days_since`], with the timestamp of `earlier`
    /// taken from `timestamps`.
    #[inline]
    pub(crate) fn whole_days_since_in(
        &self,
        earlier: DateTime<Utc>,
        timestamps: &mut Timestamps,
    ) -> i64 {
        self.whole_days_since_at(earlier, timestamps.of(earlier))
    }

    /// [`ReviewTime::whole_days_since`] for an `earlier` whose timestamp is
    /// `earlier_seconds`.
    #[inline]
    fn whole_days_since_at(&self, earlier: DateTime<Utc>, earlier_seconds: i64) -> i64 {
        let (a, b) = (earlier.timestamp_subsec_nanos(), self.nanos);
        if a >= NANOS_PER_SECOND || b >= NANOS_PER_SECOND {
            return (self.at - earlier).num_days();
        }
        let mut seconds = self.seconds - earlier_seconds;
        // Borrow a second when the fractional parts say the span is shorter,
        // then truncate toward zero, as a duration's whole days do.
        if seconds > 0 && b < a {
            seconds -= 1;
        } else if seconds < 0 && b > a {
            seconds += 1;
        }
        seconds / 86_400
    }

    /// This instant plus `delay`, or an error naming `now` if the date would
    /// leave chrono's range (about 262,000 years either side of year 0).
    /// Computed on the timestamp (a quarter of the cost of
    /// `checked_add_signed`, with the same result); leap-second instants
    /// take chrono's path.
    pub(crate) fn after(&self, delay: TimeDelta) -> Result<DateTime<Utc>> {
        if self.nanos >= NANOS_PER_SECOND {
            return self
                .at
                .checked_add_signed(delay)
                .ok_or_else(|| self.out_of_range(delay));
        }
        let total_nanos = i64::from(self.nanos) + i64::from(delay.subsec_nanos());
        self.seconds
            .checked_add(delay.num_seconds())
            .and_then(|s| s.checked_add(total_nanos.div_euclid(i64::from(NANOS_PER_SECOND))))
            .and_then(|seconds| {
                let nanos = total_nanos.rem_euclid(i64::from(NANOS_PER_SECOND)) as u32;
                DateTime::from_timestamp(seconds, nanos)
            })
            .ok_or_else(|| self.out_of_range(delay))
    }

    /// This instant plus whole days: the same date arithmetic as
    /// [`ReviewTime::after`], but a change of day within the year only
    /// moves the day of the year (chrono's shortcut), which is what a
    /// review interval almost always is.
    pub(crate) fn after_days(&self, days: u32) -> Result<DateTime<Utc>> {
        if self.nanos >= NANOS_PER_SECOND {
            return self.after(TimeDelta::days(i64::from(days)));
        }
        self.date
            .checked_add_days(Days::new(u64::from(days)))
            .map(|date| date.and_time(self.time).and_utc())
            .ok_or_else(|| self.out_of_range(TimeDelta::days(i64::from(days))))
    }

    #[cold]
    fn out_of_range(&self, delay: TimeDelta) -> Error {
        Error::invalid(
            "now",
            format!(
                "{} plus {delay} is outside the representable dates",
                self.at
            ),
        )
    }
}

/// Whole days from `earlier` to `later`, rounded toward zero (see
/// [`ReviewTime::whole_days_since`]).
pub(crate) fn whole_days_between(earlier: DateTime<Utc>, later: DateTime<Utc>) -> i64 {
    ReviewTime::new(later).whole_days_since(earlier)
}

/// The record of one review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLog {
    /// The reviewed card.
    pub card_id: String,
    /// The answer given.
    pub rating: Rating,
    /// The card's state before the review.
    pub state: State,
    /// When the review happened.
    #[serde(with = "crate::json::utc")]
    pub reviewed_at: DateTime<Utc>,
    /// Whole days since the previous review (0 for the first).
    pub elapsed_days: u32,
    /// The interval the review scheduled, in whole days (0 within the day).
    pub scheduled_days: u32,
    /// How long the answer took, in milliseconds, if the host measured it.
    #[serde(default)]
    pub duration_ms: Option<u32>,
}

/// A reviewed card together with its log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// The card after the review.
    pub card: Card,
    /// What happened.
    pub log: ReviewLog,
}

/// The outcome of each of the four ratings (see [`super::Scheduler::preview`]).
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeDelta};
    use proptest::prelude::*;

    /// An instant from its timestamp parts; `leap` puts it on a leap second
    /// (23:59:60.x of its day), which only chrono's own path handles.
    fn instant(seconds: i64, nanos: u32, leap: bool) -> DateTime<Utc> {
        let t = DateTime::from_timestamp(seconds, nanos).unwrap();
        if !leap {
            return t;
        }
        let day: NaiveDate = t.date_naive();
        day.and_hms_nano_opt(23, 59, 59, NANOS_PER_SECOND + nanos)
            .unwrap()
            .and_utc()
    }

    proptest! {
        /// The integer shortcuts give exactly chrono's answers, across
        /// fractions, signs, leap seconds and most of chrono's range.
        #[test]
        fn timestamp_arithmetic_matches_chrono(
            a in -8_000_000_000_000i64..8_000_000_000_000,
            b in -8_000_000_000_000i64..8_000_000_000_000,
            a_nanos in 0u32..NANOS_PER_SECOND,
            b_nanos in 0u32..NANOS_PER_SECOND,
            a_leap in proptest::bool::weighted(0.1),
            b_leap in proptest::bool::weighted(0.1),
            delay_ns in any::<i64>(),
            delay_days in -4_000_000i64..4_000_000,
        ) {
            let (x, y) = (instant(a, a_nanos, a_leap), instant(b, b_nanos, b_leap));
            prop_assert_eq!(whole_days_between(x, y), (y - x).num_days());
            // With the timestamp of a date remembered: another instant of
            // the same date, then other dates, each asked twice.
            let mut timestamps = Timestamps::default();
            let same_date = x.date_naive().and_time(NaiveTime::MIN).and_utc();
            prop_assert_eq!(timestamps.of(same_date), same_date.timestamp());
            for _ in 0..2 {
                let since = ReviewTime::new(y).whole_days_since_in(x, &mut timestamps);
                prop_assert_eq!(since, (y - x).num_days());
                prop_assert_eq!(timestamps.of(y), y.timestamp());
            }
            for delay in [TimeDelta::nanoseconds(delay_ns), TimeDelta::days(delay_days)] {
                prop_assert_eq!(ReviewTime::new(x).after(delay).ok(), x.checked_add_signed(delay));
            }
            let days = delay_days.unsigned_abs() as u32;
            prop_assert_eq!(
                ReviewTime::new(x).after_days(days).ok(),
                x.checked_add_signed(TimeDelta::days(i64::from(days)))
            );
        }
    }

    #[test]
    fn dates_outside_the_range_are_an_error_naming_now() {
        let end = DateTime::<Utc>::MAX_UTC;
        let e = ReviewTime::new(end)
            .after(TimeDelta::seconds(1))
            .unwrap_err();
        assert_eq!(e.field(), "now");
        assert!(
            ReviewTime::new(DateTime::<Utc>::MIN_UTC)
                .after(TimeDelta::seconds(-1))
                .is_err()
        );
        assert_eq!(
            ReviewTime::new(end - TimeDelta::days(1))
                .after(TimeDelta::days(1))
                .unwrap(),
            end
        );
        let last_day = ReviewTime::new(end - TimeDelta::days(1));
        assert_eq!(last_day.after_days(1).unwrap(), end);
        assert_eq!(last_day.after_days(2).unwrap_err().field(), "now");
    }
}
