//! Spaced repetition for Python: cards and logs as frozen classes over the
//! core's types, the three schedulers (one set of methods for all), card
//! batches in native memory, the due queue and the forecast.

use crate::convert::{from_py, options, to_py_object, whole, whole_opt};
use crate::errors::to_py;
use crate::time::{invalid, py_timestamp, timestamp};
use learnloop::Timestamp;
use learnloop::srs::{self, Scheduler};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::sync::Mutex;

/// The learner's answer.
#[pyclass(eq, eq_int, frozen, hash, name = "Rating", module = "learnloop")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PyRating {
    #[pyo3(name = "AGAIN")]
    Again = 1,
    #[pyo3(name = "HARD")]
    Hard = 2,
    #[pyo3(name = "GOOD")]
    Good = 3,
    #[pyo3(name = "EASY")]
    Easy = 4,
}

impl From<srs::Rating> for PyRating {
    fn from(r: srs::Rating) -> Self {
        match r {
            srs::Rating::Again => PyRating::Again,
            srs::Rating::Hard => PyRating::Hard,
            srs::Rating::Good => PyRating::Good,
            srs::Rating::Easy => PyRating::Easy,
        }
    }
}

#[pymethods]
impl PyRating {
    /// Whether the rating counts as recalled (Hard, Good, Easy).
    fn is_pass(&self) -> PyResult<bool> {
        Ok(srs::Rating::try_from(*self as u8).map_err(to_py)?.is_pass())
    }
}

/// A `Rating` or its number 1-4. A lone `rating` argument out of range is
/// the core's rating error; an item of a list (`field` = `ratings[i]`) an
/// invalid input naming the item.
fn rating(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<srs::Rating> {
    if let Ok(r) = obj.cast::<PyRating>() {
        return srs::Rating::try_from(*r.get() as u8).map_err(to_py);
    }
    match obj.extract::<i64>() {
        Ok(n) if field == "rating" => srs::Rating::try_from(n).map_err(to_py),
        Ok(n) => srs::Rating::try_from(n)
            .map_err(|_| invalid(field, format!("{n} is not a rating from 1 to 4"))),
        Err(_) => Err(invalid(
            field,
            "expected a learnloop.Rating or an int from 1 to 4",
        )),
    }
}

/// Ratings for a batch: `bytes`/`bytearray` of values 1-4 (the fast path),
/// or any sequence of `Rating` or int.
fn ratings(obj: &Bound<'_, PyAny>) -> PyResult<Vec<srs::Rating>> {
    if let Ok(bytes) = obj.cast::<pyo3::types::PyBytes>() {
        return srs::Rating::from_bytes(bytes.as_bytes()).map_err(to_py);
    }
    if let Ok(bytes) = obj.cast::<pyo3::types::PyByteArray>() {
        return srs::Rating::from_bytes(&bytes.to_vec()).map_err(to_py);
    }
    if obj.is_instance_of::<PyString>() {
        return Err(invalid(
            "ratings",
            "expected a sequence of ratings, not a str",
        ));
    }
    obj.try_iter()
        .map_err(|_| invalid("ratings", "expected bytes or a sequence of ratings"))?
        .enumerate()
        .map(|(i, r)| rating(&format!("ratings[{i}]"), &r?))
        .collect()
}

/// Where a card is in its life.
#[pyclass(eq, eq_int, frozen, hash, name = "State", module = "learnloop")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum PyState {
    #[pyo3(name = "NEW")]
    New = 0,
    #[pyo3(name = "LEARNING")]
    Learning = 1,
    #[pyo3(name = "REVIEW")]
    Review = 2,
    #[pyo3(name = "RELEARNING")]
    Relearning = 3,
}

impl From<srs::State> for PyState {
    fn from(s: srs::State) -> Self {
        match s {
            srs::State::New => PyState::New,
            srs::State::Learning => PyState::Learning,
            srs::State::Review => PyState::Review,
            srs::State::Relearning => PyState::Relearning,
        }
    }
}

/// A reviewable item and its scheduling state (immutable: reviews return a new card).
#[pyclass(frozen, eq, name = "Card", module = "learnloop")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCard(pub(crate) srs::Card);

