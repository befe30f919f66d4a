//! SM-2: SuperMemo's original algorithm and Anki's four-button variant.

use super::card::{Card, CardUpdate, ReviewOutcome, Sm2State};
use super::params::DEFAULT_MAXIMUM_INTERVAL;
use super::shaping::{EasyDays, IntervalShaping};
use super::steps::{StepMove, check_steps, next_step};
use super::{Rating, ReviewContext, Scheduler, State};
use crate::{Error, Result, Timestamp};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// The smallest ease factor SM-2 allows.
const MIN_EASE: f64 = 1.3;
/// The ease factor of a new card.
const INITIAL_EASE: f64 = 2.5;
/// SM-2's first two intervals after a correct answer, in days.
const FIRST_INTERVALS: [f64; 2] = [1.0, 6.0];
/// The lowest quality that counts as recalled.
const PASSING_QUALITY: u8 = 3;
/// Anki's ease changes: Again, Hard and Easy on a review card.
const EASE_AGAIN: f64 = -0.2;
const EASE_HARD: f64 = -0.15;
const EASE_EASY: f64 = 0.15;

/// Settings of [`Sm2`], each with its documented default; in serialized
/// form every field may be omitted.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sm2Options {
    /// The longest interval, in days, at least 1 (36,500).
    pub maximum_interval: u32,
    /// Spread intervals over Anki's fuzz range (false).
    pub enable_fuzzing: bool,
    /// Pick the least-loaded day of the fuzz range when a due load is given (false).
    pub load_balancing: bool,
    /// Relative capacity of each weekday, Monday first (none).
    pub easy_days: Option<EasyDays>,
}

impl Default for Sm2Options {
    fn default() -> Self {
        Sm2Options {
            maximum_interval: DEFAULT_MAXIMUM_INTERVAL,
            enable_fuzzing: false,
            load_balancing: false,
            easy_days: None,
        }
    }
}

/// SuperMemo SM-2 as published by P. Wozniak (1990, "Optimization of
/// learning", the SM-2 description): quality 0-5, E-Factor floor 1.3,
/// intervals 1 and 6 days, then the previous interval times the E-Factor,
/// rounded up.
///
/// Details fixed here where the description leaves room: the interval uses
/// the E-Factor from before this answer (the commonly published order); a
/// quality below 3 restarts the repetitions at 1 day without resetting the
/// E-Factor, which is still updated by the formula; the optional same-day
/// repetition of answers below 4 is left to the host.
///
/// Through the [`Scheduler`] trait the four ratings map to qualities
/// Again = 2, Hard = 3, Good = 4, Easy = 5; [`Sm2::review_quality`] takes any
/// quality 0-5.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::srs::{Card, Sm2};
/// let sm2 = Sm2::default();
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut card = Card::new("q1", now);
/// let mut intervals = vec![];
/// for _ in 0..4 {
///     let out = sm2.review_quality(&card, 5, card.due)?;
///     intervals.push(out.log.scheduled_days);
///     card = out.card;
/// }
/// // EF rises 2.5 -> 2.6 -> 2.7 -> 2.8; 6 x 2.7 = 16.2 -> 17; 17 x 2.8 = 47.6 -> 48
/// assert_eq!(intervals, vec![1, 6, 17, 48]);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sm2 {
    options: Sm2Options,
    shaping: IntervalShaping,
}

impl Default for Sm2 {
    fn default() -> Self {
        Sm2::new(Sm2Options::default())
            .unwrap_or_else(|e| unreachable!("the default options are valid: {e}"))
    }
}

impl Sm2 {
    /// A scheduler with these settings, after checking them.
    pub fn new(options: Sm2Options) -> Result<Self> {
        let shaping = IntervalShaping::new(
            options.maximum_interval,
            options.enable_fuzzing,
            options.load_balancing,
            options.easy_days,
        )?;
        Ok(Sm2 { options, shaping })
    }

    /// The settings.
    pub fn options(&self) -> &Sm2Options {
        &self.options
    }

    /// The SM-2 quality a rating stands for through the [`Scheduler`] trait.
    pub const fn quality_of(rating: Rating) -> u8 {
        match rating {
            Rating::Again => 2,
            Rating::Hard => 3,
            Rating::Good => 4,
            Rating::Easy => 5,
        }
    }

    /// The rating a quality is logged as: 0-2 Again, 3 Hard, 4 Good, 5 Easy.
    const fn rating_of(quality: u8) -> Rating {
        match quality {
            0..=2 => Rating::Again,
            3 => Rating::Hard,
            4 => Rating::Good,
            _ => Rating::Easy,
        }
    }

