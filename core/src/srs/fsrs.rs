//! FSRS-6 (Free Spaced Repetition Scheduler, version 6).
//!
//! Formulas: J. Ye et al., "A Stochastic Shortest Path Algorithm for Optimizing
//! Spaced Repetition Scheduling" (KDD 2022) and "Optimizing Spaced Repetition
//! Schedule by Capturing the Dynamics of Memory" (IEEE TKDE 2023), as extended
//! to FSRS-6 (trainable decay w20, short-term stability w17-w19) in the
//! open-spaced-repetition project's algorithm description. The card-level
//! rules (learning steps, same-day reviews, rounding) follow py-fsrs 6.3.

use super::batch::CardBatch;
use super::card::{Card, MemoryState, ReviewLog, ReviewOutcome, ReviewTime, Timestamps};
use super::params::{
    DEFAULT_DESIRED_RETENTION, DEFAULT_MAXIMUM_INTERVAL, MAX_DIFFICULTY, MIN_DIFFICULTY,
    Parameters, STABILITY_MIN,
};
use super::shaping::{DueLoad, IntervalShaping};
use super::{Rating, Scheduler, State};
use crate::math;
use crate::{Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Stability ceiling of the fsrs-rs entry points (`S_MAX` there).
pub(crate) const STABILITY_MAX: f64 = 36500.0;

/// One past review for [`Fsrs::memory_state`]: the rating and the whole days
/// since the previous review (ignored for the first review).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDelta {
    /// The answer given.
    pub rating: Rating,
    /// Whole days since the previous review; 0 means the same day.
    pub days_elapsed: u32,
}

impl From<(Rating, u32)> for ReviewDelta {
    fn from((rating, days_elapsed): (Rating, u32)) -> Self {
        ReviewDelta {
            rating,
            days_elapsed,
        }
    }
}

/// The memory state and unrounded interval after one rating (see [`NextStates`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemState {
    /// The memory state after the rating.
    pub memory: MemoryState,
    /// The interval in days that reaches the desired retention (not rounded).
    pub interval: f64,
}

/// The outcome of each rating for a memory state (see [`Fsrs::next_states`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NextStates {
    /// After Again.
    pub again: ItemState,
    /// After Hard.
    pub hard: ItemState,
    /// After Good.
    pub good: ItemState,
    /// After Easy.
    pub easy: ItemState,
}

impl NextStates {
    /// The state for one rating.
    pub fn get(&self, rating: Rating) -> &ItemState {
        match rating {
            Rating::Again => &self.again,
            Rating::Hard => &self.hard,
            Rating::Good => &self.good,
            Rating::Easy => &self.easy,
        }
    }
}

/// The FSRS-6 scheduler.
///
/// Defaults: the 21 FSRS-6 default parameters, desired retention 0.9, learning
/// steps 1 and 10 minutes, one relearning step of 10 minutes, maximum interval
/// 36,500 days, no fuzz, no load balancing, no easy days, no forced
/// Hard < Good < Easy spacing (the reference does not force it either).
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::srs::{Card, Fsrs, Rating, Scheduler};
///
/// let fsrs = Fsrs::default()
///     .with_desired_retention(0.85)?
///     .with_learning_steps(vec![TimeDelta::minutes(5)])?;
/// let now = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
/// let reviewed = fsrs.review(&Card::new("verb-42", now), Rating::Easy, now)?;
/// assert!(reviewed.card.due >= now + TimeDelta::days(1));
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fsrs {
    params: Parameters,
    desired_retention: f64,
    learning_steps: Vec<TimeDelta>,
    relearning_steps: Vec<TimeDelta>,
    maximum_interval: u32,
    shaping: IntervalShaping,
    interval_order: bool,
    // Derived from the above, kept so the hot paths do less work.
    decay: f64,
    factor: f64,
    interval_per_stability: f64,
    forget_short_term_divisor: f64,
    mean_reversion_target: f64,
}

impl Default for Fsrs {
    fn default() -> Self {
        Fsrs::from_parameters(Parameters::default())
    }
}

impl Fsrs {
    /// A scheduler with the given parameters (17, 19 or 21 values; older
    /// generations are upgraded) and every other setting at its default.
    pub fn new(parameters: &[f64]) -> Result<Self> {
        Ok(Fsrs::from_parameters(Parameters::new(parameters)?))
    }

    /// A scheduler from already validated parameters.
    pub fn from_parameters(params: Parameters) -> Self {
        let w = params.as_slice();
        let decay = -w[20];
        let factor = math::pow(0.9, 1.0 / decay) - 1.0;
        let mut fsrs = Fsrs {
            params,
            desired_retention: DEFAULT_DESIRED_RETENTION,
            learning_steps: vec![TimeDelta::minutes(1), TimeDelta::minutes(10)],
            relearning_steps: vec![TimeDelta::minutes(10)],
            maximum_interval: DEFAULT_MAXIMUM_INTERVAL,
            shaping: IntervalShaping::default(),
            interval_order: false,
            decay,
            factor,
            interval_per_stability: 0.0,
            forget_short_term_divisor: math::exp(w[17] * w[18]),
            mean_reversion_target: w[4] - math::exp(w[5] * 3.0) + 1.0,
        };
        fsrs.interval_per_stability = fsrs.interval_factor(DEFAULT_DESIRED_RETENTION);
        fsrs
    }

    /// Set the desired retention, strictly between 0 and 1.
    pub fn with_desired_retention(mut self, desired_retention: f64) -> Result<Self> {
        check_retention("desired_retention", desired_retention)?;
        self.desired_retention = desired_retention;
        self.interval_per_stability = self.interval_factor(desired_retention);
        Ok(self)
    }

    /// Set the learning steps (each positive; may be empty to graduate at once).
    pub fn with_learning_steps(mut self, steps: Vec<TimeDelta>) -> Result<Self> {
        check_steps("learning_steps", &steps)?;
        self.learning_steps = steps;
        Ok(self)
    }

