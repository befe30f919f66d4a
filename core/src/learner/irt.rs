//! Item response theory for right/wrong answers: the one-, two- and
//! three-parameter logistic models.
//!
//! An item with discrimination `a`, difficulty `b` and guessing floor `c`
//! is answered correctly by a learner of ability θ with probability
//! `P(θ) = c + (1 - c) / (1 + e^(-a (θ - b)))` (Birnbaum, in Lord & Novick,
//! "Statistical Theories of Mental Test Scores", 1968, ch. 17-20). The 2PL
//! has `c = 0`; the 1PL (Rasch) also shares one fixed `a`. No scaling
//! constant D = 1.7 is used: parameters are on the logistic metric, as in
//! mirt and girth.
//!
//! What this module does with the model:
//! - [`ItemParameters::probability`] and [`ItemParameters::information`],
//!   the item's Fisher information `a² (P - c)² (1 - P) / ((1 - c)² P)`
//!   (Hambleton, Swaminathan & Rogers, "Fundamentals of Item Response
//!   Theory", 1991, eq. 6.2);
//! - ability from answers: [`estimate_ability_eap`], the posterior mean
//!   and standard deviation under a normal prior by quadrature (Bock &
//!   Mislevy, "Adaptive EAP estimation of ability in a microcomputer
//!   environment", Applied Psychological Measurement 6, 1982), and
//!   [`estimate_ability_mle`], the maximum-likelihood ability by Fisher
//!   scoring, which reports the patterns it cannot estimate (all correct,
//!   all wrong) instead of returning an infinite θ;
//! - item calibration from a [`ResponseMatrix`] with missing answers:
//!   [`calibrate`], marginal maximum likelihood by the EM algorithm (Bock &
//!   Aitkin, "Marginal maximum likelihood estimation of item parameters:
//!   application of an EM algorithm", Psychometrika 46, 1981);
//! - the next item of an adaptive test: [`ItemSelector`], by maximum
//!   information or by a target band of success probability, with
//!   randomesque exposure control (Kingsbury & Zara, "Procedures for
//!   selecting items for computerized adaptive tests", Applied Measurement
//!   in Education 2, 1989) and a cap on each item's exposure rate.

use super::{check_range, clamp_probability, sigmoid};
use crate::error::{Error, Result};
use crate::math;
use serde::{Deserialize, Serialize};

mod selection;
pub use selection::{ItemSelector, SelectionRule};

crate::names::named_enum! {
    /// Which logistic model to calibrate.
    #[derive(Default)]
    pub enum IrtModel in "model" {
        /// One parameter (difficulty); every item shares one fixed discrimination.
        OnePl = "1PL",
        /// Discrimination and difficulty.
        #[default]
        TwoPl = "2PL",
        /// Discrimination, difficulty and a guessing floor.
        ThreePl = "3PL",
    }
}

/// The parameters of one item.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemParameters {
    /// Discrimination `a`: how sharply the item separates abilities.
    pub discrimination: f64,
    /// Difficulty `b`: the ability at which the item is halfway between its
    /// guessing floor and certainty.
    pub difficulty: f64,
    /// Guessing floor `c`: the success probability of the weakest learner.
    #[serde(default)]
    pub guessing: f64,
}

impl ItemParameters {
    /// Checked parameters: `discrimination` finite and non-zero, `difficulty`
    /// finite, `guessing` in [0, 1).
    ///
    /// ```
    /// use learnloop::learner::irt::ItemParameters;
    /// let item = ItemParameters::new(1.5, 0.0, 0.2)?;
    /// assert!((item.probability(0.0)? - 0.6).abs() < 1e-12);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn new(discrimination: f64, difficulty: f64, guessing: f64) -> Result<Self> {
        let item = ItemParameters {
            discrimination,
            difficulty,
            guessing,
        };
        item.check("item")?;
        Ok(item)
    }

    fn check(&self, field: &str) -> Result<()> {
        check_range(
            &format!("{field}.discrimination"),
            self.discrimination,
            -50.0,
            50.0,
        )?;
        if self.discrimination == 0.0 {
            return Err(Error::invalid(
                format!("{field}.discrimination"),
                "0 makes the item carry no information",
            ));
        }
        check_range(&format!("{field}.difficulty"), self.difficulty, -50.0, 50.0)?;
        check_range(&format!("{field}.guessing"), self.guessing, 0.0, 0.999)
    }

    /// The probability of a correct answer at ability `theta` (finite).
    pub fn probability(&self, theta: f64) -> Result<f64> {
        check_theta(theta)?;
        Ok(self.p(theta))
    }

    /// The item's Fisher information at `theta` (finite): how much one
    /// answer to it narrows the ability estimate there.
    pub fn information(&self, theta: f64) -> Result<f64> {
        check_theta(theta)?;
        Ok(self.info(theta))
    }

    #[inline]
    fn p(&self, theta: f64) -> f64 {
        let c = self.guessing;
        c + (1.0 - c) * sigmoid(self.discrimination * (theta - self.difficulty))
    }

    #[inline]
    fn info(&self, theta: f64) -> f64 {
        let c = self.guessing;
        let p = clamp_probability(self.p(theta));
        let a = self.discrimination;
        a * a * (p - c) * (p - c) * (1.0 - p) / ((1.0 - c) * (1.0 - c) * p)
    }
}

