//! Learner-model benchmarks: model fits on simulated data of the sizes the
//! targets name, and the per-answer online updates.
//!
//! Run: `cargo bench -p learnloop-benches --bench learner`. The Python peers
//! (mirt, pyBKT, girth) are timed on the same data by
//! `benches/python/bench_learner.py`.

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::bkt::{self, BktFitOptions};
use learnloop::learner::elo::{Elo, EloRating};
use learnloop::learner::irt::{self, CalibrationOptions};
use learnloop_benches::{bkt_answers, two_pl_responses};
use std::hint::black_box;
use std::time::Duration;

fn fits(c: &mut Criterion) {
    let mut g = c.benchmark_group("learner_fit");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    // 10 skills x 5,000 students x 20 answers = 1,000,000 answers.
    let answers = bkt_answers(10, 5_000, 20, 1);
    g.bench_function("bkt_em_1m_answers", |b| {
        b.iter(|| black_box(bkt::fit(&answers, &BktFitOptions::default()).unwrap()))
    });
    let responses = two_pl_responses(10_000, 50, 2);
    g.bench_function("irt_2pl_10k_x_50", |b| {
        b.iter(|| black_box(irt::calibrate(&responses, &CalibrationOptions::default()).unwrap()))
    });
    g.finish();
}

fn online(c: &mut Criterion) {
    let mut g = c.benchmark_group("learner_online");
    let elo = Elo::default();
    let mut learner = EloRating::new(0.0);
    let mut item = EloRating::new(0.3);
    let mut score = 1.0;
    g.bench_function("elo_update", |b| {
        b.iter(|| {
            let u = elo
                .update(black_box(learner), black_box(item), score, 4)
                .unwrap();
            learner = u.learner;
            item = u.item;
            score = 1.0 - score;
        })
    });
    // One engine observation on a state with history: 30 answers seen, three
    // content formats, a full trend window.
    let engine = Engine::new(EngineConfig::default()).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut state = AdaptiveState::initial(t0);
    let formats = ["video", "text", "quiz"];
    for k in 0..30 {
        let mut i =
            Interaction::answered(format!("q{k}"), k % 3 != 0, t0 + TimeDelta::seconds(30 * k));
        i.content_format = Some(formats[k as usize % 3].to_string());
        i.response_time_ms = Some(20_000);
        state = engine.observe(&state, &i).unwrap().state;
    }
    let mut next = Interaction::answered("q30", true, t0 + TimeDelta::seconds(900));
    next.content_format = Some("video".into());
    next.response_time_ms = Some(18_000);
    next.confidence = Some(0.7);
    g.bench_function("engine_observe", |b| {
        b.iter(|| black_box(engine.observe(black_box(&state), black_box(&next)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, fits, online);
criterion_main!(benches);
