//! `learnloop.Replica` and `learnloop.StoredReplica`: the core's sync
//! replicas. Events go in as dicts in the core's JSON form of an event body
//! (`{"kind": "review", ...}`), change sets cross as bytes (the core's
//! binary form), state comes out as the core's serialized dict.

use crate::convert::{from_py, to_py_object, to_value};
use crate::errors::to_py;
use crate::learner::PyAdaptiveEngine;
use crate::srs::{PyAnkiSm2, PyFsrs, PySm2};
use crate::store::{PyStore, run};
use crate::time::timestamp;
use learnloop::store::StoredReplica;
use learnloop::sync::{
    Acknowledgement, Applied, Body, ChangeSet, Event, Hlc, OwnedRules, Replica, Snapshot,
    VersionVector,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::sync::{Mutex, MutexGuard};

/// The rules from the `scheduler` and `engine` arguments: FSRS and the
/// engine with their defaults when not given.
fn rules(
    scheduler: Option<&Bound<'_, PyAny>>,
    engine: Option<&PyAdaptiveEngine>,
) -> PyResult<OwnedRules> {
    let mut rules = OwnedRules::default();
    if let Some(s) = scheduler {
        rules.scheduler = if let Ok(f) = s.cast::<PyFsrs>() {
            Box::new(f.get().0.clone())
        } else if let Ok(f) = s.cast::<PySm2>() {
            Box::new(f.get().0)
        } else if let Ok(f) = s.cast::<PyAnkiSm2>() {
            Box::new(f.get().0.clone())
        } else {
            return Err(crate::time::invalid(
                "scheduler",
                "an Fsrs, Sm2 or AnkiSm2 scheduler",
            ));
        };
    }
    if let Some(e) = engine {
        rules.engine = e.0.clone();
    }
    Ok(rules)
}

fn body(obj: &Bound<'_, PyAny>) -> PyResult<Body> {
    Body::from_json(to_value("body", obj)?).map_err(to_py)
}

fn vector(obj: Option<&Bound<'_, PyAny>>) -> PyResult<VersionVector> {
    obj.map_or_else(|| Ok(VersionVector::default()), |v| from_py("vector", v))
}

fn change_set(bytes: &[u8]) -> PyResult<ChangeSet> {
    ChangeSet::from_bytes(bytes).map_err(to_py)
}

fn bytes<'py>(py: Python<'py>, changes: &ChangeSet) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &changes.to_bytes())
}

fn applied<'py>(py: Python<'py>, a: &Applied) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("new", a.new)?;
    out.set_item("duplicates", a.duplicates)?;
    Ok(out)
}

fn event<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("device", &e.id.device)?;
    out.set_item("seq", e.id.seq)?;
    out.set_item("hlc", e.hlc.as_u64())?;
    out.set_item("kind", &e.kind)?;
    out.set_item("version", e.version)?;
    Ok(out)
}

/// One device's copy of a learner (in memory): record events, exchange
/// change sets with other replicas, read the folded state.
///
/// `scheduler` (an `Fsrs`, `Sm2` or `AnkiSm2`) and `engine` (an
/// `AdaptiveEngine`) are the rules every replica of the learner folds with;
/// FSRS and the engine with their defaults when not given.
#[pyclass(frozen, name = "Replica", module = "learnloop")]
pub struct PyReplica(Mutex<(Replica, OwnedRules)>);

impl PyReplica {
    fn lock(&self) -> MutexGuard<'_, (Replica, OwnedRules)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl PyReplica {
    #[new]
    #[pyo3(signature = (device, *, scheduler = None, engine = None))]
    fn new(
        device: &str,
        scheduler: Option<&Bound<'_, PyAny>>,
        engine: Option<PyRef<'_, PyAdaptiveEngine>>,
    ) -> PyResult<Self> {
        let rules = rules(scheduler, engine.as_deref())?;
        let replica = Replica::new(device).map_err(to_py)?;
        Ok(PyReplica(Mutex::new((replica, rules))))
    }