    /// Review with an SM-2 quality from 0 (blackout) to 5 (perfect).
    pub fn review_quality(
        &self,
        card: &Card,
        quality: u8,
        now: impl Into<Timestamp>,
    ) -> Result<ReviewOutcome> {
        let update = self.next_of_quality(card, quality, &ReviewContext::at(now))?;
        Ok(update.outcome(card, Sm2::rating_of(quality)))
    }

    fn next_of_quality(
        &self,
        card: &Card,
        quality: u8,
        context: &ReviewContext<'_>,
    ) -> Result<CardUpdate> {
        if quality > 5 {
            return Err(Error::invalid(
                "quality",
                format!("{quality} is outside 0..=5"),
            ));
        }
        card.check_argument()?;
        let elapsed = card.elapsed_days(context.now)?;
        let prior = card.sm2.unwrap_or(Sm2State {
            ease_factor: INITIAL_EASE,
            streak: 0,
        });
        let q = f64::from(quality);
        let (interval, streak) = if quality >= PASSING_QUALITY {
            let interval = match prior.streak {
                0 => FIRST_INTERVALS[0],
                1 => FIRST_INTERVALS[1],
                _ => (f64::from(card.scheduled_days.max(1)) * prior.ease_factor).ceil(),
            };
            (interval, prior.streak + 1)
        } else {
            (FIRST_INTERVALS[0], 0)
        };
        let ease_factor =
            (prior.ease_factor + (0.1 - (5.0 - q) * (0.08 + (5.0 - q) * 0.02))).max(MIN_EASE);
        let days = interval.min(f64::from(self.options.maximum_interval)) as u32;
        let days = self.shaping.apply(days, &card.id, card.reps + 1, context);
        let lapsed = quality < PASSING_QUALITY && card.state == State::Review;
        let sm2 = Sm2State {
            ease_factor,
            streak,
        };
        let to = Transition::review(days, sm2);
        to.update(card, context.now, elapsed, lapsed)
    }
}

impl Scheduler for Sm2 {
    fn next(&self, card: &Card, rating: Rating, context: &ReviewContext<'_>) -> Result<CardUpdate> {
        self.next_of_quality(card, Sm2::quality_of(rating), context)
    }
}

/// Settings of [`AnkiSm2`], with Anki's defaults; in serialized form every
/// field may be omitted, and steps are whole seconds.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnkiSm2Options {
    /// Steps for new cards (1 and 10 minutes).
    #[cfg_attr(feature = "tsify", tsify(type = "number[]"))]
    #[serde(with = "crate::json::seconds")]
    pub learning_steps: Vec<TimeDelta>,
    /// Steps after a lapse (10 minutes).
    #[cfg_attr(feature = "tsify", tsify(type = "number[]"))]
    #[serde(with = "crate::json::seconds")]
    pub relearning_steps: Vec<TimeDelta>,
    /// First interval after the last learning step, in days (1).
    pub graduating_interval: u32,
    /// First interval when a new card is answered Easy, in days (4).
    pub easy_interval: u32,
    /// Ease factor given to a graduating card, at least 1.3 (2.5).
    pub starting_ease: f64,
    /// Extra multiplier for Easy on review cards, at least 1 (1.3).
    pub easy_bonus: f64,
    /// Interval multiplier for Hard on review cards (1.2).
    pub hard_multiplier: f64,
    /// Multiplier applied to every review interval (1.0).
    pub interval_modifier: f64,
    /// Share of the old interval kept after a lapse (0.0).
    pub lapse_multiplier: f64,
    /// Smallest interval after a lapse, in days (1).
    pub minimum_lapse_interval: u32,
    /// The longest interval, in days (36,500).
    pub maximum_interval: u32,
    /// Spread intervals over Anki's fuzz range (false).
    pub enable_fuzzing: bool,
    /// Pick the least-loaded day of the fuzz range when a due load is given (false).
    pub load_balancing: bool,
    /// Relative capacity of each weekday, Monday first (none).
    pub easy_days: Option<EasyDays>,
}

impl Default for AnkiSm2Options {
    fn default() -> Self {
        AnkiSm2Options {
            learning_steps: vec![TimeDelta::minutes(1), TimeDelta::minutes(10)],
            relearning_steps: vec![TimeDelta::minutes(10)],
            graduating_interval: 1,
            easy_interval: 4,
            starting_ease: INITIAL_EASE,
            easy_bonus: 1.3,
            hard_multiplier: 1.2,
            interval_modifier: 1.0,
            lapse_multiplier: 0.0,
            minimum_lapse_interval: 1,
            maximum_interval: DEFAULT_MAXIMUM_INTERVAL,
            enable_fuzzing: false,
            load_balancing: false,
            easy_days: None,
        }
    }
}

