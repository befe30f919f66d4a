-- learnloop store, migration 2: consent, the audit log, personalization
-- queries.

CREATE TABLE consents (
    id         INTEGER PRIMARY KEY,
    learner_id TEXT NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('analytics', 'research')),
    granted    INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX consents_by_learner ON consents (learner_id, purpose, at);

-- Subjects are keyed pseudonyms (see store_secrets), so the log outlives an
-- erasure without keeping the erased learner's id.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_log_by_subject ON audit_log (subject, at);

CREATE TABLE store_secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);
INSERT INTO store_secrets (name, value) VALUES ('audit_pseudonym_key', randomblob(32));

-- Personalization queries (seed 000: detectedLearningStyle, adaptiveDifficultyLevel).
CREATE INDEX sessions_by_personalization ON sessions (learning_style, difficulty);
