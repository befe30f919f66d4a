//! The cross-language conformance cases of the spaced-repetition API.
//!
//! [`srs_cases`] builds every case (inputs and the expected output, computed
//! by the core) deterministically; `cargo run -p learnloop-conformance`
//! writes them to `tests/fixtures/conformance/srs.json`, and every language's
//! test suite (Rust here, Python, Kotlin, Swift and JS in the bindings)
//! replays them through its own API. Memory states themselves are anchored to
//! the reference implementation by `tests/fixtures/fsrs6_reference.json`.

mod defaults;
pub mod entry_points;
mod learner;
mod sync;

pub use defaults::{DEFAULTS_FIXTURE, defaults_fixture, defaults_fixture_text};
pub use learner::{LEARNER_FIXTURE, learner_cases, learner_fixture_text};
pub use sync::{SYNC_FIXTURE, sync_cases, sync_fixture_text};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::Timestamp;
use learnloop::srs::{
    Card, DEFAULT_PARAMETERS, Fsrs, FsrsOptions, MemoryState, Rating, Scheduler, Sm2State, State,
};
use serde_json::{Value, json};

/// Where the fixture lives, relative to the workspace root.
pub const FIXTURE: &str = "tests/fixtures/conformance/srs.json";

/// How a case builds its scheduler (the Python/JS/Kotlin/Swift constructors
/// take the same four settings).
#[derive(Clone)]
pub struct SchedulerSpec {
    /// FSRS parameters; `None` for the defaults.
    pub parameters: Option<Vec<f64>>,
    /// Desired retention.
    pub desired_retention: f64,
    /// Learning steps in seconds.
    pub learning_steps: Vec<i64>,
    /// Relearning steps in seconds.
    pub relearning_steps: Vec<i64>,
    /// Maximum interval in days.
    pub maximum_interval: u32,
}

impl Default for SchedulerSpec {
    fn default() -> Self {
        SchedulerSpec {
            parameters: None,
            desired_retention: 0.9,
            learning_steps: vec![60, 600],
            relearning_steps: vec![600],
            maximum_interval: 36500,
        }
    }
}

impl SchedulerSpec {
    /// The scheduler these settings describe.
    pub fn build(&self) -> learnloop::Result<Fsrs> {
        let secs = |v: &[i64]| v.iter().map(|&s| TimeDelta::seconds(s)).collect();
        Fsrs::new(FsrsOptions {
            parameters: self
                .parameters
                .clone()
                .unwrap_or_else(|| DEFAULT_PARAMETERS.to_vec()),
            desired_retention: self.desired_retention,
            learning_steps: secs(&self.learning_steps),
            relearning_steps: secs(&self.relearning_steps),
            maximum_interval: self.maximum_interval,
            ..FsrsOptions::default()
        })
    }

