//! The adaptive engine: one interaction in, the new adaptive state and one
//! explained adaptation decision out.
//!
//! What it estimates, and from what:
//!
//! - **Ability** θ (logits) by an Elo update against the question's
//!   difficulty, with Pelánek's uncertainty function so early answers move
//!   it fast ([`crate::learner::elo`]). Hints lower an answer's score:
//!   each hint multiplies it by `1 - hint_penalty`.
//! - **Understanding** = the predicted success on a question of middle
//!   difficulty (0.5), σ(θ).
//! - **Confidence**: a moving average of the self-reported confidence when
//!   given, else of the score (halved when hints were needed).
//! - **Engagement**: a moving average of how plausible the response time is
//!   for the question: 1 between a quarter and 2.5 times the expected time,
//!   falling off proportionally when rushed or stalled.
//! - **Trend**: the least-squares slope of the last `trend_window` scores
//!   against their order, with its standard error; improving or declining
//!   only when the slope is at least twice its standard error (and 4+ answers).
//! - **Session average**: the mean score; **momentum**: a recency-weighted
//!   success rate (moving average with weight `smoothing`).
//! - **Next difficulty**: kept while the predicted success at the current
//!   difficulty lies in the success band (default
//!   [`SUCCESS_BAND`], 0.70-0.85); otherwise moved toward the band's centre
//!   by at most `max_step`.
//! - **Interaction preferences**: a Beta posterior of success per content
//!   format; `detected_learning_style` is the format with the best posterior
//!   mean once two formats have 3+ answers, with the probability that it
//!   really is better than the runner-up as its confidence; the next format
//!   to offer is drawn by Thompson sampling (W. R. Thompson, Biometrika 25,
//!   1933; O. Chapelle & L. Li, "An empirical evaluation of Thompson
//!   sampling", NeurIPS 2011) from a generator seeded by the engine's seed
//!   and the number of answers, so a replay draws the same formats.
//!
//! Every estimate is a pure function of the previous state, the interaction
//! and the configuration: replaying the same interactions gives the same
//! bits on every platform.

use super::{AdaptationRecord, AdaptiveState, FormatEvidence, PerformanceTrend};
use crate::error::{Error, Result};
use crate::learner::elo::{Elo, EloRating};
use crate::learner::{SUCCESS_BAND, check_range, check_score, sigmoid};
use crate::math;
use crate::math::SplitMix64;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The engine's settings. The defaults are documented per field.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Lowest predicted success the next question should have (0.70,
    /// [`SUCCESS_BAND`]).
    pub success_band_low: f64,
    /// Highest predicted success the next question should have (0.85,
    /// [`SUCCESS_BAND`]).
    pub success_band_high: f64,
    /// Seed of the content-format draws (0).
    pub seed: u64,
    /// How many recent scores the trend is computed from (10).
    pub trend_window: u32,
    /// Weight of the newest value in the moving averages of confidence,
    /// engagement and momentum (0.3).
    pub smoothing: f64,
    /// Largest change of the difficulty level after one answer (0.15).
    pub max_step: f64,
    /// Half-width of the difficulty scale in logits: level 0 is -3, 0.5 is
    /// 0, 1 is +3 (3.0).
    pub difficulty_scale: f64,
    /// Share of the score each hint takes away (0.2).
    pub hint_penalty: f64,
    /// Expected response time when an interaction does not give one (30 s).
    pub expected_response_ms: u64,
    /// The ability's Elo uncertainty function (α = 1, β = 0.05).
    pub elo: Elo,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            success_band_low: SUCCESS_BAND.0,
            success_band_high: SUCCESS_BAND.1,
            seed: 0,
            trend_window: 10,
            smoothing: 0.3,
            max_step: 0.15,
            difficulty_scale: 3.0,
            hint_penalty: 0.2,
            expected_response_ms: 30_000,
            elo: Elo::default(),
        }
    }
}

