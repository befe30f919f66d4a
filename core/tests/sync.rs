//! The sync rules one at a time: merging is a set union (commutative,
//! associative, idempotent), conflicts and divergence are typed errors that
//! change nothing, registers follow their policies, a newer app's events
//! are kept and forwarded.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::ErrorKind;
use learnloop::adaptive::Engine;
use learnloop::srs::{Fsrs, Rating};
use learnloop::sync::{
    Body, CardChange, ChangeSet, Event, EventLog, Hlc, LearnerState, RegisterOp, RegisterWrite,
    Replica, Review, Rules, VersionVector,
};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn review(card: &str, rating: Rating, at: DateTime<Utc>) -> Body {
    Body::Review(Review {
        card: card.into(),
        rating,
        reviewed_at: at.into(),
        duration_ms: None,
    })
}

fn set(register: &str, value: &str, seen: &VersionVector) -> Body {
    Body::Register(RegisterWrite {
        register: register.into(),
        op: RegisterOp::Set(value.into()),
        seen: seen.clone(),
    })
}

/// Events of three devices, each device's numbered 1, 2, ...
fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((0usize..3, 0u8..4, 0u8..3, 0i64..100_000), 1..40).prop_map(|ops| {
        let mut seqs = [0u64; 3];
        ops.into_iter()
            .map(|(device, rating, card, minutes)| {
                seqs[device] += 1;
                let at = t0() + TimeDelta::minutes(minutes);
                let hlc = Hlc::new(at.timestamp_millis() as u64, 0).unwrap();
                let body = review(&format!("c{card}"), Rating::ALL[rating as usize], at);
                Event::new(&format!("d{device}"), seqs[device], hlc, &body).unwrap()
            })
            .collect()
    })
}

fn change_set(events: &[Event]) -> ChangeSet {
    let mut log = EventLog::default();
    for e in events {
        log.insert(e.clone()).unwrap();
    }
    log.changes_since(&VersionVector::default())
}

fn merged(parts: &[&[Event]]) -> EventLog {
    let mut log = EventLog::default();
    for part in parts {
        log.apply(&change_set(part)).unwrap();
    }
    log
}

proptest! {
    #[test]
    fn merging_is_a_set_union(events in events(), a in 0usize..40, b in 0usize..40) {
        let (a, b) = (a.min(events.len()), b.min(events.len()));
        let (x, rest) = events.split_at(a.min(b));
        let (y, z) = rest.split_at(a.max(b) - a.min(b));
        let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules { scheduler: &fsrs, engine: &engine };
        let orders: [&[&[Event]]; 4] = [&[x, y, z], &[z, y, x], &[y, x, z, x, y], &[z, x, y, z]];
        let logs: Vec<EventLog> = orders.iter().map(|o| merged(o)).collect();
        for log in &logs {
            prop_assert_eq!(log, &logs[0]);
            prop_assert_eq!(LearnerState::fold(log, rules), LearnerState::fold(&logs[0], rules));
        }
        prop_assert_eq!(logs[0].len(), events.len());
    }
}

#[test]
fn the_same_id_with_other_content_is_a_conflict_and_changes_nothing() {
    let now = t0();
    let hlc = Hlc::new(now.timestamp_millis() as u64, 0).unwrap();
    let mut log = EventLog::default();
    log.insert(Event::new("d", 1, hlc, &review("c", Rating::Good, now)).unwrap())
        .unwrap();
    let before = log.clone();
    let forged = Event::new("d", 1, hlc, &review("c", Rating::Again, now)).unwrap();
    let other = Event::new("e", 1, hlc, &review("c", Rating::Easy, now)).unwrap();
    let changes = change_set(&[other, forged]);
    let err = log.apply(&changes).unwrap_err();
    assert_eq!(
        (err.kind(), err.code(), err.field().as_str()),
        (ErrorKind::Conflict, "event_conflict", "event")
    );
    assert_eq!(
        log, before,
        "all or nothing: the other event was not added either"
    );
}

