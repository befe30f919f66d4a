//! The `learnloop` command: simulate a learner's year of spaced repetition.
//!
//! ```text
//! cargo run --release -p learnloop --features cli -- simulate --seed 42
//! ```

use chrono::{Datelike, NaiveDate, TimeDelta};
use clap::{Parser, Subcommand, ValueEnum};
use learnloop::adaptive::{Engine, EngineConfig, Interaction};
use learnloop::migrate::SessionDocument;
use learnloop::srs::{
    AnkiSm2, Fsrs, SimulationConfig, SimulationReport, Sm2, State, forecast, simulate,
};
use learnloop::store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "learnloop",
    version,
    about = "learnloop: adaptive learning engine"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate one learner studying every day and report what happened.
    Simulate(SimulateArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum SchedulerKind {
    /// FSRS-6 with the default parameters.
    Fsrs,
    /// SuperMemo's original SM-2.
    Sm2,
    /// Anki's SM-2 variant.
    Anki,
}

#[derive(Parser)]
struct SimulateArgs {
    /// Seed of every random draw (the same seed prints the same year).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Study days to simulate.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// New cards per day.
    #[arg(long, default_value_t = 20)]
    new_per_day: u32,
    /// Desired retention (FSRS only), strictly between 0 and 1.
    #[arg(long, default_value_t = 0.9)]
    desired_retention: f64,
    /// Which scheduler plans the reviews.
    #[arg(long, value_enum, default_value_t = SchedulerKind::Fsrs)]
    scheduler: SchedulerKind,
    /// First study day (YYYY-MM-DD); sessions start at 09:00 UTC.
    #[arg(long, default_value = "2026-01-05")]
    start: NaiveDate,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// The SQLite file that keeps the learner's session and cards between
    /// runs (created if missing, migrated if written by an older version).
    #[arg(long, default_value = "learnloop.db")]
    db: PathBuf,
    /// Keep nothing: use an in-memory database.
    #[arg(long)]
    no_db: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Simulate(args)) => args,
        None => SimulateArgs::parse_from(["simulate"]),
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &SimulateArgs) -> Result<(), Box<dyn std::error::Error>> {
    let learner = Fsrs::default();
    let start = args
        .start
        .and_hms_opt(9, 0, 0)
        .ok_or("start: not a valid date")?
        .and_utc();
    let mut config = SimulationConfig::year(start, args.seed);
    config.days = args.days;
    config.new_per_day = args.new_per_day;
    config.deck_size = args.new_per_day.saturating_mul(args.days);
    let (name, report) = match args.scheduler {
        SchedulerKind::Fsrs => {
            let fsrs = Fsrs::default().with_desired_retention(args.desired_retention)?;
            ("FSRS-6", simulate(&fsrs, &learner, &config)?)
        }
        SchedulerKind::Sm2 => ("SM-2", simulate(&Sm2::default(), &learner, &config)?),
        SchedulerKind::Anki => (
            "Anki SM-2",
            simulate(&AnkiSm2::default(), &learner, &config)?,
        ),
    };
    let saved = persist(args, name, &report)?;
    if args.json {
        let output = serde_json::json!({
            "scheduler": name,
            "seed": args.seed,
            "total_reviews": report.total_reviews(),
            "retention": report.retention(),
            "saved": saved,
            "report": report,
        });
        println!("{}", serde_json::to_string_pretty(&output)?);
    } else {
        print_report(args, name, &report, &learner);
        print_saved(&saved);
    }
    Ok(())
}

/// What one run kept in the database (printed as a table or in `--json`).
#[derive(serde::Serialize)]
struct SavedRun {
    /// The SQLite file, or none for `--no-db`.
    database: Option<PathBuf>,
    /// Whether this run created the file.
    created: bool,
    schema_version: i64,
    session_id: String,
    /// Runs recorded in the session before this one (0 for a new session).
    earlier_runs: usize,
    /// The session's state as this run found it, for a resumed session.
    resumed: Option<ResumedSession>,
    /// The adaptive engine's decision on this run's last week.
    decision: Option<String>,
    difficulty: f64,
    cards_stored: usize,
    /// Ids of the cards due by tomorrow, read back from the database.
    tomorrow_queue: Vec<String>,
}