/// Anki's SM-2 variant (the scheduler Anki used before FSRS, as documented in
/// the Anki manual, "Deck Options"): four buttons; ease -0.20 on Again, -0.15
/// on Hard, +0.15 on Easy (floor 1.3); Hard = interval x 1.2, Good =
/// (interval + half the days late) x ease, Easy = (interval + days late) x
/// ease x easy bonus, each at least a day longer than the one before; a lapse
/// keeps `lapse_multiplier` of the interval and goes through relearning steps.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::srs::{AnkiSm2, Card, Rating, Scheduler};
/// let anki = AnkiSm2::default();
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let out = anki.review(&Card::new("q1", now), Rating::Easy, now)?;
/// assert_eq!(out.log.scheduled_days, 4);
/// assert_eq!(out.card.sm2.unwrap().ease_factor, 2.5);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AnkiSm2 {
    options: AnkiSm2Options,
    shaping: IntervalShaping,
}

impl Default for AnkiSm2 {
    fn default() -> Self {
        AnkiSm2::new(AnkiSm2Options::default())
            .unwrap_or_else(|e| unreachable!("the default options are valid: {e}"))
    }
}

impl AnkiSm2 {
    /// A scheduler with these settings, after checking them.
    pub fn new(options: AnkiSm2Options) -> Result<Self> {
        check_steps("learning_steps", &options.learning_steps)?;
        check_steps("relearning_steps", &options.relearning_steps)?;
        let positive = [
            ("starting_ease", options.starting_ease, MIN_EASE),
            ("easy_bonus", options.easy_bonus, 1.0),
            ("hard_multiplier", options.hard_multiplier, 0.0),
            ("interval_modifier", options.interval_modifier, 0.0),
            ("lapse_multiplier", options.lapse_multiplier, 0.0),
        ];
        for (name, value, min) in positive {
            if !value.is_finite() || value < min {
                return Err(Error::invalid(
                    name,
                    format!("{value} is not a finite number >= {min}"),
                ));
            }
        }
        for (name, value) in [
            ("graduating_interval", options.graduating_interval),
            ("easy_interval", options.easy_interval),
            ("minimum_lapse_interval", options.minimum_lapse_interval),
        ] {
            if value == 0 {
                return Err(Error::invalid(name, "must be at least 1 day"));
            }
        }
        let shaping = IntervalShaping::new(
            options.maximum_interval,
            options.enable_fuzzing,
            options.load_balancing,
            options.easy_days,
        )?;
        Ok(AnkiSm2 { options, shaping })
    }

    /// The settings.
    pub fn options(&self) -> &AnkiSm2Options {
        &self.options
    }

    fn constrain(&self, interval: f64, minimum: u32) -> u32 {
        let c = &self.options;
        let days = (interval * c.interval_modifier).round().max(1.0);
        (days.min(f64::from(c.maximum_interval)) as u32)
            .max(minimum)
            .min(c.maximum_interval)
    }

    /// From a new, learning or relearning card: the steps, then graduation
    /// (learning) or the return to the interval the lapse set (relearning).
    fn in_learning(
        &self,
        card: &Card,
        rating: Rating,
        sm2: Sm2State,
        shape: impl Fn(u32) -> u32,
    ) -> Transition {
        let c = &self.options;
        let relearning = card.state == State::Relearning;
        let (steps, in_state) = if relearning {
            (&c.relearning_steps, State::Relearning)
        } else {
            (&c.learning_steps, State::Learning)
        };
        let step = card.step.unwrap_or(0) as usize;
        let good_days = if relearning {
            card.scheduled_days.max(c.minimum_lapse_interval)
        } else {
            c.graduating_interval
        };
        let easy_days = if relearning {
            good_days + 1
        } else {
            c.easy_interval
        };
        let graduated = if relearning {
            sm2
        } else {
            Sm2State {
                ease_factor: c.starting_ease,
                streak: 0,
            }
        };
        let graduate =
            |days: u32| Transition::review(shape(days.min(c.maximum_interval)), graduated);
        // Anki: Hard on the only step waits 1.5 x the step, at most a day longer.
        match next_step(steps, step, rating, Some(TimeDelta::days(1))) {
            StepMove::To(step, delay) => Transition::step(in_state, step, delay, sm2),
            StepMove::Graduate if rating == Rating::Easy => graduate(easy_days),
            StepMove::Graduate => graduate(good_days),
        }
    }

