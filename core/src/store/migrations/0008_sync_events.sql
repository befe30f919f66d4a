-- learnloop store, migration 8: the sync event log (learnloop::sync).
--
-- Events are kept whole (kind, version and payload bytes as made), so a
-- newer app's events are stored and forwarded untouched. What is derived
-- from them (cards, adaptive sessions) is written to the usual tables in
-- the same transaction as the events; the version vector is not stored, it
-- is the events' own (device, seq) runs.

CREATE TABLE sync_events (
    learner_key INTEGER NOT NULL REFERENCES learners (key) ON DELETE CASCADE,
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hlc         INTEGER NOT NULL,            -- 48-bit ms, 16-bit counter
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    payload     BLOB NOT NULL,
    PRIMARY KEY (learner_key, device, seq)
) WITHOUT ROWID;

-- This database's device id for each synced learner, and its clock.
CREATE TABLE sync_replicas (
    learner_key INTEGER PRIMARY KEY REFERENCES learners (key) ON DELETE CASCADE,
    device      TEXT NOT NULL,
    clock       INTEGER NOT NULL
);

-- What each peer has acknowledged (its version vector, JSON): the outbox
-- for a peer is every event its vector does not cover.
CREATE TABLE sync_peers (
    learner_key INTEGER NOT NULL REFERENCES learners (key) ON DELETE CASCADE,
    peer        TEXT NOT NULL,
    vector      TEXT NOT NULL,
    PRIMARY KEY (learner_key, peer)
) WITHOUT ROWID;
