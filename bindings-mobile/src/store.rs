//! `Store`: the core's SQLite store for Kotlin, Swift and Dart. Cards and
//! review logs cross as records; session documents, adaptive state and
//! learner exports cross as JSON text in the core's serialized shapes (the
//! same documents every other language stores).

use crate::Result;
use learnloop::migrate::SessionState;
use learnloop::srs::{Card, QueueOptions, ReviewLog, ReviewOutcome};
use learnloop::store::{self, Purpose, StoreOptions};
use std::sync::Arc;
use std::time::SystemTime;

/// The store's default settings.
#[uniffi::export]
pub fn default_store_options() -> StoreOptions {
    StoreOptions::default()
}

/// An embedded learnloop database (SQLite, WAL), migrated on open. Safe to
/// share between threads; calls block on I/O, so call it off the UI thread.
#[derive(uniffi::Object)]
pub struct Store(store::Store);

impl Store {
    /// The core store.
    pub(crate) fn core(&self) -> &store::Store {
        &self.0
    }
}

#[uniffi::export]
impl Store {
    /// The sync replica of `learnerId` kept in this store, this database
    /// being device `device` for that learner; cards fold with `fsrs` and
    /// sessions with `engine` (their defaults when not given).
    #[uniffi::method(default(fsrs = None, engine = None))]
    pub fn replica(
        self: Arc<Self>,
        learner_id: String,
        device: String,
        now: learnloop::Timestamp,
        fsrs: Option<Arc<crate::srs::Fsrs>>,
        engine: Option<Arc<crate::learner::AdaptiveEngine>>,
    ) -> Result<Arc<crate::sync::StoredReplica>> {
        crate::sync::open(self, learner_id, device, now, fsrs, engine)
    }

    /// Open (creating it if missing) the database file at `path`.
    #[uniffi::constructor]
    pub fn open(path: String, options: StoreOptions) -> Result<Arc<Self>> {
        Ok(Arc::new(Store(store::Store::open_with(path, options)?)))
    }

    /// The settings the store was opened with.
    pub fn options(&self) -> StoreOptions {
        self.0.options().clone()
    }

