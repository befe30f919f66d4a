//! Learner models and the adaptive engine for Python. Conversions only:
//! settings are keyword arguments decoded into the core's options, results
//! are the core's records as dicts, items and BKT parameters are small
//! frozen classes (they have methods), and the fits run without the GIL.

use crate::convert::{from_py, options, to_py_object, to_value, whole, whole_opt};
use crate::errors::to_py;
use crate::store::run;
use crate::time::{invalid, timestamp};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;

/// A dict of keyword arguments with `extra` pairs added (positional
/// arguments that name a field).
fn with_fields<'py>(
    py: Python<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
    extra: &[(&str, Option<Bound<'py, PyAny>>)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = match kwargs {
        Some(k) => k.copy()?,
        None => PyDict::new(py),
    };
    for (key, value) in extra {
        if let Some(value) = value {
            dict.set_item(key, value)?;
        }
    }
    Ok(dict)
}

/// Elo for learners and items with the uncertainty function alpha / (1 + beta n).
#[pyclass(frozen, name = "Elo", module = "learnloop")]
pub struct PyElo(elo::Elo);

#[pymethods]
impl PyElo {
    /// An Elo model; keyword arguments `alpha` and `beta` (the core's defaults otherwise).
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let o: elo::Elo = self::options(options)?;
        elo::Elo::new(o.alpha, o.beta).map(PyElo).map_err(to_py)
    }
    /// The settings, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("Elo({})", learnloop::json::to_json(&self.0))
    }
    /// Step size of a rating resting on `answers` answers.
    fn uncertainty(&self, answers: &Bound<'_, PyAny>) -> PyResult<f64> {
        Ok(self.0.uncertainty(whole("answers", answers)?))
    }
    /// P(correct) of `learner` on `item` (dicts `{"rating", "answers"}`);
    /// `options` > 1 adds the 1/options guessing floor of a multiple-choice
    /// question.
    #[pyo3(signature = (learner, item, *, options = None))]
    fn probability(
        &self,
        learner: &Bound<'_, PyAny>,
        item: &Bound<'_, PyAny>,
        options: Option<u32>,
    ) -> PyResult<f64> {
        let (learner, item) = (from_py("learner", learner)?, from_py("item", item)?);
        Ok(self
            .0
            .probability(learner, item, options.unwrap_or_default()))
    }
    /// Replays `answers` (dicts `{"learner_id", "item_id", "score",
    /// "options"}`) in order from newcomers' ratings: `{"learners",
    /// "items", "predicted"}`, the prediction made before each answer.
    fn fit<'py>(&self, py: Python<'py>, answers: &Bound<'_, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let answers: Vec<elo::EloAnswer> = from_py("answers", answers)?;
        to_py_object(py, &self.0.fit(&answers).map_err(to_py)?)
    }
    /// Both ratings after an answer scored `score` (0-1), and the prediction
    /// made before it: `{"learner", "item", "predicted"}`.
    #[pyo3(signature = (learner, item, score, *, options = None))]
    fn update<'py>(
        &self,
        py: Python<'py>,
        learner: &Bound<'_, PyAny>,
        item: &Bound<'_, PyAny>,
        score: f64,
        options: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (learner, item) = (from_py("learner", learner)?, from_py("item", item)?);
        let update = self
            .0
            .update(learner, item, score, options.unwrap_or_default())
            .map_err(to_py)?;
        to_py_object(py, &update)
    }
}

/// Discrimination, difficulty and guessing floor of one item.
#[pyclass(frozen, eq, name = "ItemParameters", module = "learnloop")]
#[derive(Clone, Copy, PartialEq)]
pub struct PyItemParameters(irt::ItemParameters);

#[pymethods]
impl PyItemParameters {
    /// An item; `guessing` is the 3PL floor (none if omitted).
    #[new]
    #[pyo3(signature = (discrimination, difficulty, guessing = None))]
    fn new(discrimination: f64, difficulty: f64, guessing: Option<f64>) -> PyResult<Self> {
        irt::ItemParameters::new(discrimination, difficulty, guessing.unwrap_or_default())
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
    fn probability(&self, theta: f64) -> PyResult<f64> {
        self.0.probability(theta).map_err(to_py)
    }
    /// Fisher information at `theta`.
    fn information(&self, theta: f64) -> PyResult<f64> {
        self.0.information(theta).map_err(to_py)
    }
    /// `{"discrimination", "difficulty", "guessing"}`.
    #[pyo3(name = "to_dict")]
    fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("ItemParameters({})", learnloop::json::to_json(&self.0))
    }
}

