//! Learner models and the adaptive engine for Python. Conversions only:
//! small values are frozen classes, adaptive states and observations are
//! the JSON-ready dicts the store keeps, and the fits run without the GIL.

use crate::store::run;
use crate::{from_dict, invalid, optional_utc_time, to_dict, to_py, utc_time};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A rating and the number of answers it rests on.
#[pyclass(frozen, eq, name = "EloRating", module = "learnloop")]
#[derive(Clone, Copy, PartialEq)]
pub struct PyEloRating(elo::EloRating);

#[pymethods]
impl PyEloRating {
    #[new]
    #[pyo3(signature = (rating = 0.0, answers = 0))]
    fn new(rating: f64, answers: u32) -> Self {
        PyEloRating(elo::EloRating { rating, answers })
    }
    /// Skill (learner) or difficulty (item), in logits.
    #[getter]
    fn rating(&self) -> f64 {
        self.0.rating
    }
    /// Answers the rating rests on.
    #[getter]
    fn answers(&self) -> u32 {
        self.0.answers
    }
    fn __repr__(&self) -> String {
        format!(
            "EloRating(rating={}, answers={})",
            self.0.rating, self.0.answers
        )
    }
}

/// Both ratings after one answer, and the prediction made before it.
#[pyclass(frozen, name = "EloUpdate", module = "learnloop")]
pub struct PyEloUpdate(elo::EloUpdate);

#[pymethods]
impl PyEloUpdate {
    /// The learner's new rating.
    #[getter]
    fn learner(&self) -> PyEloRating {
        PyEloRating(self.0.learner)
    }
    /// The item's new rating.
    #[getter]
    fn item(&self) -> PyEloRating {
        PyEloRating(self.0.item)
    }
    /// P(correct) before the answer.
    #[getter]
    fn predicted(&self) -> f64 {
        self.0.predicted
    }
}

/// Elo for learners and items with the uncertainty function alpha / (1 + beta n).
#[pyclass(frozen, name = "Elo", module = "learnloop")]
pub struct PyElo(elo::Elo);

#[pymethods]
impl PyElo {
    #[new]
    #[pyo3(signature = (alpha = 1.0, beta = 0.05))]
    fn new(alpha: f64, beta: f64) -> PyResult<Self> {
        elo::Elo::new(alpha, beta).map(PyElo).map_err(to_py)
    }
    /// Step size of a rating resting on `answers` answers.
    fn uncertainty(&self, answers: u32) -> f64 {
        self.0.uncertainty(answers)
    }
    /// P(correct); `options` > 1 adds the 1/options guessing floor.
    #[pyo3(signature = (learner, item, options = 0))]
    fn probability(&self, learner: &PyEloRating, item: &PyEloRating, options: u32) -> f64 {
        self.0.probability(learner.0, item.0, options)
    }
    /// Both ratings after an answer scored `score` (0-1).
    #[pyo3(signature = (learner, item, score, options = 0))]
    fn update(
        &self,
        learner: &PyEloRating,
        item: &PyEloRating,
        score: f64,
        options: u32,
    ) -> PyResult<PyEloUpdate> {
        self.0
            .update(learner.0, item.0, score, options)
            .map(PyEloUpdate)
            .map_err(to_py)
    }
}

/// Discrimination, difficulty and guessing floor of one item.
#[pyclass(frozen, eq, name = "ItemParameters", module = "learnloop")]
#[derive(Clone, Copy, PartialEq)]
pub struct PyItemParameters(irt::ItemParameters);

#[pymethods]
impl PyItemParameters {
    #[new]
    #[pyo3(signature = (discrimination, difficulty, guessing = 0.0))]
    fn new(discrimination: f64, difficulty: f64, guessing: f64) -> PyResult<Self> {
        irt::ItemParameters::new(discrimination, difficulty, guessing)
            .map(PyItemParameters)
            .map_err(to_py)
    }
    /// Discrimination a.
    #[getter]
    fn discrimination(&self) -> f64 {
        self.0.discrimination
    }
    /// Difficulty b.
    #[getter]
    fn difficulty(&self) -> f64 {
        self.0.difficulty
    }
    /// Guessing floor c.
    #[getter]
    fn guessing(&self) -> f64 {
        self.0.guessing
    }
    /// P(correct) at ability `theta`.
    fn probability(&self, theta: f64) -> f64 {
        self.0.probability(theta)
    }
    /// Fisher information at `theta`.
    fn information(&self, theta: f64) -> f64 {
        self.0.information(theta)
    }
    fn __repr__(&self) -> String {
        format!(
            "ItemParameters(discrimination={}, difficulty={}, guessing={})",
            self.0.discrimination, self.0.difficulty, self.0.guessing
        )
    }
}