/// An ability argument: finite.
fn check_theta(theta: f64) -> Result<()> {
    check_range("theta", theta, f64::MIN, f64::MAX)
}

/// The sum of the items' information at `theta` (a test's information).
pub fn test_information(items: &[ItemParameters], theta: f64) -> Result<f64> {
    check_theta(theta)?;
    Ok(items.iter().map(|i| i.info(theta)).sum())
}

/// An ability estimate with its standard error.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AbilityEstimate {
    /// The ability, on the items' scale (0 is the calibration sample's mean).
    pub theta: f64,
    /// Its standard error (EAP: the posterior standard deviation; MLE: one
    /// over the square root of the test information at θ).
    pub standard_error: f64,
}

/// A normal prior over ability; in serialized form every field may be
/// omitted.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalPrior {
    /// Mean.
    pub mean: f64,
    /// Standard deviation, > 0.
    pub sd: f64,
}

impl Default for NormalPrior {
    /// The standard normal, the scale calibration fixes.
    fn default() -> Self {
        NormalPrior { mean: 0.0, sd: 1.0 }
    }
}

fn check_answers(items: &[ItemParameters], responses: &[Option<bool>]) -> Result<()> {
    if items.len() != responses.len() {
        return Err(Error::invalid(
            "responses",
            format!(
                "{} responses for {} items; give one per item (None for not answered)",
                responses.len(),
                items.len()
            ),
        ));
    }
    for (j, item) in items.iter().enumerate() {
        item.check(&format!("items[{j}]"))?;
    }
    Ok(())
}

/// The expected a-posteriori ability from the answers given (`None` for an
/// item not answered), with 61 quadrature points over the prior's ±6 sd.
/// Always defined, also for all-correct or all-wrong patterns.
///
/// ```
/// use learnloop::learner::irt::{estimate_ability_eap, ItemParameters, NormalPrior};
/// let items = vec![ItemParameters::new(1.0, -1.0, 0.0)?, ItemParameters::new(1.0, 1.0, 0.0)?];
/// let est = estimate_ability_eap(&items, &[Some(true), Some(true)], NormalPrior::default())?;
/// assert!(est.theta > 0.0 && est.standard_error < 1.0);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn estimate_ability_eap(
    items: &[ItemParameters],
    responses: &[Option<bool>],
    prior: NormalPrior,
) -> Result<AbilityEstimate> {
    check_answers(items, responses)?;
    check_range("prior.mean", prior.mean, -50.0, 50.0)?;
    check_range("prior.sd", prior.sd, 1e-6, 50.0)?;
    const POINTS: usize = 61;
    let mut log_post = [0.0; POINTS];
    let mut nodes = [0.0; POINTS];
    for (k, node) in nodes.iter_mut().enumerate() {
        let z = -6.0 + 12.0 * k as f64 / (POINTS - 1) as f64;
        *node = prior.mean + prior.sd * z;
        log_post[k] = -0.5 * z * z;
    }
    for (item, response) in items.iter().zip(responses) {
        if let Some(correct) = *response {
            for (lp, &theta) in log_post.iter_mut().zip(&nodes) {
                let p = clamp_probability(item.p(theta));
                *lp += math::ln(if correct { p } else { 1.0 - p });
            }
        }
    }
    let max = log_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut total, mut first, mut second) = (0.0, 0.0, 0.0);
    for (lp, theta) in log_post.iter().zip(&nodes) {
        let w = math::exp(lp - max);
        total += w;
        first += w * theta;
        second += w * theta * theta;
    }
    let theta = first / total;
    let variance = (second / total - theta * theta).max(0.0);
    Ok(AbilityEstimate {
        theta,
        standard_error: variance.sqrt(),
    })
}

