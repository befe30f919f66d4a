//! Sync benchmarks: applying change sets through the store (a real file,
//! WAL, default durability), refolding after late events, a full refold,
//! resuming a stored replica.
//!
//! Run: `cargo bench -p learnloop-benches --bench sync`

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use learnloop::adaptive::{Engine, Interaction};
use learnloop::srs::{Fsrs, Rating};
use learnloop::store::{Store, StoredReplica};
use learnloop::sync::{
    Answer, Body, CardChange, ChangeSet, LearnerState, Replica, Review, Rules, VersionVector,
};
use std::hint::black_box;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()
}

/// The `i`-th fact of a learner's stream: a new card every 20 events, a
/// review of one of the cards so far otherwise, an answer every 10th.
fn fact(i: usize, at: DateTime<Utc>) -> Body {
    let cards = i / 20 + 1;
    if i.is_multiple_of(20) {
        Body::CardAdded(CardChange {
            card: format!("card-{}", i / 20),
            at: at.into(),
        })
    } else if i % 10 == 5 {
        Body::Answer(Answer {
            session: format!("session-{}", i / 500),
            interaction: Interaction::answered(format!("q{i}"), !i.is_multiple_of(3), at),
        })
    } else {
        Body::Review(Review {
            card: format!("card-{}", (i * 7919) % cards),
            rating: Rating::ALL[i % 4],
            reviewed_at: at.into(),
            duration_ms: Some(4_000),
        })
    }
}

/// A replica on `device` that recorded `n` facts, one a minute from `start`.
fn replica_with(device: &str, n: usize, start: DateTime<Utc>, rules: Rules<'_>) -> Replica {
    let mut replica = Replica::new(device).unwrap();
    for i in 0..n {
        let at = start + TimeDelta::minutes(i as i64);
        replica.record(fact(i, at), at, rules).unwrap();
    }
    replica
}

fn sync(c: &mut Criterion) {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let phone = replica_with("phone", 10_000, t0(), rules);
    let changes: ChangeSet = phone.changes_since(&VersionVector::default());
    let now = t0() + TimeDelta::days(30);
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);

    g.bench_function("apply 10,000 events, SQLite commit included", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(dir.path().join("sync.db")).unwrap();
                let replica = StoredReplica::open(&store, "ada", "backend", now, rules).unwrap();
                (dir, store, replica)
            },
            |(dir, store, mut replica)| {
                replica.apply(&store, &changes, now, rules).unwrap();
                (dir, store, replica)
            },
            BatchSize::PerIteration,
        )
    });

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("sync.db")).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", now, rules).unwrap();
    backend.apply(&store, &changes, now, rules).unwrap();
    g.bench_function("re-apply the same 10,000 events (all duplicates)", |b| {
        b.iter(|| black_box(backend.apply(&store, &changes, now, rules).unwrap()))
    });

    g.bench_function("resume: open a stored replica of 10,000 events", |b| {
        b.iter(|| black_box(StoredReplica::open(&store, "ada", "backend", now, rules).unwrap()))
    });

    // Resume from a snapshot: 15,000 events compacted, a 5,000-event tail.
    let long = replica_with("phone", 20_000, t0(), rules);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("snapshot.db")).unwrap();
    let mut backend = StoredReplica::open(&store, "ada", "backend", now, rules).unwrap();
    backend
        .apply(
            &store,
            &long.changes_since(&VersionVector::default()),
            now,
            rules,
        )
        .unwrap();
    let mut acknowledged = VersionVector::default();
    acknowledged.set("phone", 15_000);
    let clock = long.log().events().nth(15_000).unwrap().hlc;
    backend
        .acknowledge(&store, "phone", &acknowledged, Some(clock))
        .unwrap();
    assert_eq!(backend.compact(&store, now, rules).unwrap(), 15_000);
    g.bench_function(
        "resume: open a stored replica from its snapshot and a 5,000-event tail",
        |b| {
            b.iter(|| black_box(StoredReplica::open(&store, "ada", "backend", now, rules).unwrap()))
        },
    );

    // 100 events of a laptop that was offline, stamped among the phone's
    // last 2,000 and arriving in reverse order.
    let laptop_start = t0() + TimeDelta::minutes(8_000);
    let mut laptop = Replica::new("laptop").unwrap();
    for i in 0..100 {
        let at = laptop_start + TimeDelta::minutes(i * 20) + TimeDelta::seconds(30);
        laptop
            .record(fact(20 * i as usize + 1, at), at, rules)
            .unwrap();
    }
    let mut late = laptop.changes_since(&VersionVector::default());
    late.events.reverse();
    g.bench_function(
        "100 late remote events out of order, incremental refold",
        |b| {
            b.iter_batched(
                || phone.clone(),
                |mut replica| {
                    replica.apply(&late, now, rules).unwrap();
                    replica
                },
                BatchSize::LargeInput,
            )
        },
    );
    g.finish();

    let big = replica_with("phone", 1_000_000, t0(), rules);
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);
    g.bench_function("full refold of 1,000,000 events", |b| {
        b.iter(|| black_box(LearnerState::fold(big.log(), rules)))
    });
    g.finish();
}

criterion_group!(benches, sync);
criterion_main!(benches);
