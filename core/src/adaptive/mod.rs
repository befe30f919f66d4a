//! The adaptive state of a learning session: what the engine knows about the
//! learner right now, in the field names hosts already store (seed 000's
//! session documents, camelCase when serialized).
//!
//! [`Engine`] updates this state from one interaction at a time and explains
//! each decision in an [`AdaptationRecord`]; the store persists both as they
//! are.

mod engine;

pub use engine::{Engine, EngineConfig, Interaction, Observation};

use crate::json::utc;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The evidence about one content format: how much success and failure the
/// learner had with it (scores summed), the parameters of a Beta(1 +
/// successes, 1 + failures) posterior of its success rate.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct FormatEvidence {
    /// Summed scores of the answers in this format.
    pub successes: f64,
    /// Summed (1 - score) of the answers in this format.
    pub failures: f64,
}

/// What the engine keeps between interactions beyond the displayed metrics
/// (`learnerModel` in the serialized state). A state without it (written
/// before the engine existed) starts from these defaults.
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(missing_as_null, hashmap_as_object)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LearnerModel {
    /// Ability in logits (0 = even odds at middle difficulty).
    pub ability: f64,
    /// Answers observed.
    pub answers: u32,
    /// Sum of the (hint-adjusted) scores.
    pub score_sum: f64,
    /// The most recent scores, oldest first (the trend window).
    pub recent_scores: Vec<f64>,
    /// Evidence per content format.
    pub formats: BTreeMap<String, FormatEvidence>,
}

crate::names::named_enum! {
    /// Direction of recent performance.
    #[derive(Default)]
    pub enum PerformanceTrend in "performanceTrend" {
        /// Getting better.
        Improving = "improving",
        /// No clear direction (also: not enough answers yet).
        #[default]
        Stable = "stable",
        /// Getting worse.
        Declining = "declining",
    }
}

/// The live estimates of one session (`livePerformanceMetrics`).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivePerformanceMetrics {
    /// Estimated understanding of the current material, 0-1.
    pub current_understanding: f64,
    /// Estimated confidence, 0-1.
    pub current_confidence: f64,
    /// Estimated engagement, 0-1.
    pub current_engagement: f64,
    /// Recent direction of performance.
    pub performance_trend: PerformanceTrend,
    /// Mean score of the session so far, 0-1.
    pub session_average: f64,
    /// When these estimates were last updated.
    #[cfg_attr(feature = "tsify", tsify(type = "Timestamp"))]
    #[serde(with = "utc")]
    pub last_updated: DateTime<Utc>,
}

impl LivePerformanceMetrics {
    /// The neutral estimates of a session that has seen no answer yet.
    pub fn neutral(at: DateTime<Utc>) -> Self {
        LivePerformanceMetrics {
            current_understanding: 0.5,
            current_confidence: 0.5,
            current_engagement: 0.5,
            performance_trend: PerformanceTrend::Stable,
            session_average: 0.0,
            last_updated: at,
        }
    }
}

/// The adaptive state of a session (`adaptiveState`).
///
/// Checked ([`AdaptiveState::check`]) wherever it enters: decoding one (a
/// session document, a saved state, an import) refuses a state the engine
/// would refuse, naming the field.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Derived as inherent functions, wrapped by `checked_on_entry!` below.
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct AdaptiveState {
    /// The live estimates.
    pub live_performance_metrics: LivePerformanceMetrics,
    /// Difficulty of the next question, 0-1 (0.5 is the middle of the range).
    pub adaptive_difficulty_level: f64,
    /// The content format this learner does best with so far (an
    /// interaction-preference profile, not a fixed "learning style"), or
    /// `"unknown"` until there is evidence.
    pub detected_learning_style: String,
    /// Probability that `detected_learning_style` really is this learner's
    /// best format (0 while it is `"unknown"`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub learning_style_confidence: f64,
    /// Learning momentum, 0-1.
    pub learning_momentum_score: f64,
    /// Host-defined conversation data, stored and returned untouched.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, unknown>"))]
    #[serde(default)]
    pub conversation_intelligence: Map<String, Value>,
    /// Host-defined learned preferences, stored and returned untouched.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, unknown>"))]
    #[serde(default)]
    pub learned_user_preferences: Map<String, Value>,
    /// The engine's own evidence (ability, recent scores, formats). Left out
    /// of the serialized form until the engine has seen an answer, so
    /// documents of hosts that do not use the engine keep their shape.
    #[serde(default, skip_serializing_if = "LearnerModel::is_empty")]
    pub learner_model: LearnerModel,
}

