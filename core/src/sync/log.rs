//! A learner's event log on one replica: a set of events (merging is set
//! union, so applying is commutative, associative and idempotent), its
//! version vector, and an order-independent digest.

use super::event::{Event, EventId};
use super::hlc::Hlc;
use super::vector::VersionVector;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The events one replica sends another: every event the receiver's
/// version vector does not cover, and what the sender held when it made
/// them (its vector and digest), so the receiver can tell a divergence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The events, in the fold's order.
    pub events: Vec<Event>,
    /// The sender's version vector.
    pub vector: VersionVector,
    /// The sender's digest (see [`EventLog::digest`]).
    pub digest: u64,
    /// How many events the sender held (compacted ones included).
    pub count: u64,
    /// The events the sender compacted (folded into its snapshot and no
    /// longer sends), per device: a receiver that lacks any of them must
    /// resync from the snapshot.
    pub floor: VersionVector,
    /// The stamp of the last compacted event ([`Hlc::ZERO`]: none). The
    /// receiver's clock moves past it whatever the skew limit, so that
    /// nothing it records can fall before the floor.
    pub floor_stamp: Hlc,
}

/// What [`EventLog::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    /// Events the log did not hold.
    pub new: usize,
    /// Events it held already (ignored).
    pub duplicates: usize,
    /// The earliest new event in the fold's order, if any: derived state
    /// from there on must be folded again.
    pub earliest: Option<Hlc>,
}

/// A learner's events on one replica.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::sync::{Body, CardChange, Clock, Event, EventLog};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let (mut phone, mut laptop) = (EventLog::default(), EventLog::default());
/// let mut clock = Clock::default();
/// let added = Body::CardAdded(CardChange { card: "card-1".into(), at: now.into() });
/// phone.insert(Event::new("phone", 1, clock.tick(now), &added)?)?;
/// let changes = phone.changes_since(laptop.vector());
/// laptop.apply(&changes)?;
/// laptop.apply(&changes)?;                   // again: nothing changes
/// assert_eq!(laptop.digest(), phone.digest());
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventLog {
    /// Every event, in the fold's order.
    events: BTreeMap<(Hlc, EventId), Event>,
    /// The stamp of each event held, by id.
    stamps: HashMap<EventId, Hlc>,
    /// The highest sequence number ever held of each device.
    highest: BTreeMap<String, u64>,
    vector: VersionVector,
    digest: u64,
    /// The compacted events (see [`EventLog::compact_through`]).
    floor: Floor,
}

/// What a log's compacted events were: for each device the run 1..=n
/// compacted, how many in all, the last one in the fold's order, and
/// their digest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Floor {
    /// Per device, the compacted run.
    pub vector: VersionVector,
    /// How many events were compacted.
    pub count: u64,
    /// The last compacted event in the fold's order (stamp and id).
    pub through: Option<(Hlc, EventId)>,
    /// The digest of the compacted events.
    pub digest: u64,
}

impl EventLog {
    /// Add one event. `Ok(true)`: it is new; `Ok(false)`: the log held it
    /// already. The same id with different content is a conflict error
    /// and changes nothing.
    pub fn insert(&mut self, event: Event) -> Result<bool> {
        if self.check(&event)? {
            return Ok(false);
        }
        self.digest = self.digest.wrapping_add(event.hash64());
        self.stamps.insert(event.id.clone(), event.hlc);
        match self.highest.get_mut(&event.id.device) {
            Some(seq) => *seq = (*seq).max(event.id.seq),
            None => {
                self.highest.insert(event.id.device.clone(), event.id.seq);
            }
        }
        // The vector covers the unbroken run of this device's events.
        let mut next = EventId {
            device: event.id.device.clone(),
            seq: self.vector.get(&event.id.device) + 1,
        };
        self.events.insert((event.hlc, event.id.clone()), event);
        while self.stamps.contains_key(&next) {
            next.seq += 1;
        }
        self.vector.set(&next.device, next.seq - 1);
        Ok(true)
    }

    /// Whether the log holds `event` already (`Ok(true)`), or a conflict
    /// error if it holds a different event with the same id.
    fn check(&self, event: &Event) -> Result<bool> {
        let Some(hlc) = self.stamps.get(&event.id) else {
            // A compacted event is held (its content is no longer here to compare).
            return Ok(self.floor.vector.covers(&event.id.device, event.id.seq));
        };
        match self.events.get(&(*hlc, event.id.clone())) {
            Some(held) if held == event => Ok(true),
            _ => Err(conflict(&event.id)),
        }
    }

