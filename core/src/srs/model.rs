//! The FSRS-6 memory model: how stability and difficulty move after a
//! rating, and how recall decays with time. No cards, dates or steps here;
//! [`super::Fsrs`] schedules cards with it.
//!
//! Formulas: J. Ye et al., "A Stochastic Shortest Path Algorithm for
//! Optimizing Spaced Repetition Scheduling" (KDD 2022) and "Optimizing
//! Spaced Repetition Schedule by Capturing the Dynamics of Memory" (IEEE
//! TKDE 2023), as extended to FSRS-6 (trainable decay w20, short-term
//! stability w17-w19) in the open-spaced-repetition project's algorithm
//! description.

use super::Rating;
use super::card::MemoryState;
use super::params::{MAX_DIFFICULTY, MIN_DIFFICULTY, Parameters, STABILITY_MIN};
use crate::math;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Stability ceiling of the fsrs-rs entry points (`S_MAX` there).
pub(crate) const STABILITY_MAX: f64 = 36500.0;

/// The retention at which stability is defined: S is the interval at which
/// recall falls to 90 %.
const STABILITY_RETENTION: f64 = 0.9;

/// The memory model of one parameter set, with the constants derived from
/// the parameters computed once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MemoryModel {
    w: [f64; 21],
    /// The forgetting curve's exponent, -w20.
    decay: f64,
    /// 0.9^(1 / decay) - 1: scales elapsed time so that R(S) = 0.9.
    factor: f64,
    /// e^(w17 w18): the short-term bound of the post-lapse stability.
    forget_short_term_divisor: f64,
    /// D0(Easy), where difficulty reverts to.
    mean_reversion_target: f64,
}

impl MemoryModel {
    pub(crate) fn new(params: &Parameters) -> Self {
        let w = *params.as_slice();
        let decay = -w[20];
        MemoryModel {
            w,
            decay,
            factor: math::pow(STABILITY_RETENTION, 1.0 / decay) - 1.0,
            forget_short_term_divisor: math::exp(w[17] * w[18]),
            mean_reversion_target: w[4] - math::exp(w[5] * 3.0) + 1.0,
        }
    }

    /// Days of interval per day of stability at a retention: the forgetting
    /// curve R(t) = (1 + factor * t / S)^(-w20) solved for R = retention.
    pub(crate) fn interval_factor(&self, retention: f64) -> f64 {
        (math::pow(retention, 1.0 / self.decay) - 1.0) / self.factor
    }

    /// Probability of recall after `elapsed_days` at `stability`.
    pub(crate) fn retrievability(&self, elapsed_days: f64, stability: f64) -> f64 {
        math::exp(self.decay * math::ln_1p(self.factor * elapsed_days.max(0.0) / stability))
    }

    pub(crate) fn initial_stability(&self, rating: Rating) -> f64 {
        self.w[usize::from(rating.as_u8()) - 1].max(STABILITY_MIN)
    }

    fn initial_difficulty(&self, rating: Rating) -> f64 {
        (self.w[4] - math::exp(self.w[5] * f64::from(rating.as_u8() - 1)) + 1.0)
            .clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
    }

    pub(crate) fn initial_state(&self, rating: Rating) -> MemoryState {
        MemoryState {
            stability: self.initial_stability(rating),
            difficulty: self.initial_difficulty(rating),
        }
    }

    /// D' = w7 * D0(Easy) + (1 - w7) * (D + (10 - D) * (-w6 (G - 3)) / 9): the
    /// linear damping keeps D below 10, the mean reversion pulls it to D0(Easy).
    pub(crate) fn next_difficulty(&self, difficulty: f64, rating: Rating) -> f64 {
        let w = &self.w;
        let delta = -w[6] * (f64::from(rating.as_u8()) - 3.0);
        let damped = difficulty + (10.0 - difficulty) * delta / 9.0;
        (w[7] * self.mean_reversion_target + (1.0 - w[7]) * damped)
            .clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
    }

    /// Same-day review: S' = S * e^(w17 (G - 3 + w18)) * S^(-w19), with the
    /// increase floored at 1 for Hard, Good and Easy (a pass never lowers S).
    pub(crate) fn short_term_stability(&self, stability: f64, ln_s: f64, rating: Rating) -> f64 {
        let w = &self.w;
        let mut increase =
            math::exp(w[17] * (f64::from(rating.as_u8()) - 3.0 + w[18]) - w[19] * ln_s);
        if rating.is_pass() {
            increase = increase.max(1.0);
        }
        (stability * increase).max(STABILITY_MIN)
    }

    /// The common factor of the recall formula for all passing ratings:
    /// e^w8 * (11 - D) * S^(-w9) * (e^((1 - R) w10) - 1), with `ln_s` = ln S.
    pub(crate) fn recall_gain(&self, difficulty: f64, ln_s: f64, r: f64) -> f64 {
        let w = &self.w;
        math::exp(w[8] - w[9] * ln_s) * (11.0 - difficulty) * math::expm1((1.0 - r) * w[10])
    }

