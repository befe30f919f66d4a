//! Sync for Kotlin, Swift and Dart: a learner's replica in memory
//! (`Replica`) or kept in a `Store` (`StoredReplica`). Event bodies cross
//! as JSON text in the core's form (`{"kind": "review", ...}`), change sets
//! as bytes, version vectors as maps, the folded state as JSON.

use crate::Result;
use crate::learner::AdaptiveEngine;
use crate::srs::{AnkiSm2, Fsrs, Sm2};
use crate::store::Store;
use learnloop::Timestamp;
use learnloop::srs::Scheduler;
use learnloop::store::StoredReplica as CoreStoredReplica;
use learnloop::sync::VersionVector;
use learnloop::sync::{
    Applied, Body, ChangeSet, Event, OwnedRules, Replica as CoreReplica, Snapshot,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The event a record made.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordedEvent {
    /// The device that made it.
    pub device: String,
    /// Its number on that device, from 1.
    pub seq: u64,
    /// Its hybrid-logical-clock stamp.
    pub hlc: u64,
    /// Its kind.
    pub kind: String,
    /// The version of its payload.
    pub version: u16,
}

/// What applying a change set did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AppliedChanges {
    /// Events that were new here.
    pub new: u64,
    /// Events held already (ignored).
    pub duplicates: u64,
}

/// What another device reported holding: its version vector and its clock
/// (`Replica.clock()`), for `Replica.compact`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Acknowledgement {
    /// The events it holds, per device.
    pub vector: HashMap<String, u64>,
    /// Its clock when it reported.
    pub clock: u64,
}

impl From<&Event> for RecordedEvent {
    fn from(e: &Event) -> Self {
        RecordedEvent {
            device: e.id.device.clone(),
            seq: e.id.seq,
            hlc: e.hlc.as_u64(),
            kind: e.kind.clone(),
            version: e.version,
        }
    }
}

impl From<Applied> for AppliedChanges {
    fn from(a: Applied) -> Self {
        AppliedChanges {
            new: a.new as u64,
            duplicates: a.duplicates as u64,
        }
    }
}

fn vector_of(map: HashMap<String, u64>) -> VersionVector {
    let mut vector = VersionVector::default();
    for (device, seq) in map {
        vector.set(&device, seq);
    }
    vector
}

fn map_of(vector: &VersionVector) -> HashMap<String, u64> {
    vector.iter().map(|(d, s)| (d.to_string(), s)).collect()
}

fn body(json: &str) -> Result<Body> {
    Ok(Body::from_json(learnloop::json::from_json(json)?)?)
}

fn rules(scheduler: Box<dyn Scheduler + Send>, engine: Option<Arc<AdaptiveEngine>>) -> OwnedRules {
    let mut rules = OwnedRules {
        scheduler,
        ..OwnedRules::default()
    };
    if let Some(engine) = engine {
        rules.engine = engine.0.clone();
    }
    rules
}

/// One device's copy of a learner, in memory: record events, exchange
/// change sets with other replicas (any order, any number of times), read
/// the folded state. Every replica of a learner folds with the same
/// scheduler and engine (FSRS and the engine with their defaults for
/// `Replica(device)`).
#[derive(uniffi::Object)]
pub struct Replica(Mutex<(CoreReplica, OwnedRules)>);

impl Replica {
    fn lock(&self) -> MutexGuard<'_, (CoreReplica, OwnedRules)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn build(device: String, rules: OwnedRules) -> Result<Arc<Self>> {
        let replica = CoreReplica::new(&device)?;
        Ok(Arc::new(Replica(Mutex::new((replica, rules)))))
    }
}

#[uniffi::export]
impl Replica {
    /// An empty replica on `device`, folding with FSRS and the engine with
    /// their defaults.
    #[uniffi::constructor]
    pub fn new(device: String) -> Result<Arc<Self>> {
        Replica::build(device, OwnedRules::default())
    }

    /// An empty replica folding cards with `fsrs` and sessions with `engine`.
    #[uniffi::constructor(default(engine = None))]
    pub fn with_fsrs(
        device: String,
        fsrs: Arc<Fsrs>,
        engine: Option<Arc<AdaptiveEngine>>,
    ) -> Result<Arc<Self>> {
        Replica::build(device, rules(Box::new(fsrs.0.clone()), engine))
    }

    /// An empty replica folding cards with SM-2.
    #[uniffi::constructor(default(engine = None))]
    pub fn with_sm2(
        device: String,
        sm2: Arc<Sm2>,
        engine: Option<Arc<AdaptiveEngine>>,
    ) -> Result<Arc<Self>> {
        Replica::build(device, rules(Box::new(sm2.0), engine))
    }

