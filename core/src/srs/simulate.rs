//! A seeded simulation of one learner studying with a scheduler: the numbers a
//! host wants before it commits to settings (reviews per day, retention
//! reached), and a whole-pipeline check of the schedulers and the queue.
//!
//! The learner's true memory follows FSRS-6 with its own parameters (by
//! default the scheduler's): a review succeeds with the true probability of
//! recall at that moment (elapsed time counted to the second), and a success
//! is rated Hard, Good or Easy in the configured proportions. A card's first
//! review is rated from `first_rating_weights`.

use super::card::Card;
use super::queue::{QueueOptions, due_queue};
use super::{Fsrs, Rating, Scheduler, State};
use crate::{Error, Result, Timestamp};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The most study days one simulation covers (100 years).
pub const MAX_SIMULATION_DAYS: u32 = 36_500;

/// The most cards one simulation's deck holds: every simulated day visits
/// the whole deck, so the work grows with days x cards.
pub const MAX_SIMULATION_CARDS: u32 = 1_000_000;

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// When the first study day starts (each day starts at this time of day).
    pub start: DateTime<Utc>,
    /// Number of study days, at most [`MAX_SIMULATION_DAYS`].
    pub days: u32,
    /// New cards introduced per day.
    pub new_per_day: u32,
    /// Review cards at most per day.
    pub review_limit: u32,
    /// Cards in the deck (new cards stop when it is exhausted), at most
    /// [`MAX_SIMULATION_CARDS`].
    pub deck_size: u32,
    /// The seed of every random draw.
    pub seed: u64,
    /// Relative weights of Again, Hard, Good, Easy on a card's first review.
    pub first_rating_weights: [f64; 4],
    /// Relative weights of Hard, Good, Easy when the learner recalls.
    pub pass_rating_weights: [f64; 3],
    /// Seconds one review takes (advances the clock within the day).
    pub seconds_per_review: i64,
}

impl SimulationConfig {
    /// A year from `start`: 20 new cards a day, up to 9,999 reviews a day.
    pub fn year(start: DateTime<Utc>, seed: u64) -> Self {
        SimulationConfig {
            start,
            days: 365,
            new_per_day: 20,
            review_limit: 9_999,
            deck_size: 20 * 365,
            seed,
            first_rating_weights: [0.3, 0.1, 0.5, 0.1],
            pass_rating_weights: [0.15, 0.7, 0.15],
            seconds_per_review: 10,
        }
    }
}

/// One simulated day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    /// The calendar date (UTC).
    pub date: NaiveDate,
    /// New cards seen for the first time.
    pub new: u32,
    /// Reviews of cards in the review state.
    pub reviews: u32,
    /// Of those, recalled.
    pub recalled: u32,
    /// Reviews in learning or relearning steps.
    pub steps: u32,
}

/// The outcome of [`simulate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    /// Day by day.
    pub days: Vec<DaySummary>,
    /// Every card at the end.
    pub cards: Vec<Card>,
    /// When the simulation ended (the start of the day after the last).
    pub end: DateTime<Utc>,
}

impl SimulationReport {
    /// Share of review-state reviews that were recalled.
    pub fn retention(&self) -> f64 {
        let (r, n) = self.days.iter().fold((0u64, 0u64), |(r, n), d| {
            (r + u64::from(d.recalled), n + u64::from(d.reviews))
        });
        if n == 0 { 0.0 } else { r as f64 / n as f64 }
    }

    /// All reviews of the simulation (new, review and steps).
    pub fn total_reviews(&self) -> u64 {
        self.days
            .iter()
            .map(|d| u64::from(d.new + d.reviews + d.steps))
            .sum()
    }
}

fn weighted<const N: usize>(rng: &mut ChaCha8Rng, weights: &[f64; N]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    N - 1
}

fn check_weights(field: &str, weights: &[f64]) -> Result<()> {
    if weights.iter().any(|w| !w.is_finite() || *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
        return Err(Error::invalid(
            field,
            "weights must be finite, non-negative and not all zero",
        ));
    }
    Ok(())
}

/// Simulate `config.days` days of study with `scheduler`, the learner's memory
/// following `learner` (an [`Fsrs`] holding the learner's true parameters).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::srs::{simulate, Fsrs, SimulationConfig};
/// let fsrs = Fsrs::default();
/// let mut config = SimulationConfig::year(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(), 7);
/// config.days = 60;
/// let report = simulate(&fsrs, &fsrs, &config)?;
/// assert_eq!(report.days.len(), 60);
/// assert!((report.retention() - 0.9).abs() < 0.05);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn simulate<S: Scheduler>(
    scheduler: &S,
    learner: &Fsrs,
    config: &SimulationConfig,
) -> Result<SimulationReport> {
    simulate_observed(scheduler, learner, config, |_| {})
}

