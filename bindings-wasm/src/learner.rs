//! Learner models and the adaptive engine for JS. Values cross as plain
//! objects in the core's JSON shapes (item parameters
//! `{discrimination, difficulty, guessing}`, adaptive states camelCase as
//! the store keeps them); the handles are classes.

use crate::{from_js, invalid, js_error, to_js, utc, whole};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::{bkt, elo, irt, logistic, metrics};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A rating (logits) and the number of answers it rests on. */
export interface EloRating { rating: number; answers: number }
export interface EloUpdate { learner: EloRating; item: EloRating; predicted: number }
/** A 1PL/2PL/3PL item: P = c + (1 - c) / (1 + exp(-a (theta - b))). */
export interface ItemParameters { discrimination: number; difficulty: number; guessing?: number }
export interface AbilityEstimate { theta: number; standard_error: number }
/** One answer: true/1 right, false/0 wrong, null not answered. */
export type Answer = boolean | 0 | 1 | null;
export interface CalibrationOptions {
  model?: "1PL" | "2PL" | "3PL";
  fixed_discrimination?: number;
  quadrature_points?: number;
  quadrature_bound?: number;
  tolerance?: number;
  max_iterations?: number;
  guessing_prior?: [number, number];
}
export interface Calibration {
  items: ItemParameters[];
  abilities: AbilityEstimate[];
  log_likelihood: number;
  iterations: number;
  converged: boolean;
}
export interface ItemSelectorOptions {
  rule?: "maximum_information" | "success_band";
  low?: number;
  high?: number;
  randomesque?: number;
  max_exposure_rate?: number | null;
}
export interface SelectOptions { administered?: number[]; exposure?: number[]; sessions?: number; seed?: number }
export interface BktParametersInit { prior: number; learn: number; guess: number; slip: number; forget?: number }
export interface BktFitOptions {
  forgetting?: boolean;
  max_guess?: number;
  max_slip?: number;
  tolerance?: number;
  max_iterations?: number;
}
export interface BktSkillFit {
  skill: string;
  parameters: Required<BktParametersInit>;
  log_likelihood: number;
  answers: number;
  students: number;
  iterations: number;
  converged: boolean;
}
/** Engine settings (snake_case, every field optional; see the Rust docs for defaults). */
export interface EngineConfig {
  success_band_low?: number;
  success_band_high?: number;
  seed?: number;
  trend_window?: number;
  smoothing?: number;
  max_step?: number;
  difficulty_scale?: number;
  hint_penalty?: number;
  expected_response_ms?: number;
  elo?: { alpha: number; beta: number };
}
/** One answer to the engine: `correct` or `score` (0-1). */
export interface Interaction {
  question_id: string;
  at: DateInput;
  correct?: boolean;
  score?: number;
  difficulty?: number | null;
  response_time_ms?: number | null;
  expected_time_ms?: number | null;
  confidence?: number | null;
  hints_used?: number;
  content_format?: string | null;
}
export interface AdaptationRecord {
  timestamp: string;
  questionId: string;
  adaptiveDifficulty: number;
  adaptationReasoning: string;
  performanceContext: number;
}
/** The adaptive state document (seed field names, camelCase), as the Store keeps it. */
export type AdaptiveState = Record<string, any>;
export interface Observation {
  state: AdaptiveState;
  record: AdaptationRecord;
  predictedSuccess: number;
  nextPredictedSuccess: number;
  nextContentFormat: string | null;
}
"#;

fn err<T>(r: learnloop::Result<T>) -> Result<T, JsValue> {
    r.map_err(js_error)
}

