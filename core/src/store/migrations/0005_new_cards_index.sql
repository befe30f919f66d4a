-- learnloop store, migration 5: a partial index of each learner's new cards
-- in insertion order, so the due queue reads its first new cards directly.
-- Without it the queue read every new card's row and sorted them (over half
-- of a due queue with 5,000 new cards, benches/store.rs). Only new cards
-- are in it: a review moves a card out, and recording reviews of cards that
-- were never stored as new does not touch it.

CREATE INDEX cards_new ON cards (learner_key) WHERE state = 0;