/// One answer and how it was given.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// The question answered.
    pub question_id: String,
    /// Correctness, 0-1 (1 right, 0 wrong, in between partial credit). In
    /// JSON also accepted as `"correct": true/false`.
    #[serde(alias = "correct", deserialize_with = "score_or_correct")]
    pub score: f64,
    /// When it was answered.
    #[cfg_attr(feature = "tsify", tsify(type = "Timestamp"))]
    #[serde(with = "crate::json::utc")]
    pub at: DateTime<Utc>,
    /// The question's difficulty level, 0-1; the session's current level
    /// when not given.
    #[serde(default)]
    pub difficulty: Option<f64>,
    /// Time taken to answer, in milliseconds.
    #[serde(default)]
    pub response_time_ms: Option<u64>,
    /// Time a engaged learner typically takes for this question.
    #[serde(default)]
    pub expected_time_ms: Option<u64>,
    /// Self-reported confidence, 0-1.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Hints used before answering.
    #[serde(default)]
    pub hints_used: u32,
    /// The content format (`"video"`, `"text"`, `"quiz"`, host-defined).
    #[serde(default)]
    pub content_format: Option<String>,
}

impl Interaction {
    /// The score of an answer given either as right/wrong (`correct`) or as
    /// a score in [0, 1] (`score`), never both: the rule every binding's
    /// `observe` follows. The error names `field`.
    ///
    /// ```
    /// use learnloop::adaptive::Interaction;
    /// assert_eq!(Interaction::score_from("score", Some(true), None)?, 1.0);
    /// assert!(Interaction::score_from("score", Some(true), Some(1.0)).is_err());
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn score_from(field: &str, correct: Option<bool>, score: Option<f64>) -> Result<f64> {
        match (correct, score) {
            (Some(c), None) => Ok(f64::from(u8::from(c))),
            (None, Some(s)) => Ok(s),
            (Some(_), Some(_)) => Err(Error::invalid(field, "give correct or score, not both")),
            (None, None) => Err(Error::invalid(
                field,
                "give correct (true/false) or a score in [0, 1]",
            )),
        }
    }
}

/// A score given as a number, or as `true`/`false` for right/wrong.
fn score_or_correct<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        Number(f64),
        Correct(bool),
    }
    Ok(match Score::deserialize(d)? {
        Score::Number(n) => n,
        Score::Correct(c) => f64::from(u8::from(c)),
    })
}

impl Interaction {
    /// A right or wrong answer with nothing else known.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::adaptive::Interaction;
    /// let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let answer = Interaction::answered("q1", true, at);
    /// assert_eq!(answer.score, 1.0);
    /// ```
    pub fn answered(question_id: impl Into<String>, correct: bool, at: DateTime<Utc>) -> Self {
        Interaction {
            question_id: question_id.into(),
            score: f64::from(u8::from(correct)),
            at,
            difficulty: None,
            response_time_ms: None,
            expected_time_ms: None,
            confidence: None,
            hints_used: 0,
            content_format: None,
        }
    }
}

/// What [`Engine::observe`] returns.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// The new adaptive state.
    pub state: AdaptiveState,
    /// The decision made, with its reason (append it to the session's
    /// `questionAdaptationHistory`).
    pub record: AdaptationRecord,
    /// The success the model predicted for this answer before seeing it.
    pub predicted_success: f64,
    /// The predicted success of the next question at the new difficulty.
    pub next_predicted_success: f64,
    /// The content format to offer next (Thompson sampling over the formats
    /// seen so far), or `None` before any format was seen.
    pub next_content_format: Option<String>,
}

/// The adaptive engine. Cheap to build and `Copy`-free but immutable:
/// share one per configuration.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
/// let engine = Engine::new(EngineConfig::default())?;
/// let start = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut state = AdaptiveState::initial(start);
/// let first = engine.observe(&state, &Interaction::answered("q0", true, start))?;
/// state = first.state;
/// for i in 1..8 {
///     let at = start + TimeDelta::minutes(i);
///     let seen = engine.observe(&state, &Interaction::answered(format!("q{i}"), true, at))?;
///     state = seen.state;
/// }
/// // Eight right answers in a row: the questions got harder.
/// assert!(state.adaptive_difficulty_level > first.record.adaptive_difficulty);
/// println!("{}", first.record.adaptation_reasoning);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Engine {
    config: EngineConfig,
}

