//! Sync for JS: a learner's replica on this device. Event bodies are plain
//! objects in the core's JSON form (`{kind: "review", card, rating,
//! reviewed_at}`, times as `Date` or ISO 8601 text), change sets cross as
//! `Uint8Array` (the core's binary form), the digest as a `bigint`.

use crate::learner::AdaptiveEngine;
use crate::srs::{AnkiSm2, Fsrs, Sm2};
use crate::store::Store;
use crate::{JsResult, err, from_js, options, time, to_js};
use learnloop::srs::Scheduler;
use learnloop::store::StoredReplica as CoreStoredReplica;
use learnloop::sync::{
    Acknowledgement, Applied, Body, ChangeSet, Hlc, OwnedRules, Replica as CoreReplica, Snapshot,
    VersionVector,
};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** An event body in the core's JSON form: `kind` names it (`review`,
 * `card_added`, `card_removed`, `register`, `answer`, `authority`), the
 * other keys are that kind's fields. */
export type EventBody = { kind: string } & Record<string, unknown>;
/** For each device, how many of its events (1..n, no gap) a replica holds. */
export type VersionVector = Record<string, number>;
/** What applying a change set did. */
export interface AppliedChanges { new: number; duplicates: number }
/** What a peer reported holding: its version vector and its clock
 * (`Replica.clock()`), for `StoredReplica.acknowledge` and
 * `Replica.compact`. Without a clock it holds compaction back. */
export interface Acknowledgement { vector: VersionVector; clock?: bigint }
/** The event a record made. */
export interface RecordedEvent { device: string; seq: number; hlc: bigint; kind: string; version: number }
"#;

/// One device's copy of a learner: record events, exchange change sets with
/// other replicas (any order, any number of times), read the folded state.
/// Every replica of a learner folds with the same scheduler and engine
/// (FSRS and the engine with their defaults unless set with
/// `withScheduler` / `withEngine` before the first event).
#[wasm_bindgen]
pub struct Replica {
    replica: CoreReplica,
    rules: OwnedRules,
}

/// An event body from its JSON form (errors name `body.<field>`).
fn body(value: &JsValue) -> JsResult<Body> {
    err(Body::from_json(crate::json_of("body", value)?))
}

fn applied(a: &Applied) -> JsResult<JsValue> {
    to_js(&serde_json::json!({ "new": a.new, "duplicates": a.duplicates }))
}

fn vector(value: &Option<JsValue>) -> JsResult<VersionVector> {
    match value {
        Some(v) if !v.is_undefined() && !v.is_null() => from_js("vector", v),
        _ => Ok(VersionVector::default()),
    }
}

/// The event a record made, as JS sees it (the stamp as a `bigint`).
fn recorded(e: &learnloop::sync::Event) -> JsResult<JsValue> {
    let out = js_sys::Object::new();
    for (key, value) in [
        ("device", JsValue::from(e.id.device.as_str())),
        ("seq", JsValue::from(e.id.seq as f64)),
        ("hlc", JsValue::from(e.hlc.as_u64())),
        ("kind", JsValue::from(e.kind.as_str())),
        ("version", JsValue::from(e.version)),
    ] {
        js_sys::Reflect::set(&out, &key.into(), &value)?;
    }
    Ok(out.into())
}

impl Replica {
    fn set_scheduler(mut self, scheduler: Box<dyn Scheduler + Send>) -> Replica {
        self.rules.scheduler = scheduler;
        self
    }
}

