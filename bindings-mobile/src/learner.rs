//! Learner models and the adaptive engine for Kotlin, Swift and Dart.
//! Parameters and results cross as records; the adaptive state crosses as
//! JSON text (the document the Store keeps, the same in every language).

use crate::{Result, invalid, to_system, to_utc};
use learnloop::adaptive::{self, AdaptiveState, Engine};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use std::sync::Arc;
use std::time::SystemTime;

/// A rating (logits) and the number of answers it rests on.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct EloRating {
    /// Skill (learner) or difficulty (item).
    pub rating: f64,
    /// Answers it rests on.
    #[uniffi(default = 0)]
    pub answers: u32,
}

impl From<EloRating> for elo::EloRating {
    fn from(r: EloRating) -> Self {
        elo::EloRating {
            rating: r.rating,
            answers: r.answers,
        }
    }
}

impl From<elo::EloRating> for EloRating {
    fn from(r: elo::EloRating) -> Self {
        EloRating {
            rating: r.rating,
            answers: r.answers,
        }
    }
}

/// Both ratings after one answer, and the prediction made before it.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct EloUpdate {
    /// The learner's new rating.
    pub learner: EloRating,
    /// The item's new rating.
    pub item: EloRating,
    /// P(correct) before the answer.
    pub predicted: f64,
}

/// Elo for learners and items, uncertainty `alpha / (1 + beta n)`.
#[derive(uniffi::Object)]
pub struct Elo(elo::Elo);

#[uniffi::export]
impl Elo {
    /// Pelánek's defaults: alpha 1, beta 0.05.
    #[uniffi::constructor(default(alpha = 1.0, beta = 0.05))]
    pub fn new(alpha: f64, beta: f64) -> Result<Arc<Self>> {
        Ok(Arc::new(Elo(elo::Elo::new(alpha, beta)?)))
    }
    /// Step size of a rating resting on `answers` answers.
    pub fn uncertainty(&self, answers: u32) -> f64 {
        self.0.uncertainty(answers)
    }
    /// P(correct); `options` > 1 adds the 1/options guessing floor.
    #[uniffi::method(default(options = 0))]
    pub fn probability(&self, learner: EloRating, item: EloRating, options: u32) -> f64 {
        self.0.probability(learner.into(), item.into(), options)
    }
    /// Both ratings after an answer scored `score` (0-1).
    #[uniffi::method(default(options = 0))]
    pub fn update(
        &self,
        learner: EloRating,
        item: EloRating,
        score: f64,
        options: u32,
    ) -> Result<EloUpdate> {
        let u = self.0.update(learner.into(), item.into(), score, options)?;
        Ok(EloUpdate {
            learner: u.learner.into(),
            item: u.item.into(),
            predicted: u.predicted,
        })
    }
}

/// A 1PL/2PL/3PL item.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct ItemParameters {
    /// Discrimination a.
    pub discrimination: f64,
    /// Difficulty b.
    pub difficulty: f64,
    /// Guessing floor c.
    #[uniffi(default = 0.0)]
    pub guessing: f64,
}

fn item_to_core(field: &str, i: ItemParameters) -> Result<irt::ItemParameters> {
    irt::ItemParameters::new(i.discrimination, i.difficulty, i.guessing).map_err(|e| {
        invalid(
            &format!("{field}.{}", e.field().trim_start_matches("item.")),
            &e.to_string(),
        )
    })
}

fn items_to_core(items: &[ItemParameters]) -> Result<Vec<irt::ItemParameters>> {
    items
        .iter()
        .enumerate()
        .map(|(j, &i)| item_to_core(&format!("items[{j}]"), i))
        .collect()
}

impl From<irt::ItemParameters> for ItemParameters {
    fn from(i: irt::ItemParameters) -> Self {
        ItemParameters {
            discrimination: i.discrimination,
            difficulty: i.difficulty,
            guessing: i.guessing,
        }
    }
}

/// P(correct) of an item at ability `theta`.
#[uniffi::export]
pub fn item_probability(item: ItemParameters, theta: f64) -> Result<f64> {
    Ok(item_to_core("item", item)?.probability(theta))
}

/// Fisher information of an item at ability `theta`.
#[uniffi::export]
pub fn item_information(item: ItemParameters, theta: f64) -> Result<f64> {
    Ok(item_to_core("item", item)?.information(theta))
}

