//! Elo ratings for learners and items.
//!
//! Every learner has a skill rating θ and every item a difficulty rating d on
//! the same logit scale. The probability of a correct answer is
//! `P = g + (1 - g) σ(θ - d)`, where `g = 1/k` is the guessing floor of a
//! question with k options (0 for an open answer). After an answer scored
//! `s` in [0, 1], both move by the surprise `s - P`:
//! `θ += K(n_learner) (s - P)` and `d -= K(n_item) (s - P)`, with the
//! uncertainty function `K(n) = α / (1 + β n)` that lets a rating move fast
//! while it rests on few answers and settle as they accumulate.
//!
//! Source: R. Pelánek, "Applications of the Elo rating system in adaptive
//! educational systems", Computers & Education 98 (2016), sections 2-3
//! (the model, the uncertainty function and its defaults α = 1, β = 0.05,
//! and the guessing correction for multiple-choice questions).

use super::{check_range, check_score, sigmoid};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rating and the number of answers it rests on; a field left out of its
/// serialized form is that of a newcomer (rating 0, no answers).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EloRating {
    /// Skill (for a learner) or difficulty (for an item), in logits.
    pub rating: f64,
    /// Answers seen so far; drives the uncertainty function.
    pub answers: u32,
}

impl EloRating {
    /// A rating of `rating` that rests on no answers yet.
    pub fn new(rating: f64) -> Self {
        EloRating { rating, answers: 0 }
    }
}

/// The result of one answer: both new ratings and the prediction they
/// were updated from.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EloUpdate {
    /// The learner's new rating.
    pub learner: EloRating,
    /// The item's new rating.
    pub item: EloRating,
    /// The probability of a correct answer before the answer was seen.
    pub predicted: f64,
}

/// One answer of a history replayed by [`Elo::fit`].
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EloAnswer {
    /// Who answered.
    pub learner_id: String,
    /// What was answered.
    pub item_id: String,
    /// Correctness, 0-1 (1 correct, 0 wrong, in between partial credit).
    pub score: f64,
    /// Number of options of a multiple-choice question (0 for open answers).
    #[serde(default)]
    pub options: u32,
}

/// The ratings after replaying a history, and how well they predicted it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EloFit {
    /// Every learner's rating, by id.
    pub learners: BTreeMap<String, EloRating>,
    /// Every item's rating, by id.
    pub items: BTreeMap<String, EloRating>,
    /// The prediction made before each answer, in the order given (what a
    /// live system would have predicted; use it to measure accuracy).
    pub predicted: Vec<f64>,
}

/// The Elo model with its uncertainty function `K(n) = alpha / (1 + beta n)`.
///
/// ```
/// use learnloop::learner::elo::{Elo, EloRating};
/// let elo = Elo::default();
/// let learner = EloRating::new(0.0);
/// let item = EloRating::new(0.0);
/// // A four-option question: even odds on the skill, plus a 1/4 guessing floor.
/// assert_eq!(elo.probability(learner, item, 4), 0.625);
/// let next = elo.update(learner, item, 1.0, 4)?;
/// assert!(next.learner.rating > 0.0 && next.item.rating < 0.0);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(missing_as_null, rename = "EloOptions")
)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Elo {
    /// Step size of a rating with no answers yet (1).
    pub alpha: f64,
    /// How fast the step size shrinks with the number of answers (0.05).
    pub beta: f64,
}

impl Default for Elo {
    /// Pelánek's recommended α = 1, β = 0.05.
    fn default() -> Self {
        Elo {
            alpha: 1.0,
            beta: 0.05,
        }
    }
}

