//! Browser and Node bindings for learnloop (wasm-bindgen): the npm package
//! `learnloop`.
//!
//! Conversions and error mapping only. Cards, logs and options cross the
//! boundary as plain JS objects with the same JSON shape as in every other
//! language (snake_case keys, dates as ISO 8601 strings), so a card stored by
//! a Python backend is a card in the browser. Time arguments take a `Date`
//! or an ISO 8601 string with an offset. Errors are `Error` objects with a
//! stable `code` and the `field` they are about.

use chrono::{DateTime, TimeDelta, Utc};
use learnloop::srs::{self, Scheduler as _};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

mod learner;
#[cfg(feature = "store")]
mod store;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A time argument: a Date, or an ISO 8601 string with an offset ("2026-01-05T09:00:00Z"). */
export type DateInput = Date | string;

/** Stability (days until recall falls to 90 %) and difficulty (1-10). */
export interface MemoryState { stability: number; difficulty: number }

/** SM-2 state of a card scheduled by SM-2. */
export interface Sm2State { ease_factor: number; streak: number }

/** A card: the same JSON shape in every language. Dates are ISO 8601 strings (UTC). */
export interface Card {
  id: string;
  state: "new" | "learning" | "review" | "relearning";
  step: number | null;
  due: string;
  memory: MemoryState | null;
  sm2?: Sm2State | null;
  last_review: string | null;
  scheduled_days: number;
  reps: number;
  lapses: number;
}

/** The record of one review. */
export interface ReviewLog {
  card_id: string;
  rating: Rating;
  state: Card["state"];
  reviewed_at: string;
  elapsed_days: number;
  scheduled_days: number;
  duration_ms?: number | null;
}

export interface ReviewOutcome { card: Card; log: ReviewLog }
export interface Preview { again: ReviewOutcome; hard: ReviewOutcome; good: ReviewOutcome; easy: ReviewOutcome }
export interface ItemState { memory: MemoryState; interval: number }
export interface NextStates { again: ItemState; hard: ItemState; good: ItemState; easy: ItemState }

/** Scheduler settings; every field is optional. Steps are in seconds. */
export interface FsrsOptions {
  parameters?: number[];
  desiredRetention?: number;
  learningSteps?: number[];
  relearningSteps?: number[];
  maximumInterval?: number;
  enableFuzzing?: boolean;
}

export interface QueueOptions {
  newLimit?: number;
  reviewLimit?: number;
  order?: "retrievability" | "due" | "shuffled";
  /** Seed of the shuffle (an integer below 2^53). */
  seed?: number;
}

/** Every error thrown by learnloop. */
export interface LearnloopError extends Error { code: string; field: string }
"#;

/// The learner's answer.
#[wasm_bindgen]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rating {
    /// Forgot.
    Again = 1,
    /// Recalled with serious difficulty.
    Hard = 2,
    /// Recalled after some thought.
    Good = 3,
    /// Recalled effortlessly.
    Easy = 4,
}

fn js_error(e: learnloop::Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("LearnloopError");
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(obj, &"field".into(), &e.field().into());
    err.into()
}

fn invalid(field: &str, reason: impl Into<String>) -> JsValue {
    js_error(learnloop::Error::InvalidInput {
        field: field.to_string(),
        reason: reason.into(),
    })
}

/// Decode a JS value into a core type through JSON (the browser's own
/// `JSON.stringify` is the fastest way across the boundary); errors name the
/// argument and the path inside it (`card.memory.stability`, `cards[3].due`).
fn from_js<T: DeserializeOwned>(field: &str, value: &JsValue) -> Result<T, JsValue> {
    if value.is_undefined() {
        return Err(invalid(field, "missing"));
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid(field, "not JSON-serializable"))?;
    learnloop::json::from_json(&text).map_err(|e| match e {
        learnloop::Error::InvalidInput {
            field: path,
            reason,
        } => {
            let field = match path.as_str() {
                "json" => field.to_string(),
                p if p.starts_with('[') => format!("{field}{p}"),
                p => format!("{field}.{p}"),
            };
            js_error(learnloop::Error::InvalidInput { field, reason })
        }
        other => js_error(other),
    })
}

/// A whole number >= 0 below 2^53 (what a JS number holds exactly).
fn whole(v: f64, field: &str) -> Result<u64, JsValue> {
    if v.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&v) {
        Ok(v as u64)
    } else {
        Err(invalid(field, format!("{v} is not a whole number >= 0")))
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&learnloop::json::to_json(value))
}

