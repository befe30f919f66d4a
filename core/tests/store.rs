//! The SQLite store: migrations and old databases, sessions, reviews and the
//! due queue, indexes, privacy, hostile input, concurrency and crashes.

#![cfg(feature = "sqlite")]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::adaptive::{AdaptationRecord, AdaptiveState, PerformanceTrend};
use learnloop::migrate::{Message, SessionDocument, SessionState};
use learnloop::srs::{
    Card, Fsrs, QueueOptions, QueueOrder, Rating, Scheduler, State, due_queue, forecast,
};
use learnloop::store::{Event, MIGRATIONS, Purpose, Store};
use proptest::prelude::*;
use rusqlite::Connection;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// A database in `dir` built by the committed fixture of schema `version`,
/// then `extra` SQL.
fn old_database(dir: &Path, version: i64, extra: &str) -> PathBuf {
    let path = dir.join(format!("v{version}.db"));
    let c = Connection::open(&path).unwrap();
    let sql = std::fs::read_to_string(fixture(&format!("store/v{version}.sql"))).unwrap();
    c.execute_batch(&sql).unwrap();
    c.execute_batch(extra).unwrap();
    path
}

/// (type, name, tbl_name, sql) of every schema object, sorted.
fn schema_of(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    let c = Connection::open(path).unwrap();
    let mut s = c
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn session_doc(at: DateTime<Utc>) -> SessionDocument {
    let mut doc = SessionDocument::new(vec!["algebra".into(), "it's \"quoted\"".into()], at);
    doc.adaptive_state.adaptive_difficulty_level = 0.61;
    doc.adaptive_state.detected_learning_style = "worked_example".into();
    doc.adaptive_state.conversation_intelligence.insert(
        "tone".into(),
        serde_json::json!({"warm": true, "n": [1, 2.5]}),
    );
    doc.question_adaptation_history.push(AdaptationRecord {
        timestamp: at + TimeDelta::minutes(3),
        question_id: "q1".into(),
        adaptive_difficulty: 0.55,
        adaptation_reasoning: "two right answers".into(),
        performance_context: 0.8,
    });
    doc.messages.push(Message {
        message_index: 0,
        text: "hello".into(),
        is_user: true,
        timestamp: at,
        adaptive_context: Some(serde_json::json!({"hint": 1})),
    });
    doc
}

#[test]
fn a_new_file_is_created_migrated_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ll.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    store.save_session("l1", "s1", &session_doc(t0())).unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.load_session("s1").unwrap(), session_doc(t0()));
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn old_databases_migrate_to_exactly_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    let latest = learnloop::store::MIGRATIONS.last().unwrap().version;
    // One fixture per past schema version, each built by committed SQL.
    for version in 1..latest {
        let old = old_database(dir.path(), version, "");
        assert_ne!(schema_of(&old), schema_of(&fresh), "v{version}");
        let store = Store::open(&old).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest);
        drop(store);
        assert_eq!(schema_of(&old), schema_of(&fresh), "v{version}");
        // The data written at that version reads back.
        let store = Store::open(&old).unwrap();
        assert_eq!(
            store.load_session("session-v1").unwrap().messages[0].text,
            "hello"
        );
        assert_eq!(store.card("learner-v1", "card-1").unwrap().reps, 2);
        assert_eq!(
            store.review_logs("learner-v1", "card-1").unwrap()[0].duration_ms,
            Some(4200)
        );
        assert_eq!(
            store.events("learner-v1").unwrap()[0].payload["correct"],
            true
        );
        if version >= 2 {
            assert!(
                store
                    .consent("learner-v1", Purpose::Analytics)
                    .unwrap()
                    .unwrap()
                    .granted
            );
        }
        if version >= 3 {
            // Two learners with a card of the same id keep their own cards
            // and logs through the rebuild to integer learner keys, in order.
            let ids: Vec<String> = store
                .cards("learner-v1")
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(ids, ["card-1", "card-2"]);
            let other = store.card("learner-v3", "card-1").unwrap();
            assert_eq!((other.state, other.reps), (State::New, 0));
            assert_eq!(
                store.review_logs("learner-v3", "card-1").unwrap()[0].duration_ms,
                Some(900)
            );
            // A learner added after the migration gets a key of its own.
            store
                .put_cards("learner-new", &[Card::new("card-1", t0())], t0())
                .unwrap();
            assert_eq!(store.cards("learner-new").unwrap().len(), 1);
            assert_eq!(store.cards("learner-v3").unwrap().len(), 1);
        }
        if version >= 5 {
            // Both reviews of the other learner's card, and none of the
            // first learner's card of the same id, in order.
            let durations: Vec<Option<u32>> = store
                .review_logs("learner-v3", "card-1")
                .unwrap()
                .iter()
                .map(|l| l.duration_ms)
                .collect();
            assert_eq!(durations, [Some(900), Some(1500)]);
            assert_eq!(store.review_logs("learner-v1", "card-1").unwrap().len(), 1);
        }
        assert_eq!(
            orphan_logs(&Connection::open(&old).unwrap()),
            0,
            "v{version}"
        );
        // The card is still found by the due queue through the new index.
        let due = store
            .due_queue(
                "learner-v1",
                Utc.with_ymd_and_hms(2026, 1, 9, 0, 0, 0).unwrap(),
                &QueueOptions::default(),
            )
            .unwrap();
        let reviews = due.iter().filter(|c| c.state != State::New).count();
        assert_eq!(reviews, 1, "v{version}");
        if version >= 3 {
            // And the new card, through the index of new cards (migration 5).
            let new: Vec<&str> = due
                .iter()
                .filter(|c| c.state == State::New)
                .map(|c| c.id.as_str())
                .collect();
            assert_eq!(new, ["card-2"], "v{version}");
        }
    }
}