// Small inputs are read field by field rather than through serde: every
// serde-decoded type adds its own copy of the JSON decoder to the module,
// and the browser package has a size budget.

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// Refuses keys outside `allowed` (a typo would otherwise be ignored).
fn known_keys(obj: &JsValue, field: &str, allowed: &[&str]) -> Result<(), JsValue> {
    if absent(obj) {
        return Ok(());
    }
    if !obj.is_object() {
        return Err(invalid(field, "expected an object"));
    }
    let object: &js_sys::Object = obj.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(invalid(
                &format!("{field}.{key}"),
                format!("unknown field; expected one of {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn number(v: &JsValue, field: &str) -> Result<f64, JsValue> {
    v.as_f64()
        .ok_or_else(|| invalid(field, "expected a number"))
}

fn opt_number(obj: &JsValue, key: &str, field: &str) -> Result<Option<f64>, JsValue> {
    let v = get(obj, key);
    if absent(&v) {
        Ok(None)
    } else {
        number(&v, &format!("{field}.{key}")).map(Some)
    }
}

fn opt_whole(obj: &JsValue, key: &str, field: &str) -> Result<Option<u64>, JsValue> {
    opt_number(obj, key, field)?
        .map(|v| whole(v, &format!("{field}.{key}")))
        .transpose()
}

fn array(v: &JsValue, field: &str) -> Result<js_sys::Array, JsValue> {
    if js_sys::Array::is_array(v) {
        Ok(v.clone().unchecked_into())
    } else {
        Err(invalid(field, "expected an array"))
    }
}

fn string(v: &JsValue, field: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| invalid(field, "expected a string"))
}

fn boolean(v: &JsValue, field: &str) -> Result<bool, JsValue> {
    v.as_bool()
        .ok_or_else(|| invalid(field, "expected true or false"))
}

fn booleans(v: &JsValue, field: &str) -> Result<Vec<bool>, JsValue> {
    array(v, field)?
        .iter()
        .enumerate()
        .map(|(i, b)| boolean(&b, &format!("{field}[{i}]")))
        .collect()
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
}

fn rating(v: &JsValue, field: &str) -> Result<elo::EloRating, JsValue> {
    if absent(v) {
        return Err(invalid(field, "missing"));
    }
    known_keys(v, field, &["rating", "answers"])?;
    Ok(elo::EloRating {
        rating: number(&get(v, "rating"), &format!("{field}.rating"))?,
        answers: opt_whole(v, "answers", field)?
            .unwrap_or(0)
            .min(u64::from(u32::MAX)) as u32,
    })
}

fn rating_js(r: elo::EloRating) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "rating", &r.rating.into());
    set(&o, "answers", &r.answers.into());
    o.into()
}

/// Elo for learners and items, uncertainty `alpha / (1 + beta n)`.
#[wasm_bindgen]
pub struct Elo(elo::Elo);

#[wasm_bindgen]
impl Elo {
    /// Pelánek's defaults are alpha 1, beta 0.05.
    #[wasm_bindgen(constructor)]
    pub fn new(alpha: Option<f64>, beta: Option<f64>) -> Result<Elo, JsValue> {
        err(elo::Elo::new(alpha.unwrap_or(1.0), beta.unwrap_or(0.05))).map(Elo)
    }
    /// Step size of a rating resting on `answers` answers.
    pub fn uncertainty(&self, answers: u32) -> f64 {
        self.0.uncertainty(answers)
    }
    /// P(correct); `options` > 1 adds the 1/options guessing floor.
    pub fn probability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EloRating")] learner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EloRating")] item: JsValue,
        options: Option<u32>,
    ) -> Result<f64, JsValue> {
        let (l, i) = (rating(&learner, "learner")?, rating(&item, "item")?);
        Ok(self.0.probability(l, i, options.unwrap_or(0)))
    }
    /// Both ratings after an answer scored `score` (0-1).
    #[wasm_bindgen(unchecked_return_type = "EloUpdate")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EloRating")] learner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EloRating")] item: JsValue,
        score: f64,
        options: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let (l, i) = (rating(&learner, "learner")?, rating(&item, "item")?);
        let u = err(self.0.update(l, i, score, options.unwrap_or(0)))?;
        let out = js_sys::Object::new();
        set(&out, "learner", &rating_js(u.learner));
        set(&out, "item", &rating_js(u.item));
        set(&out, "predicted", &u.predicted.into());
        Ok(out.into())
    }
}

fn item(field: &str, v: &JsValue) -> Result<irt::ItemParameters, JsValue> {
    if absent(v) {
        return Err(invalid(field, "missing"));
    }
    known_keys(v, field, &["discrimination", "difficulty", "guessing"])?;
    let a = number(
        &get(v, "discrimination"),
        &format!("{field}.discrimination"),
    )?;
    let b = number(&get(v, "difficulty"), &format!("{field}.difficulty"))?;
    let c = opt_number(v, "guessing", field)?.unwrap_or(0.0);
    irt::ItemParameters::new(a, b, c).map_err(|e| {
        invalid(
            &format!("{field}.{}", e.field().trim_start_matches("item.")),
            e.to_string(),
        )
    })
}

