//! Events, cards and review logs (sessions are in `sessions.rs`).

use super::{Store, check_id, from_micros, micros, storage, timestamp};

use crate::migrate::SessionState;
use crate::srs::{
    self, Card, MemoryState, QueueOptions, QueueOrder, Rating, ReviewLog, Sm2State, State,
};
use crate::{Error, Result, Timestamp};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One entry of a learner's append-only event log, identified by
/// (device, seq).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The device that wrote it.
    pub device: String,
    /// Its sequence number on that device.
    pub seq: i64,
    /// When it happened.
    #[serde(with = "crate::json::utc")]
    pub at: DateTime<Utc>,
    /// What kind of event (`answer`, `review`, ...; host-defined).
    pub kind: String,
    /// Its data.
    pub payload: Value,
}

/// A session as listed by [`Store::active_sessions`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The session's id.
    pub id: String,
    /// Its topics.
    pub topics: Vec<String>,
    /// Active or completed.
    pub state: SessionState,
    /// When it last changed.
    #[serde(with = "crate::json::utc")]
    pub updated_at: DateTime<Utc>,
    /// Its current difficulty level.
    pub adaptive_difficulty_level: f64,
    /// Its detected learning style.
    pub detected_learning_style: String,
}

pub(super) fn ensure_learner(tx: &Connection, learner_id: &str, at: DateTime<Utc>) -> Result<i64> {
    let known = learner_key(tx, learner_id).optional();
    match known {
        Ok(Some(key)) => Ok(key),
        Ok(None) => tx
            .prepare_cached("INSERT INTO learners (id, created_at) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![learner_id, micros(at)]))
            .map(|_| tx.last_insert_rowid()),
        Err(e) => Err(e),
    }
    .map_err(storage("add_learner"))
}

/// The integer key that cards and review logs store for `learner_id`
/// (which must exist).
pub(super) fn learner_key(tx: &Connection, learner_id: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached("SELECT key FROM learners WHERE id = ?1")?
        .query_row([learner_id], |r| r.get(0))
}

pub(super) fn state_code(s: State) -> i64 {
    match s {
        State::New => 0,
        State::Learning => 1,
        State::Review => 2,
        State::Relearning => 3,
    }
}

pub(super) fn state_from(code: i64) -> rusqlite::Result<State> {
    match code {
        0 => Ok(State::New),
        1 => Ok(State::Learning),
        2 => Ok(State::Review),
        3 => Ok(State::Relearning),
        other => Err(rusqlite::Error::IntegralValueOutOfRange(0, other)),
    }
}

/// Columns of `cards` read by [`card_from_row`], in order.
const CARD_COLUMNS: &str = "card_id, state, step, due, stability, difficulty, ease_factor, streak, \
                            last_review, scheduled_days, reps, lapses";

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<Card> {
    let memory = match (r.get::<_, Option<f64>>(4)?, r.get::<_, Option<f64>>(5)?) {
        (Some(stability), Some(difficulty)) => Some(MemoryState {
            stability,
            difficulty,
        }),
        _ => None,
    };
    let sm2 = match (r.get::<_, Option<f64>>(6)?, r.get::<_, Option<u32>>(7)?) {
        (Some(ease_factor), Some(streak)) => Some(Sm2State {
            ease_factor,
            streak,
        }),
        _ => None,
    };
    Ok(Card {
        id: r.get(0)?,
        state: state_from(r.get(1)?)?,
        step: r.get(2)?,
        due: timestamp(r.get(3)?),
        memory,
        sm2,
        last_review: r.get::<_, Option<i64>>(8)?.map(timestamp),
        scheduled_days: r.get(9)?,
        reps: r.get(10)?,
        lapses: r.get(11)?,
    })
}

/// Rows per multi-row `INSERT`. One statement of many rows costs about a
/// quarter less than as many one-row statements (the statement's setup,
/// reset and bookkeeping are paid once); past about 40 rows the gain is
/// flat (measured with callgrind on the `record_reviews` bench).
const ROWS_PER_INSERT: usize = 40;

const CARD_INSERT: &str = "INSERT INTO cards (position, learner_key, card_id, state, step, due, \
                           stability, difficulty, ease_factor, streak, last_review, \
                           scheduled_days, reps, lapses) VALUES ";
const CARD_UPSERT: &str = " ON CONFLICT (learner_key, card_id) DO UPDATE SET
    state = excluded.state, step = excluded.step, due = excluded.due,
    stability = excluded.stability, difficulty = excluded.difficulty,
    ease_factor = excluded.ease_factor, streak = excluded.streak,
    last_review = excluded.last_review, scheduled_days = excluded.scheduled_days,
    reps = excluded.reps, lapses = excluded.lapses";
const CARD_VALUES: usize = 14;
/// A log's columns: its card's position, then those [`bind_log`] binds.
const LOG_INTO: &str = "INSERT INTO review_logs (card_position, rating, state, reviewed_at, \
                        elapsed_days, scheduled_days, duration_ms)";
const LOG_VALUES: usize = 7;

/// `head`, `rows` groups of `values` anonymous parameters, `tail`.
fn multi_row_sql(head: &str, rows: usize, values: usize, tail: &str) -> String {
    let group = format!("({})", vec!["?"; values].join(", "));
    format!("{head}{}{tail}", vec![group; rows].join(", "))
}

static CARD_SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
    [1, ROWS_PER_INSERT].map(|rows| multi_row_sql(CARD_INSERT, rows, CARD_VALUES, CARD_UPSERT))
});
static LOG_SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
    [1, ROWS_PER_INSERT]
        .map(|rows| multi_row_sql(&format!("{LOG_INTO} VALUES "), rows, LOG_VALUES, ""))
});
/// One log, its card's position found by the learner's key (`?1`) and the
/// card's id (`?2`); the log's own values from `?3`.
static LOG_BY_CARD_ID_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{LOG_INTO} SELECT position, ?3, ?4, ?5, ?6, ?7, ?8 FROM cards \
         WHERE learner_key = ?1 AND card_id = ?2"
    )
});

