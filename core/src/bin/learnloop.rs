//! The `learnloop` command: simulate a learner's year of spaced repetition.
//!
//! ```text
//! cargo run --release -p learnloop --features cli -- simulate --seed 42
//! ```

use chrono::{Datelike, NaiveDate, TimeDelta};
use clap::{Parser, Subcommand, ValueEnum};
use learnloop::srs::{
    AnkiSm2, Fsrs, SimulationConfig, SimulationReport, Sm2, State, forecast, simulate,
};
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
    new_per_day: usize,
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
    config.deck_size = args.new_per_day * args.days as usize;
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
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    print_report(args, name, &report, &learner);
    Ok(())
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

    let ahead = forecast(cards, now, 14);
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
            c.due.format("%Y-%m-%d %H:%M"),
            c.memory.map_or(0.0, |m| m.stability),
            c.memory.map_or(0.0, |m| m.difficulty)
        );
    }
    if let Some(last) = next.last() {
        println!(
            "  ... the furthest is {} on {}",
            last.id,
            last.due.date_naive()
        );
    }
}
