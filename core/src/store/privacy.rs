//! Export, import, erasure, the pseudonymised analytics export and the
//! retention policy.

use super::records::{self, Event, not_found};
use super::sessions;
use super::{Consent, Store, check_id, from_micros, micros, storage};
use crate::migrate::{SessionDocument, SessionState};
use crate::srs::{Card, ReviewLog};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::{BTreeMap, HashSet};

pub(super) fn hmac(key: &[u8], message: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().into()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Everything stored about one learner, as one JSON-ready document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerExport {
    /// The format's name, `learnloop.learner-export`.
    pub format: String,
    /// The format's version (1).
    pub version: i64,
    /// The learner's id.
    pub learner_id: String,
    /// When the learner was first stored.
    #[serde(with = "crate::json::utc")]
    pub created_at: DateTime<Utc>,
    /// Sessions by id.
    pub sessions: BTreeMap<String, SessionDocument>,
    /// Cards, in insertion order.
    pub cards: Vec<Card>,
    /// Review logs, oldest first.
    pub review_logs: Vec<ReviewLog>,
    /// The event log.
    pub events: Vec<Event>,
    /// Every consent decision, oldest first.
    pub consents: Vec<Consent>,
}

type SessionsById = Vec<(String, SessionDocument)>;

const EXPORT_FORMAT: &str = "learnloop.learner-export";

/// One consenting learner in the analytics export. Ids are keyed pseudonyms;
/// no free text (topics, messages, reasoning) is included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsRecord {
    /// HMAC-SHA-256 of the learner id under the caller's key, hex.
    pub learner: String,
    /// The learner's sessions.
    pub sessions: Vec<AnalyticsSession>,
    /// The learner's reviews.
    pub reviews: Vec<AnalyticsReview>,
}

/// A session in the analytics export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsSession {
    /// Pseudonym of the session id.
    pub session: String,
    /// Active or completed.
    pub state: SessionState,
    /// Number of topics (not their names).
    pub topic_count: usize,
    /// Difficulty level.
    pub adaptive_difficulty_level: f64,
    /// Understanding estimate.
    pub current_understanding: f64,
    /// Engagement estimate.
    pub current_engagement: f64,
    /// Adaptation decisions made.
    pub adaptations: usize,
    /// Messages exchanged.
    pub messages: usize,
}

/// A review in the analytics export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsReview {
    /// Pseudonym of the card id.
    pub card: String,
    /// 1-4.
    pub rating: u8,
    /// When.
    #[serde(with = "crate::json::utc")]
    pub reviewed_at: DateTime<Utc>,
    /// Days since the previous review.
    pub elapsed_days: u32,
}

impl Store {
    fn learner_created_at(&self, learner_id: &str) -> Result<DateTime<Utc>> {
        use rusqlite::OptionalExtension;
        let at: Option<i64> = self.read("export", |c| {
            c.query_row(
                "SELECT created_at FROM learners WHERE id = ?1",
                [learner_id],
                |r| r.get(0),
            )
            .optional()
        })?;
        at.map(from_micros)
            .ok_or_else(|| not_found("learner", learner_id))
    }