/// Items: `ItemParameters` objects or dicts in their shape.
fn items_of(items: &Bound<'_, PyAny>) -> PyResult<Vec<irt::ItemParameters>> {
    items
        .try_iter()
        .map_err(|_| invalid("items", "expected a sequence of items"))?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            match item.cast::<PyItemParameters>() {
                Ok(p) => Ok(p.get().0),
                Err(_) => from_py(&format!("items[{i}]"), &item),
            }
        })
        .collect()
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
fn id_text(field: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(_) => crate::convert::text(field, v),
        Err(_) => crate::convert::text(field, v.str()?.as_any()),
    }
}

fn answers_of(field: &str, row: &Bound<'_, PyAny>) -> PyResult<Vec<Option<bool>>> {
    row.try_iter()
        .map_err(|_| invalid(field, "expected a sequence of answers"))?
        .enumerate()
        .map(|(i, v)| cell(&format!("{field}[{i}]"), &v?))
        .collect()
}

/// The expected a-posteriori ability `{"theta", "standard_error"}` (never
/// fails on all-right or all-wrong answers); keyword arguments `mean` and
/// `sd` of the normal prior (the standard normal otherwise).
#[pyfunction]
#[pyo3(signature = (items, responses, **prior))]
fn estimate_ability_eap<'py>(
    py: Python<'py>,
    items: &Bound<'_, PyAny>,
    responses: &Bound<'_, PyAny>,
    prior: Option<&Bound<'_, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let responses = answers_of("responses", responses)?;
    let estimate = irt::estimate_ability_eap(&items_of(items)?, &responses, options(prior)?);
    to_py_object(py, &estimate.map_err(to_py)?)
}

/// The information of a test (the sum of its items') at ability `theta`.
#[pyfunction]
fn test_information(items: &Bound<'_, PyAny>, theta: f64) -> PyResult<f64> {
    irt::test_information(&items_of(items)?, theta).map_err(to_py)
}

/// The maximum-likelihood ability `{"theta", "standard_error"}`; raises
/// NotEstimableError when it is infinite.
#[pyfunction]
fn estimate_ability_mle<'py>(
    py: Python<'py>,
    items: &Bound<'_, PyAny>,
    responses: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let responses = answers_of("responses", responses)?;
    let estimate = irt::estimate_ability_mle(&items_of(items)?, &responses).map_err(to_py)?;
    to_py_object(py, &estimate)
}

/// Calibrates item parameters by marginal maximum likelihood (EM) from a
/// persons x items matrix of True/False/None (or 1/0/None); keyword
/// arguments are the calibration options. Returns `{"items", "abilities",
/// "log_likelihood", "iterations", "converged"}`.
#[pyfunction]
#[pyo3(signature = (responses, **options))]
fn calibrate<'py>(
    py: Python<'py>,
    responses: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rows: Vec<Vec<Option<bool>>> = responses
        .try_iter()
        .map_err(|_| invalid("responses", "expected a sequence of rows"))?
        .enumerate()
        .map(|(p, row)| answers_of(&format!("responses[{p}]"), &row?))
        .collect::<PyResult<_>>()?;
    let options: irt::CalibrationOptions = self::options(options)?;
    let fit = run(py, || {
        let matrix = irt::ResponseMatrix::from_rows(&rows)?;
        irt::calibrate(&matrix, &options)
    })?;
    to_py_object(py, &fit)
}

/// Chooses the next item: `rule` "maximum_information" or "success_band",
/// and the selector's options as keyword arguments.
#[pyclass(frozen, name = "ItemSelector", module = "learnloop")]
pub struct PyItemSelector(irt::ItemSelector);

#[pymethods]
impl PyItemSelector {
    #[new]
    #[pyo3(signature = (rule = None, **options))]
    fn new(
        py: Python<'_>,
        rule: Option<Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let fields = with_fields(py, options, &[("rule", rule)])?;
        self::options(Some(&fields)).map(PyItemSelector)
    }
    /// The settings, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("ItemSelector({})", learnloop::json::to_json(&self.0))
    }
    /// The index of the next item, or None when all were administered.
    #[pyo3(signature = (items, theta, *, administered = None, exposure = None, sessions = None, seed = None))]
    fn select(
        &self,
        items: &Bound<'_, PyAny>,
        theta: f64,
        administered: Option<&Bound<'_, PyAny>>,
        exposure: Option<&Bound<'_, PyAny>>,
        sessions: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<usize>> {
        let items = items_of(items)?;
        let administered: Vec<usize> =
            administered.map_or(Ok(Vec::new()), |a| from_py("administered", a))?;
        let exposure: Vec<u64> = exposure.map_or(Ok(Vec::new()), |e| from_py("exposure", e))?;
        let sessions: u64 = whole_opt("sessions", sessions)?.unwrap_or_default();
        let seed: u64 = whole_opt("seed", seed)?.unwrap_or_default();
        self.0
            .select(&items, theta, &administered, &exposure, sessions, seed)
            .map_err(to_py)
    }
}

