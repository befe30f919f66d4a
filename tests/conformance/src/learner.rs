//! The cross-language conformance cases of the learner models and the
//! adaptive engine (`tests/fixtures/conformance/learner.json`).
//!
//! Every case has an `op`, its `input` and either an `expected` output or
//! an `error` (`code` and `field`). Names are the bindings' argument names;
//! item parameters are `{discrimination, difficulty, guessing}`, response
//! rows are strings of `1`, `0` and `.` (not answered).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use learnloop::adaptive::{AdaptiveState, Engine, EngineConfig, Interaction};
use learnloop::learner::bkt::{self, BktAnswer, BktFitOptions, BktParameters};
use learnloop::learner::elo::{Elo, EloRating};
use learnloop::learner::irt::{
    self, CalibrationOptions, IrtModel, ItemParameters, ItemSelector, NormalPrior, ResponseMatrix,
};
use learnloop::learner::logistic::{Pfa, PfaAnswer, PfaOptions, SkillPractice};
use serde_json::{Value, json};

/// Where the fixture lives, relative to the workspace root.
pub const LEARNER_FIXTURE: &str = "tests/fixtures/conformance/learner.json";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 2, 10, 0, 0).unwrap()
}

fn error(e: &learnloop::Error) -> Value {
    json!({"code": e.code(), "field": e.field()})
}

fn items() -> Vec<ItemParameters> {
    [
        (1.2, -1.5, 0.0),
        (0.8, -0.5, 0.0),
        (1.5, 0.0, 0.2),
        (1.0, 0.7, 0.0),
        (2.0, 1.4, 0.25),
        (0.6, 2.0, 0.0),
    ]
    .iter()
    .map(|&(a, b, c)| ItemParameters::new(a, b, c).unwrap())
    .collect()
}

fn answers_text(answers: &[Option<bool>]) -> String {
    answers
        .iter()
        .map(|a| match a {
            Some(true) => '1',
            Some(false) => '0',
            None => '.',
        })
        .collect()
}

/// A deterministic spread in [0, 1) (no RNG state shared with the core).
fn spread(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as f64 / 2f64.powi(64)
}

