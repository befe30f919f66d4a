//! Kotlin, Swift and Dart bindings for learnloop through uniffi (proc-macros,
//! library mode), plus the C ABI the generated code calls.
//!
//! Conversions, the scheduler handle and error mapping only: records mirror
//! the core types field for field, times are `SystemTime` (Kotlin
//! `java.time.Instant`, Swift `Date`), and every core error becomes one
//! `LearnloopException` case carrying the stable `code` and the `field`.

use chrono::{DateTime, TimeDelta, Utc};
use learnloop::srs::{self, Scheduler as _};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

uniffi::setup_scaffolding!();

mod learner;
mod store;

/// Every error, with the stable `code` and the `field` it is about.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum LearnloopException {
    /// An argument or a stored document is invalid.
    #[error("{detail}")]
    InvalidInput {
        /// Stable code, e.g. `invalid_input`.
        code: String,
        /// The offending field.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// A parameter vector has the wrong length or a value out of range.
    #[error("{detail}")]
    InvalidParameter {
        /// Stable code.
        code: String,
        /// The offending field.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// A rating outside 1-4.
    #[error("{detail}")]
    InvalidRating {
        /// Stable code.
        code: String,
        /// The offending field.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// A review dated before the card's last review.
    #[error("{detail}")]
    ReviewOrder {
        /// Stable code.
        code: String,
        /// The offending field.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// A stored item (session, card, learner) does not exist.
    #[error("{detail}")]
    NotFound {
        /// Stable code, `not_found`.
        code: String,
        /// The kind of item.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// The data do not determine the estimate (an ability from all-correct
    /// answers, an item everybody got right).
    #[error("{detail}")]
    NotEstimable {
        /// Stable code, `not_estimable`.
        code: String,
        /// The input the estimate was asked from.
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
    /// The database failed, or was written by a newer learnloop
    /// (`version_too_new`), or one of its migrations was altered
    /// (`migration_changed`); nothing was changed.
    #[error("{detail}")]
    Storage {
        /// Stable code: `storage`, `version_too_new` or `migration_changed`.
        code: String,
        /// What failed (`database` or the operation).
        field: String,
        /// Human-readable explanation.
        detail: String,
    },
}

impl From<learnloop::Error> for LearnloopException {
    fn from(e: learnloop::Error) -> Self {
        let (code, field, detail) = (e.code().to_string(), e.field(), e.to_string());
        match e.code() {
            "invalid_rating" => LearnloopException::InvalidRating {
                code,
                field,
                detail,
            },
            "parameter_out_of_range" | "parameter_count" => LearnloopException::InvalidParameter {
                code,
                field,
                detail,
            },
            "review_before_last_review" => LearnloopException::ReviewOrder {
                code,
                field,
                detail,
            },
            "not_found" => LearnloopException::NotFound {
                code,
                field,
                detail,
            },
            "not_estimable" => LearnloopException::NotEstimable {
                code,
                field,
                detail,
            },
            "storage" | "version_too_new" | "migration_changed" => LearnloopException::Storage {
                code,
                field,
                detail,
            },
            _ => LearnloopException::InvalidInput {
                code,
                field,
                detail,
            },
        }
    }
}

fn invalid(field: &str, reason: &str) -> LearnloopException {
    learnloop::Error::InvalidInput {
        field: field.to_string(),
        reason: reason.to_string(),
    }
    .into()
}

type Result<T> = std::result::Result<T, LearnloopException>;

fn to_utc(field: &str, t: SystemTime) -> Result<DateTime<Utc>> {
    let micros = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).ok(),
        Err(e) => i64::try_from(e.duration().as_micros()).ok().map(|m| -m),
    };
    micros
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| invalid(field, "outside the representable dates"))
}

fn to_system(t: DateTime<Utc>) -> SystemTime {
    let micros = t.timestamp_micros();
    if micros >= 0 {
        UNIX_EPOCH + Duration::from_micros(micros.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_micros(micros.unsigned_abs())
    }
}

/// The learner's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Rating {
    /// Forgot.
    Again,
    /// Recalled with serious difficulty.
    Hard,
    /// Recalled after some thought.
    Good,
    /// Recalled effortlessly.
    Easy,
}

impl From<Rating> for srs::Rating {
    fn from(r: Rating) -> Self {
        match r {
            Rating::Again => srs::Rating::Again,
            Rating::Hard => srs::Rating::Hard,
            Rating::Good => srs::Rating::Good,
            Rating::Easy => srs::Rating::Easy,
        }
    }
}

impl From<srs::Rating> for Rating {
    fn from(r: srs::Rating) -> Self {
        match r {
            srs::Rating::Again => Rating::Again,
            srs::Rating::Hard => Rating::Hard,
            srs::Rating::Good => Rating::Good,
            srs::Rating::Easy => Rating::Easy,
        }
    }
}

/// The rating with number `value` (1-4), for hosts that store numbers.
#[uniffi::export]
pub fn rating_from_number(value: i64) -> Result<Rating> {
    Ok(srs::Rating::try_from(value)?.into())
}

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CardState {
    /// Never reviewed.
    New,
    /// In learning steps.
    Learning,
    /// Scheduled in days.
    Review,
    /// Relearning after a lapse.
    Relearning,
}

/// Stability (days) and difficulty (1-10).
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct MemoryState {
    /// Days until recall probability falls to 90 %.
    pub stability: f64,
    /// Difficulty, 1 to 10.
    pub difficulty: f64,
}

/// SM-2 state of a card scheduled by SM-2.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Sm2State {
    /// Ease factor.
    pub ease_factor: f64,
    /// Successful reviews in a row.
    pub streak: u32,
}

/// A card and its scheduling state (a value: reviews return a new one).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Card {
    /// The host's id.
    pub id: String,
    /// Where the card is in its life.
    pub state: CardState,
    /// Learning or relearning step, if any.
    pub step: Option<u32>,
    /// When it is due.
    pub due: SystemTime,
    /// FSRS memory state, once reviewed.
    pub memory: Option<MemoryState>,
    /// SM-2 state, if SM-2 scheduled it.
    pub sm2: Option<Sm2State>,
    /// Last review time.
    pub last_review: Option<SystemTime>,
    /// Last interval in days.
    pub scheduled_days: u32,
    /// Reviews so far.
    pub reps: u32,
    /// Lapses so far.
    pub lapses: u32,
}

