//! Learner models: what a learner knows, estimated from their answers.
//!
//! Four model families from the research literature, each with an online
//! update (one answer at a time, for a live session) and a fit from data (a
//! batch of answers, for calibration):
//!
//! | model | question it answers | module |
//! |---|---|---|
//! | Elo with an uncertainty function | how strong is this learner, how hard is this item, right now | [`elo`] |
//! | Item response theory, 1PL/2PL/3PL | calibrated item parameters, ability with its standard error, the most informative next item | [`irt`] |
//! | Bayesian Knowledge Tracing with forgetting | has this learner mastered this skill | [`bkt`] |
//! | Performance Factors Analysis / logistic regression | will this learner succeed on this topic | [`logistic`] |
//!
//! Every model is pure: no clock, no global randomness (item selection takes
//! a seed), and its probabilities are computed with the crate's portable
//! `exp`/`ln`, so a phone and a server compute the same bits.
//!
//! [`metrics`] holds the measures the accuracy tests and hosts use to judge
//! a fit: the area under the ROC curve, log-loss and RMSE.

pub mod bkt;
pub mod elo;
pub mod irt;
pub mod logistic;
pub mod metrics;

use crate::error::{Error, Result};
use crate::math;

/// The success band practice aims for: the next question's predicted
/// success between 0.70 and 0.85, hard enough to learn from and easy enough
/// to keep going (the "desirable difficulty" region of R. A. Bjork, 1994,
/// and the ~85 % optimum of R. C. Wilson et al., "The eighty five percent
/// rule for optimal learning", Nature Communications 10, 2019). The default
/// band of the adaptive engine and of the item selector.
pub const SUCCESS_BAND: (f64, f64) = (0.70, 0.85);

/// The logistic function 1 / (1 + e^-x), without overflow for large |x|.
#[inline]
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + math::exp(-x))
    } else {
        let e = math::exp(x);
        e / (1.0 + e)
    }
}

/// ln(p / (1 - p)).
#[inline]
pub(crate) fn logit(p: f64) -> f64 {
    math::ln(p / (1.0 - p))
}

/// Keeps a probability away from 0 and 1 before its logarithm is taken.
#[inline]
pub(crate) fn clamp_probability(p: f64) -> f64 {
    p.clamp(1e-12, 1.0 - 1e-12)
}

/// Checks that `value` is a finite number in `[min, max]`.
pub(crate) fn check_range(field: &str, value: f64, min: f64, max: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::invalid(
            field,
            format!("{value} is not a finite number"),
        ));
    }
    if value < min || value > max {
        return Err(Error::invalid(
            field,
            format!("{value} is outside the allowed range [{min}, {max}]"),
        ));
    }
    Ok(())
}

/// Checks that a score (the correctness of one answer) lies in [0, 1].
pub(crate) fn check_score(field: &str, score: f64) -> Result<()> {
    check_range(field, score, 0.0, 1.0)
}
