//! Spaced repetition for JS: the three schedulers (one set of methods for
//! all), card batches kept in WebAssembly memory, the due queue and the
//! forecast.

use crate::{JsResult, err, from_js, invalid, options, options_to_js, time, to_js};
use learnloop::srs::{self, Scheduler};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const STATE: &str = srs::State::TS_TYPE;
#[wasm_bindgen(typescript_custom_section)]
const QUEUE_ORDER: &str = srs::QueueOrder::TS_TYPE;

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

/// A rating argument (a `Rating` or its number 1-4). A lone `rating`
/// argument out of range is the core's rating error; an item of a list
/// (`field` = `ratings[i]`) an invalid input naming the item.
fn rating(field: &str, value: &JsValue) -> JsResult<srs::Rating> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && field == "rating" => err(srs::Rating::try_from(n as i64)),
        Some(n) if n.fract() == 0.0 => srs::Rating::try_from(n as i64)
            .map_err(|_| invalid(field, format!("{n} is not a rating from 1 to 4"))),
        _ => Err(invalid(field, "expected a Rating (1 to 4)")),
    }
}

/// Ratings of a batch: an array of `Rating` or a `Uint8Array` of 1-4.
fn ratings(value: &JsValue) -> JsResult<Vec<srs::Rating>> {
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return err(srs::Rating::from_bytes(&bytes.to_vec()));
    }
    let Some(array) = value.dyn_ref::<js_sys::Array>() else {
        return Err(invalid(
            "ratings",
            "expected an array of ratings or a Uint8Array",
        ));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, r)| rating(&format!("ratings[{i}]"), &r))
        .collect()
}

/// A new card due at `now`.
#[wasm_bindgen(js_name = newCard, unchecked_return_type = "Card")]
pub fn new_card(
    id: String,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
) -> JsResult<JsValue> {
    let card = srs::Card::new(id, time("now", &now)?);
    err(card.check())?;
    to_js(&card)
}

/// The methods every scheduler class has, over its core scheduler: built
/// from an options object (the core's defaults for what it leaves out),
/// `options`, and the reviews.
macro_rules! scheduler_class {
    ($class:ident, $core:ty, $options:ty, $ts_options:literal) => {
        #[wasm_bindgen]
        impl $class {
            /// A scheduler with these options; every field is optional.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_optional_param_type = $ts_options)] options: Option<
                    JsValue,
                >,
            ) -> JsResult<$class> {
                err(<$core>::new(self::options::<$options>(&options)?)).map($class)
            }

            /// The settings in effect.
            #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
            pub fn options(&self) -> JsResult<JsValue> {
                options_to_js(self.0.options())
            }

            /// Review `card` with `rating` at `now`: `{ card, log }`. `load`:
            /// cards already due on each coming day (`forecast`), read when
            /// load balancing is on.
            #[wasm_bindgen(unchecked_return_type = "ReviewOutcome")]
            pub fn review(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
                #[wasm_bindgen(unchecked_param_type = "Rating")] rating: JsValue,
                #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
                #[wasm_bindgen(js_name = durationMs)] duration_ms: Option<u32>,
                load: Option<Vec<u32>>,
            ) -> JsResult<JsValue> {
                let card: srs::Card = from_js("card", &card)?;
                let rating = self::rating("rating", &rating)?;
                let load = load.map(|counts| srs::DueLoad { counts });
                let mut out = err(self.0.review_in(&card, rating, &context(&now, &load)?))?;
                out.log.duration_ms = duration_ms;
                to_js(&out)
            }

            /// The outcome of each rating: `{ again, hard, good, easy }`, each
            /// `{ card, log }` (`load` as in `review`).
            #[wasm_bindgen(unchecked_return_type = "Preview")]
            pub fn preview(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
                #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
                load: Option<Vec<u32>>,
            ) -> JsResult<JsValue> {
                let card: srs::Card = from_js("card", &card)?;
                let load = load.map(|counts| srs::DueLoad { counts });
                to_js(&err(self.0.preview_in(&card, &context(&now, &load)?))?)
            }

            /// Review many cards at once, `ratings[i]` for `cards[i]`; all or nothing.
            #[wasm_bindgen(js_name = reviewMany, unchecked_return_type = "Card[]")]
            pub fn review_many(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
                #[wasm_bindgen(unchecked_param_type = "Rating[] | Uint8Array")] ratings: JsValue,
                #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
            ) -> JsResult<JsValue> {
                let cards: Vec<srs::Card> = from_js("cards", &cards)?;
                let ratings = self::ratings(&ratings)?;
                let outcomes = err(self.0.review_many(&cards, &ratings, time("now", &now)?))?;
                to_js(&outcomes.iter().map(|o| &o.card).collect::<Vec<_>>())
            }

            /// Review every card of `batch` in place, `ratings[i]` (1-4) for
            /// `batch.get(i)`, all at `now`. The fast path for large
            /// collections: no card crosses the boundary. All or nothing: on
            /// error the batch is unchanged and the error names the card
            /// (`cards[i]`).
            #[wasm_bindgen(js_name = reviewBatch)]
            pub fn review_batch(
                &self,
                batch: &mut CardBatch,
                ratings: &[u8],
                #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
            ) -> JsResult<()> {
                let now = time("now", &now)?;
                let ratings = err(srs::Rating::from_bytes(ratings))?;
                err(self.0.review_in_place(&mut batch.0, &ratings, now))
            }
        }
    };
}

