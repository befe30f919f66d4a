//! Logistic success prediction: L2-penalized logistic regression fitted by
//! Newton's method (iteratively reweighted least squares), and Performance
//! Factors Analysis on top of it.
//!
//! Performance Factors Analysis predicts the next answer on an item that
//! practises skills K from the learner's earlier successes `s_k` and
//! failures `f_k` on each skill:
//! `logit P = Σ_{k∈K} (β_k + γ_k s_k + ρ_k f_k)` (P. I. Pavlik Jr., H. Cen &
//! K. R. Koedinger, "Performance Factors Analysis: a new alternative to
//! knowledge tracing", AIED 2009, eq. 3). Here a shared intercept is added
//! and left unpenalized, so the per-skill terms shrink toward the average
//! skill rather than toward 50 %.
//!
//! The fit maximizes `Σ log-likelihood - λ/2 Σ w²` (all weights but the
//! intercept) by Newton steps `w += (Xᵀ W X + λ I)⁻¹ (Xᵀ (y - p) - λ w)`
//! (T. Hastie, R. Tibshirani & J. Friedman, "The Elements of Statistical
//! Learning", 2nd ed., 2009, section 4.4.1; the ridge term after
//! le Cessie & van Houwelingen, "Ridge estimators in logistic regression",
//! Applied Statistics 41, 1992).

