//! Outside input: an adaptive-state document and an interaction, as a host
//! sends them (two JSON texts separated by a newline), and a response
//! matrix for calibration (the bytes after a second newline, one cell per
//! byte). Nothing may panic; a bad document or interaction is a typed error
//! naming a field; an accepted observation keeps every estimate in [0, 1]
//! and its state reads back equal.
#![no_main]

use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::irt::{CalibrationOptions, ResponseMatrix, calibrate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let (Some(state), Some(interaction)) = (parts.next(), parts.next()) else {
        return;
    };
    if let (Ok(state), Ok(interaction)) =
        (std::str::from_utf8(state), std::str::from_utf8(interaction))
    {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let decoded = learnloop::json::from_json::<AdaptiveState>(state)
            .and_then(|s| learnloop::json::from_json::<Interaction>(interaction).map(|i| (s, i)));
        match decoded.and_then(|(s, i)| engine.observe(&s, &i)) {
            Ok(o) => {
                let m = &o.state.live_performance_metrics;
                for v in [
                    m.current_understanding,
                    m.session_average,
                    o.state.adaptive_difficulty_level,
                    o.next_predicted_success,
                ] {
                    assert!(
                        (0.0..=1.0).contains(&v) || v.is_nan(),
                        "estimate {v} out of range"
                    );
                }
                let text = learnloop::json::to_json(&o.state);
                let back: AdaptiveState =
                    learnloop::json::from_json(&text).expect("an engine state reads back");
                assert_eq!(learnloop::json::to_json(&back), text);
            }
            Err(e) => assert!(!e.field().is_empty(), "an error without a field: {e}"),
        }
    }
    // A small response matrix: 4 items per row, bytes % 3 = wrong/right/missing.
    if let Some(cells) = parts.next() {
        let rows: Vec<Vec<Option<bool>>> = cells
            .chunks_exact(4)
            .take(60)
            .map(|r| {
                r.iter()
                    .map(|b| match b % 3 {
                        0 => Some(false),
                        1 => Some(true),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        if let Ok(m) = ResponseMatrix::from_rows(&rows) {
            let options = CalibrationOptions {
                max_iterations: 20,
                ..CalibrationOptions::default()
            };
            match calibrate(&m, &options) {
                Ok(fit) => assert!(
                    fit.items
                        .iter()
                        .all(|i| i.difficulty.is_finite() && i.discrimination.is_finite())
                ),
                Err(e) => assert!(!e.field().is_empty()),
            }
        }
    }
});
