//! Property tests of the learner models and the adaptive engine.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::bkt::BktParameters;
use learnloop::learner::elo::{Elo, EloRating};
use learnloop::learner::irt::{ItemParameters, NormalPrior, estimate_ability_eap};
use proptest::prelude::*;

fn t(i: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap() + TimeDelta::seconds(20 * i as i64)
}

fn unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

fn interaction()
-> impl Strategy<Value = (f64, Option<u64>, Option<f64>, u32, Option<u8>, Option<f64>)> {
    (
        prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64],
        proptest::option::of(0u64..600_000),
        proptest::option::of(0.0..=1.0f64),
        0u32..5,
        proptest::option::of(0u8..3),
        proptest::option::of(0.0..=1.0f64),
    )
}

fn band_distance(p: f64, low: f64, high: f64) -> f64 {
    if p < low {
        low - p
    } else if p > high {
        p - high
    } else {
        0.0
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn elo_probabilities_stay_in_unit_interval(
        learner in -40.0..40.0f64, item in -40.0..40.0f64, options in 0u32..10,
        score in 0.0..=1.0f64, n in 0u32..10_000,
    ) {
        let elo = Elo::default();
        let l = EloRating { rating: learner, answers: n };
        let i = EloRating { rating: item, answers: n };
        let p = elo.probability(l, i, options);
        prop_assert!(unit(p));
        let u = elo.update(l, i, score, options).unwrap();
        prop_assert!(u.learner.rating.is_finite() && u.item.rating.is_finite());
        // A better-than-predicted answer never lowers the learner.
        if score >= u.predicted { prop_assert!(u.learner.rating >= learner); }
    }

    #[test]
    fn irt_probability_and_information_are_sane(
        a in -5.0..5.0f64, b in -6.0..6.0f64, c in 0.0..0.5f64, theta in -10.0..10.0f64,
    ) {
        prop_assume!(a.abs() > 1e-3);
        let item = ItemParameters::new(a, b, c).unwrap();
        let p = item.probability(theta).unwrap();
        prop_assert!(unit(p) && p >= c - 1e-12);
        let info = item.information(theta).unwrap();
        prop_assert!(info >= 0.0 && info.is_finite());
    }

    #[test]
    fn eap_is_finite_for_any_pattern(
        answers in proptest::collection::vec(proptest::option::of(any::<bool>()), 1..30),
    ) {
        let items: Vec<ItemParameters> = (0..answers.len())
            .map(|j| ItemParameters::new(0.5 + (j % 4) as f64 * 0.4, -2.0 + (j % 9) as f64 * 0.5, 0.0).unwrap())
            .collect();
        let est = estimate_ability_eap(&items, &answers, NormalPrior::default()).unwrap();
        prop_assert!(est.theta.abs() < 6.0 && est.standard_error > 0.0 && est.standard_error <= 1.0 + 1e-9);
    }

    #[test]
    fn bkt_probabilities_stay_in_unit_interval(
        prior in 0.0..=1.0f64, learn in 0.0..=1.0f64, forget in 0.0..=1.0f64,
        guess in 0.0..0.5f64, slip in 0.0..0.5f64,
        answers in proptest::collection::vec(any::<bool>(), 0..50),
    ) {
        let p = BktParameters::new(prior, learn, forget, guess, slip).unwrap();
        let mut known = p.prior;
        for &c in &answers {
            prop_assert!(unit(p.predict(known).unwrap()));
            let post = p.posterior(known, c).unwrap();
            prop_assert!(unit(post));
            // A correct answer is evidence of knowing (guess + slip < 1).
            if c { prop_assert!(post >= known - 1e-12); } else { prop_assert!(post <= known + 1e-12); }
            known = p.update(known, c).unwrap();
            prop_assert!(unit(known));
        }
    }

    #[test]
    fn engine_estimates_stay_in_range_and_serialize(
        steps in proptest::collection::vec(interaction(), 1..40), seed in any::<u64>(),
    ) {
        let engine = Engine::new(EngineConfig { seed, ..EngineConfig::default() }).unwrap();
        let mut state = AdaptiveState::initial(t(0));
        for (k, (score, rt, conf, hints, format, difficulty)) in steps.into_iter().enumerate() {
            let mut i = Interaction::answered(format!("q{k}"), true, t(k + 1));
            i.score = score;
            i.response_time_ms = rt;
            i.confidence = conf;
            i.hints_used = hints;
            i.content_format = format.map(|f| ["video", "text", "quiz"][f as usize].to_string());
            i.difficulty = difficulty;
            let o = engine.observe(&state, &i).unwrap();
            let m = &o.state.live_performance_metrics;
            for v in [m.current_understanding, m.current_confidence, m.current_engagement, m.session_average,
                      o.state.adaptive_difficulty_level, o.state.learning_momentum_score,
                      o.state.learning_style_confidence, o.predicted_success, o.next_predicted_success,
                      o.record.performance_context] {
                prop_assert!(unit(v), "{v} out of [0, 1]");
            }
            prop_assert!(!o.record.adaptation_reasoning.is_empty());
            prop_assert_eq!(o.record.adaptive_difficulty, o.state.adaptive_difficulty_level);
            let text = serde_json::to_string(&o.state).unwrap();
            let back: AdaptiveState = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &o.state);
            state = o.state;
        }
    }

    #[test]
    fn difficulty_moves_toward_the_band_after_streaks(
        correct in any::<bool>(), streak in 3usize..25, lead in proptest::collection::vec(any::<bool>(), 0..10),
        low in 0.55..0.75f64, width in 0.05..0.2f64,
    ) {
        let high = (low + width).min(0.95);
        let engine = Engine::new(EngineConfig { success_band_low: low, success_band_high: high, ..EngineConfig::default() }).unwrap();
        let mut state = AdaptiveState::initial(t(0));
        let answers: Vec<bool> = lead.into_iter().chain(std::iter::repeat_n(correct, streak)).collect();
                for (k, &c) in answers.iter().enumerate() {
            let o = engine.observe(&state, &Interaction::answered(format!("q{k}"), c, t(k + 1))).unwrap();
            // Measured with the updated ability: the new level is never
            // further from the band than keeping the old level would be.
            let keep = engine.predict_success(&o.state, state.adaptive_difficulty_level).unwrap();
            prop_assert!(band_distance(o.next_predicted_success, low, high) <= band_distance(keep, low, high) + 1e-12);
            if k + 1 == answers.len() && streak >= 12 {
                // After a long streak the next question is back in the band
                // (or the scale has run out).
                let level = o.state.adaptive_difficulty_level;
                prop_assert!(
                    band_distance(o.next_predicted_success, low, high) < 0.02 || level == 0.0 || level == 1.0,
                    "after {streak} x {correct}: level {level}, predicted {}", o.next_predicted_success
                );
            }
            state = o.state;
        }
    }
}