#[test]
fn replicas_with_the_same_vector_and_other_events_are_found_diverged() {
    let now = t0();
    let hlc = Hlc::new(now.timestamp_millis() as u64, 0).unwrap();
    let mut ours = EventLog::default();
    let mut theirs = EventLog::default();
    ours.insert(Event::new("d", 1, hlc, &review("c", Rating::Good, now)).unwrap())
        .unwrap();
    theirs
        .insert(Event::new("d", 1, hlc, &review("c", Rating::Hard, now)).unwrap())
        .unwrap();
    let err = ours
        .apply(&theirs.changes_since(ours.vector()))
        .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, "diverged"));
}

#[test]
fn a_write_made_after_seeing_a_2099_write_replaces_it() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let year_2099 = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let (mut broken, mut phone) = (
        Replica::new("broken-clock").unwrap(),
        Replica::new("phone").unwrap(),
    );
    broken
        .record(
            set("theme", "\"dark\"", &VersionVector::default()),
            year_2099,
            rules,
        )
        .unwrap();
    // Concurrent with the 2099 write: the 2099 stamp wins.
    phone
        .record(set("theme", "\"light\"", phone.vector()), now, rules)
        .unwrap();
    phone
        .apply(&broken.changes_since(phone.vector()), now, rules)
        .unwrap();
    assert_eq!(phone.state().registers.value("theme"), Some("\"dark\""));
    // After seeing it, the phone's next write wins, though its stamp is 73 years earlier.
    let seen = phone.vector().clone();
    let later = phone
        .record(
            set("theme", "\"sepia\"", &seen),
            now + TimeDelta::minutes(1),
            rules,
        )
        .unwrap();
    assert!(later.hlc.millis() < year_2099.timestamp_millis() as u64);
    broken
        .apply(&phone.changes_since(broken.vector()), year_2099, rules)
        .unwrap();
    for r in [&phone, &broken] {
        assert_eq!(r.state().registers.value("theme"), Some("\"sepia\""));
    }
}

#[test]
fn superseded_register_writes_are_not_kept_in_snapshots() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    // The writes of a register a snapshot keeps after `n` writes, each made
    // having seen the one before, once a peer holding them all acknowledged.
    let writes_kept = |n: i64| {
        let mut phone = Replica::new("phone").unwrap();
        for i in 0..n {
            let at = t0() + TimeDelta::minutes(i);
            let seen = phone.vector().clone();
            let value = format!("\"theme-{i:04}\"");
            phone
                .record(set("theme", &value, &seen), at, rules)
                .unwrap();
        }
        let later = t0() + TimeDelta::days(1);
        let added = Body::CardAdded(CardChange {
            card: "c1".into(),
            at: later.into(),
        });
        phone.record(added, later, rules).unwrap();
        let mut backend = Replica::new("backend").unwrap();
        backend
            .apply(&phone.changes_since(backend.vector()), later, rules)
            .unwrap();
        let ack = learnloop::sync::Acknowledgement {
            vector: backend.vector().clone(),
            clock: backend.clock(),
        };
        assert_eq!(phone.compact(&[ack], rules), n as usize);
        let last = format!("\"theme-{:04}\"", n - 1);
        assert_eq!(phone.state().registers.value("theme"), Some(last.as_str()));
        // The snapshot is a format byte, then JSON.
        let bytes = phone.snapshot().to_bytes();
        let mut json: serde_json::Value = serde_json::from_slice(&bytes[1..]).unwrap();
        let writes = &mut json["state"]["registers"]["sets"]["theme"]["writes"];
        let kept = writes.as_array().unwrap().len();
        // A snapshot written before writes were collected kept a write
        // some write had seen, stamped later than the winner (a clock
        // ahead): read back, it is dropped and does not win.
        let winner = writes[0][0][0].as_u64().unwrap();
        let stale =
            serde_json::json!([[winner + 1_000, {"device": "phone", "seq": 1}], "\"stale\""]);
        writes.as_array_mut().unwrap().push(stale);
        let mut old = vec![bytes[0]];
        old.extend(serde_json::to_vec(&json).unwrap());
        let read = learnloop::sync::Snapshot::from_bytes(&old).unwrap();
        if n > 1 {
            assert_eq!(read.state.registers.value("theme"), Some(last.as_str()));
            assert_eq!(read.state, phone.snapshot().state);
        }
        kept
    };
    assert_eq!(writes_kept(200), 1);
    assert_eq!(writes_kept(1), 1);
}