/// The maximum-likelihood ability by Fisher scoring.
///
/// Errors with `NotEstimable` when the likelihood has no finite maximum:
/// no answers, all answers correct or all wrong (θ would be ±∞), or an
/// estimate that leaves [-10, 10]. Use [`estimate_ability_eap`] for those.
///
/// ```
/// use learnloop::learner::irt::{estimate_ability_mle, ItemParameters};
/// let items = vec![ItemParameters::new(1.0, -1.0, 0.0)?, ItemParameters::new(1.0, 1.0, 0.0)?];
/// let est = estimate_ability_mle(&items, &[Some(true), Some(false)])?;
/// assert!(est.theta.abs() < 1e-9); // symmetric items, one right, one wrong
/// let all_right = estimate_ability_mle(&items, &[Some(true), Some(true)]);
/// assert_eq!(all_right.unwrap_err().code(), "not_estimable");
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn estimate_ability_mle(
    items: &[ItemParameters],
    responses: &[Option<bool>],
) -> Result<AbilityEstimate> {
    check_answers(items, responses)?;
    let answered: Vec<(&ItemParameters, bool)> = items
        .iter()
        .zip(responses)
        .filter_map(|(i, r)| r.map(|r| (i, r)))
        .collect();
    if answered.is_empty() {
        return Err(Error::not_estimable(
            "responses",
            "no answers: the likelihood is flat; use the EAP estimate, which falls back on the prior",
        ));
    }
    // Every item with a > 0 favours higher θ for a correct answer; if all
    // answers point the same way, the likelihood is monotone.
    let toward_higher = |(i, r): &(&ItemParameters, bool)| (i.discrimination > 0.0) == *r;
    if answered.iter().all(toward_higher) {
        return Err(Error::not_estimable(
            "responses",
            "every answer favours a higher ability (all correct): the maximum-likelihood ability is +infinity; use the EAP estimate",
        ));
    }
    if !answered.iter().any(toward_higher) {
        return Err(Error::not_estimable(
            "responses",
            "every answer favours a lower ability (all wrong): the maximum-likelihood ability is -infinity; use the EAP estimate",
        ));
    }
    let mut theta = 0.0;
    for _ in 0..100 {
        let (mut score, mut info) = (0.0, 0.0);
        for (item, correct) in &answered {
            let c = item.guessing;
            let p = clamp_probability(item.p(theta));
            let x = f64::from(u8::from(*correct));
            // d/dθ log L for the 3PL (Lord 1980, eq. 5-20); the 2PL is c = 0.
            score += item.discrimination * (x - p) * (p - c) / (p * (1.0 - c));
            info += item.info(theta);
        }
        if info <= 0.0 || !info.is_finite() {
            break;
        }
        let step = (score / info).clamp(-2.0, 2.0);
        theta += step;
        if !(-10.0..=10.0).contains(&theta) {
            break;
        }
        if step.abs() < 1e-10 {
            let info: f64 = answered.iter().map(|(i, _)| i.info(theta)).sum();
            return Ok(AbilityEstimate {
                theta,
                standard_error: 1.0 / info.sqrt(),
            });
        }
    }
    Err(Error::not_estimable(
        "responses",
        "the maximum-likelihood ability did not converge inside [-10, 10]; use the EAP estimate",
    ))
}

/// A persons × items matrix of right/wrong answers, with missing cells.
///
/// ```
/// use learnloop::learner::irt::ResponseMatrix;
/// let m = ResponseMatrix::from_rows(&[vec![Some(true), None], vec![Some(false), Some(true)]])?;
/// assert_eq!((m.persons(), m.items()), (2, 2));
/// assert_eq!(m.get(0, 1), None);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMatrix {
    persons: usize,
    items: usize,
    /// Row-major cells: 0 wrong, 1 correct, [`MISSING`] not answered.
    cells: Vec<u8>,
}

const MISSING: u8 = 2;

impl ResponseMatrix {
    /// An empty (all missing) matrix.
    pub fn new(persons: usize, items: usize) -> Self {
        ResponseMatrix {
            persons,
            items,
            cells: vec![MISSING; persons * items],
        }
    }

    /// A matrix from one row per person; every row must have the same length.
    pub fn from_rows(rows: &[Vec<Option<bool>>]) -> Result<Self> {
        let items = rows.first().map_or(0, Vec::len);
        let mut m = ResponseMatrix::new(rows.len(), items);
        for (p, row) in rows.iter().enumerate() {
            if row.len() != items {
                return Err(Error::invalid(
                    format!("responses[{p}]"),
                    format!("{} answers where the first row has {items}", row.len()),
                ));
            }
            for (i, &r) in row.iter().enumerate() {
                m.set(p, i, r);
            }
        }
        Ok(m)
    }

    /// Number of persons (rows).
    pub fn persons(&self) -> usize {
        self.persons
    }

    /// Number of items (columns).
    pub fn items(&self) -> usize {
        self.items
    }

    /// The answer of `person` to `item` (`None`: not answered).
    ///
    /// # Panics
    /// If either index is out of range.
    pub fn get(&self, person: usize, item: usize) -> Option<bool> {
        assert!(
            person < self.persons && item < self.items,
            "cell out of range"
        );
        match self.cells[person * self.items + item] {
            MISSING => None,
            v => Some(v == 1),
        }
    }

    /// Records an answer (`None` clears it).
    ///
    /// # Panics
    /// If either index is out of range.
    pub fn set(&mut self, person: usize, item: usize, answer: Option<bool>) {
        assert!(
            person < self.persons && item < self.items,
            "cell out of range"
        );
        self.cells[person * self.items + item] = match answer {
            None => MISSING,
            Some(c) => u8::from(c),
        };
    }

