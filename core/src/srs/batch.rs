//! [`CardBatch`]: cards held for reviewing many at once, which keep count of
//! what a review would otherwise check card by card.

use super::Card;
use chrono::{DateTime, Utc};

/// Cards kept together for batch reviews ([`super::Scheduler::review_batch`]).
///
/// A batch review is all or nothing, so a plain slice must be read twice:
/// once to check that no card can fail, once to review. On a large batch
/// that first read is a sixth of the time, because it is a pass over memory
/// (120 bytes a card) rather than arithmetic. A `CardBatch` makes that pass
/// unnecessary where it can: it counts the cards that are not
/// *ready*, meaning consistent and either carrying an FSRS memory state or
/// needing none yet (new, or learning without an SM-2 state). It also
/// keeps the latest last review of any card. An FSRS review at or after
/// that time of a batch with no unready card cannot fail, and so skips the
/// check.
///
/// The counts are kept as cards come in and go out, and after each review
/// from the reviewed cards themselves. Reading goes through `Deref` to a
/// slice, and writing through [`CardBatch::push`] and [`CardBatch::replace`].
/// Any card may be held; an unready card only brings the check back.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use learnloop::srs::{Card, CardBatch, Fsrs, Rating, Scheduler, State};
/// let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
/// let mut batch: CardBatch = (0..3).map(|i| Card::new(format!("c{i}"), now)).collect();
/// let fsrs = Fsrs::default();
/// fsrs.review_batch(&mut batch, &[Rating::Easy; 3], now)?;
/// assert!(batch.iter().all(|card| card.state == State::Review));
/// // A review before the last one is still refused, and changes nothing.
/// let before = batch.clone();
/// assert!(fsrs.review_batch(&mut batch, &[Rating::Good; 3], now - TimeDelta::hours(1)).is_err());
/// assert_eq!(batch, before);
/// # Ok::<(), learnloop::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardBatch {
    cards: Vec<Card>,
    /// How many cards are not ready (see [`Card::batch_ready`]).
    unready: usize,
    /// At least the latest `last_review` of any card (replacing a card may
    /// leave it higher than the exact latest, which only brings the check
    /// back).
    latest_review: Option<DateTime<Utc>>,
}

impl CardBatch {
    /// A batch of `cards`, counted in one pass.
    pub fn new(cards: Vec<Card>) -> Self {
        let mut batch = CardBatch {
            cards,
            unready: 0,
            latest_review: None,
        };
        batch.recount();
        batch
    }

    /// Add `card` at the end.
    pub fn push(&mut self, card: Card) {
        self.count_in(&card);
        self.cards.push(card);
    }

    /// Put `card` at `index` and return the card it replaces, or `None`
    /// (and change nothing) if `index` is out of range.
    pub fn replace(&mut self, index: usize, card: Card) -> Option<Card> {
        if index >= self.cards.len() {
            return None;
        }
        self.count_in(&card);
        let old = std::mem::replace(&mut self.cards[index], card);
        self.unready -= usize::from(!old.batch_ready());
        Some(old)
    }

    /// The cards, as a `Vec`.
    pub fn into_vec(self) -> Vec<Card> {
        self.cards
    }

    fn count_in(&mut self, card: &Card) {
        self.unready += usize::from(!card.batch_ready());
        self.latest_review = self.latest_review.max(card.last_review);
    }

    /// Count every card again.
    pub(crate) fn recount(&mut self) {
        self.unready = self.cards.iter().filter(|c| !c.batch_ready()).count();
        self.latest_review = self.cards.iter().filter_map(|c| c.last_review).max();
    }

    /// Whether a review at `now` may skip checking the cards: every card is
    /// ready and none was reviewed after `now`.
    pub(crate) fn ready_at(&self, now: DateTime<Utc>) -> bool {
        self.unready == 0 && self.latest_review.is_none_or(|latest| latest <= now)
    }

    /// The cards, for a scheduler to review where they lie. The scheduler
    /// must then call [`CardBatch::reviewed`] (or [`CardBatch::recount`]).
    pub(crate) fn cards_mut(&mut self) -> &mut [Card] {
        &mut self.cards
    }

    /// Record a review of every card at `now` that left `unready` cards not
    /// ready; on an error, count again (the cards may not be as they were).
    pub(crate) fn reviewed(
        &mut self,
        now: DateTime<Utc>,
        result: crate::Result<usize>,
    ) -> crate::Result<()> {
        match result {
            Ok(unready) => {
                self.unready = unready;
                if !self.cards.is_empty() {
                    self.latest_review = self.latest_review.max(Some(now));
                }
                Ok(())
            }
            Err(error) => {
                self.recount();
                Err(error)
            }
        }
    }
}

impl std::ops::Deref for CardBatch {
    type Target = [Card];

    fn deref(&self) -> &[Card] {
        &self.cards
    }
}

impl From<Vec<Card>> for CardBatch {
    fn from(cards: Vec<Card>) -> Self {
        CardBatch::new(cards)
    }
}

impl From<CardBatch> for Vec<Card> {
    fn from(batch: CardBatch) -> Self {
        batch.cards
    }
}

impl FromIterator<Card> for CardBatch {
    fn from_iter<I: IntoIterator<Item = Card>>(cards: I) -> Self {
        CardBatch::new(cards.into_iter().collect())
    }
}