/// A `Date` or an ISO 8601 string with an offset, as UTC.
fn utc(field: &str, value: &JsValue) -> Result<DateTime<Utc>, JsValue> {
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        let ms = date.get_time();
        if ms.is_nan() {
            return Err(invalid(field, "an invalid Date"));
        }
        return DateTime::from_timestamp_millis(ms as i64)
            .ok_or_else(|| invalid(field, "out of range"));
    }
    if let Some(text) = value.as_string() {
        return DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                invalid(
                    field,
                    format!(
                        "{text:?} is not an ISO 8601 time with an offset (such as 2026-01-05T09:00:00Z): {e}"
                    ),
                )
            });
    }
    Err(invalid(field, "expected a Date or an ISO 8601 string"))
}

fn rating(field: &str, value: &JsValue) -> Result<srs::Rating, JsValue> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 => srs::Rating::try_from(n as i64).map_err(|e| match e {
            learnloop::Error::InvalidRating { value } if field != "rating" => {
                invalid(field, format!("{value} is not a rating from 1 to 4"))
            }
            other => js_error(other),
        }),
        _ => Err(invalid(field, "expected a Rating (1 to 4)")),
    }
}

/// A new card, due at `now` (the current time if omitted).
#[wasm_bindgen(js_name = newCard, unchecked_return_type = "Card")]
pub fn new_card(
    id: String,
    #[wasm_bindgen(unchecked_param_type = "DateInput | undefined")] now: JsValue,
) -> Result<JsValue, JsValue> {
    let now = if now.is_undefined() || now.is_null() {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
            .ok_or_else(|| invalid("now", "the clock is out of range"))?
    } else {
        utc("now", &now)?
    };
    to_js(&srs::Card::new(id, now))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FsrsOptions {
    parameters: Option<Vec<f64>>,
    desired_retention: Option<f64>,
    learning_steps: Option<Vec<f64>>,
    relearning_steps: Option<Vec<f64>>,
    maximum_interval: Option<u32>,
    enable_fuzzing: Option<bool>,
}

fn seconds(field: &str, values: Vec<f64>) -> Result<Vec<TimeDelta>, JsValue> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if s.is_finite() && s.fract() == 0.0 && s.abs() < 1e12 {
                Ok(TimeDelta::seconds(s as i64))
            } else {
                Err(invalid(
                    &format!("{field}[{i}]"),
                    format!("{s} is not a whole number of seconds"),
                ))
            }
        })
        .collect()
}

/// The FSRS-6 scheduler.
#[wasm_bindgen]
pub struct Fsrs(srs::Fsrs);