    fn row(&self, person: usize) -> &[u8] {
        &self.cells[person * self.items..(person + 1) * self.items]
    }
}

/// A Beta(α, β) prior, written `[α, β]` in serialized form.
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(type = "[number, number]")
)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "(f64, f64)", into = "(f64, f64)")]
pub struct BetaPrior {
    /// α, the pseudo-count of successes plus one.
    pub alpha: f64,
    /// β, the pseudo-count of failures plus one.
    pub beta: f64,
}

impl From<(f64, f64)> for BetaPrior {
    fn from((alpha, beta): (f64, f64)) -> Self {
        BetaPrior { alpha, beta }
    }
}

impl From<BetaPrior> for (f64, f64) {
    fn from(p: BetaPrior) -> Self {
        (p.alpha, p.beta)
    }
}

/// Settings of [`calibrate`], each with its documented default; in
/// serialized form every field may be omitted.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalibrationOptions {
    /// The model to fit (2PL).
    pub model: IrtModel,
    /// The shared discrimination of the 1PL (1.0: the Rasch model).
    pub fixed_discrimination: f64,
    /// Quadrature points over [-`quadrature_bound`, `quadrature_bound`] (41).
    pub quadrature_points: u32,
    /// Half-width of the quadrature grid, in standard deviations (5).
    pub quadrature_bound: f64,
    /// EM stops when no parameter moves more than this in one iteration (1e-4).
    pub tolerance: f64,
    /// EM gives up (with `converged: false`) after this many iterations (500).
    pub max_iterations: u32,
    /// Beta(α, β) prior of the 3PL guessing floor; BILOG-MG's default for
    /// five options is Beta(5, 17) (Zimowski, Muraki, Mislevy & Bock,
    /// "BILOG-MG 3", 2003: α = 20/k + 1, β = 20 (1 - 1/k) + 1), the default.
    pub guessing_prior: BetaPrior,
}

impl Default for CalibrationOptions {
    /// 2PL, 41 points over ±5, tolerance 1e-4, at most 500 iterations.
    fn default() -> Self {
        CalibrationOptions {
            model: IrtModel::TwoPl,
            fixed_discrimination: 1.0,
            quadrature_points: 41,
            quadrature_bound: 5.0,
            tolerance: 1e-4,
            max_iterations: 500,
            guessing_prior: BetaPrior {
                alpha: 5.0,
                beta: 17.0,
            },
        }
    }
}

impl CalibrationOptions {
    /// The defaults with another model.
    pub fn for_model(model: IrtModel) -> Self {
        CalibrationOptions {
            model,
            ..CalibrationOptions::default()
        }
    }

    fn check(&self) -> Result<()> {
        check_range(
            "fixed_discrimination",
            self.fixed_discrimination,
            1e-3,
            50.0,
        )?;
        if !(5..=201).contains(&self.quadrature_points) {
            return Err(Error::invalid(
                "quadrature_points",
                format!("{} is outside [5, 201]", self.quadrature_points),
            ));
        }
        check_range("quadrature_bound", self.quadrature_bound, 1.0, 10.0)?;
        check_range("tolerance", self.tolerance, 1e-12, 1.0)?;
        if self.max_iterations == 0 {
            return Err(Error::invalid("max_iterations", "must be at least 1"));
        }
        check_range("guessing_prior[0]", self.guessing_prior.alpha, 1.0, 1e4)?;
        check_range("guessing_prior[1]", self.guessing_prior.beta, 1.0, 1e4)
    }
}

/// The result of [`calibrate`].
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The items' parameters, in column order.
    pub items: Vec<ItemParameters>,
    /// Each person's EAP ability and posterior sd under the fitted items.
    pub abilities: Vec<AbilityEstimate>,
    /// The marginal log-likelihood of the data at the fitted parameters.
    pub log_likelihood: f64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether the tolerance was reached within `max_iterations`.
    pub converged: bool,
}

/// Working parameters of one item in slope-intercept form:
/// P = c + (1 - c) σ(a θ + d), so that the 2PL's M-step is a weighted
/// logistic regression on the quadrature nodes.
#[derive(Clone, Copy)]
struct Slope {
    a: f64,
    d: f64,
    c: f64,
}

