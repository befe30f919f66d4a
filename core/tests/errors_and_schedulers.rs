//! Unhappy paths (every error names its field) and worked scheduler examples.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::Error;
use learnloop::srs::{
    AnkiSm2, AnkiSm2Options, Card, EasyDays, Fsrs, FsrsOptions, MemoryState, Parameters, Rating,
    ReviewContext, Scheduler, Sm2, State, compat, reschedule,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

#[test]
fn ratings_outside_one_to_four_are_rejected() {
    for bad in [0i64, 5, -1, 300] {
        let err = Rating::try_from(bad).unwrap_err();
        assert_eq!(err, Error::InvalidRating { value: bad });
        assert_eq!(err.field(), "rating");
        assert_eq!(err.code(), "invalid_rating");
    }
    let err = serde_json::from_str::<Rating>("7").unwrap_err();
    assert!(err.to_string().contains("rating"), "{err}");
    assert_eq!(serde_json::from_str::<Rating>("4").unwrap(), Rating::Easy);
}

#[test]
fn parameter_errors_name_the_index_and_range() {
    assert_eq!(
        Parameters::new(&[0.5; 18]).unwrap_err(),
        Error::ParameterCount { count: 18 }
    );
    let mut w = learnloop::srs::DEFAULT_PARAMETERS;
    w[7] = 0.9;
    let err = Parameters::new(&w).unwrap_err();
    assert_eq!(
        err,
        Error::ParameterOutOfRange {
            index: 7,
            value: 0.9,
            min: 0.001,
            max: 0.75
        }
    );
    assert!(err.to_string().contains("parameters[7]"), "{err}");
    w[7] = f64::NAN;
    assert!(matches!(
        Parameters::new(&w),
        Err(Error::ParameterOutOfRange { index: 7, .. })
    ));
    // Parameters deserialized from JSON are validated too.
    assert!(serde_json::from_str::<Parameters>("[1, 2, 3]").is_err());
}

#[test]
fn older_parameter_generations_are_upgraded() {
    // FSRS-4.5 defaults (17 values).
    let v45 = [
        0.4872, 1.4003, 3.7145, 13.8206, 5.1618, 1.2298, 0.8975, 0.031, 1.6474, 0.1367, 1.0461,
        2.1072, 0.0793, 0.3246, 1.587, 0.2272, 2.8755,
    ];
    let p = Parameters::new(&v45).unwrap();
    let w = p.as_slice();
    assert!((w[4] - (5.1618 + 2.0 * 1.2298)).abs() < 1e-12);
    assert!((w[5] - (1.0 + 3.0 * 1.2298f64).ln() / 3.0).abs() < 1e-12);
    assert!((w[6] - 1.3975).abs() < 1e-12);
    assert_eq!(&w[17..], &[0.0, 0.0, 0.0, 0.5]);
    // The upgrade keeps D0(Again) of FSRS-4.5 exactly: w4 + 2 w5 before, w4' - e^0 + 1 after.
    let d0_again_after = w[4] - (0.0f64).exp() + 1.0;
    assert!((d0_again_after - (5.1618 + 2.0 * 1.2298)).abs() < 1e-12);

    // FSRS-5 (19 values): w19 = 0 and the fixed decay 0.5 are appended.
    let v5 = &learnloop::srs::DEFAULT_PARAMETERS[..19];
    let w = *Parameters::new(v5).unwrap().as_slice();
    assert_eq!(&w[..19], v5);
    assert_eq!(&w[19..], &[0.0, 0.5]);

    // The fsrs-rs mirror upgrades the same way.
    let v45_f32: Vec<f32> = v45.iter().map(|&x| x as f32).collect();
    assert!(compat::FSRS::new(&v45_f32).is_ok());
    assert!(compat::FSRS::new(&[1.0; 3]).is_err());
}

#[test]
fn settings_are_validated() {
    for r in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        let err = Fsrs::default().with_desired_retention(r).unwrap_err();
        assert_eq!(err.field(), "desired_retention");
    }
    let err = Fsrs::default()
        .with_learning_steps(vec![TimeDelta::minutes(1), TimeDelta::zero()])
        .unwrap_err();
    assert_eq!(err.field(), "learning_steps[1]");
    let err = Fsrs::default().with_maximum_interval(0).unwrap_err();
    assert_eq!(err.field(), "maximum_interval");
    let mut days = [1.0; 7];
    days[2] = 1.5;
    let err = Fsrs::new(FsrsOptions {
        easy_days: Some(EasyDays(days)),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), "easy_days[2]");
    let err = Fsrs::default().next_states(None, 1.2, 3).unwrap_err();
    assert_eq!(err.field(), "desired_retention");
    let err = AnkiSm2::new(AnkiSm2Options {
        starting_ease: 1.0,
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), "starting_ease");
    let err = Sm2::default()
        .review_quality(&Card::new("c", t0()), 6, t0())
        .unwrap_err();
    assert_eq!(err.field(), "quality");
}

