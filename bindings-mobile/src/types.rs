//! The core's records and enums, declared to uniffi as remote types: uniffi
//! generates the Kotlin/Swift/Dart types and converters for the core types
//! themselves (no mirror types, no conversion code). Each declaration must
//! name the core type's fields and variants exactly; the compiler checks it.
//!
//! Times are `Instant` (Kotlin) / `Date` (Swift); durations such as steps
//! are whole seconds, as in every language's options.

use chrono::{DateTime, TimeDelta, Utc};
use learnloop::Timestamp;
use learnloop::adaptive::{AdaptationRecord, EngineConfig, Interaction};
use learnloop::learner::bkt::{BktAnswer, BktFitOptions, BktParameters, BktSkillFit};
use learnloop::learner::elo::{EloAnswer, EloFit, EloRating, EloUpdate};
use learnloop::learner::irt::{
    AbilityEstimate, BetaPrior, Calibration, CalibrationOptions, IrtModel, ItemParameters,
    NormalPrior, SelectionRule,
};
use learnloop::learner::logistic::{PfaAnswer, PfaOptions, SkillPractice};
use learnloop::migrate::SessionState;
use learnloop::srs::{
    AnkiSm2Options, AnsweredQuestion, Card, DueLoad, EasyDays, FsrsOptions, ItemState, MemoryState,
    NextStates, Preview, QueueOptions, QueueOrder, Rating, ReviewLog, ReviewOutcome, Sm2Options,
    Sm2State,
};
use learnloop::store::{AuditKey, Durability, StoreOptions};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

/// The card's state, named as the mobile API always named it.
pub type CardState = learnloop::srs::State;
/// The settings of an `Elo` model.
pub type EloOptions = learnloop::learner::elo::Elo;
/// The settings of an `ItemSelector`.
pub type ItemSelectorOptions = learnloop::learner::irt::ItemSelector;
/// A purpose a learner consents to.
pub type ConsentPurpose = learnloop::store::Purpose;
/// A time in a core document.
pub type UtcTime = DateTime<Utc>;

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |t| SystemTime::from(t.to_datetime()),
    try_lift: |t| Ok(Timestamp::from(UtcTime::from(t))),
});
uniffi::custom_type!(UtcTime, SystemTime, { remote });
uniffi::custom_type!(AuditKey, String, {
    remote,
    lower: |k| k.expose().to_string(),
    try_lift: |s| Ok(AuditKey::from(s)),
});
uniffi::custom_type!(TimeDelta, i64, {
    remote,
    lower: |d| d.num_seconds(),
    try_lift: |s| TimeDelta::try_seconds(s)
        .ok_or_else(|| uniffi::deps::anyhow::anyhow!("{s} seconds is out of range")),
});
uniffi::custom_type!(EasyDays, Vec<f64>, {
    remote,
    lower: |d| d.0.to_vec(),
    try_lift: |v| Ok(EasyDays(<[f64; 7]>::try_from(v)
        .map_err(|v| uniffi::deps::anyhow::anyhow!("{} easy days; give one per weekday", v.len()))?)),
});

/// Ratings by id (a map in Kotlin and Swift).
pub type RatingsById = BTreeMap<String, EloRating>;
uniffi::custom_type!(RatingsById, HashMap<String, EloRating>, {
    remote,
    lower: |m| m.into_iter().collect(),
    try_lift: |m| Ok(m.into_iter().collect()),
});

#[uniffi::remote(Enum)]
enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

#[uniffi::remote(Enum)]
enum CardState {
    New,
    Learning,
    Review,
    Relearning,
}

#[uniffi::remote(Enum)]
enum QueueOrder {
    Retrievability,
    DueDate,
    Shuffled,
}

#[uniffi::remote(Enum)]
enum IrtModel {
    OnePl,
    TwoPl,
    ThreePl,
}

#[uniffi::remote(Enum)]
enum SelectionRule {
    MaximumInformation,
    SuccessBand,
}

#[uniffi::remote(Enum)]
enum Durability {
    Process,
    Full,
}

#[uniffi::remote(Enum)]
enum SessionState {
    Active,
    Completed,
}

#[uniffi::remote(Enum)]
enum ConsentPurpose {
    Analytics,
    Research,
}

#[uniffi::remote(Record)]
struct MemoryState {
    stability: f64,
    difficulty: f64,
}

#[uniffi::remote(Record)]
struct Sm2State {
    ease_factor: f64,
    streak: u32,
}

#[uniffi::remote(Record)]
struct Card {
    id: String,
    state: CardState,
    step: Option<u32>,
    due: Timestamp,
    memory: Option<MemoryState>,
    sm2: Option<Sm2State>,
    last_review: Option<Timestamp>,
    scheduled_days: u32,
    reps: u32,
    lapses: u32,
}

#[uniffi::remote(Record)]
struct ReviewLog {
    card_id: String,
    rating: Rating,
    state: CardState,
    reviewed_at: Timestamp,
    elapsed_days: u32,
    scheduled_days: u32,
    duration_ms: Option<u32>,
}

#[uniffi::remote(Record)]
struct ReviewOutcome {
    card: Card,
    log: ReviewLog,
}

#[uniffi::remote(Record)]
struct DueLoad {
    counts: Vec<u32>,
}

#[uniffi::remote(Record)]
struct AnsweredQuestion {
    question_id: String,
    correct: bool,
}

#[uniffi::remote(Record)]
struct Preview {
    again: ReviewOutcome,
    hard: ReviewOutcome,
    good: ReviewOutcome,
    easy: ReviewOutcome,
}

#[uniffi::remote(Record)]
struct ItemState {
    memory: MemoryState,
    interval: f64,
}

