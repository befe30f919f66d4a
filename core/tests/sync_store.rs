//! A sync replica in the store: events, clock and derived rows written in
//! one transaction, a restart resumes the same state, duplicates write
//! nothing, a conflict stores nothing, and writers killed with SIGKILL at
//! every point never lose an acknowledged event or leave derived rows that
//! disagree with the events.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::ErrorKind;
use learnloop::adaptive::{Engine, Interaction};
use learnloop::srs::{Fsrs, Rating};
use learnloop::store::{Store, StoredReplica};
use learnloop::sync::{Answer, Body, CardChange, Replica, Review, Rules, Snapshot};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

struct Setup {
    fsrs: Fsrs,
    engine: Engine,
}

impl Setup {
    fn new() -> Self {
        Setup {
            fsrs: Fsrs::default(),
            engine: Engine::default(),
        }
    }

    fn rules(&self) -> Rules<'_> {
        Rules {
            scheduler: &self.fsrs,
            engine: &self.engine,
        }
    }
}

/// The `n`-th fact of a deterministic stream: cards added, reviewed,
/// sometimes removed, and answers in two sessions.
fn fact(n: u64, at: DateTime<Utc>) -> Body {
    let card = format!("card-{}", n % 13);
    match n % 7 {
        0 => Body::CardAdded(CardChange {
            card,
            at: at.into(),
        }),
        1 if n.is_multiple_of(5) => Body::CardRemoved(CardChange {
            card,
            at: at.into(),
        }),
        2 | 3 => Body::Answer(Answer {
            session: format!("session-{}", n % 2),
            interaction: Interaction::answered(format!("q{n}"), !n.is_multiple_of(3), at),
        }),
        _ => Body::Review(Review {
            card,
            rating: Rating::ALL[(n % 4) as usize],
            reviewed_at: at.into(),
            duration_ms: Some(n as u32),
        }),
    }
}

/// The derived rows agree with the fold of the stored events.
fn assert_derived_rows_match(store: &Store, replica: &StoredReplica) {
    let state = replica.replica().state();
    let mut rows = store.cards(replica.learner_id()).unwrap();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let folded: Vec<_> = state.cards.values().cloned().collect();
    assert_eq!(rows, folded, "card rows equal the fold");
    for (id, session) in &state.sessions {
        assert_eq!(store.adaptive_state(id).unwrap(), session.state, "{id}");
        let history = store.adaptation_history(id, None).unwrap();
        assert_eq!(history, session.history, "{id}");
    }
}

#[test]
fn a_restart_resumes_the_same_replica_and_rows() {
    let setup = Setup::new();
    let rules = setup.rules();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backend.db");
    let mut phone = Replica::new("phone").unwrap();
    let store = Store::open(&path).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    for n in 0..60 {
        let at = t0() + TimeDelta::minutes(n as i64);
        phone.record(fact(n, at), at, rules).unwrap();
        backend
            .record(&store, fact(n + 1_000, at), at, rules)
            .unwrap();
    }
    let later = t0() + TimeDelta::hours(2);
    backend
        .apply(
            &store,
            &phone.changes_since(backend.replica().vector()),
            later,
            rules,
        )
        .unwrap();
    assert_derived_rows_match(&store, &backend);
    let before = backend.replica().clone();
    drop(backend);
    drop(store);

    let store = Store::open(&path).unwrap();
    let again = StoredReplica::open(&store, "ada", "backend", later, rules).unwrap();
    assert_eq!(again.replica().state(), before.state());
    assert_eq!(again.replica().vector(), before.vector());
    assert_eq!(again.replica().digest(), before.digest());
    assert!(again.replica().clock() >= before.clock());
    assert_derived_rows_match(&store, &again);

    let wrong = StoredReplica::open(&store, "ada", "phone", later, rules).unwrap_err();
    assert_eq!(
        (wrong.kind(), wrong.field()),
        (ErrorKind::InvalidInput, "device".to_string())
    );
}

