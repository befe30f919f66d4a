//! Compaction: snapshot + tail folds to the same state as every event; a
//! replica too far behind gets a typed "resync needed" and converges from
//! the snapshot; compacted events arriving again are duplicates.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::ErrorKind;
use learnloop::adaptive::{Engine, Interaction};
use learnloop::srs::{Fsrs, Rating};
use learnloop::sync::{
    Acknowledgement, Answer, Body, CardChange, Replica, Review, Rules, Snapshot, VersionVector,
};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn body(kind: u8, card: u8, at: DateTime<Utc>) -> Body {
    let card = format!("c{card}");
    match kind {
        0 => Body::CardAdded(CardChange {
            card,
            at: at.into(),
        }),
        1 => Body::Answer(Answer {
            session: "s1".into(),
            interaction: Interaction::answered(format!("q-{card}"), card.len() % 2 == 0, at),
        }),
        _ => Body::Review(Review {
            card,
            rating: Rating::ALL[usize::from(kind) % 4],
            reviewed_at: at.into(),
            duration_ms: None,
        }),
    }
}

fn ack(r: &Replica) -> Acknowledgement {
    Acknowledgement {
        vector: r.vector().clone(),
        clock: r.clock(),
    }
}

proptest! {
    #[test]
    fn snapshot_and_tail_fold_to_the_full_state(
        before in prop::collection::vec((0usize..3, 0u8..5, 0u8..4, 1i64..90), 1..40),
        after in prop::collection::vec((0usize..3, 0u8..5, 0u8..4, 1i64..90), 0..20),
    ) {
        let (fsrs, engine) = (Fsrs::default(), Engine::default());
        let rules = Rules { scheduler: &fsrs, engine: &engine };
        let mut devices: Vec<Replica> =
            ["backend", "phone", "laptop"].iter().map(|d| Replica::new(d).unwrap()).collect();
        let mut now = t0();
        let write = |devices: &mut Vec<Replica>, ops: &[(usize, u8, u8, i64)], now: &mut DateTime<Utc>| {
            for &(d, kind, card, minutes) in ops {
                *now += TimeDelta::minutes(minutes);
                devices[d].record(body(kind, card, *now), *now, rules).unwrap();
            }
        };
        write(&mut devices, &before, &mut now);
        // Everyone syncs through the backend, which compacts what all hold.
        for d in 1..3 {
            let changes = devices[d].changes_since(devices[0].vector());
            devices[0].apply(&changes, now, rules).unwrap();
        }
        // The laptop as it is before receiving the round: it goes away.
        let stale = devices[2].clone();
        for d in 1..3 {
            let changes = devices[0].changes_since(devices[d].vector());
            devices[d].apply(&changes, now, rules).unwrap();
        }
        let full_before = devices[0].state().clone();
        let acks = [ack(&devices[1]), ack(&devices[2])];
        let compacted = devices[0].compact(&acks, rules);
        prop_assert_eq!(devices[0].state(), &full_before, "compaction changes no state");
        prop_assert_eq!(devices[0].refolded(rules), full_before);
        prop_assert_eq!(devices[0].log().count() as usize, devices[0].log().len() + compacted);
        // Only the backend and the phone write after the compaction.
        let after: Vec<_> = after.iter().map(|&(d, k, c, m)| (d % 2, k, c, m)).collect();
        write(&mut devices, &after, &mut now);
        for d in 1..3 {
            let changes = devices[d].changes_since(devices[0].vector());
            devices[0].apply(&changes, now, rules).unwrap();
        }

        // A new device starts from the snapshot (in its binary form) and the tail.
        let snapshot = Snapshot::from_bytes(&devices[0].snapshot().to_bytes()).unwrap();
        prop_assert_eq!(&snapshot, &devices[0].snapshot());
        let mut fresh = Replica::new("tablet").unwrap();
        if compacted > 0 {
            let error = fresh.apply(&devices[0].changes_since(fresh.vector()), now, rules).unwrap_err();
            prop_assert_eq!(error.kind(), ErrorKind::Conflict);
            prop_assert_eq!(error.code(), "resync_needed");
            prop_assert_eq!(fresh.vector(), &VersionVector::default(), "nothing applied");
        }
        fresh.resync(&snapshot, rules).unwrap();
        fresh.apply(&devices[0].changes_since(fresh.vector()), now, rules).unwrap();
        prop_assert_eq!(fresh.state(), devices[0].state());
        prop_assert_eq!(fresh.digest(), devices[0].digest());
        prop_assert_eq!(fresh.vector(), devices[0].vector());

        // The laptop as it was before the round (stale), with an event of
        // its own since: it resyncs and keeps it.
        let mut stale = stale;
        stale.record(body(2, 1, now), now, rules).unwrap();
        if let Err(e) = stale.apply(&devices[0].changes_since(stale.vector()), now, rules) {
            prop_assert_eq!(e.code(), "resync_needed");
            stale.resync(&devices[0].snapshot(), rules).unwrap();
            stale.apply(&devices[0].changes_since(stale.vector()), now, rules).unwrap();
        }
        let changes = stale.changes_since(devices[0].vector());
        devices[0].apply(&changes, now, rules).unwrap();
        prop_assert_eq!(stale.state(), devices[0].state());
        prop_assert_eq!(stale.digest(), devices[0].digest());
        prop_assert_eq!(devices[0].refolded(rules), devices[0].state().clone());

        // Compacted events sent again are duplicates, never new.
        let everything = devices[2].changes_since(&VersionVector::default());
        let again = devices[0].apply(&everything, now, rules);
        // (the laptop held compacted events, so its change set carries
        // them; a change set from a compacted peer would not)
        prop_assert_eq!(again.unwrap().new, 0);
    }
}