#[pymethods]
impl PyCard {
    /// A new card due at `now`.
    #[new]
    fn py_new(card_id: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<Self> {
        let card_id: &str = &crate::convert::text("card_id", card_id)?;
        let card = srs::Card::new(card_id, timestamp("now", now)?);
        card.check().map_err(to_py)?;
        Ok(PyCard(card))
    }

    /// A new card due at `now`.
    #[staticmethod]
    fn new(card_id: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::py_new(card_id, now)
    }

    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn state(&self) -> PyState {
        self.0.state.into()
    }
    #[getter]
    fn step(&self) -> Option<u32> {
        self.0.step
    }
    #[getter]
    fn due<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_timestamp(py, self.0.due)
    }
    #[getter]
    fn stability(&self) -> Option<f64> {
        self.0.memory.map(|m| m.stability)
    }
    #[getter]
    fn difficulty(&self) -> Option<f64> {
        self.0.memory.map(|m| m.difficulty)
    }
    #[getter]
    fn last_review<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0.last_review.map(|t| py_timestamp(py, t)).transpose()
    }
    #[getter]
    fn scheduled_days(&self) -> u32 {
        self.0.scheduled_days
    }
    #[getter]
    fn reps(&self) -> u32 {
        self.0.reps
    }
    #[getter]
    fn lapses(&self) -> u32 {
        self.0.lapses
    }

    /// A JSON-ready dict (dates as ISO 8601 strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }

    /// The card a `to_dict()` produced; errors name the offending key.
    #[staticmethod]
    fn from_dict(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_py("", value).map(PyCard)
    }

    /// Compact JSON.
    fn to_json(&self) -> String {
        learnloop::json::to_json(&self.0)
    }

    /// The card a `to_json()` produced; errors name the offending key.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: &str = &crate::convert::text("text", text)?;
        learnloop::json::from_json(text).map(PyCard).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("Card({})", learnloop::json::to_json(&self.0))
    }
}

/// The record of one review.
#[pyclass(frozen, eq, name = "ReviewLog", module = "learnloop")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyReviewLog(pub(crate) srs::ReviewLog);

#[pymethods]
impl PyReviewLog {
    #[getter]
    fn card_id(&self) -> &str {
        &self.0.card_id
    }
    #[getter]
    fn rating(&self) -> PyRating {
        self.0.rating.into()
    }
    #[getter]
    fn state(&self) -> PyState {
        self.0.state.into()
    }
    #[getter]
    fn reviewed_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_timestamp(py, self.0.reviewed_at)
    }
    #[getter]
    fn elapsed_days(&self) -> u32 {
        self.0.elapsed_days
    }
    #[getter]
    fn scheduled_days(&self) -> u32 {
        self.0.scheduled_days
    }
    #[getter]
    fn duration_ms(&self) -> Option<u32> {
        self.0.duration_ms
    }
    /// A JSON-ready dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("ReviewLog({})", learnloop::json::to_json(&self.0))
    }
}

/// Many cards held in native memory, for batch work on large collections:
/// reviewing them in place, queueing, forecasting, without a Python object
/// per card. Indexing returns a `Card` copy; `to_list()` returns them all.
///
/// Safe to share between threads: each call takes the batch's lock, and a
/// `review_batch` holds it (without the GIL) until the whole batch is done.
#[pyclass(frozen, name = "CardBatch", module = "learnloop", sequence)]
pub(crate) struct PyCardBatch(Mutex<Vec<srs::Card>>);

impl PyCardBatch {
    pub(crate) fn from_cards(cards: Vec<srs::Card>) -> Self {
        PyCardBatch(Mutex::new(cards))
    }

    /// The cards, locked. Callers hold the lock only for Rust work (copying
    /// out, reviewing) and never while running Python code, so a thread that
    /// waits for it while holding the GIL cannot deadlock with the holder.
    pub(crate) fn cards(&self) -> std::sync::MutexGuard<'_, Vec<srs::Card>> {
        // A panic cannot happen while the lock is held (no Python calls, and
        // the core returns errors), so a poisoned lock still holds valid cards.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `batch[index]` (negative from the end), under one lock.
    fn at<T>(&self, index: isize, f: impl FnOnce(&mut Vec<srs::Card>, usize) -> T) -> PyResult<T> {
        let mut cards = self.cards();
        let len = cards.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if (0..len).contains(&i) {
            Ok(f(&mut cards, i as usize))
        } else {
            Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "CardBatch index {index} out of range for {len} cards"
            )))
        }
    }
}

