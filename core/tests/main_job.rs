//! The main job (`learnloop simulate`) as a user runs it: the built binary,
//! real files, real pipes. Field by field on `--json`, and the text checked
//! to say the same things.
#![cfg(feature = "cli")]

use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn learnloop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_learnloop"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = learnloop(&[&["simulate", "--json"], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

fn text(args: &[&str]) -> String {
    let out = learnloop(&[&["simulate"], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn db_arg(dir: &Path) -> String {
    dir.join("learnloop.db").display().to_string()
}

#[test]
fn the_json_report_is_complete_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_arg(dir.path());
    let r = json(&["--days", "60", "--seed", "7", "--db", &db]);
    let mut expected = [
        "scheduler",
        "scheduler_name",
        "seed",
        "days",
        "new_per_day",
        "desired_retention",
        "start",
        "end",
        "months",
        "daily",
        "total_reviews",
        "cards_learned",
        "retention",
        "mean_recall_today",
        "forecast",
        "next_due",
        "furthest_due",
        "saved",
    ];
    expected.sort_unstable();
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, expected, "the keys the README documents, no more");
    assert_eq!(r["scheduler"], "fsrs");
    assert_eq!(r["scheduler_name"], "FSRS-6");
    assert_eq!(r["seed"], 7);
    assert_eq!(r["days"], 60);
    assert_eq!(r["new_per_day"], 20);
    assert_eq!(r["desired_retention"], 0.9);
    assert_eq!(r["start"], "2026-01-05");
    assert_eq!(r["end"], "2026-03-06T09:00:00Z");
    // The months sum the days, and the days sum to the totals.
    let daily = r["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 60);
    let sum = |key: &str| daily.iter().map(|d| d[key].as_u64().unwrap()).sum::<u64>();
    let (new, reviews, recalled, steps) =
        (sum("new"), sum("reviews"), sum("recalled"), sum("steps"));
    assert_eq!(new, 1200);
    assert_eq!(r["total_reviews"].as_u64().unwrap(), new + reviews + steps);
    let retention = r["retention"].as_f64().unwrap();
    assert_eq!(retention, recalled as f64 / reviews as f64);
    assert!((0.8..0.97).contains(&retention), "{retention}");
    let months = r["months"].as_array().unwrap();
    assert_eq!(
        months
            .iter()
            .map(|m| m["month"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2026-01", "2026-02", "2026-03"]
    );
    assert_eq!(
        months
            .iter()
            .map(|m| m["days"].as_u64().unwrap())
            .sum::<u64>(),
        60
    );
    assert_eq!(
        months
            .iter()
            .map(|m| m["reviews"].as_u64().unwrap())
            .sum::<u64>(),
        r["total_reviews"].as_u64().unwrap()
    );
    assert_eq!(r["cards_learned"], 1200);
    let recall = r["mean_recall_today"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&recall));
    // The forecast's first day is the database's queue of cards due before tomorrow.
    let forecast = r["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 14);
    assert_eq!(forecast[0]["date"], "2026-03-06");
    let saved = &r["saved"];
    assert_eq!(saved["due_before_tomorrow"], forecast[0]["due"]);
    // Next due cards are FSRS cards, in due order, none past the furthest.
    let next = r["next_due"].as_array().unwrap();
    assert_eq!(next.len(), 5);
    for pair in next.windows(2) {
        assert!(pair[0]["due"].as_str() <= pair[1]["due"].as_str());
    }
    for c in next {
        assert!(c["stability"].as_f64().unwrap() > 0.0);
        assert!((1.0..=10.0).contains(&c["difficulty"].as_f64().unwrap()));
        assert!(c["interval_days"].is_null() && c["ease_factor"].is_null());
    }
    assert!(r["furthest_due"]["due"].as_str() >= next[4]["due"].as_str());
    // What was saved.
    assert_eq!(saved["database"], db.as_str());
    assert_eq!(saved["created"], true);
    assert_eq!(saved["learner_id"], "simulated-learner-7-fsrs");
    assert_eq!(saved["session_id"], "simulated-learner-7-fsrs-session");
    assert_eq!(saved["earlier_runs"], 0);
    assert!(saved["resumed"].is_null());
    assert_eq!(saved["cards_stored"], 1200);
    assert!(saved["schema_version"].as_i64().unwrap() >= 1);
    let a = &saved["adaptive"];
    assert_eq!(a["observed_days"], 7);
    let count = |k: &str| a[k].as_u64().unwrap();
    assert_eq!(count("raised") + count("lowered") + count("kept"), 7);
    assert_eq!(a["difficulty_before"], 0.5);
    assert!(a["last_decision"].as_str().unwrap().contains("difficulty"));
}

#[test]
fn a_second_run_resumes_the_session_and_says_what_carries_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_arg(dir.path());
    let first = json(&["--days", "30", "--db", &db]);
    let second_text = text(&["--days", "30", "--db", &db]);
    let third = json(&["--days", "30", "--db", &db]);
    let (a1, a3) = (&first["saved"]["adaptive"], &third["saved"]["adaptive"]);
    assert_eq!(third["saved"]["created"], false);
    assert_eq!(third["saved"]["earlier_runs"], 2);
    // The resumed difficulty is where the previous run left it.
    assert_eq!(
        third["saved"]["resumed"]["difficulty"],
        a3["difficulty_before"]
    );
    assert!(second_text.contains(&format!(
        "difficulty {:.2} ->",
        a1["difficulty_after"].as_f64().unwrap()
    )));
    assert!(second_text.contains("1 earlier run(s)"));
    assert!(second_text.contains("re-simulates the same days from the seed"));
    assert!(
        second_text.contains(
            "the adaptive session (difficulty and decision history) is what carries over"
        )
    );
    // The same seed gives the same year: only the session moved on.
    assert_eq!(first["daily"], third["daily"]);
    assert_eq!(
        first["saved"]["cards_stored"],
        third["saved"]["cards_stored"]
    );
}

#[test]
fn the_text_says_what_the_json_says() {
    let r = json(&["--days", "45", "--no-db"]);
    let t = text(&["--days", "45", "--no-db"]);
    assert!(t.contains(&format!(
        "{} reviews in all; {} cards learned",
        r["total_reviews"], r["cards_learned"]
    )));
    assert!(t.contains(&format!(
        "retention achieved {:.3}",
        r["retention"].as_f64().unwrap()
    )));
    assert!(t.contains(&format!(
        "across learned cards: {:.3}",
        r["mean_recall_today"].as_f64().unwrap()
    )));
    for day in r["forecast"].as_array().unwrap() {
        let date = day["date"].as_str().unwrap();
        let line = t
            .lines()
            .find(|l| l.trim_start().starts_with(date))
            .unwrap();
        assert!(
            line.split_whitespace().nth(2) == Some(&day["due"].to_string()),
            "{line}"
        );
    }
    assert!(t.contains(&format!(
        "due before tomorrow (2026-02-20 09:00): {}",
        r["saved"]["due_before_tomorrow"]
    )));
    assert!(t.contains("Database: in memory (--no-db)"));
    assert!(r["saved"]["database"].is_null());
}

#[test]
fn sm2_schedulers_show_interval_and_ease_and_keep_their_own_learner() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_arg(dir.path());
    let fsrs = json(&["--days", "30", "--db", &db]);
    for (scheduler, name) in [("sm2", "SM-2"), ("anki", "Anki SM-2")] {
        let r = json(&["--days", "30", "--db", &db, "--scheduler", scheduler]);
        assert_eq!(r["scheduler_name"], name);
        assert!(r["desired_retention"].is_null() && r["mean_recall_today"].is_null());
        assert_eq!(
            r["saved"]["learner_id"],
            format!("simulated-learner-42-{scheduler}")
        );
        assert_eq!(r["saved"]["earlier_runs"], 0);
        for c in r["next_due"].as_array().unwrap() {
            assert!(c["stability"].is_null());
            assert!(c["interval_days"].as_u64().unwrap() >= 1);
            assert!(c["ease_factor"].as_f64().unwrap() >= 1.3);
        }
        assert_eq!(r["saved"]["due_before_tomorrow"], r["forecast"][0]["due"]);
        let t = text(&["--days", "30", "--no-db", "--scheduler", scheduler]);
        assert!(
            !t.contains("stability") && !t.contains("probability of recall"),
            "{t}"
        );
        assert!(t.contains("ease 2.") || t.contains("ease 1."));
    }
    // The FSRS learner of the same seed is untouched by the SM-2 runs.
    let again = json(&["--days", "30", "--db", &db]);
    assert_eq!(again["saved"]["earlier_runs"], 1);
    assert_eq!(
        again["saved"]["cards_stored"],
        fsrs["saved"]["cards_stored"]
    );
    assert_eq!(again["next_due"], fsrs["next_due"]);
}

#[test]
fn a_run_without_review_state_reviews_reports_no_retention() {
    let r = json(&["--days", "1", "--no-db"]);
    assert!(r["retention"].is_null());
    assert!(r["months"][0]["retention"].is_null());
    let t = text(&["--days", "1", "--no-db"]);
    assert!(t.contains("no retention to report"));
    assert!(!t.contains("retention achieved") && !t.contains("luck") && !t.contains("-0.000"));
}

#[test]
fn arguments_out_of_bounds_are_refused_before_any_work() {
    for args in [
        &["--days", "0"][..],
        &["--days", "400000"],
        &["--new-per-day", "0"],
        &["--new-per-day", "5000"],
        &["--days", "3650", "--new-per-day", "100"],
        &["--desired-retention", "1.5"],
    ] {
        let out = learnloop(&[&["simulate", "--no-db"], args].concat());
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("days") || err.contains("new-per-day") || err.contains("retention"),
            "{err}"
        );
    }
}

#[test]
fn a_database_that_cannot_open_fails_first() {
    let out = learnloop(&["simulate", "--db", "/nonexistent/dir/x.db"]);
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "nothing is reported before the database opens"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: storage: open:"), "{err}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_learnloop"))
        // Far more than a pipe's buffer (64 KiB), so the writer meets the closed pipe.
        .args([
            "simulate",
            "--no-db",
            "--json",
            "--days",
            "3650",
            "--new-per-day",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `| head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