/// Runs `sql[1]` (a `ROWS_PER_INSERT`-row statement) over whole chunks of
/// `items` and `sql[0]` (one row) over the rest, in order; `bind` binds the
/// values of item `i` from the given 1-based parameter index.
fn insert_rows<T>(
    tx: &Connection,
    sql: &[String; 2],
    values: usize,
    items: &[T],
    bind: impl Fn(&mut rusqlite::Statement<'_>, usize, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut chunks = items.chunks_exact(ROWS_PER_INSERT);
    let mut i = 0;
    if items.len() >= ROWS_PER_INSERT {
        let mut s = tx.prepare_cached(&sql[1])?;
        for chunk in &mut chunks {
            for (j, item) in chunk.iter().enumerate() {
                bind(&mut s, 1 + j * values, i, item)?;
                i += 1;
            }
            s.raw_execute()?;
        }
    }
    if !chunks.remainder().is_empty() {
        let mut s = tx.prepare_cached(&sql[0])?;
        for item in chunks.remainder() {
            bind(&mut s, 1, i, item)?;
            i += 1;
            s.raw_execute()?;
        }
    }
    Ok(())
}

/// Inserts cards for the learner with key `learner`, or updates the
/// learner's card with the same id in place, in slice order (so of two
/// versions of one card the later wins). A card that is inserted takes the
/// position `first_position + i` (`i` its index in `items`), or the next
/// free one if `first_position` is `None`; a card that is updated keeps its
/// own.
pub(super) fn put_cards_of<T>(
    tx: &Connection,
    learner: i64,
    items: &[T],
    first_position: Option<i64>,
    card: impl Fn(&T) -> &Card,
) -> rusqlite::Result<()> {
    insert_rows(tx, &CARD_SQL, CARD_VALUES, items, |s, at, i, item| {
        let card = card(item);
        // `first_position + i` fits: `record_cards` checked the last one.
        s.raw_bind_parameter(at, first_position.map(|p| p + i as i64))?;
        s.raw_bind_parameter(at + 1, learner)?;
        s.raw_bind_parameter(at + 2, &card.id)?;
        s.raw_bind_parameter(at + 3, state_code(card.state))?;
        s.raw_bind_parameter(at + 4, card.step)?;
        s.raw_bind_parameter(at + 5, micros(card.due))?;
        s.raw_bind_parameter(at + 6, card.memory.map(|m| m.stability))?;
        s.raw_bind_parameter(at + 7, card.memory.map(|m| m.difficulty))?;
        s.raw_bind_parameter(at + 8, card.sm2.map(|m| m.ease_factor))?;
        s.raw_bind_parameter(at + 9, card.sm2.map(|m| m.streak))?;
        s.raw_bind_parameter(at + 10, card.last_review.map(micros))?;
        s.raw_bind_parameter(at + 11, card.scheduled_days)?;
        s.raw_bind_parameter(at + 12, card.reps)?;
        s.raw_bind_parameter(at + 13, card.lapses)
    })
}

/// Stores the cards of `items` for the learner with key `learner` as
/// [`put_cards_of`] does. If every one of them was new, returns their
/// positions, in slice order.
///
/// The cards are given positions past every card's, so a new card's
/// position is known without asking for it, and one count tells whether
/// every card was new (`None` if some were stored before, or a card is in
/// `items` twice). A single card is stored without the two queries, which
/// cost more than looking it up.
fn record_cards<T>(
    tx: &Connection,
    learner: i64,
    items: &[T],
    card: impl Fn(&T) -> &Card,
) -> rusqlite::Result<Option<Vec<i64>>> {
    let n = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let mut first = None;
    if n > 1 {
        let last: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(position), 0) FROM cards")?
            .query_row([], |r| r.get(0))?;
        // Near the largest position SQLite can store, let it choose (it
        // finds free ones).
        first = last.checked_add(n).map(|_| last + 1);
    }
    put_cards_of(tx, learner, items, first, card)?;
    let Some(first) = first else {
        return Ok(None);
    };
    let inserted: i64 = tx
        .prepare_cached("SELECT COUNT(*) FROM cards WHERE position >= ?1")?
        .query_row([first], |r| r.get(0))?;
    Ok((inserted == n).then(|| (first..first + n).collect()))
}

