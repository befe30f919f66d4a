//! `learnloop.Store`: the core's SQLite store. Documents cross as JSON-ready
//! dicts (the same shapes as the core's serde forms); every database call
//! runs without the GIL, so a FastAPI thread pool can share one `Store`.

use crate::convert::{from_py, options, text, to_py_object, whole};
use crate::errors::to_py;
use crate::srs::{PyCard, PyCardBatch, PyReviewLog, with_cards};
use crate::time::timestamp;
use learnloop::srs;
use learnloop::store::{self, StoreOptions};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// An embedded learnloop database (SQLite, WAL), migrated on open.
///
/// One `Store` can be shared by every thread of a process (its calls are
/// serialized on one connection), or each thread can open its own on the same
/// file (writers wait for each other instead of failing with "locked").
#[pyclass(frozen, name = "Store", module = "learnloop")]
pub struct PyStore(store::Store);

/// A path argument (`str` or `os.PathLike`): a path that is not valid
/// Unicode (a lone surrogate) is the library's error naming `path`.
fn path_arg(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let fspath = obj.py().import("os")?.call_method1("fspath", (obj,))?;
    Ok(PathBuf::from(text("path", &fspath)?))
}

/// Run a core call without the GIL and map its error.
pub(crate) fn run<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> learnloop::Result<T> + Send,
) -> PyResult<T> {
    py.detach(f).map_err(to_py)
}

impl PyStore {
    /// The core store.
    pub(crate) fn core(&self) -> &store::Store {
        &self.0
    }
}

#[pymethods]
impl PyStore {
    /// The sync replica of `learner_id` kept in this store, this database
    /// being device `device` for that learner (see `StoredReplica`);
    /// `scheduler` and `engine` as for `Replica`.
    #[pyo3(signature = (learner_id, device, now, *, scheduler = None, engine = None))]
    fn replica(
        slf: Py<Self>,
        py: Python<'_>,
        learner_id: &str,
        device: &str,
        now: &Bound<'_, PyAny>,
        scheduler: Option<&Bound<'_, PyAny>>,
        engine: Option<PyRef<'_, crate::learner::PyAdaptiveEngine>>,
    ) -> PyResult<crate::sync::PyStoredReplica> {
        crate::sync::open(
            py,
            slf,
            learner_id,
            device,
            now,
            scheduler,
            engine.as_deref(),
        )
    }

    /// Open (creating it if missing) the database at `path` and migrate it;
    /// keyword arguments are the store options (`actor`, `durability`,
    /// `busy_timeout` in seconds, `audit_key`: a secret of 16+ characters
    /// kept outside the file, for the audit log's pseudonyms).
    #[new]
    #[pyo3(signature = (path, **options))]
    fn new(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let path = path_arg(path)?;
        let options: StoreOptions = self::options(options)?;
        run(py, || store::Store::open_with(&path, options)).map(PyStore)
    }