    fn to_json(&self) -> Value {
        json!({
            "parameters": self.parameters,
            "desired_retention": self.desired_retention,
            "learning_steps": self.learning_steps,
            "relearning_steps": self.relearning_steps,
            "maximum_interval": self.maximum_interval,
        })
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn time(t: impl Into<Timestamp>) -> Value {
    Value::String(t.into().to_string())
}

fn card_json(card: &Card) -> Value {
    serde_json::from_str(&learnloop::json::to_json(card)).expect("a card is JSON")
}

fn error_json(e: &learnloop::Error) -> Value {
    json!({ "error": { "code": e.code(), "field": e.field() } })
}

/// The cards the cases start from: new, learning, review, relearning, a card
/// that SM-2 scheduled, and one reviewed many times.
fn starting_cards(fsrs: &Fsrs) -> Vec<(String, Card, Timestamp)> {
    let now = Timestamp::from(t0());
    let new = Card::new("new", now);
    let learning = fsrs.review(&new, Rating::Good, now).unwrap().card;
    let review = fsrs
        .review(&learning, Rating::Good, learning.due)
        .unwrap()
        .card;
    let relearning = fsrs
        .review(&review, Rating::Again, review.due)
        .unwrap()
        .card;
    let mut veteran = Card::new("veteran", now);
    let mut at = now;
    for (i, r) in [3u8, 3, 3, 2, 3, 4, 1, 3, 3, 3, 2, 3]
        .into_iter()
        .enumerate()
    {
        veteran = fsrs
            .review(&veteran, Rating::try_from(r).unwrap(), at)
            .unwrap()
            .card;
        // Sometimes early, sometimes late, sometimes on time.
        at = veteran.due + TimeDelta::hours([0i64, 30, -5, 70][i % 4]);
        at = at.max(veteran.last_review.unwrap());
    }
    let mut from_sm2 = Card::new("from-sm2", now);
    from_sm2.state = State::Review;
    from_sm2.last_review = Some(now);
    from_sm2.scheduled_days = 12;
    from_sm2.due = now + TimeDelta::days(12);
    from_sm2.reps = 5;
    from_sm2.sm2 = Some(Sm2State {
        ease_factor: 2.36,
        streak: 4,
    });
    let due = |c: &Card| c.due;
    vec![
        ("new".into(), new.clone(), now),
        ("learning".into(), learning.clone(), due(&learning)),
        ("review on time".into(), review.clone(), due(&review)),
        (
            "review late".into(),
            review.clone(),
            due(&review) + TimeDelta::days(9),
        ),
        (
            "review same day".into(),
            review.clone(),
            review.last_review.unwrap() + TimeDelta::hours(3),
        ),
        ("relearning".into(), relearning.clone(), due(&relearning)),
        ("veteran".into(), veteran.clone(), at),
        (
            "from SM-2".into(),
            from_sm2.clone(),
            due(&from_sm2) + TimeDelta::days(2),
        ),
    ]
}

/// Every case, in a stable order.
pub fn srs_cases() -> Vec<Value> {
    let mut cases = Vec::new();
    let specs = [
        ("default", SchedulerSpec::default()),
        (
            "retention 0.85, one learning step, no relearning, max 180 days",
            SchedulerSpec {
                desired_retention: 0.85,
                learning_steps: vec![300],
                relearning_steps: vec![],
                maximum_interval: 180,
                ..SchedulerSpec::default()
            },
        ),
    ];
    for (spec_name, spec) in &specs {
        let fsrs = spec.build().expect("valid settings");
        for (name, card, now) in starting_cards(&fsrs) {
            let preview = fsrs.preview(&card, now).expect("preview");
            cases.push(json!({
                "name": format!("preview {name} ({spec_name})"),
                "op": "preview",
                "scheduler": spec.to_json(),
                "card": card_json(&card),
                "now": time(now),
                "expect": {
                    "again": card_json(&preview.again.card),
                    "hard": card_json(&preview.hard.card),
                    "good": card_json(&preview.good.card),
                    "easy": card_json(&preview.easy.card),
                },
            }));
            for rating in Rating::ALL {
                let out = fsrs.review(&card, rating, now).expect("review");
                cases.push(json!({
                    "name": format!("review {name} {rating} ({spec_name})"),
                    "op": "review",
                    "scheduler": spec.to_json(),
                    "card": card_json(&card),
                    "rating": rating.as_u8(),
                    "now": time(now),
                    "expect": { "card": card_json(&out.card), "scheduled_days": out.log.scheduled_days, "elapsed_days": out.log.elapsed_days },
                }));
            }
        }
    }

    // Memory states from histories (rating, days since the previous review).
    let fsrs = Fsrs::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for k in 0..24 {
        let len = 1 + (k % 12);
        let history: Vec<(u8, u32)> = (0..len)
            .map(|i| {
                let r = 1 + next(4) as u8;
                let d = if i == 0 { 0 } else { next(40) as u32 };
                (r, d)
            })
            .collect();
        let deltas: Vec<(Rating, u32)> = history
            .iter()
            .map(|&(r, d)| (Rating::try_from(r).unwrap(), d))
            .collect();
        let m = fsrs.memory_state(deltas).expect("memory state");
        cases.push(json!({
            "name": format!("memory state {k}"),
            "op": "memory_state",
            "history": history,
            "expect": { "stability": m.stability, "difficulty": m.difficulty },
        }));
    }

    // Next states from memory states.
    for (k, (memory, retention, days)) in [
        (None, 0.9, 0u32),
        (Some((2.3065, 2.1181)), 0.9, 0),
        (Some((2.3065, 2.1181)), 0.9, 2),
        (Some((12.5, 6.1)), 0.9, 9),
        (Some((12.5, 6.1)), 0.8, 30),
        (Some((0.4, 9.5)), 0.95, 1),
        (Some((300.0, 4.0)), 0.9, 280),
        (Some((3000.0, 8.0)), 0.85, 4000),
    ]
    .into_iter()
    .enumerate()
    {
        let m = memory.map(|(stability, difficulty)| MemoryState {
            stability,
            difficulty,
        });
        let n = fsrs.next_states(m, retention, days).expect("next states");
        let item = |s: &learnloop::srs::ItemState| {
            json!([s.memory.stability, s.memory.difficulty, s.interval])
        };
        cases.push(json!({
            "name": format!("next states {k}"),
            "op": "next_states",
            "memory": memory.map(|(s, d)| vec![s, d]),
            "desired_retention": retention,
            "days_elapsed": days,
            "expect": {
                "again": item(&n.again), "hard": item(&n.hard),
                "good": item(&n.good), "easy": item(&n.easy),
            },
        }));
    }

    // Errors: every language raises its own error type with this code and field.
    let spec = SchedulerSpec::default();
    let fsrs = spec.build().expect("valid");
    let now = Timestamp::from(t0());
    let reviewed = fsrs
        .review(&Card::new("r", now), Rating::Easy, now)
        .unwrap()
        .card;
    for (name, rating, at) in [
        ("rating 0", 0i64, now + TimeDelta::days(8)),
        ("rating 5", 5, now + TimeDelta::days(8)),
        ("review before the last review", 3, now - TimeDelta::days(1)),
    ] {
        let result = Rating::try_from(rating).and_then(|r| fsrs.review(&reviewed, r, at));
        let e = result.expect_err("an error case");
        cases.push(json!({
            "name": format!("error: {name}"),
            "op": "review",
            "scheduler": spec.to_json(),
            "card": card_json(&reviewed),
            "rating": rating,
            "now": time(at),
            "expect": error_json(&e),
        }));
    }
    // A card that breaks a card's rules is refused where it enters, before
    // any review: decoding names the field inside the card.
    let memory = |stability, difficulty| {
        Some(MemoryState {
            stability,
            difficulty,
        })
    };
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut card = card_json(&reviewed);
        change(&mut card);
        card
    };
    for (name, card) in [
        (
            "negative stability",
            broken(&|c| c["memory"] = json!(memory(-1.0, 5.0))),
        ),
        (
            "zero stability",
            broken(&|c| c["memory"] = json!(memory(0.0, 5.0))),
        ),
        (
            "difficulty above 10",
            broken(&|c| c["memory"] = json!(memory(3.0, 11.0))),
        ),
        (
            "difficulty below 1",
            broken(&|c| c["memory"] = json!(memory(3.0, -3.0))),
        ),
        ("memory as a list", broken(&|c| c["memory"] = json!([1, 2]))),
        (
            "review card without last review",
            broken(&|c| c["last_review"] = Value::Null),
        ),
        (
            "review card without memory",
            broken(&|c| c["memory"] = Value::Null),
        ),
        (
            "last review after due",
            broken(&|c| c["last_review"] = json!(time(now + TimeDelta::days(30)))),
        ),
        (
            "ease factor below 1",
            broken(&|c| c["sm2"] = json!({"ease_factor": 0.5, "streak": 1})),
        ),
    ] {
        let e = learnloop::json::from_value::<Card>(card.clone()).expect_err("a broken card");
        cases.push(json!({
            "name": format!("error: {name}"),
            "op": "decode_card",
            "card": card,
            "expect": error_json(&e),
        }));
    }
    let late = fsrs
        .review(&reviewed, Rating::Good, now + TimeDelta::days(20))
        .unwrap()
        .card;
    let batch = [reviewed.clone(), late];
    let e = fsrs
        .review_many(
            &batch,
            &[Rating::Good, Rating::Good],
            now + TimeDelta::days(8),
        )
        .expect_err("batch error");
    cases.push(json!({
        "name": "error: batch with a card reviewed after now",
        "op": "review_many",
        "scheduler": spec.to_json(),
        "cards": batch.iter().map(card_json).collect::<Vec<_>>(),
        "ratings": [3, 3],
        "now": time(now + TimeDelta::days(8)),
        "expect": error_json(&e),
    }));
    for (name, parameters, retention) in [
        ("18 parameters", Some(vec![0.5; 18]), 0.9),
        (
            "parameter 7 out of range",
            {
                let mut w = learnloop::srs::DEFAULT_PARAMETERS.to_vec();
                w[7] = 0.9;
                Some(w)
            },
            0.9,
        ),
        ("desired retention 1.5", None, 1.5),
    ] {
        let spec = SchedulerSpec {
            parameters,
            desired_retention: retention,
            ..SchedulerSpec::default()
        };
        let e = spec.build().expect_err("invalid settings");
        cases.push(json!({
            "name": format!("error: {name}"),
            "op": "new_scheduler",
            "scheduler": spec.to_json(),
            "expect": error_json(&e),
        }));
    }
    let e = fsrs
        .memory_state(Vec::<(Rating, u32)>::new())
        .expect_err("empty history");
    cases.push(json!({
        "name": "error: empty history",
        "op": "memory_state",
        "history": [],
        "expect": error_json(&e),
    }));
    cases
}

/// The whole fixture document.
pub fn fixture() -> Value {
    json!({
        "about": "learnloop spaced-repetition conformance cases; generated by `cargo run -p learnloop-conformance`, replayed by every language's tests",
        "times": "RFC 3339, UTC",
        "fields": "an error's field is a path in the case's input; decode_card names it inside the card document, and a language that decodes a card as a call's argument names it from that argument (card.memory.stability)",
        "cases": srs_cases(),
    })
}

/// The fixture as written to disk.
pub fn fixture_text() -> String {
    let mut text = serde_json::to_string_pretty(&fixture()).expect("JSON");
    text.push('\n');
    text
}