#[test]
fn registers_follow_their_policies() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let (mut a, mut b) = (Replica::new("a").unwrap(), Replica::new("b").unwrap());
    let write = |register: &str, op| {
        Body::Register(RegisterWrite {
            register: register.into(),
            op,
            seen: VersionVector::default(),
        })
    };
    // b's clock is a minute ahead of a's.
    for (r, n, at) in [(&mut a, 3, now), (&mut b, 5, now + TimeDelta::minutes(1))] {
        r.record(write("xp", RegisterOp::Add(n)), at, rules)
            .unwrap();
        r.record(write("xp", RegisterOp::Add(n)), at, rules)
            .unwrap();
        r.record(
            write("best", RegisterOp::Max(f64::from(n as i32))),
            at,
            rules,
        )
        .unwrap();
        r.record(
            write(
                "prefs",
                RegisterOp::Put {
                    key: "sound".into(),
                    value: "true".into(),
                },
            ),
            at,
            rules,
        )
        .unwrap();
    }
    let seen = a.vector().clone();
    a.record(
        Body::Register(RegisterWrite {
            register: "prefs".into(),
            op: RegisterOp::Remove {
                key: "sound".into(),
            },
            seen,
        }),
        now,
        rules,
    )
    .unwrap();
    b.apply(&a.changes_since(b.vector()), now, rules).unwrap();
    a.apply(&b.changes_since(a.vector()), now, rules).unwrap();
    for r in [&a, &b] {
        let registers = &r.state().registers;
        assert_eq!(registers.counter("xp"), 16, "no increment lost");
        assert_eq!(registers.max("best"), Some(5.0));
        // The removal had seen only a's put; b's concurrent put has the later stamp.
        assert_eq!(registers.map("prefs").get("sound"), Some(&"true"));
    }
    assert_eq!(a.state(), b.state());
}

#[test]
fn two_offline_reviews_of_one_card_both_count() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let (mut phone, mut tablet) = (
        Replica::new("phone").unwrap(),
        Replica::new("tablet").unwrap(),
    );
    phone
        .record(
            Body::CardAdded(CardChange {
                card: "c".into(),
                at: now.into(),
            }),
            now,
            rules,
        )
        .unwrap();
    tablet
        .apply(&phone.changes_since(tablet.vector()), now, rules)
        .unwrap();
    let later = now + TimeDelta::days(3);
    phone
        .record(review("c", Rating::Good, later), later, rules)
        .unwrap();
    tablet
        .record(
            review("c", Rating::Again, later + TimeDelta::hours(2)),
            later + TimeDelta::hours(2),
            rules,
        )
        .unwrap();
    tablet
        .apply(&phone.changes_since(tablet.vector()), later, rules)
        .unwrap();
    phone
        .apply(&tablet.changes_since(phone.vector()), later, rules)
        .unwrap();
    for r in [&phone, &tablet] {
        let card = &r.state().cards["c"];
        assert_eq!(
            (card.reps, card.lapses),
            (2, 0),
            "both reviews are in the card"
        );
    }
    assert_eq!(phone.state(), tablet.state());
}

