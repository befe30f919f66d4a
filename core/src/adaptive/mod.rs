//! The adaptive state of a learning session: what the engine knows about the
//! learner right now, in the field names hosts already store (seed 000's
//! session documents, camelCase when serialized).
//!
//! The engine that updates this state from interactions builds on these
//! types; the store persists them as they are.

use crate::json::utc;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Direction of recent performance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PerformanceTrend {
    /// Getting better.
    Improving,
    /// No clear direction (also: not enough answers yet).
    #[default]
    Stable,
    /// Getting worse.
    Declining,
}

/// The live estimates of one session (`livePerformanceMetrics`).
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdaptiveState {
    /// The live estimates.
    pub live_performance_metrics: LivePerformanceMetrics,
    /// Difficulty of the next question, 0-1 (0.5 is the middle of the range).
    pub adaptive_difficulty_level: f64,
    /// The content format this learner does best with so far (an
    /// interaction-preference profile, not a fixed "learning style"), or
    /// `"unknown"` until there is evidence.
    pub detected_learning_style: String,
    /// Learning momentum, 0-1.
    pub learning_momentum_score: f64,
    /// Host-defined conversation data, stored and returned untouched.
    #[serde(default)]
    pub conversation_intelligence: Map<String, Value>,
    /// Host-defined learned preferences, stored and returned untouched.
    #[serde(default)]
    pub learned_user_preferences: Map<String, Value>,
}

impl AdaptiveState {
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
            learning_momentum_score: 0.0,
            conversation_intelligence: Map::new(),
            learned_user_preferences: Map::new(),
        }
    }
}

/// One adaptation decision (`questionAdaptationHistory[i]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdaptationRecord {
    /// When the decision was made.
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
