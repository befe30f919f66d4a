//! Parameter recovery: data simulated from known parameters must be fitted
//! back to them. These are the accuracy targets of the learner models.

use learnloop::learner::bkt::{self, BktAnswer, BktFitOptions, BktParameters};
use learnloop::learner::irt::{self, CalibrationOptions, IrtModel, ItemParameters, ResponseMatrix};
use learnloop::learner::logistic::{Pfa, PfaAnswer, PfaOptions};
use learnloop::learner::metrics::auc;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box-Muller; the test only needs a fixed, reasonable normal sample.
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Simulates `students` learners answering `length` questions on one skill.
fn simulate_bkt(truth: BktParameters, students: usize, length: usize, seed: u64) -> Vec<Vec<bool>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..students)
        .map(|_| {
            let mut known = rng.random::<f64>() < truth.prior;
            (0..length)
                .map(|_| {
                    let correct = if known {
                        rng.random::<f64>() >= truth.slip
                    } else {
                        rng.random::<f64>() < truth.guess
                    };
                    known = if known {
                        rng.random::<f64>() >= truth.forget
                    } else {
                        rng.random::<f64>() < truth.learn
                    };
                    correct
                })
                .collect()
        })
        .collect()
}

fn assert_close(name: &str, fitted: f64, truth: f64, tolerance: f64) {
    assert!(
        (fitted - truth).abs() <= tolerance,
        "{name}: fitted {fitted:.4}, true {truth:.4}, allowed ±{tolerance}"
    );
}

#[test]
fn bkt_recovers_its_parameters_from_100000_answers() {
    let truth = BktParameters::new(0.35, 0.12, 0.0, 0.22, 0.08).unwrap();
    let sequences = simulate_bkt(truth, 5_000, 20, 11);
    let fit = bkt::fit_skill("skill", &sequences, &BktFitOptions::default()).unwrap();
    assert_eq!(fit.answers, 100_000);
    assert!(fit.converged, "{fit:?}");
    let p = fit.parameters;
    assert_close("prior", p.prior, truth.prior, 0.02);
    assert_close("learn", p.learn, truth.learn, 0.02);
    assert_close("guess", p.guess, truth.guess, 0.02);
    assert_close("slip", p.slip, truth.slip, 0.02);
    assert_eq!(p.forget, 0.0);
}

#[test]
fn bkt_with_forgetting_recovers_its_parameters_from_100000_answers() {
    let truth = BktParameters::new(0.3, 0.15, 0.05, 0.2, 0.1).unwrap();
    let sequences = simulate_bkt(truth, 5_000, 20, 12);
    let options = BktFitOptions {
        forgetting: true,
        ..BktFitOptions::default()
    };
    let fit = bkt::fit_skill("skill", &sequences, &options).unwrap();
    let p = fit.parameters;
    assert_close("prior", p.prior, truth.prior, 0.02);
    assert_close("learn", p.learn, truth.learn, 0.02);
    assert_close("forget", p.forget, truth.forget, 0.02);
    assert_close("guess", p.guess, truth.guess, 0.02);
    assert_close("slip", p.slip, truth.slip, 0.02);
}

#[test]
fn bkt_fits_several_skills_and_students_in_one_call() {
    let a = BktParameters::new(0.2, 0.2, 0.0, 0.25, 0.05).unwrap();
    let b = BktParameters::new(0.6, 0.05, 0.0, 0.1, 0.1).unwrap();
    let mut answers = Vec::new();
    for (skill, truth, seed) in [("b-skill", b, 2), ("a-skill", a, 1)] {
        for (s, seq) in simulate_bkt(truth, 3_000, 15, seed).into_iter().enumerate() {
            for correct in seq {
                answers.push(BktAnswer {
                    student: format!("student-{s}"),
                    skill: skill.to_string(),
                    correct,
                });
            }
        }
    }
    let fits = bkt::fit(&answers, &BktFitOptions::default()).unwrap();
    assert_eq!(
        fits.iter().map(|f| f.skill.as_str()).collect::<Vec<_>>(),
        ["a-skill", "b-skill"]
    );
    assert_eq!(fits[0].students, 3_000);
    for (fit, truth) in fits.iter().zip([a, b]) {
        assert_close("learn", fit.parameters.learn, truth.learn, 0.03);
        assert_close("prior", fit.parameters.prior, truth.prior, 0.03);
    }
    // The fitted model predicts held-out students better than chance.
    let held_out = simulate_bkt(a, 500, 15, 99);
    let (mut predicted, mut observed) = (Vec::new(), Vec::new());
    for seq in &held_out {
        predicted.extend(fits[0].parameters.predict_sequence(seq));
        observed.extend(seq.iter().copied());
    }
    assert!(auc(&predicted, &observed).unwrap() > 0.7);
}

