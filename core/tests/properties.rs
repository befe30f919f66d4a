//! Property tests of the scheduling invariants.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::srs::{
    AnkiSm2, Card, DueLoad, EasyDays, Fsrs, FsrsOptions, MAX_DIFFICULTY, MIN_DIFFICULTY,
    PARAMETER_BOUNDS, QueueOptions, QueueOrder, Rating, ReviewContext, STABILITY_MIN, Scheduler,
    Sm2, State, due_queue,
};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn rating() -> impl Strategy<Value = Rating> {
    prop_oneof![
        Just(Rating::Again),
        Just(Rating::Hard),
        Just(Rating::Good),
        Just(Rating::Easy)
    ]
}

/// Gaps between reviews in seconds: same minute, same day, days, years.
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..120,
        0i64..86_400,
        86_400i64..(90 * 86_400),
        0i64..(3 * 365 * 86_400),
    ]
}

/// Any valid parameter vector: each value drawn inside its reference bounds.
fn parameters() -> impl Strategy<Value = Vec<f64>> {
    PARAMETER_BOUNDS
        .iter()
        .map(|&(lo, hi)| lo..=hi)
        .collect::<Vec<_>>()
}

fn fsrs() -> impl Strategy<Value = Fsrs> {
    (
        prop_oneof![Just(None), parameters().prop_map(Some)],
        0.5f64..0.99,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(params, retention, fuzz, order)| {
            Fsrs::new(FsrsOptions {
                parameters: params.unwrap_or_else(|| learnloop::srs::DEFAULT_PARAMETERS.to_vec()),
                desired_retention: retention,
                enable_fuzzing: fuzz,
                interval_order: order,
                ..FsrsOptions::default()
            })
            .unwrap()
        })
}

fn history() -> impl Strategy<Value = Vec<(Rating, i64)>> {
    prop::collection::vec((rating(), gap()), 1..40)
}