impl Extend<Card> for CardBatch {
    fn extend<I: IntoIterator<Item = Card>>(&mut self, cards: I) {
        for card in cards {
            self.push(card);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srs::{Fsrs, MemoryState, Rating, Scheduler, Sm2, State};
    use chrono::{TimeDelta, TimeZone};
    use proptest::prelude::*;

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + TimeDelta::hours(hours)
    }

    /// Cards of every kind a batch may meet: new, learning, reviewed with
    /// and without a memory state, migrated from SM-2, inconsistent.
    fn any_card() -> impl Strategy<Value = Card> {
        (
            0u8..4,
            prop_oneof![Just(None), (0.01f64..400.0, 1.0f64..10.0).prop_map(Some)],
            prop::option::of(1.3f64..3.0),
            prop::option::of(-48i64..48),
            prop::bool::weighted(0.05),
            0u32..30,
        )
            .prop_map(|(state, memory, ease, last, broken, days)| {
                let mut card = Card::new("c", at(0));
                card.state = [
                    State::New,
                    State::Learning,
                    State::Review,
                    State::Relearning,
                ][usize::from(state)];
                card.memory = memory.map(|(stability, difficulty)| MemoryState {
                    stability: if broken { -stability } else { stability },
                    difficulty,
                });
                card.sm2 = ease.map(|ease_factor| crate::srs::Sm2State {
                    ease_factor,
                    streak: 1,
                });
                card.last_review = last.map(at);
                card.step = matches!(card.state, State::Learning | State::Relearning).then_some(0);
                card.scheduled_days = days;
                card
            })
    }

    fn counted(batch: &CardBatch) -> (usize, Option<DateTime<Utc>>) {
        let fresh = CardBatch::new(batch.to_vec());
        (fresh.unready, fresh.latest_review)
    }

    proptest! {
        /// A batch review gives exactly what reviewing the same cards as a
        /// slice gives (result or error, cards changed or not), whether the
        /// check was skipped or not; and the counts stay true.
        #[test]
        fn batch_reviews_match_slice_reviews(
            cards in prop::collection::vec(any_card(), 0..40),
            edits in prop::collection::vec((0usize..40, any_card()), 0..4),
            rounds in prop::collection::vec((-50i64..100, 1u8..=4), 1..4),
        ) {
            let fsrs = Fsrs::default();
            let mut batch = CardBatch::new(cards.clone());
            let mut plain = cards;
            for (index, card) in edits {
                let replaced = batch.replace(index, card.clone());
                prop_assert_eq!(replaced.is_some(), index < plain.len());
                if index < plain.len() {
                    plain[index] = card;
                } else {
                    batch.push(card.clone());
                    plain.push(card);
                }
            }
            for (hours, rating) in rounds {
                let now = at(hours);
                let ratings = vec![Rating::try_from(i64::from(rating)).unwrap(); plain.len()];
                let skipped = batch.ready_at(now);
                let want = fsrs.review_in_place(&mut plain, &ratings, now);
                let got = fsrs.review_batch(&mut batch, &ratings, now);
                prop_assert_eq!(got.is_ok(), want.is_ok());
                if let (Err(got), Err(want)) = (&got, &want) {
                    prop_assert_eq!(got.to_string(), want.to_string());
                }
                prop_assert!(!skipped || got.is_ok(), "a skipped check let a failure through");
                prop_assert_eq!(&batch[..], &plain[..]);
                let (unready, latest) = counted(&batch);
                prop_assert_eq!(batch.unready, unready);
                prop_assert!(batch.latest_review >= latest);
            }
        }

        /// A ready card's review never fails at or after its last review:
        /// what lets a batch skip the check.
        #[test]
        fn ready_cards_review_without_error(card in any_card(), later in 0i64..500, rating in 1u8..=4) {
            prop_assume!(card.batch_ready());
            let now = card.last_review.unwrap_or(at(0)) + TimeDelta::hours(later);
            let rating = Rating::try_from(i64::from(rating)).unwrap();
            prop_assert!(Fsrs::default().review(&card, rating, now).is_ok());
        }
    }

    #[test]
    fn other_schedulers_keep_the_counts_true() {
        let mut batch: CardBatch = (0..5).map(|i| Card::new(format!("c{i}"), at(0))).collect();
        assert!(batch.ready_at(at(0)));
        Sm2::default()
            .review_batch(&mut batch, &[Rating::Good; 5], at(1))
            .unwrap();
        // SM-2 leaves reviewed cards without an FSRS memory state.
        assert_eq!((batch.unready, batch.latest_review), (5, Some(at(1))));
        assert!(!batch.ready_at(at(2)));
        Fsrs::default()
            .review_batch(&mut batch, &[Rating::Good; 5], at(30))
            .unwrap();
        assert!(batch.ready_at(at(30)));
        assert!(!batch.ready_at(at(29)));
    }

    #[test]
    fn replacing_out_of_range_changes_nothing() {
        let mut batch = CardBatch::new(vec![Card::new("a", at(0))]);
        let before = batch.clone();
        assert_eq!(batch.replace(1, Card::new("b", at(0))), None);
        assert_eq!(batch, before);
        assert_eq!(Vec::from(batch), vec![Card::new("a", at(0))]);
    }
}