/// The five BKT probabilities of one skill.
#[pyclass(frozen, eq, name = "BktParameters", module = "learnloop")]
#[derive(Clone, Copy, PartialEq)]
pub struct PyBktParameters(bkt::BktParameters);

#[pymethods]
impl PyBktParameters {
    /// The parameters of one skill (`forget` none if omitted).
    #[new]
    #[pyo3(signature = (prior, learn, guess, slip, forget = None))]
    fn new(prior: f64, learn: f64, guess: f64, slip: f64, forget: Option<f64>) -> PyResult<Self> {
        bkt::BktParameters::new(prior, learn, forget.unwrap_or_default(), guess, slip)
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
    fn predict(&self, known: f64) -> PyResult<f64> {
        self.0.predict(known).map_err(to_py)
    }
    /// P(known) right after an answer.
    fn posterior(&self, known: f64, correct: bool) -> PyResult<f64> {
        self.0.posterior(known, correct).map_err(to_py)
    }
    /// P(known) at the next answer.
    fn update(&self, known: f64, correct: bool) -> PyResult<f64> {
        self.0.update(known, correct).map_err(to_py)
    }
    /// P(known) after a sequence of answers, from the prior.
    fn trace(&self, answers: Vec<bool>) -> f64 {
        self.0.trace(&answers)
    }
    /// The prediction made before each answer.
    fn predict_sequence(&self, answers: Vec<bool>) -> Vec<f64> {
        self.0.predict_sequence(&answers)
    }
    /// `{"prior", "learn", "forget", "guess", "slip"}`.
    #[pyo3(name = "to_dict")]
    fn dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("BktParameters({})", learnloop::json::to_json(&self.0))
    }
}

/// One fit answer from a `(student, skill, correct)` triple.
fn bkt_answer(i: usize, a: &Bound<'_, PyAny>) -> PyResult<bkt::BktAnswer> {
    let field = format!("answers[{i}]");
    // A sequence of three (a dict of three keys has a length too).
    if a.cast::<PyDict>().is_ok() || a.is_instance_of::<PyString>() || a.len().ok() != Some(3) {
        return Err(invalid(&field, "expected (student, skill, correct)"));
    }
    let correct = cell(&format!("{field}[2]"), &a.get_item(2)?)?.ok_or_else(|| {
        invalid(
            &format!("{field}[2]"),
            "an answer to fit must be right or wrong",
        )
    })?;
    Ok(bkt::BktAnswer {
        student: id_text(&format!("{field}[0]"), &a.get_item(0)?)?,
        skill: id_text(&format!("{field}[1]"), &a.get_item(1)?)?,
        correct,
    })
}

/// Whether a probability of knowing a skill counts as mastery (at or above
/// `threshold`, the core's `MASTERY_THRESHOLD` if omitted).
#[pyfunction]
#[pyo3(signature = (known, threshold = None))]
fn is_mastered(known: f64, threshold: Option<f64>) -> PyResult<bool> {
    bkt::is_mastered(known, threshold.unwrap_or(bkt::MASTERY_THRESHOLD)).map_err(to_py)
}

/// Fits BKT per skill by EM from (student, skill, correct) triples in order;
/// keyword arguments are the fit options. One dict per skill, sorted by skill.
#[pyfunction]
#[pyo3(signature = (answers, **options))]
fn fit_bkt<'py>(
    py: Python<'py>,
    answers: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options: bkt::BktFitOptions = self::options(options)?;
    // The common case (str ids, bool answers) converts in one typed pass;
    // anything else (numpy ints, int ids) goes item by item.
    let answers: Vec<bkt::BktAnswer> = match answers.extract::<Vec<(String, String, bool)>>() {
        Ok(typed) => typed.into_iter().map(Into::into).collect(),
        Err(_) => answers
            .try_iter()
            .map_err(|_| {
                invalid(
                    "answers",
                    "expected a sequence of (student, skill, correct)",
                )
            })?
            .enumerate()
            .map(|(i, a)| bkt_answer(i, &a?))
            .collect::<PyResult<_>>()?,
    };
    let fits = run(py, || bkt::fit(&answers, &options))?;
    to_py_object(py, &fits)
}

/// A fitted Performance Factors Analysis model.
#[pyclass(frozen, name = "Pfa", module = "learnloop")]
pub struct PyPfa(logistic::Pfa);