fn items(v: &JsValue) -> Result<Vec<irt::ItemParameters>, JsValue> {
    array(v, "items")?
        .iter()
        .enumerate()
        .map(|(j, i)| item(&format!("items[{j}]"), &i))
        .collect()
}

/// Answer cells: true/1, false/0 or null.
fn answers(field: &str, v: &JsValue) -> Result<Vec<Option<bool>>, JsValue> {
    array(v, field)?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if absent(&c) {
                Ok(None)
            } else if let Some(b) = c.as_bool() {
                Ok(Some(b))
            } else {
                match c.as_f64() {
                    Some(n) if n == 0.0 || n == 1.0 => Ok(Some(n == 1.0)),
                    _ => Err(invalid(
                        &format!("{field}[{i}]"),
                        "expected true/false, 1/0 or null",
                    )),
                }
            }
        })
        .collect()
}

/// P(correct) of an item at ability `theta`.
#[wasm_bindgen(js_name = itemProbability)]
pub fn item_probability(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters")] item_parameters: JsValue,
    theta: f64,
) -> Result<f64, JsValue> {
    Ok(item("item", &item_parameters)?.probability(theta))
}

/// Fisher information of an item at ability `theta`.
#[wasm_bindgen(js_name = itemInformation)]
pub fn item_information(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters")] item_parameters: JsValue,
    theta: f64,
) -> Result<f64, JsValue> {
    Ok(item("item", &item_parameters)?.information(theta))
}

/// The expected a-posteriori ability (defined for every answer pattern).
#[wasm_bindgen(js_name = estimateAbilityEap, unchecked_return_type = "AbilityEstimate")]
pub fn estimate_ability_eap(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] item_list: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Answer[]")] responses: JsValue,
    #[wasm_bindgen(js_name = priorMean)] prior_mean: Option<f64>,
    #[wasm_bindgen(js_name = priorSd)] prior_sd: Option<f64>,
) -> Result<JsValue, JsValue> {
    let prior = irt::NormalPrior {
        mean: prior_mean.unwrap_or(0.0),
        sd: prior_sd.unwrap_or(1.0),
    };
    let e = err(irt::estimate_ability_eap(
        &items(&item_list)?,
        &answers("responses", &responses)?,
        prior,
    ))?;
    to_js(&e)
}

/// The maximum-likelihood ability; throws code `not_estimable` when it is infinite.
#[wasm_bindgen(js_name = estimateAbilityMle, unchecked_return_type = "AbilityEstimate")]
pub fn estimate_ability_mle(
    #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] item_list: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Answer[]")] responses: JsValue,
) -> Result<JsValue, JsValue> {
    let e = err(irt::estimate_ability_mle(
        &items(&item_list)?,
        &answers("responses", &responses)?,
    ))?;
    to_js(&e)
}