/// An ability and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct AbilityEstimate {
    /// The ability.
    pub theta: f64,
    /// Its standard error.
    pub standard_error: f64,
}

impl From<irt::AbilityEstimate> for AbilityEstimate {
    fn from(e: irt::AbilityEstimate) -> Self {
        AbilityEstimate {
            theta: e.theta,
            standard_error: e.standard_error,
        }
    }
}

/// The expected a-posteriori ability (defined for every answer pattern);
/// `null` marks an item not answered.
#[uniffi::export(default(prior_mean = 0.0, prior_sd = 1.0))]
pub fn estimate_ability_eap(
    items: Vec<ItemParameters>,
    responses: Vec<Option<bool>>,
    prior_mean: f64,
    prior_sd: f64,
) -> Result<AbilityEstimate> {
    let prior = irt::NormalPrior {
        mean: prior_mean,
        sd: prior_sd,
    };
    Ok(irt::estimate_ability_eap(&items_to_core(&items)?, &responses, prior)?.into())
}

/// The maximum-likelihood ability; fails with `NotEstimable` when it is infinite.
#[uniffi::export]
pub fn estimate_ability_mle(
    items: Vec<ItemParameters>,
    responses: Vec<Option<bool>>,
) -> Result<AbilityEstimate> {
    Ok(irt::estimate_ability_mle(&items_to_core(&items)?, &responses)?.into())
}

/// Which logistic model to calibrate.
// The names are the models' own (1PL, 2PL, 3PL), as in the core.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IrtModel {
    /// Difficulty only, one shared discrimination.
    OnePl,
    /// Discrimination and difficulty.
    TwoPl,
    /// Discrimination, difficulty and guessing floor.
    ThreePl,
}

/// Settings of [`calibrate`]; every field but the model has the core's default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CalibrationOptions {
    /// The model.
    pub model: IrtModel,
    /// The shared discrimination of the 1PL.
    #[uniffi(default = 1.0)]
    pub fixed_discrimination: f64,
    /// Quadrature points.
    #[uniffi(default = 41)]
    pub quadrature_points: u32,
    /// Half-width of the quadrature grid.
    #[uniffi(default = 5.0)]
    pub quadrature_bound: f64,
    /// Largest parameter change at convergence.
    #[uniffi(default = 0.0001)]
    pub tolerance: f64,
    /// Iteration limit.
    #[uniffi(default = 500)]
    pub max_iterations: u32,
}

/// The result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Calibration {
    /// The items' parameters, in column order.
    pub items: Vec<ItemParameters>,
    /// Each person's EAP ability.
    pub abilities: Vec<AbilityEstimate>,
    /// Marginal log-likelihood.
    pub log_likelihood: f64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether the tolerance was reached.
    pub converged: bool,
}

/// Item parameters by marginal maximum likelihood (EM) from a persons x
/// items matrix of answers (`null`: not answered).
#[uniffi::export]
pub fn calibrate(
    responses: Vec<Vec<Option<bool>>>,
    options: CalibrationOptions,
) -> Result<Calibration> {
    let matrix = irt::ResponseMatrix::from_rows(&responses)?;
    let core = irt::CalibrationOptions {
        model: match options.model {
            IrtModel::OnePl => irt::IrtModel::OnePl,
            IrtModel::TwoPl => irt::IrtModel::TwoPl,
            IrtModel::ThreePl => irt::IrtModel::ThreePl,
        },
        fixed_discrimination: options.fixed_discrimination,
        quadrature_points: options.quadrature_points as usize,
        quadrature_bound: options.quadrature_bound,
        tolerance: options.tolerance,
        max_iterations: options.max_iterations as usize,
        ..irt::CalibrationOptions::default()
    };
    let fit = irt::calibrate(&matrix, &core)?;
    Ok(Calibration {
        items: fit.items.into_iter().map(Into::into).collect(),
        abilities: fit.abilities.into_iter().map(Into::into).collect(),
        log_likelihood: fit.log_likelihood,
        iterations: fit.iterations as u32,
        converged: fit.converged,
    })
}

/// How [`ItemSelector`] ranks items.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Enum)]
pub enum SelectionRule {
    /// Most Fisher information at the ability.
    MaximumInformation,
    /// Success probability within [low, high].
    SuccessBand {
        /// Lowest acceptable success probability.
        low: f64,
        /// Highest acceptable success probability.
        high: f64,
    },
}