    /// Set the relearning steps (each positive; may be empty).
    pub fn with_relearning_steps(mut self, steps: Vec<TimeDelta>) -> Result<Self> {
        check_steps("relearning_steps", &steps)?;
        self.relearning_steps = steps;
        Ok(self)
    }

    /// Set the maximum interval in days (at least 1).
    pub fn with_maximum_interval(mut self, days: u32) -> Result<Self> {
        if days == 0 {
            return Err(Error::invalid("maximum_interval", "must be at least 1 day"));
        }
        self.maximum_interval = days;
        Ok(self)
    }

    /// Set fuzz, load balancing and easy days.
    pub fn with_shaping(mut self, shaping: IntervalShaping) -> Result<Self> {
        shaping.validate()?;
        self.shaping = shaping;
        Ok(self)
    }

    /// Force Hard < Good < Easy intervals (at least a day apart, below the
    /// maximum interval) for cards in review, as Anki does. Off by default,
    /// because py-fsrs does not do it and intervals would then differ from it
    /// when two ratings round to the same day.
    pub fn with_interval_order(mut self, enforce: bool) -> Self {
        self.interval_order = enforce;
        self
    }

    /// The parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }

    /// The desired retention.
    pub fn desired_retention(&self) -> f64 {
        self.desired_retention
    }

    /// The learning steps.
    pub fn learning_steps(&self) -> &[TimeDelta] {
        &self.learning_steps
    }

    /// The relearning steps.
    pub fn relearning_steps(&self) -> &[TimeDelta] {
        &self.relearning_steps
    }

    /// The maximum interval in days.
    pub fn maximum_interval(&self) -> u32 {
        self.maximum_interval
    }

    /// The interval shaping settings.
    pub fn shaping(&self) -> &IntervalShaping {
        &self.shaping
    }

    // ----- the memory model -------------------------------------------------

    fn w(&self) -> &[f64; 21] {
        self.params.as_slice()
    }

    /// Days of interval per day of stability at a retention: the forgetting
    /// curve R(t) = (1 + factor * t / S)^(-w20) solved for R = retention.
    fn interval_factor(&self, retention: f64) -> f64 {
        (math::pow(retention, 1.0 / self.decay) - 1.0) / self.factor
    }

    /// Probability of recall after `elapsed_days` at `stability`.
    ///
    /// ```
    /// use learnloop::srs::Fsrs;
    /// let fsrs = Fsrs::default();
    /// assert!((fsrs.retrievability(10.0, 10.0) - 0.9).abs() < 1e-12);
    /// assert_eq!(fsrs.retrievability(0.0, 3.0), 1.0);
    /// ```
    pub fn retrievability(&self, elapsed_days: f64, stability: f64) -> f64 {
        math::exp(self.decay_log(elapsed_days, stability))
    }

    /// ln R, the logarithm of [`Fsrs::retrievability`].
    fn decay_log(&self, elapsed_days: f64, stability: f64) -> f64 {
        self.decay * math::ln_1p(self.decay_ratio(elapsed_days, stability))
    }

    /// The scaled time t * factor / S, whose ln_1p times the decay is ln R.
    #[inline(always)]
    fn decay_ratio(&self, elapsed_days: f64, stability: f64) -> f64 {
        self.factor * elapsed_days.max(0.0) / stability
    }

    /// The probability that `card` is recalled at `now` (0 for a card never reviewed).
    ///
    /// Elapsed time counts in whole days, as in py-fsrs.
    pub fn card_retrievability(&self, card: &Card, now: DateTime<Utc>) -> f64 {
        match (card.memory, card.last_review) {
            (Some(memory), Some(last)) => {
                let days = super::card::whole_days_between(last, now).max(0);
                self.retrievability(days as f64, memory.stability)
            }
            _ => 0.0,
        }
    }

    fn initial_stability(&self, rating: Rating) -> f64 {
        self.w()[usize::from(rating.as_u8()) - 1].max(STABILITY_MIN)
    }

    fn initial_difficulty_unclamped(&self, rating: Rating) -> f64 {
        let w = self.w();
        w[4] - math::exp(w[5] * f64::from(rating.as_u8() - 1)) + 1.0
    }

    fn initial_difficulty(&self, rating: Rating) -> f64 {
        self.initial_difficulty_unclamped(rating)
            .clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
    }

    fn initial_state(&self, rating: Rating) -> MemoryState {
        MemoryState {
            stability: self.initial_stability(rating),
            difficulty: self.initial_difficulty(rating),
        }
    }

    /// D' = w7 * D0(Easy) + (1 - w7) * (D + (10 - D) * (-w6 (G - 3)) / 9): the
    /// linear damping keeps D below 10, the mean reversion pulls it to D0(Easy).
    fn next_difficulty(&self, difficulty: f64, rating: Rating) -> f64 {
        let w = self.w();
        let delta = -w[6] * (f64::from(rating.as_u8()) - 3.0);
        let damped = difficulty + (10.0 - difficulty) * delta / 9.0;
        (w[7] * self.mean_reversion_target + (1.0 - w[7]) * damped)
            .clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
    }

    /// Same-day review: S' = S * e^(w17 (G - 3 + w18)) * S^(-w19), with the
    /// increase floored at 1 for Hard, Good and Easy (a pass never lowers S).
    fn short_term_stability(&self, stability: f64, ln_s: f64, rating: Rating) -> f64 {
        let w = self.w();
        let mut increase =
            math::exp(w[17] * (f64::from(rating.as_u8()) - 3.0 + w[18]) - w[19] * ln_s);
        if rating.is_pass() {
            increase = increase.max(1.0);
        }
        (stability * increase).max(STABILITY_MIN)
    }

    /// The common factor of the recall formula for all passing ratings:
    /// e^w8 * (11 - D) * S^(-w9) * (e^((1 - R) w10) - 1), with `ln_s` = ln S.
    fn recall_gain(&self, difficulty: f64, ln_s: f64, r: f64) -> f64 {
        self.recall_gain_of(self.stability_growth(ln_s), difficulty, r)
    }