/// Item parameters by marginal maximum likelihood (EM) from persons x items answers.
#[wasm_bindgen(unchecked_return_type = "Calibration")]
pub fn calibrate(
    #[wasm_bindgen(unchecked_param_type = "Answer[][]")] responses: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CalibrationOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let rows: Vec<Vec<Option<bool>>> = array(&responses, "responses")?
        .iter()
        .enumerate()
        .map(|(p, row)| answers(&format!("responses[{p}]"), &row))
        .collect::<Result<_, _>>()?;
    let f = "options";
    known_keys(
        &options,
        f,
        &[
            "model",
            "fixed_discrimination",
            "quadrature_points",
            "quadrature_bound",
            "tolerance",
            "max_iterations",
            "guessing_prior",
        ],
    )?;
    let d = irt::CalibrationOptions::default();
    let model = match get(&options, "model") {
        m if absent(&m) => d.model,
        m => err(irt::IrtModel::from_name(
            &string(&m, "options.model")?,
            "options.model",
        ))?,
    };
    let guessing_prior = match get(&options, "guessing_prior") {
        g if absent(&g) => d.guessing_prior,
        g => {
            let g = array(&g, "options.guessing_prior")?;
            (
                number(&g.get(0), "options.guessing_prior[0]")?,
                number(&g.get(1), "options.guessing_prior[1]")?,
            )
        }
    };
    let options = irt::CalibrationOptions {
        model,
        fixed_discrimination: opt_number(&options, "fixed_discrimination", f)?
            .unwrap_or(d.fixed_discrimination),
        quadrature_points: opt_whole(&options, "quadrature_points", f)?
            .map_or(d.quadrature_points, |v| v as usize),
        quadrature_bound: opt_number(&options, "quadrature_bound", f)?
            .unwrap_or(d.quadrature_bound),
        tolerance: opt_number(&options, "tolerance", f)?.unwrap_or(d.tolerance),
        max_iterations: opt_whole(&options, "max_iterations", f)?
            .map_or(d.max_iterations, |v| v as usize),
        guessing_prior,
    };
    let matrix = err(irt::ResponseMatrix::from_rows(&rows))?;
    let fit = err(irt::calibrate(&matrix, &options))?;
    #[derive(serde::Serialize)]
    struct Out<'a> {
        items: &'a [irt::ItemParameters],
        abilities: &'a [irt::AbilityEstimate],
        log_likelihood: f64,
        iterations: usize,
        converged: bool,
    }
    to_js(&Out {
        items: &fit.items,
        abilities: &fit.abilities,
        log_likelihood: fit.log_likelihood,
        iterations: fit.iterations,
        converged: fit.converged,
    })
}

/// Chooses the next item by maximum information or a success band.
#[wasm_bindgen]
pub struct ItemSelector(irt::ItemSelector);

#[wasm_bindgen]
impl ItemSelector {
    /// Rule `maximum_information` (default) or `success_band` with `low`/`high`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ItemSelectorOptions | undefined")] options: JsValue,
    ) -> Result<ItemSelector, JsValue> {
        let f = "options";
        known_keys(
            &options,
            f,
            &["rule", "low", "high", "randomesque", "max_exposure_rate"],
        )?;
        let rule = match get(&options, "rule") {
            r if absent(&r) => "maximum_information".to_string(),
            r => string(&r, "options.rule")?,
        };
        let low = opt_number(&options, "low", f)?.unwrap_or(0.7);
        let high = opt_number(&options, "high", f)?.unwrap_or(0.85);
        let rule = match rule.as_str() {
            "maximum_information" => irt::SelectionRule::MaximumInformation,
            "success_band" => irt::SelectionRule::SuccessBand { low, high },
            other => {
                return Err(invalid(
                    "options.rule",
                    format!("{other:?} is not \"maximum_information\" or \"success_band\""),
                ));
            }
        };
        Ok(ItemSelector(irt::ItemSelector {
            rule,
            randomesque: opt_whole(&options, "randomesque", f)?.map_or(1, |v| v as usize),
            max_exposure_rate: opt_number(&options, "max_exposure_rate", f)?,
        }))
    }

    /// The index of the next item, or `undefined` when all were administered.
    pub fn select(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ItemParameters[]")] item_list: JsValue,
        theta: f64,
        #[wasm_bindgen(unchecked_param_type = "SelectOptions | undefined")] options: JsValue,
    ) -> Result<Option<u32>, JsValue> {
        let f = "options";
        known_keys(
            &options,
            f,
            &["administered", "exposure", "sessions", "seed"],
        )?;
        let wholes = |key: &str| -> Result<Vec<u64>, JsValue> {
            match get(&options, key) {
                v if absent(&v) => Ok(Vec::new()),
                v => array(&v, &format!("options.{key}"))?
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let field = format!("options.{key}[{i}]");
                        whole(number(&n, &field)?, &field)
                    })
                    .collect(),
            }
        };
        let administered: Vec<usize> = wholes("administered")?
            .into_iter()
            .map(|v| v as usize)
            .collect();
        let exposure = wholes("exposure")?;
        let sessions = opt_whole(&options, "sessions", f)?.unwrap_or(0);
        let seed = opt_whole(&options, "seed", f)?.unwrap_or(0);
        let chosen = err(self.0.select(
            &items(&item_list)?,
            theta,
            &administered,
            &exposure,
            sessions,
            seed,
        ))?;
        Ok(chosen.map(|i| i as u32))
    }
}