    /// Record a fact made on this device at `now` (its clock): `body` is a
    /// dict such as `{"kind": "review", "card": "c1", "rating": 3,
    /// "reviewed_at": now}`. Returns the event's id, stamp and kind.
    fn record<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (body, now) = (self::body(body)?, timestamp("now", now)?);
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        let made = replica.record(body, now, rules.rules()).map_err(to_py)?;
        event(py, &made)
    }

    /// Record an event of a kind the app defines (or a newer app's):
    /// kept, counted and forwarded like every event, never folded here.
    fn record_other<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        version: u16,
        payload: Vec<u8>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = timestamp("now", now)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        let made = replica
            .record_other(kind, version, payload, now, rules.rules())
            .map_err(to_py)?;
        event(py, &made)
    }

    /// The events a replica whose version vector is `vector` lacks, as the
    /// change set's bytes (all of them when `vector` is None).
    #[pyo3(signature = (vector = None))]
    fn changes_since<'py>(
        &self,
        py: Python<'py>,
        vector: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let vector = self::vector(vector)?;
        Ok(bytes(py, &self.lock().0.changes_since(&vector)))
    }

    /// Apply another replica's change set (bytes) at `now`: returns
    /// `{"new": n, "duplicates": n}`. A conflict or divergence raises
    /// `ConflictError`.
    fn apply<'py>(
        &self,
        py: Python<'py>,
        changes: &[u8],
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (changes, now) = (change_set(changes)?, timestamp("now", now)?);
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        applied(
            py,
            &replica.apply(&changes, now, rules.rules()).map_err(to_py)?,
        )
    }

    /// Compact what every other device reported holding: `acknowledged`
    /// is a list of `(vector, clock)`, one per device that may still send
    /// events (its `vector()` and `clock()`). Returns how many events were
    /// folded into the snapshot.
    fn compact(&self, acknowledged: Vec<(Bound<'_, PyAny>, u64)>) -> PyResult<usize> {
        let acknowledged = acknowledged
            .iter()
            .map(|(v, clock)| {
                Ok(Acknowledgement {
                    vector: vector(Some(v))?,
                    clock: Hlc::from_u64(*clock),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica.compact(&acknowledged, rules.rules()))
    }

    /// The snapshot (bytes) a replica too far behind resyncs from.
    fn snapshot<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.lock().0.snapshot().to_bytes())
    }

    /// Start again from a peer's snapshot (bytes) after an apply raised
    /// `ConflictError` with code `resync_needed`; this replica's own events
    /// the snapshot lacks are kept.
    fn resync(&self, snapshot: &[u8]) -> PyResult<()> {
        let snapshot = Snapshot::from_bytes(snapshot).map_err(to_py)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        replica.resync(&snapshot, rules.rules()).map_err(to_py)
    }

    /// This replica's clock (a peer's acknowledgement carries it).
    fn clock(&self) -> u64 {
        self.lock().0.clock().as_u64()
    }

    /// This replica's version vector: `{device: seq}`.
    fn vector<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.lock().0.vector())
    }

    /// The 64-bit digest of the events held (equal on replicas holding the
    /// same events).
    fn digest(&self) -> u64 {
        self.lock().0.digest()
    }

    /// The learner's state folded from every event held, as a dict:
    /// `cards`, `removed`, `registers`, `sessions`, `unknown`, `skipped`.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.lock().0.state())
    }

    /// This device's id.
    #[getter]
    fn device(&self) -> String {
        self.lock().0.device().to_string()
    }

    fn __repr__(&self) -> String {
        let guard = self.lock();
        format!(
            "Replica(device={:?}, events={})",
            guard.0.device(),
            guard.0.log().len()
        )
    }
}

/// A learner's replica kept in a `Store`: every record and apply commits
/// the events and the rows derived from them (cards, adaptive sessions) in
/// one transaction. Open it with `Store.replica(...)`.
#[pyclass(frozen, name = "StoredReplica", module = "learnloop")]
pub struct PyStoredReplica {
    store: Py<PyStore>,
    inner: Mutex<(StoredReplica, OwnedRules)>,
}

impl PyStoredReplica {
    fn lock(&self) -> MutexGuard<'_, (StoredReplica, OwnedRules)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Open a stored replica (see `Store.replica`).
pub(crate) fn open(
    py: Python<'_>,
    store: Py<PyStore>,
    learner_id: &str,
    device: &str,
    now: &Bound<'_, PyAny>,
    scheduler: Option<&Bound<'_, PyAny>>,
    engine: Option<&PyAdaptiveEngine>,
) -> PyResult<PyStoredReplica> {
    let (rules, now) = (rules(scheduler, engine)?, timestamp("now", now)?);
    let core = store.get().core();
    let replica = run(py, || {
        StoredReplica::open(core, learner_id, device, now, rules.rules())
    })?;
    Ok(PyStoredReplica {
        store,
        inner: Mutex::new((replica, rules)),
    })
}

#[pymethods]
impl PyStoredReplica {
    /// Record a fact made on this device at `now` (see `Replica.record`),
    /// committed with its derived rows before this returns.
    fn record<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (body, now) = (self::body(body)?, timestamp("now", now)?);
        let store = self.store.get().core();
        let made = run(py, || {
            let mut guard = self.lock();
            let (replica, rules) = &mut *guard;
            replica.record(store, body, now, rules.rules())
        })?;
        event(py, &made)
    }