use super::{check_range, sigmoid};
use crate::error::{Error, Result};
use crate::math;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A fitted logistic model: `P(y) = σ(intercept + Σ coefficients_i x_i)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// The unpenalized intercept.
    pub intercept: f64,
    /// One weight per feature.
    pub coefficients: Vec<f64>,
}

impl LogisticModel {
    /// The predicted probability for one feature vector.
    ///
    /// # Panics
    /// If `features` is not as long as `coefficients`.
    pub fn predict(&self, features: &[f64]) -> f64 {
        assert_eq!(features.len(), self.coefficients.len(), "feature count");
        sigmoid(self.intercept + dot(&self.coefficients, features))
    }
}

/// The result of [`fit_logistic`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticFit {
    /// The model.
    pub model: LogisticModel,
    /// Log-likelihood of the data (without the penalty).
    pub log_likelihood: f64,
    /// Newton iterations run.
    pub iterations: usize,
    /// Whether the largest step fell below 1e-8 within 100 iterations.
    pub converged: bool,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits an L2-penalized logistic regression (`l2` ≥ 0; 0 is plain maximum
/// likelihood, which diverges on separable data, so the default use is a
/// small positive `l2`).
///
/// `rows` holds one feature vector per observation, all of one length.
///
/// ```
/// use learnloop::learner::logistic::fit_logistic;
/// let rows: Vec<Vec<f64>> = (0..100).map(|i| vec![i as f64 / 10.0]).collect();
/// let passed: Vec<bool> = (0..100).map(|i| (i * 37 % 100) < i).collect();
/// let fit = fit_logistic(&rows, &passed, 1.0)?;
/// assert!(fit.model.coefficients[0] > 0.0);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn fit_logistic(rows: &[Vec<f64>], outcomes: &[bool], l2: f64) -> Result<LogisticFit> {
    check_range("l2", l2, 0.0, 1e12)?;
    if rows.len() != outcomes.len() {
        return Err(Error::invalid(
            "outcomes",
            format!("{} outcomes for {} rows", outcomes.len(), rows.len()),
        ));
    }
    if rows.is_empty() {
        return Err(Error::invalid("rows", "no observations"));
    }
    let width = rows[0].len();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != width {
            return Err(Error::invalid(
                format!("rows[{i}]"),
                format!("{} features where the first row has {width}", r.len()),
            ));
        }
        if let Some(j) = r.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(
                format!("rows[{i}][{j}]"),
                "not a finite number",
            ));
        }
    }
    // Parameter 0 is the intercept.
    let dim = width + 1;
    let mut w = vec![0.0; dim];
    let positives = outcomes.iter().filter(|&&o| o).count();
    w[0] = super::logit(
        ((positives as f64 + 0.5) / (outcomes.len() as f64 + 1.0)).clamp(1e-6, 1.0 - 1e-6),
    );
    let mut hessian = vec![0.0; dim * dim];
    let mut gradient = vec![0.0; dim];
    let mut iterations = 0;
    let mut converged = false;
    let objective = |w: &[f64]| -> f64 {
        let ll: f64 = rows
            .iter()
            .zip(outcomes)
            .map(|(r, &y)| {
                let z = w[0] + dot(&w[1..], r);
                // log σ(z) = -log(1 + e^-z), written to stay finite.
                let s = if y { z } else { -z };
                -softplus(-s)
            })
            .sum();
        ll - 0.5 * l2 * w[1..].iter().map(|v| v * v).sum::<f64>()
    };
    let mut current = objective(&w);
    while iterations < 100 {
        iterations += 1;
        hessian.iter_mut().for_each(|v| *v = 0.0);
        gradient.iter_mut().for_each(|v| *v = 0.0);
        for (r, &y) in rows.iter().zip(outcomes) {
            let p = sigmoid(w[0] + dot(&w[1..], r));
            let resid = f64::from(u8::from(y)) - p;
            let weight = (p * (1.0 - p)).max(1e-12);
            gradient[0] += resid;
            hessian[0] += weight;
            for (i, &xi) in r.iter().enumerate() {
                gradient[i + 1] += resid * xi;
                hessian[i + 1] += weight * xi;
                let row = (i + 1) * dim;
                for (j, &xj) in r[..=i].iter().enumerate() {
                    hessian[row + j + 1] += weight * xi * xj;
                }
            }
        }
        for i in 1..dim {
            gradient[i] -= l2 * w[i];
            hessian[i * dim + i] += l2;
        }
        // Mirror the lower triangle (row i, column 0 was filled as [i]).
        for i in 1..dim {
            hessian[i * dim] = hessian[i];
            for j in i + 1..dim {
                hessian[i * dim + j] = hessian[j * dim + i];
            }
        }
        let step = cholesky_solve(&mut hessian, &gradient, dim).ok_or_else(|| {
            Error::not_estimable(
                "rows",
                "the features are collinear (the information matrix is singular); add l2 > 0 or drop a feature",
            )
        })?;
        // Halve the step until the penalized likelihood does not fall.
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<f64> = w.iter().zip(&step).map(|(a, s)| a + scale * s).collect();
            let value = objective(&trial);
            if value >= current - 1e-12 * current.abs() {
                w = trial;
                current = value;
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        let largest = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        if !accepted || largest < 1e-8 {
            converged = accepted || largest < 1e-8;
            break;
        }
    }
    let log_likelihood = current + 0.5 * l2 * w[1..].iter().map(|v| v * v).sum::<f64>();
    Ok(LogisticFit {
        model: LogisticModel {
            intercept: w[0],
            coefficients: w[1..].to_vec(),
        },
        log_likelihood,
        iterations,
        converged,
    })
}

fn softplus(x: f64) -> f64 {
    if x > 30.0 {
        x
    } else {
        math::ln_1p(math::exp(x))
    }
}

/// Solves `a x = b` for a symmetric positive-definite `a` (row-major,
/// overwritten by its Cholesky factor); `None` if it is not positive definite.
fn cholesky_solve(a: &mut [f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 1e-12 {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    let mut y = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            y[i] -= a[i * n + k] * y[k];
        }
        y[i] /= a[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            y[i] -= a[k * n + i] * y[k];
        }
        y[i] /= a[i * n + i];
    }
    Some(y)
}

/// One answer of the data [`Pfa::fit`] learns from, in chronological order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PfaAnswer {
    /// Who answered.
    pub student: String,
    /// The skills (topics) the question practised.
    pub skills: Vec<String>,
    /// Whether the answer was correct.
    pub correct: bool,
}

/// `(student, skills, correct)`: the triple form hosts keep answers in.
impl From<(String, Vec<String>, bool)> for PfaAnswer {
    fn from((student, skills, correct): (String, Vec<String>, bool)) -> Self {
        PfaAnswer {
            student,
            skills,
            correct,
        }
    }
}