/// An ability and its standard error.
#[pyclass(frozen, name = "AbilityEstimate", module = "learnloop")]
pub struct PyAbilityEstimate(irt::AbilityEstimate);

#[pymethods]
impl PyAbilityEstimate {
    /// The ability.
    #[getter]
    fn theta(&self) -> f64 {
        self.0.theta
    }
    /// Its standard error.
    #[getter]
    fn standard_error(&self) -> f64 {
        self.0.standard_error
    }
    fn __repr__(&self) -> String {
        format!(
            "AbilityEstimate(theta={}, standard_error={})",
            self.0.theta, self.0.standard_error
        )
    }
}

fn items_of(items: Vec<PyRef<'_, PyItemParameters>>) -> Vec<irt::ItemParameters> {
    items.iter().map(|i| i.0).collect()
}

/// One answer cell: True/1 right, False/0 wrong, None not answered.
/// Missing: None, NaN or a negative code (-1, as mirt and pyBKT write it).
/// Numbers come from Python or numpy alike (bool, int, float, numpy scalars).
fn cell(field: &str, v: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
    if v.is_none() {
        return Ok(None);
    }
    match v.extract::<f64>() {
        Ok(x) if x.is_nan() || x < 0.0 => Ok(None),
        Ok(1.0) => Ok(Some(true)),
        Ok(0.0) => Ok(Some(false)),
        _ => Err(invalid(
            field,
            format!("{v} is not True/False, 1/0, or None/NaN/negative for not answered"),
        )),
    }
}

/// An id as text: a str as it is, anything else (a numpy or int user id) by `str()`.
fn id_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    match v.cast::<pyo3::types::PyString>() {
        Ok(s) => Ok(s.to_str()?.to_owned()),
        Err(_) => Ok(v.str()?.to_str()?.to_owned()),
    }
}

fn answers_of(field: &str, row: &Bound<'_, PyAny>) -> PyResult<Vec<Option<bool>>> {
    row.try_iter()
        .map_err(|_| invalid(field, "expected a sequence of answers"))?
        .enumerate()
        .map(|(i, v)| cell(&format!("{field}[{i}]"), &v?))
        .collect()
}

/// The expected a-posteriori ability (never fails on all-right or all-wrong answers).
#[pyfunction]
#[pyo3(signature = (items, responses, *, prior_mean = 0.0, prior_sd = 1.0))]
fn estimate_ability_eap(
    items: Vec<PyRef<'_, PyItemParameters>>,
    responses: &Bound<'_, PyAny>,
    prior_mean: f64,
    prior_sd: f64,
) -> PyResult<PyAbilityEstimate> {
    let responses = answers_of("responses", responses)?;
    let prior = irt::NormalPrior {
        mean: prior_mean,
        sd: prior_sd,
    };
    irt::estimate_ability_eap(&items_of(items), &responses, prior)
        .map(PyAbilityEstimate)
        .map_err(to_py)
}

/// The maximum-likelihood ability; raises NotEstimableError when it is infinite.
#[pyfunction]
fn estimate_ability_mle(
    items: Vec<PyRef<'_, PyItemParameters>>,
    responses: &Bound<'_, PyAny>,
) -> PyResult<PyAbilityEstimate> {
    let responses = answers_of("responses", responses)?;
    irt::estimate_ability_mle(&items_of(items), &responses)
        .map(PyAbilityEstimate)
        .map_err(to_py)
}

/// The result of `calibrate`.
#[pyclass(frozen, name = "Calibration", module = "learnloop")]
pub struct PyCalibration(irt::Calibration);

