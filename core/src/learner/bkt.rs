//! Bayesian Knowledge Tracing, with the forgetting extension.
//!
//! Each skill is a two-state hidden Markov model: the learner either knows
//! it or not. Five probabilities describe a skill: `prior` (known before the
//! first answer), `learn` (unknown → known between answers), `forget`
//! (known → unknown; 0 in the original model), `guess` (correct while
//! unknown) and `slip` (wrong while known).
//!
//! Sources: A. T. Corbett & J. R. Anderson, "Knowledge tracing: modeling the
//! acquisition of procedural knowledge", User Modeling and User-Adapted
//! Interaction 4 (1995) (the model and the posterior update); M. Khajah,
//! R. V. Lindsey & M. C. Mozer, "How deep is knowledge tracing?", EDM 2016
//! (forgetting); the fit is the Baum-Welch EM algorithm (L. R. Rabiner, "A
//! tutorial on hidden Markov models", Proc. IEEE 77, 1989), with guess and
//! slip bounded to keep the model identifiable and meaningful (guess ≤ 0.3,
//! slip ≤ 0.1: R. S. J. d. Baker, A. T. Corbett & V. Aleven, "More accurate
//! student modeling through contextual estimation of slip and guess
//! probabilities", ITS 2008, after Corbett & Anderson 1995).

use super::check_range;
use crate::error::{Error, Result};
use crate::math;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The five probabilities of one skill.
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(missing_as_null, rename = "BktProbabilities")
)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BktParameters {
    /// P(known) before the first answer.
    pub prior: f64,
    /// P(unknown → known) after each answer.
    pub learn: f64,
    /// P(known → unknown) after each answer (0: no forgetting).
    #[serde(default)]
    pub forget: f64,
    /// P(correct | unknown).
    pub guess: f64,
    /// P(wrong | known).
    pub slip: f64,
}

impl Default for BktParameters {
    /// A neutral starting point: prior 0.3, learn 0.1, no forgetting,
    /// guess 0.2, slip 0.08.
    fn default() -> Self {
        BktParameters {
            prior: 0.3,
            learn: 0.1,
            forget: 0.0,
            guess: 0.2,
            slip: 0.08,
        }
    }
}

impl BktParameters {
    /// Checked parameters: every value in [0, 1], and `guess + slip < 1`
    /// (otherwise a correct answer would be evidence of *not* knowing).
    ///
    /// ```
    /// use learnloop::learner::bkt::BktParameters;
    /// let skill = BktParameters::new(0.2, 0.15, 0.0, 0.2, 0.1)?;
    /// let after = skill.update(skill.prior, true)?;
    /// assert!(after > skill.prior);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn new(prior: f64, learn: f64, forget: f64, guess: f64, slip: f64) -> Result<Self> {
        let p = BktParameters {
            prior,
            learn,
            forget,
            guess,
            slip,
        };
        p.check("")?;
        Ok(p)
    }

    fn check(&self, prefix: &str) -> Result<()> {
        for (name, v) in [
            ("prior", self.prior),
            ("learn", self.learn),
            ("forget", self.forget),
            ("guess", self.guess),
            ("slip", self.slip),
        ] {
            check_range(&format!("{prefix}{name}"), v, 0.0, 1.0)?;
        }
        if self.guess + self.slip >= 1.0 {
            return Err(Error::invalid(
                format!("{prefix}guess"),
                format!(
                    "guess {} + slip {} must be below 1, or a correct answer would lower the mastery estimate",
                    self.guess, self.slip
                ),
            ));
        }
        Ok(())
    }

    /// P(correct) for a learner who knows the skill with probability
    /// `known` (in [0, 1]).
    pub fn predict(&self, known: f64) -> Result<f64> {
        check_range("known", known, 0.0, 1.0)?;
        Ok(self.p_correct(known))
    }

    /// P(known) right after an answer, given P(known) before it (Bayes'
    /// rule); `known` in [0, 1].
    pub fn posterior(&self, known: f64, correct: bool) -> Result<f64> {
        check_range("known", known, 0.0, 1.0)?;
        Ok(self.bayes(known, correct))
    }

    /// P(known) at the next answer: the posterior, then one learning (and
    /// forgetting) transition; `known` in [0, 1].
    ///
    /// ```
    /// use learnloop::learner::bkt::BktParameters;
    /// let skill = BktParameters::new(0.3, 0.1, 0.0, 0.2, 0.1)?;
    /// assert!(skill.update(0.3, true)? > 0.3);
    /// assert_eq!(skill.update(2.0, true).unwrap_err().field(), "known");
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn update(&self, known: f64, correct: bool) -> Result<f64> {
        check_range("known", known, 0.0, 1.0)?;
        Ok(self.step(known, correct))
    }

    #[inline]
    fn p_correct(&self, known: f64) -> f64 {
        known * (1.0 - self.slip) + (1.0 - known) * self.guess
    }

    #[inline]
    fn bayes(&self, known: f64, correct: bool) -> f64 {
        let (if_known, if_unknown) = if correct {
            (1.0 - self.slip, self.guess)
        } else {
            (self.slip, 1.0 - self.guess)
        };
        let evidence = known * if_known + (1.0 - known) * if_unknown;
        if evidence <= 0.0 {
            known
        } else {
            known * if_known / evidence
        }
    }

    #[inline]
    fn step(&self, known: f64, correct: bool) -> f64 {
        let post = self.bayes(known, correct);
        post * (1.0 - self.forget) + (1.0 - post) * self.learn
    }

    /// P(known) after a whole sequence of answers, from the prior.
    pub fn trace(&self, answers: &[bool]) -> f64 {
        answers.iter().fold(self.prior, |k, &c| self.step(k, c))
    }

    /// The prediction made before each answer of a sequence (what a live
    /// system would have predicted; use it to measure accuracy).
    pub fn predict_sequence(&self, answers: &[bool]) -> Vec<f64> {
        let mut known = self.prior;
        answers
            .iter()
            .map(|&c| {
                let p = self.p_correct(known);
                known = self.step(known, c);
                p
            })
            .collect()
    }
}