#[test]
fn duplicates_write_nothing_and_a_conflict_stores_nothing() {
    let setup = Setup::new();
    let rules = setup.rules();
    let store = Store::open_in_memory().unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    let mut phone = Replica::new("phone").unwrap();
    for n in 0..20 {
        phone.record(fact(n, t0()), t0(), rules).unwrap();
    }
    let changes = phone.changes_since(backend.replica().vector());
    assert_eq!(
        backend.apply(&store, &changes, t0(), rules).unwrap().new,
        20
    );
    let audit = store.audit_log(Some("ada")).unwrap().len();
    let again = backend.apply(&store, &changes, t0(), rules).unwrap();
    assert_eq!((again.new, again.duplicates), (0, 20));
    assert_eq!(
        store.audit_log(Some("ada")).unwrap().len(),
        audit,
        "no write"
    );

    // Another phone reusing the id "phone" (a restored backup): seq 21 is
    // new, seq 3 conflicts. Nothing of the change set is stored.
    let mut impostor = Replica::new("phone").unwrap();
    for n in 0..21 {
        impostor.record(fact(n + 500, t0()), t0(), rules).unwrap();
    }
    let digest = backend.replica().digest();
    let error = backend
        .apply(
            &store,
            &impostor.changes_since(&Default::default()),
            t0(),
            rules,
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(backend.replica().digest(), digest);
    let reopened = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    assert_eq!(reopened.replica().digest(), digest);
    assert_eq!(reopened.replica().log().len(), 20);
}

#[test]
fn the_outbox_is_what_a_peer_has_not_acknowledged() {
    let setup = Setup::new();
    let rules = setup.rules();
    let store = Store::open_in_memory().unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    for n in 0..5 {
        backend.record(&store, fact(n, t0()), t0(), rules).unwrap();
    }
    assert_eq!(backend.outbox(&store, "phone").unwrap().events.len(), 5);
    let mut phone = Replica::new("phone").unwrap();
    phone
        .apply(&backend.outbox(&store, "phone").unwrap(), t0(), rules)
        .unwrap();
    backend
        .acknowledge(&store, "phone", phone.vector(), Some(phone.clock()))
        .unwrap();
    assert!(backend.outbox(&store, "phone").unwrap().events.is_empty());
    backend.record(&store, fact(6, t0()), t0(), rules).unwrap();
    assert_eq!(backend.outbox(&store, "phone").unwrap().events.len(), 1);
    // An older acknowledgement (a message that arrived late) takes nothing back.
    backend
        .acknowledge(&store, "phone", &Default::default(), None)
        .unwrap();
    assert_eq!(backend.outbox(&store, "phone").unwrap().events.len(), 1);
    assert_eq!(
        backend
            .acknowledge(&store, "", phone.vector(), None)
            .unwrap_err()
            .field(),
        "peer"
    );
}

#[test]
fn erasing_a_learner_removes_their_sync_rows() {
    let setup = Setup::new();
    let rules = setup.rules();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let store = Store::open(&path).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    for n in 0..10 {
        backend.record(&store, fact(n, t0()), t0(), rules).unwrap();
    }
    backend
        .acknowledge(&store, "phone", backend.replica().vector(), None)
        .unwrap();
    store.erase_learner("ada").unwrap();
    let c = Connection::open(&path).unwrap();
    for table in ["sync_events", "sync_replicas", "sync_peers"] {
        let n: i64 = c
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

/// The writer the crash test kills: applies a phone's change sets and
/// records its own events, printing each acknowledged event id after its
/// commit returns, until it is killed.
fn crash_writer(path: &str, start: u64) -> ! {
    let setup = Setup::new();
    let rules = setup.rules();
    let store = Store::open(path).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    let mut phone = Replica::new(&format!("phone-{start}")).unwrap();
    let mut stdout = std::io::stdout().lock();
    for n in start.. {
        let at = t0() + TimeDelta::minutes(n as i64);
        // A batch of 1 to 9 phone events, then one event of the backend's.
        for k in 0..(n % 9 + 1) {
            phone.record(fact(n * 10 + k, at), at, rules).unwrap();
        }
        let changes = phone.changes_since(backend.replica().vector());
        backend.apply(&store, &changes, at, rules).unwrap();
        for e in &changes.events {
            writeln!(stdout, "acked {}:{}", e.id.device, e.id.seq).unwrap();
        }
        let own = backend.record(&store, fact(n, at), at, rules).unwrap();
        writeln!(stdout, "acked {}:{}", own.id.device, own.id.seq).unwrap();
        stdout.flush().unwrap();
        // Now and then the phone reports what it holds and the backend
        // compacts (kills land inside these transactions too).
        if n % 3 == 0 {
            let back = backend.replica().changes_since(phone.vector());
            phone.apply(&back, at, rules).unwrap();
            backend
                .acknowledge(&store, phone.device(), phone.vector(), Some(phone.clock()))
                .unwrap();
            backend.compact(&store, at, rules).unwrap();
        }
    }
    unreachable!("a writer runs until it is killed")
}

/// The event id of a writer's acknowledgement line (the first line also
/// holds the test harness's own output before it).
fn acked_id(line: &str) -> Option<String> {
    line.split_once("acked ")
        .map(|(_, id)| id.trim().to_string())
}

/// Writers killed with SIGKILL at pseudo-random points, 200 times. The
/// test runs itself as the writer (with `LEARNLOOP_SYNC_CRASH_DB` set).
#[test]
fn killed_writers_never_lose_an_event_or_tear_derived_rows() {
    if let Ok(path) = std::env::var("LEARNLOOP_SYNC_CRASH_DB") {
        let start = std::env::var("LEARNLOOP_SYNC_CRASH_START").unwrap();
        crash_writer(&path, start.parse().unwrap());
    }
    let setup = Setup::new();
    let rules = setup.rules();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    drop(Store::open(&path).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut acked: BTreeSet<String> = BTreeSet::new();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let kills = 200;
    for round in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "killed_writers_never_lose_an_event_or_tear_derived_rows",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("LEARNLOOP_SYNC_CRASH_DB", &path)
            .env("LEARNLOOP_SYNC_CRASH_START", (round * 1_000).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait_for = rng % 40;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < wait_for {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(id) = acked_id(&line) {
                        acked.insert(id);
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        child.kill().unwrap();
        for line in lines.map_while(|l| l.ok()) {
            acked.extend(acked_id(&line));
        }
        child.wait().unwrap();
        // Whatever the kill interrupted, the rows agree with the events.
        let store = Store::open(&path).unwrap();
        let backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
        assert_derived_rows_match(&store, &backend);
    }
    let c = Connection::open(&path).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let store = Store::open(&path).unwrap();
    let backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    // Held whole or compacted into the snapshot: within the vector.
    let vector = backend.replica().vector();
    let lost: Vec<_> = acked
        .iter()
        .filter(|id| {
            let (device, seq) = id.rsplit_once(':').unwrap();
            !vector.covers(device, seq.parse().unwrap())
        })
        .collect();
    assert!(
        backend.replica().log().floor().count > 0,
        "the writers compacted"
    );
    assert!(lost.is_empty(), "acknowledged events lost: {lost:?}");
    assert_derived_rows_match(&store, &backend);
    assert!(
        acked.len() > kills as usize,
        "the children did write: {}",
        acked.len()
    );
}

#[test]
fn compaction_survives_a_restart_and_a_stale_phone_resyncs_through_the_store() {
    let setup = Setup::new();
    let rules = setup.rules();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compact.db");
    let store = Store::open(&path).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    let mut phone = Replica::new("phone").unwrap();
    for n in 0..30 {
        let at = t0() + TimeDelta::minutes(n as i64);
        phone.record(fact(n, at), at, rules).unwrap();
    }
    let later = t0() + TimeDelta::hours(1);
    let stale = phone.clone();
    backend
        .apply(
            &store,
            &phone.changes_since(backend.replica().vector()),
            later,
            rules,
        )
        .unwrap();
    // Without the phone's clock nothing is compacted.
    backend
        .acknowledge(&store, "phone", phone.vector(), None)
        .unwrap();
    assert_eq!(backend.compact(&store, later, rules).unwrap(), 0);
    phone.record(fact(99, later), later, rules).unwrap();
    backend
        .apply(
            &store,
            &phone.changes_since(backend.replica().vector()),
            later,
            rules,
        )
        .unwrap();
    backend
        .acknowledge(&store, "phone", phone.vector(), Some(phone.clock()))
        .unwrap();
    let compacted = backend.compact(&store, later, rules).unwrap();
    assert!(compacted >= 30, "{compacted}");
    let c = Connection::open(&path).unwrap();
    let rows: i64 = c
        .query_row("SELECT COUNT(*) FROM sync_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows as usize, backend.replica().log().len());
    let state = backend.replica().state().clone();
    let digest = backend.replica().digest();
    drop(backend);

    // A restart resumes from the snapshot and the remaining events.
    let mut backend = StoredReplica::open(&store, "ada", "backend", later, rules).unwrap();
    assert_eq!(backend.replica().state(), &state);
    assert_eq!(backend.replica().digest(), digest);
    assert_derived_rows_match(&store, &backend);
    // Compacted events sent again are not stored again.
    backend
        .apply(
            &store,
            &stale.changes_since(&Default::default()),
            later,
            rules,
        )
        .unwrap();
    let rows_after: i64 = c
        .query_row("SELECT COUNT(*) FROM sync_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows_after, rows);

    // A laptop stored elsewhere, behind the floor, resyncs through its store.
    let laptop_store = Store::open_in_memory().unwrap();
    let mut laptop = StoredReplica::open(&laptop_store, "ada", "laptop", later, rules).unwrap();
    laptop
        .record(&laptop_store, fact(7, later), later, rules)
        .unwrap();
    let tail = backend.replica().changes_since(laptop.replica().vector());
    let error = laptop
        .apply(&laptop_store, &tail, later, rules)
        .unwrap_err();
    assert_eq!(error.code(), "resync_needed");
    let snapshot = Snapshot::from_bytes(&backend.replica().snapshot().to_bytes()).unwrap();
    laptop
        .resync(&laptop_store, &snapshot, later, rules)
        .unwrap();
    laptop
        .apply(
            &laptop_store,
            &backend.replica().changes_since(laptop.replica().vector()),
            later,
            rules,
        )
        .unwrap();
    backend
        .apply(
            &store,
            &laptop.replica().changes_since(backend.replica().vector()),
            later,
            rules,
        )
        .unwrap();
    assert_eq!(laptop.replica().state(), backend.replica().state());
    assert_eq!(laptop.replica().digest(), backend.replica().digest());
    assert_derived_rows_match(&laptop_store, &laptop);
    let reopened = StoredReplica::open(&laptop_store, "ada", "laptop", later, rules).unwrap();
    assert_eq!(reopened.replica().state(), laptop.replica().state());
}

#[test]
fn a_forgotten_peer_no_longer_holds_back_compaction() {
    let setup = Setup::new();
    let rules = setup.rules();
    let store = Store::open_in_memory().unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", t0(), rules).unwrap();
    let mut phone = Replica::new("phone").unwrap();
    for n in 0..20 {
        let at = t0() + TimeDelta::minutes(n as i64);
        phone.record(fact(n, at), at, rules).unwrap();
    }
    let later = t0() + TimeDelta::hours(1);
    phone.record(fact(20, later), later, rules).unwrap();
    backend
        .apply(
            &store,
            &phone.changes_since(&Default::default()),
            later,
            rules,
        )
        .unwrap();
    backend
        .acknowledge(&store, "phone", phone.vector(), Some(phone.clock()))
        .unwrap();
    // An old tablet acknowledged nothing and will never come back.
    backend
        .acknowledge(&store, "tablet", &Default::default(), None)
        .unwrap();
    assert_eq!(backend.peers(&store).unwrap(), ["phone", "tablet"]);
    assert_eq!(backend.compact(&store, later, rules).unwrap(), 0);
    assert!(backend.forget_peer(&store, "tablet").unwrap());
    assert!(
        !backend.forget_peer(&store, "tablet").unwrap(),
        "already forgotten"
    );
    assert_eq!(backend.peers(&store).unwrap(), ["phone"]);
    assert_eq!(backend.compact(&store, later, rules).unwrap(), 20);
    let error = backend.forget_peer(&store, "").unwrap_err();
    assert_eq!(error.field(), "peer");
}
