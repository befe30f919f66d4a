//! Shared helpers for the benchmarks: seeded simulated answer data, the
//! same on every run.

use learnloop::learner::bkt::{BktAnswer, BktParameters};
use learnloop::learner::irt::{ItemParameters, ResponseMatrix};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A standard normal draw (Box-Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `skills` x `students` sequences of `length` answers from known BKT parameters.
pub fn bkt_answers(skills: usize, students: usize, length: usize, seed: u64) -> Vec<BktAnswer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let truth = BktParameters::new(0.35, 0.12, 0.0, 0.22, 0.08).unwrap();
    let mut answers = Vec::with_capacity(skills * students * length);
    for k in 0..skills {
        for s in 0..students {
            let mut known = rng.random::<f64>() < truth.prior;
            for _ in 0..length {
                let correct = if known {
                    rng.random::<f64>() >= truth.slip
                } else {
                    rng.random::<f64>() < truth.guess
                };
                known = known || rng.random::<f64>() < truth.learn;
                answers.push(BktAnswer {
                    student: format!("student-{s}"),
                    skill: format!("skill-{k}"),
                    correct,
                });
            }
        }
    }
    answers
}

/// A complete persons x items 2PL response matrix.
pub fn two_pl_responses(persons: usize, items: usize, seed: u64) -> ResponseMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let truth: Vec<ItemParameters> = (0..items)
        .map(|_| {
            let a = 0.5 + 1.5 * rng.random::<f64>();
            ItemParameters::new(a, normal(&mut rng).clamp(-2.5, 2.5), 0.0).unwrap()
        })
        .collect();
    let mut m = ResponseMatrix::new(persons, items);
    for p in 0..persons {
        let theta = normal(&mut rng);
        for (i, item) in truth.iter().enumerate() {
            m.set(
                p,
                i,
                Some(rng.random::<f64>() < item.probability(theta).unwrap()),
            );
        }
    }
    m
}
