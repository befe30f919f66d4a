//! Learning and relearning steps: the rule FSRS and Anki's SM-2 share for a
//! card that is not yet (or no longer) in review. Each scheduler decides what
//! graduating means; where a rating moves a card within its steps is decided
//! here, once.

use super::Rating;
use crate::{Error, Result};
use chrono::TimeDelta;

/// Hard on the only step waits this many times the step (py-fsrs and Anki).
const HARD_SINGLE_STEP_FACTOR: (i32, i32) = (3, 2);

/// The longest step allowed, so that step arithmetic cannot overflow.
const MAX_STEP_DAYS: i64 = 36_500;

/// Where a rating moves a card that is at a step.
pub(crate) enum StepMove {
    /// To the step with this index, due after this delay.
    To(u32, TimeDelta),
    /// Out of the steps, into review.
    Graduate,
}

/// The move of `rating` from `step` of `steps`: Again restarts the steps;
/// Hard repeats the step, except on the first, where it waits halfway to
/// the second, or 1.5 times the only step (at most `hard_cap` longer than
/// it, when given: Anki caps it at a day); Good goes to the next step or
/// graduates; Easy graduates. Without steps, or past them (the steps were
/// shortened), any pass graduates.
pub(crate) fn next_step(
    steps: &[TimeDelta],
    step: usize,
    rating: Rating,
    hard_cap: Option<TimeDelta>,
) -> StepMove {
    if steps.is_empty() || (step >= steps.len() && rating.is_pass()) {
        return StepMove::Graduate;
    }
    match rating {
        Rating::Again => StepMove::To(0, steps[0]),
        Rating::Hard => {
            let delay = match (step, steps.len()) {
                (0, 1) => hard_on_single_step(steps[0], hard_cap),
                (0, _) => (steps[0] + steps[1]) / 2,
                _ => steps[step],
            };
            StepMove::To(step as u32, delay)
        }
        Rating::Good if step + 1 < steps.len() => StepMove::To(step as u32 + 1, steps[step + 1]),
        Rating::Good | Rating::Easy => StepMove::Graduate,
    }
}

/// The delay of Hard on a single step (see [`next_step`]); also the longest
/// delay a step of this length can lead to.
pub(crate) fn hard_on_single_step(step: TimeDelta, hard_cap: Option<TimeDelta>) -> TimeDelta {
    let delay = step * HARD_SINGLE_STEP_FACTOR.0 / HARD_SINGLE_STEP_FACTOR.1;
    hard_cap.map_or(delay, |cap| delay.min(step + cap))
}

/// Steps must be positive and at most 100 years (so step arithmetic cannot overflow).
pub(crate) fn check_steps(field: &str, steps: &[TimeDelta]) -> Result<()> {
    for (i, s) in steps.iter().enumerate() {
        if *s <= TimeDelta::zero() || *s > TimeDelta::days(MAX_STEP_DAYS) {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                format!("{s} is not a positive duration of at most {MAX_STEP_DAYS} days"),
            ));
        }
    }
    Ok(())
}