#[pymethods]
impl PyCardBatch {
    /// A batch holding copies of `cards` (empty if omitted).
    #[new]
    #[pyo3(signature = (cards = Vec::new()))]
    fn new(cards: Vec<PyRef<'_, PyCard>>) -> Self {
        PyCardBatch::from_cards(cards.iter().map(|c| c.0.clone()).collect())
    }

    /// `count` new cards with ids `f"{prefix}{i}"`, all due at `now`.
    #[staticmethod]
    fn new_cards(
        prefix: &Bound<'_, PyAny>,
        count: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let prefix: &str = &crate::convert::text("prefix", prefix)?;
        let count = whole("count", count)?;
        let cards = srs::new_cards(prefix, count, timestamp("now", now)?).map_err(to_py)?;
        Ok(PyCardBatch::from_cards(cards))
    }

    /// Add a copy of `card` at the end.
    fn append(&self, card: &PyCard) {
        self.cards().push(card.0.clone());
    }

    fn __len__(&self) -> usize {
        self.cards().len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<PyCard> {
        self.at(index, |cards, i| PyCard(cards[i].clone()))
    }

    /// Replace the card at `index` with a copy of `card`.
    fn __setitem__(&self, index: isize, card: &PyCard) -> PyResult<()> {
        self.at(index, |cards, i| cards[i] = card.0.clone())
    }

    /// Every card, as `Card` objects.
    fn to_list(&self) -> Vec<PyCard> {
        let cards = self.cards().clone();
        cards.into_iter().map(PyCard).collect()
    }

    /// Every card's due time as POSIX seconds (float), for plotting or numpy.
    fn due_timestamps(&self) -> Vec<f64> {
        self.cards()
            .iter()
            .map(|c| c.due.as_micros() as f64 / 1e6)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("CardBatch({} cards)", self.cards().len())
    }
}

/// The methods every scheduler class has, over its core scheduler: built
/// from keyword arguments (the core's options, its defaults for the rest),
/// `options`, and the reviews.
macro_rules! scheduler_class {
    ($class:ident, $name:literal, $core:ty, $options:ty, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        #[pyclass(frozen, name = $name, module = "learnloop")]
        pub(crate) struct $class(pub(crate) $core);

        #[pymethods]
        impl $class {
            /// A scheduler with these options (keyword arguments; see
            /// `options`), the defaults for the rest.
            #[new]
            #[pyo3(signature = (**options))]
            fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
                <$core>::new(self::options::<$options>(options)?).map($class).map_err(to_py)
            }

            /// The settings in effect, as a dict.
            #[getter]
            fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                to_py_object(py, self.0.options())
            }

            /// Review `card` with `rating` at `now`: returns `(new_card,
            /// review_log)`. `load`: cards already due on each coming day
            /// (`forecast`), for load balancing when it is on.
            #[pyo3(signature = (card, rating, now, duration_ms = None, *, load = None))]
            fn review(
                &self,
                card: &PyCard,
                rating: &Bound<'_, PyAny>,
                now: &Bound<'_, PyAny>,
                duration_ms: Option<&Bound<'_, PyAny>>,
                load: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<(PyCard, PyReviewLog)> {
                let rating = self::rating("rating", rating)?;
                let duration_ms = whole_opt("duration_ms", duration_ms)?;
                let load = due_load(load)?;
                let context = srs::ReviewContext { now: timestamp("now", now)?, load: load.as_ref() };
                let mut out = self.0.review_in(&card.0, rating, &context).map_err(to_py)?;
                out.log.duration_ms = duration_ms;
                Ok((PyCard(out.card), PyReviewLog(out.log)))
            }

            /// The card after each rating: `{Rating: Card}` (`load` as in `review`).
            #[pyo3(signature = (card, now, *, load = None))]
            fn preview<'py>(
                &self,
                py: Python<'py>,
                card: &PyCard,
                now: &Bound<'_, PyAny>,
                load: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Bound<'py, PyDict>> {
                let load = due_load(load)?;
                let context = srs::ReviewContext { now: timestamp("now", now)?, load: load.as_ref() };
                let preview = self.0.preview_in(&card.0, &context).map_err(to_py)?;
                let out = PyDict::new(py);
                for r in srs::Rating::ALL {
                    out.set_item(PyRating::from(r), PyCard(preview.get(r).card.clone()))?;
                }
                Ok(out)
            }

            /// Review many cards at once without the GIL: `ratings[i]` for
            /// `cards[i]`. All or nothing: an error names the failing card
            /// (`cards[i]`).
            fn review_many(
                &self,
                py: Python<'_>,
                cards: Vec<PyRef<'_, PyCard>>,
                ratings: &Bound<'_, PyAny>,
                now: &Bound<'_, PyAny>,
            ) -> PyResult<Vec<PyCard>> {
                let now = timestamp("now", now)?;
                let ratings = self::ratings(ratings)?;
                let cards: Vec<srs::Card> = cards.iter().map(|c| c.0.clone()).collect();
                let scheduler = &self.0;
                let outcomes = py
                    .detach(|| scheduler.review_many(&cards, &ratings, now))
                    .map_err(to_py)?;
                Ok(outcomes.into_iter().map(|o| PyCard(o.card)).collect())
            }

            /// Review every card of `batch` in place without the GIL,
            /// `ratings[i]` for `batch[i]`, all at `now`. `ratings` is
            /// `bytes` of values 1-4 (the fastest) or a sequence of
            /// `Rating`/int. All or nothing: on error the batch is unchanged
            /// and the error names the card (`cards[i]`).
            fn review_batch(
                &self,
                py: Python<'_>,
                batch: &Bound<'_, PyCardBatch>,
                ratings: &Bound<'_, PyAny>,
                now: &Bound<'_, PyAny>,
            ) -> PyResult<()> {
                let now = timestamp("now", now)?;
                let ratings = self::ratings(ratings)?;
                let (batch, scheduler) = (batch.get(), &self.0);
                // The lock is taken and released without the GIL (see `cards`).
                py.detach(|| scheduler.review_in_place(&mut batch.cards(), &ratings, now))
                    .map_err(to_py)
            }

            fn __repr__(&self) -> String {
                format!("{}({})", $name, learnloop::json::to_json(self.0.options()))
            }

            $($extra)*
        }
    };
}