impl Default for Engine {
    /// The engine with every setting at its default ([`EngineConfig::default`]).
    fn default() -> Self {
        Engine::new(EngineConfig::default())
            .unwrap_or_else(|e| unreachable!("the default configuration is valid: {e}"))
    }
}

impl Engine {
    /// Checks the configuration: a band with 0 < low < high < 1, a window of
    /// 2-1000, smoothing in (0, 1], a step in (0, 1], a scale in (0, 20],
    /// a hint penalty in [0, 1] and a positive expected response time.
    pub fn new(config: EngineConfig) -> Result<Self> {
        check_range("success_band_low", config.success_band_low, 0.01, 0.99)?;
        check_range(
            "success_band_high",
            config.success_band_high,
            config.success_band_low,
            0.99,
        )?;
        if !(2..=1000).contains(&config.trend_window) {
            return Err(Error::invalid(
                "trend_window",
                format!("{} is outside [2, 1000]", config.trend_window),
            ));
        }
        check_range("smoothing", config.smoothing, 1e-6, 1.0)?;
        check_range("max_step", config.max_step, 1e-6, 1.0)?;
        check_range("difficulty_scale", config.difficulty_scale, 1e-3, 20.0)?;
        check_range("hint_penalty", config.hint_penalty, 0.0, 1.0)?;
        if config.expected_response_ms == 0 {
            return Err(Error::invalid("expected_response_ms", "must be positive"));
        }
        Elo::new(config.elo.alpha, config.elo.beta)
            .map_err(|e| Error::invalid(format!("elo.{}", e.field()), e.to_string()))?;
        Ok(Engine { config })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The difficulty level 0-1 on the logit scale of abilities.
    fn logits(&self, level: f64) -> f64 {
        (level - 0.5) * 2.0 * self.config.difficulty_scale
    }

    fn level(&self, logits: f64) -> f64 {
        (logits / (2.0 * self.config.difficulty_scale) + 0.5).clamp(0.0, 1.0)
    }

    /// The predicted success of this learner on a question of `difficulty`
    /// (in [0, 1]).
    pub fn predict_success(&self, state: &AdaptiveState, difficulty: f64) -> Result<f64> {
        check_range("difficulty", difficulty, 0.0, 1.0)?;
        Ok(self.success(state, difficulty))
    }

    fn success(&self, state: &AdaptiveState, difficulty: f64) -> f64 {
        sigmoid(state.learner_model.ability - self.logits(difficulty))
    }

    /// Updates the state with one interaction and explains the next difficulty.
    ///
    /// Errors with `InvalidInput` naming the field for a score, confidence
    /// or difficulty outside [0, 1], an empty question id, or a state whose
    /// estimates are out of range (see [`AdaptiveState::check`]). The state
    /// passed in is never changed.
    pub fn observe(&self, state: &AdaptiveState, interaction: &Interaction) -> Result<Observation> {
        let cfg = &self.config;
        let i = interaction;
        crate::error::check_id("question_id", &i.question_id)?;
        check_score("score", i.score)?;
        if let Some(c) = i.confidence {
            check_range("confidence", c, 0.0, 1.0)?;
        }
        if let Some(d) = i.difficulty {
            check_range("difficulty", d, 0.0, 1.0)?;
        }
        if i.expected_time_ms == Some(0) {
            return Err(Error::invalid("expected_time_ms", "must be positive"));
        }
        state.check().map_err(|e| e.within("state"))?;
        let mut next = state.clone();
        let model = &mut next.learner_model;
        let metrics = &mut next.live_performance_metrics;
        let lambda = cfg.smoothing;

        // Ability.
        let asked = i.difficulty.unwrap_or(state.adaptive_difficulty_level);
        let score = i.score * (1.0 - cfg.hint_penalty).powi(i.hints_used.min(64) as i32);
        let learner = EloRating {
            rating: model.ability,
            answers: model.answers,
        };
        let item = EloRating::new(self.logits(asked));
        let update = cfg.elo.update(learner, item, score, 0)?;
        let predicted_success = update.predicted;
        model.ability = update.learner.rating;
        model.answers = update.learner.answers;
        model.score_sum += score;

        // Live metrics.
        metrics.current_understanding = sigmoid(model.ability);
        metrics.session_average = model.score_sum / f64::from(model.answers);
        let confidence_signal = match i.confidence {
            Some(c) => c,
            None if i.hints_used > 0 => score * 0.5,
            None => score,
        };
        metrics.current_confidence += lambda * (confidence_signal - metrics.current_confidence);
        if let Some(rt) = i.response_time_ms {
            let expected = i.expected_time_ms.unwrap_or(cfg.expected_response_ms) as f64;
            let ratio = rt as f64 / expected;
            let engaged = if ratio < 0.25 {
                ratio / 0.25
            } else if ratio > 2.5 {
                2.5 / ratio
            } else {
                1.0
            };
            metrics.current_engagement += lambda * (engaged - metrics.current_engagement);
        }
        next.learning_momentum_score += lambda * (score - next.learning_momentum_score);
        model.recent_scores.push(score);
        // Checked to lie in 2..=1000.
        let window = cfg.trend_window as usize;
        if model.recent_scores.len() > window {
            let excess = model.recent_scores.len() - window;
            model.recent_scores.drain(..excess);
        }
        let (slope, slope_error) = trend(&model.recent_scores);
        metrics.performance_trend =
            if model.recent_scores.len() < 4 || slope.abs() < 2.0 * slope_error || slope == 0.0 {
                PerformanceTrend::Stable
            } else if slope > 0.0 {
                PerformanceTrend::Improving
            } else {
                PerformanceTrend::Declining
            };
        metrics.last_updated = i.at;

        // Content formats.
        if let Some(format) = &i.content_format {
            let e = model.formats.entry(format.clone()).or_default();
            e.successes += score;
            e.failures += 1.0 - score;
        }
        let (style, style_confidence) = detected_style(&model.formats);
        next.detected_learning_style = style;
        next.learning_style_confidence = style_confidence;
        let next_content_format = self.draw_format(&next);

        // Next difficulty.
        let current = state.adaptive_difficulty_level;
        let at_current = self.success(&next, current);
        let (low, high) = (cfg.success_band_low, cfg.success_band_high);
        let new_level = if (low..=high).contains(&at_current) {
            current
        } else {
            let target = (low + high) / 2.0;
            let wanted = self.level(next.learner_model.ability - crate::learner::logit(target));
            current + (wanted - current).clamp(-cfg.max_step, cfg.max_step)
        };
        next.adaptive_difficulty_level = new_level;
        let next_predicted_success = self.success(&next, new_level);

        let reasoning = self.reason(
            i,
            score,
            &next,
            current,
            at_current,
            new_level,
            next_predicted_success,
        );
        let record = AdaptationRecord {
            timestamp: i.at,
            question_id: i.question_id.clone(),
            adaptive_difficulty: new_level,
            adaptation_reasoning: reasoning,
            performance_context: next.live_performance_metrics.current_understanding,
        };
        Ok(Observation {
            state: next,
            record,
            predicted_success,
            next_predicted_success,
            next_content_format,
        })
    }

    /// Thompson sampling: one Beta draw per format, the largest wins.
    fn draw_format(&self, state: &AdaptiveState) -> Option<String> {
        let formats = &state.learner_model.formats;
        if formats.is_empty() {
            return None;
        }
        let mut rng = SplitMix64::new(
            self.config.seed
                ^ u64::from(state.learner_model.answers).wrapping_mul(0xd1b5_4a32_d192_ed03),
        );
        let mut best: Option<(&String, f64)> = None;
        for (name, e) in formats {
            let x = beta_draw(&mut rng, 1.0 + e.successes, 1.0 + e.failures);
            if best.is_none_or(|(_, b)| x > b) {
                best = Some((name, x));
            }
        }
        best.map(|(n, _)| n.clone())
    }

    #[allow(clippy::too_many_arguments)]
    fn reason(
        &self,
        i: &Interaction,
        score: f64,
        next: &AdaptiveState,
        current: f64,
        at_current: f64,
        new_level: f64,
        next_success: f64,
    ) -> String {
        let cfg = &self.config;
        let mut s = String::with_capacity(200);
        s.push_str(if i.score >= 1.0 {
            "Correct"
        } else if i.score <= 0.0 {
            "Incorrect"
        } else {
            "Partly correct"
        });
        if i.hints_used > 0 {
            let _ = write!(s, " with {} hint", i.hints_used);
            s.push_str(if i.hints_used == 1 {
                " (counted as "
            } else {
                "s (counted as "
            });
            fixed2(&mut s, score);
            s.push(')');
        }
        s.push_str("; understanding ");
        fixed2(&mut s, next.live_performance_metrics.current_understanding);
        s.push_str(", trend ");
        s.push_str(next.live_performance_metrics.performance_trend.as_str());
        s.push_str(". Predicted success at difficulty ");
        fixed2(&mut s, current);
        s.push_str(" is ");
        fixed2(&mut s, at_current);
        let inside = (cfg.success_band_low..=cfg.success_band_high).contains(&at_current);
        s.push_str(if inside {
            ", inside the "
        } else if at_current > cfg.success_band_high {
            ", above the "
        } else {
            ", below the "
        });
        fixed2(&mut s, cfg.success_band_low);
        s.push('-');
        fixed2(&mut s, cfg.success_band_high);
        if new_level == current {
            if inside {
                s.push_str(" band, so difficulty stays at ");
            } else {
                s.push_str(if current >= 1.0 {
                    " band, but difficulty is already at its upper limit, so it stays at "
                } else {
                    " band, but difficulty is already at its lower limit, so it stays at "
                });
            }
            fixed2(&mut s, current);
            s.push('.');
        } else {
            s.push_str(if new_level > current {
                " band, so difficulty rises to "
            } else {
                " band, so difficulty drops to "
            });
            fixed2(&mut s, new_level);
            s.push_str(" (predicted success ");
            fixed2(&mut s, next_success);
            s.push_str(").");
        }
        s
    }
}

/// Appends `v` with two decimals (`0.73`), without the general float
/// formatter, which dominates the cost of an observation otherwise.
fn fixed2(s: &mut String, v: f64) {
    if !v.is_finite() || v.abs() >= 1e15 {
        let _ = write!(s, "{v:.2}");
        return;
    }
    let hundredths = (v * 100.0).round() as i64;
    if hundredths < 0 {
        s.push('-');
    }
    let h = hundredths.unsigned_abs();
    let _ = write!(s, "{}", h / 100);
    s.push('.');
    s.push(char::from(b'0' + (h / 10 % 10) as u8));
    s.push(char::from(b'0' + (h % 10) as u8));
}

/// Least-squares slope of `ys` against 0, 1, 2, ... and its standard error.
fn trend(ys: &[f64]) -> (f64, f64) {
    let n = ys.len();
    if n < 3 {
        return (0.0, 0.0);
    }
    let nf = n as f64;
    let mx = (nf - 1.0) / 2.0;
    let my = ys.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in ys.iter().enumerate() {
        let dx = x as f64 - mx;
        sxy += dx * (y - my);
        sxx += dx * dx;
    }
    let slope = sxy / sxx;
    let sse: f64 = ys
        .iter()
        .enumerate()
        .map(|(x, y)| {
            let fit = my + slope * (x as f64 - mx);
            (y - fit) * (y - fit)
        })
        .sum();
    let error = (sse / (nf - 2.0) / sxx).sqrt();
    (slope, error)
}

/// The format with the best posterior mean among formats with 3+ answers,
/// and the probability that it beats the runner-up (normal approximation of
/// the two Beta posteriors); `"unknown"` until two formats qualify.
fn detected_style(formats: &std::collections::BTreeMap<String, FormatEvidence>) -> (String, f64) {
    let mut ranked: Vec<(&String, f64, f64)> = formats
        .iter()
        .filter(|(_, e)| e.successes + e.failures >= 3.0 - 1e-9)
        .map(|(name, e)| {
            let (a, b) = (1.0 + e.successes, 1.0 + e.failures);
            let mean = a / (a + b);
            let var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
            (name, mean, var)
        })
        .collect();
    if ranked.len() < 2 {
        return ("unknown".to_string(), 0.0);
    }
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    let (best, m1, v1) = ranked[0];
    let (_, m2, v2) = ranked[1];
    let z = (m1 - m2) / (v1 + v2).sqrt();
    let confidence = 0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2));
    (best.clone(), confidence)
}