#[pymethods]
impl PyCalibration {
    /// The items' parameters, in column order.
    #[getter]
    fn items(&self) -> Vec<PyItemParameters> {
        self.0.items.iter().copied().map(PyItemParameters).collect()
    }
    /// Each person's EAP ability.
    #[getter]
    fn abilities(&self) -> Vec<PyAbilityEstimate> {
        self.0
            .abilities
            .iter()
            .copied()
            .map(PyAbilityEstimate)
            .collect()
    }
    /// Marginal log-likelihood.
    #[getter]
    fn log_likelihood(&self) -> f64 {
        self.0.log_likelihood
    }
    /// EM iterations run.
    #[getter]
    fn iterations(&self) -> usize {
        self.0.iterations
    }
    /// Whether the tolerance was reached.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }
}

/// Calibrates item parameters by marginal maximum likelihood (EM) from a
/// persons x items matrix of True/False/None (or 1/0/None).
#[pyfunction]
#[pyo3(signature = (responses, *, model = "2PL", fixed_discrimination = 1.0, quadrature_points = 41,
    quadrature_bound = 5.0, tolerance = 1e-4, max_iterations = 500, guessing_prior = (5.0, 17.0)))]
#[allow(clippy::too_many_arguments)]
fn calibrate(
    py: Python<'_>,
    responses: &Bound<'_, PyAny>,
    model: &str,
    fixed_discrimination: f64,
    quadrature_points: usize,
    quadrature_bound: f64,
    tolerance: f64,
    max_iterations: usize,
    guessing_prior: (f64, f64),
) -> PyResult<PyCalibration> {
    let rows: Vec<Vec<Option<bool>>> = responses
        .try_iter()
        .map_err(|_| invalid("responses", "expected a sequence of rows"))?
        .enumerate()
        .map(|(p, row)| answers_of(&format!("responses[{p}]"), &row?))
        .collect::<PyResult<_>>()?;
    let options = irt::CalibrationOptions {
        model: irt::IrtModel::from_name(model, "model").map_err(to_py)?,
        fixed_discrimination,
        quadrature_points,
        quadrature_bound,
        tolerance,
        max_iterations,
        guessing_prior,
    };
    run(py, || {
        let matrix = irt::ResponseMatrix::from_rows(&rows)?;
        irt::calibrate(&matrix, &options)
    })
    .map(PyCalibration)
}

/// Chooses the next item: rule "maximum_information" or "success_band".
#[pyclass(frozen, name = "ItemSelector", module = "learnloop")]
pub struct PyItemSelector(irt::ItemSelector);

#[pymethods]
impl PyItemSelector {
    #[new]
    #[pyo3(signature = (rule = "maximum_information", *, low = 0.7, high = 0.85, randomesque = 1, max_exposure_rate = None))]
    fn new(
        rule: &str,
        low: f64,
        high: f64,
        randomesque: usize,
        max_exposure_rate: Option<f64>,
    ) -> PyResult<Self> {
        let rule = match rule {
            "maximum_information" => irt::SelectionRule::MaximumInformation,
            "success_band" => irt::SelectionRule::SuccessBand { low, high },
            other => {
                return Err(invalid(
                    "rule",
                    format!("{other:?} is not \"maximum_information\" or \"success_band\""),
                ));
            }
        };
        Ok(PyItemSelector(irt::ItemSelector {
            rule,
            randomesque,
            max_exposure_rate,
        }))
    }
    /// The index of the next item, or None when all were administered.
    #[pyo3(signature = (items, theta, *, administered = Vec::new(), exposure = Vec::new(), sessions = 0, seed = 0))]
    fn select(
        &self,
        items: Vec<PyRef<'_, PyItemParameters>>,
        theta: f64,
        administered: Vec<usize>,
        exposure: Vec<u64>,
        sessions: u64,
        seed: u64,
    ) -> PyResult<Option<usize>> {
        self.0
            .select(
                &items_of(items),
                theta,
                &administered,
                &exposure,
                sessions,
                seed,
            )
            .map_err(to_py)
    }
}