/// A learner's practice history on one skill: the input of a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillPractice {
    /// The skill.
    pub skill: String,
    /// Earlier correct answers on it.
    pub successes: u32,
    /// Earlier wrong answers on it.
    pub failures: u32,
}

/// `(skill, successes, failures)`: the triple form hosts keep practice in.
impl From<(String, u32, u32)> for SkillPractice {
    fn from((skill, successes, failures): (String, u32, u32)) -> Self {
        SkillPractice {
            skill,
            successes,
            failures,
        }
    }
}

/// The weights of one skill: `β + γ s + ρ f` on the logit scale.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PfaWeights {
    /// The skill's easiness β.
    pub easiness: f64,
    /// γ: how much each earlier success raises the logit.
    pub success: f64,
    /// ρ: how much each earlier failure changes it.
    pub failure: f64,
}

/// A fitted Performance Factors Analysis model.
///
/// ```
/// use learnloop::learner::logistic::{Pfa, PfaAnswer, PfaOptions, SkillPractice};
/// use rand::{RngExt, SeedableRng};
/// // 200 students whose odds grow with each success on "algebra".
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let mut answers = Vec::new();
/// for student in 0..200 {
///     let mut successes = 0.0;
///     for _ in 0..10 {
///         let p = 1.0 / (1.0 + (1.0 - 0.4 * successes as f64).exp());
///         let correct = rng.random::<f64>() < p;
///         successes += f64::from(u8::from(correct));
///         answers.push(PfaAnswer {
///             student: format!("s{student}"),
///             skills: vec!["algebra".into()],
///             correct,
///         });
///     }
/// }
/// let pfa = Pfa::fit(&answers, &PfaOptions { l2: 0.1 })?;
/// let novice = pfa.probability(&[SkillPractice { skill: "algebra".into(), successes: 0, failures: 3 }])?;
/// let practised = pfa.probability(&[SkillPractice { skill: "algebra".into(), successes: 8, failures: 1 }])?;
/// assert!(practised > novice);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pfa {
    /// The shared intercept.
    pub intercept: f64,
    /// Weights per skill.
    pub skills: BTreeMap<String, PfaWeights>,
    /// Log-likelihood of the training answers.
    pub log_likelihood: f64,
}

/// Settings of [`Pfa::fit`]; in serialized form every field may be omitted.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PfaOptions {
    /// The L2 penalty on the weights, >= 0 (1.0: keeps the weights of
    /// rarely practised skills finite).
    pub l2: f64,
}

impl Default for PfaOptions {
    fn default() -> Self {
        PfaOptions { l2: 1.0 }
    }
}

