//! Learner models and the adaptive engine for JS. Records cross in the
//! core's JSON shapes (`{discrimination, difficulty, guessing}`, adaptive
//! states camelCase as the store keeps them), settings as camelCase options
//! objects; the handles are classes.

use crate::{JsResult, err, from_js, options, options_to_js, time, to_js};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const IRT_MODEL: &str = irt::IrtModel::TS_TYPE;
#[wasm_bindgen(typescript_custom_section)]
const SELECTION_RULE: &str = irt::SelectionRule::TS_TYPE;
#[wasm_bindgen(typescript_custom_section)]
const TREND: &str = learnloop::adaptive::PerformanceTrend::TS_TYPE;
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** One answer: true/1 right, false/0 wrong, null not answered. */
export type Answer = boolean | 0 | 1 | null;
/** The adaptive state document (seed field names, camelCase), as the Store keeps it. */
export type AdaptiveStateDocument = Record<string, any>;
/** One answer to the engine in the core's shape: right/wrong (`correct`) or a
 * `score` from 0 to 1, answered `at` a Date or an ISO 8601 time. */
export type InteractionInput = Omit<Partial<Interaction>, "score" | "at"> &
  { question_id: string; at: DateInput; correct?: boolean; score?: number };
"#;

/// Elo for learners and items with the uncertainty function alpha / (1 + beta n).
#[wasm_bindgen]
pub struct Elo(elo::Elo);

#[wasm_bindgen]
impl Elo {
    /// An Elo model; `alpha` and `beta` are optional.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options<EloOptions>")] options: Option<
            JsValue,
        >,
    ) -> JsResult<Elo> {
        let o: elo::Elo = self::options(&options)?;
        err(elo::Elo::new(o.alpha, o.beta)).map(Elo)
    }
    /// The settings in effect.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn options(&self) -> JsResult<JsValue> {
        options_to_js(&self.0)
    }
    /// Replays `answers` in order from newcomers' ratings: every learner's
    /// and item's rating, and the prediction made before each answer.
    #[wasm_bindgen(unchecked_return_type = "EloFit")]
    pub fn fit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EloAnswer[]")] answers: JsValue,
    ) -> JsResult<JsValue> {
        let answers: Vec<elo::EloAnswer> = from_js("answers", &answers)?;
        to_js(&err(self.0.fit(&answers))?)
    }

    /// Step size of a rating resting on `answers` answers.
    pub fn uncertainty(&self, answers: u32) -> f64 {
        self.0.uncertainty(answers)
    }
    /// P(correct); `options` > 1 adds the 1/options guessing floor of a
    /// multiple-choice question.
    pub fn probability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<EloRating>")] learner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<EloRating>")] item: JsValue,
        options: Option<u32>,
    ) -> JsResult<f64> {
        let (learner, item) = (from_js("learner", &learner)?, from_js("item", &item)?);
        Ok(self
            .0
            .probability(learner, item, options.unwrap_or_default()))
    }
    /// Both ratings after an answer scored `score` (0-1), and the prediction.
    #[wasm_bindgen(unchecked_return_type = "EloUpdate")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<EloRating>")] learner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<EloRating>")] item: JsValue,
        score: f64,
        options: Option<u32>,
    ) -> JsResult<JsValue> {
        let (learner, item) = (from_js("learner", &learner)?, from_js("item", &item)?);
        to_js(&err(self.0.update(
            learner,
            item,
            score,
            options.unwrap_or_default(),
        ))?)
    }
}

fn item(value: &JsValue) -> JsResult<irt::ItemParameters> {
    let raw: irt::ItemParameters = from_js("item", value)?;
    err(irt::ItemParameters::new(
        raw.discrimination,
        raw.difficulty,
        raw.guessing,
    ))
}

fn items(value: &JsValue) -> JsResult<Vec<irt::ItemParameters>> {
    from_js("items", value)
}

fn answers(field: &str, value: &JsValue) -> JsResult<Vec<Option<bool>>> {
    /// An answer cell: a boolean, 1/0, or null.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Cell {
        Right(bool),
        Number(u8),
    }
    let cells: Vec<Option<Cell>> = from_js(field, value)?;
    cells
        .into_iter()
        .enumerate()
        .map(|(i, c)| match c {
            None => Ok(None),
            Some(Cell::Right(b)) => Ok(Some(b)),
            Some(Cell::Number(n @ (0 | 1))) => Ok(Some(n == 1)),
            Some(Cell::Number(n)) => Err(crate::invalid(
                &format!("{field}[{i}]"),
                format!("{n} is not true/false, 1/0 or null"),
            )),
        })
        .collect()
}