/// A review's context: its time, and the due counts of the coming days
/// (`forecast`) that load balancing reads when it is on.
fn context<'a>(now: &JsValue, load: &'a Option<srs::DueLoad>) -> JsResult<srs::ReviewContext<'a>> {
    Ok(srs::ReviewContext {
        now: time("now", now)?,
        load: load.as_ref(),
    })
}

/// The FSRS-6 scheduler.
#[wasm_bindgen]
pub struct Fsrs(pub(crate) srs::Fsrs);

scheduler_class!(Fsrs, srs::Fsrs, srs::FsrsOptions, "Options<FsrsOptions>");

#[wasm_bindgen]
impl Fsrs {
    /// Probability that `card` is recalled at `now` (0 for a new card).
    pub fn retrievability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<f64> {
        let card: srs::Card = from_js("card", &card)?;
        Ok(self.0.card_retrievability(&card, time("now", &now)?))
    }

    /// The memory state after `[rating, daysSincePrevious]` pairs, oldest
    /// first, from `start` if given, else from a new card.
    #[wasm_bindgen(js_name = memoryState, unchecked_return_type = "MemoryState")]
    pub fn memory_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "[Rating, number][]")] history: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MemoryState")] start: Option<JsValue>,
    ) -> JsResult<JsValue> {
        let pairs: Vec<(srs::Rating, u32)> = from_js("history", &history)?;
        let start: Option<srs::MemoryState> = match start {
            Some(s) if !s.is_undefined() && !s.is_null() => Some(from_js("start", &s)?),
            _ => None,
        };
        to_js(&err(match start {
            Some(start) => self.0.memory_state_from(start, pairs),
            None => self.0.memory_state(pairs),
        })?)
    }

    /// Probability of recall `elapsedDays` after a review that left `stability`.
    #[wasm_bindgen(js_name = retrievabilityAfter)]
    pub fn retrievability_after(
        &self,
        #[wasm_bindgen(js_name = elapsedDays)] elapsed_days: f64,
        stability: f64,
    ) -> JsResult<f64> {
        err(self.0.retrievability(elapsed_days, stability))
    }

    /// The memory state and unrounded interval after each rating, from
    /// `memory` (`null` for a new card) after `daysElapsed` days.
    #[wasm_bindgen(js_name = nextStates, unchecked_return_type = "NextStates")]
    pub fn next_states(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MemoryState | null")] memory: JsValue,
        #[wasm_bindgen(js_name = desiredRetention)] desired_retention: f64,
        #[wasm_bindgen(js_name = daysElapsed)] days_elapsed: u32,
    ) -> JsResult<JsValue> {
        let memory: Option<srs::MemoryState> = from_js("memory", &memory)?;
        to_js(&err(self.0.next_states(
            memory,
            desired_retention,
            days_elapsed,
        ))?)
    }

    /// Unrounded interval in days at which recall falls to
    /// `desiredRetention`, for a stability (or, with `null`, a new card's
    /// initial stability after `rating`).
    #[wasm_bindgen(js_name = nextInterval)]
    pub fn next_interval(
        &self,
        stability: Option<f64>,
        #[wasm_bindgen(js_name = desiredRetention)] desired_retention: f64,
        #[wasm_bindgen(unchecked_param_type = "Rating")] rating: JsValue,
    ) -> JsResult<f64> {
        let rating = self::rating("rating", &rating)?;
        err(self.0.next_interval(stability, desired_retention, rating))
    }

    /// The whole-day interval a review gives a card of this stability.
    #[wasm_bindgen(js_name = reviewInterval)]
    pub fn review_interval(&self, stability: f64) -> JsResult<u32> {
        err(self.0.review_interval(stability))
    }

    /// The memory state of a card SM-2 scheduled: its ease factor, its
    /// current interval in days, and the retention SM-2 achieved.
    #[wasm_bindgen(js_name = memoryStateFromSm2, unchecked_return_type = "MemoryState")]
    pub fn memory_state_from_sm2(
        &self,
        #[wasm_bindgen(js_name = easeFactor)] ease_factor: f64,
        interval: f64,
        #[wasm_bindgen(js_name = sm2Retention)] sm2_retention: f64,
    ) -> JsResult<JsValue> {
        to_js(&err(self.0.memory_state_from_sm2(
            ease_factor,
            interval,
            sm2_retention,
        ))?)
    }
}