/// Appends review logs of the cards at `positions` (one per log), in
/// slice order.
fn put_logs_at<T>(
    tx: &Connection,
    positions: &[i64],
    items: &[T],
    log: impl Fn(&T) -> &ReviewLog,
) -> rusqlite::Result<()> {
    insert_rows(tx, &LOG_SQL, LOG_VALUES, items, |s, at, i, item| {
        s.raw_bind_parameter(at, positions[i])?;
        bind_log(s, at + 1, log(item))
    })
}

/// Binds a log's values after its card's position, from parameter `at`.
fn bind_log(s: &mut rusqlite::Statement<'_>, at: usize, log: &ReviewLog) -> rusqlite::Result<()> {
    s.raw_bind_parameter(at, log.rating.as_u8())?;
    s.raw_bind_parameter(at + 1, state_code(log.state))?;
    s.raw_bind_parameter(at + 2, micros(log.reviewed_at))?;
    s.raw_bind_parameter(at + 3, log.elapsed_days)?;
    s.raw_bind_parameter(at + 4, log.scheduled_days)?;
    s.raw_bind_parameter(at + 5, log.duration_ms)
}

/// Appends review logs of the learner with key `learner`, in slice order,
/// each to the learner's stored card of its `card_id` (found in the same
/// statement). A log whose card is not stored is an error.
pub(super) fn put_logs_of<T>(
    tx: &Connection,
    learner: i64,
    items: &[T],
    log: impl Fn(&T) -> &ReviewLog,
) -> rusqlite::Result<()> {
    let mut s = tx.prepare_cached(&LOG_BY_CARD_ID_SQL)?;
    for item in items {
        let log = log(item);
        s.raw_bind_parameter(1, learner)?;
        s.raw_bind_parameter(2, &log.card_id)?;
        bind_log(&mut s, 3, log)?;
        if s.raw_execute()? != 1 {
            return Err(rusqlite::Error::QueryReturnedNoRows);
        }
    }
    Ok(())
}