    /// e^w8 * S^(-w9), the part of the recall gain that depends on the
    /// stability alone, from `ln_s` = ln S.
    fn stability_growth(&self, ln_s: f64) -> f64 {
        math::exp(self.growth_exponent(ln_s))
    }

    /// w8 - w9 ln S, the exponent of [`Fsrs::stability_growth`].
    #[inline(always)]
    fn growth_exponent(&self, ln_s: f64) -> f64 {
        let w = self.w();
        w[8] - w[9] * ln_s
    }

    /// [`Fsrs::recall_gain`] from its [`Fsrs::stability_growth`] part.
    fn recall_gain_of(&self, growth: f64, difficulty: f64, r: f64) -> f64 {
        self.recall_gain_from(growth, difficulty, math::expm1(self.surprise(r)))
    }

    /// (1 - R) w10, whose expm1 is the recall gain's factor of surprise.
    #[inline(always)]
    fn surprise(&self, r: f64) -> f64 {
        (1.0 - r) * self.w()[10]
    }

    /// [`Fsrs::recall_gain_of`] from the expm1 of its [`Fsrs::surprise`].
    #[inline(always)]
    fn recall_gain_from(&self, growth: f64, difficulty: f64, surprise_m1: f64) -> f64 {
        growth * (11.0 - difficulty) * surprise_m1
    }

    fn recall_stability(&self, stability: f64, gain: f64, rating: Rating) -> f64 {
        let w = self.w();
        let bonus = match rating {
            Rating::Hard => w[15],
            Rating::Easy => w[16],
            _ => 1.0,
        };
        (stability * (1.0 + gain * bonus)).max(STABILITY_MIN)
    }

    /// Post-lapse stability: min(w11 D^-w12 ((S + 1)^w13 - 1) e^((1 - R) w14), S / e^(w17 w18)).
    fn forget_stability(&self, difficulty: f64, stability: f64, r: f64) -> f64 {
        let w = self.w();
        let long_term = w[11]
            * math::exp((1.0 - r) * w[14] - w[12] * math::ln(difficulty))
            * math::expm1(w[13] * math::ln_1p(stability));
        long_term
            .min(stability / self.forget_short_term_divisor)
            .max(STABILITY_MIN)
    }

    /// One step of the memory model: from `memory` (None: never reviewed) after
    /// `elapsed_days` whole days (< 1: same day) with `rating`.
    fn step(&self, memory: Option<MemoryState>, elapsed_days: i64, rating: Rating) -> MemoryState {
        let Some(m) = memory else {
            return self.initial_state(rating);
        };
        let stability = if elapsed_days < 1 {
            self.short_term_stability(m.stability, math::ln(m.stability), rating)
        } else {
            let r = self.retrievability(elapsed_days as f64, m.stability);
            if rating == Rating::Again {
                self.forget_stability(m.difficulty, m.stability, r)
            } else {
                let gain = self.recall_gain(m.difficulty, math::ln(m.stability), r);
                self.recall_stability(m.stability, gain, rating)
            }
        };
        MemoryState {
            stability,
            difficulty: self.next_difficulty(m.difficulty, rating),
        }
    }

    // ----- fsrs-rs style entry points ---------------------------------------

