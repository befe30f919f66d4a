//! The golden fold of the sync module (`tests/fixtures/conformance/sync.json`):
//! three devices' change sets (bytes, in hex) and what a fresh replica holds
//! after applying them in each listed order: the state (the core's JSON),
//! the version vector and the digest (decimal text: JavaScript numbers
//! cannot hold 64 bits). Every language applies the same bytes and must
//! get the same state and digest, bit for bit.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::adaptive::{AdaptiveState, Engine, Interaction};
use learnloop::srs::{Fsrs, Rating};
use learnloop::sync::{
    Answer, Authority, Body, CardChange, RegisterOp, RegisterWrite, Replica, Review, Rules,
};
use serde_json::{Value, json};

/// Where the fixture lives, relative to the workspace root.
pub const SYNC_FIXTURE: &str = "tests/fixtures/conformance/sync.json";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Three devices writing offline: a phone (a day fast), a laptop and the
/// backend, which decides a session's difficulty on what it had seen; the
/// phone's app is newer and writes a kind this library does not know.
fn devices(rules: Rules<'_>) -> Vec<Replica> {
    let mut phone = Replica::new("phone").unwrap();
    let mut laptop = Replica::new("laptop").unwrap();
    let mut backend = Replica::new("backend").unwrap();
    let phone_clock = TimeDelta::hours(23);
    for i in 0..12i64 {
        let at = t0() + TimeDelta::minutes(i * 7);
        let card = format!("card-{}", i % 4);
        if i < 4 {
            let added = Body::CardAdded(CardChange {
                card: card.clone(),
                at: at.into(),
            });
            laptop.record(added, at, rules).unwrap();
            continue;
        }
        let review = |rating: Rating, at: DateTime<Utc>| {
            Body::Review(Review {
                card: card.clone(),
                rating,
                reviewed_at: at.into(),
                duration_ms: Some(3_000 + i as u32 * 250),
            })
        };
        let phone_at = at + phone_clock;
        phone
            .record(
                review(Rating::ALL[(i % 4) as usize], phone_at),
                phone_at,
                rules,
            )
            .unwrap();
        laptop
            .record(review(Rating::ALL[((i + 1) % 4) as usize], at), at, rules)
            .unwrap();
        let mut interaction = Interaction::answered(format!("q{i}"), i % 3 != 0, phone_at);
        interaction.response_time_ms = Some(4_000 + i as u64 * 300);
        interaction.content_format = Some(["video", "text"][(i % 2) as usize].into());
        phone
            .record(
                Body::Answer(Answer {
                    session: "s1".into(),
                    interaction,
                }),
                phone_at,
                rules,
            )
            .unwrap();
        if i == 8 {
            // The backend hears of the first answers, then decides.
            backend
                .apply(&phone.changes_since(backend.vector()), at, rules)
                .unwrap();
            let mut state = backend.state().sessions["s1"].state.clone();
            state.adaptive_difficulty_level = 0.8;
            let decision = Body::Authority(Authority {
                session: "s1".into(),
                state,
                seen: backend.vector().clone(),
            });
            backend.record(decision, at, rules).unwrap();
        }
    }
    let write = |register: &str, op: RegisterOp| {
        Body::Register(RegisterWrite {
            register: register.into(),
            op,
            seen: Default::default(),
        })
    };
    let at = t0() + TimeDelta::hours(2);
    phone
        .record(
            write("theme", RegisterOp::Set("\"dark\"".into())),
            at + phone_clock,
            rules,
        )
        .unwrap();
    laptop
        .record(
            write("theme", RegisterOp::Set("\"light\"".into())),
            at,
            rules,
        )
        .unwrap();
    laptop
        .record(write("xp", RegisterOp::Add(40)), at, rules)
        .unwrap();
    phone
        .record(write("xp", RegisterOp::Add(-5)), at + phone_clock, rules)
        .unwrap();
    backend
        .record(write("best_streak", RegisterOp::Max(12.5)), at, rules)
        .unwrap();
    laptop
        .record(
            write(
                "prefs",
                RegisterOp::Put {
                    key: "sound".into(),
                    value: "false".into(),
                },
            ),
            at,
            rules,
        )
        .unwrap();
    phone
        .record_other("streak_freeze", 2, vec![1, 2, 3], at + phone_clock, rules)
        .unwrap();
    // A session started on an authority with no answers seen.
    let fresh = AdaptiveState::initial(at);
    backend
        .record(
            Body::Authority(Authority {
                session: "s2".into(),
                state: fresh,
                seen: Default::default(),
            }),
            at,
            rules,
        )
        .unwrap();
    vec![phone, laptop, backend]
}

/// The fixture's cases.
pub fn sync_cases() -> Vec<Value> {
    let (fsrs, engine) = (Fsrs::default(), Engine::default());
    let rules = Rules {
        scheduler: &fsrs,
        engine: &engine,
    };
    let devices = devices(rules);
    let sets: Vec<_> = devices
        .iter()
        .map(|d| d.changes_since(&Default::default()))
        .collect();
    let now = t0() + TimeDelta::hours(3);
    let orders: [(&str, Vec<usize>); 3] = [
        ("in device order", vec![0, 1, 2]),
        ("reversed", vec![2, 1, 0]),
        ("with duplicates", vec![1, 0, 1, 2, 0]),
    ];
    orders
        .into_iter()
        .map(|(name, order)| {
            let mut receiver = Replica::new("receiver").unwrap();
            for &i in &order {
                receiver.apply(&sets[i], now, rules).unwrap();
            }
            json!({
                "name": name,
                "device": "receiver",
                "now": now,
                "change_sets": order.iter().map(|&i| hex(&sets[i].to_bytes())).collect::<Vec<_>>(),
                "expected": {
                    "state": receiver.state(),
                    "vector": receiver.vector(),
                    "digest": receiver.digest().to_string(),
                    "events": receiver.log().len(),
                },
            })
        })
        .collect()
}

/// The fixture as committed: pretty JSON with a trailing newline.
pub fn sync_fixture_text() -> String {
    let doc = json!({
        "about": "Change sets of three devices (hex) and what a fresh replica holds after applying them in each order: state, vector, digest (decimal text). Replayed by every language.",
        "cases": sync_cases(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap();
    text.push('\n');
    text
}
