//! Events: the immutable facts a learner's state is folded from.
//!
//! An event is identified by the device that made it and that device's
//! sequence number, ordered by its [`Hlc`] stamp, and carries a kind, the
//! version of that kind's payload, and the payload as bytes. The log keeps
//! and forwards every event whole, including kinds and versions this
//! library does not know (a newer app's); only the fold reads payloads, and
//! reads only the kinds it knows ([`Body::of`]).

use super::hlc::Hlc;
use super::register::RegisterOp;
use super::vector::VersionVector;
use crate::adaptive::{AdaptiveState, Interaction};
use crate::error::check_id;
use crate::srs::Rating;
use crate::{Error, Result, Timestamp};
use serde::{Deserialize, Serialize};

/// Who made an event: a device and its sequence number (1, 2, 3, ... on
/// each device, without gaps).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId {
    /// The device's id (stable for the app's installation).
    pub device: String,
    /// The event's number on that device, from 1.
    pub seq: u64,
}

/// One event, as stored and exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The device and its sequence number.
    pub id: EventId,
    /// When, as a hybrid-logical-clock stamp: the fold's order is
    /// (hlc, device, seq).
    pub hlc: Hlc,
    /// What kind of fact (`review`, `card_added`, ...; any name a newer
    /// version of the app uses is kept too).
    pub kind: String,
    /// The version of the kind's payload.
    pub version: u16,
    /// The payload, encoded by the kind's version (postcard for the kinds
    /// of this library).
    pub payload: Vec<u8>,
}

/// The kinds this library writes and folds, each at its current version.
pub mod kind {
    /// A spaced-repetition review ([`super::Review`]).
    pub const REVIEW: (&str, u16) = ("review", 1);
    /// A card added to the learner's deck ([`super::CardChange`]).
    pub const CARD_ADDED: (&str, u16) = ("card_added", 1);
    /// A card removed from the deck ([`super::CardChange`]).
    pub const CARD_REMOVED: (&str, u16) = ("card_removed", 1);
    /// A value written to a register ([`super::RegisterWrite`]).
    pub const REGISTER: (&str, u16) = ("register", 1);
    /// An answer in an adaptive session ([`super::Answer`]).
    pub const ANSWER: (&str, u16) = ("answer", 1);
    /// The backend's decision on a session's adaptive state ([`super::Authority`]).
    pub const AUTHORITY: (&str, u16) = ("authority", 1);
}

/// Whether `kind` is one of this library's kinds (at any version).
pub(crate) fn is_library_kind(name: &str) -> bool {
    [
        kind::REVIEW,
        kind::CARD_ADDED,
        kind::CARD_REMOVED,
        kind::REGISTER,
        kind::ANSWER,
        kind::AUTHORITY,
    ]
    .iter()
    .any(|(k, _)| *k == name)
}

/// A review of a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The card.
    pub card: String,
    /// The answer.
    pub rating: Rating,
    /// When the learner answered, by the device's clock.
    pub reviewed_at: Timestamp,
    /// How long the answer took.
    #[serde(default)]
    pub duration_ms: Option<u32>,
}

/// A card added to or removed from the deck, at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardChange {
    /// The card.
    pub card: String,
    /// When, by the device's clock (a new card is due then).
    pub at: Timestamp,
}

/// A value written to a named register (see [`super::register`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterWrite {
    /// The register's name (`preferences.theme`, `profile.name`).
    pub register: String,
    /// How the value combines with the register's other writes.
    pub op: RegisterOp,
    /// The events the writer had seen, as a version vector: the write
    /// supersedes the writes among them (see [`super::register`]).
    #[serde(default)]
    pub seen: VersionVector,
}

/// An answer in an adaptive session: the adaptive engine's input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The session it belongs to.
    pub session: String,
    /// The answer and how it was given (its `at` by the device's clock).
    pub interaction: Interaction,
}