/// The five BKT probabilities of one skill.
#[wasm_bindgen]
pub struct BktParameters(bkt::BktParameters);

#[wasm_bindgen]
impl BktParameters {
    /// `{prior, learn, guess, slip, forget?}`; guess + slip must be below 1.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "BktParametersInit")] init: JsValue,
    ) -> Result<BktParameters, JsValue> {
        let f = "parameters";
        if absent(&init) {
            return Err(invalid(f, "missing"));
        }
        known_keys(&init, f, &["prior", "learn", "guess", "slip", "forget"])?;
        let n = |key: &str| number(&get(&init, key), &format!("parameters.{key}"));
        let forget = opt_number(&init, "forget", f)?.unwrap_or(0.0);
        err(bkt::BktParameters::new(
            n("prior")?,
            n("learn")?,
            forget,
            n("guess")?,
            n("slip")?,
        ))
        .map(BktParameters)
    }
    /// P(known) before the first answer.
    #[wasm_bindgen(getter)]
    pub fn prior(&self) -> f64 {
        self.0.prior
    }
    /// P(unknown -> known) per answer.
    #[wasm_bindgen(getter)]
    pub fn learn(&self) -> f64 {
        self.0.learn
    }
    /// P(known -> unknown) per answer.
    #[wasm_bindgen(getter)]
    pub fn forget(&self) -> f64 {
        self.0.forget
    }
    /// P(correct | unknown).
    #[wasm_bindgen(getter)]
    pub fn guess(&self) -> f64 {
        self.0.guess
    }
    /// P(wrong | known).
    #[wasm_bindgen(getter)]
    pub fn slip(&self) -> f64 {
        self.0.slip
    }
    /// P(correct) given P(known).
    pub fn predict(&self, known: f64) -> f64 {
        self.0.predict(known)
    }
    /// P(known) right after an answer.
    pub fn posterior(&self, known: f64, correct: bool) -> f64 {
        self.0.posterior(known, correct)
    }
    /// P(known) at the next answer.
    pub fn update(&self, known: f64, correct: bool) -> f64 {
        self.0.update(known, correct)
    }
    /// P(known) after a sequence of answers.
    pub fn trace(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean[]")] answers: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self.0.trace(&booleans(&answers, "answers")?))
    }
    /// The prediction made before each answer.
    #[wasm_bindgen(js_name = predictSequence)]
    pub fn predict_sequence(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean[]")] answers: JsValue,
    ) -> Result<Vec<f64>, JsValue> {
        Ok(self.0.predict_sequence(&booleans(&answers, "answers")?))
    }
}

/// BKT per skill by EM from `[student, skill, correct]` triples in order.
#[wasm_bindgen(js_name = fitBkt, unchecked_return_type = "BktSkillFit[]")]
pub fn fit_bkt(
    #[wasm_bindgen(unchecked_param_type = "[string, string, boolean][]")] answers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "BktFitOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let answers: Vec<bkt::BktAnswer> = array(&answers, "answers")?
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let field = format!("answers[{i}]");
            let a = array(&a, &field)?;
            Ok(bkt::BktAnswer {
                student: string(&a.get(0), &format!("{field}[0]"))?,
                skill: string(&a.get(1), &format!("{field}[1]"))?,
                correct: boolean(&a.get(2), &format!("{field}[2]"))?,
            })
        })
        .collect::<Result<_, JsValue>>()?;
    let f = "options";
    known_keys(
        &options,
        f,
        &[
            "forgetting",
            "max_guess",
            "max_slip",
            "tolerance",
            "max_iterations",
        ],
    )?;
    let d = bkt::BktFitOptions::default();
    let options = bkt::BktFitOptions {
        forgetting: match get(&options, "forgetting") {
            v if absent(&v) => d.forgetting,
            v => boolean(&v, "options.forgetting")?,
        },
        max_guess: opt_number(&options, "max_guess", f)?.unwrap_or(d.max_guess),
        max_slip: opt_number(&options, "max_slip", f)?.unwrap_or(d.max_slip),
        tolerance: opt_number(&options, "tolerance", f)?.unwrap_or(d.tolerance),
        max_iterations: opt_whole(&options, "max_iterations", f)?
            .map_or(d.max_iterations, |v| v as usize),
        ..d
    };
    to_js(&err(bkt::fit(&answers, &options))?)
}