    /// S' = S (1 + gain * bonus), the bonus w15 for Hard and w16 for Easy.
    pub(crate) fn recall_stability(&self, stability: f64, gain: f64, rating: Rating) -> f64 {
        let bonus = match rating {
            Rating::Hard => self.w[15],
            Rating::Easy => self.w[16],
            Rating::Again | Rating::Good => 1.0,
        };
        (stability * (1.0 + gain * bonus)).max(STABILITY_MIN)
    }

    /// Post-lapse stability: min(w11 D^-w12 ((S + 1)^w13 - 1) e^((1 - R) w14), S / e^(w17 w18)).
    pub(crate) fn forget_stability(&self, difficulty: f64, stability: f64, r: f64) -> f64 {
        let w = &self.w;
        let long_term = w[11]
            * math::exp((1.0 - r) * w[14] - w[12] * math::ln(difficulty))
            * math::expm1(w[13] * math::ln_1p(stability));
        long_term
            .min(stability / self.forget_short_term_divisor)
            .max(STABILITY_MIN)
    }

    /// One step of the model: from `memory` (None: never reviewed) after
    /// `elapsed_days` whole days (< 1: same day) with `rating`.
    pub(crate) fn step(
        &self,
        memory: Option<MemoryState>,
        elapsed_days: i64,
        rating: Rating,
    ) -> MemoryState {
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

    /// The memory state and unrounded interval after each rating (fsrs-rs
    /// `next_states`): states clamped into fsrs-rs's ranges first, the
    /// stability capped at [`STABILITY_MAX`] after.
    pub(crate) fn next_states(
        &self,
        memory: Option<MemoryState>,
        interval_factor: f64,
        days_elapsed: u32,
    ) -> Result<NextStates> {
        let item = |memory: MemoryState| ItemState {
            interval: memory.stability * interval_factor,
            memory,
        };
        let Some(m) = memory else {
            return Ok(NextStates::by_rating(|r| item(self.initial_state(r))));
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
            return Ok(NextStates::by_rating(|r| {
                state(self.short_term_stability(s, ln_s, r), r)
            }));
        }
        // R and the recall gain are shared by all ratings: computed once.
        let r = self.retrievability(f64::from(days_elapsed), s);
        let gain = self.recall_gain(d, ln_s, r);
        Ok(NextStates::by_rating(|rating| match rating {
            Rating::Again => state(self.forget_stability(d, s, r), rating),
            _ => state(self.recall_stability(s, gain, rating), rating),
        }))
    }

    /// The memory state after a history, from `start` (fsrs-rs
    /// `memory_state`): each state clamped into fsrs-rs's ranges before a
    /// step, the stability capped at [`STABILITY_MAX`] after.
    pub(crate) fn fold_history(
        &self,
        start: Option<MemoryState>,
        history: impl IntoIterator<Item = ReviewDelta>,
    ) -> Result<MemoryState> {
        let mut memory = start;
        for review in history {
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

    /// The memory state of a card SM-2 scheduled (fsrs-rs
    /// `memory_state_from_sm2`): stability is the interval that gives
    /// `sm2_retention`; difficulty makes FSRS's stability increase after a
    /// Good review at that retention equal the ease factor.
    pub(crate) fn memory_from_sm2(
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
        let stability = interval.max(STABILITY_MIN) / self.interval_factor(sm2_retention);
        let difficulty =
            11.0 - (ease_factor - 1.0) / self.recall_gain(10.0, math::ln(stability), sm2_retention);
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
}

/// One past review for [`super::Fsrs::memory_state`]: the rating and the
/// whole days since the previous review (ignored for the first review).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemState {
    /// The memory state after the rating.
    pub memory: MemoryState,
    /// The interval in days that reaches the desired retention (not rounded).
    pub interval: f64,
}

/// The outcome of each rating for a memory state (see [`super::Fsrs::next_states`]).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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

    fn by_rating(mut f: impl FnMut(Rating) -> ItemState) -> Self {
        NextStates {
            again: f(Rating::Again),
            hard: f(Rating::Hard),
            good: f(Rating::Good),
            easy: f(Rating::Easy),
        }
    }
}

/// A stability (days): a positive finite number.
pub(crate) fn check_stability(field: &str, s: f64) -> Result<()> {
    if s > 0.0 && s < f64::INFINITY {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{s} is not a positive finite number"),
        ))
    }
}

/// A retention strictly between 0 and 1.
pub(crate) fn check_retention(field: &str, r: f64) -> Result<()> {
    if r > 0.0 && r < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{r} is not strictly between 0 and 1"),
        ))
    }
}

pub(crate) fn check_memory_finite(field: &str, m: &MemoryState) -> Result<()> {
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