/// P(correct) of `item` at ability `theta`.
#[wasm_bindgen(js_name = itemProbability)]
pub fn item_probability(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters")] item: JsValue,
    theta: f64,
) -> JsResult<f64> {
    err(self::item(&item)?.probability(theta))
}

/// Fisher information of `item` at ability `theta`.
#[wasm_bindgen(js_name = itemInformation)]
pub fn item_information(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters")] item: JsValue,
    theta: f64,
) -> JsResult<f64> {
    err(self::item(&item)?.information(theta))
}

/// The expected a-posteriori ability (never fails on all-right or all-wrong
/// answers), under a normal prior (the standard normal unless given).
#[wasm_bindgen(js_name = estimateAbilityEap, unchecked_return_type = "AbilityEstimate")]
pub fn estimate_ability_eap(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] items: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Answer[]")] responses: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options<NormalPrior>")] prior: Option<JsValue>,
) -> JsResult<JsValue> {
    let responses = answers("responses", &responses)?;
    let prior: irt::NormalPrior = options(&prior)?;
    to_js(&err(irt::estimate_ability_eap(
        &self::items(&items)?,
        &responses,
        prior,
    ))?)
}

/// The information of a test (the sum of its items') at ability `theta`.
#[wasm_bindgen(js_name = testInformation)]
pub fn test_information(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] items: JsValue,
    theta: f64,
) -> JsResult<f64> {
    err(irt::test_information(&self::items(&items)?, theta))
}

/// The maximum-likelihood ability; throws `not_estimable` when it is infinite.
#[wasm_bindgen(js_name = estimateAbilityMle, unchecked_return_type = "AbilityEstimate")]
pub fn estimate_ability_mle(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] items: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Answer[]")] responses: JsValue,
) -> JsResult<JsValue> {
    let responses = answers("responses", &responses)?;
    to_js(&err(irt::estimate_ability_mle(
        &self::items(&items)?,
        &responses,
    ))?)
}

/// Item calibration by marginal maximum likelihood (EM) from rows of answers.
#[wasm_bindgen(unchecked_return_type = "Calibration")]
pub fn calibrate(
    #[wasm_bindgen(unchecked_param_type = "Answer[][]")] responses: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options<CalibrationOptions>")] options: Option<
        JsValue,
    >,
) -> JsResult<JsValue> {
    let rows: Vec<js_sys::Array> = match responses.dyn_ref::<js_sys::Array>() {
        Some(rows) => rows.iter().map(|r| r.unchecked_into()).collect(),
        None => return Err(crate::invalid("responses", "expected an array of rows")),
    };
    let rows = rows
        .iter()
        .enumerate()
        .map(|(p, row)| answers(&format!("responses[{p}]"), row))
        .collect::<JsResult<Vec<_>>>()?;
    let options: irt::CalibrationOptions = self::options(&options)?;
    let matrix = err(irt::ResponseMatrix::from_rows(&rows))?;
    to_js(&err(irt::calibrate(&matrix, &options))?)
}

/// What one selection depends on besides the items and the ability: the
/// items already given, past exposure, and the seed of the randomesque draw
/// (each empty or 0 when left out).
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Selection {
    administered: Vec<usize>,
    exposure: Vec<u64>,
    sessions: u64,
    seed: u64,
}

/// Chooses the next item of an adaptive test or practice session.
#[wasm_bindgen]
pub struct ItemSelector(irt::ItemSelector);

#[wasm_bindgen]
impl ItemSelector {
    /// A selector; every option is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options<ItemSelectorOptions>")]
        options: Option<JsValue>,
    ) -> JsResult<ItemSelector> {
        self::options(&options).map(ItemSelector)
    }
    /// The settings in effect.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn options(&self) -> JsResult<JsValue> {
        options_to_js(&self.0)
    }
    /// The index of the next item, or `undefined` when all were administered.
    pub fn select(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] items: JsValue,
        theta: f64,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ administered?: number[]; exposure?: number[]; sessions?: number; seed?: number }"
        )]
        selection: Option<JsValue>,
    ) -> JsResult<Option<u32>> {
        let s: Selection = options(&selection)?;
        let items = self::items(&items)?;
        let chosen = self.0.select(
            &items,
            theta,
            &s.administered,
            &s.exposure,
            s.sessions,
            s.seed,
        );
        Ok(err(chosen)?.map(|i| i as u32))
    }
}

