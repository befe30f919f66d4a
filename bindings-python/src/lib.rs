//! Python bindings for learnloop (pyo3), import name `learnloop`.
//!
//! Conversions, handles and error mapping only: every computation is the
//! core's. Handles are immutable (`frozen`) and so safe to share between the
//! threads of a FastAPI worker; batch calls run without the GIL.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};
use learnloop::srs::{self, Scheduler as _};
use pyo3::exceptions::PyException;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDict, PyString, PyTuple, PyTzInfo};
use std::sync::Mutex;

mod learner;
mod store;

pyo3::create_exception!(
    learnloop,
    LearnloopError,
    PyException,
    "Base class of every learnloop error; `code` and `field` say what and where."
);
pyo3::create_exception!(
    learnloop,
    InvalidInputError,
    LearnloopError,
    "An argument or a stored document is invalid; `field` names it."
);
pyo3::create_exception!(
    learnloop,
    InvalidParameterError,
    InvalidInputError,
    "An FSRS parameter vector has the wrong length or a value out of range."
);
pyo3::create_exception!(
    learnloop,
    InvalidRatingError,
    InvalidInputError,
    "A rating outside 1 (Again) to 4 (Easy)."
);
pyo3::create_exception!(
    learnloop,
    ReviewOrderError,
    InvalidInputError,
    "A review dated before the card's last review."
);
pyo3::create_exception!(
    learnloop,
    NotEstimableError,
    LearnloopError,
    "The data do not determine the estimate (an ability from all-correct answers, an item nobody got wrong); `field` names the input."
);
pyo3::create_exception!(
    learnloop,
    StorageError,
    LearnloopError,
    "The database failed (I/O, disk full, busy past the timeout, corruption)."
);
pyo3::create_exception!(
    learnloop,
    NotFoundError,
    LearnloopError,
    "A stored item (session, card, learner) does not exist; `field` names its kind."
);
pyo3::create_exception!(
    learnloop,
    VersionTooNewError,
    LearnloopError,
    "A database or document written by a newer learnloop; nothing was changed."
);
pyo3::create_exception!(
    learnloop,
    MigrationChangedError,
    LearnloopError,
    "A schema migration applied to this database differs from the shipped one."
);

/// The Python exception for a core error, with `code` and `field` attributes.
fn to_py(err: learnloop::Error) -> PyErr {
    let code = err.code();
    let field = err.field();
    let message = err.to_string();
    let py_err = match code {
        "invalid_rating" => InvalidRatingError::new_err(message),
        "parameter_out_of_range" | "parameter_count" => InvalidParameterError::new_err(message),
        "review_before_last_review" => ReviewOrderError::new_err(message),
        "storage" => StorageError::new_err(message),
        "not_found" => NotFoundError::new_err(message),
        "version_too_new" => VersionTooNewError::new_err(message),
        "migration_changed" => MigrationChangedError::new_err(message),
        "not_estimable" => NotEstimableError::new_err(message),
        _ => InvalidInputError::new_err(message),
    };
    Python::attach(|py| {
        let value = py_err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in
        // practice; if it did, the exception itself is still raised.
        let _ = value.setattr("code", code);
        let _ = value.setattr("field", field);
    });
    py_err
}

fn invalid(field: &str, reason: impl Into<String>) -> PyErr {
    to_py(learnloop::Error::InvalidInput {
        field: field.to_string(),
        reason: reason.into(),
    })
}

/// `datetime.datetime` and `timezone.utc`, looked up once, and whether
/// datetime fields can be read in place ([`DatetimeLayout`]).
struct TimeConstants {
    datetime: Py<PyAny>,
    utc: Py<PyAny>,
    layout: Option<DatetimeLayout>,
}

static TIME_CONSTANTS: PyOnceLock<TimeConstants> = PyOnceLock::new();

