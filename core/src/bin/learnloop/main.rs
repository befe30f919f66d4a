//! The `learnloop` command: simulate a learner's year of spaced repetition.
//!
//! ```text
//! cargo run --release -p learnloop --features cli -- simulate --seed 42
//! ```

mod report;
mod text;

use chrono::{NaiveDate, TimeDelta};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use learnloop::adaptive::{Engine, EngineConfig, Interaction};
use learnloop::migrate::SessionDocument;
use learnloop::srs::{
    AnkiSm2, Fsrs, QueueOptions, Scheduler, SimulationConfig, SimulationReport, Sm2,
    simulate_observed,
};
use learnloop::store::Store;
use report::{Adaptive, Resumed, Saved};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The longest simulation the command runs (ten years).
const MAX_DAYS: u32 = 3_650;
/// The most new cards a day.
const MAX_NEW_PER_DAY: u32 = 1_000;
/// The most cards in one run's deck (days x new cards a day): the work
/// grows with days x cards.
const MAX_CARDS: u32 = 100_000;
/// Days of the adaptive engine's look back at the end of a run.
const OBSERVED_DAYS: usize = 7;

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
    /// Study days to simulate, 1 to 3650.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_DAYS)))]
    days: u32,
    /// New cards per day, 1 to 1000 (at most 100,000 cards in all).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_NEW_PER_DAY)))]
    new_per_day: u32,
    /// Desired retention (FSRS only), strictly between 0 and 1.
    #[arg(long, default_value_t = 0.9)]
    desired_retention: f64,
    /// Which scheduler plans the reviews (each has its own learner in the database).
    #[arg(long, value_enum, default_value_t = SchedulerKind::Fsrs)]
    scheduler: SchedulerKind,
    /// First study day (YYYY-MM-DD); sessions start at 09:00 UTC.
    #[arg(long, default_value = "2026-01-05")]
    start: NaiveDate,
    /// Print the report as JSON (the same report as the text; see the README).
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

/// The run's settings as the report states them.
pub struct Run {
    scheduler: &'static str,
    scheduler_name: &'static str,
    seed: u64,
    days: u32,
    new_per_day: u32,
    desired_retention: f64,
    start: NaiveDate,
}