    /// The memory state and unrounded interval after each rating, from
    /// `memory` (None: a new card) after `days_elapsed` days (0: the same day).
    ///
    /// Same meaning as fsrs-rs `FSRS::next_states`.
    ///
    /// ```
    /// use learnloop::srs::Fsrs;
    /// let next = Fsrs::default().next_states(None, 0.9, 0)?;
    /// assert_eq!(next.good.memory.stability, 2.3065);
    /// assert!((next.hard.memory.difficulty - 5.11217).abs() < 1e-5);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn next_states(
        &self,
        memory: Option<MemoryState>,
        desired_retention: f64,
        days_elapsed: u32,
    ) -> Result<NextStates> {
        check_retention("desired_retention", desired_retention)?;
        let ivl = if desired_retention == self.desired_retention {
            self.interval_per_stability
        } else {
            self.interval_factor(desired_retention)
        };
        let item = |memory: MemoryState| ItemState {
            interval: memory.stability * ivl,
            memory,
        };
        let Some(m) = memory else {
            return Ok(NextStates {
                again: item(self.initial_state(Rating::Again)),
                hard: item(self.initial_state(Rating::Hard)),
                good: item(self.initial_state(Rating::Good)),
                easy: item(self.initial_state(Rating::Easy)),
            });
        };
        check_memory_finite("memory", &m)?;
        let s = m.stability.clamp(STABILITY_MIN, STABILITY_MAX);
        let d = m.difficulty.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY);
        let state = |stability: f64, rating: Rating| {
            item(MemoryState {
                stability: stability.min(STABILITY_MAX),
                difficulty: self.next_difficulty(d, rating),
            })
        };
        let ln_s = math::ln(s);
        if days_elapsed == 0 {
            let st = |rating| state(self.short_term_stability(s, ln_s, rating), rating);
            return Ok(NextStates {
                again: st(Rating::Again),
                hard: st(Rating::Hard),
                good: st(Rating::Good),
                easy: st(Rating::Easy),
            });
        }
        // R and the recall gain are shared by all ratings: compute them once.
        let r = self.retrievability(f64::from(days_elapsed), s);
        let gain = self.recall_gain(d, ln_s, r);
        Ok(NextStates {
            again: state(self.forget_stability(d, s, r), Rating::Again),
            hard: state(self.recall_stability(s, gain, Rating::Hard), Rating::Hard),
            good: state(self.recall_stability(s, gain, Rating::Good), Rating::Good),
            easy: state(self.recall_stability(s, gain, Rating::Easy), Rating::Easy),
        })
    }

    /// The memory state after a history of reviews, oldest first.
    ///
    /// Same meaning as fsrs-rs `FSRS::memory_state` without a starting state:
    /// the first review initialises the state; a later review 0 days after
    /// the previous one uses the same-day formula. Stability is capped at
    /// 36,500 days, as there.
    ///
    /// ```
    /// use learnloop::srs::{Fsrs, Rating};
    /// let m = Fsrs::default().memory_state([(Rating::Again, 0), (Rating::Good, 1)])?;
    /// assert!(m.stability > 0.212);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn memory_state<I, R>(&self, history: I) -> Result<MemoryState>
    where
        I: IntoIterator<Item = R>,
        R: Into<ReviewDelta>,
    {
        self.fold_history(None, history)
    }

    /// Like [`Fsrs::memory_state`], continuing from `start` (for example the
    /// state [`Fsrs::memory_state_from_sm2`] gave a card with a truncated history).
    pub fn memory_state_from<I, R>(&self, start: MemoryState, history: I) -> Result<MemoryState>
    where
        I: IntoIterator<Item = R>,
        R: Into<ReviewDelta>,
    {
        check_memory_finite("starting_state", &start)?;
        self.fold_history(Some(start), history)
    }

    fn fold_history<I, R>(&self, start: Option<MemoryState>, history: I) -> Result<MemoryState>
    where
        I: IntoIterator<Item = R>,
        R: Into<ReviewDelta>,
    {
        let mut memory = start;
        for review in history {
            let review = review.into();
            memory = Some(match memory {
                None => self.initial_state(review.rating),
                Some(m) => {
                    let clamped = MemoryState {
                        stability: m.stability.clamp(STABILITY_MIN, STABILITY_MAX),
                        difficulty: m.difficulty.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY),
                    };
                    let mut next =
                        self.step(Some(clamped), i64::from(review.days_elapsed), review.rating);
                    next.stability = next.stability.min(STABILITY_MAX);
                    next
                }
            });
        }
        memory.ok_or_else(|| {
            Error::invalid(
                "history",
                "is empty; a memory state needs at least one review",
            )
        })
    }

    /// The interval in days (unrounded) at which recall falls to
    /// `desired_retention`. `stability` None means a new card, whose initial
    /// stability for `rating` is used (`rating` is otherwise ignored).
    ///
    /// Same meaning as fsrs-rs `FSRS::next_interval`.
    pub fn next_interval(
        &self,
        stability: Option<f64>,
        desired_retention: f64,
        rating: Rating,
    ) -> f64 {
        let s = stability.unwrap_or_else(|| self.initial_stability(rating));
        s * self.interval_factor(desired_retention)
    }

    /// Approximate the memory state of a card that was scheduled by SM-2,
    /// from its ease factor, its current interval (days) and the retention
    /// SM-2 achieved for the learner (0.9 is a common assumption).
    ///
    /// Stability is the interval that would give `sm2_retention`; difficulty
    /// is chosen so that FSRS's stability increase after a Good review at that
    /// retention equals the ease factor (the approach of fsrs-rs
    /// `memory_state_from_sm2`).
    ///
    /// ```
    /// use learnloop::srs::Fsrs;
    /// let m = Fsrs::default().memory_state_from_sm2(2.5, 10.0, 0.9)?;
    /// assert!((m.stability - 10.0).abs() < 1e-9);
    /// assert!((1.0..=10.0).contains(&m.difficulty));
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn memory_state_from_sm2(
        &self,
        ease_factor: f64,
        interval: f64,
        sm2_retention: f64,
    ) -> Result<MemoryState> {
        check_retention("sm2_retention", sm2_retention)?;
        if !ease_factor.is_finite() || ease_factor < 1.0 {
            return Err(Error::invalid(
                "ease_factor",
                format!("{ease_factor} is not a finite number >= 1"),
            ));
        }
        if !interval.is_finite() || interval < 0.0 {
            return Err(Error::invalid(
                "interval",
                format!("{interval} is not a finite number >= 0"),
            ));
        }
        let w = self.w();
        let stability = interval.max(STABILITY_MIN) / self.interval_factor(sm2_retention);
        let difficulty = 11.0
            - (ease_factor - 1.0)
                / (math::exp(w[8] - w[9] * math::ln(stability))
                    * math::expm1((1.0 - sm2_retention) * w[10]));
        if !stability.is_finite() || !difficulty.is_finite() {
            return Err(Error::invalid(
                "ease_factor",
                "gives no finite memory state with these parameters",
            ));
        }
        Ok(MemoryState {
            stability,
            difficulty: difficulty.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY),
        })
    }

    // ----- card scheduling ---------------------------------------------------

    /// Whole-day review interval for a stability: rounded half to even (as
    /// Python's `round`, which py-fsrs uses), at least 1, at most the maximum.
    pub fn review_interval(&self, stability: f64) -> u32 {
        let days = math::round_half_even(stability * self.interval_per_stability);
        (days.max(1.0).min(f64::from(self.maximum_interval))) as u32
    }

    fn shaped_interval(
        &self,
        stability: f64,
        card: &Card,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> u32 {
        self.shaping.apply(
            self.review_interval(stability),
            self.maximum_interval,
            &card.id,
            card.reps + 1,
            now,
            load,
        )
    }

    /// The card's memory before this review: its FSRS state, or one derived
    /// from its SM-2 state (a card migrating from SM-2), or none if new.
    #[inline]
    fn prior_memory(&self, card: &Card) -> Result<Option<MemoryState>> {
        match card.memory {
            Some(m) => Ok(Some(m)),
            None => self.prior_memory_without_fsrs(card),
        }
    }

    fn prior_memory_without_fsrs(&self, card: &Card) -> Result<Option<MemoryState>> {
        match (card.state, card.sm2) {
            (State::New, _) | (State::Learning, None) => Ok(None),
            (_, Some(sm2)) => self
                .memory_state_from_sm2(
                    sm2.ease_factor,
                    f64::from(card.scheduled_days.max(1)),
                    DEFAULT_DESIRED_RETENTION,
                )
                .map(Some),
            (state, None) => Err(Error::invalid(
                "card.memory",
                format!("a card in state {state} needs a memory state (or an SM-2 state)"),
            )),
        }
    }
}

