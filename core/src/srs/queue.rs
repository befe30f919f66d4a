//! The study queue around the schedulers: what is due now, what will be due,
//! manual rescheduling and cards made from mistakes.

use super::State;
use super::card::Card;
use crate::{Error, Result, Timestamp};
use chrono::TimeDelta;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

crate::names::named_enum! {
    /// How due review cards are ordered.
    #[derive(Default)]
    pub enum QueueOrder in "order" {
        /// Lowest probability of recall first: the cards most at risk (default).
        #[default]
        Retrievability = "retrievability",
        /// Earliest due first.
        DueDate = "due",
        /// A shuffle that depends only on [`QueueOptions::seed`].
        Shuffled = "shuffled",
    }
}

/// What [`due_queue`] includes and in which order, each with its
/// documented default; in serialized form every field may be omitted and
/// durations are whole seconds.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueOptions {
    /// New cards still allowed today (20).
    pub new_limit: u32,
    /// Review cards still allowed today (200).
    pub review_limit: u32,
    /// Order of review cards (lowest retrievability first).
    pub order: QueueOrder,
    /// Seed of the shuffled order (0).
    pub seed: u64,
    /// Show learning cards this much before they are due (0).
    #[cfg_attr(feature = "tsify", tsify(type = "number"))]
    #[serde(with = "crate::json::seconds::one")]
    pub learn_ahead: TimeDelta,
    /// Show review cards this much before they are due (0). Set it to the
    /// rest of the learner's day to study everything due "today" in one
    /// sitting, as Anki does.
    #[cfg_attr(feature = "tsify", tsify(type = "number"))]
    #[serde(with = "crate::json::seconds::one")]
    pub review_ahead: TimeDelta,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            new_limit: 20,
            review_limit: 200,
            order: QueueOrder::Retrievability,
            seed: 0,
            learn_ahead: TimeDelta::zero(),
            review_ahead: TimeDelta::zero(),
        }
    }
}

/// The cards to study now, as indices into the slice given to [`due_queue`],
/// in study order: intraday (re)learning cards, then reviews, then new cards.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DueQueue {
    /// (Re)learning cards due within the learn-ahead window, earliest first.
    pub learning: Vec<usize>,
    /// Review cards due now, in the chosen order, at most `review_limit`.
    pub review: Vec<usize>,
    /// New cards in their given order, at most `new_limit`.
    pub new: Vec<usize>,
}

impl DueQueue {
    /// All indices in study order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.learning
            .iter()
            .chain(&self.review)
            .chain(&self.new)
            .copied()
    }

    /// How many cards are queued.
    pub fn len(&self) -> usize {
        self.learning.len() + self.review.len() + self.new.len()
    }

    /// Whether nothing is due.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How far a card's memory has decayed at `now`: whole days since its last
/// review over its stability (its last interval when it has no FSRS memory,
/// which is what an interval means at 90 % retention). Retrievability falls
/// as this grows, for any forgetting-curve decay, so ordering by it orders
/// by retrievability without an exponential per card. `None` (never
/// reviewed) ranks after every reviewed card. The store ranks by the same key.
pub(crate) fn decay_rank(
    last_review: Option<Timestamp>,
    stability: Option<f64>,
    scheduled_days: u32,
    now: Timestamp,
) -> Option<f64> {
    let stability = stability.unwrap_or(f64::from(scheduled_days.max(1)));
    last_review.map(|last| now.whole_days_since(last).max(0) as f64 / stability)
}

/// Most decayed first, then earliest due, then first in input order.
pub(crate) fn by_decay_rank<K: Ord>(
    a: (Option<f64>, K),
    b: (Option<f64>, K),
) -> std::cmp::Ordering {
    let first = match (a.0, b.0) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    };
    first.then(a.1.cmp(&b.1))
}

/// The cards due at `now`, limited and ordered as `options` say.
///
/// A review card is due when `due <= now + review_ahead`; reviews come
/// lowest retrievability first by default (see [`QueueOrder`]).
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::srs::{due_queue, Card, Fsrs, QueueOptions, Rating, Scheduler};
///
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let fsrs = Fsrs::default();
/// let reviewed = fsrs.review(&Card::new("a", now), Rating::Easy, now)?.card;
/// let cards = vec![Card::new("b", now), reviewed];
/// let later = now + TimeDelta::days(30);
/// let queue = due_queue(&cards, later, &QueueOptions::default());
/// assert_eq!(queue.iter().collect::<Vec<_>>(), vec![1, 0]); // review before new
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn due_queue(cards: &[Card], now: impl Into<Timestamp>, options: &QueueOptions) -> DueQueue {
    let now = now.into();
    let mut queue = DueQueue::default();
    let mut learning: Vec<(Timestamp, usize)> = Vec::new();
    let mut review: Vec<(Option<f64>, Timestamp, usize)> = Vec::new();
    let ahead = now
        .checked_add(options.learn_ahead)
        .unwrap_or(Timestamp::MAX);
    let review_until = now
        .checked_add(options.review_ahead)
        .unwrap_or(Timestamp::MAX);
    for (i, card) in cards.iter().enumerate() {
        match card.state {
            State::New => {
                if queue.new.len() < options.new_limit as usize {
                    queue.new.push(i);
                }
            }
            State::Learning | State::Relearning => {
                if card.due <= ahead {
                    learning.push((card.due, i));
                }
            }
            State::Review => {
                if card.due <= review_until {
                    let rank = match options.order {
                        QueueOrder::Retrievability => decay_rank(
                            card.last_review,
                            card.memory.map(|m| m.stability),
                            card.scheduled_days,
                            now,
                        ),
                        QueueOrder::DueDate | QueueOrder::Shuffled => None,
                    };
                    review.push((rank, card.due, i));
                }
            }
        }
    }
    learning.sort_unstable();
    queue.learning = learning.into_iter().map(|(_, i)| i).collect();

    let limit = (options.review_limit as usize).min(review.len());
    if options.order == QueueOrder::Shuffled {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(options.seed);
        review.shuffle(&mut rng);
    } else {
        let cmp = |a: &(Option<f64>, Timestamp, usize), b: &(Option<f64>, Timestamp, usize)| {
            by_decay_rank((a.0, (a.1, a.2)), (b.0, (b.1, b.2)))
        };
        if limit > 0 && limit < review.len() {
            review.select_nth_unstable_by(limit - 1, cmp);
            review.truncate(limit);
        }
        review.sort_unstable_by(cmp);
    }
    review.truncate(limit);
    queue.review = review.into_iter().map(|(_, _, i)| i).collect();
    queue
}