    /// Everything stored about `learner_id` as one document (audited).
    pub fn export_learner(&self, learner_id: &str) -> Result<LearnerExport> {
        let created_at = self.learner_created_at(learner_id)?;
        let session_ids: Vec<String> = self.read("export", |c| {
            c.prepare("SELECT id FROM sessions WHERE learner_id = ?1 ORDER BY id")?
                .query_map([learner_id], |r| r.get(0))?
                .collect()
        })?;
        let mut sessions = BTreeMap::new();
        for id in session_ids {
            let doc = self.load_session(&id)?;
            sessions.insert(id, doc);
        }
        let cards = self.cards(learner_id)?;
        let review_logs = self.learner_logs(learner_id)?;
        let events = self.events(learner_id)?;
        let consents: Vec<(String, bool, i64)> = self.read("export", |c| {
            c.prepare(
                "SELECT purpose, granted, at FROM consents WHERE learner_id = ?1 ORDER BY id",
            )?
            .query_map([learner_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
        })?;
        let consents = consents
            .into_iter()
            .map(|(p, granted, at)| {
                Ok(Consent {
                    purpose: p.parse()?,
                    granted,
                    at: from_micros(at),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.write("export", |tx| self.audit(tx, "export", Some(learner_id)))?;
        Ok(LearnerExport {
            format: EXPORT_FORMAT.into(),
            version: 1,
            learner_id: learner_id.into(),
            created_at,
            sessions,
            cards,
            review_logs,
            events,
            consents,
        })
    }

    /// Import a [`LearnerExport`] into this store, all or nothing. The
    /// learner must not exist here yet (import into an empty place; to
    /// replace, erase first).
    pub fn import_learner(&self, export: &LearnerExport) -> Result<()> {
        if export.format != EXPORT_FORMAT {
            return Err(Error::invalid(
                "export.format",
                format!("{:?} is not {EXPORT_FORMAT:?}", export.format),
            ));
        }
        if export.version != 1 {
            return Err(Error::VersionTooNew {
                what: "export.version".into(),
                found: export.version,
                supported: 1,
            });
        }
        let id = export.learner_id.as_str();
        check_id("export.learner_id", id)?;
        if self.learner_created_at(id).is_ok() {
            return Err(Error::invalid(
                "export.learner_id",
                "this learner already exists in the store",
            ));
        }
        for (i, e) in export.events.iter().enumerate() {
            check_id(&format!("export.events[{i}].device"), &e.device)?;
        }
        for (session_id, doc) in &export.sessions {
            doc.adaptive_state
                .check()
                .map_err(|e| e.within(&format!("export.sessions.{session_id}.adaptiveState")))?;
        }
        for (i, c) in export.cards.iter().enumerate() {
            c.check()
                .map_err(|e| e.within(&format!("export.cards[{i}]")))?;
        }
        // A log is stored with its card: each must have one in the export.
        let card_ids: HashSet<&str> = export.cards.iter().map(|c| c.id.as_str()).collect();
        for (i, l) in export.review_logs.iter().enumerate() {
            if !card_ids.contains(l.card_id.as_str()) {
                return Err(Error::invalid(
                    format!("export.review_logs[{i}].card_id"),
                    format!("{:?} is not the id of a card in export.cards", l.card_id),
                ));
            }
        }
        // One transaction through the same statements as the ordinary write
        // paths (so constraints are checked alike): any failure leaves
        // nothing behind.
        self.write("import", |tx| {
            tx.execute(
                "INSERT INTO learners (id, created_at) VALUES (?1, ?2)",
                params![id, micros(export.created_at)],
            )
            .map_err(storage("import"))?;
            for (session_id, doc) in &export.sessions {
                check_id("export.sessions.id", session_id)?;
                sessions::put_session_in(tx, id, session_id, doc)?;
            }
            records::learner_key(tx, id)
                .and_then(|key| {
                    records::put_cards_of(tx, key, &export.cards, None, |c| c)?;
                    records::put_logs_of(tx, key, &export.review_logs, |l| l)
                })
                .map_err(storage("import"))?;
            for c in &export.consents {
                tx.execute(
                    "INSERT INTO consents (learner_id, purpose, granted, at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, c.purpose.as_str(), c.granted, micros(c.at)],
                )
                .map_err(storage("import"))?;
            }
            records::append_events_in(tx, id, &export.events)?;
            self.audit(tx, "import", Some(id))
        })
    }

    /// Erase every trace of a learner in one transaction: sessions, history,
    /// messages, events, cards, review logs, consents. The audit log keeps
    /// its entries (they name only the learner's pseudonym) plus one for the
    /// erasure. Returns how many rows were deleted.
    ///
    /// No byte of the erased rows is left in the files: deleted content is
    /// overwritten with zeros (SQLite's `secure_delete`, on for every
    /// store), and the write-ahead log, which still holds the pages as they
    /// were, is copied into the database and emptied. If other connections
    /// keep the log from being emptied within the busy timeout, the rows
    /// are gone but the error says the log still holds them; calling
    /// `erase_learner` again (it is idempotent) finishes the job.
    pub fn erase_learner(&self, learner_id: &str) -> Result<usize> {
        let deleted = self.write("erase", |tx| {
            let mut n = 0;
            for sql in [
                "DELETE FROM adaptation_history WHERE session_id IN (SELECT id FROM sessions WHERE learner_id = ?1)",
                "DELETE FROM messages WHERE session_id IN (SELECT id FROM sessions WHERE learner_id = ?1)",
                "DELETE FROM sessions WHERE learner_id = ?1",
                "DELETE FROM events WHERE learner_id = ?1",
                "DELETE FROM review_logs WHERE card_position IN
                    (SELECT position FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1))",
                "DELETE FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1)",
                "DELETE FROM consents WHERE learner_id = ?1",
                "DELETE FROM sync_events WHERE learner_key = (SELECT key FROM learners WHERE id = ?1)",
                "DELETE FROM sync_peers WHERE learner_key = (SELECT key FROM learners WHERE id = ?1)",
                "DELETE FROM sync_replicas WHERE learner_key = (SELECT key FROM learners WHERE id = ?1)",
                "DELETE FROM sync_snapshots WHERE learner_key = (SELECT key FROM learners WHERE id = ?1)",
                "DELETE FROM learners WHERE id = ?1",
            ] {
                n += tx.execute(sql, [learner_id]).map_err(storage("erase"))?;
            }
            self.audit(tx, "erase", Some(learner_id))?;
            Ok(n)
        })?;
        // (busy, log frames, frames copied); an in-memory store has no log.
        let busy: i64 = self.read("erase", |c| {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        })?;
        if busy != 0 {
            return Err(Error::Storage {
                operation: "erase".into(),
                failure: crate::StorageFailure::Busy,
                message: "the learner's rows are deleted, but other connections kept the \
                          write-ahead log, which still holds them, from being emptied; \
                          call erase_learner again"
                    .into(),
                cause: None,
            });
        }
        Ok(deleted)
    }

    /// Pseudonymised analytics for every learner whose latest analytics
    /// consent is a grant. Ids become HMAC-SHA-256 under `key` (keep it
    /// secret; the same key gives the same pseudonyms across exports); no
    /// raw id or free text leaves the store. Audited per learner.
    pub fn analytics_export(&self, key: &[u8]) -> Result<Vec<AnalyticsRecord>> {
        if key.len() < 16 {
            return Err(Error::invalid(
                "key",
                "use a secret key of at least 16 bytes",
            ));
        }
        let consenting: Vec<String> = self.read("analytics_export", |c| {
            c.prepare(&format!(
                "SELECT learner_id FROM consents AS c WHERE purpose = 'analytics' AND granted = 1
                   AND id = {} ORDER BY learner_id",
                super::CURRENT_CONSENT
            ))?
            .query_map([], |r| r.get(0))?
            .collect()
        })?;
        let pseudonym = |id: &str| hex(&hmac(key, id));
        let mut out = Vec::with_capacity(consenting.len());
        for learner in &consenting {
            let export = self.sessions_and_reviews(learner)?;
            let sessions = export
                .0
                .iter()
                .map(|(id, doc)| AnalyticsSession {
                    session: pseudonym(id),
                    state: doc.metadata.state,
                    topic_count: doc.metadata.topics.len(),
                    adaptive_difficulty_level: doc.adaptive_state.adaptive_difficulty_level,
                    current_understanding: doc
                        .adaptive_state
                        .live_performance_metrics
                        .current_understanding,
                    current_engagement: doc
                        .adaptive_state
                        .live_performance_metrics
                        .current_engagement,
                    adaptations: doc.question_adaptation_history.len(),
                    messages: doc.messages.len(),
                })
                .collect();
            let reviews = export
                .1
                .iter()
                .map(|log| AnalyticsReview {
                    card: pseudonym(&log.card_id),
                    rating: log.rating.as_u8(),
                    reviewed_at: log.reviewed_at.into(),
                    elapsed_days: log.elapsed_days,
                })
                .collect();
            out.push(AnalyticsRecord {
                learner: pseudonym(learner),
                sessions,
                reviews,
            });
        }
        self.write("analytics_export", |tx| {
            for learner in &consenting {
                self.audit(tx, "analytics_export", Some(learner))?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    fn sessions_and_reviews(&self, learner_id: &str) -> Result<(SessionsById, Vec<ReviewLog>)> {
        let ids: Vec<String> = self.read("analytics_export", |c| {
            c.prepare("SELECT id FROM sessions WHERE learner_id = ?1 ORDER BY id")?
                .query_map([learner_id], |r| r.get(0))?
                .collect()
        })?;
        let sessions = ids
            .into_iter()
            .map(|id| self.load_session(&id).map(|d| (id, d)))
            .collect::<Result<Vec<_>>>()?;
        let logs = self.learner_logs(learner_id)?;
        Ok((sessions, logs))
    }

    /// Every review log of a learner, in the order they were recorded.
    fn learner_logs(&self, learner_id: &str) -> Result<Vec<ReviewLog>> {
        use super::records::{LOG_COLUMNS, LOGS_WITH_CARDS, log_from_row};
        self.read("review_logs", |c| {
            c.prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM {LOGS_WITH_CARDS}
                 WHERE c.learner_key = (SELECT key FROM learners WHERE id = ?1) ORDER BY r.id"
            ))?
            .query_map([learner_id], log_from_row)?
            .collect()
        })
    }

    /// The retention policy: delete every event older than `cutoff`, in one
    /// transaction (audited). Returns how many were deleted.
    pub fn purge_events_before(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        self.write("purge_events", |tx| {
            let n = tx
                .execute("DELETE FROM events WHERE at < ?1", [micros(cutoff)])
                .map_err(storage("purge_events"))?;
            self.audit(tx, "purge_events", None)?;
            Ok(n)
        })
    }
}
