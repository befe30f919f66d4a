//! A learner's sync replica kept in the store: its events, its clock and
//! what peers acknowledged, with the state derived from the events (cards,
//! adaptive sessions) written to the usual tables in the same transaction.
//! A process killed at any moment leaves either all of a write or none.

use super::records::{ensure_learner, put_cards_of};
use super::{Store, micros, storage};
use crate::error::check_id;
use crate::migrate::SESSION_SCHEMA_VERSION;
use crate::sync::{
    Acknowledgement, Applied, Body, ChangeSet, Event, EventId, Hlc, Replica, Rules, Snapshot,
    VersionVector,
};
use crate::{Error, Result, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;

/// One learner's [`Replica`] as this database holds it.
///
/// Every write ([`StoredReplica::record`], [`StoredReplica::apply`]) is one
/// SQLite transaction holding the new events, the clock and the rows
/// derived from them: the learner's cards (the due queue and forecast read
/// them as for any learner) and adaptive sessions (state and adaptation
/// history; a session's messages, token and topics are the host's and are
/// left alone). For a synced learner these rows are derived: write them
/// through events, not with [`Store::put_cards`] or [`Store::save_session`],
/// or the next event of that card or session replaces them.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::adaptive::Engine;
/// use learnloop::srs::{Fsrs, Rating};
/// use learnloop::store::{Store, StoredReplica};
/// use learnloop::sync::{Body, CardChange, Replica, Review, Rules};
/// let (fsrs, engine) = (Fsrs::default(), Engine::default());
/// let rules = Rules { scheduler: &fsrs, engine: &engine };
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let store = Store::open_in_memory()?;
/// let mut backend = StoredReplica::open(&store, "ada", "backend", now, rules)?;
/// let mut phone = Replica::new("phone")?;
/// phone.record(Body::CardAdded(CardChange { card: "c1".into(), at: now.into() }), now, rules)?;
/// phone.record(Body::Review(Review { card: "c1".into(), rating: Rating::Good, reviewed_at: now.into(), duration_ms: None }), now, rules)?;
/// backend.apply(&store, &phone.changes_since(backend.replica().vector()), now, rules)?;
/// assert_eq!(store.card("ada", "c1")?.reps, 1);      // the derived row
/// // Reopened (a restart), the replica is the same.
/// let again = StoredReplica::open(&store, "ada", "backend", now, rules)?;
/// assert_eq!(again.replica().digest(), phone.digest());
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug)]
pub struct StoredReplica {
    learner_id: String,
    learner_key: i64,
    replica: Replica,
    /// A write failed after the replica in memory had changed: it is read
    /// again from the database before anything else.
    stale: bool,
}

