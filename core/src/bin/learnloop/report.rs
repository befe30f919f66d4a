//! The main job's report: one value that the text and `--json` both render,
//! so the two cannot say different things. Every field is documented in the
//! README ("The main job's report").

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use learnloop::srs::{Card, DaySummary, Fsrs, SimulationReport, State, forecast};
use serde::Serialize;
use std::path::PathBuf;

/// Days of the due forecast in the report.
pub const FORECAST_DAYS: u32 = 14;
/// Next due cards listed.
pub const NEXT_DUE_LISTED: usize = 5;

/// Everything one run of `learnloop simulate` found and did.
#[derive(Serialize)]
pub struct RunReport {
    /// `fsrs`, `sm2` or `anki` (the `--scheduler` value).
    pub scheduler: &'static str,
    /// The scheduler's display name.
    pub scheduler_name: &'static str,
    pub seed: u64,
    pub days: u32,
    pub new_per_day: u32,
    /// FSRS's target; none for the SM-2 schedulers, which have none.
    pub desired_retention: Option<f64>,
    /// The first study day.
    pub start: NaiveDate,
    /// The start of the day after the last study day: "today" below.
    pub end: DateTime<Utc>,
    /// The table: one row per calendar month.
    pub months: Vec<Month>,
    /// Every day of the simulation (the months sum these).
    pub daily: Vec<DaySummary>,
    /// All reviews: new cards, review cards and (re)learning steps.
    pub total_reviews: u64,
    /// Cards that left the new state.
    pub cards_learned: usize,
    /// Share of review-state reviews recalled; none without such reviews.
    pub retention: Option<f64>,
    /// FSRS only: the mean probability of recall at `end` over learned cards.
    pub mean_recall_today: Option<f64>,
    /// Cards due on each of the next [`FORECAST_DAYS`] days from `end`
    /// (overdue cards count on the first day).
    pub forecast: Vec<ForecastDay>,
    /// The first learned cards to fall due, with what their scheduler keeps.
    pub next_due: Vec<DueCard>,
    /// The learned card due last.
    pub furthest_due: Option<DueCard>,
    /// What the run kept in the database.
    pub saved: Saved,
}

/// One row of the table.
#[derive(Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub days: u32,
    pub new: u32,
    /// New, review and step reviews.
    pub reviews: u32,
    pub reviews_per_day: f64,
    /// Recalled share of review-state reviews; none without them.
    pub retention: Option<f64>,
}

/// One day of the forecast.
#[derive(Serialize)]
pub struct ForecastDay {
    pub date: NaiveDate,
    pub due: u32,
}

/// A card as the report lists it: FSRS's memory or SM-2's interval and
/// ease, whichever its scheduler keeps.
#[derive(Serialize)]
pub struct DueCard {
    pub id: String,
    pub due: DateTime<Utc>,
    /// FSRS: stability in days.
    pub stability: Option<f64>,
    /// FSRS: difficulty, 1 to 10.
    pub difficulty: Option<f64>,
    /// SM-2 and Anki SM-2: the current interval in days.
    pub interval_days: Option<u32>,
    /// SM-2 and Anki SM-2: the ease factor.
    pub ease_factor: Option<f64>,
}

/// What one run kept in the database.
#[derive(Serialize)]
pub struct Saved {
    /// The SQLite file; none for `--no-db`.
    pub database: Option<PathBuf>,
    /// Whether this run created the file.
    pub created: bool,
    pub schema_version: i64,
    /// One learner per seed and scheduler.
    pub learner_id: String,
    pub session_id: String,
    /// Runs recorded in the session before this one (0 for a new session).
    pub earlier_runs: usize,
    /// The session's state as this run found it, for a resumed session.
    pub resumed: Option<Resumed>,
    /// The adaptive engine's week.
    pub adaptive: Adaptive,
    /// The learner's cards in the database after the run.
    pub cards_stored: usize,
    /// The database's due queue of cards due before `end` + 1 day (no
    /// learn-ahead, no new cards): the forecast's first day.
    pub due_before_tomorrow: usize,
    /// Its first card.
    pub first_due: Option<String>,
}