/// Calibrates item parameters by marginal maximum likelihood (Bock-Aitkin EM)
/// with a standard normal ability distribution, which fixes the scale.
///
/// Errors: `InvalidInput` for bad options; `NotEstimable` naming
/// `responses.items[j]` for an item nobody answered or everybody answered
/// the same way (its difficulty would be ±∞), or whose answers do not
/// depend on ability at all (discrimination 0, difficulty undefined).
///
/// ```
/// use learnloop::learner::irt::{calibrate, CalibrationOptions, ResponseMatrix};
/// // 300 persons of spread-out skill; item 0 is easy, item 1 hard.
/// let rows: Vec<Vec<Option<bool>>> = (0..300)
///     .map(|p| {
///         let skill = (p * 7919 % 300) as f64 / 300.0;
///         [0.5, 1.1, 0.8]
///             .iter()
///             .enumerate()
///             .map(|(j, t)| Some(skill + ((p * 31 + j * 17) % 10) as f64 / 20.0 > *t))
///             .collect()
///     })
///     .collect();
/// let fit = calibrate(&ResponseMatrix::from_rows(&rows)?, &CalibrationOptions::default())?;
/// assert!(fit.items[0].difficulty < fit.items[1].difficulty);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn calibrate(responses: &ResponseMatrix, options: &CalibrationOptions) -> Result<Calibration> {
    options.check()?;
    let (persons, n_items) = (responses.persons, responses.items);
    if persons < 2 || n_items == 0 {
        return Err(Error::invalid(
            "responses",
            format!(
                "{persons} persons x {n_items} items; calibration needs at least 2 persons and 1 item"
            ),
        ));
    }
    // Starting values from each item's proportion correct.
    let mut counts = vec![(0u64, 0u64); n_items];
    for p in 0..persons {
        for (j, &cell) in responses.row(p).iter().enumerate() {
            if cell != MISSING {
                counts[j].0 += u64::from(cell);
                counts[j].1 += 1;
            }
        }
    }
    let mut params = Vec::with_capacity(n_items);
    for (j, &(right, answered)) in counts.iter().enumerate() {
        let field = format!("responses.items[{j}]");
        if answered == 0 {
            return Err(Error::not_estimable(field, "nobody answered this item"));
        }
        if right == 0 || right == answered {
            return Err(Error::not_estimable(
                field,
                format!(
                    "all {answered} answers are {}: the difficulty is unbounded; drop the item or add answers",
                    if right == 0 { "wrong" } else { "correct" }
                ),
            ));
        }
        let c = match options.model {
            IrtModel::ThreePl => {
                let BetaPrior { alpha, beta } = options.guessing_prior;
                ((alpha - 1.0) / (alpha + beta - 2.0)).clamp(0.01, 0.4)
            }
            _ => 0.0,
        };
        let a = match options.model {
            IrtModel::OnePl => options.fixed_discrimination,
            _ => 1.0,
        };
        let share = (right as f64 / answered as f64).clamp(c + 0.01, 0.99);
        // Under θ ~ N(0, 1) the marginal logit shrinks by about sqrt(1 + a²/2.9).
        let d = logit_of((share - c) / (1.0 - c)) * (1.0 + a * a / 2.9).sqrt();
        params.push(Slope { a, d, c });
    }

    // Checked to lie in 5..=201.
    let k = options.quadrature_points as usize;
    let nodes: Vec<f64> = (0..k)
        .map(|i| {
            -options.quadrature_bound + 2.0 * options.quadrature_bound * i as f64 / (k - 1) as f64
        })
        .collect();
    // Log weights of the standard normal on the grid, normalized.
    let raw: Vec<f64> = nodes.iter().map(|t| math::exp(-0.5 * t * t)).collect();
    let total: f64 = raw.iter().sum();
    let log_weights: Vec<f64> = raw.iter().map(|w| math::ln(w / total)).collect();

    let mut estep = EStep::new(n_items, k);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < options.max_iterations {
        iterations += 1;
        estep.run(responses, &params, &nodes, &log_weights, false);
        let mut largest_move: f64 = 0.0;
        for (j, item) in params.iter_mut().enumerate() {
            let r = &estep.correct[j * k..(j + 1) * k];
            let n = &estep.answered[j * k..(j + 1) * k];
            let next = m_step(*item, r, n, &nodes, options);
            largest_move = largest_move
                .max((next.a - item.a).abs())
                .max((next.d - item.d).abs())
                .max((next.c - item.c).abs());
            *item = next;
        }
        if largest_move < options.tolerance {
            converged = true;
            break;
        }
    }
    for (j, s) in params.iter().enumerate() {
        // Answers unrelated to ability fit best with a = 0, where the
        // difficulty -d/a is undefined (seen with tiny or symmetric data).
        if s.a.abs() < 1e-6 || !(s.a.is_finite() && s.d.is_finite() && s.c.is_finite()) {
            return Err(Error::not_estimable(
                format!("responses.items[{j}]"),
                "the answers to this item do not depend on ability (discrimination 0), so its difficulty is undefined; drop the item, add answers or fit the 1PL",
            ));
        }
    }
    estep.run(responses, &params, &nodes, &log_weights, true);
    let items = params
        .iter()
        .map(|s| ItemParameters {
            discrimination: s.a,
            difficulty: -s.d / s.a,
            guessing: s.c,
        })
        .collect();
    Ok(Calibration {
        items,
        abilities: estep.abilities,
        log_likelihood: estep.log_likelihood,
        iterations,
        converged,
    })
}