/// The five BKT probabilities of one skill.
#[wasm_bindgen]
pub struct BktParameters(bkt::BktParameters);

#[wasm_bindgen]
impl BktParameters {
    /// `{ prior, learn, guess, slip, forget? }` (guess + slip < 1).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "BktProbabilities")] parameters: JsValue,
    ) -> JsResult<BktParameters> {
        let p: bkt::BktParameters = from_js("parameters", &parameters)?;
        err(bkt::BktParameters::new(
            p.prior, p.learn, p.forget, p.guess, p.slip,
        ))
        .map(BktParameters)
    }
    /// The parameters as a plain object.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "BktProbabilities")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&self.0)
    }
    /// P(correct) given P(known).
    pub fn predict(&self, known: f64) -> JsResult<f64> {
        err(self.0.predict(known))
    }
    /// P(known) right after an answer.
    pub fn posterior(&self, known: f64, correct: bool) -> JsResult<f64> {
        err(self.0.posterior(known, correct))
    }
    /// P(known) at the next answer.
    pub fn update(&self, known: f64, correct: bool) -> JsResult<f64> {
        err(self.0.update(known, correct))
    }
    /// P(known) after a sequence of answers, from the prior.
    pub fn trace(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean[]")] answers: JsValue,
    ) -> JsResult<f64> {
        let answers: Vec<bool> = from_js("answers", &answers)?;
        Ok(self.0.trace(&answers))
    }
    /// The prediction made before each answer.
    #[wasm_bindgen(js_name = predictSequence)]
    pub fn predict_sequence(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean[]")] answers: JsValue,
    ) -> JsResult<Vec<f64>> {
        let answers: Vec<bool> = from_js("answers", &answers)?;
        Ok(self.0.predict_sequence(&answers))
    }
}

/// Whether a probability of knowing a skill counts as mastery (at or above
/// `threshold`, the core's mastery threshold if omitted).
#[wasm_bindgen(js_name = isMastered)]
pub fn is_mastered(known: f64, threshold: Option<f64>) -> JsResult<bool> {
    err(bkt::is_mastered(
        known,
        threshold.unwrap_or(bkt::MASTERY_THRESHOLD),
    ))
}

/// Fits BKT per skill by EM from `[student, skill, correct]` triples in order.
#[wasm_bindgen(js_name = fitBkt, unchecked_return_type = "BktSkillFit[]")]
pub fn fit_bkt(
    #[wasm_bindgen(unchecked_param_type = "[string, string, boolean][]")] answers: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options<BktFitOptions>")] options: Option<
        JsValue,
    >,
) -> JsResult<JsValue> {
    let triples: Vec<(String, String, bool)> = from_js("answers", &answers)?;
    let answers: Vec<bkt::BktAnswer> = triples.into_iter().map(Into::into).collect();
    let options: bkt::BktFitOptions = self::options(&options)?;
    to_js(&err(bkt::fit(&answers, &options))?)
}

/// A fitted Performance Factors Analysis model.
#[wasm_bindgen]
pub struct Pfa(logistic::Pfa);

