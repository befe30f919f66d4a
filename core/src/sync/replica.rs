//! What one device holds of a learner: its clock, the event log and the
//! state folded from it, kept current as events are recorded and applied.

use super::event::{Body, Event, EventId};
use super::fold::{LearnerState, Rules};
use super::hlc::{Clock, Hlc};
use super::log::{Applied, ChangeSet, EventLog};
use super::snapshot::Snapshot;
use super::vector::VersionVector;
use crate::error::check_id;
use crate::{Result, Timestamp};

/// One device's copy of a learner.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::adaptive::Engine;
/// use learnloop::srs::{Fsrs, Rating};
/// use learnloop::sync::{Body, CardChange, Replica, Review, Rules};
/// let (fsrs, engine) = (Fsrs::default(), Engine::default());
/// let rules = Rules { scheduler: &fsrs, engine: &engine };
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let (mut phone, mut laptop) = (Replica::new("phone")?, Replica::new("laptop")?);
/// phone.record(Body::CardAdded(CardChange { card: "c1".into(), at: now.into() }), now, rules)?;
/// laptop.apply(&phone.changes_since(laptop.vector()), now, rules)?;
/// // Both review the same card offline; after syncing, both reviews count.
/// let review = |rating| Body::Review(Review { card: "c1".into(), rating, reviewed_at: now.into(), duration_ms: None });
/// phone.record(review(Rating::Good), now, rules)?;
/// laptop.record(review(Rating::Again), now, rules)?;
/// laptop.apply(&phone.changes_since(laptop.vector()), now, rules)?;
/// phone.apply(&laptop.changes_since(phone.vector()), now, rules)?;
/// assert_eq!(phone.state(), laptop.state());
/// assert_eq!(phone.state().cards["c1"].reps, 2);
/// assert_eq!(phone.digest(), laptop.digest());
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Replica {
    device: String,
    clock: Clock,
    log: EventLog,
    state: LearnerState,
    /// States part-way through the fold, oldest first: a late event is
    /// folded from the last one before it rather than from nothing.
    checkpoints: Vec<Checkpoint>,
    /// Events folded since the last checkpoint was taken.
    since_checkpoint: usize,
    /// A checkpoint is taken every this many events folded.
    checkpoint_every: usize,
    /// The state after every compacted event: where a full fold starts.
    base: LearnerState,
}

/// The state after every event up to `through` (in the fold's order).
#[derive(Debug, Clone)]
struct Checkpoint {
    through: (Hlc, EventId),
    state: LearnerState,
}

/// What another device last reported holding: its version vector and its
/// clock (see [`Replica::compact`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Acknowledgement {
    /// The events it holds.
    pub vector: VersionVector,
    /// Its clock when it reported ([`Replica::clock`]).
    pub clock: Hlc,
}

/// By default a checkpoint is taken every this many events folded ...
pub const CHECKPOINT_EVERY: usize = 2_048;
/// ... and the latest this many are kept: a late event within the last
/// 16,384 events folds from a checkpoint, an older one from the start.
pub const CHECKPOINTS_KEPT: usize = 8;

/// Two replicas are equal when they are the same device holding the same
/// events, clock and state (checkpoints are a cache, not compared).
impl PartialEq for Replica {
    fn eq(&self, other: &Self) -> bool {
        self.device == other.device
            && self.clock == other.clock
            && self.log == other.log
            && self.state == other.state
    }
}

impl Replica {
    /// An empty replica on `device` (a non-empty id without NUL).
    pub fn new(device: &str) -> Result<Self> {
        check_id("device", device)?;
        Ok(Replica {
            device: device.to_string(),
            clock: Clock::default(),
            log: EventLog::default(),
            state: LearnerState::default(),
            checkpoints: Vec::new(),
            since_checkpoint: 0,
            checkpoint_every: CHECKPOINT_EVERY,
            base: LearnerState::default(),
        })
    }

    /// Take a checkpoint every `events` events folded from now on (at
    /// least 1; [`CHECKPOINT_EVERY`] by default): more often costs memory
    /// and copies, less often makes a late event refold more.
    pub fn set_checkpoint_interval(&mut self, events: usize) {
        self.checkpoint_every = events.max(1);
    }

    /// The replica of `device` holding `events` (as a store keeps them)
    /// after `snapshot` if it compacted, its clock resumed from `clock`
    /// (the last stamp it gave): the state is folded from the snapshot and
    /// the events.
    pub fn restore(
        device: &str,
        clock: Hlc,
        snapshot: Option<Snapshot>,
        events: impl IntoIterator<Item = Event>,
        rules: Rules<'_>,
    ) -> Result<Self> {
        let mut replica = Replica::new(device)?;
        if let Some(snapshot) = snapshot {
            replica.log = EventLog::from_floor(snapshot.floor);
            replica.base = snapshot.state;
            replica.state = replica.base.clone();
        }
        for event in events {
            replica.log.insert(event)?;
        }
        replica.clock = Clock::resume(clock);
        replica.fold_from(Hlc::ZERO, rules);
        Ok(replica)
    }

