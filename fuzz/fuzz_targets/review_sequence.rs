//! Arbitrary review sequences (ratings and gaps, including same-second and
//! century-long gaps) through every scheduler: no panic, memory in bounds,
//! due never before now.
#![no_main]

use chrono::{TimeDelta, TimeZone, Utc};
use learnloop::srs::{AnkiSm2, Card, Fsrs, Rating, ReviewContext, Scheduler, Sm2};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fsrs = Fsrs::default();
    let schedulers: [&dyn Scheduler; 3] = [&fsrs, &Sm2::default(), &AnkiSm2::default()];
    for scheduler in schedulers {
        let mut now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut card = Card::new("fuzz", now);
        for chunk in data.chunks(3) {
            let rating = Rating::ALL[usize::from(chunk[0] % 4)];
            let gap = chunk.get(1..).map_or(0, |b| b.iter().fold(0i64, |a, &x| a * 256 + i64::from(x)));
            now += TimeDelta::seconds(gap * 1_000);
            match scheduler.review_in(&card, rating, &ReviewContext::at(now)) {
                Ok(out) => {
                    assert!(out.card.due >= now);
                    if let Some(m) = out.card.memory {
                        assert!(m.stability.is_finite() && m.stability > 0.0);
                        assert!((1.0..=10.0).contains(&m.difficulty));
                    }
                    card = out.card;
                }
                Err(e) => panic!("a valid card failed to review: {e}"),
            }
        }
    }
});