fn time_constants(py: Python<'_>) -> PyResult<&TimeConstants> {
    TIME_CONSTANTS.get_or_try_init(py, || {
        let datetime = py.import("datetime")?.getattr("datetime")?;
        let utc = PyTzInfo::utc(py)?.to_owned().into_any();
        let layout = DatetimeLayout::verified(&datetime, &utc)?;
        Ok(TimeConstants {
            datetime: datetime.unbind(),
            utc: utc.unbind(),
            layout,
        })
    })
}

/// Where CPython keeps a `datetime`'s fields in the object
/// (`PyDateTime_DateTime` in CPython's `Include/datetime.h`, unchanged from
/// 3.3 to 3.14): the object header, a `Py_hash_t`, a `hastzinfo` byte, the
/// ten data bytes (the same as the pickled state below, without `fold`),
/// `fold`, and then, if `hastzinfo`, the `tzinfo` pointer.
///
/// The limited API (abi3) has no accessor for these, and calling
/// `__reduce__` costs about 350 ns, more than the review it feeds. So the
/// fields are read in place, but only after [`DatetimeLayout::verified`]
/// has checked this layout against `__reduce__` on sample datetimes in this
/// very interpreter; if anything differs (another Python implementation, a
/// future CPython), the portable path is used instead.
#[derive(Clone, Copy)]
struct DatetimeLayout {
    hastzinfo: usize,
    data: usize,
    tzinfo: usize,
}

impl DatetimeLayout {
    const CPYTHON: DatetimeLayout = {
        let hastzinfo = std::mem::size_of::<pyo3::ffi::PyObject>()
            + std::mem::size_of::<pyo3::ffi::Py_hash_t>();
        let data = hastzinfo + 1;
        let pointer = std::mem::align_of::<*mut pyo3::ffi::PyObject>();
        // After the data and `fold`, aligned for a pointer.
        let tzinfo = (data + 11).div_ceil(pointer) * pointer;
        DatetimeLayout {
            hastzinfo,
            data,
            tzinfo,
        }
    };

    /// The layout, if it reads sample datetimes (aware in UTC and in
    /// another zone, naive, at the ends of the range) exactly as their
    /// `__reduce__` describes them.
    fn verified(
        datetime: &Bound<'_, PyAny>,
        utc: &Bound<'_, PyAny>,
    ) -> PyResult<Option<DatetimeLayout>> {
        let py = datetime.py();
        let layout = Self::CPYTHON;
        let size: usize = datetime.getattr("__basicsize__")?.extract()?;
        if size < layout.tzinfo + std::mem::size_of::<*mut pyo3::ffi::PyObject>() {
            return Ok(None);
        }
        let zones = py.import("datetime")?;
        let plus_two = zones
            .getattr("timezone")?
            .call1((zones.getattr("timedelta")?.call1((0, 7200))?,))?;
        let samples = [
            datetime.call1((2026, 1, 5, 9, 7, 3, 123_456, utc))?,
            datetime.call1((1, 1, 1, 0, 0, 0, 0, utc))?,
            datetime.call1((9999, 12, 31, 23, 59, 59, 999_999, utc))?,
            datetime.call1((2024, 2, 29, 13, 30, 0, 1, &plus_two))?,
            datetime.call1((2026, 11, 22, 6, 5, 4, 321))?,
        ];
        for sample in &samples {
            // SAFETY: `sample` is an exact `datetime` whose basic size covers
            // every offset read (checked above).
            if Some(unsafe { layout.read(sample) }) != reduced_fields(sample)? {
                return Ok(None);
            }
        }
        Ok(Some(layout))
    }

    /// The fields of `obj`, read in place.
    ///
    /// # Safety
    /// `obj` must be an instance of exactly `datetime.datetime`, and this
    /// layout one that [`DatetimeLayout::verified`] returned.
    unsafe fn read(&self, obj: &Bound<'_, PyAny>) -> DatetimeFields {
        let base = obj.as_ptr().cast::<u8>();
        // SAFETY: in bounds of the object (see above); unaligned reads.
        unsafe {
            let data = std::ptr::read_unaligned(base.add(self.data).cast::<[u8; 10]>());
            let tz = (*base.add(self.hastzinfo) != 0).then(|| {
                std::ptr::read_unaligned(base.add(self.tzinfo).cast::<*mut pyo3::ffi::PyObject>())
            });
            (data, tz)
        }
    }
}