/// [`simulate`], calling `on_day` after each simulated day with its
/// summary (a host's progress display; the report is the same).
pub fn simulate_observed<S: Scheduler>(
    scheduler: &S,
    learner: &Fsrs,
    config: &SimulationConfig,
    mut on_day: impl FnMut(&DaySummary),
) -> Result<SimulationReport> {
    if config.days > MAX_SIMULATION_DAYS {
        return Err(Error::invalid(
            "days",
            format!("{} is more than {MAX_SIMULATION_DAYS} days", config.days),
        ));
    }
    if config.deck_size > MAX_SIMULATION_CARDS {
        return Err(Error::invalid(
            "deck_size",
            format!(
                "{} is more than {MAX_SIMULATION_CARDS} cards",
                config.deck_size
            ),
        ));
    }
    check_weights("first_rating_weights", &config.first_rating_weights)?;
    check_weights("pass_rating_weights", &config.pass_rating_weights)?;
    if !(0..=86_400).contains(&config.seconds_per_review) {
        return Err(Error::invalid(
            "seconds_per_review",
            "must be between 0 and 86400",
        ));
    }
    let end = config
        .start
        .checked_add_signed(TimeDelta::days(i64::from(config.days) + 1))
        .ok_or_else(|| {
            Error::invalid(
                "days",
                "the simulation would end after the last representable date",
            )
        })?;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut cards: Vec<Card> = Vec::new();
    // The learner's true memory of each card, reviewed with the same ratings.
    let mut truth: Vec<Card> = Vec::new();
    let mut days = Vec::with_capacity(config.days as usize);
    let step = TimeDelta::seconds(config.seconds_per_review);
    let options = QueueOptions {
        new_limit: config.new_per_day,
        review_limit: config.review_limit,
        ..QueueOptions::default()
    };

    for day in 0..config.days {
        let day_start = config.start + TimeDelta::days(i64::from(day));
        let day_end = day_start + TimeDelta::hours(14);
        // Unseen cards of the deck become available one day's worth at a time.
        let introduced = cards.iter().filter(|c| c.state == State::New).count();
        for _ in introduced..config.new_per_day as usize {
            if cards.len() >= config.deck_size as usize {
                break;
            }
            let id = format!("card-{}", cards.len() + 1);
            cards.push(Card::new(id.clone(), day_start));
            truth.push(Card::new(id, day_start));
        }

        let mut summary = DaySummary {
            date: day_start.date_naive(),
            new: 0,
            reviews: 0,
            recalled: 0,
            steps: 0,
        };
        // The learner keeps the app open through the study window: every card
        // due before its end is reviewed when it falls due (never early, as a
        // review less than a whole day after the last counts as same-day).
        let mut now = day_start;
        let mut heap: BinaryHeap<Reverse<(Timestamp, usize)>> =
            due_queue(&cards, day_end, &options)
                .iter()
                .map(|i| Reverse((cards[i].due.max(day_start.into()), i)))
                .collect();
        while let Some(Reverse((due, i))) = heap.pop() {
            now = now.max(due.to_datetime());
            let card = &cards[i];
            let rating = if card.state == State::New {
                Rating::ALL[weighted(&mut rng, &config.first_rating_weights)]
            } else {
                let p = match (truth[i].memory, truth[i].last_review) {
                    // The truth's memory is a model's and `now` is past its due.
                    (Some(m), Some(last)) => learner
                        .retrievability((now - last).num_seconds() as f64 / 86_400.0, m.stability)
                        .unwrap_or(0.0),
                    _ => 0.0,
                };
                if rng.random::<f64>() < p {
                    [Rating::Hard, Rating::Good, Rating::Easy]
                        [weighted(&mut rng, &config.pass_rating_weights)]
                } else {
                    Rating::Again
                }
            };
            match card.state {
                State::New => summary.new += 1,
                State::Review => {
                    summary.reviews += 1;
                    summary.recalled += u32::from(rating.is_pass());
                }
                _ => summary.steps += 1,
            }
            let reviewed = scheduler.review(card, rating, now)?.card;
            truth[i] = learner.review(&truth[i], rating, now)?.card;
            if reviewed.due < day_end {
                heap.push(Reverse((reviewed.due, i)));
            }
            cards[i] = reviewed;
            now += step;
        }
        on_day(&summary);
        days.push(summary);
    }
    Ok(SimulationReport {
        days,
        cards,
        end: end - TimeDelta::days(1),
    })
}