/// SuperMemo's SM-2 (quality 0-5; the four ratings are qualities 2-5).
#[wasm_bindgen]
pub struct Sm2(pub(crate) srs::Sm2);

scheduler_class!(Sm2, srs::Sm2, srs::Sm2Options, "Options<Sm2Options>");

#[wasm_bindgen]
impl Sm2 {
    /// The SM-2 quality (0-5) a rating stands for.
    #[wasm_bindgen(js_name = qualityOf)]
    pub fn quality_of(
        #[wasm_bindgen(unchecked_param_type = "Rating")] rating: JsValue,
    ) -> JsResult<u8> {
        Ok(srs::Sm2::quality_of(self::rating("rating", &rating)?))
    }

    /// Review with an SM-2 quality from 0 (blackout) to 5 (perfect).
    #[wasm_bindgen(js_name = reviewQuality, unchecked_return_type = "ReviewOutcome")]
    pub fn review_quality(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        quality: u8,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let card: srs::Card = from_js("card", &card)?;
        to_js(&err(self.0.review_quality(
            &card,
            quality,
            time("now", &now)?,
        ))?)
    }
}

/// Anki's SM-2 variant (four buttons, ease steps, multipliers).
#[wasm_bindgen]
pub struct AnkiSm2(pub(crate) srs::AnkiSm2);

scheduler_class!(
    AnkiSm2,
    srs::AnkiSm2,
    srs::AnkiSm2Options,
    "Options<AnkiSm2Options>"
);

/// Many cards kept in WebAssembly memory, for batch work on large
/// collections without converting every card on every call. Build it once
/// from card objects, review it in place with `reviewBatch`, read cards back
/// with `get` or `toArray`. Call `free()` when done with it.
#[wasm_bindgen]
pub struct CardBatch(Vec<srs::Card>);

#[wasm_bindgen]
impl CardBatch {
    /// A batch holding `cards` (an empty batch if omitted).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Card[]")] cards: Option<JsValue>,
    ) -> JsResult<CardBatch> {
        match cards {
            Some(cards) if !cards.is_undefined() && !cards.is_null() => {
                from_js("cards", &cards).map(CardBatch)
            }
            _ => Ok(CardBatch(Vec::new())),
        }
    }

    /// `count` new cards with ids `${prefix}${i}`, all due at `now`.
    #[wasm_bindgen(js_name = newCards)]
    pub fn new_cards(
        prefix: &str,
        count: u32,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<CardBatch> {
        Ok(CardBatch(err(srs::new_cards(
            prefix,
            count as usize,
            time("now", &now)?,
        ))?))
    }

    /// Number of cards.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.0.len() as u32
    }

    /// The card at `index` (a copy), or an error past the end.
    #[wasm_bindgen(unchecked_return_type = "Card")]
    pub fn get(&self, index: u32) -> JsResult<JsValue> {
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
    ) -> JsResult<()> {
        self.0.push(from_js("card", &card)?);
        Ok(())
    }

    /// Every card, as plain objects.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "Card[]")]
    pub fn to_array(&self) -> JsResult<JsValue> {
        to_js(&self.0)
    }

    /// Every card's due time in milliseconds since the epoch.
    #[wasm_bindgen(js_name = dueTimes)]
    pub fn due_times(&self) -> Vec<f64> {
        self.0
            .iter()
            .map(|c| (c.due.as_micros() / 1000) as f64)
            .collect()
    }

    /// Indices of the cards to study at `now` (see `dueQueue`).
    #[wasm_bindgen(js_name = dueQueue, unchecked_return_type = "number[]")]
    pub fn due_queue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Options<QueueOptions>")] options: Option<
            JsValue,
        >,
    ) -> JsResult<JsValue> {
        queue_of(&self.0, &now, &options)
    }

    /// Due counts for each of the next `days` days (see `forecast`).
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn forecast(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        days: u32,
    ) -> JsResult<JsValue> {
        to_js(&err(srs::forecast(&self.0, time("now", &now)?, days))?)
    }
}