#[test]
fn a_newer_apps_events_are_kept_forwarded_and_not_folded() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let (mut new_app, mut old_app, mut third) = (
        Replica::new("new").unwrap(),
        Replica::new("old").unwrap(),
        Replica::new("third").unwrap(),
    );
    new_app
        .record_other("streak_bonus", 3, vec![1, 2, 3], now, rules)
        .unwrap();
    old_app
        .apply(&new_app.changes_since(old_app.vector()), now, rules)
        .unwrap();
    third
        .apply(&old_app.changes_since(third.vector()), now, rules)
        .unwrap();
    let forwarded: Vec<&Event> = third.log().events().collect();
    assert_eq!(forwarded.len(), 1);
    assert_eq!(
        (
            forwarded[0].kind.as_str(),
            forwarded[0].version,
            forwarded[0].payload.as_slice()
        ),
        ("streak_bonus", 3, &[1u8, 2, 3][..])
    );
    assert_eq!(third.state().unknown, 1);
    assert_eq!(third.digest(), new_app.digest());
    // A kind of this library cannot be recorded as raw bytes.
    let err = new_app
        .record_other("review", 1, vec![], now, rules)
        .unwrap_err();
    assert_eq!(err.field(), "kind");
}

#[test]
fn a_payload_that_does_not_decode_is_skipped_the_same_everywhere() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let bad = Event {
        id: learnloop::sync::EventId {
            device: "d".into(),
            seq: 1,
        },
        hlc: Hlc::new(now.timestamp_millis() as u64, 0).unwrap(),
        kind: "review".into(),
        version: 1,
        payload: vec![0xff; 3],
    };
    let mut log = EventLog::default();
    log.insert(bad.clone()).unwrap();
    let state = LearnerState::fold(&log, rules);
    assert_eq!(state.skipped, vec![bad.id.clone()]);
    assert!(Body::of(&bad).unwrap_err().field().contains("payload"));
}

fn sorted(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    events
}

proptest! {
    #[test]
    fn the_binary_form_round_trips(events in events()) {
        let changes = change_set(&events);
        let back = ChangeSet::from_bytes(&changes.to_bytes()).unwrap();
        prop_assert_eq!(&back, &changes);
    }

    #[test]
    fn any_bytes_decode_or_fail_with_a_field(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut input = vec![learnloop::sync::CHANGE_SET_FORMAT];
        input.extend(bytes);
        match ChangeSet::from_bytes(&input) {
            Ok(changes) => {
                let again = ChangeSet::from_bytes(&changes.to_bytes()).unwrap();
                prop_assert_eq!(sorted(again.events), sorted(changes.events));
            }
            Err(e) => prop_assert!(e.field().starts_with("change_set."), "{}", e.field()),
        }
    }
}

#[test]
fn a_review_takes_at_most_32_bytes_in_a_batch_of_1000() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let mut phone = Replica::new("phone-7f3a9c").unwrap();
    let mut at = t0();
    for i in 0..1000 {
        at += TimeDelta::seconds(7 + i % 13);
        let card = format!("card-{}", i % 400);
        phone
            .record(review(&card, Rating::ALL[(i % 4) as usize], at), at, rules)
            .unwrap();
    }
    let bytes = phone.changes_since(&VersionVector::default()).to_bytes();
    let per_event = bytes.len() as f64 / 1000.0;
    println!(
        "1,000 reviews: {} bytes, {per_event:.1} per review",
        bytes.len()
    );
    assert!(per_event <= 32.0, "{per_event} bytes per review");
}

/// A change set carrying only a 16-device version vector (what a device
/// sends to ask "what do I lack?"), with device ids of `len` characters.
fn vector_only_bytes(len: usize) -> usize {
    let mut vector = VersionVector::default();
    for d in 0..16u64 {
        let id = format!("{d:0>len$x}");
        vector.set(&id, 1_000 + d * 977);
    }
    ChangeSet {
        events: Vec::new(),
        vector,
        digest: u64::MAX,
        count: 40_000,
        floor: VersionVector::default(),
        floor_stamp: Hlc::ZERO,
    }
    .to_bytes()
    .len()
}

#[test]
fn a_version_vector_of_16_devices_takes_at_most_256_bytes_with_short_ids() {
    let (eight, twelve, uuid) = (
        vector_only_bytes(8),
        vector_only_bytes(12),
        vector_only_bytes(36),
    );
    println!(
        "16-device vector: {eight} bytes (8-character ids), {twelve} (12), {uuid} (36, a UUID)"
    );
    assert!(eight <= 256, "{eight} bytes");
    // The ids dominate: each costs its length plus about 4 bytes.
    assert!(uuid - eight == 16 * 28, "{uuid} - {eight}");
}

