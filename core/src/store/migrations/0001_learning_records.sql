-- learnloop store, migration 1: learners, sessions, their adaptation
-- history and messages, the event log, cards and review logs.
-- Times are whole microseconds since the Unix epoch (UTC) in INTEGER columns.

CREATE TABLE learners (
    id         TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    token          TEXT,
    topics         TEXT NOT NULL,            -- JSON array of strings
    state          TEXT NOT NULL CHECK (state IN ('active', 'completed')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    learning_style TEXT NOT NULL,            -- adaptiveState.detectedLearningStyle
    difficulty     REAL NOT NULL,            -- adaptiveState.adaptiveDifficultyLevel
    adaptive_state TEXT NOT NULL             -- adaptiveState, JSON
);
-- A learner's active sessions by recency (seed 000: state, updatedAt).
CREATE INDEX sessions_active_by_recency ON sessions (learner_id, state, updated_at);

CREATE TABLE adaptation_history (
    session_id          TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq                 INTEGER NOT NULL,
    at                  INTEGER NOT NULL,
    question_id         TEXT NOT NULL,
    difficulty          REAL NOT NULL,
    reasoning           TEXT NOT NULL,
    performance_context REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
-- Chronological adaptation tracking (seed 000: timestamp).
CREATE INDEX adaptation_history_by_time ON adaptation_history (session_id, at);

CREATE TABLE messages (
    session_id       TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    message_index    INTEGER NOT NULL,
    text             TEXT NOT NULL,
    is_user          INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    adaptive_context TEXT                    -- JSON, if any
);
-- Conversation ordering (seed 000: messageIndex).
CREATE UNIQUE INDEX messages_by_index ON messages (session_id, message_index);

-- Append-only: an event is identified by (learner, device, seq) and never changes.
CREATE TABLE events (
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,                -- JSON
    PRIMARY KEY (learner_id, device, seq)
);
CREATE INDEX events_by_time ON events (at);
CREATE TRIGGER events_are_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE cards (
    position       INTEGER PRIMARY KEY,      -- insertion order (new cards are studied in it)
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
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
    UNIQUE (learner_id, card_id)
);
CREATE INDEX cards_by_due ON cards (learner_id, state, due);

CREATE TABLE review_logs (
    id             INTEGER PRIMARY KEY,
    learner_id     TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    card_id        TEXT NOT NULL,
    rating         INTEGER NOT NULL,
    state          INTEGER NOT NULL,
    reviewed_at    INTEGER NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    duration_ms    INTEGER
);
CREATE INDEX review_logs_by_card ON review_logs (learner_id, card_id, reviewed_at);
