-- learnloop store, migration 6: a review log refers to its card by the
-- card's position (its row id) instead of by the learner's key and the
-- card's id text. The log index then holds integers in the order logs are
-- written, so appending a log appends to the index, where before each log
-- was a seek and an insert by text into the middle of it: a sixth of the
-- work of recording a batch of reviews (benches/store.rs).
--
-- The learner and the card id are the card's: a log is read together with
-- its card. No foreign key is declared on card_position: checking it costs
-- a seek into the cards table for every log, and the store keeps the link
-- itself (a log is written in the same transaction as its card, with the
-- position that transaction gave or found for it; cards are deleted only
-- with all their learner's logs, in one transaction).
--
-- The table is rebuilt (its columns change). A log whose card is missing
-- (which the store never wrote) fails the NOT NULL below, and with it the
-- migration, instead of being dropped.

CREATE TABLE review_logs_v6 (
    id             INTEGER PRIMARY KEY,
    card_position  INTEGER NOT NULL,         -- cards.position of the reviewed card
    rating         INTEGER NOT NULL,
    state          INTEGER NOT NULL,
    reviewed_at    INTEGER NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    duration_ms    INTEGER
);
INSERT INTO review_logs_v6
SELECT r.id, c.position, r.rating, r.state, r.reviewed_at, r.elapsed_days, r.scheduled_days,
       r.duration_ms
FROM review_logs AS r
LEFT JOIN cards AS c ON c.learner_key = r.learner_key AND c.card_id = r.card_id
ORDER BY r.id;

DROP TABLE review_logs;
ALTER TABLE review_logs_v6 RENAME TO review_logs;
CREATE INDEX review_logs_by_card ON review_logs (card_position, reviewed_at);