/// A standard normal draw (Marsaglia's polar method), from portable arithmetic.
fn normal(rng: &mut SplitMix64) -> f64 {
    loop {
        let u = 2.0 * rng.next_f64() - 1.0;
        let v = 2.0 * rng.next_f64() - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * math::ln(s) / s).sqrt();
        }
    }
}

/// A Gamma(shape, 1) draw for shape ≥ 1 (G. Marsaglia & W. W. Tsang, "A
/// simple method for generating gamma variables", ACM TOMS 26, 2000).
fn gamma_draw(rng: &mut SplitMix64, shape: f64) -> f64 {
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.next_f64();
        if u < 1.0 - 0.0331 * x * x * x * x
            || math::ln(u) < 0.5 * x * x + d * (1.0 - v + math::ln(v))
        {
            return d * v;
        }
    }
}

/// A Beta(a, b) draw for a, b ≥ 1, as X / (X + Y) of two Gamma draws.
/// (Written here rather than taken from `rand_distr`, whose samplers use
/// the platform's `ln`/`exp`: the draws must be the same bits everywhere.)
fn beta_draw(rng: &mut SplitMix64, a: f64, b: f64) -> f64 {
    let x = gamma_draw(rng, a);
    let y = gamma_draw(rng, b);
    x / (x + y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn t(i: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap() + TimeDelta::seconds(30 * i)
    }

    fn run(engine: &Engine, answers: &[f64]) -> (AdaptiveState, Vec<Observation>) {
        let mut state = AdaptiveState::initial(t(0));
        let mut seen = Vec::new();
        for (k, &score) in answers.iter().enumerate() {
            let mut i = Interaction::answered(format!("q{k}"), true, t(k as i64 + 1));
            i.score = score;
            let o = engine.observe(&state, &i).unwrap();
            state = o.state.clone();
            seen.push(o);
        }
        (state, seen)
    }

    #[test]
    fn interactions_read_correct_or_score() {
        let right: Interaction = serde_json::from_str(
            r#"{"question_id": "q", "correct": true, "at": "2026-01-05T09:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(right.score, 1.0);
        let half: Interaction = serde_json::from_str(
            r#"{"question_id": "q", "score": 0.5, "at": "2026-01-05T09:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(half.score, 0.5);
        let err = learnloop_json_error(
            r#"{"question_id": "q", "score": "high", "at": "2026-01-05T09:00:00Z"}"#,
        );
        assert!(err.contains("score"), "{err}");
    }

    fn learnloop_json_error(text: &str) -> String {
        crate::json::from_json::<Interaction>(text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn two_decimals() {
        let mut s = String::new();
        for v in [0.0, 0.005, 0.734, 1.0, -0.25, 12.345] {
            fixed2(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "0.00 0.01 0.73 1.00 -0.25 12.35 ");
    }

    #[test]
    fn trend_slope_and_error() {
        let (s, e) = trend(&[0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!((s - 0.25).abs() < 1e-12 && e < 1e-12);
        assert_eq!(trend(&[1.0, 0.0]), (0.0, 0.0));
    }

    #[test]
    fn streaks_move_difficulty_and_trend() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let (up, seen) = run(&engine, &[1.0; 8]);
        // A fresh learner is predicted 50 % at the middle level, below the
        // band, so the first step is easier; a streak then climbs.
        assert!(seen[0].state.adaptive_difficulty_level < 0.5);
        assert!(
            up.adaptive_difficulty_level > 0.5,
            "{}",
            up.adaptive_difficulty_level
        );
        for w in seen.windows(2).skip(1) {
            assert!(w[1].state.adaptive_difficulty_level >= w[0].state.adaptive_difficulty_level);
        }
        assert!(
            seen[0]
                .record
                .adaptation_reasoning
                .starts_with("Correct; understanding")
        );
        let (down, _) = run(&engine, &[0.0; 8]);
        assert!(down.adaptive_difficulty_level < 0.3);
        let (_, seen) = run(&engine, &[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(
            seen[7].state.live_performance_metrics.performance_trend,
            PerformanceTrend::Improving
        );
        assert!((seen[7].state.live_performance_metrics.session_average - 0.5).abs() < 1e-12);
    }

    #[test]
    fn bad_interactions_name_their_field() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let state = AdaptiveState::initial(t(0));
        let mut i = Interaction::answered("q", true, t(1));
        i.confidence = Some(1.5);
        assert_eq!(
            engine.observe(&state, &i).unwrap_err().field(),
            "confidence"
        );
        i.confidence = None;
        i.question_id.clear();
        assert_eq!(
            engine.observe(&state, &i).unwrap_err().field(),
            "question_id"
        );
        let bad = EngineConfig {
            success_band_low: 0.9,
            success_band_high: 0.8,
            ..EngineConfig::default()
        };
        assert_eq!(Engine::new(bad).unwrap_err().field(), "success_band_high");
        // Found by the fuzzer: a stored state out of range is refused, not carried on.
        let mut odd = AdaptiveState::initial(t(0));
        odd.adaptive_difficulty_level = 1.5;
        let i = Interaction::answered("q", true, t(1));
        assert_eq!(
            engine.observe(&odd, &i).unwrap_err().field(),
            "state.adaptiveDifficultyLevel"
        );
        odd.adaptive_difficulty_level = 0.5;
        odd.learner_model.recent_scores = vec![0.5, 2.0];
        assert_eq!(
            engine.observe(&odd, &i).unwrap_err().field(),
            "state.learnerModel.recentScores[1]"
        );
    }

    #[test]
    fn formats_are_detected_and_drawn_deterministically() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let mut state = AdaptiveState::initial(t(0));
        let mut draws = Vec::new();
        for k in 0..20 {
            let video = k % 2 == 0;
            let mut i = Interaction::answered(format!("q{k}"), video, t(k + 1));
            i.content_format = Some(if video { "video" } else { "text" }.into());
            let o = engine.observe(&state, &i).unwrap();
            draws.push(o.next_content_format.clone().unwrap());
            state = o.state;
        }
        assert_eq!(state.detected_learning_style, "video");
        assert!(state.learning_style_confidence > 0.99);
        assert!(draws.iter().filter(|d| *d == "video").count() > 12);
        // Same seed, same draws.
        let mut again = AdaptiveState::initial(t(0));
        for k in 0..20 {
            let video = k % 2 == 0;
            let mut i = Interaction::answered(format!("q{k}"), video, t(k + 1));
            i.content_format = Some(if video { "video" } else { "text" }.into());
            let o = engine.observe(&again, &i).unwrap();
            assert_eq!(o.next_content_format.as_ref(), Some(&draws[k as usize]));
            again = o.state;
        }
        assert_eq!(again, state);
    }

    #[test]
    fn beta_draws_have_the_right_mean() {
        let mut rng = SplitMix64::new(1);
        let n = 20_000;
        let mean = (0..n).map(|_| beta_draw(&mut rng, 3.0, 7.0)).sum::<f64>() / n as f64;
        assert!((mean - 0.3).abs() < 0.01, "{mean}");
    }
}