/// The five BKT probabilities of one skill.
#[pyclass(frozen, eq, name = "BktParameters", module = "learnloop")]
#[derive(Clone, Copy, PartialEq)]
pub struct PyBktParameters(bkt::BktParameters);

#[pymethods]
impl PyBktParameters {
    #[new]
    #[pyo3(signature = (prior, learn, guess, slip, forget = 0.0))]
    fn new(prior: f64, learn: f64, guess: f64, slip: f64, forget: f64) -> PyResult<Self> {
        bkt::BktParameters::new(prior, learn, forget, guess, slip)
            .map(PyBktParameters)
            .map_err(to_py)
    }
    /// P(known) before the first answer.
    #[getter]
    fn prior(&self) -> f64 {
        self.0.prior
    }
    /// P(unknown -> known) per answer.
    #[getter]
    fn learn(&self) -> f64 {
        self.0.learn
    }
    /// P(known -> unknown) per answer.
    #[getter]
    fn forget(&self) -> f64 {
        self.0.forget
    }
    /// P(correct | unknown).
    #[getter]
    fn guess(&self) -> f64 {
        self.0.guess
    }
    /// P(wrong | known).
    #[getter]
    fn slip(&self) -> f64 {
        self.0.slip
    }
    /// P(correct) given P(known).
    fn predict(&self, known: f64) -> f64 {
        self.0.predict(known)
    }
    /// P(known) right after an answer.
    fn posterior(&self, known: f64, correct: bool) -> f64 {
        self.0.posterior(known, correct)
    }
    /// P(known) at the next answer.
    fn update(&self, known: f64, correct: bool) -> f64 {
        self.0.update(known, correct)
    }
    /// P(known) after a sequence of answers, from the prior.
    fn trace(&self, answers: Vec<bool>) -> f64 {
        self.0.trace(&answers)
    }
    /// The prediction made before each answer.
    fn predict_sequence(&self, answers: Vec<bool>) -> Vec<f64> {
        self.0.predict_sequence(&answers)
    }
    fn __repr__(&self) -> String {
        let p = self.0;
        format!(
            "BktParameters(prior={}, learn={}, guess={}, slip={}, forget={})",
            p.prior, p.learn, p.guess, p.slip, p.forget
        )
    }
}

/// The fitted parameters of one skill.
#[pyclass(frozen, name = "BktSkillFit", module = "learnloop")]
pub struct PyBktSkillFit(bkt::BktSkillFit);

#[pymethods]
impl PyBktSkillFit {
    /// The skill.
    #[getter]
    fn skill(&self) -> &str {
        &self.0.skill
    }
    /// Its parameters.
    #[getter]
    fn parameters(&self) -> PyBktParameters {
        PyBktParameters(self.0.parameters)
    }
    /// Log-likelihood of its answers.
    #[getter]
    fn log_likelihood(&self) -> f64 {
        self.0.log_likelihood
    }
    /// Answers seen.
    #[getter]
    fn answers(&self) -> usize {
        self.0.answers
    }
    /// Students seen.
    #[getter]
    fn students(&self) -> usize {
        self.0.students
    }
    /// EM iterations.
    #[getter]
    fn iterations(&self) -> usize {
        self.0.iterations
    }
    /// Whether the tolerance was reached.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }
}