/// The session a run resumed.
#[derive(Serialize)]
pub struct Resumed {
    pub difficulty: f64,
    pub updated_at: DateTime<Utc>,
}

/// The adaptive engine observing the run's last week, a day at a time.
#[derive(Serialize)]
pub struct Adaptive {
    /// Days observed (the last seven with review-state reviews).
    pub observed_days: usize,
    pub difficulty_before: f64,
    pub difficulty_after: f64,
    pub raised: usize,
    pub lowered: usize,
    pub kept: usize,
    /// The last decision's reason.
    pub last_decision: Option<String>,
}

/// The run's figures from the simulation (`saved` is filled by the caller).
pub fn build(
    run: &crate::Run,
    simulation: &SimulationReport,
    learner: &Fsrs,
    saved: Saved,
) -> RunReport {
    let cards = &simulation.cards;
    let end = simulation.end;
    let learned: Vec<&Card> = cards.iter().filter(|c| c.state != State::New).collect();
    let reviews: u64 = simulation.days.iter().map(|d| u64::from(d.reviews)).sum();
    let mean_recall_today = (run.is_fsrs() && !learned.is_empty()).then(|| {
        learned
            .iter()
            .map(|c| learner.card_retrievability(c, end))
            .sum::<f64>()
            / learned.len() as f64
    });
    // FORECAST_DAYS is within the longest forecast, so this cannot fail.
    let ahead = forecast(cards, end, FORECAST_DAYS).unwrap_or_default();
    let mut by_due = learned.clone();
    by_due.sort_by_key(|c| (c.due, c.id.clone()));
    RunReport {
        scheduler: run.scheduler,
        scheduler_name: run.scheduler_name,
        seed: run.seed,
        days: run.days,
        new_per_day: run.new_per_day,
        desired_retention: run.is_fsrs().then_some(run.desired_retention),
        start: run.start,
        end,
        months: months(&simulation.days),
        daily: simulation.days.clone(),
        total_reviews: simulation.total_reviews(),
        cards_learned: learned.len(),
        retention: (reviews > 0).then(|| simulation.retention()),
        mean_recall_today,
        forecast: ahead
            .iter()
            .enumerate()
            .map(|(k, &due)| ForecastDay {
                date: (end + TimeDelta::days(k as i64)).date_naive(),
                due,
            })
            .collect(),
        next_due: by_due
            .iter()
            .take(NEXT_DUE_LISTED)
            .map(|c| due_card(c))
            .collect(),
        furthest_due: by_due.last().map(|c| due_card(c)),
        saved,
    }
}

fn due_card(card: &Card) -> DueCard {
    DueCard {
        id: card.id.clone(),
        due: card.due.to_datetime(),
        stability: card.memory.map(|m| m.stability),
        difficulty: card.memory.map(|m| m.difficulty),
        interval_days: card.sm2.map(|_| card.scheduled_days),
        ease_factor: card.sm2.map(|s| s.ease_factor),
    }
}

fn months(days: &[DaySummary]) -> Vec<Month> {
    let mut months: Vec<(Month, u32, u32)> = Vec::new();
    for d in days {
        let key = format!("{}-{:02}", d.date.year(), d.date.month());
        if months.last().map(|m| &m.0.month) != Some(&key) {
            let month = Month {
                month: key,
                days: 0,
                new: 0,
                reviews: 0,
                reviews_per_day: 0.0,
                retention: None,
            };
            months.push((month, 0, 0));
        }
        let (m, reviewed, recalled) = months.last_mut().expect("pushed above");
        m.days += 1;
        m.new += d.new;
        m.reviews += d.new + d.reviews + d.steps;
        *reviewed += d.reviews;
        *recalled += d.recalled;
    }
    months
        .into_iter()
        .map(|(mut m, reviewed, recalled)| {
            m.reviews_per_day = f64::from(m.reviews) / f64::from(m.days);
            m.retention = (reviewed > 0).then(|| f64::from(recalled) / f64::from(reviewed));
            m
        })
        .collect()
}