impl StoredReplica {
    /// The replica of `learner_id` in `store`, this database being device
    /// `device` for that learner (a database is one device per learner:
    /// opening it later under another id is an error naming `device`).
    /// Creates the learner at `now` if new. The state is folded from the
    /// stored events; the clock resumes after every stamp stored.
    pub fn open(
        store: &Store,
        learner_id: &str,
        device: &str,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Self> {
        check_id("learner_id", learner_id)?;
        check_id("device", device)?;
        let now = now.into();
        let (key, stored_device) = store.write("sync_open", |tx| {
            let key = ensure_learner(tx, learner_id, now.to_datetime())?;
            tx.execute(
                "INSERT OR IGNORE INTO sync_replicas (learner_key, device, clock) VALUES (?1, ?2, 0)",
                params![key, device],
            )
            .map_err(storage("sync_open"))?;
            let stored: String = tx
                .query_row(
                    "SELECT device FROM sync_replicas WHERE learner_key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .map_err(storage("sync_open"))?;
            Ok((key, stored))
        })?;
        if stored_device != device {
            return Err(Error::invalid(
                "device",
                format!(
                    "this database is device {stored_device:?} for learner {learner_id:?}, not {device:?}"
                ),
            ));
        }
        let replica = load(store, key, device, now, rules)?;
        Ok(StoredReplica {
            learner_id: learner_id.to_string(),
            learner_key: key,
            replica,
            stale: false,
        })
    }

    /// Record a fact made on this device at `now`: the event, the clock and
    /// the derived rows are committed together before this returns.
    pub fn record(
        &mut self,
        store: &Store,
        body: Body,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Event> {
        let now = now.into();
        self.refresh(store, now, rules)?;
        let event = self.replica.record(body, now, rules)?;
        self.persist(store, "sync_record", std::slice::from_ref(&event))?;
        Ok(event)
    }

    /// Apply a peer's change set at `now` (see [`Replica::apply`]): the new
    /// events and everything derived from them are committed together; a
    /// change set of nothing new writes nothing. A divergence is reported
    /// after the events that came are stored.
    pub fn apply(
        &mut self,
        store: &Store,
        changes: &ChangeSet,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<Applied> {
        let now = now.into();
        self.refresh(store, now, rules)?;
        let outcome = self.replica.apply(changes, now, rules);
        let changed = match &outcome {
            Ok(applied) => applied.new > 0,
            Err(Error::Diverged { .. }) => true,
            Err(_) => false,
        };
        if changed {
            self.persist(store, "sync_apply", &changes.events)?;
        }
        outcome
    }

    /// The events `peer` has not acknowledged (see
    /// [`StoredReplica::acknowledge`]): all of them for a new peer.
    pub fn outbox(&self, store: &Store, peer: &str) -> Result<ChangeSet> {
        Ok(self.replica.changes_since(&self.acknowledged(store, peer)?))
    }

    /// What `peer` has acknowledged holding (its version vector; empty for
    /// a peer never heard from).
    pub fn acknowledged(&self, store: &Store, peer: &str) -> Result<VersionVector> {
        Ok(self.acknowledgement(store, peer)?.vector)
    }

    fn acknowledgement(&self, store: &Store, peer: &str) -> Result<Acknowledgement> {
        check_id("peer", peer)?;
        let row: Option<(String, i64)> = store.read("sync_acknowledged", |c| {
            c.prepare_cached(
                "SELECT vector, clock FROM sync_peers WHERE learner_key = ?1 AND peer = ?2",
            )?
            .query_row(params![self.learner_key, peer], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })?;
        let Some((json, clock)) = row else {
            return Ok(Acknowledgement::default());
        };
        Ok(Acknowledgement {
            vector: crate::json::from_json(&json)?,
            clock: Hlc::from_u64(clock as u64),
        })
    }

    /// Record that `peer` holds every event `vector` covers and that its
    /// clock had reached `clock` ([`Replica::clock`]). A peer that never
    /// reported its clock keeps [`StoredReplica::compact`] from compacting
    /// anything. Merged with what it acknowledged before: acknowledgements
    /// only grow.
    pub fn acknowledge(
        &self,
        store: &Store,
        peer: &str,
        vector: &VersionVector,
        clock: Option<Hlc>,
    ) -> Result<()> {
        let mut merged = self.acknowledgement(store, peer)?;
        merged.vector.merge(vector);
        if let Some(clock) = clock {
            merged.clock = merged.clock.max(clock);
        }
        let json = crate::json::to_json(&merged.vector);
        store.write("sync_acknowledge", |tx| {
            tx.prepare_cached(
                "INSERT INTO sync_peers (learner_key, peer, vector, clock) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (learner_key, peer) DO UPDATE SET vector = excluded.vector,
                    clock = excluded.clock",
            )
            .and_then(|mut s| {
                s.execute(params![
                    self.learner_key,
                    peer,
                    json,
                    merged.clock.as_u64() as i64
                ])
            })
            .map_err(storage("sync_acknowledge"))?;
            Ok(())
        })
    }

    /// Forget `peer` (a device retired, lost or uninstalled): its
    /// acknowledgement no longer holds back [`StoredReplica::compact`].
    /// Its events stay. Should it come back, it is a replica too far
    /// behind: its next change set is answered with
    /// [`Error::ResyncNeeded`] once anything it lacks was compacted, and it
    /// resyncs from the snapshot. Returns whether `peer` was known.
    pub fn forget_peer(&self, store: &Store, peer: &str) -> Result<bool> {
        check_id("peer", peer)?;
        store.write("sync_forget_peer", |tx| {
            let forgotten = tx
                .prepare_cached("DELETE FROM sync_peers WHERE learner_key = ?1 AND peer = ?2")
                .and_then(|mut s| s.execute(params![self.learner_key, peer]))
                .map_err(storage("sync_forget_peer"))?;
            store.audit(tx, "sync_forget_peer", Some(&self.learner_id))?;
            Ok(forgotten > 0)
        })
    }

    /// The peers whose acknowledgements [`StoredReplica::compact`] waits
    /// for, by id.
    pub fn peers(&self, store: &Store) -> Result<Vec<String>> {
        store.read("sync_peers", |c| {
            c.prepare_cached("SELECT peer FROM sync_peers WHERE learner_key = ?1 ORDER BY peer")?
                .query_map([self.learner_key], |r| r.get(0))?
                .collect()
        })
    }

    /// Compact what every peer acknowledged ([`Replica::compact`], with
    /// every acknowledgement stored): the compacted events leave the
    /// database and the snapshot replaces them, in one transaction.
    /// Returns how many events were compacted.
    pub fn compact(
        &mut self,
        store: &Store,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<usize> {
        self.refresh(store, now.into(), rules)?;
        let rows: Vec<(String, i64)> = store.read("sync_compact", |c| {
            c.prepare_cached("SELECT vector, clock FROM sync_peers WHERE learner_key = ?1")?
                .query_map([self.learner_key], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })?;
        let mut acknowledged = Vec::with_capacity(rows.len());
        for (json, clock) in rows {
            acknowledged.push(Acknowledgement {
                vector: crate::json::from_json(&json)?,
                clock: Hlc::from_u64(clock as u64),
            });
        }
        let compacted = self.replica.compact(&acknowledged, rules);
        if compacted > 0 {
            self.stale = true;
            let (key, snapshot) = (self.learner_key, self.replica.snapshot());
            store.write("sync_compact", |tx| {
                save_snapshot(tx, key, &snapshot).map_err(storage("sync_compact"))?;
                store.audit(tx, "sync_compact", Some(&self.learner_id))
            })?;
            self.stale = false;
        }
        Ok(compacted)
    }

    /// Start again from a peer's snapshot (see [`Replica::resync`]): the
    /// events, snapshot and derived rows are replaced in one transaction.
    pub fn resync(
        &mut self,
        store: &Store,
        snapshot: &Snapshot,
        now: impl Into<Timestamp>,
        rules: Rules<'_>,
    ) -> Result<()> {
        let now = now.into();
        self.refresh(store, now, rules)?;
        self.replica.resync(snapshot, rules)?;
        self.stale = true;
        let (key, replica) = (self.learner_key, &self.replica);
        store.write("sync_resync", |tx| {
            let run = || -> rusqlite::Result<()> {
                tx.execute("DELETE FROM sync_events WHERE learner_key = ?1", [key])?;
                insert_events(tx, key, replica.log().events())?;
                save_snapshot(tx, key, &replica.snapshot())?;
                tx.execute(
                    "DELETE FROM review_logs WHERE card_position IN
                        (SELECT position FROM cards WHERE learner_key = ?1)",
                    [key],
                )?;
                tx.execute("DELETE FROM cards WHERE learner_key = ?1", [key])?;
                Ok(())
            };
            run().map_err(storage("sync_resync"))?;
            let cards: Vec<_> = replica.state().cards.values().collect();
            put_cards_of(tx, key, &cards, None, |c| c).map_err(storage("sync_resync"))?;
            for (id, session) in &replica.state().sessions {
                put_session(tx, &self.learner_id, id, session, "sync_resync")?;
            }
            store.audit(tx, "sync_resync", Some(&self.learner_id))
        })?;
        self.stale = false;
        Ok(())
    }

    /// The replica: its state, vector, digest and change sets.
    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    /// The learner's id.
    pub fn learner_id(&self) -> &str {
        &self.learner_id
    }

    /// Read the replica again if a failed write left it ahead of the
    /// database.
    fn refresh(&mut self, store: &Store, now: Timestamp, rules: Rules<'_>) -> Result<()> {
        if self.stale {
            self.replica = load(store, self.learner_key, self.replica.device(), now, rules)?;
            self.stale = false;
        }
        Ok(())
    }

    /// Commit `events` (those the database lacks), the clock and the rows
    /// derived from them in one transaction.
    fn persist(&mut self, store: &Store, operation: &str, events: &[Event]) -> Result<()> {
        self.stale = true;
        let (key, replica) = (self.learner_key, &self.replica);
        // Events compacted here are not stored again when they come back.
        let floor = &replica.log().floor().vector;
        let events: Vec<&Event> = events
            .iter()
            .filter(|e| !floor.covers(&e.id.device, e.id.seq))
            .collect();
        let events = &events[..];
        store.write(operation, |tx| {
            insert_events(tx, key, events.iter().copied()).map_err(storage(operation))?;
            tx.prepare_cached("UPDATE sync_replicas SET clock = ?2 WHERE learner_key = ?1")
                .and_then(|mut s| s.execute(params![key, replica.clock().as_u64() as i64]))
                .map_err(storage(operation))?;
            write_derived(tx, &self.learner_id, key, replica, events, operation)?;
            store.audit(tx, operation, Some(&self.learner_id))
        })?;
        self.stale = false;
        Ok(())
    }
}

/// The replica of the learner with key `key` from its stored events.
fn load(
    store: &Store,
    key: i64,
    device: &str,
    now: Timestamp,
    rules: Rules<'_>,
) -> Result<Replica> {
    type Row = (String, i64, i64, String, i64, Vec<u8>);
    let (clock, snapshot, rows): (i64, Option<Vec<u8>>, Vec<Row>) =
        store.read("sync_open", |c| {
            let clock = c
                .prepare_cached("SELECT clock FROM sync_replicas WHERE learner_key = ?1")?
                .query_row([key], |r| r.get(0))?;
            let snapshot = c
                .prepare_cached("SELECT snapshot FROM sync_snapshots WHERE learner_key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?;
            let rows = c
                .prepare_cached(
                    "SELECT device, seq, hlc, kind, version, payload FROM sync_events
                 WHERE learner_key = ?1",
                )?
                .query_map([key], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((clock, snapshot, rows))
        })?;
    let snapshot = snapshot
        .map(|bytes| Snapshot::from_bytes(&bytes))
        .transpose()?;
    let mut events = Vec::with_capacity(rows.len());
    for (device, seq, hlc, kind, version, payload) in rows {
        let field = format!("sync_events[{device}:{seq}]");
        let (Ok(seq), Ok(version)) = (u64::try_from(seq), u16::try_from(version)) else {
            return Err(Error::invalid(field, "seq or version out of range"));
        };
        events.push(Event {
            id: EventId { device, seq },
            hlc: Hlc::from_u64(hlc as u64),
            kind,
            version,
            payload,
        });
    }
    let mut replica =
        Replica::restore(device, Hlc::from_u64(clock as u64), snapshot, events, rules)?;
    // The clock comes after every stamp stored (within the skew limit), so
    // an event made after a restart follows what was seen before it.
    replica.observe_log(now);
    Ok(replica)
}

/// Keep `snapshot` and drop the events it compacted.
fn save_snapshot(tx: &Connection, key: i64, snapshot: &Snapshot) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_snapshots (learner_key, snapshot) VALUES (?1, ?2)
         ON CONFLICT (learner_key) DO UPDATE SET snapshot = excluded.snapshot",
    )?
    .execute(params![key, snapshot.to_bytes()])?;
    let mut delete = tx.prepare_cached(
        "DELETE FROM sync_events WHERE learner_key = ?1 AND device = ?2 AND seq <= ?3",
    )?;
    for (device, seq) in snapshot.floor.vector.iter() {
        delete.execute(params![key, device, seq as i64])?;
    }
    Ok(())
}

fn insert_events<'a>(
    tx: &Connection,
    key: i64,
    events: impl IntoIterator<Item = &'a Event>,
) -> rusqlite::Result<()> {
    // Rows go in ROWS to a statement: a change set of thousands of events
    // takes fewer statement runs (binding and stepping) than rows.
    const ROWS: usize = 64;
    let sql = |rows: usize| {
        let mut sql = String::from(
            "INSERT OR IGNORE INTO sync_events (learner_key, device, seq, hlc, kind, version, payload) VALUES ",
        );
        let tuple = "(?, ?, ?, ?, ?, ?, ?)";
        sql.push_str(&vec![tuple; rows].join(", "));
        sql
    };
    let events: Vec<&Event> = events.into_iter().collect();
    for chunk in events.chunks(ROWS) {
        let (seqs, stamps): (Vec<i64>, Vec<i64>) = chunk
            .iter()
            .map(|e| (e.id.seq as i64, e.hlc.as_u64() as i64))
            .unzip();
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 7);
        for (i, e) in chunk.iter().enumerate() {
            values.extend_from_slice(&[
                &key,
                &e.id.device,
                &seqs[i],
                &stamps[i],
                &e.kind,
                &e.version,
                &e.payload,
            ]);
        }
        tx.prepare_cached(&sql(chunk.len()))?
            .execute(values.as_slice())?;
    }
    Ok(())
}

/// Rewrite the rows derived from the cards and sessions `events` name.
/// A card's or session's fold depends only on its own events, so no other
/// row can have changed.
fn write_derived(
    tx: &Connection,
    learner_id: &str,
    key: i64,
    replica: &Replica,
    events: &[&Event],
    operation: &str,
) -> Result<()> {
    let (mut cards, mut sessions) = (BTreeSet::new(), BTreeSet::new());
    for event in events {
        match Body::of(event) {
            Ok(Some(Body::Review(r))) => cards.insert(r.card),
            Ok(Some(Body::CardAdded(c) | Body::CardRemoved(c))) => cards.insert(c.card),
            Ok(Some(Body::Answer(a))) => sessions.insert(a.session),
            Ok(Some(Body::Authority(a))) => sessions.insert(a.session),
            _ => false,
        };
    }
    let state = replica.state();
    let present: Vec<_> = cards.iter().filter_map(|c| state.cards.get(c)).collect();
    put_cards_of(tx, key, &present, None, |c| c).map_err(storage(operation))?;
    for card in cards.iter().filter(|c| !state.cards.contains_key(*c)) {
        delete_card(tx, key, card).map_err(storage(operation))?;
    }
    for id in &sessions {
        if let Some(session) = state.sessions.get(id) {
            put_session(tx, learner_id, id, session, operation)?;
        }
    }
    Ok(())
}

fn delete_card(tx: &Connection, key: i64, card: &str) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM review_logs WHERE card_position IN
            (SELECT position FROM cards WHERE learner_key = ?1 AND card_id = ?2)",
        params![key, card],
    )?;
    tx.execute(
        "DELETE FROM cards WHERE learner_key = ?1 AND card_id = ?2",
        params![key, card],
    )?;
    Ok(())
}

/// Write a session's folded state and adaptation history (its row is
/// created, active and without topics, if new).
fn put_session(
    tx: &Connection,
    learner_id: &str,
    session_id: &str,
    session: &crate::sync::SessionFold,
    operation: &str,
) -> Result<()> {
    super::sessions::check_session_owner(tx, learner_id, session_id, operation)?;
    let st = &session.state;
    let updated = micros(st.live_performance_metrics.last_updated);
    let created = session
        .history
        .first()
        .map_or(updated, |r| micros(r.timestamp));
    let run = || -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT INTO sessions (id, learner_id, token, topics, state, created_at, updated_at,
                                   schema_version, learning_style, difficulty, adaptive_state)
             VALUES (?1, ?2, NULL, '[]', 'active', ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at,
                learning_style = excluded.learning_style, difficulty = excluded.difficulty,
                adaptive_state = excluded.adaptive_state",
        )?
        .execute(params![
            session_id,
            learner_id,
            created,
            updated,
            SESSION_SCHEMA_VERSION,
            st.detected_learning_style,
            st.adaptive_difficulty_level,
            crate::json::to_json(st),
        ])?;
        tx.execute(
            "DELETE FROM adaptation_history WHERE session_id = ?1",
            [session_id],
        )?;
        for (seq, record) in session.history.iter().enumerate() {
            super::sessions::insert_adaptation(tx, session_id, seq as i64, record)?;
        }
        Ok(())
    };
    run().map_err(storage(operation))
}
