//! Learner models and the adaptive engine for Kotlin, Swift and Dart.
//! Settings and results are the core's records; the adaptive state crosses
//! as JSON text (the document the Store keeps, the same in every language).

use crate::Result;
use learnloop::adaptive::{self, AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use std::sync::Arc;
use std::time::SystemTime;

/// An Elo model's default settings.
#[uniffi::export]
pub fn default_elo_options() -> elo::Elo {
    elo::Elo::default()
}

/// The calibration's default settings.
#[uniffi::export]
pub fn default_calibration_options() -> irt::CalibrationOptions {
    irt::CalibrationOptions::default()
}

/// The item selector's default settings.
#[uniffi::export]
pub fn default_item_selector_options() -> irt::ItemSelector {
    irt::ItemSelector::default()
}

/// The ability prior's default (the standard normal).
#[uniffi::export]
pub fn default_normal_prior() -> irt::NormalPrior {
    irt::NormalPrior::default()
}

/// The BKT fit's default settings.
#[uniffi::export]
pub fn default_bkt_fit_options() -> bkt::BktFitOptions {
    bkt::BktFitOptions::default()
}

/// The PFA fit's default settings.
#[uniffi::export]
pub fn default_pfa_options() -> logistic::PfaOptions {
    logistic::PfaOptions::default()
}

/// The adaptive engine's default settings.
#[uniffi::export]
pub fn default_engine_config() -> EngineConfig {
    EngineConfig::default()
}

/// Elo for learners and items, uncertainty `alpha / (1 + beta n)`.
#[derive(uniffi::Object)]
pub struct Elo(elo::Elo);

#[uniffi::export]
impl Elo {
    /// An Elo model with these settings (checked).
    #[uniffi::constructor]
    pub fn new(options: elo::Elo) -> Result<Arc<Self>> {
        Ok(Arc::new(Elo(elo::Elo::new(options.alpha, options.beta)?)))
    }
    /// The settings in effect.
    pub fn options(&self) -> elo::Elo {
        self.0
    }
    /// Replays `answers` in order from newcomers' ratings: every learner's
    /// and item's rating, and the prediction made before each answer.
    pub fn fit(&self, answers: Vec<elo::EloAnswer>) -> Result<elo::EloFit> {
        Ok(self.0.fit(&answers)?)
    }
    /// Step size of a rating resting on `answers` answers.
    pub fn uncertainty(&self, answers: u32) -> f64 {
        self.0.uncertainty(answers)
    }
    /// P(correct); `options` > 1 adds the 1/options guessing floor.
    pub fn probability(&self, learner: elo::EloRating, item: elo::EloRating, options: u32) -> f64 {
        self.0.probability(learner, item, options)
    }
    /// Both ratings after an answer scored `score` (0-1).
    pub fn update(
        &self,
        learner: elo::EloRating,
        item: elo::EloRating,
        score: f64,
        options: u32,
    ) -> Result<elo::EloUpdate> {
        Ok(self.0.update(learner, item, score, options)?)
    }
}

fn checked(item: irt::ItemParameters) -> Result<irt::ItemParameters> {
    Ok(irt::ItemParameters::new(
        item.discrimination,
        item.difficulty,
        item.guessing,
    )?)
}

/// P(correct) of `item` at ability `theta`.
#[uniffi::export]
pub fn item_probability(item: irt::ItemParameters, theta: f64) -> Result<f64> {
    Ok(checked(item)?.probability(theta)?)
}

/// The information of a test (the sum of its items') at ability `theta`.
#[uniffi::export]
pub fn test_information(items: Vec<irt::ItemParameters>, theta: f64) -> Result<f64> {
    let items = items.into_iter().map(checked).collect::<Result<Vec<_>>>()?;
    Ok(irt::test_information(&items, theta)?)
}

/// Fisher information of `item` at `theta`.
#[uniffi::export]
pub fn item_information(item: irt::ItemParameters, theta: f64) -> Result<f64> {
    Ok(checked(item)?.information(theta)?)
}

/// The expected a-posteriori ability under `prior`.
#[uniffi::export]
pub fn estimate_ability_eap(
    items: Vec<irt::ItemParameters>,
    responses: Vec<Option<bool>>,
    prior: irt::NormalPrior,
) -> Result<irt::AbilityEstimate> {
    Ok(irt::estimate_ability_eap(&items, &responses, prior)?)
}

/// The maximum-likelihood ability (`NotEstimable` when infinite).
#[uniffi::export]
pub fn estimate_ability_mle(
    items: Vec<irt::ItemParameters>,
    responses: Vec<Option<bool>>,
) -> Result<irt::AbilityEstimate> {
    Ok(irt::estimate_ability_mle(&items, &responses)?)
}

/// Item calibration by marginal maximum likelihood (EM).
#[uniffi::export]
pub fn calibrate(
    responses: Vec<Vec<Option<bool>>>,
    options: irt::CalibrationOptions,
) -> Result<irt::Calibration> {
    let matrix = irt::ResponseMatrix::from_rows(&responses)?;
    Ok(irt::calibrate(&matrix, &options)?)
}

/// Chooses the next item of an adaptive test or practice session.
#[derive(uniffi::Object)]
pub struct ItemSelector(irt::ItemSelector);

#[uniffi::export]
impl ItemSelector {
    /// A selector with these settings.
    #[uniffi::constructor]
    pub fn new(options: irt::ItemSelector) -> Arc<Self> {
        Arc::new(ItemSelector(options))
    }
    /// The settings in effect.
    pub fn options(&self) -> irt::ItemSelector {
        self.0
    }
    /// The index of the next item, or null when every item was administered.
    pub fn select(
        &self,
        items: Vec<irt::ItemParameters>,
        theta: f64,
        administered: Vec<u32>,
        exposure: Vec<u64>,
        sessions: u64,
        seed: u64,
    ) -> Result<Option<u32>> {
        let administered: Vec<usize> = administered.into_iter().map(|i| i as usize).collect();
        let chosen = self
            .0
            .select(&items, theta, &administered, &exposure, sessions, seed)?;
        Ok(chosen.map(|i| i as u32))
    }
}

fn bkt_checked(p: bkt::BktParameters) -> Result<bkt::BktParameters> {
    Ok(bkt::BktParameters::new(
        p.prior, p.learn, p.forget, p.guess, p.slip,
    )?)
}

/// The parameters, after checking them (guess + slip < 1, each in range).
#[uniffi::export]
pub fn bkt_check(parameters: bkt::BktParameters) -> Result<bkt::BktParameters> {
    bkt_checked(parameters)
}

/// P(known) after a sequence of answers.
#[uniffi::export]
pub fn bkt_trace(parameters: bkt::BktParameters, answers: Vec<bool>) -> Result<f64> {
    Ok(bkt_checked(parameters)?.trace(&answers))
}

/// The prediction made before each answer.
#[uniffi::export]
pub fn bkt_predict_sequence(
    parameters: bkt::BktParameters,
    answers: Vec<bool>,
) -> Result<Vec<f64>> {
    Ok(bkt_checked(parameters)?.predict_sequence(&answers))
}

/// P(correct) of the next answer given P(known).
#[uniffi::export]
pub fn bkt_predict(parameters: bkt::BktParameters, known: f64) -> Result<f64> {
    Ok(bkt_checked(parameters)?.predict(known)?)
}

/// P(known) right after an answer, before any learning or forgetting.
#[uniffi::export]
pub fn bkt_posterior(parameters: bkt::BktParameters, known: f64, correct: bool) -> Result<f64> {
    Ok(bkt_checked(parameters)?.posterior(known, correct)?)
}

/// Whether a probability of knowing a skill counts as mastery (at or above
/// `threshold`, the core's mastery threshold if none).
#[uniffi::export(default(threshold = None))]
pub fn is_mastered(known: f64, threshold: Option<f64>) -> Result<bool> {
    Ok(bkt::is_mastered(
        known,
        threshold.unwrap_or(bkt::MASTERY_THRESHOLD),
    )?)
}

/// P(known) at the next answer.
#[uniffi::export]
pub fn bkt_update(parameters: bkt::BktParameters, known: f64, correct: bool) -> Result<f64> {
    Ok(bkt_checked(parameters)?.update(known, correct)?)
}

/// Fits BKT per skill by EM from answers in order.
#[uniffi::export]
pub fn fit_bkt(
    answers: Vec<bkt::BktAnswer>,
    options: bkt::BktFitOptions,
) -> Result<Vec<bkt::BktSkillFit>> {
    Ok(bkt::fit(&answers, &options)?)
}

/// A fitted Performance Factors Analysis model.
#[derive(uniffi::Object)]
pub struct Pfa(logistic::Pfa);

#[uniffi::export]
impl Pfa {
    /// Fits from answers in chronological order.
    #[uniffi::constructor]
    pub fn fit(
        answers: Vec<logistic::PfaAnswer>,
        options: logistic::PfaOptions,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Pfa(logistic::Pfa::fit(&answers, &options)?)))
    }
    /// P(success) after the given practice.
    pub fn probability(&self, practice: Vec<logistic::SkillPractice>) -> Result<f64> {
        Ok(self.0.probability(&practice)?)
    }
    /// The shared intercept.
    pub fn intercept(&self) -> f64 {
        self.0.intercept
    }
    /// The per-skill weights, as JSON (`{skill: {easiness, success, failure}}`).
    pub fn skills_json(&self) -> String {
        learnloop::json::to_json(&self.0.skills)
    }
}