    /// The last stamp this replica's clock gave or observed.
    pub fn clock(&self) -> Hlc {
        self.clock.last()
    }

    /// Take in the stamp of every event held, at `now` (see
    /// [`Clock::observe`]): after a restore, the next event made here comes
    /// after everything this replica had seen.
    pub fn observe_log(&mut self, now: impl Into<Timestamp>) {
        if let Some(last) = self.log.events().next_back() {
            self.clock.observe(last.hlc, now);
        }
    }

    /// Record a fact made on this device at `now` (its clock): the event is
    /// stamped, numbered, added to the log and folded. Returns the event.
    pub fn record(
        &mut self,
        body: Body,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Event> {
        self.push(now.into(), rules, |id, hlc| {
            Event::new(&id.device, id.seq, hlc, &body)
        })
    }

    /// Apply another replica's change set at `now` (this device's clock):
    /// see [`EventLog::apply`]. The state is folded again from the earliest
    /// new event on.
    pub fn apply(
        &mut self,
        changes: &ChangeSet,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Applied> {
        let now = now.into();
        // A floor is never ahead of the clocks its devices reported: adopt
        // it past the skew limit, so nothing recorded here falls before it.
        self.clock = Clock::resume(self.clock.last().max(changes.floor_stamp));
        let applied = self.log.apply(changes);
        // Events added before a divergence was found are kept and folded.
        let earliest = match &applied {
            Ok(a) => a.earliest,
            Err(_) => Some(Hlc::ZERO),
        };
        for event in &changes.events {
            self.clock.observe(event.hlc, now);
        }
        if let Some(from) = earliest {
            self.fold_from(from, rules);
        }
        applied
    }

    /// Bring the state up to date after events from stamp `from` on were
    /// added: fold just those when they all come after the state, else
    /// fold again from the last checkpoint before them, or from nothing.
    fn fold_from(&mut self, from: Hlc, rules: Rules<'_>) {
        let incremental = self.state.last.is_none_or(|last| from > last);
        let mut resume = None;
        if !incremental {
            // Checkpoints at or after `from` may lack the new events.
            self.checkpoints.retain(|c| c.through.0 < from);
            self.since_checkpoint = 0;
            self.state = match self.checkpoints.last() {
                Some(c) => {
                    resume = Some(c.through.clone());
                    c.state.clone()
                }
                None => self.base.clone(),
            };
        }
        let events: Box<dyn Iterator<Item = &Event>> = match (&resume, incremental) {
            (_, true) => Box::new(self.log.events_from(from)),
            (Some(through), false) => Box::new(self.log.events_after(through)),
            (None, false) => Box::new(self.log.events()),
        };
        for event in events {
            self.state.step(event, rules);
            self.since_checkpoint += 1;
            if self.since_checkpoint >= self.checkpoint_every {
                self.since_checkpoint = 0;
                if self.checkpoints.len() == CHECKPOINTS_KEPT {
                    self.checkpoints.remove(0);
                }
                self.checkpoints.push(Checkpoint {
                    through: (event.hlc, event.id.clone()),
                    state: self.state.clone(),
                });
            }
        }
    }

    /// The state folded again from the floor over every event held,
    /// without checkpoints: what [`Replica::state`] must equal.
    pub fn refolded(&self, rules: Rules<'_>) -> LearnerState {
        let mut state = self.base.clone();
        for event in self.log.events() {
            state.step(event, rules);
        }
        state
    }

    /// Compact the events every replica holds. `acknowledged` holds, for
    /// every other device that may still send events, what it last
    /// reported: its version vector and its clock ([`Replica::clock`]).
    /// When this replica holds everything they hold, the events up to the
    /// first one some device lacks, and stamped before every reported clock
    /// (a device stamps its later events after its clock, whatever its wall
    /// time), are folded into the snapshot and dropped from the log; they
    /// stay counted in the vector and digest. A replica that then asks for
    /// changes without holding them gets [`crate::Error::ResyncNeeded`] and
    /// resyncs from [`Replica::snapshot`]. With no acknowledgement nothing
    /// is compacted. Returns how many events were compacted.
    pub fn compact(&mut self, acknowledged: &[Acknowledgement], rules: Rules<'_>) -> usize {
        if acknowledged.is_empty()
            || !acknowledged
                .iter()
                .all(|a| self.log.vector().dominates(&a.vector))
        {
            // Some device holds events this one has not seen: their stamps
            // are unknown, so no floor is safe yet.
            return 0;
        }
        let limit = acknowledged
            .iter()
            .map(|a| a.clock)
            .fold(self.clock.last(), Hlc::min);
        let mut base = self.base.clone();
        let mut through = None;
        for event in self.log.events() {
            let everywhere = acknowledged
                .iter()
                .all(|a| a.vector.covers(&event.id.device, event.id.seq));
            if event.hlc >= limit || !everywhere {
                break;
            }
            base.step(event, rules);
            through = Some((event.hlc, event.id.clone()));
        }
        let Some(through) = through else { return 0 };
        self.checkpoints.retain(|c| c.through > through);
        self.base = base;
        self.log.compact_through(&through)
    }

    /// The state at the floor and what the compacted events were: what a
    /// replica too far behind starts again from ([`Replica::resync`]).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            floor: self.log.floor().clone(),
            state: self.base.clone(),
        }
    }