#[wasm_bindgen]
impl Replica {
    /// An empty replica on `device` (an id stable for the app's installation).
    #[wasm_bindgen(constructor)]
    pub fn new(device: &str) -> JsResult<Replica> {
        Ok(Replica {
            replica: err(CoreReplica::new(device))?,
            rules: OwnedRules::default(),
        })
    }
    /// This replica, folding cards with FSRS settings `fsrs`.
    #[wasm_bindgen(js_name = withFsrs)]
    pub fn with_fsrs(self, fsrs: &Fsrs) -> Replica {
        self.set_scheduler(Box::new(fsrs.0.clone()))
    }
    /// This replica, folding cards with SM-2.
    #[wasm_bindgen(js_name = withSm2)]
    pub fn with_sm2(self, sm2: &Sm2) -> Replica {
        self.set_scheduler(Box::new(sm2.0))
    }
    /// This replica, folding cards with Anki's SM-2.
    #[wasm_bindgen(js_name = withAnkiSm2)]
    pub fn with_anki_sm2(self, anki: &AnkiSm2) -> Replica {
        self.set_scheduler(Box::new(anki.0.clone()))
    }
    /// This replica, folding sessions with `engine`.
    #[wasm_bindgen(js_name = withEngine)]
    pub fn with_engine(mut self, engine: &AdaptiveEngine) -> Replica {
        self.rules.engine = engine.0.clone();
        self
    }
    /// Record a fact made on this device at `now` (its clock).
    #[wasm_bindgen(unchecked_return_type = "RecordedEvent")]
    pub fn record(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EventBody")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let body = self::body(&body)?;
        let now = time("now", &now)?;
        let e = err(self.replica.record(body, now, self.rules.rules()))?;
        recorded(&e)
    }
    /// Record an event of a kind the app defines (or a newer app's): kept,
    /// counted and forwarded like every event, never folded here.
    #[wasm_bindgen(js_name = recordOther, unchecked_return_type = "RecordedEvent")]
    pub fn record_other(
        &mut self,
        kind: &str,
        version: u16,
        payload: Vec<u8>,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let now = time("now", &now)?;
        let e = err(self
            .replica
            .record_other(kind, version, payload, now, self.rules.rules()))?;
        recorded(&e)
    }
    /// The events a replica whose version vector is `vector` lacks (all of
    /// them when left out), as the change set's bytes.
    #[wasm_bindgen(js_name = changesSince)]
    pub fn changes_since(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "VersionVector")] vector: Option<JsValue>,
    ) -> JsResult<Vec<u8>> {
        Ok(self
            .replica
            .changes_since(&self::vector(&vector)?)
            .to_bytes())
    }
    /// Apply another replica's change set (bytes) at `now`. A conflict or
    /// a divergence throws a `ConflictError`.
    #[wasm_bindgen(unchecked_return_type = "AppliedChanges")]
    pub fn apply(
        &mut self,
        changes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let changes = err(ChangeSet::from_bytes(changes))?;
        let now = time("now", &now)?;
        applied(&err(self.replica.apply(&changes, now, self.rules.rules()))?)
    }
    /// This replica's version vector.
    #[wasm_bindgen(unchecked_return_type = "VersionVector")]
    pub fn vector(&self) -> JsResult<JsValue> {
        to_js(self.replica.vector())
    }
    /// The 64-bit digest of the events held (equal on replicas holding the
    /// same events).
    pub fn digest(&self) -> u64 {
        self.replica.digest()
    }
    /// The learner's state folded from every event held: `cards`,
    /// `removed`, `registers`, `sessions`, `unknown`, `skipped`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, any>")]
    pub fn state(&self) -> JsResult<JsValue> {
        to_js(self.replica.state())
    }
    /// This device's id.
    #[wasm_bindgen(getter)]
    pub fn device(&self) -> String {
        self.replica.device().to_string()
    }
    /// This replica's clock: send it with the vector when acknowledging
    /// what a peer sent, so that the peer can compact.
    pub fn clock(&self) -> u64 {
        self.replica.clock().as_u64()
    }
    /// Compact what every other device reported holding: one
    /// `{vector, clock}` per device that may still send events (its
    /// `vector()` and `clock()`). Returns how many events were folded into
    /// the snapshot.
    pub fn compact(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Acknowledgement[]")] acknowledged: JsValue,
    ) -> JsResult<usize> {
        let list: js_sys::Array = acknowledged
            .dyn_into()
            .map_err(|_| crate::invalid("acknowledged", "expected an array"))?;
        let acknowledged = list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                // Without a clock, a device holds compaction back.
                let (vector, clock) = acknowledgement(&format!("acknowledged[{i}]"), &a)?;
                let clock = clock.unwrap_or(Hlc::ZERO);
                Ok(Acknowledgement { vector, clock })
            })
            .collect::<JsResult<Vec<_>>>()?;
        Ok(self.replica.compact(&acknowledged, self.rules.rules()))
    }
    /// The snapshot (bytes) a replica too far behind resyncs from.
    pub fn snapshot(&self) -> Vec<u8> {
        self.replica.snapshot().to_bytes()
    }
    /// Start again from a peer's snapshot (bytes), after `apply` threw a
    /// `ConflictError` with code `resync_needed`; then apply the peer's
    /// changes since the new vector. This replica's own events the
    /// snapshot lacks are kept.
    pub fn resync(&mut self, snapshot: &[u8]) -> JsResult<()> {
        let snapshot = err(Snapshot::from_bytes(snapshot))?;
        err(self.replica.resync(&snapshot, self.rules.rules()))
    }
}