#[pymethods]
impl PyPfa {
    /// Fits from (student, skills, correct) triples in chronological order;
    /// keyword arguments are the fit options (`l2`).
    #[staticmethod]
    #[pyo3(signature = (answers, **options))]
    fn fit(
        py: Python<'_>,
        answers: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let answers: Vec<(String, Vec<String>, bool)> = from_py("answers", answers)?;
        let options: logistic::PfaOptions = self::options(options)?;
        let answers: Vec<logistic::PfaAnswer> = answers.into_iter().map(Into::into).collect();
        run(py, || logistic::Pfa::fit(&answers, &options)).map(PyPfa)
    }
    /// P(success) after the given (skill, successes, failures) practice.
    fn probability(&self, practice: &Bound<'_, PyAny>) -> PyResult<f64> {
        let practice: Vec<(String, u32, u32)> = from_py("practice", practice)?;
        let practice: Vec<logistic::SkillPractice> = practice.into_iter().map(Into::into).collect();
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
        to_py_object(py, &self.0.skills)
    }
    /// Log-likelihood of the training answers.
    #[getter]
    fn log_likelihood(&self) -> f64 {
        self.0.log_likelihood
    }
    fn __repr__(&self) -> String {
        format!(
            "Pfa(intercept={}, skills={}, log_likelihood={})",
            self.0.intercept,
            self.0.skills.len(),
            self.0.log_likelihood
        )
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
pub struct PyAdaptiveEngine(pub(crate) Engine);

#[pymethods]
impl PyAdaptiveEngine {
    /// An engine with these settings (keyword arguments), the defaults for the rest.
    #[new]
    #[pyo3(signature = (**config))]
    fn new(config: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let config: EngineConfig = options(config)?;
        Engine::new(config).map(PyAdaptiveEngine).map_err(to_py)
    }

    /// The settings, as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.0.config())
    }

    fn __repr__(&self) -> String {
        format!(
            "AdaptiveEngine({})",
            learnloop::json::to_json(self.0.config())
        )
    }

    /// The state of a fresh session started at `at`.
    fn initial_state<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(
            py,
            &AdaptiveState::initial(timestamp("at", at)?.to_datetime()),
        )
    }

    /// Predicted success on a question of `difficulty` (0-1).
    fn predict_success(&self, state: &Bound<'_, PyAny>, difficulty: f64) -> PyResult<f64> {
        let state: AdaptiveState = from_py("state", state)?;
        self.0.predict_success(&state, difficulty).map_err(to_py)
    }

    /// Observe one answer, given as keyword arguments (`question_id`, `at`,
    /// `correct` or `score`, and what else is known): returns {"state",
    /// "record", "predictedSuccess", "nextPredictedSuccess",
    /// "nextContentFormat"}.
    #[pyo3(signature = (state, **interaction))]
    fn observe<'py>(
        &self,
        py: Python<'py>,
        state: &Bound<'py, PyAny>,
        interaction: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !state.is_instance_of::<PyDict>() {
            return Err(invalid(
                "state",
                "expected the state dict (AdaptiveEngine.initial_state or Store.adaptive_state)",
            ));
        }
        let state: AdaptiveState = from_py("state", state)?;
        let mut fields = match interaction {
            Some(i) => match to_value("interaction", i.as_any())? {
                Value::Object(map) => map,
                _ => unreachable!("a dict converts to an object"),
            },
            None => Default::default(),
        };
        // Right/wrong or a score, by the one rule every binding follows.
        let correct = fields
            .remove("correct")
            .map(|c| c.as_bool().ok_or(()))
            .transpose();
        let correct = correct.map_err(|()| invalid("correct", "expected True or False"))?;
        let score = fields
            .remove("score")
            .map(|s| s.as_f64().ok_or(()))
            .transpose();
        let score = score.map_err(|()| invalid("score", "expected a number from 0 to 1"))?;
        let score = Interaction::score_from("score", correct, score).map_err(to_py)?;
        fields.insert("score".into(), Value::from(score));
        let interaction: Interaction =
            learnloop::json::from_value(Value::Object(fields)).map_err(to_py)?;
        let seen = self.0.observe(&state, &interaction).map_err(to_py)?;
        to_py_object(py, &seen)
    }
}

/// Adds the learner classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyElo>()?;
    m.add_class::<PyItemParameters>()?;
    m.add_class::<PyItemSelector>()?;
    m.add_class::<PyBktParameters>()?;
    m.add_class::<PyPfa>()?;
    m.add_class::<PyAdaptiveEngine>()?;
    m.add_function(wrap_pyfunction!(estimate_ability_eap, m)?)?;
    m.add_function(wrap_pyfunction!(estimate_ability_mle, m)?)?;
    m.add_function(wrap_pyfunction!(test_information, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(fit_bkt, m)?)?;
    m.add_function(wrap_pyfunction!(is_mastered, m)?)?;
    m.add_function(wrap_pyfunction!(auc, m)?)?;
    m.add_function(wrap_pyfunction!(log_loss, m)?)?;
    m.add_function(wrap_pyfunction!(rmse, m)?)?;
    m.add("MASTERY_THRESHOLD", bkt::MASTERY_THRESHOLD)?;
    Ok(())
}
