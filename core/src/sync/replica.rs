//! What one device holds of a learner: its clock, the event log and the
//! state folded from it, kept current as events are recorded and applied.

use super::event::{Body, Event, EventId};
use super::fold::{LearnerState, Rules};
use super::hlc::{Clock, Hlc};
use super::log::{Applied, ChangeSet, EventLog};
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
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    device: String,
    clock: Clock,
    log: EventLog,
    state: LearnerState,
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
        })
    }

    /// The replica of `device` holding `events` (as a store keeps them),
    /// its clock resumed from `clock` (the last stamp it gave): the state
    /// is folded from the events.
    pub fn restore(
        device: &str,
        clock: Hlc,
        events: impl IntoIterator<Item = Event>,
        rules: Rules<'_>,
    ) -> Result<Self> {
        let mut replica = Replica::new(device)?;
        for event in events {
            replica.log.insert(event)?;
        }
        replica.clock = Clock::resume(clock);
        replica.state = LearnerState::fold(&replica.log, rules);
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
    /// added: fold just those when they all come after the state, else fold
    /// everything again.
    fn fold_from(&mut self, from: Hlc, rules: Rules<'_>) {
        match self.state.last {
            Some(last) if from <= last => self.state = LearnerState::fold(&self.log, rules),
            _ => {
                for event in self.log.events_from(from) {
                    self.state.step(event, rules);
                }
            }
        }
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
