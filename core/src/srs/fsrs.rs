//! The FSRS-6 scheduler: the memory model of [`super::model`] driving a
//! card through learning steps, review and relearning. The card-level rules
//! (steps, same-day reviews, interval rounding) follow py-fsrs 6.3.
//!
//! A review is two parts, as a state machine: [`Fsrs::prepare`] holds every
//! way a review can fail (it only reads the card), and the transitions
//! ([`Fsrs::from_learning`], [`Fsrs::from_review`]) decide the next state,
//! step and interval, and cannot fail. Every review, single or batch, goes
//! through both.

use super::card::{Card, CardUpdate, MemoryState};
use super::model::{
    MemoryModel, NextStates, ReviewDelta, check_memory_finite, check_retention, check_stability,
};
use super::params::{
    DEFAULT_DESIRED_RETENTION, DEFAULT_MAXIMUM_INTERVAL, DEFAULT_PARAMETERS, Parameters,
};
use super::shaping::{EasyDays, IntervalShaping};
use super::steps::{StepMove, check_steps, hard_on_single_step, next_step};
use super::{Rating, ReviewContext, Scheduler, State};
use crate::{Error, Result, Timestamp};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// Settings of [`Fsrs`], each with its documented default
/// (`FsrsOptions::default()`); in serialized form every field may be
/// omitted. Steps are whole seconds in serialized form.
///
/// ```
/// use learnloop::srs::{Fsrs, FsrsOptions};
/// let options: FsrsOptions = learnloop::json::from_json(r#"{"desired_retention": 0.85}"#)?;
/// assert_eq!(options.maximum_interval, 36500);
/// let fsrs = Fsrs::new(options)?;
/// assert_eq!(fsrs.options().desired_retention, 0.85);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FsrsOptions {
    /// 17 (FSRS-4.5), 19 (FSRS-5) or 21 (FSRS-6) parameters, upgraded and
    /// checked by [`Parameters::new`]; the FSRS-6 defaults
    /// ([`super::DEFAULT_PARAMETERS`]).
    pub parameters: Vec<f64>,
    /// Probability of recall the intervals aim for, strictly between 0 and
    /// 1 (0.9).
    pub desired_retention: f64,
    /// Learning steps, each positive and at most 100 years; empty graduates
    /// at once (1 and 10 minutes).
    #[cfg_attr(feature = "tsify", tsify(type = "number[]"))]
    #[serde(with = "crate::json::seconds")]
    pub learning_steps: Vec<TimeDelta>,
    /// Relearning steps after a lapse, as the learning steps (10 minutes).
    #[cfg_attr(feature = "tsify", tsify(type = "number[]"))]
    #[serde(with = "crate::json::seconds")]
    pub relearning_steps: Vec<TimeDelta>,
    /// Longest interval in days, at least 1 (36,500).
    pub maximum_interval: u32,
    /// Spread review intervals over Anki's fuzz range, deterministically
    /// per card and review count (false).
    pub enable_fuzzing: bool,
    /// Pick the least-loaded day of the fuzz range when a due-count
    /// histogram is given (false).
    pub load_balancing: bool,
    /// Relative capacity of each weekday, Monday first (none).
    pub easy_days: Option<EasyDays>,
    /// Force Hard < Good < Easy review intervals, at least a day apart, as
    /// Anki does (false: py-fsrs does not, and two ratings may then round
    /// to the same day).
    pub interval_order: bool,
}

impl Default for FsrsOptions {
    fn default() -> Self {
        FsrsOptions {
            parameters: DEFAULT_PARAMETERS.to_vec(),
            desired_retention: DEFAULT_DESIRED_RETENTION,
            learning_steps: vec![TimeDelta::minutes(1), TimeDelta::minutes(10)],
            relearning_steps: vec![TimeDelta::minutes(10)],
            maximum_interval: DEFAULT_MAXIMUM_INTERVAL,
            enable_fuzzing: false,
            load_balancing: false,
            easy_days: None,
            interval_order: false,
        }
    }
}

/// The FSRS-6 scheduler, built from [`FsrsOptions`].
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
    /// The settings, the parameters upgraded to FSRS-6's 21.
    options: FsrsOptions,
    parameters: Parameters,
    model: MemoryModel,
    shaping: IntervalShaping,
    /// Days of interval per day of stability at the desired retention.
    interval_per_stability: f64,
    /// The latest time a review may happen at: the longest delay these
    /// settings can schedule must fit after it (see [`Fsrs::prepare`]).
    latest_review: Timestamp,
}

impl Default for Fsrs {
    fn default() -> Self {
        Fsrs::from_parameters(Parameters::default())
    }
}

