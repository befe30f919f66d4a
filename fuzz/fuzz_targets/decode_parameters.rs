//! Outside input: an FSRS parameter vector as JSON (as an optimizer or a
//! settings screen would send it). Accepted vectors must give finite memory
//! states inside their bounds for every rating.
#![no_main]

use learnloop::srs::{Fsrs, MAX_DIFFICULTY, MIN_DIFFICULTY, Parameters, Rating};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(params) = serde_json::from_slice::<Parameters>(data) else {
        return;
    };
    let fsrs = Fsrs::from_parameters(params);
    let Ok(first) = fsrs.next_states(None, 0.9, 0) else {
        panic!("next_states of a new card failed with valid parameters");
    };
    for days in [0u32, 1, 30, 3650] {
        for rating in Rating::ALL {
            let m = first.get(rating).memory;
            let next = fsrs.next_states(Some(m), 0.85, days).expect("valid state");
            for r in Rating::ALL {
                let s = next.get(r).memory;
                assert!(s.stability.is_finite() && s.stability > 0.0, "{s:?}");
                assert!((MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&s.difficulty), "{s:?}");
            }
        }
    }
});