fn logit_of(p: f64) -> f64 {
    super::logit(p.clamp(1e-6, 1.0 - 1e-6))
}

/// The expected counts of the E-step: for item j and node k, the expected
/// number of persons at node k who answered j (`answered`) and who answered
/// it correctly (`correct`).
struct EStep {
    k: usize,
    correct: Vec<f64>,
    answered: Vec<f64>,
    log_q: Vec<f64>,
    log_odds: Vec<f64>,
    all_wrong: Vec<f64>,
    log_likelihood: f64,
    abilities: Vec<AbilityEstimate>,
}

/// Persons per E-step chunk. Chunks are summed in order, so the result is
/// the same bits whatever the number of threads.
const CHUNK: usize = 1024;

/// One chunk's share of the E-step.
struct ChunkCounts {
    correct: Vec<f64>,
    missing: Vec<f64>,
    total: Vec<f64>,
    log_likelihood: f64,
    abilities: Vec<AbilityEstimate>,
}

impl EStep {
    fn new(items: usize, k: usize) -> Self {
        EStep {
            k,
            correct: vec![0.0; items * k],
            answered: vec![0.0; items * k],
            log_q: vec![0.0; items * k],
            log_odds: vec![0.0; items * k],
            all_wrong: vec![0.0; k],
            log_likelihood: 0.0,
            abilities: Vec::new(),
        }
    }

    fn run(
        &mut self,
        responses: &ResponseMatrix,
        params: &[Slope],
        nodes: &[f64],
        log_weights: &[f64],
        keep_abilities: bool,
    ) {
        let k = self.k;
        self.all_wrong.iter_mut().for_each(|v| *v = 0.0);
        for (j, s) in params.iter().enumerate() {
            for (i, &theta) in nodes.iter().enumerate() {
                let p = clamp_probability(s.c + (1.0 - s.c) * sigmoid(s.a * theta + s.d));
                let (lp, lq) = (math::ln(p), math::ln(1.0 - p));
                self.log_q[j * k + i] = lq;
                self.log_odds[j * k + i] = lp - lq;
                self.all_wrong[i] += lq;
            }
        }
        let chunks = responses.persons.div_ceil(CHUNK);
        let this = &*self;
        let parts = crate::parallel::map(chunks, |c| {
            let persons = c * CHUNK..((c + 1) * CHUNK).min(responses.persons);
            this.chunk(responses, persons, nodes, log_weights, keep_abilities)
        });
        self.correct.iter_mut().for_each(|v| *v = 0.0);
        self.answered.iter_mut().for_each(|v| *v = 0.0);
        let mut total = vec![0.0; k];
        self.log_likelihood = 0.0;
        self.abilities.clear();
        for part in parts {
            add(&mut self.correct, &part.correct);
            // `answered` collects the missing mass first; see below.
            add(&mut self.answered, &part.missing);
            add(&mut total, &part.total);
            self.log_likelihood += part.log_likelihood;
            self.abilities.extend(part.abilities);
        }
        for row in self.answered.chunks_exact_mut(k) {
            for (cell, t) in row.iter_mut().zip(&total) {
                *cell = t - *cell;
            }
        }
    }

    fn chunk(
        &self,
        responses: &ResponseMatrix,
        persons: std::ops::Range<usize>,
        nodes: &[f64],
        log_weights: &[f64],
        keep_abilities: bool,
    ) -> ChunkCounts {
        let k = self.k;
        let items = responses.items;
        let mut out = ChunkCounts {
            correct: vec![0.0; items * k],
            missing: vec![0.0; items * k],
            total: vec![0.0; k],
            log_likelihood: 0.0,
            abilities: Vec::new(),
        };
        let mut acc = vec![0.0; k];
        let mut posterior = vec![0.0; k];
        for person in persons {
            let row = responses.row(person);
            // log L at every node: all wrong, then each correct answer adds
            // its log-odds and each missing one removes its log(1 - P).
            for ((a, w), b) in acc.iter_mut().zip(log_weights).zip(&self.all_wrong) {
                *a = w + b;
            }
            for (j, &cell) in row.iter().enumerate() {
                let base = j * k;
                match cell {
                    1 => add(&mut acc, &self.log_odds[base..base + k]),
                    MISSING => sub(&mut acc, &self.log_q[base..base + k]),
                    _ => {}
                }
            }
            let max = acc.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for (post, a) in posterior.iter_mut().zip(&acc) {
                *post = math::exp(a - max);
                sum += *post;
            }
            out.log_likelihood += max + math::ln(sum);
            let inv = 1.0 / sum;
            posterior.iter_mut().for_each(|p| *p *= inv);
            add(&mut out.total, &posterior);
            for (j, &cell) in row.iter().enumerate() {
                let base = j * k;
                match cell {
                    1 => add(&mut out.correct[base..base + k], &posterior),
                    MISSING => add(&mut out.missing[base..base + k], &posterior),
                    _ => {}
                }
            }
            if keep_abilities {
                let (mut m1, mut m2) = (0.0, 0.0);
                for (p, t) in posterior.iter().zip(nodes) {
                    m1 += p * t;
                    m2 += p * t * t;
                }
                out.abilities.push(AbilityEstimate {
                    theta: m1,
                    standard_error: (m2 - m1 * m1).max(0.0).sqrt(),
                });
            }
        }
        out
    }
}