/// What [`Fsrs::prepare`] found about a card: all a transition needs
/// besides the card and the rating.
#[derive(Debug, Clone, Copy)]
struct Prepared {
    /// Whole days since the last review (`None`: never reviewed).
    elapsed: Option<i64>,
    /// The memory before this review (`None`: none yet).
    prior: Option<MemoryState>,
}

/// Where a transition sends the card.
enum Next {
    /// A (re)learning step: its index and its delay.
    Step(u32, TimeDelta),
    /// Review, due in this many whole days.
    Review(u32),
}

impl Fsrs {
    /// A scheduler with these settings, after checking each of them (the
    /// error names the field).
    pub fn new(mut options: FsrsOptions) -> Result<Self> {
        let parameters = Parameters::new(&options.parameters)?;
        options.parameters = parameters.as_slice().to_vec();
        check_retention("desired_retention", options.desired_retention)?;
        check_steps("learning_steps", &options.learning_steps)?;
        check_steps("relearning_steps", &options.relearning_steps)?;
        let shaping = IntervalShaping::new(
            options.maximum_interval,
            options.enable_fuzzing,
            options.load_balancing,
            options.easy_days,
        )?;
        let model = MemoryModel::new(&parameters);
        let longest_step = options
            .learning_steps
            .iter()
            .chain(&options.relearning_steps)
            .max()
            .copied()
            .unwrap_or_default();
        let longest_delay = TimeDelta::days(i64::from(options.maximum_interval))
            .max(hard_on_single_step(longest_step, None));
        Ok(Fsrs {
            interval_per_stability: model.interval_factor(options.desired_retention),
            latest_review: Timestamp::MAX - longest_delay,
            model,
            shaping,
            parameters,
            options,
        })
    }

    /// A scheduler with the given parameters (17, 19 or 21 values; older
    /// generations are upgraded) and every other setting at its default.
    pub fn with_parameters(parameters: &[f64]) -> Result<Self> {
        Ok(Fsrs::from_parameters(Parameters::new(parameters)?))
    }

    /// A scheduler from already validated parameters.
    pub fn from_parameters(parameters: Parameters) -> Self {
        Fsrs::new(FsrsOptions {
            parameters: parameters.as_slice().to_vec(),
            ..FsrsOptions::default()
        })
        .unwrap_or_else(|e| unreachable!("the default options are valid: {e}"))
    }

    /// The settings.
    pub fn options(&self) -> &FsrsOptions {
        &self.options
    }

    /// These settings with `change` applied, checked again.
    fn changed(&self, change: impl FnOnce(&mut FsrsOptions)) -> Result<Self> {
        let mut options = self.options.clone();
        change(&mut options);
        Fsrs::new(options)
    }

    /// Set the desired retention, strictly between 0 and 1.
    pub fn with_desired_retention(self, desired_retention: f64) -> Result<Self> {
        self.changed(|o| o.desired_retention = desired_retention)
    }

    /// Set the learning steps (each positive; may be empty to graduate at once).
    pub fn with_learning_steps(self, steps: Vec<TimeDelta>) -> Result<Self> {
        self.changed(|o| o.learning_steps = steps)
    }

    /// Set the relearning steps (each positive; may be empty).
    pub fn with_relearning_steps(self, steps: Vec<TimeDelta>) -> Result<Self> {
        self.changed(|o| o.relearning_steps = steps)
    }

    /// Set the maximum interval in days (at least 1).
    pub fn with_maximum_interval(self, days: u32) -> Result<Self> {
        self.changed(|o| o.maximum_interval = days)
    }