fn review_card(stability: f64, difficulty: f64) -> Card {
    let mut card = Card::new("c", t0());
    card.state = State::Review;
    card.last_review = Some(t0().into());
    card.memory = Some(MemoryState {
        stability,
        difficulty,
    });
    card
}

/// Every door a card comes through from outside refuses a broken one,
/// naming the field from the document's root.
#[test]
fn broken_cards_are_refused_where_they_enter() {
    let good = learnloop::json::to_json(&review_card(3.0, 5.0));
    let broken = |from: &str, to: &str| {
        assert!(good.contains(from), "{from} in {good}");
        good.replacen(from, to, 1)
    };
    for (text, field) in [
        (
            broken(r#""stability":3.0"#, r#""stability":-1.0"#),
            "memory.stability",
        ),
        (
            broken(r#""difficulty":5.0"#, r#""difficulty":11.0"#),
            "memory.difficulty",
        ),
        (
            broken(
                r#""memory":{"stability":3.0,"difficulty":5.0}"#,
                "\"memory\":null",
            ),
            "memory",
        ),
        (
            broken(
                r#""last_review":"2026-01-05T09:00:00Z""#,
                "\"last_review\":null",
            ),
            "last_review",
        ),
        (
            broken(
                r#""last_review":"2026-01-05T09:00:00Z""#,
                r#""last_review":"2027-01-05T09:00:00Z""#,
            ),
            "due",
        ),
        (
            broken(r#""sm2":null"#, r#""sm2":{"ease_factor":0.9,"streak":2}"#),
            "sm2.ease_factor",
        ),
    ] {
        let err = learnloop::json::from_json::<Card>(&text).unwrap_err();
        assert_eq!(
            (err.code(), err.field().as_str()),
            ("invalid_input", field),
            "{text}: {err}"
        );
        // Inside a list or a larger document, the path leads to it.
        let err = learnloop::json::from_json::<Vec<Card>>(&format!("[{good},{text}]")).unwrap_err();
        assert_eq!(err.field(), format!("[1].{field}"), "{err}");
        let value: serde_json::Value =
            serde_json::from_str(&format!(r#"{{"cards":[{text}]}}"#)).unwrap();
        let err =
            learnloop::json::from_value::<std::collections::BTreeMap<String, Vec<Card>>>(value)
                .unwrap_err();
        assert_eq!(err.field(), format!("cards[0].{field}"), "{err}");
        assert!(!err.to_string().contains('\u{1f}'), "{err}");
    }
    assert!(learnloop::json::from_json::<Card>(&good).is_ok());
}

#[test]
fn broken_cards_are_rejected_and_left_unchanged() {
    let fsrs = Fsrs::default();
    let later = t0() + TimeDelta::days(3);
    for (card, field) in [
        (review_card(f64::NAN, 5.0), "card.memory.stability"),
        (review_card(-1.0, 5.0), "card.memory.stability"),
        (review_card(0.0, 5.0), "card.memory.stability"),
        (review_card(3.0, 11.0), "card.memory.difficulty"),
        (review_card(3.0, f64::INFINITY), "card.memory.difficulty"),
    ] {
        // NaN != NaN, so compare the debug form.
        let before = format!("{card:?}");
        let err = fsrs.review(&card, Rating::Good, later).unwrap_err();
        assert_eq!(err.field(), field, "{err}");
        assert_eq!(format!("{card:?}"), before);
    }
    let mut no_memory = review_card(3.0, 5.0);
    no_memory.memory = None;
    assert_eq!(
        fsrs.review(&no_memory, Rating::Good, later)
            .unwrap_err()
            .field(),
        "card.memory"
    );
    let mut no_last = review_card(3.0, 5.0);
    no_last.last_review = None;
    assert_eq!(
        fsrs.review(&no_last, Rating::Good, later)
            .unwrap_err()
            .field(),
        "card.last_review"
    );
    let err = fsrs
        .review(
            &review_card(3.0, 5.0),
            Rating::Good,
            t0() - TimeDelta::seconds(1),
        )
        .unwrap_err();
    assert!(matches!(err, Error::ReviewBeforeLastReview { .. }));
    assert_eq!(err.code(), "review_before_last_review");

    let err = fsrs.memory_state(Vec::<(Rating, u32)>::new()).unwrap_err();
    assert_eq!(err.field(), "history");
    let err = fsrs
        .next_states(
            Some(MemoryState {
                stability: f64::NAN,
                difficulty: 5.0,
            }),
            0.9,
            1,
        )
        .unwrap_err();
    assert_eq!(err.field(), "memory.stability");
    let err = fsrs.memory_state_from_sm2(0.5, 10.0, 0.9).unwrap_err();
    assert_eq!(err.field(), "ease_factor");
    let err = reschedule(&review_card(3.0, 5.0), t0() - TimeDelta::days(1), t0()).unwrap_err();
    assert_eq!(err.field(), "due");
}

#[test]
fn learning_steps_follow_the_reference() {
    let fsrs = Fsrs::default();
    let card = Card::new("c", t0());
    let p = fsrs.preview(&card, t0()).unwrap();
    assert_eq!(p.again.card.due - t0(), TimeDelta::minutes(1));
    assert_eq!(p.hard.card.due - t0(), TimeDelta::seconds(330));
    assert_eq!(p.good.card.due - t0(), TimeDelta::minutes(10));
    assert_eq!(p.good.card.step, Some(1));
    assert_eq!(p.easy.card.state, State::Review);
    assert_eq!(p.easy.log.scheduled_days, 8);
    assert_eq!(p.easy.log.state, State::New);

    // A lapse goes to relearning and counts.
    let graduated = p.easy.card;
    let lapse = fsrs
        .review(&graduated, Rating::Again, graduated.due)
        .unwrap()
        .card;
    assert_eq!(lapse.state, State::Relearning);
    assert_eq!(lapse.lapses, 1);
    assert_eq!(lapse.due - graduated.due, TimeDelta::minutes(10));
}

#[test]
fn sm2_cards_migrate_to_fsrs() {
    let anki = AnkiSm2::default();
    let mut card = Card::new("m", t0());
    let mut now = learnloop::Timestamp::from(t0());
    for _ in 0..6 {
        card = anki.review(&card, Rating::Good, now).unwrap().card;
        now = card.due;
    }
    assert_eq!(card.state, State::Review);
    assert!(card.memory.is_none());
    let fsrs = Fsrs::default();
    let out = fsrs.review(&card, Rating::Good, now).unwrap();
    let m = out.card.memory.unwrap();
    assert!(m.stability > f64::from(card.scheduled_days), "{m:?}");
    assert!(out.card.due > now);
}

#[test]
fn canonical_sm2_lapses_restart_the_repetitions() {
    let sm2 = Sm2::default();
    let mut card = Card::new("s", t0());
    for q in [5, 5, 5] {
        card = sm2.review_quality(&card, q, card.due).unwrap().card;
    }
    assert_eq!(card.scheduled_days, 17);
    let ease_before = card.sm2.unwrap().ease_factor;
    let out = sm2.review_quality(&card, 1, card.due).unwrap();
    assert_eq!(out.log.scheduled_days, 1);
    assert_eq!(out.card.sm2.unwrap().streak, 0);
    assert_eq!(out.card.lapses, 1);
    assert!((out.card.sm2.unwrap().ease_factor - (ease_before - 0.54)).abs() < 1e-12);
    // Quality 0 at the floor stays at 1.3.
    let mut c = out.card;
    for _ in 0..10 {
        c = sm2.review_quality(&c, 0, c.due).unwrap().card;
    }
    assert_eq!(c.sm2.unwrap().ease_factor, 1.3);
}

#[test]
fn anki_sm2_worked_example() {
    let anki = AnkiSm2::default();
    let card = Card::new("a", t0());
    let c1 = anki.review(&card, Rating::Good, t0()).unwrap().card;
    assert_eq!((c1.state, c1.step), (State::Learning, Some(1)));
    let c2 = anki.review(&c1, Rating::Good, c1.due).unwrap().card;
    assert_eq!((c2.state, c2.scheduled_days), (State::Review, 1));
    let p = anki.preview(&c2, c2.due).unwrap();
    // hard: 1 x 1.2 -> 1, at least 2; good: 1 x 2.5 -> 3; easy: 1 x 2.5 x 1.3 -> 3, at least 4.
    assert_eq!(p.hard.log.scheduled_days, 2);
    assert_eq!(p.good.log.scheduled_days, 3);
    assert_eq!(p.easy.log.scheduled_days, 4);
    assert!((p.hard.card.sm2.unwrap().ease_factor - 2.35).abs() < 1e-12);
    assert!((p.easy.card.sm2.unwrap().ease_factor - 2.65).abs() < 1e-12);
    // A lapse: ease -0.2, relearning step, then back to review at the minimum interval.
    let lapse = p.again.card;
    assert_eq!(lapse.state, State::Relearning);
    assert!((lapse.sm2.unwrap().ease_factor - 2.3).abs() < 1e-12);
    let back = anki.review(&lapse, Rating::Good, lapse.due).unwrap().card;
    assert_eq!((back.state, back.scheduled_days), (State::Review, 1));
}

#[test]
fn load_balancing_uses_the_histogram() {
    let fsrs = Fsrs::new(FsrsOptions {
        load_balancing: true,
        ..Default::default()
    })
    .unwrap();
    let card = review_card(30.0, 5.0);
    let now = t0() + TimeDelta::days(30);
    let plain = fsrs
        .review(&card, Rating::Good, now)
        .unwrap()
        .log
        .scheduled_days;
    let (lo, hi) = learnloop::srs::fuzz_range(plain, 36500);
    let mut counts = vec![100; (hi + 2) as usize];
    counts[lo as usize] = 0;
    let load = learnloop::srs::DueLoad { counts };
    let context = ReviewContext {
        now: now.into(),
        load: Some(&load),
    };
    let balanced = fsrs.review_in(&card, Rating::Good, &context).unwrap();
    assert_eq!(balanced.log.scheduled_days, lo);
}