fn elo_cases(cases: &mut Vec<Value>) {
    let elo = Elo::default();
    for (k, (l, n, i, m, score, options)) in [
        (0.0, 0, 0.0, 0, 1.0, 0),
        (0.4, 3, -0.2, 10, 0.0, 4),
        (-1.2, 20, 0.8, 200, 1.0, 5),
        (2.5, 1, 2.5, 1, 0.5, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let learner = EloRating {
            rating: l,
            answers: n,
        };
        let item = EloRating {
            rating: i,
            answers: m,
        };
        let u = elo.update(learner, item, score, options).unwrap();
        cases.push(json!({
            "name": format!("elo update {k}"),
            "op": "elo_update",
            "input": {"alpha": elo.alpha, "beta": elo.beta, "learner": learner, "item": item, "score": score, "options": options},
            "expected": {"learner": u.learner, "item": u.item, "predicted": u.predicted},
        }));
    }
    let learner = EloRating::new(0.0);
    cases.push(json!({
        "name": "elo score out of range",
        "op": "elo_update",
        "input": {"alpha": 1.0, "beta": 0.05, "learner": learner, "item": learner, "score": 1.5, "options": 0},
        "error": error(&elo.update(learner, learner, 1.5, 0).unwrap_err()),
    }));
}

fn irt_cases(cases: &mut Vec<Value>) {
    let items = items();
    for (k, item) in items.iter().enumerate() {
        for theta in [-2.0, 0.0, 1.3] {
            cases.push(json!({
                "name": format!("irt item {k} at {theta}"),
                "op": "irt_item",
                "input": {"item": item, "theta": theta},
                "expected": {"probability": item.probability(theta).unwrap(), "information": item.information(theta).unwrap()},
            }));
        }
    }
    let patterns: Vec<Vec<Option<bool>>> = vec![
        vec![
            Some(true),
            Some(true),
            Some(false),
            Some(true),
            Some(false),
            None,
        ],
        vec![Some(true), None, None, Some(false), None, None],
        vec![Some(true); 6],
        vec![Some(false); 6],
        vec![None; 6],
    ];
    for (k, p) in patterns.iter().enumerate() {
        let prior = NormalPrior { mean: 0.0, sd: 1.0 };
        let eap = irt::estimate_ability_eap(&items, p, prior).unwrap();
        cases.push(json!({
            "name": format!("eap {k}"),
            "op": "irt_eap",
            "input": {"items": items, "responses": answers_text(p), "prior_mean": 0.0, "prior_sd": 1.0},
            "expected": eap,
        }));
        let case = match irt::estimate_ability_mle(&items, p) {
            Ok(mle) => json!({"expected": mle}),
            Err(e) => json!({"error": error(&e)}),
        };
        let mut case = case.as_object().unwrap().clone();
        case.insert("name".into(), json!(format!("mle {k}")));
        case.insert("op".into(), json!("irt_mle"));
        case.insert(
            "input".into(),
            json!({"items": items, "responses": answers_text(p)}),
        );
        cases.push(Value::Object(case));
    }
    // A small calibration per model: 300 persons x 5 items, a few missing.
    let truth = &items[..5];
    let rows: Vec<Vec<Option<bool>>> = (0..300u64)
        .map(|p| {
            let theta = (spread(p) - 0.5) * 5.0;
            truth
                .iter()
                .enumerate()
                .map(|(j, item)| {
                    let u = spread(1_000 + p * 7 + j as u64);
                    if u < 0.05 {
                        None
                    } else {
                        Some(spread(50_000 + p * 11 + j as u64) < item.probability(theta).unwrap())
                    }
                })
                .collect()
        })
        .collect();
    let text: Vec<String> = rows.iter().map(|r| answers_text(r)).collect();
    for model in [IrtModel::OnePl, IrtModel::TwoPl, IrtModel::ThreePl] {
        let fit = irt::calibrate(
            &ResponseMatrix::from_rows(&rows).unwrap(),
            &CalibrationOptions::for_model(model),
        )
        .unwrap();
        cases.push(json!({
            "name": format!("calibrate {}", model.as_str()),
            "op": "irt_calibrate",
            "input": {"rows": text, "model": model.as_str()},
            "expected": {
                "items": fit.items,
                "log_likelihood": fit.log_likelihood,
                "iterations": fit.iterations,
                "converged": fit.converged,
                "first_abilities": fit.abilities[..3],
            },
        }));
    }
    let mut bad = text.clone();
    bad.iter_mut().for_each(|r| r.replace_range(0..1, "1"));
    let err = irt::calibrate(
        &ResponseMatrix::from_rows(&rows_from(&bad)).unwrap(),
        &CalibrationOptions::default(),
    )
    .unwrap_err();
    cases.push(json!({
        "name": "calibrate an item everybody answered correctly",
        "op": "irt_calibrate",
        "input": {"rows": bad, "model": "2PL"},
        "error": error(&err),
    }));
    let selections = [
        (json!({"rule": "maximum_information"}), 0.3, vec![], 1, 0),
        (json!({"rule": "maximum_information"}), 0.3, vec![3], 1, 0),
        (
            json!({"rule": "success_band", "low": 0.7, "high": 0.85}),
            -0.5,
            vec![],
            1,
            0,
        ),
        (json!({"rule": "maximum_information"}), 1.0, vec![], 3, 11),
        (json!({"rule": "maximum_information"}), 1.0, vec![], 3, 12),
    ];
    for (k, (rule, theta, administered, randomesque, seed)) in selections.into_iter().enumerate() {
        let selector = ItemSelector {
            randomesque,
            ..serde_json::from_value(rule.clone()).unwrap()
        };
        let chosen = selector
            .select(&items, theta, &administered, &[], 0, seed)
            .unwrap();
        cases.push(json!({
            "name": format!("select {k}"),
            "op": "irt_select",
            "input": {"items": items, "rule": rule, "theta": theta, "administered": administered, "randomesque": randomesque, "seed": seed},
            "expected": {"item": chosen},
        }));
    }
}

fn rows_from(text: &[String]) -> Vec<Vec<Option<bool>>> {
    text.iter()
        .map(|r| {
            r.chars()
                .map(|c| match c {
                    '1' => Some(true),
                    '0' => Some(false),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn bkt_cases(cases: &mut Vec<Value>) {
    let p = BktParameters::new(0.3, 0.15, 0.05, 0.2, 0.1).unwrap();
    let answers = [true, false, true, true, false, true, true, true];
    cases.push(json!({
        "name": "bkt trace",
        "op": "bkt_trace",
        "input": {"parameters": p, "answers": answers},
        "expected": {"predictions": p.predict_sequence(&answers), "known": p.trace(&answers)},
    }));
    let truth = [
        (
            "algebra",
            BktParameters::new(0.3, 0.2, 0.0, 0.2, 0.08).unwrap(),
        ),
        (
            "geometry",
            BktParameters::new(0.5, 0.1, 0.0, 0.25, 0.05).unwrap(),
        ),
    ];
    let mut data = Vec::new();
    for (k, (skill, params)) in truth.iter().enumerate() {
        for s in 0..40u64 {
            let mut known = spread(s * 31 + k as u64) < params.prior;
            for t in 0..8u64 {
                let u = spread(10_000 + s * 97 + t * 13 + k as u64);
                let correct = if known {
                    u >= params.slip
                } else {
                    u < params.guess
                };
                data.push(BktAnswer {
                    student: format!("s{s}"),
                    skill: skill.to_string(),
                    correct,
                });
                known = known || spread(20_000 + s * 89 + t * 7 + k as u64) < params.learn;
            }
        }
    }
    for forgetting in [false, true] {
        let options = BktFitOptions {
            forgetting,
            ..BktFitOptions::default()
        };
        let fits = bkt::fit(&data, &options).unwrap();
        cases.push(json!({
            "name": format!("bkt fit, forgetting {forgetting}"),
            "op": "bkt_fit",
            "input": {
                "answers": data.iter().map(|a| json!([a.student, a.skill, a.correct])).collect::<Vec<_>>(),
                "forgetting": forgetting,
            },
            "expected": fits,
        }));
    }
    cases.push(json!({
        "name": "bkt guess plus slip too large",
        "op": "bkt_parameters",
        "input": {"prior": 0.5, "learn": 0.1, "forget": 0.0, "guess": 0.6, "slip": 0.5},
        "error": error(&BktParameters::new(0.5, 0.1, 0.0, 0.6, 0.5).unwrap_err()),
    }));
}

fn pfa_cases(cases: &mut Vec<Value>) {
    let mut answers = Vec::new();
    for s in 0..30u64 {
        let (mut succ, mut fail) = (0.0f64, 0.0f64);
        for t in 0..10u64 {
            let skills = if t % 3 == 0 {
                vec!["algebra".to_string(), "fractions".to_string()]
            } else {
                vec!["algebra".to_string()]
            };
            let p = 1.0 / (1.0 + (0.8 - 0.35 * succ - 0.05 * fail).exp());
            let correct = spread(s * 1_000 + t) < p;
            if correct {
                succ += 1.0;
            } else {
                fail += 1.0;
            }
            answers.push(PfaAnswer {
                student: format!("s{s}"),
                skills,
                correct,
            });
        }
    }
    let pfa = Pfa::fit(&answers, &PfaOptions { l2: 0.5 }).unwrap();
    let practice = vec![
        SkillPractice {
            skill: "algebra".into(),
            successes: 4,
            failures: 2,
        },
        SkillPractice {
            skill: "fractions".into(),
            successes: 1,
            failures: 0,
        },
    ];
    cases.push(json!({
        "name": "pfa fit and predict",
        "op": "pfa",
        "input": {
            "answers": answers.iter().map(|a| json!([a.student, a.skills, a.correct])).collect::<Vec<_>>(),
            "l2": 0.5,
            "practice": practice.iter().map(|p| json!([p.skill, p.successes, p.failures])).collect::<Vec<_>>(),
        },
        "expected": {"probability": pfa.probability(&practice).unwrap(), "intercept": pfa.intercept, "skills": pfa.skills},
    }));
}

fn engine_cases(cases: &mut Vec<Value>) {
    let scripts: Vec<(&str, EngineConfig, Vec<Interaction>)> = vec![
        (
            "streak of right answers",
            EngineConfig::default(),
            script(8, |_| 1.0, false),
        ),
        (
            "mixed answers with formats, hints and times",
            EngineConfig {
                seed: 42,
                ..EngineConfig::default()
            },
            script(14, |k| if k % 3 == 2 { 0.0 } else { 1.0 }, true),
        ),
        (
            "narrow band, falling then rising",
            EngineConfig {
                success_band_low: 0.6,
                success_band_high: 0.65,
                seed: 7,
                ..EngineConfig::default()
            },
            script(10, |k| if k < 5 { 0.0 } else { 0.8 }, true),
        ),
    ];
    for (name, config, interactions) in scripts {
        let engine = Engine::new(config.clone()).unwrap();
        let mut state = AdaptiveState::initial(t0());
        let mut observations = Vec::new();
        for i in &interactions {
            let o = engine.observe(&state, i).unwrap();
            state = o.state.clone();
            observations.push(o);
        }
        cases.push(json!({
            "name": format!("engine: {name}"),
            "op": "engine",
            "input": {"config": config, "start": t0().to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "interactions": interactions},
            "expected": observations,
        }));
    }
    let mut bad = Interaction::answered("q", true, t0());
    bad.confidence = Some(1.5);
    let err = Engine::new(EngineConfig::default())
        .unwrap()
        .observe(&AdaptiveState::initial(t0()), &bad)
        .unwrap_err();
    cases.push(json!({
        "name": "engine: confidence out of range",
        "op": "engine",
        "input": {"config": EngineConfig::default(), "start": t0().to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "interactions": [bad]},
        "error": error(&err),
    }));
}

fn script(n: usize, score: impl Fn(usize) -> f64, rich: bool) -> Vec<Interaction> {
    (0..n)
        .map(|k| {
            let mut i = Interaction::answered(
                format!("q{k}"),
                true,
                t0() + TimeDelta::seconds(45 * (k as i64 + 1)),
            );
            i.score = score(k);
            if rich {
                i.response_time_ms = Some([4_000, 25_000, 90_000, 12_000][k % 4]);
                i.confidence = if k % 2 == 0 {
                    Some(0.25 + 0.05 * k as f64)
                } else {
                    None
                };
                i.hints_used = (k % 5 == 3) as u32;
                i.content_format = Some(["video", "text", "quiz"][k % 3].to_string());
                i.difficulty = if k % 4 == 1 { Some(0.35) } else { None };
            }
            i
        })
        .collect()
}

/// Every learner case, in a stable order.
pub fn learner_cases() -> Vec<Value> {
    let mut cases = Vec::new();
    elo_cases(&mut cases);
    irt_cases(&mut cases);
    bkt_cases(&mut cases);
    pfa_cases(&mut cases);
    engine_cases(&mut cases);
    cases
}

/// The learner fixture as written to disk.
pub fn learner_fixture_text() -> String {
    let doc = json!({
        "about": "learnloop learner-model and adaptive-engine conformance cases; generated by `cargo run -p learnloop-conformance`, replayed by every language's tests",
        "times": "RFC 3339, UTC",
        "cases": learner_cases(),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON");
    text.push('\n');
    text
}