    /// The parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.parameters
    }

    /// The desired retention.
    pub fn desired_retention(&self) -> f64 {
        self.options.desired_retention
    }

    /// The maximum interval in days.
    pub fn maximum_interval(&self) -> u32 {
        self.options.maximum_interval
    }

    // ----- the memory model -------------------------------------------------

    /// Probability of recall after `elapsed_days` (finite, >= 0) at
    /// `stability` (positive, finite).
    ///
    /// ```
    /// use learnloop::srs::Fsrs;
    /// let fsrs = Fsrs::default();
    /// assert!((fsrs.retrievability(10.0, 10.0)? - 0.9).abs() < 1e-12);
    /// assert_eq!(fsrs.retrievability(0.0, 3.0)?, 1.0);
    /// assert_eq!(fsrs.retrievability(1.0, -3.0).unwrap_err().field(), "stability");
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn retrievability(&self, elapsed_days: f64, stability: f64) -> Result<f64> {
        crate::learner::check_range("elapsed_days", elapsed_days, 0.0, f64::MAX)?;
        check_stability("stability", stability)?;
        Ok(self.model.retrievability(elapsed_days, stability))
    }

    /// The probability that `card` is recalled at `now` (0 for a card never
    /// reviewed). Elapsed time counts in whole days, as in py-fsrs.
    pub fn card_retrievability(&self, card: &Card, now: impl Into<Timestamp>) -> f64 {
        match (card.memory, card.last_review) {
            (Some(memory), Some(last)) => {
                let days = now.into().whole_days_since(last).max(0);
                self.model.retrievability(days as f64, memory.stability)
            }
            _ => 0.0,
        }
    }

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
        let factor = if desired_retention == self.options.desired_retention {
            self.interval_per_stability
        } else {
            self.model.interval_factor(desired_retention)
        };
        self.model.next_states(memory, factor, days_elapsed)
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
        self.model
            .fold_history(None, history.into_iter().map(Into::into))
    }

    /// Like [`Fsrs::memory_state`], continuing from `start` (for example the
    /// state [`Fsrs::memory_state_from_sm2`] gave a card with a truncated history).
    pub fn memory_state_from<I, R>(&self, start: MemoryState, history: I) -> Result<MemoryState>
    where
        I: IntoIterator<Item = R>,
        R: Into<ReviewDelta>,
    {
        check_memory_finite("starting_state", &start)?;
        self.model
            .fold_history(Some(start), history.into_iter().map(Into::into))
    }

    /// The interval in days (unrounded) at which recall falls to
    /// `desired_retention` (strictly between 0 and 1). `stability` (positive,
    /// finite) None means a new card, whose initial stability for `rating`
    /// is used (`rating` is otherwise ignored).
    ///
    /// Same meaning as fsrs-rs `FSRS::next_interval`.
    ///
    /// ```
    /// use learnloop::srs::{Fsrs, Rating};
    /// let fsrs = Fsrs::default();
    /// assert!((fsrs.next_interval(Some(5.0), 0.9, Rating::Good)? - 5.0).abs() < 1e-9);
    /// assert_eq!(fsrs.next_interval(Some(5.0), 2.0, Rating::Good).unwrap_err().field(), "desired_retention");
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn next_interval(
        &self,
        stability: Option<f64>,
        desired_retention: f64,
        rating: Rating,
    ) -> Result<f64> {
        if let Some(s) = stability {
            check_stability("stability", s)?;
        }
        check_retention("desired_retention", desired_retention)?;
        let s = stability.unwrap_or_else(|| self.model.initial_stability(rating));
        Ok(s * self.model.interval_factor(desired_retention))
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
        self.model
            .memory_from_sm2(ease_factor, interval, sm2_retention)
    }

    /// Whole-day review interval for a stability (positive, finite):
    /// rounded half to even (as Python's `round`, which py-fsrs uses), at
    /// least 1, at most the maximum.
    pub fn review_interval(&self, stability: f64) -> Result<u32> {
        check_stability("stability", stability)?;
        Ok(self.interval_of(stability))
    }

    /// [`Fsrs::review_interval`] of a stability the model computed.
    fn interval_of(&self, stability: f64) -> u32 {
        let days = crate::math::round_half_even(stability * self.interval_per_stability);
        (days.max(1.0).min(f64::from(self.options.maximum_interval))) as u32
    }

    // ----- the state machine ------------------------------------------------

    /// Every way a review of `card` at `now` can fail, and what the
    /// transitions need: an inconsistent card, a review before the last
    /// one, a reviewed card without a memory state (nor an SM-2 state to
    /// derive one from), a due date past the representable range (checked
    /// against the longest delay these settings can schedule).
    #[inline]
    fn prepare(&self, card: &Card, now: Timestamp) -> Result<Prepared> {
        card.check_argument()?;
        let elapsed = card.elapsed_days(now)?;
        let prior = match (card.memory, card.state, card.sm2) {
            (Some(memory), _, _) => Some(memory),
            // A card SM-2 scheduled: its memory derived from its ease.
            (None, state, Some(sm2)) if state != State::New => Some(self.model.memory_from_sm2(
                sm2.ease_factor,
                f64::from(card.scheduled_days.max(1)),
                DEFAULT_DESIRED_RETENTION,
            )?),
            // New, or learning without a state (checked above: nothing else is).
            _ => None,
        };
        if now > self.latest_review {
            return Err(too_late(now, self.latest_review));
        }
        Ok(Prepared { elapsed, prior })
    }

    /// The review of a prepared card: the new memory state, then the
    /// transition of its state.
    fn transition(
        &self,
        card: &Card,
        prepared: Prepared,
        rating: Rating,
        context: &ReviewContext<'_>,
    ) -> CardUpdate {
        let Prepared { elapsed, prior } = prepared;
        let memory = self.model.step(prior, elapsed.unwrap_or(0), rating);
        let step = card.step.unwrap_or(0) as usize;
        let next = match card.state {
            State::New | State::Learning => self.in_learning(
                &self.options.learning_steps,
                step,
                card,
                rating,
                memory,
                context,
            ),
            State::Relearning => self.in_learning(
                &self.options.relearning_steps,
                step,
                card,
                rating,
                memory,
                context,
            ),
            State::Review => self.in_review(card, prepared, rating, memory, context),
        };
        let now = context.now;
        // `prepare` checked that the longest delay fits after `now`.
        let (state, step, due, scheduled_days) = match next {
            Next::Review(days) => (State::Review, None, now.checked_add_days(days), days),
            Next::Step(step, delay) => {
                let state = match card.state {
                    State::Review | State::Relearning => State::Relearning,
                    State::New | State::Learning => State::Learning,
                };
                let days = delay.num_days().max(0) as u32;
                (state, Some(step), now.checked_add(delay), days)
            }
        };
        let lapsed = card.state == State::Review && rating == Rating::Again;
        CardUpdate {
            state,
            step,
            due: due.unwrap_or(Timestamp::MAX),
            memory: Some(memory),
            sm2: card.sm2,
            last_review: now,
            scheduled_days,
            logged_days: scheduled_days,
            reps: card.reps + 1,
            lapses: card.lapses + u32::from(lapsed),
            elapsed_days: elapsed.unwrap_or(0).max(0) as u32,
        }
    }

    /// From a new, learning or relearning card at `step` of `steps`: the
    /// steps' rule ([`next_step`], Hard on a single step uncapped, as in
    /// py-fsrs); graduating gets the interval of the new stability.
    fn in_learning(
        &self,
        steps: &[TimeDelta],
        step: usize,
        card: &Card,
        rating: Rating,
        memory: MemoryState,
        context: &ReviewContext<'_>,
    ) -> Next {
        match next_step(steps, step, rating, None) {
            StepMove::To(step, delay) => Next::Step(step, delay),
            StepMove::Graduate => {
                Next::Review(self.shaped_interval(memory.stability, card, context))
            }
        }
    }

    /// From review: Again lapses into the relearning steps (or straight to
    /// the post-lapse interval without steps); a pass gets the interval of
    /// its new stability, ordered Hard < Good < Easy if asked.
    fn in_review(
        &self,
        card: &Card,
        prepared: Prepared,
        rating: Rating,
        memory: MemoryState,
        context: &ReviewContext<'_>,
    ) -> Next {
        let relearning = &self.options.relearning_steps;
        match rating {
            Rating::Again if !relearning.is_empty() => Next::Step(0, relearning[0]),
            Rating::Hard | Rating::Good | Rating::Easy if self.options.interval_order => {
                Next::Review(self.ordered_interval(card, prepared, rating, context))
            }
            _ => Next::Review(self.shaped_interval(memory.stability, card, context)),
        }
    }

    /// The review interval of a stability after fuzz, load balancing and
    /// easy days.
    fn shaped_interval(&self, stability: f64, card: &Card, context: &ReviewContext<'_>) -> u32 {
        self.shaping.apply(
            self.interval_of(stability),
            &card.id,
            card.reps + 1,
            context,
        )
    }

    /// Review interval of a passing rating with Hard < Good < Easy enforced:
    /// good >= hard + 1 and easy >= good + 1, within the maximum interval.
    fn ordered_interval(
        &self,
        card: &Card,
        prepared: Prepared,
        rating: Rating,
        context: &ReviewContext<'_>,
    ) -> u32 {
        let days = |r: Rating| {
            let m = self
                .model
                .step(prepared.prior, prepared.elapsed.unwrap_or(0), r);
            self.shaped_interval(m.stability, card, context)
        };
        let max = self.options.maximum_interval;
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

impl Scheduler for Fsrs {
    fn next(&self, card: &Card, rating: Rating, context: &ReviewContext<'_>) -> Result<CardUpdate> {
        let prepared = self.prepare(card, context.now)?;
        Ok(self.transition(card, prepared, rating, context))
    }

    /// Checks the card and the time only: once those pass, no transition can fail.
    fn check(&self, card: &Card, _rating: Rating, context: &ReviewContext<'_>) -> Result<()> {
        self.prepare(card, context.now).map(drop)
    }
}

#[cold]
fn too_late(now: Timestamp, latest: Timestamp) -> Error {
    Error::invalid(
        "now",
        format!("{now} is after {latest}: a due date could then fall past the representable dates"),
    )
}
