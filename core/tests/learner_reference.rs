//! Agreement with the established packages and a real data set, through
//! `tests/fixtures/learner_reference.json` (written by
//! `tests/learner_reference/generate.py` with pyBKT 1.4.3, girth 0.8.0 and
//! mirt 1.2.0).

use learnloop::learner::bkt::{self, BktFitOptions};
use learnloop::learner::irt::{self, CalibrationOptions, NormalPrior, ResponseMatrix};
use learnloop::learner::metrics::{auc, log_loss};
use rand::{RngExt, SeedableRng};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/learner_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn rows_of(strings: &Value) -> Vec<Vec<Option<bool>>> {
    strings
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap()
                .chars()
                .map(|c| match c {
                    '1' => Some(true),
                    '0' => Some(false),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn max_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn bkt_fits_agree_with_pybkt_and_mirt() {
    let f = fixture();
    for skill in f["bkt"].as_array().unwrap() {
        let name = skill["skill"].as_str().unwrap();
        let sequences: Vec<Vec<bool>> = rows_of(&skill["sequences"])
            .into_iter()
            .map(|r| r.into_iter().map(Option::unwrap).collect())
            .collect();
        let options = BktFitOptions {
            tolerance: 1e-9,
            max_iterations: 5_000,
            ..BktFitOptions::default()
        };
        let fit = bkt::fit_skill(name, &sequences, &options).unwrap();
        let p = fit.parameters;
        let ours = [p.prior, p.learn, p.guess, p.slip];
        for (peer, tolerance) in [("mirt", 0.001), ("pybkt", 0.002)] {
            let r = &skill[peer];
            let theirs = ["prior", "learn", "guess", "slip"].map(|k| r[k].as_f64().unwrap());
            let d = max_difference(&ours, &theirs);
            println!(
                "{name}: learnloop {ours:.4?} {peer} {theirs:.4?} (largest difference {d:.4})"
            );
            assert!(d <= tolerance, "{name} vs {peer}: {d}");
        }
        let ll = skill["mirt"]["log_likelihood"].as_f64().unwrap();
        assert!(
            fit.log_likelihood >= ll - 0.01,
            "{name}: log-likelihood {} vs mirt {ll}",
            fit.log_likelihood
        );
    }
}

#[test]
fn two_pl_calibration_agrees_with_girth_and_mirt() {
    let f = fixture();
    let t = &f["twopl"];
    let m = ResponseMatrix::from_rows(&rows_of(&t["rows"])).unwrap();
    let fit = irt::calibrate(&m, &CalibrationOptions::default()).unwrap();
    let a: Vec<f64> = fit.items.iter().map(|i| i.discrimination).collect();
    let b: Vec<f64> = fit.items.iter().map(|i| i.difficulty).collect();
    for (peer, tolerance) in [("mirt", 0.002), ("girth", 0.01)] {
        let da = max_difference(&a, &floats(&t[peer]["discrimination"]));
        let db = max_difference(&b, &floats(&t[peer]["difficulty"]));
        println!("2PL vs {peer}: largest difference a {da:.4}, b {db:.4}");
        assert!(
            da <= tolerance && db <= tolerance,
            "vs {peer}: a {da}, b {db}"
        );
    }
    let ll = t["mirt"]["log_likelihood"].as_f64().unwrap();
    println!(
        "2PL log-likelihood: learnloop {:.3}, mirt {ll:.3}",
        fit.log_likelihood
    );
    assert!((fit.log_likelihood - ll).abs() < 0.5);
}

/// LSAT7 (real answers of 1,000 examinees to 5 items), as shipped by mirt.
fn lsat7() -> (Value, Vec<Vec<Option<bool>>>) {
    let f = fixture();
    let real = f["real"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "LSAT7")
        .unwrap()
        .clone();
    let mut rows = Vec::new();
    for (pattern, count) in real["patterns"].as_object().unwrap() {
        for _ in 0..count.as_u64().unwrap() {
            rows.push(pattern.chars().map(|c| Some(c == '1')).collect());
        }
    }
    (real, rows)
}

#[test]
fn lsat7_fit_matches_the_published_fit() {
    let (real, rows) = lsat7();
    assert_eq!(rows.len(), 1_000);
    let fit = irt::calibrate(
        &ResponseMatrix::from_rows(&rows).unwrap(),
        &CalibrationOptions::default(),
    )
    .unwrap();
    let a: Vec<f64> = fit.items.iter().map(|i| i.discrimination).collect();
    let b: Vec<f64> = fit.items.iter().map(|i| i.difficulty).collect();
    let published = &real["published"];
    let (da, db) = (
        max_difference(&a, &floats(&published["discrimination"])),
        max_difference(&b, &floats(&published["difficulty"])),
    );
    println!(
        "LSAT7: a {a:.3?} b {b:.3?} log-likelihood {:.3}",
        fit.log_likelihood
    );
    println!(
        "LSAT7 vs {}: largest difference a {da:.4}, b {db:.4}",
        published["source"]
    );
    assert!(da < 0.002 && db < 0.002);
    let ll = published["log_likelihood"].as_f64().unwrap();
    assert!(
        (fit.log_likelihood - ll).abs() < 0.01,
        "{} vs {ll}",
        fit.log_likelihood
    );
}

#[test]
fn lsat7_predictive_auc_on_held_out_answers() {
    // Five-fold cross-validation over answers: each fold hides a fifth of
    // the cells, calibrates on the rest, estimates each examinee's ability
    // (EAP) from their remaining answers and predicts the hidden ones.
    let (_, rows) = lsat7();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let folds: Vec<Vec<usize>> = rows
        .iter()
        .map(|r| r.iter().map(|_| rng.random_range(0..5)).collect())
        .collect();
    let (mut predicted, mut observed, mut baseline) = (Vec::new(), Vec::new(), Vec::new());
    for fold in 0..5 {
        let train: Vec<Vec<Option<bool>>> = rows
            .iter()
            .zip(&folds)
            .map(|(r, f)| {
                r.iter()
                    .zip(f)
                    .map(|(&v, &k)| if k == fold { None } else { v })
                    .collect()
            })
            .collect();
        let fit = irt::calibrate(
            &ResponseMatrix::from_rows(&train).unwrap(),
            &CalibrationOptions::default(),
        )
        .unwrap();
        for ((row, f), seen) in rows.iter().zip(&folds).zip(&train) {
            let theta = irt::estimate_ability_eap(&fit.items, seen, NormalPrior::default())
                .unwrap()
                .theta;
            for (j, (&v, &k)) in row.iter().zip(f).enumerate() {
                if k == fold {
                    predicted.push(fit.items[j].probability(theta).unwrap());
                    // The item's proportion correct in training: the no-ability baseline.
                    baseline.push(fit.items[j].probability(0.0).unwrap());
                    observed.push(v.unwrap());
                }
            }
        }
    }
    let model_auc = auc(&predicted, &observed).unwrap();
    let base_auc = auc(&baseline, &observed).unwrap();
    println!(
        "LSAT7 held-out: AUC {model_auc:.4} (item difficulty alone {base_auc:.4}), log-loss {:.4} ({:.4})",
        log_loss(&predicted, &observed).unwrap(),
        log_loss(&baseline, &observed).unwrap()
    );
    // Ability must add information beyond the items' difficulty.
    assert!(model_auc > base_auc + 0.05, "{model_auc} vs {base_auc}");
    assert!(model_auc > 0.65);
}