/// A v3 database holding a card whose learner is missing (possible only if
/// something wrote it with foreign keys off) is refused by the rebuild to
/// integer learner keys, and stays exactly as it was: nothing is dropped.
#[test]
fn a_rebuild_refuses_orphan_rows_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_database(
        dir.path(),
        3,
        "PRAGMA foreign_keys = OFF;
         INSERT INTO cards VALUES (9, 'nobody', 'card-9', 0, NULL, 0, NULL, NULL, NULL, NULL,
                                   NULL, 0, 0, 0);",
    );
    let before = schema_of(&path);
    let e = Store::open(&path).unwrap_err();
    assert_eq!(e.code(), "storage_failed", "{e}");
    assert!(e.to_string().contains("migration 4"), "{e}");
    assert_eq!(schema_of(&path), before);
    let c = Connection::open(&path).unwrap();
    let orphan: String = c
        .query_row("SELECT learner_id FROM cards WHERE position = 9", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(orphan, "nobody");
    let version: i64 = c
        .query_row("SELECT max(version) FROM learnloop_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(version, 3);
}

/// A v5 database holding a review log whose card is missing is refused by
/// the rebuild that links logs to their cards' positions, and stays exactly
/// as it was.
#[test]
fn a_log_without_its_card_fails_migration_6_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_database(
        dir.path(),
        5,
        "INSERT INTO review_logs VALUES (9, 1, 'no-such-card', 3, 2, 0, 0, 1, 700);",
    );
    let before = (schema_of(&path), dump_all(&path));
    let e = Store::open(&path).unwrap_err();
    assert_eq!(e.code(), "storage_failed", "{e}");
    assert!(e.to_string().contains("migration 6"), "{e}");
    assert_eq!((schema_of(&path), dump_all(&path)), before);
}

/// Review logs whose card is not in the cards table. The store keeps every
/// log linked to its card itself (no foreign key is declared on the link),
/// so the tests that write, crash and erase check that none is left over.
fn orphan_logs(c: &Connection) -> i64 {
    c.query_row(
        "SELECT COUNT(*) FROM review_logs WHERE card_position NOT IN (SELECT position FROM cards)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn newer_or_altered_databases_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(Store::open(&path).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO learnloop_migrations VALUES (99, 'from the future', 'abc', 0)",
            [],
        )
        .unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let before = file_bytes(&path);
    let e = Store::open(&path).unwrap_err();
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("version_too_new", "database"),
        "{e}"
    );
    assert_eq!(file_bytes(&path), before);

    let path = dir.path().join("altered.db");
    drop(Store::open(&path).unwrap());
    {
        let c = Connection::open(&path).unwrap();
        c.execute(
            "UPDATE learnloop_migrations SET checksum = 'edited' WHERE version = 1",
            [],
        )
        .unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let before = file_bytes(&path);
    let e = Store::open(&path).unwrap_err();
    assert_eq!(e.code(), "migration_changed", "{e}");
    assert!(e.to_string().contains("edited"));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn another_applications_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theirs.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE learners (id TEXT PRIMARY KEY, name TEXT);
             INSERT INTO learners VALUES ('l1', 'Ada');",
        )
        .unwrap();
    }
    let before = file_bytes(&path);
    let e = Store::open(&path).unwrap_err();
    assert_eq!(e.kind(), learnloop::ErrorKind::StorageCorrupt, "{e}");
    assert!(e.to_string().contains("not a learnloop database"), "{e}");
    assert!(e.to_string().contains("table learners"), "{e}");
    assert!(e.to_string().len() < 300, "a short message: {e}");
    assert_eq!(file_bytes(&path), before);
    let mode: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "the journal mode is unchanged");
    // An empty file is ours to set up.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    Store::open(&empty).unwrap();
}

#[test]
fn an_adaptive_state_the_engine_would_refuse_is_never_stored() {
    let store = Store::open_in_memory().unwrap();
    let good = session_doc(t0());
    store.save_session("l", "s", &good).unwrap();
    let mut bad = good.adaptive_state.clone();
    bad.adaptive_difficulty_level = 7.0;
    let e = store.save_adaptive_state("s", &bad, t0()).unwrap_err();
    assert_eq!(e.field(), "state.adaptiveDifficultyLevel", "{e}");
    let mut doc = good.clone();
    doc.adaptive_state
        .live_performance_metrics
        .current_understanding = 5.0;
    let e = store.save_session("l", "s2", &doc).unwrap_err();
    assert_eq!(
        e.field(),
        "document.adaptiveState.livePerformanceMetrics.currentUnderstanding",
        "{e}"
    );
    assert_eq!(store.adaptive_state("s").unwrap(), good.adaptive_state);
    assert!(store.load_session("s2").is_err());
    // Decoding refuses it too, naming the path from the document's root.
    let mut json: serde_json::Value =
        serde_json::from_str(&learnloop::json::to_json(&good)).unwrap();
    json["adaptiveState"]["adaptiveDifficultyLevel"] = 7.0.into();
    let e = learnloop::json::from_value::<SessionDocument>(json).unwrap_err();
    assert_eq!(e.field(), "adaptiveState.adaptiveDifficultyLevel", "{e}");
}

#[test]
fn sessions_save_restore_and_list_by_recency() {
    let store = Store::open_in_memory().unwrap();
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        store
            .save_session("l1", id, &session_doc(t0() + TimeDelta::minutes(i as i64)))
            .unwrap();
    }
    store
        .save_session("l2", "other", &session_doc(t0()))
        .unwrap();
    store
        .set_session_state("b", SessionState::Completed, t0() + TimeDelta::hours(1))
        .unwrap();
    let mut state = store.adaptive_state("a").unwrap();
    state.live_performance_metrics.performance_trend = PerformanceTrend::Declining;
    store
        .save_adaptive_state("a", &state, t0() + TimeDelta::hours(2))
        .unwrap();
    let active: Vec<String> = store
        .active_sessions("l1", 10)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(active, ["a", "c"]);
    assert_eq!(store.adaptive_state("a").unwrap(), state);
    let e = store.adaptive_state("nope").unwrap_err();
    assert_eq!((e.code(), e.field().as_str()), ("not_found", "session"));
    let e = store
        .save_session("l2", "a", &session_doc(t0()))
        .unwrap_err();
    assert_eq!(e.field(), "session_id");

    let rec = AdaptationRecord {
        timestamp: t0() + TimeDelta::minutes(10),
        question_id: "q2".into(),
        adaptive_difficulty: 0.7,
        adaptation_reasoning: "streak".into(),
        performance_context: 0.9,
    };
    store.append_adaptation("a", &rec).unwrap();
    let history = store.adaptation_history("a", None).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1], rec);
    assert_eq!(
        store
            .adaptation_history("a", Some(t0() + TimeDelta::minutes(5)))
            .unwrap(),
        vec![rec]
    );
    // Duplicate message indexes are a typed error, and nothing was written.
    let mut dup = session_doc(t0());
    dup.messages.push(dup.messages[0].clone());
    let e = store.save_session("l1", "d", &dup).unwrap_err();
    assert_eq!(e.field(), "session.messages");
    assert!(store.load_session("d").is_err());
}