/// A fitted Performance Factors Analysis model.
#[wasm_bindgen]
pub struct Pfa(logistic::Pfa);

#[wasm_bindgen]
impl Pfa {
    /// Fits from `[student, skills, correct]` answers in chronological order.
    pub fn fit(
        #[wasm_bindgen(unchecked_param_type = "[string, string[], boolean][]")] answers: JsValue,
        l2: Option<f64>,
    ) -> Result<Pfa, JsValue> {
        let answers: Vec<logistic::PfaAnswer> = array(&answers, "answers")?
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let field = format!("answers[{i}]");
                let a = array(&a, &field)?;
                let skills = array(&a.get(1), &format!("{field}[1]"))?
                    .iter()
                    .enumerate()
                    .map(|(k, s)| string(&s, &format!("{field}[1][{k}]")))
                    .collect::<Result<_, JsValue>>()?;
                Ok(logistic::PfaAnswer {
                    student: string(&a.get(0), &format!("{field}[0]"))?,
                    skills,
                    correct: boolean(&a.get(2), &format!("{field}[2]"))?,
                })
            })
            .collect::<Result<_, JsValue>>()?;
        err(logistic::Pfa::fit(&answers, l2.unwrap_or(1.0))).map(Pfa)
    }
    /// P(success) after `[skill, successes, failures]` practice.
    pub fn probability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "[string, number, number][]")] practice: JsValue,
    ) -> Result<f64, JsValue> {
        let practice: Vec<logistic::SkillPractice> = array(&practice, "practice")?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let field = format!("practice[{i}]");
                let p = array(&p, &field)?;
                let count = |k: u32| -> Result<u32, JsValue> {
                    let f = format!("{field}[{k}]");
                    Ok(whole(number(&p.get(k), &f)?, &f)?.min(u64::from(u32::MAX)) as u32)
                };
                Ok(logistic::SkillPractice {
                    skill: string(&p.get(0), &format!("{field}[0]"))?,
                    successes: count(1)?,
                    failures: count(2)?,
                })
            })
            .collect::<Result<_, JsValue>>()?;
        err(self.0.probability(&practice))
    }
    /// The shared intercept.
    #[wasm_bindgen(getter)]
    pub fn intercept(&self) -> f64 {
        self.0.intercept
    }
    /// `{skill: {easiness, success, failure}}`.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "Record<string, {easiness: number; success: number; failure: number}>"
    )]
    pub fn skills(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.skills)
    }
}

/// Area under the ROC curve.
#[wasm_bindgen]
pub fn auc(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> Result<f64, JsValue> {
    err(metrics::auc(&predicted, &booleans(&observed, "observed")?))
}

/// Mean negative log-likelihood.
#[wasm_bindgen(js_name = logLoss)]
pub fn log_loss(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> Result<f64, JsValue> {
    err(metrics::log_loss(
        &predicted,
        &booleans(&observed, "observed")?,
    ))
}

/// Root mean squared error.
#[wasm_bindgen]
pub fn rmse(
    predicted: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "boolean[]")] observed: JsValue,
) -> Result<f64, JsValue> {
    err(metrics::rmse(&predicted, &booleans(&observed, "observed")?))
}

/// The adaptive engine: one interaction in, the new state and an explained decision out.
#[wasm_bindgen]
pub struct AdaptiveEngine(Engine);