impl From<srs::State> for CardState {
    fn from(s: srs::State) -> Self {
        match s {
            srs::State::New => CardState::New,
            srs::State::Learning => CardState::Learning,
            srs::State::Review => CardState::Review,
            srs::State::Relearning => CardState::Relearning,
        }
    }
}

impl From<CardState> for srs::State {
    fn from(s: CardState) -> Self {
        match s {
            CardState::New => srs::State::New,
            CardState::Learning => srs::State::Learning,
            CardState::Review => srs::State::Review,
            CardState::Relearning => srs::State::Relearning,
        }
    }
}

impl From<srs::Card> for Card {
    fn from(c: srs::Card) -> Self {
        Card {
            state: c.state.into(),
            step: c.step,
            due: to_system(c.due),
            memory: c.memory.map(|m| MemoryState {
                stability: m.stability,
                difficulty: m.difficulty,
            }),
            sm2: c.sm2.map(|s| Sm2State {
                ease_factor: s.ease_factor,
                streak: s.streak,
            }),
            last_review: c.last_review.map(to_system),
            scheduled_days: c.scheduled_days,
            reps: c.reps,
            lapses: c.lapses,
            id: c.id,
        }
    }
}

impl Card {
    fn to_core(&self, field: &str) -> Result<srs::Card> {
        Ok(srs::Card {
            id: self.id.clone(),
            state: self.state.into(),
            step: self.step,
            due: to_utc(&format!("{field}.due"), self.due)?,
            memory: self.memory.map(|m| srs::MemoryState {
                stability: m.stability,
                difficulty: m.difficulty,
            }),
            sm2: self.sm2.map(|s| srs::Sm2State {
                ease_factor: s.ease_factor,
                streak: s.streak,
            }),
            last_review: self
                .last_review
                .map(|t| to_utc(&format!("{field}.last_review"), t))
                .transpose()?,
            scheduled_days: self.scheduled_days,
            reps: self.reps,
            lapses: self.lapses,
        })
    }
}