    /// An empty replica folding cards with Anki's SM-2.
    #[uniffi::constructor(default(engine = None))]
    pub fn with_anki_sm2(
        device: String,
        anki: Arc<AnkiSm2>,
        engine: Option<Arc<AdaptiveEngine>>,
    ) -> Result<Arc<Self>> {
        Replica::build(device, rules(Box::new(anki.0.clone()), engine))
    }

    /// Record a fact made on this device at `now`: `body_json` in the
    /// core's form, `{"kind": "review", "card": "c1", "rating": 3,
    /// "reviewed_at": "..."}`.
    pub fn record(&self, body_json: String, now: Timestamp) -> Result<RecordedEvent> {
        let body = body(&body_json)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok((&replica.record(body, now, rules.rules())?).into())
    }

    /// Record an event of a kind the app defines (or a newer app's):
    /// kept, counted and forwarded like every event, never folded here.
    pub fn record_other(
        &self,
        kind: String,
        version: u16,
        payload: Vec<u8>,
        now: Timestamp,
    ) -> Result<RecordedEvent> {
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok((&replica.record_other(&kind, version, payload, now, rules.rules())?).into())
    }

    /// The events a replica with version `vector` lacks, as bytes.
    pub fn changes_since(&self, vector: HashMap<String, u64>) -> Vec<u8> {
        self.lock().0.changes_since(&vector_of(vector)).to_bytes()
    }

    /// Apply another replica's change set (bytes) at `now`.
    pub fn apply(&self, changes: Vec<u8>, now: Timestamp) -> Result<AppliedChanges> {
        let changes = ChangeSet::from_bytes(&changes)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica.apply(&changes, now, rules.rules())?.into())
    }

    /// This replica's version vector.
    pub fn vector(&self) -> HashMap<String, u64> {
        map_of(self.lock().0.vector())
    }

    /// The 64-bit digest of the events held.
    pub fn digest(&self) -> u64 {
        self.lock().0.digest()
    }

    /// The folded state as JSON: `cards`, `removed`, `registers`,
    /// `sessions`, `unknown`, `skipped`.
    pub fn state_json(&self) -> String {
        learnloop::json::to_json(self.lock().0.state())
    }

    /// This device's id.
    pub fn device(&self) -> String {
        self.lock().0.device().to_string()
    }

    /// This replica's clock: send it with the vector when acknowledging
    /// what a peer sent, so that the peer can compact.
    pub fn clock(&self) -> u64 {
        self.lock().0.clock().as_u64()
    }

    /// Compact what every other device reported holding (one
    /// acknowledgement per device that may still send events). Returns how
    /// many events were folded into the snapshot.
    pub fn compact(&self, acknowledged: Vec<Acknowledgement>) -> u64 {
        let acknowledged: Vec<_> = acknowledged
            .into_iter()
            .map(|a| learnloop::sync::Acknowledgement {
                vector: vector_of(a.vector),
                clock: learnloop::sync::Hlc::from_u64(a.clock),
            })
            .collect();
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        replica.compact(&acknowledged, rules.rules()) as u64
    }

    /// The snapshot (bytes) a replica too far behind resyncs from.
    pub fn snapshot(&self) -> Vec<u8> {
        self.lock().0.snapshot().to_bytes()
    }

    /// Start again from a peer's snapshot (bytes), after `apply` threw a
    /// conflict with code `resync_needed`; then apply the peer's changes
    /// since the new vector. This replica's own events the snapshot lacks
    /// are kept.
    pub fn resync(&self, snapshot: Vec<u8>) -> Result<()> {
        let snapshot = Snapshot::from_bytes(&snapshot)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica.resync(&snapshot, rules.rules())?)
    }
}

/// A learner's replica kept in a `Store` (`Store.replica`): each record and
/// apply commits the events and the rows derived from them (cards,
/// adaptive sessions) in one transaction.
#[derive(uniffi::Object)]
pub struct StoredReplica {
    store: Arc<Store>,
    inner: Mutex<(CoreStoredReplica, OwnedRules)>,
}