/// Chooses the next item.
#[derive(uniffi::Object)]
pub struct ItemSelector(irt::ItemSelector);

#[uniffi::export]
impl ItemSelector {
    /// A selector; `randomesque` > 1 draws among that many best items.
    #[uniffi::constructor(default(randomesque = 1, max_exposure_rate = None))]
    pub fn new(rule: SelectionRule, randomesque: u32, max_exposure_rate: Option<f64>) -> Arc<Self> {
        let rule = match rule {
            SelectionRule::MaximumInformation => irt::SelectionRule::MaximumInformation,
            SelectionRule::SuccessBand { low, high } => {
                irt::SelectionRule::SuccessBand { low, high }
            }
        };
        Arc::new(ItemSelector(irt::ItemSelector {
            rule,
            randomesque: randomesque as usize,
            max_exposure_rate,
        }))
    }
    /// The index of the next item, or `null` when every item was administered.
    #[uniffi::method(default(administered = [], exposure = [], sessions = 0, seed = 0))]
    pub fn select(
        &self,
        items: Vec<ItemParameters>,
        theta: f64,
        administered: Vec<u32>,
        exposure: Vec<u64>,
        sessions: u64,
        seed: u64,
    ) -> Result<Option<u32>> {
        let administered: Vec<usize> = administered.into_iter().map(|i| i as usize).collect();
        Ok(self
            .0
            .select(
                &items_to_core(&items)?,
                theta,
                &administered,
                &exposure,
                sessions,
                seed,
            )?
            .map(|i| i as u32))
    }
}

/// The five BKT probabilities of one skill.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct BktParameters {
    /// P(known) before the first answer.
    pub prior: f64,
    /// P(unknown -> known) per answer.
    pub learn: f64,
    /// P(correct | unknown).
    pub guess: f64,
    /// P(wrong | known).
    pub slip: f64,
    /// P(known -> unknown) per answer.
    #[uniffi(default = 0.0)]
    pub forget: f64,
}

fn bkt_to_core(p: BktParameters) -> Result<bkt::BktParameters> {
    Ok(bkt::BktParameters::new(
        p.prior, p.learn, p.forget, p.guess, p.slip,
    )?)
}

impl From<bkt::BktParameters> for BktParameters {
    fn from(p: bkt::BktParameters) -> Self {
        BktParameters {
            prior: p.prior,
            learn: p.learn,
            guess: p.guess,
            slip: p.slip,
            forget: p.forget,
        }
    }
}

/// The parameters, checked (guess + slip < 1, every value in [0, 1]).
#[uniffi::export]
pub fn bkt_check(parameters: BktParameters) -> Result<BktParameters> {
    Ok(bkt_to_core(parameters)?.into())
}

/// P(known) after a sequence of answers, from the prior.
#[uniffi::export]
pub fn bkt_trace(parameters: BktParameters, answers: Vec<bool>) -> Result<f64> {
    Ok(bkt_to_core(parameters)?.trace(&answers))
}

/// The prediction made before each answer of a sequence.
#[uniffi::export]
pub fn bkt_predict_sequence(parameters: BktParameters, answers: Vec<bool>) -> Result<Vec<f64>> {
    Ok(bkt_to_core(parameters)?.predict_sequence(&answers))
}

/// P(known) at the next answer after one answer.
#[uniffi::export]
pub fn bkt_update(parameters: BktParameters, known: f64, correct: bool) -> Result<f64> {
    Ok(bkt_to_core(parameters)?.update(known, correct))
}

/// One answer of BKT training data.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BktAnswer {
    /// Who answered.
    pub student: String,
    /// The skill practised.
    pub skill: String,
    /// Whether it was right.
    pub correct: bool,
}

/// The fitted parameters of one skill.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BktSkillFit {
    /// The skill.
    pub skill: String,
    /// Its parameters.
    pub parameters: BktParameters,
    /// Log-likelihood of its answers.
    pub log_likelihood: f64,
    /// Answers seen.
    pub answers: u64,
    /// Students seen.
    pub students: u64,
    /// EM iterations.
    pub iterations: u32,
    /// Whether the tolerance was reached.
    pub converged: bool,
}