#[test]
fn nothing_is_compacted_while_a_device_holds_events_the_backend_lacks() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let (mut backend, mut phone) = (
        Replica::new("backend").unwrap(),
        Replica::new("phone").unwrap(),
    );
    backend.record(body(0, 1, t0()), t0(), rules).unwrap();
    phone
        .apply(&backend.changes_since(phone.vector()), t0(), rules)
        .unwrap();
    phone
        .record(body(2, 1, t0()), t0() + TimeDelta::hours(1), rules)
        .unwrap();
    assert_eq!(backend.compact(&[ack(&phone)], rules), 0);
    backend
        .apply(&phone.changes_since(backend.vector()), t0(), rules)
        .unwrap();
    // Now the backend holds all; only events stamped before the phone's clock go.
    assert_eq!(backend.compact(&[ack(&phone)], rules), 1);
    assert_eq!(backend.log().len(), 1);
    assert_eq!(backend.log().count(), 2);
    let garbage = Snapshot::from_bytes(&[1, b'{']).unwrap_err();
    assert_eq!(garbage.kind(), ErrorKind::InvalidInput);
    assert!(
        garbage.field().starts_with("snapshot"),
        "{}",
        garbage.field()
    );
    assert_eq!(
        Snapshot::from_bytes(&[2]).unwrap_err().kind(),
        ErrorKind::NewerVersion
    );
}

#[test]
fn an_event_from_before_the_floor_is_refused_whole_and_changes_nothing() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    // A tablet never synced: it records offline, early.
    let mut tablet = Replica::new("tablet").unwrap();
    tablet.record(body(1, 1, t0()), t0(), rules).unwrap();
    // Meanwhile the phone and the backend sync, and the backend compacts
    // what the phone (the only device it knows) acknowledged.
    let (mut phone, mut backend) = (
        Replica::new("phone").unwrap(),
        Replica::new("backend").unwrap(),
    );
    for m in 1..=4 {
        let at = t0() + TimeDelta::minutes(m);
        phone.record(body(2, 1, at), at, rules).unwrap();
    }
    let later = t0() + TimeDelta::hours(1);
    backend
        .apply(&phone.changes_since(backend.vector()), later, rules)
        .unwrap();
    assert_eq!(backend.compact(&[ack(&phone)], rules), 3);
    let (state, digest) = (backend.state().clone(), backend.digest());

    // The tablet's answer predates the floor: folding it after the snapshot
    // would give the backend a state no other replica folds.
    let late = tablet.changes_since(backend.vector());
    let error = backend.apply(&late, later, rules).unwrap_err();
    assert_eq!(error.code(), "event_below_floor");
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(error.field(), "event");
    assert_eq!(backend.state(), &state);
    assert_eq!(backend.digest(), digest);
    assert_eq!(backend.refolded(rules), state);
}