/// The backend's decision on an adaptive session: its state, as the
/// backend computed it from the events it had seen.
///
/// It replaces what those events made of the session, and nothing else:
/// an answer the backend had not seen (a phone's offline answer, delivered
/// after the decision) is applied again on top of the decided state, so
/// it still counts. Causality, not the clocks, decides: see
/// [`super::SessionFold`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// The session decided.
    pub session: String,
    /// The session's adaptive state as decided.
    pub state: AdaptiveState,
    /// The events the backend had seen when it decided.
    pub seen: VersionVector,
}

/// The payload of an event of a kind this library knows, at its version.
///
/// Its JSON form (what the bindings take) names the kind in `kind` beside
/// the payload's fields: `{"kind": "review", "card": "c1", "rating": 3,
/// "reviewed_at": "2026-01-05T09:00:00Z"}`.
///
/// ```
/// use learnloop::sync::Body;
/// let json = serde_json::json!({"kind": "card_added", "card": "c1", "at": "2026-01-05T09:00:00Z"});
/// let body = Body::from_json(json.clone())?;
/// assert_eq!(body.kind().0, "card_added");
/// assert_eq!(serde_json::to_value(&body).unwrap(), json);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// `review`.
    Review(Review),
    /// `card_added`.
    CardAdded(CardChange),
    /// `card_removed`.
    CardRemoved(CardChange),
    /// `register`.
    Register(RegisterWrite),
    /// `answer`.
    Answer(Answer),
    /// `authority`.
    Authority(Authority),
}

// The payloads as encoded (postcard): times as microseconds relative to the
// event's stamp, which a device's clock usually matches to a few seconds,
// so they take two or three bytes.

#[derive(Serialize, Deserialize)]
struct ReviewV1 {
    card: String,
    rating: u8,
    at_from_hlc_us: i64,
    duration_ms: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct AnswerV1 {
    session: String,
    question_id: String,
    score: f64,
    at_from_hlc_us: i64,
    difficulty: Option<f64>,
    response_time_ms: Option<u64>,
    expected_time_ms: Option<u64>,
    confidence: Option<f64>,
    hints_used: u32,
    content_format: Option<String>,
}

// The state as JSON text: it holds host-defined JSON documents, which a
// format without field names cannot carry.
#[derive(Serialize, Deserialize)]
struct AuthorityV1 {
    session: String,
    state_json: String,
    seen: VersionVector,
}

#[derive(Serialize, Deserialize)]
struct CardChangeV1 {
    card: String,
    at_from_hlc_us: i64,
}

/// Microseconds since 1970 of a stamp's millisecond.
fn hlc_micros(hlc: Hlc) -> i64 {
    hlc.millis() as i64 * 1_000
}

fn time_from(hlc: Hlc, delta_us: i64) -> Option<Timestamp> {
    Timestamp::from_micros(hlc_micros(hlc).checked_add(delta_us)?)
}

impl Body {
    /// A body from its JSON form (see [`Body`]); an error names the field
    /// at fault, under `body`.
    pub fn from_json(value: serde_json::Value) -> Result<Body> {
        let serde_json::Value::Object(mut fields) = value else {
            return Err(Error::invalid("body", "an object with a kind"));
        };
        let kind = match fields.remove("kind") {
            Some(serde_json::Value::String(kind)) => kind,
            _ => return Err(Error::invalid("body.kind", "a kind's name (text)")),
        };
        fn decode<T: serde::de::DeserializeOwned>(
            fields: serde_json::Map<String, serde_json::Value>,
        ) -> Result<T> {
            crate::json::from_value(serde_json::Value::Object(fields)).map_err(|e| e.within("body"))
        }
        let body = match kind.as_str() {
            k if k == kind::REVIEW.0 => Body::Review(decode(fields)?),
            k if k == kind::CARD_ADDED.0 => Body::CardAdded(decode(fields)?),
            k if k == kind::CARD_REMOVED.0 => Body::CardRemoved(decode(fields)?),
            k if k == kind::REGISTER.0 => Body::Register(decode(fields)?),
            k if k == kind::ANSWER.0 => Body::Answer(decode(fields)?),
            k if k == kind::AUTHORITY.0 => Body::Authority(decode(fields)?),
            other => {
                return Err(Error::invalid(
                    "body.kind",
                    format!("{other:?} is not a kind of this library (record it with its payload)"),
                ));
            }
        };
        body.check().map_err(|e| e.within("body"))?;
        Ok(body)
    }

