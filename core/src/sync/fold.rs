//! Derived state: a deterministic fold over a learner's events in the
//! order (stamp, device, seq). Two replicas holding the same events hold
//! the same state, bit for bit; nothing derived is ever synced itself.

use super::event::{Body, Event, EventId};
use super::hlc::Hlc;
use super::log::EventLog;
use super::register::Registers;
use crate::adaptive::{AdaptationRecord, AdaptiveState, Engine};
use crate::srs::{Card, ReviewContext, Scheduler};
use crate::{Result, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// What a fold computes with: the scheduler of the cards and the engine of
/// the adaptive sessions. Every replica of a learner folds with the same
/// rules (they are the app's settings, not synced data).
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    /// Schedules the cards' reviews.
    pub scheduler: &'a dyn Scheduler,
    /// Adapts the sessions to the answers.
    pub engine: &'a Engine,
}

/// An adaptive session as folded from its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionFold {
    /// The adaptive state after every answer.
    pub state: AdaptiveState,
    /// The engine's decision after each answer, with its reason.
    pub history: Vec<AdaptationRecord>,
}

/// A learner's state as folded from their events.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LearnerState {
    /// The deck: each card's scheduling state after every review of it.
    pub cards: BTreeMap<String, Card>,
    /// Cards removed (and not added again since).
    pub removed: BTreeSet<String>,
    /// Every register.
    pub registers: Registers,
    /// The adaptive sessions, by id.
    pub sessions: BTreeMap<String, SessionFold>,
    /// Events of kinds or versions this library does not fold (a newer
    /// app's): kept in the log and forwarded, counted here.
    pub unknown: usize,
    /// Events the fold could not apply (a review the scheduler refused, a
    /// payload that does not decode), by id: the same on every replica.
    pub skipped: Vec<EventId>,
    /// The stamp of the last event folded.
    pub last: Option<Hlc>,
}

impl LearnerState {
    /// The state after every event of `log`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use learnloop::adaptive::Engine;
    /// use learnloop::srs::{Fsrs, Rating};
    /// use learnloop::sync::{Body, CardChange, Clock, Event, EventLog, LearnerState, Review, Rules};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    /// let mut clock = Clock::default();
    /// let mut log = EventLog::default();
    /// let add = Body::CardAdded(CardChange { card: "c1".into(), at: now.into() });
    /// let review = Body::Review(Review { card: "c1".into(), rating: Rating::Good, reviewed_at: now.into(), duration_ms: None });
    /// log.insert(Event::new("phone", 1, clock.tick(now), &add)?)?;
    /// log.insert(Event::new("phone", 2, clock.tick(now), &review)?)?;
    /// let rules = Rules { scheduler: &Fsrs::default(), engine: &Engine::default() };
    /// let state = LearnerState::fold(&log, rules);
    /// assert_eq!(state.cards["c1"].reps, 1);
    /// # Ok::<(), learnloop::Error>(())
    /// ```
    pub fn fold(log: &EventLog, rules: Rules<'_>) -> Self {
        let mut state = LearnerState::default();
        for event in log.events() {
            state.step(event, rules);
        }
        state
    }

    /// Fold one more event, later in the fold's order than every event
    /// folded so far.
    pub fn step(&mut self, event: &Event, rules: Rules<'_>) {
        debug_assert!(self.last.is_none_or(|l| l <= event.hlc));
        self.last = Some(event.hlc);
        match Body::of(event) {
            Ok(Some(body)) => {
                if self.apply(event, body, rules).is_err() {
                    self.skipped.push(event.id.clone());
                }
            }
            Ok(None) => self.unknown += 1,
            Err(_) => self.skipped.push(event.id.clone()),
        }
    }

    fn apply(&mut self, event: &Event, body: Body, rules: Rules<'_>) -> Result<()> {
        match body {
            Body::CardAdded(change) => {
                self.removed.remove(&change.card);
                self.cards
                    .entry(change.card.clone())
                    .or_insert_with(|| Card::new(change.card, change.at));
            }
            Body::CardRemoved(change) => {
                self.cards.remove(&change.card);
                self.removed.insert(change.card);
            }
            Body::Review(review) => {
                if self.removed.contains(&review.card) {
                    return Ok(());
                }
                let card = self
                    .cards
                    .entry(review.card.clone())
                    .or_insert_with(|| Card::new(review.card.clone(), review.reviewed_at));
                // Devices' clocks disagree: a review whose clock is behind the
                // card's last review counts as made at that time.
                let at: Timestamp = card
                    .last_review
                    .map_or(review.reviewed_at, |last| last.max(review.reviewed_at));
                let update = rules
                    .scheduler
                    .next(card, review.rating, &ReviewContext::at(at))?;
                *card = update.outcome(card, review.rating).card;
            }
            Body::Register(write) => {
                self.registers.apply(
                    event.hlc,
                    &event.id,
                    &write.register,
                    &write.op,
                    &write.seen,
                );
            }
            Body::Answer(answer) => {
                let mut interaction = answer.interaction;
                let session = self
                    .sessions
                    .entry(answer.session)
                    .or_insert_with(|| SessionFold {
                        state: AdaptiveState::initial(interaction.at),
                        history: Vec::new(),
                    });
                // As for reviews: an answer whose clock is behind the session's
                // last update counts as given then.
                let last = session.state.live_performance_metrics.last_updated;
                interaction.at = interaction.at.max(last);
                let seen = rules.engine.observe(&session.state, &interaction)?;
                session.state = seen.state;
                session.history.push(seen.record);
            }
        }
        Ok(())
    }
}