/// Stores each review's card and appends its log, in slice order.
fn record_reviews_of<T>(
    tx: &Connection,
    learner: i64,
    reviews: &[T],
    review: impl Fn(&T) -> (&Card, &ReviewLog),
) -> rusqlite::Result<()> {
    if reviews.is_empty() {
        return Ok(());
    }
    match record_cards(tx, learner, reviews, |r| review(r).0)? {
        Some(positions) => put_logs_at(tx, &positions, reviews, |r| review(r).1),
        None => put_logs_of(tx, learner, reviews, |r| review(r).1),
    }
}

/// Logs with their cards: what [`LOG_COLUMNS`] reads from.
pub(super) const LOGS_WITH_CARDS: &str =
    "cards AS c JOIN review_logs AS r ON r.card_position = c.position";

/// Columns of [`LOGS_WITH_CARDS`] read by [`log_from_row`], in order.
pub(super) const LOG_COLUMNS: &str = "c.card_id, r.rating, r.state, r.reviewed_at, r.elapsed_days, \
                                      r.scheduled_days, r.duration_ms";

pub(super) fn log_from_row(r: &Row<'_>) -> rusqlite::Result<ReviewLog> {
    let rating: u8 = r.get(1)?;
    Ok(ReviewLog {
        card_id: r.get(0)?,
        rating: Rating::try_from(rating)
            .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(1, i64::from(rating)))?,
        state: state_from(r.get(2)?)?,
        reviewed_at: timestamp(r.get(3)?),
        elapsed_days: r.get(4)?,
        scheduled_days: r.get(5)?,
        duration_ms: r.get(6)?,
    })
}