/// Whether P(known) has reached the mastery threshold (0.95 is the
/// customary one, from Corbett & Anderson 1995); both in [0, 1].
pub fn is_mastered(known: f64, threshold: f64) -> Result<bool> {
    check_range("known", known, 0.0, 1.0)?;
    check_range("threshold", threshold, 0.0, 1.0)?;
    Ok(known >= threshold)
}

/// The customary mastery threshold.
pub const MASTERY_THRESHOLD: f64 = 0.95;

/// One answer of the data [`fit`] learns from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BktAnswer {
    /// Who answered.
    pub student: String,
    /// Which skill the question practised.
    pub skill: String,
    /// Whether the answer was correct.
    pub correct: bool,
}

/// `(student, skill, correct)`: the triple form hosts keep answers in.
impl From<(String, String, bool)> for BktAnswer {
    fn from((student, skill, correct): (String, String, bool)) -> Self {
        BktAnswer {
            student,
            skill,
            correct,
        }
    }
}

/// Settings of [`fit`], with the defaults below; in serialized form every
/// field may be omitted.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BktFitOptions {
    /// Also estimate `forget` (otherwise it stays 0).
    pub forgetting: bool,
    /// Upper bound of `guess`; `max_guess + max_slip` must be below 1.
    pub max_guess: f64,
    /// Upper bound of `slip`.
    pub max_slip: f64,
    /// EM stops when no parameter moves more than this in one iteration.
    pub tolerance: f64,
    /// EM gives up (with `converged: false`) after this many iterations.
    pub max_iterations: u32,
    /// Where EM starts.
    pub initial: BktParameters,
}

impl Default for BktFitOptions {
    /// No forgetting, guess ≤ 0.3, slip ≤ 0.1, tolerance 1e-6, 500 iterations,
    /// starting from [`BktParameters::default`].
    fn default() -> Self {
        BktFitOptions {
            forgetting: false,
            max_guess: 0.3,
            max_slip: 0.1,
            tolerance: 1e-6,
            max_iterations: 500,
            initial: BktParameters::default(),
        }
    }
}

impl BktFitOptions {
    fn check(&self) -> Result<()> {
        check_range("max_guess", self.max_guess, 0.0, 1.0)?;
        check_range("max_slip", self.max_slip, 0.0, 1.0)?;
        // The fit keeps guess and slip within [EDGE, max]: every fit must be
        // parameters `BktParameters::new` accepts.
        if self.max_guess.max(EDGE) + self.max_slip.max(EDGE) >= 1.0 {
            return Err(Error::invalid(
                "max_slip",
                format!(
                    "max_guess {} + max_slip {} must be below 1, as guess + slip must be",
                    self.max_guess, self.max_slip
                ),
            ));
        }
        check_range("tolerance", self.tolerance, 1e-15, 1.0)?;
        if self.max_iterations == 0 {
            return Err(Error::invalid("max_iterations", "must be at least 1"));
        }
        self.initial.check("initial.")
    }
}