    /// The kind and version this body is written as.
    pub fn kind(&self) -> (&'static str, u16) {
        match self {
            Body::Review(_) => kind::REVIEW,
            Body::CardAdded(_) => kind::CARD_ADDED,
            Body::CardRemoved(_) => kind::CARD_REMOVED,
            Body::Register(_) => kind::REGISTER,
            Body::Answer(_) => kind::ANSWER,
            Body::Authority(_) => kind::AUTHORITY,
        }
    }

    /// The body of `event` if this library knows its kind and version
    /// (`None`: a kind or version of a newer app, kept and forwarded but
    /// not folded). An event of a known kind whose payload does not decode,
    /// or names a card or register by an empty id or one with NUL, is an
    /// error naming the payload.
    pub fn of(event: &Event) -> Result<Option<Body>> {
        let bad = |what: &str| {
            Error::invalid(
                format!("event[{}:{}].payload", event.id.device, event.id.seq),
                format!("not a {what} payload of version {}", event.version),
            )
        };
        let body = match (event.kind.as_str(), event.version) {
            ("review", 1) => {
                let w: ReviewV1 =
                    postcard::from_bytes(&event.payload).map_err(|_| bad("review"))?;
                Body::Review(Review {
                    rating: Rating::try_from(w.rating).map_err(|_| bad("review"))?,
                    reviewed_at: time_from(event.hlc, w.at_from_hlc_us)
                        .ok_or_else(|| bad("review"))?,
                    card: w.card,
                    duration_ms: w.duration_ms,
                })
            }
            ("card_added" | "card_removed", 1) => {
                let w: CardChangeV1 =
                    postcard::from_bytes(&event.payload).map_err(|_| bad(&event.kind))?;
                let change = CardChange {
                    at: time_from(event.hlc, w.at_from_hlc_us).ok_or_else(|| bad(&event.kind))?,
                    card: w.card,
                };
                if event.kind == "card_added" {
                    Body::CardAdded(change)
                } else {
                    Body::CardRemoved(change)
                }
            }
            ("register", 1) => {
                Body::Register(postcard::from_bytes(&event.payload).map_err(|_| bad("register"))?)
            }
            ("answer", 1) => {
                let w: AnswerV1 =
                    postcard::from_bytes(&event.payload).map_err(|_| bad("answer"))?;
                let at = time_from(event.hlc, w.at_from_hlc_us).ok_or_else(|| bad("answer"))?;
                Body::Answer(Answer {
                    session: w.session,
                    interaction: Interaction {
                        question_id: w.question_id,
                        score: w.score,
                        at: at.to_datetime(),
                        difficulty: w.difficulty,
                        response_time_ms: w.response_time_ms,
                        expected_time_ms: w.expected_time_ms,
                        confidence: w.confidence,
                        hints_used: w.hints_used,
                        content_format: w.content_format,
                    },
                })
            }
            ("authority", 1) => {
                let w: AuthorityV1 =
                    postcard::from_bytes(&event.payload).map_err(|_| bad("authority"))?;
                Body::Authority(Authority {
                    session: w.session,
                    state: crate::json::from_json(&w.state_json).map_err(|_| bad("authority"))?,
                    seen: w.seen,
                })
            }
            _ => return Ok(None),
        };
        body.check().map_err(|_| bad(&event.kind))?;
        Ok(Some(body))
    }

