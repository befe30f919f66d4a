//! Outside input: a card as JSON (what a host stores and sends back), then a
//! review of it by every scheduler. Nothing may panic; a decoded card either
//! reviews or gives a typed error; a review never moves `due` before `now`.
#![no_main]

use learnloop::srs::{AnkiSm2, Card, Fsrs, Rating, ReviewContext, Scheduler, Sm2};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else {
        return;
    };
    let Ok(card) = serde_json::from_slice::<Card>(json) else {
        return;
    };
    // Serializing and decoding again gives the same card (when it has no NaN).
    let text = serde_json::to_string(&card).expect("a decoded card serializes");
    let again: Card = serde_json::from_str(&text).expect("a serialized card decodes");
    if format!("{card:?}") == format!("{again:?}") || card == again {
    } else {
        panic!("round trip changed the card: {card:?} -> {again:?}");
    }
    let rating = Rating::ALL[usize::from(selector % 4)];
    let now = card.last_review.unwrap_or(card.due).max(card.due);
    let schedulers: [&dyn Scheduler; 3] = [&Fsrs::default(), &Sm2::default(), &AnkiSm2::default()];
    for scheduler in schedulers {
        if let Ok(out) = scheduler.review_in(&card, rating, &ReviewContext::at(now)) {
            assert!(out.card.due >= now, "due moved before now");
            if let Some(m) = out.card.memory {
                assert!(m.stability.is_finite() || card.memory.is_some());
            }
        }
    }
});