/// The fitted parameters of one skill.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BktSkillFit {
    /// The skill.
    pub skill: String,
    /// Its parameters.
    pub parameters: BktParameters,
    /// Log-likelihood of the skill's answers under them.
    pub log_likelihood: f64,
    /// Answers the fit saw.
    pub answers: u64,
    /// Students (sequences) the fit saw.
    pub students: u64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether the tolerance was reached within `max_iterations`.
    pub converged: bool,
}

/// Fits every skill in `answers` by EM. Answers are taken in the order
/// given: each student's answers on a skill form one sequence. Returns one
/// fit per skill, sorted by skill name.
///
/// ```
/// use learnloop::learner::bkt::{fit, BktAnswer, BktFitOptions};
/// let answers: Vec<BktAnswer> = (0..40)
///     .flat_map(|s| (0..8).map(move |t| BktAnswer {
///         student: format!("s{s}"),
///         skill: "fractions".into(),
///         correct: t >= s % 6 || t % 5 == 4,
///     }))
///     .collect();
/// let fits = fit(&answers, &BktFitOptions::default())?;
/// assert_eq!(fits[0].skill, "fractions");
/// assert!(fits[0].parameters.learn > 0.0);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn fit(answers: &[BktAnswer], options: &BktFitOptions) -> Result<Vec<BktSkillFit>> {
    options.check()?;
    if answers.is_empty() {
        return Err(Error::invalid("answers", "no answers to fit"));
    }
    // Group by skill, then by student within the skill, keeping order.
    let mut skills: HashMap<&str, usize> = HashMap::new();
    // Per skill: its name, its students' sequence indices, the sequences.
    type SkillData<'a> = (&'a str, HashMap<&'a str, usize>, Vec<Vec<bool>>);
    let mut per_skill: Vec<SkillData> = Vec::new();
    for a in answers {
        let s = *skills.entry(a.skill.as_str()).or_insert_with(|| {
            per_skill.push((a.skill.as_str(), HashMap::new(), Vec::new()));
            per_skill.len() - 1
        });
        let (_, students, sequences) = &mut per_skill[s];
        let index = *students.entry(a.student.as_str()).or_insert_with(|| {
            sequences.push(Vec::new());
            sequences.len() - 1
        });
        sequences[index].push(a.correct);
    }
    // Skills are independent: fit them side by side.
    let mut fits: Vec<BktSkillFit> = crate::parallel::map(per_skill.len(), |s| {
        let (skill, _, sequences) = &per_skill[s];
        fit_sequences(skill, sequences, options)
    });
    fits.sort_by(|a, b| a.skill.cmp(&b.skill));
    Ok(fits)
}

/// Fits one skill from its answer sequences (one per student, in order).
pub fn fit_skill(
    skill: &str,
    sequences: &[Vec<bool>],
    options: &BktFitOptions,
) -> Result<BktSkillFit> {
    options.check()?;
    if sequences.iter().all(Vec::is_empty) {
        return Err(Error::invalid("sequences", "no answers to fit"));
    }
    Ok(fit_sequences(skill, sequences, options))
}

/// Expected counts of one E-step.
#[derive(Default)]
struct Counts {
    first_known: f64,
    sequences: f64,
    from_unknown: f64,
    learned: f64,
    from_known: f64,
    forgot: f64,
    known: f64,
    slipped: f64,
    unknown: f64,
    guessed: f64,
}

/// The smallest value a fitted probability takes: EM never moves a
/// parameter off exactly 0 or 1.
const EDGE: f64 = 1e-6;