/// Area under the ROC curve.
#[uniffi::export]
pub fn auc(predicted: Vec<f64>, observed: Vec<bool>) -> Result<f64> {
    Ok(metrics::auc(&predicted, &observed)?)
}

/// Mean negative log-likelihood.
#[uniffi::export]
pub fn log_loss(predicted: Vec<f64>, observed: Vec<bool>) -> Result<f64> {
    Ok(metrics::log_loss(&predicted, &observed)?)
}

/// Root mean squared error.
#[uniffi::export]
pub fn rmse(predicted: Vec<f64>, observed: Vec<bool>) -> Result<f64> {
    Ok(metrics::rmse(&predicted, &observed)?)
}

/// A right or wrong answer at `at` with nothing else known.
#[uniffi::export]
pub fn answered(question_id: String, correct: bool, at: SystemTime) -> Interaction {
    Interaction::answered(question_id, correct, at.into())
}

/// The result of [`AdaptiveEngine::observe`]; the state is JSON, because
/// it carries the host's own maps (the Store keeps it as text too).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Observation {
    /// The new adaptive state, as JSON (save it with `Store.saveAdaptiveState`).
    pub state_json: String,
    /// The decision and its reason.
    pub record: adaptive::AdaptationRecord,
    /// P(success) predicted for this answer before it was seen.
    pub predicted_success: f64,
    /// P(success) of the next question at the new difficulty.
    pub next_predicted_success: f64,
    /// The content format to offer next (Thompson sampling).
    pub next_content_format: Option<String>,
}