/// The longest forecast, in days (100 years, the longest interval).
pub const MAX_FORECAST_DAYS: u32 = 36_500;

/// The most cards [`new_cards`] makes in one call.
pub const MAX_NEW_CARDS: usize = 10_000_000;

/// `count` new cards with ids `{prefix}{i}` (`i` from 0), all due at `now`;
/// at most [`MAX_NEW_CARDS`].
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let cards = learnloop::srs::new_cards("deck-", 3, now)?;
/// assert_eq!(cards[2].id, "deck-2");
/// assert_eq!(learnloop::srs::new_cards("deck-", 1 << 40, now).unwrap_err().field(), "count");
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn new_cards(prefix: &str, count: usize, now: impl Into<Timestamp>) -> Result<Vec<Card>> {
    if count > MAX_NEW_CARDS {
        return Err(Error::invalid(
            "count",
            format!("{count} is more than {MAX_NEW_CARDS} cards in one call"),
        ));
    }
    let now = now.into();
    Ok((0..count)
        .map(|i| Card::new(format!("{prefix}{i}"), now))
        .collect())
}

/// Due counts for the next `days` days (at most [`MAX_FORECAST_DAYS`]):
/// entry `k` counts the scheduled cards (any state but new) due in
/// `[now + k days, now + k + 1 days)`; overdue cards count in entry 0.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::srs::{forecast, Card, State};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut card = Card::new("a", now);
/// card.state = State::Review;
/// card.last_review = Some(now.into());
/// card.due = (now + TimeDelta::days(2)).into();
/// assert_eq!(forecast(&[card], now, 4)?, vec![0, 0, 1, 0]);
/// # Ok::<(), learnloop::Error>(())
/// ```
pub fn forecast(cards: &[Card], now: impl Into<Timestamp>, days: u32) -> Result<Vec<u32>> {
    check_forecast_days(days)?;
    let now = now.into();
    let mut counts = vec![0u32; days as usize];
    for card in cards {
        if card.state == State::New {
            continue;
        }
        let day = card.due.whole_days_since(now).max(0) as usize;
        if let Some(c) = counts.get_mut(day) {
            *c += 1;
        }
    }
    Ok(counts)
}

/// A forecast's horizon is at most [`MAX_FORECAST_DAYS`].
pub(crate) fn check_forecast_days(days: u32) -> Result<()> {
    if days > MAX_FORECAST_DAYS {
        return Err(Error::invalid(
            "days",
            format!("{days} is more than the longest forecast, {MAX_FORECAST_DAYS} days"),
        ));
    }
    Ok(())
}

/// Move a card's due date by hand (a "postpone" or "study earlier" button).
///
/// The memory state is untouched; `due` may not be before `now`.
pub fn reschedule(
    card: &Card,
    due: impl Into<Timestamp>,
    now: impl Into<Timestamp>,
) -> Result<Card> {
    let (due, now) = (due.into(), now.into());
    if due < now {
        return Err(Error::invalid(
            "due",
            format!("{due} is before now ({now}); a card cannot be due in the past"),
        ));
    }
    let mut card = card.clone();
    card.due = due;
    Ok(card)
}

/// One answered question, for [`cards_from_mistakes`].
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredQuestion {
    /// The host's question id (becomes the card id).
    pub question_id: String,
    /// Whether the answer was correct.
    pub correct: bool,
}

/// New review cards for the questions answered incorrectly, due at `now`:
/// one per question id, skipping ids that already have a card in `existing`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use learnloop::srs::{cards_from_mistakes, AnsweredQuestion};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let answers = [
///     AnsweredQuestion { question_id: "q1".into(), correct: false },
///     AnsweredQuestion { question_id: "q2".into(), correct: true },
///     AnsweredQuestion { question_id: "q1".into(), correct: false },
/// ];
/// let cards = cards_from_mistakes(&answers, &[], now);
/// assert_eq!(cards.len(), 1);
/// assert_eq!(cards[0].id, "q1");
/// ```
pub fn cards_from_mistakes(
    answers: &[AnsweredQuestion],
    existing: &[Card],
    now: impl Into<Timestamp>,
) -> Vec<Card> {
    let now = now.into();
    let mut seen: HashSet<&str> = existing.iter().map(|c| c.id.as_str()).collect();
    answers
        .iter()
        .filter(|a| !a.correct)
        .filter(|a| seen.insert(a.question_id.as_str()))
        .map(|a| Card::new(a.question_id.clone(), now))
        .collect()
}