crate::json::checked_on_entry!(AdaptiveState, AdaptiveState::check);

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl LearnerModel {
    /// Whether the engine has recorded nothing yet.
    pub fn is_empty(&self) -> bool {
        *self == LearnerModel::default()
    }
}

impl AdaptiveState {
    /// Checks what the engine relies on: every 0-1 estimate is a number in
    /// [0, 1], the ability and the scores it keeps are finite (scores in
    /// [0, 1]), and format evidence is non-negative. The error names the
    /// field by its serialized path (`adaptiveDifficultyLevel`).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let mut state = learnloop::adaptive::AdaptiveState::initial(at);
    /// assert!(state.check().is_ok());
    /// state.adaptive_difficulty_level = 1.5;
    /// assert_eq!(state.check().unwrap_err().field(), "adaptiveDifficultyLevel");
    /// ```
    pub fn check(&self) -> crate::Result<()> {
        // Field names are only formatted for the error: this runs on every
        // engine observation.
        let check = |name: &dyn Fn() -> String, v: f64, min: f64, max: f64| -> crate::Result<()> {
            if v.is_finite() && (min..=max).contains(&v) {
                Ok(())
            } else {
                crate::learner::check_range(&name(), v, min, max)
            }
        };
        let m = &self.live_performance_metrics;
        for (name, v) in [
            (
                "livePerformanceMetrics.currentUnderstanding",
                m.current_understanding,
            ),
            (
                "livePerformanceMetrics.currentConfidence",
                m.current_confidence,
            ),
            (
                "livePerformanceMetrics.currentEngagement",
                m.current_engagement,
            ),
            ("livePerformanceMetrics.sessionAverage", m.session_average),
            ("adaptiveDifficultyLevel", self.adaptive_difficulty_level),
            ("learningStyleConfidence", self.learning_style_confidence),
            ("learningMomentumScore", self.learning_momentum_score),
        ] {
            check(&|| name.to_string(), v, 0.0, 1.0)?;
        }
        let model = &self.learner_model;
        check(&|| "learnerModel.ability".into(), model.ability, -1e6, 1e6)?;
        let answers = f64::from(model.answers);
        check(
            &|| "learnerModel.scoreSum".into(),
            model.score_sum,
            0.0,
            answers,
        )?;
        for (i, &v) in model.recent_scores.iter().enumerate() {
            check(&|| format!("learnerModel.recentScores[{i}]"), v, 0.0, 1.0)?;
        }
        for (name, e) in &model.formats {
            check(
                &|| format!("learnerModel.formats.{name}.successes"),
                e.successes,
                0.0,
                1e12,
            )?;
            check(
                &|| format!("learnerModel.formats.{name}.failures"),
                e.failures,
                0.0,
                1e12,
            )?;
        }
        Ok(())
    }

    /// The state of a fresh session: neutral estimates, middle difficulty.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let state = learnloop::adaptive::AdaptiveState::initial(at);
    /// assert_eq!(state.adaptive_difficulty_level, 0.5);
    /// assert_eq!(state.detected_learning_style, "unknown");
    /// ```
    pub fn initial(at: DateTime<Utc>) -> Self {
        AdaptiveState {
            live_performance_metrics: LivePerformanceMetrics::neutral(at),
            adaptive_difficulty_level: 0.5,
            detected_learning_style: "unknown".to_string(),
            learning_style_confidence: 0.0,
            learning_momentum_score: 0.0,
            conversation_intelligence: Map::new(),
            learned_user_preferences: Map::new(),
            learner_model: LearnerModel::default(),
        }
    }
}

/// One adaptation decision (`questionAdaptationHistory[i]`).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdaptationRecord {
    /// When the decision was made.
    #[cfg_attr(feature = "tsify", tsify(type = "Timestamp"))]
    #[serde(with = "utc")]
    pub timestamp: DateTime<Utc>,
    /// The question it was made for.
    pub question_id: String,
    /// The difficulty chosen, 0-1.
    pub adaptive_difficulty: f64,
    /// Why, in words a learner or teacher can read.
    pub adaptation_reasoning: String,
    /// The performance the decision was based on, 0-1.
    pub performance_context: f64,
}