#[wasm_bindgen]
impl Fsrs {
    /// A scheduler; every option is optional (FSRS-6 defaults, retention 0.9).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FsrsOptions | undefined")] options: JsValue,
    ) -> Result<Fsrs, JsValue> {
        let o: FsrsOptions = if options.is_undefined() || options.is_null() {
            FsrsOptions::default()
        } else {
            from_js("options", &options)?
        };
        let mut f = match o.parameters {
            Some(p) => srs::Fsrs::new(&p).map_err(js_error)?,
            None => srs::Fsrs::default(),
        };
        if let Some(r) = o.desired_retention {
            f = f.with_desired_retention(r).map_err(js_error)?;
        }
        if let Some(s) = o.learning_steps {
            f = f
                .with_learning_steps(seconds("learningSteps", s)?)
                .map_err(js_error)?;
        }
        if let Some(s) = o.relearning_steps {
            f = f
                .with_relearning_steps(seconds("relearningSteps", s)?)
                .map_err(js_error)?;
        }
        if let Some(m) = o.maximum_interval {
            f = f.with_maximum_interval(m).map_err(js_error)?;
        }
        if let Some(fuzz) = o.enable_fuzzing {
            f = f
                .with_shaping(srs::IntervalShaping {
                    fuzz,
                    ..Default::default()
                })
                .map_err(js_error)?;
        }
        Ok(Fsrs(f))
    }

    /// The desired retention.
    #[wasm_bindgen(getter, js_name = desiredRetention)]
    pub fn desired_retention(&self) -> f64 {
        self.0.desired_retention()
    }

    /// The maximum interval in days.
    #[wasm_bindgen(getter, js_name = maximumInterval)]
    pub fn maximum_interval(&self) -> u32 {
        self.0.maximum_interval()
    }

    /// The 21 parameters.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn parameters(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.parameters().as_slice().to_vec())
    }

    /// Review `card` with `rating` at `now`: `{ card, log }`.
    #[wasm_bindgen(unchecked_return_type = "ReviewOutcome")]
    pub fn review(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Rating")] rating: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        #[wasm_bindgen(js_name = durationMs)] duration_ms: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let card: srs::Card = from_js("card", &card)?;
        let rating = self::rating("rating", &rating)?;
        let now = utc("now", &now)?;
        let mut out = self.0.review(&card, rating, now).map_err(js_error)?;
        out.log.duration_ms = duration_ms;
        to_js(&out)
    }

    /// The outcome of each rating: `{ again, hard, good, easy }`, each `{ card, log }`.
    #[wasm_bindgen(unchecked_return_type = "Preview")]
    pub fn preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let card: srs::Card = from_js("card", &card)?;
        to_js(&self.0.preview(&card, utc("now", &now)?).map_err(js_error)?)
    }

    /// Review many cards at once, `ratings[i]` for `cards[i]`; all or nothing.
    #[wasm_bindgen(js_name = reviewMany, unchecked_return_type = "Card[]")]
    pub fn review_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Rating[]")] ratings: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let cards: Vec<srs::Card> = from_js("cards", &cards)?;
        let numbers: Vec<serde_json::Value> = from_js("ratings", &ratings)?;
        let ratings = numbers
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_i64()
                    .and_then(|n| srs::Rating::try_from(n).ok())
                    .ok_or_else(|| {
                        invalid(
                            &format!("ratings[{i}]"),
                            format!("{v} is not a rating from 1 to 4"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let outcomes = self
            .0
            .review_many(&cards, &ratings, utc("now", &now)?)
            .map_err(js_error)?;
        let cards: Vec<&srs::Card> = outcomes.iter().map(|o| &o.card).collect();
        to_js(&cards)
    }

    /// Review every card of `batch` in place, `ratings[i]` (1-4) for
    /// `batch.get(i)`, all at `now`. The fast path for large collections:
    /// no card crosses the boundary. All or nothing: on error the batch is
    /// unchanged and the error names the card (`cards[i]`). A batch whose
    /// cards are all ready skips checking them first (see the core's
    /// `CardBatch`).
    #[wasm_bindgen(js_name = reviewBatch)]
    pub fn review_batch(
        &self,
        batch: &mut CardBatch,
        ratings: &[u8],
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> Result<(), JsValue> {
        let now = utc("now", &now)?;
        let ratings = srs::Rating::from_bytes(ratings).map_err(js_error)?;
        self.0
            .review_batch(&mut batch.0, &ratings, now)
            .map_err(js_error)
    }

    /// Probability that `card` is recalled at `now` (0 for a new card).
    pub fn retrievability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> Result<f64, JsValue> {
        let card: srs::Card = from_js("card", &card)?;
        Ok(self.0.card_retrievability(&card, utc("now", &now)?))
    }

    /// The memory state after `[rating, daysSincePrevious]` pairs, oldest first.
    #[wasm_bindgen(js_name = memoryState, unchecked_return_type = "MemoryState")]
    pub fn memory_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "[Rating, number][]")] history: JsValue,
    ) -> Result<JsValue, JsValue> {
        let pairs: Vec<(srs::Rating, u32)> = from_js("history", &history)?;
        to_js(&self.0.memory_state(pairs).map_err(js_error)?)
    }

    /// The memory state and unrounded interval after each rating, from
    /// `memory` (`null` for a new card) after `daysElapsed` days.
    #[wasm_bindgen(js_name = nextStates, unchecked_return_type = "NextStates")]
    pub fn next_states(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MemoryState | null")] memory: JsValue,
        #[wasm_bindgen(js_name = desiredRetention)] desired_retention: f64,
        #[wasm_bindgen(js_name = daysElapsed)] days_elapsed: u32,
    ) -> Result<JsValue, JsValue> {
        let memory: Option<srs::MemoryState> = if memory.is_null() || memory.is_undefined() {
            None
        } else {
            Some(from_js("memory", &memory)?)
        };
        to_js(
            &self
                .0
                .next_states(memory, desired_retention, days_elapsed)
                .map_err(js_error)?,
        )
    }
}

/// Many cards kept in WebAssembly memory, for batch work on large
/// collections without converting every card on every call. Build it once
/// from card objects, review it in place with `Fsrs.reviewBatch`, read cards
/// back with `get` or `toArray`. Call `free()` when done with it.
#[wasm_bindgen]
pub struct CardBatch(srs::CardBatch);

