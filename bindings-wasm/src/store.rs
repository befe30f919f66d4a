//! `Store`: the core's SQLite store in the browser (the `learnloop/store`
//! entry). SQLite itself runs in the wasm module, on an in-memory database;
//! `toBytes()` gives the database image to keep in IndexedDB or OPFS and
//! `Store.fromBytes()` opens it again (migrating an older image).

use crate::{err, from_js, js_error, options, time, to_js};
use learnloop::srs;
use learnloop::store;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const PURPOSE: &str = store::Purpose::TS_TYPE;
#[wasm_bindgen(typescript_custom_section)]
const SESSION_STATE: &str = learnloop::migrate::SessionState::TS_TYPE;

/// A learnloop database in the page's memory (SQLite compiled to wasm).
#[wasm_bindgen]
pub struct Store(pub(crate) Rc<store::Store>);

#[wasm_bindgen]
impl Store {
    /// A new, empty database.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Store, JsValue> {
        store::Store::open_in_memory()
            .map(|s| Store(Rc::new(s)))
            .map_err(js_error)
    }

    /// Open a database image saved with `toBytes()` (older images are migrated).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Store, JsValue> {
        store::Store::from_bytes(bytes)
            .map(|s| Store(Rc::new(s)))
            .map_err(js_error)
    }

    /// The settings the store was opened with.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn options(&self) -> Result<JsValue, JsValue> {
        crate::options_to_js(self.0.options())
    }

    /// The whole database as an SQLite image, to save and reopen later.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Result<Vec<u8>, JsValue> {
        self.0.to_bytes().map_err(js_error)
    }

    /// The schema version of the database.
    #[wasm_bindgen(js_name = schemaVersion)]
    pub fn schema_version(&self) -> Result<f64, JsValue> {
        self.0.schema_version().map(|v| v as f64).map_err(js_error)
    }

    /// Save a session document (any schema version: older ones are upgraded).
    #[wasm_bindgen(js_name = saveSession)]
    pub fn save_session(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
        #[wasm_bindgen(unchecked_param_type = "object")] document: JsValue,
    ) -> Result<(), JsValue> {
        let value: serde_json::Value = from_js("document", &document)?;
        let doc = learnloop::migrate::upgrade_session(value).map_err(js_error)?;
        self.0
            .save_session(learner_id, session_id, &doc)
            .map_err(js_error)
    }

    /// The session document saved under `sessionId`.
    #[wasm_bindgen(js_name = loadSession, unchecked_return_type = "object")]
    pub fn load_session(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.load_session(session_id).map_err(js_error)?)
    }

    /// Save a session's adaptive state after an interaction.
    #[wasm_bindgen(js_name = saveAdaptiveState)]
    pub fn save_adaptive_state(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
        #[wasm_bindgen(unchecked_param_type = "object")] state: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] at: JsValue,
    ) -> Result<(), JsValue> {
        let state: learnloop::adaptive::AdaptiveState = from_js("state", &state)?;
        let at = time("at", &at)?.to_datetime();
        err(self.0.save_adaptive_state(session_id, &state, at))
    }

    /// A session's adaptive state, exactly as last saved.
    #[wasm_bindgen(js_name = adaptiveState, unchecked_return_type = "object")]
    pub fn adaptive_state(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.adaptive_state(session_id).map_err(js_error)?)
    }

    /// A learner's active sessions, most recent first.
    #[wasm_bindgen(js_name = activeSessions, unchecked_return_type = "object[]")]
    pub fn active_sessions(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        limit: u32,
    ) -> Result<JsValue, JsValue> {
        to_js(&err(self.0.active_sessions(learner_id, limit as usize))?)
    }

    /// Store cards; cards already stored (by id) are updated in place.
    #[wasm_bindgen(js_name = putCards)]
    pub fn put_cards(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Card[]")] cards: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] at: JsValue,
    ) -> Result<(), JsValue> {
        let cards: Vec<srs::Card> = from_js("cards", &cards)?;
        err(self
            .0
            .put_cards(learner_id, &cards, time("at", &at)?.to_datetime()))
    }

    /// Record one review: the card and its log, both or neither.
    #[wasm_bindgen(js_name = recordReview)]
    pub fn record_review(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Card")] card: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReviewLog")] log: JsValue,
    ) -> Result<(), JsValue> {
        let card: srs::Card = from_js("card", &card)?;
        let log: srs::ReviewLog = from_js("log", &log)?;
        self.0
            .record_review(learner_id, &card, &log)
            .map_err(js_error)
    }

    /// One of a learner's cards.
    #[wasm_bindgen(unchecked_return_type = "Card")]
    pub fn card(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(js_name = cardId)] card_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.card(learner_id, card_id).map_err(js_error)?)
    }

    /// Every card of a learner, in insertion order.
    #[wasm_bindgen(unchecked_return_type = "Card[]")]
    pub fn cards(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.cards(learner_id).map_err(js_error)?)
    }

    /// A card's review logs, oldest first.
    #[wasm_bindgen(js_name = reviewLogs, unchecked_return_type = "ReviewLog[]")]
    pub fn review_logs(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(js_name = cardId)] card_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.review_logs(learner_id, card_id).map_err(js_error)?)
    }

    /// The cards to study at `now`, in study order.
    #[wasm_bindgen(js_name = dueQueue, unchecked_return_type = "Card[]")]
    pub fn due_queue(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Options<QueueOptions>")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let options: srs::QueueOptions = self::options(&options)?;
        let now = time("now", &now)?.to_datetime();
        to_js(&err(self.0.due_queue(learner_id, now, &options))?)
    }

    /// Due counts for each of the next `days` days.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn forecast(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] now: JsValue,
        days: u32,
    ) -> Result<JsValue, JsValue> {
        let now = time("now", &now)?.to_datetime();
        to_js(&err(self.0.forecast(learner_id, now, days))?)
    }

    /// Record a consent decision ("analytics" or "research").
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Purpose")] purpose: &str,
        granted: bool,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] at: JsValue,
    ) -> Result<(), JsValue> {
        let (purpose, at) = (err(purpose.parse())?, time("at", &at)?.to_datetime());
        err(self.0.set_consent(learner_id, purpose, granted, at))
    }

    /// Everything stored about a learner, as one document.
    #[wasm_bindgen(js_name = exportLearner, unchecked_return_type = "object")]
    pub fn export_learner(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.export_learner(learner_id).map_err(js_error)?)
    }

    /// Import an `exportLearner` document, all or nothing.
    #[wasm_bindgen(js_name = importLearner)]
    pub fn import_learner(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object")] export: JsValue,
    ) -> Result<(), JsValue> {
        let export: store::LearnerExport = from_js("export", &export)?;
        self.0.import_learner(&export).map_err(js_error)
    }

    /// Erase every trace of a learner; returns the number of rows deleted.
    #[wasm_bindgen(js_name = eraseLearner)]
    pub fn erase_learner(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
    ) -> Result<u32, JsValue> {
        self.0
            .erase_learner(learner_id)
            .map(|n| n as u32)
            .map_err(js_error)
    }

    /// The actions in the audit log about a learner, oldest first.
    #[wasm_bindgen(js_name = auditActions, unchecked_return_type = "string[]")]
    pub fn audit_actions(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
    ) -> Result<JsValue, JsValue> {
        let entries = self.0.audit_log(Some(learner_id)).map_err(js_error)?;
        to_js(&entries.into_iter().map(|e| e.action).collect::<Vec<_>>())
    }

    /// The learner's latest decision for `purpose`, or `null` if never asked.
    #[wasm_bindgen(unchecked_return_type = "object | null")]
    pub fn consent(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Purpose")] purpose: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&err(self.0.consent(learner_id, err(purpose.parse())?))?)
    }

    /// The pseudonym the audit log and analytics use for a learner.
    #[wasm_bindgen(js_name = auditSubject)]
    pub fn audit_subject(&self, #[wasm_bindgen(js_name = learnerId)] learner_id: &str) -> String {
        self.0.audit_subject(learner_id)
    }

    /// Pseudonymised analytics of the learners who consented; `key` is the
    /// HMAC key (at least 16 bytes).
    #[wasm_bindgen(js_name = analyticsExport, unchecked_return_type = "object[]")]
    pub fn analytics_export(&self, key: &[u8]) -> Result<JsValue, JsValue> {
        to_js(&err(self.0.analytics_export(key))?)
    }

    /// Delete events older than `cutoff`; returns how many.
    #[wasm_bindgen(js_name = purgeEventsBefore)]
    pub fn purge_events_before(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] cutoff: JsValue,
    ) -> Result<u32, JsValue> {
        let cutoff = time("cutoff", &cutoff)?.to_datetime();
        err(self.0.purge_events_before(cutoff)).map(|n| n as u32)
    }

    /// Set a session's state ("active" or "completed") at `at`.
    #[wasm_bindgen(js_name = setSessionState)]
    pub fn set_session_state(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
        #[wasm_bindgen(unchecked_param_type = "SessionState")] state: &str,
        #[wasm_bindgen(unchecked_param_type = "DateInput")] at: JsValue,
    ) -> Result<(), JsValue> {
        let (state, at) = (err(state.parse())?, time("at", &at)?.to_datetime());
        err(self.0.set_session_state(session_id, state, at))
    }

    /// Append one adaptation record to a session's history.
    #[wasm_bindgen(js_name = appendAdaptation)]
    pub fn append_adaptation(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
        #[wasm_bindgen(unchecked_param_type = "object")] record: JsValue,
    ) -> Result<(), JsValue> {
        let record: learnloop::adaptive::AdaptationRecord = from_js("record", &record)?;
        err(self.0.append_adaptation(session_id, &record))
    }

    /// A session's adaptation history in time order, from `since` on if given.
    #[wasm_bindgen(js_name = adaptationHistory, unchecked_return_type = "object[]")]
    pub fn adaptation_history(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "DateInput")] since: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let since = match since {
            Some(t) if !t.is_undefined() && !t.is_null() => Some(time("since", &t)?.to_datetime()),
            _ => None,
        };
        to_js(&err(self.0.adaptation_history(session_id, since))?)
    }

    /// Record many reviews (`{ card, log }`, as `review` returns them) in one
    /// transaction, all or none.
    #[wasm_bindgen(js_name = recordReviews)]
    pub fn record_reviews(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "ReviewOutcome[]")] reviews: JsValue,
    ) -> Result<(), JsValue> {
        let reviews: Vec<srs::ReviewOutcome> = from_js("reviews", &reviews)?;
        let pairs: Vec<_> = reviews.into_iter().map(|r| (r.card, r.log)).collect();
        err(self.0.record_reviews(learner_id, &pairs))
    }

    /// Append events (`{ device, seq, at, kind, payload }`) to a learner's
    /// log; identical events already stored are skipped. Returns how many
    /// were new.
    #[wasm_bindgen(js_name = appendEvents)]
    pub fn append_events(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
        #[wasm_bindgen(unchecked_param_type = "object[]")] events: JsValue,
    ) -> Result<u32, JsValue> {
        let events: Vec<store::Event> = from_js("events", &events)?;
        err(self.0.append_events(learner_id, &events)).map(|n| n as u32)
    }

    /// A learner's events in time order.
    #[wasm_bindgen(unchecked_return_type = "object[]")]
    pub fn events(
        &self,
        #[wasm_bindgen(js_name = learnerId)] learner_id: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&err(self.0.events(learner_id))?)
    }
}
