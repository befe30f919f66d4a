//! learnloop's fsrs-rs mirror (`learnloop::srs::compat`) against fsrs-rs
//! itself on the same inputs: the entry points must mean the same thing.
//! fsrs-rs computes in f32, learnloop in f64; they agree to 1e-4 relative
//! (the worst seen over 2,000 histories is 3.5e-6).

use learnloop::srs::compat;

fn histories() -> Vec<Vec<(u32, u32)>> {
    // A small deterministic generator (SplitMix64) is enough for coverage here.
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..2000)
        .map(|_| {
            let n = 1 + (next() % 20) as usize;
            (0..n)
                .map(|i| {
                    let rating = 1 + (next() % 4) as u32;
                    let gap = if i == 0 { 0 } else { (next() % 60) as u32 };
                    (rating, gap)
                })
                .collect()
        })
        .collect()
}

fn close(a: f32, b: f32, rel: f32) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-3)
}

#[test]
fn memory_state_matches_fsrs_rs() {
    let ours = compat::FSRS::default();
    let theirs = fsrs::FSRS::default();
    let mut worst = 0.0f32;
    for h in histories() {
        let ours_item = compat::FSRSItem {
            reviews: h
                .iter()
                .map(|&(rating, delta_t)| compat::FSRSReview { rating, delta_t })
                .collect(),
        };
        let their_item = fsrs::FSRSItem {
            reviews: h
                .iter()
                .map(|&(rating, delta_t)| fsrs::FSRSReview { rating, delta_t })
                .collect(),
        };
        let a = ours.memory_state(ours_item, None).unwrap();
        let b = theirs.memory_state(their_item, None).unwrap();
        worst = worst
            .max((a.stability - b.stability).abs() / b.stability)
            .max((a.difficulty - b.difficulty).abs() / b.difficulty);
        assert!(
            close(a.stability, b.stability, 1e-4),
            "{h:?}: {a:?} vs {b:?}"
        );
        assert!(
            close(a.difficulty, b.difficulty, 1e-4),
            "{h:?}: {a:?} vs {b:?}"
        );
    }
    println!("2000 histories: worst relative difference from fsrs-rs {worst:e}");
}

#[test]
fn next_states_and_intervals_match_fsrs_rs() {
    let ours = compat::FSRS::default();
    let theirs = fsrs::FSRS::default();
    let states = [
        None,
        Some((0.5f32, 2.0f32)),
        Some((12.5, 6.1)),
        Some((300.0, 9.5)),
    ];
    for s in states {
        for days in [0u32, 1, 3, 10, 100, 1000] {
            for dr in [0.7f32, 0.9, 0.95] {
                let a = ours
                    .next_states(
                        s.map(|(stability, difficulty)| compat::MemoryState {
                            stability,
                            difficulty,
                        }),
                        dr,
                        days,
                    )
                    .unwrap();
                let b = theirs
                    .next_states(
                        s.map(|(stability, difficulty)| fsrs::MemoryState {
                            stability,
                            difficulty,
                        }),
                        dr,
                        days,
                    )
                    .unwrap();
                for (x, y) in [
                    (a.again, b.again),
                    (a.hard, b.hard),
                    (a.good, b.good),
                    (a.easy, b.easy),
                ] {
                    assert!(
                        close(x.memory.stability, y.memory.stability, 1e-4),
                        "{s:?} {days} {dr}: {x:?} {y:?}"
                    );
                    assert!(
                        close(x.memory.difficulty, y.memory.difficulty, 1e-4),
                        "{s:?} {days} {dr}: {x:?} {y:?}"
                    );
                    assert!(
                        close(x.interval, y.interval, 1e-4),
                        "{s:?} {days} {dr}: {x:?} {y:?}"
                    );
                }
            }
        }
    }
    for rating in 1..=4 {
        for s in [None, Some(3.0f32), Some(250.0)] {
            let a = ours.next_interval(s, 0.85, rating).unwrap();
            let b = theirs.next_interval(s, 0.85, rating);
            assert!(close(a, b, 1e-4), "{s:?} {rating}: {a} vs {b}");
        }
    }
    for (ease, ivl) in [(2.5f32, 10.0f32), (1.3, 1.0), (3.1, 200.0)] {
        let a = ours.memory_state_from_sm2(ease, ivl, 0.9).unwrap();
        let b = theirs.memory_state_from_sm2(ease, ivl, 0.9).unwrap();
        assert!(close(a.stability, b.stability, 1e-4), "{a:?} vs {b:?}");
        assert!(close(a.difficulty, b.difficulty, 1e-4), "{a:?} vs {b:?}");
    }
}