    /// The settings the store was opened with, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.0.options())
    }

    /// A private in-memory database (for tests and short-lived work).
    #[staticmethod]
    fn in_memory() -> PyResult<Self> {
        store::Store::open_in_memory().map(PyStore).map_err(to_py)
    }

    /// A private in-memory database holding a copy of a database image
    /// (from `to_bytes`); an older image is migrated.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, image: &[u8]) -> PyResult<Self> {
        run(py, || store::Store::from_bytes(image)).map(PyStore)
    }

    /// The whole database as one SQLite image (a consistent snapshot).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        let image = run(py, || self.0.to_bytes())?;
        Ok(pyo3::types::PyBytes::new(py, &image))
    }

    /// The schema version of the open database.
    fn schema_version(&self, py: Python<'_>) -> PyResult<i64> {
        run(py, || self.0.schema_version())
    }

    /// Save a session document (any schema version: older ones are upgraded)
    /// for a learner, replacing an earlier version of it.
    fn save_session(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        session_id: &Bound<'_, PyAny>,
        document: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let session_id: &str = &text("session_id", session_id)?;
        let value: serde_json::Value = from_py("document", document)?;
        let doc = learnloop::migrate::upgrade_session(value).map_err(to_py)?;
        run(py, || self.0.save_session(learner_id, session_id, &doc))
    }

    /// The session document saved under `session_id`.
    fn load_session<'py>(
        &self,
        py: Python<'py>,
        session_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session_id: &str = &text("session_id", session_id)?;
        let doc = run(py, || self.0.load_session(session_id))?;
        to_py_object(py, &doc)
    }

    /// Save a session's adaptive state (the hot path after each interaction).
    fn save_adaptive_state(
        &self,
        py: Python<'_>,
        session_id: &Bound<'_, PyAny>,
        state: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let session_id: &str = &text("session_id", session_id)?;
        let state: learnloop::adaptive::AdaptiveState = from_py("state", state)?;
        let at = timestamp("at", at)?.to_datetime();
        run(py, || self.0.save_adaptive_state(session_id, &state, at))
    }

    /// A session's adaptive state, exactly as last saved.
    fn adaptive_state<'py>(
        &self,
        py: Python<'py>,
        session_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session_id: &str = &text("session_id", session_id)?;
        let state = run(py, || self.0.adaptive_state(session_id))?;
        to_py_object(py, &state)
    }

    /// Set a session's state ("active" or "completed") at `at`.
    #[pyo3(signature = (session_id, state, *, at))]
    fn set_session_state(
        &self,
        py: Python<'_>,
        session_id: &Bound<'_, PyAny>,
        state: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let session_id: &str = &text("session_id", session_id)?;
        let state: &str = &text("state", state)?;
        let state: learnloop::migrate::SessionState = state.parse().map_err(to_py)?;
        let at = timestamp("at", at)?.to_datetime();
        run(py, || self.0.set_session_state(session_id, state, at))
    }

    /// A learner's active sessions, most recently updated first.
    fn active_sessions<'py>(
        &self,
        py: Python<'py>,
        learner_id: &Bound<'_, PyAny>,
        limit: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let limit = whole("limit", limit)?;
        let list = run(py, || self.0.active_sessions(learner_id, limit))?;
        to_py_object(py, &list)
    }

    /// Append one adaptation record to a session's history.
    fn append_adaptation(
        &self,
        py: Python<'_>,
        session_id: &Bound<'_, PyAny>,
        record: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let session_id: &str = &text("session_id", session_id)?;
        let record: learnloop::adaptive::AdaptationRecord = from_py("record", record)?;
        run(py, || self.0.append_adaptation(session_id, &record))
    }

    /// A session's adaptation history in time order, from `since` on if given.
    #[pyo3(signature = (session_id, since = None))]
    fn adaptation_history<'py>(
        &self,
        py: Python<'py>,
        session_id: &Bound<'_, PyAny>,
        since: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session_id: &str = &text("session_id", session_id)?;
        let since = since
            .map(|t| timestamp("since", t).map(|t| t.to_datetime()))
            .transpose()?;
        let list = run(py, || self.0.adaptation_history(session_id, since))?;
        to_py_object(py, &list)
    }

    /// Store cards (a list of `Card` or a `CardBatch`) for a learner at
    /// `at`; cards already stored (by id) are updated in place.
    fn put_cards(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        cards: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let at = timestamp("at", at)?.to_datetime();
        with_cards(py, cards, |cards| self.0.put_cards(learner_id, cards, at))?.map_err(to_py)
    }

    /// Record one review: the reviewed card and its log, both or neither.
    fn record_review(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        card: &PyCard,
        log: &PyReviewLog,
    ) -> PyResult<()> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        run(py, || self.0.record_review(learner_id, &card.0, &log.0))
    }

    /// Record many `(card, log)` reviews in one transaction (all or none).
    fn record_reviews(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        reviews: Vec<(PyRef<'_, PyCard>, PyRef<'_, PyReviewLog>)>,
    ) -> PyResult<()> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let owned: Vec<_> = reviews
            .iter()
            .map(|(c, l)| (c.0.clone(), l.0.clone()))
            .collect();
        run(py, || self.0.record_reviews(learner_id, &owned))
    }

    /// One of a learner's cards (`NotFoundError` if it is not stored).
    fn card(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        card_id: &Bound<'_, PyAny>,
    ) -> PyResult<PyCard> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let card_id: &str = &text("card_id", card_id)?;
        run(py, || self.0.card(learner_id, card_id)).map(PyCard)
    }

    /// Every card of a learner, in insertion order, as a `CardBatch`.
    fn cards(&self, py: Python<'_>, learner_id: &Bound<'_, PyAny>) -> PyResult<PyCardBatch> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        run(py, || self.0.cards(learner_id)).map(PyCardBatch::from_cards)
    }

    /// A card's review logs, oldest first.
    fn review_logs(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        card_id: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyReviewLog>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let card_id: &str = &text("card_id", card_id)?;
        let logs = run(py, || self.0.review_logs(learner_id, card_id))?;
        Ok(logs.into_iter().map(PyReviewLog).collect())
    }

    /// The cards a learner should study at `now`, in study order (the same
    /// rules and keyword options as `learnloop.due_queue`).
    #[pyo3(signature = (learner_id, now, **options))]
    fn due_queue(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PyCard>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let now = timestamp("now", now)?.to_datetime();
        let options: srs::QueueOptions = self::options(options)?;
        let cards = run(py, || self.0.due_queue(learner_id, now, &options))?;
        Ok(cards.into_iter().map(PyCard).collect())
    }

    /// Due counts of a learner's cards for each of the next `days` days.
    fn forecast(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        days: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<u32>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let now = timestamp("now", now)?.to_datetime();
        let days = whole("days", days)?;
        run(py, || self.0.forecast(learner_id, now, days))
    }

    /// Append events (dicts with device, seq, at, kind, payload) to a
    /// learner's log; already stored identical events are skipped. Returns
    /// how many were new.
    fn append_events(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        events: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let events: Vec<store::Event> = from_py("events", events)?;
        run(py, || self.0.append_events(learner_id, &events))
    }

    /// A learner's events in time order.
    fn events<'py>(
        &self,
        py: Python<'py>,
        learner_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let events = run(py, || self.0.events(learner_id))?;
        to_py_object(py, &events)
    }

    /// Record a consent decision for `purpose` ("analytics" or "research").
    fn set_consent(
        &self,
        py: Python<'_>,
        learner_id: &Bound<'_, PyAny>,
        purpose: &Bound<'_, PyAny>,
        granted: bool,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let purpose: &str = &text("purpose", purpose)?;
        let purpose = purpose.parse().map_err(to_py)?;
        let at = timestamp("at", at)?.to_datetime();
        run(py, || self.0.set_consent(learner_id, purpose, granted, at))
    }

    /// The learner's latest decision for `purpose`, or None.
    fn consent<'py>(
        &self,
        py: Python<'py>,
        learner_id: &Bound<'_, PyAny>,
        purpose: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let purpose: &str = &text("purpose", purpose)?;
        let purpose = purpose.parse().map_err(to_py)?;
        let consent = run(py, || self.0.consent(learner_id, purpose))?;
        to_py_object(py, &consent)
    }

    /// Everything stored about a learner, as one JSON-ready dict.
    fn export_learner<'py>(
        &self,
        py: Python<'py>,
        learner_id: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        let export = run(py, || self.0.export_learner(learner_id))?;
        to_py_object(py, &export)
    }

    /// Import an `export_learner` dict into this store, all or nothing.
    fn import_learner(&self, py: Python<'_>, export: &Bound<'_, PyAny>) -> PyResult<()> {
        let export: store::LearnerExport = from_py("export", export)?;
        run(py, || self.0.import_learner(&export))
    }

    /// Erase every trace of a learner in one transaction; returns the
    /// number of rows deleted.
    fn erase_learner(&self, py: Python<'_>, learner_id: &Bound<'_, PyAny>) -> PyResult<usize> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        run(py, || self.0.erase_learner(learner_id))
    }

    /// Pseudonymised analytics (HMAC-SHA-256 under `key`, at least 16 bytes)
    /// for every learner who consented to analytics.
    fn analytics_export<'py>(&self, py: Python<'py>, key: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let records = run(py, || self.0.analytics_export(key))?;
        to_py_object(py, &records)
    }

    /// Delete events older than `cutoff` (a retention policy); returns how
    /// many were deleted.
    fn purge_events_before(&self, py: Python<'_>, cutoff: &Bound<'_, PyAny>) -> PyResult<usize> {
        let cutoff = timestamp("cutoff", cutoff)?.to_datetime();
        run(py, || self.0.purge_events_before(cutoff))
    }

    /// Audit entries about one learner (all of them with None), oldest first.
    #[pyo3(signature = (learner_id = None))]
    fn audit_log<'py>(
        &self,
        py: Python<'py>,
        learner_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entries = run(py, || self.0.audit_log(learner_id))?;
        to_py_object(py, &entries)
    }

    /// The pseudonym the audit log uses for a learner.
    fn audit_subject(&self, learner_id: &Bound<'_, PyAny>) -> PyResult<String> {
        let learner_id: &str = &text("learner_id", learner_id)?;
        Ok(self.0.audit_subject(learner_id))
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}
