//! The study queue around the schedulers: what is due now, what will be due,
//! manual rescheduling and cards made from mistakes.

use super::card::{Card, ReviewTime};
use super::params::DEFAULT_PARAMETERS;
use super::{Fsrs, State};
use crate::math;
use crate::{Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How due review cards are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum QueueOrder {
    /// Lowest probability of recall first: the cards most at risk (default).
    #[default]
    Retrievability,
    /// Earliest due first.
    DueDate,
    /// A shuffle that depends only on the seed.
    Shuffled {
        /// The shuffle's seed.
        seed: u64,
    },
}

impl QueueOrder {
    /// The names [`QueueOrder::from_name`] accepts, as the bindings spell
    /// them.
    pub const NAMES: [&'static str; 3] = ["retrievability", "due", "shuffled"];

    /// The order named `name` (one of [`QueueOrder::NAMES`]); `seed` is
    /// used by `"shuffled"` only.
    ///
    /// ```
    /// use learnloop::srs::QueueOrder;
    /// assert_eq!(QueueOrder::from_name("due", 0), Some(QueueOrder::DueDate));
    /// assert_eq!(QueueOrder::from_name("random", 0), None);
    /// ```
    pub fn from_name(name: &str, seed: u64) -> Option<Self> {
        match name {
            "retrievability" => Some(QueueOrder::Retrievability),
            "due" => Some(QueueOrder::DueDate),
            "shuffled" => Some(QueueOrder::Shuffled { seed }),
            _ => None,
        }
    }
}

/// What [`due_queue`] includes and in which order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueOptions {
    /// New cards still allowed today (default 20).
    pub new_limit: usize,
    /// Review cards still allowed today (default 200).
    pub review_limit: usize,
    /// Order of review cards (default: lowest retrievability first).
    pub order: QueueOrder,
    /// Show learning cards this much before they are due (default 0).
    pub learn_ahead: TimeDelta,
    /// Show review cards this much before they are due (default 0). Set it to
    /// the rest of the learner's day to study everything due "today" in one
    /// sitting, as Anki does.
    pub review_ahead: TimeDelta,
    /// The forgetting-curve decay (w20) used to rank by retrievability; the
    /// FSRS-6 default unless set (use [`QueueOptions::for_fsrs`]).
    pub decay: f64,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            new_limit: 20,
            review_limit: 200,
            order: QueueOrder::Retrievability,
            learn_ahead: TimeDelta::zero(),
            review_ahead: TimeDelta::zero(),
            decay: DEFAULT_PARAMETERS[20],
        }
    }
}

impl QueueOptions {
    /// Default options ranking with the decay of `fsrs`'s parameters.
    pub fn for_fsrs(fsrs: &Fsrs) -> Self {
        QueueOptions {
            decay: fsrs.parameters().decay(),
            ..QueueOptions::default()
        }
    }
}

/// The cards to study now, as indices into the slice given to [`due_queue`],
/// in study order: intraday (re)learning cards, then reviews, then new cards.
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

/// The cards due at `now`, limited and ordered as `options` say.
///
/// A review card is due when `due <= now + review_ahead`. Its retrievability is computed
/// from its FSRS memory state; a card without one (scheduled by SM-2) uses
/// its last interval as the stability, which is what an interval means at
/// 90 % retention.
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
pub fn due_queue(cards: &[Card], now: DateTime<Utc>, options: &QueueOptions) -> DueQueue {
    let mut queue = DueQueue::default();
    let mut learning: Vec<(DateTime<Utc>, usize)> = Vec::new();
    let mut review: Vec<(f64, DateTime<Utc>, usize)> = Vec::new();
    let ahead = now
        .checked_add_signed(options.learn_ahead)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let review_until = now
        .checked_add_signed(options.review_ahead)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let decay = -options.decay;
    let factor = math::pow(0.9, 1.0 / decay) - 1.0;
    let time = ReviewTime::new(now);
    for (i, card) in cards.iter().enumerate() {
        match card.state {
            State::New => {
                if queue.new.len() < options.new_limit {
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
                    let key = match options.order {
                        QueueOrder::Retrievability => retrievability(card, &time, factor, decay),
                        _ => 0.0,
                    };
                    review.push((key, card.due, i));
                }
            }
        }
    }
    learning.sort_unstable();
    queue.learning = learning.into_iter().map(|(_, i)| i).collect();

    let limit = options.review_limit.min(review.len());
    match options.order {
        QueueOrder::Shuffled { seed } => {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            review.shuffle(&mut rng);
            review.truncate(limit);
        }
        _ => {
            // Ties (equal retrievability or due) fall back to due, then input order.
            let cmp = |a: &(f64, DateTime<Utc>, usize), b: &(f64, DateTime<Utc>, usize)| {
                a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
            };
            if limit > 0 && limit < review.len() {
                review.select_nth_unstable_by(limit - 1, cmp);
                review.truncate(limit);
            }
            review.sort_unstable_by(cmp);
            review.truncate(limit);
        }
    }
    queue.review = review.into_iter().map(|(_, _, i)| i).collect();
    queue
}

fn retrievability(card: &Card, now: &ReviewTime, factor: f64, decay: f64) -> f64 {
    let stability = match card.memory {
        Some(m) => m.stability,
        None => f64::from(card.scheduled_days.max(1)),
    };
    let elapsed = card
        .last_review
        .map_or(0, |last| now.whole_days_since(last).max(0)) as f64;
    math::exp(decay * math::ln_1p(factor * elapsed / stability))
}

/// Due counts for the next `days` days: entry `k` counts the scheduled cards
/// (any state but new) due in `[now + k days, now + k + 1 days)`; overdue
/// cards count in entry 0.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::srs::{forecast, Card, State};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut card = Card::new("a", now);
/// card.state = State::Review;
/// card.last_review = Some(now);
/// card.due = now + TimeDelta::days(2);
/// assert_eq!(forecast(&[card], now, 4), vec![0, 0, 1, 0]);
/// ```
pub fn forecast(cards: &[Card], now: DateTime<Utc>, days: u32) -> Vec<u32> {
    let mut counts = vec![0u32; days as usize];
    for card in cards {
        if card.state == State::New {
            continue;
        }
        let day = if card.due <= now {
            0
        } else {
            (card.due - now).num_days() as usize
        };
        if let Some(c) = counts.get_mut(day) {
            *c += 1;
        }
    }
    counts
}

/// Move a card's due date by hand (a "postpone" or "study earlier" button).
///
/// The memory state is untouched; `due` may not be before `now`.
pub fn reschedule(card: &Card, due: DateTime<Utc>, now: DateTime<Utc>) -> Result<Card> {
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
    now: DateTime<Utc>,
) -> Vec<Card> {
    let mut seen: HashSet<&str> = existing.iter().map(|c| c.id.as_str()).collect();
    answers
        .iter()
        .filter(|a| !a.correct)
        .filter(|a| seen.insert(a.question_id.as_str()))
        .map(|a| Card::new(a.question_id.clone(), now))
        .collect()
}