/// Which of `reviews` are new, in slice order. A review is identified by
/// its card and time: one already stored with the same values (a client's
/// retry) is skipped; any other review dated before its card's last review
/// (stored, or earlier in `reviews`) is the ordering error, naming its
/// index in a batch.
fn new_reviews<'a>(
    tx: &Connection,
    learner: i64,
    reviews: &'a [(&'a Card, &'a ReviewLog)],
    batch: bool,
) -> Result<Vec<(&'a Card, &'a ReviewLog)>> {
    let mut last_in_batch: HashMap<&str, Timestamp> = HashMap::new();
    let mut kept = Vec::with_capacity(reviews.len());
    let mut stored_card = tx
        .prepare_cached(
            "SELECT position, last_review FROM cards WHERE learner_key = ?1 AND card_id = ?2",
        )
        .map_err(storage("record_review"))?;
    let mut stored_log = tx
        .prepare_cached(
            "SELECT 1 FROM review_logs WHERE card_position = ?1 AND reviewed_at = ?2 AND rating = ?3
             AND state = ?4 AND elapsed_days = ?5 AND scheduled_days = ?6 AND duration_ms IS ?7",
        )
        .map_err(storage("record_review"))?;
    for (i, &(card, log)) in reviews.iter().enumerate() {
        let stored: Option<(i64, Option<i64>)> = stored_card
            .query_row(params![learner, card.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(storage("record_review"))?;
        let previous = last_in_batch
            .get(card.id.as_str())
            .copied()
            .or_else(|| stored.and_then(|(_, last)| last).map(timestamp));
        if previous.is_some_and(|previous| log.reviewed_at <= previous) {
            // Only reviews of a card at or before its last come here.
            let repeated = kept.iter().any(|&(_, earlier)| earlier == log);
            let duplicate = repeated
                || match stored {
                    Some((position, _)) => stored_log
                        .exists(params![
                            position,
                            micros(log.reviewed_at),
                            log.rating.as_u8(),
                            state_code(log.state),
                            log.elapsed_days,
                            log.scheduled_days,
                            log.duration_ms
                        ])
                        .map_err(storage("record_review"))?,
                    None => false,
                };
            match previous {
                _ if duplicate => continue,
                Some(previous) if log.reviewed_at < previous => {
                    let error = Error::ReviewBeforeLastReview {
                        now: log.reviewed_at.to_datetime(),
                        last_review: previous.to_datetime(),
                    };
                    return Err(if batch {
                        Error::in_batch(i, error)
                    } else {
                        error
                    });
                }
                _ => {}
            }
        }
        last_in_batch.insert(&card.id, log.reviewed_at);
        kept.push((card, log));
    }
    Ok(kept)
}

fn check_review(learner_id: &str, card: &Card, log: &ReviewLog) -> Result<()> {
    check_id("learner_id", learner_id)?;
    // The card's own rules, its id's included.
    card.check().map_err(|e| e.within("card"))?;
    if log.card_id != card.id {
        return Err(Error::invalid(
            "log.card_id",
            format!("{:?} is not the card's id {:?}", log.card_id, card.id),
        ));
    }
    Ok(())
}

impl Store {
    /// Store cards for a learner (new ones at the end of the new-card order;
    /// existing ones, by id, updated in place). One transaction.
    pub fn put_cards(&self, learner_id: &str, cards: &[Card], at: DateTime<Utc>) -> Result<()> {
        check_id("learner_id", learner_id)?;
        for (i, c) in cards.iter().enumerate() {
            c.check().map_err(|e| e.within(&format!("cards[{i}]")))?;
        }
        self.write("put_cards", |tx| {
            let learner = ensure_learner(tx, learner_id, at)?;
            put_cards_of(tx, learner, cards, None, |c| c).map_err(storage("put_cards"))?;
            self.audit(tx, "put_cards", Some(learner_id))
        })
    }

    /// Record one review: the reviewed card and its log in one transaction
    /// (both or neither are stored).
    ///
    /// Idempotent: a review is identified by its card and time, and the
    /// same review recorded again (a client's retry) changes nothing. A
    /// review dated before the card's stored last review is refused with
    /// [`Error::ReviewBeforeLastReview`], so a late request never replaces
    /// a newer card.
    pub fn record_review(&self, learner_id: &str, card: &Card, log: &ReviewLog) -> Result<()> {
        check_review(learner_id, card, log)?;
        self.write("record_review", |tx| {
            let learner = ensure_learner(tx, learner_id, log.reviewed_at.into())?;
            let review = [(card, log)];
            let new = new_reviews(tx, learner, &review, false)?;
            record_reviews_of(tx, learner, &new, |r| *r).map_err(storage("record_review"))?;
            self.audit(tx, "record_review", Some(learner_id))
        })
    }

    /// Record many reviews in one transaction (all or none). In slice
    /// order: of several reviews of one card, the last one's card is kept,
    /// and every log is appended. Reviews stored before are skipped and
    /// reviews out of order refused, as in [`Store::record_review`] (the
    /// error names the review's index).
    pub fn record_reviews(&self, learner_id: &str, reviews: &[(Card, ReviewLog)]) -> Result<()> {
        for (i, (card, log)) in reviews.iter().enumerate() {
            check_review(learner_id, card, log).map_err(|e| Error::in_batch(i, e))?;
        }
        let Some((_, first)) = reviews.first() else {
            return Ok(());
        };
        self.write("record_reviews", |tx| {
            let learner = ensure_learner(tx, learner_id, first.reviewed_at.into())?;
            let reviews: Vec<(&Card, &ReviewLog)> = reviews.iter().map(|(c, l)| (c, l)).collect();
            let new = new_reviews(tx, learner, &reviews, true)?;
            record_reviews_of(tx, learner, &new, |r| *r).map_err(storage("record_reviews"))?;
            self.audit(tx, "record_reviews", Some(learner_id))
        })
    }

    /// One card of a learner.
    pub fn card(&self, learner_id: &str, card_id: &str) -> Result<Card> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND card_id = ?2"
        );
        self.read("card", |c| {
            c.prepare_cached(&sql)?
                .query_row([learner_id, card_id], card_from_row)
                .optional()
        })?
        .ok_or_else(|| not_found("card", card_id))
    }

    /// Every card of a learner, in insertion order.
    pub fn cards(&self, learner_id: &str) -> Result<Vec<Card>> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) ORDER BY position"
        );
        self.read("cards", |c| {
            c.prepare_cached(&sql)?
                .query_map([learner_id], card_from_row)?
                .collect()
        })
    }

    /// A card's review logs, oldest first.
    pub fn review_logs(&self, learner_id: &str, card_id: &str) -> Result<Vec<ReviewLog>> {
        self.read("review_logs", |c| {
            c.prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM {LOGS_WITH_CARDS}
                 WHERE c.learner_key = (SELECT key FROM learners WHERE id = ?1) AND c.card_id = ?2
                 ORDER BY r.reviewed_at, r.id"
            ))?
            .query_map([learner_id, card_id], log_from_row)?
            .collect()
        })
    }

    /// The cards a learner should study at `now`, in study order, with the
    /// same rules as [`srs::due_queue`] over all the learner's cards.
    ///
    /// Only candidates are read: (re)learning cards due within the
    /// learn-ahead window, the `review_limit` due review cards first in the
    /// chosen order (ranked inside SQLite), and the first `new_limit` new
    /// cards; then [`srs::due_queue`] orders them.
    pub fn due_queue(
        &self,
        learner_id: &str,
        now: DateTime<Utc>,
        options: &QueueOptions,
    ) -> Result<Vec<Card>> {
        let ahead = micros(
            now.checked_add_signed(options.learn_ahead)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let review_until = micros(
            now.checked_add_signed(options.review_ahead)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let cols = CARD_COLUMNS;
        let candidates = self.read("due_queue", |c| {
            let mut cards: Vec<Card> = c
                .prepare_cached(&format!(
                    "SELECT {cols} FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND state IN (1, 3) AND due <= ?2 ORDER BY position"
                ))?
                .query_map(params![learner_id, ahead], card_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            if options.order == QueueOrder::Shuffled {
                // A shuffle needs every due review card.
                let reviews = c
                    .prepare_cached(&format!(
                        "SELECT {cols} FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND state = 2 AND due <= ?2
                         ORDER BY position"
                    ))?
                    .query_map(params![learner_id, review_until], card_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                cards.extend(reviews);
            } else {
                let chosen = top_due_reviews(c, learner_id, review_until, now, options)?;
                let mut read = c.prepare_cached(&format!(
                    "SELECT {cols} FROM cards WHERE position = ?1"
                ))?;
                for position in chosen {
                    cards.push(read.query_row([position], card_from_row)?);
                }
            }
            let new = c
                .prepare_cached(&format!(
                    "SELECT {cols} FROM cards WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND state = 0 ORDER BY position LIMIT ?2"
                ))?
                .query_map(params![learner_id, options.new_limit as i64], card_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            cards.extend(new);
            Ok(cards)
        })?;
        let queue = srs::due_queue(&candidates, now, options);
        let mut candidates: Vec<Option<Card>> = candidates.into_iter().map(Some).collect();
        Ok(queue.iter().filter_map(|i| candidates[i].take()).collect())
    }

    /// Due counts for each of the next `days` days (overdue cards count in
    /// day 0), as [`srs::forecast`] computes them, counted inside SQLite.
    pub fn forecast(&self, learner_id: &str, now: DateTime<Utc>, days: u32) -> Result<Vec<u32>> {
        srs::check_forecast_days(days)?;
        let rows: Vec<(i64, u32)> = self.read("forecast", |c| {
            c.prepare_cached(
                "SELECT MAX((due - ?2) / 86400000000, 0) AS day, COUNT(*) FROM cards
                 WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND state != 0 AND due < ?2 + ?3 * 86400000000
                 GROUP BY day",
            )?
            .query_map(params![learner_id, micros(now), i64::from(days)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect()
        })?;
        let mut out = vec![0u32; days as usize];
        for (day, count) in rows {
            if let Some(slot) = out.get_mut(day as usize) {
                *slot += count;
            }
        }
        Ok(out)
    }

    /// Append events to a learner's log. Idempotent: an event whose
    /// (device, seq) is already stored is skipped if identical, and an error
    /// if different (the log is append-only). Returns how many were new.
    pub fn append_events(&self, learner_id: &str, events: &[Event]) -> Result<usize> {
        check_id("learner_id", learner_id)?;
        for (i, e) in events.iter().enumerate() {
            check_id(&format!("events[{i}].device"), &e.device)?;
        }
        let Some(first) = events.first() else {
            return Ok(0);
        };
        self.write("append_events", |tx| {
            ensure_learner(tx, learner_id, first.at)?;
            let added = append_events_in(tx, learner_id, events)?;
            self.audit(tx, "append_events", Some(learner_id))?;
            Ok(added)
        })
    }

    /// A learner's events in (time, device, seq) order.
    pub fn events(&self, learner_id: &str) -> Result<Vec<Event>> {
        let rows: Vec<(String, i64, i64, String, String)> = self.read("events", |c| {
            c.prepare_cached(
                "SELECT device, seq, at, kind, payload FROM events WHERE learner_id = ?1
                 ORDER BY at, device, seq",
            )?
            .query_map([learner_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })?;
        rows.into_iter()
            .map(|(device, seq, at, kind, payload)| {
                Ok(Event {
                    device,
                    seq,
                    at: from_micros(at),
                    kind,
                    payload: crate::json::from_json(&payload)?,
                })
            })
            .collect()
    }
}

/// The positions of the `review_limit` due review cards that come first in
/// `options.order`, in position order. The ranking columns are read from
/// the covering index `cards_by_due` alone (no table rows, no SQL sort), and
/// ranked here: SQLite's sorter costs about a microsecond per due card.
fn top_due_reviews(
    c: &rusqlite::Connection,
    learner_id: &str,
    review_until: i64,
    now: DateTime<Utc>,
    options: &QueueOptions,
) -> rusqlite::Result<Vec<i64>> {
    let now = crate::Timestamp::from(now);
    struct Due {
        position: i64,
        due: i64,
        /// The queue's own ranking key (see [`srs::due_queue`]).
        rank: Option<f64>,
    }
    let mut due: Vec<Due> = c
        .prepare_cached(
            "SELECT position, due, last_review, stability, scheduled_days FROM cards
             WHERE learner_key = (SELECT key FROM learners WHERE id = ?1) AND state = 2 AND due <= ?2",
        )?
        .query_map(params![learner_id, review_until], |r| {
            let last_review: Option<i64> = r.get(2)?;
            Ok(Due {
                position: r.get(0)?,
                due: r.get(1)?,
                rank: srs::decay_rank(last_review.map(timestamp), r.get(3)?, r.get(4)?, now),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_order = |a: &Due, b: &Due| match options.order {
        QueueOrder::Retrievability => {
            srs::by_decay_rank((a.rank, (a.due, a.position)), (b.rank, (b.due, b.position)))
        }
        QueueOrder::DueDate | QueueOrder::Shuffled => (a.due, a.position).cmp(&(b.due, b.position)),
    };
    let limit = (options.review_limit as usize).min(due.len());
    if limit < due.len() {
        due.select_nth_unstable_by(limit, by_order);
        due.truncate(limit);
    }
    let mut positions: Vec<i64> = due.into_iter().map(|d| d.position).collect();
    positions.sort_unstable();
    Ok(positions)
}

/// Append events inside `tx` (see [`Store::append_events`]); returns how
/// many were new.
pub(super) fn append_events_in(
    tx: &Connection,
    learner_id: &str,
    events: &[Event],
) -> Result<usize> {
    let mut added = 0;
    for (i, e) in events.iter().enumerate() {
        let payload = crate::json::to_json(&e.payload);
        let n = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events (learner_id, device, seq, at, kind, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    learner_id,
                    e.device,
                    e.seq,
                    micros(e.at),
                    e.kind,
                    payload
                ])
            })
            .map_err(storage("append_events"))?;
        if n == 0 {
            let same: bool = tx
                .query_row(
                    "SELECT at = ?4 AND kind = ?5 AND payload = ?6 FROM events
                     WHERE learner_id = ?1 AND device = ?2 AND seq = ?3",
                    params![learner_id, e.device, e.seq, micros(e.at), e.kind, payload],
                    |r| r.get(0),
                )
                .map_err(storage("append_events"))?;
            if !same {
                return Err(Error::invalid(
                    format!("events[{i}]"),
                    format!(
                        "event ({}, {}) is already stored with different content",
                        e.device, e.seq
                    ),
                ));
            }
        }
        added += n;
    }
    Ok(added)
}

pub(super) fn not_found(what: &str, id: &str) -> Error {
    Error::NotFound {
        what: what.into(),
        id: id.into(),
    }
}