impl StoredReplica {
    fn lock(&self) -> MutexGuard<'_, (CoreStoredReplica, OwnedRules)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Open a stored replica folding with `fsrs` and `engine` (their defaults
/// when not given).
pub(crate) fn open(
    store: Arc<Store>,
    learner_id: String,
    device: String,
    now: Timestamp,
    fsrs: Option<Arc<Fsrs>>,
    engine: Option<Arc<AdaptiveEngine>>,
) -> Result<Arc<StoredReplica>> {
    let fsrs = fsrs.map_or_else(learnloop::srs::Fsrs::default, |f| f.0.clone());
    let rules = rules(Box::new(fsrs), engine);
    let replica = CoreStoredReplica::open(store.core(), &learner_id, &device, now, rules.rules())?;
    Ok(Arc::new(StoredReplica {
        store,
        inner: Mutex::new((replica, rules)),
    }))
}

#[uniffi::export]
impl StoredReplica {
    /// Record a fact made on this device at `now` (see `Replica.record`),
    /// committed with its derived rows before this returns.
    pub fn record(&self, body_json: String, now: Timestamp) -> Result<RecordedEvent> {
        let body = body(&body_json)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok((&replica.record(self.store.core(), body, now, rules.rules())?).into())
    }

    /// Apply a change set (bytes) at `now`, committed in one transaction.
    pub fn apply(&self, changes: Vec<u8>, now: Timestamp) -> Result<AppliedChanges> {
        let changes = ChangeSet::from_bytes(&changes)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica
            .apply(self.store.core(), &changes, now, rules.rules())?
            .into())
    }

    /// The events a replica with version `vector` lacks, as bytes.
    pub fn changes_since(&self, vector: HashMap<String, u64>) -> Vec<u8> {
        self.lock()
            .0
            .replica()
            .changes_since(&vector_of(vector))
            .to_bytes()
    }

    /// The events `peer` has not acknowledged, as change-set bytes.
    pub fn outbox(&self, peer: String) -> Result<Vec<u8>> {
        Ok(self.lock().0.outbox(self.store.core(), &peer)?.to_bytes())
    }

    /// What `peer` has acknowledged holding.
    pub fn acknowledged(&self, peer: String) -> Result<HashMap<String, u64>> {
        Ok(map_of(
            &self.lock().0.acknowledged(self.store.core(), &peer)?,
        ))
    }

    /// Record that `peer` holds every event its version `vector` covers,
    /// its clock having reached `clock` (a peer that never reports one
    /// keeps compaction from compacting).
    #[uniffi::method(default(clock = None))]
    pub fn acknowledge(
        &self,
        peer: String,
        vector: HashMap<String, u64>,
        clock: Option<u64>,
    ) -> Result<()> {
        let clock = clock.map(learnloop::sync::Hlc::from_u64);
        Ok(self
            .lock()
            .0
            .acknowledge(self.store.core(), &peer, &vector_of(vector), clock)?)
    }

    /// This replica's version vector.
    pub fn vector(&self) -> HashMap<String, u64> {
        map_of(self.lock().0.replica().vector())
    }

    /// The digest of the events held.
    pub fn digest(&self) -> u64 {
        self.lock().0.replica().digest()
    }

    /// The folded state as JSON (see `Replica.stateJson`).
    pub fn state_json(&self) -> String {
        learnloop::json::to_json(self.lock().0.replica().state())
    }

    /// The learner's id.
    pub fn learner_id(&self) -> String {
        self.lock().0.learner_id().to_string()
    }

    /// Forget `peer` (a retired device): it no longer holds back
    /// `compact`; should it come back it resyncs from the snapshot.
    /// Returns whether it was known.
    pub fn forget_peer(&self, peer: String) -> Result<bool> {
        Ok(self.lock().0.forget_peer(self.store.core(), &peer)?)
    }

    /// The peers `compact` waits for, by id.
    pub fn peers(&self) -> Result<Vec<String>> {
        Ok(self.lock().0.peers(self.store.core())?)
    }

    /// Fold what every peer acknowledged into the snapshot (one
    /// transaction); returns how many events were compacted.
    pub fn compact(&self, now: Timestamp) -> Result<u64> {
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica.compact(self.store.core(), now, rules.rules())? as u64)
    }

    /// The snapshot (bytes) a replica too far behind resyncs from.
    pub fn snapshot(&self) -> Vec<u8> {
        self.lock().0.replica().snapshot().to_bytes()
    }

    /// Start again from a peer's snapshot (bytes), in one transaction.
    pub fn resync(&self, snapshot: Vec<u8>, now: Timestamp) -> Result<()> {
        let snapshot = Snapshot::from_bytes(&snapshot)?;
        let mut guard = self.lock();
        let (replica, rules) = &mut *guard;
        Ok(replica.resync(self.store.core(), &snapshot, now, rules.rules())?)
    }

    /// This replica's clock (send it with the vector when acknowledging).
    pub fn clock(&self) -> u64 {
        self.lock().0.replica().clock().as_u64()
    }
}