scheduler_class!(
    PyFsrs,
    "Fsrs",
    srs::Fsrs,
    srs::FsrsOptions,
    "The FSRS-6 scheduler. Immutable and thread-safe.",
    {
        /// The 21 parameters.
        #[getter]
        fn parameters(&self) -> Vec<f64> {
            self.0.parameters().as_slice().to_vec()
        }
        /// The desired retention.
        #[getter]
        fn desired_retention(&self) -> f64 {
            self.0.desired_retention()
        }
        /// The maximum interval in days.
        #[getter]
        fn maximum_interval(&self) -> u32 {
            self.0.maximum_interval()
        }

        /// Probability that `card` is recalled at `now` (0 for a new card).
        fn retrievability(&self, card: &PyCard, now: &Bound<'_, PyAny>) -> PyResult<f64> {
            Ok(self.0.card_retrievability(&card.0, timestamp("now", now)?))
        }

        /// `(stability, difficulty)` after a history of `(rating,
        /// days_since_previous)`, from `start` (a `(stability, difficulty)`)
        /// if given, else from a new card.
        #[pyo3(signature = (history, start = None))]
        fn memory_state(
            &self,
            history: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)>,
            start: Option<(f64, f64)>,
        ) -> PyResult<(f64, f64)> {
            let history = history
                .iter()
                .enumerate()
                .map(|(i, (r, d))| {
                    Ok((
                        rating(&format!("history[{i}]"), r)?,
                        whole(&format!("history[{i}][1]"), d)?,
                    ))
                })
                .collect::<PyResult<Vec<_>>>()?;
            let m = match start {
                Some((stability, difficulty)) => self.0.memory_state_from(
                    srs::MemoryState {
                        stability,
                        difficulty,
                    },
                    history,
                ),
                None => self.0.memory_state(history),
            }
            .map_err(to_py)?;
            Ok((m.stability, m.difficulty))
        }

        /// Probability of recall `elapsed_days` after a review that left
        /// `stability`.
        fn retrievability_after(&self, elapsed_days: f64, stability: f64) -> PyResult<f64> {
            self.0
                .retrievability(elapsed_days, stability)
                .map_err(to_py)
        }

        /// `{Rating: (stability, difficulty, interval_days)}` from a memory state
        /// (`None` for a new card) after `days_elapsed` days, aiming at
        /// `desired_retention`.
        fn next_states<'py>(
            &self,
            py: Python<'py>,
            memory: Option<(f64, f64)>,
            desired_retention: f64,
            days_elapsed: &Bound<'_, PyAny>,
        ) -> PyResult<Bound<'py, PyDict>> {
            let days_elapsed = whole("days_elapsed", days_elapsed)?;
            let memory = memory.map(|(stability, difficulty)| srs::MemoryState {
                stability,
                difficulty,
            });
            let next = self
                .0
                .next_states(memory, desired_retention, days_elapsed)
                .map_err(to_py)?;
            let out = PyDict::new(py);
            for r in srs::Rating::ALL {
                let s = next.get(r);
                out.set_item(
                    PyRating::from(r),
                    (s.memory.stability, s.memory.difficulty, s.interval),
                )?;
            }
            Ok(out)
        }

        /// The whole-day interval a review gives a card of this stability.
        fn review_interval(&self, stability: f64) -> PyResult<u32> {
            self.0.review_interval(stability).map_err(to_py)
        }

        /// `(stability, difficulty)` of a card SM-2 scheduled: its ease
        /// factor, its current interval in days, and the retention SM-2
        /// achieved.
        fn memory_state_from_sm2(
            &self,
            ease_factor: f64,
            interval: f64,
            sm2_retention: f64,
        ) -> PyResult<(f64, f64)> {
            let m = self
                .0
                .memory_state_from_sm2(ease_factor, interval, sm2_retention)
                .map_err(to_py)?;
            Ok((m.stability, m.difficulty))
        }

        /// Unrounded interval in days at which recall falls to
        /// `desired_retention`, for a stability (or, with `stability=None`, a
        /// new card's initial stability after `rating`).
        fn next_interval(
            &self,
            stability: Option<f64>,
            desired_retention: f64,
            rating: &Bound<'_, PyAny>,
        ) -> PyResult<f64> {
            let rating = self::rating("rating", rating)?;
            self.0
                .next_interval(stability, desired_retention, rating)
                .map_err(to_py)
        }
    }
);