/// A list of cards for the core; errors name the card (`cards[3].due`).
fn cards_to_core(cards: &[Card]) -> Result<Vec<srs::Card>> {
    cards
        .iter()
        .enumerate()
        .map(|(i, c)| c.to_core(&format!("cards[{i}]")))
        .collect()
}

/// The record of one review.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReviewLog {
    /// The card.
    pub card_id: String,
    /// The answer.
    pub rating: Rating,
    /// Days since the previous review.
    pub elapsed_days: u32,
    /// Days scheduled by this review (0 within the day).
    pub scheduled_days: u32,
    /// When.
    pub reviewed_at: SystemTime,
    /// The card's state before the review.
    pub state: CardState,
    /// How long the answer took, if the host measured it.
    #[uniffi(default = None)]
    pub duration_ms: Option<u32>,
}

impl From<srs::ReviewLog> for ReviewLog {
    fn from(log: srs::ReviewLog) -> Self {
        ReviewLog {
            card_id: log.card_id,
            rating: log.rating.into(),
            elapsed_days: log.elapsed_days,
            scheduled_days: log.scheduled_days,
            reviewed_at: to_system(log.reviewed_at),
            state: log.state.into(),
            duration_ms: log.duration_ms,
        }
    }
}

impl ReviewLog {
    fn to_core(&self, field: &str) -> Result<srs::ReviewLog> {
        Ok(srs::ReviewLog {
            card_id: self.card_id.clone(),
            rating: self.rating.into(),
            state: self.state.into(),
            reviewed_at: to_utc(&format!("{field}.reviewed_at"), self.reviewed_at)?,
            elapsed_days: self.elapsed_days,
            scheduled_days: self.scheduled_days,
            duration_ms: self.duration_ms,
        })
    }
}

/// A reviewed card and its log.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReviewOutcome {
    /// The card after the review.
    pub card: Card,
    /// What happened.
    pub log: ReviewLog,
}

impl From<srs::ReviewOutcome> for ReviewOutcome {
    fn from(o: srs::ReviewOutcome) -> Self {
        ReviewOutcome {
            log: o.log.into(),
            card: o.card.into(),
        }
    }
}

/// The card after each rating.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Preview {
    /// After Again.
    pub again: Card,
    /// After Hard.
    pub hard: Card,
    /// After Good.
    pub good: Card,
    /// After Easy.
    pub easy: Card,
}

/// Scheduler settings (all optional: FSRS-6 defaults, retention 0.9, steps 1 m / 10 m and 10 m).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FsrsOptions {
    /// 17, 19 or 21 parameters; empty for the defaults.
    #[uniffi(default = [])]
    pub parameters: Vec<f64>,
    /// Desired retention, strictly between 0 and 1.
    #[uniffi(default = 0.9)]
    pub desired_retention: f64,
    /// Learning steps in seconds; None for the defaults.
    #[uniffi(default = None)]
    pub learning_steps: Option<Vec<u32>>,
    /// Relearning steps in seconds; None for the defaults.
    #[uniffi(default = None)]
    pub relearning_steps: Option<Vec<u32>>,
    /// Maximum interval in days.
    #[uniffi(default = 36500)]
    pub maximum_interval: u32,
    /// Deterministic fuzz of review intervals.
    #[uniffi(default = false)]
    pub enable_fuzzing: bool,
}

/// A new card due at `now`.
#[uniffi::export]
pub fn new_card(id: String, now: SystemTime) -> Result<Card> {
    Ok(srs::Card::new(id, to_utc("now", now)?).into())
}

/// The card as JSON, the same document every learnloop language reads and writes.
#[uniffi::export]
pub fn card_to_json(card: Card) -> Result<String> {
    Ok(learnloop::json::to_json(&card.to_core("card")?))
}

/// A card from JSON; errors name the offending key.
#[uniffi::export]
pub fn card_from_json(json: String) -> Result<Card> {
    Ok(learnloop::json::from_json::<srs::Card>(&json)?.into())
}

/// The FSRS-6 scheduler; immutable and safe to share between threads.
#[derive(uniffi::Object)]
pub struct Fsrs(srs::Fsrs);

fn seconds(steps: Vec<u32>) -> Vec<TimeDelta> {
    steps
        .into_iter()
        .map(|s| TimeDelta::seconds(i64::from(s)))
        .collect()
}

