//! SM-2: SuperMemo's original algorithm and Anki's four-button variant.

use super::card::{Card, ReviewLog, ReviewOutcome, ReviewTime, Sm2State};
use super::fsrs::check_steps;
use super::params::DEFAULT_MAXIMUM_INTERVAL;
use super::shaping::{DueLoad, IntervalShaping};
use super::{Rating, Scheduler, State};
use crate::{Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The smallest ease factor SM-2 allows.
const MIN_EASE: f64 = 1.3;
/// The ease factor of a new card.
const INITIAL_EASE: f64 = 2.5;

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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sm2 {
    /// The longest interval, in days.
    pub maximum_interval: u32,
    /// Optional fuzz, load balancing and easy days.
    pub shaping: IntervalShaping,
}

impl Default for Sm2 {
    fn default() -> Self {
        Sm2 {
            maximum_interval: DEFAULT_MAXIMUM_INTERVAL,
            shaping: IntervalShaping::default(),
        }
    }
}

impl Sm2 {
    /// The SM-2 quality a rating stands for through the [`Scheduler`] trait.
    pub const fn quality_of(rating: Rating) -> u8 {
        match rating {
            Rating::Again => 2,
            Rating::Hard => 3,
            Rating::Good => 4,
            Rating::Easy => 5,
        }
    }

    /// Review with an SM-2 quality from 0 (blackout) to 5 (perfect).
    pub fn review_quality(
        &self,
        card: &Card,
        quality: u8,
        now: DateTime<Utc>,
    ) -> Result<ReviewOutcome> {
        self.review_quality_with_load(card, quality, now, None)
    }

    fn review_quality_with_load(
        &self,
        card: &Card,
        quality: u8,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> Result<ReviewOutcome> {
        if quality > 5 {
            return Err(Error::invalid(
                "quality",
                format!("{quality} is outside 0..=5"),
            ));
        }
        if self.maximum_interval == 0 {
            return Err(Error::invalid("maximum_interval", "must be at least 1 day"));
        }
        self.shaping.validate()?;
        card.validate()?;
        let time = ReviewTime::new(now);
        let elapsed = card.elapsed_days(&time)?;
        let prior = card.sm2.unwrap_or(Sm2State {
            ease_factor: INITIAL_EASE,
            streak: 0,
        });
        let q = f64::from(quality);
        let (interval, streak) = if quality >= 3 {
            let interval = match prior.streak {
                0 => 1.0,
                1 => 6.0,
                _ => (f64::from(card.scheduled_days.max(1)) * prior.ease_factor).ceil(),
            };
            (interval, prior.streak + 1)
        } else {
            (1.0, 0)
        };
        let ease_factor =
            (prior.ease_factor + (0.1 - (5.0 - q) * (0.08 + (5.0 - q) * 0.02))).max(MIN_EASE);
        let days = interval.min(f64::from(self.maximum_interval)) as u32;
        let days = self.shaping.apply(
            days,
            self.maximum_interval,
            &card.id,
            card.reps + 1,
            now,
            load,
        );
        let rating = match quality {
            0..=2 => Rating::Again,
            3 => Rating::Hard,
            4 => Rating::Good,
            _ => Rating::Easy,
        };
        let lapsed = quality < 3 && card.state == State::Review;
        finish(
            card,
            rating,
            &time,
            elapsed,
            State::Review,
            None,
            TimeDelta::days(i64::from(days)),
            Sm2State {
                ease_factor,
                streak,
            },
            lapsed,
        )
    }
}

impl Scheduler for Sm2 {
    fn schedule(
        &self,
        card: &Card,
        rating: Rating,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> Result<ReviewOutcome> {
        self.review_quality_with_load(card, Sm2::quality_of(rating), now, load)
    }
}

/// Settings of [`AnkiSm2`], with Anki's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnkiSm2Config {
    /// Steps for new cards (default 1 and 10 minutes).
    pub learning_steps: Vec<TimeDelta>,
    /// Steps after a lapse (default 10 minutes).
    pub relearning_steps: Vec<TimeDelta>,
    /// First interval after the last learning step, in days (default 1).
    pub graduating_interval: u32,
    /// First interval when a new card is answered Easy, in days (default 4).
    pub easy_interval: u32,
    /// Ease factor given to a graduating card (default 2.5).
    pub starting_ease: f64,
    /// Extra multiplier for Easy on review cards (default 1.3).
    pub easy_bonus: f64,
    /// Interval multiplier for Hard on review cards (default 1.2).
    pub hard_multiplier: f64,
    /// Multiplier applied to every review interval (default 1.0).
    pub interval_modifier: f64,
    /// Share of the old interval kept after a lapse (default 0.0).
    pub lapse_multiplier: f64,
    /// Smallest interval after a lapse, in days (default 1).
    pub minimum_lapse_interval: u32,
    /// The longest interval, in days (default 36,500).
    pub maximum_interval: u32,
    /// Optional fuzz, load balancing and easy days.
    pub shaping: IntervalShaping,
}

impl Default for AnkiSm2Config {
    fn default() -> Self {
        AnkiSm2Config {
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
            shaping: IntervalShaping::default(),
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnkiSm2 {
    config: AnkiSm2Config,
}

impl AnkiSm2 {
    /// A scheduler with these settings, after checking them.
    pub fn new(config: AnkiSm2Config) -> Result<Self> {
        check_steps("learning_steps", &config.learning_steps)?;
        check_steps("relearning_steps", &config.relearning_steps)?;
        let positive = [
            ("starting_ease", config.starting_ease, MIN_EASE),
            ("easy_bonus", config.easy_bonus, 1.0),
            ("hard_multiplier", config.hard_multiplier, 0.0),
            ("interval_modifier", config.interval_modifier, 0.0),
            ("lapse_multiplier", config.lapse_multiplier, 0.0),
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
            ("graduating_interval", config.graduating_interval),
            ("easy_interval", config.easy_interval),
            ("minimum_lapse_interval", config.minimum_lapse_interval),
            ("maximum_interval", config.maximum_interval),
        ] {
            if value == 0 {
                return Err(Error::invalid(name, "must be at least 1 day"));
            }
        }
        config.shaping.validate()?;
        Ok(AnkiSm2 { config })
    }

    /// The settings.
    pub fn config(&self) -> &AnkiSm2Config {
        &self.config
    }

    fn constrain(&self, interval: f64, minimum: u32) -> u32 {
        let c = &self.config;
        let days = (interval * c.interval_modifier).round().max(1.0);
        (days.min(f64::from(c.maximum_interval)) as u32)
            .max(minimum)
            .min(c.maximum_interval)
    }
}

impl Scheduler for AnkiSm2 {
    fn schedule(
        &self,
        card: &Card,
        rating: Rating,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> Result<ReviewOutcome> {
        card.validate()?;
        let c = &self.config;
        let time = ReviewTime::new(now);
        let elapsed = card.elapsed_days(&time)?;
        let shape = |days: u32| {
            c.shaping
                .apply(days, c.maximum_interval, &card.id, card.reps + 1, now, load)
        };
        let sm2 = card.sm2.unwrap_or(Sm2State {
            ease_factor: c.starting_ease,
            streak: 0,
        });
        let step = card.step.unwrap_or(0) as usize;
        let to_review = |days: u32, ease_factor: f64, streak: u32| {
            (
                State::Review,
                None,
                TimeDelta::days(i64::from(days)),
                Sm2State {
                    ease_factor,
                    streak,
                },
            )
        };

        let (state, new_step, delay, new_sm2) = match card.state {
            State::New | State::Learning | State::Relearning => {
                let relearning = card.state == State::Relearning;
                let steps = if relearning {
                    &c.relearning_steps
                } else {
                    &c.learning_steps
                };
                let in_state = if relearning {
                    State::Relearning
                } else {
                    State::Learning
                };
                // Relearning returns to the interval the lapse set; learning graduates.
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
                let ease = if relearning {
                    sm2.ease_factor
                } else {
                    c.starting_ease
                };
                let streak = if relearning { sm2.streak } else { 0 };
                match rating {
                    _ if steps.is_empty() || (step >= steps.len() && rating.is_pass()) => {
                        let days = if rating == Rating::Easy {
                            easy_days
                        } else {
                            good_days
                        };
                        to_review(shape(days.min(c.maximum_interval)), ease, streak)
                    }
                    Rating::Again => (in_state, Some(0), steps[0], sm2),
                    Rating::Hard => {
                        let delay = if step == 0 && steps.len() == 1 {
                            // Anki: 1.5 x the only step, but no more than a day longer.
                            (steps[0] * 3 / 2).min(steps[0] + TimeDelta::days(1))
                        } else if step == 0 {
                            (steps[0] + steps[1]) / 2
                        } else {
                            steps[step]
                        };
                        (in_state, Some(step as u32), delay, sm2)
                    }
                    Rating::Good if step + 1 < steps.len() => {
                        (in_state, Some(step as u32 + 1), steps[step + 1], sm2)
                    }
                    Rating::Good => {
                        to_review(shape(good_days.min(c.maximum_interval)), ease, streak)
                    }
                    Rating::Easy => {
                        to_review(shape(easy_days.min(c.maximum_interval)), ease, streak)
                    }
                }
            }
            State::Review => {
                let current = f64::from(card.scheduled_days.max(1));
                let days_late =
                    (elapsed.unwrap_or(0) - i64::from(card.scheduled_days)).max(0) as f64;
                let ease = sm2.ease_factor;
                match rating {
                    Rating::Again => {
                        let ease = (ease - 0.2).max(MIN_EASE);
                        let days = ((current * c.lapse_multiplier).round() as u32)
                            .max(c.minimum_lapse_interval)
                            .min(c.maximum_interval);
                        let lapsed = Sm2State {
                            ease_factor: ease,
                            streak: 0,
                        };
                        if c.relearning_steps.is_empty() {
                            to_review(shape(days), ease, 0)
                        } else {
                            // The lapse interval waits in scheduled_days until relearning ends.
                            let step = (State::Relearning, Some(0), c.relearning_steps[0], lapsed);
                            return relearn(card, rating, &time, elapsed, step, days);
                        }
                    }
                    _ => {
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
                        let easy =
                            self.constrain((current + days_late) * ease * c.easy_bonus, good + 1);
                        let (days, ease) = match rating {
                            Rating::Hard => (hard, (ease - 0.15).max(MIN_EASE)),
                            Rating::Good => (good, ease),
                            _ => (easy, ease + 0.15),
                        };
                        to_review(shape(days), ease, sm2.streak + 1)
                    }
                }
            }
        };
        let lapsed = card.state == State::Review && rating == Rating::Again;
        finish(
            card, rating, &time, elapsed, state, new_step, delay, new_sm2, lapsed,
        )
    }
}

/// A lapse into relearning: like [`finish`], but the card keeps the lapse
/// interval in `scheduled_days` for when relearning ends.
fn relearn(
    card: &Card,
    rating: Rating,
    time: &ReviewTime,
    elapsed: Option<i64>,
    (state, step, delay, sm2): (State, Option<u32>, TimeDelta, Sm2State),
    lapse_days: u32,
) -> Result<ReviewOutcome> {
    let mut out = finish(card, rating, time, elapsed, state, step, delay, sm2, true)?;
    out.card.scheduled_days = lapse_days;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn finish(
    card: &Card,
    rating: Rating,
    time: &ReviewTime,
    elapsed: Option<i64>,
    state: State,
    step: Option<u32>,
    delay: TimeDelta,
    sm2: Sm2State,
    lapsed: bool,
) -> Result<ReviewOutcome> {
    let now = time.at();
    let scheduled_days = delay.num_days().max(0) as u32;
    Ok(ReviewOutcome {
        card: Card {
            id: card.id.clone(),
            state,
            step,
            due: time.after(delay)?,
            memory: card.memory,
            sm2: Some(sm2),
            last_review: Some(now),
            scheduled_days,
            reps: card.reps + 1,
            lapses: card.lapses + u32::from(lapsed),
        },
        log: ReviewLog {
            card_id: card.id.clone(),
            rating,
            state: card.state,
            reviewed_at: now,
            elapsed_days: elapsed.unwrap_or(0).max(0) as u32,
            scheduled_days,
            duration_ms: None,
        },
    })
}