/// BKT per skill by EM (answers in order; guess <= 0.3, slip <= 0.1).
#[uniffi::export(default(forgetting = false))]
pub fn fit_bkt(answers: Vec<BktAnswer>, forgetting: bool) -> Result<Vec<BktSkillFit>> {
    let answers: Vec<bkt::BktAnswer> = answers
        .into_iter()
        .map(|a| bkt::BktAnswer {
            student: a.student,
            skill: a.skill,
            correct: a.correct,
        })
        .collect();
    let options = bkt::BktFitOptions {
        forgetting,
        ..bkt::BktFitOptions::default()
    };
    Ok(bkt::fit(&answers, &options)?
        .into_iter()
        .map(|f| BktSkillFit {
            skill: f.skill,
            parameters: f.parameters.into(),
            log_likelihood: f.log_likelihood,
            answers: f.answers as u64,
            students: f.students as u64,
            iterations: f.iterations as u32,
            converged: f.converged,
        })
        .collect())
}

/// One answer of PFA training data.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PfaAnswer {
    /// Who answered.
    pub student: String,
    /// The skills the question practised.
    pub skills: Vec<String>,
    /// Whether it was right.
    pub correct: bool,
}

/// Practice on one skill: the input of a prediction.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SkillPractice {
    /// The skill.
    pub skill: String,
    /// Earlier right answers.
    pub successes: u32,
    /// Earlier wrong answers.
    pub failures: u32,
}

/// A fitted Performance Factors Analysis model.
#[derive(uniffi::Object)]
pub struct Pfa(logistic::Pfa);

#[uniffi::export]
impl Pfa {
    /// Fits from answers in chronological order with L2 penalty `l2`.
    #[uniffi::constructor(default(l2 = 1.0))]
    pub fn fit(answers: Vec<PfaAnswer>, l2: f64) -> Result<Arc<Self>> {
        let answers: Vec<logistic::PfaAnswer> = answers
            .into_iter()
            .map(|a| logistic::PfaAnswer {
                student: a.student,
                skills: a.skills,
                correct: a.correct,
            })
            .collect();
        Ok(Arc::new(Pfa(logistic::Pfa::fit(&answers, l2)?)))
    }
    /// P(success) after the given practice.
    pub fn probability(&self, practice: Vec<SkillPractice>) -> Result<f64> {
        let practice: Vec<logistic::SkillPractice> = practice
            .into_iter()
            .map(|p| logistic::SkillPractice {
                skill: p.skill,
                successes: p.successes,
                failures: p.failures,
            })
            .collect();
        Ok(self.0.probability(&practice)?)
    }
    /// The shared intercept.
    pub fn intercept(&self) -> f64 {
        self.0.intercept
    }
    /// The weights per skill as JSON `{skill: {easiness, success, failure}}`.
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

/// Settings of [`AdaptiveEngine`]; every field has the core's default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EngineConfig {
    /// Lowest predicted success of the next question.
    #[uniffi(default = 0.70)]
    pub success_band_low: f64,
    /// Highest predicted success of the next question.
    #[uniffi(default = 0.85)]
    pub success_band_high: f64,
    /// Seed of the content-format draws.
    #[uniffi(default = 0)]
    pub seed: u64,
    /// Scores the trend is computed from.
    #[uniffi(default = 10)]
    pub trend_window: u32,
    /// Weight of the newest value in the moving averages.
    #[uniffi(default = 0.3)]
    pub smoothing: f64,
    /// Largest difficulty change per answer.
    #[uniffi(default = 0.15)]
    pub max_step: f64,
    /// Half-width of the difficulty scale in logits.
    #[uniffi(default = 3.0)]
    pub difficulty_scale: f64,
    /// Share of the score each hint takes away.
    #[uniffi(default = 0.2)]
    pub hint_penalty: f64,
    /// Expected response time when an interaction gives none.
    #[uniffi(default = 30000)]
    pub expected_response_ms: u64,
    /// Elo step size of a new learner.
    #[uniffi(default = 1.0)]
    pub elo_alpha: f64,
    /// How fast the Elo step shrinks.
    #[uniffi(default = 0.05)]
    pub elo_beta: f64,
}