/// Indices of the cards to study at `now`: learning, then reviews, then new.
#[wasm_bindgen(js_name = dueQueue, unchecked_return_type = "number[]")]
pub fn due_queue(
    #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options<QueueOptions>")] options: Option<
        JsValue,
    >,
) -> JsResult<JsValue> {
    let cards: Vec<srs::Card> = from_js("cards", &cards)?;
    queue_of(&cards, &now, &options)
}

fn queue_of(cards: &[srs::Card], now: &JsValue, options: &Option<JsValue>) -> JsResult<JsValue> {
    let options: srs::QueueOptions = self::options(options)?;
    let queue = srs::due_queue(cards, time("now", now)?, &options);
    to_js(&queue.iter().collect::<Vec<_>>())
}

/// Due counts for each of the next `days` days (overdue cards count in day 0).
#[wasm_bindgen(unchecked_return_type = "number[]")]
pub fn forecast(
    #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    days: u32,
) -> JsResult<JsValue> {
    let cards: Vec<srs::Card> = from_js("cards", &cards)?;
    to_js(&err(srs::forecast(&cards, time("now", &now)?, days))?)
}

/// A copy of `card` due at `due` instead (a "postpone" or "study earlier"
/// button); `due` may not be before `now`.
#[wasm_bindgen(unchecked_return_type = "Card")]
pub fn reschedule(
    #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] due: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
) -> JsResult<JsValue> {
    let card: srs::Card = from_js("card", &card)?;
    to_js(&err(srs::reschedule(
        &card,
        time("due", &due)?,
        time("now", &now)?,
    ))?)
}

/// New cards, due at `now`, for the questions answered wrongly: one per
/// question id, none for an id that already has a card in `existing`.
#[wasm_bindgen(js_name = cardsFromMistakes, unchecked_return_type = "Card[]")]
pub fn cards_from_mistakes(
    #[wasm_bindgen(unchecked_param_type = "AnsweredQuestion[]")] answers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Card[]")] existing: Option<JsValue>,
) -> JsResult<JsValue> {
    let answers: Vec<srs::AnsweredQuestion> = from_js("answers", &answers)?;
    let existing: Vec<srs::Card> = match existing {
        Some(cards) if !cards.is_undefined() && !cards.is_null() => from_js("existing", &cards)?,
        _ => Vec::new(),
    };
    to_js(&srs::cards_from_mistakes(
        &answers,
        &existing,
        time("now", &now)?,
    ))
}

/// `[min, max]`: the days a fuzzed `interval` may land on.
#[wasm_bindgen(js_name = fuzzRange, unchecked_return_type = "[number, number]")]
pub fn fuzz_range(
    interval: u32,
    #[wasm_bindgen(js_name = maximumInterval)] maximum_interval: u32,
) -> JsResult<JsValue> {
    to_js(&srs::fuzz_range(interval, maximum_interval))
}

/// The fuzz fraction in `[0, 1)` of a card id at a review count.
#[wasm_bindgen(js_name = fuzzFactor)]
pub fn fuzz_factor(#[wasm_bindgen(js_name = cardId)] card_id: &str, reps: u32) -> f64 {
    srs::fuzz_factor(card_id, reps)
}

/// Whether a rating counts as recalled (Hard, Good, Easy).
#[wasm_bindgen(js_name = isPass)]
pub fn is_pass(#[wasm_bindgen(unchecked_param_type = "Rating")] rating: JsValue) -> JsResult<bool> {
    Ok(self::rating("rating", &rating)?.is_pass())
}