/// Delay for a learning or relearning step, as py-fsrs computes it.
fn step_delay(steps: &[TimeDelta], step: usize, rating: Rating) -> TimeDelta {
    match rating {
        Rating::Hard if step == 0 && steps.len() == 1 => steps[0] * 3 / 2,
        Rating::Hard if step == 0 => (steps[0] + steps[1]) / 2,
        _ => steps[step],
    }
}

enum Next {
    Step(u32, TimeDelta),
    Review(u32),
}

/// The fields a review changes on a card: everything but the id, so a batch
/// can be computed without copying ids and applied in place.
#[derive(Clone, Copy)]
struct CardUpdate {
    state: State,
    step: Option<u32>,
    due: DateTime<Utc>,
    memory: MemoryState,
    last_review: DateTime<Utc>,
    scheduled_days: u32,
    reps: u32,
    lapses: u32,
    elapsed_days: u32,
}

impl CardUpdate {
    fn apply(&self, card: &mut Card) {
        card.state = self.state;
        card.step = self.step;
        card.due = self.due;
        card.memory = Some(self.memory);
        card.last_review = Some(self.last_review);
        card.scheduled_days = self.scheduled_days;
        card.reps = self.reps;
        card.lapses = self.lapses;
    }
}

/// Write `updates[i]` into `cards[i]`; how many cards are then not ready
/// for a batch (see [`CardBatch`]).
fn apply_all(cards: &mut [Card], updates: &[CardUpdate]) -> usize {
    let mut unready = 0;
    for (card, update) in cards.iter_mut().zip(updates) {
        update.apply(card);
        unready += usize::from(!card.batch_ready());
    }
    unready
}

/// Below this many cards per thread, spawning costs more than it saves.
#[cfg(not(target_family = "wasm"))]
const MIN_CARDS_PER_THREAD: usize = 16_384;

/// Cards whose memory steps [`Fsrs::recall_steps`] computes side by side.
const STEP_LANES: usize = 4;

/// Cards a batch worker takes at a time: a few hundred microseconds of work,
/// small enough that the workers finish within one block of each other.
const BLOCK: usize = 2_048;

/// Threads worth using for a batch of `cards` cards (1 on wasm, which has
/// no threads).
fn batch_workers(cards: usize) -> usize {
    #[cfg(not(target_family = "wasm"))]
    return std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(cards / MIN_CARDS_PER_THREAD)
        .max(1);
    #[cfg(target_family = "wasm")]
    {
        let _ = cards;
        1
    }
}

/// Runs `work` on every numbered block on `workers` threads: the calling
/// thread and `workers - 1` scoped ones, each taking the next block when
/// done with one. A core slowed by other work (a shared machine, a phone's
/// little cores) then takes fewer blocks instead of holding up the batch,
/// as an equal split would. Every block is run; the error of the
/// lowest-numbered failing block is returned, and a panic is passed on.
fn in_blocks<B: Send>(
    workers: usize,
    blocks: impl Iterator<Item = (usize, B)> + Send,
    work: impl Fn(usize, B) -> Result<()> + Sync,
) -> Result<()> {
    use std::sync::{Mutex, PoisonError};
    let queue = Mutex::new(blocks);
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    let run = || {
        loop {
            // A panic elsewhere poisons nothing that matters here: the
            // iterator and the slot stay consistent between calls.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((i, block)) = next else { break };
            if let Err(error) = work(i, block) {
                let mut slot = first_error.lock().unwrap_or_else(PoisonError::into_inner);
                if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                    *slot = Some((i, error));
                }
            }
        }
    };
    if workers <= 1 {
        run();
    } else {
        #[cfg(not(target_family = "wasm"))]
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(run)).collect();
            run();
            helpers.into_iter().for_each(joined);
        });
        #[cfg(target_family = "wasm")]
        run();
    }
    match first_error
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

impl Fsrs {
    fn next_card(
        &self,
        card: &Card,
        rating: Rating,
        now: &ReviewTime,
        load: Option<&DueLoad>,
    ) -> Result<CardUpdate> {
        card.validate()?;
        self.next_card_of_valid(card, rating, now, load)
    }

    /// [`Fsrs::next_card`] for a card already validated.
    fn next_card_of_valid(
        &self,
        card: &Card,
        rating: Rating,
        time: &ReviewTime,
        load: Option<&DueLoad>,
    ) -> Result<CardUpdate> {
        self.next_card_stepped(card, rating, time, load, None)
    }

