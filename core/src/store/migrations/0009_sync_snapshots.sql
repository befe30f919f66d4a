-- learnloop store, migration 9: sync compaction. A replica that compacted
-- keeps its snapshot (learnloop::sync::Snapshot in its binary form: the
-- state after the compacted events, and what they were); the compacted
-- events leave sync_events in the same transaction. A peer's
-- acknowledgement carries its clock (the hybrid-logical-clock stamp it had
-- reached), which bounds what may be compacted; 0 until it reports one.

CREATE TABLE sync_snapshots (
    learner_key INTEGER PRIMARY KEY REFERENCES learners (key) ON DELETE CASCADE,
    snapshot    BLOB NOT NULL
);

ALTER TABLE sync_peers ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