#[uniffi::export]
impl Fsrs {
    /// A scheduler with these settings.
    #[uniffi::constructor]
    pub fn new(options: FsrsOptions) -> Result<Arc<Self>> {
        let mut f = if options.parameters.is_empty() {
            srs::Fsrs::default()
        } else {
            srs::Fsrs::new(&options.parameters)?
        };
        f = f.with_desired_retention(options.desired_retention)?;
        if let Some(s) = options.learning_steps {
            f = f.with_learning_steps(seconds(s))?;
        }
        if let Some(s) = options.relearning_steps {
            f = f.with_relearning_steps(seconds(s))?;
        }
        f = f
            .with_maximum_interval(options.maximum_interval)?
            .with_shaping(srs::IntervalShaping {
                fuzz: options.enable_fuzzing,
                ..Default::default()
            })?;
        Ok(Arc::new(Fsrs(f)))
    }

    /// A scheduler with every default.
    #[uniffi::constructor(name = "withDefaults")]
    pub fn with_defaults() -> Arc<Self> {
        Arc::new(Fsrs(srs::Fsrs::default()))
    }

    /// The desired retention.
    pub fn desired_retention(&self) -> f64 {
        self.0.desired_retention()
    }

    /// Review `card` with `rating` at `now`.
    pub fn review(&self, card: Card, rating: Rating, now: SystemTime) -> Result<ReviewOutcome> {
        let card = card.to_core("card")?;
        Ok(self
            .0
            .review(&card, rating.into(), to_utc("now", now)?)?
            .into())
    }

    /// The card after each rating.
    pub fn preview(&self, card: Card, now: SystemTime) -> Result<Preview> {
        let card = card.to_core("card")?;
        let p = self.0.preview(&card, to_utc("now", now)?)?;
        Ok(Preview {
            again: p.again.card.into(),
            hard: p.hard.card.into(),
            good: p.good.card.into(),
            easy: p.easy.card.into(),
        })
    }

    /// Review many cards, `ratings[i]` for `cards[i]`; all or nothing.
    pub fn review_many(
        &self,
        cards: Vec<Card>,
        ratings: Vec<Rating>,
        now: SystemTime,
    ) -> Result<Vec<Card>> {
        let cards = cards_to_core(&cards)?;
        let ratings: Vec<srs::Rating> = ratings.into_iter().map(Into::into).collect();
        Ok(self
            .0
            .review_many(&cards, &ratings, to_utc("now", now)?)?
            .into_iter()
            .map(|o| o.card.into())
            .collect())
    }

    /// Probability of recall of `card` at `now`.
    pub fn retrievability(&self, card: Card, now: SystemTime) -> Result<f64> {
        let card = card.to_core("card")?;
        Ok(self.0.card_retrievability(&card, to_utc("now", now)?))
    }

    /// The memory state after `ratings[i]` given `days_elapsed[i]` days after the previous review.
    pub fn memory_state(
        &self,
        ratings: Vec<Rating>,
        days_elapsed: Vec<u32>,
    ) -> Result<MemoryState> {
        if ratings.len() != days_elapsed.len() {
            return Err(invalid("days_elapsed", "needs one entry per rating"));
        }
        let history: Vec<srs::ReviewDelta> = ratings
            .into_iter()
            .zip(days_elapsed)
            .map(|(r, d)| srs::ReviewDelta {
                rating: r.into(),
                days_elapsed: d,
            })
            .collect();
        let m = self.0.memory_state(history)?;
        Ok(MemoryState {
            stability: m.stability,
            difficulty: m.difficulty,
        })
    }
}

/// Indices of the cards to study at `now`: learning, then reviews, then new.
#[uniffi::export]
pub fn due_queue(
    cards: Vec<Card>,
    now: SystemTime,
    new_limit: u32,
    review_limit: u32,
) -> Result<Vec<u32>> {
    let cards = cards_to_core(&cards)?;
    let options = srs::QueueOptions {
        new_limit: new_limit as usize,
        review_limit: review_limit as usize,
        ..srs::QueueOptions::default()
    };
    Ok(srs::due_queue(&cards, to_utc("now", now)?, &options)
        .iter()
        .map(|i| i as u32)
        .collect())
}