impl Pfa {
    /// Fits the model to chronological answers.
    ///
    /// Errors with `InvalidInput` naming `answers[i].skills` for an answer
    /// without skills.
    pub fn fit(answers: &[PfaAnswer], options: &PfaOptions) -> Result<Pfa> {
        let l2 = options.l2;
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, a) in answers.iter().enumerate() {
            if a.skills.is_empty() {
                return Err(Error::invalid(
                    format!("answers[{i}].skills"),
                    "an answer must practise at least one skill",
                ));
            }
            for s in &a.skills {
                names.entry(s.as_str()).or_insert(0);
            }
        }
        for (i, v) in names.values_mut().enumerate() {
            *v = i;
        }
        let width = 3 * names.len();
        let mut history: BTreeMap<(&str, &str), (u32, u32)> = BTreeMap::new();
        let mut rows = Vec::with_capacity(answers.len());
        let mut outcomes = Vec::with_capacity(answers.len());
        for a in answers {
            let mut row = vec![0.0; width];
            for s in &a.skills {
                let k = names[s.as_str()];
                let (succ, fail) = history
                    .get(&(a.student.as_str(), s.as_str()))
                    .copied()
                    .unwrap_or((0, 0));
                row[3 * k] = 1.0;
                row[3 * k + 1] = f64::from(succ);
                row[3 * k + 2] = f64::from(fail);
            }
            rows.push(row);
            outcomes.push(a.correct);
            for s in &a.skills {
                let e = history
                    .entry((a.student.as_str(), s.as_str()))
                    .or_insert((0, 0));
                if a.correct {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        let fit = fit_logistic(&rows, &outcomes, l2).map_err(|e| match e {
            Error::InvalidInput { field, reason } if field == "rows" => {
                Error::invalid("answers", reason)
            }
            other => other,
        })?;
        let c = &fit.model.coefficients;
        Ok(Pfa {
            intercept: fit.model.intercept,
            skills: names
                .iter()
                .map(|(name, &k)| {
                    (
                        name.to_string(),
                        PfaWeights {
                            easiness: c[3 * k],
                            success: c[3 * k + 1],
                            failure: c[3 * k + 2],
                        },
                    )
                })
                .collect(),
            log_likelihood: fit.log_likelihood,
        })
    }

    /// The probability of succeeding on a question (or passing a topic)
    /// that practises the given skills, after the given practice.
    ///
    /// Errors with `NotFound` for a skill the model was not fitted on.
    pub fn probability(&self, practice: &[SkillPractice]) -> Result<f64> {
        let mut z = self.intercept;
        for (i, p) in practice.iter().enumerate() {
            let w = self.skills.get(&p.skill).ok_or_else(|| Error::NotFound {
                what: format!("practice[{i}].skill"),
                id: p.skill.clone(),
            })?;
            z +=
                w.easiness + w.success * f64::from(p.successes) + w.failure * f64::from(p.failures);
        }
        Ok(sigmoid(z))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_the_weights_of_a_simple_model() {
        // y = 1 exactly when the score 2x - 1 plus a fixed jitter is positive:
        // the fitted slope must come out positive and the intercept negative.
        let rows: Vec<Vec<f64>> = (0..400).map(|i| vec![(i % 20) as f64 / 10.0]).collect();
        let outcomes: Vec<bool> = (0..400)
            .map(|i| {
                2.0 * ((i % 20) as f64 / 10.0) - 1.0 + ((i * 7919 % 13) as f64 - 6.0) / 3.0 > 0.0
            })
            .collect();
        let fit = fit_logistic(&rows, &outcomes, 0.0).unwrap();
        assert!(fit.converged);
        assert!(
            fit.model.coefficients[0] > 1.0 && fit.model.intercept < 0.0,
            "{fit:?}"
        );
        // The penalty shrinks the slope.
        let ridge = fit_logistic(&rows, &outcomes, 100.0).unwrap();
        assert!(ridge.model.coefficients[0].abs() < fit.model.coefficients[0].abs());
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            fit_logistic(&[vec![1.0]], &[], 1.0).unwrap_err().field(),
            "outcomes"
        );
        assert_eq!(
            fit_logistic(&[vec![1.0], vec![]], &[true, false], 1.0)
                .unwrap_err()
                .field(),
            "rows[1]"
        );
        assert_eq!(
            fit_logistic(&[vec![f64::NAN]], &[true], 1.0)
                .unwrap_err()
                .field(),
            "rows[0][0]"
        );
        assert_eq!(
            fit_logistic(&[vec![1.0]], &[true], -1.0)
                .unwrap_err()
                .field(),
            "l2"
        );
        // Two identical columns without a penalty: singular.
        let rows = vec![vec![1.0, 1.0], vec![2.0, 2.0], vec![3.0, 3.0]];
        assert_eq!(
            fit_logistic(&rows, &[true, false, true], 0.0)
                .unwrap_err()
                .code(),
            "not_estimable"
        );
        let pfa = Pfa::fit(
            &[
                PfaAnswer {
                    student: "a".into(),
                    skills: vec!["x".into()],
                    correct: true,
                },
                PfaAnswer {
                    student: "a".into(),
                    skills: vec!["x".into()],
                    correct: false,
                },
            ],
            &PfaOptions::default(),
        )
        .unwrap();
        let missing = [SkillPractice {
            skill: "y".into(),
            successes: 0,
            failures: 0,
        }];
        assert_eq!(pfa.probability(&missing).unwrap_err().code(), "not_found");
        let no_skill = [PfaAnswer {
            student: "a".into(),
            skills: vec![],
            correct: true,
        }];
        assert_eq!(
            Pfa::fit(&no_skill, &PfaOptions::default())
                .unwrap_err()
                .field(),
            "answers[0].skills"
        );
    }
}