#[uniffi::remote(Record)]
struct NextStates {
    again: ItemState,
    hard: ItemState,
    good: ItemState,
    easy: ItemState,
}

#[uniffi::remote(Record)]
struct FsrsOptions {
    parameters: Vec<f64>,
    desired_retention: f64,
    learning_steps: Vec<TimeDelta>,
    relearning_steps: Vec<TimeDelta>,
    maximum_interval: u32,
    enable_fuzzing: bool,
    load_balancing: bool,
    easy_days: Option<EasyDays>,
    interval_order: bool,
}

#[uniffi::remote(Record)]
struct Sm2Options {
    maximum_interval: u32,
    enable_fuzzing: bool,
    load_balancing: bool,
    easy_days: Option<EasyDays>,
}

#[uniffi::remote(Record)]
struct AnkiSm2Options {
    learning_steps: Vec<TimeDelta>,
    relearning_steps: Vec<TimeDelta>,
    graduating_interval: u32,
    easy_interval: u32,
    starting_ease: f64,
    easy_bonus: f64,
    hard_multiplier: f64,
    interval_modifier: f64,
    lapse_multiplier: f64,
    minimum_lapse_interval: u32,
    maximum_interval: u32,
    enable_fuzzing: bool,
    load_balancing: bool,
    easy_days: Option<EasyDays>,
}

#[uniffi::remote(Record)]
struct QueueOptions {
    new_limit: u32,
    review_limit: u32,
    order: QueueOrder,
    seed: u64,
    learn_ahead: TimeDelta,
    review_ahead: TimeDelta,
}

#[uniffi::remote(Record)]
struct EloRating {
    rating: f64,
    answers: u32,
}

#[uniffi::remote(Record)]
struct EloAnswer {
    learner_id: String,
    item_id: String,
    score: f64,
    options: u32,
}

#[uniffi::remote(Record)]
struct EloFit {
    learners: RatingsById,
    items: RatingsById,
    predicted: Vec<f64>,
}

#[uniffi::remote(Record)]
struct EloUpdate {
    learner: EloRating,
    item: EloRating,
    predicted: f64,
}

#[uniffi::remote(Record)]
struct EloOptions {
    alpha: f64,
    beta: f64,
}

#[uniffi::remote(Record)]
struct ItemParameters {
    discrimination: f64,
    difficulty: f64,
    guessing: f64,
}

#[uniffi::remote(Record)]
struct AbilityEstimate {
    theta: f64,
    standard_error: f64,
}

#[uniffi::remote(Record)]
struct NormalPrior {
    mean: f64,
    sd: f64,
}

#[uniffi::remote(Record)]
struct BetaPrior {
    alpha: f64,
    beta: f64,
}

#[uniffi::remote(Record)]
struct CalibrationOptions {
    model: IrtModel,
    fixed_discrimination: f64,
    quadrature_points: u32,
    quadrature_bound: f64,
    tolerance: f64,
    max_iterations: u32,
    guessing_prior: BetaPrior,
}

#[uniffi::remote(Record)]
struct Calibration {
    items: Vec<ItemParameters>,
    abilities: Vec<AbilityEstimate>,
    log_likelihood: f64,
    iterations: u32,
    converged: bool,
}

#[uniffi::remote(Record)]
struct ItemSelectorOptions {
    rule: SelectionRule,
    low: f64,
    high: f64,
    randomesque: u32,
    max_exposure_rate: Option<f64>,
}

#[uniffi::remote(Record)]
struct BktParameters {
    prior: f64,
    learn: f64,
    forget: f64,
    guess: f64,
    slip: f64,
}

#[uniffi::remote(Record)]
struct BktAnswer {
    student: String,
    skill: String,
    correct: bool,
}

#[uniffi::remote(Record)]
struct BktFitOptions {
    forgetting: bool,
    max_guess: f64,
    max_slip: f64,
    tolerance: f64,
    max_iterations: u32,
    initial: BktParameters,
}

#[uniffi::remote(Record)]
struct BktSkillFit {
    skill: String,
    parameters: BktParameters,
    log_likelihood: f64,
    answers: u64,
    students: u64,
    iterations: u32,
    converged: bool,
}

#[uniffi::remote(Record)]
struct PfaAnswer {
    student: String,
    skills: Vec<String>,
    correct: bool,
}

#[uniffi::remote(Record)]
struct SkillPractice {
    skill: String,
    successes: u32,
    failures: u32,
}

#[uniffi::remote(Record)]
struct PfaOptions {
    l2: f64,
}

#[uniffi::remote(Record)]
struct EngineConfig {
    success_band_low: f64,
    success_band_high: f64,
    seed: u64,
    trend_window: u32,
    smoothing: f64,
    max_step: f64,
    difficulty_scale: f64,
    hint_penalty: f64,
    expected_response_ms: u64,
    elo: EloOptions,
}

#[uniffi::remote(Record)]
struct Interaction {
    question_id: String,
    score: f64,
    at: UtcTime,
    difficulty: Option<f64>,
    response_time_ms: Option<u64>,
    expected_time_ms: Option<u64>,
    confidence: Option<f64>,
    hints_used: u32,
    content_format: Option<String>,
}

#[uniffi::remote(Record)]
struct AdaptationRecord {
    timestamp: UtcTime,
    question_id: String,
    adaptive_difficulty: f64,
    adaptation_reasoning: String,
    performance_context: f64,
}

#[uniffi::remote(Record)]
struct StoreOptions {
    actor: String,
    durability: Durability,
    busy_timeout: Duration,
    audit_key: Option<AuditKey>,
}