    /// The memory steps of a block of cards that are recalled after at
    /// least a day: for those cards, `Some((elapsed days, new memory))`,
    /// the same values [`Fsrs::step`] gives; `None` for the others.
    ///
    /// Each stage of the formula runs over every card of the block before
    /// the next stage starts. One card's step is a chain of dependent
    /// logarithms and exponentials, and a card's whole review is too long
    /// for the processor to start the next card's chain while this one
    /// waits; computed stage by stage, the cards' chains run side by side.
    /// Every card still goes through the same operations in the same order,
    /// so the results are the same bits.
    fn recall_steps(
        &self,
        cards: &[Card],
        ratings: &[Rating],
        time: &ReviewTime,
        timestamps: &mut Timestamps,
    ) -> [Option<(i64, MemoryState)>; STEP_LANES] {
        let mut elapsed = [1i64; STEP_LANES];
        let mut memory = [MemoryState {
            stability: 2.0,
            difficulty: 5.0,
        }; STEP_LANES];
        let mut recalled = [false; STEP_LANES];
        for (i, (card, rating)) in cards.iter().zip(ratings).enumerate() {
            if let (Some(m), Some(last), true) = (card.memory, card.last_review, rating.is_pass())
                && last <= time.at()
            {
                let days = time.whole_days_since_in(last, timestamps);
                if days >= 1 {
                    (elapsed[i], memory[i], recalled[i]) = (days, m, true);
                }
            }
        }
        let mut out = [None; STEP_LANES];
        // New and learning cards, lapses and same-day reviews take `step`.
        if !recalled.contains(&true) {
            return out;
        }
        // The stages of `step` for a recall: ln R and ln S, then R and the
        // stability's growth factor, then the gain and the new state. Lanes
        // without a recall compute on placeholder values (a day at
        // stability 2, inside every function's table range) and are ignored.
        let ratio: [f64; STEP_LANES] =
            std::array::from_fn(|i| self.decay_ratio(elapsed[i] as f64, memory[i].stability));
        let log_r = math::lanes(math::ln_1p_lanes(ratio), |l| self.decay * l);
        let stability: [f64; STEP_LANES] = std::array::from_fn(|i| memory[i].stability);
        let ln_s = math::ln_lanes(stability);
        let r = math::exp_lanes(log_r);
        let growth = math::exp_lanes(math::lanes(ln_s, |l| self.growth_exponent(l)));
        let surprise_m1 = math::expm1_lanes(math::lanes(r, |r| self.surprise(r)));
        for i in 0..STEP_LANES {
            if recalled[i] {
                let m = memory[i];
                let gain = self.recall_gain_from(growth[i], m.difficulty, surprise_m1[i]);
                let stepped = MemoryState {
                    stability: self.recall_stability(m.stability, gain, ratings[i]),
                    difficulty: self.next_difficulty(m.difficulty, ratings[i]),
                };
                out[i] = Some((elapsed[i], stepped));
            }
        }
        out
    }

    /// [`Fsrs::next_card_of_valid`], with the card's elapsed days and new
    /// memory state already computed if `stepped` is given.
    fn next_card_stepped(
        &self,
        card: &Card,
        rating: Rating,
        time: &ReviewTime,
        load: Option<&DueLoad>,
        stepped: Option<(i64, MemoryState)>,
    ) -> Result<CardUpdate> {
        let now = time.at();
        let (elapsed, prior, memory) = match stepped {
            Some((days, memory)) => (Some(days), card.memory, memory),
            None => {
                let elapsed = card.elapsed_days(time)?;
                let prior = self.prior_memory(card)?;
                (
                    elapsed,
                    prior,
                    self.step(prior, elapsed.unwrap_or(0), rating),
                )
            }
        };

        let in_steps = |steps: &[TimeDelta], step: usize| -> Next {
            if steps.is_empty() || (step >= steps.len() && rating.is_pass()) {
                return Next::Review(self.shaped_interval(memory.stability, card, now, load));
            }
            match rating {
                Rating::Again => Next::Step(0, steps[0]),
                Rating::Hard => Next::Step(step as u32, step_delay(steps, step, rating)),
                Rating::Good if step + 1 < steps.len() => {
                    Next::Step(step as u32 + 1, steps[step + 1])
                }
                Rating::Good | Rating::Easy => {
                    Next::Review(self.shaped_interval(memory.stability, card, now, load))
                }
            }
        };

        let step = card.step.unwrap_or(0) as usize;
        let next = match card.state {
            State::New | State::Learning => in_steps(&self.learning_steps, step),
            State::Relearning => in_steps(&self.relearning_steps, step),
            State::Review => match rating {
                Rating::Again if !self.relearning_steps.is_empty() => {
                    Next::Step(0, self.relearning_steps[0])
                }
                Rating::Again => {
                    Next::Review(self.shaped_interval(memory.stability, card, now, load))
                }
                _ if self.interval_order => {
                    Next::Review(self.ordered_interval(card, prior, elapsed, rating, now, load))
                }
                _ => Next::Review(self.shaped_interval(memory.stability, card, now, load)),
            },
        };

        let (state, step, due, scheduled_days) = match next {
            Next::Review(days) => (State::Review, None, time.after_days(days)?, days),
            Next::Step(step, delay) => {
                let state = if card.state == State::Review || card.state == State::Relearning {
                    State::Relearning
                } else {
                    State::Learning
                };
                let days = delay.num_days().max(0) as u32;
                (state, Some(step), time.after(delay)?, days)
            }
        };
        let lapsed = card.state == State::Review && rating == Rating::Again;
        Ok(CardUpdate {
            state,
            step,
            due,
            memory,
            last_review: now,
            scheduled_days,
            reps: card.reps + 1,
            lapses: card.lapses + u32::from(lapsed),
            elapsed_days: elapsed.unwrap_or(0).max(0) as u32,
        })
    }

    /// Updates for `cards[i]` rated `ratings[i]`, or the first failure
    /// (by index) as [`Error::InBatch`].
    fn next_cards(
        &self,
        cards: &[Card],
        ratings: &[Rating],
        now: &ReviewTime,
        offset: usize,
    ) -> Result<Vec<CardUpdate>> {
        cards
            .iter()
            .zip(ratings)
            .enumerate()
            .map(|(i, (card, &rating))| {
                self.next_card(card, rating, now, None)
                    .map_err(|error| Error::in_batch(offset + i, error))
            })
            .collect()
    }
}