/// Fits BKT per skill by EM from (student, skill, correct) triples in order.
#[pyfunction]
#[pyo3(signature = (answers, *, forgetting = false, max_guess = 0.3, max_slip = 0.1, tolerance = 1e-6, max_iterations = 500))]
fn fit_bkt(
    py: Python<'_>,
    answers: &Bound<'_, PyAny>,
    forgetting: bool,
    max_guess: f64,
    max_slip: f64,
    tolerance: f64,
    max_iterations: usize,
) -> PyResult<Vec<PyBktSkillFit>> {
    let options = bkt::BktFitOptions {
        forgetting,
        max_guess,
        max_slip,
        tolerance,
        max_iterations,
        ..bkt::BktFitOptions::default()
    };
    // The common case (str ids, bool answers) converts in one typed pass;
    // anything else (numpy ints, int ids) goes item by item below.
    if let Ok(typed) = answers.extract::<Vec<(String, String, bool)>>() {
        let answers: Vec<bkt::BktAnswer> = typed
            .into_iter()
            .map(|(student, skill, correct)| bkt::BktAnswer {
                student,
                skill,
                correct,
            })
            .collect();
        return run(py, || bkt::fit(&answers, &options))
            .map(|fits| fits.into_iter().map(PyBktSkillFit).collect());
    }
    let answers: Vec<bkt::BktAnswer> = answers
        .try_iter()
        .map_err(|_| {
            invalid(
                "answers",
                "expected a sequence of (student, skill, correct)",
            )
        })?
        .enumerate()
        .map(|(i, a)| {
            let a = a?;
            let field = format!("answers[{i}]");
            if a.len().ok() != Some(3) {
                return Err(invalid(&field, "expected (student, skill, correct)"));
            }
            let correct = cell(&format!("{field}[2]"), &a.get_item(2)?)?.ok_or_else(|| {
                invalid(
                    &format!("{field}[2]"),
                    "an answer to fit must be right or wrong",
                )
            })?;
            Ok(bkt::BktAnswer {
                student: id_text(&a.get_item(0)?)?,
                skill: id_text(&a.get_item(1)?)?,
                correct,
            })
        })
        .collect::<PyResult<_>>()?;
    run(py, || bkt::fit(&answers, &options))
        .map(|fits| fits.into_iter().map(PyBktSkillFit).collect())
}

/// A fitted Performance Factors Analysis model.
#[pyclass(frozen, name = "Pfa", module = "learnloop")]
pub struct PyPfa(logistic::Pfa);

#[pymethods]
impl PyPfa {
    /// Fits from (student, skills, correct) triples in chronological order.
    #[staticmethod]
    #[pyo3(signature = (answers, l2 = 1.0))]
    fn fit(py: Python<'_>, answers: Vec<(String, Vec<String>, bool)>, l2: f64) -> PyResult<Self> {
        let answers: Vec<logistic::PfaAnswer> = answers
            .into_iter()
            .map(|(student, skills, correct)| logistic::PfaAnswer {
                student,
                skills,
                correct,
            })
            .collect();
        run(py, || logistic::Pfa::fit(&answers, l2)).map(PyPfa)
    }
    /// P(success) after the given (skill, successes, failures) practice.
    fn probability(&self, practice: Vec<(String, u32, u32)>) -> PyResult<f64> {
        let practice: Vec<logistic::SkillPractice> = practice
            .into_iter()
            .map(|(skill, successes, failures)| logistic::SkillPractice {
                skill,
                successes,
                failures,
            })
            .collect();
        self.0.probability(&practice).map_err(to_py)
    }
    /// The shared intercept.
    #[getter]
    fn intercept(&self) -> f64 {
        self.0.intercept
    }
    /// {skill: {"easiness", "success", "failure"}}.
    #[getter]
    fn skills<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0.skills)
    }
    /// Log-likelihood of the training answers.
    #[getter]
    fn log_likelihood(&self) -> f64 {
        self.0.log_likelihood
    }
}

/// Area under the ROC curve of predictions against outcomes.
#[pyfunction]
fn auc(predicted: Vec<f64>, observed: Vec<bool>) -> PyResult<f64> {
    metrics::auc(&predicted, &observed).map_err(to_py)
}

/// Mean negative log-likelihood.
#[pyfunction]
fn log_loss(predicted: Vec<f64>, observed: Vec<bool>) -> PyResult<f64> {
    metrics::log_loss(&predicted, &observed).map_err(to_py)
}

/// Root mean squared error.
#[pyfunction]
fn rmse(predicted: Vec<f64>, observed: Vec<bool>) -> PyResult<f64> {
    metrics::rmse(&predicted, &observed).map_err(to_py)
}

/// The adaptive engine: observe one interaction, get the new state and an
/// explained decision. States are the dicts the Store keeps.
#[pyclass(frozen, name = "AdaptiveEngine", module = "learnloop")]
pub struct PyAdaptiveEngine(Engine);