fn any_state() -> impl Strategy<Value = AdaptiveState> {
    let unit = 0.0f64..=1.0;
    (
        (
            unit.clone(),
            unit.clone(),
            unit.clone(),
            unit.clone(),
            unit.clone(),
            unit,
        ),
        0u8..3,
        any::<i64>().prop_map(|s| s.rem_euclid(4_000_000_000)),
        "\\PC{0,12}",
        prop::collection::btree_map("\\PC{0,6}", any::<i32>(), 0..4),
        0u32..1_000_000_000,
    )
        .prop_map(
            |((u, c, e, avg, diff, mom), trend, secs, style, prefs, nanos)| {
                let at = DateTime::from_timestamp(secs, nanos).unwrap();
                let mut s = AdaptiveState::initial(at);
                s.live_performance_metrics.current_understanding = u;
                s.live_performance_metrics.current_confidence = c;
                s.live_performance_metrics.current_engagement = e;
                s.live_performance_metrics.session_average = avg;
                s.live_performance_metrics.performance_trend = [
                    PerformanceTrend::Improving,
                    PerformanceTrend::Stable,
                    PerformanceTrend::Declining,
                ][trend as usize];
                s.adaptive_difficulty_level = diff;
                s.learning_momentum_score = mom;
                s.detected_learning_style = style;
                for (k, v) in prefs {
                    s.learned_user_preferences.insert(k, v.into());
                }
                s
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Restore returns exactly what was saved.
    #[test]
    fn adaptive_state_round_trips_exactly(state in any_state()) {
        let store = Store::open_in_memory().unwrap();
        store.save_session("l", "s", &SessionDocument::new(vec![], t0())).unwrap();
        store.save_adaptive_state("s", &state, t0()).unwrap();
        prop_assert_eq!(store.adaptive_state("s").unwrap(), state);
    }

    /// The store's due queue and forecast equal the core's over all cards.
    #[test]
    fn due_queue_and_forecast_match_the_core(
        specs in prop::collection::vec((0u8..4, 1.0f64..400.0, -40i64..40, 0i64..400), 1..80),
        new_limit in 0u32..10,
        review_limit in 0u32..30,
        by_due in any::<bool>(),
    ) {
        let store = Store::open_in_memory().unwrap();
        let now = t0() + TimeDelta::days(500);
        let cards: Vec<Card> = specs.iter().enumerate().map(|(i, &(state, s, due, last))| {
            let mut c = Card::new(format!("c{i}"), now);
            if state > 0 {
                c.state = [learnloop::srs::State::Learning, learnloop::srs::State::Review,
                           learnloop::srs::State::Relearning][state as usize - 1];
                c.memory = Some(learnloop::srs::MemoryState { stability: s, difficulty: 5.0 });
                let last_review = (now - TimeDelta::days(last) - TimeDelta::hours(i as i64 % 24)).into();
                c.last_review = Some(last_review);
                // Due no earlier than the last review, as every card's is.
                c.due = std::cmp::max(last_review, (now + TimeDelta::hours(due * 13)).into());
            }
            c
        }).collect();
        store.put_cards("l", &cards, t0()).unwrap();
        let order = if by_due { QueueOrder::DueDate } else { QueueOrder::Retrievability };
        let options = QueueOptions { new_limit, review_limit, order, ..QueueOptions::default() };
        let want: Vec<Card> = due_queue(&cards, now, &options).iter().map(|i| cards[i].clone()).collect();
        prop_assert_eq!(store.due_queue("l", now, &options).unwrap(), want);
        prop_assert_eq!(store.forecast("l", now, 30).unwrap(), forecast(&cards, now, 30).unwrap());
        prop_assert_eq!(store.cards("l").unwrap(), cards);
    }
}

/// One step of a random history of writes: cards stored as a deck, or a
/// batch of reviews (card number, rating) by one of two learners.
#[derive(Debug, Clone)]
enum CardWrite {
    Deck(bool, Vec<u8>),
    Reviews(bool, Vec<(u8, u8)>),
}

fn any_card_write() -> impl Strategy<Value = CardWrite> {
    prop_oneof![
        (any::<bool>(), prop::collection::vec(0u8..12, 0..6))
            .prop_map(|(l, v)| CardWrite::Deck(l, v)),
        (
            any::<bool>(),
            prop::collection::vec((0u8..12, 1u8..5), 0..90)
        )
            .prop_map(|(l, v)| CardWrite::Reviews(l, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Reviews recorded one by one and in batches (new cards, cards stored
    /// before as a deck, a card several times in one batch, two learners
    /// with cards of the same ids) read back as a model of them says: each
    /// card's last version, each card's logs in order, the cards in the
    /// order they were first stored, and no log without its card.
    #[test]
    fn recorded_reviews_read_back_as_written(
        writes in prop::collection::vec(any_card_write(), 1..8),
        one_by_one in any::<bool>(),
    ) {
        use std::collections::HashMap;
        let store = Store::open_in_memory().unwrap();
        let fsrs = Fsrs::default();
        let learners = ["ann", "bob"];
        // Per learner: card id -> (card, its ratings), and first-stored order.
        let mut model: [HashMap<String, (Card, Vec<Rating>)>; 2] = Default::default();
        let mut order: [Vec<String>; 2] = Default::default();
        let mut now = t0();
        for write in &writes {
            match write {
                CardWrite::Deck(l, ids) => {
                    let l = usize::from(*l);
                    let deck: Vec<Card> = ids.iter().map(|i| Card::new(format!("c{i}"), now)).collect();
                    store.put_cards(learners[l], &deck, now).unwrap();
                    for card in deck {
                        if !order[l].contains(&card.id) {
                            order[l].push(card.id.clone());
                        }
                        // A deck replaces the stored card but keeps its logs.
                        let logs = model[l].remove(&card.id).map(|e| e.1).unwrap_or_default();
                        model[l].insert(card.id.clone(), (card, logs));
                    }
                }
                CardWrite::Reviews(l, reviews) => {
                    let l = usize::from(*l);
                    let mut batch = Vec::new();
                    for &(i, rating) in reviews {
                        let id = format!("c{i}");
                        let rating = Rating::try_from(rating).unwrap();
                        now += TimeDelta::minutes(7);
                        let entry = model[l].entry(id.clone()).or_insert_with(|| (Card::new(&id, now), vec![]));
                        let out = fsrs.review(&entry.0, rating, now).unwrap();
                        entry.0 = out.card.clone();
                        entry.1.push(rating);
                        if !order[l].contains(&id) {
                            order[l].push(id);
                        }
                        batch.push((out.card, out.log));
                    }
                    if one_by_one {
                        for (card, log) in &batch {
                            store.record_review(learners[l], card, log).unwrap();
                        }
                    } else {
                        store.record_reviews(learners[l], &batch).unwrap();
                    }
                }
            }
        }
        for l in 0..2 {
            let ids: Vec<String> = store.cards(learners[l]).unwrap_or_default().into_iter().map(|c| c.id).collect();
            prop_assert_eq!(&ids, &order[l]);
            for (id, (card, ratings)) in &model[l] {
                prop_assert_eq!(&store.card(learners[l], id).unwrap(), card);
                let logged: Vec<Rating> = store.review_logs(learners[l], id).unwrap().iter().map(|g| g.rating).collect();
                prop_assert_eq!(&logged, ratings);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.db");
        std::fs::write(&path, store.to_bytes().unwrap()).unwrap();
        prop_assert_eq!(orphan_logs(&Connection::open(&path).unwrap()), 0);
    }
}

#[test]
fn broken_cards_are_refused_and_nothing_is_written() {
    let store = Store::open_in_memory().unwrap();
    let fsrs = Fsrs::default();
    let out = fsrs
        .review(&Card::new("c1", t0()), Rating::Good, t0())
        .unwrap();
    let mut broken = out.card.clone();
    broken.memory.as_mut().unwrap().stability = -1.0;
    let err = store
        .put_cards("ann", &[out.card.clone(), broken.clone()], t0())
        .unwrap_err();
    assert_eq!(err.field(), "cards[1].memory.stability");
    let err = store.record_review("ann", &broken, &out.log).unwrap_err();
    assert_eq!(err.field(), "card.memory.stability");
    let err = store
        .record_reviews(
            "ann",
            &[
                (out.card.clone(), out.log.clone()),
                (broken, out.log.clone()),
            ],
        )
        .unwrap_err();
    assert_eq!(err.field(), "cards[1].memory.stability");
    let mut early = out.card.clone();
    early.due = (t0() - TimeDelta::days(1)).into();
    assert_eq!(
        store.put_cards("ann", &[early], t0()).unwrap_err().field(),
        "cards[0].due"
    );
    assert!(store.cards("ann").unwrap_or_default().is_empty());
}

#[test]
fn a_retried_review_is_a_no_op_and_a_late_one_is_refused() {
    let store = Store::open_in_memory().unwrap();
    let fsrs = Fsrs::default();
    let first = fsrs
        .review(&Card::new("c1", t0()), Rating::Good, t0())
        .unwrap();
    let later = t0() + TimeDelta::days(1);
    let second = fsrs.review(&first.card, Rating::Good, later).unwrap();
    store.record_review("ann", &first.card, &first.log).unwrap();
    store.record_review("ann", &first.card, &first.log).unwrap();
    assert_eq!(
        store.review_logs("ann", "c1").unwrap(),
        vec![first.log.clone()]
    );
    store
        .record_review("ann", &second.card, &second.log)
        .unwrap();
    // The first review's retry arrives after the second: nothing changes.
    store.record_review("ann", &first.card, &first.log).unwrap();
    assert_eq!(store.card("ann", "c1").unwrap().reps, 2);
    // A different review dated before the last one is refused.
    let stale = fsrs
        .review(&first.card, Rating::Easy, t0() + TimeDelta::hours(1))
        .unwrap();
    let e = store
        .record_review("ann", &stale.card, &stale.log)
        .unwrap_err();
    assert_eq!(e.kind(), learnloop::ErrorKind::OutOfOrder, "{e}");
    assert_eq!(store.card("ann", "c1").unwrap(), second.card);
    assert_eq!(store.review_logs("ann", "c1").unwrap().len(), 2);
    // In a batch: retries are skipped, a stale review names its index and
    // nothing of the batch is written.
    let third = fsrs
        .review(&second.card, Rating::Hard, later + TimeDelta::days(3))
        .unwrap();
    let e = store
        .record_reviews(
            "ann",
            &[
                (second.card.clone(), second.log.clone()),
                (third.card.clone(), third.log.clone()),
                (stale.card.clone(), stale.log.clone()),
            ],
        )
        .unwrap_err();
    assert_eq!(e.field(), "cards[2].now", "{e}");
    assert_eq!(store.review_logs("ann", "c1").unwrap().len(), 2);
    store
        .record_reviews(
            "ann",
            &[
                (first.card.clone(), first.log.clone()),
                (third.card.clone(), third.log.clone()),
                (third.card.clone(), third.log.clone()),
            ],
        )
        .unwrap();
    assert_eq!(store.review_logs("ann", "c1").unwrap().len(), 3);
    assert_eq!(store.card("ann", "c1").unwrap(), third.card);
}

#[test]
fn reviews_are_recorded_card_and_log_together() {
    let store = Store::open_in_memory().unwrap();
    let fsrs = Fsrs::default();
    let mut card = Card::new("c1", t0());
    let mut now = t0();
    for r in [Rating::Good, Rating::Good, Rating::Again, Rating::Easy] {
        let out = fsrs.review(&card, r, now).unwrap();
        store.record_review("l1", &out.card, &out.log).unwrap();
        card = out.card;
        now = card.due.into();
    }
    assert_eq!(store.card("l1", "c1").unwrap(), card);
    let logs = store.review_logs("l1", "c1").unwrap();
    assert_eq!(logs.len(), 4);
    assert_eq!(logs[2].rating, Rating::Again);
    // A log for another card is refused before anything is written.
    let out = fsrs.review(&card, Rating::Good, now).unwrap();
    let mut wrong = out.log.clone();
    wrong.card_id = "c2".into();
    let e = store.record_review("l1", &out.card, &wrong).unwrap_err();
    assert_eq!(e.field(), "log.card_id");
    assert_eq!(store.review_logs("l1", "c1").unwrap().len(), 4);
    let e = store
        .record_reviews(
            "l1",
            &[(out.card.clone(), out.log.clone()), (out.card, wrong)],
        )
        .unwrap_err();
    assert_eq!(e.field(), "cards[1].log.card_id");
}

/// A batch is written in slices of many rows per statement: reviews of one
/// card inside a slice and across slices keep their order (the last card
/// wins, every log is kept in order), whatever the batch length.
#[test]
fn a_batch_keeps_the_order_of_reviews_of_one_card() {
    let fsrs = Fsrs::default();
    for len in [1usize, 39, 40, 41, 79, 80, 81, 123] {
        let store = Store::open_in_memory().unwrap();
        let mut card = Card::new("again", t0());
        let mut now = t0();
        let mut batch = Vec::new();
        let mut ratings = Vec::new();
        for i in 0..len {
            // The repeated card at the first, the last and every 13th place.
            if i % 13 == 0 || i + 1 == len {
                let rating = [Rating::Good, Rating::Again, Rating::Hard][i % 3];
                let out = fsrs.review(&card, rating, now).unwrap();
                card = out.card.clone();
                now = card.due.into();
                ratings.push(rating);
                batch.push((out.card, out.log));
            } else {
                let other = Card::new(format!("other-{i}"), t0());
                let out = fsrs.review(&other, Rating::Easy, t0()).unwrap();
                batch.push((out.card, out.log));
            }
        }
        store.record_reviews("l", &batch).unwrap();
        assert_eq!(store.card("l", "again").unwrap(), card, "{len}");
        let logged: Vec<Rating> = store
            .review_logs("l", "again")
            .unwrap()
            .iter()
            .map(|l| l.rating)
            .collect();
        assert_eq!(logged, ratings, "{len}");
        assert_eq!(store.cards("l").unwrap().len(), len - ratings.len() + 1);
    }
}

#[test]
fn every_seed_query_uses_its_index() {
    let store_dir = tempfile::tempdir().unwrap();
    let path = store_dir.path().join("plan.db");
    drop(Store::open(&path).unwrap());
    let c = Connection::open(&path).unwrap();
    let plan = |sql: &str| -> String {
        let mut s = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = s
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.join(" | ")
    };
    let cases = [
        (
            "SELECT id FROM sessions WHERE learner_id = 'l' AND state = 'active' ORDER BY updated_at DESC LIMIT 10",
            "sessions_active_by_recency",
        ),
        (
            "SELECT id FROM sessions WHERE learning_style = 'visual' AND difficulty BETWEEN 0.4 AND 0.6",
            "sessions_by_personalization",
        ),
        (
            "SELECT * FROM adaptation_history WHERE session_id = 's' AND at >= 0 ORDER BY at",
            "adaptation_history_by_time",
        ),
        (
            "SELECT * FROM messages WHERE session_id = 's' ORDER BY message_index",
            "messages_by_index",
        ),
        (
            "SELECT card_id FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = 'l')
             AND state = 2 AND due <= 5",
            "cards_by_due",
        ),
        (
            "SELECT r.rating FROM cards AS c JOIN review_logs AS r ON r.card_position = c.position
             WHERE c.learner_key = (SELECT key FROM learners WHERE id = 'l') AND c.card_id = 'c'
             ORDER BY r.reviewed_at, r.id",
            "review_logs_by_card",
        ),
        (
            "SELECT card_id FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = 'l')
             AND state = 0 ORDER BY position LIMIT 20",
            "cards_new",
        ),
        ("DELETE FROM events WHERE at < 5", "events_by_time"),
    ];
    for (sql, index) in cases {
        let p = plan(sql);
        assert!(p.contains(&format!("INDEX {index}")), "{sql}\n  plan: {p}");
        assert!(
            !p.contains("USE TEMP B-TREE FOR ORDER BY"),
            "{sql}\n  plan: {p}"
        );
    }
}

/// Every text and blob value of every table, for trace scans.
fn dump_all(path: &Path) -> String {
    let c = Connection::open(path).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut s = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = s.column_count();
        let mut rows = s.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        out.push_str(&String::from_utf8_lossy(b));
                        out.push('\n');
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn populate(store: &Store, learner: &str) {
    store
        .save_session(learner, &format!("{learner}-s1"), &session_doc(t0()))
        .unwrap();
    let fsrs = Fsrs::default();
    let out = fsrs
        .review(
            &Card::new(format!("{learner}-card"), t0()),
            Rating::Good,
            t0(),
        )
        .unwrap();
    store.record_review(learner, &out.card, &out.log).unwrap();
    store
        .put_cards(learner, &[Card::new(format!("{learner}-new"), t0())], t0())
        .unwrap();
    store
        .append_events(
            learner,
            &[Event {
                device: format!("{learner}-phone"),
                seq: 1,
                at: t0(),
                kind: "answer".into(),
                payload: serde_json::json!({"learner": learner, "correct": true}),
            }],
        )
        .unwrap();
    store
        .set_consent(learner, Purpose::Analytics, true, t0())
        .unwrap();
    store
        .set_consent(learner, Purpose::Research, false, t0())
        .unwrap();
}

#[test]
fn export_imports_into_an_empty_store_and_compares_equal() {
    let a = Store::open_in_memory().unwrap();
    populate(&a, "ada");
    let export = a.export_learner("ada").unwrap();
    let json = learnloop::json::to_json(&export);
    let b = Store::open_in_memory().unwrap();
    b.import_learner(&learnloop::json::from_json(&json).unwrap())
        .unwrap();
    assert_eq!(b.export_learner("ada").unwrap(), export);
    let e = b.import_learner(&export).unwrap_err();
    assert_eq!(e.field(), "export.learner_id");
    // A log is stored with its card: one without it is refused, and the
    // import leaves nothing behind.
    let mut cardless = export.clone();
    let first_logged = cardless.review_logs[0].card_id.clone();
    cardless.cards.retain(|c| c.id != first_logged);
    let c = Store::open_in_memory().unwrap();
    let e = c.import_learner(&cardless).unwrap_err();
    assert_eq!(e.field(), "export.review_logs[0].card_id", "{e}");
    assert!(c.export_learner("ada").is_err());
    let actions: Vec<String> = a
        .audit_log(Some("ada"))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"export".to_string()) && actions.contains(&"record_review".to_string())
    );
}

#[test]
fn erasure_leaves_no_trace_in_any_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let store = Store::open(&path).unwrap();
    populate(&store, "zoe-4471");
    populate(&store, "kim-2210");
    assert!(dump_all(&path).contains("zoe-4471"));
    let deleted = store.erase_learner("zoe-4471").unwrap();
    assert!(deleted >= 8, "{deleted}");
    drop(store);
    let dump = dump_all(&path);
    assert!(
        !dump.contains("zoe-4471"),
        "a trace of the erased learner remains"
    );
    assert!(dump.contains("kim-2210"), "the other learner is untouched");
    // Logs name neither learner nor card: count them instead.
    let c = Connection::open(&path).unwrap();
    assert_eq!(orphan_logs(&c), 0);
    let logs: i64 = c
        .query_row("SELECT COUNT(*) FROM review_logs", [], |r| r.get(0))
        .unwrap();
    let store = Store::open(&path).unwrap();
    let kims: usize = store
        .cards("kim-2210")
        .unwrap()
        .iter()
        .map(|card| store.review_logs("kim-2210", &card.id).unwrap().len())
        .sum();
    assert_eq!(logs as usize, kims);
    drop(store);
    let store = Store::open(&path).unwrap();
    let audit = store.audit_log(Some("zoe-4471")).unwrap();
    assert_eq!(audit.last().unwrap().action, "erase");
    assert!(store.export_learner("zoe-4471").is_err());
}

/// Whether `needle` occurs in `haystack`, as bytes.
fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn erasure_leaves_no_bytes_in_the_file_the_log_or_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let wal = dir.path().join("erase.db-wal");
    let store = Store::open(&path).unwrap();
    populate(&store, "zoe-4471");
    populate(&store, "kim-2210");
    // Rewrite zoe's card and session, so older versions of her rows exist.
    populate(&store, "zoe-4471");
    let on_disk = |store: &Store| {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(&wal).unwrap_or_default());
        bytes.extend(store.to_bytes().unwrap());
        bytes
    };
    assert!(holds(&on_disk(&store), "zoe-4471"));
    store.erase_learner("zoe-4471").unwrap();
    let after = on_disk(&store);
    assert!(
        !holds(&after, "zoe-4471"),
        "the erased learner's bytes remain"
    );
    assert!(holds(&after, "kim-2210"), "the other learner is kept");
    // Further writes, a checkpoint, a reopening: nothing comes back.
    populate(&store, "amy-3301");
    drop(store);
    let store = Store::open(&path).unwrap();
    assert!(!holds(&on_disk(&store), "zoe-4471"));
    assert_eq!(store.erase_learner("zoe-4471").unwrap(), 0, "idempotent");
}

#[test]
fn a_host_key_keeps_audit_pseudonyms_out_of_the_files_reach() {
    use learnloop::store::{AuditKey, StoreOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyed.db");
    let secret = "kept in the host's secrets manager";
    let keyed = StoreOptions {
        audit_key: Some(AuditKey::from(secret)),
        ..StoreOptions::default()
    };
    let store = Store::open_with(&path, keyed.clone()).unwrap();
    populate(&store, "zoe-4471");
    let subject = store.audit_subject("zoe-4471");
    assert_eq!(
        store.audit_log(Some("zoe-4471")).unwrap()[0].subject,
        subject
    );
    drop(store);
    // Whoever holds only the file gets other pseudonyms from its own key.
    let without = Store::open(&path).unwrap();
    assert_ne!(without.audit_subject("zoe-4471"), subject);
    drop(without);
    assert!(!holds(&std::fs::read(&path).unwrap(), secret));
    // The secret is neither printed nor serialized back.
    assert!(!format!("{keyed:?}").contains(secret));
    assert!(!learnloop::json::to_json(&keyed).contains(secret));
    let store = Store::open_with(&path, keyed).unwrap();
    assert_eq!(store.audit_subject("zoe-4471"), subject);
}

#[test]
fn analytics_export_is_pseudonymous_and_consent_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("analytics.db");
    let store = Store::open(&path).unwrap();
    populate(&store, "amy-1");
    populate(&store, "bob-2");
    store
        .set_consent(
            "bob-2",
            Purpose::Analytics,
            false,
            t0() + TimeDelta::days(1),
        )
        .unwrap();
    let key = b"0123456789abcdef-analytics";
    let records = store.analytics_export(key).unwrap();
    assert_eq!(records.len(), 1);
    let text = learnloop::json::to_json(&records);
    for raw in [
        "amy-1",
        "bob-2",
        "hello",
        "algebra",
        "two right answers",
        "quoted",
    ] {
        assert!(!text.contains(raw), "{raw} leaked into {text}");
    }
    assert_eq!(records[0].reviews.len(), 1);
    assert_eq!(records[0].sessions[0].adaptations, 1);
    assert_eq!(
        store.analytics_export(key).unwrap(),
        records,
        "stable pseudonyms"
    );
    assert_ne!(
        store.analytics_export(b"another key of 16+ bytes").unwrap()[0].learner,
        records[0].learner
    );
    assert_eq!(store.analytics_export(b"short").unwrap_err().field(), "key");
}

#[test]
fn a_revocation_wins_over_an_older_grant_whatever_its_date() {
    let store = Store::open_in_memory().unwrap();
    populate(&store, "bob");
    let day = |d| t0() + TimeDelta::days(d);
    store
        .set_consent("bob", Purpose::Analytics, true, day(2))
        .unwrap();
    // Backdated: recorded after the grant, dated before it.
    store
        .set_consent("bob", Purpose::Analytics, false, day(1))
        .unwrap();
    let now = store.consent("bob", Purpose::Analytics).unwrap().unwrap();
    assert!(!now.granted);
    let key = b"0123456789abcdef-analytics";
    assert!(store.analytics_export(key).unwrap().is_empty());
    // A grant dated before the current decision is refused, not applied.
    let e = store
        .set_consent("bob", Purpose::Analytics, true, day(0))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.field().as_str()),
        ("invalid_input", "at"),
        "{e}"
    );
    assert!(
        !store
            .consent("bob", Purpose::Analytics)
            .unwrap()
            .unwrap()
            .granted
    );
    store
        .set_consent("bob", Purpose::Analytics, true, day(3))
        .unwrap();
    assert!(
        store
            .consent("bob", Purpose::Analytics)
            .unwrap()
            .unwrap()
            .granted
    );
    assert_eq!(store.analytics_export(key).unwrap().len(), 1);
    // Research is a separate purpose with its own history.
    assert!(
        !store
            .consent("bob", Purpose::Research)
            .unwrap()
            .unwrap()
            .granted
    );
}

#[test]
fn retention_purges_old_events_only() {
    let store = Store::open_in_memory().unwrap();
    let events: Vec<Event> = (0..10)
        .map(|i| Event {
            device: "d".into(),
            seq: i,
            at: t0() + TimeDelta::days(i),
            kind: "answer".into(),
            payload: serde_json::json!(i),
        })
        .collect();
    assert_eq!(store.append_events("l", &events).unwrap(), 10);
    assert_eq!(store.append_events("l", &events).unwrap(), 0, "idempotent");
    let mut changed = events[3].clone();
    changed.payload = serde_json::json!("edited");
    assert_eq!(
        store.append_events("l", &[changed]).unwrap_err().field(),
        "events[0]"
    );
    assert_eq!(
        store
            .purge_events_before(t0() + TimeDelta::days(4))
            .unwrap(),
        4
    );
    assert_eq!(store.events("l").unwrap(), events[4..].to_vec());
    assert_eq!(
        store.audit_log(None).unwrap().last().unwrap().action,
        "purge_events"
    );
}

#[test]
fn hostile_strings_are_stored_verbatim() {
    let store = Store::open_in_memory().unwrap();
    let big = "x".repeat(1 << 20);
    let hostile = [
        "'; DROP TABLE cards; --",
        "\" OR 1=1 --",
        "nul\0inside",
        "emoji 🧠 and \u{202e}rtl",
        "back\\slash\n\ttabs",
        big.as_str(),
    ];
    for (i, s) in hostile.iter().enumerate() {
        let mut doc = session_doc(t0());
        doc.messages[0].text = s.to_string();
        doc.metadata.topics = vec![s.to_string()];
        doc.adaptive_state.detected_learning_style = s.to_string();
        if s.contains('\0') {
            // Text keeps a NUL; an id refuses it, everywhere.
            store.save_session("l", "with-nul", &doc).unwrap();
            assert_eq!(store.load_session("with-nul").unwrap(), doc);
            let e = store.save_session("l", s, &doc).unwrap_err();
            assert_eq!(e.field(), "session_id");
            let e = store.put_cards(s, &[], t0()).unwrap_err();
            assert_eq!(e.field(), "learner_id");
            let e = store
                .put_cards("l", &[Card::new(*s, t0())], t0())
                .unwrap_err();
            assert_eq!(e.field(), "cards[0].id");
            continue;
        }
        let learner = format!("{s}-{i}");
        store.save_session(&learner, s, &doc).unwrap();
        assert_eq!(store.load_session(s).unwrap(), doc);
        let card = Card::new(*s, t0());
        store
            .put_cards(&learner, std::slice::from_ref(&card), t0())
            .unwrap();
        assert_eq!(store.card(&learner, s).unwrap(), card);
        assert_eq!(store.export_learner(&learner).unwrap().learner_id, learner);
    }
    assert_eq!(
        store.put_cards("", &[], t0()).unwrap_err().field(),
        "learner_id"
    );
    assert_eq!(store.cards("'; DROP TABLE cards; ---0").unwrap().len(), 1);
}

#[test]
fn eight_writers_on_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("writers.db");
    drop(Store::open(&path).unwrap());
    let fsrs = Fsrs::default();
    std::thread::scope(|s| {
        for w in 0..8 {
            let path = &path;
            let fsrs = &fsrs;
            s.spawn(move || {
                let store = Store::open(path).unwrap();
                for i in 0..150 {
                    let card = Card::new(format!("w{w}-c{i}"), t0());
                    let out = fsrs.review(&card, Rating::Good, t0()).unwrap();
                    store
                        .record_review(&format!("learner-{}", i % 3), &out.card, &out.log)
                        .unwrap();
                    if i % 50 == 0 {
                        store
                            .save_session(
                                &format!("learner-{w}"),
                                &format!("s{w}-{i}"),
                                &session_doc(t0()),
                            )
                            .unwrap();
                    }
                }
            });
        }
    });
    let c = Connection::open(&path).unwrap();
    let logs: i64 = c
        .query_row("SELECT COUNT(*) FROM review_logs", [], |r| r.get(0))
        .unwrap();
    let cards: i64 = c
        .query_row("SELECT COUNT(*) FROM cards", [], |r| r.get(0))
        .unwrap();
    assert_eq!((logs, cards), (1200, 1200));
    assert_eq!(orphan_logs(&c), 0);
}

/// The writer the crash test kills: records reviews one by one and prints
/// each acknowledged review's number after its commit returns, until it is
/// killed.
fn crash_writer(path: &str, start: u64) -> ! {
    let store = Store::open(path).unwrap();
    let fsrs = Fsrs::default();
    let mut stdout = std::io::stdout().lock();
    for n in start.. {
        let card = Card::new(format!("card-{}", n % 97), t0());
        let prior = store.card("crash", &card.id).unwrap_or(card);
        let now = prior
            .last_review
            .map_or(t0(), |t| (t + TimeDelta::days(1)).into());
        let out = fsrs.review(&prior, Rating::Good, now).unwrap();
        let mut log = out.log.clone();
        log.duration_ms = Some(n as u32);
        store.record_review("crash", &out.card, &log).unwrap();
        use std::io::Write;
        writeln!(stdout, "{n}").unwrap();
        stdout.flush().unwrap();
    }
    unreachable!("a writer runs until it is killed")
}

/// Writers killed with SIGKILL at random points. The test runs itself as
/// the writer (this same test, with `LEARNLOOP_CRASH_DB` set), so without
/// the variable it is the killing side and always checks.
#[test]
fn killed_writers_never_lose_or_tear_an_acknowledged_review() {
    if let Ok(path) = std::env::var("LEARNLOOP_CRASH_DB") {
        let start = std::env::var("LEARNLOOP_CRASH_START").unwrap();
        crash_writer(&path, start.parse().unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    drop(Store::open(&path).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut acked: Vec<u64> = Vec::new();
    let mut next = 0u64;
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let kills = 200;
    for _ in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "killed_writers_never_lose_or_tear_an_acknowledged_review",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("LEARNLOOP_CRASH_DB", &path)
            .env("LEARNLOOP_CRASH_START", next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill after a pseudo-random number of acknowledged reviews (0-24),
        // so kills land before, inside and between transactions.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait_for = rng % 25;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < wait_for {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Ok(n) = line.trim().parse::<u64>() {
                        acked.push(n);
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        child.kill().unwrap();
        // Acknowledgements already written before the kill count too.
        for line in lines.map_while(|l| l.ok()) {
            if let Ok(n) = line.trim().parse::<u64>() {
                acked.push(n);
            }
        }
        child.wait().unwrap();
        next = acked.last().map_or(next, |n| n + 1) + 1_000;

        let c = Connection::open(&path).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    let store = Store::open(&path).unwrap();
    let c = Connection::open(&path).unwrap();
    let stored: std::collections::HashSet<u64> = c
        .prepare("SELECT duration_ms FROM review_logs")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|n| n.unwrap() as u64)
        .collect();
    for n in &acked {
        assert!(stored.contains(n), "acknowledged review {n} is missing");
    }
    assert_eq!(orphan_logs(&c), 0);
    // No torn write: every card's review count equals its number of logs.
    for card in store.cards("crash").unwrap() {
        assert_eq!(
            card.reps as usize,
            store.review_logs("crash", &card.id).unwrap().len(),
            "{}",
            card.id
        );
    }
    assert!(
        acked.len() > kills,
        "the children did write: {}",
        acked.len()
    );
}

#[test]
fn a_database_image_reopens_in_memory_and_bad_images_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("image.db")).unwrap();
    let fsrs = Fsrs::default();
    let out = fsrs
        .review(&Card::new("c1", t0()), Rating::Good, t0())
        .unwrap();
    store.record_review("learner", &out.card, &out.log).unwrap();
    store
        .save_session(
            "learner",
            "s",
            &SessionDocument::new(vec!["x".into()], t0()),
        )
        .unwrap();
    // A file in WAL mode, its last commits still in the WAL.
    let image = store.to_bytes().unwrap();
    let copy = Store::from_bytes(&image).unwrap();
    assert_eq!(
        copy.export_learner("learner").unwrap(),
        store.export_learner("learner").unwrap()
    );
    // The copy is writable and independent of the original.
    copy.erase_learner("learner").unwrap();
    assert_eq!(store.card("learner", "c1").unwrap(), out.card);
    // Its own image reopens too.
    let again = Store::from_bytes(&copy.to_bytes().unwrap()).unwrap();
    assert_eq!(again.card("learner", "c1").unwrap_err().code(), "not_found");

    let e = Store::from_bytes(b"not a database").unwrap_err();
    assert_eq!((e.code(), e.field().as_str()), ("invalid_input", "bytes"));
    let mut damaged = image.clone();
    let half = damaged.len() / 2;
    damaged.truncate(half + 100);
    for b in &mut damaged[2048..half] {
        *b = 0xA5;
    }
    assert!(Store::from_bytes(&damaged).is_err());
    // An image from a newer learnloop is refused.
    let c = Connection::open(dir.path().join("image.db")).unwrap();
    c.execute(
        "INSERT INTO learnloop_migrations VALUES (99, 'from the future', 'abc', 0)",
        [],
    )
    .unwrap();
    drop(c);
    let image = store.to_bytes().unwrap();
    assert_eq!(
        Store::from_bytes(&image).unwrap_err().code(),
        "version_too_new"
    );
}

/// Storage failures say what failed ([`ErrorKind`]) and keep SQLite's own
/// error as their source: a file that is not a database, a database held by
/// another writer past the busy timeout, a database opened read-only.
#[test]
fn storage_failures_say_what_failed() {
    use learnloop::ErrorKind;
    use learnloop::store::StoreOptions;
    use std::error::Error as _;
    let dir = tempfile::tempdir().unwrap();
    let sqlite_cause = |e: &learnloop::Error| {
        e.source()
            .and_then(|s| s.downcast_ref::<learnloop::Cause>())
            .and_then(|c| c.get().downcast_ref::<rusqlite::Error>())
            .and_then(rusqlite::Error::sqlite_error_code)
    };

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let e = Store::open(&garbage).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StorageCorrupt, "{e}");
    assert_eq!(sqlite_cause(&e), Some(rusqlite::ErrorCode::NotADatabase));
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x5a; 8192]);

    let path = dir.path().join("busy.db");
    drop(Store::open(&path).unwrap());
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let impatient = StoreOptions {
        busy_timeout: std::time::Duration::ZERO,
        ..StoreOptions::default()
    };
    let e = Store::open_with(&path, impatient).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StorageBusy, "{e}");
    assert_eq!(e.code(), "storage_busy");
    holder.execute_batch("ROLLBACK").unwrap();

    let uri = format!("file:{}?mode=ro", path.display());
    let e = match Store::open(&uri) {
        Ok(store) => store
            .save_session("learner", "s", &SessionDocument::new(vec![], t0()))
            .unwrap_err(),
        Err(e) => e,
    };
    assert_eq!(e.kind(), ErrorKind::StorageReadOnly, "{e}");
    assert!(sqlite_cause(&e).is_some(), "the SQLite error is the source");
}