#[test]
fn malformed_change_sets_are_refused_naming_the_field() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let mut phone = Replica::new("phone").unwrap();
    phone
        .record(review("c", Rating::Good, t0()), t0(), rules)
        .unwrap();
    let bytes = phone.changes_since(&VersionVector::default()).to_bytes();
    assert_eq!(
        ChangeSet::from_bytes(&[]).unwrap_err().field(),
        "change_set.format"
    );
    let mut newer = bytes.clone();
    newer[0] = 2;
    assert_eq!(
        ChangeSet::from_bytes(&newer).unwrap_err().kind(),
        ErrorKind::NewerVersion
    );
    assert_eq!(
        ChangeSet::from_bytes(&bytes[..bytes.len() - 1])
            .unwrap_err()
            .field(),
        "change_set.bytes"
    );
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(
        ChangeSet::from_bytes(&trailing).unwrap_err().field(),
        "change_set.bytes"
    );
}

#[test]
fn answers_from_two_devices_fold_into_one_adaptive_session() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let (mut phone, mut web) = (Replica::new("phone").unwrap(), Replica::new("web").unwrap());
    let answer = |q: usize, correct: bool, at: DateTime<Utc>| {
        let interaction = learnloop::adaptive::Interaction::answered(format!("q{q}"), correct, at);
        Body::Answer(learnloop::sync::Answer {
            session: "s1".into(),
            interaction,
        })
    };
    for q in 0..4 {
        let at = now + TimeDelta::minutes(q as i64);
        phone.record(answer(q, true, at), at, rules).unwrap();
        web.record(
            answer(q + 10, q % 2 == 0, at + TimeDelta::seconds(20)),
            at + TimeDelta::seconds(20),
            rules,
        )
        .unwrap();
    }
    web.apply(&phone.changes_since(web.vector()), now, rules)
        .unwrap();
    phone
        .apply(&web.changes_since(phone.vector()), now, rules)
        .unwrap();
    assert_eq!(phone.state(), web.state());
    let session = &phone.state().sessions["s1"];
    assert_eq!(
        session.history.len(),
        8,
        "every answer of both devices is in the session"
    );
    // The same answers folded in the same order by the engine itself.
    let mut state = learnloop::adaptive::AdaptiveState::initial(now);
    for event in phone.log().events() {
        if let Some(Body::Answer(a)) = Body::of(event).unwrap() {
            state = engine.observe(&state, &a.interaction).unwrap().state;
        }
    }
    assert_eq!(session.state, state);
}

fn answer_in(session: &str, q: usize, correct: bool, at: DateTime<Utc>) -> Body {
    Body::Answer(learnloop::sync::Answer {
        session: session.into(),
        interaction: learnloop::adaptive::Interaction::answered(format!("q{q}"), correct, at),
    })
}

