//! The report as text: a rendering of [`RunReport`], nothing computed here.

use crate::report::{DueCard, RunReport};
use chrono::Datelike;
use std::fmt::Write;

const BAR_WIDTH: usize = 30;

fn bar(value: f64, max: f64) -> String {
    let n = if max > 0.0 {
        ((value / max) * BAR_WIDTH as f64).round() as usize
    } else {
        0
    };
    "#".repeat(n.min(BAR_WIDTH))
}

fn share(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

/// The whole report, as printed.
pub fn render(r: &RunReport) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    let o = &mut out;
    writeln!(
        o,
        "learnloop · one simulated learner · {} days of {} · seed {}",
        r.days, r.scheduler_name, r.seed
    )?;
    let target = match r.desired_retention {
        Some(d) => format!("desired retention {d:.2}"),
        None => "SM-2 has no retention target".to_string(),
    };
    writeln!(o, "{} new cards a day · {target}\n", r.new_per_day)?;
    writeln!(
        o,
        "{:<8} {:>5} {:>6} {:>9} {:>8} {:>10}  reviews per day",
        "month", "days", "new", "reviews", "per day", "retention"
    )?;
    let max_per_day = r
        .months
        .iter()
        .map(|m| m.reviews_per_day)
        .fold(0.0, f64::max);
    for m in &r.months {
        writeln!(
            o,
            "{:<8} {:>5} {:>6} {:>9} {:>8.1} {:>10}  {}",
            m.month,
            m.days,
            m.new,
            m.reviews,
            m.reviews_per_day,
            share(m.retention),
            bar(m.reviews_per_day, max_per_day)
        )?;
    }
    writeln!(
        o,
        "\n{} reviews in all; {} cards learned",
        r.total_reviews, r.cards_learned
    )?;
    match r.retention {
        None => writeln!(
            o,
            "no card reached the review state yet: no retention to report"
        )?,
        Some(retention) => {
            writeln!(o, "retention achieved {retention:.3} on review-state cards")?;
            if let Some(desired) = r.desired_retention {
                writeln!(
                    o,
                    "  (desired {desired:.3}: the difference is the learner's day-to-day luck)"
                )?;
            }
        }
    }
    if let Some(recall) = r.mean_recall_today {
        writeln!(
            o,
            "mean probability of recall today across learned cards: {recall:.3}"
        )?;
    }
    if let Some(first) = r.forecast.first() {
        writeln!(
            o,
            "\ndue in the next {} days from {}:",
            r.forecast.len(),
            first.date
        )?;
    }
    let max = f64::from(r.forecast.iter().map(|d| d.due).max().unwrap_or(0));
    for d in &r.forecast {
        writeln!(
            o,
            "  {} {:<3} {:>5}  {}",
            d.date,
            d.date.weekday(),
            d.due,
            bar(f64::from(d.due), max)
        )?;
    }
    if !r.next_due.is_empty() {
        writeln!(o, "\nnext due cards:")?;
    }
    for c in &r.next_due {
        writeln!(o, "  {}", card(c))?;
    }
    if let Some(last) = &r.furthest_due {
        writeln!(
            o,
            "  ... the furthest is {} on {}",
            last.id,
            last.due.date_naive()
        )?;
    }
    saved(o, r)?;
    Ok(out)
}

/// A card with what its scheduler keeps.
fn card(c: &DueCard) -> String {
    let kept = match (c.stability, c.difficulty, c.interval_days, c.ease_factor) {
        (Some(s), Some(d), _, _) => format!("stability {s:>7.1} d  difficulty {d:>4.1}"),
        (_, _, Some(i), Some(e)) => format!("interval {i:>5} d  ease {e:.2}"),
        _ => String::new(),
    };
    format!("{:<12} {}  {kept}", c.id, c.due.format("%Y-%m-%d %H:%M"))
}

fn saved(o: &mut String, r: &RunReport) -> std::fmt::Result {
    let s = &r.saved;
    writeln!(o)?;
    match &s.database {
        None => writeln!(
            o,
            "Database: in memory (--no-db): nothing is kept after this run."
        )?,
        Some(path) => writeln!(
            o,
            "Database: {} ({}, schema version {}), learner {}",
            path.display(),
            if s.created { "created" } else { "reopened" },
            s.schema_version,
            s.learner_id
        )?,
    }
    match &s.resumed {
        Some(resumed) => writeln!(
            o,
            "Resumed session {}: {} earlier run(s), difficulty {:.2}, last updated {}",
            s.session_id,
            s.earlier_runs,
            resumed.difficulty,
            resumed.updated_at.format("%Y-%m-%d %H:%M UTC"),
        )?,
        None => writeln!(
            o,
            "New session {}: no earlier state for this learner.",
            s.session_id
        )?,
    }
    let a = &s.adaptive;
    if a.observed_days > 0 {
        writeln!(
            o,
            "Adaptive engine, {} days observed: difficulty {:.2} -> {:.2} (raised {}, lowered {}, kept {} times)",
            a.observed_days, a.difficulty_before, a.difficulty_after, a.raised, a.lowered, a.kept
        )?;
    }
    if let Some(reason) = &a.last_decision {
        writeln!(o, "  last decision: {reason}")?;
    }
    writeln!(
        o,
        "Saved run {}: {} cards stored; the database's queue of cards due before tomorrow ({}): {}{}",
        s.earlier_runs + 1,
        s.cards_stored,
        (r.end + chrono::TimeDelta::days(1)).format("%Y-%m-%d %H:%M"),
        s.due_before_tomorrow,
        s.first_due
            .as_ref()
            .map_or(String::new(), |id| format!(", first {id}")),
    )?;
    if s.database.is_some() {
        writeln!(
            o,
            "Run the command again: the session resumes from this file. Each run re-simulates the \
             same days from the seed and rewrites this learner's cards; the adaptive session \
             (difficulty and decision history) is what carries over."
        )?;
    }
    Ok(())
}