#[derive(serde::Serialize)]
struct ResumedSession {
    difficulty: f64,
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// Keep the learner's session and cards in the database, so that the next
/// run resumes the same session: its adaptive state and history survive
/// the process ending.
fn persist(
    args: &SimulateArgs,
    name: &str,
    report: &SimulationReport,
) -> Result<SavedRun, Box<dyn std::error::Error>> {
    let created = !args.no_db && !args.db.exists();
    let store = if args.no_db {
        Store::open_in_memory()?
    } else {
        Store::open(&args.db)?
    };
    let learner = format!("simulated-learner-{}", args.seed);
    let session_id = format!("{learner}-session");
    let now = report.end;
    let (mut session, resumed) = match store.load_session(&session_id) {
        Ok(doc) => {
            let resumed = ResumedSession {
                difficulty: doc.adaptive_state.adaptive_difficulty_level,
                updated_at: doc.metadata.updated_at,
            };
            (doc, Some(resumed))
        }
        Err(e) if e.kind() == learnloop::ErrorKind::NotFound => (
            SessionDocument::new(vec![format!("{name} simulation")], now),
            None,
        ),
        Err(e) => return Err(e.into()),
    };
    let earlier_runs = session.question_adaptation_history.len();
    // The adaptive engine observes this run's last week, one day at a time
    // (the day's share of recalled reviews as the score), and decides the
    // next difficulty; the decision and its reason join the history.
    let engine = Engine::new(EngineConfig {
        seed: args.seed,
        ..EngineConfig::default()
    })?;
    let run = session.question_adaptation_history.len() + 1;
    let mut last = None;
    for day in report
        .days
        .iter()
        .rev()
        .take(7)
        .rev()
        .filter(|d| d.reviews > 0)
    {
        let at = day
            .date
            .and_hms_opt(20, 0, 0)
            .map_or(now, |t| t.and_utc())
            .max(session.adaptive_state.live_performance_metrics.last_updated);
        let mut answer = Interaction::answered(format!("run-{run}-{}", day.date), true, at);
        answer.score = f64::from(day.recalled) / f64::from(day.reviews);
        answer.content_format = Some("flashcards".to_string());
        let seen = engine.observe(&session.adaptive_state, &answer)?;
        session.adaptive_state = seen.state;
        last = Some(seen.record);
    }
    let decision = last.map(|record| {
        let reason = record.adaptation_reasoning.clone();
        session.question_adaptation_history.push(record);
        reason
    });
    session.metadata.updated_at = now;
    store.save_session(&learner, &session_id, &session)?;
    store.put_cards(&learner, &report.cards, now)?;
    let tomorrow = now + TimeDelta::days(1);
    let queue = store.due_queue(&learner, tomorrow, &learnloop::srs::QueueOptions::default())?;
    Ok(SavedRun {
        database: (!args.no_db).then(|| args.db.clone()),
        created,
        schema_version: store.schema_version()?,
        session_id,
        earlier_runs,
        resumed,
        decision,
        difficulty: session.adaptive_state.adaptive_difficulty_level,
        cards_stored: store.cards(&learner)?.len(),
        tomorrow_queue: queue.into_iter().map(|c| c.id).collect(),
    })
}

fn print_saved(saved: &SavedRun) {
    println!();
    match &saved.database {
        None => println!("Database: in memory (--no-db): nothing is kept after this run."),
        Some(path) => println!(
            "Database: {} ({}, schema version {})",
            path.display(),
            if saved.created { "created" } else { "reopened" },
            saved.schema_version
        ),
    }
    match &saved.resumed {
        Some(resumed) => println!(
            "Resumed session {}: {} earlier run(s), difficulty {:.2}, last updated {}",
            saved.session_id,
            saved.earlier_runs,
            resumed.difficulty,
            resumed.updated_at.format("%Y-%m-%d %H:%M UTC"),
        ),
        None => println!(
            "New session {}: no earlier state for this learner.",
            saved.session_id
        ),
    }
    if let Some(reason) = &saved.decision {
        println!("Adaptive engine: {reason}");
    }
    println!(
        "Saved run {}: difficulty {:.2}, {} cards stored; tomorrow's queue from the database: {} cards{}",
        saved.earlier_runs + 1,
        saved.difficulty,
        saved.cards_stored,
        saved.tomorrow_queue.len(),
        saved
            .tomorrow_queue
            .first()
            .map_or(String::new(), |id| format!(", first {id}")),
    );
    if saved.database.is_some() {
        println!("Run the command again: the session resumes from this file.");
    }
}

fn bar(value: f64, max: f64, width: usize) -> String {
    let n = if max > 0.0 {
        ((value / max) * width as f64).round() as usize
    } else {
        0
    };
    "#".repeat(n.min(width))
}

fn print_report(args: &SimulateArgs, name: &str, report: &SimulationReport, learner: &Fsrs) {
    println!(
        "learnloop · one simulated learner · {} days of {name} · seed {}",
        args.days, args.seed
    );
    let target = match args.scheduler {
        SchedulerKind::Fsrs => format!("desired retention {:.2}", args.desired_retention),
        _ => "SM-2 has no retention target".to_string(),
    };
    println!("{} new cards a day · {target}\n", args.new_per_day);
    println!(
        "{:<8} {:>5} {:>6} {:>9} {:>8} {:>10}  reviews per day",
        "month", "days", "new", "reviews", "per day", "retention"
    );
    let mut months: Vec<(String, u32, u32, u32, u32, u32)> = Vec::new();
    for d in &report.days {
        let key = format!("{}-{:02}", d.date.year(), d.date.month());
        if months.last().map(|m| &m.0) != Some(&key) {
            months.push((key, 0, 0, 0, 0, 0));
        }
        let m = months.last_mut().expect("pushed above");
        m.1 += 1;
        m.2 += d.new;
        m.3 += d.new + d.reviews + d.steps;
        m.4 += d.reviews;
        m.5 += d.recalled;
    }
    let max_per_day = months
        .iter()
        .map(|m| f64::from(m.3) / f64::from(m.1))
        .fold(0.0, f64::max);
    for (month, days, new, all, reviews, recalled) in &months {
        let per_day = f64::from(*all) / f64::from(*days);
        let retention = if *reviews > 0 {
            format!("{:.3}", f64::from(*recalled) / f64::from(*reviews))
        } else {
            "-".to_string()
        };
        println!(
            "{month:<8} {days:>5} {new:>6} {all:>9} {per_day:>8.1} {retention:>10}  {}",
            bar(per_day, max_per_day, 30)
        );
    }
    let cards = &report.cards;
    let learned = cards.iter().filter(|c| c.state != State::New).count();
    println!(
        "\n{} reviews in all; {learned} cards learned; retention achieved {:.3} on review-state cards",
        report.total_reviews(),
        report.retention()
    );
    if let SchedulerKind::Fsrs = args.scheduler {
        println!(
            "  (desired {:.3}: the difference is the learner's day-to-day luck)",
            args.desired_retention
        );
    }
    let now = report.end;
    let avg_r = cards
        .iter()
        .filter(|c| c.state != State::New)
        .map(|c| learner.card_retrievability(c, now))
        .sum::<f64>()
        / learned.max(1) as f64;
    println!("mean probability of recall today across learned cards: {avg_r:.3}");

    // 14 days is within the longest forecast, so this cannot fail.
    let ahead = forecast(cards, now, 14).unwrap_or_default();
    println!("\ndue in the next 14 days from {}:", now.date_naive());
    let max = f64::from(ahead.iter().copied().max().unwrap_or(0));
    for (k, n) in ahead.iter().enumerate() {
        let date = (now + TimeDelta::days(k as i64)).date_naive();
        println!(
            "  {date} {:<3} {n:>5}  {}",
            date.weekday(),
            bar(f64::from(*n), max, 30)
        );
    }
    let mut next: Vec<&learnloop::srs::Card> =
        cards.iter().filter(|c| c.state != State::New).collect();
    next.sort_by_key(|c| c.due);
    println!("\nnext due cards:");
    for c in next.iter().take(5) {
        println!(
            "  {:<12} {}  stability {:>7.1} d  difficulty {:>4.1}",
            c.id,
            c.due.to_datetime().format("%Y-%m-%d %H:%M"),
            c.memory.map_or(0.0, |m| m.stability),
            c.memory.map_or(0.0, |m| m.difficulty)
        );
    }
    if let Some(last) = next.last() {
        println!(
            "  ... the furthest is {} on {}",
            last.id,
            last.due.to_datetime().date_naive()
        );
    }
}