/// The adaptive engine: one interaction in, the new state and an explained decision out.
#[derive(uniffi::Object)]
pub struct AdaptiveEngine(pub(crate) Engine);

#[uniffi::export]
impl AdaptiveEngine {
    /// An engine with these settings (checked).
    #[uniffi::constructor]
    pub fn new(config: EngineConfig) -> Result<Arc<Self>> {
        Ok(Arc::new(AdaptiveEngine(Engine::new(config)?)))
    }

    /// The settings in effect.
    pub fn config(&self) -> EngineConfig {
        self.0.config().clone()
    }

    /// The state of a fresh session started at `at`, as JSON.
    pub fn initial_state_json(&self, at: SystemTime) -> String {
        learnloop::json::to_json(&AdaptiveState::initial(at.into()))
    }

    /// P(success) on a question of `difficulty` (0-1).
    pub fn predict_success(&self, state_json: String, difficulty: f64) -> Result<f64> {
        let state: AdaptiveState = learnloop::json::from_json(&state_json)?;
        Ok(self.0.predict_success(&state, difficulty)?)
    }

    /// Observe one answer.
    pub fn observe(&self, state_json: String, interaction: Interaction) -> Result<Observation> {
        let state: AdaptiveState = learnloop::json::from_json(&state_json)?;
        let o = self.0.observe(&state, &interaction)?;
        Ok(Observation {
            state_json: learnloop::json::to_json(&o.state),
            record: o.record,
            predicted_success: o.predicted_success,
            next_predicted_success: o.next_predicted_success,
            next_content_format: o.next_content_format,
        })
    }
}