fn replay<S: Scheduler>(s: &S, history: &[(Rating, i64)]) -> Vec<(Card, DateTime<Utc>)> {
    let mut now = t0();
    let mut card = Card::new("prop", now);
    let mut out = vec![];
    for &(r, g) in history {
        now += TimeDelta::seconds(g);
        card = s.review(&card, r, now).unwrap().card;
        out.push((card.clone(), now));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn memory_stays_in_bounds(fsrs in fsrs(), history in history()) {
        for (card, _) in replay(&fsrs, &history) {
            let m = card.memory.unwrap();
            prop_assert!(m.stability.is_finite() && m.stability >= STABILITY_MIN, "S = {}", m.stability);
            prop_assert!((MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&m.difficulty), "D = {}", m.difficulty);
        }
    }

    #[test]
    fn due_is_never_before_now(fsrs in fsrs(), history in history()) {
        for (card, now) in replay(&fsrs, &history) {
            prop_assert!(card.due >= now);
            prop_assert_eq!(card.last_review, Some(now.into()));
        }
        for (card, now) in replay(&Sm2::default(), &history) {
            prop_assert!(card.due > now);
            prop_assert!(card.sm2.unwrap().ease_factor >= 1.3);
        }
        for (card, now) in replay(&AnkiSm2::default(), &history) {
            prop_assert!(card.due > now);
            prop_assert!(card.sm2.unwrap().ease_factor >= 1.3);
        }
    }

    #[test]
    fn intervals_are_monotone_in_rating(fsrs in fsrs(), history in history(), wait in gap()) {
        let steps = replay(&fsrs, &history);
        let (card, now) = steps.last().unwrap();
        let now = *now + TimeDelta::seconds(wait);
        let preview = fsrs.preview(card, now).unwrap();
        let due: Vec<_> = Rating::ALL.iter().map(|&r| preview.get(r).card.due).collect();
        prop_assert!(due.windows(2).all(|w| w[0] <= w[1]), "{:?}", due);
        // The preview is exactly what a review does.
        for r in Rating::ALL {
            prop_assert_eq!(&fsrs.review(card, r, now).unwrap(), preview.get(r));
        }
    }

    #[test]
    fn interval_order_is_strict_when_enforced(history in history(), wait in gap()) {
        let fsrs = Fsrs::new(FsrsOptions { interval_order: true, ..FsrsOptions::default() }).unwrap();
        let steps = replay(&fsrs, &history);
        let (card, now) = steps.last().unwrap();
        if card.state == State::Review {
            let now = *now + TimeDelta::seconds(wait);
            let p = fsrs.preview(card, now).unwrap();
            let (h, g, e) = (p.hard.log.scheduled_days, p.good.log.scheduled_days, p.easy.log.scheduled_days);
            prop_assert!(h < g || g == fsrs.maximum_interval(), "{h} {g} {e}");
            prop_assert!(g < e || e == fsrs.maximum_interval(), "{h} {g} {e}");
        }
    }

    #[test]
    fn anki_sm2_orders_review_intervals(history in history(), wait in gap()) {
        let anki = AnkiSm2::default();
        let steps = replay(&anki, &history);
        let (card, now) = steps.last().unwrap();
        if card.state == State::Review {
            let p = anki.preview(card, *now + TimeDelta::seconds(wait)).unwrap();
            let max = anki.options().maximum_interval;
            let (h, g, e) = (p.hard.log.scheduled_days, p.good.log.scheduled_days, p.easy.log.scheduled_days);
            prop_assert!(h < g || g == max, "{h} {g} {e}");
            prop_assert!(g < e || e == max, "{h} {g} {e}");
        }
    }

    #[test]
    fn memory_state_agrees_with_card_reviews(history in history()) {
        let fsrs = Fsrs::default();
        let steps = replay(&fsrs, &history);
        let mut prev = t0();
        let deltas: Vec<_> = history.iter().scan(t0(), |now, &(r, g)| {
            *now += TimeDelta::seconds(g);
            let d = (*now - prev).num_days() as u32;
            prev = *now;
            Some((r, d))
        }).collect();
        let m = fsrs.memory_state(deltas).unwrap();
        let want = steps.last().unwrap().0.memory.unwrap();
        if want.stability < 36_500.0 {
            prop_assert!((m.stability - want.stability).abs() <= 1e-9 * want.stability);
            prop_assert!((m.difficulty - want.difficulty).abs() <= 1e-9);
        }
    }

    #[test]
    fn reviews_before_the_last_review_are_rejected(history in history(), back in 1i64..1_000_000) {
        let fsrs = Fsrs::default();
        let steps = replay(&fsrs, &history);
        let (card, now) = steps.last().unwrap();
        let before = card.clone();
        let err = fsrs.review(card, Rating::Good, *now - TimeDelta::seconds(back)).unwrap_err();
        prop_assert_eq!(err.field(), "now");
        prop_assert_eq!(card, &before);
    }

    #[test]
    fn card_json_round_trips(history in history()) {
        for (card, _) in replay(&Fsrs::default(), &history) {
            let json = serde_json::to_string(&card).unwrap();
            prop_assert_eq!(serde_json::from_str::<Card>(&json).unwrap(), card);
        }
    }

    #[test]
    fn fuzz_and_balancing_stay_in_the_fuzz_range(
        ivl in 1u32..5000, reps in 0u32..100, counts in prop::collection::vec(0u32..50, 0..400),
        weights in prop::array::uniform7(0.0f64..=1.0), balance in any::<bool>(), fuzz in any::<bool>(),
    ) {
        let fsrs = Fsrs::new(FsrsOptions {
            enable_fuzzing: fuzz,
            load_balancing: balance,
            easy_days: Some(EasyDays(weights)),
            ..FsrsOptions::default()
        })
        .unwrap();
        let (lo, hi) = learnloop::srs::fuzz_range(ivl, fsrs.maximum_interval());
        // Find a stability whose interval is `ivl` and review a card at it.
        let mut card = Card::new("f", t0());
        card.state = State::Review;
        card.reps = reps;
        card.last_review = Some(t0().into());
        card.memory = Some(learnloop::srs::MemoryState { stability: f64::from(ivl), difficulty: 5.0 });
        let now = t0() + TimeDelta::days(i64::from(ivl));
        let load = DueLoad { counts };
        let context = ReviewContext { now: now.into(), load: Some(&load) };
        let out = fsrs.review_in(&card, Rating::Good, &context).unwrap();
        let base = fsrs.review_interval(out.card.memory.unwrap().stability).unwrap();
        let (lo2, hi2) = learnloop::srs::fuzz_range(base, fsrs.maximum_interval());
        prop_assert!((lo2..=hi2).contains(&out.log.scheduled_days));
        prop_assert!(lo <= hi);
    }

    #[test]
    fn due_queue_respects_limits_and_order(
        n in 0usize..300, new_limit in 0u32..50, review_limit in 0u32..100,
        seed in any::<u64>(), offsets in prop::collection::vec((0u8..4, -40i64..40, 1.0f64..400.0), 300),
    ) {
        let now = t0();
        let cards: Vec<Card> = offsets.iter().take(n).enumerate().map(|(i, &(state, days, s))| {
            let mut c = Card::new(format!("c{i}"), now);
            if state > 0 {
                c.state = [State::Learning, State::Review, State::Relearning][state as usize - 1];
                c.last_review = Some((now - TimeDelta::days(60)).into());
                c.memory = Some(learnloop::srs::MemoryState { stability: s, difficulty: 5.0 });
                c.due = (now + TimeDelta::days(days)).into();
            }
            c
        }).collect();
        let fsrs = Fsrs::default();
        for order in [QueueOrder::Retrievability, QueueOrder::DueDate, QueueOrder::Shuffled] {
            let opts = QueueOptions { new_limit, review_limit, order, seed, ..QueueOptions::default() };
            let q = due_queue(&cards, now, &opts);
            prop_assert!(q.new.len() <= new_limit as usize && q.review.len() <= review_limit as usize);
            let mut all: Vec<usize> = q.iter().collect();
            let total = all.len();
            all.sort_unstable();
            all.dedup();
            prop_assert_eq!(all.len(), total, "no card twice");
            for &i in &q.review {
                prop_assert!(cards[i].state == State::Review && cards[i].due <= now);
            }
            let due_reviews = cards.iter().filter(|c| c.state == State::Review && c.due <= now).count();
            prop_assert_eq!(q.review.len(), due_reviews.min(review_limit as usize));
            if order == QueueOrder::Retrievability {
                let r: Vec<f64> = q.review.iter().map(|&i| fsrs.card_retrievability(&cards[i], now)).collect();
                prop_assert!(r.windows(2).all(|w| w[0] <= w[1]));
            }
            prop_assert_eq!(&due_queue(&cards, now, &opts), &q, "deterministic");
        }
    }
}

/// Cards at every stage of life, built by replaying `history` for a few ids.
fn batch_cards(
    fsrs: &Fsrs,
    history: &[(Rating, i64)],
    copies: usize,
) -> (Vec<Card>, DateTime<Utc>) {
    let states = replay(fsrs, history);
    let last = states.last().map_or(t0(), |(_, now)| *now);
    let cards = (0..copies)
        .map(|i| {
            let (card, _) = &states[i % states.len()];
            Card {
                id: format!("c{i}"),
                ..card.clone()
            }
        })
        .collect();
    (cards, last + TimeDelta::days(3))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The in-place batch path (spread over the cores in blocks of 2,048)
    /// gives exactly the cards the one-by-one path gives.
    #[test]
    fn review_in_place_matches_review_many(
        fsrs in fsrs(),
        history in history(),
        ratings in prop::collection::vec(rating(), 1..64),
        copies in prop::sample::select(vec![1usize, 7, 40_000]),
    ) {
        let (mut cards, now) = batch_cards(&fsrs, &history, copies);
        let ratings: Vec<Rating> = (0..cards.len()).map(|i| ratings[i % ratings.len()]).collect();
        let expected: Vec<Card> = fsrs.review_many(&cards, &ratings, now).unwrap().into_iter().map(|o| o.card).collect();
        fsrs.review_in_place(&mut cards, &ratings, now).unwrap();
        prop_assert_eq!(cards, expected);
    }

    /// A failing card anywhere (also in a later thread's chunk) leaves the
    /// whole batch untouched and is named by its index.
    #[test]
    fn review_in_place_is_all_or_nothing(history in history(), bad in 0usize..40_000) {
        let fsrs = Fsrs::default();
        let (mut cards, now) = batch_cards(&fsrs, &history, 40_000);
        cards[bad].last_review = Some((now + TimeDelta::days(1)).into());
        cards[bad].state = State::Review;
        cards[bad].memory = Some(learnloop::srs::MemoryState { stability: 3.0, difficulty: 5.0 });
        let before = cards.clone();
        let err = fsrs.review_in_place(&mut cards, &vec![Rating::Good; 40_000], now).unwrap_err();
        prop_assert!(matches!(err, learnloop::Error::InBatch { index, .. } if index == bad), "{err:?}");
        prop_assert_eq!(&cards, &before);
        let short = fsrs.review_in_place(&mut cards[..3], &[Rating::Good], now).unwrap_err();
        prop_assert_eq!(short.field(), "ratings");
    }

    /// Every kind of failure, in a small (one-thread) or a large batch, and
    /// at a `now` so late that a review's due date can leave the
    /// representable range: the batch is untouched and the first failing
    /// index is named.
    #[test]
    fn review_in_place_is_all_or_nothing_for_every_failure(
        history in history(),
        bad in 0usize..40_000,
        kind in 0usize..4,
        copies in prop::sample::select(vec![64usize, 40_000]),
        also_bad in prop::option::of(0usize..40_000),
    ) {
        let fsrs = Fsrs::default();
        let (mut cards, mut now) = batch_cards(&fsrs, &history, copies);
        let bad = bad % cards.len();
        match kind {
            0 => cards[bad].memory = Some(learnloop::srs::MemoryState { stability: f64::NAN, difficulty: 5.0 }),
            1 => {
                cards[bad].state = State::Review;
                cards[bad].memory = None;
                cards[bad].sm2 = None;
                cards[bad].last_review = Some((now - TimeDelta::days(1)).into());
            }
            2 => cards[bad].last_review = Some((now + TimeDelta::days(1)).into()),
            _ => {
                // Near the end of time: any card due in more than a day fails.
                let end = DateTime::<Utc>::MAX_UTC - TimeDelta::days(1);
                let shift = end - now;
                for card in &mut cards {
                    card.due = card.due.checked_add(shift).unwrap_or(learnloop::Timestamp::MAX);
                    card.last_review = card.last_review.map(|t| t + shift);
                }
                now = end;
            }
        }
        // A second failing card, anywhere (often in another worker's
        // block): the lowest failing index is the one named.
        if let Some(also_bad) = also_bad {
            let i = also_bad % cards.len();
            cards[i].memory = Some(learnloop::srs::MemoryState { stability: f64::NAN, difficulty: 5.0 });
        }
        let ratings = vec![Rating::Easy; cards.len()];
        let first_failing = (0..cards.len())
            .find(|&i| fsrs.review(&cards[i], ratings[i], now).is_err());
        let before = cards.clone();
        let result = fsrs.review_in_place(&mut cards, &ratings, now);
        match first_failing {
            Some(index) => {
                let err = result.unwrap_err();
                prop_assert!(matches!(err, learnloop::Error::InBatch { index: i, .. } if i == index), "{err:?}");
                // Compared as text: a NaN stability is unequal to itself.
                prop_assert_eq!(format!("{cards:?}"), format!("{before:?}"));
            }
            None => {
                result.unwrap();
                let expected: Vec<Card> = fsrs.review_many(&before, &ratings, now).unwrap().into_iter().map(|o| o.card).collect();
                prop_assert_eq!(cards, expected);
            }
        }
    }
}