#[pymethods]
impl PyAdaptiveEngine {
    #[new]
    #[pyo3(signature = (*, success_band_low = 0.70, success_band_high = 0.85, seed = 0, trend_window = 10,
        smoothing = 0.3, max_step = 0.15, difficulty_scale = 3.0, hint_penalty = 0.2,
        expected_response_ms = 30_000, elo = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        success_band_low: f64,
        success_band_high: f64,
        seed: u64,
        trend_window: usize,
        smoothing: f64,
        max_step: f64,
        difficulty_scale: f64,
        hint_penalty: f64,
        expected_response_ms: u64,
        elo: Option<&PyElo>,
    ) -> PyResult<Self> {
        let config = EngineConfig {
            success_band_low,
            success_band_high,
            seed,
            trend_window,
            smoothing,
            max_step,
            difficulty_scale,
            hint_penalty,
            expected_response_ms,
            elo: elo.map_or_else(elo::Elo::default, |e| e.0),
        };
        Engine::new(config).map(PyAdaptiveEngine).map_err(to_py)
    }

    /// The settings, as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, self.0.config())
    }

    /// The state of a fresh session (now if `at` is None).
    #[pyo3(signature = (at = None))]
    fn initial_state<'py>(
        &self,
        py: Python<'py>,
        at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &AdaptiveState::initial(optional_utc_time("at", at)?))
    }

    /// Predicted success on a question of `difficulty` (0-1).
    fn predict_success(&self, state: &Bound<'_, PyAny>, difficulty: f64) -> PyResult<f64> {
        let state: AdaptiveState = from_dict(state)?;
        Ok(self.0.predict_success(&state, difficulty))
    }

    /// Observe one answer: returns {"state", "record", "predictedSuccess",
    /// "nextPredictedSuccess", "nextContentFormat"}. Give `correct` or `score`.
    #[pyo3(signature = (state, *, question_id, at, correct = None, score = None, difficulty = None,
        response_time_ms = None, expected_time_ms = None, confidence = None, hints_used = 0,
        content_format = None))]
    #[allow(clippy::too_many_arguments)]
    fn observe<'py>(
        &self,
        py: Python<'py>,
        state: &Bound<'py, PyAny>,
        question_id: String,
        at: &Bound<'py, PyAny>,
        correct: Option<bool>,
        score: Option<f64>,
        difficulty: Option<f64>,
        response_time_ms: Option<u64>,
        expected_time_ms: Option<u64>,
        confidence: Option<f64>,
        hints_used: u32,
        content_format: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let score = Interaction::score_from("score", correct, score).map_err(to_py)?;
        let state: AdaptiveState = if state.is_instance_of::<PyDict>() {
            from_dict(state)?
        } else {
            return Err(invalid(
                "state",
                "expected the state dict (AdaptiveEngine.initial_state or Store.adaptive_state)",
            ));
        };
        let interaction = Interaction {
            question_id,
            score,
            at: utc_time("at", at)?,
            difficulty,
            response_time_ms,
            expected_time_ms,
            confidence,
            hints_used,
            content_format,
        };
        let seen = self.0.observe(&state, &interaction).map_err(to_py)?;
        to_dict(py, &seen)
    }
}

/// Adds the learner classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEloRating>()?;
    m.add_class::<PyEloUpdate>()?;
    m.add_class::<PyElo>()?;
    m.add_class::<PyItemParameters>()?;
    m.add_class::<PyAbilityEstimate>()?;
    m.add_class::<PyCalibration>()?;
    m.add_class::<PyItemSelector>()?;
    m.add_class::<PyBktParameters>()?;
    m.add_class::<PyBktSkillFit>()?;
    m.add_class::<PyPfa>()?;
    m.add_class::<PyAdaptiveEngine>()?;
    m.add_function(wrap_pyfunction!(estimate_ability_eap, m)?)?;
    m.add_function(wrap_pyfunction!(estimate_ability_mle, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(fit_bkt, m)?)?;
    m.add_function(wrap_pyfunction!(auc, m)?)?;
    m.add_function(wrap_pyfunction!(log_loss, m)?)?;
    m.add_function(wrap_pyfunction!(rmse, m)?)?;
    m.add("MASTERY_THRESHOLD", bkt::MASTERY_THRESHOLD)?;
    Ok(())
}