impl Elo {
    /// An Elo model with the given uncertainty function; `alpha` in (0, 10],
    /// `beta` in [0, 10].
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        check_range("alpha", alpha, f64::MIN_POSITIVE, 10.0)?;
        check_range("beta", beta, 0.0, 10.0)?;
        Ok(Elo { alpha, beta })
    }

    /// The step size of a rating that rests on `answers` answers.
    #[inline]
    pub fn uncertainty(&self, answers: u32) -> f64 {
        self.alpha / (1.0 + self.beta * f64::from(answers))
    }

    /// The probability that `learner` answers `item` correctly; `options` is
    /// the number of choices of a multiple-choice question (0 or 1 for an
    /// open answer, which has no guessing floor).
    #[inline]
    pub fn probability(&self, learner: EloRating, item: EloRating, options: u32) -> f64 {
        let floor = if options > 1 {
            1.0 / f64::from(options)
        } else {
            0.0
        };
        floor + (1.0 - floor) * sigmoid(learner.rating - item.rating)
    }

    /// Both ratings after one answer scored `score` (0-1).
    ///
    /// Errors with `InvalidInput` on a score outside [0, 1] or a non-finite rating.
    #[inline]
    pub fn update(
        &self,
        learner: EloRating,
        item: EloRating,
        score: f64,
        options: u32,
    ) -> Result<EloUpdate> {
        check_score("score", score)?;
        if !learner.rating.is_finite() {
            return Err(Error::invalid("learner.rating", "not a finite number"));
        }
        if !item.rating.is_finite() {
            return Err(Error::invalid("item.rating", "not a finite number"));
        }
        let predicted = self.probability(learner, item, options);
        let surprise = score - predicted;
        Ok(EloUpdate {
            learner: EloRating {
                rating: learner.rating + self.uncertainty(learner.answers) * surprise,
                answers: learner.answers.saturating_add(1),
            },
            item: EloRating {
                rating: item.rating - self.uncertainty(item.answers) * surprise,
                answers: item.answers.saturating_add(1),
            },
            predicted,
        })
    }

    /// Replays a history in order from ratings of 0 and returns every rating
    /// and the prediction made before each answer.
    ///
    /// Errors with `InvalidInput` naming `answers[i].score` for a bad score.
    pub fn fit(&self, answers: &[EloAnswer]) -> Result<EloFit> {
        let mut learners: BTreeMap<String, EloRating> = BTreeMap::new();
        let mut items: BTreeMap<String, EloRating> = BTreeMap::new();
        let mut predicted = Vec::with_capacity(answers.len());
        for (i, a) in answers.iter().enumerate() {
            let learner = learners.get(&a.learner_id).copied().unwrap_or_default();
            let item = items.get(&a.item_id).copied().unwrap_or_default();
            let next = self
                .update(learner, item, a.score, a.options)
                .map_err(|_| {
                    Error::invalid(
                        format!("answers[{i}].score"),
                        format!("{} is not a score in [0, 1]", a.score),
                    )
                })?;
            predicted.push(next.predicted);
            learners.insert(a.learner_id.clone(), next.learner);
            items.insert(a.item_id.clone(), next.item);
        }
        Ok(EloFit {
            learners,
            items,
            predicted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correct_answer_raises_the_learner_and_lowers_the_item() {
        let elo = Elo::default();
        let u = elo
            .update(EloRating::new(0.0), EloRating::new(0.0), 1.0, 0)
            .unwrap();
        assert_eq!(u.predicted, 0.5);
        assert_eq!(u.learner.rating, 0.5);
        assert_eq!(u.item.rating, -0.5);
        assert_eq!(u.learner.answers, 1);
        // The twentieth answer moves the rating half as far as the first.
        assert_eq!(elo.uncertainty(20), 0.5);
    }

    #[test]
    fn the_guessing_floor_is_one_over_the_options() {
        let elo = Elo::default();
        let weak = EloRating::new(-30.0);
        let p = elo.probability(weak, EloRating::new(0.0), 5);
        assert!((p - 0.2).abs() < 1e-9);
        assert_eq!(
            elo.probability(weak, EloRating::new(0.0), 1),
            sigmoid(-30.0)
        );
    }

    #[test]
    fn bad_input_is_refused_with_its_field() {
        let elo = Elo::default();
        let r = EloRating::default();
        assert_eq!(elo.update(r, r, 1.5, 0).unwrap_err().field(), "score");
        assert_eq!(
            elo.update(EloRating::new(f64::NAN), r, 1.0, 0)
                .unwrap_err()
                .field(),
            "learner.rating"
        );
        assert_eq!(Elo::new(0.0, 0.05).unwrap_err().field(), "alpha");
        let answers = vec![EloAnswer {
            learner_id: "a".into(),
            item_id: "q".into(),
            score: -1.0,
            options: 0,
        }];
        assert_eq!(elo.fit(&answers).unwrap_err().field(), "answers[0].score");
    }

    #[test]
    fn fitting_ranks_strong_learners_above_weak_ones() {
        let elo = Elo::default();
        let mut answers = Vec::new();
        for round in 0..30 {
            for (learner, skill) in [("strong", 0.9), ("weak", 0.2)] {
                let item = format!("q{}", round % 5);
                let correct = (round * 7 % 10) as f64 / 10.0 < skill;
                answers.push(EloAnswer {
                    learner_id: learner.into(),
                    item_id: item,
                    score: f64::from(u8::from(correct)),
                    options: 0,
                });
            }
        }
        let fit = elo.fit(&answers).unwrap();
        assert!(fit.learners["strong"].rating > fit.learners["weak"].rating + 1.0);
        assert_eq!(fit.predicted.len(), 60);
    }
}
