//! Versioned session documents: read every version hosts have stored,
//! upgrade it to the current one.
//!
//! A session document has the shape of seed 000's session records:
//! `metadata` (with `schemaVersion`), `adaptiveState`,
//! `questionAdaptationHistory` and `messages`. Versions:
//!
//! | version | what it is |
//! |---|---|
//! | 1 (or no `schemaVersion` at all) | a pre-adaptive session: metadata and messages only |
//! | 2 (current) | adds `adaptiveState` and `questionAdaptationHistory`; messages carry `messageIndex` |
//!
//! Upgrading fills what a legacy document lacks with documented defaults
//! (see [`upgrade_session`]). A document from a newer version is
//! [`Error::VersionTooNew`]; a malformed one is [`Error::InvalidInput`]
//! naming the JSON path. Times are accepted as RFC 3339 strings, epoch
//! milliseconds, or Firestore timestamp objects (`{"_seconds", "_nanoseconds"}`
//! or `{"seconds", "nanoseconds"}`), and always written as RFC 3339 UTC.

use crate::adaptive::{AdaptationRecord, AdaptiveState};
use crate::json::utc;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The session document version this library writes.
pub const SESSION_SCHEMA_VERSION: i64 = 2;

crate::names::named_enum! {
    /// Whether a session is still going on.
    pub enum SessionState in "state" {
        /// In progress (listed by `active_sessions`).
        Active = "active",
        /// Finished.
        Completed = "completed",
    }
}

/// A session's metadata (`metadata`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionMetadata {
    /// The host's session token, if it keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Topics the session covers.
    pub topics: Vec<String>,
    /// Active or completed.
    pub state: SessionState,
    /// When the session started.
    #[serde(with = "utc")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "utc")]
    pub updated_at: DateTime<Utc>,
    /// The document version ([`SESSION_SCHEMA_VERSION`] once upgraded).
    pub schema_version: i64,
}

/// One message of the session's conversation (`messages[i]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Position in the conversation, from 0.
    pub message_index: u32,
    /// The text.
    pub text: String,
    /// Written by the learner (`true`) or the tutor (`false`).
    pub is_user: bool,
    /// When it was sent.
    #[serde(with = "utc")]
    pub timestamp: DateTime<Utc>,
    /// Host-defined adaptive context attached to the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive_context: Option<Value>,
}

/// A whole session document at the current version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionDocument {
    /// Metadata, with the version.
    pub metadata: SessionMetadata,
    /// What the engine knows about the learner in this session.
    pub adaptive_state: AdaptiveState,
    /// Every adaptation decision, oldest first.
    pub question_adaptation_history: Vec<AdaptationRecord>,
    /// The conversation, in order.
    pub messages: Vec<Message>,
}

impl SessionDocument {
    /// A new, empty, active session at the current version.
    pub fn new(topics: Vec<String>, at: DateTime<Utc>) -> Self {
        SessionDocument {
            metadata: SessionMetadata {
                token: None,
                topics,
                state: SessionState::Active,
                created_at: at,
                updated_at: at,
                schema_version: SESSION_SCHEMA_VERSION,
            },
            adaptive_state: AdaptiveState::initial(at),
            question_adaptation_history: Vec::new(),
            messages: Vec::new(),
        }
    }
}

/// Read a session document of any version from JSON text and upgrade it.
///
/// ```
/// use learnloop::migrate::{session_from_json, SESSION_SCHEMA_VERSION};
/// // A legacy document: no schemaVersion, no adaptive state.
/// let legacy = r#"{
///   "metadata": {"topics": ["fractions"], "state": "active",
///                "createdAt": "2025-03-01T10:00:00Z", "updatedAt": "2025-03-01T10:20:00Z"},
///   "messages": [{"text": "hi", "isUser": true, "timestamp": 1740823200000}]
/// }"#;
/// let doc = session_from_json(legacy)?;
/// assert_eq!(doc.metadata.schema_version, SESSION_SCHEMA_VERSION);
/// assert_eq!(doc.adaptive_state.adaptive_difficulty_level, 0.5);
/// assert_eq!(doc.messages[0].message_index, 0);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn session_from_json(text: &str) -> Result<SessionDocument> {
    let value: Value = crate::json::from_json(text)?;
    upgrade_session(value)
}

/// The version a session document declares: `metadata.schemaVersion`, else
/// a top-level `schemaVersion`, else 1 (legacy documents had none).
pub fn session_version(document: &Value) -> Result<i64> {
    let found = document
        .get("metadata")
        .and_then(|m| m.get("schemaVersion"))
        .map(|v| (v, "metadata.schemaVersion"))
        .or_else(|| document.get("schemaVersion").map(|v| (v, "schemaVersion")));
    match found {
        None => Ok(1),
        Some((v, field)) => match v.as_i64() {
            Some(n) if n >= 1 => Ok(n),
            _ => Err(Error::invalid(
                field,
                format!("{v} is not a schema version (a whole number from 1)"),
            )),
        },
    }
}

/// Upgrade a parsed session document of any version to the current one.
///
/// Defaults for what a version-1 document lacks: `state` "active";
/// `createdAt` the first message's time, `updatedAt` the last message's (or
/// `createdAt`); `topics` empty; `messageIndex` the message's position; an
/// initial [`AdaptiveState`] dated `updatedAt`; an empty adaptation history.
/// Unknown extra keys of a legacy document are dropped.
pub fn upgrade_session(mut document: Value) -> Result<SessionDocument> {
    if !document.is_object() {
        return Err(Error::invalid(
            "json",
            "a session document is a JSON object",
        ));
    }
    let version = session_version(&document)?;
    if version > SESSION_SCHEMA_VERSION {
        return Err(Error::VersionTooNew {
            what: "session.metadata.schemaVersion".into(),
            found: version,
            supported: SESSION_SCHEMA_VERSION,
        });
    }
    normalize_times(&mut document)?;
    if version < 2 {
        document = v1_to_v2(document)?;
    }
    let mut doc: SessionDocument = crate::json::from_value(document)?;
    doc.metadata.schema_version = SESSION_SCHEMA_VERSION;
    Ok(doc)
}

