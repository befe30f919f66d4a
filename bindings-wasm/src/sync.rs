//! Sync for JS: a learner's replica on this device. Event bodies are plain
//! objects in the core's JSON form (`{kind: "review", card, rating,
//! reviewed_at}`, times as `Date` or ISO 8601 text), change sets cross as
//! `Uint8Array` (the core's binary form), the digest as a `bigint`.

use crate::learner::AdaptiveEngine;
use crate::srs::{AnkiSm2, Fsrs, Sm2};
use crate::{JsResult, err, from_js, time, to_js};
use learnloop::srs::Scheduler;
use learnloop::sync::{
    Applied, Body, ChangeSet, OwnedRules, Replica as CoreReplica, VersionVector,
};
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
        let body = err(Body::from_json(crate::json_of("body", &body)?))?;
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
}