impl Run {
    fn is_fsrs(&self) -> bool {
        self.scheduler == "fsrs"
    }
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
    let cards = args.days.saturating_mul(args.new_per_day);
    if cards > MAX_CARDS {
        return Err(format!(
            "--days {} x --new-per-day {} is {cards} cards, more than {MAX_CARDS}",
            args.days, args.new_per_day
        )
        .into());
    }
    let (scheduler, scheduler_name) = match args.scheduler {
        SchedulerKind::Fsrs => ("fsrs", "FSRS-6"),
        SchedulerKind::Sm2 => ("sm2", "SM-2"),
        SchedulerKind::Anki => ("anki", "Anki SM-2"),
    };
    let run = Run {
        scheduler,
        scheduler_name,
        seed: args.seed,
        days: args.days,
        new_per_day: args.new_per_day,
        desired_retention: args.desired_retention,
        start: args.start,
    };
    // Everything that can fail on the arguments or the file fails before the work.
    let fsrs = Fsrs::default().with_desired_retention(args.desired_retention)?;
    let created = !args.no_db && !args.db.exists();
    let store = if args.no_db {
        Store::open_in_memory()?
    } else {
        Store::open(&args.db)?
    };
    let start = args
        .start
        .and_hms_opt(9, 0, 0)
        .ok_or("start: not a valid date")?
        .and_utc();
    let mut config = SimulationConfig::year(start, args.seed);
    config.days = args.days;
    config.new_per_day = args.new_per_day;
    config.deck_size = cards;
    let learner = Fsrs::default();
    let simulation = match args.scheduler {
        SchedulerKind::Fsrs => with_progress(&fsrs, &learner, &config)?,
        SchedulerKind::Sm2 => with_progress(&Sm2::default(), &learner, &config)?,
        SchedulerKind::Anki => with_progress(&AnkiSm2::default(), &learner, &config)?,
    };
    let mut saved = persist(&store, &run, &simulation)?;
    saved.database = (!args.no_db).then(|| args.db.clone());
    saved.created = created;
    let report = report::build(&run, &simulation, &learner, saved);
    let output = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        text::render(&report)?
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The simulation, with a progress bar on a terminal (hidden otherwise).
fn with_progress<S: Scheduler>(
    scheduler: &S,
    learner: &Fsrs,
    config: &SimulationConfig,
) -> learnloop::Result<SimulationReport> {
    let bar = ProgressBar::new(u64::from(config.days)).with_style(
        ProgressStyle::with_template("simulating {pos}/{len} days {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = simulate_observed(scheduler, learner, config, |_| bar.inc(1));
    bar.finish_and_clear();
    report
}

/// Keep the learner's session and cards in the database, so that the next
/// run resumes the same session: its adaptive state and history survive
/// the process ending.
fn persist(
    store: &Store,
    run: &Run,
    simulation: &SimulationReport,
) -> Result<Saved, Box<dyn std::error::Error>> {
    let learner_id = format!("simulated-learner-{}-{}", run.seed, run.scheduler);
    let session_id = format!("{learner_id}-session");
    let now = simulation.end;
    let (mut session, resumed) = match store.load_session(&session_id) {
        Ok(doc) => {
            let resumed = Resumed {
                difficulty: doc.adaptive_state.adaptive_difficulty_level,
                updated_at: doc.metadata.updated_at,
            };
            (doc, Some(resumed))
        }
        Err(e) if e.kind() == learnloop::ErrorKind::NotFound => (
            SessionDocument::new(vec![format!("{} simulation", run.scheduler_name)], now),
            None,
        ),
        Err(e) => return Err(e.into()),
    };
    // Each run's answers are named `run-N-<date>`.
    let earlier_runs = session
        .question_adaptation_history
        .iter()
        .filter_map(|r| {
            r.question_id
                .strip_prefix("run-")?
                .split('-')
                .next()?
                .parse()
                .ok()
        })
        .max()
        .unwrap_or(0);
    // The adaptive engine observes this run's last week, one day at a time
    // (the day's share of recalled reviews as the score), and decides the
    // next difficulty each time; every decision joins the history.
    let engine = Engine::new(EngineConfig {
        seed: run.seed,
        ..EngineConfig::default()
    })?;
    let mut adaptive = Adaptive {
        observed_days: 0,
        difficulty_before: session.adaptive_state.adaptive_difficulty_level,
        difficulty_after: session.adaptive_state.adaptive_difficulty_level,
        raised: 0,
        lowered: 0,
        kept: 0,
        last_decision: None,
    };
    let days = &simulation.days;
    let observed = days[days.len().saturating_sub(OBSERVED_DAYS)..]
        .iter()
        .filter(|d| d.reviews > 0);
    for day in observed {
        let at = day
            .date
            .and_hms_opt(20, 0, 0)
            .map_or(now, |t| t.and_utc())
            .max(session.adaptive_state.live_performance_metrics.last_updated);
        let id = format!("run-{}-{}", earlier_runs + 1, day.date);
        let mut answer = Interaction::answered(id, true, at);
        answer.score = f64::from(day.recalled) / f64::from(day.reviews);
        answer.content_format = Some("flashcards".to_string());
        let before = session.adaptive_state.adaptive_difficulty_level;
        let seen = engine.observe(&session.adaptive_state, &answer)?;
        let after = seen.state.adaptive_difficulty_level;
        match after.total_cmp(&before) {
            std::cmp::Ordering::Greater => adaptive.raised += 1,
            std::cmp::Ordering::Less => adaptive.lowered += 1,
            std::cmp::Ordering::Equal => adaptive.kept += 1,
        }
        adaptive.observed_days += 1;
        adaptive.difficulty_after = after;
        adaptive.last_decision = Some(seen.record.adaptation_reasoning.clone());
        session.adaptive_state = seen.state;
        session.question_adaptation_history.push(seen.record);
    }
    session.metadata.updated_at = now;
    store.save_session(&learner_id, &session_id, &session)?;
    store.put_cards(&learner_id, &simulation.cards, now)?;
    // The forecast's first day: due before this time tomorrow, no
    // learn-ahead, no new cards, no limit.
    let tomorrow = now + TimeDelta::days(1) - TimeDelta::microseconds(1);
    let options = QueueOptions {
        new_limit: 0,
        review_limit: u32::MAX,
        learn_ahead: TimeDelta::zero(),
        ..QueueOptions::default()
    };
    let queue = store.due_queue(&learner_id, tomorrow, &options)?;
    Ok(Saved {
        database: None,
        created: false,
        schema_version: store.schema_version()?,
        cards_stored: store.cards(&learner_id)?.len(),
        learner_id,
        session_id,
        earlier_runs,
        resumed,
        adaptive,
        due_before_tomorrow: queue.len(),
        first_due: queue.first().map(|c| c.id.clone()),
    })
}