/// Simulates a 2PL test; returns the true items, abilities and responses.
fn simulate_2pl(
    persons: usize,
    items: usize,
    missing: f64,
    seed: u64,
) -> (Vec<ItemParameters>, Vec<f64>, ResponseMatrix) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let truth: Vec<ItemParameters> = (0..items)
        .map(|_| {
            let a = 0.5 + 1.5 * rng.random::<f64>();
            let b = (normal(&mut rng) * 1.0).clamp(-2.5, 2.5);
            ItemParameters::new(a, b, 0.0).unwrap()
        })
        .collect();
    let thetas: Vec<f64> = (0..persons).map(|_| normal(&mut rng)).collect();
    let mut m = ResponseMatrix::new(persons, items);
    for (p, &theta) in thetas.iter().enumerate() {
        for (i, item) in truth.iter().enumerate() {
            if rng.random::<f64>() < missing {
                continue;
            }
            m.set(
                p,
                i,
                Some(rng.random::<f64>() < item.probability(theta).unwrap()),
            );
        }
    }
    (truth, thetas, m)
}

#[test]
fn two_pl_calibration_recovers_5000_persons_by_40_items() {
    let (truth, thetas, responses) = simulate_2pl(5_000, 40, 0.0, 3);
    let fit = irt::calibrate(&responses, &CalibrationOptions::default()).unwrap();
    assert!(fit.converged, "{} iterations", fit.iterations);
    let a = |v: &[ItemParameters]| v.iter().map(|i| i.discrimination).collect::<Vec<_>>();
    let b = |v: &[ItemParameters]| v.iter().map(|i| i.difficulty).collect::<Vec<_>>();
    let ra = correlation(&a(&truth), &a(&fit.items));
    let rb = correlation(&b(&truth), &b(&fit.items));
    assert!(ra >= 0.95, "discrimination correlation {ra:.4}");
    assert!(rb >= 0.99, "difficulty correlation {rb:.4}");
    let theta_hat: Vec<f64> = fit.abilities.iter().map(|a| a.theta).collect();
    assert!(correlation(&thetas, &theta_hat) > 0.9);
}

#[test]
fn two_pl_calibration_handles_missing_answers() {
    let (truth, _, responses) = simulate_2pl(3_000, 20, 0.3, 4);
    let fit = irt::calibrate(&responses, &CalibrationOptions::default()).unwrap();
    let rb = correlation(
        &truth.iter().map(|i| i.difficulty).collect::<Vec<_>>(),
        &fit.items.iter().map(|i| i.difficulty).collect::<Vec<_>>(),
    );
    assert!(
        rb >= 0.98,
        "difficulty correlation {rb:.4} with 30% missing"
    );
}

#[test]
fn one_and_three_pl_calibrations_fit_their_own_data() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let difficulties: Vec<f64> = (0..15).map(|i| -2.0 + i as f64 * 0.3).collect();
    let mut m = ResponseMatrix::new(3_000, 15);
    let mut m3 = ResponseMatrix::new(3_000, 15);
    for p in 0..3_000 {
        let theta = normal(&mut rng);
        for (i, &b) in difficulties.iter().enumerate() {
            let rasch = ItemParameters::new(1.0, b, 0.0).unwrap();
            m.set(
                p,
                i,
                Some(rng.random::<f64>() < rasch.probability(theta).unwrap()),
            );
            let three = ItemParameters::new(1.5, b, 0.2).unwrap();
            m3.set(
                p,
                i,
                Some(rng.random::<f64>() < three.probability(theta).unwrap()),
            );
        }
    }
    let rasch = irt::calibrate(&m, &CalibrationOptions::for_model(IrtModel::OnePl)).unwrap();
    for (fit, &b) in rasch.items.iter().zip(&difficulties) {
        assert_eq!(fit.discrimination, 1.0);
        assert_close("rasch difficulty", fit.difficulty, b, 0.15);
    }
    let three = irt::calibrate(&m3, &CalibrationOptions::for_model(IrtModel::ThreePl)).unwrap();
    let mean_guess = three.items.iter().map(|i| i.guessing).sum::<f64>() / 15.0;
    assert_close("mean 3PL guessing", mean_guess, 0.2, 0.05);
    let rb = correlation(
        &difficulties,
        &three.items.iter().map(|i| i.difficulty).collect::<Vec<_>>(),
    );
    assert!(rb > 0.97, "3PL difficulty correlation {rb:.4}");
    // The 3PL fits its own data at least as well as the 2PL.
    let two = irt::calibrate(&m3, &CalibrationOptions::default()).unwrap();
    assert!(three.log_likelihood > two.log_likelihood - 1.0);
}

#[test]
fn pfa_learns_that_practice_helps() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let mut answers = Vec::new();
    for s in 0..300 {
        let (mut succ, mut fail) = (0.0, 0.0);
        for _ in 0..15 {
            let z: f64 = -1.0 + 0.3 * succ + 0.1 * fail;
            let correct = rng.random::<f64>() < 1.0 / (1.0 + (-z).exp());
            if correct {
                succ += 1.0;
            } else {
                fail += 1.0;
            }
            answers.push(PfaAnswer {
                student: format!("s{s}"),
                skills: vec!["topic".into()],
                correct,
            });
        }
    }
    let pfa = Pfa::fit(&answers, &PfaOptions { l2: 0.01 }).unwrap();
    let w = pfa.skills["topic"];
    assert_close("success weight", w.success, 0.3, 0.08);
    assert_close("failure weight", w.failure, 0.1, 0.08);
    assert_close(
        "intercept + easiness",
        pfa.intercept + w.easiness,
        -1.0,
        0.2,
    );
}