/// An `{vector, clock}` object: the vector, and the clock if given (a
/// `bigint`: a stamp does not fit a number).
fn acknowledgement(field: &str, value: &JsValue) -> JsResult<(VersionVector, Option<Hlc>)> {
    let get = |key: &str| js_sys::Reflect::get(value, &key.into());
    let vector = from_js(&format!("{field}.vector"), &get("vector")?)?;
    let clock = match get("clock")? {
        c if c.is_undefined() || c.is_null() => None,
        c => Some(u64::try_from(c).map(Hlc::from_u64).map_err(|_| {
            crate::invalid(
                &format!("{field}.clock"),
                "expected a bigint stamp (Replica.clock())",
            )
        })?),
    };
    Ok((vector, clock))
}

/// A learner's replica kept in a `Store` (`store.replica(...)`): every
/// record and apply commits the events and the rows derived from them
/// (cards, adaptive sessions) in one transaction; the acknowledgements of
/// peers decide what `compact` may fold into the snapshot.
#[wasm_bindgen]
pub struct StoredReplica {
    store: Rc<learnloop::store::Store>,
    replica: CoreStoredReplica,
    rules: OwnedRules,
}

#[wasm_bindgen]
impl Store {
    /// The sync replica of `learnerId` kept in this store, this database
    /// being device `device` for that learner; cards fold with FSRS and
    /// sessions with the engine, with `fsrs` and `engine` options (the
    /// defaults for what they leave out).
    pub fn replica(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        device: &str,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Options<FsrsOptions>")] fsrs: Option<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "Options<EngineConfig>")] engine: Option<
            JsValue,
        >,
    ) -> JsResult<StoredReplica> {
        let rules = OwnedRules {
            scheduler: Box::new(err(learnloop::srs::Fsrs::new(options(&fsrs)?))?),
            engine: err(learnloop::adaptive::Engine::new(options(&engine)?))?,
        };
        let now = time("now", &now)?;
        let replica = err(CoreStoredReplica::open(
            &self.0,
            learner_id,
            device,
            now,
            rules.rules(),
        ))?;
        Ok(StoredReplica {
            store: self.0.clone(),
            replica,
            rules,
        })
    }
}