scheduler_class!(
    PySm2,
    "Sm2",
    srs::Sm2,
    srs::Sm2Options,
    "SuperMemo's SM-2 (quality 0-5; the four ratings are 2-5). Immutable and thread-safe.",
    {
        /// The SM-2 quality (0-5) a rating stands for.
        #[staticmethod]
        fn quality_of(rating: &Bound<'_, PyAny>) -> PyResult<u8> {
            Ok(srs::Sm2::quality_of(self::rating("rating", rating)?))
        }

        /// Review with an SM-2 quality from 0 (blackout) to 5 (perfect).
        fn review_quality(
            &self,
            card: &PyCard,
            quality: &Bound<'_, PyAny>,
            now: &Bound<'_, PyAny>,
        ) -> PyResult<(PyCard, PyReviewLog)> {
            let out = self
                .0
                .review_quality(&card.0, whole("quality", quality)?, timestamp("now", now)?)
                .map_err(to_py)?;
            Ok((PyCard(out.card), PyReviewLog(out.log)))
        }
    }
);

scheduler_class!(
    PyAnkiSm2,
    "AnkiSm2",
    srs::AnkiSm2,
    srs::AnkiSm2Options,
    "Anki's SM-2 variant (four buttons, ease steps, multipliers). Immutable and thread-safe.",
    {}
);

/// Run `f` without the GIL over a `CardBatch` where it lies, or over a list
/// of `Card`s.
pub(crate) fn with_cards<R: Send>(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    f: impl FnOnce(&[srs::Card]) -> R + Send,
) -> PyResult<R> {
    if let Ok(batch) = cards.cast::<PyCardBatch>() {
        let batch = batch.get();
        return Ok(py.detach(|| f(&batch.cards())));
    }
    let list: Vec<PyRef<'_, PyCard>> = cards
        .extract()
        .map_err(|_| invalid("cards", "expected a list of Card or a CardBatch"))?;
    let owned: Vec<srs::Card> = list.iter().map(|c| c.0.clone()).collect();
    Ok(py.detach(|| f(&owned)))
}