#[wasm_bindgen]
impl Pfa {
    /// Fits from `[student, skills, correct]` triples in chronological order.
    pub fn fit(
        #[wasm_bindgen(unchecked_param_type = "[string, string[], boolean][]")] answers: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Options<PfaOptions>")] options: Option<
            JsValue,
        >,
    ) -> JsResult<Pfa> {
        let triples: Vec<(String, Vec<String>, bool)> = from_js("answers", &answers)?;
        let answers: Vec<logistic::PfaAnswer> = triples.into_iter().map(Into::into).collect();
        let options: logistic::PfaOptions = self::options(&options)?;
        err(logistic::Pfa::fit(&answers, &options)).map(Pfa)
    }
    /// P(success) after `[skill, successes, failures]` practice.
    pub fn probability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "[string, number, number][]")] practice: JsValue,
    ) -> JsResult<f64> {
        let practice: Vec<(String, u32, u32)> = from_js("practice", &practice)?;
        let practice: Vec<logistic::SkillPractice> = practice.into_iter().map(Into::into).collect();
        err(self.0.probability(&practice))
    }
    /// The shared intercept.
    #[wasm_bindgen(getter)]
    pub fn intercept(&self) -> f64 {
        self.0.intercept
    }
    /// `{ skill: { easiness, success, failure } }`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, PfaWeights>")]
    pub fn skills(&self) -> JsResult<JsValue> {
        to_js(&self.0.skills)
    }
    /// Log-likelihood of the training answers.
    #[wasm_bindgen(getter, js_name = logLikelihood)]
    pub fn log_likelihood(&self) -> f64 {
        self.0.log_likelihood
    }
}

fn outcomes(field: &str, predicted: &[f64], observed: &JsValue) -> JsResult<(Vec<f64>, Vec<bool>)> {
    Ok((predicted.to_vec(), from_js(field, observed)?))
}

/// Area under the ROC curve of predictions against outcomes.
#[wasm_bindgen]
pub fn auc(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> JsResult<f64> {
    let (p, o) = outcomes("observed", &predicted, &observed)?;
    err(metrics::auc(&p, &o))
}

/// Mean negative log-likelihood.
#[wasm_bindgen(js_name = logLoss)]
pub fn log_loss(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> JsResult<f64> {
    let (p, o) = outcomes("observed", &predicted, &observed)?;
    err(metrics::log_loss(&p, &o))
}

/// Root mean squared error.
#[wasm_bindgen]
pub fn rmse(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> JsResult<f64> {
    let (p, o) = outcomes("observed", &predicted, &observed)?;
    err(metrics::rmse(&p, &o))
}

/// The adaptive engine: one interaction in, the new state and an explained decision out.
#[wasm_bindgen]
pub struct AdaptiveEngine(pub(crate) Engine);

#[wasm_bindgen]
impl AdaptiveEngine {
    /// An engine; every setting is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options<EngineConfig>")] config: Option<
            JsValue,
        >,
    ) -> JsResult<AdaptiveEngine> {
        let config: EngineConfig = options(&config)?;
        err(Engine::new(config)).map(AdaptiveEngine)
    }
    /// The settings in effect.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn config(&self) -> JsResult<JsValue> {
        options_to_js(self.0.config())
    }
    /// The state of a fresh session started at `at`.
    #[wasm_bindgen(js_name = initialState, unchecked_return_type = "AdaptiveStateDocument")]
    pub fn initial_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] at: JsValue,
    ) -> JsResult<JsValue> {
        to_js(&AdaptiveState::initial(time("at", &at)?.to_datetime()))
    }
    /// Predicted success on a question of `difficulty` (0-1).
    #[wasm_bindgen(js_name = predictSuccess)]
    pub fn predict_success(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AdaptiveStateDocument")] state: JsValue,
        difficulty: f64,
    ) -> JsResult<f64> {
        let state: AdaptiveState = from_js("state", &state)?;
        err(self.0.predict_success(&state, difficulty))
    }
    /// Observe one answer (`correct` or `score`, in the core's shape).
    #[wasm_bindgen(unchecked_return_type = "Observation")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AdaptiveStateDocument")] state: JsValue,
        #[wasm_bindgen(unchecked_param_type = "InteractionInput")] interaction: JsValue,
    ) -> JsResult<JsValue> {
        let state: AdaptiveState = from_js("state", &state)?;
        let mut fields: serde_json::Map<String, serde_json::Value> =
            from_js("interaction", &interaction)?;
        // Right/wrong or a score, by the one rule every binding follows.
        let take = |fields: &mut serde_json::Map<_, _>, key: &str| fields.remove(key);
        let correct = take(&mut fields, "correct").and_then(|c| c.as_bool());
        let score = take(&mut fields, "score").and_then(|s| s.as_f64());
        let score = err(Interaction::score_from("interaction.score", correct, score))?;
        fields.insert("score".into(), score.into());
        let interaction: Interaction = crate::decode("interaction", fields.into())?;
        to_js(&err(self.0.observe(&state, &interaction))?)
    }
}