fn fit_sequences(skill: &str, sequences: &[Vec<bool>], options: &BktFitOptions) -> BktSkillFit {
    let longest = sequences.iter().map(Vec::len).max().unwrap_or(0);
    let mut predicted = vec![0.0; longest];
    let mut filtered = vec![0.0; longest];
    // Guess and slip stay within [EDGE, max] from the start: at exactly 0
    // an answer can make mastery certain, and the smoothing divides by 0.
    let within = |v: f64, max: f64| v.clamp(EDGE, max.max(EDGE));
    let mut p = options.initial;
    p.guess = within(p.guess, options.max_guess);
    p.slip = within(p.slip, options.max_slip);
    if !options.forgetting {
        p.forget = 0.0;
    }
    let mut iterations = 0;
    let mut converged = false;
    while iterations < options.max_iterations {
        iterations += 1;
        let mut c = Counts::default();
        for seq in sequences.iter().filter(|s| !s.is_empty()) {
            e_step(&p, seq, &mut predicted, &mut filtered, &mut c);
        }
        let ratio = |num: f64, den: f64, old: f64| if den > 0.0 { num / den } else { old };
        let next = BktParameters {
            prior: ratio(c.first_known, c.sequences, p.prior).clamp(EDGE, 1.0 - EDGE),
            learn: ratio(c.learned, c.from_unknown, p.learn).clamp(EDGE, 1.0 - EDGE),
            forget: if options.forgetting {
                ratio(c.forgot, c.from_known, p.forget).clamp(EDGE, 1.0 - EDGE)
            } else {
                0.0
            },
            guess: within(ratio(c.guessed, c.unknown, p.guess), options.max_guess),
            slip: within(ratio(c.slipped, c.known, p.slip), options.max_slip),
        };
        let moved = [
            next.prior - p.prior,
            next.learn - p.learn,
            next.forget - p.forget,
            next.guess - p.guess,
            next.slip - p.slip,
        ]
        .iter()
        .fold(0.0f64, |m, d| m.max(d.abs()));
        p = next;
        if moved < options.tolerance {
            converged = true;
            break;
        }
    }
    let mut log_likelihood = 0.0;
    let mut answers = 0;
    for seq in sequences {
        answers += seq.len() as u64;
        let mut known = p.prior;
        for &correct in seq {
            let pc = p.p_correct(known);
            log_likelihood += math::ln(if correct { pc } else { 1.0 - pc });
            known = p.step(known, correct);
        }
    }
    BktSkillFit {
        skill: skill.to_string(),
        parameters: p,
        log_likelihood,
        answers,
        students: sequences.iter().filter(|s| !s.is_empty()).count() as u64,
        iterations,
        converged,
    }
}