/// A plain `datetime`'s ten data bytes (the layout of its pickled state,
/// see [`pickled_datetime`]) and, if it is aware, its `tzinfo` object
/// (compared by identity only).
type DatetimeFields = ([u8; 10], Option<*mut pyo3::ffi::PyObject>);

/// The fields of a plain `datetime` from `__reduce__` (the pickle format,
/// stable since Python 2.3): one 10-byte string plus the `tzinfo`, if any.
/// `None` if the state is not that shape.
fn reduced_fields(obj: &Bound<'_, PyAny>) -> PyResult<Option<DatetimeFields>> {
    let py = obj.py();
    let args = obj
        .call_method0(intern!(py, "__reduce__"))?
        .cast_into::<PyTuple>()?
        .get_item(1)?
        .cast_into::<PyTuple>()?;
    let state = args.get_item(0)?;
    let Ok(data) = <[u8; 10]>::try_from(state.cast::<pyo3::types::PyBytes>()?.as_bytes()) else {
        return Ok(None);
    };
    // The tzinfo outlives this call: its datetime holds it.
    let tz = args.get_item(1).ok().map(|tz| tz.as_ptr());
    Ok(Some((data, tz)))
}

fn int_attr(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<u32> {
    obj.getattr(name)?.extract()
}

/// A timezone-aware Python datetime as UTC; naive datetimes are rejected.
fn utc_time(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if !obj.is_instance_of::<PyDateTime>() {
        return Err(invalid(field, "expected a datetime.datetime"));
    }
    let c = time_constants(py)?;
    // Fast path for a plain `datetime`: its fields read in place (see
    // `DatetimeLayout`) or, where that layout is not verified, from
    // `__reduce__`; either is far cheaper than seven attribute reads.
    if obj.get_type().is(c.datetime.bind(py)) {
        let fields = match c.layout {
            // SAFETY: an exact `datetime`, and a verified layout.
            Some(layout) => Some(unsafe { layout.read(obj) }),
            None => reduced_fields(obj)?,
        };
        match fields {
            Some((_, None)) => return Err(naive(field)),
            Some((data, Some(tz))) if tz == c.utc.as_ptr() => {
                if let Some(t) = pickled_datetime(&data) {
                    return Ok(t);
                }
            }
            _ => {} // another zone, or an unexpected state: the general path below
        }
    }
    let tzinfo = obj.getattr(intern!(py, "tzinfo"))?;
    if tzinfo.is_none() {
        return Err(naive(field));
    }
    let converted;
    let dt = if tzinfo.is(c.utc.bind(py)) {
        obj
    } else {
        converted = obj.call_method1(intern!(py, "astimezone"), (c.utc.bind(py),))?;
        &converted
    };
    let date = NaiveDate::from_ymd_opt(
        dt.getattr(intern!(py, "year"))?.extract()?,
        int_attr(dt, intern!(py, "month"))?,
        int_attr(dt, intern!(py, "day"))?,
    );
    let time = NaiveTime::from_hms_micro_opt(
        int_attr(dt, intern!(py, "hour"))?,
        int_attr(dt, intern!(py, "minute"))?,
        int_attr(dt, intern!(py, "second"))?,
        int_attr(dt, intern!(py, "microsecond"))?,
    );
    match (date, time) {
        (Some(d), Some(t)) => Ok(d.and_time(t).and_utc()),
        _ => Err(invalid(field, "not a valid date and time")),
    }
}

fn naive(field: &str) -> PyErr {
    invalid(
        field,
        "naive datetime: pass a timezone-aware datetime such as \
         datetime(2026, 1, 5, 9, tzinfo=timezone.utc); naive times are never assumed to be UTC",
    )
}

/// The fields of a datetime's pickled state: year (2 bytes, big-endian),
/// month (its top bit is the `fold` flag), day, hour, minute, second and
/// microsecond (3 bytes, big-endian). `None` if the bytes are not that.
fn pickled_datetime(b: &[u8]) -> Option<DateTime<Utc>> {
    let [y1, y0, month, day, hour, minute, second, u2, u1, u0] = *b else {
        return None;
    };
    let year = i32::from(u16::from_be_bytes([y1, y0]));
    let micros = u32::from_be_bytes([0, u2, u1, u0]);
    let date = NaiveDate::from_ymd_opt(year, u32::from(month & 0x7f), u32::from(day))?;
    let time = NaiveTime::from_hms_micro_opt(
        u32::from(hour),
        u32::from(minute),
        u32::from(second),
        micros,
    )?;
    Some(date.and_time(time).and_utc())
}

/// A UTC time as a Python datetime with `tzinfo=timezone.utc`.
///
/// Built from the pickled state (see [`pickled_datetime`]): one call with two
/// arguments instead of eight integers.
fn py_time(py: Python<'_>, t: DateTime<Utc>) -> PyResult<Bound<'_, PyAny>> {
    let c = time_constants(py)?;
    let micros = t.timestamp_subsec_micros().min(999_999).to_be_bytes();
    let year = t.year();
    if !(1..=9999).contains(&year) {
        return Err(invalid(
            "datetime",
            format!("{t} is outside Python's datetime range (years 1 to 9999)"),
        ));
    }
    let [y1, y0] = (year as u16).to_be_bytes();
    let state = [
        y1,
        y0,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        micros[1],
        micros[2],
        micros[3],
    ];
    c.datetime
        .bind(py)
        .call1((pyo3::types::PyBytes::new(py, &state), c.utc.bind(py)))
}

fn optional_utc_time(field: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
    match obj {
        Some(obj) if !obj.is_none() => utc_time(field, obj),
        // The host's clock, for callers that do not pass `now`.
        _ => Ok(Utc::now()),
    }
}

/// The learner's answer.
#[pyclass(eq, eq_int, frozen, hash, name = "Rating", module = "learnloop")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum PyRating {
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

impl From<PyRating> for srs::Rating {
    fn from(r: PyRating) -> Self {
        match r {
            PyRating::Again => srs::Rating::Again,
            PyRating::Hard => srs::Rating::Hard,
            PyRating::Good => srs::Rating::Good,
            PyRating::Easy => srs::Rating::Easy,
        }
    }
}

/// A `Rating` or its number 1-4.
fn rating(obj: &Bound<'_, PyAny>) -> PyResult<srs::Rating> {
    if let Ok(r) = obj.cast::<PyRating>() {
        return Ok((*r.get()).into());
    }
    match obj.extract::<i64>() {
        Ok(n) => srs::Rating::try_from(n).map_err(to_py),
        Err(_) => Err(to_py(learnloop::Error::InvalidInput {
            field: "rating".into(),
            reason: "expected a learnloop.Rating or an int from 1 to 4".into(),
        })),
    }
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

fn json_module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("json")
}

/// A JSON-ready dict of a core value (dates as ISO 8601 strings).
fn to_dict<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    json_module(py)?.call_method1("loads", (learnloop::json::to_json(value),))
}

fn from_dict<T: serde::de::DeserializeOwned>(value: &Bound<'_, PyAny>) -> PyResult<T> {
    let text: String = json_module(value.py())?
        .call_method1("dumps", (value,))
        .map_err(|e| invalid("dict", format!("not JSON-serializable: {e}")))?
        .extract()?;
    learnloop::json::from_json(&text).map_err(to_py)
}

/// A reviewable item and its scheduling state (immutable: reviews return a new card).
#[pyclass(frozen, eq, name = "Card", module = "learnloop")]
#[derive(Clone, PartialEq)]
struct PyCard(pub(crate) srs::Card);

#[pymethods]
impl PyCard {
    /// A new card due at `now` (the current time if omitted).
    #[new]
    #[pyo3(signature = (card_id, now = None))]
    fn py_new(card_id: String, now: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(PyCard(srs::Card::new(
            card_id,
            optional_utc_time("now", now)?,
        )))
    }

    /// A new card due at `now` (the current time if omitted).
    #[staticmethod]
    #[pyo3(signature = (card_id, now = None))]
    fn new(card_id: String, now: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
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
        py_time(py, self.0.due)
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
        self.0.last_review.map(|t| py_time(py, t)).transpose()
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
        to_dict(py, &self.0)
    }

    /// The card a `to_dict()` produced; errors name the offending key.
    #[staticmethod]
    fn from_dict(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_dict(value).map(PyCard)
    }

    /// Compact JSON.
    fn to_json(&self) -> String {
        learnloop::json::to_json(&self.0)
    }

    /// The card a `to_json()` produced; errors name the offending key.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        learnloop::json::from_json(text).map(PyCard).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        let memory = match self.0.memory {
            Some(m) => format!("stability={}, difficulty={}", m.stability, m.difficulty),
            None => "stability=None, difficulty=None".to_string(),
        };
        format!(
            "Card(id={:?}, state={}, due={}, {memory}, reps={}, lapses={})",
            self.0.id,
            self.0.state,
            self.0.due.to_rfc3339(),
            self.0.reps,
            self.0.lapses
        )
    }
}

