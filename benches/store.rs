//! Store benchmarks on a real file (WAL, default durability) in a temp dir.
//!
//! Run: `cargo bench -p learnloop-benches --bench store`

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use learnloop::migrate::SessionDocument;
use learnloop::srs::{Card, Fsrs, MemoryState, QueueOptions, Rating, ReviewLog, Scheduler, State};
use learnloop::store::{Event, Store};
use std::hint::black_box;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()
}

fn store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(dir.path().join(name)).unwrap()
}

fn adaptive_state(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "state.db");
    let mut doc = SessionDocument::new(vec!["algebra".into()], t0());
    doc.adaptive_state.conversation_intelligence.insert(
        "notes".into(),
        serde_json::json!({"open": [1, 2, 3], "tone": "warm"}),
    );
    store.save_session("learner", "session", &doc).unwrap();
    let mut state = doc.adaptive_state.clone();
    let mut g = c.benchmark_group("adaptive_state");
    g.bench_function("save", |b| {
        b.iter(|| {
            state.adaptive_difficulty_level = (state.adaptive_difficulty_level + 0.01) % 1.0;
            store.save_adaptive_state("session", &state, t0()).unwrap()
        })
    });
    g.bench_function("restore", |b| {
        b.iter(|| black_box(store.adaptive_state("session").unwrap()))
    });
    g.finish();
}

/// `record_review` one by one and `record_reviews` in batches of 1,000,
/// with reviews made by `next`.
fn record_reviews(
    c: &mut Criterion,
    group: &str,
    batch_name: &str,
    store: &Store,
    mut next: impl FnMut() -> (Card, ReviewLog),
) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(1));
    // By reference, so the reviews are dropped outside the timing.
    g.bench_function("one by one", |b| {
        b.iter_batched_ref(
            &mut next,
            |(card, log)| store.record_review("learner", card, log).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.throughput(Throughput::Elements(1000));
    g.bench_function(batch_name, |b| {
        b.iter_batched_ref(
            || (0..1000).map(|_| next()).collect::<Vec<_>>(),
            |batch| store.record_reviews("learner", batch).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// Each review creates its card (the first review of a new card).
fn reviews(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "reviews.db");
    let fsrs = Fsrs::default();
    let mut n = 0u64;
    let next = || {
        n += 1;
        let card = Card::new(format!("card-{n}"), t0());
        let out = fsrs.review(&card, Rating::Good, t0()).unwrap();
        (out.card, out.log)
    };
    record_reviews(c, "record_review", "batch of 1000 new cards", &store, next);
}

/// Reviews of cards already in a 100,000-card collection, spread over it
/// (a deck is stored when it is added, then its cards are reviewed).
fn reviews_of_stored_cards(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "stored.db");
    let cards = collection(t0());
    store.put_cards("learner", &cards, t0()).unwrap();
    let fsrs = Fsrs::default();
    let mut i = 0usize;
    let mut now = t0();
    let next = || {
        i = (i + 7919) % cards.len();
        now += TimeDelta::seconds(1);
        let out = fsrs.review(&cards[i], Rating::Good, now).unwrap();
        (out.card, out.log)
    };
    record_reviews(
        c,
        "record_review_stored_cards",
        "batch of 1000",
        &store,
        next,
    );
}

/// 100,000 cards: 5 % new, the rest in review (a few learning), with due
/// dates spread over a year either side, so about 2 % are due today: a
/// large, long-used collection.
fn collection(now: DateTime<Utc>) -> Vec<Card> {
    (0..100_000u32)
        .map(|i| {
            let mut card = Card::new(format!("card-{i}"), now);
            if i % 20 != 0 {
                card.state = if i % 97 == 0 {
                    State::Learning
                } else {
                    State::Review
                };
                card.memory = Some(MemoryState {
                    stability: 1.0 + f64::from(i % 400),
                    difficulty: 1.0 + f64::from(i % 9),
                });
                let last_review = (now - TimeDelta::days(i64::from(i % 300))).into();
                card.last_review = Some(last_review);
                // Due no earlier than the last review, as every card's is.
                card.due = std::cmp::max(
                    last_review,
                    (now + TimeDelta::days(i64::from(i % 365)) - TimeDelta::days(7)).into(),
                );
            }
            card
        })
        .collect()
}

fn queue(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "queue.db");
    let cards = collection(t0());
    store.put_cards("learner", &cards, t0()).unwrap();
    let options = QueueOptions::default();
    let mut g = c.benchmark_group("store_due_queue_100k_cards");
    g.bench_function("learnloop", |b| {
        b.iter(|| black_box(store.due_queue("learner", t0(), &options).unwrap()))
    });
    g.finish();
}

fn export(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "export.db");
    let events: Vec<Event> = (0..10_000)
        .map(|i| Event {
            device: "phone".into(),
            seq: i,
            at: t0() + TimeDelta::seconds(i),
            kind: "answer".into(),
            payload: serde_json::json!({"question": format!("q{}", i % 50), "correct": i % 3 != 0, "ms": 1200 + i}),
        })
        .collect();
    store.append_events("learner", &events).unwrap();
    store
        .save_session(
            "learner",
            "session",
            &SessionDocument::new(vec!["x".into()], t0()),
        )
        .unwrap();
    let mut g = c.benchmark_group("export_learner_10k_events");
    g.sample_size(20);
    g.bench_function("learnloop", |b| {
        b.iter(|| black_box(store.export_learner("learner").unwrap()))
    });
    g.finish();
}

/// Secure erasure: a learner with 1,000 reviewed cards and 1,000 events
/// erased from a store that keeps another such learner (rows zeroed, the
/// write-ahead log checkpointed and emptied).
fn erase(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let fsrs = Fsrs::default();
    let fill = |store: &Store, learner: &str| {
        let reviews: Vec<(Card, ReviewLog)> = (0..1_000)
            .map(|i| {
                let out = fsrs
                    .review(
                        &Card::new(format!("{learner}-{i}"), t0()),
                        Rating::Good,
                        t0(),
                    )
                    .unwrap();
                (out.card, out.log)
            })
            .collect();
        store.record_reviews(learner, &reviews).unwrap();
        let events: Vec<Event> = (0..1_000)
            .map(|i| Event {
                device: "phone".into(),
                seq: i,
                at: t0() + TimeDelta::seconds(i),
                kind: "answer".into(),
                payload: serde_json::json!({"question": format!("q{i}"), "correct": i % 3 != 0}),
            })
            .collect();
        store.append_events(learner, &events).unwrap();
    };
    let store = store(&dir, "erase.db");
    fill(&store, "kept");
    let mut g = c.benchmark_group("erase_learner");
    g.sample_size(20);
    g.bench_function("1000 cards and 1000 events", |b| {
        b.iter_batched(
            || fill(&store, "erased"),
            |()| store.erase_learner("erased").unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    adaptive_state,
    reviews,
    reviews_of_stored_cards,
    queue,
    export,
    erase
);
criterion_main!(benches);