#[test]
fn a_backend_decision_wins_over_what_it_saw_and_an_unseen_offline_answer_still_counts() {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let now = t0();
    let at = |m: i64| now + TimeDelta::minutes(m);
    let (mut phone, mut backend) = (
        Replica::new("phone").unwrap(),
        Replica::new("backend").unwrap(),
    );
    for q in 0..3 {
        phone
            .record(answer_in("s1", q, true, at(q as i64)), at(q as i64), rules)
            .unwrap();
    }
    backend
        .apply(&phone.changes_since(backend.vector()), at(3), rules)
        .unwrap();
    // Offline, the phone answers twice more (wrongly) ...
    for q in 3..5 {
        phone
            .record(answer_in("s1", q, false, at(q as i64)), at(q as i64), rules)
            .unwrap();
    }
    // ... while the backend, having seen the first three, decides the
    // session's difficulty. Its clock is behind the phone's: causality
    // decides, not the clocks.
    let mut decided = backend.state().sessions["s1"].state.clone();
    decided.adaptive_difficulty_level = 0.9;
    let seen = backend.vector().clone();
    backend
        .record(
            Body::Authority(learnloop::sync::Authority {
                session: "s1".into(),
                state: decided.clone(),
                seen,
            }),
            at(3),
            rules,
        )
        .unwrap();
    backend
        .apply(&phone.changes_since(backend.vector()), at(6), rules)
        .unwrap();
    phone
        .apply(&backend.changes_since(phone.vector()), at(6), rules)
        .unwrap();
    assert_eq!(phone.state(), backend.state());
    assert_eq!(phone.digest(), backend.digest());
    // The expected state: the decision, then the two answers it had not seen.
    let mut expected = decided;
    for q in 3..5 {
        let Body::Answer(a) = answer_in("s1", q, false, at(q as i64)) else {
            unreachable!()
        };
        expected = engine.observe(&expected, &a.interaction).unwrap().state;
    }
    let session = &phone.state().sessions["s1"];
    assert_eq!(session.state, expected);
    assert_eq!(session.answers.len(), 5);
    assert!(
        session.state.adaptive_difficulty_level < 0.9,
        "two wrong answers after the decision lower the difficulty: {}",
        session.state.adaptive_difficulty_level
    );

    // A decision that had seen every answer wins outright.
    let mut decided = phone.state().sessions["s1"].state.clone();
    decided.adaptive_difficulty_level = 0.2;
    let seen = backend.vector().clone();
    backend
        .record(
            Body::Authority(learnloop::sync::Authority {
                session: "s1".into(),
                state: decided.clone(),
                seen,
            }),
            at(7),
            rules,
        )
        .unwrap();
    phone
        .apply(&backend.changes_since(phone.vector()), at(7), rules)
        .unwrap();
    assert_eq!(phone.state().sessions["s1"].state, decided);
    assert_eq!(phone.state(), backend.state());
}

#[test]
fn an_authority_event_round_trips_and_a_broken_one_is_skipped_not_fatal() {
    let state = learnloop::adaptive::AdaptiveState::initial(t0());
    let mut seen = VersionVector::default();
    seen.set("phone", 4);
    let body = Body::Authority(learnloop::sync::Authority {
        session: "s1".into(),
        state,
        seen,
    });
    let hlc = Hlc::new(t0().timestamp_millis() as u64, 0).unwrap();
    let event = Event::new("backend", 1, hlc, &body).unwrap();
    assert_eq!((event.kind.as_str(), event.version), ("authority", 1));
    assert_eq!(Body::of(&event).unwrap(), Some(body));
    let mut broken = event.clone();
    broken.payload.truncate(broken.payload.len() / 2);
    let error = Body::of(&broken).unwrap_err();
    assert_eq!(error.field(), "event[backend:1].payload");
}

#[test]
fn a_body_in_json_names_its_kind_as_the_event_does_and_errors_name_the_field() {
    let at = t0();
    let bodies = [
        review("c1", Rating::Good, at),
        Body::CardAdded(CardChange {
            card: "c1".into(),
            at: at.into(),
        }),
        Body::CardRemoved(CardChange {
            card: "c1".into(),
            at: at.into(),
        }),
        set("theme", "\"dark\"", &VersionVector::default()),
        answer_in("s1", 1, true, at),
        Body::Authority(learnloop::sync::Authority {
            session: "s1".into(),
            state: learnloop::adaptive::AdaptiveState::initial(at),
            seen: VersionVector::default(),
        }),
    ];
    for body in bodies {
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["kind"], body.kind().0, "{json}");
        assert_eq!(Body::from_json(json).unwrap(), body);
    }
    let error = Body::from_json(serde_json::json!({
        "kind": "review", "card": "c1", "rating": 7, "reviewed_at": "2026-01-05T09:00:00Z"
    }))
    .unwrap_err();
    assert_eq!(error.field(), "body.rating");
    let error = Body::from_json(serde_json::json!({
        "kind": "card_added", "card": "", "at": "2026-01-05T09:00:00Z"
    }))
    .unwrap_err();
    assert_eq!(error.field(), "body.card");
    let error = Body::from_json(serde_json::json!({"kind": "teleport"})).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}