impl Scheduler for Fsrs {
    fn schedule(
        &self,
        card: &Card,
        rating: Rating,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> Result<ReviewOutcome> {
        let update = self.next_card(card, rating, &ReviewTime::new(now), load)?;
        let mut reviewed = Card {
            id: card.id.clone(),
            ..*card
        };
        update.apply(&mut reviewed);
        let log = ReviewLog {
            card_id: card.id.clone(),
            rating,
            state: card.state,
            reviewed_at: now,
            elapsed_days: update.elapsed_days,
            scheduled_days: update.scheduled_days,
            duration_ms: None,
        };
        Ok(ReviewOutcome {
            card: reviewed,
            log,
        })
    }

    /// The FSRS batch path: no card is copied, and on native targets large
    /// batches are split across the available cores (scoped threads, joined
    /// before returning). All or nothing, as the trait promises.
    fn review_in_place(
        &self,
        cards: &mut [Card],
        ratings: &[Rating],
        now: DateTime<Utc>,
    ) -> Result<()> {
        super::check_batch_len(cards.len(), ratings.len())?;
        self.review_cards(cards, ratings, now, false).map(|_| ())
    }

    /// As [`Fsrs::review_in_place`], without the pass that checks every card
    /// first when the batch vouches for them (see [`CardBatch`]).
    fn review_batch(
        &self,
        batch: &mut CardBatch,
        ratings: &[Rating],
        now: DateTime<Utc>,
    ) -> Result<()> {
        super::check_batch_len(batch.len(), ratings.len())?;
        let checked = batch.ready_at(now);
        let result = self.review_cards(batch.cards_mut(), ratings, now, checked);
        batch.reviewed(now, result)
    }
}

/// The due dates of a batch's review intervals, kept by interval: every
/// card of a batch is reviewed at the same instant and its intervals take
/// few distinct values, so most cards find their date here instead of
/// computing it (a call into chrono that took a tenth of a card's review).
struct DueDates<'a> {
    time: &'a ReviewTime,
    /// Slot `days % DUE_DATE_SLOTS` holds the date of its last `days`
    /// (`u64::MAX`: empty).
    slots: [(u64, DateTime<Utc>); DUE_DATE_SLOTS],
}

const DUE_DATE_SLOTS: usize = 256;

impl<'a> DueDates<'a> {
    fn new(time: &'a ReviewTime) -> Self {
        DueDates {
            time,
            slots: [(u64::MAX, time.at()); DUE_DATE_SLOTS],
        }
    }

    /// [`ReviewTime::after_days`], remembered.
    #[inline]
    fn after_days(&mut self, days: u32) -> Result<DateTime<Utc>> {
        let slot = &mut self.slots[days as usize % DUE_DATE_SLOTS];
        if slot.0 != u64::from(days) {
            *slot = (u64::from(days), self.time.after_days(days)?);
        }
        Ok(slot.1)
    }
}

/// Join a scoped thread, passing its panic on.
#[cfg(not(target_family = "wasm"))]
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

impl Fsrs {
    /// Reviews `cards` in place, all or nothing, and returns how many of the
    /// reviewed cards are not ready for a batch (see [`CardBatch`]).
    ///
    /// Two passes over blocks of cards that the cores take in turn (see
    /// [`in_blocks`]). The first checks every card for what can make its
    /// review fail (see [`Fsrs::check_reviewable`]), writing nothing, and
    /// reports the first failing index; `checked` skips it, for cards the
    /// caller knows to be ready and not reviewed after `now`. The second
    /// computes each card's update and writes it at once, so no list of
    /// updates is built (that list cost a fifth of the batch: 7 MB written
    /// and read back per 100,000 cards). When a review at `now` could
    /// schedule a date past chrono's range, the updates are all computed
    /// before any is written instead.
    fn review_cards(
        &self,
        cards: &mut [Card],
        ratings: &[Rating],
        now: DateTime<Utc>,
        checked: bool,
    ) -> Result<usize> {
        let workers = batch_workers(cards.len());
        if !self.delays_fit(now) {
            return self.review_cards_gathered(cards, ratings, now, workers);
        }
        let now = ReviewTime::new(now);
        if !checked {
            in_blocks(workers, cards.chunks(BLOCK).enumerate(), |i, cards| {
                self.check_all(cards, &now, i * BLOCK)
            })?;
        }
        let unready = std::sync::atomic::AtomicUsize::new(0);
        let blocks = cards.chunks_mut(BLOCK).zip(ratings.chunks(BLOCK));
        in_blocks(workers, blocks.enumerate(), |i, (cards, ratings)| {
            let n = self.write_all(cards, ratings, &now, i * BLOCK)?;
            unready.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })?;
        Ok(unready.into_inner())
    }

    /// Computes every update (in parallel, see [`in_blocks`]), and writes
    /// them only if all succeeded.
    fn review_cards_gathered(
        &self,
        cards: &mut [Card],
        ratings: &[Rating],
        now: DateTime<Utc>,
        workers: usize,
    ) -> Result<usize> {
        let now = ReviewTime::new(now);
        let mut parts: Vec<Vec<CardUpdate>> = vec![Vec::new(); cards.len().div_ceil(BLOCK)];
        let blocks = cards
            .chunks(BLOCK)
            .zip(ratings.chunks(BLOCK))
            .zip(parts.iter_mut());
        in_blocks(
            workers,
            blocks.enumerate(),
            |i, ((cards, ratings), part)| {
                *part = self.next_cards(cards, ratings, &now, i * BLOCK)?;
                Ok(())
            },
        )?;
        Ok(cards
            .chunks_mut(BLOCK)
            .zip(&parts)
            .map(|(cards, updates)| apply_all(cards, updates))
            .sum())
    }

    /// [`Fsrs::check_reviewable`] on each card; the first failure by index.
    fn check_all(&self, cards: &[Card], now: &ReviewTime, offset: usize) -> Result<()> {
        for (i, card) in cards.iter().enumerate() {
            self.check_reviewable(card, now.at())
                .map_err(|error| Error::in_batch(offset + i, error))?;
        }
        Ok(())
    }

