-- learnloop store, migration 4: every learner gets an integer key, and
-- cards and review logs refer to the learner by it instead of by the id
-- text. Their indexes lead with the learner, so each insert and seek in
-- them compares an integer first instead of a string (about a tenth of the
-- work of recording a batch of reviews, measured in benches/store.rs).
--
-- The three tables are rebuilt (SQLite cannot change a column's type in
-- place): new tables are filled from the old ones, the old ones dropped and
-- the new ones renamed. This migration runs with foreign-key enforcement
-- off, so dropping the old learners table cascades nowhere; every foreign
-- key is checked before it commits. A row whose learner is missing (which
-- enforcement never let in) fails the NOT NULL below and the migration,
-- rather than being dropped.

CREATE TABLE learners_v4 (
    key        INTEGER PRIMARY KEY,          -- what cards and review logs refer to
    id         TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
INSERT INTO learners_v4 (id, created_at) SELECT id, created_at FROM learners ORDER BY rowid;

CREATE TABLE cards_v4 (
    position       INTEGER PRIMARY KEY,      -- insertion order (new cards are studied in it)
    learner_key    INTEGER NOT NULL REFERENCES learners (key) ON DELETE CASCADE,
    card_id        TEXT NOT NULL,
    state          INTEGER NOT NULL,         -- 0 new, 1 learning, 2 review, 3 relearning
    step           INTEGER,
    due            INTEGER NOT NULL,
    stability      REAL,
    difficulty     REAL,
    ease_factor    REAL,
    streak         INTEGER,
    last_review    INTEGER,
    scheduled_days INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    UNIQUE (learner_key, card_id)
);
INSERT INTO cards_v4
SELECT c.position, l.key, c.card_id, c.state, c.step, c.due, c.stability, c.difficulty,
       c.ease_factor, c.streak, c.last_review, c.scheduled_days, c.reps, c.lapses
FROM cards AS c LEFT JOIN learners_v4 AS l ON l.id = c.learner_id
ORDER BY c.position;

CREATE TABLE review_logs_v4 (
    id             INTEGER PRIMARY KEY,
    learner_key    INTEGER NOT NULL REFERENCES learners (key) ON DELETE CASCADE,
    card_id        TEXT NOT NULL,
    rating         INTEGER NOT NULL,
    state          INTEGER NOT NULL,
    reviewed_at    INTEGER NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    duration_ms    INTEGER
);
INSERT INTO review_logs_v4
SELECT r.id, l.key, r.card_id, r.rating, r.state, r.reviewed_at, r.elapsed_days,
       r.scheduled_days, r.duration_ms
FROM review_logs AS r LEFT JOIN learners_v4 AS l ON l.id = r.learner_id
ORDER BY r.id;

DROP TABLE review_logs;
DROP TABLE cards;
DROP TABLE learners;
ALTER TABLE learners_v4 RENAME TO learners;
ALTER TABLE cards_v4 RENAME TO cards;
ALTER TABLE review_logs_v4 RENAME TO review_logs;

-- The due queue ranks review cards from this index alone (migration 3).
CREATE INDEX cards_by_due ON cards (learner_key, state, due, last_review, stability, scheduled_days);
CREATE INDEX review_logs_by_card ON review_logs (learner_key, card_id, reviewed_at);