/// Version 1 to 2: add the adaptive fields, index the messages.
fn v1_to_v2(mut document: Value) -> Result<Value> {
    let root = object_mut(&mut document, "json")?;
    let mut messages = match root.remove("messages") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(Error::invalid(
                "messages",
                format!("expected a list, got {other}"),
            ));
        }
    };
    for (i, m) in messages.iter_mut().enumerate() {
        let m = object_mut(m, &format!("messages[{i}]"))?;
        m.entry("messageIndex").or_insert(Value::from(i as u64));
    }
    let first = messages.first().and_then(|m| m.get("timestamp")).cloned();
    let last = messages.last().and_then(|m| m.get("timestamp")).cloned();

    let metadata = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let meta = object_mut(metadata, "metadata")?;
    meta.entry("state")
        .or_insert(Value::from(SessionState::Active.as_str()));
    meta.entry("topics").or_insert(Value::Array(Vec::new()));
    if !meta.contains_key("createdAt") {
        let created = first.ok_or_else(|| {
            Error::invalid(
                "metadata.createdAt",
                "missing, and there is no message to date the session by",
            )
        })?;
        meta.insert("createdAt".into(), created);
    }
    if !meta.contains_key("updatedAt") {
        let updated = last.unwrap_or_else(|| meta["createdAt"].clone());
        meta.insert("updatedAt".into(), updated);
    }
    meta.insert("schemaVersion".into(), Value::from(2));
    let updated_at: DateTime<Utc> = crate::json::from_value::<Stamp>(meta["updatedAt"].clone())
        .map_err(|e| Error::invalid("metadata.updatedAt", e.to_string()))?
        .0;
    root.remove("schemaVersion");
    root.insert("messages".into(), Value::Array(messages));
    root.insert(
        "adaptiveState".into(),
        serde_json::to_value(AdaptiveState::initial(updated_at))
            .unwrap_or_else(|e| unreachable!("an adaptive state always serializes: {e}")),
    );
    root.insert("questionAdaptationHistory".into(), Value::Array(Vec::new()));
    Ok(document)
}

#[derive(Deserialize)]
struct Stamp(#[serde(with = "utc")] DateTime<Utc>);

fn object_mut<'a>(value: &'a mut Value, field: &str) -> Result<&'a mut Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::invalid(
            field,
            format!("expected an object, got {other}"),
        )),
    }
}

/// Rewrite every time field the document format knows into RFC 3339 UTC.
fn normalize_times(document: &mut Value) -> Result<()> {
    if let Some(meta) = document.get_mut("metadata") {
        for key in ["createdAt", "updatedAt"] {
            if let Some(t) = meta.get_mut(key) {
                normalize_time(t, &format!("metadata.{key}"))?;
            }
        }
    }
    if let Some(t) = document
        .get_mut("adaptiveState")
        .and_then(|s| s.get_mut("livePerformanceMetrics"))
        .and_then(|m| m.get_mut("lastUpdated"))
    {
        normalize_time(t, "adaptiveState.livePerformanceMetrics.lastUpdated")?;
    }
    for list in ["questionAdaptationHistory", "messages"] {
        if let Some(Value::Array(items)) = document.get_mut(list) {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(t) = item.get_mut("timestamp") {
                    normalize_time(t, &format!("{list}[{i}].timestamp"))?;
                }
            }
        }
    }
    Ok(())
}

/// An RFC 3339 string (kept), epoch milliseconds, or a Firestore timestamp
/// object, as an RFC 3339 UTC string.
fn normalize_time(t: &mut Value, field: &str) -> Result<()> {
    let bad = |why: &str| Error::invalid(field, format!("{t}: {why}"));
    let parsed = match &*t {
        Value::String(_) => return Ok(()),
        Value::Number(n) => {
            let ms = n
                .as_i64()
                .ok_or_else(|| bad("epoch milliseconds must be a whole number"))?;
            DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(|| bad("out of range"))?
        }
        Value::Object(o) => {
            let part = |a: &str, b: &str| o.get(a).or_else(|| o.get(b)).and_then(Value::as_i64);
            let seconds = part("_seconds", "seconds")
                .ok_or_else(|| bad("a timestamp object needs whole `seconds`"))?;
            let nanos = part("_nanoseconds", "nanoseconds").unwrap_or(0);
            let nanos = u32::try_from(nanos)
                .ok()
                .filter(|n| *n < 1_000_000_000)
                .ok_or_else(|| bad("nanoseconds must be from 0 to 999999999"))?;
            DateTime::<Utc>::from_timestamp(seconds, nanos).ok_or_else(|| bad("out of range"))?
        }
        _ => {
            return Err(bad(
                "expected a time (RFC 3339 text, epoch milliseconds or {seconds, nanoseconds})",
            ));
        }
    };
    *t = serde_json::to_value(Stamped(parsed))
        .unwrap_or_else(|e| unreachable!("a time always serializes: {e}"));
    Ok(())
}

#[derive(Serialize)]
struct Stamped(#[serde(with = "utc")] DateTime<Utc>);