    /// Reviews and writes each card in turn, and returns how many of them
    /// are not ready for a batch afterwards. Only after [`Fsrs::check_all`]
    /// passed for these cards (or they are known ready) and
    /// [`Fsrs::delays_fit`] for `now`, when no review can fail; an error
    /// would still be returned, not hidden.
    ///
    /// The cards go four at a time through [`Fsrs::recall_steps`]. A
    /// recalled card in review, when nothing shapes intervals (the usual
    /// batch of due cards), then only needs its interval and due date, and
    /// is written field by field; every other card takes
    /// [`Fsrs::next_card_stepped`]. `review_in_place_matches_review_many`
    /// checks that both give the one-card path's cards exactly.
    fn write_all(
        &self,
        cards: &mut [Card],
        ratings: &[Rating],
        now: &ReviewTime,
        offset: usize,
    ) -> Result<usize> {
        let mut unready = 0;
        let plain = self.plain_recalls();
        let mut due_dates = DueDates::new(now);
        let mut timestamps = Timestamps::default();
        let blocks = cards.chunks_mut(STEP_LANES).zip(ratings.chunks(STEP_LANES));
        for (b, (cards, ratings)) in blocks.enumerate() {
            let stepped = self.recall_steps(cards, ratings, now, &mut timestamps);
            for (i, ((card, &rating), stepped)) in
                cards.iter_mut().zip(ratings).zip(stepped).enumerate()
            {
                if let (true, Some((_, memory))) = (plain && card.state == State::Review, stepped) {
                    // What `next_card_stepped` gives a recalled card in
                    // review when nothing shapes its interval, written
                    // without building the whole update.
                    let days = self.review_interval(memory.stability);
                    card.due = due_dates
                        .after_days(days)
                        .map_err(|error| Error::in_batch(offset + b * STEP_LANES + i, error))?;
                    card.step = None;
                    card.memory = Some(memory);
                    card.last_review = Some(now.at());
                    card.scheduled_days = days;
                    card.reps += 1;
                    unready += usize::from(!memory.is_valid());
                    continue;
                }
                // `check_all` validated the card, or the batch knew it ready.
                let update = self
                    .next_card_stepped(card, rating, now, None, stepped)
                    .map_err(|error| Error::in_batch(offset + b * STEP_LANES + i, error))?;
                update.apply(card);
                // The card was consistent before (checked, or known ready), and
                // the review gave it a last review and this memory state: it is
                // ready if the state is valid.
                unready += usize::from(!update.memory.is_valid());
            }
        }
        Ok(unready)
    }

    /// Whether a card in review that is recalled after at least a day gets
    /// nothing but its new memory state and the plain review interval of
    /// its new stability: no interval shaping (a batch passes no due load)
    /// and no ordering of the intervals of the passing ratings.
    fn plain_recalls(&self) -> bool {
        !self.interval_order && self.shaping.shapes_nothing_without_load()
    }

    /// Every way [`Fsrs::next_card`] can fail on `card` at `now`, except a
    /// due date past chrono's range (see [`Fsrs::delays_fit`]): an invalid
    /// card, a review before the last one, a reviewed card without a
    /// memory state. Computes no review.
    fn check_reviewable(&self, card: &Card, now: DateTime<Utc>) -> Result<()> {
        card.validate()?;
        card.check_not_before_last_review(now)?;
        self.prior_memory(card).map(|_| ())
    }

    /// Whether every due date a review at `now` can schedule is
    /// representable: at most the maximum interval, or a (re)learning step
    /// (Hard on the first step waits at most one and a half steps).
    fn delays_fit(&self, now: DateTime<Utc>) -> bool {
        let longest_step = self
            .learning_steps
            .iter()
            .chain(&self.relearning_steps)
            .max()
            .copied()
            .unwrap_or_default();
        let longest = TimeDelta::days(i64::from(self.maximum_interval))
            .max(longest_step.checked_mul(2).unwrap_or(TimeDelta::MAX));
        now.checked_add_signed(longest).is_some()
    }
}

impl Fsrs {
    /// Review interval of a passing rating with Hard < Good < Easy enforced:
    /// good >= hard + 1 and easy >= good + 1, within the maximum interval.
    fn ordered_interval(
        &self,
        card: &Card,
        prior: Option<MemoryState>,
        elapsed: Option<i64>,
        rating: Rating,
        now: DateTime<Utc>,
        load: Option<&DueLoad>,
    ) -> u32 {
        let days = |r: Rating| {
            let m = self.step(prior, elapsed.unwrap_or(0), r);
            self.shaped_interval(m.stability, card, now, load)
        };
        let max = self.maximum_interval;
        let hard = days(Rating::Hard);
        if rating == Rating::Hard {
            return hard;
        }
        let good = days(Rating::Good).max(hard + 1).min(max);
        if rating == Rating::Good {
            return good;
        }
        days(Rating::Easy).max(good + 1).min(max)
    }
}

fn check_retention(field: &str, r: f64) -> Result<()> {
    if r > 0.0 && r < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{r} is not strictly between 0 and 1"),
        ))
    }
}

/// Steps must be positive and at most 100 years (so step arithmetic cannot overflow).
pub(crate) fn check_steps(field: &str, steps: &[TimeDelta]) -> Result<()> {
    for (i, s) in steps.iter().enumerate() {
        if *s <= TimeDelta::zero() || *s > TimeDelta::days(36500) {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                format!("{s} is not a positive duration of at most 36500 days"),
            ));
        }
    }
    Ok(())
}

fn check_memory_finite(field: &str, m: &MemoryState) -> Result<()> {
    if !m.stability.is_finite() || m.stability < 0.0 {
        return Err(Error::invalid(
            format!("{field}.stability"),
            format!("{} is not a finite number >= 0", m.stability),
        ));
    }
    if !m.difficulty.is_finite() {
        return Err(Error::invalid(
            format!("{field}.difficulty"),
            format!("{} is not finite", m.difficulty),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Intervals that share a slot, asked in turn and again, each get the
    /// date of their own interval (or its error).
    #[test]
    fn due_dates_are_those_of_their_interval() {
        let now = Utc.with_ymd_and_hms(2026, 12, 30, 9, 0, 0).unwrap();
        let time = ReviewTime::new(now);
        let mut due_dates = DueDates::new(&time);
        let slots = DUE_DATE_SLOTS as u32;
        let intervals = [
            0,
            slots,
            0,
            1,
            slots + 1,
            36_500,
            36_500 - slots,
            1,
            u32::MAX,
        ];
        for days in intervals.into_iter().chain(intervals) {
            let want = time.after_days(days).map_err(|e| e.field().to_owned());
            let got = due_dates.after_days(days).map_err(|e| e.field().to_owned());
            assert_eq!(got, want, "{days} days");
        }
    }
}