/// Forward filtering, then backward smoothing over one sequence, adding
/// its expected counts to `c`.
fn e_step(
    p: &BktParameters,
    seq: &[bool],
    predicted: &mut [f64],
    filtered: &mut [f64],
    c: &mut Counts,
) {
    let n = seq.len();
    // Forward: predicted[t] = P(known at t | answers before t),
    // filtered[t] = P(known at t | answers up to t).
    let mut pred = p.prior;
    for t in 0..n {
        predicted[t] = pred;
        let (if_known, if_unknown) = if seq[t] {
            (1.0 - p.slip, p.guess)
        } else {
            (p.slip, 1.0 - p.guess)
        };
        let joint = pred * if_known;
        let f = joint / (joint + (1.0 - pred) * if_unknown);
        filtered[t] = f;
        pred = f * (1.0 - p.forget) + (1.0 - f) * p.learn;
    }
    // Backward: smoothed[t] = P(known at t | all answers).
    let mut smoothed = filtered[n - 1];
    c.known += smoothed;
    c.unknown += 1.0 - smoothed;
    if seq[n - 1] {
        c.guessed += 1.0 - smoothed;
    } else {
        c.slipped += smoothed;
    }
    for t in (0..n - 1).rev() {
        let f = filtered[t];
        let next_known = predicted[t + 1];
        let to_known = smoothed / next_known;
        let to_unknown = (1.0 - smoothed) / (1.0 - next_known);
        let stay_known = f * (1.0 - p.forget) * to_known;
        let forgot = f * p.forget * to_unknown;
        let learned = (1.0 - f) * p.learn * to_known;
        smoothed = stay_known + forgot;
        c.from_known += smoothed;
        c.forgot += forgot;
        c.from_unknown += 1.0 - smoothed;
        c.learned += learned;
        c.known += smoothed;
        c.unknown += 1.0 - smoothed;
        if seq[t] {
            c.guessed += 1.0 - smoothed;
        } else {
            c.slipped += smoothed;
        }
    }
    c.first_known += smoothed;
    c.sequences += 1.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correct_answer_raises_mastery_and_a_wrong_one_lowers_it() {
        let p = BktParameters::new(0.4, 0.1, 0.0, 0.2, 0.1).unwrap();
        let up = p.posterior(0.4, true).unwrap();
        let down = p.posterior(0.4, false).unwrap();
        // Bayes by hand: 0.4 * 0.9 / (0.4 * 0.9 + 0.6 * 0.2).
        assert!((up - 0.36 / 0.48).abs() < 1e-12);
        assert!(down < 0.4);
        assert!((p.update(0.4, true).unwrap() - (up + (1.0 - up) * 0.1)).abs() < 1e-12);
        assert!(is_mastered(p.trace(&[true; 12]), MASTERY_THRESHOLD).unwrap());
        assert!(!is_mastered(p.trace(&[false; 12]), MASTERY_THRESHOLD).unwrap());
        for bad in [f64::NAN, -1.0, 2.0, f64::INFINITY] {
            assert_eq!(p.update(bad, true).unwrap_err().field(), "known");
            assert_eq!(p.predict(bad).unwrap_err().field(), "known");
            assert_eq!(is_mastered(0.5, bad).unwrap_err().field(), "threshold");
        }
    }

    #[test]
    fn forgetting_pulls_mastery_back() {
        let no = BktParameters::new(0.5, 0.1, 0.0, 0.2, 0.1).unwrap();
        let yes = BktParameters { forget: 0.2, ..no };
        assert!(yes.trace(&[true; 10]) < no.trace(&[true; 10]));
    }

    #[test]
    fn bad_parameters_and_options_name_their_field() {
        assert_eq!(
            BktParameters::new(1.5, 0.1, 0.0, 0.2, 0.1)
                .unwrap_err()
                .field(),
            "prior"
        );
        assert_eq!(
            BktParameters::new(0.5, 0.1, 0.0, 0.6, 0.5)
                .unwrap_err()
                .field(),
            "guess"
        );
        let opts = BktFitOptions {
            max_iterations: 0,
            ..BktFitOptions::default()
        };
        assert_eq!(
            fit_skill("s", &[vec![true]], &opts).unwrap_err().field(),
            "max_iterations"
        );
        assert_eq!(
            fit(&[], &BktFitOptions::default()).unwrap_err().field(),
            "answers"
        );
        let bad_initial = BktFitOptions {
            initial: BktParameters {
                learn: -0.1,
                ..BktParameters::default()
            },
            ..BktFitOptions::default()
        };
        assert_eq!(
            fit_skill("s", &[vec![true]], &bad_initial)
                .unwrap_err()
                .field(),
            "initial.learn"
        );
    }

    /// A fit returns only what `BktParameters::new` accepts: bounds that
    /// would allow guess + slip >= 1 are refused up front.
    #[test]
    fn every_fit_is_valid_parameters() {
        let answers: Vec<BktAnswer> = [true, false, true]
            .iter()
            .map(|&correct| BktAnswer {
                student: "s".into(),
                skill: "k".into(),
                correct,
            })
            .collect();
        let loose = BktFitOptions {
            max_guess: 0.9,
            max_slip: 0.9,
            ..BktFitOptions::default()
        };
        assert_eq!(fit(&answers, &loose).unwrap_err().field(), "max_slip");
        for (max_guess, max_slip) in [(0.5, 0.499), (0.999, 0.0), (0.0, 0.999), (0.3, 0.1)] {
            let options = BktFitOptions {
                max_guess,
                max_slip,
                forgetting: true,
                ..BktFitOptions::default()
            };
            for f in fit(&answers, &options).unwrap() {
                let p = f.parameters;
                BktParameters::new(p.prior, p.learn, p.forget, p.guess, p.slip).unwrap();
            }
        }
    }

    #[test]
    fn em_never_lowers_the_likelihood() {
        // Deterministic, mixed sequences.
        let sequences: Vec<Vec<bool>> = (0..50)
            .map(|s| (0..10).map(|t| (s * 7 + t * 3) % 10 < 3 + t / 2).collect())
            .collect();
        let mut last = f64::NEG_INFINITY;
        for iterations in [1, 2, 5, 20, 100] {
            let opts = BktFitOptions {
                max_iterations: iterations,
                tolerance: 1e-15,
                ..BktFitOptions::default()
            };
            let f = fit_skill("s", &sequences, &opts).unwrap();
            assert!(
                f.log_likelihood >= last - 1e-9,
                "{iterations}: {} < {last}",
                f.log_likelihood
            );
            last = f.log_likelihood;
            assert!(f.parameters.guess <= 0.3 && f.parameters.slip <= 0.1);
        }
    }
}