    /// The ids a body names (its card, its register) follow the id rule.
    pub fn check(&self) -> Result<()> {
        match self {
            Body::Review(r) => check_id("card", &r.card),
            Body::CardAdded(c) | Body::CardRemoved(c) => check_id("card", &c.card),
            Body::Register(w) => check_id("register", &w.register),
            Body::Answer(a) => {
                check_id("session", &a.session)?;
                check_id("question_id", &a.interaction.question_id)
            }
            Body::Authority(a) => check_id("session", &a.session),
        }
    }

    /// The payload bytes of this body in an event stamped `hlc`.
    fn encode(&self, hlc: Hlc) -> Vec<u8> {
        let delta = |t: Timestamp| t.as_micros().saturating_sub(hlc_micros(hlc));
        let bytes = match self {
            Body::Review(r) => postcard::to_allocvec(&ReviewV1 {
                card: r.card.clone(),
                rating: r.rating as u8,
                at_from_hlc_us: delta(r.reviewed_at),
                duration_ms: r.duration_ms,
            }),
            Body::CardAdded(c) | Body::CardRemoved(c) => postcard::to_allocvec(&CardChangeV1 {
                card: c.card.clone(),
                at_from_hlc_us: delta(c.at),
            }),
            Body::Register(w) => postcard::to_allocvec(w),
            Body::Answer(a) => {
                let i = &a.interaction;
                postcard::to_allocvec(&AnswerV1 {
                    session: a.session.clone(),
                    question_id: i.question_id.clone(),
                    score: i.score,
                    at_from_hlc_us: delta(i.at.into()),
                    difficulty: i.difficulty,
                    response_time_ms: i.response_time_ms,
                    expected_time_ms: i.expected_time_ms,
                    confidence: i.confidence,
                    hints_used: i.hints_used,
                    content_format: i.content_format.clone(),
                })
            }
            Body::Authority(a) => postcard::to_allocvec(&AuthorityV1 {
                session: a.session.clone(),
                state_json: crate::json::to_json(&a.state),
                seen: a.seen.clone(),
            }),
        };
        // Plain data into a Vec cannot fail.
        bytes.unwrap_or_else(|e| unreachable!("postcard into a Vec: {e}"))
    }
}

impl Event {
    /// A new event of this library's kinds, made by `device` as its event
    /// number `seq`, stamped `hlc`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::srs::Rating;
    /// use learnloop::sync::{Body, Event, Hlc, Review};
    /// let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let review = Body::Review(Review { card: "card-1".into(), rating: Rating::Good, reviewed_at: at.into(), duration_ms: Some(4_200) });
    /// let event = Event::new("phone-1", 1, Hlc::new(1_767_603_600_000, 0)?, &review)?;
    /// assert_eq!((event.kind.as_str(), event.version), ("review", 1));
    /// assert_eq!(Body::of(&event)?, Some(review));
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn new(device: &str, seq: u64, hlc: Hlc, body: &Body) -> Result<Self> {
        check_id("device", device)?;
        body.check()?;
        if seq == 0 {
            return Err(Error::invalid("seq", "sequence numbers start at 1"));
        }
        let (kind, version) = body.kind();
        Ok(Event {
            id: EventId {
                device: device.to_string(),
                seq,
            },
            hlc,
            kind: kind.to_string(),
            version,
            payload: body.encode(hlc),
        })
    }

    /// The fold's order: stamp, then device, then sequence number.
    pub fn order_key(&self) -> (Hlc, &str, u64) {
        (self.hlc, &self.id.device, self.id.seq)
    }

    /// A 64-bit hash of the whole event (id, stamp, kind, version,
    /// payload), the same on every platform: the terms of the log's digest.
    pub fn hash64(&self) -> u64 {
        // FNV-1a over the fields, each length-prefixed, finished by SplitMix64.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        eat(self.id.device.as_bytes());
        eat(&self.id.seq.to_le_bytes());
        eat(&self.hlc.as_u64().to_le_bytes());
        eat(self.kind.as_bytes());
        eat(&self.version.to_le_bytes());
        eat(&self.payload);
        crate::math::SplitMix64::new(h).next_u64()
    }
}