    /// From review: a lapse (into relearning, keeping the lapse interval for
    /// its end) or the Hard/Good/Easy intervals, each at least a day longer
    /// than the one before.
    fn in_review(
        &self,
        card: &Card,
        rating: Rating,
        sm2: Sm2State,
        elapsed: i64,
        shape: impl Fn(u32) -> u32,
    ) -> Transition {
        let c = &self.options;
        let current = f64::from(card.scheduled_days.max(1));
        let days_late = (elapsed - i64::from(card.scheduled_days)).max(0) as f64;
        let ease = sm2.ease_factor;
        if rating == Rating::Again {
            let lapsed = Sm2State {
                ease_factor: (ease + EASE_AGAIN).max(MIN_EASE),
                streak: 0,
            };
            let days = ((current * c.lapse_multiplier).round() as u32)
                .max(c.minimum_lapse_interval)
                .min(c.maximum_interval);
            return match c.relearning_steps.first() {
                None => Transition::review(shape(days), lapsed),
                // The lapse interval waits in scheduled_days until relearning ends.
                Some(&delay) => Transition {
                    scheduled_days: days,
                    ..Transition::step(State::Relearning, 0, delay, lapsed)
                },
            };
        }
        let hard_min = if c.hard_multiplier <= 1.0 {
            0
        } else {
            card.scheduled_days + 1
        };
        let hard = self.constrain(current * c.hard_multiplier, hard_min);
        let good_min = if c.hard_multiplier <= 1.0 {
            card.scheduled_days + 1
        } else {
            hard + 1
        };
        let good = self.constrain((current + days_late / 2.0) * ease, good_min);
        let easy = self.constrain((current + days_late) * ease * c.easy_bonus, good + 1);
        let (days, ease) = match rating {
            Rating::Hard => (hard, (ease + EASE_HARD).max(MIN_EASE)),
            Rating::Good => (good, ease),
            Rating::Again | Rating::Easy => (easy, ease + EASE_EASY),
        };
        let streak = sm2.streak + 1;
        Transition::review(
            shape(days),
            Sm2State {
                ease_factor: ease,
                streak,
            },
        )
    }
}

impl Scheduler for AnkiSm2 {
    fn next(&self, card: &Card, rating: Rating, context: &ReviewContext<'_>) -> Result<CardUpdate> {
        card.check_argument()?;
        let elapsed = card.elapsed_days(context.now)?;
        let c = &self.options;
        let shape = |days: u32| self.shaping.apply(days, &card.id, card.reps + 1, context);
        let sm2 = card.sm2.unwrap_or(Sm2State {
            ease_factor: c.starting_ease,
            streak: 0,
        });
        let to = match card.state {
            State::New | State::Learning | State::Relearning => {
                self.in_learning(card, rating, sm2, shape)
            }
            State::Review => self.in_review(card, rating, sm2, elapsed.unwrap_or(0), shape),
        };
        let lapsed = card.state == State::Review && rating == Rating::Again;
        to.update(card, context.now, elapsed, lapsed)
    }
}

/// Where an SM-2 review sends a card.
struct Transition {
    state: State,
    step: Option<u32>,
    delay: TimeDelta,
    /// The card's interval afterwards (the delay's whole days, except for
    /// a lapse into relearning, which keeps the lapse interval).
    scheduled_days: u32,
    sm2: Sm2State,
}

impl Transition {
    fn review(days: u32, sm2: Sm2State) -> Self {
        Transition {
            state: State::Review,
            step: None,
            delay: TimeDelta::days(i64::from(days)),
            scheduled_days: days,
            sm2,
        }
    }

    fn step(state: State, step: u32, delay: TimeDelta, sm2: Sm2State) -> Self {
        Transition {
            state,
            step: Some(step),
            delay,
            scheduled_days: delay.num_days().max(0) as u32,
            sm2,
        }
    }

    /// The update of `card` reviewed at `now`: FSRS memory kept as it was.
    fn update(
        self,
        card: &Card,
        now: Timestamp,
        elapsed: Option<i64>,
        lapsed: bool,
    ) -> Result<CardUpdate> {
        let due = now.checked_add(self.delay).ok_or_else(|| {
            Error::invalid(
                "now",
                format!(
                    "{now} plus {} is outside the representable dates",
                    self.delay
                ),
            )
        })?;
        Ok(CardUpdate {
            state: self.state,
            step: self.step,
            due,
            memory: card.memory,
            sm2: Some(self.sm2),
            last_review: now,
            scheduled_days: self.scheduled_days,
            logged_days: self.delay.num_days().max(0) as u32,
            reps: card.reps + 1,
            lapses: card.lapses + u32::from(lapsed),
            elapsed_days: elapsed.unwrap_or(0).max(0) as u32,
        })
    }
}
