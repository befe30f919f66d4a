//! Sessions: their documents, adaptive state, adaptation history and
//! messages.

use super::records::{SessionSummary, ensure_learner, not_found};
use super::{Store, check_id, from_micros, micros, storage};
use crate::adaptive::{AdaptationRecord, AdaptiveState};
use crate::migrate::{Message, SessionDocument, SessionMetadata, SessionState};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

impl Store {
    /// Save a whole session document (metadata, adaptive state, adaptation
    /// history, messages) under `session_id` for `learner_id`, replacing
    /// any earlier version of it. One transaction.
    pub fn save_session(
        &self,
        learner_id: &str,
        session_id: &str,
        doc: &SessionDocument,
    ) -> Result<()> {
        check_id("learner_id", learner_id)?;
        check_id("session_id", session_id)?;
        doc.adaptive_state
            .check()
            .map_err(|e| e.within("document.adaptiveState"))?;
        self.write("save_session", |tx| {
            put_session_in(tx, learner_id, session_id, doc)?;
            self.audit(tx, "save_session", Some(learner_id))
        })
    }

    /// The session document saved under `session_id`, exactly as saved.
    pub fn load_session(&self, session_id: &str) -> Result<SessionDocument> {
        let found = self.read("load_session", |c| {
            let head = c
                .query_row(
                    "SELECT token, topics, state, created_at, updated_at, schema_version, adaptive_state
                     FROM sessions WHERE id = ?1",
                    [session_id],
                    |r| {
                        Ok((
                            r.get::<_, Option<String>>(0)?,
                            r.get::<_, String>(1)?,
                            session_state(&r.get::<_, String>(2)?)?,
                            from_micros(r.get(3)?),
                            from_micros(r.get(4)?),
                            r.get::<_, i64>(5)?,
                            r.get::<_, String>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some(head) = head else { return Ok(None) };
            let history = read_history(c, session_id, None)?;
            let mut s = c.prepare_cached(
                "SELECT message_index, text, is_user, at, adaptive_context FROM messages
                 WHERE session_id = ?1 ORDER BY message_index",
            )?;
            let messages = s
                .query_map([session_id], |r| {
                    Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((head, history, messages)))
        })?;
        let Some((
            (token, topics, state, created_at, updated_at, schema_version, state_json),
            history,
            messages,
        )) = found
        else {
            return Err(not_found("session", session_id));
        };
        let messages = messages
            .into_iter()
            .map(|(message_index, text, is_user, at, context)| {
                Ok(Message {
                    message_index,
                    text,
                    is_user,
                    timestamp: from_micros(at),
                    adaptive_context: context.map(|c| crate::json::from_json(&c)).transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SessionDocument {
            metadata: SessionMetadata {
                token,
                topics: crate::json::from_json(&topics)?,
                state,
                created_at,
                updated_at,
                schema_version,
            },
            adaptive_state: crate::json::from_json(&state_json)?,
            question_adaptation_history: history,
            messages,
        })
    }

    /// Save a session's adaptive state (and its `updatedAt`), the hot path
    /// after each interaction. The session must exist.
    pub fn save_adaptive_state(
        &self,
        session_id: &str,
        state: &AdaptiveState,
        at: DateTime<Utc>,
    ) -> Result<()> {
        state.check().map_err(|e| e.within("state"))?;
        let json = crate::json::to_json(state);
        self.write("save_adaptive_state", |tx| {
            let learner: Option<String> = tx
                .prepare_cached(
                    "UPDATE sessions SET adaptive_state = ?2, learning_style = ?3, difficulty = ?4,
                            updated_at = ?5 WHERE id = ?1 RETURNING learner_id",
                )
                .and_then(|mut s| {
                    s.query_row(
                        params![
                            session_id,
                            json,
                            state.detected_learning_style,
                            state.adaptive_difficulty_level,
                            micros(at)
                        ],
                        |r| r.get(0),
                    )
                    .optional()
                })
                .map_err(storage("save_adaptive_state"))?;
            let learner = learner.ok_or_else(|| not_found("session", session_id))?;
            self.audit(tx, "save_adaptive_state", Some(&learner))
        })
    }

    /// A session's adaptive state, exactly as last saved.
    pub fn adaptive_state(&self, session_id: &str) -> Result<AdaptiveState> {
        let json: Option<String> = self.read("adaptive_state", |c| {
            c.prepare_cached("SELECT adaptive_state FROM sessions WHERE id = ?1")?
                .query_row([session_id], |r| r.get(0))
                .optional()
        })?;
        let json = json.ok_or_else(|| not_found("session", session_id))?;
        crate::json::from_json(&json)
    }

    /// Mark a session completed (or active again).
    pub fn set_session_state(
        &self,
        session_id: &str,
        state: SessionState,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.write("set_session_state", |tx| {
            let learner: Option<String> = tx
                .query_row(
                    "UPDATE sessions SET state = ?2, updated_at = ?3 WHERE id = ?1 RETURNING learner_id",
                    params![session_id, SessionState::as_str(state), micros(at)],
                    |r| r.get(0),
                )
                .optional()
                .map_err(storage("set_session_state"))?;
            let learner = learner.ok_or_else(|| not_found("session", session_id))?;
            self.audit(tx, "set_session_state", Some(&learner))
        })
    }

    /// A learner's active sessions, most recently updated first.
    pub fn active_sessions(&self, learner_id: &str, limit: usize) -> Result<Vec<SessionSummary>> {
        let rows = self.read("active_sessions", |c| {
            c.prepare_cached(
                "SELECT id, topics, updated_at, difficulty, learning_style FROM sessions
                 WHERE learner_id = ?1 AND state = 'active' ORDER BY updated_at DESC LIMIT ?2",
            )?
            .query_map(params![learner_id, limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, f64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(id, topics, updated, difficulty, style)| {
                Ok(SessionSummary {
                    id,
                    topics: crate::json::from_json(&topics)?,
                    state: SessionState::Active,
                    updated_at: from_micros(updated),
                    adaptive_difficulty_level: difficulty,
                    detected_learning_style: style,
                })
            })
            .collect()
    }

    /// Append one adaptation decision to a session's history.
    pub fn append_adaptation(&self, session_id: &str, record: &AdaptationRecord) -> Result<()> {
        self.write("append_adaptation", |tx| {
            let learner: Option<String> = tx
                .query_row("SELECT learner_id FROM sessions WHERE id = ?1", [session_id], |r| r.get(0))
                .optional()
                .map_err(storage("append_adaptation"))?;
            let learner = learner.ok_or_else(|| not_found("session", session_id))?;
            let seq: i64 = tx
                .query_row(
                    "SELECT COALESCE(MAX(seq), -1) + 1 FROM adaptation_history WHERE session_id = ?1",
                    [session_id],
                    |r| r.get(0),
                )
                .map_err(storage("append_adaptation"))?;
            insert_adaptation(tx, session_id, seq, record).map_err(storage("append_adaptation"))?;
            self.audit(tx, "append_adaptation", Some(&learner))
        })
    }

    /// A session's adaptation history in time order, from `since` on if given.
    pub fn adaptation_history(
        &self,
        session_id: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<AdaptationRecord>> {
        self.read("adaptation_history", |c| read_history(c, session_id, since))
    }
}

fn session_state(s: &str) -> rusqlite::Result<SessionState> {
    s.parse()
        .map_err(|e: Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Save a session document inside `tx` (no audit entry: callers add theirs).
pub(super) fn put_session_in(
    tx: &Connection,
    learner_id: &str,
    session_id: &str,
    doc: &SessionDocument,
) -> Result<()> {
    let state_json = crate::json::to_json(&doc.adaptive_state);
    let topics = crate::json::to_json(&doc.metadata.topics);
    ensure_learner(tx, learner_id, doc.metadata.created_at)?;
    check_session_owner(tx, learner_id, session_id, "save_session")?;
    let m = &doc.metadata;
    let st = &doc.adaptive_state;
    let run = || -> rusqlite::Result<()> {
        tx.execute(
            "INSERT INTO sessions (id, learner_id, token, topics, state, created_at, updated_at,
                                       schema_version, learning_style, difficulty, adaptive_state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET token = excluded.token, topics = excluded.topics,
                    state = excluded.state, created_at = excluded.created_at,
                    updated_at = excluded.updated_at, schema_version = excluded.schema_version,
                    learning_style = excluded.learning_style, difficulty = excluded.difficulty,
                    adaptive_state = excluded.adaptive_state",
            params![
                session_id,
                learner_id,
                m.token,
                topics,
                SessionState::as_str(m.state),
                micros(m.created_at),
                micros(m.updated_at),
                m.schema_version,
                st.detected_learning_style,
                st.adaptive_difficulty_level,
                state_json,
            ],
        )?;
        tx.execute(
            "DELETE FROM adaptation_history WHERE session_id = ?1",
            [session_id],
        )?;
        tx.execute("DELETE FROM messages WHERE session_id = ?1", [session_id])?;
        for (seq, r) in doc.question_adaptation_history.iter().enumerate() {
            insert_adaptation(tx, session_id, seq as i64, r)?;
        }
        let mut s = tx.prepare_cached(
            "INSERT INTO messages (session_id, message_index, text, is_user, at, adaptive_context)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for msg in &doc.messages {
            s.execute(params![
                session_id,
                msg.message_index,
                msg.text,
                msg.is_user,
                micros(msg.timestamp),
                msg.adaptive_context.as_ref().map(crate::json::to_json),
            ])?;
        }
        Ok(())
    };
    run().map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::invalid(
            "session.messages",
            format!("two messages share a messageIndex ({e})"),
        ),
        _ => storage("save_session")(e),
    })?;
    Ok(())
}

/// Refuse to write session `session_id` for `learner_id` when another
/// learner's session already has that id.
pub(super) fn check_session_owner(
    tx: &Connection,
    learner_id: &str,
    session_id: &str,
    operation: &str,
) -> Result<()> {
    let owner: Option<String> = tx
        .prepare_cached("SELECT learner_id FROM sessions WHERE id = ?1")
        .and_then(|mut s| s.query_row([session_id], |r| r.get(0)).optional())
        .map_err(storage(operation))?;
    match owner {
        Some(owner) if owner != learner_id => Err(Error::invalid(
            "session_id",
            format!("session {session_id:?} belongs to another learner"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn insert_adaptation(
    tx: &Connection,
    session_id: &str,
    seq: i64,
    r: &AdaptationRecord,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO adaptation_history (session_id, seq, at, question_id, difficulty, reasoning, performance_context)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        session_id,
        seq,
        micros(r.timestamp),
        r.question_id,
        r.adaptive_difficulty,
        r.adaptation_reasoning,
        r.performance_context,
    ])?;
    Ok(())
}

fn read_history(
    c: &rusqlite::Connection,
    session_id: &str,
    since: Option<DateTime<Utc>>,
) -> rusqlite::Result<Vec<AdaptationRecord>> {
    c.prepare_cached(
        "SELECT at, question_id, difficulty, reasoning, performance_context FROM adaptation_history
         WHERE session_id = ?1 AND at >= ?2 ORDER BY at, seq",
    )?
    .query_map(params![session_id, since.map_or(i64::MIN, micros)], |r| {
        Ok(AdaptationRecord {
            timestamp: from_micros(r.get(0)?),
            question_id: r.get(1)?,
            adaptive_difficulty: r.get(2)?,
            adaptation_reasoning: r.get(3)?,
            performance_context: r.get(4)?,
        })
    })?
    .collect()
}