#[wasm_bindgen]
impl AdaptiveEngine {
    /// Settings in the core's shape (snake_case); omitted fields take the defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EngineConfig | undefined")] config: JsValue,
    ) -> Result<AdaptiveEngine, JsValue> {
        let f = "config";
        known_keys(
            &config,
            f,
            &[
                "success_band_low",
                "success_band_high",
                "seed",
                "trend_window",
                "smoothing",
                "max_step",
                "difficulty_scale",
                "hint_penalty",
                "expected_response_ms",
                "elo",
            ],
        )?;
        let d = EngineConfig::default();
        let elo_config = get(&config, "elo");
        known_keys(&elo_config, "config.elo", &["alpha", "beta"])?;
        let config = EngineConfig {
            success_band_low: opt_number(&config, "success_band_low", f)?
                .unwrap_or(d.success_band_low),
            success_band_high: opt_number(&config, "success_band_high", f)?
                .unwrap_or(d.success_band_high),
            seed: opt_whole(&config, "seed", f)?.unwrap_or(d.seed),
            trend_window: opt_whole(&config, "trend_window", f)?
                .map_or(d.trend_window, |v| v as usize),
            smoothing: opt_number(&config, "smoothing", f)?.unwrap_or(d.smoothing),
            max_step: opt_number(&config, "max_step", f)?.unwrap_or(d.max_step),
            difficulty_scale: opt_number(&config, "difficulty_scale", f)?
                .unwrap_or(d.difficulty_scale),
            hint_penalty: opt_number(&config, "hint_penalty", f)?.unwrap_or(d.hint_penalty),
            expected_response_ms: opt_whole(&config, "expected_response_ms", f)?
                .unwrap_or(d.expected_response_ms),
            elo: elo::Elo {
                alpha: opt_number(&elo_config, "alpha", "config.elo")?.unwrap_or(d.elo.alpha),
                beta: opt_number(&elo_config, "beta", "config.elo")?.unwrap_or(d.elo.beta),
            },
        };
        err(Engine::new(config)).map(AdaptiveEngine)
    }
    /// The settings in effect.
    #[wasm_bindgen(getter, unchecked_return_type = "Required<EngineConfig>")]
    pub fn config(&self) -> Result<JsValue, JsValue> {
        to_js(self.0.config())
    }
    /// The state of a fresh session (now if `at` is omitted).
    #[wasm_bindgen(js_name = initialState, unchecked_return_type = "AdaptiveState")]
    pub fn initial_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput | undefined")] at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = if at.is_undefined() || at.is_null() {
            chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
                .ok_or_else(|| invalid("at", "the clock is out of range"))?
        } else {
            utc("at", &at)?
        };
        to_js(&AdaptiveState::initial(at))
    }
    /// Predicted success on a question of `difficulty` (0-1).
    #[wasm_bindgen(js_name = predictSuccess)]
    pub fn predict_success(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AdaptiveState")] state: JsValue,
        difficulty: f64,
    ) -> Result<f64, JsValue> {
        let state: AdaptiveState = from_js("state", &state)?;
        Ok(self.0.predict_success(&state, difficulty))
    }
    /// Observe one answer.
    #[wasm_bindgen(unchecked_return_type = "Observation")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AdaptiveState")] state: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Interaction")] interaction: JsValue,
    ) -> Result<JsValue, JsValue> {
        let state: AdaptiveState = from_js("state", &state)?;
        let f = "interaction";
        if absent(&interaction) {
            return Err(invalid(f, "missing"));
        }
        known_keys(
            &interaction,
            f,
            &[
                "question_id",
                "at",
                "correct",
                "score",
                "difficulty",
                "response_time_ms",
                "expected_time_ms",
                "confidence",
                "hints_used",
                "content_format",
            ],
        )?;
        let correct = match get(&interaction, "correct") {
            c if absent(&c) => None,
            c => Some(boolean(&c, "interaction.correct")?),
        };
        let score = opt_number(&interaction, "score", f)?;
        let score = err(Interaction::score_from("interaction.score", correct, score))?;
        let optional_string = |key: &str| -> Result<Option<String>, JsValue> {
            match get(&interaction, key) {
                v if absent(&v) => Ok(None),
                v => string(&v, &format!("interaction.{key}")).map(Some),
            }
        };
        let i = Interaction {
            question_id: string(&get(&interaction, "question_id"), "interaction.question_id")?,
            score,
            at: utc("interaction.at", &get(&interaction, "at"))?,
            difficulty: opt_number(&interaction, "difficulty", f)?,
            response_time_ms: opt_whole(&interaction, "response_time_ms", f)?,
            expected_time_ms: opt_whole(&interaction, "expected_time_ms", f)?,
            confidence: opt_number(&interaction, "confidence", f)?,
            hints_used: opt_whole(&interaction, "hints_used", f)?
                .unwrap_or(0)
                .min(u64::from(u32::MAX)) as u32,
            content_format: optional_string("content_format")?,
        };
        to_js(&err(self.0.observe(&state, &i))?)
    }
}
