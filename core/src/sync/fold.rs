//! Derived state: a deterministic fold over a learner's events in the
//! order (stamp, device, seq). Two replicas holding the same events hold
//! the same state, bit for bit; nothing derived is ever synced itself.

use super::event::{Authority, Body, Event, EventId};
use super::hlc::Hlc;
use super::log::EventLog;
use super::register::Registers;
use crate::adaptive::{AdaptationRecord, AdaptiveState, Engine, Interaction};
use crate::srs::{Card, ReviewContext, Scheduler};
use crate::{Result, Timestamp};
use serde::{Deserialize, Serialize};
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

/// [`Rules`] that own their scheduler and engine, for a host that keeps
/// them beside its replicas (each binding does).
pub struct OwnedRules {
    /// Schedules the cards' reviews.
    pub scheduler: Box<dyn Scheduler + Send>,
    /// Adapts the sessions to the answers.
    pub engine: Engine,
}

impl OwnedRules {
    /// The rules, borrowed.
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            scheduler: self.scheduler.as_ref(),
            engine: &self.engine,
        }
    }
}

/// FSRS and the engine with their default settings.
impl Default for OwnedRules {
    fn default() -> Self {
        OwnedRules {
            scheduler: Box::new(crate::srs::Fsrs::default()),
            engine: Engine::default(),
        }
    }
}

impl std::fmt::Debug for OwnedRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedRules").finish_non_exhaustive()
    }
}

/// An adaptive session as folded from its answers and the backend's
/// decisions on it.
///
/// An [`Authority`] event replaces the state with the decided one and
/// then applies again, in the fold's order, every answer of the session
/// folded so far that the decision had not seen: an answer counts unless
/// the decision was made knowing it. Answers after the decision in the
/// fold's order are applied as usual (a decision cannot have seen an
/// event stamped after it: the clock of its maker had observed every
/// event it had seen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFold {
    /// The adaptive state after every answer and decision.
    pub state: AdaptiveState,
    /// The engine's decisions, in the order they were made by the fold
    /// (an answer applied again after a backend decision adds one more).
    pub history: Vec<AdaptationRecord>,
    /// Every answer folded, by event id, as given.
    pub answers: Vec<(EventId, Interaction)>,
    /// The backend decision the state rests on, if any.
    pub authority: Option<EventId>,
}

impl SessionFold {
    fn new(at: chrono::DateTime<chrono::Utc>) -> Self {
        SessionFold {
            state: AdaptiveState::initial(at),
            history: Vec::new(),
            answers: Vec::new(),
            authority: None,
        }
    }

    /// Apply one answer to the state.
    fn answer(&mut self, engine: &Engine, interaction: &Interaction) -> Result<()> {
        let mut interaction = interaction.clone();
        // As for reviews: an answer whose clock is behind the session's
        // last update counts as given then.
        let last = self.state.live_performance_metrics.last_updated;
        interaction.at = interaction.at.max(last);
        let seen = engine.observe(&self.state, &interaction)?;
        self.state = seen.state;
        self.history.push(seen.record);
        Ok(())
    }

    /// Rest the state on a backend decision, then apply the answers it had
    /// not seen. An answer the engine refuses is skipped as it was first.
    fn decide(&mut self, id: &EventId, authority: Authority, engine: &Engine) {
        self.state = authority.state;
        self.authority = Some(id.clone());
        let unseen: Vec<Interaction> = self
            .answers
            .iter()
            .filter(|(a, _)| !authority.seen.covers(&a.device, a.seq))
            .map(|(_, i)| i.clone())
            .collect();
        for interaction in &unseen {
            let _ = self.answer(engine, interaction);
        }
    }
}

/// A learner's state as folded from their events. Serialized (for hosts
/// and the bindings) with the registers' values, not their writes.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
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
    /// The stamp of the last event folded (bookkeeping of the incremental
    /// fold; not serialized, as JavaScript numbers cannot hold it).
    #[serde(skip)]
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
                let session = self
                    .sessions
                    .entry(answer.session)
                    .or_insert_with(|| SessionFold::new(answer.interaction.at));
                let result = session.answer(rules.engine, &answer.interaction);
                session.answers.push((event.id.clone(), answer.interaction));
                result?;
            }
            Body::Authority(authority) => {
                let at = authority.state.live_performance_metrics.last_updated;
                self.sessions
                    .entry(authority.session.clone())
                    .or_insert_with(|| SessionFold::new(at))
                    .decide(&event.id, authority, rules.engine);
            }
        }
        Ok(())
    }
}