    /// Start again from `snapshot` (this replica was too far behind a
    /// peer that compacted): its state replaces what this replica had
    /// folded of the snapshot's events, and this replica's events the
    /// snapshot lacks stay and fold after it. Then apply the peer's
    /// changes since the new vector. An event held here that the snapshot
    /// lacks but that comes before its floor (a device unknown to the
    /// compacting peer, or a clock far behind) cannot be folded in order:
    /// an error naming `snapshot`, and nothing changes.
    pub fn resync(&mut self, snapshot: &Snapshot, rules: Rules<'_>) -> Result<()> {
        let floor = &snapshot.floor;
        let kept: Vec<Event> = self
            .log
            .events()
            .filter(|e| !floor.vector.covers(&e.id.device, e.id.seq))
            .cloned()
            .collect();
        if let (Some(through), Some(first)) = (&floor.through, kept.first())
            && (first.hlc, first.id.clone()) < *through
        {
            return Err(crate::Error::invalid(
                "snapshot",
                format!(
                    "event {}:{} is not in the snapshot but comes before its floor",
                    first.id.device, first.id.seq
                ),
            ));
        }
        let mut log = EventLog::from_floor(floor.clone());
        for event in kept {
            log.insert(event)?;
        }
        // Every event this device makes from now on must come after the
        // floor, or it could not be folded in order: the clock adopts the
        // floor's stamp whatever the skew limit (a floor is never ahead of
        // the clocks its devices reported).
        if let Some((hlc, _)) = &floor.through {
            self.clock = Clock::resume(self.clock.last().max(*hlc));
        }
        self.log = log;
        self.base = snapshot.state.clone();
        self.checkpoints.clear();
        self.since_checkpoint = 0;
        self.state = self.base.clone();
        self.fold_from(Hlc::ZERO, rules);
        Ok(())
    }

    /// Record an event of a kind the host defines (or a newer app's): kept,
    /// counted and forwarded like every event, not folded by this library.
    /// A kind of this library's own must be recorded through [`Replica::record`].
    pub fn record_other(
        &mut self,
        kind: &str,
        version: u16,
        payload: Vec<u8>,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Event> {
        check_id("kind", kind)?;
        if super::event::is_library_kind(kind) {
            return Err(crate::Error::invalid(
                "kind",
                format!("{kind} is a kind of this library: record it from its body"),
            ));
        }
        self.push(now.into(), rules, |id, hlc| {
            Ok(Event {
                id,
                hlc,
                kind: kind.to_string(),
                version,
                payload,
            })
        })
    }

    /// Number, stamp, keep and fold the event `make` builds; nothing
    /// changes if it fails.
    fn push(
        &mut self,
        now: Timestamp,
        rules: Rules<'_>,
        make: impl FnOnce(EventId, Hlc) -> Result<Event>,
    ) -> Result<Event> {
        let id = EventId {
            device: self.device.clone(),
            seq: self.log.last_seq(&self.device) + 1,
        };
        let mut clock = self.clock;
        let event = make(id, clock.tick(now))?;
        self.log.insert(event.clone())?;
        self.clock = clock;
        self.fold_from(event.hlc, rules);
        Ok(event)
    }

    /// The events a replica with `vector` lacks.
    pub fn changes_since(&self, vector: &VersionVector) -> ChangeSet {
        self.log.changes_since(vector)
    }

    /// This replica's version vector.
    pub fn vector(&self) -> &VersionVector {
        self.log.vector()
    }

    /// The digest of this replica's events.
    pub fn digest(&self) -> u64 {
        self.log.digest()
    }

    /// The learner's state, folded from every event held.
    pub fn state(&self) -> &LearnerState {
        &self.state
    }

    /// The event log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// This device's id.
    pub fn device(&self) -> &str {
        &self.device
    }
}