#[inline]
fn add(into: &mut [f64], from: &[f64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

#[inline]
fn sub(into: &mut [f64], from: &[f64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a -= b;
    }
}

/// The expected complete-data log-likelihood of one item (plus the
/// guessing prior's log density for the 3PL).
fn item_objective(
    s: Slope,
    r: &[f64],
    n: &[f64],
    nodes: &[f64],
    options: &CalibrationOptions,
) -> f64 {
    let mut q = 0.0;
    for ((&ri, &ni), &t) in r.iter().zip(n).zip(nodes) {
        let p = clamp_probability(s.c + (1.0 - s.c) * sigmoid(s.a * t + s.d));
        q += ri * math::ln(p) + (ni - ri) * math::ln(1.0 - p);
    }
    if options.model == IrtModel::ThreePl {
        let BetaPrior { alpha, beta } = options.guessing_prior;
        q += (alpha - 1.0) * math::ln(s.c) + (beta - 1.0) * math::ln(1.0 - s.c);
    }
    q
}

// Small dense linear algebra reads best with explicit indices.
#[allow(clippy::needless_range_loop)]
/// One M-step for one item: Fisher-scoring steps on the expected
/// complete-data log-likelihood, halved until it does not decrease.
fn m_step(
    start: Slope,
    r: &[f64],
    n: &[f64],
    nodes: &[f64],
    options: &CalibrationOptions,
) -> Slope {
    let free = match options.model {
        IrtModel::OnePl => 1,
        IrtModel::TwoPl => 2,
        IrtModel::ThreePl => 3,
    };
    let mut s = start;
    let mut q = item_objective(s, r, n, nodes, options);
    for _ in 0..4 {
        // Gradient g and expected information H over (d, a, c).
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for ((&ri, &ni), &t) in r.iter().zip(n).zip(nodes) {
            let sg = sigmoid(s.a * t + s.d);
            let p = clamp_probability(s.c + (1.0 - s.c) * sg);
            let psi = (1.0 - s.c) * sg * (1.0 - sg);
            let grad_p = [psi, psi * t, 1.0 - sg];
            let w = 1.0 / (p * (1.0 - p));
            let resid = (ri - ni * p) * w;
            for x in 0..free {
                g[x] += resid * grad_p[x];
                for y in 0..=x {
                    h[x][y] += ni * w * grad_p[x] * grad_p[y];
                }
            }
        }
        if free == 3 {
            let BetaPrior { alpha, beta } = options.guessing_prior;
            g[2] += (alpha - 1.0) / s.c - (beta - 1.0) / (1.0 - s.c);
            h[2][2] += (alpha - 1.0) / (s.c * s.c) + (beta - 1.0) / ((1.0 - s.c) * (1.0 - s.c));
        }
        for x in 0..free {
            for y in x + 1..free {
                h[x][y] = h[y][x];
            }
        }
        let Some(step) = solve(&h, &g, free) else {
            break;
        };
        let mut scale = 1.0;
        let biggest = step.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if biggest > 1.0 {
            scale = 1.0 / biggest;
        }
        let mut improved = false;
        for _ in 0..20 {
            let mut next = s;
            next.d += scale * step[0];
            if free >= 2 {
                next.a = (next.a + scale * step[1]).clamp(-20.0, 20.0);
            }
            if free == 3 {
                next.c = (next.c + scale * step[2]).clamp(1e-4, 0.6);
            }
            next.d = next.d.clamp(-60.0, 60.0);
            let nq = item_objective(next, r, n, nodes, options);
            if nq >= q {
                s = next;
                q = nq;
                improved = true;
                break;
            }
            scale *= 0.5;
        }
        if !improved || step.iter().take(free).all(|v| (scale * v).abs() < 1e-9) {
            break;
        }
    }
    s
}

#[allow(clippy::needless_range_loop)]
/// Solves the symmetric positive-definite system `h x = g` of size `n` (≤ 3)
/// by Cholesky; `None` if it is singular.
fn solve(h: &[[f64; 3]; 3], g: &[f64; 3], n: usize) -> Option<[f64; 3]> {
    let mut l = [[0.0; 3]; 3];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = h[i][j];
            for m in 0..j {
                sum -= l[i][m] * l[j][m];
            }
            if i == j {
                if sum <= 1e-12 {
                    return None;
                }
                l[i][i] = sum.sqrt();
            } else {
                l[i][j] = sum / l[j][j];
            }
        }
    }
    let mut y = [0.0; 3];
    for i in 0..n {
        let mut sum = g[i];
        for m in 0..i {
            sum -= l[i][m] * y[m];
        }
        y[i] = sum / l[i][i];
    }
    let mut x = [0.0; 3];
    for i in (0..n).rev() {
        let mut sum = y[i];
        for m in i + 1..n {
            sum -= l[m][i] * x[m];
        }
        x[i] = sum / l[i][i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_and_information_match_the_formulas() {
        let item = ItemParameters::new(1.2, 0.5, 0.2).unwrap();
        let p = item.probability(0.5).unwrap();
        assert!((p - 0.6).abs() < 1e-12);
        // At θ = b for the 2PL the information is a²/4.
        let two = ItemParameters::new(1.2, 0.5, 0.0).unwrap();
        assert!((two.information(0.5).unwrap() - 0.36).abs() < 1e-12);
        // The 3PL's guessing floor lowers the information.
        assert!(item.information(0.5).unwrap() < two.information(0.5).unwrap());
        assert_eq!(item.probability(f64::NAN).unwrap_err().field(), "theta");
    }

    #[test]
    fn parameters_are_checked() {
        assert_eq!(
            ItemParameters::new(0.0, 0.0, 0.0).unwrap_err().field(),
            "item.discrimination"
        );
        assert_eq!(
            ItemParameters::new(1.0, f64::NAN, 0.0).unwrap_err().field(),
            "item.difficulty"
        );
        assert_eq!(
            ItemParameters::new(1.0, 0.0, 1.0).unwrap_err().field(),
            "item.guessing"
        );
        let items = [ItemParameters::new(1.0, 0.0, 0.0).unwrap()];
        assert_eq!(
            estimate_ability_eap(&items, &[], NormalPrior::default())
                .unwrap_err()
                .field(),
            "responses"
        );
        assert_eq!(
            estimate_ability_mle(&items, &[None]).unwrap_err().code(),
            "not_estimable"
        );
        assert_eq!("4PL".parse::<IrtModel>().unwrap_err().field(), "model");
        assert_eq!("2PL".parse::<IrtModel>().unwrap(), IrtModel::TwoPl);
    }

    #[test]
    fn mle_and_eap_agree_on_a_long_test() {
        let items: Vec<ItemParameters> = (0..60)
            .map(|i| {
                ItemParameters::new(1.0 + (i % 3) as f64 * 0.3, -3.0 + i as f64 * 0.1, 0.0).unwrap()
            })
            .collect();
        // Right on the easier items, wrong on the harder ones: ability near 0.
        let answers: Vec<Option<bool>> = (0..60).map(|i| Some(i < 30)).collect();
        let mle = estimate_ability_mle(&items, &answers).unwrap();
        let eap = estimate_ability_eap(&items, &answers, NormalPrior::default()).unwrap();
        assert!((mle.theta - eap.theta).abs() < 0.15, "{mle:?} {eap:?}");
        assert!(mle.standard_error < 0.4 && eap.standard_error < 0.4);
    }

    #[test]
    fn calibration_refuses_items_without_variation() {
        let rows = vec![vec![Some(true), Some(true)], vec![Some(false), Some(true)]];
        let m = ResponseMatrix::from_rows(&rows).unwrap();
        let err = calibrate(&m, &CalibrationOptions::default()).unwrap_err();
        assert_eq!(err.field(), "responses.items[1]");
        assert_eq!(err.code(), "not_estimable");
        let ragged = vec![vec![Some(true)], vec![]];
        assert_eq!(
            ResponseMatrix::from_rows(&ragged).unwrap_err().field(),
            "responses[1]"
        );
        let opts = CalibrationOptions {
            quadrature_points: 2,
            ..CalibrationOptions::default()
        };
        assert_eq!(
            calibrate(&m, &opts).unwrap_err().field(),
            "quadrature_points"
        );
    }

    #[test]
    fn calibration_refuses_items_unrelated_to_ability() {
        // Found by the fuzzer: every item right for exactly two of four
        // persons, in a pattern no ability ordering explains.
        let r = |v: [u8; 4]| v.iter().map(|&x| Some(x == 1)).collect::<Vec<_>>();
        let rows = vec![
            r([1, 0, 0, 1]),
            r([0, 1, 1, 0]),
            r([1, 1, 0, 0]),
            r([0, 0, 1, 1]),
        ];
        let err = calibrate(
            &ResponseMatrix::from_rows(&rows).unwrap(),
            &CalibrationOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.field().as_str()),
            ("not_estimable", "responses.items[0]")
        );
    }
}