    /// Apply a change set (bytes) at `now`, committed in one transaction:
    /// returns `{"new": n, "duplicates": n}`.
    fn apply<'py>(
        &self,
        py: Python<'py>,
        changes: &[u8],
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (changes, now) = (change_set(changes)?, timestamp("now", now)?);
        let store = self.store.get().core();
        let done = run(py, || {
            let mut guard = self.lock();
            let (replica, rules) = &mut *guard;
            replica.apply(store, &changes, now, rules.rules())
        })?;
        applied(py, &done)
    }

    /// The events a replica with `vector` lacks, as bytes (see
    /// `Replica.changes_since`).
    #[pyo3(signature = (vector = None))]
    fn changes_since<'py>(
        &self,
        py: Python<'py>,
        vector: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let vector = self::vector(vector)?;
        Ok(bytes(py, &self.lock().0.replica().changes_since(&vector)))
    }

    /// The events `peer` has not acknowledged, as change-set bytes.
    fn outbox<'py>(&self, py: Python<'py>, peer: &str) -> PyResult<Bound<'py, PyBytes>> {
        let store = self.store.get().core();
        let changes = run(py, || self.lock().0.outbox(store, peer))?;
        Ok(bytes(py, &changes))
    }

    /// What `peer` has acknowledged holding (its version vector).
    fn acknowledged<'py>(&self, py: Python<'py>, peer: &str) -> PyResult<Bound<'py, PyAny>> {
        let store = self.store.get().core();
        let vector = run(py, || self.lock().0.acknowledged(store, peer))?;
        to_py_object(py, &vector)
    }

    /// The learner's id.
    #[getter]
    fn learner_id(&self) -> String {
        self.lock().0.learner_id().to_string()
    }

    /// Record that `peer` holds every event its version `vector` covers,
    /// and that its clock had reached `clock` (`Replica.clock`; a peer that
    /// never reports one keeps `compact` from compacting).
    #[pyo3(signature = (peer, vector, clock = None))]
    fn acknowledge(
        &self,
        py: Python<'_>,
        peer: &str,
        vector: &Bound<'_, PyAny>,
        clock: Option<u64>,
    ) -> PyResult<()> {
        let (vector, store) = (self::vector(Some(vector))?, self.store.get().core());
        let clock = clock.map(Hlc::from_u64);
        run(py, || {
            self.lock().0.acknowledge(store, peer, &vector, clock)
        })
    }

    /// Forget `peer` (a device retired or lost): it no longer holds back
    /// `compact`; should it come back it resyncs from the snapshot.
    /// Returns whether it was known.
    fn forget_peer(&self, py: Python<'_>, peer: &str) -> PyResult<bool> {
        let store = self.store.get().core();
        run(py, || self.lock().0.forget_peer(store, peer))
    }

    /// The peers `compact` waits for, by id.
    fn peers(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let store = self.store.get().core();
        run(py, || self.lock().0.peers(store))
    }

    /// Compact what every peer acknowledged into the snapshot (one
    /// transaction); returns how many events were compacted.
    fn compact(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<usize> {
        let (now, store) = (timestamp("now", now)?, self.store.get().core());
        run(py, || {
            let mut guard = self.lock();
            let (replica, rules) = &mut *guard;
            replica.compact(store, now, rules.rules())
        })
    }

    /// The snapshot (bytes) a replica too far behind resyncs from.
    fn snapshot<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.lock().0.replica().snapshot().to_bytes())
    }

    /// Start again from a peer's snapshot (bytes), in one transaction.
    fn resync(&self, py: Python<'_>, snapshot: &[u8], now: &Bound<'_, PyAny>) -> PyResult<()> {
        let snapshot = Snapshot::from_bytes(snapshot).map_err(to_py)?;
        let (now, store) = (timestamp("now", now)?, self.store.get().core());
        run(py, || {
            let mut guard = self.lock();
            let (replica, rules) = &mut *guard;
            replica.resync(store, &snapshot, now, rules.rules())
        })
    }

    /// This replica's clock (send it with the vector when acknowledging).
    fn clock(&self) -> u64 {
        self.lock().0.replica().clock().as_u64()
    }

    /// This replica's version vector (see `Replica.vector`).
    fn vector<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.lock().0.replica().vector())
    }

    /// The digest of the events held (see `Replica.digest`).
    fn digest(&self) -> u64 {
        self.lock().0.replica().digest()
    }

    /// The folded state (see `Replica.state`).
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_object(py, self.lock().0.replica().state())
    }

    fn __repr__(&self) -> String {
        let guard = self.lock();
        format!(
            "StoredReplica(learner_id={:?}, device={:?}, events={})",
            guard.0.learner_id(),
            guard.0.replica().device(),
            guard.0.replica().log().len()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReplica>()?;
    m.add_class::<PyStoredReplica>()?;
    Ok(())
}