    /// A private in-memory database.
    #[uniffi::constructor]
    pub fn in_memory() -> Result<Arc<Self>> {
        Ok(Arc::new(Store(store::Store::open_in_memory()?)))
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.0.schema_version()?)
    }

    /// Save a session document (JSON, any schema version: older ones are
    /// upgraded), replacing an earlier version of it.
    pub fn save_session(&self, learner_id: String, session_id: String, json: String) -> Result<()> {
        let doc = learnloop::migrate::session_from_json(&json)?;
        Ok(self.0.save_session(&learner_id, &session_id, &doc)?)
    }

    /// The session document saved under `session_id`, as JSON.
    pub fn load_session(&self, session_id: String) -> Result<String> {
        Ok(learnloop::json::to_json(&self.0.load_session(&session_id)?))
    }

    /// Save a session's adaptive state (JSON) after an interaction.
    pub fn save_adaptive_state(
        &self,
        session_id: String,
        json: String,
        at: SystemTime,
    ) -> Result<()> {
        let state: learnloop::adaptive::AdaptiveState = learnloop::json::from_json(&json)?;
        Ok(self.0.save_adaptive_state(&session_id, &state, at.into())?)
    }

    /// A session's adaptive state as JSON, exactly as last saved.
    pub fn adaptive_state(&self, session_id: String) -> Result<String> {
        Ok(learnloop::json::to_json(
            &self.0.adaptive_state(&session_id)?,
        ))
    }

    /// A learner's active sessions, most recent first, as a JSON array.
    pub fn active_sessions(&self, learner_id: String, limit: u32) -> Result<String> {
        Ok(learnloop::json::to_json(
            &self.0.active_sessions(&learner_id, limit as usize)?,
        ))
    }

    /// Store cards; cards already stored (by id) are updated in place.
    pub fn put_cards(&self, learner_id: String, cards: Vec<Card>, at: SystemTime) -> Result<()> {
        Ok(self.0.put_cards(&learner_id, &cards, at.into())?)
    }

    /// Record one review: the card and its log, both or neither.
    pub fn record_review(&self, learner_id: String, card: Card, log: ReviewLog) -> Result<()> {
        Ok(self.0.record_review(&learner_id, &card, &log)?)
    }

    /// One of a learner's cards.
    pub fn card(&self, learner_id: String, card_id: String) -> Result<Card> {
        Ok(self.0.card(&learner_id, &card_id)?)
    }

    /// Every card of a learner, in insertion order.
    pub fn cards(&self, learner_id: String) -> Result<Vec<Card>> {
        Ok(self.0.cards(&learner_id)?)
    }

    /// A card's review logs, oldest first.
    pub fn review_logs(&self, learner_id: String, card_id: String) -> Result<Vec<ReviewLog>> {
        Ok(self.0.review_logs(&learner_id, &card_id)?)
    }

    /// The cards to study at `now`, in order: learning, reviews, new.
    pub fn due_queue(
        &self,
        learner_id: String,
        now: SystemTime,
        options: QueueOptions,
    ) -> Result<Vec<Card>> {
        Ok(self.0.due_queue(&learner_id, now.into(), &options)?)
    }

    /// Due counts for each of the next `days` days.
    pub fn forecast(&self, learner_id: String, now: SystemTime, days: u32) -> Result<Vec<u32>> {
        Ok(self.0.forecast(&learner_id, now.into(), days)?)
    }

    /// Record a consent decision.
    pub fn set_consent(
        &self,
        learner_id: String,
        purpose: Purpose,
        granted: bool,
        at: SystemTime,
    ) -> Result<()> {
        Ok(self
            .0
            .set_consent(&learner_id, purpose, granted, at.into())?)
    }

    /// The learner's latest decision for `purpose` (None if never asked).
    pub fn consent_granted(&self, learner_id: String, purpose: Purpose) -> Result<Option<bool>> {
        Ok(self.0.consent(&learner_id, purpose)?.map(|c| c.granted))
    }

    /// Everything stored about a learner, as one JSON document.
    pub fn export_learner(&self, learner_id: String) -> Result<String> {
        Ok(learnloop::json::to_json(
            &self.0.export_learner(&learner_id)?,
        ))
    }

    /// Import an `export_learner` document, all or nothing.
    pub fn import_learner(&self, json: String) -> Result<()> {
        let export: store::LearnerExport = learnloop::json::from_json(&json)?;
        Ok(self.0.import_learner(&export)?)
    }

    /// Erase every trace of a learner; returns the number of rows deleted.
    pub fn erase_learner(&self, learner_id: String) -> Result<u64> {
        Ok(self.0.erase_learner(&learner_id)? as u64)
    }

    /// Pseudonymised analytics (JSON) for learners who consented; `key` is
    /// the HMAC key (at least 16 bytes).
    pub fn analytics_export(&self, key: Vec<u8>) -> Result<String> {
        Ok(learnloop::json::to_json(&self.0.analytics_export(&key)?))
    }

    /// Delete events older than `cutoff`; returns how many.
    pub fn purge_events_before(&self, cutoff: SystemTime) -> Result<u64> {
        Ok(self.0.purge_events_before(cutoff.into())? as u64)
    }

    /// The actions recorded in the audit log about a learner, oldest first.
    pub fn audit_actions(&self, learner_id: String) -> Result<Vec<String>> {
        Ok(self
            .0
            .audit_log(Some(&learner_id))?
            .into_iter()
            .map(|e| e.action)
            .collect())
    }

    /// The pseudonym the audit log and analytics use for a learner.
    pub fn audit_subject(&self, learner_id: String) -> String {
        self.0.audit_subject(&learner_id)
    }

    /// Set a session's state at `at`.
    pub fn set_session_state(
        &self,
        session_id: String,
        state: SessionState,
        at: SystemTime,
    ) -> Result<()> {
        Ok(self.0.set_session_state(&session_id, state, at.into())?)
    }

    /// Append one adaptation record (JSON) to a session's history.
    pub fn append_adaptation(&self, session_id: String, json: String) -> Result<()> {
        let record: learnloop::adaptive::AdaptationRecord = learnloop::json::from_json(&json)?;
        Ok(self.0.append_adaptation(&session_id, &record)?)
    }

    /// A session's adaptation history in time order (from `since` on if
    /// given), as a JSON array.
    #[uniffi::method(default(since = None))]
    pub fn adaptation_history(
        &self,
        session_id: String,
        since: Option<SystemTime>,
    ) -> Result<String> {
        let since = since.map(Into::into);
        Ok(learnloop::json::to_json(
            &self.0.adaptation_history(&session_id, since)?,
        ))
    }

    /// Record many reviews (card and log, as `review` returns them) in one
    /// transaction, all or none.
    pub fn record_reviews(&self, learner_id: String, reviews: Vec<ReviewOutcome>) -> Result<()> {
        let pairs: Vec<_> = reviews.into_iter().map(|r| (r.card, r.log)).collect();
        Ok(self.0.record_reviews(&learner_id, &pairs)?)
    }

    /// Append events (a JSON array of `{device, seq, at, kind, payload}`) to
    /// a learner's log; identical events already stored are skipped.
    /// Returns how many were new.
    pub fn append_events(&self, learner_id: String, json: String) -> Result<u64> {
        let events: Vec<store::Event> = learnloop::json::from_json(&json)?;
        Ok(self.0.append_events(&learner_id, &events)? as u64)
    }

    /// A learner's events in time order, as a JSON array.
    pub fn events(&self, learner_id: String) -> Result<String> {
        Ok(learnloop::json::to_json(&self.0.events(&learner_id)?))
    }
}
