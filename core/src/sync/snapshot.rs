//! Snapshots: a replica's state at its floor (every compacted event folded
//! in) and what those events were, so that a replica too far behind for a
//! change set starts again from it, and the events after it follow as a
//! change set. Snapshot + tail folds to the same state as every event.

use super::event::EventId;
use super::fold::{LearnerState, SessionFold};
use super::hlc::Hlc;
use super::log::Floor;
use super::register::Registers;
use crate::srs::Card;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The format version written as the first byte of [`Snapshot::to_bytes`].
pub const SNAPSHOT_FORMAT: u8 = 1;

/// A replica's state at its floor (see [`super::Replica::compact`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The compacted events: per device, count, last, digest.
    pub floor: Floor,
    /// The state after every compacted event.
    pub state: LearnerState,
}

/// The state in full (registers with every write), as a snapshot holds it.
#[derive(Serialize)]
struct StateRef<'a> {
    cards: &'a BTreeMap<String, Card>,
    removed: &'a BTreeSet<String>,
    registers: super::register::FullRegisters<'a>,
    sessions: &'a BTreeMap<String, SessionFold>,
    unknown: usize,
    skipped: &'a [EventId],
    last: Option<Hlc>,
}

#[derive(Deserialize)]
struct StateOwned {
    cards: BTreeMap<String, Card>,
    removed: BTreeSet<String>,
    registers: Registers,
    sessions: BTreeMap<String, SessionFold>,
    unknown: usize,
    skipped: Vec<EventId>,
    last: Option<Hlc>,
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    floor: &'a Floor,
    state: StateRef<'a>,
}

#[derive(Deserialize)]
struct SnapshotOwned {
    floor: Floor,
    state: StateOwned,
}

impl Snapshot {
    /// The snapshot in its binary form: a format byte, then JSON (the
    /// state holds host-defined JSON documents).
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = &self.state;
        let wire = SnapshotRef {
            floor: &self.floor,
            state: StateRef {
                cards: &s.cards,
                removed: &s.removed,
                registers: s.registers.full(),
                sessions: &s.sessions,
                unknown: s.unknown,
                skipped: &s.skipped,
                last: s.last,
            },
        };
        let mut bytes = vec![SNAPSHOT_FORMAT];
        // Plain data into a Vec cannot fail.
        serde_json::to_writer(&mut bytes, &wire)
            .unwrap_or_else(|e| unreachable!("JSON into a Vec: {e}"));
        bytes
    }

    /// A snapshot from its binary form; anything malformed is an error
    /// naming the field (`snapshot.format`, `snapshot.state.cards`, ...).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (&format, rest) = bytes
            .split_first()
            .ok_or_else(|| Error::invalid("snapshot.format", "empty input"))?;
        if format != SNAPSHOT_FORMAT {
            return Err(Error::VersionTooNew {
                what: "snapshot.format".into(),
                found: i64::from(format),
                supported: i64::from(SNAPSHOT_FORMAT),
            });
        }
        let text = std::str::from_utf8(rest)
            .map_err(|_| Error::invalid("snapshot.bytes", "not UTF-8 JSON"))?;
        let wire: SnapshotOwned = crate::json::from_json(text).map_err(|e| e.within("snapshot"))?;
        let s = wire.state;
        Ok(Snapshot {
            floor: wire.floor,
            state: LearnerState {
                cards: s.cards,
                removed: s.removed,
                // A snapshot written before superseded writes were
                // collected holds them: collected here, as the fold does.
                registers: s.registers.collected(),
                sessions: s.sessions,
                unknown: s.unknown,
                skipped: s.skipped,
                last: s.last,
            },
        })
    }
}