/// One answer to the engine.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Interaction {
    /// The question answered.
    pub question_id: String,
    /// Correctness, 0-1.
    pub score: f64,
    /// When.
    pub at: SystemTime,
    /// The question's difficulty level (the session's when null).
    #[uniffi(default = None)]
    pub difficulty: Option<f64>,
    /// Time taken, ms.
    #[uniffi(default = None)]
    pub response_time_ms: Option<u64>,
    /// Typical time for the question, ms.
    #[uniffi(default = None)]
    pub expected_time_ms: Option<u64>,
    /// Self-reported confidence, 0-1.
    #[uniffi(default = None)]
    pub confidence: Option<f64>,
    /// Hints used.
    #[uniffi(default = 0)]
    pub hints_used: u32,
    /// Content format (`video`, `text`, ...).
    #[uniffi(default = None)]
    pub content_format: Option<String>,
}

/// One adaptation decision.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AdaptationRecord {
    /// When.
    pub timestamp: SystemTime,
    /// The question it was made for.
    pub question_id: String,
    /// The difficulty chosen, 0-1.
    pub adaptive_difficulty: f64,
    /// Why, in words.
    pub adaptation_reasoning: String,
    /// The understanding it was based on, 0-1.
    pub performance_context: f64,
}

/// The result of [`AdaptiveEngine::observe`].
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Observation {
    /// The new adaptive state, as JSON (save it with `Store.saveAdaptiveState`).
    pub state_json: String,
    /// The decision and its reason.
    pub record: AdaptationRecord,
    /// P(success) predicted for this answer before it was seen.
    pub predicted_success: f64,
    /// P(success) of the next question at the new difficulty.
    pub next_predicted_success: f64,
    /// The content format to offer next (Thompson sampling).
    pub next_content_format: Option<String>,
}

/// The adaptive engine: one interaction in, the new state and an explained decision out.
#[derive(uniffi::Object)]
pub struct AdaptiveEngine(Engine);

#[uniffi::export]
impl AdaptiveEngine {
    /// An engine with these settings (checked).
    #[uniffi::constructor]
    pub fn new(config: EngineConfig) -> Result<Arc<Self>> {
        let core = adaptive::EngineConfig {
            success_band_low: config.success_band_low,
            success_band_high: config.success_band_high,
            seed: config.seed,
            trend_window: config.trend_window as usize,
            smoothing: config.smoothing,
            max_step: config.max_step,
            difficulty_scale: config.difficulty_scale,
            hint_penalty: config.hint_penalty,
            expected_response_ms: config.expected_response_ms,
            elo: elo::Elo {
                alpha: config.elo_alpha,
                beta: config.elo_beta,
            },
        };
        Ok(Arc::new(AdaptiveEngine(Engine::new(core)?)))
    }

    /// The state of a fresh session, as JSON.
    pub fn initial_state_json(&self, at: SystemTime) -> Result<String> {
        Ok(learnloop::json::to_json(&AdaptiveState::initial(to_utc(
            "at", at,
        )?)))
    }

    /// P(success) on a question of `difficulty` (0-1).
    pub fn predict_success(&self, state_json: String, difficulty: f64) -> Result<f64> {
        let state: AdaptiveState = learnloop::json::from_json(&state_json)?;
        Ok(self.0.predict_success(&state, difficulty))
    }

    /// Observe one answer.
    pub fn observe(&self, state_json: String, interaction: Interaction) -> Result<Observation> {
        let state: AdaptiveState = learnloop::json::from_json(&state_json)?;
        let i = adaptive::Interaction {
            question_id: interaction.question_id,
            score: interaction.score,
            at: to_utc("at", interaction.at)?,
            difficulty: interaction.difficulty,
            response_time_ms: interaction.response_time_ms,
            expected_time_ms: interaction.expected_time_ms,
            confidence: interaction.confidence,
            hints_used: interaction.hints_used,
            content_format: interaction.content_format,
        };
        let o = self.0.observe(&state, &i)?;
        Ok(Observation {
            state_json: learnloop::json::to_json(&o.state),
            record: AdaptationRecord {
                timestamp: to_system(o.record.timestamp),
                question_id: o.record.question_id,
                adaptive_difficulty: o.record.adaptive_difficulty,
                adaptation_reasoning: o.record.adaptation_reasoning,
                performance_context: o.record.performance_context,
            },
            predicted_success: o.predicted_success,
            next_predicted_success: o.next_predicted_success,
            next_content_format: o.next_content_format,
        })
    }
}