/// The record of one review.
#[pyclass(frozen, eq, name = "ReviewLog", module = "learnloop")]
#[derive(Clone, PartialEq)]
struct PyReviewLog(pub(crate) srs::ReviewLog);

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
        py_time(py, self.0.reviewed_at)
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
        to_dict(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ReviewLog(card_id={:?}, rating={}, reviewed_at={}, scheduled_days={})",
            self.0.card_id,
            self.0.rating,
            self.0.reviewed_at.to_rfc3339(),
            self.0.scheduled_days
        )
    }
}

/// Many cards held in native memory, for batch work on large collections:
/// reviewing them in place, queueing, forecasting, without a Python object
/// per card. Indexing returns a `Card` copy; `to_list()` returns them all.
///
/// Safe to share between threads: each call takes the batch's lock, and a
/// `review_batch` holds it (without the GIL) until the whole batch is done.
#[pyclass(frozen, name = "CardBatch", module = "learnloop", sequence)]
struct PyCardBatch(Mutex<srs::CardBatch>);

impl PyCardBatch {
    pub(crate) fn from_cards(cards: Vec<srs::Card>) -> Self {
        PyCardBatch(Mutex::new(srs::CardBatch::new(cards)))
    }

    /// The cards, locked. Callers hold the lock only for Rust work (copying
    /// out, reviewing) and never while running Python code, so a thread that
    /// waits for it while holding the GIL cannot deadlock with the holder.
    fn cards(&self) -> std::sync::MutexGuard<'_, srs::CardBatch> {
        // A panic cannot happen while the lock is held (no Python calls, and
        // the core returns errors), so a poisoned lock still holds valid cards.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `batch[index]` (negative from the end), under one lock.
    fn at<T>(&self, index: isize, f: impl FnOnce(&mut srs::CardBatch, usize) -> T) -> PyResult<T> {
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
    #[pyo3(signature = (cards = None))]
    fn new(cards: Option<Vec<PyRef<'_, PyCard>>>) -> Self {
        let cards = cards
            .unwrap_or_default()
            .iter()
            .map(|c| c.0.clone())
            .collect();
        PyCardBatch::from_cards(cards)
    }

    /// `count` new cards with ids `f"{prefix}{i}"`, all due at `now`.
    #[staticmethod]
    fn new_cards(prefix: &str, count: usize, now: &Bound<'_, PyAny>) -> PyResult<Self> {
        let now = utc_time("now", now)?;
        Ok(PyCardBatch::from_cards(
            (0..count)
                .map(|i| srs::Card::new(format!("{prefix}{i}"), now))
                .collect(),
        ))
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
        self.at(index, |cards, i| {
            cards.replace(i, card.0.clone());
        })
    }

    /// Every card, as `Card` objects.
    fn to_list(&self) -> Vec<PyCard> {
        let cards = self.cards().to_vec();
        cards.into_iter().map(PyCard).collect()
    }

    /// Every card's due time as POSIX seconds (float), for plotting or numpy.
    fn due_timestamps(&self) -> Vec<f64> {
        self.cards()
            .iter()
            .map(|c| c.due.timestamp_micros() as f64 / 1e6)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("CardBatch({} cards)", self.cards().len())
    }
}

/// Ratings for a batch: `bytes`/`bytearray` of values 1-4 (the fast path),
/// or any sequence of `Rating` or int.
fn batch_ratings(ratings: &Bound<'_, PyAny>) -> PyResult<Vec<srs::Rating>> {
    let bad = |i: usize| {
        to_py(learnloop::Error::InvalidInput {
            field: format!("ratings[{i}]"),
            reason: "expected a learnloop.Rating or an int from 1 to 4".into(),
        })
    };
    if let Ok(bytes) = ratings.cast::<pyo3::types::PyBytes>() {
        return srs::Rating::from_bytes(bytes.as_bytes()).map_err(to_py);
    }
    if let Ok(bytes) = ratings.cast::<pyo3::types::PyByteArray>() {
        return srs::Rating::from_bytes(&bytes.to_vec()).map_err(to_py);
    }
    if ratings.is_instance_of::<PyString>() {
        return Err(invalid(
            "ratings",
            "expected a sequence of ratings, not a str",
        ));
    }
    ratings
        .try_iter()
        .map_err(|_| invalid("ratings", "expected bytes or a sequence of ratings"))?
        .enumerate()
        .map(|(i, r)| rating(&r?).map_err(|_| bad(i)))
        .collect()
}

/// The FSRS-6 scheduler. Immutable and thread-safe.
#[pyclass(frozen, name = "Fsrs", module = "learnloop")]
struct PyFsrs(srs::Fsrs);

#[pymethods]
impl PyFsrs {
    #[new]
    #[pyo3(signature = (
        parameters = None,
        desired_retention = 0.9,
        learning_steps = None,
        relearning_steps = None,
        maximum_interval = 36500,
        enable_fuzzing = false,
    ))]
    fn new(
        parameters: Option<Vec<f64>>,
        desired_retention: f64,
        learning_steps: Option<Vec<TimeDelta>>,
        relearning_steps: Option<Vec<TimeDelta>>,
        maximum_interval: u32,
        enable_fuzzing: bool,
    ) -> PyResult<Self> {
        let base = match parameters {
            Some(p) => srs::Fsrs::new(&p).map_err(to_py)?,
            None => srs::Fsrs::default(),
        };
        let learning = learning_steps.unwrap_or_else(|| base.learning_steps().to_vec());
        let relearning = relearning_steps.unwrap_or_else(|| base.relearning_steps().to_vec());
        base.with_desired_retention(desired_retention)
            .and_then(|f| f.with_learning_steps(learning))
            .and_then(|f| f.with_relearning_steps(relearning))
            .and_then(|f| f.with_maximum_interval(maximum_interval))
            .and_then(|f| {
                f.with_shaping(srs::IntervalShaping {
                    fuzz: enable_fuzzing,
                    ..Default::default()
                })
            })
            .map(PyFsrs)
            .map_err(to_py)
    }

    #[getter]
    fn parameters(&self) -> Vec<f64> {
        self.0.parameters().as_slice().to_vec()
    }
    #[getter]
    fn desired_retention(&self) -> f64 {
        self.0.desired_retention()
    }
    #[getter]
    fn maximum_interval(&self) -> u32 {
        self.0.maximum_interval()
    }

    /// Review `card` with `rating` at `now`: returns `(new_card, review_log)`.
    #[pyo3(signature = (card, rating, now, duration_ms = None))]
    fn review(
        &self,
        card: &PyCard,
        rating: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        duration_ms: Option<u32>,
    ) -> PyResult<(PyCard, PyReviewLog)> {
        let rating = self::rating(rating)?;
        let now = utc_time("now", now)?;
        let mut out = self.0.review(&card.0, rating, now).map_err(to_py)?;
        out.log.duration_ms = duration_ms;
        Ok((PyCard(out.card), PyReviewLog(out.log)))
    }

    /// The card after each rating: `{Rating: Card}`.
    fn preview<'py>(
        &self,
        py: Python<'py>,
        card: &PyCard,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = utc_time("now", now)?;
        let preview = self.0.preview(&card.0, now).map_err(to_py)?;
        let out = PyDict::new(py);
        for r in srs::Rating::ALL {
            out.set_item(PyRating::from(r), PyCard(preview.get(r).card.clone()))?;
        }
        Ok(out)
    }

    /// Review many cards at once without the GIL: `ratings[i]` for `cards[i]`.
    /// All or nothing: an error names the failing card (`cards[i]`).
    fn review_many(
        &self,
        py: Python<'_>,
        cards: Vec<PyRef<'_, PyCard>>,
        ratings: Vec<Bound<'_, PyAny>>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyCard>> {
        let now = utc_time("now", now)?;
        let cards: Vec<srs::Card> = cards.iter().map(|c| c.0.clone()).collect();
        let ratings = ratings
            .iter()
            .enumerate()
            .map(|(i, r)| {
                rating(r).map_err(|_| {
                    to_py(learnloop::Error::InvalidInput {
                        field: format!("ratings[{i}]"),
                        reason: "expected a learnloop.Rating or an int from 1 to 4".into(),
                    })
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let fsrs = &self.0;
        let outcomes = py
            .detach(|| fsrs.review_many(&cards, &ratings, now))
            .map_err(to_py)?;
        Ok(outcomes.into_iter().map(|o| PyCard(o.card)).collect())
    }

    /// Review every card of `batch` in place without the GIL, `ratings[i]`
    /// for `batch[i]`, all at `now`. `ratings` is `bytes` of values 1-4 (the
    /// fastest) or a sequence of `Rating`/int. All or nothing: on error the
    /// batch is unchanged and the error names the card (`cards[i]`). A batch
    /// whose cards are all ready skips checking them first (see the core's
    /// `CardBatch`).
    fn review_batch(
        &self,
        py: Python<'_>,
        batch: &Bound<'_, PyCardBatch>,
        ratings: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = utc_time("now", now)?;
        let ratings = batch_ratings(ratings)?;
        let batch = batch.get();
        let fsrs = &self.0;
        // The lock is taken and released without the GIL (see `cards`).
        py.detach(|| fsrs.review_batch(&mut batch.cards(), &ratings, now))
            .map_err(to_py)
    }

    /// Probability that `card` is recalled at `now` (0 for a new card).
    fn retrievability(&self, card: &PyCard, now: &Bound<'_, PyAny>) -> PyResult<f64> {
        Ok(self.0.card_retrievability(&card.0, utc_time("now", now)?))
    }

    /// `(stability, difficulty)` after a history of `(rating, days_since_previous)`.
    fn memory_state(&self, history: Vec<(Bound<'_, PyAny>, u32)>) -> PyResult<(f64, f64)> {
        let history = history
            .iter()
            .map(|(r, d)| {
                Ok(srs::ReviewDelta {
                    rating: rating(r)?,
                    days_elapsed: *d,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let m = self.0.memory_state(history).map_err(to_py)?;
        Ok((m.stability, m.difficulty))
    }

    /// `{Rating: (stability, difficulty, interval_days)}` from a memory state
    /// (`None` for a new card) after `days_elapsed` days.
    #[pyo3(signature = (memory, desired_retention = 0.9, days_elapsed = 0))]
    fn next_states<'py>(
        &self,
        py: Python<'py>,
        memory: Option<(f64, f64)>,
        desired_retention: f64,
        days_elapsed: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
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

    /// Unrounded interval in days for a stability (or a new card's rating).
    #[pyo3(signature = (stability, desired_retention = 0.9, rating = None))]
    fn next_interval(
        &self,
        stability: Option<f64>,
        desired_retention: f64,
        rating: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<f64> {
        let rating = match rating {
            Some(r) => self::rating(r)?,
            None => srs::Rating::Good,
        };
        Ok(self.0.next_interval(stability, desired_retention, rating))
    }

    fn __repr__(&self) -> String {
        format!(
            "Fsrs(desired_retention={}, maximum_interval={})",
            self.0.desired_retention(),
            self.0.maximum_interval()
        )
    }
}

/// Indices of the cards (a list of `Card` or a `CardBatch`) to study at
/// `now`, in order: learning, reviews, new.
#[pyfunction]
#[pyo3(signature = (cards, now, new_limit = 20, review_limit = 200, order = "retrievability", seed = 0))]
fn due_queue(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    new_limit: usize,
    review_limit: usize,
    order: &str,
    seed: u64,
) -> PyResult<Vec<usize>> {
    let now = utc_time("now", now)?;
    let options = queue_options(new_limit, review_limit, order, seed)?;
    with_cards(py, cards, |cards| {
        srs::due_queue(cards, now, &options).iter().collect()
    })
}

/// Queue options from the keyword arguments shared by the `due_queue`s.
fn queue_options(
    new_limit: usize,
    review_limit: usize,
    order: &str,
    seed: u64,
) -> PyResult<srs::QueueOptions> {
    let order = srs::QueueOrder::from_name(order, seed).ok_or_else(|| {
        invalid(
            "order",
            format!("{order:?} is not one of {:?}", srs::QueueOrder::NAMES),
        )
    })?;
    Ok(srs::QueueOptions {
        new_limit,
        review_limit,
        order,
        ..srs::QueueOptions::default()
    })
}

/// Due counts for each of the next `days` days (overdue cards count in
/// day 0), over a list of `Card` or a `CardBatch`.
#[pyfunction]
fn forecast(cards: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>, days: u32) -> PyResult<Vec<u32>> {
    let now = utc_time("now", now)?;
    with_cards(cards.py(), cards, |cards| srs::forecast(cards, now, days))
}

/// Run `f` without the GIL over a `CardBatch` where it lies, or over a list
/// of `Card`s.
fn with_cards<R: Send>(
    py: Python<'_>,
    cards: &Bound<'_, PyAny>,
    f: impl FnOnce(&[srs::Card]) -> R + Send,
) -> PyResult<R> {
    if let Ok(batch) = cards.cast::<PyCardBatch>() {
        let batch = batch.get();
        return Ok(py.detach(|| f(&batch.cards()[..])));
    }
    let list: Vec<PyRef<'_, PyCard>> = cards
        .extract()
        .map_err(|_| invalid("cards", "expected a list of Card or a CardBatch"))?;
    let owned: Vec<srs::Card> = list.iter().map(|c| c.0.clone()).collect();
    Ok(py.detach(|| f(&owned)))
}

#[pymodule]
#[pyo3(name = "learnloop")]
fn learnloop_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyRating>()?;
    m.add_class::<PyState>()?;
    m.add_class::<PyCard>()?;
    m.add_class::<PyReviewLog>()?;
    m.add_class::<PyFsrs>()?;
    m.add_class::<PyCardBatch>()?;
    m.add_class::<store::PyStore>()?;
    m.add_function(wrap_pyfunction!(due_queue, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    learner::register(m)?;
    m.add("NotEstimableError", py.get_type::<NotEstimableError>())?;
    m.add("LearnloopError", py.get_type::<LearnloopError>())?;
    m.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    m.add(
        "InvalidParameterError",
        py.get_type::<InvalidParameterError>(),
    )?;
    m.add("InvalidRatingError", py.get_type::<InvalidRatingError>())?;
    m.add("ReviewOrderError", py.get_type::<ReviewOrderError>())?;
    m.add("StorageError", py.get_type::<StorageError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("VersionTooNewError", py.get_type::<VersionTooNewError>())?;
    m.add(
        "MigrationChangedError",
        py.get_type::<MigrationChangedError>(),
    )?;
    Ok(())
}