/// Indices of the cards (a list of `Card` or a `CardBatch`) to study at
/// `now`, in order: learning, reviews, new. Keyword arguments are the
/// queue options (`new_limit`, `review_limit`, `order`, `seed`, ...).
#[pyfunction]
#[pyo3(signature = (cards, now, **options))]
fn due_queue(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<usize>> {
    let now = timestamp("now", now)?;
    let options: srs::QueueOptions = self::options(options)?;
    with_cards(py, cards, |cards| {
        srs::due_queue(cards, now, &options).iter().collect()
    })
}

/// A `load` argument: due counts per coming day, or None.
fn due_load(load: Option<&Bound<'_, PyAny>>) -> PyResult<Option<srs::DueLoad>> {
    load.filter(|l| !l.is_none())
        .map(|l| from_py("load", l).map(|counts| srs::DueLoad { counts }))
        .transpose()
}

/// Due counts for each of the next `days` days (overdue cards count in
/// day 0), over a list of `Card` or a `CardBatch`.
#[pyfunction]
fn forecast(
    cards: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    days: &Bound<'_, PyAny>,
) -> PyResult<Vec<u32>> {
    let now: Timestamp = timestamp("now", now)?;
    let days = whole("days", days)?;
    with_cards(cards.py(), cards, |cards| srs::forecast(cards, now, days))?.map_err(to_py)
}

/// A copy of `card` due at `due` instead (a "postpone" or "study earlier"
/// button); `due` may not be before `now`.
#[pyfunction]
fn reschedule(card: &PyCard, due: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<PyCard> {
    srs::reschedule(&card.0, timestamp("due", due)?, timestamp("now", now)?)
        .map(PyCard)
        .map_err(to_py)
}

/// New cards, due at `now`, for the questions answered wrongly: `answers`
/// are `{"question_id", "correct"}` dicts; one card per question id, none
/// for an id that already has a card in `existing`.
#[pyfunction]
#[pyo3(signature = (answers, now, existing = Vec::new()))]
fn cards_from_mistakes(
    answers: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    existing: Vec<PyRef<'_, PyCard>>,
) -> PyResult<Vec<PyCard>> {
    let answers: Vec<srs::AnsweredQuestion> = from_py("answers", answers)?;
    let existing: Vec<srs::Card> = existing.iter().map(|c| c.0.clone()).collect();
    let cards = srs::cards_from_mistakes(&answers, &existing, timestamp("now", now)?);
    Ok(cards.into_iter().map(PyCard).collect())
}

/// `(min, max)`: the days a fuzzed `interval` may land on.
#[pyfunction]
fn fuzz_range(
    interval: &Bound<'_, PyAny>,
    maximum_interval: &Bound<'_, PyAny>,
) -> PyResult<(u32, u32)> {
    Ok(srs::fuzz_range(
        whole("interval", interval)?,
        whole("maximum_interval", maximum_interval)?,
    ))
}

/// The fuzz fraction in `[0, 1)` of a card id at a review count.
#[pyfunction]
fn fuzz_factor(card_id: &Bound<'_, PyAny>, reps: &Bound<'_, PyAny>) -> PyResult<f64> {
    let card_id: &str = &crate::convert::text("card_id", card_id)?;
    Ok(srs::fuzz_factor(card_id, whole("reps", reps)?))
}

/// Adds the spaced-repetition classes and functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRating>()?;
    m.add_class::<PyState>()?;
    m.add_class::<PyCard>()?;
    m.add_class::<PyReviewLog>()?;
    m.add_class::<PyCardBatch>()?;
    m.add_class::<PyFsrs>()?;
    m.add_class::<PySm2>()?;
    m.add_class::<PyAnkiSm2>()?;
    m.add_function(wrap_pyfunction!(due_queue, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(reschedule, m)?)?;
    m.add_function(wrap_pyfunction!(cards_from_mistakes, m)?)?;
    m.add_function(wrap_pyfunction!(fuzz_range, m)?)?;
    m.add_function(wrap_pyfunction!(fuzz_factor, m)?)?;
    Ok(())
}