#[wasm_bindgen]
impl StoredReplica {
    /// Record a fact made on this device at `now`, committed with its
    /// derived rows before this returns.
    #[wasm_bindgen(unchecked_return_type = "RecordedEvent")]
    pub fn record(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EventBody")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let body = self::body(&body)?;
        let now = time("now", &now)?;
        recorded(&err(self.replica.record(
            &self.store,
            body,
            now,
            self.rules.rules(),
        ))?)
    }
    /// Apply a change set (bytes) at `now`, committed in one transaction.
    #[wasm_bindgen(unchecked_return_type = "AppliedChanges")]
    pub fn apply(
        &mut self,
        changes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<JsValue> {
        let changes = err(ChangeSet::from_bytes(changes))?;
        let now = time("now", &now)?;
        applied(&err(self.replica.apply(
            &self.store,
            &changes,
            now,
            self.rules.rules(),
        ))?)
    }
    /// The events a replica with version `vector` lacks, as bytes.
    #[wasm_bindgen(js_name = changesSince)]
    pub fn changes_since(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "VersionVector")] vector: Option<JsValue>,
    ) -> JsResult<Vec<u8>> {
        let vector = self::vector(&vector)?;
        Ok(self.replica.replica().changes_since(&vector).to_bytes())
    }
    /// The events `peer` has not acknowledged, as change-set bytes.
    pub fn outbox(&self, peer: &str) -> JsResult<Vec<u8>> {
        Ok(err(self.replica.outbox(&self.store, peer))?.to_bytes())
    }
    /// What `peer` has acknowledged holding (its version vector; empty for
    /// a peer never heard from).
    #[wasm_bindgen(unchecked_return_type = "VersionVector")]
    pub fn acknowledged(&self, peer: &str) -> JsResult<JsValue> {
        to_js(&err(self.replica.acknowledged(&self.store, peer))?)
    }
    /// Record what `peer` reported holding (`{vector, clock}`; a peer that
    /// never reports its clock keeps `compact` from compacting).
    pub fn acknowledge(
        &self,
        peer: &str,
        #[wasm_bindgen(unchecked_param_type = "Acknowledgement")] acknowledgement: JsValue,
    ) -> JsResult<()> {
        let (vector, clock) = self::acknowledgement("acknowledgement", &acknowledgement)?;
        err(self.replica.acknowledge(&self.store, peer, &vector, clock))
    }
    /// Forget `peer` (a retired device): it no longer holds back `compact`.
    /// Returns whether it was known.
    #[wasm_bindgen(js_name = forgetPeer)]
    pub fn forget_peer(&self, peer: &str) -> JsResult<bool> {
        err(self.replica.forget_peer(&self.store, peer))
    }
    /// The peers `compact` waits for, by id.
    pub fn peers(&self) -> JsResult<Vec<String>> {
        err(self.replica.peers(&self.store))
    }
    /// Fold what every peer acknowledged into the snapshot (one
    /// transaction); returns how many events were compacted.
    pub fn compact(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<usize> {
        let now = time("now", &now)?;
        err(self.replica.compact(&self.store, now, self.rules.rules()))
    }
    /// The snapshot (bytes) a replica too far behind resyncs from.
    pub fn snapshot(&self) -> Vec<u8> {
        self.replica.replica().snapshot().to_bytes()
    }
    /// Start again from a peer's snapshot (bytes), in one transaction.
    pub fn resync(
        &mut self,
        snapshot: &[u8],
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
    ) -> JsResult<()> {
        let snapshot = err(Snapshot::from_bytes(snapshot))?;
        let now = time("now", &now)?;
        err(self
            .replica
            .resync(&self.store, &snapshot, now, self.rules.rules()))
    }
    /// This replica's clock (send it with the vector when acknowledging).
    pub fn clock(&self) -> u64 {
        self.replica.replica().clock().as_u64()
    }
    /// This replica's version vector.
    #[wasm_bindgen(unchecked_return_type = "VersionVector")]
    pub fn vector(&self) -> JsResult<JsValue> {
        to_js(self.replica.replica().vector())
    }
    /// The digest of the events held.
    pub fn digest(&self) -> u64 {
        self.replica.replica().digest()
    }
    /// The folded state (see `Replica.state`).
    #[wasm_bindgen(unchecked_return_type = "Record<string, any>")]
    pub fn state(&self) -> JsResult<JsValue> {
        to_js(self.replica.replica().state())
    }
    /// The learner's id.
    #[wasm_bindgen(getter, js_name = learnerId)]
    pub fn learner_id(&self) -> String {
        self.replica.learner_id().to_string()
    }
}