#[wasm_bindgen]
impl CardBatch {
    /// A batch holding `cards` (an empty batch if omitted).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Card[] | undefined")] cards: JsValue,
    ) -> Result<CardBatch, JsValue> {
        if cards.is_undefined() || cards.is_null() {
            return Ok(CardBatch(srs::CardBatch::default()));
        }
        from_js::<Vec<srs::Card>>("cards", &cards).map(|cards| CardBatch(cards.into()))
    }

    /// `count` new cards with ids `${prefix}${i}`, all due at `now`.
    #[wasm_bindgen(js_name = newCards)]
    pub fn new_cards(
        prefix: &str,
        count: u32,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> Result<CardBatch, JsValue> {
        let now = utc("now", &now)?;
        Ok(CardBatch(
            (0..count)
                .map(|i| srs::Card::new(format!("{prefix}{i}"), now))
                .collect(),
        ))
    }

    /// Number of cards.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.0.len() as u32
    }

    /// The card at `index` (a copy), or an error past the end.
    #[wasm_bindgen(unchecked_return_type = "Card")]
    pub fn get(&self, index: u32) -> Result<JsValue, JsValue> {
        match self.0.get(index as usize) {
            Some(card) => to_js(card),
            None => Err(invalid(
                "index",
                format!("{index} is past the last of {} cards", self.0.len()),
            )),
        }
    }

    /// Add a card at the end.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
    ) -> Result<(), JsValue> {
        self.0.push(from_js("card", &card)?);
        Ok(())
    }

    /// Every card, as plain objects.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "Card[]")]
    pub fn to_array(&self) -> Result<JsValue, JsValue> {
        to_js(&&self.0[..])
    }

    /// Every card's due time in milliseconds since the epoch.
    #[wasm_bindgen(js_name = dueTimes)]
    pub fn due_times(&self) -> Vec<f64> {
        self.0
            .iter()
            .map(|c| c.due.timestamp_millis() as f64)
            .collect()
    }

    /// Indices of the cards to study at `now` (see `dueQueue`).
    #[wasm_bindgen(js_name = dueQueue, unchecked_return_type = "number[]")]
    pub fn due_queue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QueueOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        queue_of(&self.0, &now, &options)
    }

    /// Due counts for each of the next `days` days (see `forecast`).
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn forecast(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        days: u32,
    ) -> Result<JsValue, JsValue> {
        to_js(&srs::forecast(&self.0, utc("now", &now)?, days))
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueueOptions {
    new_limit: Option<usize>,
    review_limit: Option<usize>,
    order: Option<String>,
    seed: Option<f64>,
}

/// Indices of the cards to study at `now`: learning, then reviews, then new.
#[wasm_bindgen(js_name = dueQueue, unchecked_return_type = "number[]")]
pub fn due_queue(
    #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    #[wasm_bindgen(unchecked_param_type = "QueueOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let cards: Vec<srs::Card> = from_js("cards", &cards)?;
    queue_of(&cards, &now, &options)
}

fn queue_of(cards: &[srs::Card], now: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let options = queue_options(options)?;
    let queue: Vec<usize> = srs::due_queue(cards, utc("now", now)?, &options)
        .iter()
        .collect();
    to_js(&queue)
}

/// `QueueOptions` from JS (every field optional).
fn queue_options(options: &JsValue) -> Result<srs::QueueOptions, JsValue> {
    let o: QueueOptions = if options.is_undefined() || options.is_null() {
        QueueOptions::default()
    } else {
        from_js("options", options)?
    };
    let seed = whole(o.seed.unwrap_or(0.0), "options.seed")?;
    let name = o.order.as_deref().unwrap_or("retrievability");
    let order = srs::QueueOrder::from_name(name, seed).ok_or_else(|| {
        invalid(
            "options.order",
            format!("{name:?} is not one of {:?}", srs::QueueOrder::NAMES),
        )
    })?;
    let defaults = srs::QueueOptions::default();
    Ok(srs::QueueOptions {
        new_limit: o.new_limit.unwrap_or(defaults.new_limit),
        review_limit: o.review_limit.unwrap_or(defaults.review_limit),
        order,
        ..defaults
    })
}

/// Due counts for each of the next `days` days (overdue cards count in day 0).
#[wasm_bindgen(unchecked_return_type = "number[]")]
pub fn forecast(
    #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    days: u32,
) -> Result<JsValue, JsValue> {
    let cards: Vec<srs::Card> = from_js("cards", &cards)?;
    to_js(&srs::forecast(&cards, utc("now", &now)?, days))
}
