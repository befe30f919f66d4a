//! Spaced-repetition benchmarks, each run side by side with fsrs-rs (the
//! `fsrs` crate) on the same inputs in the same process.
//!
//! Run: `cargo bench -p learnloop-benches --bench srs`

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use learnloop::srs::{
    Card, Fsrs, MemoryState, QueueOptions, Rating, ReviewDelta, Scheduler, State, due_queue,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A deterministic review history of `n` reviews (ratings cycle through a
/// realistic mix; gaps grow like a real schedule).
fn history(n: usize) -> Vec<(u32, u32)> {
    let ratings = [3, 3, 1, 3, 4, 3, 2, 3, 3, 1];
    (0..n)
        .map(|i| {
            let gap = if i == 0 { 0 } else { 1 + (i as u32 * 7) % 30 };
            (ratings[i % ratings.len()], gap)
        })
        .collect()
}

fn next_states(c: &mut Criterion) {
    let mut g = c.benchmark_group("next_states");
    let ours = Fsrs::default();
    let theirs = fsrs::FSRS::default();
    let m = MemoryState {
        stability: 12.5,
        difficulty: 6.1,
    };
    let m_rs = fsrs::MemoryState {
        stability: 12.5,
        difficulty: 6.1,
    };
    g.bench_function("learnloop", |b| {
        b.iter(|| ours.next_states(black_box(Some(m)), black_box(0.9), black_box(9)))
    });
    g.bench_function("fsrs-rs", |b| {
        b.iter(|| theirs.next_states(black_box(Some(m_rs)), black_box(0.9), black_box(9)))
    });
    g.finish();
}

fn replay(c: &mut Criterion) {
    let mut g = c.benchmark_group("replay_100_reviews");
    let h = history(100);
    let ours = Fsrs::default();
    let theirs = fsrs::FSRS::default();
    let ours_h: Vec<ReviewDelta> = h
        .iter()
        .map(|&(r, d)| ReviewDelta {
            rating: Rating::try_from(r).unwrap(),
            days_elapsed: d,
        })
        .collect();
    let item = fsrs::FSRSItem {
        reviews: h
            .iter()
            .map(|&(rating, delta_t)| fsrs::FSRSReview { rating, delta_t })
            .collect(),
    };
    g.bench_function("learnloop", |b| {
        b.iter(|| ours.memory_state(black_box(&ours_h).iter().copied()))
    });
    // fsrs-rs takes the item by value; the clone is timed separately below so
    // the figure can be read without it.
    g.bench_function("fsrs-rs", |b| {
        b.iter_batched(
            || item.clone(),
            |item| theirs.memory_state(black_box(item), None),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn queue(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    let cards = collection(now);
    let options = QueueOptions {
        review_limit: 200,
        ..QueueOptions::default()
    };
    let mut g = c.benchmark_group("due_queue_100k_cards");
    g.bench_function("learnloop", |b| {
        b.iter(|| due_queue(black_box(&cards), now, &options))
    });
    g.finish();
}

/// 100,000 cards reviewed at once: the batch paths the bindings use, and
/// fsrs-rs computing the same memory states (it has no card-level batch).
fn batch(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    let cards = collection(now);
    let ratings: Vec<Rating> = (0..cards.len())
        .map(|i| Rating::ALL[[2, 2, 0, 2, 3, 1][i % 6]])
        .collect();
    let fsrs = Fsrs::default();
    let mut g = c.benchmark_group("review_100k_cards");
    g.sample_size(20);
    // The batch is one buffer an app keeps and reviews again: it is reset
    // from `cards` before each review, outside the timing (as fsrs-rs's
    // inputs below are warm). A freshly allocated 15 MB clone per
    // iteration made the same review 1.5-2x slower and its time swing.
    g.bench_function("learnloop review_in_place", |b| {
        let mut batch = cards.clone();
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                batch.clone_from_slice(&cards);
                let started = Instant::now();
                fsrs.review_in_place(&mut batch, &ratings, now).unwrap();
                spent += started.elapsed();
            }
            spent
        })
    });
    g.bench_function("learnloop review_many", |b| {
        b.iter(|| fsrs.review_many(black_box(&cards), &ratings, now).unwrap())
    });
    let theirs = fsrs::FSRS::new(&fsrs::DEFAULT_PARAMETERS).unwrap();
    let inputs: Vec<(Option<fsrs::MemoryState>, u32)> = cards
        .iter()
        .map(|c| {
            let memory = c.memory.map(|m| fsrs::MemoryState {
                stability: m.stability as f32,
                difficulty: m.difficulty as f32,
            });
            let elapsed = c.last_review.map_or(0, |t| (now - t).num_days() as u32);
            (memory, elapsed)
        })
        .collect();
    g.bench_function("fsrs-rs next_states", |b| {
        b.iter(|| {
            for (memory, elapsed) in &inputs {
                black_box(theirs.next_states(*memory, 0.9, *elapsed).unwrap());
            }
        })
    });
    g.finish();
}

/// 100,000 cards: a tenth new, the rest in review (a few learning) with
/// varied stability, difficulty, last review and due date.
fn collection(now: chrono::DateTime<Utc>) -> Vec<Card> {
    (0..100_000u32)
        .map(|i| {
            let mut card = Card::new(format!("card-{i}"), now);
            if i % 10 != 0 {
                card.state = if i % 37 == 0 {
                    State::Learning
                } else {
                    State::Review
                };
                let s = 1.0 + f64::from(i % 400);
                card.memory = Some(MemoryState {
                    stability: s,
                    difficulty: 1.0 + f64::from(i % 9),
                });
                let last_review = (now - TimeDelta::days(i64::from(i % 300))).into();
                card.last_review = Some(last_review);
                // Due no earlier than the last review, as every card's is.
                card.due = std::cmp::max(
                    last_review,
                    (now + TimeDelta::days(i64::from(i % 60) - 30)).into(),
                );
            }
            card
        })
        .collect()
}

criterion_group!(benches, next_states, replay, queue, batch);
criterion_main!(benches);