    /// Apply a change set: every event the log does not hold is added, in
    /// any order, duplicates ignored. All or nothing: a conflicting event
    /// (an id the log holds with other content) is an error and nothing is
    /// added. When both logs then hold exactly the events their (equal)
    /// vectors cover, nothing more, but their digests differ, the replicas
    /// diverged: an error, after the events were added.
    pub fn apply(&mut self, changes: &ChangeSet) -> Result<Applied> {
        // Events the sender compacted cannot come in a change set.
        if !self.vector.dominates(&changes.floor) {
            let missing = changes
                .floor
                .iter()
                .map(|(d, seq)| seq.saturating_sub(self.vector.get(d)))
                .sum();
            return Err(Error::ResyncNeeded { missing });
        }
        // Check everything first, so that a conflict adds nothing.
        let mut fresh: HashMap<&EventId, &Event> = HashMap::with_capacity(changes.events.len());
        for event in &changes.events {
            if self.check(event)? {
                continue;
            }
            if let Some(through) = &self.floor.through
                && (event.hlc, &event.id) < (through.0, &through.1)
            {
                return Err(Error::EventBelowFloor {
                    device: event.id.device.clone(),
                    seq: event.id.seq,
                });
            }
            match fresh.get(&event.id) {
                Some(first) if *first != event => return Err(conflict(&event.id)),
                _ => {
                    fresh.insert(&event.id, event);
                }
            }
        }
        let mut applied = Applied {
            duplicates: changes.events.len() - fresh.len(),
            ..Applied::default()
        };
        self.stamps.reserve(fresh.len());
        for event in fresh.into_values() {
            self.insert(event.clone())?;
            applied.new += 1;
            applied.earliest = Some(applied.earliest.map_or(event.hlc, |e| e.min(event.hlc)));
        }
        let covered: u64 = self.vector.iter().map(|(_, seq)| seq).sum();
        let same_events =
            self.vector == changes.vector && self.count() == covered && changes.count == covered;
        if same_events && self.digest != changes.digest {
            return Err(Error::Diverged {
                ours: self.digest,
                theirs: changes.digest,
            });
        }
        Ok(applied)
    }

    /// The events a replica whose vector is `vector` lacks, with this log's
    /// vector and digest.
    pub fn changes_since(&self, vector: &VersionVector) -> ChangeSet {
        ChangeSet {
            events: self
                .events
                .values()
                .filter(|e| !vector.covers(&e.id.device, e.id.seq))
                .cloned()
                .collect(),
            vector: self.vector.clone(),
            digest: self.digest,
            count: self.count(),
            floor: self.floor.vector.clone(),
            floor_stamp: self.floor.through.as_ref().map_or(Hlc::ZERO, |t| t.0),
        }
    }

    /// How many events the log has taken in, compacted ones included.
    pub fn count(&self) -> u64 {
        self.floor.count + self.events.len() as u64
    }

    /// The compacted events.
    pub fn floor(&self) -> &Floor {
        &self.floor
    }

    /// Drop every event up to `through` (in the fold's order) from the
    /// log: they stay counted in the vector, digest and count, and an
    /// event among them that arrives again is a duplicate. Each device's
    /// dropped events must be a run from its first (the caller compacts
    /// only events every replica holds). Returns how many were dropped.
    pub(crate) fn compact_through(&mut self, through: &(Hlc, EventId)) -> usize {
        let keep = self.events.split_off(&next_key(through));
        let dropped = std::mem::replace(&mut self.events, keep);
        for ((hlc, id), event) in &dropped {
            self.stamps.remove(id);
            let seq = self.floor.vector.get(&id.device).max(id.seq);
            self.floor.vector.set(&id.device, seq);
            self.floor.digest = self.floor.digest.wrapping_add(event.hash64());
            self.floor.through = Some((*hlc, id.clone()));
        }
        self.floor.count += dropped.len() as u64;
        dropped.len()
    }

    /// A log that starts at a snapshot's floor: nothing held yet, the
    /// compacted events counted.
    pub(crate) fn from_floor(floor: Floor) -> Self {
        EventLog {
            highest: floor
                .vector
                .iter()
                .map(|(d, seq)| (d.to_string(), seq))
                .collect(),
            vector: floor.vector.clone(),
            digest: floor.digest,
            floor,
            ..EventLog::default()
        }
    }

    /// The highest sequence number held of `device` (0: none), gaps or
    /// not, compacted or not.
    pub fn last_seq(&self, device: &str) -> u64 {
        let held = self.highest.get(device).copied().unwrap_or(0);
        held.max(self.floor.vector.get(device))
    }

    /// For each device, how many of its events the log holds without a gap.
    pub fn vector(&self) -> &VersionVector {
        &self.vector
    }

    /// A 64-bit digest of the set of events: the wrapping sum of each
    /// event's [`Event::hash64`], so it does not depend on the order events
    /// arrived in. Two replicas with the same events have the same digest.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// The events in the fold's order: (stamp, device, seq).
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.events.values()
    }

    /// The events from stamp `from` on, in the fold's order.
    pub fn events_from(&self, from: Hlc) -> impl Iterator<Item = &Event> {
        let start = (
            from,
            EventId {
                device: String::new(),
                seq: 0,
            },
        );
        self.events.range(start..).map(|(_, e)| e)
    }

    /// The events after the event `through` (stamp and id), in the fold's
    /// order.
    pub fn events_after(&self, through: &(Hlc, EventId)) -> impl Iterator<Item = &Event> {
        use std::ops::Bound;
        self.events
            .range((Bound::Excluded(through.clone()), Bound::Unbounded))
            .map(|(_, e)| e)
    }

    /// Number of events held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event is held.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// The smallest key after `key` in the fold's order.
fn next_key(key: &(Hlc, EventId)) -> (Hlc, EventId) {
    let mut next = key.clone();
    next.1.seq = next.1.seq.saturating_add(1);
    next
}

fn conflict(id: &EventId) -> Error {
    Error::EventConflict {
        device: id.device.clone(),
        seq: id.seq,
    }
}
